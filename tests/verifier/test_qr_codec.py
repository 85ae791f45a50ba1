"""The SP1 QR payload codec: lossless for signed credentials, strict and bounded for everything else."""

from __future__ import annotations

import hashlib
import json
import random
import sys
import time
import zlib
from pathlib import Path

import cbor2
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from helpers import new_signer, signed_credential
from skillspas.issuer import sign
from skillspas.schemas.errors import ErrorCode, SkillspasError
from skillspas.schemas.limits import Limits
from skillspas.verifier import Verifier
from skillspas.verifier import qr
from skillspas.verifier.qr.cbor import to_cbor
from skillspas.verifier.qr import PREFIX, PREFIXES, b45decode, b45encode, decode_payload, digits_decode, encode_payload

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
from credentials import ob3_credential  # noqa: E402

# The SP1 dictionary is a published format: this digest must never change (a new one needs "SP2:").
PINNED_SP1_DIGEST = "83b2b37bb6aeb3dab2dd6df7f7e33802dd70df351d6fd0a75132f145c0cd90a8"
PINNED_SP1_ZDICT_DIGEST = "dd19737d27bb17e1085e246b58011cf9d98dae7b1df5e2db36051329333d5ac5"


@pytest.fixture(scope="module")
def issuer():
    return new_signer()


@pytest.fixture(scope="module")
def verifier(issuer):
    return Verifier(trusted_issuers=[issuer.controller])


@pytest.fixture(scope="module")
def diploma(issuer):
    return sign(ob3_credential(8, issuer.controller), issuer)


def _raw(body: bytes) -> str:
    """An SP1 text around ``body`` (flags byte first) with a correct CRC: what an attacker can make."""
    return PREFIX + b45encode(body + zlib.crc32(body).to_bytes(4, "big"))


def _deflate(data: bytes) -> bytes:
    packer = zlib.compressobj(9, zlib.DEFLATED, -15, 9)
    return packer.compress(data) + packer.flush()


def _code(text: str, limits: Limits = Limits()) -> ErrorCode:
    with pytest.raises(SkillspasError) as caught:
        decode_payload(text, limits)
    return caught.value.code


# -- lossless -------------------------------------------------------------------------------------


@pytest.mark.parametrize("n_skills", [0, 8, 20])
@pytest.mark.parametrize("suite, kind", [("eddsa-rdfc-2022", "ed25519"), ("ecdsa-rdfc-2019", "p256")])
def test_decoded_payload_is_the_signed_json_and_its_proof_verifies(n_skills, suite, kind):
    signer = new_signer(kind)
    signed = sign(ob3_credential(n_skills, signer.controller), signer, suite=suite)
    data = decode_payload(encode_payload(signed))
    assert json.loads(data) == signed
    assert list(json.loads(data)) == list(signed)  # key order kept too
    result = Verifier(trusted_issuers=[signer.controller]).verify(data)
    assert result.verified, result.to_json()


def test_payload_is_digits_or_alphanumeric_with_the_versioned_prefix(diploma):
    text = encode_payload(diploma)
    assert text.startswith("SP4:") and text[4:].isdigit() and text[4:].isascii()
    older = encode_payload(diploma, formats=PREFIXES[:3])
    assert older.startswith(("SP2:", "SP3:")) and encode_payload(diploma, dictionary=None).startswith("SP1:")
    assert set(older) <= set("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:")


def test_a_format_list_that_nothing_can_be_written_in_is_refused(diploma):
    with pytest.raises(ValueError):
        encode_payload(diploma, dictionary=None, formats=("SP4:",))


def test_an_8_skill_diploma_fits_qr_version_15_at_level_m(diploma):
    from skillspas.wallet_export.qr import credential_qr

    code = credential_qr(diploma)  # benchmarks/qr.py's "OB 3.0 diploma", issue 18's target
    assert code.error == "M" and code.version <= 15


def test_payload_is_far_smaller_than_plain_json(diploma):
    plain = json.dumps(diploma, separators=(",", ":")).encode()
    payload = digits_decode(encode_payload(diploma)[len(PREFIX):])
    assert len(payload) < 0.35 * len(plain)


def test_json_bytes_and_dict_give_the_same_payload(diploma):
    assert encode_payload(json.dumps(diploma).encode()) == encode_payload(diploma)


