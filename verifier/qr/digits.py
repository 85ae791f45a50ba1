"""Bytes as decimal digits, strictly: the outer layer of format SP4, drawn as a QR numeric segment.

A QR code holds 10 bits per 3 digits, so bytes written as digits take 8.03 bits each, against 8.25 bits in
Base45's alphanumeric characters: about 3 % more payload in a code of the same size (the idea of SMART Health
Cards' numeric ``shc:/`` mode). Every 22 bytes are one 53-digit big-endian number (2**176 < 10**53), zero-padded;
a last group of ``k`` bytes takes ``ceil(8k log10 2)`` digits, a count no other ``k`` gives, so the digits alone
say how many bytes there are.
"""

from __future__ import annotations

from typing import Final

from skillspas.verifier.qr.base45 import damaged, unreadable

__all__ = ["digits_encode", "digits_decode", "split_digits", "qr_bits"]

_GROUP: Final = 22
_DIGITS: Final = (0, *(len(str(256 ** k - 1)) for k in range(1, _GROUP + 1)))
"""Digits of a group of ``k`` bytes: 0, 3, 5, 8, 10, ... 53."""
_BYTES: Final = {digits: k for k, digits in enumerate(_DIGITS)}
_MIN_RUN: Final = 8
"""Digits worth a numeric segment of their own: each saves 2.17 bits over alphanumeric, the header costs 16."""


def digits_encode(data: bytes) -> str:
    """``data`` as decimal digits, 22 bytes to 53 digits."""
    groups = (data[i:i + _GROUP] for i in range(0, len(data), _GROUP))
    return "".join(str(int.from_bytes(group, "big")).zfill(_DIGITS[len(group)]) for group in groups)


def digits_decode(text: str) -> bytes:
    """The bytes ``text`` holds; anything but the canonical digits of some bytes is ``qr_unreadable``."""
    if text and not (text.isascii() and text.isdigit()):
        raise unreadable("an SP4 text holds only the digits 0-9 after its prefix",
                         damaged("een SP4-code heeft na het begin alleen de cijfers 0-9"))
    if len(text) % _DIGITS[_GROUP] not in _BYTES:
        raise unreadable("the digits of the QR payload have a wrong length", damaged("het aantal cijfers klopt niet"))
    out = bytearray()
    for i in range(0, len(text), _DIGITS[_GROUP]):
        chunk = text[i:i + _DIGITS[_GROUP]]
        size = _BYTES[len(chunk)]
        value = int(chunk)
        if value >= 256 ** size:
            raise unreadable("the digits of the QR payload are not canonical",
                             damaged("de cijfers staan niet in hun vaste vorm"))
        out += value.to_bytes(size, "big")
    return bytes(out)


def split_digits(text: str) -> tuple[str, str]:
    """``text`` as (head, digits) to draw as an alphanumeric and a numeric QR segment: its trailing digits
    when there are enough to pay for their segment's header, else ``(text, "")``."""
    head = text.rstrip("0123456789")
    return (head, text[len(head):]) if len(text) - len(head) >= _MIN_RUN else (text, "")


def qr_bits(text: str) -> int:
    """The data bits ``text`` takes in a QR code of version 10-26, drawn as ``split_digits`` says."""
    head, digits = split_digits(text)
    bits = 4 + 11 + 11 * (len(head) // 2) + 6 * (len(head) % 2) if head else 0
    if digits:
        bits += 4 + 12 + 10 * (len(digits) // 3) + (0, 4, 7)[len(digits) % 3]
    return bits
