"""``skillspas batch TYPE --csv FILE --offers``: one one-time claim offer per row, claimed with the learner's own DID."""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
import signal
import stat
import subprocess
import sys
import uuid
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, func, select

from skillspas.issuer.batch import BatchInvalid, issue_rows, read_csv, validate_rows
from skillspas.issuer.batch_offers import IN_PROGRESS, MANIFEST_CSV, MANIFEST_JSON, OfferManifest, offer_rows
from skillspas.issuer.demo import sample_credential
from skillspas.issuer.exchanges import MAX_TTL, MIN_TTL, Exchanges, offer_id
from skillspas.issuer.issuing import Issuer
from skillspas.issuer.orgs import Org, create_organisation
from skillspas.issuer.settings import Settings
from skillspas.issuer.store import Store, open_store
from skillspas.issuer.store.models import AuditEvent, ClaimOffer, IssuedCredential
from skillspas.schemas.errors import ErrorCode, SkillspasError
from skillspas.verifier.qr import read_qr_image
from skillspas.wallet_export.claim import claim
from skillspas.wallet_export.store import PassportStore

from svc_live import PASSPHRASE, age_offer, another_batch_writing, batch_lock_free, folder_files, run_cli

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


@dataclass
class School:
    settings: Settings
    store: Store
    issuer: Issuer
    org: Org
    client: Any


@pytest.fixture(scope="module")
def school(database):
    """A ROC on a fresh database (SQLite and PostgreSQL), with the service app in-process for the learners' claims."""
    url, folder = database
    settings = Settings(data_dir=folder, database_url=url, key_passphrase=PASSPHRASE, batch_workers=1,
                        public_url="https://issuer.roc-aanbod.example")
    store = open_store(url)
    created = create_organisation(store, settings, "ROC Aanbod", role="mbo", did_web="roc-aanbod.example")
    issuer = Issuer(store, settings)
    with warnings.catch_warnings():  # starlette's test client warns about its own httpx dependency
        warnings.simplefilter("ignore")
        from fastapi.testclient import TestClient

        from skillspas.issuer.service.app import create_app

        client = TestClient(create_app(settings, store=store), base_url=settings.base_url)
    try:
        yield School(settings, store, issuer, issuer.orgs.get(created.id), client)
    finally:
        store.dispose()


def rows_csv(path: Path, keys: list[str], **changes: dict[str, str]) -> Path:
    """A CSV export of diplomas, one row per key (``changes``: per key, columns to change)."""
    rows = [{"row_key": key, "learner_name": f"Leerling {key}", "learner_email": f"{key}@example.org",
             "crebo": "25180", "leerweg": "BBL", "date": "2025-07-01", **changes.get(key, {})} for key in keys]
    columns = list(dict.fromkeys(column for row in rows for column in row))
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns, delimiter=";", restval="")
        writer.writeheader()
        writer.writerows(rows)
    return path


def offer(school: School, csv_file: Path, out: Path, **options: Any) -> OfferManifest:
    """``batch --offers`` as the CLI runs it: read, check every row, then make the offers."""
    rows = read_csv(csv_file)
    plan = validate_rows(school.issuer, school.org, "mbo-diploma", rows, offers=True)
    return offer_rows(school.issuer, school.org, plan, rows=rows, out=out, **options)


def by_key(manifest: OfferManifest) -> dict[str, dict[str, Any]]:
    return {entry["rowKey"]: entry for entry in manifest.entries}


def claimed(school: School, url: str, folder: Path) -> tuple[dict[str, Any], str]:
    """The learner claims the offer at ``url`` with a key of their own (``passport claim``); the credential and DID."""
    wallet = PassportStore(folder)
    holder = wallet.init_holder_key()
    return claim(wallet, url, holder=holder, client=school.client)[0].document, holder.controller


def offers_of(school: School, prefix: str) -> int:
    with school.store.transaction() as session:
        return int(session.scalar(select(func.count(ClaimOffer.id)).where(ClaimOffer.row_key.like(f"%/{prefix}%"))))


def keys(prefix: str, count: int) -> list[str]:
    return [f"{prefix}-{n}" for n in range(1, count + 1)]


# -- the library ------------------------------------------------------------------------------

@pytest.mark.parametrize("ttl", [dt.timedelta(0), -dt.timedelta(hours=1), MIN_TTL - dt.timedelta(seconds=1),
                                 MAX_TTL + dt.timedelta(seconds=1)], ids=["none", "negative", "under-a-minute", "over-30-days"])
def test_an_offer_made_through_the_library_is_refused_coded_when_it_would_last_shorter_or_longer_than_the_api_allows(
        school, ttl):
    document = sample_credential(school.org.did, school.org.name)  # no credentialSubject.id: the learner's DID comes later
    del document["id"]
    before = offers_of_org(school)
    with pytest.raises(SkillspasError) as refused:
        Exchanges(school.issuer).create(school.org, document, ttl=ttl)
    assert refused.value.code is ErrorCode.INVALID_OPTION, refused.value
    assert "60 seconden" in refused.value.text("nl") and "60 seconds" in refused.value.text("en")
    assert offers_of_org(school) == before


def test_an_offer_made_through_the_library_may_last_from_a_minute_to_30_days(school):
    document = sample_credential(school.org.did, school.org.name)
    del document["id"]
    for ttl in (MIN_TTL, MAX_TTL):
        made = Exchanges(school.issuer).create(school.org, document, ttl=ttl)
        assert ttl - dt.timedelta(seconds=2) <= made.expires - dt.datetime.now(dt.timezone.utc) <= ttl


