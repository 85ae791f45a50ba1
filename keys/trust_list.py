"""The trust list of recognised issuers: data model only (who may issue which credential types, when).

Usage::

    entry = TrustListEntry("did:web:roc.example", "ROC Voorbeeldstad", ("MboDiploma", "MboCertificaat"))
    trust_list = TrustList(issuer="did:web:erkenning.example", entries=(entry,))
    unsigned = trust_list.to_credential()            # a W3C VC; sign it with skillspas.issuer
    again = TrustList.from_credential(unsigned)      # schema_invalid (with a JSON pointer) on defects

The list is itself a Verifiable Credential (type ``SkillspasTrustList``, context
``https://w3id.org/skillspas/trust/v1``, or ``.../trust/v2`` when an entry pins its keys), so
``skillspas.verifier.trust`` verifies it with the same pipeline as any credential. An entry may pin
the issuer's keys (``keys``): offline, a did:web document comes from the bundle file, which nothing
signs; the pinned keys are what the trust anchor signed. An entry allows a credential when it lists every type the credential
has besides ``VerifiableCredential`` and the Open Badges envelope types (``OpenBadgeCredential``,
``AchievementCredential``); a credential with only envelope types needs one of those listed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Final

from skillspas.keys.keypair import PublicKey
from skillspas.keys.verification_method import format_datetime, parse_datetime
from skillspas.schemas.errors import ErrorCode, SkillspasError, localized_error, shown
from skillspas.schemas.text import visible

__all__ = [
    "TRUST_LIST_CONTEXT",
    "TRUST_LIST_CONTEXT_V2",
    "TRUST_LIST_TYPE",
    "ENVELOPE_TYPES",
    "TrustListEntry",
    "TrustList",
    "read_moment",
    "defect_nl",
]

VC_V2: Final = "https://www.w3.org/ns/credentials/v2"
TRUST_LIST_CONTEXT: Final = "https://w3id.org/skillspas/trust/v1"
TRUST_LIST_CONTEXT_V2: Final = "https://w3id.org/skillspas/trust/v2"
"""v1 plus ``publicKeyMultibase`` on an entry: used when any entry pins its keys."""
TRUST_LIST_TYPE: Final = "SkillspasTrustList"
ENVELOPE_TYPES: Final = frozenset({"OpenBadgeCredential", "AchievementCredential"})
_BASE_TYPE: Final = "VerifiableCredential"
_MAX_ENTRIES: Final = 10_000


def _shape(en: str, nl: str, path: str) -> SkillspasError:
    """Build the ``schema_invalid`` error for a malformed trust list, in English and Dutch."""
    return localized_error(ErrorCode.SCHEMA_INVALID, en=f"trust list: {en}", path=path,
                           nl=f"vertrouwenslijst: {nl}; vraag een nieuwe lijst aan wie hem uitgeeft")


_DEFECTS_NL: Final = {
    "an entry's did must be a DID": "het id van een vermelding moet een DID zijn",
    "an entry needs a name": "een vermelding heeft een naam nodig",
    "an entry needs at least one credential type": "een vermelding noemt minstens één soort bewijsstuk",
    "role must be a string": "role moet tekst zijn",
    "a DID may appear only once in a trust list": "een DID mag maar één keer op de lijst staan",
}
"""The Dutch sentences of the data model's ``ValueError`` messages."""
_NOT_A_KEY: Final = (" is not a Multikey public key (publicKeyMultibase)", " is geen publieke sleutel als Multikey (publicKeyMultibase)")


def defect_nl(exc: ValueError) -> str:
    """The Dutch sentence of a ``ValueError`` by which the data model (``__post_init__``) refused a list or entry."""
    en = str(exc)
    return en[:-len(_NOT_A_KEY[0])] + _NOT_A_KEY[1] if en.endswith(_NOT_A_KEY[0]) else _DEFECTS_NL.get(en, "deze vermelding klopt niet")


def _defect_shape(exc: ValueError, path: str) -> SkillspasError:
    """The ``schema_invalid`` of a list or entry the data model refused (``__post_init__``)."""
    return _shape(str(exc), defect_nl(exc), path)


