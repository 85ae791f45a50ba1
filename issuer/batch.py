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

Building, checking and signing run in worker processes (one per CPU for a large batch, or
``Settings.batch_workers``); this process does the storage, many rows per statement and
transaction (no ORM objects per row). ``manifest.json`` lists every row's credential and file.
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import csv
import datetime as dt
import hashlib
import io
import json
import multiprocessing
import os
import re
import signal
import tempfile
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.exc import IntegrityError

from skillspas.issuer.credentials import build, type_name
from skillspas.issuer import status_registry
from skillspas.issuer.issuing import Issuer, check_stored_ids, credential_hash, default_purposes, row_credential_id
from skillspas.issuer.org_signing import sign_as
from skillspas.issuer.privacy import check_no_national_id
from skillspas.issuer.preflight import CheckedCredential, preflight
from skillspas.issuer.orgs import Org, role_may_issue
from skillspas.issuer.problems import ProblemCode, ServiceProblem, problem_text
from skillspas.issuer.status_registry import BulkReserver, Pending, slot_entries
from skillspas.issuer.store.models import AuditEvent, IssuedCredential
from skillspas.keys import Signer
from skillspas.keys.keyfile import load
from skillspas.schemas.errors import ErrorCode, SkillspasError, error_for
from skillspas.schemas.type_schemas import localized_error, localized_text
from skillspas.verifier.checks import issuer_id, types_of

__all__ = [
    "KEY_COLUMN",
    "RowError",
    "BatchInvalid",
    "BatchRow",
    "Manifest",
    "read_csv",
    "validate_rows",
    "issue_rows",
    "Workers",
    "batch_workers",
]

KEY_COLUMN: Final = "row_key"
MANIFEST: Final = "manifest.json"
_MAX_KEY: Final = 200
_SAFE: Final = re.compile(r"[^A-Za-z0-9._-]+")
_PARALLEL_FROM: Final = 500
"""Rows from which worker processes pay off (starting one costs about as much as 200 rows)."""
_RESERVE_WINDOW: Final = 1000
"""Rows whose status indexes are reserved in one transaction."""
_LOOKUP_CHUNK: Final = 500
"""Keys or ids per ``IN (...)`` query."""
_RESERVE_TRIES: Final = 20

Progress = Callable[[int, int], None]
_CREDENTIALS = IssuedCredential.__table__
_AUDIT = AuditEvent.__table__


@dataclass(frozen=True)
class RowError:
    """One problem in one row: its line (header = 1), the field, a code and nl/en messages."""

    line: int
    field: str | None
    code: str
    message: str
    message_nl: str

    def to_json(self) -> dict[str, Any]:
        """The JSON form (``BatchRowError`` in the API)."""
        return {"line": self.line, "field": self.field, "code": self.code, "message": self.message,
                "messageNl": self.message_nl}

    def __str__(self) -> str:
        where = f"line {self.line}" + (f", {self.field}" if self.field else "")
        return f"{where}: [{self.code}] {self.message_nl} / {self.message}"


class BatchInvalid(Exception):
    """Some rows are not valid; nothing was issued."""

    def __init__(self, errors: Sequence[RowError]) -> None:
        self.errors = list(errors)
        super().__init__(f"{len(self.errors)} problem(s) in the batch; nothing was issued")


@dataclass(frozen=True)
class BatchRow:
    """A validated row: its line, key (type-scoped) and unsigned credential."""

    line: int
    key: str
    credential: dict[str, Any]
    checked: CheckedCredential
    """The same credential as ``preflight`` passed it: what the workers sign."""


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

    @property
    def issued(self) -> int:
        """How many credentials this run signed (the rest had been issued before)."""
        return sum(1 for entry in self.entries if entry["issuedNow"])

    def to_json(self) -> dict[str, Any]:
        """The ``manifest.json`` document."""
        return {"type": self.type, "issuer": self.organisation, "count": len(self.entries),
                "issuedNow": self.issued, "credentials": self.entries}


