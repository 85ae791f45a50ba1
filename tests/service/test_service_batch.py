"""Batch issuance: every bad row reported before anything is issued; idempotent per row key, also after SIGKILL."""

from __future__ import annotations

import concurrent.futures
import contextlib
import csv
import errno
import json
import os
import random
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select, update

from skillspas.issuer.batch import BatchInvalid, issue_rows, read_csv, validate_rows, write_atomic
from skillspas.issuer.batch_offers import offer_rows
from skillspas.issuer.issuing import Issuer
from skillspas.issuer.orgs import Org, create_organisation
from skillspas.issuer.settings import Settings
from skillspas.issuer.status_registry import list_url
from skillspas.issuer.store import Store, open_store
from skillspas.issuer.store.models import IssuedCredential
from skillspas.keys import StaticResolver
from skillspas.verifier import Verifier

from svc_live import PASSPHRASE, LiveService, age_offer, another_batch_writing, batch_lock_free, folder_files, run_cli

CRASH_ROWS = int(os.environ.get("SKILLSPAS_CRASH_ROWS", "300"))


def diploma_row(key: str, **changes: str) -> dict[str, str]:
    return {"row_key": key, "learner_name": f"Leerling {key}", "crebo": "25180", "leerweg": "BBL",
            "date": "2025-07-01", **changes}


# -- over HTTP ---------------------------------------------------------------------------------

def test_batch_endpoint_issues_every_row_and_a_retry_issues_nothing_twice(service: LiveService):
    rows = [diploma_row(f"http-{n}") for n in range(3)]
    first = service.post("/credentials/batch", {"type": "mbo-diploma", "rows": rows})
    assert first.status_code == 201, first.text
    body = first.json()
    assert body["manifest"]["issuedNow"] == 3
    for credential in body["credentials"]:
        assert "MboDiploma" in credential["type"]
        verified = service.post("/credentials/verify", {"verifiableCredential": credential}, org=None)
        assert verified.status_code == 200, verified.text
    again = service.post("/credentials/batch", {"type": "mbo-diploma", "rows": rows}).json()
    assert again["manifest"]["issuedNow"] == 0
    assert [c["id"] for c in again["credentials"]] == [c["id"] for c in body["credentials"]]


def _entries(credential: dict) -> list[dict]:
    status = credential["credentialStatus"]
    return status if isinstance(status, list) else [status]


def test_each_batch_credential_carries_its_own_reserved_status_bit_and_revoking_one_revokes_only_it(service: LiveService):
    rows = [diploma_row(f"bit-{n}") for n in range(5)]
    response = service.post("/credentials/batch", {"type": "mbo-diploma", "rows": rows})
    assert response.status_code == 201, response.text
    credentials = response.json()["credentials"]
    org_id = service.orgs["roc"].id
    store = open_store(service.settings.database)
    try:
        with store.transaction() as session:
            stored = {row.credential_id: row for row in session.execute(
                select(IssuedCredential.credential_id, IssuedCredential.status_seq, IssuedCredential.status_index,
                       IssuedCredential.status_purposes)
                .where(IssuedCredential.credential_id.in_([c["id"] for c in credentials]))).all()}
    finally:
        store.dispose()
    assert len(stored) == len(rows)
    for credential in credentials:
        row = stored[credential["id"]]
        entries = _entries(credential)
        assert sorted(e["statusPurpose"] for e in entries) == sorted(row.status_purposes.split())
        for entry in entries:
            assert entry["statusListIndex"] == str(row.status_index), credential["id"]
            assert entry["statusListCredential"] == list_url(service.settings, org_id, row.status_seq,
                                                             entry["statusPurpose"])

    revoked = credentials[2]
    changed = service.post("/credentials/status", {"credentialId": revoked["id"], "action": "revoke"})
    assert changed.status_code == 200, changed.text
    for credential in credentials:
        verified = service.post("/credentials/verify", {"verifiableCredential": credential}, org=None)
        if credential is revoked:
            assert (verified.status_code, verified.json().get("code")) == (422, "revoked")
        else:
            assert verified.status_code == 200, (credential["id"], verified.text)


def test_batch_endpoint_reports_every_bad_row_and_issues_nothing(service: LiveService):
    rows = [diploma_row("bad-1"), diploma_row("bad-2", date="2025-13-01"), diploma_row("bad-3", leerweg=""),
            diploma_row("bad-1")]
    response = service.post("/credentials/batch", {"type": "mbo-diploma", "rows": rows})
    assert response.status_code == 400, response.text
    body = response.json()
    assert body["code"] == "batch_invalid"
    assert [(e["line"], e["field"]) for e in body["rowErrors"]] == [(2, "date"), (3, "leerweg"), (4, "row_key")]
    assert all(e["messageNl"] and e["message"] for e in body["rowErrors"])
    good = service.post("/credentials/batch", {"type": "mbo-diploma", "rows": rows[:1]}).json()
    assert good["manifest"]["issuedNow"] == 1  # the first, valid row had not been issued


