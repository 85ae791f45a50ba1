"""Batch issuance from a CSV export: validate every row first, then issue idempotently per row key.

Usage::

    rows = read_csv("diplomas-juli.csv")                        # [(line, {column: value}), ...]
    plan = validate_rows(issuer, org, "mbo-diploma", rows)      # BatchInvalid lists every bad row
    manifest = issue_rows(issuer, org, plan, out=Path("out"), progress=lambda done, total: ...)

Nothing is issued while any row is bad: ``BatchInvalid.errors`` holds each problem with its line
(the header is line 1), field and message in Dutch and English. Each row has a key (column
``row_key``); its credential id is derived from it, and a row whose key was issued before is not
issued again, so re-running after a crash issues nothing twice and loses nothing. One signed file
per credential is written (atomically) before the credential counts as issued; ``manifest.json``
lists them all.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import re
import tempfile
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

from skillspas.issuer.credentials import build, type_name
from skillspas.issuer.issuing import Issuer, credential_hash, row_credential_id
from skillspas.issuer.orgs import Org
from skillspas.issuer.problems import ProblemCode, ServiceProblem, problem_text
from skillspas.schemas.errors import ErrorCode, SkillspasError
from skillspas.schemas.type_schemas import localized_text

__all__ = [
    "KEY_COLUMN",
    "RowError",
    "BatchInvalid",
    "BatchRow",
    "Manifest",
    "read_csv",
    "validate_rows",
    "issue_rows",
]

KEY_COLUMN: Final = "row_key"
MANIFEST: Final = "manifest.json"
_MAX_KEY: Final = 200
_SAFE: Final = re.compile(r"[^A-Za-z0-9._-]+")

Progress = Callable[[int, int], None]


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


@dataclass(frozen=True)
class Manifest:
    """What a batch issued: one entry per row, in row order."""

    type: str
    organisation: str
    entries: list[dict[str, Any]]
    credentials: list[dict[str, Any] | None] = field(default_factory=list, repr=False)
    """The signed credentials in row order (``None`` for one issued before when only hashes are kept)."""

    @property
    def issued(self) -> int:
        """How many credentials this run signed (the rest had been issued before)."""
        return sum(1 for entry in self.entries if entry["issuedNow"])

    def to_json(self) -> dict[str, Any]:
        """The ``manifest.json`` document."""
        return {"type": self.type, "issuer": self.organisation, "count": len(self.entries),
                "issuedNow": self.issued, "credentials": self.entries}


def read_csv(source: str | os.PathLike[str] | io.TextIOBase) -> list[tuple[int, dict[str, str]]]:
    """Rows of a CSV file (``,`` or ``;`` separated, UTF-8 with or without BOM) with their line numbers."""
    if isinstance(source, io.TextIOBase):
        text = source.read()
    else:
        text = Path(source).read_bytes().decode("utf-8-sig")
    first = text.split("\n", 1)[0]
    dialect = "excel-semicolon" if first.count(";") > first.count(",") else "excel"
    if dialect not in csv.list_dialects():
        csv.register_dialect("excel-semicolon", delimiter=";")
    reader = csv.DictReader(io.StringIO(text), dialect=dialect)
    rows = []
    for record in reader:
        values = {str(k).strip(): (v or "").strip() for k, v in record.items() if k is not None}
        if any(values.values()):
            rows.append((reader.line_num, values))
    return rows


def _field(error: SkillspasError) -> str | None:
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


def validate_rows(
    issuer: Issuer,
    org: Org,
    kind: str,
    rows: Iterable[tuple[int, Mapping[str, Any]]],
    *,
    key_column: str = KEY_COLUMN,
) -> list[BatchRow]:
    """Build and check every row; raise ``BatchInvalid`` with all problems, or return the plan."""
    org.require("credentials:batch")
    name = type_name(kind)
    if not org.may_issue(name):
        raise ServiceProblem(ProblemCode.TYPE_NOT_ALLOWED, f"an organisation with role {org.role!r} may not issue {name}")
    signer = issuer.signer_for(org)
    errors: list[RowError] = []
    plan: list[BatchRow] = []
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
        scoped = f"{name}/{key}"
        data = {k: v for k, v in row.items() if k != key_column}
        data.setdefault("issuer_name", org.name)
        data.setdefault("id", row_credential_id(org.id, scoped))
        try:
            credential = issuer.prepare(org, build(name, data, issuer=org.did), row_key=scoped)
            signer.check(credential)
        except (SkillspasError, ServiceProblem) as exc:
            errors.append(_row_error(line, exc))
            continue
        except (TypeError, ValueError, KeyError, AttributeError) as exc:  # a value of an unexpected kind
            errors.append(RowError(line, None, ErrorCode.SCHEMA_INVALID.value,
                                   f"the row could not be read ({type(exc).__name__})",
                                   "De regel kon niet worden gelezen."))
            continue
        plan.append(BatchRow(line, scoped, credential))
    if errors:
        raise BatchInvalid(errors)
    return plan


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


def _dump(credential: dict[str, Any]) -> bytes:
    return (json.dumps(credential, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def _intact(path: Path, sha256: str | None) -> bool:
    """Whether ``path`` holds the credential with this stored hash."""
    try:
        return sha256 is not None and credential_hash(json.loads(path.read_bytes())) == sha256
    except (OSError, ValueError):
        return False


def issue_rows(
    issuer: Issuer,
    org: Org,
    plan: Sequence[BatchRow],
    *,
    out: Path | None = None,
    progress: Progress | None = None,
    durable: bool = False,
) -> Manifest:
    """Issue each planned row (skipping keys issued before), write its file to ``out``, then the manifest.

    A row issued before keeps its credential; its file is rewritten from the store when it is
    missing or damaged.
    """
    if out is not None:
        out.mkdir(parents=True, exist_ok=True)
    entries: list[dict[str, Any]] = []
    documents: list[dict[str, Any] | None] = []
    for done, row in enumerate(plan, start=1):
        target = out / _file_name(row.key) if out is not None else None

        def write(signed: dict[str, Any], target: Path | None = target) -> None:
            if target is not None:
                _write_atomic(target, _dump(signed), durable=durable)

        issued = issuer.issue(org, row.credential, row_key=row.key, on_signed=write, checked=True)
        if target is not None and not issued.created and not _intact(target, issued.sha256):
            if issued.credential is None:  # hash-only store and the file is gone: say so, never re-sign
                raise ServiceProblem(ProblemCode.NOT_FOUND, f"the file of row {row.line} is gone and the store keeps only hashes")
            write(issued.credential)
        entries.append({
            "line": row.line,
            "rowKey": row.key.split("/", 1)[1],
            "credentialId": issued.credential_id,
            "file": target.name if target is not None else None,
            "issuedNow": issued.created,
        })
        documents.append(issued.credential)
        if progress is not None:
            progress(done, len(plan))
    manifest = Manifest(plan[0].key.split("/", 1)[0] if plan else "", org.did, entries, documents)
    if out is not None:
        _write_atomic(out / MANIFEST, (json.dumps(manifest.to_json(), indent=2) + "\n").encode("utf-8"))
    return manifest
