"""Status list bookkeeping in the store: random index allocation, status changes, re-signing.

Usage::

    row = reserve(session, settings, org_id=.., org_did=.., publish=.., credential_id=cid, types=[...])  # pending
    credential["credentialStatus"] = entries(settings, row)                      # revocation + suspension
    slots = BulkReserver(settings, org_id=.., org_did=.., publish=..).reserve(session, pending)  # a batch at once
    change(session, org_id=.., org_did=.., actor=.., publish=.., row=row, action="revoke")  # bit set, re-signed

Each organisation has numbered list pairs (revocation and suspension share one index space) of
``Settings.status_list_size`` (>= 131,072) entries. An index is drawn at random and made unique
by a database constraint (a clash is retried in a savepoint), so it is never used twice, also
under concurrent requests on PostgreSQL. A pair is filled to three quarters, then the next starts.
"""

from __future__ import annotations

import datetime as dt
import json
import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Final

from sqlalchemy import CursorResult, func, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from skillspas.issuer import audit
from skillspas.issuer.settings import Settings
from skillspas.issuer.status_lists import set_status, status_list_credential
from skillspas.issuer.store.models import IssuedCredential, StatusList, StatusListCredential
from skillspas.keys.verification_method import format_datetime
from skillspas.schemas.errors import ErrorCode, SkillspasError, error_for

__all__ = [
    "PURPOSES",
    "ACTIONS",
    "Publisher",
    "reserve",
    "taken",
    "STALE_PENDING",
    "Pending",
    "Slot",
    "BulkReserver",
    "entries",
    "slot_entries",
    "change",
    "list_url",
    "refresh",
]

PURPOSES: Final = ("revocation", "suspension")
ACTIONS: Final = ("revoke", "suspend", "reinstate")
_FILL: Final = 0.75
_MAX_TRIES: Final = 200
STALE_PENDING: Final = dt.timedelta(seconds=60)
"""A single issue's ``pending`` row older than this was left by a crash: its signature takes milliseconds."""

Publisher = Callable[[dict[str, Any]], dict[str, Any]]
"""Signs an unsigned status list credential as the organisation (``org_signing.sign_as``)."""


def list_url(settings: Settings, org_id: str, seq: int, purpose: str) -> str:
    """Where the status list credential of ``purpose`` in pair ``seq`` is served; every URL signed into
    a credential or status list is made here, so ``public_url_required`` refuses a non-public base."""
    return f"{settings.signing_base_url()}/status/{org_id}/{seq}/{purpose}"


def _signed(publish: Publisher, unsigned: dict[str, Any]) -> str:
    """Sign a status list credential as the organisation; return it as compact JSON text."""
    return json.dumps(publish(unsigned), separators=(",", ":"), ensure_ascii=False)


def _new_pair(session: Session, settings: Settings, org_id: str, org_did: str, seq: int, publish: Publisher) -> None:
    """Create list pair ``seq`` with empty, signed lists (a concurrent creator wins quietly)."""
    try:
        with session.begin_nested():
            pair = StatusList(org_id=org_id, seq=seq, size=settings.status_list_size, allocated=0)
            session.add(pair)
            session.flush()
            for purpose in PURPOSES:
                url = list_url(settings, org_id, seq, purpose)
                unsigned = status_list_credential(url, issuer=org_did, purpose=purpose, length=settings.status_list_size)
                session.add(StatusListCredential(
                    list_id=pair.id, purpose=purpose, url=url, version=1, document=_signed(publish, unsigned),
                ))
            session.flush()
    except IntegrityError:
        pass  # another request created this pair first; use theirs


@dataclass(frozen=True)
class _Pair:
    seq: int
    size: int