@pytest.mark.parametrize("field, value", [("learner_name", 1e308), ("row_key", -0.0), ("row_key", 1.0),
                                          ("crebo", 25180.5), ("niveau", 10**12)])
def test_a_number_with_a_fraction_in_a_text_field_or_the_row_key_is_a_row_error_naming_its_row_and_field(
        service: LiveService, field, value):
    """1e308 would be signed as "1e+308", 1.0 and 1 would be two keys, -0.0 an absent key: each row path reads a
    value as the builders' Row does (text, a whole number, a bounded number where a field takes one)."""
    key = f"typed-{uuid.uuid4()}"
    rows = [diploma_row(key), {**diploma_row(f"{key}-2"), field: value}]
    response = service.post("/credentials/batch", {"type": "mbo-diploma", "rows": rows})
    assert response.status_code == 400, response.text
    body = response.json()
    assert body["code"] == "batch_invalid" and [(e["line"], e["field"]) for e in body["rowErrors"]] == [(2, field)]
    assert all(e["messageNl"] and e["message"] for e in body["rowErrors"])
    good = service.post("/credentials/batch", {"type": "mbo-diploma", "rows": rows[:1]}).json()
    assert good["manifest"]["issuedNow"] == 1  # nothing was issued


@pytest.mark.parametrize("field, value", [("leerweg", True), ("learner_name", {"nl": "Anouk"})])
def test_a_batch_row_value_that_is_no_text_number_list_or_null_is_refused_naming_its_row_and_field(
        service: LiveService, field, value):
    key = f"typed-{uuid.uuid4()}"
    rows = [diploma_row(key), {**diploma_row(f"{key}-2"), field: value}]
    response = service.post("/credentials/batch", {"type": "mbo-diploma", "rows": rows})
    assert response.status_code == 400, response.text
    body = response.json()
    assert body["code"] == "schema_invalid" and body["path"] == f"/rows/1/{field}"
    assert "row 2" in body["message"] and field in body["message"]
    assert "regel 2" in body["messageNl"].lower() and field in body["messageNl"]
    good = service.post("/credentials/batch", {"type": "mbo-diploma", "rows": rows[:1]}).json()
    assert good["manifest"]["issuedNow"] == 1  # nothing was issued


def test_a_batch_row_takes_a_whole_number_null_and_a_list_as_issue_data_json_does(service: LiveService):
    key = f"plain-{uuid.uuid4()}"
    row = {**diploma_row(key), "crebo": 25656, "keuzedelen": ["K0186"], "learner_email": None}
    response = service.post("/credentials/batch", {"type": "mbo-diploma", "rows": [row]})
    assert response.status_code == 201, response.text
    subject = response.json()["credentials"][0]["credentialSubject"]
    assert "25656" in json.dumps(subject) and "K0186" in json.dumps(subject)


def test_batch_endpoint_reports_what_a_verifier_would_refuse_before_issuing(service: LiveService):
    rows = [diploma_row("v-1"), diploma_row("v-2", learner_name="Anouk\u202eTestdata")]  # a bidi override
    response = service.post("/credentials/batch", {"type": "mbo-diploma", "rows": rows})
    assert response.status_code == 400, response.text
    assert [(e["line"], e["code"]) for e in response.json()["rowErrors"]] == [(2, "schema_invalid")]
    assert service.post("/credentials/batch", {"type": "mbo-diploma", "rows": rows[:1]}).json()["manifest"]["issuedNow"] == 1


def test_batch_endpoint_refuses_credential_ids_issued_before_or_twice(service: LiveService):
    taken = service.post("/credentials/batch", {"type": "mbo-diploma", "rows": [diploma_row("id-0")]}).json()
    taken_id = taken["credentials"][0]["id"]
    rows = [diploma_row("id-1", id=taken_id), diploma_row("id-2", id="urn:uuid:0c1d5a55-2f63-4b0e-8d52-6d2b1a1f0e01"),
            diploma_row("id-3", id="urn:uuid:0c1d5a55-2f63-4b0e-8d52-6d2b1a1f0e01")]
    response = service.post("/credentials/batch", {"type": "mbo-diploma", "rows": rows})
    assert response.status_code == 400, response.text
    assert [(e["line"], e["field"], e["code"]) for e in response.json()["rowErrors"]] == [
        (1, "id", "duplicate_id"), (3, "id", "duplicate_id")]


def test_a_row_issued_before_is_not_built_again_but_a_national_id_sent_with_it_is_refused(service: LiveService):
    rows = [diploma_row("bsn-0"), diploma_row("bsn-1")]
    assert service.post("/credentials/batch", {"type": "mbo-diploma", "rows": rows}).status_code == 201
    again = [rows[0], {**rows[1], "bsn": "111222333"}]
    response = service.post("/credentials/batch", {"type": "mbo-diploma", "rows": again})
    assert response.status_code == 400, response.text
    assert [(e["line"], e["code"]) for e in response.json()["rowErrors"]] == [(2, "forbidden_field")]


