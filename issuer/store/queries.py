"""The store's queries, one named function each: the only SQL of the issuer besides ``issuance``.

Usage::

    with store.transaction() as session:
        keys = queries.org_keys(session, org_id)
        row = queries.credential_for_update(session, credential_id)

Every function takes the session of the caller's transaction, so a change and its audit event
commit together (``api_key_with_org``, one read, takes the store). ``tests/test_layering.py`` keeps SQL out of the issuer's other modules.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any, Final

from sqlalchemy import bindparam, delete, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from skillspas.issuer.store.engine import Store
from skillspas.issuer.store.models import (
    ApiKey,
    AuditEvent,
    ClaimOffer,
    IssuedCredential,
    Organisation,
    OrgKey,
    StatusList,
    StatusListCredential,
)

__all__ = [
    "api_keys", "api_key_with_org", "organisation_id_by_did", "organisation_id_by_name", "organisation_ids", "organisation_ids_matching",
    "org_keys", "org_key_by_file", "credential_for_update", "credential_id_free", "add_offer", "withdraw_offer", "issued_matching", "open_offer", "open_offer_keys",
    "status_list_for_update",
    "status_lists", "status_list_documents", "stale_status_lists", "audit_events",
]


# -- organisations and keys ----------------------------------------------------------------------

def api_keys(session: Session, org_id: str) -> list[ApiKey]:
    """The organisation's API keys, oldest first."""
    return list(session.scalars(select(ApiKey).where(ApiKey.org_id == org_id).order_by(ApiKey.created_at)))


_KEY, _ORG, _SIGNING = ApiKey.__table__.c, Organisation.__table__.c, OrgKey.__table__.c
_API_KEY_WITH_ORG = (
    select(_KEY.secret_sha256, _KEY.scopes, _KEY.revoked_at, _KEY.expires_at, _ORG.id, _ORG.name, _ORG.role, _ORG.did,
           _SIGNING.id.label("key_pk"), _SIGNING.verification_method, _SIGNING.public_key_multibase, _SIGNING.key_file,
           _SIGNING.active)
    .join_from(ApiKey.__table__, Organisation.__table__, _ORG.id == _KEY.org_id)
    .outerjoin(OrgKey.__table__, _SIGNING.org_id == _ORG.id)
    .where(_KEY.id == bindparam("key_id")).order_by(_SIGNING.id))
"""Built once: the service runs it on every request."""


def api_key_with_org(store: Store, key_id: str) -> tuple[ApiKey, Organisation, list[OrgKey]] | None:
    """The API key ``key_id``, its organisation and that organisation's signing keys (oldest first), in
    one query (the service asks this on every request; one round trip within ``Store.checkout`` on
    PostgreSQL); detached rows, None when no key has this id."""
    rows: Sequence[Any] | None = store.one_statement(_API_KEY_WITH_ORG, {"key_id": key_id})
    if rows is None:
        with store.transaction() as session:
            rows = session.execute(_API_KEY_WITH_ORG, {"key_id": key_id}).all()
    if not rows:
        return None
    secret, scopes, revoked_at, expires_at, org_id, name, role, did = rows[0][:8]  # the columns in their order
    api_key = ApiKey(id=key_id, org_id=org_id, secret_sha256=secret, scopes=scopes, revoked_at=revoked_at,
                     expires_at=expires_at)
    organisation = Organisation(id=org_id, name=name, role=role, did=did)
    keys = [OrgKey(id=pk, org_id=org_id, verification_method=method, public_key_multibase=multibase, key_file=key_file,
                   active=active)
            for pk, method, multibase, key_file, active in (r[8:] for r in rows) if pk is not None]
    return api_key, organisation, keys


def organisation_id_by_did(session: Session, did: str) -> str | None:
    """The id of the organisation whose DID is ``did``."""
    return session.scalar(select(Organisation.id).where(Organisation.did == did))


def organisation_id_by_name(session: Session, name: str) -> str | None:
    """The id of an organisation named ``name``."""
    return session.scalar(select(Organisation.id).where(Organisation.name == name))


def organisation_ids(session: Session) -> list[str]:
    """Every organisation's id, oldest first."""
    return list(session.scalars(select(Organisation.id).order_by(Organisation.created_at)))


def organisation_ids_matching(session: Session, ref: str) -> list[str]:
    """The ids of the organisations whose id, name or DID is ``ref``, oldest first."""
    return list(session.scalars(select(Organisation.id).where(
        (Organisation.id == ref) | (Organisation.name == ref) | (Organisation.did == ref)
    ).order_by(Organisation.created_at)))


