"""One issuance lifecycle in the store: reserve status slots, (the caller signs), complete; for one
credential or a batch of 10,000 alike.

Usage::

    issuance = Issuance(store, settings, org_id=org.id, org_did=org.did, actor=org.actor, publish=publish)
    [slot] = issuance.reserve([Pending(cid, None, types, ("revocation",))])   # pending rows, committed
    credential["credentialStatus"] = slot_entries(settings, org.id, slot)     # status_registry
    done = issuance.complete([Done(cid, sha256, text, types, None)])          # pending -> active, audited
    issuance.release(cid)                                                      # a signature that failed

``reserve`` commits each credential's ``pending`` row (its id and random status index) before
anything is signed; ``complete`` marks the rows ``active`` with the hash of the signed credential
(and its JSON text, unless ``Settings.store_credentials == "hash"``) and audits each, in one
transaction. A crash in between leaves ``pending`` rows whose indexes are never handed to another
credential: a batch row's row is resumed by its row key, a single issue's by a retry with the same
id from the same organisation once it is older than ``STALE_PENDING``; anyone else gets ``taken``. An id
a claim offer holds (``ClaimOffer.reserved_id``: not expired, not yet issued by its claim, also while that claim
is under way) is ``taken`` too, saying so, for every reservation but that offer's own claim (``Issuance.offer``).
A reservation looks for such an offer once its row is in place (the one-statement reservation: when it completes),
so an offer made at the same instant, whose look at the id made the row wait (``queries.credential_id_free``),
is seen: one of the two wins.

Status indexes are drawn at random per list pair (``Settings.status_list_size`` entries, filled
to three quarters, then the next pair starts); the draws are checked against the pair in one query
and the unique constraint decides under concurrency (a clash rolls back and the reservation is
tried again). No ORM objects per row: Core statements, many rows each.
"""

from __future__ import annotations

import datetime as dt
import json
import secrets
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final, cast

from sqlalchemy import CursorResult, bindparam, delete, exists, func, insert, literal, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from skillspas.issuer.settings import Settings
from skillspas.issuer.status_lists import status_list_credential
from skillspas.issuer.status_registry import PURPOSES, STALE_PENDING, Publisher, list_url, signed_text, taken
from skillspas.issuer.store.engine import Store
from skillspas.issuer.store.queries import open_offer_keys
from skillspas.issuer.store.models import (
    ApiKey,
    AuditEvent,
    ClaimOffer,
    IssuedCredential,
    OrgKey,
    StatusList,
    StatusListCredential,
)
from skillspas.schemas.errors import ErrorCode, SkillspasError, error_for

__all__ = ["Issuance", "Pending", "Slot", "Done", "RowOffer", "allocated_count"]

FILL: Final = 0.75
"""A list pair takes new indexes until it is this full."""
_TRIES: Final = 200
_CHUNK: Final = 500
"""Keys or ids per ``IN (...)`` query."""
_FAST_DRAWS: Final = 8
"""Draws of a single reservation's index before it takes the general path (at three quarters full, 1 in 65,000)."""
_CREDENTIALS: Final = IssuedCredential.__table__
_AUDIT: Final = AuditEvent.__table__
_LISTS: Final = StatusList.__table__
_KEYS: Final = ApiKey.__table__
_SIGNING: Final = OrgKey.__table__
_OFFERS: Final = ClaimOffer.__table__
_C = _CREDENTIALS.c


# The one-credential statements, built once (building and keying a statement costs more than running it).
_CLAIM_ONE: Final = (
    update(_LISTS)
    .where(_LISTS.c.org_id == bindparam("b_org"), _LISTS.c.allocated + 1 <= _LISTS.c.size * bindparam("b_fill"),
           _LISTS.c.seq == select(func.max(_LISTS.c.seq)).where(_LISTS.c.org_id == bindparam("b_org")).scalar_subquery())
    .values(allocated=_LISTS.c.allocated + 1).returning(_LISTS.c.seq, _LISTS.c.size))
"""Count one more credential against the organisation's latest list pair, if it has room."""
_INSERT_ONE: Final = {dialect: dialect.insert(_CREDENTIALS).on_conflict_do_nothing().returning(_C.id)
                      for dialect in (postgresql, sqlite)}
