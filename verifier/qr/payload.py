"""The QR text of a document and back: ``"SP1:"``, ``"SP2:"`` or ``"SP3:"`` + Base45(flags, body, CRC-32), bounded.

``encode_payload`` writes the shortest of SP1, SP2 and SP3 (the older format on a tie); ``decode_document`` and
``decode_payload`` check the frame, inflate within the limits and read the CBOR back, refusing any
form but the canonical one.
"""

from __future__ import annotations

import json
import zlib
from typing import Any, Final, Iterable

from skillspas.schemas.errors import ErrorCode, error_for
from skillspas.schemas.jsonio import parse_json
from skillspas.schemas.limits import Limits
from skillspas.verifier.qr.base45 import b45decode, b45encode, unreadable
from skillspas.verifier.qr.cbor import Reader, to_cbor
from skillspas.verifier.qr.parts import MAX_PARTS, is_part, join_parts
from skillspas.verifier.qr.terms import SP1_ZDICT, SP3_TERMS, term_dictionary
from skillspas.verifier.qr.vocab import VocabDictionary, bundled_dictionary, held_dictionaries

__all__ = ["PREFIX", "PREFIX_SP2", "PREFIX_SP3", "PREFIXES", "MAX_QR_TEXT", "encode_payload", "decode_payload",
           "decode_document", "is_payload"]

PREFIX: Final = "SP1:"
"""Versioned prefix of a skillspas QR payload that needs no vocabulary dictionary."""

PREFIX_SP2: Final = "SP2:"
"""Prefix of a payload whose alignments refer to a vocabulary dictionary (format SP2)."""

PREFIX_SP3: Final = "SP3:"
"""Prefix of format SP3: SP2's frame and dictionary, SP3's term dictionary and runs of dictionary alignments."""

PREFIXES: Final = (PREFIX, PREFIX_SP2, PREFIX_SP3)

MAX_QR_TEXT: Final = 4296
"""Most characters one QR code holds (version 40, level L, alphanumeric mode)."""

_MAX_PARTS_TEXT: Final = MAX_PARTS * 2 * (MAX_QR_TEXT + 32)
"""Most characters of the texts of one numbered set (each part may be read twice)."""

_FLAG_DEFLATE: Final = 0x01

_BUNDLED_DEFAULT: Final = object()


def encode_payload(document: dict[str, Any] | str | bytes, *, compress: bool | None = None,
                   dictionary: "VocabDictionary | None | object" = _BUNDLED_DEFAULT) -> str:
    """The QR text of a JSON document (a signed credential): ``"SP2:..."`` when an alignment matches an
    entry of ``dictionary`` (default: the bundled vocabulary index), else ``"SP1:..."`` as before.
    ``dictionary=None`` always writes SP1."""
    if isinstance(document, (str, bytes)):
        document = parse_json(document, Limits())
    if not isinstance(document, dict):
        raise TypeError("the document must be a JSON object")
    vocab = bundled_dictionary() if dictionary is _BUNDLED_DEFAULT else dictionary
    cbor = to_cbor(document)
    texts = [_framed(PREFIX, b"", cbor, SP1_ZDICT, compress)]
    if isinstance(vocab, VocabDictionary):
        with_vocab = to_cbor(document, vocab)
        texts.append(_framed(PREFIX_SP2, vocab.version, with_vocab, vocab.zdict, compress))
        sp3 = to_cbor(document, vocab, sp3=True)
        texts.append(_framed(PREFIX_SP3, vocab.version, sp3, vocab.zdict, compress))
    return min(texts, key=len)  # the oldest format on a tie: more verifiers read it


def _framed(prefix: str, header: bytes, cbor: bytes, zdict: bytes, compress: bool | None) -> str:
    """``prefix`` + Base45(flags || header || body || CRC-32), the smaller of DEFLATE and plain CBOR."""
    candidates = []
    if compress is not False:
        packer = zlib.compressobj(9, zlib.DEFLATED, -15, 9, zlib.Z_DEFAULT_STRATEGY, zdict)
        candidates.append(bytes([_FLAG_DEFLATE]) + header + packer.compress(cbor) + packer.flush())
    if compress is not True:
        candidates.append(b"\x00" + header + cbor)
    body = min(candidates, key=len)
    return prefix + b45encode(body + zlib.crc32(body).to_bytes(4, "big"))


def is_payload(text: str) -> bool:
    """Whether ``text`` looks like a skillspas QR payload, or a part of a numbered set of codes (by its prefix)."""
    return text.startswith(PREFIXES) or is_part(text)


