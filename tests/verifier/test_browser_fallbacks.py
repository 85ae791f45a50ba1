"""The browser build's pure fallbacks agree with the compiled libraries, and never accept more (issue 19).

``verifier/browser/shims/skillspas_pure_crypto.py`` (python-ecdsa, guarded by skillspas's edwards25519
checks) is run here, in CPython, against libsodium (PyNaCl) and OpenSSL (pyca/cryptography) on the
same keys and signatures: honest ones, RFC 8032's vector, tampered ones, small-order and non-canonical
``R``, non-canonical ``S``, out-of-range ECDSA ``r``/``s``. The rpds stand-in is checked against rpds-py.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Any, Callable

import pytest
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric import ec, ed25519
from ecdsa.eddsa import generator_ed25519
from nacl.bindings import crypto_sign_open
from nacl.exceptions import BadSignatureError

from skillspas.keys import generate
from skillspas.keys._edwards25519 import _add as edwards_add
from skillspas.keys._edwards25519 import decode_point
from skillspas.keys.keypair import PublicKey
from helpers import load_module

SHIMS = Path(__file__).resolve().parents[2] / "verifier" / "browser" / "shims"
L = 2**252 + 27742317777372353535851937790883648493
P = 2**255 - 19


pure = load_module("_browser_pure_crypto", SHIMS / "skillspas_pure_crypto.py")
pure_rpds = load_module("_browser_rpds", SHIMS / "rpds.py")


def accepts(check: Callable[[], Any]) -> bool:
    try:
        check()
    except (InvalidSignature, BadSignatureError, ValueError, pure.VerifyFailed):
        return False
    return True


def sodium_accepts(signature: bytes, data: bytes, key: bytes) -> bool:
    return accepts(lambda: crypto_sign_open(signature + data, key))


def fallback_accepts(signature: bytes, data: bytes, key: bytes) -> bool:
    return accepts(lambda: pure.ed25519_verify(signature, data, key))


def _ed25519_cases() -> list[tuple[str, bytes, bytes, bytes]]:
    cases = [(  # RFC 8032 section 7.1, TEST 1
        "rfc8032-test-1",
        bytes.fromhex("e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"),
        b"",
        bytes.fromhex("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a"),
    )]
    for i in range(4):
        secret = ed25519.Ed25519PrivateKey.generate()
        key = secret.public_key().public_bytes_raw()
        data = os.urandom(40 + i)
        signature = secret.sign(data)
        s = int.from_bytes(signature[32:], "little")
        cases += [
            (f"honest-{i}", signature, data, key),
            (f"tampered-data-{i}", signature, data + b"x", key),
            (f"flipped-r-{i}", bytes([signature[0] ^ 1]) + signature[1:], data, key),
            (f"s-plus-l-{i}", signature[:32] + (s + L).to_bytes(32, "little"), data, key),
            (f"identity-r-{i}", (1).to_bytes(32, "little") + signature[32:], data, key),
            (f"non-canonical-identity-r-{i}", (P + 1).to_bytes(32, "little") + signature[32:], data, key),
        ]
    return cases


@pytest.mark.parametrize("name, signature, data, key", _ed25519_cases(), ids=lambda v: v if isinstance(v, str) else "")
def test_the_ed25519_fallback_agrees_with_libsodium(name, signature, data, key):
    assert fallback_accepts(signature, data, key) == sodium_accepts(signature, data, key)
    assert sodium_accepts(signature, data, key) == name.startswith(("honest", "rfc8032"))


def _encode(point: tuple[int, int]) -> bytes:
    return (point[1] | (point[0] & 1) << 255).to_bytes(32, "little")


def _torsion_multiples() -> list[tuple[int, int]]:
    """The eight points of small order: the multiples of one point of order 8."""
    torsion = decode_point(bytes.fromhex("c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a"))
    multiples = [(0, 1)]
    for _ in range(7):
        multiples.append(edwards_add(multiples[-1], torsion))
    assert edwards_add(multiples[-1], torsion) == (0, 1) and len({_encode(m) for m in multiples}) == 8
    return multiples


def _mixed_order_key() -> tuple[int, bytes]:
    """(a, A = aB + T) with T of order 8: not of small order, so the key checks of keys/ pass it."""
    a = int.from_bytes(os.urandom(32), "little") % L
    return a, _encode(edwards_add(decode_point((generator_ed25519 * a).to_bytes()), _torsion_multiples()[1]))


def _holds(signature: bytes, data: bytes, key: bytes) -> bool:
    """The cofactorless equation [S]B = R + [k]A, computed correctly (complete formulas): what a
    verifier without the R and key checks would accept."""
    r, s = signature[:32], int.from_bytes(signature[32:], "little")
    k = int.from_bytes(hashlib.sha512(r + key + data).digest(), "little") % L

    def times(n: int, point: tuple[int, int]) -> tuple[int, int]:
        acc = (0, 1)
        for bit in bin(n)[2:]:
            acc = edwards_add(acc, acc)
            if bit == "1":
                acc = edwards_add(acc, point)
        return acc

    base = decode_point((generator_ed25519 * 1).to_bytes())
    return _encode(times(s, base)) == _encode(edwards_add(decode_point(r), times(k, decode_point(key))))


def test_a_small_order_r_forgery_is_refused_by_the_fallback_as_by_libsodium():
    # With A = aB + T and S = k·a, the equation holds exactly when R = -[k]T: R is tried over the
    # small-order points until the hash k makes it hold.
    a, key = _mixed_order_key()
    multiples = _torsion_multiples()
    for attempt in range(400):
        data = b"forged %d" % attempt
        found = [
            _encode(m) + (k * a % L).to_bytes(32, "little")
            for m in multiples
            for k in [int.from_bytes(hashlib.sha512(_encode(m) + key + data).digest(), "little") % L]
            if _encode(multiples[(-k) % 8]) == _encode(m)
        ]
        if found:
            signature = found[0]
            break
    assert _holds(signature, data, key)  # a real forgery for a verifier that skips the checks
    assert not sodium_accepts(signature, data, key)
    assert not fallback_accepts(signature, data, key)


def test_a_mixed_order_key_that_libsodium_accepts_is_refused_by_the_fallback():
    # An honest-looking signature by A = aB + T verifies when k is a multiple of 8 (one message in eight):
    # libsodium accepts it; the fallback refuses every key outside the prime-order subgroup (stricter, never laxer).
    a, key = _mixed_order_key()
    nonce = int.from_bytes(os.urandom(32), "little") % L
    r = bytes((generator_ed25519 * nonce).to_bytes())
    for attempt in range(400):
        data = b"mixed %d" % attempt
        k = int.from_bytes(hashlib.sha512(r + key + data).digest(), "little") % L
        if k % 8 == 0:
            break
    signature = r + ((nonce + k * a) % L).to_bytes(32, "little")
    assert sodium_accepts(signature, data, key)
    assert not fallback_accepts(signature, data, key)


def _ecdsa_cases(kind: str) -> list[tuple[str, bytes, bytes, bytes]]:
    n = {"P-256": 32, "P-384": 48}[kind]
    order = {"P-256": ec.SECP256R1, "P-384": ec.SECP384R1}[kind]
    curve_order = pure.CURVES[order.name][0].order
    cases = []
    for i in range(3):
        pair = generate("p256") if kind == "P-256" else None
        if pair is None:
            from skillspas.keys.keypair import KeyPair

            pair = KeyPair(ec.generate_private_key(ec.SECP384R1()))
        data = os.urandom(30 + i)
        signature = pair.sign(data)
        r, s = int.from_bytes(signature[:n], "big"), int.from_bytes(signature[n:], "big")
        raw = pair.public_key.raw
        cases += [
            (f"honest-{i}", signature, data, raw),
            (f"high-s-{i}", signature[:n] + (curve_order - s).to_bytes(n, "big"), data, raw),
            (f"tampered-{i}", signature, data + b"x", raw),
            (f"r-plus-n-{i}", (r + curve_order).to_bytes(n + 1, "big")[-n:] + signature[n:], data, raw)
            if r + curve_order < 2 ** (8 * n) else (f"r-swapped-{i}", signature[n:] + signature[:n], data, raw),
            (f"s-is-n-{i}", signature[:n] + curve_order.to_bytes(n, "big"), data, raw),
        ]
    return cases


@pytest.mark.parametrize("kind", ["P-256", "P-384"])
def test_the_ecdsa_fallback_agrees_with_openssl(kind):
    curve_name = {"P-256": "secp256r1", "P-384": "secp384r1"}[kind]
    for name, signature, data, raw in _ecdsa_cases(kind):
        key = PublicKey.from_bytes(kind, raw)
        compiled = accepts(lambda: key.verify(signature, data))
        fallback = accepts(lambda: pure.ec_verify_raw(pure.ec_decode(curve_name, raw), signature, data))
        assert fallback == compiled, name
        assert compiled == name.startswith(("honest", "high-s")), name


def test_a_point_off_the_curve_is_refused_by_the_fallback_as_by_openssl():
    raw = bytearray(generate("p256").public_key.raw)
    for _ in range(50):  # some x have no y on the curve
        raw[-1] = (raw[-1] + 1) % 256
        try:
            ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), bytes(raw))
            compiled = True
        except ValueError:
            compiled = False
        fallback = accepts(lambda: pure.ec_decode("secp256r1", bytes(raw)))
        assert fallback == compiled


def test_the_rpds_stand_in_behaves_as_rpds_for_what_referencing_uses():
    import rpds

    for module in (rpds, pure_rpds):
        m = module.HashTrieMap({"a": 1}).insert("b", 2).update({"c": 3}).discard("zz").remove("a")
        assert dict(m.items()) == {"b": 2, "c": 3} and "b" in m and m.get("a") is None and len(m) == 2
        assert module.HashTrieMap.convert({"x": 1})["x"] == 1
        s = module.HashTrieSet().insert("u").insert("v").discard("u").update(["w"])
        assert sorted(s) == ["v", "w"] and "v" in s
        lst = module.List().push_front(1).push_front(2)
        assert list(lst) == [2, 1] and lst.first == 2 and list(lst.rest) == [1]
        with pytest.raises(KeyError):
            module.HashTrieMap().remove("missing")
