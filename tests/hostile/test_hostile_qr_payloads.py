"""A QR text is what anyone can print: the vocabulary-aware decoder (SP2-SP4, ``verifier.qr``) refuses every hostile one
with a code, at once, and never hands on more than its limits. A 2.5 KB SP4 code of a million ``null``s (or
``true``/``false``) was decoded whole by ``decode_document``, the reader of a passport PDF's codes, into a document 6-7
MB long as JSON, six times the ``Limits.max_bytes`` it promises, in about a second: a literal cost nothing of the
reader's budget, and an array was not held to ``max_array_length`` as a JSON array is; a run of a million dictionary
alignments was read whole before the budget could stop it. The codes of one passport (a PDF's, several photos) were
all decoded before their size together was checked: a 120 KB PDF of 60 codes, each just under the limit, took 62 s
and 1.6 GB before it was refused as too_large."""

from __future__ import annotations

import json
import time
import zlib

import pytest

from hostilekit import assert_coded_refusal, run_cli
from skillspas.issuer import sign
from skillspas.issuer.demo import sample_credential
from skillspas.keys import LocalSigner, generate
from skillspas.schemas.errors import ErrorCode, SkillspasError
from skillspas.schemas.limits import Limits
from skillspas.verifier.qr import (
    PREFIX_SP4,
    bundled_dictionary,
    decode_document,
    digits_encode,
    encode_payload,
    split_payload,
)
from skillspas.verifier.qr.cbor import _head as head

DICTIONARY = bundled_dictionary()
MILLION = (1 << 20) - 16
"""Items of one byte that fit the 1 MiB the decoder inflates a code to (``Limits.max_bytes``), with their headers."""


def _sp4(cbor: bytes, *, version: bytes | None = None) -> str:
    """An SP4 text of ``cbor``, deflated with SP4's preset, with a correct CRC: what anyone can print."""
    packer = zlib.compressobj(9, zlib.DEFLATED, -15, 9, zlib.Z_DEFAULT_STRATEGY, DICTIONARY.preset(specimens=True))
    body = b"\x01" + (version or DICTIONARY.version) + packer.compress(cbor) + packer.flush()
    return PREFIX_SP4 + digits_encode(body + zlib.crc32(body).to_bytes(4, "big"))


def _under_a(cbor: bytes) -> bytes:
    """``{"a": <cbor>}``: a JSON object, as every payload is."""
    return head(5, 1) + head(3, 1) + b"a" + cbor


