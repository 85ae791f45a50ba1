"""The resolved verification method: a public key with its id, controller and relationships.

Usage::

    vm = resolver.resolve("did:web:roc.example#key-1")
    if "assertionMethod" not in vm.relationships: ...   # key_not_authorized
    vm.public_key.verify(signature, data)

Spec: W3C Controlled Identifiers 1.0, sections 2.2 "Verification Methods" (with the optional
``revoked`` and ``expires`` date-times) and 2.3 "Verification Relationships".
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any, Final

from skillspas.keys.keypair import PublicKey
from skillspas.schemas.errors import shown

__all__ = ["VerificationMethod", "RELATIONSHIPS", "MULTIKEY", "format_datetime", "parse_datetime"]

MULTIKEY: Final = "Multikey"
_DATETIME_STAMP: Final = re.compile(
    r"[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])T([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]"
    r"(\.[0-9]{1,9})?(Z|[+-]((0[0-9]|1[0-3]):[0-5][0-9]|14:00))"
)
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
    revoked: dt.datetime | None = None
    """From this moment the key is withdrawn (compromised): proofs created then or later fail."""
    expires: dt.datetime | None = None
    """From this moment the key is no longer to be used: proofs created then or later fail."""

    def to_json(self) -> dict[str, Any]:
        """Return the Multikey JSON form (id, type, controller, publicKeyMultibase[, revoked, expires])."""
        document: dict[str, Any] = {
            "id": self.id,
            "type": self.type,
            "controller": self.controller,
            "publicKeyMultibase": self.public_key.multibase,
        }
        for name, moment in (("revoked", self.revoked), ("expires", self.expires)):
            if moment is not None:
                document[name] = format_datetime(moment)
        return document


def format_datetime(moment: dt.datetime) -> str:
    """Format an aware datetime as an XML Schema dateTimeStamp in UTC ("2026-01-31T12:00:00Z")."""
    if moment.tzinfo is None:
        raise ValueError("datetime must be timezone-aware")
    return moment.astimezone(dt.timezone.utc).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_datetime(value: object) -> dt.datetime:
    """Parse an XML Schema dateTimeStamp (time zone required); ValueError otherwise."""
    if not isinstance(value, str) or not _DATETIME_STAMP.fullmatch(value):
        raise ValueError(f"{shown(value, 40, quoted=True)} is not a date-time with a time zone")
    try:
        return dt.datetime.fromisoformat(value.replace("Z", "+00:00")).astimezone(dt.timezone.utc)
    except OverflowError:  # 0001-01-01T00:00:00+01:00: before the first instant Python has in UTC
        raise ValueError(f"{shown(value, 40, quoted=True)} is outside the dates Python can hold") from None