def org_keys(session: Session, org_id: str) -> list[OrgKey]:
    """The organisation's signing keys, oldest first."""
    return list(session.scalars(select(OrgKey).where(OrgKey.org_id == org_id).order_by(OrgKey.id)))


def org_with_keys(session: Session, org_id: str) -> tuple[Organisation | None, list[OrgKey]]:
    """The organisation's row (None: no such organisation) and its signing keys, oldest first."""
    org = session.get(Organisation, org_id)
    return org, ([] if org is None else org_keys(session, org_id))


def org_key_by_file(session: Session, key_file: str) -> int | None:
    """The id of the organisation key kept in ``key_file``."""
    return session.scalar(select(OrgKey.id).where(OrgKey.key_file == key_file))


# -- issued credentials --------------------------------------------------------------------------

def credential_for_update(session: Session, credential_id: str, org_id: str | None = None) -> IssuedCredential | None:
    """The row of an issued (or reserved) credential, locked (of ``org_id`` when given)."""
    query = select(IssuedCredential).where(IssuedCredential.credential_id == credential_id)
    if org_id is not None:
        query = query.where(IssuedCredential.org_id == org_id)
    return session.scalar(query.with_for_update())


_PROBE_ID: Final = {
    dialect: dialect.insert(IssuedCredential.__table__).on_conflict_do_nothing(index_elements=["credential_id"])
    .returning(IssuedCredential.__table__.c.id) for dialect in (postgresql, sqlite)}


def credential_id_free(session: Session, credential_id: str, org_id: str) -> bool:
    """Whether no credential row (issued or reserved) holds ``credential_id``, asked of its unique index: a row another
    transaction is inserting right now is waited for (a look-up would not see it), and a reservation of the id that
    starts before this transaction ends waits for it, then finds what it committed (``Exchanges.create``: an offer
    and a direct issue of one id at one instant). The row it tries is removed again: nothing is left behind."""
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    probe = session.execute(_PROBE_ID[dialect], {"credential_id": credential_id, "org_id": org_id, "types": "[]",
                                                 "state": "pending"}).first()
    if probe is None:
        return False
    session.execute(delete(IssuedCredential).where(IssuedCredential.id == probe[0]).execution_options(
        synchronize_session=False))
    return True


_INSERT_OFFER: Final = {
    dialect: dialect.insert(ClaimOffer.__table__).on_conflict_do_nothing(index_elements=["reserved_id"])
    .returning(ClaimOffer.__table__.c.id) for dialect in (postgresql, sqlite)}
"""Insert an offer unless another one holds its credential id: the unique index decides (also on PostgreSQL between
two offers made at once: the second waits for the first's transaction, then inserts nothing)."""


def add_offer(session: Session, offer: ClaimOffer, now: dt.datetime) -> bool:
    """Insert ``offer``, holding the credential id it names (``reserved_id``) against every other offer of it; False
    (nothing inserted) when another offer holds that id and has not expired. An expired offer's hold is released
    first; a claimed offer's was released by its claim, and the credential then holds the id."""
    if offer.reserved_id is not None:
        session.execute(update(ClaimOffer)
                        .where(ClaimOffer.reserved_id == offer.reserved_id, ClaimOffer.expires_at <= now)
                        .values(reserved_id=None).execution_options(synchronize_session=False))
    values = {column.key: getattr(offer, column.key) for column in ClaimOffer.__table__.columns
              if getattr(offer, column.key) is not None}
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    return session.execute(_INSERT_OFFER[dialect], values).first() is not None


def withdraw_offer(session: Session, offer_id: str, now: dt.datetime) -> bool:
    """End the claim offer ``offer_id`` unclaimed: an open one expires at ``now`` and holds its credential id no more
    (its link then answers ``offer_expired``). False, and nothing changed, when it has been claimed (also while its
    claim is under way: ``used_at``), so a claim and a withdrawal at once never both go through."""
    session.execute(update(ClaimOffer)
                    .where(ClaimOffer.id == offer_id, ClaimOffer.used_at.is_(None), ClaimOffer.expires_at > now)
                    .values(expires_at=now, reserved_id=None).execution_options(synchronize_session=False))
    return session.scalar(select(ClaimOffer.used_at).where(ClaimOffer.id == offer_id)) is None


def issued_matching(session: Session, ref: str, org_id: str | None = None) -> list[IssuedCredential]:
    """The issued credentials (not ``pending``; of ``org_id`` when given) whose id is ``ref``, else whose
    batch row key is ``ref`` (``TYPE/KEY``), else whose row key ends in ``/ref`` (the bare key)."""
    query = select(IssuedCredential).where(IssuedCredential.state != "pending")
    if org_id is not None:
        query = query.where(IssuedCredential.org_id == org_id)
    return list(session.scalars(query.where(IssuedCredential.credential_id == ref)).all() or
                session.scalars(query.where(IssuedCredential.row_key == ref)).all() or
                session.scalars(query.where(_bare_key(IssuedCredential.row_key, ref))).all())


