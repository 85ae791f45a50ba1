"""Browser build only: the part of PyNaCl's exceptions that skillspas's verify path imports."""


class BadSignatureError(ValueError):
    """An Ed25519 signature that does not verify (as nacl.exceptions.BadSignatureError)."""
