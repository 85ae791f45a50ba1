"""Organisations, their roles, signing keys and API keys.

Usage::

    created = create_organisation(store, settings, "ROC Voorbeeld", role="mbo", did_web="roc.example")
    print(created.did, created.api_key)          # the API key is shown once, stored hashed
    org = Organisations(store, settings).by_api_key(created.api_key)   # -> Org with its signer

A role decides which credential types an organisation may issue (``ROLE_TYPES``); an API key's
scopes decide what it may do. Signing keys live in the keystore folder as key files (encrypted
with ``Settings.key_passphrase`` when set); the database holds only their public part.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import hashlib
import logging
import hmac
import re
import secrets
import threading
import time
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final, NamedTuple


from skillspas.issuer import audit
from skillspas.issuer.settings import Settings
from skillspas.issuer.store import Store, queries
from skillspas.issuer.store.models import ApiKey, Organisation, OrgKey
from skillspas.keys import Signer, generate
from skillspas.keys.signer import PublicFacts
from skillspas.keys.did_key import DID_KEY_PREFIX, did_key_document, did_key_for, verification_method_id
from skillspas.keys.did_web import DID_WEB_PREFIX, check_did_web_spelling, did_web_document
from skillspas.keys.keyfile import load, save
from skillspas.keys.keypair import KeyPair, PublicKey, generated_kind, normalize_kind
from skillspas.schemas.errors import ErrorCode, SkillspasError, error_for, file_error, localized_error
from skillspas.schemas.files import private_folder
from skillspas.issuer.org_signing import expanded
from skillspas.schemas.catalogue import ROLE_TYPES, kind_in_sentence
from skillspas.schemas.jsonschema.type_schemas import CREDENTIAL_TYPES, expanded_kind
from skillspas.schemas.text import FORBIDDEN_IN_LINE, visible

__all__ = [
    "ROLES",
    "ROLE_TYPES",
    "SCOPES",
    "role_may_issue",
    "type_not_allowed",
    "Org",
    "CreatedOrganisation",
    "Organisations",
    "create_organisation",
    "RotatedKey",
    "rotate_signing_key",
    "add_api_key",
    "ApiKeyInfo",
    "list_api_keys",
    "revoke_api_key",
    "did_for_host",
    "credential_kind",
    "role_may_issue",
]

_log = logging.getLogger(__name__)

ROLES: Final = tuple(ROLE_TYPES)
KINDS: Final = frozenset(CREDENTIAL_TYPES)
SCOPES: Final = ("credentials:issue", "credentials:status", "credentials:batch", "audit:read")
_KEY_PREFIX: Final = "skp"
_KEY_SHAPE: Final = re.compile(r"skp_([0-9a-f]{16})_([A-Za-z0-9_-]{43})")
REMEMBER_KEYS: Final = 30.0
"""Seconds ``Organisations.by_api_key(remembered=True)`` answers from an earlier lookup."""


@dataclass(frozen=True)
class Org:
    """An organisation ready to issue: its DID, DID document and signer (never printed)."""

    id: str
    name: str
    role: str
    did: str
    did_document: dict[str, Any]
    signer: Signer = field(repr=False)
    scopes: frozenset[str] = frozenset(SCOPES)
    actor: str = "cli"
    """Who acts for the organisation in the audit log: an API key id, or ``cli``."""
    key_file: Path | None = field(default=None, repr=False)
    """The keystore file of the active key (batch worker processes load the signer from it)."""
    signing_key: int | None = field(default=None, repr=False)
    """The store's row id of the active key (``signer``'s)."""
    api_key: str | None = None
    """The id of the API key acting (``with_access``); the store checks it, and that ``signing_key`` is still
    active, in the statement that reserves a credential's status entry (``Issuance``)."""

    def require(self, scope: str) -> None:
        """Raise ``forbidden`` unless the acting API key has ``scope``."""
        if scope not in self.scopes:
            raise error_for(ErrorCode.FORBIDDEN, f"this API key lacks the scope {scope!r}",
                            nl=f"deze API-sleutel heeft de bevoegdheid (scope) {scope!r} niet")

    def may_issue(self, kind: str | None) -> bool:
        """True when the role allows credentials of ``kind`` (``None``: a generic badge)."""
        return role_may_issue(self.role, kind)

    def with_access(self, actor: str, scopes: Iterable[str], *, api_key: str | None = None) -> Org:
        """The same organisation, acting as ``actor`` (an API key's id: ``api_key``, checked when it issues)."""
        return dataclasses.replace(self, scopes=frozenset(scopes), actor=actor, api_key=api_key)


