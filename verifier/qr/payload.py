"""The QR text of a document and back: ``"SP1:"``, ``"SP2:"`` or ``"SP3:"`` + Base45(flags, body, CRC-32), or
``"SP4:"`` + the same frame as decimal digits, bounded.

``encode_payload`` writes whichever of SP1-SP4 takes the fewest bits in a QR code (the older format on a tie);
``decode_document`` and ``decode_payload`` check the frame, inflate within the limits and read the CBOR back,
refusing any form but the canonical one.
"""

from __future__ import annotations

import json
import zlib
from typing import Any, Collection, Final, Iterable

from skillspas.schemas.errors import ErrorCode, error_for
from skillspas.schemas.jsonio import parse_json
from skillspas.schemas.limits import Limits
from skillspas.verifier.qr.base45 import b45decode, b45encode, damaged, expands_beyond, unreadable
from skillspas.verifier.qr.cbor import Reader, to_cbor
from skillspas.verifier.qr.digits import digits_decode, digits_encode, qr_bits
from skillspas.verifier.qr.parts import MAX_PARTS, is_part, join_parts
from skillspas.verifier.qr.terms import SP1_ZDICT, SP3_TERMS, term_dictionary
from skillspas.verifier.qr.vocab import VocabDictionary, bundled_dictionary, held_dictionaries

__all__ = ["PREFIX", "PREFIX_SP2", "PREFIX_SP3", "PREFIX_SP4", "PREFIXES", "MAX_QR_TEXT", "MAX_QR_DIGITS",
           "encode_payload", "decode_payload", "decode_document", "frame_bytes", "is_payload", "max_text_length"]

PREFIX: Final = "SP1:"
"""Versioned prefix of a skillspas QR payload that needs no vocabulary dictionary."""

PREFIX_SP2: Final = "SP2:"
"""Prefix of a payload whose alignments refer to a vocabulary dictionary (format SP2)."""

PREFIX_SP3: Final = "SP3:"
"""Prefix of format SP3: SP2's frame and dictionary, SP3's term dictionary and runs of dictionary alignments."""

PREFIX_SP4: Final = "SP4:"
"""Prefix of format SP4: SP3's CBOR, a preset dictionary that ends with specimen credentials, decimal digits."""

PREFIXES: Final = (PREFIX, PREFIX_SP2, PREFIX_SP3, PREFIX_SP4)

MAX_QR_TEXT: Final = 4296
"""Most characters one QR code holds (version 40, level L, alphanumeric mode)."""

MAX_QR_DIGITS: Final = 7089
"""Most digits one QR code holds (version 40, level L, numeric mode): the longest SP4 text."""

_MAX_PARTS_TEXT: Final = MAX_PARTS * 2 * (MAX_QR_DIGITS + 32)
"""Most characters of the texts of one numbered set (each part may be read twice)."""

_FLAG_DEFLATE: Final = 0x01

_BUNDLED_DEFAULT: Final = object()


def encode_payload(document: dict[str, Any] | str | bytes, *, compress: bool | None = None,
                   dictionary: "VocabDictionary | None | object" = _BUNDLED_DEFAULT,
                   formats: Collection[str] = PREFIXES) -> str:
    """The QR text of a JSON document (a signed credential): of the ``formats`` (default SP1, SP2, SP3 and SP4;
    all but SP1 with ``dictionary``, by default the bundled vocabulary index), the one a QR code holds in the
    fewest bits (``qr_bits``). ``dictionary=None`` writes SP1; ``formats=PREFIXES[:3]`` what verifiers older
    than SP4 read."""
    if isinstance(document, (str, bytes)):
        document = parse_json(document, Limits())
    if not isinstance(document, dict):
        raise TypeError("the document must be a JSON object")
    vocab = bundled_dictionary() if dictionary is _BUNDLED_DEFAULT else dictionary
    texts = [_framed(PREFIX, b"", to_cbor(document), SP1_ZDICT, compress)] if PREFIX in formats else []
    if isinstance(vocab, VocabDictionary):
        if PREFIX_SP2 in formats:
            texts.append(_framed(PREFIX_SP2, vocab.version, to_cbor(document, vocab), vocab.zdict, compress))
        sp3 = to_cbor(document, vocab, sp3=True) if {PREFIX_SP3, PREFIX_SP4} & set(formats) else b""
        if PREFIX_SP3 in formats:
            texts.append(_framed(PREFIX_SP3, vocab.version, sp3, vocab.zdict, compress))
        if PREFIX_SP4 in formats:
            texts.append(_framed(PREFIX_SP4, vocab.version, sp3, vocab.preset(specimens=True), compress))
    if not texts:
        raise ValueError(f"none of the formats {list(formats)} can be written (SP2-SP4 need a dictionary)")
    return min(texts, key=qr_bits)  # the oldest format on a tie: more verifiers read it


