"""Multikey encoding: base58btc multibase with multicodec prefixes, strict in both directions.

Usage::

    mb = encode_public_key("Ed25519", raw32)          # "z6Mk..."
    kind, raw = decode_public_key(mb)                  # ("Ed25519", raw32)
    kind, seed = decode_secret_key("z3u2...")          # ("Ed25519", seed32)

Spec: W3C Controlled Identifiers 1.0, section 2.2.2 "Multikey"; multicodec table (ed25519-pub 0xed,
p256-pub 0x1200, p384-pub 0x1201, ed25519-priv 0x1300, p256-priv 0x1306, p384-priv 0x1307).
This module works on bytes only: point validation (small-order Ed25519 keys, points on the curve)
is done by ``skillspas.keys.keypair``.
"""

from __future__ import annotations

import re
from typing import Final, Literal


from skillspas.keys import base58btc
from skillspas.schemas.errors import ErrorCode, error_for

__all__ = [
    "KeyKind",
    "KEY_KINDS",
    "encode_multibase",
    "decode_multibase",
    "encode_public_key",
    "decode_public_key",
    "encode_secret_key",
    "decode_secret_key",
    "public_key_length",
    "secret_key_length",
]

KeyKind = Literal["Ed25519", "P-256", "P-384"]
"""The key kinds skillspas signs and verifies with."""

KEY_KINDS: Final[tuple[KeyKind, ...]] = ("Ed25519", "P-256", "P-384")

# Multicodec code and raw length per kind: public keys are the 32-byte Ed25519 point or a
# SEC1 compressed EC point; secret keys are the 32-byte Ed25519 seed or the big-endian EC scalar.
_PUBLIC: Final[dict[KeyKind, tuple[int, int]]] = {
    "Ed25519": (0xED, 32),
    "P-256": (0x1200, 33),
    "P-384": (0x1201, 49),
}
_SECRET: Final[dict[KeyKind, tuple[int, int]]] = {
    "Ed25519": (0x1300, 32),
    "P-256": (0x1306, 32),
    "P-384": (0x1307, 48),
}

# A key never needs more than this many base58 characters; the cap keeps decoding cheap.
_MAX_MULTIBASE_CHARS: Final = 128
_BASE58BTC: Final = re.compile(r"z[1-9A-HJ-NP-Za-km-z]+")


def _varint(value: int) -> bytes:
    """Encode an unsigned integer as an unsigned LEB128 varint (multicodec prefix)."""
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        if value:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def encode_multibase(data: bytes) -> str:
    """Encode bytes as base58btc multibase (``z`` + base58btc)."""
    if not isinstance(data, bytes | bytearray):
        raise TypeError("data must be bytes")
    return "z" + base58btc.encode(bytes(data))


def decode_multibase(value: str, *, code: ErrorCode = ErrorCode.UNRESOLVABLE_KEY) -> bytes:
    """Decode a base58btc multibase string strictly, raising a ``code`` error on any defect."""
    if not isinstance(value, str):
        raise error_for(code, "multibase value must be a string", nl="de multibase-waarde hoort tekst te zijn")
    if len(value) > _MAX_MULTIBASE_CHARS:
        raise error_for(code, "multibase value is too long for a key", nl="de multibase-waarde is te lang voor een sleutel")
    if not value.startswith("z"):
        raise error_for(code, "multibase value must be base58btc (start with 'z')",
                        nl="de multibase-waarde hoort base58btc te zijn (te beginnen met 'z')")
    if _BASE58BTC.fullmatch(value) is None:
        raise error_for(code, "multibase value has characters outside the base58btc alphabet",
                        nl="de multibase-waarde heeft tekens buiten het base58btc-alfabet")
    data = base58btc.decode(value[1:])
    # base58 is canonical (leading '1's are leading zero bytes): re-encoding must round-trip.
    if encode_multibase(data) != value:
        raise error_for(code, "multibase value is not canonical base58btc",
                        nl="de multibase-waarde staat niet in de vaste vorm van base58btc")
    return data


def _encode(table: dict[KeyKind, tuple[int, int]], kind: KeyKind, raw: bytes) -> str:
    """Prefix ``raw`` with the multicodec for ``kind`` and encode it as multibase."""
    if kind not in table:
        raise ValueError(f"unknown key kind {kind!r}")
    codec, length = table[kind]
    if not isinstance(raw, bytes | bytearray) or len(raw) != length:
        raise ValueError(f"{kind} key material must be {length} bytes")
    return encode_multibase(_varint(codec) + bytes(raw))


def _decode(
    table: dict[KeyKind, tuple[int, int]], value: str, code: ErrorCode, what: str
) -> tuple[KeyKind, bytes]:
    """Split a multibase key into its kind and raw bytes, checking prefix and length."""
    data = decode_multibase(value, code=code)
    for kind, (codec, length) in table.items():
        prefix = _varint(codec)
        if data.startswith(prefix):
            raw = data[len(prefix) :]
            if len(raw) != length:
                raise error_for(
                    code, f"{what} with the {kind} prefix must be {length} bytes, got {len(raw)}",
                    nl=f"{what} met het {kind}-voorvoegsel hoort {length} bytes te zijn, niet {len(raw)}",
                )
            return kind, raw
    raise error_for(code, f"{what} has an unknown or unsupported multicodec prefix",
                    nl=f"{what} heeft een onbekend of niet ondersteund multicodec-voorvoegsel")


def encode_public_key(kind: KeyKind, raw: bytes) -> str:
    """Encode a raw public key (Ed25519 point or compressed EC point) as publicKeyMultibase."""
    return _encode(_PUBLIC, kind, raw)


def decode_public_key(value: str) -> tuple[KeyKind, bytes]:
    """Decode publicKeyMultibase to (kind, raw bytes); defects are ``unresolvable_key``."""
    return _decode(_PUBLIC, value, ErrorCode.UNRESOLVABLE_KEY, "publicKeyMultibase")


def encode_secret_key(kind: KeyKind, raw: bytes) -> str:
    """Encode a raw secret key (Ed25519 seed or EC scalar) as secretKeyMultibase."""
    return _encode(_SECRET, kind, raw)


def decode_secret_key(value: str) -> tuple[KeyKind, bytes]:
    """Decode secretKeyMultibase to (kind, raw bytes); defects are ``invalid_key_file``."""
    return _decode(_SECRET, value, ErrorCode.INVALID_KEY_FILE, "secretKeyMultibase")


def public_key_length(kind: KeyKind) -> int:
    """Length in bytes of the raw public key of ``kind``."""
    return _PUBLIC[kind][1]


def secret_key_length(kind: KeyKind) -> int:
    """Length in bytes of the raw secret key of ``kind``."""
    return _SECRET[kind][1]