def test_an_offer_whose_link_cannot_be_kept_is_not_made(school):
    document = sample_credential(school.org.did, school.org.name)
    del document["id"]
    before = offers_of_org(school)

    def full_disk(made: Any) -> None:
        raise OSError(28, "No space left on device")

    with pytest.raises(OSError):
        Exchanges(school.issuer).create(school.org, document, keep=full_disk)
    assert offers_of_org(school) == before


def offers_of_org(school: School) -> int:
    with school.store.transaction() as session:
        return int(session.scalar(select(func.count(ClaimOffer.id)).where(ClaimOffer.org_id == school.org.id)))


def test_a_claimed_offers_credential_names_the_learners_did_verifies_and_is_stored_under_its_row_key(school, tmp_path):
    prefix = uuid.uuid4().hex[:8]
    made = by_key(offer(school, rows_csv(tmp_path / "rows.csv", keys(prefix, 2)), tmp_path / "out"))
    entry = made[f"{prefix}-1"]
    assert entry["state"] == "offered" and entry["offerUrl"].startswith(school.settings.base_url + "/exchanges/")
    credential, did = claimed(school, entry["offerUrl"], tmp_path / "passport")
    assert credential["credentialSubject"]["id"] == did and credential["id"] == entry["credentialId"]
    checked = school.client.post("/credentials/verify", json={"verifiableCredential": credential}).json()
    assert checked["verified"] is True, checked
    record = school.issuer.find_issued(f"{prefix}-1", school.org.id)  # `skillspas status revoke ROW_KEY` finds it
    assert record.credential_id == credential["id"] and record.row_key == f"MboDiploma/{prefix}-1"


def test_looking_up_a_row_key_whose_offer_is_open_says_it_is_offered_until_when_not_only_that_nothing_was_issued(
        school, tmp_path):
    """`skillspas status show/revoke ROW_KEY` of an unclaimed offer: the key is right, the credential does not exist
    yet; the administrator reads that, and until when the learner can claim it."""
    prefix = uuid.uuid4().hex[:8]
    made = by_key(offer(school, rows_csv(tmp_path / "rows.csv", keys(prefix, 1)), tmp_path / "out"))
    until = made[f"{prefix}-1"]["expires"][:10]
    with pytest.raises(SkillspasError) as refused:
        school.issuer.find_issued(f" {prefix}-1", school.org.id)
    assert refused.value.code is ErrorCode.NOT_FOUND
    assert "open ophaalaanbod" in refused.value.text("nl") and until in refused.value.text("nl")
    assert "open claim offer" in refused.value.text("en") and until in refused.value.text("en")
    with pytest.raises(SkillspasError) as unknown:
        school.issuer.find_issued(f"{prefix}-2", school.org.id)
    assert unknown.value.code is ErrorCode.NOT_FOUND and "ophaalaanbod" not in unknown.value.text("nl")


def test_status_revoke_of_a_row_key_whose_offer_is_open_withdraws_the_offer_after_asking_and_its_link_ends(
        school, tmp_path):
    """A learner who left: the administrator withdraws the row's offer; the link no longer gives the credential."""
    prefix = uuid.uuid4().hex[:8]
    made = by_key(offer(school, rows_csv(tmp_path / "rows.csv", keys(prefix, 2)), tmp_path / "out"))
    where = ("--database-url", school.settings.database, "--data-dir", str(school.settings.data_dir))
    asked = run_cli("status", "revoke", f"{prefix}-1", *where)  # no terminal to say yes: nothing withdrawn
    assert asked.returncode != 0 and "er is niets ingetrokken" in asked.stderr
    assert "nothing was withdrawn" in asked.stderr
    later = offer(school, rows_csv(tmp_path / "later.csv", [f"{prefix}-2"]), tmp_path / "out")  # the learner left
    ours = [key for key in later.to_json()["openNotInExport"] if key.startswith(prefix)]  # (the module's other tests'
    assert f"{prefix}-1" in later.not_in_export and ours == [f"{prefix}-1"]              # open offers are listed too)
    withdrawn = run_cli("status", "revoke", f"{prefix}-1", "--yes", *where)
    assert withdrawn.returncode == 0, withdrawn.stderr
    assert json.loads(withdrawn.stdout) == {"rowKey": f"MboDiploma/{prefix}-1", "action": "revoke",
                                            "status": "withdrawn", "changed": True}
    assert "ophaalaanbod ingetrokken" in withdrawn.stderr and "claim offer withdrawn" in withdrawn.stderr
    with pytest.raises(SkillspasError) as ended:
        Exchanges(school.issuer).request(made[f"{prefix}-1"]["offerUrl"].rsplit("/", 1)[1])
    assert ended.value.code.value == "offer_expired"
    Exchanges(school.issuer).request(made[f"{prefix}-2"]["offerUrl"].rsplit("/", 1)[1])  # the other row's stands
    again = run_cli("status", "revoke", f"{prefix}-1", "--yes", *where)  # nothing open, nothing issued
    assert again.returncode != 0 and "[not_found]" in again.stderr
    with school.store.transaction() as session:
        actions = [a for a in session.scalars(select(AuditEvent.action).where(AuditEvent.detail.contains(f"{prefix}-1")))]
    assert actions.count("offer.withdraw") == 1
    assert not [key for key in offer(school, rows_csv(tmp_path / "later.csv", [f"{prefix}-2"]), tmp_path / "out")
                .not_in_export if key.startswith(prefix)]