@dataclass(frozen=True)
class CreatedOrganisation:
    """What ``org create`` prints: the organisation's id and DID, and its first API key (once)."""

    id: str
    name: str
    role: str
    did: str
    verification_method: str
    api_key: str = field(repr=False)

    def to_json(self) -> dict[str, Any]:
        """The JSON object the CLI prints."""
        return {
            "id": self.id,
            "name": self.name,
            "role": self.role,
            "did": self.did,
            "verificationMethod": self.verification_method,
            "apiKey": self.api_key,
        }


def credential_kind(credential: dict[str, Any], contexts: str | None = None) -> str | None:
    """The skillspas type a credential is (``None`` for a generic badge), decided on its strictly expanded
    type IRIs, never on the JSON strings: ``MboDiploma``, its full IRI and an ``@type`` beside ``type``
    are one type, and one role rule applies to them all."""
    return expanded_kind(expanded(credential, contexts))


def role_may_issue(role: str, kind: str | None) -> bool:
    """True when ``role`` allows credentials of ``kind`` (``None``: a generic badge)."""
    return kind is None or kind in ROLE_TYPES[role]


def type_not_allowed(role: str, kind: str, *, path: str | None = "/type", cosign: bool = False) -> SkillspasError:
    """``type_not_allowed``: an organisation with ``role`` may not issue (``cosign``: co-sign) a credential of the
    skillspas type ``kind``, which the sentence names as a person does ("mag geen mbo-diploma uitgeven")."""
    one, word = kind_in_sentence([kind], article=True), kind_in_sentence([kind])
    verb_en, verb_nl = ("co-sign", "medeondertekenen") if cosign else ("issue", "uitgeven")
    return error_for(ErrorCode.TYPE_NOT_ALLOWED, f"an organisation with role {role!r} may not {verb_en} {one['en']}",
                     path, nl=f"een organisatie met de rol {role!r} mag geen {word['nl']} {verb_nl}")


def did_for_host(host: str) -> str:
    """``roc.example`` -> ``did:web:roc.example``; ``host:8443/a/b`` -> ``did:web:host%3A8443:a:b``;
    ``invalid_option`` (nl/en) for anything else."""
    if not isinstance(host, str) or not host:
        raise localized_error(ErrorCode.INVALID_OPTION, en="give the organisation's web host, e.g. roc.example",
                              nl="geef de webhost van de organisatie, bijvoorbeeld roc.example")
    if host.startswith(DID_WEB_PREFIX):
        did = host
    else:
        name, _, path = host.strip("/").partition("/")
        did = DID_WEB_PREFIX + name.replace(":", "%3A") + "".join(":" + p for p in path.split("/") if p)
    try:
        check_did_web_spelling(did)
    except SkillspasError as exc:
        raise localized_error(ErrorCode.INVALID_OPTION, en=f"{host!r} is not a web host for a did:web DID: {exc.message}",
                              nl=f"{host!r} is geen webhost voor een did:web-DID (zoals roc.example): {exc.text('nl')}") from None
    return did


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode("ascii")).hexdigest()


