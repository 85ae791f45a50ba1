"""``skillspas org create`` / ``org api-key`` / ``serve`` / ``batch`` / ``status`` from the command line."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
import uuid
from pathlib import Path
from typing import Any

from sqlalchemy import select, update

from skillspas.issuer import audit
from skillspas.issuer.demo import sample_credential
from skillspas.issuer.store import open_store
from skillspas.issuer.store.models import ApiKey, IssuedCredential, Organisation
from skillspas.verifier import Bundle

from helpers import diploma_rows_csv
from svc_live import PASSPHRASE, LiveService, run_cli
from svc_postgres import free_port


def test_org_create_prints_the_did_and_an_api_key_once(tmp_path):
    args = ["--data-dir", str(tmp_path)]
    result = run_cli("org", "create", "ROC Voorbeeldstad", "--role", "mbo", "--did-web", "roc.example", *args)
    assert result.returncode == 0, result.stderr
    created = json.loads(result.stdout)
    assert created["did"] == "did:web:roc.example"
    assert created["verificationMethod"] == "did:web:roc.example#key-1"
    assert created["apiKey"].startswith("skp_")
    listed = run_cli("org", "list", *args)
    assert created["apiKey"] not in listed.stdout and json.loads(listed.stdout)[0]["id"] == created["id"]
    again = run_cli("org", "create", "Ander", "--role", "mbo", "--did-web", "roc.example", *args)
    assert again.returncode == 2 and "already exists" in again.stderr and "Traceback" not in again.stderr
    key = run_cli("org", "api-key", "create", "ROC Voorbeeldstad", "--scope", "credentials:issue", *args)
    assert key.returncode == 0 and json.loads(key.stdout)["scopes"] == ["credentials:issue"]


def test_org_create_refuses_an_unknown_role_and_a_bad_host(tmp_path):
    bad_role = run_cli("org", "create", "X", "--role", "bakery", "--did-web", "x.example", "--data-dir", str(tmp_path))
    assert bad_role.returncode == 2 and "role must be one of" in bad_role.stderr
    bad_host = run_cli("org", "create", "X", "--role", "mbo", "--did-web", "not a host", "--data-dir", str(tmp_path))
    assert bad_host.returncode == 2 and "Traceback" not in bad_host.stderr


def _db(database: tuple[str, Path]) -> list[str]:
    return ["--database-url", database[0], "--data-dir", str(database[1])]


def _create(database: tuple[str, Path], name: str, role: str = "mbo") -> dict:
    host = f"{uuid.uuid4().hex[:10]}.example"
    made = run_cli("org", "create", name, "--role", role, "--did-web", host, *_db(database))
    assert made.returncode == 0, made.stderr
    return json.loads(made.stdout)


def test_api_keys_are_made_narrow_and_expiring_listed_without_secrets_and_revoked_with_an_audit_trail(database):
    org = _create(database, f"ROC Sleutels {uuid.uuid4().hex[:6]}")
    made = run_cli("org", "api-key", "create", org["id"], "--scope", "audit:read", "--scope", "credentials:status",
                   "--expires-in", "90d", "--label", "studentadministratie", *_db(database))
    assert made.returncode == 0, made.stderr
    key = json.loads(made.stdout)
    assert key["scopes"] == ["audit:read", "credentials:status"] and key["apiKey"].startswith(f"skp_{key['keyId']}_")
    expires = dt.datetime.fromisoformat(key["expires"])
    assert dt.timedelta(days=89) < expires - dt.datetime.now(dt.timezone.utc) <= dt.timedelta(days=90)
    listed = run_cli("org", "api-key", "list", org["id"], *_db(database))
    assert listed.returncode == 0, listed.stderr
    assert key["apiKey"].split("_", 2)[2] not in listed.stdout and org["apiKey"].split("_", 2)[2] not in listed.stdout
    mine = {k["id"]: k for k in json.loads(listed.stdout)}[key["keyId"]]
    assert (mine["label"], mine["scopes"], mine["revoked"]) == ("studentadministratie", key["scopes"], None)
    assert mine["expires"] == key["expires"]
    revoked = run_cli("org", "api-key", "revoke", org["id"], key["keyId"], "--yes", *_db(database))
    assert revoked.returncode == 0 and json.loads(revoked.stdout)["revoked"] is not None
    again = run_cli("org", "api-key", "list", org["id"], *_db(database))
    assert {k["id"]: k for k in json.loads(again.stdout)}[key["keyId"]]["revoked"] == json.loads(revoked.stdout)["revoked"]
    store = open_store(database[0])
    try:
        actions = [(e.action, e.target) for e in audit.events(store, org_id=org["id"])]
    finally:
        store.dispose()
    assert ("api_key.create", key["keyId"]) in actions and ("api_key.revoke", key["keyId"]) in actions


def test_revoking_an_api_key_that_is_already_revoked_says_so_and_keeps_its_revocation_time(database):
    """An administrator who revokes a key twice (a script run again) is told it was revoked before and when, in
    Dutch and English, with "changed": false and exit 0 (as `status revoke` of a revoked credential), instead of
    an answer that looks like a fresh revocation."""
    org = _create(database, f"ROC Tweemaal {uuid.uuid4().hex[:6]}")
    key = json.loads(run_cli("org", "api-key", "create", org["id"], "--scope", "audit:read", *_db(database)).stdout)
    first = run_cli("org", "api-key", "revoke", org["id"], key["keyId"], "--yes", *_db(database))
    assert first.returncode == 0, first.stderr
    assert json.loads(first.stdout)["changed"] is True and "al ingetrokken" not in first.stderr
    revoked_at = json.loads(first.stdout)["revoked"]
    again = run_cli("org", "api-key", "revoke", org["id"], key["keyId"], *_db(database))  # nothing to confirm
    assert again.returncode == 0 and "Traceback" not in again.stderr
    assert json.loads(again.stdout) | {"changed": True} == json.loads(first.stdout)
    assert json.loads(again.stdout)["changed"] is False
    assert f"al ingetrokken op {revoked_at}" in again.stderr and f"already revoked at {revoked_at}" in again.stderr
    listed = json.loads(run_cli("org", "api-key", "list", org["id"], *_db(database)).stdout)
    assert {k["id"]: k for k in listed}[key["keyId"]]["revoked"] == revoked_at
    store = open_store(database[0])
    try:
        revocations = [e for e in audit.events(store, org_id=org["id"]) if e.action == "api_key.revoke"]
    finally:
        store.dispose()
    assert len(revocations) == 1


def test_api_key_revoke_is_refused_without_yes_when_no_one_can_confirm_and_the_key_still_works(database):
    """Revoking an API key is for good, as revoking a credential (``status revoke``) and a signing key (``keys
    revoke``): from a script (standard input no terminal) without --yes it is refused (invalid_option, nl/en) and the
    key is not revoked; with --yes it is. A key unknown or already revoked asks nothing (nothing would change)."""
    org = _create(database, f"ROC Vraag {uuid.uuid4().hex[:6]}")
    key = json.loads(run_cli("org", "api-key", "create", org["id"], "--scope", "audit:read", "--label", "rooster",
                             *_db(database)).stdout)
    refused = run_cli("org", "api-key", "revoke", org["id"], key["keyId"], *_db(database))
    assert refused.returncode == 2 and refused.stdout == "", refused.stdout
    assert "fout [invalid_option]: deze opdracht vraagt om bevestiging, maar de invoer is geen terminal: geef --yes; " \
           "er is niets ingetrokken" in refused.stderr, refused.stderr
    assert "error [invalid_option]: this command asks for confirmation" in refused.stderr
    listed = json.loads(run_cli("org", "api-key", "list", org["id"], *_db(database)).stdout)
    assert {k["id"]: k for k in listed}[key["keyId"]]["revoked"] is None
    revoked = run_cli("org", "api-key", "revoke", org["id"], key["keyId"], "--yes", *_db(database))
    assert revoked.returncode == 0 and json.loads(revoked.stdout)["changed"] is True, revoked.stderr


def test_api_key_create_refuses_unknown_scopes_a_past_expiry_and_two_expiries(database):
    org = _create(database, f"ROC Weigering {uuid.uuid4().hex[:6]}")
    for extra in (["--scope", "credentials:everything"], ["--expires-at", "2020-01-01T00:00:00Z"],
                  ["--expires-in", "30d", "--expires-at", "2099-01-01T00:00:00Z"], ["--expires-in", "soon"]):
        refused = run_cli("org", "api-key", "create", org["id"], *extra, *_db(database))
        assert refused.returncode == 2 and "Traceback" not in refused.stderr and refused.stdout == "", extra
    other = _create(database, f"ROC Ander {uuid.uuid4().hex[:6]}")
    wrong_org = run_cli("org", "api-key", "revoke", other["id"], org["apiKey"].split("_")[1], *_db(database))
    assert wrong_org.returncode == 2 and "[not_found]" in wrong_org.stderr


def test_a_revoked_or_expired_api_key_is_refused_over_http(service: LiveService):
    db = ["--database-url", service.settings.database, "--data-dir", str(service.settings.data_dir)]
    keys = [json.loads(run_cli("org", "api-key", "create", service.orgs["roc"].id, "--scope", "audit:read", *db).stdout)
            for _ in range(2)]
    for key in keys:
        answer = service.client.get("/audit", headers={"Authorization": f"Bearer {key['apiKey']}"})
        assert answer.status_code == 200, answer.text
    assert run_cli("org", "api-key", "revoke", service.orgs["roc"].id, keys[0]["keyId"], "--yes", *db).returncode == 0
    store = open_store(service.settings.database)
    try:
        with store.transaction() as session:  # as if its expiry had passed
            session.execute(update(ApiKey).where(ApiKey.id == keys[1]["keyId"])
                            .values(expires_at=dt.datetime.now(dt.timezone.utc) - dt.timedelta(seconds=1)))
    finally:
        store.dispose()
    for key in keys:
        answer = service.client.get("/audit", headers={"Authorization": f"Bearer {key['apiKey']}"})
        assert answer.status_code == 401 and answer.json()["code"] == "unauthorized"


def test_an_api_key_the_service_remembers_issues_nothing_once_revoked_or_expired_and_signs_with_a_rotated_key(
    service: LiveService,
):
    """The service answers a known API key from memory (``by_api_key(remembered=True)``); the statement that
    reserves the status entry checks the key and the signing key again, so nothing is issued after a revocation."""
    db = ["--database-url", service.settings.database, "--data-dir", str(service.settings.data_dir)]
    made = run_cli("org", "create", f"ROC Onthoud {uuid.uuid4().hex[:6]}", "--role", "mbo", "--did-web",
                   f"{uuid.uuid4().hex[:10]}.example", *db)
    assert made.returncode == 0, made.stderr
    org = json.loads(made.stdout)
    second = json.loads(run_cli("org", "api-key", "create", org["id"], "--scope", "credentials:issue", *db).stdout)

    def issue(api_key: str, status: bool = True) -> Any:
        credential = sample_credential(org["did"], org["name"])
        del credential["id"]
        return service.client.post("/credentials/issue", json={"credential": credential, **(
            {} if status else {"options": {"credentialStatus": False}})}, headers={"Authorization": f"Bearer {api_key}"})

    issued = [issue(key) for key in (org["apiKey"], second["apiKey"], org["apiKey"])]
    assert [r.status_code for r in issued] == [201, 201, 201], issued[0].text
    assert issued[0].json()["verifiableCredential"]["proof"]["verificationMethod"] == f"{org['did']}#key-1"
    assert run_cli("org", "rotate-key", org["id"], *db).returncode == 0
    rotated = issue(org["apiKey"])
    assert rotated.status_code == 201, rotated.text
    assert rotated.json()["verifiableCredential"]["proof"]["verificationMethod"] == f"{org['did']}#key-2"
    assert run_cli("org", "api-key", "revoke", org["id"], second["keyId"], "--yes", *db).returncode == 0
    store = open_store(service.settings.database)
    try:
        with store.transaction() as session:  # as if the first key's expiry had passed
            session.execute(update(ApiKey).where(ApiKey.id == org["apiKey"].split("_")[1])
                            .values(expires_at=dt.datetime.now(dt.timezone.utc) - dt.timedelta(seconds=1)))
        for key in (second["apiKey"], org["apiKey"]):  # still remembered: first without status entries (_PLACE)
            for refused in (issue(key, status=False), issue(key)):
                assert refused.status_code == 401 and refused.json()["code"] == "unauthorized", refused.text
        with store.transaction() as session:
            states = session.scalars(select(IssuedCredential.state).where(IssuedCredential.org_id == org["id"])).all()
    finally:
        store.dispose()
    assert sorted(states) == ["active"] * 4  # nothing reserved for the refused requests


def test_a_duplicate_organisation_name_is_refused_and_an_ambiguous_one_lists_the_ids(database):
    name = f"ROC Dubbel {uuid.uuid4().hex[:6]}"
    first = _create(database, name)
    twice = run_cli("org", "create", name, "--role", "mbo", "--did-web", f"{uuid.uuid4().hex[:8]}.example", *_db(database))
    assert twice.returncode == 2 and "already exists" in twice.stderr
    store = open_store(database[0])
    try:  # a store from before names had to be unique
        with store.transaction() as session:
            session.add(Organisation(id=str(uuid.uuid4()), name=name, role="mbo", did=f"did:web:{uuid.uuid4().hex}.example"))
        with store.transaction() as session:
            ids = [o.id for o in session.query(Organisation).filter(Organisation.name == name)]
    finally:
        store.dispose()
    ambiguous = run_cli("org", "api-key", "list", name, *_db(database))
    assert ambiguous.returncode == 2 and "[ambiguous]" in ambiguous.stderr
    assert all(org_id in ambiguous.stderr for org_id in ids) and len(ids) == 2
    assert run_cli("org", "api-key", "list", first["id"], *_db(database)).returncode == 0


def test_org_create_without_a_passphrase_warns_in_dutch_and_english_that_keys_are_unencrypted(tmp_path):
    plain = run_cli("org", "create", "ROC Open", "--role", "mbo", "--did-web", "open.example", "--data-dir", str(tmp_path),
                    env={"SKILLSPAS_KEY_PASSPHRASE": ""})
    assert plain.returncode == 0, plain.stderr
    assert "onversleuteld" in plain.stderr and "unencrypted" in plain.stderr
    encrypted = run_cli("org", "create", "ROC Dicht", "--role", "mbo", "--did-web", "dicht.example",
                        "--data-dir", str(tmp_path))
    assert encrypted.returncode == 0 and "unencrypted" not in encrypted.stderr


def _serve(tmp_path: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", "from skillspas.issuer.cli import main; main()", "serve", "--port", str(free_port()),
         "--data-dir", str(tmp_path), "--log-level", "warning", *args],
        stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True,
        env={**__import__("os").environ, "SKILLSPAS_KEY_PASSPHRASE": "", "SKILLSPAS_PUBLIC_URL": "", **(env or {})})


def _started_stderr(process: subprocess.Popen[str]) -> str:
    """The stderr lines up to the 'OpenAPI at /docs' line; then the server is stopped."""
    lines = []
    try:
        for line in process.stderr:  # type: ignore[union-attr]
            lines.append(line)
            if "OpenAPI at /docs" in line:
                break
    finally:
        process.terminate()
        process.wait(timeout=30)
    return "".join(lines)


def test_serve_refuses_to_start_without_a_public_https_url(tmp_path):
    for extra in ([], ["--public-url", "http://127.0.0.1:8000"], ["--public-url", "https://localhost"]):
        process = _serve(tmp_path, *extra)
        _, stderr = process.communicate(timeout=60)
        assert process.returncode == 2, stderr
        assert "fout [public_url_required]" in stderr and "error [public_url_required]" in stderr
        assert "--public-url https://" in stderr and "Traceback" not in stderr


def test_serve_refused_for_its_public_url_says_in_dutch_too_what_is_wrong_with_it(tmp_path):
    """``serve --ssl-certfile … --ssl-keyfile …`` as the README showed it: the public URL defaults to
    https://127.0.0.1:8000, and only the English line said why that is refused."""
    for extra, dutch in [([], "(Hier: er is geen openbaar adres ingesteld"),
                         (["--public-url", "http://issuer.example"], "(Hier: het openbare adres http://issuer.example is geen https"),
                         (["--public-url", "https://127.0.0.1:8000"], "(Hier: het openbare adres https://127.0.0.1:8000 wijst naar deze computer")]:
        process = _serve(tmp_path, *extra)
        _, stderr = process.communicate(timeout=60)
        line = next(line for line in stderr.splitlines() if line.startswith("fout [public_url_required]: "))
        assert process.returncode == 2 and dutch in line, stderr