def test_status_revoke_of_a_bare_key_that_fits_an_issued_diploma_and_an_open_certificate_offer_is_ambiguous(
        school, tmp_path):
    """Student number 1234 has a diploma (batch --out) and a certificate offered (batch --offers): `status show 1234`
    shows the diploma, and `status revoke 1234 --yes` withdrew the certificate's offer and left the diploma active."""
    key = uuid.uuid4().hex[:8]
    diploma = issue_rows(school.issuer, school.org, validate_rows(
        school.issuer, school.org, "mbo-diploma", read_csv(rows_csv(tmp_path / "d.csv", [key])))).entries[0]
    certificate = [(2, {"row_key": key, "examencommissie": "Examencommissie Zorg", "learner_name": f"Leerling {key}",
                        "crebo": "25656", "certificaat_code": "C0054", "date": "2025-12-12",
                        "skills": "http://data.europa.eu/esco/skill/0450eaee-1a00-4622-8f4e-5356fce816d2"})]
    plan = validate_rows(school.issuer, school.org, "mbo-certificaat", certificate, offers=True)
    url = offer_rows(school.issuer, school.org, plan, rows=certificate, out=tmp_path / "out").entries[0]["offerUrl"]
    where = ("--org", school.org.id, "--database-url", school.settings.database, "--data-dir",
             str(school.settings.data_dir))
    refused = run_cli("status", "revoke", key, "--yes", *where)
    assert refused.returncode != 0 and "[ambiguous]" in refused.stderr, refused.stdout + refused.stderr
    assert f"MboCertificaat/{key}" in refused.stderr and diploma["credentialId"] in refused.stderr
    Exchanges(school.issuer).request(url.rsplit("/", 1)[1])  # the offer stands
    assert school.issuer.find_issued(diploma["credentialId"]).state == "active"
    revoked = run_cli("status", "revoke", f"mbo-diploma/{key}", "--yes", *where)  # the one meant, named
    assert revoked.returncode == 0, revoked.stderr
    assert school.issuer.find_issued(diploma["credentialId"]).state == "revoked"
    Exchanges(school.issuer).request(url.rsplit("/", 1)[1])


def test_a_rerun_makes_no_second_offer_and_says_which_rows_are_open_claimed_or_issued(school, tmp_path):
    prefix = uuid.uuid4().hex[:8]
    csv_file, out = rows_csv(tmp_path / "rows.csv", keys(prefix, 3)), tmp_path / "out"
    # the third row was issued before by the batch without offers (no DID): it is not offered
    plain = read_csv(rows_csv(tmp_path / "plain.csv", [f"{prefix}-3"]))
    issue_rows(school.issuer, school.org, validate_rows(school.issuer, school.org, "mbo-diploma", plain))
    first = by_key(offer(school, csv_file, out))
    assert [first[k]["state"] for k in keys(prefix, 3)] == ["offered", "offered", "issued"]
    _, did = claimed(school, first[f"{prefix}-1"]["offerUrl"], tmp_path / "passport")
    again = offer(school, csv_file, out)
    second = by_key(again)
    assert [second[k]["state"] for k in keys(prefix, 3)] == ["claimed", "open", "issued"]
    assert second[f"{prefix}-1"]["holder"] == did
    assert second[f"{prefix}-2"]["offerUrl"] == first[f"{prefix}-2"]["offerUrl"]  # the open offer's link, listed again
    assert second[f"{prefix}-2"]["expires"] == first[f"{prefix}-2"]["expires"]
    assert again.count("offered") == 0 and offers_of(school, prefix) == 2
    elsewhere = offer(school, csv_file, tmp_path / "elsewhere")  # the links are only in the first folder
    assert elsewhere.links_missing == 1 and by_key(elsewhere)[f"{prefix}-2"]["offerUrl"] is None
    assert elsewhere.renewed == 0  # its link was kept before it was made: it is there, not lost
    assert offers_of(school, prefix) == 2


def test_an_offer_that_expired_unclaimed_is_made_anew_by_a_rerun_and_the_old_link_no_longer_works(school, tmp_path):
    prefix = uuid.uuid4().hex[:8]
    csv_file, out = rows_csv(tmp_path / "rows.csv", keys(prefix, 1)), tmp_path / "out"
    old = offer(school, csv_file, out).entries[0]["offerUrl"]
    age_offer(school.store, old, expired=True)
    renewed = offer(school, csv_file, out).entries[0]
    assert renewed["state"] == "offered" and renewed["offerUrl"] != old
    token = old.rsplit("/", 1)[1]
    with pytest.raises(SkillspasError) as refused:
        Exchanges(school.issuer).request(token)
    assert refused.value.code.value == "offer_expired"
    credential, did = claimed(school, renewed["offerUrl"], tmp_path / "passport")
    assert credential["credentialSubject"]["id"] == did


def test_a_bad_row_or_a_row_naming_the_learners_did_makes_no_offer_at_all(school, tmp_path):
    prefix = uuid.uuid4().hex[:8]
    csv_file = rows_csv(tmp_path / "rows.csv", keys(prefix, 4), **{
        f"{prefix}-2": {"date": "31-02-2025"},
        f"{prefix}-4": {"learner_did": "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK"}})
    with pytest.raises(BatchInvalid) as refused:
        offer(school, csv_file, tmp_path / "out")
    assert [(e.line, e.field, e.code) for e in refused.value.errors] == [
        (3, "date", "schema_invalid"), (5, "learner_did", "forbidden_field")]
    assert offers_of(school, prefix) == 0 and not (tmp_path / "out").exists()