def decode_document(text: str, limits: Limits = Limits(), *,
                    dictionaries: "Iterable[VocabDictionary] | None" = None) -> dict[str, Any]:
    """The JSON document an SP1, SP2 or SP3 QR text (or the parts of a numbered set, one per line) holds, within ``limits``. An SP2 text names its dictionary's
    version: one of ``dictionaries`` (default: the bundled vocabulary index) must have it, else the text
    is refused as ``qr_unknown_dictionary``, never read with another dictionary."""
    if not isinstance(text, str):
        raise TypeError("the QR text must be a str")
    if is_part(text.lstrip()):  # the parts of a numbered set, one per line, in any order
        if len(text) > _MAX_PARTS_TEXT:
            raise error_for(ErrorCode.QR_TOO_LARGE, f"{len(text)} characters is more than a set of QR codes holds")
        text = join_parts(line.lstrip() for line in text.split("\n") if line.strip())
    if len(text) > MAX_QR_TEXT + len(PREFIX):
        raise error_for(ErrorCode.QR_TOO_LARGE, f"{len(text)} characters is more than one QR code holds")
    text = text.lstrip().rstrip("\r\n")  # a space is a Base45 digit: only line ends are dropped
    if not text.startswith(PREFIXES):
        raise unreadable("this is not a skillspas QR code (no SP1:, SP2: or SP3: prefix)")
    sp3 = text.startswith(PREFIX_SP3)
    sp2 = sp3 or text.startswith(PREFIX_SP2)
    raw = b45decode(text[len(PREFIX):])
    if len(raw) < (10 if sp2 else 6):
        raise unreadable("the QR payload is too short")
    body, check = raw[:-4], raw[-4:]
    if zlib.crc32(body).to_bytes(4, "big") != check:
        raise unreadable("the QR payload is damaged (checksum mismatch)")
    flags, cbor = body[0], body[1:]
    if flags & ~_FLAG_DEFLATE:
        raise unreadable(f"unknown flags {flags:#x}")
    vocab = None
    if sp2:
        version, cbor = cbor[:4], cbor[4:]
        known = held_dictionaries() if dictionaries is None else list(dictionaries)
        vocab = next((d for d in known if d.version == version), None)
        if vocab is None:
            raise error_for(ErrorCode.QR_UNKNOWN_DICTIONARY,
                            f"the QR code was made with vocabulary dictionary {version.hex()}, which this verifier "
                            f"does not hold (it has {', '.join(d.version.hex() for d in known) or 'none'})")
    if flags & _FLAG_DEFLATE:
        cbor = _inflate(cbor, limits.max_bytes, vocab.zdict if vocab is not None else SP1_ZDICT)
    reader = Reader(cbor, SP3_TERMS if sp3 else term_dictionary(), limits, vocab, runs=sp3)
    document = reader.value(0)
    if reader.pos != len(cbor):
        raise unreadable("the QR payload has trailing bytes")
    if not isinstance(document, dict):
        raise unreadable("the QR payload is not a JSON object")
    if to_cbor(document, vocab, sp3=sp3) != cbor:
        raise unreadable("the QR payload is not in its canonical form")
    return document


def decode_payload(text: str, limits: Limits = Limits(), *,
                   dictionaries: "Iterable[VocabDictionary] | None" = None) -> bytes:
    """The JSON bytes of the credential an SP1 or SP2 QR text holds: what ``Verifier.verify`` takes."""
    document = decode_document(text, limits, dictionaries=dictionaries)
    data = json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    if len(data) > limits.max_bytes:
        raise error_for(ErrorCode.QR_TOO_LARGE, f"the QR payload expands to more than {limits.max_bytes} bytes")
    return data


def _inflate(data: bytes, limit: int, zdict: bytes = SP1_ZDICT) -> bytes:
    """Raw DEFLATE, refusing to produce more than ``limit`` bytes (a zlib bomb stops here)."""
    inflater = zlib.decompressobj(-15, zdict=zdict)
    try:
        out = inflater.decompress(data, limit + 1)
    except zlib.error:
        raise unreadable("the QR payload does not decompress") from None
    if len(out) > limit or inflater.unconsumed_tail:
        raise error_for(ErrorCode.QR_TOO_LARGE, f"the QR payload expands beyond {limit} bytes")
    if not inflater.eof or inflater.unused_data:
        raise unreadable("the compressed QR payload is incomplete or has trailing bytes")
    return out
