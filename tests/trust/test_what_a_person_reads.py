"""What a person reads must be what was signed, and what the document means (DESIGN.md threats 2 and 4).

C1 control characters (U+0080-U+009F: U+0085 is a line break to some readers, U+009B a terminal's escape) are
refused like C0 ones. A signed text re-spelled so that it signs the same RDF — as a value object, as a list of
one, as the class term of its property (``Criteria`` for ``criteria``) — is refused where nothing needs that
spelling, and read as the text it means where JSON-LD has a use for it (a list, a language)."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from trustworld import NOW, TYPES_CONTEXT_DIR, ts
from skillspas.issuer import sign
from skillspas.issuer.demo import sample_credential
from skillspas.keys import LocalSigner, generate
from skillspas.schemas.errors import ErrorCode, SkillspasError
from skillspas.wallet_export import build_presentation

NAME = "Anouk Testdata (fictief)"


def _refused(result, path: str, *words: str) -> None:
    assert not result.verified
    assert result.first_error.code is ErrorCode.SCHEMA_INVALID, result.to_json()["errors"]
    assert result.first_error.path == path
    for word in words:
        assert word in result.first_error.text("en") and word in result.first_error.text("nl")


def _signed_anyway(world, credential: dict[str, Any]) -> dict[str, Any]:
    """``credential`` (the world's, re-spelled) signed by the ROC without any check: what a careless or
    hostile issuer's tool would hand out."""
    from skillspas.verifier import Verifier
    from skillspas.verifier.suites import suite_for_signing

    unsecured = {k: v for k, v in credential.items() if k != "proof"}
    options = {"created": ts(NOW), "verificationMethod": world.roc.signer().verification_method,
               "proofPurpose": "assertionMethod"}
    proof = suite_for_signing("eddsa-rdfc-2022").create_proof(unsecured, world.roc.signer(), options,
                                                               Verifier(contexts=TYPES_CONTEXT_DIR).processor)
    return {**unsecured, "proof": proof}


def _shown(credential: dict[str, Any]) -> dict[str, Any]:
    """``credential`` in an unsigned presentation, as a holder hands over a passport file."""
    return build_presentation([credential])


@pytest.mark.parametrize("char", ["\u0085", "\u009b", "\u0080", "\u009f"], ids=["NEL", "CSI", "U+0080", "U+009F"])
def test_a_signed_name_with_a_c1_control_character_is_refused_not_valid(world, char):
    credential = copy.deepcopy(world.credential(world.roc))
    credential["credentialSubject"]["name"] = f"Anouk{char}31m Testdata"
    credential = _signed_anyway(world, credential)
    _refused(world.verify(credential), "/credentialSubject/name", f"U+{ord(char):04X}")
    _refused(world.verify(_shown(credential)), "/verifiableCredential/0/credentialSubject/name")


def test_the_issuer_refuses_to_sign_a_c1_control_character():
    signer = LocalSigner(generate("ed25519"))
    unsigned = sample_credential(signer.controller)
    unsigned["credentialSubject"]["achievement"]["description"] = "Basiszorg\u0085Ingetrokken"
    with pytest.raises(SkillspasError) as refused:
        sign(unsigned, signer)
    assert refused.value.code is ErrorCode.SCHEMA_INVALID and "U+0085" in refused.value.text("nl")