def add_api_key(
    store: Store, org_id: str, scopes: Iterable[str] = SCOPES, *, label: str | None = None,
    expires_at: dt.datetime | None = None, actor: str = "cli",
) -> str:
    """Make a new API key for ``org_id`` (narrowed to ``scopes``, refused after ``expires_at``) and
    return it; only its hash is stored. Audited. ``invalid_option`` (nl/en) for unknown scopes, a bad label or expiry."""
    wanted = sorted(set(scopes))
    unknown = [s for s in wanted if s not in SCOPES]
    if unknown or not wanted:
        raise localized_error(ErrorCode.INVALID_OPTION, en=f"scopes must be some of {', '.join(SCOPES)}",
                              nl=f"--scope is een of meer van {', '.join(SCOPES)}")
    if label is not None and not 0 < len(label.strip()) <= 200:
        raise localized_error(ErrorCode.INVALID_OPTION, en="a label has 1 to 200 characters",
                              nl="een label heeft 1 tot 200 tekens")
    if expires_at is not None:
        if expires_at.tzinfo is None:
            raise localized_error(ErrorCode.INVALID_OPTION, en="give the expiry with a time zone, e.g. 2026-12-31T23:59:59Z",
                                  nl="geef de vervaldatum met tijdzone, bijvoorbeeld 2026-12-31T23:59:59Z")
        if expires_at <= dt.datetime.now(dt.timezone.utc):
            raise localized_error(ErrorCode.INVALID_OPTION, en="the expiry is in the past",
                                  nl="de vervaldatum ligt in het verleden")
    key_id, secret = secrets.token_hex(8), secrets.token_urlsafe(32)
    with store.transaction() as session:
        if session.get(Organisation, org_id) is None:
            raise error_for(ErrorCode.NOT_FOUND, f"no organisation {org_id!r}", nl=f"geen organisatie {org_id!r}")
        session.add(ApiKey(id=key_id, org_id=org_id, secret_sha256=_hash(secret), scopes=" ".join(wanted),
                           label=label.strip() if label else None, expires_at=expires_at))
        detail: dict[str, Any] = {"scopes": wanted}
        if expires_at is not None:
            detail["expiresAt"] = _iso(expires_at)
        audit.record(session, org_id=org_id, actor=actor, action="api_key.create", target=key_id, detail=detail)
    return f"{_KEY_PREFIX}_{key_id}_{secret}"


@dataclass(frozen=True)
class ApiKeyInfo:
    """What may be shown of an API key: never its secret."""

    id: str
    scopes: tuple[str, ...]
    label: str | None
    created_at: dt.datetime
    expires_at: dt.datetime | None
    revoked_at: dt.datetime | None

    @classmethod
    def of(cls, row: ApiKey) -> ApiKeyInfo:
        return cls(row.id, tuple(row.scopes.split()), row.label, _utc(row.created_at),
                   _utc(row.expires_at) if row.expires_at else None, _utc(row.revoked_at) if row.revoked_at else None)

    def to_json(self) -> dict[str, Any]:
        """The JSON object ``org api-key list`` prints."""
        return {"id": self.id, "label": self.label, "scopes": list(self.scopes), "created": _iso(self.created_at),
                "expires": _iso(self.expires_at), "revoked": _iso(self.revoked_at)}


def list_api_keys(store: Store, org_id: str) -> list[ApiKeyInfo]:
    """The organisation's API keys, oldest first (revoked and expired ones too)."""
    with store.transaction() as session:
        rows = queries.api_keys(session, org_id)
        return [ApiKeyInfo.of(row) for row in rows]


def revoke_api_key(store: Store, org_id: str, key_id: str, *, actor: str = "cli") -> tuple[ApiKeyInfo, bool]:
    """Revoke one of the organisation's API keys (refused with 401 from then on); audited. Also whether it
    changed anything: a key revoked before keeps its revocation time (as a revoked credential stays revoked)."""
    with store.transaction() as session:
        row = session.get(ApiKey, key_id, with_for_update=True)
        if row is None or row.org_id != org_id:
            raise error_for(ErrorCode.NOT_FOUND, f"this organisation has no API key {key_id!r}",
                            nl=f"deze organisatie heeft geen API-sleutel {key_id!r} (skillspas org api-key list)")
        if row.revoked_at is not None:
            return ApiKeyInfo.of(row), False
        row.revoked_at = dt.datetime.now(dt.timezone.utc)
        audit.record(session, org_id=org_id, actor=actor, action="api_key.revoke", target=key_id)
        return ApiKeyInfo.of(row), True


