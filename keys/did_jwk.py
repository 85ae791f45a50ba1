"""did:jwk identifiers, resolved offline from the identifier itself (the DID is the key).

Usage::

    did = did_jwk_for(pair.public_key)                 # "did:jwk:eyJrdHkiOiJPS1Ai…"
    vm = DidJwkResolver().resolve(did + "#0")          # VerificationMethod (Ed25519 or P-256)

Spec: did:jwk Method Specification (DIF), "Read": the DID document has one verification method
``did#0`` whose ``publicKeyJwk`` is the base64url-decoded JSON; it is granted authentication,
assertionMethod, capabilityInvocation and capabilityDelegation (only keyAgreement when the JWK
says ``"use": "enc"``). Strict: at most ``MAX_DID_JWK`` characters, base64url without padding, one
strict JSON object, kty OKP/Ed25519 or EC/P-256 with its exact coordinates; a private part (``d``)
is refused. Every defect is ``unresolvable_key``.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from typing import Any, Final

from cryptography.hazmat.primitives.asymmetric import ec, ed25519

from skillspas.keys.keypair import PublicKey
from skillspas.keys.verification_method import VerificationMethod
from skillspas.schemas.errors import ErrorCode, SkillspasError, error_for, shown
from skillspas.schemas.jsonio import parse_json
from skillspas.schemas.limits import Limits

__all__ = ["DID_JWK_PREFIX", "MAX_DID_JWK", "DidJwkResolver", "did_jwk_for", "resolve_did_jwk"]

DID_JWK_PREFIX: Final = "did:jwk:"
MAX_DID_JWK: Final = 1024
"""Longest did:jwk URL read (an Ed25519 or P-256 public JWK is ~100-200 characters)."""
JSON_WEB_KEY: Final = "JsonWebKey"
_BASE64URL: Final = re.compile(r"[A-Za-z0-9_-]+")
_JWK_LIMITS: Final = Limits(max_bytes=MAX_DID_JWK, max_depth=2, max_string_length=256, max_array_length=16)
_SIGNING: Final = ("authentication", "assertionMethod", "capabilityInvocation", "capabilityDelegation")
_COORDINATE: Final = {"Ed25519": 32, "P-256": 32}


def _unresolvable(message: str, nl: str) -> SkillspasError:
    """Build the ``unresolvable_key`` error (English and Dutch)."""
    return error_for(ErrorCode.UNRESOLVABLE_KEY, message, nl=nl)


def _b64(value: str) -> bytes:
    """Strict base64url without padding."""
    if not isinstance(value, str) or not _BASE64URL.fullmatch(value) or len(value) % 4 == 1:
        raise _unresolvable("did:jwk: not base64url without padding", "did:jwk: geen base64url zonder opvulling")
    try:
        return base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
    except (binascii.Error, ValueError):
        raise _unresolvable("did:jwk: not base64url", "did:jwk: geen base64url") from None


def _coordinate(jwk: dict[str, Any], name: str, kind: str) -> bytes:
    raw = _b64(jwk.get(name))  # type: ignore[arg-type]
    if len(raw) != _COORDINATE[kind]:
        raise _unresolvable(f"did:jwk: {kind} coordinate {name} must be {_COORDINATE[kind]} bytes",
                            f"did:jwk: de {kind}-coördinaat {name} hoort {_COORDINATE[kind]} bytes te zijn")
    return raw


def _public_key(jwk: dict[str, Any]) -> PublicKey:
    """The public key a JWK describes: OKP/Ed25519 or EC/P-256; nothing private, nothing else."""
    if "d" in jwk:
        raise _unresolvable("did:jwk holds a private key part (d): refused",
                            "de did:jwk bevat een deel van een privésleutel (d): geweigerd")
    kty, crv = jwk.get("kty"), jwk.get("crv")
    if kty == "OKP" and crv == "Ed25519":
        return PublicKey(ed25519.Ed25519PublicKey.from_public_bytes(_coordinate(jwk, "x", "Ed25519")))
    if kty == "EC" and crv == "P-256":
        x, y = (int.from_bytes(_coordinate(jwk, name, "P-256"), "big") for name in ("x", "y"))
        try:
            return PublicKey(ec.EllipticCurvePublicNumbers(x, y, ec.SECP256R1()).public_key())
        except ValueError:
            raise _unresolvable("did:jwk: the P-256 key is not a point on the curve",
                                "did:jwk: de P-256-sleutel ligt niet op de curve") from None
    kind = f"{shown(kty, 20, quoted=True)}/{shown(crv, 20, quoted=True)}"
    raise _unresolvable(f"did:jwk: key type {kind} is not supported (OKP/Ed25519, EC/P-256)",
                        f"did:jwk: sleuteltype {kind} wordt niet ondersteund "
                        "(wel OKP/Ed25519 en EC/P-256)")


def resolve_did_jwk(did_url: str) -> VerificationMethod:
    """Decode a did:jwk or its method URL (fragment ``0``) strictly; defects are ``unresolvable_key``."""
    if not isinstance(did_url, str):
        raise TypeError("did_url must be a string")
    if len(did_url) > MAX_DID_JWK:
        raise _unresolvable(f"did:jwk URL is longer than {MAX_DID_JWK} characters",
                            f"de did:jwk is langer dan {MAX_DID_JWK} tekens")
    if not did_url.startswith(DID_JWK_PREFIX):
        raise _unresolvable("not a did:jwk identifier", "dit is geen did:jwk")
    did, hash_sign, fragment = did_url.partition("#")
    if hash_sign and fragment != "0":
        raise _unresolvable("a did:jwk has one verification method, #0",
                            "een did:jwk heeft één verificatiemethode: #0")
    try:
        jwk = parse_json(_b64(did[len(DID_JWK_PREFIX):]), _JWK_LIMITS)
    except SkillspasError as exc:
        if exc.code is ErrorCode.UNRESOLVABLE_KEY:
            raise
        raise _unresolvable(f"did:jwk: the key is not strict JSON ({exc.code.value})",
                            f"did:jwk: de sleutel is geen strikte JSON ({exc.code.value})") from None
    if not isinstance(jwk, dict):
        raise _unresolvable("did:jwk: not a JSON object", "did:jwk: geen JSON-object")
    use = jwk.get("use")
    if use not in (None, "sig", "enc"):
        raise _unresolvable("did:jwk: use must be sig or enc", "did:jwk: 'use' is 'sig' of 'enc'")
    return VerificationMethod(
        id=f"{did}#0", type=JSON_WEB_KEY, controller=did, public_key=_public_key(jwk),
        relationships=frozenset(("keyAgreement",) if use == "enc" else _SIGNING),
    )


def did_jwk_for(public_key: PublicKey) -> str:
    """The did:jwk of an Ed25519 or P-256 public key (JWK members in lexicographic order, no whitespace)."""
    numbers: Any
    if public_key.kind == "Ed25519":
        jwk = {"crv": "Ed25519", "kty": "OKP", "x": _encode(public_key.raw)}
    elif public_key.kind == "P-256":
        numbers = public_key.to_cryptography().public_numbers()  # type: ignore[union-attr]
        jwk = {"crv": "P-256", "kty": "EC", "x": _encode(numbers.x.to_bytes(32, "big")),
               "y": _encode(numbers.y.to_bytes(32, "big"))}
    else:
        raise ValueError("did:jwk is made here for Ed25519 and P-256 keys only")
    return DID_JWK_PREFIX + _encode(json.dumps(jwk, separators=(",", ":")).encode("utf-8"))


def _encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


class DidJwkResolver:
    """Resolves did:jwk verification methods by decoding them (nothing else)."""

    def resolve(self, verification_method_id: str) -> VerificationMethod:
        """Decode a did:jwk URL strictly; raise ``unresolvable_key`` on any defect."""
        return resolve_did_jwk(verification_method_id)
