"""QR format SP4: SP3's CBOR, a preset dictionary that ends with frozen specimen credentials, decimal digits."""

from __future__ import annotations

import hashlib
import json
import sys
import zlib
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from helpers import new_signer
from skillspas.issuer import sign
from skillspas.schemas.errors import ErrorCode, SkillspasError
from skillspas.schemas.limits import Limits
from skillspas.verifier.qr import (
    MAX_QR_DIGITS,
    PREFIX_SP4,
    PREFIXES,
    bundled_dictionary,
    decode_payload,
    digits_decode,
    digits_encode,
    encode_payload,
    qr_bits,
    read_qr_image,
    split_digits,
)
from skillspas.verifier.qr.cbor import Reader
from skillspas.verifier.qr.specimens import SP4_DIGEST, SP4_SPECIMENS
from skillspas.verifier.qr.terms import SP3_TERMS

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
from credentials import ob3_credential  # noqa: E402

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
BUNDLED = bundled_dictionary()


@pytest.fixture(scope="module")
def diploma():
    signer = new_signer()
    return sign(ob3_credential(8, signer.controller), signer)


def _code(text: str, limits: Limits = Limits()) -> ErrorCode:
    with pytest.raises(SkillspasError) as caught:
        decode_payload(text, limits)
    return caught.value.code


def _sp4(frame: bytes) -> str:
    """An SP4 text around ``frame`` (flags, dictionary version, body) with a correct CRC: what an attacker can make."""
    return PREFIX_SP4 + digits_encode(frame + zlib.crc32(frame).to_bytes(4, "big"))


# -- the specimens --------------------------------------------------------------------------------


def test_the_specimens_are_pinned():
    assert hashlib.sha256(SP4_SPECIMENS).hexdigest() == SP4_DIGEST == (
        "117a0b77e53eaa926bf113ba8a6f0374b76d1b87d76bfb9479c9be5b1a640239")


def test_the_specimens_are_an_open_badge_and_one_credential_of_each_type_in_sp3_cbor():
    reader = Reader(SP4_SPECIMENS, SP3_TERMS, Limits(), BUNDLED, runs=True)
    types = []
    while reader.pos < len(SP4_SPECIMENS):
        types.append(reader.value(0)["type"][-1])
    assert types == ["OpenBadgeCredential", "MboDiploma", "MboCertificaat", "Ervaringscertificaat",
                     "Praktijkverklaring", "MicroCredential"]


def test_no_name_of_an_example_person_school_or_company_is_in_the_specimens():
    """The benchmarks measure the example rows: their names must travel as literals, not by the dictionary."""
    names = {value for path in EXAMPLES.glob("*/*.json")
             for key, value in json.loads(path.read_text("utf-8")).items()
             if key in {"issuer_name", "learner_name", "leerbedrijf_name", "examencommissie", "title"}}
    names |= {"ROC Voorbeeldstad (fictief) - Examencommissie ICT", "Software developer"}  # benchmarks/credentials.py
    assert len(names) > 15
    assert [name for name in names if name.encode("utf-8") in SP4_SPECIMENS] == []


def test_the_sp4_preset_is_sp3s_followed_by_the_specimens_within_the_deflate_window():
    preset = BUNDLED.preset(specimens=True)
    assert preset.endswith(SP4_SPECIMENS) and len(preset) <= 32 * 1024
    assert preset[:-len(SP4_SPECIMENS)] == BUNDLED.zdict[len(BUNDLED.zdict) + len(SP4_SPECIMENS) - len(preset):]


# -- the digits -----------------------------------------------------------------------------------


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=600))
def test_any_bytes_come_back_from_their_digits(data):
    text = digits_encode(data)
    assert digits_decode(text) == data and (text.isdigit() or data == b"")


def test_22_bytes_take_53_digits_and_a_shorter_last_group_says_its_length():
    assert len(digits_encode(b"\xff" * 22)) == 53
    lengths = [len(digits_encode(b"\0" * k)) for k in range(23)]
    assert lengths == sorted(set(lengths)) and lengths[:4] == [0, 3, 5, 8]


@pytest.mark.parametrize(
    "digits",
    [
        pytest.param("256", id="a byte over 255"),
        pytest.param("9" * 53, id="a group over 2**176"),
        pytest.param("12", id="a length no group has"),
        pytest.param("12A", id="a letter"),
        pytest.param("١٢٣", id="Arabic-Indic digits"),
        pytest.param("123 456", id="a space"),
        pytest.param("", id="nothing"),
    ],
)
def test_digits_that_are_no_bytes_are_unreadable(digits):
    assert _code(PREFIX_SP4 + digits) is ErrorCode.QR_UNREADABLE