def test_a_retried_batch_row_that_now_says_otherwise_is_refused_naming_its_columns_and_nothing_is_issued(
        service: LiveService):
    rows = [diploma_row("fix-0"), diploma_row("fix-1")]
    first = service.post("/credentials/batch", {"type": "mbo-diploma", "rows": rows})
    assert first.status_code == 201, first.text
    corrected = [{**rows[0], "learner_name": "Leerling Fix-0 Jansen", "date": "2025-07-02"}, rows[1], diploma_row("fix-2")]
    response = service.post("/credentials/batch", {"type": "mbo-diploma", "rows": corrected})
    assert response.status_code == 400, response.text
    [error] = response.json()["rowErrors"]
    assert (error["line"], error["field"], error["code"]) == (1, "date", "row_changed")
    assert "date, learner_name" in error["message"] and "date, learner_name" in error["messageNl"]
    assert "revoke fix-0" in error["message"]
    added = [{**rows[0], "learner_email": "fix0@example.org"}]  # a row field that had no value then: changed too
    assert [e["code"] for e in service.post("/credentials/batch", {"type": "mbo-diploma", "rows": added})
            .json()["rowErrors"]] == ["row_changed"]
    # The same row as a school's system exports it again: other spaces, header spelling, an unused column.
    same = [{"row_key": "fix-0", "Learner Name": " Leerling fix-0 ", "crebo": "25180", "leerweg": "BBL",
             "date": "2025-07-01", "opmerking": "nagekeken"}, rows[1]]
    again = service.post("/credentials/batch", {"type": "mbo-diploma", "rows": same})
    assert again.status_code == 201, again.text
    assert again.json()["manifest"]["issuedNow"] == 0
    assert [c["id"] for c in again.json()["credentials"]] == [c["id"] for c in first.json()["credentials"]]
    assert service.post("/credentials/batch", {"type": "mbo-diploma", "rows": [diploma_row("fix-2")]}).json()[
        "manifest"]["issuedNow"] == 1  # the refused request issued nothing


def test_batch_endpoint_refuses_a_type_the_role_does_not_allow(service: LiveService):
    response = service.post("/credentials/batch", {"type": "mbo-diploma", "rows": [diploma_row("t-1")]}, org="training")
    assert response.status_code == 403 and response.json()["code"] == "type_not_allowed"


def test_batch_endpoint_refuses_an_unknown_type(service: LiveService):
    response = service.post("/credentials/batch", {"type": "diploma-of-nothing", "rows": [diploma_row("u-1")]})
    assert response.status_code == 400 and response.json()["path"] == "/type"


# -- the CLI -----------------------------------------------------------------------------------

def _org(url: str, folder: Path) -> tuple[Settings, str]:
    settings = Settings(data_dir=folder, database_url=url, key_passphrase=PASSPHRASE,
                        public_url="https://issuer.roc.example")
    store = open_store(url)
    try:
        created = create_organisation(store, settings, f"ROC {folder.name}", role="mbo", did_web=f"{folder.name.lower()}.example")
    finally:
        store.dispose()
    return settings, created.id


def _write_csv(path: Path, rows: list[dict[str, str]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), delimiter=";")
        writer.writeheader()
        writer.writerows(rows)


@contextlib.contextmanager
def _issuing(database: tuple[str, Path], name: str, **changes: Any) -> Iterator[tuple[Issuer, Org, Store]]:
    """A new organisation ``name`` on ``database``, and its issuer (signing in this process), as a library caller has
    them; the store disposed of after the block."""
    settings, org_id = _org(database[0], database[1] / name)
    store = open_store(settings.database)
    try:
        issuer = Issuer(store, settings.replace(batch_workers=1, **changes))
        yield issuer, issuer.orgs.get(org_id), store
    finally:
        store.dispose()


def _batch_args(settings: Settings, org_id: str, csv_file: Path, out: Path) -> list[str]:
    return ["batch", "mbo-diploma", "--csv", str(csv_file), "--org", org_id, "--out", str(out),
            "--database-url", settings.database, "--data-dir", str(settings.data_dir),
            "--public-url", settings.base_url]


def test_cli_batch_reports_every_bad_row_with_line_and_field_and_issues_nothing(database, tmp_path):
    settings, org_id = _org(database[0], database[1] / "bad")
    rows = [diploma_row("c-1"), diploma_row("c-2", learner_name=""), diploma_row("c-3", date="31-02-2025")]
    _write_csv(tmp_path / "rows.csv", rows)
    result = run_cli(*_batch_args(settings, org_id, tmp_path / "rows.csv", tmp_path / "out"),
                     env={"SKILLSPAS_BATCH_WORKERS": "2"})  # rows built in worker processes
    assert result.returncode == 1, result.stderr
    lines = [line for line in result.stderr.splitlines() if line.startswith("regel")]
    assert [line.split(":")[0] for line in lines] == ["regel 3, learner_name", "regel 4, date"]
    assert not (tmp_path / "out").exists()
    store = open_store(settings.database)
    try:
        with store.transaction() as session:
            assert session.scalar(select(func.count(IssuedCredential.id)).where(IssuedCredential.org_id == org_id)) == 0
    finally:
        store.dispose()