def _utc(moment: dt.datetime) -> dt.datetime:
    """SQLite hands back naive datetimes; they were stored as UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.timezone.utc)


def _iso(moment: dt.datetime | None) -> str | None:
    return None if moment is None else moment.astimezone(dt.timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def create_organisation(
    store: Store, settings: Settings, name: str, *, role: str, did_web: str | None = None, did_key: bool = False,
    key_type: str = "ed25519", hsm: bool = False,
) -> CreatedOrganisation:
    """Register an organisation: a new signing key in the keystore (or on the HSM), its DID (did:web on
    ``did_web``'s host, or with ``did_key`` the key's own did:key: no domain needed), an API key.
    ``invalid_option`` (nl/en) for a bad role, name or host, or a name or DID already registered."""
    if role not in ROLE_TYPES:
        raise localized_error(ErrorCode.INVALID_OPTION, en=f"role must be one of {', '.join(ROLES)}",
                              nl=f"--role is een van {', '.join(ROLES)}")
    name = name.strip()
    if not name or len(name) > 200:
        raise localized_error(ErrorCode.INVALID_OPTION, en="an organisation needs a name of 1 to 200 characters",
                              nl="een organisatie heeft een naam van 1 tot 200 tekens nodig")
    forbidden = FORBIDDEN_IN_LINE.search(name)
    if forbidden is not None or not visible(name):  # the name its credentials and the claim page show as the issuer's
        what = f"U+{ord(forbidden.group()):04X}" if forbidden is not None else None
        raise localized_error(
            ErrorCode.INVALID_OPTION,
            en=f"an organisation's name is one line without control or bidi characters ({what})" if what else
               "an organisation's name needs a visible character (not only spaces or format characters)",
            nl=f"de naam van een organisatie is één regel zonder stuur- of leesrichtingstekens ({what})" if what else
               "de naam van een organisatie heeft een zichtbaar teken nodig (niet alleen spaties of opmaaktekens)")
    if (did_web is None) != did_key:
        raise localized_error(ErrorCode.INVALID_OPTION, en="give either a did:web host or did:key",
                              nl="geef --did-web HOST of --did-key (één van de twee)")
    if did_key and hsm:
        raise localized_error(ErrorCode.INVALID_OPTION,
                              en="a did:key organisation keeps its key in the keystore; an HSM key needs did:web",
                              nl="een did:key-organisatie bewaart haar sleutel in de sleutelopslag; een HSM-sleutel vraagt did:web")
    key_type = generated_kind(key_type)
    pair = generate(key_type) if did_key else None
    did = did_key_for(pair.public_key) if pair is not None else did_for_host(str(did_web))
    org_id = str(uuid.uuid4())
    with _undone_on_failure(store, settings) as made, store.transaction() as session:
        if queries.organisation_id_by_did(session, did) is not None:
            raise localized_error(ErrorCode.INVALID_OPTION, en=f"an organisation with DID {did} already exists",
                                  nl=f"er is al een organisatie met DID {did}")
        if queries.organisation_id_by_name(session, name) is not None:
            raise localized_error(
                ErrorCode.INVALID_OPTION,
                en=f"an organisation named {name!r} already exists (skillspas org list); choose another name",
                nl=f"er is al een organisatie met de naam {name!r} (skillspas org list); kies een andere naam")
        session.add(Organisation(id=org_id, name=name, role=role, did=did))
        session.flush()
        method, _ = _new_key(session, settings, org_id, did, key_type, hsm=hsm, made=made, pair=pair)
        audit.record(session, org_id=org_id, actor="cli", action="organisation.create", target=did,
                     detail={"name": name, "role": role})
    api_key = add_api_key(store, org_id)
    return CreatedOrganisation(org_id, name, role, did, method, api_key)


@dataclass(frozen=True)
class RotatedKey:
    """The organisation's new signing key after ``rotate_signing_key`` (public facts only)."""

    org_id: str
    did: str
    verification_method: str
    public_key_multibase: str
    previous: tuple[str, ...]
    """The verification methods that no longer sign but stay in the DID document."""

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.org_id, "did": self.did, "verificationMethod": self.verification_method,
            "publicKeyMultibase": self.public_key_multibase, "previousKeys": list(self.previous),
            "next": {
                "nl": "Het DID-document (/.well-known/did.json) noemt de nieuwe sleutel nu naast de oude: eerder "
                      "uitgegeven bewijsstukken blijven geldig. Vraag de vertrouwensbeheerder de nieuwe sleutel op "
                      "de vertrouwenslijst te zetten en maak een nieuwe bundel.",
                "en": "The DID document (/.well-known/did.json) now lists the new key beside the old ones: credentials "
                      "issued earlier stay valid. Ask the trust anchor to add the new key to the trust list, and "
                      "make a new bundle.",
            },
        }