def test_serve_with_dev_says_so_and_warns_about_unencrypted_keys(tmp_path):
    stderr = _started_stderr(_serve(tmp_path, "--dev"))
    assert "ontwikkelmodus (--dev)" in stderr and "development mode (--dev)" in stderr
    assert "onversleuteld" in stderr and "unencrypted" in stderr
    public = _started_stderr(_serve(tmp_path, "--public-url", "https://issuer.example",
                                    env={"SKILLSPAS_KEY_PASSPHRASE": PASSPHRASE}))
    assert "public URL https://issuer.example" in public and "--dev" not in public and "unencrypted" not in public


def test_serve_with_a_log_level_uvicorn_does_not_know_is_a_usage_refusal_listing_the_levels(tmp_path):
    """It ended in ``error [internal]: KeyError: 'bogus'`` after the line that says the service runs."""
    process = _serve(tmp_path, "--dev", "--log-level", "bogus")
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 2, stderr
    levels = "'critical', 'error', 'warning', 'info', 'debug', 'trace'"
    assert f"fout [invalid_option]: ongeldige waarde voor '--log-level': 'bogus' is niet een van {levels}" in stderr
    assert f"error [invalid_option]: Invalid value for '--log-level': 'bogus' is not one of {levels}" in stderr
    assert "[internal]" not in stderr and "skillspas-uitgifte op" not in stderr and "Traceback" not in stderr


