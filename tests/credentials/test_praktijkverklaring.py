"""The praktijkverklaring is a proof set: the school and the leerbedrijf each sign, and both must hold."""

from __future__ import annotations

import copy

import pytest

from credential_cases import build_row, example, issue, new_signer
from skillspas.issuer import sign
from skillspas.schemas.errors import ErrorCode, SkillspasError
from skillspas.verifier import verify

SCHOOL, LEERBEDRIJF = new_signer(), new_signer()


@pytest.fixture(scope="module")
def signed() -> dict:
    return issue("praktijkverklaring", example("praktijkverklaring"), SCHOOL, LEERBEDRIJF)


def _verify(document: dict):
    return verify(document, trusted_issuers=[SCHOOL.controller])


def test_both_proofs_verify_and_the_verifier_shows_both_signers(signed):
    assert len(signed["proof"]) == 2
    result = _verify(signed)
    assert result.verified, result.errors
    assert [p.controller for p in result.proofs] == [SCHOOL.controller, LEERBEDRIJF.controller]
    assert all(p.ok for p in result.proofs)
    assert result.summary.signers == (SCHOOL.controller, LEERBEDRIJF.controller)
    assert result.to_json()["summary"]["signers"] == [SCHOOL.controller, LEERBEDRIJF.controller]


def test_the_two_proofs_are_independent_of_each_other(signed):
    # A proof set, not a chain: each proof signs the credential without the other proof.
    assert all("previousProof" not in proof for proof in signed["proof"])
    for proof in signed["proof"]:
        alone = {**signed, "proof": proof}
        result = verify(alone, trusted_issuers=[SCHOOL.controller])
        assert [p.ok for p in result.proofs] == [True]


def test_without_the_leerbedrijfs_proof_it_does_not_verify(signed):
    document = {**signed, "proof": signed["proof"][0]}
    result = _verify(document)
    assert not result.verified
    assert result.first_error.code is ErrorCode.INVALID_PROOF
    assert LEERBEDRIJF.controller in result.first_error.message


def test_without_the_schools_proof_it_does_not_verify(signed):
    document = {**signed, "proof": signed["proof"][1]}
    result = _verify(document)
    assert not result.verified
    assert result.first_error.code is ErrorCode.KEY_NOT_AUTHORIZED


@pytest.mark.parametrize(
    "tamper",
    [
        pytest.param(lambda d: d["credentialSubject"]["werkprocessen"][0].__setitem__("code", "B1-K1-W3"), id="werkproces code"),
        pytest.param(lambda d: d["credentialSubject"]["werkprocessen"][1].__setitem__("name", "Bereidt gerechten"), id="werkproces title"),
        pytest.param(lambda d: d["credentialSubject"]["werkprocessen"].pop(), id="one werkproces removed"),
        pytest.param(lambda d: d["credentialSubject"]["period"].__setitem__("endDate", "2025-12-31"), id="period"),
    ],
)
def test_changing_the_werkprocessen_breaks_both_signatures(signed, tamper):
    document = copy.deepcopy(signed)
    tamper(document)
    result = _verify(document)
    assert not result.verified
    assert result.first_error.code is ErrorCode.INVALID_SIGNATURE
    assert [p.ok for p in result.proofs] == [False, False]


def test_a_third_party_cannot_add_a_proof(signed):
    stranger = new_signer()
    with pytest.raises(SkillspasError) as caught:
        sign(copy.deepcopy(signed), stranger, append=True)
    assert caught.value.code is ErrorCode.ISSUER_MISMATCH


def test_the_leerbedrijf_cannot_sign_first_in_the_schools_place():
    unsigned = build_row("praktijkverklaring", example("praktijkverklaring"), SCHOOL, LEERBEDRIJF)
    with pytest.raises(SkillspasError) as caught:
        sign(unsigned, LEERBEDRIJF)
    assert caught.value.code is ErrorCode.ISSUER_MISMATCH
