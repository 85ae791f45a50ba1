"""Storage: migrations on both databases, random status indexes that are never reused (also under races)."""

from __future__ import annotations

import asyncio
import concurrent.futures
import datetime as dt
import contextlib
import hashlib
import json
import os
import resource
import threading
import time
import uuid

import psycopg
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, event, select, text, update
from sqlalchemy.engine import make_url

from skillspas.issuer import audit, status_registry
from skillspas.issuer.demo import sample_credential
from skillspas.issuer import batch as batch_module
from skillspas.issuer import batch_worker
from skillspas.issuer.batch import issue_rows, validate_rows
from skillspas.issuer.exchanges import Exchanges
from skillspas.issuer.issuing import Issuer, credential_hash
from skillspas.issuer.orgs import Organisations, create_organisation
from skillspas.issuer.settings import STATUS_LIST_SIZE, Settings
from skillspas.issuer.store import issuance as issuance_module
from skillspas.issuer.store import open_store, queries
from skillspas.issuer.store.issuance import Pending
from skillspas.issuer.store.models import ApiKey, Base, IssuedCredential, StatusList
from skillspas.schemas.errors import ErrorCode, ServiceRefused, SkillspasError, error_for

from svc_live import PASSPHRASE


@pytest.fixture(scope="module")
def setup(database):
    url, folder = database
    settings = Settings(data_dir=folder, database_url=url, key_passphrase=PASSPHRASE, public_url="https://issuer.example")
    store = open_store(url)
    created = create_organisation(store, settings, "ROC Opslag", role="mbo", did_web="opslag.example")
    issuer = Issuer(store, settings)
    yield settings, store, issuer, issuer.orgs.get(created.id)
    store.dispose()


def credential(org) -> dict:
    document = sample_credential(org.did, org.name)
    del document["id"]
    return document


def test_migrations_match_the_models_and_can_run_again(setup):
    settings, store, _, _ = setup
    open_store(settings.database).dispose()  # a second start migrates nothing and fails on nothing
    with store.engine.connect() as connection:
        assert compare_metadata(MigrationContext.configure(connection), Base.metadata) == []


def test_the_stored_credential_text_reads_back_unchanged_and_on_postgresql_is_compressed_with_lz4(setup):
    settings, store, issuer, org = setup
    issued = issuer.issue(org, credential(org))
    assert issuer.issuance(org).documents([issued.credential["id"]]) == {issued.credential["id"]: issued.text}
    if store.is_postgres:  # (SQLite keeps the text as it is)
        with store.engine.connect() as connection:
            method = connection.exec_driver_sql("SELECT attcompression FROM pg_attribute"
                                                " WHERE attrelid = 'credentials'::regclass AND attname = 'document'")
            assert method.scalar() == "l"
            stored = connection.exec_driver_sql("SELECT pg_column_compression(document) FROM credentials"
                                                " WHERE credential_id = %(id)s", {"id": issued.credential["id"]})
            assert stored.scalar() == "lz4"


def test_sqlite_is_the_default_and_runs_in_wal_mode(tmp_path):
    settings = Settings(data_dir=tmp_path / "data")
    store = open_store(settings.database)
    try:
        with store.engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert (tmp_path / "data" / "skillspas.db").exists()
    finally:
        store.dispose()


def test_organisation_keys_are_encrypted_at_rest_with_the_passphrase(setup):
    settings, _, _, org = setup
    files = list(settings.keys.glob("*.json"))
    assert files
    for file in files:
        document = json.loads(file.read_text())
        assert "encryptedPrivateKeyPem" in document and "secretKeyMultibase" not in document
        assert file.stat().st_mode & 0o077 == 0


def test_status_index_is_random_and_in_a_list_of_at_least_131072(setup):
    _, store, issuer, org = setup
    indexes = [int(issuer.issue(org, credential(org)).credential["credentialStatus"]["statusListIndex"]) for _ in range(5)]
    assert len(set(indexes)) == 5
    with store.transaction() as session:
        assert session.scalar(select(StatusList.size).where(StatusList.org_id == org.id)) >= STATUS_LIST_SIZE
    assert max(indexes) > 1000  # not handed out in order


@pytest.mark.parametrize("own_connection", [False, True], ids=["in-transactions", "one-statement-each"])
def test_concurrent_reservations_never_share_an_index(setup, monkeypatch, own_connection):
    settings, store, issuer, org = setup
    # Draw from 1,000 slots only, so that concurrent requests draw taken indexes often and must draw again;
    # with their own connection (``Store.checkout``, as a service request) PostgreSQL reserves in one statement.
    # Both runs share the module's organisation: 400 reservations must fit whatever its other tests hold
    # (with 400 slots, an earlier credential's random index below 400 left the last one nothing to find).
    monkeypatch.setattr(issuance_module.secrets, "randbelow", lambda n: __import__("random").randrange(1000))

    def reserve(n: int) -> tuple[int, int]:
        with store.checkout() if own_connection else contextlib.nullcontext():
            [slot] = issuer.issuance(org).reserve([Pending(f"urn:example:race:{own_connection}:{n}", None,
                                                           ["VerifiableCredential"], status_registry.PURPOSES)])
        return slot.seq, slot.index

    with concurrent.futures.ThreadPoolExecutor(max_workers=8) as pool:
        slots = list(pool.map(reserve, range(200)))
    assert len(set(slots)) == 200


