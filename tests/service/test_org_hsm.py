"""An organisation whose signing keys live on an HSM (SoftHSM2 here): issue, batch, concurrency, rotation."""

from __future__ import annotations

import concurrent.futures
import sys
import uuid
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parents[1] / "keys"))

from softhsm import init_token  # noqa: E402

from skillspas.issuer.batch import issue_rows, validate_rows  # noqa: E402
from skillspas.issuer.bundle_build import build_bundle  # noqa: E402
from skillspas.issuer.demo import sample_credential  # noqa: E402
from skillspas.issuer.issuing import Issuer  # noqa: E402
from skillspas.issuer.orgs import create_organisation, rotate_signing_key  # noqa: E402
from skillspas.issuer.settings import Settings  # noqa: E402
from skillspas.issuer.store import open_store  # noqa: E402
from skillspas.schemas.errors import ErrorCode, SkillspasError  # noqa: E402
from skillspas.verifier import Verifier  # noqa: E402

from svc_live import PASSPHRASE  # noqa: E402


@pytest.fixture(scope="module")
def hsm(database, tmp_path_factory):
    token = init_token(tmp_path_factory.mktemp("softhsm"))  # the one token of this process (SoftHSM2 reads its slots once)
    url, folder = database
    settings = Settings(data_dir=folder, database_url=url, key_passphrase=PASSPHRASE, batch_workers=2, public_url="https://issuer.example",
                        pkcs11_module=token.module, pkcs11_token=token.label, pkcs11_pin=token.pin)
    store = open_store(url)
    host = f"hsm-{uuid.uuid4().hex[:8]}.example"  # key labels are method ids: unique per test database
    created = create_organisation(store, settings, "ROC HSM", role="mbo", did_web=host, hsm=True)
    issuer = Issuer(store, settings)
    yield settings, store, issuer, created.id
    issuer.orgs.close()  # logs out: later tests of the token start from a clean state
    store.dispose()


def _credential(org) -> dict:
    document = sample_credential(org.did, org.name)
    del document["id"]
    return document


def _verifier(issuer: Issuer, org_id: str) -> Verifier:
    org = issuer.orgs.get(org_id)
    return Verifier(bundle=build_bundle(issuer, org_id=org_id), trusted_issuers=[org.did])


def test_the_key_is_on_the_token_and_nowhere_on_disk(hsm):
    settings, _, issuer, org_id = hsm
    org = issuer.orgs.get(org_id)
    assert org.key_file is None and org.signer.verification_method.endswith("#key-1")
    data = b"op de token ondertekend"
    org.signer.public_key.verify(org.signer.sign(data), data)
    assert not list(Path(settings.keys).glob(f"{org_id}*")) if Path(settings.keys).exists() else True
    assert settings.pkcs11_pin not in repr(settings) and settings.pkcs11_pin not in repr(org)


def test_credentials_signed_on_the_hsm_verify_also_when_issued_from_many_threads(hsm):
    _, _, issuer, org_id = hsm
    org = issuer.orgs.get(org_id)
    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        issued = list(pool.map(lambda _: issuer.issue(org, _credential(org)).credential, range(16)))
    verifier = _verifier(issuer, org_id)
    for credential in issued:
        result = verifier.verify(credential)
        assert result.verified, result.first_error


def test_a_batch_is_signed_on_the_hsm_in_this_process(hsm, tmp_path):
    _, _, issuer, org_id = hsm
    org = issuer.orgs.get(org_id)
    rows = [(n + 2, {"row_key": f"h-{n}", "learner_name": f"Leerling {n}", "crebo": "25180", "leerweg": "BOL",
                     "date": "2025-07-01"}) for n in range(12)]
    manifest = issue_rows(issuer, org, validate_rows(issuer, org, "mbo-diploma", rows), out=tmp_path)
    assert manifest.issued == 12
    verifier = _verifier(issuer, org_id)
    import json
    for entry in manifest.entries:
        credential = json.loads((tmp_path / entry["file"]).read_text("utf-8"))
        assert verifier.verify(credential).verified


def test_rotation_keeps_the_new_key_on_the_hsm_and_old_credentials_valid(hsm):
    settings, store, issuer, org_id = hsm
    org = issuer.orgs.get(org_id)
    before = issuer.issue(org, _credential(org)).credential
    rotated = rotate_signing_key(store, settings, org_id)
    org = issuer.orgs.get(org_id)
    assert org.key_file is None and org.signer.verification_method == rotated.verification_method
    after = issuer.issue(org, _credential(org)).credential
    verifier = _verifier(issuer, org_id)
    assert verifier.verify(before).verified and verifier.verify(after).verified
    assert after["proof"]["verificationMethod"] == rotated.verification_method


def test_without_the_pin_an_hsm_organisation_is_found_but_cannot_sign(hsm, caplog):
    settings, store, _, org_id = hsm
    without = Issuer(store, settings.replace(pkcs11_pin=None))
    org = without.orgs.get(org_id)  # its did.json, a rotation to a key file: no HSM needed
    assert org.did_document["verificationMethod"]
    with pytest.raises(SkillspasError) as info:
        without.issue(org, _credential(org))
    assert info.value.code is ErrorCode.SIGNER_FAILED and "HSM" in info.value.message
    assert "SKILLSPAS_PKCS11" not in info.value.message  # configuration details go to the server log only
    assert "SKILLSPAS_PKCS11_PIN" in caplog.text and (settings.pkcs11_pin or "") not in caplog.text