def test_a_row_corrected_while_its_offer_is_open_corrects_that_offer_and_its_link_gives_the_corrected_credential(
        school, tmp_path):
    prefix = uuid.uuid4().hex[:8]
    out = tmp_path / "out"
    first = by_key(offer(school, rows_csv(tmp_path / "rows.csv", keys(prefix, 2)), out))
    corrected = rows_csv(tmp_path / "corrected.csv", keys(prefix, 2), **{f"{prefix}-1": {"learner_name": "Iemand Anders"}})
    rerun = offer(school, corrected, out)
    second = by_key(rerun)
    assert [(second[k]["state"], second[k]["corrected"]) for k in keys(prefix, 2)] == [("open", True), ("open", False)]
    assert second[f"{prefix}-1"]["offerUrl"] == first[f"{prefix}-1"]["offerUrl"]  # the link the learner has still works
    assert rerun.corrected == 1 and rerun.to_json()["corrected"] == 1 and offers_of(school, prefix) == 2
    assert by_key(offer(school, corrected, out))[f"{prefix}-1"]["corrected"] is False  # corrected once
    credential, _ = claimed(school, first[f"{prefix}-1"]["offerUrl"], tmp_path / "passport")
    assert credential["credentialSubject"]["identifier"][0]["identityHash"] == "Iemand Anders"
    for offers in (True, False):  # claimed: the credential stands; the row as first offered now says otherwise
        with pytest.raises(BatchInvalid) as refused:
            validate_rows(school.issuer, school.org, "mbo-diploma", read_csv(tmp_path / "rows.csv"), offers=offers)
        open_offer = [] if offers else [(3, "duplicate_id")]  # the batch without offers leaves an open one be
        assert [(e.line, e.code) for e in refused.value.errors] == [(2, "row_changed"), *open_offer]
        assert "revoke" in refused.value.errors[0].message and "learner_name" in refused.value.errors[0].message
    with school.store.transaction() as session:
        actions = [a for a in session.scalars(select(AuditEvent.action).where(AuditEvent.detail.contains(f"{prefix}-1")))]
    assert actions.count("offer.correct") == 1


def test_a_claim_under_way_while_its_offer_is_corrected_issues_what_the_offer_holds_as_it_is_marked_used(
        school, tmp_path, monkeypatch):
    prefix = uuid.uuid4().hex[:8]
    out = tmp_path / "out"
    url = offer(school, rows_csv(tmp_path / "rows.csv", keys(prefix, 1)), out).entries[0]["offerUrl"]
    corrected = rows_csv(tmp_path / "corrected.csv", keys(prefix, 1), **{f"{prefix}-1": {"learner_name": "Na De Fout"}})
    checked = Exchanges._authenticated

    def corrected_meanwhile(self: Exchanges, presentation: Any, challenge: str) -> str:
        holder = checked(self, presentation, challenge)  # the claim read its offer before this
        assert offer(school, corrected, out).corrected == 1
        return holder

    monkeypatch.setattr(Exchanges, "_authenticated", corrected_meanwhile)
    credential, _ = claimed(school, url, tmp_path / "passport")
    assert credential["credentialSubject"]["identifier"][0]["identityHash"] == "Na De Fout"
    monkeypatch.undo()
    key = f"MboDiploma/{prefix}-1"
    taken = school.issuer.issuance(school.org).offers_by_row_key([key])[key].offer_id
    again = {k: v for k, v in credential.items() if k != "proof" and k != "credentialStatus"}
    again["credentialSubject"] = {k: v for k, v in credential["credentialSubject"].items() if k != "id"}
    assert Exchanges(school.issuer).correct(school.org, taken, again) == "claimed"  # too late: changes nothing


def test_a_claimed_rows_export_re_saved_as_excel_writes_it_is_the_same_row_not_a_change(school, tmp_path):
    prefix = uuid.uuid4().hex[:8]
    url = offer(school, rows_csv(tmp_path / "rows.csv", keys(prefix, 1)), tmp_path / "out").entries[0]["offerUrl"]
    claimed(school, url, tmp_path / "passport")  # the credential names the learner's DID, the row does not
    resaved = rows_csv(tmp_path / "resaved.csv", keys(prefix, 1), **{f"{prefix}-1": {"date": "1-7-2025"}})
    for offers in (True, False):
        plan = validate_rows(school.issuer, school.org, "mbo-diploma", read_csv(resaved), offers=offers)
        assert plan[0].issued is not None


def test_a_row_with_an_open_offer_is_refused_by_the_batch_without_offers_and_issued_by_it_once_claimed(school, tmp_path):
    prefix = uuid.uuid4().hex[:8]
    csv_file = rows_csv(tmp_path / "rows.csv", keys(prefix, 1))
    url = offer(school, csv_file, tmp_path / "out").entries[0]["offerUrl"]
    with pytest.raises(BatchInvalid) as refused:  # else the learner who claims it would find it issued without them
        validate_rows(school.issuer, school.org, "mbo-diploma", read_csv(csv_file))
    assert [(e.field, e.code) for e in refused.value.errors] == [("row_key", "duplicate_id")]
    assert "batch --offers" in refused.value.errors[0].message_nl
    credential, _ = claimed(school, url, tmp_path / "passport")
    plan = validate_rows(school.issuer, school.org, "mbo-diploma", read_csv(csv_file))
    manifest = issue_rows(school.issuer, school.org, plan)  # the claimed credential is the row's: nothing issued now
    assert manifest.issued == 0 and manifest.entries[0]["credentialId"] == credential["id"]


def test_a_run_stopped_after_some_offers_keeps_their_links_and_the_next_run_lists_them_and_makes_the_rest(
        school, tmp_path):
    prefix = uuid.uuid4().hex[:8]
    csv_file, out = rows_csv(tmp_path / "rows.csv", keys(prefix, 3)), tmp_path / "out"

    def stop(done: int, total: int) -> None:
        if done == 2:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        offer(school, csv_file, out, progress=stop)
    assert not (out / MANIFEST_JSON).exists() and offers_of(school, prefix) == 2
    finished = by_key(offer(school, csv_file, out))
    assert [finished[k]["state"] for k in keys(prefix, 3)] == ["open", "open", "offered"]
    assert all(entry["offerUrl"] for entry in finished.values()) and not (out / IN_PROGRESS).exists()
    credential, did = claimed(school, finished[f"{prefix}-1"]["offerUrl"], tmp_path / "passport")
    assert credential["credentialSubject"]["id"] == did