def test_a_reservation_that_clashes_with_an_index_taken_meanwhile_is_tried_again(setup, monkeypatch):
    settings, store, issuer, org = setup
    taken = int(issuer.issue(org, credential(org)).credential["credentialStatus"]["statusListIndex"])
    draws = iter([taken] + list(range(1000, 1100)))
    monkeypatch.setattr(issuance_module.secrets, "randbelow", lambda n: next(draws))
    in_use, misses = issuance_module.Issuance._in_use, []
    # The first look at the indexes in use misses the one taken (as a concurrent insert would): the insert clashes.
    monkeypatch.setattr(issuance_module.Issuance, "_in_use",
                        lambda self, *args: set() if not misses and not misses.append(1) else in_use(self, *args))
    slots = issuer.issuance(org).reserve([Pending(f"urn:example:clash:{n}", None, ["VerifiableCredential"], ("revocation",))
                                          for n in range(2)])  # several: the general path
    assert misses and all(slot.index != taken and slot.index >= 1000 for slot in slots)


def test_an_issue_takes_one_database_connection_for_its_reservation_and_completion(setup):
    settings, store, issuer, org = setup
    checkouts: list[object] = []
    listener = lambda *args: checkouts.append(args)  # noqa: E731
    event.listen(store.engine.pool, "checkout", listener)
    try:
        issued = issuer.issue(org, credential(org))
    finally:
        event.remove(store.engine.pool, "checkout", listener)
    assert len(checkouts) == 1 and issued.text == json.dumps(issued.credential, sort_keys=True, separators=(",", ":"),
                                                             ensure_ascii=False)


def test_a_single_reservation_that_draws_an_index_in_use_draws_again(setup, monkeypatch):
    settings, store, issuer, org = setup
    taken = int(issuer.issue(org, credential(org)).credential["credentialStatus"]["statusListIndex"])
    draws = iter([taken, taken, 1000])
    monkeypatch.setattr(issuance_module.secrets, "randbelow", lambda n: next(draws))
    [slot] = issuer.issuance(org).reserve([Pending("urn:example:again", None, ["VerifiableCredential"], ("revocation",))])
    assert slot.index == 1000 and next(draws, None) is None


def test_an_issue_whose_drawn_index_is_in_use_draws_again_on_its_one_connection(setup, monkeypatch):
    settings, store, issuer, org = setup  # issue() holds a checkout: PostgreSQL's autocommit statements
    taken = int(issuer.issue(org, credential(org)).credential["credentialStatus"]["statusListIndex"])
    draws = iter([taken, taken, 4321])
    monkeypatch.setattr(issuance_module.secrets, "randbelow", lambda n: next(draws))
    issued = issuer.issue(org, credential(org))
    assert int(issued.credential["credentialStatus"]["statusListIndex"]) == 4321 and next(draws, None) is None
    with store.transaction() as session:
        row = session.scalar(select(IssuedCredential).where(IssuedCredential.credential_id == issued.credential_id))
        assert (row.state, row.status_index) == ("active", 4321)
    [event] = [e for e in audit.events(store, org_id=org.id, action="credential.issue") if e.target == issued.credential_id]
    assert (event.detail["statusIndex"], event.detail["statusList"]) == (4321, row.status_seq)


def test_a_full_list_pair_is_followed_by_the_next_one(setup, monkeypatch):
    settings, store, issuer, org2 = setup
    created = create_organisation(store, settings, "ROC Vol", role="mbo", did_web="vol.example")
    org = issuer.orgs.get(created.id)
    monkeypatch.setattr(issuance_module, "FILL", 3 / settings.status_list_size)  # three per list pair

    with concurrent.futures.ThreadPoolExecutor(max_workers=4) as pool:
        issued = list(pool.map(lambda _: issuer.issue(org, credential(org)).credential, range(8)))
    seqs = sorted(int(c["credentialStatus"]["statusListCredential"].rsplit("/", 2)[1]) for c in issued)
    assert seqs == [1, 1, 1, 2, 2, 2, 3, 3]


def test_hash_only_mode_keeps_no_credential_but_its_hash(setup):
    settings, store, _, org = setup
    issuer = Issuer(store, settings.replace(store_credentials="hash"))
    issued = issuer.issue(org, credential(org))
    with store.transaction() as session:
        row = session.scalar(select(IssuedCredential).where(IssuedCredential.credential_id == issued.credential_id))
    assert row.document is None and row.sha256 == credential_hash(issued.credential)


def test_issuing_and_revoking_are_audited_without_personal_data(setup):
    _, store, issuer, org = setup
    issued = issuer.issue(org, credential(org))
    issuer.change_status(org, issued.credential_id, "revoke")
    events = audit.events(store, org_id=org.id, limit=2)
    assert [e.action for e in events] == ["credential.revoke", "credential.issue"]
    assert {e.target for e in events} == {issued.credential_id}
    assert "Anouk" not in json.dumps([e.to_json() for e in events])


def test_an_unknown_api_key_is_refused(setup):
    settings, store, _, _ = setup
    with pytest.raises(ServiceRefused) as caught:
        Organisations(store, settings).by_api_key("skp_0123456789abcdef_" + "x" * 43)
    assert caught.value.code == "unauthorized"


def test_a_remembered_api_key_answers_only_its_own_secret_and_its_own_organisation(setup):
    settings, store, _, _ = setup
    orgs = Organisations(store, settings)
    first = create_organisation(store, settings, "ROC Onthoud Een", role="mbo", did_web="onthoud-een.example")
    second = create_organisation(store, settings, "ROC Onthoud Twee", role="mbo", did_web="onthoud-twee.example")
    assert orgs.by_api_key(first.api_key, remembered=True).id == first.id  # remembered from now on
    wrong = first.api_key[:-1] + ("A" if first.api_key[-1] != "A" else "B")
    for _ in range(2):  # a wrong secret is refused, and does not leave a state a later wrong one passes
        with pytest.raises(ServiceRefused) as caught:
            orgs.by_api_key(wrong, remembered=True)
        assert caught.value.code == "unauthorized"
    assert orgs.by_api_key(second.api_key, remembered=True).id == second.id
    assert orgs.by_api_key(first.api_key, remembered=True).id == first.id