def rotate_signing_key(
    store: Store, settings: Settings, org_id: str, *, key_type: str | None = None, hsm: bool | None = None
) -> RotatedKey:
    """Sign from now on with a new key (same kind and place — file or HSM — unless given); old keys
    stay in the DID document, so what they signed still verifies, but sign nothing more. Audited."""
    with _undone_on_failure(store, settings) as made, store.transaction() as session:
        org = session.get(Organisation, org_id, with_for_update=True)  # one rotation at a time (PostgreSQL)
        if org is None:
            raise error_for(ErrorCode.NOT_FOUND, f"no organisation {org_id!r}", nl=f"geen organisatie {org_id!r}")
        if org.did.startswith(DID_KEY_PREFIX):
            raise localized_error(
                ErrorCode.INVALID_OPTION,
                en="a did:key organisation's DID is its key: it cannot rotate (make a new organisation)",
                nl="de DID van een did:key-organisatie is haar sleutel: die kan niet wisselen (maak een nieuwe organisatie)")
        keys = queries.org_keys(session, org_id)
        active = [k for k in keys if k.active]
        kind = (generated_kind(key_type) if key_type is not None else
                PublicKey.from_multibase(active[-1].public_key_multibase).kind if active else "ed25519")
        on_token = hsm if hsm is not None else bool(active) and active[-1].key_file.startswith("pkcs11:")
        for key in active:
            key.active = False
        method, multibase = _new_key(session, settings, org_id, org.did, kind, hsm=on_token, made=made)
        audit.record(session, org_id=org_id, actor="cli", action="organisation.rotate-key", target=method,
                     detail={"previous": [k.verification_method for k in active]})
        return RotatedKey(org_id, org.did, method, multibase, tuple(k.verification_method for k in active))


@contextlib.contextmanager
def _undone_on_failure(store: Store, settings: Settings) -> Iterator[list[str]]:
    """Collects the keys ``_new_key`` makes (their ``key_file``); if the change then fails, removes a
    new key file that no stored key names (when the store cannot tell — e.g. the connection broke
    during COMMIT — the file stays: a spare file is harmless, a committed key without it is not) and
    names a new HSM key in the log (it signed nothing; its unique label blocks no retry)."""
    made: list[str] = []
    try:
        yield made
    except BaseException:
        for location in made:
            if location.startswith("pkcs11:"):
                _log.warning("unused HSM key left on the token after a failed change: %s", location)
            elif _unused(store, location):
                (Path(settings.keys) / location).unlink(missing_ok=True)
        raise


def _unused(store: Store, key_file: str) -> bool:
    """True only when the store answers that no organisation key uses ``key_file``."""
    try:
        with store.transaction() as session:
            return queries.org_key_by_file(session, key_file) is None
    except Exception:  # the database is unreachable: it cannot tell
        return False


def _new_key(
    session: Any, settings: Settings, org_id: str, did: str, key_type: str, *, hsm: bool = False, made: list[str],
    pair: KeyPair | None = None,
) -> tuple[str, str]:
    """Generate the organisation's next signing key into the keystore, or on the HSM (non-extractable;
    ``key_file`` then holds its pkcs11: URI); return its method id and publicKeyMultibase. Files and labels carry a random
    part, so a retry after a failed transaction never meets the leftovers of the first try. ``pair``: the
    key of a did:key organisation (its DID is that key; its method id is fixed by did:key)."""
    number = len(queries.org_keys(session, org_id)) + 1
    method = f"{did}#key-{number}" if pair is None else verification_method_id(did)
    unique = f"{org_id}-key-{number}-{secrets.token_hex(4)}"
    if hsm:
        from skillspas.keys.hsm import Pkcs11Signer

        token = settings.token()
        kind = normalize_kind(key_type).lower().replace("-", "")
        with Pkcs11Signer.generate(module=token.module, token_label=token.label, key_label=unique, pin=token.pin,
                                   kind=kind, verification_method=method, controller=did) as signer:
            multibase, location = signer.public_key.multibase, signer.uri
        made.append(location)
    else:
        keystore = Path(settings.keys)
        private_folder(keystore)
        location = f"{unique}.json"
        pair = pair or generate(key_type)
        save(pair, keystore / location, passphrase=settings.key_passphrase, controller=did,
             verification_method=method)
        made.append(location)
        multibase = pair.public_key.multibase
    session.add(OrgKey(org_id=org_id, verification_method=method, public_key_multibase=multibase,
                       key_file=location, active=True))
    return method, multibase