def read_moment(data: dict[str, Any], key: str, path: str) -> dt.datetime | None:
    """Read an optional date-time field of an entry or list; ``schema_invalid`` at ``path/key``."""
    if key not in data:
        return None
    try:
        return parse_datetime(data[key])
    except ValueError as exc:
        raise _shape(f"{key}: {exc}", f"{key} moet een datum en tijd met tijdzone zijn", f"{path}/{key}") from None


def _window(valid_from: dt.datetime | None, valid_until: dt.datetime | None, moment: dt.datetime) -> bool:
    """Whether ``moment`` lies within [valid_from, valid_until]."""
    return (valid_from is None or valid_from <= moment) and (valid_until is None or moment <= valid_until)


@dataclass(frozen=True)
class TrustListEntry:
    """One recognised issuer: its DID, its name, the credential types it may issue, and when."""

    did: str
    name: str
    credential_types: tuple[str, ...]
    valid_from: dt.datetime | None = None
    valid_until: dt.datetime | None = None
    role: str | None = None
    """What kind of issuer this is, e.g. "roc", "evc-aanbieder", "school", "werkgever"."""
    keys: tuple[str, ...] = ()
    """The issuer's public keys (Multikey ``publicKeyMultibase``) the trust anchor vouches for: when
    given, a signature by any other key of this DID is refused (``key_not_authorized``), so a DID
    document in an offline bundle cannot add a key. List old keys too, for what they signed."""

    def __post_init__(self) -> None:
        """Refuse an entry that could never match or is not a DID."""
        if not isinstance(self.did, str) or not self.did.startswith("did:"):
            raise ValueError("an entry's did must be a DID")
        if not isinstance(self.name, str) or not visible(self.name):  # what the employer reads as the issuer's name
            raise ValueError("an entry needs a name")
        if not self.credential_types or not all(isinstance(t, str) and t for t in self.credential_types):
            raise ValueError("an entry needs at least one credential type")
        if self.role is not None and not isinstance(self.role, str):
            raise ValueError("role must be a string")
        for key in self.keys:
            try:
                PublicKey.from_multibase(key)
            except (SkillspasError, TypeError):
                raise ValueError(f"{shown(key, quoted=True)}{_NOT_A_KEY[0]}") from None

    def allows(self, types: Iterable[str]) -> bool:
        """Whether this issuer may issue a credential of ``types`` (see the module docstring)."""
        kinds = set(types) - {_BASE_TYPE}
        wanted = (kinds - ENVELOPE_TYPES) or kinds or {_BASE_TYPE}
        return wanted <= set(self.credential_types)

    def active_at(self, moment: dt.datetime) -> bool:
        """Whether the recognition holds at ``moment``."""
        return _window(self.valid_from, self.valid_until, moment)

    def to_json(self) -> dict[str, Any]:
        """The entry as it appears in the trust list credential."""
        data: dict[str, Any] = {"id": self.did, "type": "TrustedIssuer", "name": self.name}
        if self.role is not None:
            data["role"] = self.role
        data["credentialType"] = list(self.credential_types)
        if self.valid_from is not None:
            data["validFrom"] = format_datetime(self.valid_from)
        if self.valid_until is not None:
            data["validUntil"] = format_datetime(self.valid_until)
        if self.keys:
            data["publicKeyMultibase"] = list(self.keys)
        return data

    @classmethod
    def from_json(cls, data: Any, path: str) -> TrustListEntry:
        """Read one entry; ``schema_invalid`` at ``path`` on defects."""
        if not isinstance(data, dict) or data.get("type") != "TrustedIssuer":
            raise _shape('an entry must be an object of type "TrustedIssuer"',
                         'een vermelding moet een object van type "TrustedIssuer" zijn', path)
        types = data.get("credentialType")
        types = [types] if isinstance(types, str) else types
        role = data.get("role")
        if role is not None and not isinstance(role, str):
            raise _shape("role must be a string", "role moet tekst zijn", f"{path}/role")
        keys = data.get("publicKeyMultibase", [])
        keys = [keys] if isinstance(keys, str) else keys
        if not isinstance(keys, list) or not all(isinstance(k, str) for k in keys):
            raise _shape("publicKeyMultibase must be a list of Multikey strings",
                         "publicKeyMultibase moet een lijst van Multikey-teksten zijn", f"{path}/publicKeyMultibase")
        try:
            return cls(
                data.get("id", ""), data.get("name", ""), tuple(types) if isinstance(types, list) else (),
                read_moment(data, "validFrom", path), read_moment(data, "validUntil", path), role, tuple(keys),
            )
        except ValueError as exc:
            raise _defect_shape(exc, path) from None