def test_settings_come_from_skillspas_variables(tmp_path):
    settings = Settings.from_env({"SKILLSPAS_DATA_DIR": str(tmp_path), "SKILLSPAS_PORT": "9000",
                                  "SKILLSPAS_PUBLIC_URL": "https://issuer.example/", "SKILLSPAS_KEY_PASSPHRASE": "s"},
                                 port=9100)
    assert settings.port == 9100 and settings.base_url == "https://issuer.example"
    assert settings.database == f"sqlite:///{tmp_path / 'skillspas.db'}"
    assert "s" not in repr(settings).split("key_passphrase")[0][-3:] and "key_passphrase" not in repr(settings)
    with pytest.raises(SkillspasError) as refused:  # SKILLSPAS_STATUS_LIST_SIZE is a person's setting: coded, nl/en
        Settings(status_list_size=1024)
    assert refused.value.code is ErrorCode.INVALID_OPTION


def test_batches_and_single_issues_at_once_never_share_a_status_index(setup, monkeypatch):
    settings, store, _, _ = setup
    issuer = Issuer(store, settings.replace(batch_workers=1))
    created = create_organisation(store, settings, "ROC Druk", role="mbo", did_web="druk.example")
    org = issuer.orgs.get(created.id)
    # Draw from 900 slots only, so that the batches' bulk inserts and single issues clash and must retry.
    monkeypatch.setattr(issuance_module.secrets, "randbelow", lambda n: __import__("random").randrange(900))
    monkeypatch.setattr(batch_module, "_RESERVE_WINDOW", 10)  # many reservations between the single issues

    def batch(name: str) -> list[str]:
        rows = [(n + 2, {"row_key": f"{name}-{n}", "learner_name": f"Leerling {n}", "crebo": "25180",
                         "leerweg": "BBL", "date": "2025-07-01"}) for n in range(120)]
        plan = validate_rows(issuer, org, "mbo-diploma", rows)
        return [e["credentialId"] for e in issue_rows(issuer, org, plan).entries]

    def single(_: int) -> str:
        return issuer.issue(org, credential(org)).credential_id

    with concurrent.futures.ThreadPoolExecutor(max_workers=4) as pool:
        batches = [pool.submit(batch, name) for name in ("a", "b")]
        singles = list(pool.map(single, range(30)))
        ids = [cid for future in batches for cid in future.result()] + singles
    with store.transaction() as session:
        slots = session.execute(select(IssuedCredential.credential_id, IssuedCredential.status_seq,
                                       IssuedCredential.status_index, IssuedCredential.state)
                                .where(IssuedCredential.org_id == org.id)).all()
    assert len(ids) == len(set(ids)) == len(slots) == 270
    assert {row.state for row in slots} == {"active"}
    assert len({(row.status_seq, row.status_index) for row in slots}) == 270


def test_a_batch_stopped_by_a_failing_signer_keeps_what_it_issued_and_a_rerun_issues_the_rest(setup, monkeypatch, tmp_path):
    settings, store, _, _ = setup
    issuer = Issuer(store, settings.replace(batch_workers=1))
    org = issuer.orgs.get(create_organisation(store, settings, "ROC Storing", role="mbo", did_web="storing.example").id)
    rows = [(n + 2, {"row_key": f"s-{n}", "learner_name": f"Leerling {n}", "crebo": "25180", "leerweg": "BOL",
                     "date": "2025-07-01"}) for n in range(80)]
    plan = validate_rows(issuer, org, "mbo-diploma", rows)
    calls = []
    real = batch_worker.sign_as  # the workers sign (in this process here: batch_workers=1)

    def failing(signer, document, **kwargs):
        calls.append(1)
        if len(calls) == 50:
            raise error_for(ErrorCode.SIGNER_FAILED, "the token was removed", "/proof")
        return real(signer, document, **kwargs)

    monkeypatch.setattr(batch_worker, "sign_as", failing)
    with pytest.raises(SkillspasError) as caught:
        issue_rows(issuer, org, plan, out=tmp_path)
    assert caught.value.code is ErrorCode.SIGNER_FAILED and caught.value.message.startswith("line ")

    def states() -> list[str]:
        with store.transaction() as session:
            return list(session.scalars(select(IssuedCredential.state).where(IssuedCredential.org_id == org.id)))

    kept = states().count("active")
    assert 0 < kept < 80
    monkeypatch.setattr(batch_module, "sign_as", real)
    manifest = issue_rows(issuer, org, plan, out=tmp_path)
    assert len(manifest.entries) == 80 and manifest.issued == 80 - kept
    assert states() == ["active"] * 80
    assert len(list(tmp_path.glob("s-*.json"))) == 80


def test_nothing_is_issued_with_a_status_url_on_a_non_public_address_unless_in_development(setup):
    from skillspas.issuer.store.issuance import allocated_count

    settings, store, _, org = setup
    before_count = _allocated(store, org.id, allocated_count)
    for public_url in (None, "http://issuer.example", "https://127.0.0.1:8443"):
        local = Issuer(store, settings.replace(public_url=public_url))
        with pytest.raises(ServiceRefused) as refused:
            local.issue(org, credential(org))
        assert refused.value.code.value == "public_url_required"
    assert _allocated(store, org.id, allocated_count) == before_count  # no index reserved
    dev = Issuer(store, settings.replace(public_url=None, dev=True)).issue(org, credential(org))
    assert dev.credential["credentialStatus"]["statusListCredential"].startswith("http://127.0.0.1:8000/status/")


