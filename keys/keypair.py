"""Key pairs and public keys (Ed25519, P-256, P-384) over pyca/cryptography.

Usage::

    pair = generate("ed25519")
    signature = pair.sign(b"data")
    pair.public_key.verify(signature, b"data")     # raises InvalidSignature on mismatch
    same = PublicKey.from_multibase(pair.public_key.multibase)

ECDSA signatures are raw ``r || s`` (IEEE P1363), hashed with SHA-256 for P-256 and SHA-384 for
P-384, as VC Data Integrity ECDSA Cryptosuites v1.0 section 3.3 requires. Ed25519 public keys
of small order are refused at decoding (DESIGN.md, threat 6); Ed25519 signatures are verified by
libsodium (see ``_ed25519_verify``), everything else by pyca/cryptography.
"""

from __future__ import annotations

from typing import Final

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519
from cryptography.hazmat.primitives.asymmetric.utils import (
    decode_dss_signature,
    encode_dss_signature,
)

from skillspas.keys import _edwards25519
from skillspas.keys.multikey import (
    KeyKind,
    decode_public_key,
    decode_secret_key,
    encode_public_key,
    encode_secret_key,
    public_key_length,
)
from skillspas.schemas.errors import ErrorCode, error_for, localized_error, shown

__all__ = ["KeyKind", "PublicKey", "KeyPair", "generate", "generated_kind", "normalize_kind"]

PublicKeyObject = ed25519.Ed25519PublicKey | ec.EllipticCurvePublicKey
PrivateKeyObject = ed25519.Ed25519PrivateKey | ec.EllipticCurvePrivateKey

_CURVES: Final[dict[str, tuple[type[ec.EllipticCurve], type[hashes.HashAlgorithm], int]]] = {
    # kind: (curve, hash, scalar length in bytes)
    "P-256": (ec.SECP256R1, hashes.SHA256, 32),
    "P-384": (ec.SECP384R1, hashes.SHA384, 48),
}
_KIND_OF_CURVE: Final[dict[str, KeyKind]] = {"secp256r1": "P-256", "secp384r1": "P-384"}
_GENERATE_ALIASES: Final[dict[str, KeyKind]] = {"ed25519": "Ed25519", "p256": "P-256"}
_ALL_ALIASES: Final[dict[str, KeyKind]] = {**_GENERATE_ALIASES, "p384": "P-384"}


def normalize_kind(kind: str) -> KeyKind:
    """Map "ed25519"/"Ed25519", "p256"/"P-256", "p384"/"P-384" to the canonical kind name."""
    if not isinstance(kind, str):
        raise TypeError("kind must be a string")
    try:
        return _ALL_ALIASES[kind.lower().replace("-", "")]
    except KeyError:
        raise ValueError(f"unknown key kind {kind!r}; use ed25519, p256 or p384") from None


def _kind_of(key: PublicKeyObject | PrivateKeyObject) -> KeyKind:
    """Return the kind of a cryptography key object; ValueError for unsupported keys."""
    if isinstance(key, ed25519.Ed25519PublicKey | ed25519.Ed25519PrivateKey):
        return "Ed25519"
    if isinstance(key, ec.EllipticCurvePublicKey | ec.EllipticCurvePrivateKey):
        kind = _KIND_OF_CURVE.get(key.curve.name)
        if kind is not None:
            return kind
    raise ValueError("unsupported key type; skillspas uses Ed25519, P-256 and P-384")


def _raw_public(key: PublicKeyObject) -> bytes:
    """Return the Multikey raw form: the Ed25519 point or the compressed EC point."""
    if isinstance(key, ed25519.Ed25519PublicKey):
        return key.public_bytes_raw()
    return key.public_bytes(serialization.Encoding.X962, serialization.PublicFormat.CompressedPoint)


