"""Key history of one did:web issuer: rotation, retirement, and revocation with a compromise date.

Usage::

    history = KeyHistory.start("did:web:roc.example", pair.public_key, "key-1.key.json", now=now)
    history = history.rotate(new_pair.public_key, "key-2.key.json", now=now)   # key-2 signs now
    history = history.revoke("did:web:roc.example#key-1", compromised_at=when, now=now)
    document = history.did_document()       # the /.well-known/did.json content

Rotation keeps every old key in the DID document (``verificationMethod`` and ``assertionMethod``),
so credentials signed before keep verifying. A revoked key is listed with ``revoked`` set to the
compromise date (Controlled Identifiers 1.0, section 2.2): verifiers refuse its proofs created at
or after that moment (``key_revoked``) and keep accepting earlier ones. Public data only.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from typing import Any, Final, Literal

from skillspas.keys.did_key import DID_CONTEXTS
from skillspas.keys.did_web import did_web_to_path
from skillspas.keys.keypair import PublicKey
from skillspas.keys.verification_method import MULTIKEY, format_datetime, parse_datetime
from skillspas.schemas.errors import ErrorCode, SkillspasError, localized_error, shown

__all__ = ["KeyStatus", "KeyRecord", "KeyHistory", "HISTORY_FORMAT"]

KeyStatus = Literal["current", "retired", "revoked"]
HISTORY_FORMAT: Final = "skillspas-key-history/1"


def _invalid(en: str, nl: str) -> SkillspasError:
    """Build the ``invalid_key_file`` error for a damaged history: what is wrong, in English and Dutch."""
    return localized_error(ErrorCode.INVALID_KEY_FILE, en=f"key history: {en}", nl=f"sleutelgeschiedenis: {nl}")


def _moment(data: dict[str, Any], name: str) -> dt.datetime | None:
    """The date-time ``name`` of a stored key record (``None`` when absent); ``invalid_key_file`` otherwise."""
    if name not in data:
        return None
    try:
        return parse_datetime(data[name])
    except (ValueError, OverflowError):
        given = shown(data[name], 40, quoted=True)
        raise _invalid(f"{name}: {given} is not a date-time with a time zone",
                       f"{name}: {given} is geen datum en tijd met tijdzone") from None


def _aware(moment: dt.datetime, name: str) -> dt.datetime:
    """Return ``moment`` in UTC, whole seconds; ValueError if it has no time zone."""
    if not isinstance(moment, dt.datetime) or moment.tzinfo is None:
        raise ValueError(f"{name} must be a timezone-aware datetime")
    return moment.astimezone(dt.timezone.utc).replace(microsecond=0)


@dataclass(frozen=True)
class KeyRecord:
    """One key of an issuer: its public key, where the private part lives, and its life."""

    id: str
    public_key: PublicKey
    created: dt.datetime
    location: str
    """A key file name inside the keystore, or an RFC 7512 ``pkcs11:`` URI for an HSM key."""
    retired: dt.datetime | None = None
    revoked: dt.datetime | None = None

    @property
    def status(self) -> KeyStatus:
        """``current`` (signs new credentials), ``retired`` (replaced) or ``revoked`` (compromised)."""
        if self.revoked is not None:
            return "revoked"
        return "retired" if self.retired is not None else "current"

    @property
    def algorithm(self) -> str:
        """The key kind: "Ed25519" or "P-256"."""
        return self.public_key.kind

    def verification_method(self, controller: str) -> dict[str, Any]:
        """The Multikey entry of the DID document (with ``revoked`` when compromised)."""
        method: dict[str, Any] = {
            "id": self.id,
            "type": MULTIKEY,
            "controller": controller,
            "publicKeyMultibase": self.public_key.multibase,
        }
        if self.revoked is not None:
            method["revoked"] = format_datetime(self.revoked)
        return method

    def to_json(self) -> dict[str, Any]:
        """The record as stored in the keystore's history file (no secret material)."""
        data: dict[str, Any] = {
            "id": self.id,
            "publicKeyMultibase": self.public_key.multibase,
            "algorithm": self.algorithm,
            "created": format_datetime(self.created),
            "location": self.location,
            "status": self.status,
        }
        for name in ("retired", "revoked"):
            moment = getattr(self, name)
            if moment is not None:
                data[name] = format_datetime(moment)
        return data

    @classmethod
    def from_json(cls, data: Any) -> KeyRecord:
        """Read a record; ``invalid_key_file`` on any defect."""
        if not isinstance(data, dict):
            raise _invalid("a key record must be an object", "een sleutel staat er als object ({ … }) in")
        moments = {name: _moment(data, name) for name in ("created", "retired", "revoked")}
        if moments["created"] is None:
            raise _invalid("created is missing", "created (wanneer de sleutel is gemaakt) ontbreekt")
        if not all(isinstance(data.get(f), str) for f in ("id", "location", "publicKeyMultibase")):
            raise _invalid("id, location and publicKeyMultibase must be strings",
                           "id, location en publicKeyMultibase horen tekst te zijn")
        try:
            public_key = PublicKey.from_multibase(data["publicKeyMultibase"])
        except SkillspasError as exc:
            raise _invalid(f"publicKeyMultibase: {exc.message}", f"publicKeyMultibase: {exc.text('nl')}") from None
        return cls(
            data["id"], public_key, moments["created"], data["location"],
            moments["retired"], moments["revoked"],
        )