def _allocated(store, org_id, count) -> int:
    with store.transaction() as session:
        return count(session, org_id)


def test_a_rerun_builds_no_row_issued_before_and_finds_each_file_intact_by_its_stored_hash(setup, monkeypatch, tmp_path):
    settings, store, _, _ = setup
    issuer = Issuer(store, settings.replace(batch_workers=1))
    org = issuer.orgs.get(create_organisation(store, settings, "ROC Herhaal", role="mbo", did_web="herhaal.example").id)
    rows = [(n + 2, {"row_key": f"h-{n}", "learner_name": f"Leerling {n}", "crebo": "25180", "leerweg": "BOL",
                     "date": "2025-07-01"}) for n in range(6)]
    first = issue_rows(issuer, org, validate_rows(issuer, org, "mbo-diploma", rows), out=tmp_path)
    built = []
    real = batch_module.build_rows
    monkeypatch.setattr(batch_module, "build_rows", lambda *args: built.append(args) or real(*args))
    rows.append((8, {"row_key": "h-new", "learner_name": "Nieuw", "crebo": "25180", "leerweg": "BOL", "date": "2025-07-01"}))
    again = issue_rows(issuer, org, validate_rows(issuer, org, "mbo-diploma", rows), out=tmp_path)
    assert [row[1] for args in built for row in args[2]] == ["MboDiploma/h-new"]  # only the new row was built
    assert again.issued == 1 and [e["credentialId"] for e in again.entries[:6]] == [e["credentialId"] for e in first.entries]
    with store.transaction() as session:
        hashes = dict(session.execute(select(IssuedCredential.credential_id, IssuedCredential.sha256)
                                      .where(IssuedCredential.org_id == org.id)).all())
    for entry in again.entries:  # the file is the credential's canonical text: its SHA-256 is the stored hash
        data = (tmp_path / entry["file"]).read_bytes().rstrip(b"\n")
        assert hashlib.sha256(data).hexdigest() == hashes[entry["credentialId"]] == credential_hash(json.loads(data))


# -- claim offers ----------------------------------------------------------------------------------

def _offered(org, credential_id: str) -> dict:
    """A credential to offer (no ``credentialSubject.id``) with ``credential_id``."""
    return {**credential(org), "id": credential_id}


def _open_offers_of(store, credential_id: str) -> int:
    with store.engine.connect() as connection:
        return connection.execute(text("SELECT count(*) FROM claim_offers WHERE credential_id = :id AND used_at IS NULL"),
                                  {"id": credential_id}).scalar_one()


def _inserts_an_offer(statement: str) -> bool:
    return statement.lstrip().upper().startswith("INSERT INTO CLAIM_OFFERS")


def test_an_offer_of_a_credential_id_whose_twin_lands_between_its_check_and_its_insert_is_refused_by_the_database(setup):
    """Two requests offer one credential id at the same instant, each looking for an open offer of it before either
    has inserted one. Here the other request's offer (the same row, another token) lands in this request's
    window, just before its insert and after any look-up it made: the database, not the look-up, refuses it."""
    settings, store, issuer, org = setup
    credential_id = f"urn:uuid:{uuid.uuid4()}"
    landed: list[str] = []

    def land_the_twin_first(_connection, cursor, statement, parameters, _context, _executemany):
        if landed or not _inserts_an_offer(statement):
            return
        twin = hashlib.sha256(credential_id.encode()).hexdigest()
        landed.append(twin)
        if isinstance(parameters, dict):  # psycopg: named parameters
            cursor.execute(statement, {**parameters, "id": twin})
        else:  # sqlite3: positional, in the statement's column order
            columns = [c.strip() for c in statement.split("(", 1)[1].split(")", 1)[0].split(",")]
            cursor.execute(statement, tuple(twin if column == "id" else value for column, value in zip(columns, parameters)))

    event.listen(store.engine, "before_cursor_execute", land_the_twin_first)
    try:
        with pytest.raises(SkillspasError) as refused:
            Exchanges(issuer).create(org, _offered(org, credential_id))
    finally:
        event.remove(store.engine, "before_cursor_execute", land_the_twin_first)
    assert landed and refused.value.code is ErrorCode.DUPLICATE_ID
    assert _open_offers_of(store, credential_id) == 0  # this request's transaction, the twin's row with it, rolled back


def test_two_offers_of_one_credential_id_made_at_once_on_postgresql_leave_one_open_offer(postgres, tmp_path):
    url = postgres.new_database()
    settings = Settings(data_dir=tmp_path, database_url=url, key_passphrase=PASSPHRASE, public_url="https://issuer.example")
    store = open_store(url)
    try:
        created = create_organisation(store, settings, "ROC Tegelijk", role="mbo", did_web="tegelijk.example")
        issuer = Issuer(store, settings)
        org = issuer.orgs.get(created.id)
        credential_id = f"urn:uuid:{uuid.uuid4()}"
        both_checked = threading.Barrier(2, timeout=30)  # each has made every look-up before either inserts anything

        def wait_for_the_other(_connection, _cursor, statement, *_args):
            if statement.lstrip().upper().startswith("INSERT INTO CREDENTIALS"):  # its look at the id's index
                both_checked.wait()

        def make(_: int) -> object:
            try:
                return Exchanges(issuer).create(org, _offered(org, credential_id))
            except SkillspasError as exc:
                return exc

        event.listen(store.engine, "before_cursor_execute", wait_for_the_other)
        with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
            results = list(pool.map(make, range(2)))
        refused = [r for r in results if isinstance(r, SkillspasError)]
        assert len(refused) == 1 and refused[0].code is ErrorCode.DUPLICATE_ID, results
        assert _open_offers_of(store, credential_id) == 1
    finally:
        store.dispose()


