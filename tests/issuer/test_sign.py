"""issuer.sign: the issuer fills in itself, refuses other issuers, and verifies what it signs."""

from __future__ import annotations

import pytest

from skillspas.issuer import sign
from skillspas.issuer.demo import sample_credential
from skillspas.keys import LocalSigner, StaticResolver, generate
from skillspas.keys.did_web import did_web_document
from skillspas.schemas.errors import ErrorCode, SkillspasError
from skillspas.verifier import verify


def test_a_did_web_issuer_can_sign_and_the_result_verifies_with_its_did_document():
    pair = generate("ed25519")
    did = "did:web:roc-voorbeeldstad.example"
    signer = LocalSigner(pair, verification_method=f"{did}#key-1", controller=did)
    signed = sign(sample_credential(did), signer)
    document = did_web_document(did, [pair.public_key])
    result = verify(signed, resolver=StaticResolver({did: document}), trusted_issuers=[did])
    assert result.verified, result.to_json()


def test_sign_refuses_a_credential_naming_another_issuer():
    signer = LocalSigner(generate("ed25519"))
    with pytest.raises(SkillspasError) as caught:
        sign(sample_credential("did:web:someone-else.example"), signer)
    assert caught.value.code is ErrorCode.ISSUER_MISMATCH


def test_sign_refuses_an_existing_proof_without_append():
    signer = LocalSigner(generate("ed25519"))
    signed = sign(sample_credential(signer.controller), signer)
    with pytest.raises(ValueError):
        sign(signed, signer)


def test_a_signer_that_fails_is_signer_failed_without_its_secrets():
    class Broken:
        verification_method = LocalSigner(generate("ed25519")).verification_method
        controller = verification_method.split("#")[0]
        public_key = LocalSigner(generate("ed25519")).public_key
        algorithm = "Ed25519"

        def sign(self, data: bytes) -> bytes:
            raise OSError("token removed: PIN 1234")

    with pytest.raises(SkillspasError) as caught:
        sign(sample_credential(Broken.controller), Broken())
    assert caught.value.code is ErrorCode.SIGNER_FAILED
    assert "1234" not in str(caught.value)


def test_credentials_signed_in_the_same_second_each_carry_a_signature_over_their_own_content():
    """The proof configuration is canonicalized once per second (remembered by content): each
    credential's signature still covers its own document, and a change after signing is refused."""
    import copy
    import datetime as dt

    signer = LocalSigner(generate("ed25519"))
    moment = dt.datetime(2025, 7, 1, 12, 0, tzinfo=dt.timezone.utc)
    first = sample_credential(signer.controller)
    second = copy.deepcopy(first)
    second["credentialSubject"]["name"] = "Iemand anders"
    signed = [sign(credential, signer, created=moment) for credential in (first, second)]
    assert signed[0]["proof"]["created"] == signed[1]["proof"]["created"]
    assert signed[0]["proof"]["proofValue"] != signed[1]["proof"]["proofValue"]
    for document in signed:
        assert verify(document, trusted_issuers=[signer.controller]).verified
    swapped = {**signed[1], "proof": signed[0]["proof"]}
    result = verify(swapped, trusted_issuers=[signer.controller])
    assert not result.verified and result.errors[0].code is ErrorCode.INVALID_SIGNATURE
