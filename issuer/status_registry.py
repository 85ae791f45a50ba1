"""Status list bookkeeping in the store: random index allocation, status changes, re-signing.

Usage::

    credential["credentialStatus"] = slot_entries(settings, org_id, seq, index, purposes)  # revocation + suspension
    change(session, org_id=.., org_did=.., actor=.., publish=.., row=row, action="revoke")  # bit set, re-signed

Each organisation has numbered list pairs (revocation and suspension share one index space) of
``Settings.status_list_size`` (>= 131,072) entries; ``skillspas.issuer.store.issuance`` reserves
the random indexes (one lifecycle for a single credential and a batch).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Sequence
from typing import Any, Final

from skillspas.issuer import audit
from skillspas.issuer.settings import Settings
from skillspas.issuer.status_lists import set_status
from skillspas.issuer.store import Session, queries
from skillspas.issuer.store.models import IssuedCredential, StatusListCredential
from skillspas.keys.verification_method import format_datetime
from skillspas.schemas.errors import ErrorCode, SkillspasError, error_for, localized_error

__all__ = [
    "PURPOSES",
    "ACTIONS",
    "Publisher",
    "signed_text",
    "taken",
    "STALE_PENDING",
    "slot_entries",
    "change",
    "list_url",
    "refresh",
]

PURPOSES: Final = ("revocation", "suspension")
ACTIONS: Final = ("revoke", "suspend", "reinstate")
STALE_PENDING: Final = dt.timedelta(seconds=60)
"""A single issue's ``pending`` row older than this was left by a crash: its signature takes milliseconds."""

Publisher = Callable[[dict[str, Any]], dict[str, Any]]
"""Signs an unsigned status list credential as the organisation (``org_signing.sign_as``)."""


def list_url(settings: Settings, org_id: str, seq: int, purpose: str) -> str:
    """Where the status list credential of ``purpose`` in pair ``seq`` is served; every URL signed into
    a credential or status list is made here, so ``public_url_required`` refuses a non-public base."""
    return f"{settings.signing_base_url()}/status/{org_id}/{seq}/{purpose}"


def signed_text(publish: Publisher, unsigned: dict[str, Any]) -> str:
    """Sign a status list credential as the organisation; return it as compact JSON text."""
    return json.dumps(publish(unsigned), separators=(",", ":"), ensure_ascii=False)


def taken(credential_id: str, *, offered: bool = False) -> SkillspasError:
    """``duplicate_id``, worded the same whoever holds the id; ``offered``: an open claim offer holds it.

    Credential ids are global (one id names one credential; the store's column is unique), so a
    taken id must be refused; the answer neither says who holds it nor whether it was issued or is
    only reserved. Ids the service makes are random (urn:uuid v4), so no one finds another
    organisation's by trying. An id an open claim offer holds (one its maker chose) is said to be
    so, since it is free again if the offer expires unclaimed: of whose offer, it does not say."""
    if offered:
        return localized_error(
            ErrorCode.DUPLICATE_ID, path="/id",
            en=f"the credential id {credential_id!r} is held by an open claim offer: it is issued to whoever claims "
               "it (and free again if the offer expires unclaimed); leave id out and the service makes a new one",
            nl=f"Bewijsstuk-id {credential_id!r} is gereserveerd voor een open ophaalaanbod: het wordt uitgegeven aan "
               "wie het ophaalt (en is weer vrij als het aanbod ongebruikt verloopt); laat de id weg, dan maakt de "
               "dienst een nieuwe.")
    # Worded the same whoever holds the id (it must not tell that another organisation did: no "issued by").
    return error_for(ErrorCode.DUPLICATE_ID, f"the credential id {credential_id!r} is taken (a retried request is "
                     "refused here, so nothing is made twice); for a new credential, leave id out and the service "
                     "makes one", "/id",
                     nl=f"bewijsstuk-id {credential_id!r} is al in gebruik (een opnieuw gestuurd verzoek wordt hier "
                        "geweigerd, dus er wordt niets twee keer gemaakt); voor een nieuw bewijsstuk: laat de id weg, "
                        "dan maakt de dienst er een")


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
_PURPOSES_NL: Final = {"revocation": ("intrekking", "ingetrokken"), "suspension": ("schorsing", "geschorst")}
"""A status purpose in Dutch, and what it does to a credential."""
_NO_OP: Final = {"revoke": {"revoked"}, "suspend": {"suspended"}, "reinstate": {"active"}}
_STATES_NL: Final = {"active": "geldig", "revoked": "ingetrokken", "suspended": "geschorst"}
_ACTIONS_NL: Final = {"revoke": "ingetrokken worden", "suspend": "geschorst worden", "reinstate": "weer geldig worden"}
"""For ``invalid_status_change`` in Dutch: a credential's states, and what an action would make of it."""


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
            ErrorCode.INVALID_STATUS_CHANGE, f"cannot {action} a credential that is {row.state}", "/credentialStatus",
            nl=f"een bewijsstuk dat {_STATES_NL.get(row.state, row.state)} is, kan niet {_ACTIONS_NL[action]}",
        )
    state, purpose, value = transition
    if purpose not in row.status_purposes.split():
        dutch, verb = _PURPOSES_NL[purpose]
        raise error_for(ErrorCode.NO_STATUS, f"the credential has no {purpose} status entry", "/credentialId",
                        nl=f"Dit bewijsstuk is uitgegeven zonder statusvermelding voor {dutch}, dus het kan niet "
                           f"worden {verb}.")
    lst = queries.status_list_for_update(session, org_id, row.status_seq, purpose)
    if lst is None:  # pragma: no cover - the pair is created before any index in it is handed out
        raise error_for(ErrorCode.NOT_FOUND, "the credential's status list is missing",
                        nl="de statuslijst van het bewijsstuk ontbreekt")
    now = dt.datetime.now(dt.timezone.utc)
    lst.document = signed_text(publish, set_status(json.loads(lst.document), row.status_index, value, now=now))
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
    lst.document = signed_text(publish, unsigned)
    lst.version += 1
    lst.updated_at = now
