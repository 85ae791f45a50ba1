"""The resolved verification method: a public key with its id, controller and relationships.

Usage::

    vm = resolver.resolve("did:web:roc.example#key-1")
    if "assertionMethod" not in vm.relationships: ...   # key_not_authorized
    vm.public_key.verify(signature, data)

Spec: W3C Controlled Identifiers 1.0, sections 2.2 "Verification Methods" and 2.3
"Verification Relationships".
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final

from skillspas.keys.keypair import PublicKey

__all__ = ["VerificationMethod", "RELATIONSHIPS", "MULTIKEY"]

MULTIKEY: Final = "Multikey"
RELATIONSHIPS: Final[tuple[str, ...]] = (
    "assertionMethod",
    "authentication",
    "capabilityInvocation",
    "capabilityDelegation",
    "keyAgreement",
)


@dataclass(frozen=True)
class VerificationMethod:
    """A verification method resolved offline, with the relationships its document grants it."""

    id: str
    type: str
    controller: str
    public_key: PublicKey
    relationships: frozenset[str]

    def to_json(self) -> dict[str, Any]:
        """Return the Multikey JSON form (id, type, controller, publicKeyMultibase)."""
        return {
            "id": self.id,
            "type": self.type,
            "controller": self.controller,
            "publicKeyMultibase": self.public_key.multibase,
        }
