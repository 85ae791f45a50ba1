"""Batch issuance from a CSV export: validate every row first, then issue idempotently per row key.

Usage::

    rows = read_csv("diplomas-juli.csv")                        # [(line, {column: value}), ...]
    plan = validate_rows(issuer, org, "mbo-diploma", rows)      # BatchInvalid lists every bad row
    manifest = issue_rows(issuer, org, plan, out=Path("out"), progress=lambda done, total: ...)

Nothing is issued while any row is bad: ``BatchInvalid.errors`` holds each problem with its line
(the header is line 1), field and message in Dutch and English. Each row has a key (column
``row_key``); its credential id is derived from it, and a row whose key was issued before is not
issued again, so re-running after a crash issues nothing twice and loses nothing:

1. the rows' ``pending`` records (id and random status index) are committed before any is signed;
2. each signed file is written (atomically) before its record is marked ``active``;
3. a re-run signs pending records again with the same id and index, and rewrites the file of an
   active one when it is missing or does not match the stored hash.

Building, checking and signing run in worker processes (``batch_worker``: one per CPU for a large batch, or
``Settings.batch_workers``; forked by ``skillspas batch``, spawned in the service's threads); this process does the storage through the store's issuance lifecycle
(``skillspas.issuer.store.issuance``, as a single issue does), many rows per statement and
transaction. A re-run reads the rows issued before once and does not build or check them again. ``manifest.json`` lists every row's credential and file.

One run at a time writes into an output folder (``batch_folder``: a lock on ``.skillspas-batch.lock`` in it, held from
before the first reservation to the manifest): a second run into the same folder, started by a double click or an
overlapping cron job, is refused (``file_error``) before it reserves, signs or writes anything, where it would have
rewritten the files and manifest the first run was writing.

``validate_rows(..., offers=True)`` plans one-time claim offers instead (``skillspas.issuer.batch_offers``: the
learner claims the row's credential with their own DID); a row whose claim offer is open is refused by the batch
without offers (the learner who claims it gets it), and once claimed it counts as issued before.
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import csv
import datetime as dt
import errno
import functools
import gc
import hashlib
import io
import json
import multiprocessing
import os
import re
import stat
import sys
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Final


from skillspas.issuer.batch_worker import (BatchRow, OrgRef, RowError, Signed, SignJob, ToSign, build_rows, changed_columns,
                                           column_hashes, row_error,
                                           without_gc_pauses,
                                           sign_rows, worker_init, write_atomic)
from skillspas.issuer.credentials import column_key, row_field, type_name, unread_warning
from skillspas.issuer.issuing import Issuer, credential_hash, default_purposes
from skillspas.issuer.org_signing import sign_as
from skillspas.issuer.privacy import check_no_national_id
from skillspas.issuer.orgs import Org, role_may_issue, type_not_allowed
from skillspas.issuer.status_registry import slot_entries
from skillspas.issuer.store.issuance import Done, Issuance, Pending, RowOffer, Slot
from skillspas.schemas.errors import (NOT_A_REGULAR_FILE, ErrorCode, InvalidCredential, SkillspasError, error_for,
                                      localized_error, shown)
from skillspas.schemas.jsonld.contexts import STATUS_V1
from skillspas.schemas.jsonio import parse_json, read_back, read_input, regular_file
from skillspas.schemas.files import folder_lock, private_folder
from skillspas.schemas.limits import Limits

__all__ = [
    "KEY_COLUMN",
    "RowError",
    "BatchInvalid",
    "BatchRow",
    "Manifest",
    "read_csv",
    "validate_rows",
    "issue_rows",
    "unread_columns",
    "unused_columns",
    "expired_rows",
    "Workers",
    "batch_workers",
    "row_file_name",
    "batch_folder",
    "BATCH_LOCK",
]

KEY_COLUMN: Final = "row_key"
MANIFEST: Final = "manifest.json"
BATCH_LOCK: Final = ".skillspas-batch.lock"
"""The lock file ``batch_folder`` keeps in a batch's output folder (empty; hidden, as it is no one's to open)."""
_MAX_KEY: Final = 200
_SAFE: Final = re.compile(r"[^A-Za-z0-9._-]+")
_PARALLEL_FROM: Final = 500
"""Rows from which worker processes pay off (starting one costs about as much as 200 rows)."""
_RESERVE_WINDOW: Final = 1000
"""Rows whose status indexes are reserved in one transaction."""
_FIRST_WINDOW: Final = 200
"""The first window is smaller: no worker signs before it is reserved (a window of 1000 took ~0.1 s)."""
_QUEUED: Final = 4
"""Chunks in flight per worker, so that a worker still has rows to sign while this process reserves a window
and completes rows (measured, 10,000 rows on a loaded machine: with 2 each worker waited 0.65-0.85 s between
its chunks, with 4 0.55-0.6 s)."""

Progress = Callable[[int, int], None]


class BatchInvalid(InvalidCredential):
    """``batch_invalid``: some rows are not valid; nothing was issued. ``errors`` lists every problem; ``unread`` the
    columns with a value that no builder of the type ``kind`` reads (``unread_columns``), each with the field it most
    looks like (a column ``naam`` where ``learner_name`` is missing)."""

    def __init__(self, errors: Sequence[RowError], unread: Mapping[str, str | None] | None = None,
                 kind: str | None = None, *, offers: bool = False) -> None:
        self.errors = list(errors)
        self.unread = dict(unread or {})
        self.kind = kind
        self.offers = offers
        n = len(self.errors)
        super().__init__(ErrorCode.BATCH_INVALID, ("1 row is" if n == 1 else f"{n} rows are") + " not valid; nothing was "
                         + ("offered" if offers else "issued"),
                         message_nl=("1 regel is" if n == 1 else f"{n} regels zijn") + " ongeldig; er is niets "
                         + ("aangeboden" if offers else "uitgegeven"))

    def details(self, lang: str = "en") -> list[str]:
        """One line per problem in ``lang``: ``regel 3, learner_name: [schema_invalid] …``, the same problem of many rows
        once with their lines (``regels 3, 4, 6, 7, 8 en nog 294, date: …``: a column named otherwise is one line, not
        one per row); then the unread columns (``unread_warning``: "Deze kolommen gebruikt een mbo-diploma niet, …:
        'naam' (bedoelt u 'learner_name'?)")."""
        nl = lang == "nl"
        same: dict[tuple[str | None, str, str], list[int]] = {}
        for e in self.errors:  # in row order: each problem where its first row is
            same.setdefault((e.field, e.code, e.message_nl if nl else e.message), []).append(e.line)
        lines = [f"{_lines_named(found, nl)}{f', {field}' if field else ''}: [{code}] {message}"
                 for (field, code, message), found in same.items()]
        if self.unread:
            said = unread_warning(self.unread, self.kind or "")[0 if nl else 1]
            lines.append(said[:1].upper() + said[1:])
        return lines

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickle as its row errors and unread columns, so it crosses from a worker process unchanged."""
        return functools.partial(type(self), offers=self.offers), (self.errors, self.unread, self.kind)


_LINES_SHOWN: Final = 5
"""Line numbers a refusal names for one problem of many rows (then how many more)."""


def _lines_named(lines: Sequence[int], nl: bool) -> str:
    """``regel 3``, ``regels 3, 4``, ``regels 3, 4, 6, 7, 8 en nog 294`` (``lines 3, 4, 6, 7, 8 and 294 more``)."""
    shown = ", ".join(str(line) for line in lines[:_LINES_SHOWN])
    more = len(lines) - _LINES_SHOWN
    if len(lines) == 1:
        return f"{'regel' if nl else 'line'} {shown}"
    return (f"{'regels' if nl else 'lines'} {shown}" +
            (f" {'en nog' if nl else 'and'} {more}{'' if nl else ' more'}" if more > 0 else ""))


def _built_id(row: BatchRow) -> str:
    """The credential id of a row built in this run (its builder always sets one)."""
    assert row.id is not None
    return row.id


@dataclass(frozen=True)
class Manifest:
    """What a batch issued: one entry per row, in row order."""

    type: str
    organisation: str
    entries: list[dict[str, Any]]
    credentials: list[dict[str, Any] | None] = field(default_factory=list, repr=False)
    """With ``issue_rows(collect=True)``: the signed credentials in row order (``None`` for one
    issued before when only hashes are kept); else empty."""
    seconds: dict[str, float] = field(default_factory=dict, repr=False)
    """Where the time went: ``sign`` and ``files`` (summed over the workers), ``store``, ``wall``."""
    workers: int = 1
    """Processes that signed (1: this one)."""
    unread: dict[str, str | None] = field(default_factory=dict)
    """Columns with a value that no row's builder read, each with the field it most looks like (``unread_columns``)."""
    expired: list[BatchRow] = field(default_factory=list, repr=False)
    """The rows signed in this run whose credential had expired before it was issued (``expired_rows``)."""

    @property
    def issued(self) -> int:
        """How many credentials this run signed (the rest had been issued before)."""
        return sum(1 for entry in self.entries if entry["issuedNow"])

    @property
    def not_active(self) -> dict[str, int]:
        """How many rows' credentials are revoked or suspended now (issued before, changed since), by status."""
        found: dict[str, int] = {}
        for entry in self.entries:
            if entry.get("status", "active") != "active":
                found[entry["status"]] = found.get(entry["status"], 0) + 1
        return found

    def to_json(self) -> dict[str, Any]:
        """The ``manifest.json`` document."""
        found = {"type": self.type, "issuer": self.organisation, "count": len(self.entries),
                 "issuedNow": self.issued, "credentials": self.entries}
        if self.unread:
            found["unusedColumns"] = unused_columns(self.unread)
        if self.expired:
            found["expiredAtIssue"] = [{"line": row.line, "rowKey": row.key.split("/", 1)[1], "validUntil": row.expired}
                                       for row in self.expired]
        return found


def expired_rows(plan: Iterable[BatchRow]) -> list[BatchRow]:
    """The rows built in this run whose credential has expired before it is issued (``BatchRow.expired``: every check
    would call it expired; issued all the same, and said: ``expired_warning``, the manifest's ``expiredAtIssue``)."""
    return [row for row in plan if row.expired is not None]


def unused_columns(unread: Mapping[str, str | None]) -> list[dict[str, str | None]]:
    """The JSON of ``unread_columns`` (``manifest.json``'s and a refusal's ``unusedColumns``): ``column``, ``didYouMean``."""
    return [{"column": column, "didYouMean": like} for column, like in unread.items()]


def unread_columns(plan: Iterable[BatchRow | RowError]) -> dict[str, str | None]:
    """The columns with a value that a row's builder did not read, in row order: a misspelled column, or one of the
    export that no credential holds (its values are in no credential), each with the field it most looks like; of a
    bad row (``RowError``), the columns that no builder reads at all (``noting_unread``)."""
    found: dict[str, str | None] = {}
    for row in plan:
        for column, like in row.unread:
            if found.get(column) is None:  # a bad row's missing field names what a column may be: kept
                found[column] = like
    return found


def read_csv(source: str | os.PathLike[str] | io.TextIOBase, *, key_column: str = KEY_COLUMN) -> list[tuple[int, dict[str, str]]]:
    """Rows of a CSV file with their line numbers: ``,`` or ``;`` separated (Dutch Excel's default; an
    Excel ``sep=`` first line is honoured), UTF-8 with or without BOM. Coded refusals (nl/en) for a
    missing file, a file over ``Limits.max_csv_bytes`` or a field over ``Limits.max_csv_field`` (``too_large``), another encoding (e.g. Excel's "CSV" in Windows-1252: save as "CSV UTF-8"), a JSON
    file, a column named like a national id (one error for the column, not one per row), a file without
    data rows, and one without the ``key_column`` (one error naming the columns, not one per row). The key column is
    found as the builders find a field (``column_key``: ``Row Key`` is ``row_key``) and returned under ``key_column``."""
    if isinstance(source, io.TextIOBase):
        text = source.read()
    else:
        text = _csv_text(Path(source))
    skipped = 0
    first = text.split("\n", 1)[0].strip()
    if first.lower().startswith("sep=") and len(first) == 5:  # Excel's own hint line
        delimiter, text, skipped = first[4], text.split("\n", 1)[1] if "\n" in text else "", 1
    else:
        delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.DictReader(io.StringIO(text), delimiter=delimiter)
    rows = []
    previous = csv.field_size_limit(Limits.max_csv_field)  # process-wide: set for this read, given back after it
    try:
        _check_columns(reader.fieldnames or [])
        for record in reader:
            values = {str(k).strip(): (v or "").strip() for k, v in record.items() if k is not None}
            if any(values.values()):
                rows.append((reader.line_num + skipped, values))
    except csv.Error as exc:  # e.g. a field over Limits.max_csv_field characters
        code = ErrorCode.TOO_LARGE if "field limit" in str(exc) else ErrorCode.SCHEMA_INVALID
        line = reader.line_num + 1 + skipped  # line_num counts the lines read before the failing one
        raise error_for(code, f"line {line} of the CSV file: {exc}",
                        nl=f"regel {line} van het CSV-bestand: " + ("een veld is te lang" if code is ErrorCode.TOO_LARGE
                                                                    else "geen geldige CSV (bijvoorbeeld een NUL-teken "
                                                                         "of een aanhalingsteken dat niet sluit)")) from None
    finally:
        csv.field_size_limit(previous)
    if not rows:  # an empty export is a mistake to say, not a batch that quietly issues nothing
        raise localized_error(ErrorCode.SCHEMA_INVALID, nl="Het CSV-bestand heeft geen regels met gegevens (alleen een kopregel, of niets).",
                              en="The CSV file has no data rows (only a header line, or nothing).")
    columns = [str(column).strip() for column in reader.fieldnames or []]
    alike = [column for column in columns if column_key(column) == column_key(key_column)]
    if key_column not in columns and len(alike) == 1:  # 'Row Key' is row_key, as 'Learner Name' is learner_name
        for _, values in rows:
            values[key_column] = values.pop(alike[0])
    elif key_column not in columns:
        listed = ", ".join(shown(c, 40, quoted=True) for c in columns[:20]) + (", …" if len(columns) > 20 else "")
        raise localized_error(
            ErrorCode.SCHEMA_INVALID, path=f"/{key_column}",
            nl=f"Het CSV-bestand heeft geen kolom '{key_column}' met de unieke sleutel van elke regel (kolommen: {listed}). "
               f"Noem die kolom '{key_column}', of geef haar naam met --key-column.",
            en=f"The CSV file has no column '{key_column}' with each row's unique key (columns: {listed}). "
               f"Name that column '{key_column}', or give its name with --key-column.",
        )
    return rows


def _csv_text(path: Path) -> str:
    """The text of a CSV file: ``file_error`` unless it is a regular file, ``schema_invalid`` (nl/en) unless UTF-8 CSV."""
    limit = Limits.max_csv_bytes
    if regular_file(path).st_size > limit:
        raise _csv_too_large(path, limit)
    data = read_input(path, limit)  # a file that grew since stat() is bounded too
    if len(data) > limit:
        raise _csv_too_large(path, limit)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        # Not guessed as Windows-1252: nearly any bytes decode as it, and a name decoded wrongly
        # ("EsraÃ§") would be signed into a credential for good.
        line = data[:exc.start].count(b"\n") + 1
        raise localized_error(
            ErrorCode.SCHEMA_INVALID,
            nl=f"{path.name} is geen UTF-8 (regel {line}): in Excel kies Opslaan als > 'CSV UTF-8 (door komma's "
               "gescheiden)' (sla op als CSV UTF-8), en probeer opnieuw.",
            en=f"{path.name} is not UTF-8 (line {line}): in Excel choose Save As > 'CSV UTF-8 (Comma delimited)' "
               "(save as CSV UTF-8), and try again.",
        ) from None
    if text.lstrip()[:1] in ("{", "["):
        raise localized_error(
            ErrorCode.SCHEMA_INVALID,
            nl=f"{path.name} is een JSON-bestand, geen CSV: --csv leest een CSV-export (zie examples/*.csv); "
               "één JSON-rij geeft u uit met skillspas issue TYPE --data BESTAND.",
            en=f"{path.name} is a JSON file, not CSV: --csv reads a CSV export (see examples/*.csv); "
               "issue one JSON row with skillspas issue TYPE --data FILE.",
        )
    return text


def _csv_too_large(path: Path, limit: int) -> SkillspasError:
    """``too_large`` (nl/en) for a CSV file over ``limit`` bytes."""
    mib = limit // (1024 * 1024)
    return localized_error(ErrorCode.TOO_LARGE,
                           nl=f"{path.name} is groter dan {mib} MiB, het maximum voor één batch; splits het in kleinere bestanden.",
                           en=f"{path.name} is larger than {mib} MiB, the most one batch takes; split it into smaller files.")


def _check_columns(columns: Sequence[str]) -> None:
    """Refuse a column named like a national identification number (BSN, onderwijsnummer), once, and a
    column named twice (only one of its two values would be signed)."""
    seen: set[str] = set()
    for name in (str(column).strip() for column in columns):
        if name and name in seen:
            raise localized_error(
                ErrorCode.SCHEMA_INVALID,
                nl=f"De kolom '{name}' staat twee keer in de kopregel; welke waarde geldt is niet te zeggen. "
                   "Verwijder of hernoem een van de twee en probeer opnieuw.",
                en=f"The column '{name}' is in the header line twice; which value counts cannot be told. "
                   "Remove or rename one of them and try again.",
                path=f"/{name}",
            )
        seen.add(name)
    for column in columns:
        try:
            check_no_national_id({str(column).strip(): ""}, "")
        except SkillspasError:
            raise localized_error(
                ErrorCode.FORBIDDEN_FIELD,
                nl=f"De kolom '{column}' mag niet in het bestand: een BSN, onderwijsnummer of ander nationaal "
                   "identificatienummer wordt nooit uitgegeven. Verwijder de kolom en probeer opnieuw.",
                en=f"The column '{column}' may not be in the file: a BSN, onderwijsnummer or other national "
                   "identification number is never issued. Remove the column and try again.",
                path=f"/{column}",
            ) from None


# -- worker processes ------------------------------------------------------------------------

class _InProcess:
    """The executor interface, run at once in this process (small batches, ``batch_workers=1``)."""

    def submit(self, function: Callable[..., Any], *args: Any) -> concurrent.futures.Future[Any]:
        future: concurrent.futures.Future[Any] = concurrent.futures.Future()
        try:
            future.set_result(function(*args))
        except BaseException as exc:
            future.set_exception(exc)
        return future


@dataclass(frozen=True)
class Workers:
    """The processes that build and sign one batch's rows (``count == 1``: this process)."""

    count: int
    executor: Any = field(repr=False)


@contextlib.contextmanager
def batch_workers(issuer: Issuer, rows: int) -> Iterator[Workers]:
    """Worker processes for a batch of ``rows``, started once for ``validate_rows`` and ``issue_rows``.

    ``Settings.batch_workers``, or one per CPU when the batch is large enough to pay for starting
    them (forked or spawned: ``_start_method``); one means everything runs in this process.
    """
    count = issuer.settings.batch_workers
    if not count:
        cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
        count = cpus if rows >= _PARALLEL_FROM else 1
    if count <= 1:
        yield Workers(1, _InProcess())
        return
    method = _start_method()
    pool = concurrent.futures.ProcessPoolExecutor(
        count, mp_context=multiprocessing.get_context(method), initializer=worker_init, initargs=(os.getpid(),)
    )
    try:
        if method == "fork":  # every worker forked now, while this process still runs no other thread
            gc.freeze()  # a worker's collections leave this process's objects alone: no copy of their pages
            try:
                pool.submit(os.getpid).result()  # the first task forks them all (the pool's own threads come after)
            finally:
                gc.unfreeze()
        yield Workers(count, pool)
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _start_method() -> str:
    """How the workers start: forked on Linux by a process that runs no other thread (``skillspas batch``), else
    spawned (the service runs a batch in one of its threads; a process forked while another thread held a lock, in
    Python or a library, can wait for it for ever).

    Why fork where it is safe: the locks of a spawned pool's queues are named semaphores (five, in /dev/shm) that the
    process that made them must remove. Killed with ``kill -9`` it cannot; multiprocessing's resource tracker then
    removes them and prints "There appear to be 5 leaked semaphore objects to clean up at shutdown", and when the
    tracker is killed with it (a whole process group killed) nothing removes them. A forked pool's semaphores have no
    name (and its workers import nothing)."""
    if sys.platform != "linux":  # macOS forks unsafely (its system libraries), Windows not at all
        return "spawn"
    return "fork" if len(os.listdir("/proc/self/task")) == 1 else "spawn"  # every thread, also a library's own


@contextlib.contextmanager
def _given_or_own(workers: Workers | None, issuer: Issuer, rows: int) -> Iterator[Workers]:
    if workers is not None:
        yield workers
    else:
        with batch_workers(issuer, rows) as own:
            yield own


def _chunks(items: Sequence[Any], workers: int, largest: int = 64) -> list[Sequence[Any]]:
    """Pieces small enough to keep every worker busy to the end, large enough to cost little to send."""
    size = max(4, min(largest, len(items) // (workers * 8) or 1))
    return [items[i:i + size] for i in range(0, len(items), size)]


# -- validation ------------------------------------------------------------------------------

def _key_error(line: int, message: str, message_nl: str) -> RowError:
    return RowError(line, KEY_COLUMN, ErrorCode.SCHEMA_INVALID.value, message, message_nl)


@without_gc_pauses
def validate_rows(
    issuer: Issuer,
    org: Org,
    kind: str,
    rows: Iterable[tuple[int, Mapping[str, Any]]],
    *,
    key_column: str = KEY_COLUMN,
    workers: Workers | None = None,
    offers: bool = False,
) -> list[BatchRow]:
    """Build and check every row; raise ``BatchInvalid`` with all problems, or return the plan.

    ``workers`` (``batch_workers``) builds in worker processes; else they are started for this call. ``offers``: the
    plan is for one-time claim offers (``batch_offers.offer_rows``): a row whose offer is open (found by its row key) is
    not built again, its offer stands (``BatchRow.offered``); a row that names the learner's DID is refused (the DID
    comes with the claim), and so is one that a batch without offers left half issued."""
    org.require("credentials:batch")
    name = type_name(kind)
    if not org.may_issue(name):
        raise type_not_allowed(org.role, name, path=None)
    errors: list[RowError] = []
    keyed: list[tuple[int, str, dict[str, Any]]] = []
    seen: dict[str, tuple[int, dict[str, Any]]] = {}  # a row key's first line, and what that row says
    for line, row in rows:
        given = row.get(key_column)
        if isinstance(given, bool) or not isinstance(given, (str, int, type(None))):  # 1.0 and 1 would be two keys
            errors.append(_key_error(line, f"the row key (column '{key_column}') must be text or a whole number",
                                     f"De rijsleutel (kolom '{key_column}') moet tekst of een geheel getal zijn."))
            continue
        key = str(given if given is not None else "").strip()
        if not key:
            errors.append(_key_error(line, f"the row key (column '{key_column}') is missing",
                                     f"De rijsleutel (kolom '{key_column}') ontbreekt."))
            continue
        if len(key) > _MAX_KEY:
            errors.append(_key_error(line, f"the row key is longer than {_MAX_KEY} characters",
                                     f"De rijsleutel is langer dan {_MAX_KEY} tekens."))
            continue
        data = {k: v for k, v in row.items() if k != key_column}
        if key in seen:
            errors.append(_twice_error(line, key, seen[key][0], same=column_hashes(data) == column_hashes(seen[key][1])))
            continue
        seen[key] = (line, data)
        keyed.append((line, f"{name}/{key}", data))
    stored = issuer.issuance(org).by_row_key([scoped for _, scoped, _ in keyed])  # rows issued before: not built again
    held = issuer.issuance(org).offers_by_row_key([scoped for _, scoped, _ in keyed])
    plan: list[BatchRow] = []
    build_now: list[tuple[int, str, dict[str, Any]]] = []
    correcting: dict[str, RowOffer] = {}  # rows whose open offer they now correct (batch_offers: Exchanges.correct)
    rechecked: dict[int, tuple[str, Slot, list[str]]] = {}  # by line: rows issued before whose text differs
    for line, scoped, data in keyed:
        issued, offer = stored.get(scoped), held.get(scoped)
        if issued is not None and issued.state != "pending":
            # what the row said then: kept with the credential, or (issued by a claim) with the offer claimed; an
            # offer that ended unclaimed (its row may have said otherwise) is not what the credential was issued from
            claim = offer is not None and offer.holder is not None and offer.credential_id == issued.credential_id
            kept = issued.row_columns or (offer.row_columns if claim and offer is not None else None)
            changed = changed_columns(kept, column_hashes(data))
            if changed:  # its text differs (or a date as Excel writes it, 'bbl' for 'BBL'): built again and compared
                rechecked[line] = (scoped, issued, changed)  # with the credential issued (_same_claims)
                build_now.append((line, scoped, data))
                continue
            plan.append(BatchRow(line, scoped, issued=issued))  # issued before: not built again,
        elif offer is not None and offer.open:  # (also while its claim is under way: its pending row is the claim's)
            if not offers:  # the learner who claims it gets it: not issued a second time, without their DID
                errors.append(_offered_error(line, scoped, offer.expires))
                continue
            if changed_columns(offer.row_columns, column_hashes(data)):  # corrected: built, and the offer made to say so
                correcting[scoped] = offer
                build_now.append((line, scoped, data))
                continue
            plan.append(BatchRow(line, scoped, offered=offer))  # offered before and open: not made again,
        elif issued is not None and offers:  # its id is held by that pending row: no offer could be made of it
            errors.append(_key_error(line, f"row key {scoped.split('/', 1)[1]!r} was being issued by a batch without "
                                     "--offers that stopped: run that batch again to finish it, or give the row "
                                     "another key",
                                     f"Rijsleutel {scoped.split('/', 1)[1]!r} werd uitgegeven door een batch zonder "
                                     "--offers die is gestopt: draai die batch opnieuw om hem af te maken, of geef de "
                                     "regel een andere sleutel."))
            continue
        else:
            build_now.append((line, scoped, data))
            continue
        try:
            check_no_national_id(data, "")  # but a national id sent with it is refused
        except SkillspasError as exc:
            errors.append(row_error(line, exc))
    issued_then = _issued_documents(issuer, org, rechecked, build_now)
    ref = OrgRef(org.id, org.name, org.did)
    with _given_or_own(workers, issuer, len(build_now)) as pool:
        futures = [pool.executor.submit(build_rows, ref, name, chunk) for chunk in _chunks(build_now, pool.count, 256)]
        for future in futures:
            for built in future.result():
                if built.line in rechecked:  # a row issued before, built again: the same credential, or changed
                    scoped, issued, changed = rechecked[built.line]
                    if isinstance(built, RowError):
                        errors.append(built)
                    elif built.checked is not None and _same_claims(built.checked.unsigned, issued_then.get(scoped)):
                        plan.append(BatchRow(built.line, scoped, issued=issued))
                    else:
                        errors.append(_changed_error(built.line, scoped, changed, revoked=issued.state == "revoked"))
                    continue
                result = _role_checked(org, built)
                if offers:
                    result = _without_holder(result)
                    if isinstance(result, BatchRow) and result.key in correcting:
                        result = _correcting(result, correcting[result.key])
                if isinstance(result, RowError):
                    errors.append(result)
                else:
                    plan.append(result)
    errors.extend(_duplicate_ids(issuer, org, [row for row in plan if row.issued is None and row.offered is None]))
    if errors:
        errors.sort(key=lambda e: e.line)
        raise BatchInvalid(errors, unread_columns(sorted([*plan, *errors], key=lambda row: row.line)), name,
                           offers=offers)
    return sorted(plan, key=lambda row: row.line)


def _role_checked(org: Org, result: BatchRow | RowError) -> BatchRow | RowError:
    """A built row, or ``type_not_allowed`` when the organisation's role may not issue its type (as checked)."""
    if isinstance(result, RowError) or result.kind is None or role_may_issue(org.role, result.kind):
        return result
    return row_error(result.line, type_not_allowed(org.role, result.kind))


def _issued_documents(issuer: Issuer, org: Org, rechecked: Mapping[int, tuple[str, Slot, list[str]]],
                      build_now: Sequence[tuple[int, str, dict[str, Any]]]) -> dict[str, dict[str, Any]]:
    """The stored credentials of the ``rechecked`` rows (by row key), and in each such row of ``build_now`` the salt its
    e-mail address was hashed with (``learner_email_salt``, unless the row gives one), so that building it again gives
    the same document when it says the same (``_same_claims``). Only hashes kept: none, and every such row is changed."""
    if not rechecked:
        return {}
    texts = issuer.issuance(org).documents([issued.credential_id for _, issued, _ in rechecked.values()])
    found: dict[str, dict[str, Any]] = {}
    for scoped, issued, _ in rechecked.values():
        text = texts.get(issued.credential_id)
        document = _loaded(text) if text else None
        if isinstance(document, dict):
            found[scoped] = document
    for line, scoped, data in build_now:
        salt = _email_salt(found.get(scoped)) if line in rechecked else None
        if salt is not None and not any(row_field(str(column)) == "learner_email_salt" for column in data):
            data["learner_email_salt"] = salt
    return found


def _email_salt(document: dict[str, Any] | None) -> str | None:
    """The salt of the hashed e-mail address a credential's subject has (``privacy.identity_objects``), if any."""
    subject = document.get("credentialSubject") if isinstance(document, dict) else None
    for identity in (subject.get("identifier") or []) if isinstance(subject, dict) else []:
        if isinstance(identity, dict) and identity.get("identityType") == "emailAddress" and identity.get("hashed"):
            salt = identity.get("salt")
            return salt if isinstance(salt, str) else None
    return None


def _same_claims(built: dict[str, Any], issued: dict[str, Any] | None) -> bool:
    """Whether a row built again says what the credential issued from it says: the same document but for what was
    added when it was issued (its proof, its status entries and the status context a VC 1.1 credential gets with
    them; the learner's DID a claim filled in, when the row names none)."""
    if issued is None:
        return False
    subject = built.get("credentialSubject")
    claimed = isinstance(subject, dict) and "id" not in subject

    def claims(document: dict[str, Any]) -> dict[str, Any]:
        found = {k: v for k, v in document.items() if k not in ("proof", "credentialStatus")}
        if isinstance(found.get("@context"), list):
            found["@context"] = [c for c in found["@context"] if c != STATUS_V1]
        if claimed and isinstance(found.get("credentialSubject"), dict):
            found["credentialSubject"] = {k: v for k, v in found["credentialSubject"].items() if k != "id"}
        return found
    return claims(built) == claims(issued)


def _correcting(row: BatchRow, offer: RowOffer) -> BatchRow | RowError:
    """A row built anew to correct its open ``offer`` (``BatchRow.offered`` and its checked credential); ``row_changed``
    when it now names another credential id than the offer holds (its ``id`` column changed)."""
    if row.id == offer.credential_id:
        return replace(row, offered=offer)
    return RowError(row.line, "id", ErrorCode.ROW_CHANGED.value,
                    f"the row's credential id changed to {row.id!r}, but its open claim offer holds "
                    f"{offer.credential_id!r}: give the row its old id back, or a new key",
                    f"Het bewijsstuk-id van de regel is nu {row.id!r}, maar het open ophaalaanbod houdt "
                    f"{offer.credential_id!r} vast: geef de regel zijn oude id terug, of een nieuwe sleutel.")


def _twice_error(line: int, key: str, first: int, *, same: bool) -> RowError:
    """``schema_invalid``: row key ``key`` of line ``first`` again on ``line``; ``same``: a copied row (what it says
    counted as ``column_hashes`` counts it), else two rows that need a key each."""
    if same:
        return _key_error(line, f"row key {key!r} is also on line {first}, with the same data: remove the copied row",
                          f"Rijsleutel {key!r} staat ook op regel {first}, met dezelfde gegevens: verwijder de dubbele "
                          "regel.")
    return _key_error(line, f"row key {key!r} is also on line {first}, with other data: each row needs its own key; "
                      "give one of them another",
                      f"Rijsleutel {key!r} staat ook op regel {first}, met andere gegevens: elke regel heeft een eigen "
                      "sleutel nodig; geef een van de twee een andere.")


def _changed_error(line: int, scoped: str, columns: Sequence[str], *, revoked: bool = False) -> RowError:
    """``row_changed``: a row whose key was issued before, that now says otherwise in ``columns``; ``revoked``: that
    credential is revoked already (the correction only needs a new key)."""
    key, named = scoped.split("/", 1)[1], ", ".join(columns)
    new_key = f"{key}-2"  # an example the administrator can type: any key never used before does
    if revoked:
        return RowError(line, columns[0], ErrorCode.ROW_CHANGED.value,
                        f"row key {key!r} was issued before with other data in: {named}, and that credential is revoked "
                        f"already; a row key is never issued twice, so give the corrected row a new key (such as "
                        f"{new_key!r}), or leave the row out",
                        f"Rijsleutel {key!r} is eerder uitgegeven met andere gegevens in: {named}, en dat bewijsstuk "
                        f"is al ingetrokken; een rijsleutel wordt nooit twee keer uitgegeven, dus geef de verbeterde "
                        f"regel een nieuwe sleutel (zoals {new_key!r}), of laat de regel weg.")
    return RowError(line, columns[0], ErrorCode.ROW_CHANGED.value,
                    f"row key {key!r} was issued before with other data in: {named}; that credential stands and is "
                    "not issued again. To keep it, put the row back as it was or leave it out; to correct it, revoke "
                    f"it (skillspas status revoke {key}) and give the row a new key (such as {new_key!r})",
                    f"Rijsleutel {key!r} is eerder uitgegeven met andere gegevens in: {named}; dat bewijsstuk blijft "
                    "staan en wordt niet opnieuw uitgegeven. Om het te houden: zet de regel terug zoals hij was of laat "
                    f"hem weg; om het te verbeteren: trek het in (skillspas status revoke {key}) en geef de regel een "
                    f"nieuwe sleutel (zoals {new_key!r}).")


def _offered_error(line: int, scoped: str, expires: dt.datetime) -> RowError:
    """``duplicate_id``: a row of a batch without offers whose claim offer (``--offers``) is open."""
    key, until = scoped.split("/", 1)[1], expires.strftime("%Y-%m-%d %H:%M UTC")
    return RowError(line, KEY_COLUMN, ErrorCode.DUPLICATE_ID.value,
                    f"row key {key!r} has an open claim offer (batch --offers) until {until}: the learner who claims "
                    "it gets the credential; batch --offers lists its link",
                    f"Rijsleutel {key!r} heeft een open ophaalaanbod (batch --offers) tot {until}: de deelnemer die het "
                    "ophaalt krijgt het bewijsstuk; batch --offers toont de link.")


def _without_holder(result: BatchRow | RowError) -> BatchRow | RowError:
    """A row for a claim offer, or ``forbidden_field`` when it names the learner's DID (``credentialSubject.id``): the
    DID the learner proves when claiming is the one the credential names (``Exchanges.create`` refuses one given)."""
    if isinstance(result, RowError) or result.checked is None:
        return result
    subject = result.checked.unsigned.get("credentialSubject")
    if isinstance(subject, dict) and "id" not in subject:
        return result
    return RowError(result.line, "learner_did", ErrorCode.FORBIDDEN_FIELD.value,
                    "the row names the learner's DID (learner_did): with a claim offer it is the DID the learner proves "
                    "when claiming; leave learner_did empty, or issue this row without --offers",
                    "De regel noemt de DID van de deelnemer (learner_did): bij een ophaalaanbod is dat de DID die de "
                    "deelnemer bij het ophalen bewijst; laat learner_did leeg, of geef deze regel uit zonder --offers.")


def _duplicate_ids(issuer: Issuer, org: Org, plan: Sequence[BatchRow]) -> list[RowError]:
    """Rows whose credential id another row has, or was issued before under another row key, or an open claim offer
    holds."""
    errors: list[RowError] = []
    first: dict[str, BatchRow] = {}
    for row in plan:
        cid = _built_id(row)
        if cid in first:
            errors.append(RowError(row.line, "id", ErrorCode.DUPLICATE_ID.value,
                                   f"credential id {cid!r} is also on line {first[cid].line}",
                                   f"Bewijsstuk-id {cid!r} staat ook op regel {first[cid].line}."))
        else:
            first[cid] = row
    held = issuer.issuance(org).held_by_others({cid: row.key for cid, row in first.items()})
    for cid, row in first.items():
        if cid in held:  # worded the same whoever holds it (saying so when an open claim offer does)
            errors.append(RowError(row.line, "id", held[cid].code.value, held[cid].message, held[cid].text("nl")))
    return errors


# -- files -----------------------------------------------------------------------------------

def row_file_name(key: str, suffix: str = ".json") -> str:
    """A safe, unique file name for a row key (``TYPE/KEY``): letters, digits, ``._-`` only, and never starting with a
    dot (hidden by ``ls`` and Explorer) or a dash (read as an option by a shell command); ``suffix`` ends it."""
    digest = hashlib.sha256(key.encode("utf-8")).hexdigest()[:10]
    return f"{_SAFE.sub('_', key.split('/', 1)[-1])[:80].lstrip('.-') or 'row'}-{digest}{suffix}"


@contextlib.contextmanager
def batch_folder(out: Path, manifests: Sequence[str] = ()) -> Iterator[Path]:
    """Make ``out`` (0700: the learners' files are the owner's only) and hold the batch lock on it while the block runs
    (``folder_lock`` on ``BATCH_LOCK``), so that one batch run at a time writes into it, with or without offers. Another
    run holding it: ``file_error`` (nl/en) naming ``out``, raised before anything is written. The thread that holds it
    may enter again (the ``batch`` command locks an existing ``--out`` before it checks the rows, ``issue_rows`` and
    ``offer_rows`` lock theirs); without ``fcntl`` (Windows) nothing is locked. ``manifests``: the files the run writes
    last, refused now (``OSError`` naming one) when something else than a file stands in place of one (a folder, a
    pipe), not once every row is issued or offered."""
    private_folder(out)
    for name in manifests:
        with contextlib.suppress(FileNotFoundError):
            if not stat.S_ISREG(os.stat(out / name).st_mode):
                raise OSError(errno.EINVAL, NOT_A_REGULAR_FILE, str(out / name))
    with contextlib.ExitStack() as held:
        try:
            held.enter_context(folder_lock(out, name=BATCH_LOCK))
        except BlockingIOError:
            raise localized_error(
                ErrorCode.FILE_ERROR,
                nl=f"kan niet in {out} schrijven: een andere batch (skillspas batch) schrijft er nu in. Wacht tot die "
                   "klaar is, of kies een andere --out.",
                en=f"cannot write into {out}: another batch (skillspas batch) is writing into it now. Wait until it "
                   "has finished, or choose another --out.") from None
        yield out


def _manifest_text(manifest: Manifest) -> str:
    """``manifest.json``: one credential a line (json's indent would use its pure-Python encoder: 0.6 s
    for 10,000 rows)."""
    document = manifest.to_json()
    entries = ",\n    ".join(json.dumps(entry, ensure_ascii=False) for entry in document.pop("credentials"))
    head = json.dumps(document, indent=2, ensure_ascii=False)[:-2]
    return f'{head},\n  "credentials": [\n    {entries}\n  ]\n}}\n' if entries else f'{head},\n  "credentials": []\n}}\n'


def _loaded(text: str | None) -> dict[str, Any] | None:
    """A stored credential's JSON text, read (``None`` when only its hash is kept)."""
    return json.loads(text) if text else None


def _intact(path: Path, sha256: str | None) -> bool:
    """Whether ``path`` holds the credential with this stored hash: as a regular file of at most ``Limits.max_bytes``
    (``read_back``), not through a link (a link is rewritten as the file, never written through)."""
    try:
        data = read_back(path, Limits.max_bytes)
        if sha256 is not None and hashlib.sha256(data.rstrip(b"\n")).hexdigest() == sha256:
            return True  # the file is the credential's canonical text, as written here
        return sha256 is not None and credential_hash(parse_json(data)) == sha256
    except (OSError, SkillspasError):
        return False


# -- signing ---------------------------------------------------------------------------------

# -- storage ---------------------------------------------------------------------------------

class _Run:
    """One ``issue_rows`` call: reserves, dispatches, completes, in row windows (the store's ``Issuance``)."""

    def __init__(self, issuer: Issuer, org: Org, plan: Sequence[BatchRow], out: Path | None,
                 progress: Progress | None) -> None:
        self.issuer = issuer
        self.org = org
        self.plan = plan
        self.out = out
        self.progress = progress
        self.issuance = Issuance(issuer.store, issuer.settings, org_id=org.id, org_did=org.did, actor=org.actor,
                                 publish=lambda unsigned: sign_as(org.signer, unsigned), transaction=self.transaction)
        self.ids: list[str | None] = [None] * len(plan)
        self.now_issued: set[int] = set()
        self.signed: dict[int, dict[str, Any]] = {}
        self.done = 0
        self.seconds = {"sign": 0.0, "files": 0.0, "store": 0.0}

    def transaction(self) -> Any:
        """A transaction, its time counted as storing."""
        @contextlib.contextmanager
        def timed() -> Iterator[Any]:
            start = time.perf_counter()
            try:
                with self.issuer.store.transaction() as session:
                    yield session
            finally:
                self.seconds["store"] += time.perf_counter() - start
        return timed()

    def _tick(self, count: int) -> None:
        self.done += count
        if self.progress is not None and count:
            self.progress(self.done, len(self.plan))

    def to_sign(self, positions: Sequence[int], stored: dict[str, Slot]) -> list[ToSign]:
        """Reserve records for the new rows among ``positions`` (pending ones keep theirs); the rows to sign."""
        fresh = [p for p in positions if self.plan[p].key not in stored]
        slots = self.issuance.reserve([self._pending(self.plan[p]) for p in fresh])
        stored.update((self.plan[p].key, slot) for p, slot in zip(fresh, slots))
        items = []
        for position in positions:
            row, found = self.plan[position], stored[self.plan[position].key]
            assert row.sealed is not None  # only rows built in this run are signed; rows issued before never again
            self.ids[position] = found.credential_id
            status = slot_entries(self.issuer.settings, self.org.id, found.seq, found.index, found.purposes)
            items.append(ToSign(position, row.line, row.sealed, found.credential_id, status,
                                row_file_name(row.key) if self.out is not None else None))
        return items

    @staticmethod
    def _pending(row: BatchRow) -> Pending:
        purposes = default_purposes({"type": list(row.types)})  # decided by the credential's types alone
        return Pending(_built_id(row), row.key, row.types, purposes)

    def complete(self, results: Sequence[Signed]) -> None:
        """Mark signed rows ``active`` with hash (and document), audited, in one transaction."""
        if not results:
            return
        completed = self.issuance.complete([
            Done(r.credential_id, r.sha256, r.text, self.plan[r.position].types, self.plan[r.position].key,
                 self.plan[r.position].digest) for r in results])
        others = {r.position: r.credential_id for r in results if r.credential_id not in completed}
        if others:  # a concurrent run of the same batch completed these first: its version stands
            self._rewrite(others)
        for result in results:
            if result.credential_id in completed:
                self.now_issued.add(result.position)
                if result.credential is not None:
                    self.signed[result.position] = result.credential
        self._tick(len(results))

    def check_files(self, issued_before: dict[int, Slot]) -> None:
        """Rewrite the file of every row issued before that is missing or not the stored credential."""
        if self.out is None:
            return
        damaged = {p: s.credential_id for p, s in issued_before.items()
                   if not _intact(self.out / row_file_name(self.plan[p].key), s.sha256)}
        self._rewrite(damaged)

    def _rewrite(self, positions: dict[int, str]) -> None:
        if not positions or self.out is None:
            return
        documents = self.issuance.documents(list(positions.values()))
        for position, cid in positions.items():
            text = documents.get(cid)
            if text is None:  # hash-only store and the file is gone: say so, never re-sign
                raise error_for(ErrorCode.NOT_FOUND, f"the file of row {self.plan[position].line} is gone "
                                "and the store keeps only hashes",
                                nl=f"het bestand van regel {self.plan[position].line} is weg en de opslag bewaart "
                                   "alleen hashes")
            write_atomic(self.out / row_file_name(self.plan[position].key), (text + "\n").encode("utf-8"))


@without_gc_pauses
def issue_rows(
    issuer: Issuer,
    org: Org,
    plan: Sequence[BatchRow],
    *,
    out: Path | None = None,
    progress: Progress | None = None,
    durable: bool = False,
    collect: bool = False,
    workers: Workers | None = None,
    unread: Mapping[str, str | None] | None = None,
) -> Manifest:
    """Issue each planned row (skipping keys issued before), write its file to ``out``, then the manifest.

    A row issued before keeps its credential; its file is rewritten from the store when it is
    missing or damaged. ``collect`` also returns the signed credentials (``Manifest.credentials``).
    ``workers`` (``batch_workers``) signs in worker processes; else they are started for this call.
    ``unread``: ``unread_columns(plan)`` when the caller found them already (to warn before signing); else found here.
    ``out`` is locked for the call (``batch_folder``): another run writing into it is ``file_error``, before anything
    is reserved.
    """
    org.require("credentials:issue")
    if any(row.offered is not None for row in plan):
        raise ValueError("a plan made with offers=True is for batch_offers.offer_rows")
    started = time.perf_counter()
    with contextlib.ExitStack() as held:
        if out is not None:  # the learners' diplomas, named by row key (0700, 0600); one run at a time writes there
            held.enter_context(batch_folder(out, (MANIFEST,)))
        run = _Run(issuer, org, plan, out, progress)
        # The rows found issued before were read by validate_rows; the rest are read here.
        stored = run.issuance.by_row_key([row.key for row in plan if row.issued is None])
        before: dict[int, Slot] = {}
        todo: list[int] = []
        for position, row in enumerate(plan):
            found = row.issued or stored.get(row.key)
            if found is not None and found.state != "pending":
                before[position] = found
                run.ids[position] = found.credential_id
            else:
                todo.append(position)
        cuts = [0, *range(min(_FIRST_WINDOW, len(todo)), len(todo), _RESERVE_WINDOW), len(todo)]
        windows = deque(todo[start:end] for start, end in zip(cuts, cuts[1:]) if end > start)
        ready: deque[Sequence[ToSign]] = deque()
        buffer: list[Signed] = []
        with _given_or_own(workers, issuer, len(todo)) as pool:
            count = pool.count if org.key_file is not None else 1
            job = SignJob(str(org.key_file) if count > 1 else None, issuer.settings.key_passphrase,
                           str(out) if out is not None else None, durable, collect,
                           (org.signer.verification_method, org.signer.public_key.multibase))
            in_flight: set[concurrent.futures.Future[Any]] = set()
            checked = False
            while True:
                while len(in_flight) < _QUEUED * count:
                    if not ready:
                        if not windows:
                            break
                        window = windows.popleft()
                        ready.extend(_chunks(run.to_sign(window, stored), count))
                    items = ready.popleft()
                    if count > 1:
                        in_flight.add(pool.executor.submit(sign_rows, job, items))
                    else:
                        in_flight.add(_InProcess().submit(sign_rows, job, items, org.signer))
                if not checked:  # while the workers sign: rows issued before, and their files
                    checked = True
                    run.check_files(before)
                    run._tick(len(before))
                if not in_flight:
                    break
                finished, in_flight = concurrent.futures.wait(in_flight, return_when=concurrent.futures.FIRST_COMPLETED)
                for future in finished:
                    try:
                        results, signing, writing = future.result()
                    except SkillspasError:  # the rows signed so far stay issued; a re-run picks up the rest
                        run.complete(buffer)
                        raise
                    buffer.extend(results)
                    run.seconds["sign"] += signing
                    run.seconds["files"] += writing
                if len(buffer) >= issuer.settings.batch_commit_every or not in_flight:
                    run.complete(buffer)
                    buffer = []
        run.complete(buffer)
        entries = [{
            "line": row.line,
            "rowKey": row.key.split("/", 1)[1],
            "credentialId": run.ids[position],
            "file": row_file_name(row.key) if out is not None else None,
            "issuedNow": position in run.now_issued,
            # revoked or suspended since (``skillspas status``): its file is the record, never one to send as valid
            "status": before[position].state if position in before else "active",
        } for position, row in enumerate(plan)]
        credentials: list[dict[str, Any] | None] = []
        if collect:
            earlier = run.issuance.documents([str(run.ids[p]) for p in range(len(plan)) if p not in run.now_issued])
            credentials = [run.signed.get(p) if p in run.now_issued else _loaded(earlier.get(str(run.ids[p])))
                           for p in range(len(plan))]
        manifest = Manifest(plan[0].key.split("/", 1)[0] if plan else "", org.did, entries, credentials, workers=count,
                            unread=unread_columns(plan) if unread is None else dict(unread),
                            expired=expired_rows(plan[p] for p in sorted(run.now_issued)))
        if out is not None:
            start = time.perf_counter()
            write_atomic(out / MANIFEST, _manifest_text(manifest).encode("utf-8"))
            run.seconds["files"] += time.perf_counter() - start
        manifest.seconds.update(run.seconds, wall=time.perf_counter() - started)
        return manifest
