"""The QR payload codec: a whole signed credential in one alphanumeric QR code, verifiable offline.

Usage::

    from skillspas.verifier.qr import encode_payload, decode_payload, read_qr_image

    text = encode_payload(signed_credential)          # "SP4:0123..." (digits, QR numeric mode) or "SP1:..."-"SP3:..."
    data = decode_payload(read_qr_image("photo.jpg"))  # the credential's JSON bytes
    result = Verifier(...).verify(data)                # the proof verifies: nothing was lost

Format ``SP1`` (never changed once published; a new format gets a new prefix)::

    "SP1:" + Base45( flags(1) || body || CRC-32(flags || body) (4, big-endian) )
    flags bit 0: body is raw DEFLATE (RFC 1951) of the CBOR with the preset dictionary SP1_ZDICT;
    otherwise body is the CBOR itself.

The CBOR (RFC 8949, a strict subset: definite lengths, shortest heads) is the JSON document with
three compactions, each of which the decoder undoes exactly:

- **term dictionary**: a string that is a term of the bundled VC 2.0, Data Integrity 2, Open
  Badges 3.0.3 or skillspas v1 contexts (or one of a few common values) is written as its index,
  as an unsigned integer (a JSON integer value is wrapped in tag 6 instead). The dictionary was
  derived from those contexts once and is frozen here (``SP1_TERMS``, digest ``SP1_DIGEST``).
- **compact identifiers**: ``urn:uuid:`` and ESCO skill URIs as 16 bytes, did:key identifiers and
  base58btc multibase values (``proofValue``) as their bytes, hexadecimal values (salts,
  ``sha256$`` identity hashes) as their bytes, UTC timestamps as seconds.
  A string is compacted only when the compact form turns back into the identical string.
- **DEFLATE** with a preset dictionary of frequent Dutch skill words and the issuer's standard
  sentences (``SP1_ZDICT``), when it makes the payload smaller.

Format ``SP2`` (SP1 plus a vocabulary dictionary; SP1 texts keep decoding, and what gains nothing
from the dictionary is still written as SP1, which every older verifier reads)::

    "SP2:" + Base45( flags(1) || dictionary version(4) || body || CRC-32(all before) (4) )

The dictionary is the bundled vocabulary index (``bundled_dictionary``: ESCO skills and occupations,
CompetentNL, the kwalificaties register), which issuer and verifier both hold. Its version is 4 bytes
of SHA-256 over the MANIFEST digests of the files it is built from; entry ``n`` is the ``n``-th URI in
sort order. Two compactions, each undone exactly before verification:

- an ``Alignment`` whose type (``["Alignment"]``), targetType, targetFramework, targetName (the entry's
  Dutch or English label) and targetUrl all match an entry, with its keys in one of four frozen orders,
  is written as CBOR tag 16-19 (the key order) around ``entry * 2 + label language``;
  anything else (another label, an extra key, an unknown URI) is written as in SP1, nothing changed;
- the DEFLATE preset dictionary is the catalogue's names (kwalificaties, dossiers, keuzedelen,
  certificaten with their codes; kerntaken and werkprocessen) followed by ``SP1_ZDICT``.

Format ``SP3`` (SP2's frame, dictionary and preset; SP1 and SP2 texts keep decoding, and SP3 is written
only when it is shorter than both)::

    "SP3:" + Base45( flags(1) || dictionary version(4) || body || CRC-32(all before) (4) )

- the term dictionary is ``SP3_TERMS``: ``SP1_TERMS`` followed by the skillspas/v2 context's URL and the terms
  v1 lacks, and the values of ``evidenceKind`` and ``participation``;
- an array of two or more alignments that all travel by the dictionary in the same key order is one CBOR
  tag 21 around bytes: the key order, then each alignment's number as a varint of its difference from the
  one before (alignments listed in entry order cost one or two bytes each).

Format ``SP4`` (SP3's CBOR and dictionary; SP1-SP3 texts keep decoding, and ``encode_payload`` writes the format
that takes the fewest bits in a QR code, ``qr_bits``; ``formats=PREFIXES[:3]`` writes what older verifiers read)::

    "SP4:" + Digits( flags(1) || dictionary version(4) || body || CRC-32(all before) (4) )

- Digits (``digits``): every 22 bytes as one 53-digit big-endian number, zero-padded, a last group of ``k``
  bytes as ``ceil(8k log10 2)`` digits; drawn as a QR numeric segment after the alphanumeric prefix, the
  frame costs 8.03 bits a byte instead of Base45's 8.25 (as SMART Health Cards' numeric ``shc:/`` does);
- the DEFLATE preset dictionary is SP3's followed by ``SP4_SPECIMENS`` (``specimens``): the SP3 CBOR of a
  plain OB 3.0 diploma and of one credential of each skillspas type, made once from placeholder rows
  (no example's names) and frozen, so the keys, types and fixed sentences every credential of a type
  shares travel as back-references (an 8-skill diploma: 441 -> 390 bytes).

A text naming a dictionary version the verifier does not hold is ``qr_unknown_dictionary``: it is
never read with another dictionary, whose entry numbers may differ.

Decoding is bounded (text length, inflated size, nesting depth, output size): what would expand
beyond the limits is ``qr_too_large``; what is not a well-formed SP1 payload is ``qr_unreadable``.
The CRC-32 catches every change of one or two adjacent bytes, so one changed character in the QR
text is always an error here, and any other change that decodes still has to pass the proof.
The decoded JSON equals the signed JSON (same values, same key order); whitespace is not kept,
which Data Integrity RDFC proofs do not depend on. Image decoding (zxing-cpp, Pillow) is imported
only when an image is read.

One module per job; this package exposes the public names of all of them:

- ``parts``: a numbered set of codes for one payload (``SPP:i/k/SET:``), split and joined back;
- ``payload``: the QR text (prefix, frame, CRC-32, DEFLATE) of a document and back, bounded;
- ``terms``: SP1's frozen term dictionary and preset DEFLATE dictionary;
- ``vocab``: SP2's versioned vocabulary dictionary (``VocabDictionary``, ``bundled_dictionary``);
- ``cbor``: the strict CBOR subset with SP1's compact-string tags;
- ``base45``: Base45 (RFC 9285) and the ``qr_unreadable`` refusal;
- ``digits``: SP4's decimal digits, and how a text is drawn (``split_digits``) and what it costs (``qr_bits``);
- ``specimens``: SP4's frozen specimen credentials;
- ``image``: QR codes read from photos and screenshots.
"""