def _framed(prefix: str, header: bytes, cbor: bytes, zdict: bytes, compress: bool | None) -> str:
    """``prefix`` + Base45(flags || header || body || CRC-32) (SP4: as digits), the smaller of DEFLATE and
    plain CBOR."""
    candidates = []
    if compress is not False:
        packer = zlib.compressobj(9, zlib.DEFLATED, -15, 9, zlib.Z_DEFAULT_STRATEGY, zdict)
        candidates.append(bytes([_FLAG_DEFLATE]) + header + packer.compress(cbor) + packer.flush())
    if compress is not True:
        candidates.append(b"\x00" + header + cbor)
    body = min(candidates, key=len)
    framed = body + zlib.crc32(body).to_bytes(4, "big")
    return prefix + (digits_encode(framed) if prefix == PREFIX_SP4 else b45encode(framed))


def frame_bytes(text: str) -> bytes:
    """The frame (flags, header, body, CRC-32) a payload text carries after its prefix: SP4's digits, else Base45;
    ``qr_unreadable`` when they are not canonical."""
    return (digits_decode if text.startswith(PREFIX_SP4) else b45decode)(text[len(PREFIX):])


def max_text_length(text: str) -> int:
    """Most characters of a payload text like ``text`` that the verifier reads, prefix included: one QR code's
    worth of SP4's digits or of Base45. The joined text of a numbered set is held to it too."""
    return (MAX_QR_DIGITS if text.lstrip().startswith(PREFIX_SP4) else MAX_QR_TEXT) + len(PREFIX)


def is_payload(text: str) -> bool:
    """Whether ``text`` looks like a skillspas QR payload, or a part of a numbered set of codes (by its prefix)."""
    return text.startswith(PREFIXES) or is_part(text)


