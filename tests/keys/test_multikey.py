"""Multikey / multibase encoding: the W3C vector keys round-trip exactly; defects are refused."""

from __future__ import annotations

import json
from pathlib import Path

import base58
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from skillspas.keys.multikey import (
    decode_multibase,
    decode_public_key,
    decode_secret_key,
    encode_multibase,
    encode_public_key,
    encode_secret_key,
)
from skillspas.schemas.errors import ErrorCode, SkillspasError

VECTORS = Path(__file__).resolve().parents[1] / "data" / "vectors"
EDDSA_PUBLIC = "z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2"


def _vector(name: str) -> dict[str, str]:
    return json.loads((VECTORS / name).read_text())


def _raw(prefix: bytes, body: bytes) -> str:
    return "z" + base58.b58encode(prefix + body).decode()


@pytest.mark.parametrize(
    ("name", "secret_field", "kind", "public_prefix", "secret_prefix", "public_len", "secret_len"),
    [
        pytest.param(
            "vc-di-eddsa/keyPair.json",
            "privateKeyMultibase",
            "Ed25519",
            b"\xed\x01",
            b"\x80\x26",
            32,
            32,
            id="Ed25519 vector key",
        ),
        pytest.param(
            "vc-di-ecdsa/p256KeyPair.json",
            "secretKeyMultibase",
            "P-256",
            b"\x80\x24",
            b"\x86\x26",
            33,
            32,
            id="P-256 vector key",
        ),
        pytest.param(
            "vc-di-ecdsa/p384KeyPair.json",
            "secretKeyMultibase",
            "P-384",
            b"\x81\x24",
            b"\x87\x26",
            49,
            48,
            id="P-384 vector key",
        ),
    ],
)
def test_vector_keys_round_trip_exactly(
    name: str,
    secret_field: str,
    kind: str,
    public_prefix: bytes,
    secret_prefix: bytes,
    public_len: int,
    secret_len: int,
) -> None:
    vector = _vector(name)
    public_kind, public_raw = decode_public_key(vector["publicKeyMultibase"])
    secret_kind, secret_raw = decode_secret_key(vector[secret_field])
    assert (public_kind, secret_kind) == (kind, kind)
    assert (len(public_raw), len(secret_raw)) == (public_len, secret_len)
    assert base58.b58decode(vector["publicKeyMultibase"][1:]) == public_prefix + public_raw
    assert base58.b58decode(vector[secret_field][1:]) == secret_prefix + secret_raw
    assert encode_public_key(public_kind, public_raw) == vector["publicKeyMultibase"]
    assert encode_secret_key(secret_kind, secret_raw) == vector[secret_field]


def test_eddsa_vector_public_key_has_the_did_key_prefix() -> None:
    assert _vector("vc-di-eddsa/keyPair.json")["publicKeyMultibase"] == EDDSA_PUBLIC
    assert EDDSA_PUBLIC.startswith("z6Mk")


@given(st.binary(min_size=1, max_size=80))
def test_multibase_round_trips_any_bytes(data: bytes) -> None:
    assert decode_multibase(encode_multibase(data)) == data


@pytest.mark.parametrize(
    "value",
    [
        pytest.param("", id="empty string"),
        pytest.param("z", id="prefix only"),
        pytest.param("u" + EDDSA_PUBLIC[1:], id="base64url multibase prefix"),
        pytest.param("Z" + EDDSA_PUBLIC[1:], id="capital Z"),
        pytest.param(EDDSA_PUBLIC[1:], id="no multibase prefix"),
        pytest.param(EDDSA_PUBLIC + " ", id="trailing space"),
        pytest.param(" " + EDDSA_PUBLIC, id="leading space"),
        pytest.param(EDDSA_PUBLIC + "\n", id="trailing newline"),
        pytest.param(EDDSA_PUBLIC[:10] + "0" + EDDSA_PUBLIC[11:], id="zero is not base58"),
        pytest.param(EDDSA_PUBLIC[:10] + "l" + EDDSA_PUBLIC[11:], id="lower-case L is not base58"),
        pytest.param("z" + "2" * 500, id="far too long"),
    ],
)
def test_malformed_multibase_is_refused(value: str) -> None:
    with pytest.raises(SkillspasError) as info:
        decode_public_key(value)
    assert info.value.code is ErrorCode.UNRESOLVABLE_KEY