def test_org_create_and_rotate_key_on_the_hsm_from_the_command_line(hsm, tmp_path):
    import json

    from svc_live import run_cli

    settings = hsm[0]
    env = {"SKILLSPAS_PKCS11_MODULE": settings.pkcs11_module, "SKILLSPAS_PKCS11_TOKEN": settings.pkcs11_token,
           "SKILLSPAS_PKCS11_PIN": settings.pkcs11_pin}
    host = f"cli-{uuid.uuid4().hex[:8]}.example"
    args = ["--data-dir", str(tmp_path)]
    created = run_cli("org", "create", "ROC HSM CLI", "--role", "mbo", "--did-web", host, "--hsm", *args, env=env)
    assert created.returncode == 0, created.stderr
    assert settings.pkcs11_pin not in created.stdout + created.stderr
    rotated = run_cli("org", "rotate-key", "ROC HSM CLI", *args, env=env)
    assert rotated.returncode == 0, rotated.stderr
    assert json.loads(rotated.stdout)["verificationMethod"] == f"did:web:{host}#key-2"
    assert not list(tmp_path.glob("keys/*")), "an HSM key must leave no key file"
    lost = run_cli("org", "rotate-key", "ROC HSM CLI", "--key-file", *args)  # the HSM is gone: move to a key file
    assert lost.returncode == 0, lost.stderr
    assert json.loads(lost.stdout)["verificationMethod"] == f"did:web:{host}#key-3" and list(tmp_path.glob("keys/*"))
    no_pin = run_cli("org", "create", "Zonder PIN", "--role", "mbo", "--did-web", f"x{host}", "--hsm", *args,
                     env={**env, "SKILLSPAS_PKCS11_PIN": ""})
    assert no_pin.returncode == 2 and "SKILLSPAS_PKCS11_PIN" in no_pin.stderr and "Traceback" not in no_pin.stderr


def test_hsm_trouble_reaches_api_clients_as_one_generic_error_and_the_log_has_the_detail(hsm, caplog):
    from sqlalchemy import update

    from skillspas.issuer.store.models import OrgKey

    settings, store, _, _ = hsm
    created = create_organisation(store, settings, "ROC Kwijt", role="mbo", did_web=f"kwijt-{uuid.uuid4().hex[:8]}.example",
                                  hsm=True)
    with store.transaction() as session:
        session.execute(update(OrgKey).where(OrgKey.org_id == created.id)
                        .values(key_file=f"pkcs11:token={settings.pkcs11_token};object=verdwenen"))
    issuer = Issuer(store, settings)
    org = issuer.orgs.get(created.id)
    with pytest.raises(SkillspasError) as info:
        issuer.issue(org, _credential(org))
    assert info.value.code is ErrorCode.SIGNER_FAILED and "verdwenen" not in info.value.message
    assert settings.pkcs11_token not in info.value.message and "verdwenen" in caplog.text
    issuer.orgs.close()


def test_after_close_no_hsm_signer_logs_in_again(hsm):
    settings, store, _, org_id = hsm
    issuer = Issuer(store, settings)
    org = issuer.orgs.get(org_id)
    org.signer.sign(b"voor")
    issuer.orgs.close()
    with pytest.raises(SkillspasError) as info:
        org.signer.sign(b"na")
    assert info.value.code is ErrorCode.SIGNER_FAILED


def _wrong_pin(settings: Settings, store, org_id: str) -> tuple[Settings, str]:
    return settings.replace(pkcs11_pin="0000-wrong"), org_id


@pytest.fixture()
def logged_out(hsm):
    """The module's issuer logged out of the token (its shared session would otherwise skip the PIN);
    so these tests come last in this file."""
    hsm[2].orgs.close()
    return hsm


def _missing_token(settings: Settings, store, org_id: str) -> tuple[Settings, str]:
    from sqlalchemy import update

    from skillspas.issuer.store.models import OrgKey

    created = create_organisation(store, settings, "ROC Zonder Token", role="mbo",
                                  did_web=f"zonder-{uuid.uuid4().hex[:8]}.example", hsm=True)
    with store.transaction() as session:
        session.execute(update(OrgKey).where(OrgKey.org_id == created.id)
                        .values(key_file="pkcs11:token=verdwenen-token;object=verdwenen"))
    return settings, created.id


@pytest.mark.parametrize("breaks", [_wrong_pin, _missing_token], ids=["wrong PIN", "missing token"])
def test_an_hsm_the_service_cannot_use_is_a_coded_503_without_details(logged_out, breaks):
    import warnings

    from fastapi.testclient import TestClient

    from skillspas.issuer.orgs import add_api_key
    from skillspas.issuer.service.app import create_app

    settings, store, _, org_id = logged_out
    broken, org_id = breaks(settings, store, org_id)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        app = create_app(broken, store=store)
    key = add_api_key(store, org_id)
    with TestClient(app, base_url="http://127.0.0.1:8000", raise_server_exceptions=False) as client:
        assert client.get(f"/orgs/{org_id}/did.json").status_code == 200  # served from the store, no HSM needed
        org = app.state.issuer.orgs.get(org_id)  # its HSM signer logs in only at the first signature
        response = client.post("/credentials/issue", json={"credential": _credential(org)},
                               headers={"Authorization": f"Bearer {key}"})
        assert response.status_code == 503, response.text
        assert response.json()["code"] == "signer_failed"
        for detail in (settings.pkcs11_token, "verdwenen", broken.pkcs11_pin, settings.pkcs11_module):
            assert detail not in response.text
