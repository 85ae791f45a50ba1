"""Pure-Python signature verification for the browser build of the verifier (issue 19).

Pyodide's npm package holds no cryptography, PyNaCl or cffi, so in the browser build the shims
next to this file (``cryptography``, ``nacl``) verify through python-ecdsa instead. Verification
only: the browser never signs. The CPython verifier never imports this module.

python-ecdsa is more lenient than libsodium for Ed25519: it accepts a signature whose ``R`` is of
small order, and it hashes a re-encoding of ``R`` (so a non-canonical ``R`` could verify). Both are
refused here first, with the project's own edwards25519 checks, so that this path never accepts
what libsodium refuses (tests/verifier/test_browser_fallbacks.py runs both on the same vectors).
"""

from __future__ import annotations

import hashlib
from typing import Final

from ecdsa import NIST256p, NIST384p, VerifyingKey
from ecdsa.curves import Curve
from ecdsa.eddsa import PublicKey as _EdPublicKey
from ecdsa.eddsa import generator_ed25519
from ecdsa.errors import MalformedPointError
from ecdsa.util import sigdecode_der, sigdecode_string

from skillspas.keys import _edwards25519

__all__ = ["VerifyFailed", "ed25519_verify", "ed25519_check_key", "ec_decode", "ec_verify_der", "ec_verify_raw",
           "CURVES"]

_L: Final = 2**252 + 27742317777372353535851937790883648493  # order of the Ed25519 base point
CURVES: Final[dict[str, tuple[Curve, object]]] = {
    "secp256r1": (NIST256p, hashlib.sha256),
    "secp384r1": (NIST384p, hashlib.sha384),
}

class VerifyFailed(Exception):
    """A signature or key that does not verify (the shims map it to their library's exception)."""

def ed25519_check_key(public_key: bytes) -> None:
    """Refuse what libsodium refuses as an Ed25519 public key: non-canonical or small-order points."""
    try:
        _edwards25519.check_public_key(public_key)
    except ValueError as exc:
        raise VerifyFailed(f"Ed25519 public key refused: {exc}") from None

def ed25519_verify(signature: bytes, data: bytes, public_key: bytes) -> None:
    """Verify as libsodium's ``crypto_sign_verify_detached``: S < L, R canonical and not of small
    order, the key canonical and not of small order, then the cofactorless equation."""
    if len(signature) != 64 or len(public_key) != 32:
        raise VerifyFailed("Ed25519 signature is 64 bytes, the key 32")
    if int.from_bytes(signature[32:], "little") >= _L:
        raise VerifyFailed("non-canonical S")
    try:
        if _edwards25519.has_small_order(_edwards25519.decode_point(signature[:32])):
            raise VerifyFailed("small-order R")
    except ValueError:
        raise VerifyFailed("R is not a canonical point") from None
    ed25519_check_key(public_key)
    try:
        _EdPublicKey(generator_ed25519, public_key).verify(data, signature)
    except (ValueError, MalformedPointError, AssertionError):
        raise VerifyFailed("Ed25519 signature does not verify") from None

def ec_decode(curve_name: str, encoded: bytes) -> VerifyingKey:
    """Decode a compressed or uncompressed point on P-256/P-384; ValueError when not on the curve."""
    curve, hashfunc = CURVES[curve_name]
    try:
        return VerifyingKey.from_string(encoded, curve=curve, hashfunc=hashfunc,
                                        valid_encodings=("compressed", "uncompressed"))
    except (MalformedPointError, ValueError, AssertionError):
        raise ValueError("not a point on the curve") from None

def ec_verify_der(key: VerifyingKey, signature: bytes, data: bytes) -> None:
    """Verify a DER ECDSA signature with the curve's hash (SHA-256 for P-256, SHA-384 for P-384)."""
    try:
        ok = key.verify(signature, data, sigdecode=sigdecode_der)
    except Exception:  # python-ecdsa raises BadSignatureError, UnexpectedDER, MalformedPointError...
        raise VerifyFailed("ECDSA signature does not verify") from None
    if not ok:
        raise VerifyFailed("ECDSA signature does not verify")

def ec_verify_raw(key: VerifyingKey, signature: bytes, data: bytes) -> None:
    """Verify a raw r || s (IEEE P1363) ECDSA signature."""
    try:
        ok = key.verify(signature, data, sigdecode=sigdecode_string)
    except Exception:
        raise VerifyFailed("ECDSA signature does not verify") from None
    if not ok:
        raise VerifyFailed("ECDSA signature does not verify")
