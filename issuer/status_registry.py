"""Status list bookkeeping in the store: random index allocation, status changes, re-signing.

Usage::

    row = reserve(session, settings, org, publish, credential_id=cid, types=[...])   # pending row
    credential["credentialStatus"] = entries(row, lists)                        # revocation + suspension
    change(session, org, publish, row, "revoke")                                # bit set, list re-signed

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
from typing import Any, Final

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from skillspas.issuer import audit
from skillspas.issuer.problems import ProblemCode, ServiceProblem
from skillspas.issuer.settings import Settings
from skillspas.issuer.status_lists import set_status, status_list_credential
from skillspas.issuer.store.models import IssuedCredential, StatusList, StatusListCredential
from skillspas.keys.verification_method import format_datetime

__all__ = [
    "PURPOSES",
    "ACTIONS",
    "Publisher",
    "reserve",
    "entries",
    "change",
    "list_url",
    "refresh",
]

PURPOSES: Final = ("revocation", "suspension")
ACTIONS: Final = ("revoke", "suspend", "reinstate")
_FILL: Final = 0.75
_MAX_TRIES: Final = 200

Publisher = Callable[[dict[str, Any]], dict[str, Any]]
"""Signs an unsigned status list credential as the organisation (``OrgSigner.sign``)."""


def list_url(settings: Settings, org_id: str, seq: int, purpose: str) -> str:
    """Where the status list credential of ``purpose`` in pair ``seq`` is served."""
    return f"{settings.base_url}/status/{org_id}/{seq}/{purpose}"


def _signed(publish: Publisher, unsigned: dict[str, Any]) -> str:
    """Sign a status list credential as the organisation; return it as compact JSON text."""
    return json.dumps(publish(unsigned), separators=(",", ":"), ensure_ascii=False)


def _current_pair(session: Session, org_id: str) -> StatusList | None:
    return session.scalar(
        select(StatusList).where(StatusList.org_id == org_id).order_by(StatusList.seq.desc()).limit(1)
    )


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


def _claim_slot(session: Session, settings: Settings, org_id: str, org_did: str, publish: Publisher) -> StatusList:
    """Count one more credential against the current pair (starting the next one when full)."""
    for _ in range(_MAX_TRIES):
        pair = _current_pair(session, org_id)
        if pair is None:
            _new_pair(session, settings, org_id, org_did, 1, publish)
            continue
        capacity = int(pair.size * _FILL)
        claimed = session.execute(
            update(StatusList)
            .where(StatusList.id == pair.id, StatusList.allocated < capacity)
            .values(allocated=StatusList.allocated + 1)
        ).rowcount
        if claimed:
            return pair
        _new_pair(session, settings, org_id, org_did, pair.seq + 1, publish)
    raise RuntimeError("could not claim a status list slot")  # pragma: no cover - needs 200 races in a row


def reserve(
    session: Session,
    settings: Settings,
    *,
    org_id: str,
    org_did: str,
    publish: Publisher,
    credential_id: str,
    types: Sequence[str],
    row_key: str | None = None,
    purposes: Sequence[str] = PURPOSES,
) -> IssuedCredential:
    """Insert the ``pending`` row of a credential about to be signed, with a fresh random index.

    ``purposes`` are the status entries it will carry (none: no index is reserved)."""
    if any(p not in PURPOSES for p in purposes):
        raise ValueError(f"status purposes must be among {PURPOSES}")
    if session.scalar(select(IssuedCredential.id).where(IssuedCredential.credential_id == credential_id)):
        raise ServiceProblem(ProblemCode.DUPLICATE_ID, f"credential {credential_id!r} was issued before", "/id")
    pair = _claim_slot(session, settings, org_id, org_did, publish) if purposes else None
    for _ in range(_MAX_TRIES):
        row = IssuedCredential(
            credential_id=credential_id, org_id=org_id, types=json.dumps(list(types)), state="pending",
            status_seq=pair.seq if pair else None,
            status_index=secrets.randbelow(pair.size) if pair else None,
            status_purposes=" ".join(p for p in PURPOSES if p in purposes),
            row_key=row_key,
        )
        try:
            with session.begin_nested():
                session.add(row)
                session.flush()
            return row
        except IntegrityError:
            if session.scalar(select(IssuedCredential.id).where(IssuedCredential.credential_id == credential_id)):
                raise ServiceProblem(ProblemCode.DUPLICATE_ID, f"credential {credential_id!r} was issued before", "/id") from None
            if row_key is not None and session.scalar(select(IssuedCredential.id).where(
                    IssuedCredential.org_id == org_id, IssuedCredential.row_key == row_key)):
                raise ServiceProblem(ProblemCode.DUPLICATE_ID, f"row key {row_key!r} was issued before", "/rowKey") from None
            # Otherwise the random index was taken: draw again.
    raise RuntimeError("no free status index found")  # pragma: no cover - the pair is at most 3/4 full


def entries(settings: Settings, row: IssuedCredential) -> list[dict[str, Any]]:
    """The ``credentialStatus`` entries (revocation and/or suspension) for a reserved row."""
    if row.status_seq is None or row.status_index is None:
        return []
    result = []
    for purpose in row.status_purposes.split():
        url = list_url(settings, row.org_id, row.status_seq, purpose)
        result.append({
            "id": f"{url}#{row.status_index}",
            "type": "BitstringStatusListEntry",
            "statusPurpose": purpose,
            "statusListIndex": str(row.status_index),
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
        raise ServiceProblem(ProblemCode.NO_STATUS, path="/credentialId")
    if row.state in _NO_OP[action]:
        return False
    transition = _TRANSITIONS[action].get(row.state)
    if transition is None:
        raise ServiceProblem(
            ProblemCode.INVALID_STATUS_CHANGE, f"cannot {action} a credential that is {row.state}", "/credentialStatus"
        )
    state, purpose, value = transition
    if purpose not in row.status_purposes.split():
        raise ServiceProblem(ProblemCode.NO_STATUS, f"the credential has no {purpose} status entry", "/credentialId")
    lst = session.scalar(
        select(StatusListCredential)
        .join(StatusList, StatusList.id == StatusListCredential.list_id)
        .where(StatusList.org_id == org_id, StatusList.seq == row.status_seq, StatusListCredential.purpose == purpose)
        .with_for_update()
    )
    if lst is None:  # pragma: no cover - the pair is created before any index in it is handed out
        raise ServiceProblem(ProblemCode.NOT_FOUND, "the credential's status list is missing")
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
