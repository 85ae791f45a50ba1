"""Just enough edwards25519 arithmetic to refuse weak Ed25519 public keys (RFC 8032 section 5.1.3).

Common Ed25519 verifiers accept a small-order public key (for example the identity point), and
with such a key a forged signature verifies over any message. ``check_public_key`` decodes the
point strictly and refuses non-canonical encodings and points whose order divides 8.
Only public data passes through here, so plain (not constant-time) integers are fine.
"""

from __future__ import annotations

from typing import Final

__all__ = ["decode_point", "has_small_order", "check_public_key"]

_P: Final = 2**255 - 19
_D: Final = (-121665 * pow(121666, _P - 2, _P)) % _P
_SQRT_M1: Final = pow(2, (_P - 1) // 4, _P)
_IDENTITY: Final = (0, 1)


def decode_point(encoded: bytes) -> tuple[int, int]:
    """Decode a 32-byte point per RFC 8032 5.1.3; ValueError when invalid or non-canonical."""
    if len(encoded) != 32:
        raise ValueError("an Ed25519 public key is 32 bytes")
    y = int.from_bytes(encoded, "little")
    sign = y >> 255
    y &= (1 << 255) - 1
    if y >= _P:
        raise ValueError("non-canonical encoding (y is not reduced modulo p)")
    u = (y * y - 1) % _P
    v = (_D * y * y + 1) % _P
    x2 = u * pow(v, _P - 2, _P) % _P
    x = pow(x2, (_P + 3) // 8, _P)
    if (x * x - x2) % _P != 0:
        x = x * _SQRT_M1 % _P
    if (x * x - x2) % _P != 0:
        raise ValueError("not a point on the curve")
    if x == 0 and sign == 1:
        raise ValueError("non-canonical encoding (negative zero x)")
    if x & 1 != sign:
        x = _P - x
    return x, y


def _add(a: tuple[int, int], b: tuple[int, int]) -> tuple[int, int]:
    """Add two affine points on -x^2 + y^2 = 1 + d x^2 y^2 (complete addition law)."""
    (x1, y1), (x2, y2) = a, b
    t = _D * x1 * x2 * y1 * y2 % _P
    x3 = (x1 * y2 + y1 * x2) * pow(1 + t, _P - 2, _P) % _P
    y3 = (y1 * y2 + x1 * x2) * pow(1 - t, _P - 2, _P) % _P
    return x3, y3


def has_small_order(point: tuple[int, int]) -> bool:
    """Return whether [8]P is the identity, i.e. the point's order divides the cofactor 8."""
    for _ in range(3):
        point = _add(point, point)
    return point == _IDENTITY


def check_public_key(encoded: bytes) -> None:
    """Raise ValueError unless ``encoded`` is a canonical point whose order does not divide 8."""
    if has_small_order(decode_point(encoded)):
        raise ValueError("small-order (weak) public key")
