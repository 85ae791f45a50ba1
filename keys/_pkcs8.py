"""Encrypted PKCS#8 with an scrypt key derivation (PBES2 + scrypt + AES-256-CBC), written by hand.

Usage::

    pem = encrypt_pkcs8(private_key, b"passphrase")          # "-----BEGIN ENCRYPTED PRIVATE KEY-----"
    key = serialization.load_pem_private_key(pem, b"passphrase")

cryptography's ``BestAvailableEncryption`` for PKCS#8 uses PBKDF2 with 2,048 iterations; a key file
that leaks should cost an attacker far more per guess. Spec: RFC 8018 (PKCS #5 v2.1) section 6.2
PBES2, RFC 7914 section 7 (scrypt-params for PBES2), RFC 5958 ``EncryptedPrivateKeyInfo``.
cryptography (and OpenSSL) read the result; OpenSSL's command line caps scrypt memory at 32 MiB.
"""

from __future__ import annotations

import base64
import os
import textwrap
from typing import Final

from cryptography.hazmat.primitives import padding, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

__all__ = ["SCRYPT_N", "SCRYPT_R", "SCRYPT_P", "encrypt_pkcs8"]

SCRYPT_N: Final = 2**17
"""scrypt cost (128 MiB with r=8, about 0.3 s): OWASP's recommended minimum for passwords."""
SCRYPT_R: Final = 8
SCRYPT_P: Final = 1

_PBES2: Final = "1.2.840.113549.1.5.13"
_SCRYPT: Final = "1.3.6.1.4.1.11591.4.11"
_AES256_CBC: Final = "2.16.840.1.101.3.4.1.42"


def _tlv(tag: int, body: bytes) -> bytes:
    """DER tag-length-value."""
    n = len(body)
    if n < 0x80:
        length = bytes([n])
    else:
        raw = n.to_bytes((n.bit_length() + 7) // 8, "big")
        length = bytes([0x80 | len(raw)]) + raw
    return bytes([tag]) + length + body


def _sequence(*parts: bytes) -> bytes:
    return _tlv(0x30, b"".join(parts))


def _octets(data: bytes) -> bytes:
    return _tlv(0x04, data)


def _integer(value: int) -> bytes:
    return _tlv(0x02, value.to_bytes(value.bit_length() // 8 + 1, "big"))


def _oid(dotted: str) -> bytes:
    first, second, *rest = (int(x) for x in dotted.split("."))
    body = bytearray([40 * first + second])
    for arc in rest:
        chunk = [arc & 0x7F]
        arc >>= 7
        while arc:
            chunk.append(0x80 | (arc & 0x7F))
            arc >>= 7
        body.extend(reversed(chunk))
    return _tlv(0x06, bytes(body))


def encrypt_pkcs8(
    private_key: ed25519.Ed25519PrivateKey | ec.EllipticCurvePrivateKey,
    passphrase: bytes,
    *,
    n: int = SCRYPT_N,
    r: int = SCRYPT_R,
    p: int = SCRYPT_P,
) -> bytes:
    """Return the key as a PEM ``ENCRYPTED PRIVATE KEY`` protected by scrypt and AES-256-CBC."""
    if not isinstance(passphrase, bytes) or not passphrase:
        raise ValueError("passphrase must be non-empty bytes")
    plain = private_key.private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    salt, iv = os.urandom(16), os.urandom(16)
    key = Scrypt(salt=salt, length=32, n=n, r=r, p=p).derive(passphrase)
    padder = padding.PKCS7(128).padder()
    padded = padder.update(plain) + padder.finalize()
    encryptor = Cipher(algorithms.AES(key), modes.CBC(iv)).encryptor()
    encrypted = encryptor.update(padded) + encryptor.finalize()
    kdf = _sequence(_oid(_SCRYPT), _sequence(_octets(salt), _integer(n), _integer(r), _integer(p), _integer(32)))
    scheme = _sequence(_oid(_AES256_CBC), _octets(iv))
    algorithm = _sequence(_oid(_PBES2), _sequence(kdf, scheme))
    der = _sequence(algorithm, _octets(encrypted))
    body = "\n".join(textwrap.wrap(base64.b64encode(der).decode("ascii"), 64))
    return f"-----BEGIN ENCRYPTED PRIVATE KEY-----\n{body}\n-----END ENCRYPTED PRIVATE KEY-----\n".encode("ascii")
