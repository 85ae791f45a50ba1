"""A numbered set of QR codes for one payload too large for one small code: split, and joined back.

A part's text is ``"SPP:" + i + "/" + k + "/" + set + ":" + chunk`` (all QR alphanumeric): part ``i`` of ``k``
(1 <= i <= k <= ``MAX_PARTS``), ``set`` the first 4 bytes of SHA-256 of the whole payload text in upper-case
hex, and ``chunk`` the ``i``-th piece of that text (``"SP3:..."``). The verifier joins the parts in any order,
checks that the joined text has the set's hash, and then decodes it as one code. Refusals: a part missing
``qr_incomplete``, parts of other sets (or a join that does not hash to its set) ``qr_mixed_set``, two
different codes for one part ``qr_duplicate_part`` (the same code twice is read once), more than
``MAX_PARTS`` parts ``qr_too_large``, a malformed part header ``qr_unreadable``.
"""

from __future__ import annotations

import hashlib
import re
from typing import Final, Iterable, NamedTuple

from skillspas.schemas.errors import ErrorCode, error_for
from skillspas.verifier.qr.base45 import damaged, unreadable

__all__ = ["PART_PREFIX", "MAX_PARTS", "Part", "is_part", "read_part", "set_id", "split_payload", "join_parts",
           "join_sets"]

PART_PREFIX: Final = "SPP:"
"""Prefix of one part of a numbered set of QR codes."""

MAX_PARTS: Final = 16
"""Most parts a set may have (a credential that needs more is shared as a file)."""

_HEADER: Final = re.compile(r"SPP:([1-9][0-9]?)/([1-9][0-9]?)/([0-9A-F]{8}):")


class Part(NamedTuple):
    """One part of a set: its number (from 1), the set's size, the set id and its piece of the payload."""

    number: int
    total: int
    set: str
    chunk: str


def is_part(text: str) -> bool:
    """Whether ``text`` is (or starts with) a part of a numbered set."""
    return text.startswith(PART_PREFIX)


def set_id(payload: str) -> str:
    """The id of the set that carries ``payload``: 4 bytes of its SHA-256, upper-case hex."""
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:8].upper()


def read_part(text: str) -> Part:
    """The part ``text`` holds; ``qr_unreadable`` or ``qr_too_large`` when its header is malformed or absurd."""
    found = _HEADER.match(text)
    if found is None:
        raise unreadable("this is not a well-formed part of a set of QR codes (SPP:i/k/SET:...)",
                         damaged("dit is geen goed deel van een reeks QR-codes (SPP:i/k/SET:...)"))
    index, count = int(found[1]), int(found[2])
    if count > MAX_PARTS:
        raise error_for(ErrorCode.QR_TOO_LARGE, f"a set of {count} QR codes is more than {MAX_PARTS}",
                        nl=f"een reeks van {count} QR-codes is meer dan {MAX_PARTS}; zo'n reeks maakt skillspas niet")
    if index > count:
        raise unreadable(f"part {index} of {count} does not exist", damaged(f"deel {index} van {count} bestaat niet"))
    return Part(index, count, found[3], text[found.end():])


def split_payload(payload: str, count: int) -> list[str]:
    """``payload`` (one QR text) as ``count`` part texts of nearly equal length."""
    if not 1 <= count <= MAX_PARTS or count > len(payload):
        raise ValueError(f"a set has 1 to {MAX_PARTS} parts, no more than the payload's characters")
    ident, size = set_id(payload), -(-len(payload) // count)
    return [f"{PART_PREFIX}{i + 1}/{count}/{ident}:{payload[i * size:(i + 1) * size]}" for i in range(count)]


def join_parts(texts: Iterable[str]) -> str:
    """The one payload text that the parts ``texts`` (in any order) carry, checked against their set id."""
    parts: dict[int, Part] = {}
    for number, text in enumerate(texts):
        if number >= MAX_PARTS * 2:  # the same code read twice is allowed, thousands are not
            raise error_for(ErrorCode.QR_TOO_LARGE, f"more than {MAX_PARTS * 2} QR codes given for one set",
                            nl=f"meer dan {MAX_PARTS * 2} QR-codes voor één reeks; scan elk deel één keer")
        part = read_part(text.strip("\r\n"))
        first = next(iter(parts.values()), part)
        if part.set == first.set and part.total != first.total:
            raise error_for(ErrorCode.QR_MIXED_SET, f"part {part.number}/{part.total} is from another print of the "
                                                    f"same credential ({part.total} codes, not {first.total})",
                            nl=f"deel {part.number}/{part.total} komt van een andere afdruk van hetzelfde bewijsstuk "
                               f"({part.total} codes, niet {first.total}); scan alleen de delen van één afdruk")
        if part.set != first.set:
            raise error_for(ErrorCode.QR_MIXED_SET, f"part {part.number}/{part.total} of set {part.set} "
                                                    f"is not part of set {first.set} ({first.total} parts)",
                            nl=f"deel {part.number}/{part.total} van reeks {part.set} hoort niet bij reeks {first.set} "
                               f"({first.total} delen); scan alleen de delen van één bewijsstuk")
        if parts.get(part.number, part) != part:
            raise error_for(ErrorCode.QR_DUPLICATE_PART, f"two different codes claim to be part {part.number} "
                                                         f"of set {part.set}",
                            nl=f"twee verschillende codes zeggen deel {part.number} van reeks {part.set} te zijn; "
                               "scan de delen opnieuw, allemaal van één afdruk")
        parts[part.number] = part
    if not parts:
        raise unreadable("no part of a set of QR codes was given", "er is geen deel van een reeks QR-codes gegeven; scan de delen")
    count = next(iter(parts.values())).total
    missing = [i for i in range(1, count + 1) if i not in parts]
    if missing:
        shown = ", ".join(f"{i}/{count}" for i in missing)
        raise error_for(ErrorCode.QR_INCOMPLETE, f"{len(parts)} of {count} parts read; missing part {shown}",
                        nl=f"{len(parts)} van de {count} delen gelezen; scan ook deel {shown}")
    payload = "".join(parts[i].chunk for i in range(1, count + 1))
    if set_id(payload) != parts[1].set:
        raise error_for(ErrorCode.QR_MIXED_SET, f"the {count} parts do not join into set {parts[1].set}",
                        nl=f"de {count} delen vormen samen niet reeks {parts[1].set}: een deel is beschadigd of van een "
                           "ander bewijsstuk; scan de delen opnieuw, allemaal van één afdruk")
    return payload


def join_sets(texts: Iterable[str]) -> list[str]:
    """``texts`` (QR texts, e.g. every code of a passport PDF) with each set's parts joined into one payload,
    in the order of each set's first part; the set's coded refusals when a set is incomplete or broken."""
    out: list[str | list[str]] = []
    sets: dict[str, list[str]] = {}
    for text in texts:
        if not is_part(text):
            out.append(text)
            continue
        ident = read_part(text).set
        if ident not in sets:
            sets[ident] = []
            out.append(sets[ident])
        sets[ident].append(text)
    return [item if isinstance(item, str) else join_parts(item) for item in out]
