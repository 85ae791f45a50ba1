"""The sample inputs under examples/: three per type, each issues, validates and verifies in skillspas."""

from __future__ import annotations

import pytest

from credential_cases import EXAMPLES, KINDS, example, example_paths, issue, new_signer
from skillspas.issuer.credentials import type_name
from skillspas.issuer.privacy import check_no_national_id
from skillspas.schemas.kwalificaties import Kwalificaties
from skillspas.schemas.jsonld.processor import DocumentProcessor
from skillspas.schemas.jsonschema.type_schemas import validate_ob3, validate_type
from skillspas.schemas.vocab import SkillsVocabulary
from skillspas.verifier import verify

SCHOOL, LEERBEDRIJF = new_signer(), new_signer()


def test_three_sample_inputs_per_type():
    for kind in KINDS:
        assert len(list((EXAMPLES / kind).glob("*.json"))) == 3, kind
    assert {p.parent.name for p in example_paths()} == set(KINDS)


@pytest.mark.parametrize("path", example_paths(), ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_example_issues_validates_and_verifies(path):
    kind = path.parent.name
    row = example(kind, sorted(path.parent.glob("*.json")).index(path))
    check_no_national_id(row)
    signed = issue(kind, row, SCHOOL, LEERBEDRIJF)
    assert type_name(kind) in signed["type"]
    validate_type(signed)
    validate_ob3(signed)
    DocumentProcessor().expand({k: v for k, v in signed.items() if k != "proof"})
    result = verify(signed, trusted_issuers=[SCHOOL.controller])
    assert result.verified, result.errors
    vocabulary = SkillsVocabulary.bundled()
    for skill in result.summary.skills:
        assert skill.url in vocabulary
        assert skill.name == vocabulary.get(skill.url).label("nl")


def test_examples_use_real_kwalificaties_and_only_fictional_people_and_institutions():
    register = Kwalificaties.bundled()
    for path in example_paths():
        row = example(path.parent.name, sorted(path.parent.glob("*.json")).index(path))
        if "crebo" in row:
            assert register.get(row["crebo"]) is not None, path
        assert "(fictief)" in row["issuer_name"], path
        assert "issuer_id" not in row and "leerbedrijf_did" not in row  # the keys used to sign give these