class PublicKey:
    """A verified-to-be-sound public key: Ed25519 (not small-order), P-256 or P-384."""

    __slots__ = ("_kind", "_key", "_raw")

    def __init__(self, key: PublicKeyObject) -> None:
        """Wrap a cryptography public key, refusing weak Ed25519 keys with ``unresolvable_key``."""
        kind = _kind_of(key)
        raw = _raw_public(key)
        if kind == "Ed25519":
            try:
                _edwards25519.check_public_key(raw)
            except ValueError as exc:
                raise error_for(
                    ErrorCode.UNRESOLVABLE_KEY, f"Ed25519 public key refused: {exc}",
                    nl="de Ed25519-sleutel is geweigerd: het is een zwakke sleutel waarmee iedereen kan tekenen",
                ) from None
        self._kind: KeyKind = kind
        self._key = key
        self._raw = raw

    @classmethod
    def from_bytes(cls, kind: str, raw: bytes) -> PublicKey:
        """Build a key from its raw Multikey bytes; any defect is ``unresolvable_key``."""
        k = normalize_kind(kind)
        if not isinstance(raw, bytes | bytearray) or len(raw) != public_key_length(k):
            raise error_for(
                ErrorCode.UNRESOLVABLE_KEY, f"{k} public key must be {public_key_length(k)} bytes",
                nl=f"een {k}-sleutel moet {public_key_length(k)} bytes zijn",
            )
        raw = bytes(raw)
        if k == "Ed25519":
            # __init__ refuses small-order and non-canonical points.
            return cls(ed25519.Ed25519PublicKey.from_public_bytes(raw))
        if raw[0] not in (2, 3):
            raise error_for(
                ErrorCode.UNRESOLVABLE_KEY, f"{k} public key must be a compressed point",
                nl=f"de {k}-sleutel is niet in de juiste (gecomprimeerde) vorm",
            )
        try:
            key = ec.EllipticCurvePublicKey.from_encoded_point(_CURVES[k][0](), raw)
        except ValueError:
            raise error_for(
                ErrorCode.UNRESOLVABLE_KEY, f"{k} public key is not a point on the curve",
                nl=f"de {k}-sleutel is geen geldige sleutel (geen punt op de curve)",
            ) from None
        return cls(key)

    @classmethod
    def from_multibase(cls, value: str) -> PublicKey:
        """Decode publicKeyMultibase strictly; any defect is ``unresolvable_key``."""
        kind, raw = decode_public_key(value)
        return cls.from_bytes(kind, raw)

    @property
    def kind(self) -> KeyKind:
        """The key kind: "Ed25519", "P-256" or "P-384"."""
        return self._kind

    @property
    def raw(self) -> bytes:
        """The raw Multikey bytes (Ed25519 point or compressed EC point)."""
        return self._raw

    @property
    def multibase(self) -> str:
        """The publicKeyMultibase value ("z6Mk...", "zDn...", "z82L...")."""
        return encode_public_key(self._kind, self._raw)

    @property
    def signature_length(self) -> int:
        """Length in bytes of a signature by this key (64 Ed25519/P-256, 96 P-384)."""
        return 64 if self._kind == "Ed25519" else 2 * _CURVES[self._kind][2]

    def to_cryptography(self) -> PublicKeyObject:
        """Return the underlying pyca/cryptography public key object."""
        return self._key

    def verify(self, signature: bytes, data: bytes) -> None:
        """Verify a raw signature over ``data``; raise ``InvalidSignature`` on any mismatch."""
        if not isinstance(signature, bytes | bytearray) or len(signature) != self.signature_length:
            raise InvalidSignature("signature has the wrong length")
        if self._kind == "Ed25519":
            _ed25519_verify(bytes(signature), data, self._raw)
            return
        _, hash_type, n = _CURVES[self._kind]
        r = int.from_bytes(signature[:n], "big")
        s = int.from_bytes(signature[n:], "big")
        if r == 0 or s == 0:
            raise InvalidSignature("ECDSA r and s must be non-zero")
        assert isinstance(self._key, ec.EllipticCurvePublicKey)  # _kind_of: every kind but Ed25519 is a curve
        self._key.verify(encode_dss_signature(r, s), data, ec.ECDSA(hash_type()))

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, PublicKey):
            return NotImplemented
        return self._kind == other._kind and self._raw == other._raw

    def __hash__(self) -> int:
        return hash((self._kind, self._raw))

    def __repr__(self) -> str:
        return f"PublicKey(kind={self._kind!r}, multibase={self.multibase!r})"


def _ed25519_verify(signature: bytes, data: bytes, public_key: bytes) -> None:
    """Ed25519 verification by libsodium (PyNaCl), imported on first use.

    Why not pyca/cryptography here: libsodium verifies in half the time OpenSSL takes (55 against
    110 µs on this machine, a tenth of a whole credential verification; benchmarks/proofs.py), and
    it is stricter where the two differ: it also refuses a non-canonical or small-order ``R``,
    which no honest signer produces (tests/keys/test_keypair.py checks both agree otherwise)."""
    from nacl.bindings import crypto_sign_open
    from nacl.exceptions import BadSignatureError

    try:
        crypto_sign_open(signature + data, public_key)
    except (BadSignatureError, ValueError):
        raise InvalidSignature("Ed25519 signature does not verify") from None