class _HsmSigner(PublicFacts):
    """An organisation key on the HSM, known from the store: it logs in to the token at its first
    signature, so looking an organisation up (its did.json; a rotation away from a lost HSM) never
    needs the HSM. Batches of such an organisation sign in this process (``Org.key_file`` is None).
    Every HSM problem is logged and reaches API clients only as one generic ``signer_failed``."""

    __slots__ = ("_settings", "_location", "_signer", "_guard", "_stopped")

    def __init__(self, settings: Settings, key: OrgKey, did: str, stopped: threading.Event) -> None:
        self._settings, self._location = settings, key.key_file
        self._verification_method, self._controller = key.verification_method, did
        self._public_key = PublicKey.from_multibase(key.public_key_multibase)
        self._signer: Signer | None = None
        self._guard = threading.Lock()
        self._stopped = stopped

    def sign(self, data: bytes) -> bytes:
        """Sign on the token (logging in on first use)."""
        with self._guard:
            try:
                return self._token().sign(data)
            except SkillspasError as exc:
                _log.warning("%s: the HSM could not sign: [%s] %s", self._verification_method, exc.code.value, exc.message)
                raise error_for(ErrorCode.SIGNER_FAILED, "the organisation's key is on an HSM the service "
                                                         "cannot use now (see the server log)",
                                nl="de sleutel van de organisatie staat op een HSM die de dienst nu niet kan "
                                   "gebruiken (zie het serverlog)") from None

    def close(self) -> None:
        """Stop using the token."""
        with self._guard:
            if self._signer is not None:
                self._signer.close()  # type: ignore[attr-defined]
                self._signer = None

    def _token(self) -> Signer:
        """The logged-in token signer (``_guard`` held); coded errors with the details, for the log."""
        from skillspas.keys.hsm import Pkcs11Signer, parse_pkcs11_uri

        if self._stopped.is_set():
            raise error_for(ErrorCode.SIGNER_FAILED, "the service has stopped using its HSM",
                            nl="de dienst gebruikt zijn HSM niet meer")
        if self._signer is not None:
            return self._signer
        try:
            token = self._settings.token()
        except SkillspasError as exc:  # a setting missing: the service cannot sign (503), whatever the CLI calls it
            raise error_for(ErrorCode.SIGNER_FAILED, exc.message, nl=exc.message_nl) from None
        token_label, key_label = parse_pkcs11_uri(self._location)
        signer = Pkcs11Signer(module=token.module, token_label=token_label, key_label=key_label, pin=token.pin,
                              verification_method=self._verification_method, controller=self._controller)
        if signer.public_key != self._public_key:
            signer.close()
            raise error_for(ErrorCode.SIGNER_FAILED, f"the HSM key {self._location} is not {self._verification_method}",
                            nl=f"de sleutel op de HSM ({self._location}) is niet {self._verification_method}")
        self._signer = signer
        return signer


class _UnavailableSigner(PublicFacts):
    """An organisation key whose key file could not be loaded (missing, damaged, another passphrase):
    the organisation is still found (its did.json comes from the store) but every signature is
    ``signer_failed`` with the reason (the service answers 503 and shows no message; the CLI shows it).
    The reason was logged once, when the file was read."""

    __slots__ = ("_reason", "_reason_nl")

    def __init__(self, key: OrgKey, did: str, reason: str, reason_nl: str) -> None:
        self._verification_method, self._controller = key.verification_method, did
        self._public_key = PublicKey.from_multibase(key.public_key_multibase)
        self._reason, self._reason_nl = reason, reason_nl

    def sign(self, data: bytes) -> bytes:
        """Refuse: the key is not available."""
        raise error_for(ErrorCode.SIGNER_FAILED, f"the organisation's signing key is not available: {self._reason}",
                        nl=f"de ondertekensleutel van de organisatie is niet beschikbaar: {self._reason_nl}")