"""Insert a row unless it clashes with one (its id, row key or index): the unique constraints decide."""
_INSERT_AUDIT: Final = insert(_AUDIT)
_ACTIVATE_ONE: Final = (
    update(_CREDENTIALS)
    .where(_C.credential_id == bindparam("b_id"), _C.org_id == bindparam("b_org"), _C.state == "pending")
    .values(state="active", sha256=bindparam("b_sha"), document=bindparam("b_doc"), row_digest=bindparam("b_digest"),
            updated_at=bindparam("b_at"))
    .returning(_C.status_seq, _C.status_index))


# The same on PostgreSQL as single autocommit statements (``Store.one_statement``): the claim and the
# insert in one, the activation and its audit event in one; a round trip each, no BEGIN or COMMIT. A parameter
# whose type PostgreSQL cannot take from its place carries a cast (asyncpg sends what the server infers).
_PENDING_COLUMNS: Final = ("INSERT INTO credentials (credential_id, org_id, types, state, status_seq, status_index, "
                           "status_purposes, row_key, created_at, updated_at) ")
_ACCESS_SQL: Final = (
    " AND EXISTS (SELECT 1 FROM api_keys WHERE id = %(api_key)s AND revoked_at IS NULL"
    " AND (expires_at IS NULL OR expires_at > %(at)s)) AND EXISTS (SELECT 1 FROM org_keys WHERE id = %(signing_key)s"
    " AND active)")
"""``Issuance.access`` holds: the API key is neither revoked nor expired, the signing key not rotated away."""
_HELD_SQL: Final = ("SELECT 1 FROM claim_offers WHERE reserved_id = %(id)s::varchar"
                    " AND id IS DISTINCT FROM %(offer)s::varchar AND expires_at > %(at)s")
"""A claim offer other than ``offer`` (the one this issuance claims) holds the id (``_offered``)."""
_UNOFFERED_SQL: Final = " AND NOT EXISTS (" + _HELD_SQL + ")"
"""No claim offer holds the id: else nothing is reserved here and the general path refuses it. (The cast: ``_PLACE``
names the id first in its select list, as text.)"""
_CLAIM_AND_PLACE: Final = {guard: (
    "WITH claim AS (UPDATE status_lists SET allocated = allocated + 1"
    " WHERE org_id = %(org)s AND allocated + 1 <= size * %(fill)s::float8"
    " AND seq = (SELECT max(seq) FROM status_lists WHERE org_id = %(org)s)"
    " AND NOT EXISTS (SELECT 1 FROM credentials WHERE credential_id = %(id)s)" + _UNOFFERED_SQL + guard +
    " RETURNING seq, size),"
    " placed AS (" + _PENDING_COLUMNS +
    "SELECT %(id)s, %(org)s, %(types)s, 'pending', seq, %(draw)s::bigint %% size, %(purposes)s, %(row_key)s, %(at)s, %(at)s"
    " FROM claim ON CONFLICT DO NOTHING RETURNING status_index)"
    " SELECT claim.seq, claim.size, placed.status_index FROM claim LEFT JOIN placed ON true") for guard in ("", _ACCESS_SQL)}
"""Count one more credential against the latest list pair (if it has room, the id is new, no open offer holds it
and, with the guard ``_ACCESS_SQL``, the access holds) and insert the ``pending`` row with the index ``draw mod
size`` unless it clashes: one row (index None: it clashed), or none."""
_PLACE: Final = {guard: (
    _PENDING_COLUMNS + "SELECT %(id)s, %(org)s, %(types)s, 'pending', %(seq)s::integer,"
    " (%(draw)s::bigint %% %(size)s::integer)::integer, %(purposes)s, %(row_key)s, %(at)s, %(at)s WHERE true" +
    _UNOFFERED_SQL + guard +
    " ON CONFLICT DO NOTHING RETURNING status_index") for guard in ("", _ACCESS_SQL)}
"""Insert a ``pending`` row (another draw after a clash, or no status entries) unless it clashes (or an open offer
holds the id, or the access does not hold)."""
_ACCESS: Final = select(literal(1)).where(
    exists().where(_KEYS.c.id == bindparam("b_key"), _KEYS.c.revoked_at.is_(None),
                   or_(_KEYS.c.expires_at.is_(None), _KEYS.c.expires_at > bindparam("b_at"))),
    exists().where(_SIGNING.c.id == bindparam("b_signing"), _SIGNING.c.active.is_(True)))
