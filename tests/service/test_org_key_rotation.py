"""An organisation rotates its signing key: new credentials use the new key, earlier ones still verify."""

from __future__ import annotations

import json

import pytest

from skillspas.issuer import audit
from skillspas.issuer.bundle_build import build_bundle
from skillspas.issuer.credentials import build
from skillspas.issuer.demo import sample_credential
from skillspas.issuer.issuing import Issuer
from skillspas.issuer.orgs import create_organisation, rotate_signing_key
from skillspas.issuer.settings import Settings
from skillspas.issuer.store import open_store
from skillspas.schemas.errors import ServiceRefused
from skillspas.verifier import Verifier

from svc_live import PASSPHRASE, run_cli


@pytest.fixture(scope="module")
def setup(database):
    url, folder = database
    settings = Settings(data_dir=folder, database_url=url, key_passphrase=PASSPHRASE, public_url="https://issuer.example")
    store = open_store(url)
    created = create_organisation(store, settings, "ROC Sleutel", role="mbo", did_web="sleutel.example")
    yield settings, store, Issuer(store, settings), created.id
    store.dispose()


def _issue(issuer: Issuer, org_id: str) -> dict:
    org = issuer.orgs.get(org_id)
    document = sample_credential(org.did, org.name)
    del document["id"]
    return issuer.issue(org, document).credential


def test_after_rotation_new_credentials_use_the_new_key_and_old_ones_still_verify(setup):
    settings, store, issuer, org_id = setup
    before = _issue(issuer, org_id)
    rotated = rotate_signing_key(store, settings, org_id)
    assert rotated.verification_method.endswith("#key-2") and rotated.previous[0].endswith("#key-1")
    org = issuer.orgs.get(org_id)
    assert org.signer.verification_method == rotated.verification_method
    assert [m["id"] for m in org.did_document["verificationMethod"]] == [f"{org.did}#key-1", f"{org.did}#key-2"]
    after = _issue(issuer, org_id)
    assert after["proof"]["verificationMethod"] == rotated.verification_method
    assert before["proof"]["verificationMethod"] == rotated.previous[0]
    verifier = Verifier(bundle=build_bundle(issuer, org_id=org_id), trusted_issuers=[org.did])
    for credential in (before, after):
        result = verifier.verify(credential)
        assert result.verified, result.first_error
    assert len(audit.events(store, org_id=org_id, action="organisation.rotate-key")) == 1


def test_a_role_or_name_changed_in_the_store_decides_the_next_lookup_not_the_cached_organisation(setup):
    from sqlalchemy import update

    from skillspas.issuer.store.models import Organisation

    _, store, issuer, org_id = setup
    before = issuer.orgs.get(org_id)
    assert issuer.orgs.get(org_id) is before  # unchanged: the cached one
    with store.transaction() as session:
        session.execute(update(Organisation).where(Organisation.id == org_id).values(role="employer", name="ROC Anders"))
    try:
        after = issuer.orgs.get(org_id)
        assert (after.role, after.name) == ("employer", "ROC Anders")
        with pytest.raises(ServiceRefused) as refused:  # an employer may not issue an mbo diploma
            issuer.issue(after, build("mbo-diploma", {"learner_name": "Sam", "crebo": "25180", "leerweg": "BOL",
                                                      "date": "2025-07-01", "issuer_name": "ROC Anders"},
                                      issuer=after.did))
        assert refused.value.code.value == "type_not_allowed"
    finally:
        with store.transaction() as session:
            session.execute(update(Organisation).where(Organisation.id == org_id).values(role="mbo", name="ROC Sleutel"))
    assert issuer.orgs.get(org_id).role == "mbo"


def test_rotating_an_unknown_organisation_is_not_found(setup):
    settings, store, _, _ = setup
    with pytest.raises(ServiceRefused) as info:
        rotate_signing_key(store, settings, "no-such-org")
    assert info.value.code.value == "not_found"


def test_org_rotate_key_from_the_command_line(tmp_path):
    args = ["--data-dir", str(tmp_path)]
    created = run_cli("org", "create", "ROC Roteer", "--role", "mbo", "--did-web", "roteer.example", *args)
    assert created.returncode == 0, created.stderr
    rotated = run_cli("org", "rotate-key", "ROC Roteer", *args)
    assert rotated.returncode == 0, rotated.stderr
    shown = json.loads(rotated.stdout)
    assert shown["verificationMethod"] == "did:web:roteer.example#key-2"
    assert shown["previousKeys"] == ["did:web:roteer.example#key-1"]
    assert shown["publicKeyMultibase"].startswith("z6Mk") and "vertrouwenslijst" in shown["next"]["nl"]
    unknown = run_cli("org", "rotate-key", "Niemand", *args)
    assert unknown.returncode == 2 and "Traceback" not in unknown.stderr


def test_a_rotation_whose_transaction_fails_leaves_no_key_file_and_can_be_retried(setup, monkeypatch):
    settings, store, issuer, org_id = setup
    files = set(settings.keys.iterdir())

    def broken(*args, **kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(audit, "record", broken)
    with pytest.raises(RuntimeError):
        rotate_signing_key(store, settings, org_id)
    assert set(settings.keys.iterdir()) == files  # the new key file was removed again
    monkeypatch.undo()
    again = rotate_signing_key(store, settings, org_id)
    assert issuer.orgs.get(org_id).signer.verification_method == again.verification_method


def test_a_key_file_whose_row_was_committed_is_kept_when_the_connection_breaks_after_commit(setup, monkeypatch):
    import contextlib

    settings, store, issuer, org_id = setup
    real = store.transaction

    @contextlib.contextmanager
    def committed_then_lost():
        with real() as session:
            yield session
        raise ConnectionError("connection lost after COMMIT")

    monkeypatch.setattr(store, "transaction", committed_then_lost)
    with pytest.raises(ConnectionError):
        rotate_signing_key(store, settings, org_id)
    monkeypatch.undo()
    org = issuer.orgs.get(org_id)  # the committed key's file is still there, so the organisation can sign
    data = b"na de storing"
    org.signer.public_key.verify(org.signer.sign(data), data)