def test_spaces_in_the_payload_survive_text_and_image_and_line_ends_do_not_matter(diploma):
    """A space is a Base45 digit (never the last one); a scanner may add a line end."""
    from skillspas.verifier.qr import read_qr_image
    from skillspas.wallet_export.qr import qr_for_text

    text = encode_payload(diploma, formats=PREFIXES[:3])
    assert " " in text and not text.endswith(" ")
    assert json.loads(decode_payload(text + "\r\n")) == diploma
    assert read_qr_image(qr_for_text(text).png()) == text
    assert all(b45encode(bytes([a, b]))[-1] not in " $%*+-./:" for a in range(256) for b in (0, 255))


def test_uncompressed_payloads_decode_too(diploma):
    assert json.loads(decode_payload(encode_payload(diploma, compress=False))) == diploma


@pytest.mark.parametrize(
    "value",
    [
        pytest.param("urn:uuid:6F1C9A52-3C1E-4D7A-9F0E-2B7C1D5E8A10", id="upper-case UUID stays text"),
        pytest.param("urn:uuid:6f1c9a52-3c1e-4d7a-9f0e-2b7c1d5e8a1", id="short UUID stays text"),
        pytest.param("http://data.europa.eu/esco/skill/not-a-uuid", id="ESCO URI without UUID"),
        pytest.param("did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK#key-1", id="did:key with other fragment"),
        pytest.param("did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK", id="did:key"),
        pytest.param("did:key:z11", id="base58 with leading zeros"),
        pytest.param("z0OIl", id="not base58"),
        pytest.param("2025-02-30T00:00:00Z", id="impossible date"),
        pytest.param("2025-07-01T00:00:00.000Z", id="fractional seconds"),
        pytest.param("1969-12-31T23:59:59Z", id="before 1970"),
        pytest.param("2025-07-01", id="date"),
        pytest.param("9999-12-31T23:59:59Z", id="last second of 9999"),
        pytest.param("name", id="a term used as a value"),
        pytest.param("", id="empty"),
        pytest.param("Zoë & Ĳsbrand – 🎓", id="any Unicode"),
        pytest.param("sha256$" + "ab" * 32, id="identity hash"),
        pytest.param("sha256$" + "AB" * 32, id="identity hash in upper case"),
        pytest.param("sha256$" + "ab" * 31, id="short identity hash"),
        pytest.param("9119db1db0da37c49777ee3a0ed99f80", id="salt"),
        pytest.param("9119db1db0da37c", id="odd hex"),
        pytest.param("1234567890123456", id="digits only"),
    ],
)
def test_every_string_comes_back_exactly(value):
    document = {"a": value, value: [value], "n": [0, -1, 2**53 - 1, -(2**53) + 1, 1.5, -0.25, 1e300, True, False, None]}
    decoded = json.loads(decode_payload(encode_payload(document)))
    assert decoded == document
    assert type(decoded["n"][4]) is float and type(decoded["n"][0]) is int


_json = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**53) + 1, 2**53 - 1)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text() | st.sampled_from(qr.term_dictionary()[:40])
    | st.uuids().map(lambda u: f"urn:uuid:{u}") | st.datetimes().map(lambda d: d.strftime("%Y-%m-%dT%H:%M:%SZ")),
    lambda children: st.lists(children, max_size=5)
    | st.dictionaries(st.text(max_size=10) | st.sampled_from(qr.term_dictionary()[:60]), children, max_size=5),
    max_leaves=30,
)


@settings(max_examples=120, deadline=None)
@given(st.dictionaries(st.text(max_size=10), _json, max_size=6))
def test_any_json_object_round_trips(document):
    assert json.loads(decode_payload(encode_payload(document))) == document


def test_sp1_cbor_is_standard_cbor(diploma):
    """Any CBOR library reads the payload (private tags 6-13 aside)."""
    cbor = to_cbor(diploma)
    decoded = cbor2.loads(cbor)
    assert isinstance(decoded, dict) and len(decoded) == len(diploma)
    assert cbor2.dumps(decoded) == cbor  # our encoding is also cbor2's canonical one


