"""Key pairs and public keys: signing, verifying, vectors, and refusing weak or malformed keys."""

from __future__ import annotations

import json
from pathlib import Path

import base58
import pytest
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, ed25519
from hypothesis import given, settings
from hypothesis import strategies as st

from skillspas.keys import KeyPair, PublicKey, generate
from skillspas.keys import _edwards25519
from skillspas.schemas.errors import ErrorCode, SkillspasError

VECTORS = Path(__file__).resolve().parents[1] / "data" / "vectors"


def _text(relative: str) -> str:
    return (VECTORS / relative).read_text().strip()


def _pair(name: str, secret_field: str) -> KeyPair:
    vector = json.loads((VECTORS / name).read_text())
    return KeyPair.from_multibase(vector["publicKeyMultibase"], vector[secret_field])


def _eddsa() -> KeyPair:
    return _pair("vc-di-eddsa/keyPair.json", "privateKeyMultibase")


def _p256() -> KeyPair:
    return _pair("vc-di-ecdsa/p256KeyPair.json", "secretKeyMultibase")


def _p384() -> KeyPair:
    return _pair("vc-di-ecdsa/p384KeyPair.json", "secretKeyMultibase")


ALL_PAIRS = [
    pytest.param(lambda: generate("ed25519"), "Ed25519", 64, id="generated Ed25519"),
    pytest.param(lambda: generate("p256"), "P-256", 64, id="generated P-256"),
    pytest.param(_eddsa, "Ed25519", 64, id="vector Ed25519"),
    pytest.param(_p256, "P-256", 64, id="vector P-256"),
    pytest.param(_p384, "P-384", 96, id="vector P-384"),
]

# Small-order points of edwards25519 (libsodium's blocklist, ed25519_ref10.c), canonical encodings.
SMALL_ORDER = {
    "identity (order 1)": "01" + "00" * 31,
    "order 2 (y = p - 1)": "ec" + "ff" * 30 + "7f",
    "order 4 (y = 0)": "00" * 32,
    "order 4 (y = 0, negative x)": "00" * 31 + "80",
    "order 8 (a)": "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05",
    "order 8 (a, negative x)": "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc85",
    "order 8 (b)": "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a",
    "order 8 (b, negative x)": "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac03fa",
}
# Encodings that are not canonical: y >= p, or x = 0 with the sign bit set.
NON_CANONICAL = {
    "y = p": "ed" + "ff" * 30 + "7f",
    "y = p + 1 (identity again)": "ee" + "ff" * 30 + "7f",
    "y = 2^255 - 1": "ff" * 31 + "7f",
    "identity with sign bit": "01" + "00" * 30 + "80",
    "order 2 with sign bit": "ec" + "ff" * 31,
}
ED25519_BASE_POINT = "58" + "66" * 31


def _ed25519_multibase(hex_point: str) -> str:
    return "z" + base58.b58encode(b"\xed\x01" + bytes.fromhex(hex_point)).decode()


@pytest.mark.parametrize(("make", "kind", "length"), ALL_PAIRS)
def test_sign_then_verify_succeeds_for_every_kind(make, kind: str, length: int) -> None:
    pair = make()
    signature = pair.sign(b"skills passport")
    assert pair.kind == kind
    assert pair.public_key.kind == kind
    assert len(signature) == length == pair.public_key.signature_length
    pair.public_key.verify(signature, b"skills passport")


