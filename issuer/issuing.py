"""Issue credentials as an organisation, and revoke, suspend or reinstate them.

Usage::

    issuer = Issuer(store, settings)
    org = issuer.orgs.by_api_key(api_key)
    issued = issuer.issue(org, credential)          # issuer filled in, status entries, signed, verified
    issuer.change_status(org, issued.credential_id, "revoke")
    cosigned = issuer.cosign(leerbedrijf, issued.credential)   # as the credential's coSigner

Issuing is two short transactions around the signature, the store's one issuance lifecycle
(``skillspas.issuer.store.issuance``, which the batch uses too): (1) reserve the credential's id and a
random status index (``pending``), (2) after signing and self-verification, mark it ``active``
with its hash (and the document, unless ``Settings.store_credentials == "hash"``). A crash in
between leaves a pending row: its index is never handed to another credential. A retry with the
same id (after ``status_registry.STALE_PENDING``) completes that row with the same index
(``skillspas.issuer.batch`` picks a batch row's pending row up again by its row key). ``cosign`` adds a co-signer's proof
to a credential issued here.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Final, TypeVar

from skillspas.issuer import audit, status_registry
from skillspas.issuer.org_signing import reusing, sign_as
from skillspas.issuer.credentials import type_name
from skillspas.issuer.orgs import Org, Organisations, credential_kind, type_not_allowed
from skillspas.issuer.preflight import preflight
from skillspas.issuer.settings import Settings
from skillspas.issuer.status_registry import slot_entries
from skillspas.issuer.store import Store, queries
from skillspas.issuer.store.issuance import Done, Issuance, Pending
from skillspas.issuer.store.models import StatusListCredential
from skillspas.issuer.stored_form import MAX_ID_LENGTH, canonical_text, check_stored_ids, row_credential_id
from skillspas.keys import StaticResolver
from skillspas.schemas.errors import ErrorCode, SkillspasError, error_for
from skillspas.schemas.jsonio import copy_json, parse_json
from skillspas.schemas.jsonschema.type_schemas import skillspas_type
from skillspas.schemas.limits import Limits
from skillspas.verifier.bundle import folder_contexts
from skillspas.schemas.vc import cosigner_ids, is_url, issuer_id, proofs_of, types_of

__all__ = ["Issuer", "Issued", "IssuedRecord", "OpenOffer", "StatusChange", "StatusListDocument", "canonical_text", "credential_hash",
           "default_purposes", "row_credential_id", "check_stored_ids", "MAX_ID_LENGTH"]

_OB3_TYPES: Final = frozenset({"OpenBadgeCredential", "AchievementCredential"})
_Found = TypeVar("_Found")


@dataclass(frozen=True)
class Issued:
    """One issued credential, signed and verified."""

    credential_id: str
    credential: dict[str, Any]
    sha256: str
    """SHA-256 of the credential's canonical JSON (``credential_hash``), as stored."""
    text: str = ""
    """That canonical JSON text (``canonical_text``): what the store keeps and the service answers with."""


@dataclass(frozen=True)
class StatusChange:
    """The outcome of a revoke/suspend/reinstate request."""

    credential_id: str
    action: str
    state: str
    changed: bool

    def to_json(self) -> dict[str, Any]:
        """The response body of ``POST /credentials/status``."""
        return {"credentialId": self.credential_id, "action": self.action, "status": self.state,
                "changed": self.changed}


@dataclass(frozen=True)
class IssuedRecord:
    """What the store knows of one issued credential (``Issuer.find_issued``; never its content)."""

    credential_id: str
    org_id: str
    types: tuple[str, ...]
    state: str
    row_key: str | None
    status_purposes: tuple[str, ...]
    created_at: dt.datetime
    updated_at: dt.datetime
    learner: str | None = None
    """The name the credential gives its learner (``wallet_export.view.describe``), so whoever revokes it sees whose
    it is; ``None`` when it names none, or only its hash is kept (``Settings.store_credentials == "hash"``)."""

    def to_json(self) -> dict[str, Any]:
        """The JSON object ``skillspas status show`` prints."""
        return {"credentialId": self.credential_id, "orgId": self.org_id, "types": list(self.types),
                "status": self.state, "rowKey": self.row_key, "statusPurposes": list(self.status_purposes),
                "issued": _utc(self.created_at).isoformat(), "updated": _utc(self.updated_at).isoformat(),
                "learner": self.learner}