"""``_ACCESS_SQL`` in a transaction of the general path (and on SQLite)."""
_ACTIVATE_AND_AUDIT: Final = (
    "WITH done AS (UPDATE credentials SET state = 'active', sha256 = %(sha)s, document = %(doc)s, updated_at = %(at)s"
    " WHERE credential_id = %(id)s AND org_id IS NOT DISTINCT FROM %(org)s AND state = 'pending'"
    " AND status_seq IS NOT DISTINCT FROM %(seq)s::integer AND status_index IS NOT DISTINCT FROM %(index)s::integer"
    " AND NOT EXISTS (" + _HELD_SQL + ") RETURNING credential_id)"
    " INSERT INTO audit_log (at, org_id, actor, action, target, detail)"
    " SELECT %(at)s, %(org)s, %(actor)s, 'credential.issue', credential_id, %(detail)s FROM done RETURNING id")
"""Mark this reservation's ``pending`` row (its list and index) ``active`` and write its audit event, unless an open
claim offer holds its id (an offer made at the instant of a one-statement reservation, which cannot look again after
its insert waited for the offer: ``Issuance.complete_one`` then releases it). The row is
found through its unique id alone (``IS NOT DISTINCT FROM`` takes no index): PostgreSQL's generic plan for it
(``Store.on_loop``), made on a nearly empty table, chose the ``org_id`` index instead and, 30,000 rows later,
took 8.8 ms a run against 0.2."""
_DRAWS: Final = 1 << 62
"""A draw below this, ``mod size``: uniform for a power-of-two size, else off by at most size / 2**62."""


class _Busy(Exception):
    """The one-credential reservation met a row it cannot simply insert: roll back, take the general path."""


@dataclass(frozen=True)
class Pending:
    """A credential about to be signed: what its ``pending`` row holds (``row_key``: a batch row's)."""

    credential_id: str
    row_key: str | None
    types: Sequence[str]
    purposes: Sequence[str]


@dataclass(frozen=True)
class Slot:
    """What the store holds of one credential's row (``seq`` and ``index`` None: no status entries)."""

    credential_id: str
    seq: int | None
    index: int | None
    purposes: tuple[str, ...]
    state: str = "pending"
    sha256: str | None = None
    row_columns: Mapping[str, str | None] | None = None
    """What its batch row said when it was issued (``Done.row_digest`` read back: column -> hash, or None for a column
    no builder read); ``None``: not known (issued one by one, before digests were kept, or only hashes are kept)."""


@dataclass(frozen=True)
class Done:
    """A signed credential to complete: its hash, its compact JSON text, its types and batch row key."""

    credential_id: str
    sha256: str
    text: str
    types: Sequence[str]
    row_key: str | None = None
    row_digest: str | None = None
    """What the batch row said, column by column (``batch_worker.row_digest``), kept with the document."""


@dataclass(frozen=True)
class RowOffer:
    """The claim offer of a batch row (``ClaimOffer.row_key``): the one that holds the row's credential id now, else
    the newest. ``open``: it holds the id (not expired, not yet issued by its claim), so no second one is made."""

    offer_id: str
    """The offer's id in the store: the SHA-256 of its URL token."""
    expires: dt.datetime
    open: bool
    holder: str | None = None
    """The DID that claimed it (once claimed)."""
    credential_id: str | None = None
    link_kept: bool = False
    """Its link was kept before it was committed (``ClaimOffer.link_kept``): it exists in some folder."""
    row_columns: Mapping[str, str | None] | None = None
    """What its batch row said when it was made (``Slot.row_columns``)."""


@dataclass(frozen=True)
class _Pair:
    seq: int
    size: int


def _row_columns(text: str | None) -> dict[str, str | None] | None:
    """A ``row_digest`` this store wrote (``json.dumps`` of column -> hash or null), read back; None if there is none."""
    try:
        columns = json.loads(text) if text else None
    except ValueError:  # written by this code alone: a damaged one compares with nothing
        return None
    if not isinstance(columns, dict) or not all(v is None or isinstance(v, str) for v in columns.values()):
        return None
    return columns


def _chunks(items: Sequence[Any]) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), _CHUNK):
        yield items[start:start + _CHUNK]


def _purposes(wanted: Sequence[str]) -> tuple[str, ...]:
    if any(p not in PURPOSES for p in wanted):
        raise ValueError(f"status purposes must be among {PURPOSES}")
    return tuple(p for p in PURPOSES if p in wanted)