def test_serve_takes_a_log_level_in_capitals_too(tmp_path, served):
    from typer.testing import CliRunner

    from skillspas.issuer.cli import build_app

    result = CliRunner().invoke(build_app(), ["serve", "--dev", "--port", str(free_port()), "--data-dir", str(tmp_path),
                                              "--log-level", "WARNING"], env={"SKILLSPAS_KEY_PASSPHRASE": ""})
    assert result.exit_code == 0 and [server.config.log_level for server in served] == ["warning"], result.output


def test_batch_refuses_without_a_public_url_and_shows_the_status_url_it_signs(database, tmp_path):
    org = _create(database, f"ROC Batch {uuid.uuid4().hex[:6]}")
    rows = diploma_rows_csv(tmp_path / "rows.csv", ["b-1"])
    args = ["batch", "mbo-diploma", "--csv", str(rows), "--org", org["id"], *_db(database)]
    refused = run_cli(*args, "--out", str(tmp_path / "none"), env={"SKILLSPAS_PUBLIC_URL": ""})
    assert refused.returncode == 2 and "[public_url_required]" in refused.stderr
    assert not (tmp_path / "none").exists()
    dev = run_cli(*args, "--out", str(tmp_path / "dev"), "--dev", env={"SKILLSPAS_PUBLIC_URL": ""})
    assert dev.returncode == 0, dev.stderr
    assert "ontwikkelmodus (--dev)" in dev.stderr and f"http://127.0.0.1:8000/status/{org['id']}/" in dev.stderr
    public = run_cli(*args, "--out", str(tmp_path / "public"), "--public-url", "https://issuer.example")
    assert public.returncode == 0, public.stderr
    assert f"https://issuer.example/status/{org['id']}/" in public.stderr and "--dev" not in public.stderr


