"""Browser build only: DER ECDSA-Sig-Value encoding (python-ecdsa's encoder)."""

from ecdsa.der import encode_integer, encode_sequence


def encode_dss_signature(r, s):
    """(r, s) as DER, as cryptography's encode_dss_signature."""
    return encode_sequence(encode_integer(r), encode_integer(s))


def decode_dss_signature(signature):
    from cryptography.exceptions import UnsupportedAlgorithm

    raise UnsupportedAlgorithm("the browser build does not sign")