@dataclass(frozen=True)
class KeyHistory:
    """Every key a did:web issuer has had, oldest first; at most one is current."""

    did: str
    keys: tuple[KeyRecord, ...]

    def __post_init__(self) -> None:
        """Check the invariants: a did:web DID, its own unique key ids, at most one current key;
        ``invalid_key_file`` (a damaged history) otherwise."""
        try:
            did_web_to_path(self.did)
        except SkillspasError as exc:
            did = shown(self.did, quoted=True)
            raise _invalid(f"{did} is not a did:web DID ({exc.message})",
                           f"{did} is geen did:web-DID ({exc.text('nl')})") from None
        ids = [k.id for k in self.keys]
        if len(set(ids)) != len(ids):
            raise _invalid("key ids must be unique", "twee sleutels hebben dezelfde id")
        if any(not i.startswith(self.did + "#") for i in ids):
            raise _invalid("every key id must be a fragment of the DID",
                           "elke sleutel-id is de DID met een #fragment erachter")
        if sum(k.status == "current" for k in self.keys) > 1:
            raise _invalid("at most one key can be current", "meer dan één sleutel staat als huidige sleutel")

    @classmethod
    def start(cls, did: str, public_key: PublicKey, location: str, *, now: dt.datetime) -> KeyHistory:
        """A new history with one current key, ``did#key-1``."""
        return cls(did, (KeyRecord(f"{did}#key-1", public_key, _aware(now, "now"), location),))

    @property
    def current(self) -> KeyRecord | None:
        """The key that signs new credentials (``None`` after its revocation, until a rotation)."""
        return next((k for k in self.keys if k.status == "current"), None)

    def get(self, key_id: str) -> KeyRecord:
        """The record of ``key_id`` (a full DID URL or a bare fragment like ``key-2``)."""
        wanted = key_id if "#" in key_id else f"{self.did}#{key_id}"
        for record in self.keys:
            if record.id == wanted:
                return record
        raise localized_error(ErrorCode.KEY_NOT_FOUND, en=f"no key {shown(key_id, quoted=True)} in the history of {self.did}",
                              nl=f"sleutel {shown(key_id, quoted=True)} staat niet in de sleutelgeschiedenis van {self.did}")

    def next_id(self) -> str:
        """The id the next key gets: ``did#key-N`` with N one past the highest number in use."""
        numbers = [
            int(k.id.rsplit("#key-", 1)[1]) for k in self.keys
            if "#key-" in k.id and k.id.rsplit("#key-", 1)[1].isdigit()
        ]
        return f"{self.did}#key-{max(numbers, default=0) + 1}"

    def rotate(self, public_key: PublicKey, location: str, *, now: dt.datetime) -> KeyHistory:
        """Add a new current key; the previous current key is retired but stays listed (``key_exists`` for a key
        already in the history)."""
        now = _aware(now, "now")
        if any(k.public_key == public_key for k in self.keys):
            raise localized_error(ErrorCode.KEY_EXISTS, en="that public key is already in the history; rotate to a new key",
                                  nl="die publieke sleutel staat al in de sleutelgeschiedenis; wissel naar een nieuwe sleutel")
        keys = tuple(replace(k, retired=now) if k.status == "current" else k for k in self.keys)
        return KeyHistory(self.did, (*keys, KeyRecord(self.next_id(), public_key, now, location)))

    def revoke(self, key_id: str, *, compromised_at: dt.datetime, now: dt.datetime) -> KeyHistory:
        """Mark a key compromised from ``compromised_at``; only an earlier date may replace one set before
        (``invalid_option`` for a date in the future)."""
        compromised_at, now = _aware(compromised_at, "compromised_at"), _aware(now, "now")
        if compromised_at > now:
            raise localized_error(ErrorCode.INVALID_OPTION, en="the compromise date cannot be in the future",
                                  nl="de datum waarop de sleutel gecompromitteerd raakte, kan niet in de toekomst liggen")
        record = self.get(key_id)
        if record.revoked is not None and record.revoked <= compromised_at:
            return self
        revoked = replace(record, revoked=compromised_at)
        return KeyHistory(self.did, tuple(revoked if k.id == record.id else k for k in self.keys))

    def did_document(self) -> dict[str, Any]:
        """The DID document (``/.well-known/did.json``): every key listed, the current one first."""
        ordered = sorted(self.keys, key=lambda k: (k.status != "current", -self.keys.index(k)))
        return {
            "@context": list(DID_CONTEXTS),
            "id": self.did,
            "verificationMethod": [k.verification_method(self.did) for k in self.keys],
            "assertionMethod": [k.id for k in ordered],
        }

    def to_json(self) -> dict[str, Any]:
        """The history file's content."""
        return {"format": HISTORY_FORMAT, "id": self.did, "keys": [k.to_json() for k in self.keys]}

    @classmethod
    def from_json(cls, data: Any) -> KeyHistory:
        """Read a history file's content; ``invalid_key_file`` on any defect."""
        if not isinstance(data, dict) or data.get("format") != HISTORY_FORMAT:
            raise _invalid(f'not a key history ("format": "{HISTORY_FORMAT}")',
                           f'geen sleutelgeschiedenis ("format": "{HISTORY_FORMAT}")')
        if not isinstance(data.get("id"), str) or not isinstance(data.get("keys"), list):
            raise _invalid("id must be a string and keys a list", "id hoort tekst te zijn en keys een lijst")
        records = tuple(KeyRecord.from_json(item) for item in data["keys"])
        return cls(data["id"], records)
