"""Browser build only: hash algorithm names (python-ecdsa picks the hash from the curve)."""


class HashAlgorithm:
    """Base of the hash names."""

    name = ""


class SHA256(HashAlgorithm):
    name = "sha256"


class SHA384(HashAlgorithm):
    name = "sha384"
