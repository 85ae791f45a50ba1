"""Browser build only: P-256/P-384 public keys and ECDSA verification over python-ecdsa.

Verification only (skillspas_pure_crypto); generating or deriving a private key is refused."""

from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization


class EllipticCurve:
    """A curve name (the verifier only needs the name)."""

    name = ""


class SECP256R1(EllipticCurve):
    name = "secp256r1"
    key_size = 256


class SECP384R1(EllipticCurve):
    name = "secp384r1"
    key_size = 384


class ECDSA:
    """The signature algorithm with its hash (the curve fixes the hash in skillspas)."""

    def __init__(self, algorithm):
        self.algorithm = algorithm


class EllipticCurvePublicKey:
    """A point on P-256 or P-384."""

    def __init__(self, curve, key):
        self.curve = curve
        self._key = key

    @classmethod
    def from_encoded_point(cls, curve, data):
        """Decode an X9.62 point; ValueError when it is not on the curve."""
        from skillspas_pure_crypto import ec_decode

        return cls(curve, ec_decode(curve.name, bytes(data)))

    def public_bytes(self, encoding, format):
        """The X9.62 compressed (or uncompressed) point."""
        if encoding is not serialization.Encoding.X962:
            raise UnsupportedAlgorithm("only X9.62 points in the browser build")
        if format is serialization.PublicFormat.CompressedPoint:
            return self._key.to_string("compressed")
        return self._key.to_string("uncompressed")

    def verify(self, signature, data, signature_algorithm):
        """Verify a DER signature; InvalidSignature on any mismatch."""
        from skillspas_pure_crypto import VerifyFailed, ec_verify_der

        try:
            ec_verify_der(self._key, bytes(signature), bytes(data))
        except VerifyFailed:
            raise InvalidSignature() from None


class EllipticCurvePrivateKey:
    """Never built in the browser: the browser does not sign."""


def _unsupported(*_args, **_kwargs):
    raise UnsupportedAlgorithm("the browser build verifies only; it holds no private keys")


generate_private_key = derive_private_key = _unsupported