def _issued(database: Any, tmp_path: Path, org: dict[str, Any], keys: list[str], out: Path | None = None) -> Path:
    """``skillspas batch mbo-diploma`` of one row per key for ``org`` into ``out`` (``tmp_path / "out"``), which must
    succeed; the output folder."""
    out = out or tmp_path / "out"
    issued = run_cli("batch", "mbo-diploma", "--csv", str(diploma_rows_csv(tmp_path / "rows.csv", keys)), "--org", org["id"],
                     "--out", str(out), "--public-url", "https://issuer.example", *_db(database))
    assert issued.returncode == 0, issued.stderr
    return out


def test_status_commands_revoke_suspend_and_reinstate_by_credential_id_or_row_key_with_an_audit_trail(database, tmp_path):
    org = _create(database, f"ROC Status {uuid.uuid4().hex[:6]}")
    _issued(database, tmp_path, org, ["s-1", "s-2"])
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text())
    first = manifest["credentials"][0]["credentialId"]
    shown = run_cli("status", "show", first, *_db(database))
    assert shown.returncode == 0 and json.loads(shown.stdout)["status"] == "active"
    revoked = run_cli("status", "revoke", "s-1", "--org", org["id"], "--yes", *_db(database))  # the CSV's row key
    assert revoked.returncode == 0, revoked.stderr
    assert json.loads(revoked.stdout) | {"rowKey": None} == {"credentialId": first, "action": "revoke",
                                                            "status": "revoked", "changed": True, "rowKey": None}
    assert json.loads(run_cli("status", "show", first, *_db(database)).stdout)["status"] == "revoked"
    undo = run_cli("status", "reinstate", first, *_db(database))
    assert undo.returncode == 2 and "[invalid_status_change]" in undo.stderr
    no_suspension = run_cli("status", "suspend", "MboDiploma/s-2", *_db(database))  # OB 3.0: a revocation entry only
    assert no_suspension.returncode == 2 and "[no_status]" in no_suspension.stderr
    second = run_cli("status", "revoke", "MboDiploma/s-2", "--org", org["name"], "--yes", *_db(database))
    assert json.loads(second.stdout)["status"] == "revoked" and json.loads(second.stdout)["rowKey"] == "MboDiploma/s-2"
    unknown = run_cli("status", "revoke", "no-such-row", *_db(database))
    assert unknown.returncode == 2 and "[not_found]" in unknown.stderr
    store = open_store(database[0])
    try:
        events = [(e.action, e.actor, e.target) for e in audit.events(store, org_id=org["id"])]
    finally:
        store.dispose()
    assert ("credential.revoke", "cli", first) in events
    assert [a for a, _, _ in events if a.startswith("credential.")].count("credential.revoke") == 2


