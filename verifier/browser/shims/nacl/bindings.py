"""Browser build only: ``crypto_sign_open`` with libsodium's rules, in pure Python (python-ecdsa,
guarded by skillspas's small-order and canonical-encoding checks: skillspas_pure_crypto)."""

from nacl.exceptions import BadSignatureError


def crypto_sign_open(signed: bytes, public_key: bytes) -> bytes:
    """Verify ``signature || message`` and return the message; BadSignatureError otherwise."""
    from skillspas_pure_crypto import VerifyFailed, ed25519_verify

    if len(signed) < 64:
        raise BadSignatureError("signed message is shorter than a signature")
    try:
        ed25519_verify(bytes(signed[:64]), bytes(signed[64:]), bytes(public_key))
    except VerifyFailed as exc:
        raise BadSignatureError(str(exc)) from None
    return bytes(signed[64:])