def _utc(moment: dt.datetime) -> dt.datetime:
    """SQLite hands back naive datetimes; they were stored as UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.timezone.utc)


def _offered(session: Session, ids: Sequence[str], now: dt.datetime, claiming: str | None = None) -> set[str]:
    """Those of ``ids`` that a claim offer holds (not expired, and not yet issued by its claim: also while the claim
    is under way), through its unique index; the offer ``claiming`` (the one being claimed) holds nothing against
    its own claim."""
    offers = _OFFERS.c
    own = offers.id != claiming if claiming is not None else literal(True)
    return {cid for chunk in _chunks(ids) for cid in session.scalars(select(offers.reserved_id).where(
        offers.reserved_id.in_(chunk), offers.expires_at > now, own))}


class Issuance:
    """The issuance lifecycle of one organisation: ``reserve`` -> (sign) -> ``complete`` or ``release``."""

    def __init__(self, store: Store, settings: Settings, *, org_id: str, org_did: str, actor: str,
                 publish: Publisher, transaction: Callable[[], Any] | None = None,
                 access: tuple[str, int] | None = None, offer: str | None = None) -> None:
        self.store = store
        self.settings = settings
        self.org_id = org_id
        self.org_did = org_did
        self.actor = actor
        self.publish = publish
        self.transaction = transaction or store.transaction
        """A transaction of ``store`` (the batch passes one that counts its time)."""
        self.access = access
        """The API key acting and the signing key (``Org.api_key``, ``Org.signing_key``): a reservation is only
        made while the key is neither revoked nor expired and the signing key still active (else
        ``unauthorized``, nothing reserved), checked in the reserving statement itself."""
        self.offer = offer
        """The claim offer (its id) this issuance issues, if any: the id it holds is held for this issuance alone."""

    # -- reserve -----------------------------------------------------------------------------

    def reserve(self, wanted: Sequence[Pending]) -> list[Slot]:
        """Commit a ``pending`` row with a fresh random index for each of ``wanted``; their slots in order.

        A row that holds the id already is resumed (same index) when it is this organisation's
        ``pending`` row of the same batch row key, or a single issue's left by a crash (older than
        ``STALE_PENDING``); else ``taken``. A clash with a concurrent reservation is retried.
        ``public_url_required`` before any index is reserved when the status URLs could not be public."""
        if any(w.purposes for w in wanted):
            self.settings.signing_base_url()
        if len(wanted) == 1:
            direct = self._reserve_direct(wanted[0])
            if direct is not None:
                return [direct]
            try:
                with self.transaction() as session:
                    self._check_access(session)
                    slot = self._reserve_one(session, wanted[0])
                if slot is not None:
                    return [slot]
            except (_Busy, IntegrityError):  # rolled back: the general path sorts it out
                pass
        for attempt in range(_TRIES):
            try:
                with self.transaction() as session:
                    self._check_access(session)
                    return self._reserve(session, wanted)
            except IntegrityError:  # another request took an index or an id in the meantime: read again
                if attempt == _TRIES - 1:
                    raise
        raise AssertionError("unreachable")  # pragma: no cover

    def _check_access(self, session: Session) -> None:
        """``unauthorized`` unless ``access`` holds (in the reserving transaction)."""
        if self.access is not None and session.execute(_ACCESS, {
                "b_key": self.access[0], "b_signing": self.access[1], "b_at": dt.datetime.now(dt.timezone.utc)}).first() is None:
            raise error_for(ErrorCode.UNAUTHORIZED, "the API key is not valid (revoked or expired), or the "
                            "organisation's signing key has changed",
                            nl="de API-sleutel is niet geldig (ingetrokken of verlopen), of de ondertekensleutel van "
                               "de organisatie is intussen vervangen")

    def _reserve(self, session: Session, wanted: Sequence[Pending]) -> list[Slot]:
        slots: dict[str, Slot] = {}
        ids = [w.credential_id for w in wanted]
        existing = {row.credential_id: row for chunk in _chunks(ids) for row in session.execute(
            select(_C.id, _C.credential_id, _C.org_id, _C.state, _C.row_key, _C.status_seq, _C.status_index,
                   _C.status_purposes, _C.sha256, _C.updated_at).where(_C.credential_id.in_(chunk)).with_for_update())}
        for item in wanted:
            row = existing.get(item.credential_id)
            if row is not None:
                resumed = self._resume(session, row, item)
                if resumed is not None:
                    slots[item.credential_id] = resumed
        fresh = [w for w in wanted if w.credential_id not in slots]
        now = dt.datetime.now(dt.timezone.utc)
        draws = iter(self._draw(session, sum(1 for w in fresh if w.purposes)))
        rows = []
        for item in fresh:
            seq, index = next(draws) if item.purposes else (None, None)
            purposes = _purposes(item.purposes)
            slots[item.credential_id] = Slot(item.credential_id, seq, index, purposes)
            rows.append({"credential_id": item.credential_id, "org_id": self.org_id, "types": json.dumps(list(item.types)),
                         "state": "pending", "status_seq": seq, "status_index": index,
                         "status_purposes": " ".join(purposes), "row_key": item.row_key, "created_at": now,
                         "updated_at": now})
        if rows:
            session.execute(insert(_CREDENTIALS), rows)
        # An open offer of an id refuses it, looked for once the rows are in place: an offer being made at this
        # instant is committed by now (its look at the id made these inserts wait: ``queries.credential_id_free``).
        offered = _offered(session, [w.credential_id for w in fresh], now, self.offer)
        if offered:
            raise taken(next(w.credential_id for w in fresh if w.credential_id in offered), offered=True)
        return [slots[w.credential_id] for w in wanted]

    def _reserve_one(self, session: Session, item: Pending) -> Slot | None:
        """The common case in three statements: see that no open offer holds the id, count one more against the
        current list pair, insert the ``pending`` row with a fresh random index. None when the pair is full or missing
        (nothing changed); ``_Busy`` (roll back) when the id is held already (by a row or an open offer) or the draws
        keep meeting indexes in use. The unique constraints decide, as in the general path: a row is only inserted
        where none clashes."""
        purposes = _purposes(item.purposes)
        now = dt.datetime.now(dt.timezone.utc)
        if _offered(session, [item.credential_id], now, self.offer):
            raise _Busy  # an open offer holds the id: refused in the general path
        seq: int | None = None
        size = 0
        if purposes:
            pair = session.execute(_CLAIM_ONE, {"b_org": self.org_id, "b_fill": FILL}).first()
            if pair is None:
                return None
            seq, size = pair.seq, pair.size
        statement = _INSERT_ONE[postgresql if self.store.is_postgres else sqlite]
        row = {"credential_id": item.credential_id, "org_id": self.org_id, "types": json.dumps(list(item.types)),
               "state": "pending", "status_seq": seq, "status_purposes": " ".join(purposes), "row_key": item.row_key,
               "created_at": now, "updated_at": now}
        for _ in range(_FAST_DRAWS if purposes else 1):
            index = secrets.randbelow(size) if purposes else None
            inserted = session.execute(statement, {**row, "status_index": index}).first()
            # An offer made at this instant (its look at the id made the insert wait): refused in the general path.
            # (SQLite runs one writing transaction at a time: the look before the insert saw it already.)
            if inserted is not None and self.store.is_postgres and _offered(session, [item.credential_id], now, self.offer):
                raise _Busy
            if inserted is not None:
                return Slot(item.credential_id, seq, index, purposes)
            if session.scalar(select(_C.id).where(_C.credential_id == item.credential_id)) is not None:
                break  # the id is held: resume or refuse, in the general path
        raise _Busy

    def _reserve_direct(self, item: Pending) -> Slot | None:
        """``_reserve_one`` in one autocommit statement on PostgreSQL (another per clash of the draw); None
        when not run (SQLite, no ``checkout``), the pair is full or missing, the id is held or the draws keep
        clashing: the transactional paths sort those out (after a claim here the pair fills a little sooner)."""
        purposes = _purposes(item.purposes)
        params: dict[str, Any] = {
            "id": item.credential_id, "org": self.org_id, "types": json.dumps(list(item.types)),
            "purposes": " ".join(purposes), "row_key": item.row_key, "at": dt.datetime.now(dt.timezone.utc),
            "offer": self.offer}
        guard = ""
        if self.access is not None:
            guard = _ACCESS_SQL
            params["api_key"], params["signing_key"] = self.access
        if not purposes:
            placed = self.store.one_statement(_PLACE[guard], {**params, "seq": None, "size": None, "draw": None})
            return Slot(item.credential_id, None, None, purposes) if placed else None
        claimed = self.store.one_statement(_CLAIM_AND_PLACE[guard], {**params, "fill": FILL,
                                                                     "draw": secrets.randbelow(_DRAWS)})
        if not claimed:
            return None
        seq, size, index = claimed[0]
        for _ in range(_FAST_DRAWS - 1):
            if index is not None:
                return Slot(item.credential_id, seq, index, purposes)
            placed = self.store.one_statement(_PLACE[guard], {**params, "seq": seq, "size": size,
                                                              "draw": secrets.randbelow(_DRAWS)})
            index = placed[0][0] if placed else None
        return None if index is None else Slot(item.credential_id, seq, index, purposes)

    def _resume(self, session: Session, row: Any, item: Pending) -> Slot | None:
        """The slot of a ``pending`` row this reservation may resume (None: it held no index and is
        gone, reserve afresh); ``taken`` for any other row."""
        if row.org_id != self.org_id or row.row_key != item.row_key:
            raise taken(item.credential_id)
        if item.row_key is not None:  # a batch row reserved (or issued) by an earlier or concurrent run of the batch
            return Slot(item.credential_id, row.status_seq, row.status_index, tuple(row.status_purposes.split()),
                        row.state, row.sha256)
        if row.state != "pending":
            raise taken(item.credential_id)
        purposes = _purposes(item.purposes)
        now = dt.datetime.now(dt.timezone.utc)
        if now - _utc(row.updated_at) < STALE_PENDING:  # still being signed
            raise taken(item.credential_id)
        if row.status_index is None:  # no index to keep out of use
            session.execute(delete(_CREDENTIALS).where(_C.id == row.id))
            return None
        # a retry without entries keeps the index too: reserved, never reused
        session.execute(update(_CREDENTIALS).where(_C.id == row.id).values(
            types=json.dumps(list(item.types)), status_purposes=" ".join(purposes), updated_at=now))
        return Slot(item.credential_id, row.status_seq, row.status_index, purposes)

    def _draw(self, session: Session, count: int) -> list[tuple[int, int]]:
        """``count`` random indexes no credential of this organisation holds, in claimed list pairs."""
        drawn: list[tuple[int, int]] = []
        for pair, take in self._claims(session, count):
            chosen: list[int] = []
            seen: set[int] = set()
            while len(chosen) < take:
                candidates: list[int] = []
                while len(candidates) < take - len(chosen):
                    index = secrets.randbelow(pair.size)
                    if index not in seen:
                        seen.add(index)
                        candidates.append(index)
                used = self._in_use(session, pair.seq, candidates)
                chosen.extend(i for i in candidates if i not in used)
            drawn.extend((pair.seq, index) for index in chosen)
        return drawn

    def _in_use(self, session: Session, seq: int, candidates: Sequence[int]) -> set[int]:
        """Those of ``candidates`` that a credential of this organisation holds in list pair ``seq``."""
        return {index for chunk in _chunks(candidates) for index in session.scalars(
            select(_C.status_index).where(_C.org_id == self.org_id, _C.status_seq == seq, _C.status_index.in_(chunk)))}

    def _claims(self, session: Session, count: int) -> list[tuple[_Pair, int]]:
        """Count ``count`` more credentials against the current pair, starting the next ones as they fill up."""
        claims: list[tuple[_Pair, int]] = []
        tries = 0
        while count > 0:
            tries += 1
            if tries > _TRIES:  # pragma: no cover - needs 200 races in a row
                raise RuntimeError("could not claim a status list slot")
            pair = session.execute(
                select(StatusList.id, StatusList.seq, StatusList.size, StatusList.allocated)
                .where(StatusList.org_id == self.org_id).order_by(StatusList.seq.desc()).limit(1)
            ).first()
            if pair is None:
                self._new_pair(session, 1)
                continue
            capacity = int(pair.size * FILL)
            take = min(count, capacity - pair.allocated)
            if take <= 0:
                self._new_pair(session, pair.seq + 1)
                continue
            claimed = cast(CursorResult[Any], session.execute(  # an UPDATE: its result counts the rows
                update(StatusList)
                .where(StatusList.id == pair.id, StatusList.allocated + take <= capacity)
                .values(allocated=StatusList.allocated + take)
                .execution_options(synchronize_session=False)
            )).rowcount
            if claimed:
                claims.append((_Pair(pair.seq, pair.size), take))
                count -= take
        return claims

    def _new_pair(self, session: Session, seq: int) -> None:
        """Create list pair ``seq`` with empty, signed lists (a concurrent creator wins quietly)."""
        size = self.settings.status_list_size
        try:
            with session.begin_nested():
                pair = StatusList(org_id=self.org_id, seq=seq, size=size, allocated=0)
                session.add(pair)
                session.flush()
                for purpose in PURPOSES:
                    url = list_url(self.settings, self.org_id, seq, purpose)
                    unsigned = status_list_credential(url, issuer=self.org_did, purpose=purpose, length=size)
                    session.add(StatusListCredential(list_id=pair.id, purpose=purpose, url=url, version=1,
                                                     document=signed_text(self.publish, unsigned)))
                session.flush()
        except IntegrityError:
            pass  # another request created this pair first; use theirs

    # -- complete or release -----------------------------------------------------------------

    def complete(self, done: Sequence[Done]) -> set[str]:
        """Mark the ``pending`` rows of ``done`` ``active`` with hash (and document), audited, in one
        transaction; the ids completed now (any other was completed or taken over by another run)."""
        if not done:
            return set()
        keep_document = self.settings.store_credentials == "full"
        moment = dt.datetime.now(dt.timezone.utc)
        with self.transaction() as session:
            activate = self._activate_one if len(done) == 1 else self._activate_many
            rows = activate(session, done, keep_document, moment)
            fresh = [d for d in done if d.credential_id in rows]
            if fresh:
                events = [{
                    "at": moment, "org_id": self.org_id, "actor": self.actor, "action": "credential.issue",
                    "target": d.credential_id, "detail": json.dumps({
                        "types": list(d.types), "statusIndex": rows[d.credential_id].status_index,
                        "statusList": rows[d.credential_id].status_seq, "rowKey": d.row_key}, sort_keys=True),
                } for d in fresh]
                session.execute(_INSERT_AUDIT, events[0] if len(events) == 1 else events)  # one: no executemany
        return {d.credential_id for d in fresh}

    def complete_one(self, done: Done, slot: Slot) -> bool:
        """``complete`` for the one credential reserved as ``slot``: on PostgreSQL in one autocommit statement
        (its row only while it still holds the slot's list and index); True when completed now. ``taken`` (the row
        released) when an open claim offer made at the instant of the reservation holds the id."""
        detail = json.dumps({"types": list(done.types), "statusIndex": slot.index, "statusList": slot.seq,
                             "rowKey": done.row_key}, sort_keys=True)
        keep_document = self.settings.store_credentials == "full"
        completed = self.store.one_statement(_ACTIVATE_AND_AUDIT, {
            "id": done.credential_id, "org": self.org_id, "sha": done.sha256, "doc": done.text if keep_document else None,
            "at": dt.datetime.now(dt.timezone.utc), "seq": slot.seq, "index": slot.index, "actor": self.actor,
            "detail": detail, "offer": self.offer})
        if completed is None:
            return done.credential_id in self.complete([done])
        if not completed and self._held_by_an_offer(done.credential_id):
            self.release(done.credential_id)  # an offer of the id won: never handed out, its index may be used again
            raise taken(done.credential_id, offered=True)
        return bool(completed)

    def _held_by_an_offer(self, credential_id: str) -> bool:
        """Whether an open claim offer holds ``credential_id`` now."""
        with self.transaction() as session:
            return bool(_offered(session, [credential_id], dt.datetime.now(dt.timezone.utc), self.offer))

    def _activate_one(self, session: Session, done: Sequence[Done], keep_document: bool, moment: dt.datetime) -> dict[str, Any]:
        """``_activate_many`` for one credential in one statement: its list and index come back from the UPDATE."""
        [one] = done
        row = session.execute(_ACTIVATE_ONE, {"b_id": one.credential_id, "b_org": self.org_id, "b_sha": one.sha256,
                                              "b_doc": one.text if keep_document else None,
                                              "b_digest": one.row_digest if keep_document else None,
                                              "b_at": moment}).first()
        return {} if row is None else {one.credential_id: row}

    def _activate_many(self, session: Session, done: Sequence[Done], keep_document: bool,
                       moment: dt.datetime) -> dict[str, Any]:
        """Mark those of ``done`` still ``pending`` (this organisation's) ``active``; their rows (list, index) by id."""
        ids = [d.credential_id for d in done]
        rows = {row.credential_id: row for chunk in _chunks(ids) for row in session.execute(
            select(_C.credential_id, _C.status_seq, _C.status_index)
            .where(_C.credential_id.in_(chunk), _C.org_id == self.org_id, _C.state == "pending")
            .with_for_update())}
        fresh = [d for d in done if d.credential_id in rows]
        if fresh:
            session.execute(
                update(_CREDENTIALS)
                .where(_C.credential_id == bindparam("b_id"), _C.state == "pending")
                .values(state="active", sha256=bindparam("b_sha"), document=bindparam("b_doc"),
                        row_digest=bindparam("b_digest"), updated_at=bindparam("b_at")),
                [{"b_id": d.credential_id, "b_sha": d.sha256, "b_doc": d.text if keep_document else None,
                  "b_digest": d.row_digest if keep_document else None, "b_at": moment} for d in fresh],
            )
        return rows

    def release(self, credential_id: str) -> None:
        """Forget a reservation whose credential was never handed out: its id and index may be used again."""
        with self.transaction() as session:
            session.execute(delete(_CREDENTIALS).where(
                _C.credential_id == credential_id, _C.org_id == self.org_id, _C.state == "pending"))

    # -- what a batch reads ------------------------------------------------------------------

    def by_row_key(self, keys: Sequence[str]) -> dict[str, Slot]:
        """The rows of these batch row keys that exist (any state), by row key."""
        found: dict[str, Slot] = {}
        with self.transaction() as session:
            for chunk in _chunks(keys):
                for row in session.execute(select(
                        _C.row_key, _C.credential_id, _C.state, _C.status_seq, _C.status_index, _C.status_purposes,
                        _C.sha256, _C.row_digest).where(_C.org_id == self.org_id, _C.row_key.in_(chunk))):
                    found[row.row_key] = Slot(row.credential_id, row.status_seq, row.status_index,
                                              tuple(row.status_purposes.split()), row.state, row.sha256,
                                              _row_columns(row.row_digest))
        return found

    def documents(self, ids: Sequence[str]) -> dict[str, str | None]:
        """The stored JSON text of these credentials (``None`` when only the hash is kept), by id."""
        found: dict[str, str | None] = {}
        with self.transaction() as session:
            for chunk in _chunks(ids):
                for cid, text in session.execute(select(_C.credential_id, _C.document).where(
                        _C.credential_id.in_(chunk), _C.org_id == self.org_id)):
                    found[cid] = text or None
        return found

    def open_offer_keys(self, kind: str) -> list[str]:
        """The row keys (``TYPE/KEY``) of this organisation's open claim offers of credential type ``kind``, in order."""
        with self.transaction() as session:
            return open_offer_keys(session, self.org_id, kind, dt.datetime.now(dt.timezone.utc))

    def offers_by_row_key(self, keys: Sequence[str]) -> dict[str, RowOffer]:
        """The claim offer of each of these batch row keys that has one (this organisation's), by row key: the one
        holding the row's credential id when there is one (``RowOffer.open``), else the newest."""
        found: dict[str, RowOffer] = {}
        offers = _OFFERS.c
        now = dt.datetime.now(dt.timezone.utc)
        with self.transaction() as session:
            for chunk in _chunks(keys):
                for row in session.execute(select(
                        offers.id, offers.row_key, offers.expires_at, offers.reserved_id, offers.holder,
                        offers.credential_id, offers.link_kept, offers.row_digest).where(offers.org_id == self.org_id, offers.row_key.in_(chunk))
                        .order_by(offers.created_at, offers.id)):
                    expires = _utc(row.expires_at)
                    offer = RowOffer(row.id, expires, row.reserved_id is not None and expires > now, row.holder,
                                     row.credential_id, bool(row.link_kept), _row_columns(row.row_digest))
                    if offer.open or not found.get(row.row_key, offer).open:  # the newest, unless one is open
                        found[row.row_key] = offer
        return found

    def held_by_others(self, keys_by_id: dict[str, str]) -> dict[str, SkillspasError]:
        """The refusal (``taken``) of each credential id (of ``{credential id: row key}``) that a row of another key
        holds (any organisation), or an open claim offer."""
        found: dict[str, SkillspasError] = {}
        with self.transaction() as session:
            for chunk in _chunks(list(keys_by_id)):
                for cid, key in session.execute(select(_C.credential_id, _C.row_key).where(_C.credential_id.in_(chunk))):
                    if key != keys_by_id[cid]:
                        found[cid] = taken(cid)
            free = [cid for cid in keys_by_id if cid not in found]
            now = dt.datetime.now(dt.timezone.utc)
            found.update((cid, taken(cid, offered=True)) for cid in _offered(session, free, now))
        return found


def allocated_count(session: Session, org_id: str) -> int:
    """How many status indexes the organisation has handed out (for reports and tests)."""
    return int(session.scalar(select(func.count(_C.id)).where(
        _C.org_id == org_id, _C.status_index.is_not(None))) or 0)