def test_term_dictionary_is_pinned():
    terms = qr.term_dictionary()
    assert hashlib.sha256("\n".join(terms).encode()).hexdigest() == PINNED_SP1_DIGEST == qr.SP1_DIGEST
    assert len(terms) == len(set(terms)) == 254 and terms[0] == "@context"


def test_preset_deflate_dictionary_is_pinned():
    assert hashlib.sha256(qr.SP1_ZDICT).hexdigest() == PINNED_SP1_ZDICT_DIGEST
    assert len(qr.SP1_ZDICT) <= 32 * 1024  # DEFLATE's window


def test_term_dictionary_is_derived_from_the_bundled_contexts():
    """Every frozen entry still comes out of the contexts (a context may grow; SP1 never changes)."""
    derived = qr.derive_term_dictionary()
    assert derived[: len(qr.SP1_TERMS)] == qr.SP1_TERMS


def test_base45_matches_rfc_9285_examples():
    for raw, text in [(b"AB", "BB8"), (b"Hello!!", "%69 VD92EX0"), (b"base-45", "UJCLQE7W581"), (b"ietf!", "QED8WEX0")]:
        assert b45encode(raw) == text
        assert b45decode(text) == raw


@pytest.mark.parametrize("text", ["GGW", "A", "ab", "BB8A", ":::"], ids=["over 65535", "one char", "lower case", "length 4", "over 65535 again"])
def test_base45_rejects_what_no_bytes_encode_to(text):
    with pytest.raises(SkillspasError) as caught:
        b45decode(text)
    assert caught.value.code is ErrorCode.QR_UNREADABLE


# -- one changed character is never a pass ---------------------------------------------------


def _outcome(text: str, verifier: Verifier) -> str:
    try:
        data = decode_payload(text)
    except SkillspasError as exc:
        return exc.code.value
    result = verifier.verify(data)
    return "pass" if result.verified else result.first_error.code.value


def test_every_position_with_one_changed_character_fails(diploma, verifier):
    text = encode_payload(diploma)
    alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:"
    rng = random.Random(6)
    outcomes = set()
    for position in range(len(text)):
        for replacement in rng.sample([c for c in alphabet if c != text[position]], 2):
            outcomes.add(_outcome(text[:position] + replacement + text[position + 1:], verifier))
    assert "pass" not in outcomes
    assert outcomes <= {"qr_unreadable", "qr_too_large", "invalid_signature", "malformed_json"}


def test_a_change_with_a_recomputed_checksum_still_fails_the_signature(diploma, verifier):
    cbor = to_cbor(diploma)
    tampered = cbor.replace(b"install software", b"install hardware")
    assert tampered != cbor
    outcome = _outcome(_raw(b"\x01" + _deflate(tampered)), verifier)
    assert outcome == "invalid_signature"


# -- hostile payloads ---------------------------------------------------------------------------


def test_zlib_bomb_is_refused_quickly():
    bomb = _deflate(b"\x00" * (2 * 1024 * 1024))
    text = _raw(b"\x01" + bomb)
    assert len(text) < qr.MAX_QR_TEXT
    started = time.perf_counter()
    assert _code(text) is ErrorCode.QR_TOO_LARGE
    assert time.perf_counter() - started < 0.5


def test_inflate_limit_follows_the_limits():
    document = {"skills": ["x" * 100] * 200}
    assert _code(encode_payload(document), Limits(max_bytes=5_000)) is ErrorCode.QR_TOO_LARGE


def test_dictionary_references_cannot_amplify_beyond_the_limit():
    longest = max(range(len(qr.term_dictionary())), key=lambda i: len(qr.term_dictionary()[i]))
    reference = bytes([longest]) if longest < 24 else bytes([0x18, longest])
    many = bytes([0xA1, 0x61, 0x61, 0x99, 0x0F, 0xA0]) + reference * 4000
    assert _code(_raw(b"\x01" + _deflate(many)), Limits(max_bytes=50_000)) is ErrorCode.QR_TOO_LARGE