def _claims(
    session: Session, settings: Settings, org_id: str, org_did: str, publish: Publisher, count: int
) -> list[tuple[_Pair, int]]:
    """Count ``count`` more credentials against the current pair, starting the next ones as they fill up."""
    claims: list[tuple[_Pair, int]] = []
    tries = 0
    while count > 0:
        tries += 1
        if tries > _MAX_TRIES:  # pragma: no cover - needs 200 races in a row
            raise RuntimeError("could not claim a status list slot")
        pair = session.execute(
            select(StatusList.id, StatusList.seq, StatusList.size, StatusList.allocated)
            .where(StatusList.org_id == org_id).order_by(StatusList.seq.desc()).limit(1)
        ).first()
        if pair is None:
            _new_pair(session, settings, org_id, org_did, 1, publish)
            continue
        capacity = int(pair.size * _FILL)
        take = min(count, capacity - pair.allocated)
        if take <= 0:
            _new_pair(session, settings, org_id, org_did, pair.seq + 1, publish)
            continue
        claimed = session.execute(
            update(StatusList)
            .where(StatusList.id == pair.id, StatusList.allocated + take <= capacity)
            .values(allocated=StatusList.allocated + take)
            .execution_options(synchronize_session=False)
        )
        assert isinstance(claimed, CursorResult)  # an UPDATE: its result counts the rows
        if claimed.rowcount:
            claims.append((_Pair(pair.seq, pair.size), take))
            count -= take
    return claims


def reserve(
    session: Session,
    settings: Settings,
    *,
    org_id: str,
    org_did: str,
    publish: Publisher,
    credential_id: str,
    types: Sequence[str],
    purposes: Sequence[str] = PURPOSES,
) -> IssuedCredential:
    """Insert the ``pending`` row of a credential about to be signed, with a fresh random index.

    ``purposes`` are the status entries it will carry (none: no index is reserved)."""
    if any(p not in PURPOSES for p in purposes):
        raise ValueError(f"status purposes must be among {PURPOSES}")
    existing = session.scalar(
        select(IssuedCredential).where(IssuedCredential.credential_id == credential_id).with_for_update())
    if existing is not None:
        resumed = _take_over(session, existing, org_id=org_id, types=types, purposes=purposes)
        if resumed is not None:
            return resumed
    pair = _claims(session, settings, org_id, org_did, publish, 1)[0][0] if purposes else None
    for _ in range(_MAX_TRIES):
        row = IssuedCredential(
            credential_id=credential_id, org_id=org_id, types=json.dumps(list(types)), state="pending",
            status_seq=pair.seq if pair else None,
            status_index=secrets.randbelow(pair.size) if pair else None,
            status_purposes=" ".join(p for p in PURPOSES if p in purposes),
        )
        try:
            with session.begin_nested():
                session.add(row)
                session.flush()
            return row
        except IntegrityError:
            if session.scalar(select(IssuedCredential.id).where(IssuedCredential.credential_id == credential_id)):
                raise taken(credential_id) from None
            # Otherwise the random index was taken: draw again.
    raise RuntimeError("no free status index found")  # pragma: no cover - the pair is at most 3/4 full


def taken(credential_id: str) -> SkillspasError:
    """``duplicate_id``, worded the same whoever holds the id.

    Credential ids are global (one id names one credential; the store's column is unique), so a
    taken id must be refused; the answer neither says who holds it nor whether it was issued or is
    only reserved. Ids the service makes are random (urn:uuid v4), so no one finds another
    organisation's by trying."""
    return error_for(ErrorCode.DUPLICATE_ID, f"the credential id {credential_id!r} is taken: leave id out "
                     "and the service makes a new one", "/id")