def _org_signer(settings: Settings, key: OrgKey, did: str, stopped: threading.Event) -> tuple[Signer, Path | None]:
    """The signer of an organisation key, and its key file (None for an HSM key or an unusable key
    file: batches then sign in-process). One organisation's broken key file stops only its signing."""
    if key.key_file.startswith("pkcs11:"):
        return _HsmSigner(settings, key, did, stopped), None
    key_file = Path(settings.keys) / key.key_file
    try:
        signer = load(key_file, settings.key_passphrase)
        if (signer.public_key != PublicKey.from_multibase(key.public_key_multibase)
                or signer.verification_method != key.verification_method):  # another key file in its place: what it
            raise localized_error(  # signed, checked against its own key, would verify for no one
                ErrorCode.INVALID_KEY_FILE, en=f"key file {str(key_file)!r} does not hold the organisation's key "
                f"{key.verification_method}", nl=f"sleutelbestand {str(key_file)!r} bevat niet de sleutel "
                f"{key.verification_method} van de organisatie")
        return signer, key_file
    except (SkillspasError, OSError) as exc:
        error = exc if isinstance(exc, SkillspasError) else file_error(exc, key_file, "read")
        reason, reason_nl = (f"[{error.code.value}] {error.text(lang)}" for lang in ("en", "nl"))
        _log.error("%s cannot sign until its key file is repaired (then restart) or the key rotated: %s",
                   key.verification_method, reason)
        return _UnavailableSigner(key, did, reason, reason_nl), None


class _KnownKey(NamedTuple):
    """An API key a lookup found valid (``Organisations.by_api_key``)."""

    at: float
    """``time.monotonic()`` of the lookup."""
    secret_sha256: str
    expires_at: dt.datetime | None
    org: Org