def decode_document(text: str, limits: Limits = Limits(), *,
                    dictionaries: "Iterable[VocabDictionary] | None" = None) -> dict[str, Any]:
    """The JSON document an SP1-SP4 QR text (or the parts of a numbered set, one per line) holds, within
    ``limits``. An SP2-SP4 text names its dictionary's version: one of ``dictionaries`` (default: the bundled
    vocabulary index) must have it, else the text is refused as ``qr_unknown_dictionary``, never read with
    another dictionary."""
    if not isinstance(text, str):
        raise TypeError("the QR text must be a str")
    if is_part(text.lstrip()):  # the parts of a numbered set, one per line, in any order
        if len(text) > _MAX_PARTS_TEXT:
            raise error_for(ErrorCode.QR_TOO_LARGE, f"{len(text)} characters is more than a set of QR codes holds",
                            nl=f"{len(text)} tekens is meer dan een reeks QR-codes bevat; scan alleen de codes van één bewijsstuk")
        text = join_parts(line.lstrip() for line in text.split("\n") if line.strip())
    if len(text) > max_text_length(text):
        raise error_for(ErrorCode.QR_TOO_LARGE, f"{len(text)} characters is more than one QR code holds",
                        nl=f"{len(text)} tekens is meer dan één QR-code bevat; scan alleen de code van één bewijsstuk")
    text = text.lstrip().rstrip("\r\n")  # a space is a Base45 digit: only line ends are dropped ...
    text = text.rstrip() if text.startswith(PREFIX_SP4) else text  # ... but never one of SP4's
    if not text.startswith(PREFIXES):
        raise unreadable("this is not a skillspas QR code (no SP1:, SP2:, SP3: or SP4: prefix)",
                         "dit is geen QR-code van skillspas (de tekst begint niet met SP1:, SP2:, SP3: of SP4:); "
                         "scan de QR-code op het bewijsstuk of paspoort van de werknemer")
    sp4 = text.startswith(PREFIX_SP4)
    sp3 = sp4 or text.startswith(PREFIX_SP3)
    sp2 = sp3 or text.startswith(PREFIX_SP2)
    raw = frame_bytes(text)
    if len(raw) < (10 if sp2 else 6):
        raise unreadable("the QR payload is too short", damaged("de code is te kort"))
    body, check = raw[:-4], raw[-4:]
    if zlib.crc32(body).to_bytes(4, "big") != check:
        raise unreadable("the QR payload is damaged (checksum mismatch)",
                         "de QR-code is beschadigd of niet goed gelezen (het controlegetal klopt niet); "
                         "maak een scherpere foto of scan de code opnieuw")
    flags, cbor = body[0], body[1:]
    if flags & ~_FLAG_DEFLATE:
        raise unreadable(f"unknown flags {flags:#x}", damaged(f"onbekende vlaggen {flags:#x}"))
    vocab = None
    if sp2:
        version, cbor = cbor[:4], cbor[4:]
        known = held_dictionaries() if dictionaries is None else list(dictionaries)
        vocab = next((d for d in known if d.version == version), None)
        if vocab is None:
            held = ", ".join(d.version.hex() for d in known[:8])
            raise error_for(ErrorCode.QR_UNKNOWN_DICTIONARY,
                            f"the QR code was made with vocabulary dictionary {version.hex()}, which this verifier "
                            f"does not hold (it has {held or 'none'})",
                            nl=f"de QR-code is gemaakt met versie {version.hex()} van de vaardighedenlijst, en die heeft "
                               f"deze verificateur niet (wel: {held or 'geen'}); werk de verificateur bij, of vraag om "
                               "het bewijsstuk als bestand")
    if flags & _FLAG_DEFLATE:
        cbor = _inflate(cbor, limits.max_bytes, vocab.preset(specimens=sp4) if vocab is not None else SP1_ZDICT)
    reader = Reader(cbor, SP3_TERMS if sp3 else term_dictionary(), limits, vocab, runs=sp3)
    document = reader.value(0)
    if reader.pos != len(cbor):
        raise unreadable("the QR payload has trailing bytes", damaged("er staan bytes achter de inhoud"))
    if not isinstance(document, dict):
        raise unreadable("the QR payload is not a JSON object", damaged("de inhoud is geen JSON-object"))
    if to_cbor(document, vocab, sp3=sp3) != cbor:
        raise unreadable("the QR payload is not in its canonical form",
                         damaged("de inhoud staat niet in zijn vaste vorm"))
    return document


def decode_payload(text: str, limits: Limits = Limits(), *,
                   dictionaries: "Iterable[VocabDictionary] | None" = None) -> bytes:
    """The JSON bytes of the credential an SP1-SP4 QR text holds: what ``Verifier.verify`` takes."""
    document = decode_document(text, limits, dictionaries=dictionaries)
    data = json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    if len(data) > limits.max_bytes:
        raise error_for(ErrorCode.QR_TOO_LARGE, f"the QR payload expands to more than {limits.max_bytes} bytes",
                        nl=f"de QR-code pakt uit tot meer dan {limits.max_bytes} bytes; vraag om het bewijsstuk als bestand")
    return data


def _inflate(data: bytes, limit: int, zdict: bytes = SP1_ZDICT) -> bytes:
    """Raw DEFLATE, refusing to produce more than ``limit`` bytes (a zlib bomb stops here)."""
    inflater = zlib.decompressobj(-15, zdict=zdict)
    try:
        out = inflater.decompress(data, limit + 1)
    except zlib.error:
        raise unreadable("the QR payload does not decompress", damaged("niet uit te pakken")) from None
    if len(out) > limit or inflater.unconsumed_tail:
        raise expands_beyond(limit)
    if not inflater.eof or inflater.unused_data:
        raise unreadable("the compressed QR payload is incomplete or has trailing bytes",
                         damaged("de ingepakte inhoud is onvolledig of heeft bytes over"))
    return out