def test_offers_into_a_folder_another_batch_is_writing_into_are_refused_and_the_lock_is_let_go_after_each_run(
        school, tmp_path):
    """Two runs of batch --offers into one folder: the second's clean-up of offers-in-progress.jsonl would drop the
    lines of offers the first has not committed yet. It is refused (file_error, naming the folder) before it makes any
    offer or touches a file; a run stopped midway, and one that finishes, let the lock go."""
    prefix = uuid.uuid4().hex[:8]
    csv_file, out = rows_csv(tmp_path / "rows.csv", keys(prefix, 2)), tmp_path / "out"
    out.mkdir()
    (out / IN_PROGRESS).write_text('{"rowKey": "MboDiploma/elders", "offerUrl": "a link not committed yet"}\n')
    with another_batch_writing(out):
        before = folder_files(out)
        with pytest.raises(SkillspasError) as refused:
            offer(school, csv_file, out)
        assert refused.value.code is ErrorCode.FILE_ERROR
        assert all(str(out) in refused.value.text(lang) and "--out" in refused.value.text(lang) for lang in ("nl", "en"))
        assert folder_files(out) == before and offers_of(school, prefix) == 0

    def stop(done: int, total: int) -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        offer(school, csv_file, out, progress=stop)
    assert batch_lock_free(out)
    assert [entry["state"] for entry in offer(school, csv_file, out).entries] == ["open", "offered"]
    assert batch_lock_free(out)


def test_each_link_is_on_the_disk_before_its_offer_is_committed_with_durable(school, tmp_path, monkeypatch):
    prefix = uuid.uuid4().hex[:8]
    out = tmp_path / "out"
    committed_at_sync: list[int] = []
    fsync = os.fsync
    reader = create_engine(school.settings.database)  # a plain reader: the store's transactions wait for the writer

    def watched(fd: int) -> None:
        fsync(fd)
        if os.readlink(f"/proc/self/fd/{fd}") == str(out / IN_PROGRESS):
            with reader.connect() as connection:
                committed_at_sync.append(int(connection.scalar(select(func.count(ClaimOffer.id)).where(
                    ClaimOffer.row_key.like(f"%/{prefix}%")))))

    monkeypatch.setattr(os, "fsync", watched)
    try:
        offer(school, rows_csv(tmp_path / "rows.csv", keys(prefix, 3)), out, durable=True)
    finally:
        reader.dispose()
    assert committed_at_sync == [0, 1, 2]


def test_the_manifest_and_qr_codes_are_the_owners_only_and_each_code_holds_its_link(school, tmp_path):
    prefix = uuid.uuid4().hex[:8]
    out = tmp_path / "a" / "out"
    manifest = offer(school, rows_csv(tmp_path / "rows.csv", keys(prefix, 2)), out, qr=True)
    for path in [out / MANIFEST_CSV, out / MANIFEST_JSON, *(out / "qr").iterdir()]:
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path
    for folder in (tmp_path / "a", out, out / "qr"):
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700, folder
    for entry in manifest.entries:
        assert read_qr_image((out / entry["qrFile"]).read_bytes()) == entry["offerUrl"]
    table = list(csv.DictReader((out / MANIFEST_CSV).read_text("utf-8-sig").splitlines(), delimiter=";"))
    assert [(r["row_key"], r["learner_name"], r["learner_email"], r["offer_url"]) for r in table] == [
        (e["rowKey"], e["learner"]["learner_name"], e["learner"]["learner_email"], e["offerUrl"]) for e in manifest.entries]


def test_a_learner_name_that_a_spreadsheet_would_run_as_a_formula_is_text_in_the_manifest_csv(school, tmp_path):
    prefix = uuid.uuid4().hex[:8]
    formula = '=HYPERLINK("https://evil.example","Klik")'
    manifest = offer(school, rows_csv(tmp_path / "rows.csv", [prefix], **{prefix: {"learner_name": formula}}),
                     tmp_path / "out")
    row = next(csv.DictReader((tmp_path / "out" / MANIFEST_CSV).read_text("utf-8-sig").splitlines(), delimiter=";"))
    assert row["learner_name"] == "'" + formula
    assert manifest.entries[0]["learner"]["learner_name"] == formula  # the JSON keeps the value as it is


def test_the_learners_name_and_email_reach_the_mail_merge_manifest_whatever_the_exports_header_spelling(school, tmp_path):
    prefix = uuid.uuid4().hex[:8]
    csv_file = tmp_path / "rows.csv"  # as a student administration exports it: the builders read these columns
    csv_file.write_text("row_key;Learner Name;Learner-Email;Crebo;Leerweg;Date\n"
                        f"{prefix};Esra Çelik;esra@example.org;25180;BBL;1-7-2025\n", "utf-8")
    manifest = offer(school, csv_file, tmp_path / "out", qr=True)
    assert manifest.entries[0]["learner"] == {"learner_name": "Esra Çelik", "learner_email": "esra@example.org"}
    row = next(csv.DictReader((tmp_path / "out" / MANIFEST_CSV).read_text("utf-8-sig").splitlines(), delimiter=";"))
    assert (row["row_key"], row["learner_name"], row["learner_email"]) == (prefix, "Esra Çelik", "esra@example.org")


