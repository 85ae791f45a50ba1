"""Pure-Python signature verification for the browser build of the verifier (issue 19).

Pyodide's npm package holds no cryptography, PyNaCl or cffi, so in the browser build the shims
next to this file (``cryptography``, ``nacl``) verify through python-ecdsa instead. Verification
only: the browser never signs. The CPython verifier never imports this module.

python-ecdsa differs from libsodium for Ed25519: it does not refuse a signature whose ``R`` is of
small order, it hashes a re-encoding of ``R`` (so a non-canonical ``R`` could verify), and its point
arithmetic takes a point with X = 0 for the identity, which is wrong for points with a small-order
component. So, before python-ecdsa runs: S < L, R canonical and not of small order (the project's
edwards25519 checks), and the key and R must lie in the prime-order subgroup ([L]P = identity,
checked with complete extended-coordinate formulas below), where python-ecdsa's arithmetic is right. The last check refuses more than libsodium
(which accepts mixed-order keys, which no honest key generator makes), never less
(tests/verifier/test_browser_fallbacks.py runs both on the same vectors).
"""

from __future__ import annotations

import functools
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

def _extended_add(a: tuple[int, int, int, int], b: tuple[int, int, int, int]) -> tuple[int, int, int, int]:
    """Complete addition in extended coordinates (X:Y:Z:T) on -x^2 + y^2 = 1 + d x^2 y^2
    (Hisil-Wong-Carter-Dawson 2008, "add-2008-hwcd-3"): correct for every pair of points."""
    p, d2 = _edwards25519._P, 2 * _edwards25519._D
    x1, y1, z1, t1 = a
    x2, y2, z2, t2 = b
    aa = (y1 - x1) * (y2 - x2) % p
    bb = (y1 + x1) * (y2 + x2) % p
    cc = t1 * d2 * t2 % p
    dd = 2 * z1 * z2 % p
    e, f, g, h = bb - aa, dd - cc, dd + cc, bb + aa
    return e * f % p, g * h % p, f * g % p, e * h % p


def in_prime_order_subgroup(point: tuple[int, int]) -> bool:
    """Whether [L]P is the identity (P has no small-order component)."""
    x, y = point
    base = (x, y, 1, x * y % _edwards25519._P)
    acc = (0, 1, 1, 0)
    for bit in bin(_L)[2:]:
        acc = _extended_add(acc, acc)
        if bit == "1":
            acc = _extended_add(acc, base)
    ax, ay, az, _ = acc
    return ax % _edwards25519._P == 0 and (ay - az) % _edwards25519._P == 0


@functools.lru_cache(maxsize=256)
def ed25519_check_key(public_key: bytes) -> None:
    """Refuse non-canonical and small-order keys (as libsodium) and mixed-order keys (stricter)."""
    try:
        _edwards25519.check_public_key(public_key)
        point = _edwards25519.decode_point(public_key)
    except ValueError as exc:
        raise VerifyFailed(f"Ed25519 public key refused: {exc}") from None
    if not in_prime_order_subgroup(point):
        raise VerifyFailed("Ed25519 public key refused: it has a small-order component")

def ed25519_verify(signature: bytes, data: bytes, public_key: bytes) -> None:
    """Verify as libsodium's ``crypto_sign_verify_detached``: S < L, R canonical and not of small
    order, the key canonical and not of small order, then the cofactorless equation."""
    if len(signature) != 64 or len(public_key) != 32:
        raise VerifyFailed("Ed25519 signature is 64 bytes, the key 32")
    if int.from_bytes(signature[32:], "little") >= _L:
        raise VerifyFailed("non-canonical S")
    try:
        r = _edwards25519.decode_point(signature[:32])
    except ValueError:
        raise VerifyFailed("R is not a canonical point") from None
    if _edwards25519.has_small_order(r):
        raise VerifyFailed("small-order R")
    if not in_prime_order_subgroup(r):  # then [S]B = R + [k]A cannot hold with a checked key: libsodium refuses too
        raise VerifyFailed("R has a small-order component")
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