def test_status_revoke_is_refused_without_yes_when_no_one_can_confirm_and_says_the_next_step_with_it(database, tmp_path):
    """Revoking is for good: from a script (standard input no terminal) without --yes it is refused (invalid_option,
    nl/en) and nothing changes; with --yes the JSON on stdout is as before, and stderr says what happened and that the
    status list must be published again (org publish) unless serve runs."""
    org = _create(database, f"ROC Bevestig {uuid.uuid4().hex[:6]}")
    key = f"bevestig-{uuid.uuid4().hex[:6]}"  # the database is the module's
    _issued(database, tmp_path, org, [key])
    refused = run_cli("status", "revoke", key, "--org", org["id"], *_db(database))
    assert refused.returncode == 2 and refused.stdout == "", refused.stdout
    assert "fout [invalid_option]: deze opdracht vraagt om bevestiging, maar de invoer is geen terminal: geef --yes; " \
           "er is niets ingetrokken" in refused.stderr, refused.stderr
    assert "error [invalid_option]: this command asks for confirmation" in refused.stderr
    assert json.loads(run_cli("status", "show", key, *_db(database)).stdout)["status"] == "active"
    revoked = run_cli("status", "revoke", key, "--org", org["id"], "-y", *_db(database))
    assert revoked.returncode == 0, revoked.stderr
    assert set(json.loads(revoked.stdout)) == {"credentialId", "action", "status", "changed", "rowKey"}
    lines = revoked.stderr.splitlines()
    assert lines[0].startswith("ingetrokken (definitief): Mbo-diploma urn:uuid:") and f"(rijsleutel {key})" in lines[0]
    assert lines[1].startswith("revoked (for good): MBO diploma urn:uuid:") and f"(row key {key})" in lines[1]
    assert lines[2].startswith("let op: ") and f"skillspas org publish '{org['name']}' --out MAP" in lines[2], lines
    assert lines[3].startswith("warning: ") and "publish the status list again" in lines[3], lines
    again = run_cli("status", "revoke", key, "--org", org["id"], *_db(database))  # nothing to confirm: nothing changes
    assert again.returncode == 0 and json.loads(again.stdout)["changed"] is False, again.stderr
    assert "was al ingetrokken; er is niets veranderd" in again.stderr and "was already revoked" in again.stderr