def _take_over(
    session: Session, row: IssuedCredential, *, org_id: str, types: Sequence[str], purposes: Sequence[str],
) -> IssuedCredential | None:
    """A retry of a single issue that a crash left ``pending`` (same organisation, no batch row, older
    than ``STALE_PENDING``) completes that reservation: same id, same status index, so the index is
    never handed to another credential (None: it held no index and is gone). Any other row: ``taken``."""
    moment = row.updated_at if row.updated_at.tzinfo else row.updated_at.replace(tzinfo=dt.timezone.utc)
    now = dt.datetime.now(dt.timezone.utc)
    if row.state != "pending" or row.org_id != org_id or row.row_key is not None or now - moment < STALE_PENDING:
        raise taken(row.credential_id)
    if row.status_index is None:  # no index to keep out of use: reserve afresh
        session.delete(row)
        session.flush()
        return None
    # a retry without entries keeps the index too: reserved, never reused
    row.types = json.dumps(list(types))
    row.status_purposes = " ".join(p for p in PURPOSES if p in purposes)
    row.updated_at = now
    session.flush()
    return row


@dataclass(frozen=True)
class Pending:
    """A credential a batch is about to sign: what its ``pending`` row holds."""

    credential_id: str
    row_key: str
    types: Sequence[str]
    purposes: Sequence[str]


@dataclass(frozen=True)
class Slot:
    """A status index handed out (``seq`` and ``index`` are None without status entries)."""

    credential_id: str
    seq: int | None
    index: int | None
    purposes: tuple[str, ...]


class BulkReserver:
    """Reserves many ``pending`` rows in one statement: slots claimed per list pair, random indexes
    drawn in memory against those the pair already uses, all rows inserted with one executemany.

    The unique constraints still decide: when another request took an index (or a row key) in the
    meantime, the insert fails, the caller rolls back and calls again, and the indexes in use are
    read afresh. Within one run the indexes in use are read once per pair, not once per row.
    """

    def __init__(self, settings: Settings, *, org_id: str, org_did: str, publish: Publisher) -> None:
        self.settings = settings
        self.org_id = org_id
        self.org_did = org_did
        self.publish = publish
        self._used: dict[int, set[int]] = {}

    def forget(self) -> None:
        """Read the indexes in use again (after a failed insert)."""
        self._used.clear()

    def reserve(self, session: Session, wanted: Sequence[Pending]) -> list[Slot]:
        """Insert a ``pending`` row for each of ``wanted``; return their slots in the same order."""
        with_status = [w for w in wanted if w.purposes]
        indexes: list[tuple[int, int]] = []
        try:
            for pair, count in _claims(session, self.settings, self.org_id, self.org_did, self.publish, len(with_status)):
                used = self._in_use(session, pair.seq)
                for _ in range(count):
                    index = secrets.randbelow(pair.size)
                    while index in used:
                        index = secrets.randbelow(pair.size)
                    used.add(index)
                    indexes.append((pair.seq, index))
        except BaseException:
            self.forget()
            raise
        now = dt.datetime.now(dt.timezone.utc)
        slots, rows, draws = [], [], iter(indexes)
        for item in wanted:
            seq, at = next(draws) if item.purposes else (None, None)
            purposes = tuple(p for p in PURPOSES if p in item.purposes)
            slots.append(Slot(item.credential_id, seq, at, purposes))
            rows.append({"credential_id": item.credential_id, "org_id": self.org_id, "types": json.dumps(list(item.types)),
                         "state": "pending", "status_seq": seq, "status_index": at,
                         "status_purposes": " ".join(purposes), "row_key": item.row_key, "created_at": now,
                         "updated_at": now})
        if rows:
            try:
                session.execute(insert(IssuedCredential.__table__), rows)
            except IntegrityError:
                self.forget()
                raise
        return slots

    def _in_use(self, session: Session, seq: int) -> set[int]:
        used = self._used.get(seq)
        if used is None:
            used = {i for i in session.scalars(select(IssuedCredential.status_index).where(
                IssuedCredential.org_id == self.org_id, IssuedCredential.status_seq == seq)) if i is not None}
            self._used[seq] = used
        return used