def test_cli_batch_prints_its_json_alone_on_standard_output_and_its_progress_bar_on_standard_error(database, tmp_path):
    """``batch … > result.json`` or ``| jq``: the bar ("uitgeven ━━━ 2/2") was on standard output, above the JSON."""
    settings, org_id = _org(database[0], database[1] / "stdout")
    _write_csv(tmp_path / "rows.csv", [diploma_row("s-1"), diploma_row("s-2")])
    result = run_cli(*_batch_args(settings, org_id, tmp_path / "rows.csv", tmp_path / "out"),
                     env={"SKILLSPAS_BATCH_WORKERS": "1"})
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {"count": 2, "issuedNow": 2, "manifest": str(tmp_path / "out" / "manifest.json")}
    assert "uitgeven" in result.stderr and "2/2" in result.stderr, result.stderr


def _states(store: Store, org_id: str) -> dict[str, int]:
    """How many of the organisation's records are in each state (pending, active)."""
    with store.transaction() as session:
        return dict(session.execute(select(IssuedCredential.state, func.count(IssuedCredential.id))
                                    .where(IssuedCredential.org_id == org_id).group_by(IssuedCredential.state)).all())


def _named_semaphores() -> set[str]:
    """multiprocessing's named semaphores on this machine (a spawned pool's queue locks)."""
    return {path.name for path in Path("/dev/shm").glob("sem.mp-*")}


@pytest.mark.parametrize("workers, group", [("1", False), ("2", False), ("2", True)],
                         ids=["in-process", "2-workers", "2-workers, the whole process group killed"])
def test_cli_batch_killed_at_a_random_point_and_rerun_issues_each_row_exactly_once(database, tmp_path, workers, group):
    """Also: nothing of the killed batch is left for multiprocessing's resource tracker to clean up ("There appear to
    be 5 leaked semaphore objects"), nor left over when the tracker is killed with it (a whole process group)."""
    settings, org_id = _org(database[0], database[1] / f"crash{workers}{'-group' if group else ''}")
    rows = [diploma_row(f"k-{n:05d}") for n in range(CRASH_ROWS)]
    csv_file, out = tmp_path / "rows.csv", tmp_path / "out"
    _write_csv(csv_file, rows)
    args = _batch_args(settings, org_id, csv_file, out)
    batch_env = {"SKILLSPAS_BATCH_WORKERS": workers, "SKILLSPAS_BATCH_COMMIT_EVERY": "10"}  # commits before the kill
    env = {**os.environ, "SKILLSPAS_KEY_PASSPHRASE": PASSPHRASE, **batch_env}
    semaphores = _named_semaphores()
    process = subprocess.Popen([sys.executable, "-c", "from skillspas.issuer.cli import main; main()", *args],
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env, start_new_session=group)
    kill_after = random.Random(os.getpid()).randint(1, CRASH_ROWS // 2)
    deadline = time.monotonic() + 300
    watch = open_store(settings.database, upgrade=False)
    try:
        while time.monotonic() < deadline and process.poll() is None:
            # the kill comes after some rows were committed, at a random number of files written
            if out.is_dir() and len(list(out.glob("*.json"))) >= kill_after and _states(watch, org_id).get("active"):
                break
            time.sleep(0.02)  # listing thousands of files costs CPU the batch needs
        if group:
            os.killpg(process.pid, signal.SIGKILL)
        else:
            process.send_signal(signal.SIGKILL)
        _, stderr = process.communicate(timeout=60)  # to its end: also what a resource tracker says after the kill
        committed = _states(watch, org_id).get("active", 0)
    finally:
        watch.dispose()
    assert not (out / "manifest.json").exists(), "the batch finished before it could be killed"
    assert 0 < committed < CRASH_ROWS, "the kill came before any row was committed, or after all"
    assert b"leaked semaphore" not in stderr and b"resource_tracker" not in stderr, stderr.decode(errors="replace")
    assert _named_semaphores() <= semaphores, "the killed batch left named semaphores behind"

    result = run_cli(*args, env=batch_env)
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout.strip().splitlines()[-1])
    assert summary["count"] == CRASH_ROWS and summary["issuedNow"] == CRASH_ROWS - committed

    store = open_store(settings.database)
    try:
        with store.transaction() as session:
            issued = session.execute(select(IssuedCredential.credential_id, IssuedCredential.status_seq,
                                            IssuedCredential.status_index, IssuedCredential.state)
                                     .where(IssuedCredential.org_id == org_id)).all()
        org = Issuer(store, settings).orgs.get(org_id)
    finally:
        store.dispose()
    assert len(issued) == CRASH_ROWS and {row.state for row in issued} == {"active"}
    assert len({row.credential_id for row in issued}) == CRASH_ROWS
    assert len({(row.status_seq, row.status_index) for row in issued}) == CRASH_ROWS
    files = sorted(p for p in out.glob("*.json") if p.name != "manifest.json")
    assert len(files) == CRASH_ROWS
    manifest = json.loads((out / "manifest.json").read_text())
    assert {e["credentialId"] for e in manifest["credentials"]} == {row.credential_id for row in issued}
    verifier = Verifier(resolver=StaticResolver({org.did: org.did_document}))
    for file in files:
        credential = json.loads(file.read_text())
        assert credential["id"] in {row.credential_id for row in issued}
        assert verifier.check_proofs(credential).first_error is None, file.name