@dataclass(frozen=True)
class OpenOffer:
    """A batch row's claim offer that no learner claimed yet (``Issuer.open_offer``): its id in the store (the SHA-256
    of its link), organisation, row key and end (UTC)."""

    offer_id: str
    org_id: str
    row_key: str
    expires: dt.datetime


@dataclass(frozen=True)
class StatusListDocument:
    """A signed status list credential as served: its JSON text, version and last change."""

    text: str
    version: int
    updated_at: dt.datetime


def default_purposes(credential: dict[str, Any]) -> tuple[str, ...]:
    """Revocation only for Open Badges 3.0 (one ``credentialStatus`` object); else revocation and suspension."""
    if _OB3_TYPES & set(types_of(credential)):
        return ("revocation",)
    return status_registry.PURPOSES


def credential_hash(credential: dict[str, Any]) -> str:
    """SHA-256 (hex) of the credential's ``canonical_text``: what the store keeps in hash mode."""
    return hashlib.sha256(canonical_text(credential).encode("utf-8")).hexdigest()


class Issuer:
    """Issues and changes the status of credentials for the organisations in one store."""

    def __init__(self, store: Store, settings: Settings, orgs: Organisations | None = None) -> None:
        self.store = store
        self.settings = settings
        self.orgs = orgs or Organisations(store, settings)
        self.contexts = None if settings.contexts is None else str(settings.contexts)
        """The folder of extra contexts for issuance (``Settings.contexts``), checked here once."""
        self.extra_contexts = {} if self.contexts is None else folder_contexts(self.contexts)
        """Those contexts (URL -> bytes), for the service's bundles and verification."""

    # -- issuing ---------------------------------------------------------------------------

    def prepare(self, org: Org, credential: dict[str, Any]) -> dict[str, Any]:
        """A copy of ``credential`` with the organisation as issuer and an id; refuses what it may not sign.

        The service allocates status entries itself: a ``credentialStatus`` of the caller's (another
        credential's index, another organisation's list, any URL) is refused, never signed; a national id is
        ``preflight``'s to refuse (every caller preflights the result)."""
        if not isinstance(credential, dict):
            raise TypeError("credential must be a dict")
        document: dict[str, Any] = copy_json(parse_json(credential))  # a dict: checked above
        try:
            kind = credential_kind(document, self.contexts)
            profile = kind is not None
        except SkillspasError:  # unexpandable: preflight refuses it, with the verifier's order of checks
            kind = None
            profile = _names_skillspas_type(document)
        _set_issuer(document, org, profile=profile)
        if "id" not in document:
            document["id"] = f"urn:uuid:{uuid.uuid4()}"
        check_stored_ids(document)
        if kind is not None and not org.may_issue(kind):
            raise type_not_allowed(org.role, kind)
        if "proof" in document:
            raise error_for(ErrorCode.SCHEMA_INVALID, "a credential to issue must not have a proof", "/proof",
                            nl="een bewijsstuk dat nog uitgegeven moet worden, heeft nog geen bewijs (proof)")
        if "credentialStatus" in document:
            raise error_for(ErrorCode.FORBIDDEN_FIELD, "the service adds the status entries itself: leave "
                            "credentialStatus out (options.credentialStatus and statusPurposes choose them)",
                            "/credentialStatus",
                            nl="de dienst voegt de statusvermeldingen zelf toe: laat credentialStatus weg (kies ze "
                               "met options.credentialStatus en statusPurposes)")
        return document  # a national id: refused by preflight, which every caller runs next

    def issue(
        self,
        org: Org,
        credential: dict[str, Any],
        *,
        with_status: bool = True,
        purposes: Sequence[str] | None = None,
        offer: str | None = None,
        row_key: str | None = None,
    ) -> Issued:
        """Issue ``credential`` as ``org``: status entries, proof, self-verification, store, audit.

        ``purposes`` picks the status entries; by default an Open Badges 3.0 credential gets one
        (revocation: its schema allows a single ``credentialStatus`` object), others get both. ``offer``: the claim
        offer (its id) being claimed, whose hold on the credential's id is for this issue; ``row_key``: the batch row
        (``TYPE/KEY``) the offer was made for, the key the credential is stored under (as a batch row's).
        """
        org.require("credentials:issue")
        with self.store.checkout():  # one connection for the reservation and the completion
            return self._issue(org, credential, with_status=with_status, purposes=purposes, offer=offer,
                               row_key=row_key)

    def _issue(self, org: Org, credential: dict[str, Any], *, with_status: bool, purposes: Sequence[str] | None,
               offer: str | None = None, row_key: str | None = None) -> Issued:
        with reusing(self.contexts):  # prepare's expansion (the role) is preflight's
            document = self.prepare(org, credential)
            checked = preflight(document, org.did, contexts=self.contexts, org_name=org.name)  # before an index is reserved
        if not with_status:
            purposes = ()
        elif purposes is None:
            purposes = default_purposes(document)
        issuance = self.issuance(org, offer=offer)
        [slot] = issuance.reserve([Pending(document["id"], row_key, checked.types, purposes)])
        status = slot_entries(self.settings, org.id, slot.seq, slot.index, slot.purposes)
        try:
            signed = sign_as(org.signer, checked.with_status(status))
        except BaseException:
            issuance.release(slot.credential_id)  # never handed out: its id and index may be used again
            raise
        text = canonical_text(signed)
        digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
        if not issuance.complete_one(Done(slot.credential_id, digest, text, types_of(signed), row_key), slot):
            raise status_registry.taken(slot.credential_id)  # a retry took over a reservation this slow request left
        return Issued(signed["id"], signed, digest, text)

    def issuance(self, org: Org, *, offer: str | None = None) -> Issuance:
        """The store's issuance lifecycle (reserve, complete, release) for ``org`` (claiming ``offer``)."""
        access = (org.api_key, org.signing_key) if org.api_key is not None and org.signing_key is not None else None
        return Issuance(self.store, self.settings, org_id=org.id, org_did=org.did, actor=org.actor,
                        publish=functools.partial(sign_as, org.signer), access=access, offer=offer)

    # -- co-signing ------------------------------------------------------------------------

    def cosign(self, org: Org, credential: dict[str, Any]) -> dict[str, Any]:
        """Add ``org``'s proof to a credential another organisation of this service issued naming it ``coSigner``.

        The credential must be exactly as stored (its hash), not revoked or suspended, and its
        proofs must verify; the co-signed credential replaces the stored one and both
        organisations' audit logs record it.
        """
        org.require("credentials:issue")
        if not isinstance(credential, dict):
            raise TypeError("credential must be a dict")
        document = parse_json(credential)
        check_stored_ids(document)
        if org.did not in cosigner_ids(document):
            raise error_for(ErrorCode.ISSUER_MISMATCH, f"the credential does not name {org.did!r} as coSigner", "/coSigner",
                            nl=f"het bewijsstuk noemt {org.did!r} niet als medeondertekenaar (coSigner)")
        kind = credential_kind(document, self.contexts)
        if kind is not None and not org.may_issue(kind):
            raise type_not_allowed(org.role, kind, cosign=True)
        if "proof" not in document:
            raise error_for(ErrorCode.INVALID_PROOF, "the issuer's proof is missing: issue the credential first", "/proof",
                            nl="het bewijs (proof) van de uitgever ontbreekt: geef het bewijsstuk eerst uit")
        if any(_controller(p) == org.did for p in proofs_of(document, Limits())):
            raise error_for(ErrorCode.DUPLICATE_ID, "this organisation has already co-signed the credential", "/proof",
                            nl="Deze organisatie heeft dit bewijsstuk al medeondertekend.")
        owner = self.orgs.by_did(issuer_id(document) or "")
        if owner is None:
            raise error_for(ErrorCode.NOT_FOUND, "the credential's issuer is not an organisation of this service",
                            "/issuer", nl="de uitgever van het bewijsstuk is geen organisatie van deze dienst")
        # sign() verifies every proof of the result: the school's with its DID document, ours with our key.
        cosigned = sign_as(org.signer, document, append=True, contexts=self.contexts, resolver=StaticResolver({owner.did: owner.did_document}))
        submitted = credential_hash(document)
        with self.store.transaction() as session:
            cid = document.get("id")
            row = queries.credential_for_update(session, cid, owner.id) if isinstance(cid, str) else None
            if row is None or row.state == "pending" or row.sha256 != submitted:
                raise error_for(ErrorCode.NOT_FOUND, "the issuer issued no credential with this id and content",
                                "/id", nl="de uitgever gaf geen bewijsstuk uit met deze id en deze inhoud")
            if row.state in ("revoked", "suspended"):
                code = ErrorCode.REVOKED if row.state == "revoked" else ErrorCode.SUSPENDED
                raise error_for(code, f"the credential is {row.state}", "/credentialStatus",
                                nl=f"het bewijsstuk is {'ingetrokken' if code is ErrorCode.REVOKED else 'geschorst'}: "
                                   "het wordt niet medeondertekend")
            row.sha256 = credential_hash(cosigned)
            if row.document is not None:
                row.document = json.dumps(cosigned, separators=(",", ":"), ensure_ascii=False)
            row.updated_at = dt.datetime.now(dt.timezone.utc)
            detail = {"types": types_of(cosigned), "issuer": owner.did, "coSigner": org.did}
            audit.record(session, org_id=org.id, actor=org.actor, action="credential.cosign", target=row.credential_id,
                         detail=detail)
            audit.record(session, org_id=owner.id, actor=org.actor, action="credential.cosigned",
                         target=row.credential_id, detail=detail)
        return cosigned

    # -- status ----------------------------------------------------------------------------

    def change_status(self, org: Org, credential_id: str, action: str) -> StatusChange:
        """Revoke, suspend or reinstate a credential the organisation issued."""
        org.require("credentials:status")
        check_stored_ids({"id": credential_id}, "/credentialId")
        with self.store.transaction() as session:
            row = queries.credential_for_update(session, credential_id)
            if row is None or row.org_id != org.id or row.state == "pending":
                raise error_for(ErrorCode.NOT_FOUND, "this organisation issued no credential with that id",
                                "/credentialId", nl="deze organisatie gaf geen bewijsstuk uit met die id")
            changed = status_registry.change(
                session, org_id=org.id, org_did=org.did, actor=org.actor, publish=functools.partial(sign_as, org.signer),
                row=row, action=action,
            )
            return StatusChange(credential_id, action, row.state, changed)

    def find_issued(self, ref: str, org_id: str | None = None) -> IssuedRecord:
        """The credential issued (of ``org_id`` when given) whose id is ``ref``, or whose batch row key is
        ``ref`` (``TYPE/KEY`` as stored or as ``batch`` takes the type, ``mbo-diploma/KEY``, or the bare ``KEY`` of the
        CSV; surrounding spaces, as pasted from a spreadsheet, count for nothing); ``not_found``, or ``ambiguous``
        listing the credential ids when a bare row key fits several; ``too_large`` over ``MAX_ID_LENGTH``."""
        if len(ref) > MAX_ID_LENGTH:  # no credential has it, and a row key's LIKE pattern would be refused by SQLite
            raise error_for(ErrorCode.TOO_LARGE, f"a credential id or row key has at most {MAX_ID_LENGTH} characters",
                            nl=f"Een bewijsstuk-id of rijsleutel heeft hoogstens {MAX_ID_LENGTH} tekens.")
        ref = ref.strip()
        with self.store.transaction() as session:
            rows = _by_ref(ref, lambda key: queries.issued_matching(session, key, org_id))
            found = [IssuedRecord(r.credential_id, r.org_id, tuple(json.loads(r.types)), r.state,
                                  r.row_key, tuple(r.status_purposes.split()), r.created_at, r.updated_at,
                                  _learner(r.document))
                     for r in rows]
        offered = None if found else self.open_offer(ref, org_id)
        if offered is not None:  # the key is right: its credential exists once the learner claims it
            until = offered.expires.strftime("%Y-%m-%d %H:%M UTC")
            raise error_for(ErrorCode.NOT_FOUND, f"row key {ref!r} has no issued credential yet: it has an open claim "
                            f"offer (batch --offers) until {until}; the credential is issued when the learner claims "
                            f"it (skillspas status revoke {ref} withdraws the offer)",
                            nl=f"Rijsleutel {ref!r} heeft nog geen uitgegeven bewijsstuk: er is een open ophaalaanbod "
                               f"(batch --offers) tot {until}; het bewijsstuk wordt uitgegeven als de deelnemer het "
                               f"ophaalt (skillspas status revoke {ref} trekt het aanbod in).")
        if not found:
            raise error_for(ErrorCode.NOT_FOUND, f"no issued credential has the id or row key {ref!r}",
                            nl=f"Geen uitgegeven bewijsstuk heeft de id of rijsleutel {ref!r}.")
        if len(found) > 1:
            listed = ", ".join(f"{r.credential_id} ({r.row_key})" for r in found)
            raise error_for(ErrorCode.AMBIGUOUS, f"row key {ref!r} fits {len(found)} credentials: {listed}",
                            nl=f"rijsleutel {ref!r} past bij {len(found)} bewijsstukken: {listed}")
        return found[0]

    def open_offer(self, ref: str, org_id: str | None = None) -> OpenOffer | None:
        """The open claim offer of batch row key ``ref`` (as ``find_issued`` takes a row key; of ``org_id`` when
        given), or None: a row offered by ``batch --offers`` that no learner claimed yet. ``ambiguous`` (listing them)
        when ``ref`` also fits another open offer or an issued credential (a bare key of two types, or of two
        organisations), so that ``status revoke`` never withdraws one where another was meant."""
        ref = ref.strip()
        now = dt.datetime.now(dt.timezone.utc)
        with self.store.transaction() as session:
            rows = _by_ref(ref, lambda key: queries.open_offer(session, key, now, org_id))
            issued = _by_ref(ref, lambda key: queries.issued_matching(session, key, org_id)) if rows else []
            also = [f"{r.credential_id} ({r.row_key})" for r in issued]
        if len(rows) + len(also) > 1:
            listed = ", ".join([*(f"{r.row_key} (open offer)" for r in rows), *also])
            listed_nl = ", ".join([*(f"{r.row_key} (open ophaalaanbod)" for r in rows), *also])
            raise error_for(ErrorCode.AMBIGUOUS, f"row key {ref!r} fits {len(rows) + len(also)}: {listed}; give the "
                            "one meant (TYPE/KEY, or the credential's id)",
                            nl=f"rijsleutel {ref!r} past bij {len(rows) + len(also)}: {listed_nl}; geef de bedoelde "
                               "(TYPE/SLEUTEL, of het id van het bewijsstuk)")
        return None if not rows else OpenOffer(rows[0].id, rows[0].org_id, rows[0].row_key, _utc(rows[0].expires_at))

    def status_list(self, org_id: str, seq: int, purpose: str) -> StatusListDocument | None:
        """The signed status list credential served at ``/status/{org_id}/{seq}/{purpose}``."""
        self._refresh_stale(org_id, seq, purpose)
        with self.store.transaction() as session:
            rows = queries.status_lists(session, org_id, seq, purpose)
            if not rows:
                return None
            return StatusListDocument(rows[0].document, rows[0].version, rows[0].updated_at)

    def status_lists(self, org_id: str | None = None) -> dict[str, dict[str, Any]]:
        """Every signed status list credential (of one organisation), by URL: for verification."""
        self._refresh_stale(org_id)
        with self.store.transaction() as session:
            documents = queries.status_list_documents(session, org_id)
        return {url: json.loads(text) for url, text in documents.items()}

    def _refresh_stale(self, org_id: str | None, seq: int | None = None, purpose: str | None = None) -> None:
        """Re-sign lists unchanged for longer than ``Settings.status_list_refresh`` (a new validFrom)."""
        now = dt.datetime.now(dt.timezone.utc)
        limit = now - dt.timedelta(seconds=self.settings.status_list_refresh)
        with self.store.transaction() as session:
            stale = queries.stale_status_lists(session, limit, org_id, seq, purpose)
        for row_id, owner in stale:
            publish = functools.partial(sign_as, self.orgs.get(owner).signer)
            with self.store.transaction() as session:
                row = session.get(StatusListCredential, row_id, with_for_update=True)
                if row is not None and _utc(row.updated_at) < limit:
                    status_registry.refresh(session, row, publish, now)


