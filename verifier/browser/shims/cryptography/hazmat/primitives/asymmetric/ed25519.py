"""Browser build only: Ed25519 public keys (verification by skillspas_pure_crypto, libsodium's rules)."""

from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm


class Ed25519PublicKey:
    """A 32-byte Ed25519 public key."""

    def __init__(self, raw):
        self._raw = raw

    @classmethod
    def from_public_bytes(cls, data):
        """Wrap 32 raw bytes (skillspas checks the point itself, see keys/_edwards25519.py)."""
        if len(data) != 32:
            raise ValueError("An Ed25519 public key is 32 bytes long")
        return cls(bytes(data))

    def public_bytes_raw(self):
        return self._raw

    def verify(self, signature, data):
        from skillspas_pure_crypto import VerifyFailed, ed25519_verify

        try:
            ed25519_verify(bytes(signature), bytes(data), self._raw)
        except VerifyFailed:
            raise InvalidSignature() from None


class Ed25519PrivateKey:
    """Never built in the browser: the browser does not sign."""

    @classmethod
    def generate(cls):
        raise UnsupportedAlgorithm("the browser build verifies only; it holds no private keys")

    from_private_bytes = generate