def open_offer(session: Session, ref: str, now: dt.datetime, org_id: str | None = None) -> list[Any]:
    """The open claim offers (``batch --offers``, not claimed, not expired; of ``org_id`` when given) of the batch row
    key ``ref`` (``TYPE/KEY``, or the bare key as ``issued_matching`` takes it, which may fit one of each type and
    organisation): rows of their ``id``, ``org_id``, ``row_key`` and ``expires_at`` (as stored: naive from SQLite)."""
    query = select(ClaimOffer.id, ClaimOffer.org_id, ClaimOffer.row_key, ClaimOffer.expires_at).where(
        ClaimOffer.reserved_id.is_not(None), ClaimOffer.expires_at > now).order_by(ClaimOffer.row_key, ClaimOffer.id)
    if org_id is not None:
        query = query.where(ClaimOffer.org_id == org_id)
    return list(session.execute(query.where(ClaimOffer.row_key == ref)).all() or
                session.execute(query.where(_bare_key(ClaimOffer.row_key, ref))).all())


def open_offer_keys(session: Session, org_id: str, kind: str, now: dt.datetime) -> list[str]:
    """The row keys (``TYPE/KEY``) of ``org_id``'s open claim offers of credential type ``kind``, sorted."""
    return sorted(session.scalars(select(ClaimOffer.row_key).where(
        ClaimOffer.org_id == org_id, ClaimOffer.row_key.like(f"{_escaped(kind)}/%", escape="\\"),
        ClaimOffer.reserved_id.is_not(None), ClaimOffer.expires_at > now)))


def _bare_key(column: Any, key: str) -> Any:
    """A stored row key (``TYPE/KEY``) whose key is ``key`` as the CSV has it (``LIKE '%/key'``, escaped)."""
    return column.like(f"%/{_escaped(key)}", escape="\\")


def _escaped(text: str) -> str:
    """``text`` as a literal part of a ``LIKE`` pattern (escape character ``\\``)."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


# -- status lists --------------------------------------------------------------------------------

def _lists(org_id: str | None, seq: int | None = None, purpose: str | None = None) -> Any:
    """A query for status list rows, narrowed by organisation, number and purpose when given."""
    query = select(StatusListCredential).join(StatusList, StatusList.id == StatusListCredential.list_id)
    if org_id is not None:
        query = query.where(StatusList.org_id == org_id)
    if seq is not None:
        query = query.where(StatusList.seq == seq)
    if purpose is not None:
        query = query.where(StatusListCredential.purpose == purpose)
    return query


def status_list_for_update(session: Session, org_id: str, seq: int, purpose: str) -> StatusListCredential | None:
    """The status list of ``purpose`` in the organisation's pair ``seq``, locked."""
    found: StatusListCredential | None = session.scalar(_lists(org_id, seq, purpose).with_for_update())
    return found


def status_lists(session: Session, org_id: str | None, seq: int | None = None,
                 purpose: str | None = None) -> list[StatusListCredential]:
    """Status list rows, narrowed by organisation, number and purpose when given."""
    return list(session.scalars(_lists(org_id, seq, purpose)))


def status_list_documents(session: Session, org_id: str | None = None) -> dict[str, str]:
    """Every signed status list credential's JSON text (of one organisation when given), by URL."""
    query = select(StatusListCredential.url, StatusListCredential.document).join(
        StatusList, StatusList.id == StatusListCredential.list_id)
    if org_id is not None:
        query = query.where(StatusList.org_id == org_id)
    return {url: text for url, text in session.execute(query).all()}


def stale_status_lists(session: Session, before: dt.datetime, org_id: str | None, seq: int | None = None,
                       purpose: str | None = None) -> list[tuple[int, str]]:
    """The status lists unchanged since ``before``: (row id, organisation id)."""
    query = _lists(org_id, seq, purpose).where(StatusListCredential.updated_at < before).add_columns(StatusList.org_id)
    return [(row.id, owner) for row, owner in session.execute(query).all()]


# -- audit log -----------------------------------------------------------------------------------

def audit_events(session: Session, *, org_id: str | None, action: str | None, limit: int) -> list[AuditEvent]:
    """The latest ``limit`` events, newest first (of one organisation and/or one action when given)."""
    query = select(AuditEvent).order_by(AuditEvent.id.desc()).limit(limit)
    if org_id is not None:
        query = query.where(AuditEvent.org_id == org_id)
    if action is not None:
        query = query.where(AuditEvent.action == action)
    return list(session.scalars(query))
