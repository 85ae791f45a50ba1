"""The strict CBOR subset (RFC 8949) of formats SP1 and SP2, with its private tags for compact strings.

Definite lengths and shortest heads only; a string is written as a term index, as a compact tag
(UUIDs, did:key, base58btc, hexadecimal, dates) when that turns back into the identical string,
or literally. ``to_cbor`` writes a JSON document, ``Reader`` reads one back within ``Limits``.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import struct
import uuid
from typing import Any, Final

from skillspas.keys import base58btc
from skillspas.schemas.errors import ErrorCode, SkillspasError, error_for, shown
from skillspas.schemas.limits import Limits
from skillspas.verifier.qr.base45 import damaged, expands_beyond, unreadable
from skillspas.verifier.qr.terms import SP3_TERM_INDEX, TERM_INDEX
from skillspas.verifier.qr.vocab import VocabDictionary, is_vocab_tag

__all__ = ["Reader", "to_cbor"]

# Private CBOR tags of format SP1 (one-byte heads). Only this codec writes or reads them.
_TAG_NUMBER: Final = 6  # a JSON integer value (a bare integer value is a dictionary index)
_TAG_URN_UUID: Final = 7  # "urn:uuid:" + UUID, as 16 bytes
_TAG_ESCO_SKILL: Final = 8  # "http://data.europa.eu/esco/skill/" + UUID, as 16 bytes
_TAG_DID_KEY: Final = 9  # "did:key:z" + base58btc(bytes)
_TAG_DID_KEY_VM: Final = 10  # "did:key:z<b58>#z<b58>", the key's own verification method
_TAG_MULTIBASE58: Final = 11  # "z" + base58btc(bytes), e.g. a proofValue
_TAG_DATETIME: Final = 12  # "YYYY-MM-DDThh:mm:ssZ" as seconds since 1970
_TAG_DATE: Final = 13  # "YYYY-MM-DD" as days since 1970
_TAG_HEX: Final = 14  # lower-case hexadecimal (16 digits or more), as its bytes, e.g. a salt
_TAG_SHA256_HEX: Final = 15  # "sha256$" + 64 hex digits (an OB 3.0 identityHash), as 32 bytes
# Tags 16-20 (SP2 and SP3) are the vocabulary dictionary's alignments (skillspas.verifier.qr.vocab).
_TAG_ALIGNMENT_RUN: Final = 21  # SP3 only: an array of 2 or more dictionary alignments of one key order, as bytes:
# the order (tag - 16), then per alignment its code as an unsigned LEB128 varint of zigzag(code - previous code)
_MAX_VARINT: Final = 5  # bytes of one varint in a run (codes below 2**35)
_LITERALS: Final = {20: (False, "false"), 21: (True, "true"), 22: (None, "null")}
"""The CBOR simple values that are JSON literals, by their additional info, with their JSON text."""

_ESCO_SKILL: Final = "http://data.europa.eu/esco/skill/"
_UUID_TEXT: Final = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
_B58: Final = re.compile(r"[1-9A-HJ-NP-Za-km-z]{1,400}")
_DATETIME: Final = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z")
_DATE: Final = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_HEX: Final = re.compile(r"(?:[0-9a-f]{2}){8,256}")
_EPOCH: Final = dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc)

# -- compact strings ----------------------------------------------------------------------------


def _uuid_bytes(text: str) -> bytes | None:
    return uuid.UUID(text).bytes if _UUID_TEXT.fullmatch(text) else None


def _b58_bytes(text: str) -> bytes | None:
    """The bytes of a base58btc string, only when encoding them gives back exactly ``text``."""
    if not _B58.fullmatch(text):
        return None
    raw = base58btc.decode(text)
    return raw if base58btc.encode(raw) == text else None


def _compact_string(value: str) -> tuple[int, Any] | None:
    """A (tag, content) that turns back into exactly ``value``, or None."""
    if value.startswith("urn:uuid:") and (raw := _uuid_bytes(value[9:])) is not None:
        return _TAG_URN_UUID, raw
    if value.startswith(_ESCO_SKILL) and (raw := _uuid_bytes(value[len(_ESCO_SKILL):])) is not None:
        return _TAG_ESCO_SKILL, raw
    if value.startswith("did:key:z"):
        did, _, fragment = value.partition("#")
        raw = _b58_bytes(did[9:])
        if raw is not None and fragment == "":
            return _TAG_DID_KEY, raw
        if raw is not None and fragment == did[8:]:
            return _TAG_DID_KEY_VM, raw
        return None
    if value.startswith("z") and len(value) > 8 and (raw := _b58_bytes(value[1:])) is not None:
        return _TAG_MULTIBASE58, raw
    if value.startswith("sha256$") and len(value) == 71 and _HEX.fullmatch(value[7:]):
        return _TAG_SHA256_HEX, bytes.fromhex(value[7:])
    if _HEX.fullmatch(value):
        return _TAG_HEX, bytes.fromhex(value)
    if _DATETIME.fullmatch(value):
        try:
            moment = dt.datetime.strptime(value, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=dt.timezone.utc)
        except ValueError:
            return None
        seconds = int((moment - _EPOCH).total_seconds())
        return (_TAG_DATETIME, seconds) if seconds >= 0 and _datetime_text(seconds) == value else None
    if _DATE.fullmatch(value):
        try:
            days = (dt.date.fromisoformat(value) - _EPOCH.date()).days
        except ValueError:
            return None
        return (_TAG_DATE, days) if days >= 0 and _date_text(days) == value else None
    return None


def _datetime_text(seconds: int) -> str:
    return (_EPOCH + dt.timedelta(seconds=seconds)).strftime("%Y-%m-%dT%H:%M:%SZ")


def _date_text(days: int) -> str:
    return (_EPOCH.date() + dt.timedelta(days=days)).isoformat()


def _expand_tag(tag: int, content: Any) -> str:
    """The string a compact (tag, content) stands for; ``qr_unreadable`` when the content does not fit."""
    if tag in (_TAG_URN_UUID, _TAG_ESCO_SKILL):
        if not isinstance(content, bytes) or len(content) != 16:
            raise unreadable("a UUID must be 16 bytes", damaged("een UUID is 16 bytes"))
        text = str(uuid.UUID(bytes=content))
        return ("urn:uuid:" if tag == _TAG_URN_UUID else _ESCO_SKILL) + text
    if tag in (_TAG_DID_KEY, _TAG_DID_KEY_VM, _TAG_MULTIBASE58):
        if not isinstance(content, bytes) or not 0 < len(content) <= 256:
            raise unreadable("a multibase value must be 1 to 256 bytes",
                             damaged("een multibase-waarde is 1 tot 256 bytes"))
        b58 = "z" + base58btc.encode(content)
        if tag == _TAG_MULTIBASE58:
            return b58
        return f"did:key:{b58}" if tag == _TAG_DID_KEY else f"did:key:{b58}#{b58}"
    if tag == _TAG_SHA256_HEX:
        if not isinstance(content, bytes) or len(content) != 32:
            raise unreadable("a SHA-256 must be 32 bytes", damaged("een SHA-256 is 32 bytes"))
        return "sha256$" + content.hex()
    if tag == _TAG_HEX:
        if not isinstance(content, bytes) or not 8 <= len(content) <= 256:
            raise unreadable("a hexadecimal value must be 8 to 256 bytes",
                             damaged("een hexadecimale waarde is 8 tot 256 bytes"))
        return content.hex()
    if tag in (_TAG_DATETIME, _TAG_DATE):
        if not isinstance(content, int) or isinstance(content, bool) or not 0 <= content < 253_402_300_800:
            raise unreadable("a date must be a count from 1970", damaged("een datum telt vanaf 1970"))
        try:
            return _datetime_text(content) if tag == _TAG_DATETIME else _date_text(content)
        except OverflowError:
            raise unreadable("the date is out of range", damaged("de datum valt buiten het bereik")) from None
    raise unreadable(f"CBOR tag {tag} is not part of format SP1", damaged(f"CBOR-tag {tag} kent formaat SP1 niet"))


# -- CBOR (RFC 8949), the strict subset SP1 uses ------------------------------------------------


def _head(major: int, value: int) -> bytes:
    if value < 24:
        return bytes([major << 5 | value])
    for info, size in ((24, 1), (25, 2), (26, 4), (27, 8)):
        if value < 1 << (8 * size):
            return bytes([major << 5 | info]) + value.to_bytes(size, "big")
    raise ValueError("integer too large for CBOR")


def _encode_key(key: str, out: bytearray, index: dict[str, int]) -> None:
    if not isinstance(key, str):
        raise TypeError("JSON object keys must be strings")
    if key in index:
        out += _head(0, index[key])
    else:
        raw = key.encode("utf-8")
        out += _head(3, len(raw)) + raw


def _alignment_run(items: list[Any], vocab: VocabDictionary) -> bytes | None:
    """SP3: the bytes of tag 21 for ``items`` when they are 2 or more dictionary alignments of one key order."""
    if len(items) < 2 or not all(isinstance(item, dict) for item in items):
        return None
    codes = [code for item in items if (code := vocab.alignment_code(item)) is not None]
    if len(codes) != len(items) or len({tag for tag, _ in codes}) != 1:
        return None
    out, previous = bytearray([codes[0][0] - 16]), 0
    for _, number in codes:
        delta, previous = number - previous, number
        zigzag = delta * 2 if delta >= 0 else -delta * 2 - 1
        while zigzag >= 0x80:
            out.append(zigzag & 0x7F | 0x80)
            zigzag >>= 7
        out.append(zigzag)
    return bytes(out)


def _too_many(limit: int) -> SkillspasError:
    """``qr_too_large`` for an array (or a run of alignments) of more than ``limit`` items: what a JSON array may hold."""
    return error_for(ErrorCode.QR_TOO_LARGE, f"the QR payload holds a list of more than {limit} items",
                     nl=f"de QR-code bevat een lijst van meer dan {limit} onderdelen; vraag om het bewijsstuk als bestand")


def _read_run(content: bytes, limit: int) -> tuple[int, list[int]]:
    """The (tag, codes) of an SP3 alignment run; ``qr_unreadable`` when it is malformed, ``qr_too_large`` when it holds
    more than ``limit`` alignments (an array's bound: a run is one)."""
    if len(content) < 3:
        raise unreadable("an alignment run holds at least two alignments",
                         damaged("een reeks koppelingen heeft er minstens twee"))
    codes: list[int] = []
    previous, pos = 0, 1
    while pos < len(content):
        if len(codes) >= limit:  # before the next number is read: a million one-byte numbers stop here
            raise _too_many(limit)
        zigzag, shift = 0, 0
        while True:
            if pos >= len(content) or shift >= 7 * _MAX_VARINT:
                raise unreadable("an alignment run has a broken number",
                                 damaged("een reeks koppelingen heeft een kapot getal"))
            byte = content[pos]
            pos += 1
            zigzag |= (byte & 0x7F) << shift
            shift += 7
            if byte < 0x80:
                break
        previous += zigzag // 2 if zigzag % 2 == 0 else -(zigzag + 1) // 2
        if previous < 0:
            raise unreadable("an alignment run has a negative entry",
                             damaged("een reeks koppelingen heeft een negatief nummer"))
        codes.append(previous)
    return 16 + content[0], codes


def _encode_value(value: Any, out: bytearray, index: dict[str, int], vocab: VocabDictionary | None = None,
                  runs: bool = False) -> None:
    if value is None:
        out.append(0xF6)
    elif value is True:
        out.append(0xF5)
    elif value is False:
        out.append(0xF4)
    elif isinstance(value, int):
        out += _head(6, _TAG_NUMBER)
        out += _head(0, value) if value >= 0 else _head(1, -1 - value)
    elif isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError("NaN and Infinity are not JSON")
        out += b"\xfb" + struct.pack(">d", value)
    elif isinstance(value, str):
        if value in index:
            out += _head(0, index[value])
        elif (compact := _compact_string(value)) is not None:
            tag, content = compact
            out += _head(6, tag)
            out += _head(2, len(content)) + content if isinstance(content, bytes) else _head(0, content)
        else:
            raw = value.encode("utf-8")
            out += _head(3, len(raw)) + raw
    elif isinstance(value, list):
        run = _alignment_run(value, vocab) if runs and vocab is not None else None
        if run is not None:
            out += _head(6, _TAG_ALIGNMENT_RUN) + _head(2, len(run)) + run
            return
        out += _head(4, len(value))
        for item in value:
            _encode_value(item, out, index, vocab, runs)
    elif isinstance(value, dict):
        code = vocab.alignment_code(value) if vocab is not None else None
        if code is not None:
            out += _head(6, code[0]) + _head(0, code[1])
            return
        out += _head(5, len(value))
        for key, item in value.items():
            _encode_key(key, out, index)
            _encode_value(item, out, index, vocab, runs)
    else:
        raise TypeError(f"{type(value).__name__} is not a JSON value")


class Reader:
    """Reads one SP1 CBOR item tree, within bounds on depth and output size."""

    def __init__(self, data: bytes, terms: tuple[str, ...], limits: Limits, vocab: VocabDictionary | None = None,
                 runs: bool = False) -> None:
        self.data = data
        self.vocab = vocab
        self.runs = runs  # SP3: tag 21 (a run of dictionary alignments) is allowed
        self.pos = 0
        self.terms = terms
        self.limits = limits
        self.budget = limits.max_bytes  # rough size of the JSON written so far: every value spends its own

    def _spend(self, size: int) -> None:
        self.budget -= size
        if self.budget < 0:
            raise expands_beyond(self.limits.max_bytes)

    def _take(self, size: int) -> bytes:
        if size > len(self.data) - self.pos:
            raise unreadable("the CBOR payload is truncated", damaged("de CBOR-inhoud is afgebroken"))
        chunk = self.data[self.pos:self.pos + size]
        self.pos += size
        return chunk

    def head(self) -> tuple[int, int, int]:
        """(major type, additional info, argument) of the next item; shortest form only."""
        first = self._take(1)[0]
        major, info = first >> 5, first & 0x1F
        if major == 7:
            return major, info, 0
        if info < 24:
            return major, info, info
        if info > 27:
            raise unreadable("indefinite lengths are not part of format SP1",
                             damaged("een onbepaalde lengte kent formaat SP1 niet"))
        size = 1 << (info - 24)
        value = int.from_bytes(self._take(size), "big")
        if value < (24 if size == 1 else 1 << (4 * size)):
            raise unreadable("the CBOR payload is not in its shortest form",
                             damaged("de CBOR-inhoud staat niet in zijn kortste vorm"))
        return major, info, value

    def key(self) -> str:
        major, _, value = self.head()
        if major == 0:
            return self.term(value)
        if major == 3:
            return self.text(value)
        raise unreadable("an object key must be a text or a dictionary index",
                         damaged("een veldnaam is een tekst of een woordenboeknummer"))

    def term(self, index: int) -> str:
        if index >= len(self.terms):
            raise unreadable(f"dictionary index {index} is not in the SP1 dictionary",
                             damaged(f"woordenboeknummer {index} staat niet in het SP1-woordenboek"))
        term = self.terms[index]
        self._spend(len(term) + 2)
        return term

    def text(self, size: int) -> str:
        raw = self._take(size)
        self._spend(size + 2)
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError:
            raise unreadable("a text is not UTF-8", damaged("een tekst is geen UTF-8")) from None

    def value(self, depth: int) -> Any:
        if depth > self.limits.max_depth:
            raise error_for(ErrorCode.TOO_DEEP, f"the QR payload nests deeper than {self.limits.max_depth}",
                            nl=damaged(f"dieper genest dan {self.limits.max_depth}"))
        major, info, arg = self.head()
        self._spend(1)  # its comma or colon: a million one-byte values are a million bytes of JSON at least
        if major == 0:
            return self.term(arg)
        if major == 3:
            return self.text(arg)
        if major == 4:
            self._spend(2)
            count = self._count(arg)
            if count > self.limits.max_array_length:
                raise _too_many(self.limits.max_array_length)
            return [self.value(depth + 1) for _ in range(count)]
        if major == 5:
            self._spend(2)
            obj: dict[str, Any] = {}
            for _ in range(self._count(arg)):
                key = self.key()
                if key in obj:
                    raise unreadable(f"duplicate key {shown(key, quoted=True)}",
                                     damaged(f"veld {shown(key, quoted=True)} staat er twee keer in"))
                obj[key] = self.value(depth + 1)
            return obj
        if major == 6:
            return self.tagged(arg)
        if major == 7:
            return self.simple(info)
        raise unreadable("byte strings and negative integers stand only inside SP1 tags",
                         damaged("losse bytes en negatieve getallen mogen hier niet staan"))

    def _count(self, count: int) -> int:
        # Every item takes at least one byte: a count beyond what is left is a lie.
        if count > len(self.data) - self.pos:
            raise unreadable("the CBOR payload is truncated", damaged("de CBOR-inhoud is afgebroken"))
        return count

    def tagged(self, tag: int) -> Any:
        major, _, arg = self.head()
        if tag == _TAG_NUMBER:
            if major not in (0, 1):
                raise unreadable("tag 6 must hold an integer", damaged("tag 6 hoort een geheel getal te bevatten"))
            self._spend(20)
            return arg if major == 0 else -1 - arg
        if is_vocab_tag(tag) and self.vocab is not None:
            if major != 0:
                raise unreadable("a dictionary alignment must be an unsigned integer",
                                 damaged("een koppeling uit het woordenboek is een getal zonder teken"))
            node = self.vocab.alignment(tag, arg)
            self._spend(sum(len(key) + len(str(value)) + 6 for key, value in node.items()))
            return node
        if tag == _TAG_ALIGNMENT_RUN and self.runs and self.vocab is not None:
            if major != 2:
                raise unreadable("an alignment run must be bytes", damaged("een reeks koppelingen is een rij bytes"))
            run_tag, codes = _read_run(self._take(arg), self.limits.max_array_length)
            if not is_vocab_tag(run_tag):
                raise unreadable(f"an alignment run names an unknown key order {run_tag - 16}",
                                 damaged(f"een reeks koppelingen noemt een onbekende volgorde {run_tag - 16}"))
            nodes = []
            for code in codes:
                nodes.append(self.vocab.alignment(run_tag, code))
                self._spend(sum(len(key) + len(str(value)) + 6 for key, value in nodes[-1].items()))
            return nodes
        if major == 2:
            content: Any = self._take(arg)
        elif major == 0:
            content = arg
        else:
            raise unreadable(f"tag {tag} must hold bytes or an unsigned integer",
                             damaged(f"tag {tag} hoort bytes of een getal zonder teken te bevatten"))
        text = _expand_tag(tag, content)
        self._spend(len(text) + 2)
        return text

    def simple(self, info: int) -> Any:
        if info in _LITERALS:
            value, text = _LITERALS[info]
            self._spend(len(text))
            return value
        if info == 27:
            (number,) = struct.unpack(">d", self._take(8))
            if not math.isfinite(number):
                raise unreadable("NaN and Infinity are not JSON", damaged("NaN en Infinity bestaan in JSON niet"))
            self._spend(24)
            return number
        raise unreadable("this CBOR simple value is not part of format SP1",
                         damaged("deze eenvoudige CBOR-waarde kent formaat SP1 niet"))


def to_cbor(document: Any, vocab: VocabDictionary | None = None, *, sp3: bool = False) -> bytes:
    """The CBOR of ``document``: SP1 without ``vocab``, SP2 with it, SP3 (its terms and alignment runs) with ``sp3``."""
    out = bytearray()
    _encode_value(document, out, SP3_TERM_INDEX if sp3 else TERM_INDEX, vocab, sp3)
    return bytes(out)
