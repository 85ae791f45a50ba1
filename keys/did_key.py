"""did:key identifiers and documents, decoded strictly and offline.

Usage::

    did = did_key_for(pair.public_key)                  # "did:key:z6Mk..."
    vm = resolve_did_key(verification_method_id(did))   # VerificationMethod
    doc = did_key_document(did)                         # DID document with one Multikey

Spec: The did:key Method v0.9 (W3C CCG), section 3.1 "Read", with the Multikey
verification method type (Controlled Identifiers 1.0, section 2.2.2).
"""

from __future__ import annotations

from typing import Any, Final

from skillspas.keys.keypair import PublicKey
from skillspas.keys.verification_method import MULTIKEY, VerificationMethod
from skillspas.schemas.errors import ErrorCode, SkillspasError, error_for

__all__ = [
    "DID_KEY_PREFIX",
    "DID_CONTEXTS",
    "did_key_for",
    "verification_method_id",
    "resolve_did_key",
    "did_key_document",
]

DID_KEY_PREFIX: Final = "did:key:"
DID_CONTEXTS: Final[tuple[str, ...]] = (
    "https://www.w3.org/ns/did/v1",
    "https://w3id.org/security/multikey/v1",
)
# A did:key verification method is granted every relationship except keyAgreement (did:key 3.1.2).
_DID_KEY_RELATIONSHIPS: Final = (
    "authentication",
    "assertionMethod",
    "capabilityInvocation",
    "capabilityDelegation",
)
_MAX_DID_URL: Final = 512


def _unresolvable(message: str, nl: str) -> SkillspasError:
    """Build the ``unresolvable_key`` error (English and Dutch)."""
    return error_for(ErrorCode.UNRESOLVABLE_KEY, message, nl=nl)


def _split(did_url: str) -> tuple[str, str, str | None]:
    """Split a did:key URL into (did, multibase, fragment or None), checking its shape."""
    if not isinstance(did_url, str):
        raise TypeError("did_url must be a string")
    if len(did_url) > _MAX_DID_URL:
        raise _unresolvable("did:key URL is too long", "de did:key is te lang")
    if not did_url.startswith(DID_KEY_PREFIX):
        raise _unresolvable("not a did:key identifier",
                            f"de sleutel {did_url!r} is hier niet te vinden: controleer met een controlebundel "
                            "die het DID-document van de uitgever bevat (--bundle)")
    did, hash_sign, fragment = did_url.partition("#")
    multibase = did[len(DID_KEY_PREFIX) :]
    if any(c in multibase for c in ":/?;"):
        raise _unresolvable("did:key with a version, path, query or parameters is not supported",
                            "een did:key met een versie, pad, query of parameters wordt niet ondersteund")
    if hash_sign and not fragment:
        raise _unresolvable("did:key URL has an empty fragment", "de did:key heeft een leeg fragment na '#'")
    return did, multibase, (fragment if hash_sign else None)


def did_key_for(public_key: PublicKey) -> str:
    """Return the did:key of a public key ("did:key:z6Mk...", "zDn..." P-256, "z82L..." P-384)."""
    if not isinstance(public_key, PublicKey):
        raise TypeError("public_key must be a skillspas.keys.PublicKey")
    return DID_KEY_PREFIX + public_key.multibase


def verification_method_id(did: str) -> str:
    """Return the id of a did:key's only verification method: ``did + "#" + multibase``."""
    if "#" in did:
        raise ValueError("expected a did:key without a fragment")
    return resolve_did_key(did).id


def resolve_did_key(did_url: str) -> VerificationMethod:
    """Decode a did:key or its method URL strictly; defects are ``unresolvable_key``."""
    did, multibase, fragment = _split(did_url)
    public_key = PublicKey.from_multibase(multibase)
    if fragment is not None and fragment != multibase:
        raise _unresolvable("did:key fragment must equal the key's multibase value",
                            "het fragment van de did:key (na '#') moet de sleutel zelf zijn")
    return VerificationMethod(
        id=f"{did}#{multibase}",
        type=MULTIKEY,
        controller=did,
        public_key=public_key,
        relationships=frozenset(_DID_KEY_RELATIONSHIPS),
    )


def did_key_document(did: str) -> dict[str, Any]:
    """Return the DID document of a did:key, with one Multikey verification method."""
    vm = resolve_did_key(did)
    if vm.controller != did:
        raise ValueError("expected a did:key without a fragment")
    document: dict[str, Any] = {
        "@context": list(DID_CONTEXTS),
        "id": did,
        "verificationMethod": [vm.to_json()],
    }
    for relationship in _DID_KEY_RELATIONSHIPS:
        document[relationship] = [vm.id]
    return document