def test_status_suspend_and_reinstate_a_suspendable_credential_from_the_command_line(database):
    from skillspas.issuer.demo import sample_credential
    from skillspas.issuer.issuing import Issuer
    from skillspas.issuer.settings import Settings

    org = _create(database, f"ROC Schorsing {uuid.uuid4().hex[:6]}")
    settings = Settings(data_dir=database[1], database_url=database[0], key_passphrase=PASSPHRASE,
                        public_url="https://issuer.example")
    store = open_store(database[0])
    try:
        issuer = Issuer(store, settings)
        unsigned = {**sample_credential(org["did"], org["name"]), "id": f"urn:uuid:{uuid.uuid4()}"}
        issued = issuer.issue(issuer.orgs.get(org["id"]), unsigned, purposes=("revocation", "suspension"))
    finally:
        store.dispose()
    for action, state in (("suspend", "suspended"), ("suspend", "suspended"), ("reinstate", "active")):
        changed = run_cli("status", action, issued.credential_id, "--org", org["did"], *_db(database))
        assert changed.returncode == 0, changed.stderr
        assert json.loads(changed.stdout)["status"] == state
    store = open_store(database[0])
    try:
        actions = [e.action for e in audit.events(store, org_id=org["id"]) if e.target == issued.credential_id]
    finally:
        store.dispose()
    assert actions == ["credential.reinstate", "credential.suspend", "credential.issue"]  # the repeat changed nothing


def test_a_remembered_api_key_once_revoked_is_answered_401_whatever_it_sends(service: LiveService):
    """A revoked key learns nothing more: not whether a credential would be refused (400) or its role allows
    a type (403), even while the service still remembers the key as valid."""
    db = ["--database-url", service.settings.database, "--data-dir", str(service.settings.data_dir)]
    made = run_cli("org", "create", f"ROC Vergeet {uuid.uuid4().hex[:6]}", "--role", "mbo", "--did-web",
                   f"{uuid.uuid4().hex[:10]}.example", *db)
    assert made.returncode == 0, made.stderr
    org = json.loads(made.stdout)
    credential = sample_credential(org["did"], org["name"])
    del credential["id"]
    headers = {"Authorization": f"Bearer {org['apiKey']}"}
    issued = service.client.post("/credentials/issue", json={"credential": credential}, headers=headers)
    assert issued.status_code == 201, issued.text  # the key is remembered now
    assert run_cli("org", "api-key", "revoke", org["id"], org["apiKey"].split("_")[1], "-y", *db).returncode == 0
    refused = {**credential, "credentialStatus": {"id": "https://elders.example/status#1"}}
    answer = service.client.post("/credentials/issue", json={"credential": refused}, headers=headers)
    assert answer.status_code == 401 and answer.json()["code"] == "unauthorized", answer.text


def test_a_status_command_given_an_oversized_id_is_refused_too_large_in_dutch_and_english(database):
    """An id or row key longer than any stored one (100,000 characters) is ``too_large``, never an internal error
    (SQLite refused the row key's LIKE pattern as "too complex" and the SQL was printed)."""
    org = _create(database, f"ROC Lang {uuid.uuid4().hex[:6]}")
    for command in ("show", "revoke"):
        refused = run_cli("status", command, "x" * 100_000, "--org", org["id"], *_db(database))
        assert refused.returncode == 2 and "[too_large]" in refused.stderr, refused.stderr
        assert "fout [too_large]: Een bewijsstuk-id" in refused.stderr and "internal" not in refused.stderr


def test_status_finds_a_row_key_given_with_the_batch_commands_type_spelling_or_pasted_with_spaces(database, tmp_path):
    """The administrator knows the type as `batch mbo-diploma` spells it, and pastes a key from Excel with a space."""
    org = _create(database, f"ROC Opzoeken {uuid.uuid4().hex[:6]}")
    _issued(database, tmp_path, org, ["z-1"])
    for ref in ("mbo-diploma/z-1", " z-1 ", "MboDiploma/z-1"):
        shown = run_cli("status", "show", ref, "--org", org["id"], *_db(database))
        assert shown.returncode == 0, (ref, shown.stderr)
        assert json.loads(shown.stdout)["rowKey"] == "MboDiploma/z-1"
    other = run_cli("status", "show", "mbo-certificaat/z-1", "--org", org["id"], *_db(database))  # another type's key
    assert other.returncode == 2 and "[not_found]" in other.stderr