def test_cli_batch_stopped_with_ctrl_c_says_how_to_finish_and_a_rerun_finishes(database, tmp_path):
    settings, org_id = _org(database[0], database[1] / "ctrl-c")
    rows = [diploma_row(f"i-{n:05d}") for n in range(CRASH_ROWS)]
    csv_file, out = tmp_path / "rows.csv", tmp_path / "out"
    _write_csv(csv_file, rows)
    args = _batch_args(settings, org_id, csv_file, out)
    env = {**os.environ, "SKILLSPAS_KEY_PASSPHRASE": PASSPHRASE, "SKILLSPAS_BATCH_WORKERS": "1"}
    # Ctrl-C as in a terminal: a test run started in the background (``cmd &`` in a script) ignores SIGINT,
    # and so would the batch it starts, which would then finish instead of stopping
    process = subprocess.Popen([sys.executable, "-c", "from skillspas.issuer.cli import main; main()", *args],
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env, text=True,
                               preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline and process.poll() is None and not (out.is_dir() and any(out.glob("*.json"))):
        time.sleep(0.02)
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=120)
    assert not (out / "manifest.json").exists(), "the batch finished before Ctrl-C"
    assert process.returncode == 130, stderr
    assert "Gestopt. Wat al is uitgegeven blijft geldig en bewaard; start dezelfde opdracht opnieuw" in stderr
    assert "Traceback" not in stderr
    result = run_cli(*args, env={"SKILLSPAS_BATCH_WORKERS": "1"})
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.strip().splitlines()[-1])["count"] == CRASH_ROWS


def test_a_batch_into_a_folder_another_batch_is_writing_into_is_refused_at_once_and_leaves_its_files_untouched(
        database, tmp_path):
    """A double-clicked script or an overlapping cron job: two runs into one --out would rewrite each other's files and
    manifest. The second is refused (file_error, in Dutch and English, naming the folder) before it reserves anything;
    a dry run takes no lock; and once the holder is killed (SIGKILL, its forked worker still alive) a run works."""
    settings, org_id = _org(database[0], database[1] / "locked")
    csv_file, out = tmp_path / "rows.csv", tmp_path / "out"
    _write_csv(csv_file, [diploma_row("l-1"), diploma_row("l-2")])
    out.mkdir()
    (out / "manifest.json").write_text('{"written by": "the other batch"}\n')
    args, env = _batch_args(settings, org_id, csv_file, out), {"SKILLSPAS_BATCH_WORKERS": "1"}
    watch = open_store(settings.database, upgrade=False)
    try:
        with another_batch_writing(out) as holder:
            before = folder_files(out)
            with concurrent.futures.ThreadPoolExecutor(2) as both:  # two processes at once: the test's time halved
                running = both.submit(run_cli, *args, env=env), both.submit(run_cli, *args, "--dry-run", env=env)
                refused, dry = (future.result() for future in running)
            assert refused.returncode == 2, refused.stderr
            nl, en = (next(line for line in refused.stderr.splitlines() if line.startswith(start))
                      for start in ("fout [file_error]", "error [file_error]"))
            assert str(out) in nl and "andere batch" in nl and "--out" in nl, refused.stderr
            assert str(out) in en and "another batch" in en and "--out" in en, refused.stderr
            assert folder_files(out) == before and _states(watch, org_id) == {}
            assert dry.returncode == 0 and json.loads(dry.stdout)["valid"], dry.stderr
            holder.kill()
            again = run_cli(*args, env=env)
        assert again.returncode == 0, again.stderr
        assert json.loads(again.stdout)["issuedNow"] == 2 and _states(watch, org_id) == {"active": 2}
    finally:
        watch.dispose()


