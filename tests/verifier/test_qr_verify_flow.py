"""The ``skillspas verify --qr IMAGE`` flow at the Python level: image -> text -> JSON bytes -> Verifier."""

from __future__ import annotations

import pytest

from helpers import new_signer, signed_credential
from skillspas.schemas.errors import ErrorCode, SkillspasError
from skillspas.verifier import Verifier
from skillspas.verifier.qr import decode_payload, read_qr_image
from skillspas.wallet_export.qr import credential_qr, qr_for_text


def _verify_qr(image, verifier: Verifier):
    """What the CLI does: read the image, decode the payload, verify the bytes."""
    return verifier.verify(decode_payload(read_qr_image(image), verifier.limits))


@pytest.fixture(scope="module")
def issued():
    credential, issuer = signed_credential()
    return credential, issuer


def test_qr_png_of_a_signed_credential_verifies_offline(issued, tmp_path):
    credential, issuer = issued
    path = credential_qr(credential).save(tmp_path / "diploma.png")
    result = _verify_qr(path, Verifier(trusted_issuers=[issuer.controller]))
    assert result.verified, result.to_json()
    assert result.exit_code == 0
    assert [s.url for s in result.summary.skills] == [
        a["targetUrl"] for a in credential["credentialSubject"]["achievement"]["alignment"]
    ]


def test_qr_of_an_untrusted_issuer_is_checked_and_not_valid(issued):
    credential, _ = issued
    result = _verify_qr(credential_qr(credential).png(), Verifier(trusted_issuers=[new_signer().controller]))
    assert not result.verified and result.first_error.code is ErrorCode.UNTRUSTED_ISSUER


def test_qr_with_one_changed_character_never_verifies(issued):
    credential, issuer = issued
    text = credential_qr(credential).text
    position = len(text) // 2
    changed = text[:position] + ("A" if text[position] != "A" else "B") + text[position + 1:]
    image = qr_for_text(changed).png()
    with pytest.raises(SkillspasError) as caught:
        _verify_qr(image, Verifier(trusted_issuers=[issuer.controller]))
    assert caught.value.code is ErrorCode.QR_UNREADABLE
    assert caught.value.code.exit_code == 2


def test_decode_payload_uses_the_verifiers_limits(issued):
    credential, issuer = issued
    verifier = Verifier(trusted_issuers=[issuer.controller])
    small = type(verifier.limits)(max_bytes=500)
    with pytest.raises(SkillspasError) as caught:
        decode_payload(read_qr_image(credential_qr(credential).png()), small)
    assert caught.value.code is ErrorCode.QR_TOO_LARGE