class Organisations:
    """Looks organisations up (by API key, id, name or DID host) with their signers, cached."""

    def __init__(self, store: Store, settings: Settings) -> None:
        self.store = store
        self.settings = settings
        self._cache: dict[str, tuple[tuple[str | int, ...], Org]] = {}
        self._keys: dict[str, _KnownKey] = {}
        """API keys found valid (``by_api_key``), by key id."""
        self._lock = threading.Lock()
        self._sessions: list[Signer] = []  # HSM signers made here (closed by ``close``, not when replaced)
        self._stopped = threading.Event()  # set by ``close``: no HSM signer of this cache logs in again

    def get(self, org_id: str) -> Org:
        """The organisation with this id, ready to sign; ``not_found`` otherwise."""
        with self.store.transaction() as session:
            org, keys = queries.org_with_keys(session, org_id)
        if org is None:
            raise error_for(ErrorCode.NOT_FOUND, f"no organisation {org_id!r}", nl=f"geen organisatie {org_id!r}")
        return self._org(org, keys)

    def find(self, ref: str) -> Org:
        """The organisation named by id, exact name or DID; ``not_found`` otherwise, ``ambiguous`` (listing
        the ids) when a name is shared (stores from before names had to be unique)."""
        with self.store.transaction() as session:
            ids = queries.organisation_ids_matching(session, ref)
        if not ids:
            raise error_for(ErrorCode.NOT_FOUND, f"no organisation {ref!r}",
                            nl=f"geen organisatie {ref!r} (skillspas org list)")
        if len(ids) > 1 and ref not in ids:
            raise error_for(ErrorCode.AMBIGUOUS, f"{len(ids)} organisations are named {ref!r}; give one of "
                                                  f"their ids: {', '.join(ids)}",
                            nl=f"{len(ids)} organisaties heten {ref!r}; geef een van hun ids: "
                               f"{', '.join(ids)}")
        return self.get(ref if ref in ids else ids[0])

    def by_did(self, did: str) -> Org | None:
        """The organisation whose DID is ``did``, or ``None``."""
        with self.store.transaction() as session:
            org_id = queries.organisation_id_by_did(session, did)
        return None if org_id is None else self.get(org_id)

    def by_api_key(self, api_key: str, *, remembered: bool = False) -> Org:
        """The organisation acting through ``api_key``; ``unauthorized`` for anything else.

        ``remembered``: answer from what a lookup of the last ``REMEMBER_KEYS`` seconds found valid (same
        secret, not expired) without asking the store, for a caller that has the store check the key
        again where it acts (``Org.api_key``: ``Issuance`` refuses a revoked key or a rotated signing key
        in the statement that reserves; the caller then looks the key up afresh). Saves a round trip
        per credential (measured: 0.5 ms of the machine's CPU, server and database)."""
        match = _KEY_SHAPE.fullmatch(api_key or "")
        if match is None:
            raise error_for(ErrorCode.UNAUTHORIZED, "the API key is missing or malformed",
                            nl="de API-sleutel ontbreekt of heeft niet de vorm van een API-sleutel")
        key_id, secret = match.groups()
        if remembered:
            known = self._keys.get(key_id)
            if (known is not None and time.monotonic() - known.at < REMEMBER_KEYS
                    and hmac.compare_digest(known.secret_sha256, _hash(secret))
                    and (known.expires_at is None or _utc(known.expires_at) > dt.datetime.now(dt.timezone.utc))):
                return known.org
        self._keys.pop(key_id, None)
        found = queries.api_key_with_org(self.store, key_id)  # one query: the key, its organisation and keys
        # Compare even when the key id is unknown, so timing does not tell which ids exist.
        expected = found[0].secret_sha256 if found is not None else _hash("")
        if not hmac.compare_digest(expected, _hash(secret)) or found is None or found[0].revoked_at is not None:
            raise error_for(ErrorCode.UNAUTHORIZED, "the API key is not valid",
                            nl="de API-sleutel is niet geldig (onbekend of ingetrokken)")
        row, org, keys = found
        if row.expires_at is not None and _utc(row.expires_at) <= dt.datetime.now(dt.timezone.utc):
            raise error_for(ErrorCode.UNAUTHORIZED, "the API key has expired", nl="de API-sleutel is verlopen")
        acting = self._org(org, keys).with_access(key_id, row.scopes.split(), api_key=key_id)
        if len(self._keys) >= 1024:
            self._keys.clear()
        self._keys[key_id] = _KnownKey(time.monotonic(), row.secret_sha256, row.expires_at, acting)
        return acting

    def all(self) -> list[Org]:
        """Every organisation (for the verifier's DID documents and trusted issuers)."""
        with self.store.transaction() as session:
            ids = queries.organisation_ids(session)
        return [self.get(org_id) for org_id in ids]

    def close(self) -> None:
        """Stop using the HSM: close every token signer made here (the last one logs out)."""
        self._stopped.set()
        with self._lock:
            signers, self._sessions = self._sessions, []
            self._cache.clear()
            self._keys.clear()
        for signer in signers:
            signer.close()  # type: ignore[attr-defined]

    def _org(self, org: Organisation, keys: list[OrgKey]) -> Org:
        """Build (or reuse) the ``Org`` for a row and its keys; loads the active key once. Reused only while
        the row still says the same (name, role, DID) and the keys are the same: a role changed in the store
        decides the next lookup, not a restart (what ``by_api_key`` remembers lives ``REMEMBER_KEYS`` seconds)."""
        version: tuple[str | int, ...] = (org.name, org.role, org.did, *(k.id for k in keys),
                                          *(k.id for k in keys if k.active))
        with self._lock:
            cached = self._cache.get(org.id)
            if cached is not None and cached[0] == version:
                return cached[1]
        active = [k for k in keys if k.active]
        if not active:
            raise error_for(ErrorCode.FORBIDDEN, f"organisation {org.name!r} has no active signing key",
                            nl=f"organisatie {org.name!r} heeft geen actieve ondertekensleutel")
        signer, key_file = _org_signer(self.settings, active[-1], org.did, self._stopped)
        if isinstance(signer, _HsmSigner):
            with self._lock:
                self._sessions.append(signer)
        document = (did_key_document(org.did) if org.did.startswith(DID_KEY_PREFIX)
                    else did_web_document(org.did, [PublicKey.from_multibase(k.public_key_multibase) for k in keys]))
        built = Org(org.id, org.name, org.role, org.did, document, signer, key_file=key_file, signing_key=active[-1].id)
        with self._lock:
            self._cache[org.id] = (version, built)
        return built