def test_non_string_multibase_is_refused_with_a_code() -> None:
    with pytest.raises(SkillspasError) as info:
        decode_public_key(b"z6Mk")  # type: ignore[arg-type]
    assert info.value.code is ErrorCode.UNRESOLVABLE_KEY


@pytest.mark.parametrize(
    "value",
    [
        pytest.param(_raw(b"\xed\x01", b"\x01" * 31), id="ed25519 prefix, one byte short"),
        pytest.param(_raw(b"\xed\x01", b"\x01" * 33), id="ed25519 prefix, one byte long"),
        pytest.param(_raw(b"\x80\x24", b"\x02" * 32), id="p256 prefix, 32 bytes"),
        pytest.param(
            _raw(b"\x80\x24", b"\x04" + b"\x01" * 64), id="p256 prefix, uncompressed point"
        ),
        pytest.param(_raw(b"\x81\x24", b"\x02" * 33), id="p384 prefix with a p256-sized point"),
        pytest.param(_raw(b"\xec\x01", b"\x01" * 32), id="x25519 prefix"),
        pytest.param(_raw(b"\xe7\x01", b"\x02" * 33), id="secp256k1 prefix"),
        pytest.param(
            _raw(b"\x80\x26", b"\x01" * 32), id="secret key prefix where a public key belongs"
        ),
        pytest.param(_raw(b"", b"\x01" * 32), id="no multicodec prefix"),
        pytest.param(_raw(b"\x00\xed\x01", b"\x01" * 32), id="leading zero byte before prefix"),
    ],
)
def test_wrong_prefix_or_length_is_refused_as_unresolvable_key(value: str) -> None:
    with pytest.raises(SkillspasError) as info:
        decode_public_key(value)
    assert info.value.code is ErrorCode.UNRESOLVABLE_KEY


@pytest.mark.parametrize(
    "value",
    [
        pytest.param(_raw(b"\x80\x26", b"\x01" * 31), id="ed25519 secret, short"),
        pytest.param(_raw(b"\x86\x26", b"\x01" * 48), id="p256 secret, p384 length"),
        pytest.param(
            _raw(b"\xed\x01", b"\x01" * 32), id="public key prefix where a secret belongs"
        ),
        pytest.param("m" + "AAAA", id="base64 multibase"),
    ],
)
def test_malformed_secret_key_is_an_invalid_key_file(value: str) -> None:
    with pytest.raises(SkillspasError) as info:
        decode_secret_key(value)
    assert info.value.code is ErrorCode.INVALID_KEY_FILE


def test_secret_key_errors_do_not_echo_the_value() -> None:
    value = _raw(b"\x86\x26", b"\x07" * 33)
    with pytest.raises(SkillspasError) as info:
        decode_secret_key(value)
    assert value not in str(info.value)
    assert value[1:] not in str(info.value)


@pytest.mark.parametrize(
    ("kind", "raw"),
    [
        pytest.param("Ed25519", b"\x01" * 31, id="short Ed25519"),
        pytest.param("P-256", b"\x02" * 49, id="P-384 length for P-256"),
        pytest.param("X25519", b"\x01" * 32, id="unknown kind"),
    ],
)
def test_encoding_bad_material_is_a_programmer_error(kind: str, raw: bytes) -> None:
    with pytest.raises(ValueError):
        encode_public_key(kind, raw)  # type: ignore[arg-type]


# -- base58btc against the reference package -----------------------------------------------------------

@given(st.binary(max_size=80), st.integers(0, 4))
@settings(max_examples=500, deadline=None)
def test_base58btc_equals_the_base58_package(data, zeros):
    from skillspas.keys import base58btc

    data = bytes(zeros) + data
    text = base58.b58encode(data).decode("ascii")
    assert base58btc.encode(data) == text
    assert base58btc.decode(text) == data


@pytest.mark.parametrize("bad", ["0", "O", "I", "l", "z!", "é", "abc def"])
def test_base58btc_refuses_characters_outside_the_alphabet(bad):
    from skillspas.keys import base58btc

    with pytest.raises(ValueError):
        base58btc.decode(bad)
