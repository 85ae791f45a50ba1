"""What a batch's worker processes run: build and check rows (``validate_rows``), sign and write them (``issue_rows``).

Kept apart from ``skillspas.issuer.batch`` so that a spawned worker (the service's: ``batch._start_method``) imports
only the builders, ``preflight`` and the signer, not the store's stack (SQLAlchemy): each starts in about half the time
(measured: import 0.42 -> 0.16 s CPU), and a batch starts one per core; a forked one imports nothing. What crosses between the processes is defined here
too: a row as it comes back (``BatchRow``, ``RowError``), a row to sign and a signed one.
"""

from __future__ import annotations

import contextlib
import functools
import gc
import hashlib
import json
import marshal
import os
import signal
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import TYPE_CHECKING, Any

from skillspas.issuer.credentials import build, expired_at_issue, noting_unread, row_field
from skillspas.issuer.org_signing import reusing, sign_as
from skillspas.issuer.preflight import CheckedCredential, preflight
from skillspas.issuer.privacy import remembering_passed_values
from skillspas.issuer.stored_form import canonical_text, check_stored_ids, row_credential_id
from skillspas.keys import Signer
from skillspas.keys.keyfile import load
from skillspas.schemas.errors import ErrorCode, SkillspasError, error_for, localized_error
from skillspas.schemas.files import write_atomic
from skillspas.schemas.vc import issuer_id

if TYPE_CHECKING:
    from skillspas.issuer.store.issuance import RowOffer, Slot

__all__ = ["RowError", "BatchRow", "OrgRef", "SignJob", "ToSign", "Signed", "build_rows", "sign_rows", "row_error",
           "column_hashes", "row_digest", "changed_columns", "without_gc_pauses", "worker_init", "write_atomic"]


@dataclass(frozen=True)
class RowError:
    """One problem in one row: its line (header = 1), the field, a code and nl/en messages."""

    line: int
    field: str | None
    code: str
    message: str
    message_nl: str
    unread: tuple[tuple[str, str | None], ...] = ()
    """The row's columns with a value that no builder reads, each with the field it most looks like (``naam``:
    ``learner_name``, the missing field its refusal names; ``noting_unread``)."""

    def to_json(self) -> dict[str, Any]:
        """The JSON form (``BatchRowError`` in the API)."""
        return {"line": self.line, "field": self.field, "code": self.code, "message": self.message,
                "messageNl": self.message_nl}

    def __str__(self) -> str:
        where = f"line {self.line}" + (f", {self.field}" if self.field else "")
        return f"{where}: [{self.code}] {self.message_nl} / {self.message}"


@dataclass(frozen=True)
class BatchRow:
    """A validated row: its line, key (type-scoped) and checked credential, sealed; or a row issued before
    (``issued``: its record; not built again, its credential stands); or, in a plan for claim offers, a row whose
    open offer exists (``offered``: not built again, its offer stands)."""

    line: int
    key: str
    sealed: bytes | None = None
    """The credential as ``preflight`` passed it (``checked``), as bytes: what a worker signs (None: issued
    before). The batch's own process only passes it on, so it never takes the document apart (measured: a
    row's round trip parent <-> workers 75 -> 40 us CPU, of which this process's 35 -> 6 us)."""
    id: str | None = None
    types: tuple[str, ...] = ()
    kind: str | None = None
    """The checked credential's id, types and skillspas type: what the store and the role check need."""
    issued: Slot | None = None
    offered: RowOffer | None = None
    unread: tuple[tuple[str, str | None], ...] = ()
    """The row's columns with a value that its builder did not read, each with the field it most looks like."""
    expired: str | None = None
    """The credential's ``validUntil`` when it has expired before it is issued (``expired_at_issue``), else ``None``."""
    digest: str | None = None
    """What the row says, column by column (``row_digest``): kept with its credential, so that a re-run of the row
    with other data is refused (``changed_columns``)."""

    @property
    def checked(self) -> CheckedCredential | None:
        """The checked credential (a new value each time; None for a row issued before)."""
        return None if self.sealed is None else _unsealed(self.sealed)


def column_hashes(data: Mapping[str, Any]) -> dict[str, str]:
    """Each column of a row that has a value, by the field the builders read it as (``Learner-Name``:
    ``learner_name``; a column no builder reads by its name as given), with the first 16 hex digits of the SHA-256 of
    its value (text without its surrounding spaces; any other value as its JSON text, so ``5`` and ``"5"`` agree)."""
    hashes: dict[str, str] = {}
    for column, value in data.items():
        if value is None or (type(value) is str and not value.strip()):
            continue
        text = value.strip() if type(value) is str else json.dumps(value, sort_keys=True, ensure_ascii=False)
        hashes[row_field(str(column)) or str(column)] = hashlib.sha256(
            text.encode("utf-8", "surrogatepass")).hexdigest()[:16]
    return hashes