def test_a_link_planted_in_the_folder_is_not_listed_unless_it_is_the_open_offers_own(school, tmp_path):
    prefix = uuid.uuid4().hex[:8]
    csv_file, out = rows_csv(tmp_path / "rows.csv", keys(prefix, 2)), tmp_path / "out"
    first = by_key(offer(school, csv_file, out))
    planted = f"{school.settings.base_url}/exchanges/{'A' * 32}"
    document = json.loads((out / MANIFEST_JSON).read_text("utf-8"))
    document["offers"][0]["offerUrl"] = planted  # a link that is no offer's
    (out / MANIFEST_JSON).write_text(json.dumps(document), "utf-8")
    (out / IN_PROGRESS).write_text('{"rowKey": 1}\nnot json\n{"offerUrl": "../../etc/passwd"}\n{"offerUr', "utf-8")
    again = by_key(offer(school, csv_file, out))
    assert again[f"{prefix}-1"]["offerUrl"] is None  # its real link was overwritten: missing, not the planted one
    assert again[f"{prefix}-2"]["offerUrl"] == first[f"{prefix}-2"]["offerUrl"]


@pytest.mark.parametrize("what", ["garbage", "link"])
def test_an_earlier_manifest_that_is_unreadable_or_a_link_counts_for_nothing_and_stops_nothing(
        school, tmp_path, what):
    prefix = uuid.uuid4().hex[:8]
    out = tmp_path / "out"
    out.mkdir(mode=0o700)
    if what == "garbage":
        (out / MANIFEST_JSON).write_bytes(b"\xff\x00[" * 1000)
    else:
        (tmp_path / "elsewhere.json").write_text(json.dumps({"offers": [{"offerUrl": "x/" + "A" * 32}]}), "utf-8")
        (out / MANIFEST_JSON).symlink_to(tmp_path / "elsewhere.json")
    manifest = offer(school, rows_csv(tmp_path / "rows.csv", keys(prefix, 1)), out)
    assert manifest.entries[0]["state"] == "offered" and manifest.entries[0]["offerUrl"]


@pytest.mark.parametrize("what", ["manifest-fifo", "manifest-folder", "in-progress-fifo", "in-progress-link"])
def test_a_manifest_or_in_progress_file_that_is_a_pipe_folder_or_link_is_refused_before_any_offer_is_made(
        school, tmp_path, what):
    prefix = uuid.uuid4().hex[:8]
    out = tmp_path / "out"
    out.mkdir(mode=0o700)
    if what == "manifest-fifo":  # reading it would wait for a writer for ever; the links could not be written
        os.mkfifo(out / MANIFEST_JSON)
    elif what == "manifest-folder":
        (out / MANIFEST_CSV).mkdir()
    elif what == "in-progress-fifo":
        os.mkfifo(out / IN_PROGRESS)
    else:  # the links would be appended to whatever file it points at
        (out / IN_PROGRESS).symlink_to(tmp_path / "elsewhere.jsonl")
    with pytest.raises(OSError):
        offer(school, rows_csv(tmp_path / "rows.csv", keys(prefix, 1)), out)
    assert offers_of(school, prefix) == 0 and not (tmp_path / "elsewhere.jsonl").exists()


# -- the command line -------------------------------------------------------------------------

def cli(school: School, *args: str) -> Any:
    return run_cli("batch", "mbo-diploma", "--org", school.org.id, "--database-url", school.settings.database,
                   "--data-dir", str(school.settings.data_dir), "--public-url", school.settings.base_url, *args)


def test_cli_batch_offers_writes_the_links_then_a_rerun_makes_none_and_lists_the_claim(school, tmp_path):
    prefix = uuid.uuid4().hex[:8]
    csv_file, out = rows_csv(tmp_path / "rows.csv", keys(prefix, 2)), tmp_path / "out"
    dry = cli(school, "--csv", str(csv_file), "--offers", "--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert json.loads(dry.stdout) | {} == {"count": 2, "valid": True, "offeredNow": 0, "toOffer": 2,
                                           "alreadyOffered": 0, "toCorrect": 0, "alreadyIssued": 0}
    assert offers_of(school, prefix) == 0
    made = cli(school, "--csv", str(csv_file), "--offers", "--out", str(out), "--qr", "--expires-in", "14d")
    assert made.returncode == 0, made.stderr
    assert json.loads(made.stdout)["offeredNow"] == 2 and "geheime links" in made.stderr and "secret links" in made.stderr
    table = list(csv.DictReader((out / MANIFEST_CSV).read_text("utf-8-sig").splitlines(), delimiter=";"))
    expires = dt.datetime.fromisoformat(table[0]["expires"].replace("Z", "+00:00"))
    assert dt.timedelta(days=13, hours=23) < expires - dt.datetime.now(dt.timezone.utc) <= dt.timedelta(days=14)
    _, did = claimed(school, table[0]["offer_url"], tmp_path / "passport")
    again = cli(school, "--csv", str(csv_file), "--offers", "--out", str(out))
    assert again.returncode == 0, again.stderr
    assert {k: v for k, v in json.loads(again.stdout).items() if k in ("offeredNow", "open", "claimed")} == {
        "offeredNow": 0, "open": 1, "claimed": 1}
    rows = {r["row_key"]: r for r in csv.DictReader((out / MANIFEST_CSV).read_text("utf-8-sig").splitlines(),
                                                    delimiter=";")}
    assert rows[f"{prefix}-1"]["holder"] == did and rows[f"{prefix}-2"]["offer_url"] == table[1]["offer_url"]
    assert offers_of(school, prefix) == 2
    shown = run_cli("status", "show", f"{prefix}-1", "--database-url", school.settings.database,
                    "--data-dir", str(school.settings.data_dir))
    assert shown.returncode == 0 and json.loads(shown.stdout)["rowKey"] == f"MboDiploma/{prefix}-1"
    fixed = rows_csv(tmp_path / "fixed.csv", keys(prefix, 2), **{f"{prefix}-2": {"date": "2025-07-02"}})
    dry = cli(school, "--csv", str(fixed), "--offers", "--dry-run")
    assert json.loads(dry.stdout)["toCorrect"] == 1 and "1 heeft een open aanbod dat verbeterd zou worden" in dry.stderr
    corrected = cli(school, "--csv", str(fixed), "--offers", "--out", str(out))
    assert corrected.returncode == 0, corrected.stderr
    assert json.loads(corrected.stdout)["corrected"] == 1
    assert "1 open aanbiedingen zijn verbeterd" in corrected.stderr and "1 open offers were corrected" in corrected.stderr
    only_first = cli(school, "--csv", str(rows_csv(tmp_path / "first.csv", [f"{prefix}-1"])), "--offers", "--out", str(out))
    others = json.loads(only_first.stdout)["openNotInExport"]  # (the module's other tests leave open offers too)
    assert only_first.returncode == 0 and [key for key in others if key.startswith(prefix)] == [f"{prefix}-2"]
    assert "open aanbiedingen horen bij regels die niet in deze export staan" in only_first.stderr
    assert "status revoke KEY" in only_first.stderr