def test_huge_text_is_refused_before_any_work():
    started = time.perf_counter()
    assert _code(PREFIX + "A" * 10_000_000) is ErrorCode.QR_TOO_LARGE
    assert time.perf_counter() - started < 0.1


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("", id="empty"),
        pytest.param("https://example.org/", id="a URL"),
        pytest.param("HC1:6BFOXN%TS3DH0YOJ58S S-W5HDC", id="EU DCC prefix"),
        pytest.param("SP2:BB8", id="unknown version"),
        pytest.param("SP1:", id="prefix only"),
        pytest.param("SP1:BB8", id="too short"),
        pytest.param("SP1:" + b45encode(bytes(range(256)) * 4), id="random bytes, bad checksum"),
    ],
)
def test_what_is_not_an_sp1_payload_is_unreadable(text):
    assert _code(text) is ErrorCode.QR_UNREADABLE


def test_random_payloads_with_valid_checksums_are_unreadable():
    rng = random.Random(45)
    for _ in range(300):
        body = bytes([rng.choice([0, 1])]) + rng.randbytes(rng.randrange(1, 600))
        assert _code(_raw(body)) in (ErrorCode.QR_UNREADABLE, ErrorCode.QR_TOO_LARGE, ErrorCode.TOO_DEEP)


@pytest.mark.parametrize(
    "cbor",
    [
        pytest.param(b"\xa1\x01\x01\xff", id="trailing byte"),
        pytest.param(b"\xa2\x01\x01\x01\x01", id="duplicate key"),
        pytest.param(b"\xa1\x18\x01\x01", id="non-shortest head"),
        pytest.param(b"\xbf\x01\x01\xff", id="indefinite map"),
        pytest.param(b"\xa1\x19\xff\xff\x01", id="index beyond the dictionary"),
        pytest.param(b"\xa1\x01\xd8\x20\x01", id="unknown tag"),
        pytest.param(b"\xa1\x01\xc7\x41\x00", id="UUID of one byte"),
        pytest.param(b"\xa1\x01\xfb\x7f\xf8\x00\x00\x00\x00\x00\x00", id="NaN"),
        pytest.param(b"\xa1\x01\x42\x00\x00", id="bare byte string"),
        pytest.param(b"\xa1\x01\x20", id="bare negative integer"),
        pytest.param(b"\xa1\x01\xf7", id="undefined"),
        pytest.param(b"\xa1\x01\x63\xff\xfe\xfd", id="text not UTF-8"),
        pytest.param(b"\xa1\x41\x00\x01", id="byte-string key"),
        pytest.param(b"\x9b\xff\xff\xff\xff\xff\xff\xff\xff", id="array claiming 2^64 items"),
        pytest.param(b"\x81\x01", id="not an object"),
        pytest.param(b"\xa1\x01\x78\x05ab", id="truncated text"),
        pytest.param(b"\xa1\x01\xcc\x1b\x00\x00\x00\x3b\x00\x00\x00\x00", id="date beyond year 9999"),
        pytest.param(b"\xa1\x62id\x01", id="term written as text (not canonical)"),
    ],
)
def test_malformed_cbor_is_unreadable(cbor):
    for flags, body in ((0, cbor), (1, _deflate(cbor))):
        assert _code(_raw(bytes([flags]) + body)) is ErrorCode.QR_UNREADABLE


def test_unknown_flags_are_unreadable():
    assert _code(_raw(b"\x02" + to_cbor({"a": 1}))) is ErrorCode.QR_UNREADABLE


def test_deep_nesting_is_too_deep():
    cbor = b"\xa1\x01" + b"\x81" * 200 + b"\xf6"
    assert _code(_raw(b"\x00" + cbor)) is ErrorCode.TOO_DEEP


def test_truncated_deflate_stream_is_unreadable(diploma):
    body = b45decode(encode_payload(diploma, dictionary=None)[len(PREFIX):])[:-4]
    assert body[0] == 1
    assert _code(_raw(body[:-20])) is ErrorCode.QR_UNREADABLE
    assert _code(_raw(body + b"\x00")) is ErrorCode.QR_UNREADABLE


def test_decode_needs_text():
    with pytest.raises(TypeError):
        decode_payload(b"SP1:")  # type: ignore[arg-type]


def test_importing_the_codec_loads_no_image_or_qr_library():
    import subprocess

    code = ("import sys, skillspas.verifier.qr; "
            "print(' '.join(m for m in ('zxingcpp', 'PIL', 'segno', 'qrcode', 'fpdf') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert out == ""