def test_status_refusals_say_in_dutch_what_was_not_found_and_which_status_entry_is_missing(database, tmp_path):
    org = _create(database, f"ROC Nederlands {uuid.uuid4().hex[:6]}")
    _issued(database, tmp_path, org, ["n-1"])
    unknown = run_cli("status", "show", "geen-rij", "--org", org["id"], *_db(database))
    assert unknown.returncode == 2 and "fout [not_found]: Geen uitgegeven bewijsstuk heeft de id of rijsleutel 'geen-rij'" in unknown.stderr
    suspend = run_cli("status", "suspend", "n-1", "--org", org["id"], *_db(database))  # a revocation entry only
    assert suspend.returncode == 2, suspend.stderr
    assert "fout [no_status]: Dit bewijsstuk is uitgegeven zonder statusvermelding voor schorsing" in suspend.stderr


def test_org_and_api_key_refusals_say_in_dutch_what_is_wrong(tmp_path):
    """A school's administrator reads the Dutch line first: it names the problem (role, host, name, scope, label,
    rotation), not only the code's sentence about "een optie die hij niet kan gebruiken"."""
    args = ["--data-dir", str(tmp_path)]
    made = run_cli("org", "create", "ROC Voorbeeldstad", "--role", "mbo", "--did-web", "roc.example", *args)
    assert made.returncode == 0, made.stderr
    assert run_cli("org", "create", "Cursus BV", "--role", "training", "--did-key", *args).returncode == 0
    cases = [
        (["org", "create", "X", "--role", "school", "--did-web", "x.example"], "--role is een van mbo, evc"),
        (["org", "create", "X", "--role", "mbo", "--did-web", "https://x.example/"], "is geen webhost voor een did:web-DID"),
        (["org", "create", "X", "--role", "mbo"], "geef --did-web HOST of --did-key"),
        (["org", "create", "ROC Voorbeeldstad", "--role", "mbo", "--did-web", "roc2.example"],
         "er is al een organisatie met de naam 'ROC Voorbeeldstad'"),
        (["org", "create", "N" * 300, "--role", "mbo", "--did-key"], "een naam van 1 tot 200 tekens"),
        (["org", "api-key", "create", "ROC Voorbeeldstad", "--scope", "credentials:stat"], "--scope is een of meer van"),
        (["org", "api-key", "create", "ROC Voorbeeldstad", "--label", " "], "een label heeft 1 tot 200 tekens"),
        (["org", "api-key", "create", "ROC Voorbeeldstad", "--expires-at", "2020-01-01T00:00:00Z"],
         "de vervaldatum ligt in het verleden"),
        (["org", "rotate-key", "Cursus BV"], "de DID van een did:key-organisatie is haar sleutel"),
    ]
    for command, dutch in cases:
        refused = run_cli(*command, *args)
        line = next(line for line in refused.stderr.splitlines() if line.startswith("fout ["))
        assert refused.returncode == 2 and line.startswith("fout [invalid_option]: ") and dutch in line, refused.stderr
    unknown = run_cli("org", "api-key", "revoke", "ROC Voorbeeldstad", "deadbeef", *args)
    assert unknown.returncode == 2 and "fout [not_found]: deze organisatie heeft geen API-sleutel 'deadbeef'" in unknown.stderr


def test_org_create_on_an_hsm_without_its_settings_names_them_in_dutch_too(tmp_path):
    """The Dutch line said only "een optie die hij niet kan gebruiken"; the English one named the variables."""
    env = {"SKILLSPAS_PKCS11_MODULE": "", "SKILLSPAS_PKCS11_TOKEN": "", "SKILLSPAS_PKCS11_PIN": ""}
    refused = run_cli("org", "create", "ROC Noord", "--role", "mbo", "--did-web", "roc-noord.example", "--hsm",
                      "--data-dir", str(tmp_path), env=env)
    line = next(line for line in refused.stderr.splitlines() if line.startswith("fout ["))
    assert refused.returncode == 2 and line.startswith("fout [invalid_option]: sleutels op een HSM hebben "), refused.stderr
    assert "SKILLSPAS_PKCS11_MODULE" in line and "SKILLSPAS_PKCS11_PIN" in line