def test_cli_batch_offers_after_the_rows_were_issued_without_offers_says_no_links_were_made_and_why(school, tmp_path):
    """The README's lines run in order: `batch --out` issued every diploma (no DID), then `batch --offers` offers none;
    it says so and what to do, and never that offers.csv holds secret links it does not hold."""
    prefix = uuid.uuid4().hex[:8]
    csv_file = rows_csv(tmp_path / "rows.csv", keys(prefix, 2))
    assert cli(school, "--csv", str(csv_file), "--out", str(tmp_path / "diplomas")).returncode == 0
    result = cli(school, "--csv", str(csv_file), "--offers", "--out", str(tmp_path / "aanbod"))
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["issued"] == 2 and json.loads(result.stdout)["offeredNow"] == 0
    assert "geheime links" not in result.stderr and "secret links" not in result.stderr
    assert "2 regels zijn al uitgegeven zonder --offers" in result.stderr
    assert "2 rows were issued already without --offers" in result.stderr and "status revoke" in result.stderr


def test_a_refused_batch_of_offers_says_nothing_was_offered_not_that_nothing_was_issued(school, tmp_path):
    prefix = uuid.uuid4().hex[:8]
    with pytest.raises(BatchInvalid) as refused:
        offer(school, rows_csv(tmp_path / "rows.csv", [prefix], **{prefix: {"crebo": "99999"}}), tmp_path / "out")
    assert refused.value.text("nl") == "1 regel is ongeldig; er is niets aangeboden"
    assert refused.value.text("en") == "1 row is not valid; nothing was offered"


def test_cli_batch_offers_with_a_bad_row_makes_nothing_and_names_the_row_in_dutch_and_english(school, tmp_path):
    prefix = uuid.uuid4().hex[:8]
    csv_file = rows_csv(tmp_path / "rows.csv", keys(prefix, 2), **{f"{prefix}-2": {"crebo": "99999"}})
    result = cli(school, "--csv", str(csv_file), "--offers", "--out", str(tmp_path / "out"), "--lang", "en")
    assert result.returncode == 1 and "[batch_invalid]" in result.stderr
    assert any(line.startswith("line 3, crebo") for line in result.stderr.splitlines()), result.stderr
    assert offers_of(school, prefix) == 0 and not (tmp_path / "out").exists()


_KILLED = """
import os, signal, sys
from skillspas.issuer.exchanges import Exchanges

at, instant = int(sys.argv.pop(1)), sys.argv.pop(1)
made = [0]
create = Exchanges.create

def killed(self, *args, **options):
    keep = options.get("keep")
    def kept(offer):
        keep(offer)
        if made[0] + 1 == at:  # its link written, the offer not yet committed
            os.kill(os.getpid(), signal.SIGKILL)
    if instant == "before-commit" and keep is not None:
        options["keep"] = kept
    offer = create(self, *args, **options)
    made[0] += 1
    if instant == "after-commit" and made[0] == at:  # committed, and the batch not yet told its link
        os.kill(os.getpid(), signal.SIGKILL)
    return offer

Exchanges.create = killed
from skillspas.issuer.cli import main
main()
"""
"""``skillspas`` with ``Exchanges.create`` killing the process (SIGKILL) at offer ``at``, ``before-commit`` (once its
link was kept) or ``after-commit`` (once it was committed): the instants around the one that matters."""


