"""One-time claim offers from a CSV export: each row offered to its learner, who claims it with their own DID.

Usage::

    rows = read_csv("diplomas-juli.csv")
    plan = validate_rows(issuer, org, "mbo-diploma", rows, offers=True)       # BatchInvalid lists every bad row
    manifest = offer_rows(issuer, org, plan, rows=rows, out=Path("out"), ttl=dt.timedelta(days=7), qr=True)
    manifest.entries[0]["offerUrl"]                                          # https://issuer.roc.example/exchanges/…

``skillspas batch TYPE --csv FILE --offers`` checks every row as the batch does (``validate_rows``: nothing is
made while any row is bad), then makes each row's offer the one way offers are made (``Exchanges.create``, as
``POST /exchanges``), holding the row's credential id and keeping its row key; the learner opens the link (the
claim page) or gives it to ``skillspas passport claim``, and the claim issues the credential naming the DID they
proved, stored under the row key (``skillspas status ROW_KEY`` finds it). Idempotent per row key: a re-run makes no
second offer for a row whose offer is open (``open``) or whose credential was issued, by its claim (``claimed``,
with the DID) or by the batch without offers (``issued``); a row whose offer expired unclaimed gets a new one.

The links are secrets (whoever has one can claim the credential) and the store keeps only their SHA-256, so they
exist in ``offers.csv`` / ``offers.json`` alone (0600, in a 0700 folder). While a run makes offers, each link is
appended to ``offers-in-progress.jsonl`` before its offer is committed (``Exchanges.create(keep=...)``; synced to
the disk too with ``durable``), so a run killed at any instant loses none: the next run in the same folder reads the
earlier manifest and that file back, and lists each still-open offer's link again (only a link whose SHA-256 is the
open offer's counts, so the line of an offer that never reached the store is dropped). An open offer whose link was
not kept first (``RowOffer.link_kept``: made by an earlier version, which committed it before writing its link and so
lost the link when killed in between) and that the folder holds no link of is taken as lost: it is withdrawn and the
row offered anew (``Exchanges.renew``; ``renewed`` in the manifest). An offer whose link was kept first but is not in
this folder was made with another ``--out``: its link is there (``linksMissing``). One run at a time writes into a
folder (``batch_folder``, as ``issue_rows``): another run's clean-up of the in-progress file would drop the lines of
offers this run has not committed yet.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import errno
import io
import json
import os
import re
import stat
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from skillspas.issuer.batch import batch_folder, row_file_name
from skillspas.issuer.batch_worker import BatchRow
from skillspas.issuer.credentials import row_field
from skillspas.issuer.exchanges import TOKEN_PATTERN, Exchanges, Offer, check_ttl, offer_id
from skillspas.issuer.issuing import Issuer
from skillspas.issuer.orgs import Org
from skillspas.issuer.store.issuance import RowOffer
from skillspas.schemas.errors import NOT_A_FOLDER, NOT_A_REGULAR_FILE, NOT_FOLLOWED, ErrorCode, SkillspasError, error_for
from skillspas.schemas.files import sync_folder, write_atomic
from skillspas.schemas.jsonio import parse_json, read_back
from skillspas.schemas.limits import Limits
from skillspas.wallet_export.qr import qr_for_text

__all__ = ["OfferManifest", "offer_rows", "DEFAULT_BATCH_TTL", "CONTACT_COLUMNS", "MANIFEST_CSV", "MANIFEST_JSON",
           "IN_PROGRESS", "QR_FOLDER"]

DEFAULT_BATCH_TTL: Final = dt.timedelta(days=7)
"""How long a batch's offers can be claimed by default: a week to read the e-mail (``POST /exchanges``: 24 hours)."""
CONTACT_COLUMNS: Final = ("learner_name", "learner_email")
"""The CSV columns copied into the manifest beside each link (for a mail merge), when the export has them."""
MANIFEST_CSV: Final = "offers.csv"
MANIFEST_JSON: Final = "offers.json"
IN_PROGRESS: Final = "offers-in-progress.jsonl"
QR_FOLDER: Final = "qr"
_EARLIER_LIMIT: Final = 256 * 1024 * 1024
"""The most of an earlier manifest (or in-progress file) read back: the links of half a million rows."""
_EARLIER: Final = Limits(max_bytes=_EARLIER_LIMIT, max_array_length=1_000_000)
_TOKEN: Final = re.compile(TOKEN_PATTERN)
_FORMULA: Final = ("=", "+", "-", "@", "\t", "\r")
"""A spreadsheet reads a cell starting with one of these as a formula (CSV injection): such a cell gets a leading '."""
_CSV_COLUMNS: Final = ("row_key", *CONTACT_COLUMNS, "state", "status", "offer_url", "expires", "credential_id",
                       "holder", "qr_file")

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class OfferManifest:
    """What a batch of offers holds: one entry per row, in row order, each in one state.

    ``offered`` (made by this run: its link), ``open`` (made before and still claimable: its link when an earlier run
    in this folder wrote it), ``claimed`` (the learner claimed it: the credential names ``holder``, their DID) or
    ``issued`` (issued before by the batch without offers: no offer); a claimed or issued one's credential has a
    ``status`` (``active``, or ``revoked``/``suspended`` since)."""

    type: str
    organisation: str
    entries: list[dict[str, Any]]
    columns: tuple[str, ...] = ()
    """The contact columns the export has (``CONTACT_COLUMNS``)."""
    not_in_export: tuple[str, ...] = ()
    """The row keys (as the CSV has them) of this type's open offers whose row is not in this export: a learner who
    left, a key since replaced; still claimable until withdrawn (``skillspas status revoke KEY``) or expired."""

    def count(self, state: str) -> int:
        """How many rows are in ``state``."""
        return sum(1 for entry in self.entries if entry["state"] == state)

    @property
    def links_missing(self) -> int:
        """Open offers whose link this folder does not hold (written by a run elsewhere)."""
        return sum(1 for entry in self.entries if entry["state"] in ("offered", "open") and not entry["offerUrl"])

    @property
    def corrected(self) -> int:
        """Open offers whose row was corrected since they were made: they now hold the corrected credential (same link)."""
        return sum(1 for entry in self.entries if entry["corrected"])

    @property
    def renewed(self) -> int:
        """Open offers whose link was lost (no line anywhere, made by an older version), withdrawn and made anew."""
        return sum(1 for entry in self.entries if entry["renewed"])

    def to_json(self) -> dict[str, Any]:
        """The ``offers.json`` document."""
        return {"type": self.type, "issuer": self.organisation, "count": len(self.entries),
                "offeredNow": self.count("offered"), "open": self.count("open"), "claimed": self.count("claimed"),
                "issued": self.count("issued"), "linksMissing": self.links_missing, "renewed": self.renewed,
                "openNotInExport": list(self.not_in_export),
                "corrected": self.corrected,
                "offers": self.entries}

    def to_csv(self) -> bytes:
        """``offers.csv``: UTF-8 with BOM, ``;``-separated (what Dutch Excel opens as it is), one row a line."""
        names = [c for c in _CSV_COLUMNS if c not in CONTACT_COLUMNS or c in self.columns]
        text = io.StringIO()
        writer = csv.writer(text, delimiter=";", lineterminator="\r\n")
        writer.writerow(names)
        for entry in self.entries:
            values = {"row_key": entry["rowKey"], **entry.get("learner", {}), "state": entry["state"],
                      "status": entry.get("status"),
                      "offer_url": entry["offerUrl"], "expires": entry["expires"],
                      "credential_id": entry["credentialId"], "holder": entry["holder"], "qr_file": entry["qrFile"]}
            writer.writerow([_cell(values.get(name)) for name in names])
        return ("\ufeff" + text.getvalue()).encode("utf-8")