def _waiting_on_a_lock(url: str) -> bool:
    """Whether a backend of the database at ``url`` waits for a lock (another transaction's row or id)."""
    database = make_url(url).database
    with psycopg.connect(make_url(url).set(drivername="postgresql").render_as_string(hide_password=False),
                         autocommit=True) as connection:
        return connection.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = %s AND wait_event_type = 'Lock'",
                                  (database,)).fetchone()[0] > 0


def _outcome(store, credential_id: str) -> tuple[int, list[str]]:
    """Open offers holding ``credential_id``, and the states of its credential rows."""
    with store.engine.connect() as connection:
        offers = connection.execute(text("SELECT count(*) FROM claim_offers WHERE reserved_id = :id AND used_at IS NULL"),
                                    {"id": credential_id}).scalar_one()
        states = connection.execute(text("SELECT state FROM credentials WHERE credential_id = :id"),
                                    {"id": credential_id}).scalars().all()
    return offers, list(states)


@pytest.fixture()
def race(postgres, tmp_path):
    """An organisation on a fresh PostgreSQL database: (url, store, issuer, org)."""
    url = postgres.new_database()
    settings = Settings(data_dir=tmp_path, database_url=url, key_passphrase=PASSPHRASE, public_url="https://issuer.example")
    store = open_store(url)
    created = create_organisation(store, settings, "ROC Gelijktijdig", role="mbo", did_web="gelijktijdig.example")
    issuer = Issuer(store, settings)
    org = issuer.orgs.get(created.id)
    issuer.issue(org, credential(org))  # its status lists exist: a reservation signs nothing
    yield url, store, issuer, org
    store.dispose()


@pytest.mark.parametrize("reservation", ["one-statement", "in-a-transaction"])
def test_a_direct_issue_of_an_id_at_the_instant_it_is_offered_on_postgresql_is_refused_and_the_offer_holds_it(
        race, monkeypatch, reservation):
    """The offer has made every check and is about to insert itself when a direct issue of the same id starts: before,
    the issue saw no offer yet and the offer no credential, and both succeeded (an offer nobody can claim). Now the issue
    waits for the offer's transaction and then refuses, ``duplicate_id``; the offer holds the id."""
    url, store, issuer, org = race
    if reservation == "in-a-transaction":
        monkeypatch.setattr(issuance_module.Issuance, "_reserve_direct", lambda self, item: None)
    credential_id = f"urn:uuid:{uuid.uuid4()}"
    offer_checked, go_on = threading.Event(), threading.Event()

    def pause_the_offer(_connection, _cursor, statement, *_args):
        if _inserts_an_offer(statement) and threading.current_thread().name == "offer":
            offer_checked.set()
            assert go_on.wait(30)

    def attempt(work):
        try:
            return work()
        except SkillspasError as exc:
            return exc

    event.listen(store.engine, "before_cursor_execute", pause_the_offer)
    try:
        offer = threading.Thread(name="offer", target=lambda: results.__setitem__(
            "offer", attempt(lambda: Exchanges(issuer).create(org, _offered(org, credential_id)))))
        results: dict[str, object] = {}
        offer.start()
        assert offer_checked.wait(30)
        issue = threading.Thread(target=lambda: results.__setitem__(
            "issue", attempt(lambda: issuer.issue(org, _offered(org, credential_id) | {"credentialSubject": {
                **_offered(org, credential_id)["credentialSubject"], "id": "did:example:werkende"}}))))
        issue.start()
        deadline = time.monotonic() + 30
        while issue.is_alive() and not _waiting_on_a_lock(url) and time.monotonic() < deadline:
            time.sleep(0.02)
        waited = issue.is_alive()  # the issue waits for the offer's transaction (before, it went on and succeeded)
        go_on.set()
        offer.join(30)
        issue.join(30)
    finally:
        go_on.set()
        event.remove(store.engine, "before_cursor_execute", pause_the_offer)
    refused = [r for r in results.values() if isinstance(r, SkillspasError)]
    assert len(results) == 2 and len(refused) == 1 and refused[0].code is ErrorCode.DUPLICATE_ID, results
    assert not isinstance(results["offer"], SkillspasError) and waited  # the offer came first: it holds the id
    assert _outcome(store, credential_id) == (1, [])  # one open offer, no credential row left behind


def test_an_offer_of_an_id_a_direct_issue_has_reserved_but_not_yet_signed_is_refused_on_postgresql(race, monkeypatch):
    """The other order: the issue has reserved the id and signs while the offer is made; the offer is refused and
    the issue completes."""
    from skillspas.issuer import issuing

    url, store, issuer, org = race
    credential_id = f"urn:uuid:{uuid.uuid4()}"
    reserved, go_on = threading.Event(), threading.Event()
    real = issuing.sign_as

    def pause_the_signature(*args, **kwargs):
        reserved.set()
        assert go_on.wait(30)
        return real(*args, **kwargs)

    monkeypatch.setattr(issuing, "sign_as", pause_the_signature)
    results: dict[str, object] = {}
    subject = {**_offered(org, credential_id)["credentialSubject"], "id": "did:example:werkende"}
    issue = threading.Thread(target=lambda: results.__setitem__(
        "issue", issuer.issue(org, _offered(org, credential_id) | {"credentialSubject": subject})))
    issue.start()
    try:
        assert reserved.wait(30)
        with pytest.raises(SkillspasError) as refused:
            Exchanges(issuer).create(org, _offered(org, credential_id))
    finally:
        go_on.set()
        issue.join(30)
    assert refused.value.code is ErrorCode.DUPLICATE_ID and results["issue"].credential_id == credential_id
    assert _outcome(store, credential_id) == (0, ["active"])