@pytest.mark.parametrize("instant", ["after-commit", "before-commit"])
def test_cli_batch_offers_killed_at_either_side_of_an_offers_commit_loses_no_link_and_a_rerun_lists_every_one(
        school, tmp_path, instant):
    prefix = uuid.uuid4().hex[:8]
    csv_file, out = rows_csv(tmp_path / "rows.csv", keys(prefix, 3)), tmp_path / "out"
    out.mkdir(mode=0o700)
    (out / IN_PROGRESS).write_bytes(b'{"rowKey": "MboDiploma/x", "offerUr')  # a run killed mid-line before
    args = ["batch", "mbo-diploma", "--org", school.org.id, "--database-url", school.settings.database, "--data-dir",
            str(school.settings.data_dir), "--public-url", school.settings.base_url, "--csv", str(csv_file), "--offers",
            "--out", str(out)]
    killed = subprocess.run([sys.executable, "-c", _KILLED, "2", instant, *args], capture_output=True, text=True,
                            timeout=120, stdin=subprocess.DEVNULL, env={**os.environ, "SKILLSPAS_KEY_PASSPHRASE": PASSPHRASE})
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    assert offers_of(school, prefix) == (2 if instant == "after-commit" else 1)
    assert stat.S_IMODE((out / IN_PROGRESS).stat().st_mode) == 0o600 and not (out / MANIFEST_JSON).exists()
    lines = (out / IN_PROGRESS).read_text("utf-8").splitlines()[1:]  # the broken line was ended: each line whole
    unmade = [json.loads(line)["offerUrl"] for line in lines][1:] if instant == "before-commit" else []

    again = cli(school, "--csv", str(csv_file), "--offers", "--out", str(out))
    assert again.returncode == 0, again.stderr
    summary = json.loads(again.stdout)
    assert (summary["open"], summary["offeredNow"], summary["linksMissing"], summary["renewed"]) == (
        (2, 1, 0, 0) if instant == "after-commit" else (1, 2, 0, 0))
    table = list(csv.DictReader((out / MANIFEST_CSV).read_text("utf-8-sig").splitlines(), delimiter=";"))
    links = [row["offer_url"] for row in table]
    assert all(links) and len(set(links)) == 3 and offers_of(school, prefix) == 3  # one offer a row, each listed
    for link in links:  # each one can be claimed
        Exchanges(school.issuer).request(link.rsplit("/", 1)[1])
    for link in unmade:  # the line of an offer that never reached the store is dropped
        assert link not in links
        with pytest.raises(SkillspasError) as refused:
            Exchanges(school.issuer).request(link.rsplit("/", 1)[1])
        assert refused.value.code is ErrorCode.NOT_FOUND
    assert not (out / IN_PROGRESS).exists() and stat.S_IMODE((out / MANIFEST_CSV).stat().st_mode) == 0o600
    credential, did = claimed(school, links[1], tmp_path / "passport")  # the row the run was killed at
    assert credential["credentialSubject"]["id"] == did


def test_cli_batch_offers_withdraws_and_offers_anew_an_open_offer_whose_link_an_earlier_version_lost_saying_so(
        school, tmp_path):
    prefix = uuid.uuid4().hex[:8]
    csv_file, out = rows_csv(tmp_path / "rows.csv", keys(prefix, 2)), tmp_path / "out"
    first = by_key(offer(school, csv_file, out))
    lost = first[f"{prefix}-1"]["offerUrl"]
    # What an earlier version left when killed between an offer's commit and its line: its link in no file, and
    # the offer not marked as kept first.
    with school.store.transaction() as session:
        session.get(ClaimOffer, offer_id(lost.rsplit("/", 1)[1])).link_kept = False
    document = json.loads((out / MANIFEST_JSON).read_text("utf-8"))
    document["offers"][0]["offerUrl"] = None
    (out / MANIFEST_JSON).write_text(json.dumps(document), "utf-8")

    again = cli(school, "--csv", str(csv_file), "--offers", "--out", str(out))
    assert again.returncode == 0, again.stderr
    summary = json.loads(again.stdout)
    assert (summary["renewed"], summary["offeredNow"], summary["open"], summary["linksMissing"]) == (1, 1, 1, 0)
    assert "ingetrokken en opnieuw aangeboden" in again.stderr and "withdrawn and offered anew" in again.stderr
    second = by_key(OfferManifest("", "", json.loads((out / MANIFEST_JSON).read_text("utf-8"))["offers"]))
    renewed = second[f"{prefix}-1"]
    assert renewed["state"] == "offered" and renewed["renewed"] and renewed["offerUrl"] not in (None, lost)
    assert second[f"{prefix}-2"]["offerUrl"] == first[f"{prefix}-2"]["offerUrl"]
    with pytest.raises(SkillspasError) as refused:  # the lost link, should it turn up, no longer works
        Exchanges(school.issuer).request(lost.rsplit("/", 1)[1])
    assert refused.value.code is ErrorCode.OFFER_EXPIRED
    credential, did = claimed(school, renewed["offerUrl"], tmp_path / "passport")
    assert credential["id"] == first[f"{prefix}-1"]["credentialId"] and credential["credentialSubject"]["id"] == did
    third = json.loads(cli(school, "--csv", str(csv_file), "--offers", "--out", str(out)).stdout)
    assert (third["claimed"], third["open"], third["renewed"], third["offeredNow"]) == (1, 1, 0, 0)


@pytest.mark.parametrize("given", ["0m", "0.5m", "31d", "720.1h", "-1d", "soon", "1e400d"])
def test_cli_batch_offers_refuses_an_expiry_out_of_bounds_before_anything_is_made(school, tmp_path, given):
    prefix = uuid.uuid4().hex[:8]
    csv_file = rows_csv(tmp_path / "rows.csv", keys(prefix, 1))
    result = cli(school, "--csv", str(csv_file), "--offers", "--out", str(tmp_path / "out"), "--expires-in", given)
    assert result.returncode == 2 and "fout [invalid_option]" in result.stderr and "error [invalid_option]" in result.stderr
    assert "Traceback" not in result.stderr
    assert offers_of(school, prefix) == 0 and not (tmp_path / "out").exists()


def test_cli_batch_refuses_expires_in_and_qr_without_offers(school, tmp_path):
    csv_file = rows_csv(tmp_path / "rows.csv", ["x"])
    for extra in (["--expires-in", "7d"], ["--qr"]):
        result = cli(school, "--csv", str(csv_file), "--out", str(tmp_path / "out"), *extra)
        assert result.returncode == 2 and "[invalid_option]" in result.stderr, result.stderr
    with school.store.transaction() as session:
        assert session.scalar(select(func.count(IssuedCredential.id)).where(IssuedCredential.row_key == "MboDiploma/x")) == 0