def test_the_batch_lock_is_let_go_after_a_run_and_after_a_run_that_failed(database, tmp_path):
    with _issuing(database, "unlocked") as (issuer, org, _):
        plan = validate_rows(issuer, org, "mbo-diploma", [(2, diploma_row("u-1"))])
        out = tmp_path / "out"
        issue_rows(issuer, org, plan, out=out)
        assert batch_lock_free(out)
        (out / "manifest.json").unlink()
        (out / "manifest.json").mkdir()  # the manifest cannot be written
        with pytest.raises(OSError):
            issue_rows(issuer, org, plan, out=out)
        assert batch_lock_free(out)


def test_a_rerun_rewrites_a_deleted_or_damaged_file_from_the_store_and_issues_nothing(database, tmp_path):
    with _issuing(database, "recover") as (issuer, org, _):
        plan = validate_rows(issuer, org, "mbo-diploma", [(n + 2, diploma_row(f"r-{n}")) for n in range(4)])
        out = tmp_path / "out"
        files = [out / entry["file"] for entry in issue_rows(issuer, org, plan, out=out).entries]
        original = [file.read_bytes() for file in files]
        files[0].unlink()                                       # deleted
        files[1].write_bytes(original[1][: len(original[1]) // 2])  # truncated
        files[2].write_bytes(original[3])                       # another row's credential
        again = issue_rows(issuer, org, plan, out=out)
    assert again.issued == 0
    assert [json.loads(file.read_bytes()) for file in files] == [json.loads(data) for data in original]
    assert files[3].read_bytes() == original[3]


def test_a_rerun_names_the_status_of_each_credential_so_a_revoked_diploma_is_not_sent_as_valid(database, tmp_path):
    settings, org_id = _org(database[0], database[1] / "revokedlisted")
    rows = [diploma_row("s-0"), diploma_row("s-1"), diploma_row("s-2")]
    _write_csv(tmp_path / "rows.csv", rows)
    args = _batch_args(settings, org_id, tmp_path / "rows.csv", tmp_path / "out")
    assert run_cli(*args).returncode == 0
    where = ("--database-url", settings.database, "--data-dir", str(settings.data_dir))
    shown = run_cli("status", "show", "s-1", "--org", org_id, *where)
    assert json.loads(shown.stdout)["learner"] == "Leerling s-1"  # whose it is, before it is revoked
    revoked = run_cli("status", "revoke", "s-1", "--yes", "--org", org_id, *where)
    assert revoked.returncode == 0 and "voor Leerling s-1" in revoked.stderr and "for Leerling s-1" in revoked.stderr
    again = run_cli(*args)
    assert again.returncode == 0, again.stderr
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text("utf-8"))
    assert [e["status"] for e in manifest["credentials"]] == ["active", "revoked", "active"]
    assert "1 ingetrokken: manifest.json noemt hun status" in again.stderr  # (an mbo-diploma has no suspension)
    assert "1 revoked: manifest.json names their status" in again.stderr


def test_a_row_re_saved_as_excel_writes_it_is_the_same_row_and_not_refused_as_changed(database, tmp_path):
    """Dutch Excel writes a date it re-saves as 1-7-2025; a leerweg typed 'bbl' is read as BBL; an e-mail address is
    hashed with a salt of its own: each builds the credential issued, so none is a change to refuse."""
    with _issuing(database, "excel") as (issuer, org, _):
        first = [diploma_row("x-1", learner_email="x1@example.org"), diploma_row("x-2")]
        issue_rows(issuer, org, validate_rows(issuer, org, "mbo-diploma", [(n + 2, r) for n, r in enumerate(first)]))
        resaved = [diploma_row("x-1", date="1-7-2025", leerweg="bbl", learner_email="x1@example.org"),
                   diploma_row("x-2", date="01-07-2025")]
        plan = validate_rows(issuer, org, "mbo-diploma", [(n + 2, r) for n, r in enumerate(resaved)])
        assert [row.issued is not None for row in plan] == [True, True]
        assert issue_rows(issuer, org, plan).issued == 0
        changed = [diploma_row("x-1", date="2-7-2025", learner_email="x1@example.org"),
                   diploma_row("x-2", learner_email="nieuw@example.org")]
        assert _changed_plan(issuer, org.id, changed) == ["row_changed", "row_changed"]


def _changed_plan(issuer: Issuer, org_id: str, rows: list[dict[str, str]]) -> list[str]:
    """The codes of the rows ``validate_rows`` refuses (none: the plan was made)."""
    try:
        validate_rows(issuer, issuer.orgs.get(org_id), "mbo-diploma", [(n + 2, row) for n, row in enumerate(rows)])
    except BatchInvalid as refused:
        return [error.code for error in refused.errors]
    return []


def test_a_row_changed_since_it_was_issued_is_known_only_where_the_store_keeps_content(database, tmp_path):
    for mode in ("full", "hash"):
        with _issuing(database, f"changed-{mode}", store_credentials=mode) as (issuer, org, store):
            rows = [diploma_row(f"c-{n}") for n in range(3)]
            plan = validate_rows(issuer, org, "mbo-diploma", [(n + 2, r) for n, r in enumerate(rows)])
            issue_rows(issuer, org, plan, out=tmp_path / mode)
            rows[1] = {**rows[1], "learner_name": "Iemand Anders"}
            with store.transaction() as session:
                digests = [d for d in session.scalars(select(IssuedCredential.row_digest).where(
                    IssuedCredential.org_id == org.id))]
            # hash: the store keeps nothing derived from what a row says (a name's hash could be guessed)
            assert _changed_plan(issuer, org.id, rows) == (["row_changed"] if mode == "full" else [])
            assert all(d is not None for d in digests) if mode == "full" else digests == [None] * 3
            if mode == "full":  # issued before rows were kept (no digest): taken as before
                with store.transaction() as session:
                    session.execute(update(IssuedCredential).where(IssuedCredential.org_id == org.id)
                                    .values(row_digest=None))
                assert _changed_plan(issuer, org.id, rows) == []


def test_a_row_issued_without_offers_after_its_offer_expired_is_compared_with_what_it_was_issued_from_not_the_offer(
        database, tmp_path):
    """Only hashes kept: the offer (made from the row as it was then) expired unclaimed, the corrected row was then
    issued by the batch without offers; a re-run of that same row was refused as changed since the offer."""
    with _issuing(database, "expiredoffer", store_credentials="hash") as (issuer, org, store):
        _write_csv(tmp_path / "then.csv", [diploma_row("e-1")])
        rows = read_csv(tmp_path / "then.csv")
        made = offer_rows(issuer, org, validate_rows(issuer, org, "mbo-diploma", rows, offers=True), rows=rows,
                          out=tmp_path / "offers")
        age_offer(store, made.entries[0]["offerUrl"], expired=True)
        _write_csv(tmp_path / "now.csv", [diploma_row("e-1", learner_name="Iemand Anders")])
        issue_rows(issuer, org, validate_rows(issuer, org, "mbo-diploma", read_csv(tmp_path / "now.csv")))
        plan = validate_rows(issuer, org, "mbo-diploma", read_csv(tmp_path / "now.csv"))
        assert issue_rows(issuer, org, plan).issued == 0


def test_cli_batch_refuses_a_changed_row_in_dutch_and_english_before_anything_is_issued(database, tmp_path):
    settings, org_id = _org(database[0], database[1] / "changedcli")
    out = tmp_path / "out"

    def batch(rows: list[dict[str, str]]) -> subprocess.CompletedProcess[str]:
        _write_csv(tmp_path / "rows.csv", rows)
        return run_cli(*_batch_args(settings, org_id, tmp_path / "rows.csv", out))

    assert batch([diploma_row("k-0"), diploma_row("k-1")]).returncode == 0
    result = batch([diploma_row("k-0", leerweg="BOL"), diploma_row("k-1"), diploma_row("k-2")])
    assert result.returncode == 1, result.stderr
    assert "[row_changed]" in result.stderr and "leerweg" in result.stderr
    assert "Rijsleutel 'k-0' is eerder uitgegeven met andere gegevens in: leerweg" in result.stderr
    assert not (out / "manifest.json").read_text(encoding="utf-8").count("k-2")


def test_a_manifest_that_could_not_be_written_is_refused_before_any_row_is_issued(database, tmp_path):
    with _issuing(database, "manifestdir") as (issuer, org, store):
        plan = validate_rows(issuer, org, "mbo-diploma", [(2, diploma_row("m-0"))])
        (tmp_path / "out" / "manifest.json").mkdir(parents=True)  # a folder where the manifest goes
        with pytest.raises(OSError) as refused:
            issue_rows(issuer, org, plan, out=tmp_path / "out")
        assert "manifest.json" in str(refused.value)
        with store.transaction() as session:  # refused before a row was reserved, not after all were issued
            assert session.scalar(select(func.count()).select_from(IssuedCredential)
                                  .where(IssuedCredential.org_id == org.id)) == 0


def test_a_changed_row_whose_credential_was_revoked_already_is_told_to_take_a_new_key_not_to_revoke_it_again(
        database, tmp_path):
    """The administrator revoked the misspelled diploma as told, then put the corrected row back under its old key:
    the refusal says a new key (with an example) and no longer sends them to `status revoke` again."""
    with _issuing(database, "revokedchanged") as (issuer, org, _):
        plan = validate_rows(issuer, org, "mbo-diploma", [(2, diploma_row("100005")), (3, diploma_row("100006"))])
        manifest = issue_rows(issuer, org, plan)
        issuer.change_status(org, manifest.entries[0]["credentialId"], "revoke")
        corrected = [(2, diploma_row("100005", learner_name="Bram Brouwer")),
                     (3, diploma_row("100006", learner_name="Fenna Dekker"))]
        with pytest.raises(BatchInvalid) as refused:
            validate_rows(issuer, org, "mbo-diploma", corrected)
    revoked, active = refused.value.errors
    assert revoked.code == active.code == "row_changed"
    assert "ingetrokken" in revoked.message_nl and "status revoke" not in revoked.message_nl + revoked.message
    assert "'100005-2'" in revoked.message_nl and "'100005-2'" in revoked.message and "revoked" in revoked.message
    assert "skillspas status revoke 100006" in active.message_nl and "'100006-2'" in active.message_nl


_INTERRUPTED_WRITE = """
import resource, signal, sys
from pathlib import Path
from skillspas.issuer.batch import write_atomic
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
resource.setrlimit(resource.RLIMIT_FSIZE, (4096, resource.RLIM_INFINITY))  # the disk 'fills up' at 4 KiB
try:
    write_atomic(Path(sys.argv[1]), b"{" + b" " * 65536 + b"}")
except OSError as exc:
    print(exc.errno)
"""


@pytest.mark.parametrize("before", [b'{"old": true}\n', None], ids=["old file", "no file"])
def test_a_file_write_cut_off_halfway_leaves_the_old_file_or_none_never_a_partial_one(tmp_path, before):
    target = tmp_path / "row.json"
    if before is not None:
        target.write_bytes(before)
    result = subprocess.run([sys.executable, "-c", _INTERRUPTED_WRITE, str(target)], capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 0 and result.stdout.strip() == str(errno.EFBIG), result.stderr
    assert [p.name for p in tmp_path.iterdir()] == (["row.json"] if before is not None else [])
    if before is not None:
        assert target.read_bytes() == before


@pytest.mark.parametrize("where", ["a folder that does not exist", "a folder in the file's place"])
def test_a_write_that_fails_names_the_file_asked_for_not_its_temp_file(tmp_path, where):
    from skillspas.schemas.errors import file_error

    target = tmp_path / ("missing" if where.startswith("a folder that") else "") / "manifest.json"
    if where == "a folder in the file's place":
        target.mkdir()
    with pytest.raises(OSError) as caught:
        write_atomic(target, b"{}\n")
    assert caught.value.filename == str(target)
    shown = file_error(caught.value, verb="write")
    assert str(target) in shown.text("nl") and str(target) in shown.text("en")
    assert ".tmp" not in shown.text("nl") + shown.text("en")
    assert not [p for p in tmp_path.rglob("*.tmp")]


def test_a_temp_file_left_by_a_killed_process_with_the_same_pid_does_not_stop_a_write(tmp_path):
    target = tmp_path / "row.json"
    leftover = tmp_path / f".row.json.{os.getpid()}.tmp"
    leftover.write_bytes(b'{"half')
    write_atomic(target, b'{"whole": true}\n')
    assert target.read_bytes() == b'{"whole": true}\n' and leftover.read_bytes() == b'{"half'
    assert target.stat().st_mode & 0o777 == 0o600


def test_a_batch_rows_field_no_builder_reads_is_listed_in_the_manifest(service: LiveService):
    key = f"unread-{uuid.uuid4()}"
    rows = [{**diploma_row(key), "leerwg": "BOL", "klas": "4A"}]
    response = service.post("/credentials/batch", {"type": "mbo-diploma", "rows": rows})
    assert response.status_code == 201, response.text
    assert response.json()["manifest"]["unusedColumns"] == [{"column": "leerwg", "didYouMean": "leerweg"},
                                                            {"column": "klas", "didYouMean": None}]
    again = service.post("/credentials/batch", {"type": "mbo-diploma", "rows": [diploma_row(f"{key}-2")]}).json()
    assert "unusedColumns" not in again["manifest"]


def test_a_refused_batch_lists_its_unread_columns_with_the_field_a_column_may_be(service: LiveService):
    key = f"naam-{uuid.uuid4()}"
    row = {k: v for k, v in diploma_row(key).items() if k != "learner_name"} | {"naam": "Anouk", "klas": "4A"}
    response = service.post("/credentials/batch", {"type": "mbo-diploma", "rows": [row]})
    assert response.status_code == 400, response.text
    body = response.json()
    assert body["code"] == "batch_invalid" and [(e["line"], e["field"]) for e in body["rowErrors"]] == [(1, "learner_name")]
    assert body["rowErrors"][0]["messageNl"].endswith("is 'naam' bedoeld?"), body["rowErrors"][0]
    assert body["unusedColumns"] == [{"column": "naam", "didYouMean": "learner_name"}, {"column": "klas", "didYouMean": None}]


def test_a_batch_answer_lists_the_rows_that_expired_before_they_were_issued(service: LiveService):
    key = f"verlopen-{uuid.uuid4()}"
    rows = [diploma_row(key, date="2023-01-10", valid_until="2025-01-10"), diploma_row(f"{key}-2")]
    response = service.post("/credentials/batch", {"type": "mbo-diploma", "rows": rows})
    assert response.status_code == 201, response.text
    assert response.json()["manifest"]["expiredAtIssue"] == [{"line": 1, "rowKey": key, "validUntil": "2025-01-10T00:00:00Z"}]