def test_a_direct_issue_of_an_id_while_its_offer_is_being_claimed_is_refused_and_the_worker_gets_the_credential(
        setup, monkeypatch):
    """The worker's claim has marked the offer used and is about to issue it when a direct issue of the same id
    comes: before, the offer no longer held the id, the direct issue took it and the claim failed ``duplicate_id``,
    leaving an offer nobody could ever claim. Now the offer holds its id until its claim has issued it."""
    from skillspas.keys import LocalSigner, generate
    from skillspas.wallet_export.presentation import build_presentation

    _, store, issuer, org = setup
    credential_id = f"urn:uuid:{uuid.uuid4()}"
    exchanges = Exchanges(issuer)
    made = exchanges.create(org, _offered(org, credential_id))
    worker = LocalSigner(generate("ed25519"))
    request = exchanges.request(made.token)["verifiablePresentationRequest"]
    proof = build_presentation([], holder=worker, challenge=request["challenge"], domain=request["domain"])
    marked_used, go_on = threading.Event(), threading.Event()
    real = Issuer.issue

    def pause_the_claim(self, *args, **kwargs):
        if threading.current_thread().name == "claim":
            marked_used.set()
            assert go_on.wait(30)
        return real(self, *args, **kwargs)

    monkeypatch.setattr(Issuer, "issue", pause_the_claim)
    results: dict[str, object] = {}

    def claim() -> None:
        try:
            results["claim"] = exchanges.claim(made.token, proof)
        except SkillspasError as exc:
            results["claim"] = exc

    claiming = threading.Thread(name="claim", target=claim)
    claiming.start()
    try:
        assert marked_used.wait(30)
        subject = {**_offered(org, credential_id)["credentialSubject"], "id": "did:example:iemand-anders"}
        with pytest.raises(SkillspasError) as refused:
            issuer.issue(org, _offered(org, credential_id) | {"credentialSubject": subject})
    finally:
        go_on.set()
        claiming.join(30)
    assert refused.value.code is ErrorCode.DUPLICATE_ID and "claim offer" in refused.value.message
    [issued] = results["claim"]["verifiablePresentation"]["verifiableCredential"]
    assert issued["id"] == credential_id and issued["credentialSubject"]["id"] == worker.controller
    assert _outcome(store, credential_id) == (0, ["active"])


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_a_database_from_before_offers_held_their_ids_is_migrated_and_the_older_of_two_open_offers_holds_the_id(
        backend, tmp_path, request):
    from alembic import command
    from alembic.config import Config

    from skillspas.issuer.store.engine import MIGRATIONS
    from skillspas.issuer.store.models import ClaimOffer, Organisation

    url = f"sqlite:///{tmp_path / 'old.db'}" if backend == "sqlite" else request.getfixturevalue("postgres").new_database()
    engine = create_engine(make_url(url).set(drivername="postgresql+psycopg") if backend == "postgresql" else url)
    now = dt.datetime.now(dt.timezone.utc)
    offers = {  # offer id: (credential id, made, expires, used)
        "a" * 64: ("urn:example:twice", now - dt.timedelta(hours=2), now + dt.timedelta(hours=1), None),
        "b" * 64: ("urn:example:twice", now - dt.timedelta(hours=1), now + dt.timedelta(hours=1), None),
        "c" * 64: ("urn:example:expired", now - dt.timedelta(hours=2), now - dt.timedelta(hours=1), None),
        "d" * 64: ("urn:example:claimed", now - dt.timedelta(hours=2), now + dt.timedelta(hours=1), now),
        "e" * 64: (None, now, now + dt.timedelta(hours=1), None),
    }
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    try:
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, "0004")  # as the service left it before 0005
            connection.execute(Organisation.__table__.insert().values(id="org", name="ROC Oud", role="mbo",
                                                                      did="did:web:oud.example", created_at=now))
            connection.execute(ClaimOffer.__table__.insert(), [{
                "id": offer_id, "org_id": "org", "actor": "cli", "scopes": "credentials:issue", "document": "{}",
                "challenge": "c", "credential_id": cid, "created_at": made, "expires_at": expires, "used_at": used,
            } for offer_id, (cid, made, expires, used) in offers.items()])
        open_store(url).dispose()  # migrates to head
        with engine.connect() as connection:
            held = dict(connection.execute(select(ClaimOffer.id, ClaimOffer.reserved_id)).all())
    finally:
        engine.dispose()
    assert held == {"a" * 64: "urn:example:twice", "b" * 64: None, "c" * 64: None, "d" * 64: None, "e" * 64: None}