def _learner(document: str | None) -> str | None:
    """The learner's name in a stored credential's JSON text (its own, written by ``canonical_text``), if it names one."""
    from skillspas.wallet_export.view import describe

    try:
        return describe(json.loads(document)).subject_name if document else None
    except (ValueError, TypeError, AttributeError):  # a stored text this code did not write: no name
        return None


def _utc(moment: dt.datetime) -> dt.datetime:
    """SQLite hands back naive datetimes; they were stored as UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.timezone.utc)


def _controller(proof: dict[str, Any]) -> str | None:
    """The DID whose key made ``proof`` (its verification method without the fragment)."""
    method = proof.get("verificationMethod")
    return method.split("#", 1)[0] if isinstance(method, str) else None


def _names_skillspas_type(document: dict[str, Any]) -> bool:
    """Whether the JSON names one of the five skillspas types, as the schema check that preflight runs before the
    strict expansion reads it: a document that cannot be expanded (a field no context defines) is still checked
    against its type's schema first, so its absent issuer must be the profile that schema wants, or the refusal
    would be about an issuer the caller never sent instead of the field that is wrong."""
    try:
        return skillspas_type(document) is not None
    except SkillspasError:  # two skillspas types: preflight's schema check says so
        return True


def _set_issuer(document: dict[str, Any], org: Org, *, profile: bool = False) -> None:
    """Fill in the issuer when absent; refuse ``null``, a non-URL, or anyone else (DESIGN.md HTTP API).

    ``profile``: the credential is one of the five skillspas types, whose schema wants the issuer as a profile
    (``id``, ``type``, ``name``): an absent one is filled in as the organisation's profile, not as its bare DID
    (which the type's schema would refuse, quoting a value the caller never sent). An issuer profile (an
    object) carries the organisation's name from its record: filled in here when absent; ``preflight``
    refuses another name (``issuer_mismatch``; the builders' ``name — examencommissie`` is the
    organisation's), read from the expansion, so a name under another key counts."""
    if "issuer" not in document:
        document["issuer"] = {"id": org.did, "type": ["Profile"], "name": org.name} if profile else org.did
        return
    issuer = document["issuer"]
    path = "/issuer"
    if isinstance(issuer, dict):
        issuer, path = issuer.get("id"), "/issuer/id"
    if not is_url(issuer):
        raise error_for(ErrorCode.SCHEMA_INVALID, "issuer must be a URL or an object with a URL id", path,
                        nl="issuer is een URL, of een object met een URL als id")
    if issuer != org.did:
        raise error_for(ErrorCode.ISSUER_MISMATCH, f"the credential names issuer {issuer!r}; this API key issues as {org.did!r}", path,
                        nl=f"het bewijsstuk noemt uitgever {issuer!r}; deze API-sleutel geeft uit als {org.did!r}")
    if isinstance(document["issuer"], dict):
        document["issuer"].setdefault("name", org.name)


def _by_ref(ref: str, lookup: Callable[[str], list[_Found]]) -> list[_Found]:
    """What ``lookup`` finds for a credential id or row key as the store has it (``_as_stored``), else as given: a
    bare key with a slash of its own ('evc/5') is taken as given too."""
    stored = _as_stored(ref)
    return lookup(stored) or (lookup(ref.strip()) if stored != ref.strip() else [])


def _as_stored(ref: str) -> str:
    """A credential id or row key as the store has it: without surrounding spaces, and ``TYPE/KEY`` with the type as
    stored (``mbo-diploma/100005``, as ``skillspas batch mbo-diploma`` names the type: ``MboDiploma/100005``)."""
    ref = ref.strip()
    kind, slash, key = ref.partition("/")
    try:
        return f"{type_name(kind)}/{key}" if slash and key else ref
    except ValueError:  # no type: an id (https://…, urn:uuid:…) or a bare key with a slash of its own
        return ref