def entries(settings: Settings, row: IssuedCredential) -> list[dict[str, Any]]:
    """The ``credentialStatus`` entries (revocation and/or suspension) for a reserved row."""
    return slot_entries(settings, row.org_id, row.status_seq, row.status_index, row.status_purposes.split())


def slot_entries(
    settings: Settings, org_id: str, seq: int | None, index: int | None, purposes: Sequence[str]
) -> list[dict[str, Any]]:
    """The ``credentialStatus`` entries for index ``index`` of list pair ``seq``, one per purpose."""
    if seq is None or index is None:
        return []
    result = []
    for purpose in purposes:
        url = list_url(settings, org_id, seq, purpose)
        result.append({
            "id": f"{url}#{index}",
            "type": "BitstringStatusListEntry",
            "statusPurpose": purpose,
            "statusListIndex": str(index),
            "statusListCredential": url,
        })
    return result


_TRANSITIONS: Final = {
    # action -> {from state: (to state, purpose, bit value)}
    "revoke": {"active": ("revoked", "revocation", True), "suspended": ("revoked", "revocation", True)},
    "suspend": {"active": ("suspended", "suspension", True)},
    "reinstate": {"suspended": ("active", "suspension", False)},
}
_NO_OP: Final = {"revoke": {"revoked"}, "suspend": {"suspended"}, "reinstate": {"active"}}


def change(
    session: Session, *, org_id: str, org_did: str, actor: str, publish: Publisher, row: IssuedCredential, action: str
) -> bool:
    """Apply ``action`` to an issued credential; return False when it was already in that state."""
    if action not in ACTIONS:
        raise ValueError(f"action must be one of {', '.join(ACTIONS)}")
    if row.status_seq is None or row.status_index is None:
        raise error_for(ErrorCode.NO_STATUS, path="/credentialId")
    if row.state in _NO_OP[action]:
        return False
    transition = _TRANSITIONS[action].get(row.state)
    if transition is None:
        raise error_for(
            ErrorCode.INVALID_STATUS_CHANGE, f"cannot {action} a credential that is {row.state}", "/credentialStatus"
        )
    state, purpose, value = transition
    if purpose not in row.status_purposes.split():
        raise error_for(ErrorCode.NO_STATUS, f"the credential has no {purpose} status entry", "/credentialId")
    lst = session.scalar(
        select(StatusListCredential)
        .join(StatusList, StatusList.id == StatusListCredential.list_id)
        .where(StatusList.org_id == org_id, StatusList.seq == row.status_seq, StatusListCredential.purpose == purpose)
        .with_for_update()
    )
    if lst is None:  # pragma: no cover - the pair is created before any index in it is handed out
        raise error_for(ErrorCode.NOT_FOUND, "the credential's status list is missing")
    now = dt.datetime.now(dt.timezone.utc)
    lst.document = _signed(publish, set_status(json.loads(lst.document), row.status_index, value, now=now))
    lst.version += 1
    lst.updated_at = now
    previous = row.state
    row.state = state
    row.updated_at = lst.updated_at
    audit.record(session, org_id=org_id, actor=actor, action=f"credential.{action}", target=row.credential_id,
                 detail={"from": previous, "to": state, "list": lst.url, "index": row.status_index})
    return True


def refresh(session: Session, lst: StatusListCredential, publish: Publisher, now: dt.datetime) -> None:
    """Re-sign an unchanged list with a new ``validFrom``, so verifiers do not find it stale."""
    unsigned = json.loads(lst.document)
    unsigned.pop("proof", None)
    unsigned["validFrom"] = format_datetime(now)
    lst.document = _signed(publish, unsigned)
    lst.version += 1
    lst.updated_at = now


def allocated_count(session: Session, org_id: str) -> int:
    """How many status indexes the organisation has handed out (for reports and tests)."""
    return int(session.scalar(select(func.count(IssuedCredential.id)).where(
        IssuedCredential.org_id == org_id, IssuedCredential.status_index.is_not(None))) or 0)
