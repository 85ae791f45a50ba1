"""Base45 (RFC 9285), strictly: the outer layer of a QR payload, in the QR alphanumeric character set.

Also the codec's one refusal for a text that is not a well-formed payload (``unreadable``), which
every layer below raises, with its Dutch sentence for an employer scanning a code (``damaged``), and the
one refusal of a payload that unpacks beyond the limit (``expands_beyond``).
"""

from __future__ import annotations

from typing import Final

from skillspas.schemas.errors import ErrorCode, SkillspasError, error_for

__all__ = ["b45encode", "b45decode", "unreadable", "damaged", "expands_beyond"]

_B45: Final = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:"
_B45_VALUE: Final = {c: i for i, c in enumerate(_B45)}


def b45encode(data: bytes) -> str:
    """Base45-encode ``data`` (RFC 9285): 2 bytes become 3 characters of the QR alphanumeric set."""
    out: list[str] = []
    for i in range(0, len(data) - 1, 2):
        n = data[i] * 256 + data[i + 1]
        n, c = divmod(n, 45)
        e, d = divmod(n, 45)
        out.append(_B45[c] + _B45[d] + _B45[e])
    if len(data) % 2:
        d, c = divmod(data[-1], 45)
        out.append(_B45[c] + _B45[d])
    return "".join(out)


def b45decode(text: str) -> bytes:
    """Decode Base45 strictly; anything but the canonical encoding of some bytes is ``qr_unreadable``."""
    if len(text) % 3 == 1:
        raise unreadable("the Base45 text has a wrong length", damaged("de lengte van de Base45-tekst klopt niet"))
    try:
        values = [_B45_VALUE[c] for c in text]
    except KeyError as exc:
        raise unreadable(f"{exc.args[0]!r} is not a Base45 character",
                         damaged(f"{exc.args[0]!r} is geen Base45-teken")) from None
    out = bytearray()
    for i in range(0, len(values), 3):
        chunk = values[i:i + 3]
        if len(chunk) == 3:
            n = chunk[0] + chunk[1] * 45 + chunk[2] * 2025
            if n > 0xFFFF:
                raise unreadable("the Base45 text is not canonical",
                                 damaged("de Base45-tekst is niet in zijn vaste vorm"))
            out += n.to_bytes(2, "big")
        else:
            n = chunk[0] + chunk[1] * 45
            if n > 0xFF:
                raise unreadable("the Base45 text is not canonical",
                                 damaged("de Base45-tekst is niet in zijn vaste vorm"))
            out.append(n)
    return bytes(out)


def damaged(what: str) -> str:
    """The Dutch sentence of a code that was read and whose content is wrong (``what``, in Dutch), saying what to do."""
    return f"de inhoud van de QR-code klopt niet ({what}); scan de code opnieuw, of vraag om het bewijsstuk als bestand"


def unreadable(message: str, nl: str) -> SkillspasError:
    """The ``qr_unreadable`` refusal: the text is not a well-formed payload; ``nl`` its Dutch sentence."""
    return error_for(ErrorCode.QR_UNREADABLE, message, nl=nl)


def expands_beyond(limit: int) -> SkillspasError:
    """``qr_too_large`` for a payload that unpacks to more than ``limit`` bytes (a zlib bomb, a term repeated)."""
    return error_for(ErrorCode.QR_TOO_LARGE, f"the QR payload expands beyond {limit} bytes",
                     nl=f"de QR-code pakt uit tot meer dan {limit} bytes; vraag om het bewijsstuk als bestand")
