"""Per-type JSON Schemas and the official OB 3.0 schema: errors name the field in nl and en."""

from __future__ import annotations

import copy
import random
from typing import Any, Callable

import pytest
from jsonschema import Draft201909Validator

from credential_cases import KINDS, build_row, example, example_paths, issue, new_signer
from skillspas.issuer.credentials import type_name
from skillspas.schemas.jsonschema import type_schemas
from skillspas.schemas.errors import ErrorCode, SkillspasError
from skillspas.schemas.jsonschema.type_schemas import (
    CREDENTIAL_TYPES, skillspas_type, type_schema, validate_ob3, validate_type,
)

SCHOOL, LEERBEDRIJF = new_signer(), new_signer()


def _built(kind: str, index: int = 0) -> dict[str, Any]:
    return build_row(kind, example(kind, index), SCHOOL, LEERBEDRIJF)


def _error(credential: dict[str, Any]) -> SkillspasError:
    with pytest.raises(SkillspasError) as caught:
        validate_type(credential)
    return caught.value


def test_each_type_has_a_draft_2020_12_schema_with_field_labels():
    for name in CREDENTIAL_TYPES:
        schema = type_schema(name)
        assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
        assert schema["$id"].endswith(f"/{name}.json")
    with pytest.raises(ValueError):
        type_schema("Rijbewijs")