def read_csv(source: str | os.PathLike[str] | io.TextIOBase) -> list[tuple[int, dict[str, str]]]:
    """Rows of a CSV file with their line numbers: ``,`` or ``;`` separated (Dutch Excel's default; an
    Excel ``sep=`` first line is honoured), UTF-8 with or without BOM. Coded refusals (nl/en) for a
    missing file, another encoding (e.g. Excel's "CSV" in Windows-1252: save as "CSV UTF-8"), a JSON
    file, a column named like a national id (one error for the column, not one per row), and a file without
    data rows."""
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
    try:
        _check_columns(reader.fieldnames or [])
        for record in reader:
            values = {str(k).strip(): (v or "").strip() for k, v in record.items() if k is not None}
            if any(values.values()):
                rows.append((reader.line_num + skipped, values))
    except csv.Error as exc:  # e.g. a field over csv's limit of 131,072 characters
        code = ErrorCode.TOO_LARGE if "field limit" in str(exc) else ErrorCode.SCHEMA_INVALID
        raise error_for(code, f"line {reader.line_num + skipped} of the CSV file: {exc}") from None
    if not rows:  # an empty export is a mistake to say, not a batch that quietly issues nothing
        raise localized_error(ErrorCode.SCHEMA_INVALID, nl="Het CSV-bestand heeft geen regels met gegevens (alleen een kopregel, of niets).",
                              en="The CSV file has no data rows (only a header line, or nothing).")
    return rows


def _csv_text(path: Path) -> str:
    """The text of a CSV file, refused (``schema_invalid``, nl/en) unless it is a UTF-8 CSV file."""
    if not path.is_file():
        raise localized_error(ErrorCode.SCHEMA_INVALID, nl=f"Het CSV-bestand {path} bestaat niet of is geen bestand.",
                              en=f"The CSV file {path} does not exist or is not a file.")
    data = path.read_bytes()
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


def _check_columns(columns: Sequence[str]) -> None:
    """Refuse a column named like a national identification number (BSN, onderwijsnummer), once."""
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
    them (spawned, so safe under threads); one means everything runs in this process.
    """
    count = issuer.settings.batch_workers
    if not count:
        cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
        count = cpus if rows >= _PARALLEL_FROM else 1
    if count <= 1:
        yield Workers(1, _InProcess())
        return
    pool = concurrent.futures.ProcessPoolExecutor(
        count, mp_context=multiprocessing.get_context("spawn"), initializer=_worker_init, initargs=(os.getpid(),)
    )
    try:
        yield Workers(count, pool)
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


@contextlib.contextmanager
def _given_or_own(workers: Workers | None, issuer: Issuer, rows: int) -> Iterator[Workers]:
    if workers is not None:
        yield workers
    else:
        with batch_workers(issuer, rows) as own:
            yield own


def _worker_init(parent: int) -> None:
    """Die with the parent (a killed batch must leave no process writing files), leave Ctrl-C to it."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    with contextlib.suppress(OSError, AttributeError):
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG (Linux)
    if os.getppid() != parent:
        os._exit(1)


_SIGNERS: dict[tuple[str, str | None], Signer] = {}


def _signer(key_file: str, passphrase: str | None) -> Signer:
    """The organisation's signer in a worker process, loaded from the keystore once."""
    cached = _SIGNERS.get((key_file, passphrase))
    if cached is None:
        cached = _SIGNERS[(key_file, passphrase)] = load(Path(key_file), passphrase)
    return cached