def _cell(value: Any) -> str:
    """A CSV cell that a spreadsheet shows as text, never runs as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA) else text


def _when(moment: dt.datetime) -> str:
    return moment.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def offer_rows(
    issuer: Issuer,
    org: Org,
    plan: Sequence[BatchRow],
    *,
    rows: Sequence[tuple[int, Mapping[str, Any]]],
    out: Path,
    ttl: dt.timedelta = DEFAULT_BATCH_TTL,
    qr: bool = False,
    lang: str = "nl",
    progress: Progress | None = None,
    durable: bool = False,
) -> OfferManifest:
    """Make the offer of each planned row that has none open and was not issued, then write the manifest to ``out``.

    ``plan``: ``validate_rows(..., offers=True)``; ``rows``: the rows it was made from (``read_csv``), whose contact
    columns go into the manifest. ``ttl``: how long each new offer can be claimed (``check_ttl``). ``qr``: also a QR
    code (PNG, captioned in ``lang``) of each known link in ``out/qr/``. ``durable``: each link is on the disk (fsync)
    before its offer is committed, and so is the manifest (``issue_rows``' ``durable``); else a killed process loses
    none, a lost power may. ``invalid_option`` for a ``ttl`` out of bounds, before anything is made; ``file_error``
    when another run is writing into ``out`` (``batch_folder``: locked for the call), before anything is made."""
    org.require("credentials:issue")
    check_ttl(ttl)
    exchanges = Exchanges(issuer)
    contacts = {line: _contacts(values) for line, values in rows}
    columns = tuple(c for c in CONTACT_COLUMNS if any(row_field(str(k)) == c for _, values in rows for k in values))
    # the learners' links, the owner's only (0700); one run at a time writes there; a manifest that could not be
    # written refused now, not once the offers exist and only their links are lost
    with batch_folder(out, (MANIFEST_JSON, MANIFEST_CSV)):
        if qr:
            _qr_folder(out / QR_FOLDER)
        offers = issuer.issuance(org).offers_by_row_key([row.key for row in plan])
        known = _earlier_links(out)  # after the offers: a link is written before its offer is committed, so it is here
        entries: list[dict[str, Any]] = []
        with _in_progress(out / IN_PROGRESS, durable=durable) as note:
            for done, row in enumerate(plan, 1):
                entry = _entry(exchanges, org, row, offers.get(row.key), known, ttl, note)
                entry["learner"] = contacts.get(row.line, {})
                if qr and entry["offerUrl"]:
                    entry["qrFile"] = _write_qr(out, row, entry, lang)
                entries.append(entry)
                if progress is not None:
                    progress(done, len(plan))
            kind = plan[0].key.split("/", 1)[0] if plan else ""
            listed = {row.key for row in plan}
            others = tuple(key.split("/", 1)[1] for key in issuer.issuance(org).open_offer_keys(kind) if key not in listed)
            manifest = OfferManifest(kind, org.did, entries, columns, others)
            write_atomic(out / MANIFEST_JSON,
                         (json.dumps(manifest.to_json(), indent=1, ensure_ascii=False) + "\n").encode(), durable=durable)
            write_atomic(out / MANIFEST_CSV, manifest.to_csv(), durable=durable)
        with contextlib.suppress(FileNotFoundError):  # every link is in the manifest now
            (out / IN_PROGRESS).unlink()
        return manifest


def _contacts(values: Mapping[str, Any]) -> dict[str, str]:
    """The ``CONTACT_COLUMNS`` a row has a value in, by the field the builders read each column as (``Learner Name``,
    ``Learner-Email``: the learner's name and e-mail as the credential has them)."""
    found: dict[str, str] = {}
    for column, value in values.items():
        field = row_field(str(column))
        if field in CONTACT_COLUMNS and value not in (None, "") and field not in found:
            found[field] = str(value)
    return found


def _entry(exchanges: Exchanges, org: Org, row: BatchRow, offer: RowOffer | None, known: Mapping[str, str],
           ttl: dt.timedelta, note: Callable[[str, str], None]) -> dict[str, Any]:
    """The manifest entry of one row, its offer made now when it has none open and was not issued, or made anew when
    its open offer's link is lost (not kept before it was committed, and not in this folder)."""
    entry: dict[str, Any] = {"line": row.line, "rowKey": row.key.split("/", 1)[1], "state": "issued", "offerUrl": None,
                             "expires": None, "credentialId": None, "holder": None, "qrFile": None, "renewed": False, "status": None,
                             "corrected": False}
    if row.issued is not None:
        claimed = offer is not None and offer.holder is not None and offer.credential_id == row.issued.credential_id
        return {**entry, "state": "claimed" if claimed else "issued", "credentialId": row.issued.credential_id,
                "status": row.issued.state,  # revoked since (skillspas status revoke): never read as valid
                "holder": offer.holder if claimed and offer is not None else None}
    open_offer = row.offered if row.offered is not None else offer if offer is not None and offer.open else None

    def keep(made: Offer) -> None:  # before the offer is committed: a process killed at any instant loses no link
        note(row.key, made.url)

    made: Offer | None = None
    if row.offered is not None and row.checked is not None:  # the row corrected since its offer was made
        outcome = exchanges.correct(org, row.offered.offer_id, row.checked.document, row_digest=row.digest)
        if outcome == "claimed":  # claimed meanwhile, as it was: a re-run says how to correct the credential
            raise error_for(ErrorCode.ROW_CHANGED, f"line {row.line}: the learner claimed the offer of row key "
                            f"{entry['rowKey']!r} before it could be corrected; run the batch again to see how to "
                            "correct the credential", "/row_key",
                            nl=f"regel {row.line}: de deelnemer haalde het aanbod van rijsleutel {entry['rowKey']!r} "
                               "op voordat het verbeterd kon worden; draai de batch opnieuw om te zien hoe u het "
                               "bewijsstuk verbetert")
        entry["corrected"] = outcome == "corrected"
        open_offer = None if outcome == "expired" else open_offer  # expired meanwhile: offered anew, corrected
    try:
        if open_offer is None:
            assert row.checked is not None  # a row built in this run
            made = exchanges.create(org, row.checked.document, ttl=ttl, row_key=row.key, row_digest=row.digest,
                                    keep=keep)
        elif open_offer.offer_id not in known and not open_offer.link_kept:  # committed before its link was written
            made = exchanges.renew(org, open_offer.offer_id, ttl=ttl, keep=keep)  # (None: claimed meanwhile)
    except SkillspasError as exc:  # another run of this batch offered the row since it was checked: that stands
        again = exchanges.issuer.issuance(org).offers_by_row_key([row.key]).get(row.key)
        if exc.code is not ErrorCode.DUPLICATE_ID or again is None or not again.open:
            raise
        open_offer = again
    if made is not None:
        return {**entry, "state": "offered", "offerUrl": made.url, "expires": _when(made.expires),
                "credentialId": row.id if open_offer is None else open_offer.credential_id,
                "renewed": open_offer is not None}
    assert open_offer is not None
    token = known.get(open_offer.offer_id)
    return {**entry, "state": "open", "offerUrl": None if token is None else exchanges.url(token),
            "expires": _when(open_offer.expires), "credentialId": open_offer.credential_id}


def _write_qr(out: Path, row: BatchRow, entry: dict[str, Any], lang: str) -> str:
    """Draw the entry's link as a QR code (captioned with the learner's name and the last day to claim); its path."""
    name = f"{QR_FOLDER}/{row_file_name(row.key, '.png')}"
    until = str(entry["expires"])[:10]
    caption = [entry["learner"].get("learner_name", ""),
               f"ophalen tot {until}" if lang == "nl" else f"claim until {until}"]
    qr_for_text(str(entry["offerUrl"]), mode="byte").save(out / name, caption=caption)
    return name


def _qr_folder(folder: Path) -> None:
    """Make ``OUT/qr`` (0700) for the QR codes of the secret links, or refuse what stands in its place, before any
    offer is made (``OSError`` naming it): a link (the codes would be drawn wherever it points, out of ``OUT`` too) or
    anything but a folder."""
    with contextlib.suppress(FileExistsError):
        folder.mkdir(mode=0o700)
    found = os.lstat(folder)
    if stat.S_ISLNK(found.st_mode):
        raise OSError(errno.ELOOP, NOT_FOLLOWED, str(folder))
    if not stat.S_ISDIR(found.st_mode):
        raise OSError(errno.ENOTDIR, NOT_A_FOLDER, str(folder))


@contextlib.contextmanager
def _in_progress(path: Path, *, durable: bool = False) -> Iterator[Callable[[str, str], None]]:
    """Append each new offer's row key and link to ``path`` (0600), before the offer is committed, so a run killed at
    any instant loses none (``durable``: each line synced to the disk, and the file's name once). A line a killed run
    left broken is ended first, so the next line is whole."""
    flags = os.O_RDWR | os.O_APPEND | os.O_CREAT | os.O_CLOEXEC | os.O_NONBLOCK | getattr(os, "O_NOFOLLOW", 0)
    try:
        fd = os.open(path, flags, 0o600)
    except OSError as exc:
        if exc.errno == errno.ELOOP:  # O_NOFOLLOW's answer to a link: the links would go wherever it points
            raise OSError(errno.ELOOP, NOT_FOLLOWED, str(path)) from None
        raise
    try:
        status = os.fstat(fd)
        if not stat.S_ISREG(status.st_mode):
            raise OSError(errno.EINVAL, NOT_A_REGULAR_FILE, str(path))
        os.fchmod(fd, 0o600)
        if status.st_size and os.pread(fd, 1, status.st_size - 1) != b"\n":
            _append(fd, b"\n", durable)
        if durable:
            sync_folder(path.parent)

        def note(key: str, url: str) -> None:
            _append(fd, (json.dumps({"rowKey": key, "offerUrl": url}, ensure_ascii=False) + "\n").encode("utf-8"), durable)
        yield note
    finally:
        os.close(fd)


def _append(fd: int, data: bytes, durable: bool) -> None:
    """Append ``data`` whole (its offer is not made when this raises), synced to the disk when ``durable``."""
    view = memoryview(data)
    while view:  # a write may take part of the data (a full disk: the next one raises)
        view = view[os.write(fd, view):]
    if durable:
        os.fsync(fd)


def _earlier_links(out: Path) -> dict[str, str]:
    """The URL tokens of the links an earlier run wrote into ``out`` (its manifest, or the in-progress file of one that
    stopped), by offer id (their SHA-256). What cannot be read counts for nothing: its offers' links are then missing."""
    urls: list[Any] = []
    with contextlib.suppress(OSError, SkillspasError, LookupError, AttributeError, TypeError):
        document = parse_json(read_back(out / MANIFEST_JSON, _EARLIER_LIMIT), _EARLIER)
        urls.extend(entry.get("offerUrl") for entry in document["offers"])
    with contextlib.suppress(OSError):  # a run killed mid-line leaves a broken last line
        for line in read_back(out / IN_PROGRESS, _EARLIER_LIMIT).splitlines():
            with contextlib.suppress(SkillspasError, AttributeError):
                urls.append(parse_json(line).get("offerUrl"))
    tokens = (url.rsplit("/", 1)[-1] for url in urls if isinstance(url, str))
    return {offer_id(token): token for token in tokens if _TOKEN.fullmatch(token)}