def row_digest(hashes: Mapping[str, str], unread: Iterable[str] = ()) -> str:
    """The row's ``column_hashes`` as kept with its credential (compact JSON): a column that its builder did not
    read (``unread``: its value is in no credential) as ``null``, so a later change to it counts for nothing."""
    skipped = {row_field(column) or column for column in unread}
    return json.dumps({column: None if column in skipped else digest for column, digest in sorted(hashes.items())},
                      separators=(",", ":"), ensure_ascii=False)


def changed_columns(kept: Mapping[str, str | None] | None, hashes: Mapping[str, str]) -> list[str]:
    """The columns in which a row (its ``column_hashes``) says otherwise than when its credential was issued
    (``kept``: its ``row_digest`` as the store reads it back, ``Slot.row_columns``; None when not known: nothing to
    compare): a column read then whose value differs or is gone, and a column of a row field that had no value then
    and has one now."""
    if not kept:
        return []
    changed = {column for column, digest in kept.items() if digest is not None and hashes.get(column) != digest}
    changed.update(column for column in hashes if column not in kept and row_field(column) is not None)
    return sorted(changed)


def _sealed(checked: CheckedCredential) -> bytes:
    """A checked credential as bytes (``marshal``: its document is plain JSON values, ``copy_json``'s)."""
    return marshal.dumps(tuple(getattr(checked, f.name) for f in fields(checked)))


def _unsealed(data: bytes) -> CheckedCredential:
    """The checked credential ``_sealed`` made: the same values, as ``pickle`` would give them back."""
    return CheckedCredential(*marshal.loads(data))


def worker_init(parent: int) -> None:
    """Die with the parent (a killed batch must leave no process writing files), leave Ctrl-C to it."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    with contextlib.suppress(OSError, AttributeError):
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG (Linux)
    if os.getppid() != parent:
        os._exit(1)


_SIGNERS: dict[tuple[str, str | None], Signer] = {}


def _signer(key_file: str, passphrase: str | None, key: tuple[str, str] | None = None) -> Signer:
    """The organisation's signer in a worker process, loaded from the keystore once; ``invalid_key_file`` when the file
    holds another key than ``key`` (``SignJob.key``: what the batch's own process checked against the organisation's
    record)."""
    cached = _SIGNERS.get((key_file, passphrase))
    if cached is None:
        cached = load(Path(key_file), passphrase)
        if key is not None and (cached.verification_method, cached.public_key.multibase) != key:
            method = key[0]
            raise localized_error(ErrorCode.INVALID_KEY_FILE, en=f"key file {key_file!r} does not hold the "
                                  f"organisation's key {method}", nl=f"sleutelbestand {key_file!r} bevat niet de "
                                  f"sleutel {method} van de organisatie")
        _SIGNERS[(key_file, passphrase)] = cached
    return cached


@dataclass(frozen=True)
class OrgRef:
    """What a worker needs to know of the organisation to build its rows."""

    id: str
    name: str
    did: str


def _field(error: SkillspasError) -> str | None:
    """The row field an error is about (builder errors point at ``/<field>``)."""
    if not error.path or error.path == "/":
        return None
    return error.path.lstrip("/").split("/", 1)[0] or None


def row_error(line: int, error: SkillspasError, unread: dict[str, str | None] | None = None) -> RowError:
    """The ``RowError`` of ``error`` on ``line``, with the row's ``unread`` columns (``noting_unread``)."""
    return RowError(line, _field(error), error.code.value, error.text("en"), error.text("nl"),
                    tuple((unread or {}).items()))


def without_gc_pauses(function: Callable[..., Any]) -> Callable[..., Any]:
    """Run a batch step with the cyclic garbage collector paused (and resumed after, if it ran before):
    its passes over a plan of 10,000 credentials cost more than the step itself (profiled: 0.9 of the
    1.1 CPU seconds of a re-run of 10,000 rows), and in a worker its young-generation passes over the
    documents being built and signed cost 7 % of a signature (measured: 518 -> 552 us a row). The rows'
    objects are freed by reference counting."""
    @functools.wraps(function)
    def paused(*args: Any, **kwargs: Any) -> Any:
        enabled = gc.isenabled()
        gc.disable()
        try:
            return function(*args, **kwargs)
        finally:
            if enabled:
                gc.enable()
    return paused