@pytest.mark.parametrize("path", example_paths(), ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_every_example_passes_its_type_schema_and_both_official_ob3_schemas(path):
    kind = path.parent.name
    signed = issue(kind, example(kind, sorted(path.parent.glob("*.json")).index(path)), SCHOOL, LEERBEDRIJF)
    validate_type(signed)
    validate_ob3(signed)
    # The strict 2024 variant wants every proof in a list: what we emit passes it, proof aside.
    proofs = signed["proof"] if isinstance(signed["proof"], list) else [signed["proof"]]
    validate_ob3({**signed, "proof": proofs}, strict=True)


def test_official_ob3_schema_is_the_one_1edtech_publishes():
    schema = type_schemas._documents()[1]["validate"]
    assert schema["$id"] == "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential_schema.json"
    Draft201909Validator.check_schema(schema)


def test_a_credential_failing_only_the_ob3_schema_is_refused():
    credential = _built("mbo-diploma")
    credential["issuer"]["otherIdentifier"][0]["colour"] = "blue"  # OB 3.0: IdentifierEntry has no extra fields
    error = _error(credential)
    assert error.code is ErrorCode.SCHEMA_INVALID
    assert "Open Badges 3.0" in error.text("nl") and "Open Badges 3.0" in error.text("en")


Mutation = Callable[[dict[str, Any]], None]


def _set(*path: Any, value: Any) -> Mutation:
    def mutate(credential: dict[str, Any]) -> None:
        node = credential
        for key in path[:-1]:
            node = node[key]
        node[path[-1]] = value
    return mutate


def _drop(*path: Any) -> Mutation:
    def mutate(credential: dict[str, Any]) -> None:
        node = credential
        for key in path[:-1]:
            node = node[key]
        del node[path[-1]]
    return mutate


SUBJECT, ACHIEVEMENT = ("credentialSubject",), ("credentialSubject", "achievement")
KWALIFICATIE = (*ACHIEVEMENT, "kwalificatie")


@pytest.mark.parametrize(
    "kind, mutate, pointer, words_nl, words_en",
    [
        pytest.param("mbo-diploma", _drop(*KWALIFICATIE, "crebo"), "/credentialSubject/achievement/kwalificatie/crebo",
                     "crebo-code van de kwalificatie ontbreekt", "crebo code of the qualification is missing", id="missing crebo"),
        pytest.param("mbo-diploma", _set(*KWALIFICATIE, "niveau", value=5), "/credentialSubject/achievement/kwalificatie/niveau",
                     "mbo-niveau moet 1, 2, 3 of 4 zijn", "must be 1, 2, 3 or 4", id="niveau 5"),
        pytest.param("mbo-diploma", _set(*SUBJECT, "leerweg", value="deeltijd"), "/credentialSubject/leerweg",
                     "leerweg moet BOL of BBL zijn", "must be BOL or BBL", id="leerweg not BOL or BBL"),
        pytest.param("mbo-diploma", _set("validFrom", value="2025-07-01"), "/validFrom",
                     "uitgiftedatum moet een datum met tijd", "date of issue must be a date and time", id="date without time"),
        pytest.param("praktijkverklaring", _set(*SUBJECT, "period", "endDate", value="2025-02-30"),
                     "/credentialSubject/period/endDate", "einddatum van de periode moet een bestaande datum",
                     "end date of the period must be an existing date", id="a date that does not exist"),
        pytest.param("praktijkverklaring", _set(*SUBJECT, "werkprocessen", 0, "code", value="W3"),
                     "/credentialSubject/werkprocessen/0/code", "code van het werkproces", "code of the work process",
                     id="malformed werkproces code"),
        pytest.param("praktijkverklaring", _set(*SUBJECT, "result", value=[{"type": ["Result"], "value": "8"}]),
                     "/credentialSubject", "geen cijfers", "no grades", id="a grade on a praktijkverklaring"),
        pytest.param("praktijkverklaring", _set("coSigner", value="did:example:someone-else"), "/coSigner",
                     "medeondertekenaar moet het leerbedrijf zijn", "co-signer must be the leerbedrijf", id="co-signer is not the leerbedrijf"),
        pytest.param("ervaringscertificaat", _drop("issuer", "recognitionId"), "/issuer/recognitionId",
                     "erkenningsnummer van de EVC-aanbieder ontbreekt", "recognition number is missing", id="EVC without recognition id"),
        pytest.param("microcredential", _set(*ACHIEVEMENT, "participation", value="per post"),
                     "/credentialSubject/achievement/participation", "vorm van deelname", "form of participation",
                     id="unknown form of participation"),
        pytest.param("microcredential", _drop(*ACHIEVEMENT, "workload"), "/credentialSubject/achievement/workload",
                     "studielast ontbreekt", "workload is missing", id="micro-credential without workload"),
        pytest.param("mbo-certificaat", _set(*ACHIEVEMENT, "alignment", value=[]), "/credentialSubject/achievement/alignment",
                     "vaardigheden (ESCO) ontbreekt", "skills (ESCO) is missing", id="no skills"),
        pytest.param("mbo-certificaat", _set(*ACHIEVEMENT, "alignment", 0, "targetUrl", value="https://example.org/skill"),
                     "/credentialSubject/achievement/alignment/0/targetUrl", "URI van de ESCO-vaardigheid",
                     "URI of the ESCO skill", id="an alignment that is not an ESCO URI"),
        pytest.param("mbo-diploma", _set(*KWALIFICATIE, "eqf", value="http://data.europa.eu/snb/eqf/6"),
                     "/credentialSubject/achievement/kwalificatie/eqf", "EQF-niveau (6) past niet bij mbo-niveau",
                     "EQF level (6) does not match mbo level", id="EQF level that does not fit the mbo level"),
        pytest.param("mbo-diploma", _set(*KWALIFICATIE, "opleidingsduur", value=2), "/credentialSubject/achievement/kwalificatie/opleidingsduur",
                     "hoort niet bij de kwalificatie", "does not belong in the qualification", id="unknown field in the kwalificatie"),
    ],
)
def test_schema_error_names_the_field_in_dutch_and_english(kind, mutate, pointer, words_nl, words_en):
    credential = _built(kind)
    mutate(credential)
    error = _error(credential)
    assert error.code is ErrorCode.SCHEMA_INVALID
    assert error.path == pointer
    assert words_nl in error.text("nl")
    assert words_en in error.text("en")


def test_a_type_name_under_another_context_is_not_a_skillspas_type():
    credential = _built("mbo-diploma")
    assert skillspas_type(credential) == "MboDiploma"
    credential["@context"] = credential["@context"][:2] + ["https://example.org/other/v1"]
    assert skillspas_type(credential) is None


def test_a_credential_cannot_claim_two_skillspas_types():
    credential = _built("mbo-diploma")
    credential["type"].append("MboCertificaat")
    assert _error(credential).path == "/type"


# -- the compiled yes-check against jsonschema -----------------------------------------------------


def _mutations(document: Any, rng: random.Random, n: int) -> list[Any]:
    """``n`` copies of ``document``, each with one value replaced, removed or added somewhere."""
    paths: list[tuple[Any, ...]] = []

    def walk(node: Any, path: tuple[Any, ...]) -> None:
        paths.append(path)
        if isinstance(node, dict):
            for key, value in node.items():
                walk(value, (*path, key))
        elif isinstance(node, list):
            for index, value in enumerate(node):
                walk(value, (*path, index))

    walk(document, ())
    values = [None, True, 0, 5, 2.5, -1, "", "x", "BOL", "2025-02-30", "2025-07-01", [], {}, ["Werkproces"],
              "http://data.europa.eu/snb/eqf/9", "ext:ESCOAlignment", "did:example:x", 10001]
    out = []
    for _ in range(n):
        copy_ = copy.deepcopy(document)
        path = rng.choice(paths[1:])
        parent = copy_
        for key in path[:-1]:
            parent = parent[key]
        action = rng.random()
        if action < 0.3:
            del parent[path[-1]]
        elif action < 0.85:
            parent[path[-1]] = rng.choice(values)
        elif isinstance(parent, dict):
            parent["extra" + str(rng.randrange(3))] = rng.choice(values)
        else:
            parent.append(rng.choice(values))
        out.append(copy_)
    return out


@pytest.mark.parametrize("kind", KINDS)
def test_compiled_check_never_calls_valid_what_jsonschema_refuses(kind):
    rng = random.Random(f"skillspas-{kind}")
    name = type_name(kind)
    type_validator, ob3_validator = type_schemas._validator(name), type_schemas._ob3_validator()
    documents = [issue(kind, example(kind, i), SCHOOL, LEERBEDRIJF) for i in range(3)]
    checked = disagree = 0
    for document in documents + [m for d in documents for m in _mutations(d, rng, 150)]:
        for fast, slow in ((name, type_validator), ("ob3", ob3_validator)):
            verdict = type_schemas._certainly_valid(fast, document)
            truth = slow.is_valid(document)
            assert not (verdict and not truth), (fast, document)
            checked += 1
            disagree += verdict != truth
    assert type_schemas._compiled(name) is not None and type_schemas._compiled("ob3") is not None
    assert disagree == 0, f"{disagree} of {checked} verdicts went to jsonschema although valid"


def test_a_remembered_subject_answers_only_for_the_same_content():
    """The subject's checks remember answers by content (``yescheck.holding``): a subject changed in place
    after it passed, or the same subject beside a proof, is judged on what it says now."""
    credential = _built("mbo-diploma")
    validate_type(credential)
    signed = {**credential, "proof": {"type": "DataIntegrityProof"}}
    validate_type(signed)  # the same subject, remembered: still passes
    signed["credentialSubject"]["leerweg"] = "XYZ"  # the very object that passed, now wrong
    with pytest.raises(SkillspasError) as caught:
        validate_type(signed)
    assert caught.value.code == ErrorCode.SCHEMA_INVALID and caught.value.path == "/credentialSubject/leerweg"


def test_a_remembered_achievement_answers_only_for_the_same_content():
    """A batch's rows share their achievement, whose checks remember answers by content: the same achievement
    (same id) with one alignment changed, in another learner's credential or in place, is checked again."""
    credential = _built("mbo-diploma")
    validate_type(credential)
    other = copy.deepcopy(credential)
    other["credentialSubject"]["name"] = "Een Ander"
    validate_type(other)  # another subject, the same achievement: remembered, still passes
    achievement = other["credentialSubject"]["achievement"]
    framework = achievement["alignment"][0]["targetFramework"]
    achievement["alignment"][0]["targetFramework"] = {"ESCO": "CompetentNL", "CompetentNL": "ESCO"}[framework]
    for changed in (other, {**credential, "credentialSubject": {**credential["credentialSubject"], "achievement": achievement}}):
        with pytest.raises(SkillspasError) as caught:
            validate_type(changed)
        assert caught.value.code == ErrorCode.SCHEMA_INVALID
        assert caught.value.path.startswith("/credentialSubject/achievement/alignment/0")