def _chunks(items: Sequence[Any], workers: int, largest: int = 64) -> list[Sequence[Any]]:
    """Pieces small enough to keep every worker busy to the end, large enough to cost little to send."""
    size = max(4, min(largest, len(items) // (workers * 8) or 1))
    return [items[i:i + size] for i in range(0, len(items), size)]


# -- validation ------------------------------------------------------------------------------

@dataclass(frozen=True)
class _OrgRef:
    """What a worker needs to know of the organisation to build its rows."""

    id: str
    name: str
    did: str
    role: str


def _field(error: SkillspasError | ServiceProblem) -> str | None:
    """The row field an error is about (builder errors point at ``/<field>``)."""
    if not error.path or error.path == "/":
        return None
    return error.path.lstrip("/").split("/", 1)[0] or None


def _row_error(line: int, error: SkillspasError | ServiceProblem) -> RowError:
    if isinstance(error, ServiceProblem):
        return RowError(line, _field(error) if error.path else None, error.code.value, error.message,
                        problem_text(error.code, "nl"))
    return RowError(line, _field(error), error.code.value, localized_text(error, "en"), localized_text(error, "nl"))


def _key_error(line: int, message: str, message_nl: str) -> RowError:
    return RowError(line, KEY_COLUMN, ErrorCode.SCHEMA_INVALID.value, message, message_nl)


def _build_rows(org: _OrgRef, name: str, rows: Sequence[tuple[int, str, dict[str, Any]]]) -> list[BatchRow | RowError]:
    """Build and check rows (in a worker): each a ``BatchRow`` or the ``RowError`` that refuses it."""
    results: list[BatchRow | RowError] = []
    for line, scoped, data in rows:
        data.setdefault("issuer_name", org.name)
        data.setdefault("id", row_credential_id(org.id, scoped))
        try:
            if data["issuer_name"] != org.name:  # the name comes from the organisation record
                raise error_for(ErrorCode.ISSUER_MISMATCH, f"the row names issuer {data['issuer_name']!r}; "
                                f"this organisation is {org.name!r}", "/issuer_name")
            # The builders refuse national ids and check the type's schemas; preflight what a
            # verifier checks (bounds, contexts, VC shape, related resources, strict expansion) and
            # the issuer's rules on the expansion (dates, skills, issuer name); the role on its type.
            credential = build(name, data, issuer=org.did)
            if issuer_id(credential) != org.did:
                raise error_for(ErrorCode.ISSUER_MISMATCH, f"the row names issuer {issuer_id(credential)!r}", "/issuer")
            check_stored_ids(credential)
            if "credentialStatus" in credential:  # the service allocates status entries itself
                raise error_for(ErrorCode.FORBIDDEN_FIELD, "the service adds the status entries itself",
                                "/credentialStatus")
            checked = preflight(credential, org.did, org_name=org.name)
            kind = checked.kind
            if not role_may_issue(org.role, kind):
                raise ServiceProblem(ProblemCode.TYPE_NOT_ALLOWED,
                                     f"an organisation with role {org.role!r} may not issue {kind}", "/type")
        except (SkillspasError, ServiceProblem) as exc:
            results.append(_row_error(line, exc))
        except (TypeError, ValueError, KeyError, AttributeError) as exc:  # a value of an unexpected kind
            results.append(RowError(line, None, ErrorCode.SCHEMA_INVALID.value,
                                    f"the row could not be read ({type(exc).__name__})",
                                    "De regel kon niet worden gelezen."))
        else:
            results.append(BatchRow(line, scoped, credential, checked))
    return results


def validate_rows(
    issuer: Issuer,
    org: Org,
    kind: str,
    rows: Iterable[tuple[int, Mapping[str, Any]]],
    *,
    key_column: str = KEY_COLUMN,
    workers: Workers | None = None,
) -> list[BatchRow]:
    """Build and check every row; raise ``BatchInvalid`` with all problems, or return the plan.

    ``workers`` (``batch_workers``) builds in worker processes; else they are started for this call."""
    org.require("credentials:batch")
    name = type_name(kind)
    if not org.may_issue(name):
        raise ServiceProblem(ProblemCode.TYPE_NOT_ALLOWED, f"an organisation with role {org.role!r} may not issue {name}")
    errors: list[RowError] = []
    keyed: list[tuple[int, str, dict[str, Any]]] = []
    seen: dict[str, int] = {}
    for line, row in rows:
        key = str(row.get(key_column) or "").strip()
        if not key:
            errors.append(_key_error(line, f"the row key (column '{key_column}') is missing",
                                     f"De rijsleutel (kolom '{key_column}') ontbreekt."))
            continue
        if len(key) > _MAX_KEY:
            errors.append(_key_error(line, f"the row key is longer than {_MAX_KEY} characters",
                                     f"De rijsleutel is langer dan {_MAX_KEY} tekens."))
            continue
        if key in seen:
            errors.append(_key_error(line, f"row key {key!r} is also on line {seen[key]}",
                                     f"Rijsleutel {key!r} staat ook op regel {seen[key]}."))
            continue
        seen[key] = line
        keyed.append((line, f"{name}/{key}", {k: v for k, v in row.items() if k != key_column}))
    ref = _OrgRef(org.id, org.name, org.did, org.role)
    plan: list[BatchRow] = []
    with _given_or_own(workers, issuer, len(keyed)) as pool:
        futures = [pool.executor.submit(_build_rows, ref, name, chunk) for chunk in _chunks(keyed, pool.count, 256)]
        for future in futures:
            for result in future.result():
                (errors if isinstance(result, RowError) else plan).append(result)  # type: ignore[arg-type]
    errors.extend(_duplicate_ids(issuer, plan))
    if errors:
        raise BatchInvalid(sorted(errors, key=lambda e: e.line))
    return plan


def _duplicate_ids(issuer: Issuer, plan: Sequence[BatchRow]) -> list[RowError]:
    """Rows whose credential id another row has, or was issued before under another row key."""
    errors: list[RowError] = []
    first: dict[str, BatchRow] = {}
    for row in plan:
        cid = row.credential["id"]
        if cid in first:
            errors.append(RowError(row.line, "id", ProblemCode.DUPLICATE_ID.value,
                                   f"credential id {cid!r} is also on line {first[cid].line}",
                                   f"Bewijsstuk-id {cid!r} staat ook op regel {first[cid].line}."))
        else:
            first[cid] = row
    for row in _issued_elsewhere(issuer.store.transaction, list(first.values())):
        taken = status_registry.taken(row.credential["id"])  # worded the same whoever holds it
        errors.append(RowError(row.line, "id", taken.code.value, taken.message, problem_text(taken.code, "nl")))
    return errors


# -- files -----------------------------------------------------------------------------------

def _file_name(key: str) -> str:
    """A safe, unique file name for a row key."""
    digest = hashlib.sha256(key.encode("utf-8")).hexdigest()[:10]
    return f"{_SAFE.sub('_', key.split('/', 1)[-1])[:80]}-{digest}.json"


def _write_atomic(path: Path, data: bytes, *, durable: bool = False) -> None:
    """Write ``data`` via a temp file and rename: a killed process leaves the old file or the new, never half.

    ``durable`` also fsyncs (surviving power loss costs milliseconds per file); without it a re-run
    still finds and rewrites any file that is missing or does not match the stored hash.
    """
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            if durable:
                handle.flush()
                os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _compact(credential: dict[str, Any]) -> str:
    """The JSON text stored and written to the credential's file (compact: 4x faster to write than indented)."""
    return json.dumps(credential, separators=(",", ":"), ensure_ascii=False)


def _dump(credential: dict[str, Any]) -> bytes:
    return (_compact(credential) + "\n").encode("utf-8")


def _intact(path: Path, sha256: str | None) -> bool:
    """Whether ``path`` holds the credential with this stored hash."""
    try:
        return sha256 is not None and credential_hash(json.loads(path.read_bytes())) == sha256
    except (OSError, ValueError):
        return False


# -- signing ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class _SignJob:
    """What every signing task of one batch shares (sent to each worker with its rows)."""

    key_file: str | None
    passphrase: str | None = field(repr=False)
    out: str | None
    durable: bool
    keep: bool
    """Return the signed credential itself (else only its JSON text and hash)."""


@dataclass(frozen=True)
class _ToSign:
    position: int
    line: int
    credential: CheckedCredential
    credential_id: str
    status: list[dict[str, Any]]
    file: str | None


@dataclass(frozen=True)
class _Signed:
    position: int
    credential_id: str
    sha256: str
    text: str
    credential: dict[str, Any] | None


def _sign_rows(
    job: _SignJob, items: Sequence[_ToSign], signer: Signer | None = None
) -> tuple[list[_Signed], float, float]:
    """Sign rows (in a worker) and write each file before it counts; also the seconds spent signing and writing."""
    signer = signer or _signer(str(job.key_file), job.passphrase)
    done: list[_Signed] = []
    signing = writing = 0.0
    for item in items:
        start = time.perf_counter()
        try:
            signed = sign_as(signer, item.credential.with_status(item.status, item.credential_id))
        except SkillspasError as exc:  # the rows were checked: a failing key, not a bad row, as a rule
            raise error_for(exc.code, f"line {item.line}: {exc.message}", exc.path) from None
        text = _compact(signed)
        middle = time.perf_counter()
        if job.out is not None and item.file is not None:
            _write_atomic(Path(job.out) / item.file, (text + "\n").encode("utf-8"), durable=job.durable)
        signing += middle - start
        writing += time.perf_counter() - middle
        done.append(_Signed(item.position, item.credential_id, credential_hash(signed), text,
                            signed if job.keep else None))
    return done, signing, writing


# -- storage ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class _Stored:
    """A batch row's record as found in the store."""

    credential_id: str
    state: str
    seq: int | None
    index: int | None
    purposes: tuple[str, ...]
    sha256: str | None


def _lookup(transaction: Callable[[], Any], org: Org, keys: Sequence[str]) -> dict[str, _Stored]:
    """The records of these row keys that exist, by row key."""
    found: dict[str, _Stored] = {}
    columns = (IssuedCredential.row_key, IssuedCredential.credential_id, IssuedCredential.state,
               IssuedCredential.status_seq, IssuedCredential.status_index, IssuedCredential.status_purposes,
               IssuedCredential.sha256)
    with transaction() as session:
        for start in range(0, len(keys), _LOOKUP_CHUNK):
            chunk = keys[start:start + _LOOKUP_CHUNK]
            for row in session.execute(select(*columns).where(
                    IssuedCredential.org_id == org.id, IssuedCredential.row_key.in_(chunk))):
                found[row.row_key] = _Stored(row.credential_id, row.state, row.status_seq, row.status_index,
                                             tuple(row.status_purposes.split()), row.sha256)
    return found


def _documents(transaction: Callable[[], Any], ids: Sequence[str]) -> dict[str, dict[str, Any] | None]:
    """The stored credentials (``None`` when only the hash is kept), by credential id."""
    found: dict[str, dict[str, Any] | None] = {}
    with transaction() as session:
        for start in range(0, len(ids), _LOOKUP_CHUNK):
            chunk = ids[start:start + _LOOKUP_CHUNK]
            for cid, text in session.execute(select(IssuedCredential.credential_id, IssuedCredential.document)
                                             .where(IssuedCredential.credential_id.in_(chunk))):
                found[cid] = json.loads(text) if text else None
    return found


def _issued_elsewhere(transaction: Callable[[], Any], rows: Sequence[BatchRow]) -> list[BatchRow]:
    """The rows whose credential id was issued before, other than by their own row key."""
    by_id = {row.credential["id"]: row for row in rows}
    ids = list(by_id)
    found = []
    with transaction() as session:
        for start in range(0, len(ids), _LOOKUP_CHUNK):
            for cid, key in session.execute(select(IssuedCredential.credential_id, IssuedCredential.row_key)
                                            .where(IssuedCredential.credential_id.in_(ids[start:start + _LOOKUP_CHUNK]))):
                if key != by_id[cid].key:
                    found.append(by_id[cid])
    return found


class _Run:
    """One ``issue_rows`` call: reserves, dispatches, completes, in row windows."""

    def __init__(self, issuer: Issuer, org: Org, plan: Sequence[BatchRow], out: Path | None,
                 progress: Progress | None) -> None:
        self.issuer = issuer
        self.org = org
        self.plan = plan
        self.out = out
        self.progress = progress
        self.reserver = BulkReserver(issuer.settings, org_id=org.id, org_did=org.did,
                                     publish=lambda unsigned: sign_as(org.signer, unsigned))
        self.ids: list[str | None] = [None] * len(plan)
        self.slots: dict[int, _Stored] = {}
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

    def to_sign(self, positions: Sequence[int], stored: dict[str, _Stored]) -> list[_ToSign]:
        """Reserve records for the new rows among ``positions`` (pending ones keep theirs); the rows to sign."""
        for attempt in range(_RESERVE_TRIES):
            fresh = [p for p in positions if self.plan[p].key not in stored]
            if not fresh:
                break
            try:
                with self.transaction() as session:
                    slots = self.reserver.reserve(session, [self._pending(self.plan[p]) for p in fresh])
            except IntegrityError:  # another request took an index, or a concurrent run some of these rows
                if attempt == _RESERVE_TRIES - 1:
                    raise
                stored.update(_lookup(self.transaction, self.org, [self.plan[p].key for p in fresh]))
                clash = _issued_elsewhere(self.transaction, [self.plan[p] for p in fresh if self.plan[p].key not in stored])
                if clash:  # taken since the rows were checked
                    raise status_registry.taken(clash[0].credential["id"]) from None
                continue
            for position, slot in zip(fresh, slots):
                stored[self.plan[position].key] = _Stored(slot.credential_id, "pending", slot.seq, slot.index,
                                                          slot.purposes, None)
            break
        items = []
        for position in positions:
            row, found = self.plan[position], stored[self.plan[position].key]
            self.ids[position] = found.credential_id
            self.slots[position] = found
            status = slot_entries(self.issuer.settings, self.org.id, found.seq, found.index, found.purposes)
            items.append(_ToSign(position, row.line, row.checked, found.credential_id, status,
                                 _file_name(row.key) if self.out is not None else None))
        return items

    @staticmethod
    def _pending(row: BatchRow) -> Pending:
        return Pending(row.credential["id"], row.key, types_of(row.credential), default_purposes(row.credential))

    def complete(self, results: Sequence[_Signed]) -> None:
        """Mark signed rows ``active`` with hash (and document), audited, in one transaction."""
        if not results:
            return
        moment = dt.datetime.now(dt.timezone.utc)
        keep_document = self.issuer.settings.store_credentials == "full"
        with self.transaction() as session:
            states = dict(session.execute(
                select(IssuedCredential.credential_id, IssuedCredential.state)
                .where(IssuedCredential.credential_id.in_([r.credential_id for r in results]))
                .with_for_update()
            ).all())
            fresh = [r for r in results if states.get(r.credential_id) == "pending"]
            if fresh:
                session.execute(
                    update(_CREDENTIALS)
                    .where(_CREDENTIALS.c.credential_id == bindparam("b_id"), _CREDENTIALS.c.state == "pending")
                    .values(state="active", sha256=bindparam("b_sha"), document=bindparam("b_doc"),
                            updated_at=bindparam("b_at")),
                    [{"b_id": r.credential_id, "b_sha": r.sha256, "b_doc": r.text if keep_document else None,
                      "b_at": moment} for r in fresh],
                )
                session.execute(insert(_AUDIT), [self._audit(r, moment) for r in fresh])
        others = [r for r in results if states.get(r.credential_id) != "pending"]
        if others:  # a concurrent run of the same batch completed these first: its version stands
            self._rewrite({r.position: r.credential_id for r in others})
        for result in fresh:
            self.now_issued.add(result.position)
            if result.credential is not None:
                self.signed[result.position] = result.credential
        self._tick(len(results))

    def _audit(self, result: _Signed, moment: dt.datetime) -> dict[str, Any]:
        row, slot = self.plan[result.position], self.slots[result.position]
        detail = {"types": types_of(row.credential), "statusIndex": slot.index, "statusList": slot.seq,
                  "rowKey": row.key}
        return {"at": moment, "org_id": self.org.id, "actor": self.org.actor, "action": "credential.issue",
                "target": result.credential_id, "detail": json.dumps(detail, sort_keys=True)}

    def check_files(self, issued_before: dict[int, _Stored]) -> None:
        """Rewrite the file of every row issued before that is missing or not the stored credential."""
        if self.out is None:
            return
        damaged = {p: s.credential_id for p, s in issued_before.items()
                   if not _intact(self.out / _file_name(self.plan[p].key), s.sha256)}
        self._rewrite(damaged)

    def _rewrite(self, positions: dict[int, str]) -> None:
        if not positions or self.out is None:
            return
        documents = _documents(self.transaction, list(positions.values()))
        for position, cid in positions.items():
            document = documents.get(cid)
            if document is None:  # hash-only store and the file is gone: say so, never re-sign
                raise ServiceProblem(ProblemCode.NOT_FOUND, f"the file of row {self.plan[position].line} is gone "
                                     "and the store keeps only hashes")
            _write_atomic(self.out / _file_name(self.plan[position].key), _dump(document))


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
) -> Manifest:
    """Issue each planned row (skipping keys issued before), write its file to ``out``, then the manifest.

    A row issued before keeps its credential; its file is rewritten from the store when it is
    missing or damaged. ``collect`` also returns the signed credentials (``Manifest.credentials``).
    ``workers`` (``batch_workers``) signs in worker processes; else they are started for this call.
    """
    org.require("credentials:issue")
    started = time.perf_counter()
    if out is not None:
        out.mkdir(parents=True, exist_ok=True)
    run = _Run(issuer, org, plan, out, progress)
    stored = _lookup(run.transaction, org, [row.key for row in plan])
    before: dict[int, _Stored] = {}
    todo: list[int] = []
    for position, row in enumerate(plan):
        found = stored.get(row.key)
        if found is not None and found.state != "pending":
            before[position] = found
            run.ids[position] = found.credential_id
        else:
            todo.append(position)
    windows = deque(todo[i:i + _RESERVE_WINDOW] for i in range(0, len(todo), _RESERVE_WINDOW))
    ready: deque[Sequence[_ToSign]] = deque()
    buffer: list[_Signed] = []
    with _given_or_own(workers, issuer, len(todo)) as pool:
        count = pool.count if org.key_file is not None else 1
        job = _SignJob(str(org.key_file) if count > 1 else None, issuer.settings.key_passphrase,
                       str(out) if out is not None else None, durable, collect)
        in_flight: set[concurrent.futures.Future[Any]] = set()
        checked = False
        while True:
            while len(in_flight) < 2 * count:
                if not ready:
                    if not windows:
                        break
                    window = windows.popleft()
                    ready.extend(_chunks(run.to_sign(window, stored), count))
                items = ready.popleft()
                if count > 1:
                    in_flight.add(pool.executor.submit(_sign_rows, job, items))
                else:
                    in_flight.add(_InProcess().submit(_sign_rows, job, items, org.signer))
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
        "file": _file_name(row.key) if out is not None else None,
        "issuedNow": position in run.now_issued,
    } for position, row in enumerate(plan)]
    credentials: list[dict[str, Any] | None] = []
    if collect:
        earlier = _documents(run.transaction, [str(run.ids[p]) for p in range(len(plan)) if p not in run.now_issued])
        credentials = [run.signed.get(p) if p in run.now_issued else earlier.get(str(run.ids[p]))
                       for p in range(len(plan))]
    manifest = Manifest(plan[0].key.split("/", 1)[0] if plan else "", org.did, entries, credentials, workers=count)
    if out is not None:
        start = time.perf_counter()
        _write_atomic(out / MANIFEST, (json.dumps(manifest.to_json(), indent=2) + "\n").encode("utf-8"))
        run.seconds["files"] += time.perf_counter() - start
    manifest.seconds.update(run.seconds, wall=time.perf_counter() - started)
    return manifest
