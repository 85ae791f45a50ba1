"""Presentations: every embedded credential is verified; the holder's proof binds challenge and domain."""

from __future__ import annotations

import copy

import pytest

from helpers import new_signer, signed_credential
from skillspas.schemas.errors import ErrorCode
from skillspas.verifier import verify
from skillspas.wallet_export import build_presentation


@pytest.fixture(scope="module")
def setup():
    first, issuer = signed_credential()
    second, _ = signed_credential(issuer)
    holder = new_signer()
    return [first, second], issuer, holder


def test_signed_presentation_with_challenge_and_domain_verifies(setup):
    credentials, issuer, holder = setup
    vp = build_presentation(credentials, holder=holder, challenge="c-123", domain="werkgever.example")
    result = verify(vp, trusted_issuers=[issuer.controller], challenge="c-123", domain="werkgever.example")
    assert result.verified, result.to_json()
    assert len(result.credentials) == 2 and all(c.verified for c in result.credentials)
    assert result.proofs[0].proof_purpose == "authentication"


def test_wrong_challenge(setup):
    credentials, issuer, holder = setup
    vp = build_presentation(credentials, holder=holder, challenge="c-123", domain="werkgever.example")
    result = verify(vp, trusted_issuers=[issuer.controller], challenge="other", domain="werkgever.example")
    assert not result.verified and result.first_error.code is ErrorCode.CHALLENGE_MISMATCH
    assert result.exit_code == 1


def test_wrong_domain(setup):
    credentials, issuer, holder = setup
    vp = build_presentation(credentials, holder=holder, challenge="c-123", domain="werkgever.example")
    result = verify(vp, trusted_issuers=[issuer.controller], challenge="c-123", domain="elders.example")
    assert result.first_error.code is ErrorCode.DOMAIN_MISMATCH


def test_challenge_asked_but_presentation_unsigned(setup):
    credentials, issuer, _ = setup
    result = verify(build_presentation(credentials), trusted_issuers=[issuer.controller], challenge="c-123")
    assert not result.verified and result.first_error.code is ErrorCode.INVALID_PROOF


def test_tampered_embedded_credential_fails_the_presentation(setup):
    credentials, issuer, holder = setup
    changed = copy.deepcopy(credentials)
    changed[1]["credentialSubject"]["name"] = "Iemand Anders"
    vp = build_presentation(changed, holder=holder, challenge="c")
    result = verify(vp, trusted_issuers=[issuer.controller], challenge="c")
    assert not result.verified
    assert result.credentials[0].verified and not result.credentials[1].verified
    assert result.first_error.code is ErrorCode.INVALID_SIGNATURE


def test_presentation_signed_by_someone_else_than_the_holder(setup):
    credentials, issuer, holder = setup
    vp = build_presentation(credentials, holder=holder, challenge="c")
    vp["holder"] = new_signer().controller
    result = verify(vp, trusted_issuers=[issuer.controller], challenge="c")
    assert not result.verified
    assert result.first_error.code is ErrorCode.INVALID_SIGNATURE  # holder is signed data


def test_changed_challenge_in_proof_breaks_the_signature(setup):
    credentials, issuer, holder = setup
    vp = build_presentation(credentials, holder=holder, challenge="c")
    vp["proof"]["challenge"] = "d"
    result = verify(vp, trusted_issuers=[issuer.controller], challenge="d")
    assert result.first_error.code is ErrorCode.INVALID_SIGNATURE
