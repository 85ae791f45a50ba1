"""Base58btc (the Bitcoin alphabet), as multibase ``z`` values use it: Multikey keys, ``proofValue``.

Why our own instead of the ``base58`` package: every signature is encoded once and every
verification decodes one, and the package's byte-at-a-time loops took 17 µs (encode) and 16 µs
(decode) for a 64-byte signature — 4 % of a whole 8-skill verification. Converting through one
Python integer, two digits at a time when encoding, takes 6 and 7 µs (benchmarks/proofs.py; the
``base58`` package stays in the tests as the reference these functions are checked against).
"""

from __future__ import annotations

from typing import Final

__all__ = ["ALPHABET", "encode", "decode"]

ALPHABET: Final = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_VALUES: Final = {c: i for i, c in enumerate(ALPHABET)}
_PAIRS: Final = [a + b for a in ALPHABET for b in ALPHABET]  # 58 * 58 = 3364 two-digit strings


def encode(data: bytes) -> str:
    """Base58btc of ``data``: each leading zero byte as ``1``, then the number in base 58."""
    number = int.from_bytes(data, "big")
    parts = []
    while number:
        number, pair = divmod(number, 3364)
        parts.append(_PAIRS[pair])
    zeros = len(data) - len(data.lstrip(b"\0"))
    return "1" * zeros + "".join(reversed(parts)).lstrip("1")


def decode(text: str) -> bytes:
    """The bytes of a base58btc string; ``ValueError`` for a character outside the alphabet."""
    number = 0
    values = _VALUES
    try:
        for char in text:
            number = number * 58 + values[char]
    except (KeyError, TypeError):
        raise ValueError("not base58btc: a character outside the alphabet") from None
    zeros = len(text) - len(text.lstrip("1"))
    return bytes(zeros) + number.to_bytes((number.bit_length() + 7) // 8, "big")