def test_more_digits_than_a_qr_code_holds_are_too_large_and_refused_before_reading():
    assert _code(PREFIX_SP4 + "1" * (MAX_QR_DIGITS + 1)) is ErrorCode.QR_TOO_LARGE
    assert _code(PREFIX_SP4 + "1" * 10_000_000) is ErrorCode.QR_TOO_LARGE
    assert _code(PREFIX_SP4 + "000" * 2363) is ErrorCode.QR_UNREADABLE  # 7089 digits: read, then refused


def test_a_zlib_bomb_under_the_specimen_preset_is_too_large():
    packer = zlib.compressobj(9, zlib.DEFLATED, -15, 9, zlib.Z_DEFAULT_STRATEGY, BUNDLED.preset(specimens=True))
    frame = b"\x01" + BUNDLED.version + packer.compress(b"\0" * 2_500_000) + packer.flush()
    assert _code(_sp4(frame)) is ErrorCode.QR_TOO_LARGE


def test_an_sp3_body_under_the_sp4_prefix_is_refused_not_misread(diploma):
    sp3 = encode_payload(diploma, formats=("SP3:",))
    from skillspas.verifier.qr import b45decode

    frame = b45decode(sp3[4:])[:-4]
    with pytest.raises(SkillspasError):  # another preset: DEFLATE or the canonical check fails
        decode_payload(_sp4(frame))


def test_a_changed_digit_is_always_refused(diploma):
    text = encode_payload(diploma)
    for position in range(len(PREFIX_SP4), len(text), 7):
        changed = text[:position] + str((int(text[position]) + 1) % 10) + text[position + 1:]
        assert _code(changed) in (ErrorCode.QR_UNREADABLE, ErrorCode.QR_UNKNOWN_DICTIONARY)


# -- the choice and the drawing -------------------------------------------------------------------


def test_sp4_is_chosen_because_it_takes_fewer_qr_bits_than_every_older_format(diploma):
    text = encode_payload(diploma)
    older = [encode_payload(diploma, formats=(prefix,)) for prefix in PREFIXES[:3]]
    assert text.startswith(PREFIX_SP4) and all(qr_bits(text) < qr_bits(other) for other in older)
    assert json.loads(decode_payload(text)) == diploma


def test_only_a_run_of_eight_or_more_trailing_digits_is_drawn_as_a_numeric_segment():
    assert split_digits("SP4:0123456789") == ("SP4:", "0123456789")
    assert split_digits("SP1:ABC12345678") == ("SP1:ABC", "12345678")
    assert split_digits("SP1:ABC1234567") == ("SP1:ABC1234567", "")
    assert qr_bits("SP4:" + "1" * 300) < qr_bits("SP1:" + "A" * 300)


def test_an_sp4_code_and_a_numbered_set_of_sp4_parts_read_back_from_their_images(diploma):
    from skillspas.wallet_export.qr import credential_qr, credential_qr_set

    code = credential_qr(diploma)
    assert read_qr_image(code.png()) == code.text
    parts = credential_qr_set(diploma, max_version=10)
    assert len(parts) > 1 and all(part.version <= 10 for part in parts)
    texts = [read_qr_image(part.png()) for part in parts]
    assert json.loads(decode_payload("\n".join(reversed(texts)))) == diploma



def test_a_credential_longer_than_one_code_reads_is_refused_by_the_wallet_not_split_into_a_set_no_verifier_joins():
    """The joined text of a set is read as one code's (at most ``MAX_QR_DIGITS``): the parts of a longer text
    would each fit a small code, and the verifier would refuse them all as ``qr_too_large``."""
    from skillspas.wallet_export.qr import QRCapacityError, credential_qr_set

    noise = "".join(hashlib.sha256(bytes([n])).hexdigest() for n in range(85))  # 5,440 hex digits: DEFLATE halves them
    document = {"@context": ["https://www.w3.org/ns/credentials/v2"], "type": ["VerifiableCredential"],
                "description": noise}
    text = encode_payload(document)
    assert text.startswith(PREFIX_SP4) and len(text) > MAX_QR_DIGITS + len(PREFIX_SP4)
    assert _code(text) is ErrorCode.QR_TOO_LARGE
    with pytest.raises(QRCapacityError) as caught:
        credential_qr_set(document, max_version=15)
    assert caught.value.code is ErrorCode.QR_TOO_LARGE


def test_spaces_and_line_ends_around_an_sp4_text_do_not_matter(diploma):
    """SP4's digits hold no space (Base45's do), so a scanner's or a paste's trailing spaces are dropped."""
    text = encode_payload(diploma)
    assert json.loads(decode_payload(f"  {text} \t \r\n")) == diploma