def test_an_organisation_without_a_server_publishes_its_web_files_and_bundle_and_an_employer_sees_a_revocation_offline(
        database, tmp_path):
    org = _create(database, f"ROC Zonder Server {uuid.uuid4().hex[:6]}")
    host = org["did"].removeprefix("did:web:")
    _issued(database, tmp_path, org, ["p-1", "p-2"])
    assert run_cli("status", "revoke", "p-1", "--org", org["id"], "--yes", *_db(database)).returncode == 0
    published = run_cli("org", "publish", org["name"], "--out", str(tmp_path / "pub"), *_db(database))
    assert published.returncode == 0, published.stderr
    answer = json.loads(published.stdout)
    site = {page["url"]: Path(page["file"]) for page in answer["site"]}
    did_url = f"https://{host}/.well-known/did.json"
    assert site[did_url] == tmp_path / "pub" / "site" / host / ".well-known" / "did.json"
    assert json.loads(site[did_url].read_text())["id"] == org["did"]
    lists = [url for url in site if url != did_url]
    assert lists and all(url.startswith(f"https://issuer.example/status/{org['id']}/") for url in lists)
    for url in lists:  # each file holds the signed list that its URL names, readable by a web server
        assert json.loads(site[url].read_text())["id"] == url and site[url].stat().st_mode & 0o777 == 0o644
    assert "publiceer opnieuw" in published.stderr and "publish again" in published.stderr
    # An employer gathers the school's bundle (or its web files) and verifies with no server at all.
    for how in (["--bundle", answer["bundle"]],
                ["--dids", str(tmp_path / "pub" / "site"), *[a for url in lists for a in ("--status-list", str(site[url]))]]):
        made = run_cli("bundle", "create", *how, "--out", str(tmp_path / "employer.json"))
        assert made.returncode == 0, made.stderr
        files = {c["rowKey"]: tmp_path / "out" / c["file"]
                 for c in json.loads((tmp_path / "out" / "manifest.json").read_text())["credentials"]}
        check = ["--bundle", str(tmp_path / "employer.json"), "--trust-issuer", org["did"]]
        assert run_cli("verify", str(files["p-2"]), *check).returncode == 0
        revoked = run_cli("verify", str(files["p-1"]), *check)
        assert revoked.returncode == 1 and "revoked" in revoked.stdout + revoked.stderr
    # The school's bundle given twice counts once; of two lists of the school with one id the newer is kept (each
    # revocation re-signs a list); a list of another issuer under that id is refused, nothing written.
    twice = run_cli("bundle", "create", "--bundle", answer["bundle"], "--bundle", answer["bundle"],
                    "--out", str(tmp_path / "twice.json"))
    assert twice.returncode == 0, twice.stderr
    assert sorted(json.loads(twice.stdout)["statusLists"]) == sorted(lists)
    current = json.loads(site[lists[0]].read_text())
    (tmp_path / "older.json").write_text(json.dumps(current | {"validFrom": "2020-01-01T00:00:00Z"}))
    newer = run_cli("bundle", "create", "--status-list", str(tmp_path / "older.json"), "--bundle", answer["bundle"],
                    "--out", str(tmp_path / "newer.json"))
    assert newer.returncode == 0, newer.stderr
    assert Bundle.from_file(tmp_path / "newer.json").status_lists[lists[0]] == current
    (tmp_path / "other.json").write_text(json.dumps(current | {"issuer": "did:web:someone-else.example"}))
    clash = run_cli("bundle", "create", "--bundle", answer["bundle"], "--status-list", str(tmp_path / "other.json"),
                    "--out", str(tmp_path / "clash.json"))
    assert clash.returncode == 2 and "[status_list_refused]" in clash.stderr and "Traceback" not in clash.stderr
    assert "did:web:someone-else.example" in clash.stderr
    assert not (tmp_path / "clash.json").exists()
    missing = run_cli("bundle", "create", "--bundle", str(tmp_path / "none.json"), "--out", str(tmp_path / "x.json"))
    assert missing.returncode == 2 and "[file_error]" in missing.stderr and "none.json" in missing.stderr


def test_org_publish_refuses_an_unknown_organisation_and_an_out_that_is_a_file_in_dutch_and_english(tmp_path):
    args = ["--data-dir", str(tmp_path)]
    assert run_cli("org", "create", "ROC Publiceer", "--role", "mbo", "--did-web", "roc.example", *args).returncode == 0
    unknown = run_cli("org", "publish", "ROC Onbekend", "--out", str(tmp_path / "pub"), *args)
    assert unknown.returncode == 2 and "[not_found]" in unknown.stderr and not (tmp_path / "pub").exists()
    (tmp_path / "file").write_text("x")
    blocked = run_cli("org", "publish", "ROC Publiceer", "--out", str(tmp_path / "file"), *args)
    assert blocked.returncode == 2 and "[file_error]" in blocked.stderr and "Traceback" not in blocked.stderr
    assert "fout" in blocked.stderr and (tmp_path / "file").read_text() == "x"


def test_batch_out_folders_it_makes_are_the_owners_only_as_the_diplomas_in_them(database, tmp_path):
    org = _create(database, f"ROC Map {uuid.uuid4().hex[:6]}")
    out = tmp_path / "uitgifte" / "2026" / "diplomas"
    _issued(database, tmp_path, org, ["m-1"], out)
    assert [oct(p.stat().st_mode & 0o777) for p in (out.parent.parent, out.parent, out)] == ["0o700"] * 3
    assert all(p.stat().st_mode & 0o777 == 0o600 for p in out.iterdir())