def _arrays_of(item: bytes, total: int, size: int = 10_000) -> bytes:
    """``total`` copies of ``item`` in arrays of ``size``, each array within ``Limits.max_array_length``."""
    return head(4, total // size) + (head(4, size) + item * size) * (total // size)


def _run(count: int) -> bytes:
    """SP3's tag 21: a run of ``count`` alignments to dictionary entry 1 (one byte each after the first)."""
    content = bytes([0]) + b"\x02" + b"\x00" * (count - 1)
    return head(6, 21) + head(2, len(content)) + content


BOMBS = {
    "a million nulls in one array": _under_a(head(4, MILLION) + b"\xf6" * MILLION),
    "a million trues in one array": _under_a(head(4, MILLION) + b"\xf5" * MILLION),
    "a million falses in one array": _under_a(head(4, MILLION) + b"\xf4" * MILLION),
    "a million empty arrays in one array": _under_a(head(4, MILLION) + b"\x80" * MILLION),
    "a million nulls in arrays of 10,000": _under_a(_arrays_of(b"\xf6", 1_040_000)),
    "a million empty objects in arrays of 10,000": _under_a(_arrays_of(b"\xa0", 1_040_000)),
    "a run of a million dictionary alignments": _under_a(_run(MILLION)),
}


@pytest.mark.parametrize("bomb", list(BOMBS))
def test_a_small_code_that_unpacks_to_a_huge_document_is_refused_not_decoded(bomb):
    text = _sp4(BOMBS[bomb])
    assert len(text) < 7100  # one QR code holds it
    started = time.monotonic()
    with pytest.raises(SkillspasError) as refused:
        decode_document(text)
    assert refused.value.code is ErrorCode.QR_TOO_LARGE, refused.value
    assert time.monotonic() - started < 1.0  # 1 MiB of JSON at most: 0.5 s for 350,000 empty objects, alone
    assert "bewijsstuk als bestand" in refused.value.text("nl")


def test_a_code_that_would_inflate_to_100_mb_is_refused_before_it_is_inflated():
    """DEFLATE packs 100 MB of zeros into 100 KB: more text than one code, or a set of 16, holds."""
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    bomb = packer.compress(bytes(100 << 20)) + packer.flush()
    body = b"\x01" + DICTIONARY.version + bomb
    text = PREFIX_SP4 + digits_encode(body + zlib.crc32(body).to_bytes(4, "big"))
    started = time.monotonic()
    for given in (text, "\n".join(split_payload(text, 16))):
        with pytest.raises(SkillspasError) as refused:
            decode_document(given)
        assert refused.value.code is ErrorCode.QR_TOO_LARGE
    assert time.monotonic() - started < 0.5


def test_what_the_decoder_hands_on_stays_within_the_limits_it_is_given():
    limits = Limits(max_bytes=50_000, max_array_length=100)
    with pytest.raises(SkillspasError) as refused:
        decode_document(_sp4(_under_a(head(4, 101) + b"\xf6" * 101)), limits)
    assert refused.value.code is ErrorCode.QR_TOO_LARGE and "100" in refused.value.text("en")
    for many in (b"\xf6", b"\xf4", b"\x80"):
        with pytest.raises(SkillspasError) as refused:
            decode_document(_sp4(_under_a(_arrays_of(many, 20_000, 100))), limits)
        assert refused.value.code is ErrorCode.QR_TOO_LARGE
    fits = decode_document(_sp4(_under_a(_arrays_of(b"\xf6", 1_000, 100))), limits)
    assert len(json.dumps(fits, separators=(",", ":"))) < 50_000


MAX32, MAX64 = b"\xff" * 4, b"\xff" * 8
AT_THE_MAXIMUM = {
    "an array of 2^32-1 items": (b"\x9a" + MAX32, ErrorCode.QR_UNREADABLE),  # more than the bytes left: a lie
    "an array of 2^64-1 items": (b"\x9b" + MAX64, ErrorCode.QR_UNREADABLE),
    "an object of 2^32-1 keys": (b"\xba" + MAX32, ErrorCode.QR_UNREADABLE),
    "an object of 2^64-1 keys": (b"\xbb" + MAX64, ErrorCode.QR_UNREADABLE),
    "a text of 2^32-1 bytes": (b"\x7a" + MAX32, ErrorCode.QR_UNREADABLE),
    "a text of 2^64-1 bytes": (b"\x7b" + MAX64, ErrorCode.QR_UNREADABLE),
    "a UUID of 2^64-1 bytes": (b"\xc7\x5b" + MAX64, ErrorCode.QR_UNREADABLE),
    "tag 2^32-1": (b"\xda" + MAX32 + b"\x00", ErrorCode.QR_UNREADABLE),
    "tag 2^64-1": (b"\xdb" + MAX64 + b"\x00", ErrorCode.QR_UNREADABLE),
    "term 2^32-1": (b"\x1a" + MAX32, ErrorCode.QR_UNREADABLE),
    "term 2^64-1": (b"\x1b" + MAX64, ErrorCode.QR_UNREADABLE),
    "dictionary entry 2^32-1": (b"\xd0\x1a" + MAX32, ErrorCode.QR_UNREADABLE),
    "dictionary entry 2^64-1": (b"\xd0\x1b" + MAX64, ErrorCode.QR_UNREADABLE),
    "dictionary entry 2^64-1 with an evidence kind": (b"\xd4\x1b" + MAX64, ErrorCode.QR_UNREADABLE),
    "a dictionary entry as a negative number": (b"\xd0\x3b" + MAX64, ErrorCode.QR_UNREADABLE),
    "a run's first entry beyond the dictionary": (b"\xd5\x46\x00" + b"\xfe\xff\xff\xff\x0f", ErrorCode.QR_UNREADABLE),
    "a run's varint of 2^64-1": (b"\xd5\x4c\x00\x02" + b"\xff" * 9 + b"\x01", ErrorCode.QR_UNREADABLE),
    "a run going below entry 0": (b"\xd5\x43\x00\x02\x07", ErrorCode.QR_UNREADABLE),
    "a run of 2^64-1 bytes": (b"\xd5\x5b" + MAX64, ErrorCode.QR_UNREADABLE),
    "a date 2^64-1 days after 1970": (b"\xcd\x1b" + MAX64, ErrorCode.QR_UNREADABLE),
    "a time 2^64-1 seconds after 1970": (b"\xcc\x1b" + MAX64, ErrorCode.QR_UNREADABLE),
    "a date of 2^32-1 days": (b"\xcd\x1a" + MAX32, ErrorCode.QR_UNREADABLE),
    "a multibase value of 2^32-1 bytes": (b"\xcb\x5a" + MAX32, ErrorCode.QR_UNREADABLE),
    "nesting 10,000 arrays deep": (b"\x81" * 10_000 + b"\xf6", ErrorCode.TOO_DEEP),
    "nesting 10,000 objects deep": (b"\xa1\x61a" * 10_000 + b"\xf6", ErrorCode.TOO_DEEP),
    "a tag inside a tag": (b"\xc7\xc7\x50" + bytes(16), ErrorCode.QR_UNREADABLE),
}


@pytest.mark.parametrize("case", list(AT_THE_MAXIMUM))
def test_every_count_and_number_at_its_maximum_is_refused_with_a_code(case):
    cbor, code = AT_THE_MAXIMUM[case]
    started = time.monotonic()
    with pytest.raises(SkillspasError) as refused:
        decode_document(_sp4(_under_a(cbor)))
    assert refused.value.code is code, refused.value
    assert time.monotonic() - started < 0.5


@pytest.mark.parametrize("number", [b"\x1b" + MAX64, b"\x3b" + MAX64, b"\x1b\x00\x20\x00\x00\x00\x00\x00\x00"],
                         ids=["2^64-1", "-2^64", "2^53"])
def test_a_number_the_code_holds_beyond_2_53_is_malformed_json_when_checked_not_misread(number):
    """CBOR holds integers to 2^64; JSON readers agree only to 2^53: the verifier refuses what the code gave it."""
    run = run_cli("verify", _sp4(_under_a(b"\xc6" + number)), "--json")
    assert_coded_refusal(run, codes={"malformed_json"})


@pytest.fixture(scope="module")
def payload() -> str:
    signer = LocalSigner(generate("ed25519"))
    return encode_payload(sign(sample_credential(signer.controller), signer))


def test_every_truncation_of_a_real_code_is_refused_with_a_code(payload):
    started = time.monotonic()
    for end in range(len(payload)):
        with pytest.raises(SkillspasError) as refused:
            decode_document(payload[:end])
        assert refused.value.code in (ErrorCode.QR_UNREADABLE, ErrorCode.QR_UNKNOWN_DICTIONARY), (end, refused.value)
    assert time.monotonic() - started < 2.0


def test_a_code_of_a_dictionary_version_no_verifier_has_is_refused_on_the_command_line():
    run = run_cli("verify", _sp4(_under_a(b"\xf6"), version=b"\xde\xad\xbe\xef"))
    assert_coded_refusal(run, codes={"qr_unknown_dictionary"})
    assert "deadbeef" in run.stderr and "werk de verificateur bij" in run.stderr


@pytest.mark.parametrize(
    "header",
    ["SPP:1/0/", "SPP:1/00/", "SPP:0/3/", "SPP:1/65535/", "SPP:65535/65535/", "SPP:-1/3/", "SPP:1/-3/", "SPP:1/3 /"],
    ids=["count 0", "count 00", "part 0", "count 65535", "part 65535 of 65535", "part -1", "count -3", "a space"],
)
def test_a_part_numbered_outside_1_to_16_is_refused_with_a_code(payload, header):
    part = split_payload(payload, 3)[0]
    run = run_cli("verify", header + part[len("SPP:1/3/"):])
    assert_coded_refusal(run, codes={"qr_unreadable", "qr_too_large"})


def test_the_parts_of_two_credentials_given_as_one_set_are_a_mixed_set(payload):
    signer = LocalSigner(generate("ed25519"))
    other = split_payload(encode_payload(sign(sample_credential(signer.controller), signer)), 3)
    ours = split_payload(payload, 3)
    for parts in ([ours[0], other[1], other[2]], [ours[0], ours[1], other[2]], ours + other):
        assert_coded_refusal(run_cli("verify", "-", stdin="\n".join(parts).encode()), codes={"qr_mixed_set"})
    together = run_cli("verify", "--json", *ours[:2], *other)  # one set complete, the other not
    assert_coded_refusal(together, codes={"qr_incomplete", "qr_mixed_set"})


def _near_the_limit(number: int) -> str:
    """A code whose document is just under 1 MiB as JSON (340,000 empty objects), told apart by ``number``."""
    return _sp4(head(5, 2) + head(3, 1) + b"a" + _arrays_of(b"\xa0", 340_000) + head(3, 1) + b"b" + head(6, 6)
                + head(0, number))


def test_the_codes_of_one_passport_are_refused_as_soon_as_they_together_pass_the_limit():
    """The third code is never decoded: its own refusal (qr_unreadable) would show if it were."""
    from skillspas.verifier.page.inputs import qr_credentials

    assert len(json.dumps(decode_document(_near_the_limit(0)), separators=(",", ":"))) < Limits().max_bytes
    with pytest.raises(SkillspasError) as refused:
        qr_credentials([_near_the_limit(1), _near_the_limit(2), PREFIX_SP4 + "1"], Limits())
    assert refused.value.code is ErrorCode.TOO_LARGE, refused.value


def test_a_passport_pdf_of_codes_near_the_limit_is_refused_with_a_code(tmp_path):
    import io

    from pypdf import PdfWriter
    from pypdf.generic import DictionaryObject, NameObject, NumberObject, StreamObject

    from skillspas.wallet_export.qr import qr_for_text

    writer = PdfWriter()
    page = writer.add_blank_page(600, 800)
    images = DictionaryObject()
    for number in range(3):
        png = io.BytesIO()
        qr_for_text(_near_the_limit(number), lower=True).code.save(png, kind="png", scale=2, border=4)
        from PIL import Image

        picture = Image.open(png).convert("L")
        stream = StreamObject()
        stream.set_data(zlib.compress(picture.tobytes()))
        stream.update({NameObject("/Type"): NameObject("/XObject"), NameObject("/Subtype"): NameObject("/Image"),
                       NameObject("/Width"): NumberObject(picture.width), NameObject("/Height"): NumberObject(picture.height),
                       NameObject("/ColorSpace"): NameObject("/DeviceGray"), NameObject("/BitsPerComponent"): NumberObject(8),
                       NameObject("/Filter"): NameObject("/FlateDecode")})
        images[NameObject(f"/Im{number}")] = writer._add_object(stream)
    page[NameObject("/Resources")] = DictionaryObject({NameObject("/XObject"): images})
    path = tmp_path / "paspoort.pdf"
    with path.open("wb") as out:
        writer.write(out)
    assert_coded_refusal(run_cli("verify", str(path)), codes={"too_large"})