class KeyPair:
    """A private key with its public key; the private part never appears in repr or str."""

    __slots__ = ("_kind", "_private", "_public")

    def __init__(self, private_key: PrivateKeyObject) -> None:
        """Wrap a cryptography private key (Ed25519, P-256 or P-384)."""
        self._kind: KeyKind = _kind_of(private_key)
        self._private = private_key
        self._public = PublicKey(private_key.public_key())

    @classmethod
    def from_secret_multibase(cls, secret: str) -> KeyPair:
        """Build a pair from secretKeyMultibase alone; defects are ``invalid_key_file``."""
        kind, raw = decode_secret_key(secret)
        if kind == "Ed25519":
            return cls(ed25519.Ed25519PrivateKey.from_private_bytes(raw))
        try:
            key = ec.derive_private_key(int.from_bytes(raw, "big"), _CURVES[kind][0]())
        except ValueError:
            raise error_for(
                ErrorCode.INVALID_KEY_FILE, f"{kind} secret key is out of range",
                nl=f"de geheime {kind}-sleutel valt buiten het geldige bereik",
            ) from None
        return cls(key)

    @classmethod
    def from_multibase(cls, public: str, secret: str) -> KeyPair:
        """Build a pair from publicKeyMultibase and secretKeyMultibase, checking they match."""
        expected = PublicKey.from_multibase(public)
        pair = cls.from_secret_multibase(secret)
        if pair.public_key != expected:
            raise error_for(
                ErrorCode.INVALID_KEY_FILE, "secret key does not belong to the given public key",
                nl="de geheime sleutel hoort niet bij de gegeven publieke sleutel",
            )
        return pair

    @property
    def kind(self) -> KeyKind:
        """The key kind: "Ed25519", "P-256" or "P-384"."""
        return self._kind

    @property
    def private_key(self) -> PrivateKeyObject:
        """The underlying pyca/cryptography private key object."""
        return self._private

    @property
    def public_key(self) -> PublicKey:
        """The public half."""
        return self._public

    def export_secret_key_multibase(self) -> str:
        """Return secretKeyMultibase: secret material, for key files only."""
        if isinstance(self._private, ed25519.Ed25519PrivateKey):
            raw = self._private.private_bytes_raw()
        else:
            n = _CURVES[self._kind][2]
            raw = self._private.private_numbers().private_value.to_bytes(n, "big")
        return encode_secret_key(self._kind, raw)

    def sign(self, data: bytes) -> bytes:
        """Sign ``data``: 64-byte Ed25519, or raw r||s ECDSA (SHA-256 P-256 / SHA-384 P-384)."""
        if isinstance(self._private, ed25519.Ed25519PrivateKey):
            return self._private.sign(data)
        _, hash_type, n = _CURVES[self._kind]
        r, s = decode_dss_signature(self._private.sign(data, ec.ECDSA(hash_type())))
        return r.to_bytes(n, "big") + s.to_bytes(n, "big")

    def __repr__(self) -> str:
        return f"KeyPair(kind={self._kind!r}, public={self._public.multibase!r})"


def generated_kind(given: str) -> str:
    """A key type a person named for a new key (``--type``, ``--key-type``: ed25519 or p256, also Ed25519 and P-256)
    as ``generate`` takes it; ``invalid_option`` (nl/en) for any other, which ``generate`` would refuse in English."""
    kind = given.lower().replace("-", "")
    if kind not in _GENERATE_ALIASES:
        named = shown(given, 40, quoted=True)
        raise localized_error(ErrorCode.INVALID_OPTION, en=f"unknown key type {named}; use ed25519 or p256",
                              nl=f"onbekend sleuteltype {named}; gebruik ed25519 of p256")
    return kind


def generate(kind: str) -> KeyPair:
    """Generate a new key pair: "ed25519" (default choice) or "p256" (for HSMs without Ed25519)."""
    if not isinstance(kind, str):
        raise TypeError("kind must be a string")
    canonical = _GENERATE_ALIASES.get(kind.lower().replace("-", ""))
    if canonical is None:
        raise ValueError(f"cannot generate key kind {kind!r}; use ed25519 or p256")
    if canonical == "Ed25519":
        return KeyPair(ed25519.Ed25519PrivateKey.generate())
    return KeyPair(ec.generate_private_key(ec.SECP256R1()))