@dataclass(frozen=True)
class TrustList:
    """The recognised issuers, as published by a trust anchor (the body that recognises them)."""

    issuer: str
    entries: tuple[TrustListEntry, ...]
    id: str | None = None
    name: str | None = None
    valid_from: dt.datetime | None = None
    valid_until: dt.datetime | None = None

    def __post_init__(self) -> None:
        """Refuse two entries for one DID (which one would count?)."""
        dids = [e.did for e in self.entries]
        if len(set(dids)) != len(dids):
            raise ValueError("a DID may appear only once in a trust list")

    def entry(self, did: str) -> TrustListEntry | None:
        """The entry for ``did``, if it is listed."""
        return next((e for e in self.entries if e.did == did), None)

    def pinned_keys(self) -> dict[str, frozenset[str]]:
        """DID -> the public keys (multibase) its entry vouches for, for the entries that name keys."""
        return {e.did: frozenset(e.keys) for e in self.entries if e.keys}

    def active_at(self, moment: dt.datetime) -> bool:
        """Whether the list itself is valid at ``moment``."""
        return _window(self.valid_from, self.valid_until, moment)

    def to_credential(self) -> dict[str, Any]:
        """The unsigned Verifiable Credential of this list."""
        pinned = any(e.keys for e in self.entries)
        credential: dict[str, Any] = {"@context": [VC_V2, TRUST_LIST_CONTEXT_V2 if pinned else TRUST_LIST_CONTEXT]}
        if self.id is not None:
            credential["id"] = self.id
        credential["type"] = [_BASE_TYPE, TRUST_LIST_TYPE]
        credential["issuer"] = self.issuer
        if self.name is not None:
            credential["name"] = self.name
        if self.valid_from is not None:
            credential["validFrom"] = format_datetime(self.valid_from)
        if self.valid_until is not None:
            credential["validUntil"] = format_datetime(self.valid_until)
        credential["credentialSubject"] = {
            "type": "TrustedIssuerList",
            "trustedIssuer": [e.to_json() for e in self.entries],
        }
        return credential

    @classmethod
    def from_credential(cls, credential: Any) -> TrustList:
        """Read a trust list credential (its proof is checked elsewhere); ``schema_invalid`` on defects."""
        if not isinstance(credential, dict):
            raise _shape("must be a JSON object", "moet een JSON-object zijn", "/")
        types = credential.get("type")
        if not isinstance(types, list) or TRUST_LIST_TYPE not in types:
            raise _shape(f"type must include {TRUST_LIST_TYPE}", f"type moet {TRUST_LIST_TYPE} bevatten", "/type")
        issuer = credential.get("issuer")
        issuer = issuer.get("id") if isinstance(issuer, dict) else issuer
        if not isinstance(issuer, str):
            raise _shape("issuer must be a DID", "de uitgever moet een DID zijn", "/issuer")
        subject = credential.get("credentialSubject")
        if not isinstance(subject, dict) or subject.get("type") != "TrustedIssuerList":
            raise _shape('credentialSubject must be one object of type "TrustedIssuerList"',
                         'credentialSubject moet één object van type "TrustedIssuerList" zijn', "/credentialSubject")
        listed = subject.get("trustedIssuer", [])
        listed = [listed] if isinstance(listed, dict) else listed
        if not isinstance(listed, list) or len(listed) > _MAX_ENTRIES:
            raise _shape(f"trustedIssuer must be a list of at most {_MAX_ENTRIES} entries",
                         f"trustedIssuer moet een lijst van hoogstens {_MAX_ENTRIES} vermeldingen zijn", "/credentialSubject/trustedIssuer")
        entries = tuple(
            TrustListEntry.from_json(item, f"/credentialSubject/trustedIssuer/{i}") for i, item in enumerate(listed)
        )
        name = credential.get("name")
        try:
            return cls(
                issuer, entries, credential.get("id") if isinstance(credential.get("id"), str) else None,
                name if isinstance(name, str) else None,
                read_moment(credential, "validFrom", ""), read_moment(credential, "validUntil", ""),
            )
        except ValueError as exc:
            raise _defect_shape(exc, "/credentialSubject/trustedIssuer") from None
