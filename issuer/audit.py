"""The audit log: who issued, revoked, suspended or reinstated what, and when (append-only).

Usage::

    with store.transaction() as session:
        audit.record(session, org_id=org.id, actor=org.actor, action="credential.issue", target=cid)
    events = audit.events(store, org_id=org.id, limit=50)

An event is written in the same transaction as the change it records, so neither exists without
the other. Details never hold personal data or key material: ids, types, indexes only.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from skillspas.issuer.store import queries
from skillspas.issuer.store.models import AuditEvent

if TYPE_CHECKING:
    from skillspas.issuer.store import Session, Store

__all__ = ["Event", "record", "events"]


@dataclass(frozen=True)
class Event:
    """One audit log entry."""

    at: dt.datetime
    org_id: str | None
    actor: str
    action: str
    target: str | None
    detail: dict[str, Any]

    def to_json(self) -> dict[str, Any]:
        """The entry as JSON."""
        at = self.at if self.at.tzinfo else self.at.replace(tzinfo=dt.timezone.utc)
        return {
            "at": at.astimezone(dt.timezone.utc).isoformat().replace("+00:00", "Z"),
            "orgId": self.org_id,
            "actor": self.actor,
            "action": self.action,
            "target": self.target,
            "detail": self.detail,
        }


def record(
    session: Session,
    *,
    org_id: str | None,
    actor: str,
    action: str,
    target: str | None = None,
    detail: dict[str, Any] | None = None,
) -> None:
    """Add one event to the current transaction."""
    session.add(AuditEvent(org_id=org_id, actor=actor, action=action, target=target,
                           detail=json.dumps(detail or {}, sort_keys=True)))


def events(store: Store, *, org_id: str | None = None, action: str | None = None, limit: int = 100) -> list[Event]:
    """The latest events, newest first (of one organisation and/or one action when given)."""
    with store.transaction() as session:
        rows = queries.audit_events(session, org_id=org_id, action=action, limit=max(1, min(limit, 1000)))
    return [Event(r.at, r.org_id, r.actor, r.action, r.target, json.loads(r.detail)) for r in rows]