@without_gc_pauses
@remembering_passed_values()  # the national-id check: most strings are the same in every row
def build_rows(org: OrgRef, name: str, rows: Sequence[tuple[int, str, dict[str, Any]]]) -> list[BatchRow | RowError]:
    """Build and check rows (in a worker): each a ``BatchRow`` or the ``RowError`` that refuses it."""
    results: list[BatchRow | RowError] = []
    for line, scoped, data in rows:
        unread: dict[str, str | None] = {}
        hashes = column_hashes(data)  # what the row says, before the defaults below are filled in
        data.setdefault("issuer_name", org.name)
        data.setdefault("id", row_credential_id(org.id, scoped))
        try:
            if data["issuer_name"] != org.name:  # the name comes from the organisation record
                raise error_for(ErrorCode.ISSUER_MISMATCH, f"the row names issuer {data['issuer_name']!r}; "
                                f"this organisation is {org.name!r}", "/issuer_name",
                                nl=f"de regel noemt uitgever {data['issuer_name']!r}; deze organisatie is {org.name!r}")
            # The builders refuse national ids and check the type's schemas; preflight what a
            # verifier checks (bounds, contexts, VC shape, related resources, strict expansion) and
            # the issuer's rules on the expansion (dates, skills, issuer name). (The role: validate_rows.)
            with noting_unread() as unread:  # a column no builder reads: its value would be in no credential
                credential = build(name, data, issuer=org.did)
            if issuer_id(credential) != org.did:
                raise error_for(ErrorCode.ISSUER_MISMATCH, f"the row names issuer {issuer_id(credential)!r}; this "
                                f"organisation is {org.did!r}", "/issuer",
                                nl=f"de regel noemt uitgever {issuer_id(credential)!r}; deze organisatie is {org.did!r}")
            check_stored_ids(credential)
            if "credentialStatus" in credential:  # the service allocates status entries itself
                raise error_for(ErrorCode.FORBIDDEN_FIELD, "the service adds the status entries itself",
                                "/credentialStatus", nl="de dienst voegt de statusvermeldingen zelf toe: laat "
                                                        "credentialStatus weg")
            # ``built``: the builder's credential, unchanged (the checks above only read it) and used
            # no more here: preflight neither copies it nor looks for the national ids ``finish`` refused.
            with reusing():  # the achievement's expansion, the same in every row of a kwalificatie, made once
                checked = preflight(credential, org.did, org_name=org.name, built=True)
        except SkillspasError as exc:
            results.append(row_error(line, exc, unread))
        except (TypeError, ValueError, KeyError, AttributeError) as exc:  # a value of an unexpected kind
            results.append(RowError(line, None, ErrorCode.SCHEMA_INVALID.value,
                                    f"the row could not be read ({type(exc).__name__})",
                                    "De regel kon niet worden gelezen.", tuple(unread.items())))
        else:
            results.append(BatchRow(line, scoped, _sealed(checked), checked.id, checked.types, checked.kind,
                                    unread=tuple(unread.items()), expired=expired_at_issue(credential),
                                    digest=row_digest(hashes, unread)))
    return results


@dataclass(frozen=True)
class SignJob:
    """What every signing task of one batch shares (sent to each worker with its rows)."""

    key_file: str | None
    passphrase: str | None = field(repr=False)
    out: str | None
    durable: bool
    keep: bool
    """Return the signed credential itself (else only its JSON text and hash)."""
    key: tuple[str, str] | None = None
    """The verification method and public key (multibase) the organisation signs with (its signer in the batch's own
    process, checked against its record): a worker that loads ``key_file`` finds that key in it, or signs nothing
    (another key file put in its place meanwhile)."""


@dataclass(frozen=True)
class ToSign:
    position: int
    line: int
    sealed: bytes
    """The row's checked credential (``BatchRow.sealed``)."""
    credential_id: str
    status: list[dict[str, Any]]
    file: str | None


@dataclass(frozen=True)
class Signed:
    position: int
    credential_id: str
    sha256: str
    text: str
    credential: dict[str, Any] | None


@without_gc_pauses
def sign_rows(
    job: SignJob, items: Sequence[ToSign], signer: Signer | None = None
) -> tuple[list[Signed], float, float]:
    """Sign rows (in a worker) and write each file before it counts; also the seconds spent signing and writing."""
    signer = signer or _signer(str(job.key_file), job.passphrase, job.key)
    done: list[Signed] = []
    signing = writing = 0.0
    for item in items:
        start = time.perf_counter()
        try:
            checked = _unsealed(item.sealed).with_status(item.status, item.credential_id)
            signed = sign_as(signer, checked, handed_over=True)  # a new value of this loop's only
        except SkillspasError as exc:  # the rows were checked: a failing key, not a bad row, as a rule
            raise error_for(exc.code, f"line {item.line}: {exc.message}", exc.path,
                            nl=f"regel {item.line}: {exc.text('nl')}") from None
        text = canonical_text(signed)  # the file, the stored document and (its SHA-256) the stored hash
        data = text.encode("utf-8")
        middle = time.perf_counter()
        if job.out is not None and item.file is not None:
            write_atomic(Path(job.out) / item.file, data + b"\n", durable=job.durable)
        signing += middle - start
        writing += time.perf_counter() - middle
        done.append(Signed(item.position, item.credential_id, hashlib.sha256(data).hexdigest(), text,
                           signed if job.keep else None))
    return done, signing, writing

