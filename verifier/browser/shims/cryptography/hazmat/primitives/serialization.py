"""Browser build only: the encoding names skillspas's verify path uses; key files are not read here."""

import enum

from cryptography.exceptions import UnsupportedAlgorithm


class Encoding(enum.Enum):
    Raw = "Raw"
    X962 = "X9.62"
    PEM = "PEM"
    DER = "DER"


class PublicFormat(enum.Enum):
    Raw = "Raw"
    CompressedPoint = "X9.62 Compressed Point"
    UncompressedPoint = "X9.62 Uncompressed Point"
    SubjectPublicKeyInfo = "X.509 subjectPublicKeyInfo"


class PrivateFormat(enum.Enum):
    Raw = "Raw"
    PKCS8 = "PKCS8"


class NoEncryption:
    """Name only."""


def _unsupported(*_args, **_kwargs):
    raise UnsupportedAlgorithm("key files are not read in the browser build")


load_pem_private_key = load_der_private_key = load_pem_public_key = load_der_public_key = _unsupported