def test_a_process_with_more_than_1024_open_files_still_reaches_postgresql(postgres, tmp_path):
    """The pool's liveness check polls the connection's socket: a socket numbered 1024 or above must work too
    (``select.select`` refuses those; a busy service holds that many connections)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    assert hard == resource.RLIM_INFINITY or hard >= 1200, f"this machine allows only {hard} open files"
    wanted = 2048 if hard == resource.RLIM_INFINITY else min(hard, 2048)
    resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, wanted), hard))
    held = [os.open(os.devnull, os.O_RDONLY) for _ in range(1100)]
    try:
        url = postgres.new_database()
        store = open_store(url)  # its connections get numbers above 1024
        settings = Settings(data_dir=tmp_path, database_url=url, key_passphrase=PASSPHRASE, public_url="https://issuer.example")
        created = create_organisation(store, settings, "ROC Veel Bestanden", role="mbo", did_web="veel.example")
        issuer = Issuer(store, settings)

        def issue_held() -> str:
            with store.checkout():
                org = issuer.orgs.by_api_key(created.api_key)
                return issuer.issue(org, credential(org)).credential_id

        async def on_the_loop() -> str:
            return await store.on_loop(issue_held)

        issued = [issue_held(), asyncio.run(on_the_loop())]
        with store.transaction() as session:
            states = session.scalars(select(IssuedCredential.state).where(IssuedCredential.credential_id.in_(issued)))
            assert sorted(states) == ["active", "active"]
        store.dispose()
    finally:
        for fd in held:
            os.close(fd)
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))


@pytest.mark.parametrize("path", ["in-a-thread", "on-the-event-loop"])
def test_an_issue_after_postgresql_dropped_the_pooled_connections_is_issued(postgres, tmp_path, path):
    url = postgres.new_database()
    settings = Settings(data_dir=tmp_path, database_url=url, key_passphrase=PASSPHRASE, public_url="https://issuer.example")
    store = open_store(url)
    created = create_organisation(store, settings, "ROC Herverbonden", role="mbo", did_web="herverbonden.example")
    issuer = Issuer(store, settings)

    def issue_held() -> str:  # as the service does: one checkout, the key looked up, then issued
        with store.checkout():
            org = issuer.orgs.by_api_key(created.api_key)
            return issuer.issue(org, credential(org)).credential_id

    def drop_connections() -> None:
        with psycopg.connect(f"host=127.0.0.1 port={postgres.port} user=skillspas dbname=postgres", autocommit=True) as admin:
            dropped = admin.execute("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = %s",
                                    [make_url(url).database]).fetchone()
        assert dropped is not None and dropped[0] >= 1  # the pooled connection is gone
        time.sleep(0.2)  # the backends' goodbye has reached the sockets

    async def on_one_loop() -> str:  # the loop's own pool: the same connection again, after it was dropped
        await store.on_loop(issue_held)
        drop_connections()
        return await store.on_loop(issue_held)

    try:
        if path == "on-the-event-loop":
            issued = asyncio.run(on_one_loop())
        else:
            issue_held()
            drop_connections()
            issued = issue_held()
        with store.transaction() as session:
            assert session.scalar(select(IssuedCredential.state).where(IssuedCredential.credential_id == issued)) == "active"
    finally:
        store.dispose()


def test_concurrent_issues_on_the_event_loop_never_share_an_index(postgres, tmp_path, monkeypatch):
    """As the service issues on PostgreSQL (``Store.on_loop``, asyncpg): 200 at once drawing from 1,000 slots
    draw taken indexes often (another statement, or the general path's transaction) and never share one."""
    url = postgres.new_database()
    settings = Settings(data_dir=tmp_path, database_url=url, key_passphrase=PASSPHRASE, public_url="https://issuer.example")
    store = open_store(url)
    created = create_organisation(store, settings, "ROC Lus", role="mbo", did_web="lus.example")
    issuer = Issuer(store, settings)
    monkeypatch.setattr(issuance_module.secrets, "randbelow", lambda n: __import__("random").randrange(1000))

    def issue_held() -> int:
        with store.checkout():
            org = issuer.orgs.by_api_key(created.api_key, remembered=True)
            return int(issuer.issue(org, credential(org)).credential["credentialStatus"]["statusListIndex"])

    async def at_once() -> list[int]:
        try:
            return list(await asyncio.gather(*(store.on_loop(issue_held) for _ in range(200))))
        finally:
            await store.dispose_loop()

    try:
        indexes = asyncio.run(at_once())
        with store.transaction() as session:
            states = list(session.scalars(select(IssuedCredential.state).where(IssuedCredential.org_id == created.id)))
    finally:
        store.dispose()
    assert len(set(indexes)) == 200 and all(index < 1000 for index in indexes) and states == ["active"] * 200


def test_a_statement_on_the_event_loop_returns_the_rows_it_returns_in_a_thread(postgres, tmp_path):
    """``Store.one_statement`` on ``on_loop``'s connection (asyncpg) and in a thread (psycopg): the same plain
    tuples, timestamps with their zone, booleans, a ``%%`` and a parameter used twice; the key lookup alike."""
    url = postgres.new_database()
    settings = Settings(data_dir=tmp_path, database_url=url, key_passphrase=PASSPHRASE, public_url="https://issuer.example")
    store = open_store(url)
    created = create_organisation(store, settings, "ROC Twee Wegen", role="mbo", did_web="twee-wegen.example")
    key_id = created.api_key.split("_")[1]
    expires = dt.datetime(2031, 5, 6, 7, 8, 9, 123456, tzinfo=dt.timezone.utc)
    with store.transaction() as session:
        session.execute(update(ApiKey).where(ApiKey.id == key_id).values(expires_at=expires))
    statement = ("SELECT %(at)s::timestamptz, %(at)s::timestamptz + interval '1 day', %(n)s::bigint %% 7,"
                 " %(flag)s::boolean, %(word)s::text, NULL::integer")
    params = {"at": expires, "n": 4 * 2**40 + 3, "flag": True, "word": "één"}

    def both() -> tuple[object, object]:
        with store.checkout():
            found = queries.api_key_with_org(store, key_id)
            assert found is not None
            key, org, keys = found
            return store.one_statement(statement, params), (
                key.secret_sha256, key.scopes, key.revoked_at, key.expires_at, org.id, org.name, org.did,
                [(k.id, k.verification_method, k.public_key_multibase, k.key_file, k.active) for k in keys])

    async def on_the_loop() -> tuple[object, object]:
        try:
            return await store.on_loop(both)
        finally:
            assert store._loop_engines[asyncio.get_running_loop()].dialect.driver == "asyncpg"
            await store.dispose_loop()

    try:
        in_a_thread, on_loop = both(), asyncio.run(on_the_loop())
    finally:
        store.dispose()
    assert on_loop == in_a_thread
    rows, looked_up = on_loop
    assert isinstance(rows, list) and [type(row) for row in rows] == [tuple]
    assert rows == [(expires, expires + dt.timedelta(days=1), (4 * 2**40 + 3) % 7, True, "één", None)]
    assert isinstance(looked_up, tuple) and looked_up[3] == expires and looked_up[3].utcoffset() is not None
    assert looked_up[7][0][4] is True


def test_the_hot_statements_reach_credentials_by_their_unique_id_in_a_plan_made_on_an_empty_table(postgres):
    """On the event loop PostgreSQL caches a generic plan of each hot statement after five runs, maybe while the
    table is nearly empty, and keeps it as the table grows: it must find a credential through its unique id (the
    completion's plan took the ``org_id`` index: 8.8 ms a run 30,000 rows later), never scan the table."""
    from sqlalchemy.dialects.postgresql.asyncpg import PGDialect_asyncpg

    from skillspas.issuer.store.engine import _compile

    url = postgres.new_database()
    open_store(url).dispose()
    statements = {"claim": issuance_module._CLAIM_AND_PLACE[issuance_module._ACCESS_SQL],
                  "place": issuance_module._PLACE[issuance_module._ACCESS_SQL],
                  "completion": issuance_module._ACTIVATE_AND_AUDIT}
    plans = {}
    with psycopg.connect(f"host=127.0.0.1 port={postgres.port} user=skillspas dbname={make_url(url).database}",
                         autocommit=True) as connection:
        connection.execute("SET plan_cache_mode = force_generic_plan")
        for name, statement in statements.items():
            sql, parameters = _compile(statement, PGDialect_asyncpg())
            connection.execute(f"PREPARE {name} AS {sql}".encode())
            plans[name] = "\n".join(row[0] for row in connection.execute(
                f"EXPLAIN EXECUTE {name}({', '.join(['NULL'] * len(parameters))})".encode()))
    for name, plan in plans.items():
        assert "ix_credentials_org_id" not in plan and "Seq Scan on credentials" not in plan, (name, plan)
    assert "credentials_credential_id_key" in plans["claim"] and "credentials_credential_id_key" in plans["completion"]
    assert "uq_claim_offers_reserved_id" in plans["claim"] and "uq_claim_offers_reserved_id" in plans["place"]  # offers too


def test_a_failed_request_on_the_event_loop_returns_its_connection_and_a_cancelled_one_drops_it(postgres):
    """``Store.on_loop``'s pooled connection after its function failed: back in the pool and reused after a
    refused statement or an error inside a transaction (rolled back); never reused after a cancelled wait
    (its reply may still be on the way): the next request gets another backend. Nothing stays checked out."""
    store = open_store(postgres.new_database())
    backend = "SELECT pg_backend_pid()"

    def pid() -> int:
        with store.checkout():
            rows = store.one_statement(backend, {})
            assert rows is not None
            return int(rows[0][0])

    def refused() -> None:
        with store.checkout():
            store.one_statement("SELECT 1 / 0", {})

    def fails_in_a_transaction() -> None:
        with store.checkout(), store.transaction() as session:
            session.execute(text("SELECT 1"))
            raise LookupError("after a statement, inside the transaction")

    def waits() -> None:
        with store.checkout():
            store.one_statement("SELECT pg_sleep(30)", {})

    async def requests() -> tuple[list[int], int]:
        try:
            first = await store.on_loop(pid)
            with pytest.raises(Exception, match="division by zero"):
                await store.on_loop(refused)
            after_refusal = await store.on_loop(pid)
            with pytest.raises(LookupError):
                await store.on_loop(fails_in_a_transaction)
            after_error = await store.on_loop(pid)
            waiting = asyncio.ensure_future(store.on_loop(waits))
            await asyncio.sleep(0.5)
            waiting.cancel()
            with pytest.raises(asyncio.CancelledError):
                await waiting
            after_cancel = await store.on_loop(pid)
            pool = store._loop_engines[asyncio.get_running_loop()].sync_engine.pool
            return [first, after_refusal, after_error, after_cancel], pool.checkedout()
        finally:
            await store.dispose_loop()

    try:
        pids, checked_out = asyncio.run(requests())
    finally:
        store.dispose()
    assert pids[0] == pids[1] == pids[2] != pids[3]
    assert checked_out == 0


def test_the_service_closes_the_connections_of_its_event_loop_when_it_stops(postgres, tmp_path):
    from fastapi.testclient import TestClient

    from skillspas.issuer.service.app import create_app

    url = postgres.new_database()
    settings = Settings(data_dir=tmp_path, database_url=url, public_url="https://issuer.example")
    store = open_store(url)
    created = create_organisation(store, settings, "ROC Sluit", role="mbo", did_web="sluit.example")
    watch = create_engine(url)
    count = text("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()")
    try:
        with TestClient(create_app(settings, store=store)) as client:
            credential = sample_credential(created.did, created.name)
            del credential["id"]
            answer = client.post("/credentials/issue", json={"credential": credential},
                                 headers={"Authorization": f"Bearer {created.api_key}"})
            assert answer.status_code == 201, answer.text
            assert store._loop_engines  # issued on the event loop (Store.on_loop)
        store.dispose()
        with watch.connect() as connection:
            assert connection.execute(count).scalar() == 0
    finally:
        watch.dispose()
        store.dispose()