@pytest.mark.parametrize(("make", "kind", "length"), ALL_PAIRS)
def test_tampered_signature_fails(make, kind: str, length: int) -> None:
    pair = make()
    signature = bytearray(pair.sign(b"data"))
    signature[len(signature) // 2] ^= 0x01
    with pytest.raises(InvalidSignature):
        pair.public_key.verify(bytes(signature), b"data")


@pytest.mark.parametrize(("make", "kind", "length"), ALL_PAIRS)
def test_signature_over_other_data_fails(make, kind: str, length: int) -> None:
    pair = make()
    with pytest.raises(InvalidSignature):
        pair.public_key.verify(pair.sign(b"data"), b"Data")


@pytest.mark.parametrize(("make", "kind", "length"), ALL_PAIRS)
@pytest.mark.parametrize("delta", [-1, 1, 8])
def test_wrong_signature_length_fails(make, kind: str, length: int, delta: int) -> None:
    pair = make()
    signature = pair.sign(b"data")
    tampered = signature[:delta] if delta < 0 else signature + bytes(delta)
    with pytest.raises(InvalidSignature):
        pair.public_key.verify(tampered, b"data")


def test_signature_by_another_key_fails() -> None:
    with pytest.raises(InvalidSignature):
        generate("ed25519").public_key.verify(generate("ed25519").sign(b"x"), b"x")


def test_der_ecdsa_signature_is_not_accepted() -> None:
    pair = _p256()
    der = pair.private_key.sign(b"data", ec.ECDSA(hashes.SHA256()))
    with pytest.raises(InvalidSignature):
        pair.public_key.verify(der, b"data")


@pytest.mark.parametrize("n", [32, 48])
def test_zero_r_and_s_ecdsa_signature_fails(n: int) -> None:
    pair = _p256() if n == 32 else _p384()
    with pytest.raises(InvalidSignature):
        pair.public_key.verify(bytes(2 * n), b"data")


def test_ed25519_vector_signature_is_reproduced_exactly() -> None:
    data = bytes.fromhex(_text("vc-di-eddsa/eddsa-rdfc-2022/combinedHashDataInt.txt"))
    expected = _text("vc-di-eddsa/eddsa-rdfc-2022/sigHexDataInt.txt")
    pair = _eddsa()
    assert pair.sign(data).hex() == expected
    pair.public_key.verify(bytes.fromhex(expected), data)


@pytest.mark.parametrize(
    ("make", "folder", "suffix"),
    [
        pytest.param(_p256, "ecdsa-rdfc-2019-p256", "ECDSAP256", id="P-256 with SHA-256"),
        pytest.param(_p384, "ecdsa-rdfc-2019-p384", "ECDSAP384", id="P-384 with SHA-384"),
    ],
)
def test_ecdsa_vector_signature_verifies(make, folder: str, suffix: str) -> None:
    data = bytes.fromhex(_text(f"vc-di-ecdsa/{folder}/combinedHash{suffix}.txt"))
    signature = bytes.fromhex(_text(f"vc-di-ecdsa/{folder}/sigHex{suffix}.txt"))
    make().public_key.verify(signature, data)
    with pytest.raises(InvalidSignature):
        make().public_key.verify(signature, data[:-1] + bytes([data[-1] ^ 1]))


def test_vector_secret_keys_export_exactly() -> None:
    for name, field, make in [
        ("vc-di-eddsa/keyPair.json", "privateKeyMultibase", _eddsa),
        ("vc-di-ecdsa/p256KeyPair.json", "secretKeyMultibase", _p256),
        ("vc-di-ecdsa/p384KeyPair.json", "secretKeyMultibase", _p384),
    ]:
        vector = json.loads((VECTORS / name).read_text())
        pair = make()
        assert pair.export_secret_key_multibase() == vector[field]
        assert pair.public_key.multibase == vector["publicKeyMultibase"]


def test_mismatched_public_and_secret_key_is_refused() -> None:
    other = generate("ed25519")
    with pytest.raises(SkillspasError) as info:
        KeyPair.from_multibase(other.public_key.multibase, _eddsa().export_secret_key_multibase())
    assert info.value.code is ErrorCode.INVALID_KEY_FILE


def test_out_of_range_ecdsa_secret_is_refused() -> None:
    secret = "z" + base58.b58encode(b"\x86\x26" + b"\xff" * 32).decode()
    with pytest.raises(SkillspasError) as info:
        KeyPair.from_secret_multibase(secret)
    assert info.value.code is ErrorCode.INVALID_KEY_FILE


@pytest.mark.parametrize("hex_point", list(SMALL_ORDER.values()), ids=list(SMALL_ORDER))
def test_small_order_ed25519_public_key_is_refused(hex_point: str) -> None:
    with pytest.raises(SkillspasError) as info:
        PublicKey.from_multibase(_ed25519_multibase(hex_point))
    assert info.value.code is ErrorCode.UNRESOLVABLE_KEY


@pytest.mark.parametrize("hex_point", list(SMALL_ORDER.values()), ids=list(SMALL_ORDER))
def test_small_order_key_is_refused_when_wrapping_a_cryptography_key(hex_point: str) -> None:
    raw_key = ed25519.Ed25519PublicKey.from_public_bytes(bytes.fromhex(hex_point))
    with pytest.raises(SkillspasError) as info:
        PublicKey(raw_key)
    assert info.value.code is ErrorCode.UNRESOLVABLE_KEY


def test_blocklist_points_are_the_eight_distinct_small_order_points() -> None:
    points = {_edwards25519.decode_point(bytes.fromhex(h)) for h in SMALL_ORDER.values()}
    assert len(points) == 8
    assert all(_edwards25519.has_small_order(p) for p in points)
    base = _edwards25519.decode_point(bytes.fromhex(ED25519_BASE_POINT))
    assert not _edwards25519.has_small_order(base)


@pytest.mark.parametrize("hex_point", list(NON_CANONICAL.values()), ids=list(NON_CANONICAL))
def test_non_canonical_ed25519_encoding_is_refused(hex_point: str) -> None:
    with pytest.raises(ValueError):
        _edwards25519.decode_point(bytes.fromhex(hex_point))
    with pytest.raises(SkillspasError) as info:
        PublicKey.from_multibase(_ed25519_multibase(hex_point))
    assert info.value.code is ErrorCode.UNRESOLVABLE_KEY


def test_ed25519_base_point_is_an_acceptable_public_key() -> None:
    key = PublicKey.from_multibase(_ed25519_multibase(ED25519_BASE_POINT))
    assert key.raw == bytes.fromhex(ED25519_BASE_POINT)


@settings(max_examples=200)
@given(st.binary(min_size=32, max_size=32))
def test_random_ed25519_bytes_are_refused_or_round_trip_exactly(raw: bytes) -> None:
    multibase = "z" + base58.b58encode(b"\xed\x01" + raw).decode()
    try:
        key = PublicKey.from_multibase(multibase)
    except SkillspasError as exc:
        assert exc.code is ErrorCode.UNRESOLVABLE_KEY
    else:
        assert key.multibase == multibase
        assert key.raw == raw


def _p256_x_not_on_curve() -> bytes:
    # Smallest x for which x^3 - 3x + b is a non-residue mod p: no point has that x.
    p = 2**256 - 2**224 + 2**192 + 2**96 - 1
    b = 0x5AC635D8AA3A93E7B3EBBD55769886BC651D06B0CC53B0F63BCE3C3E27D2604B
    x = 1
    while pow((x**3 - 3 * x + b) % p, (p - 1) // 2, p) != p - 1:
        x += 1
    return x.to_bytes(32, "big")


def test_p256_point_not_on_curve_is_refused() -> None:
    raw = b"\x02" + _p256_x_not_on_curve()
    with pytest.raises(SkillspasError) as info:
        PublicKey.from_bytes("P-256", raw)
    assert info.value.code is ErrorCode.UNRESOLVABLE_KEY
    multibase = "z" + base58.b58encode(b"\x80\x24" + raw).decode()
    with pytest.raises(SkillspasError) as info:
        PublicKey.from_multibase(multibase)
    assert info.value.code is ErrorCode.UNRESOLVABLE_KEY


def test_p256_x_beyond_field_is_refused() -> None:
    with pytest.raises(SkillspasError) as info:
        PublicKey.from_bytes("P-256", b"\x03" + b"\xff" * 32)
    assert info.value.code is ErrorCode.UNRESOLVABLE_KEY


@pytest.mark.parametrize("first", [0x00, 0x04, 0x06])
def test_ecdsa_point_must_use_compressed_encoding(first: int) -> None:
    good = _p256().public_key.raw
    with pytest.raises(SkillspasError) as info:
        PublicKey.from_bytes("P-256", bytes([first]) + good[1:])
    assert info.value.code is ErrorCode.UNRESOLVABLE_KEY


@pytest.mark.parametrize(
    ("alias", "kind"),
    [
        ("ed25519", "Ed25519"),
        ("Ed25519", "Ed25519"),
        ("ED25519", "Ed25519"),
        ("p256", "P-256"),
        ("P-256", "P-256"),
        ("p-256", "P-256"),
        ("P256", "P-256"),
    ],
)
def test_generate_accepts_kind_aliases(alias: str, kind: str) -> None:
    assert generate(alias).kind == kind


@pytest.mark.parametrize("bad", ["rsa", "secp256k1", "", "ed448", "P-521"])
def test_generate_refuses_unknown_kinds(bad: str) -> None:
    with pytest.raises(ValueError):
        generate(bad)


def test_generated_keys_differ() -> None:
    assert generate("ed25519").public_key != generate("ed25519").public_key


def test_public_keys_compare_by_value() -> None:
    pair = _p256()
    again = PublicKey.from_multibase(pair.public_key.multibase)
    assert again == pair.public_key
    assert hash(again) == hash(pair.public_key)
    assert again != _eddsa().public_key


@pytest.mark.parametrize(("make", "kind", "length"), ALL_PAIRS)
def test_repr_and_str_never_show_the_secret(make, kind: str, length: int) -> None:
    pair = make()
    secret = pair.export_secret_key_multibase()
    for text in (repr(pair), str(pair), repr(pair.public_key), f"{pair!r} {pair}"):
        assert secret not in text
        assert secret[1:12] not in text
    assert pair.public_key.multibase in repr(pair)


# -- Ed25519 verification by libsodium agrees with pyca/cryptography (OpenSSL) -------------------------

_ED25519_KEYS = [ed25519.Ed25519PrivateKey.generate() for _ in range(4)]


@given(
    key=st.sampled_from(_ED25519_KEYS),
    data=st.binary(max_size=96),
    flip=st.none() | st.tuples(st.integers(0, 63), st.integers(0, 7)),
    other_data=st.booleans(),
)
@settings(max_examples=400, deadline=None)
def test_ed25519_verdict_is_the_one_openssl_gives(key, data, flip, other_data) -> None:
    signature = bytearray(key.sign(data))
    if flip is not None:
        signature[flip[0]] ^= 1 << flip[1]
    message = data + b"x" if other_data else data
    public = PublicKey(key.public_key())
    try:
        key.public_key().verify(bytes(signature), message)
        openssl = True
    except InvalidSignature:
        openssl = False
    try:
        public.verify(bytes(signature), message)
        ours = True
    except InvalidSignature:
        ours = False
    assert ours == openssl
    assert ours == (flip is None and not other_data)


@pytest.mark.parametrize("hex_point", list(SMALL_ORDER.values()), ids=list(SMALL_ORDER))
def test_ed25519_signature_with_a_small_order_r_is_refused(hex_point: str) -> None:
    public = generate("ed25519").public_key
    for s in (bytes(32), (1).to_bytes(32, "little")):
        with pytest.raises(InvalidSignature):
            public.verify(bytes.fromhex(hex_point) + s, b"data")