from __future__ import annotations

from skillspas.verifier.qr.base45 import b45decode, b45encode
from skillspas.verifier.qr.digits import digits_decode, digits_encode, qr_bits, split_digits
from skillspas.verifier.qr.image import MAX_IMAGE_BYTES, image_too_large, no_qr_code, read_qr_image, read_qr_images
from skillspas.verifier.qr.parts import MAX_PARTS, PART_PREFIX, join_parts, join_sets, split_payload
from skillspas.verifier.qr.payload import (
    MAX_QR_DIGITS,
    MAX_QR_TEXT,
    PREFIX,
    PREFIX_SP2,
    PREFIX_SP3,
    PREFIX_SP4,
    PREFIXES,
    decode_document,
    decode_payload,
    encode_payload,
    frame_bytes,
    is_payload,
    max_text_length,
)
from skillspas.verifier.qr.terms import (
    SP1_CONTEXTS,
    SP1_DIGEST,
    SP1_TERMS,
    SP1_ZDICT,
    derive_term_dictionary,
    term_dictionary,
)
from skillspas.verifier.qr.vocab import VocabDictionary, bundled_dictionary

__all__ = [
    "PREFIX",
    "PREFIX_SP2",
    "PREFIX_SP3",
    "PREFIX_SP4",
    "PREFIXES",
    "VocabDictionary",
    "bundled_dictionary",
    "SP1_DIGEST",
    "MAX_QR_TEXT",
    "MAX_QR_DIGITS",
    "max_text_length",
    "MAX_IMAGE_BYTES",
    "encode_payload",
    "decode_payload",
    "frame_bytes",
    "decode_document",
    "read_qr_image",
    "read_qr_images",
    "no_qr_code",
    "image_too_large",
    "is_payload",
    "PART_PREFIX",
    "MAX_PARTS",
    "split_payload",
    "join_parts",
    "join_sets",
    "term_dictionary",
    "derive_term_dictionary",
    "SP1_TERMS",
    "SP1_CONTEXTS",
    "SP1_ZDICT",
    "b45encode",
    "b45decode",
    "digits_encode",
    "digits_decode",
    "split_digits",
    "qr_bits",
]
