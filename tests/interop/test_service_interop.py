"""The reference JS stack verifies what ``skillspas serve`` issues for a did:key organisation over the VC-API.

The service runs in-process (FastAPI's TestClient, the same app ``skillspas serve`` runs); the credential is
VC Data Model 2.0 REC example 22 (tests/data/examples/vc-data-model-2.0/rec), issuer filled in by the service.
"""

from __future__ import annotations

import copy
import json
import uuid
from pathlib import Path
from typing import Any, Iterator

import pytest
from fastapi.testclient import TestClient

from test_interop import JS, TEST_CONTEXTS, js, product_contexts, write_json  # noqa: F401  (fixtures)
from skillspas.issuer.orgs import create_organisation
from skillspas.issuer.service.app import create_app
from skillspas.issuer.settings import Settings
from skillspas.issuer.store import open_store

EXAMPLE = Path(__file__).resolve().parents[1] / "data/examples/vc-data-model-2.0/rec/ex22-a-simple-credential.json"


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[TestClient, dict[str, Any]]]:
    folder = tmp_path_factory.mktemp("service")
    settings = Settings(data_dir=folder, contexts=TEST_CONTEXTS, public_url="https://issuer.example")
    store = open_store(settings.database)
    orgs = {kind: create_organisation(store, settings, f"Cursus {kind}", role="training", did_key=True, key_type=kind)
            for kind in ("ed25519", "p256")}
    with TestClient(create_app(settings, store=store)) as client:
        yield client, orgs
    store.dispose()


def _issue(client: TestClient, org: Any, credential: dict[str, Any]) -> dict[str, Any]:
    # without a status entry: interop.mjs has no status check (the JS stack refuses credentialStatus without one)
    response = client.post("/credentials/issue", json={"credential": credential, "options": {"credentialStatus": False}},
                           headers={"Authorization": f"Bearer {org.api_key}"})
    assert response.status_code == 201, response.text
    return response.json()["verifiableCredential"]


def _example() -> dict[str, Any]:
    credential = json.loads(EXAMPLE.read_text("utf-8"))
    del credential["issuer"]
    credential["id"] = f"urn:uuid:{uuid.uuid4()}"
    return credential


@pytest.mark.parametrize("kind", ["ed25519", "p256"])
def test_a_did_key_organisations_credential_verifies_in_js(js: JS, service, tmp_path: Path, kind: str) -> None:
    client, orgs = service
    signed = _issue(client, orgs[kind], _example())
    assert signed["issuer"] == orgs[kind].did
    # the JS default CredentialIssuancePurpose: the proof holds AND the issuer controls the key
    assert js.verify(write_json(tmp_path / "signed.json", signed)) == {"verified": True, "error": None}
    tampered = copy.deepcopy(signed)
    tampered["credentialSubject"]["name"] = "Someone Else"
    assert js.verify(write_json(tmp_path / "tampered.json", tampered))["verified"] is False


def test_a_credential_with_an_inline_context_verifies_in_js(js: JS, service, tmp_path: Path) -> None:
    client, orgs = service
    credential = _example()
    credential["@context"] = [credential["@context"][0], {"nickname": "https://example.org/nickname"}]
    credential["credentialSubject"]["nickname"] = "Jay"
    signed = _issue(client, orgs["ed25519"], credential)
    assert js.verify(write_json(tmp_path / "signed.json", signed)) == {"verified": True, "error": None}
    moved = copy.deepcopy(signed)
    moved["@context"][1]["nickname"] = "https://example.org/other"  # the signature covers the inline context
    assert js.verify(write_json(tmp_path / "moved.json", moved))["verified"] is False


def test_a_wallet_on_the_reference_js_stack_claims_an_offer_and_verifies_the_credential(js: JS, service, tmp_path: Path) -> None:
    """The exchange as a VC-API wallet runs it (the DCC Learner Credential Wallet signs with @digitalbazaar/vc):
    ``{}``, a DID-Auth made by the JS stack over the challenge and domain, then the credential for the JS holder."""
    client, orgs = service
    credential = _example()
    del credential["id"], credential["credentialSubject"]["id"]
    made = client.post("/exchanges", json={"credential": credential, "options": {"credentialStatus": False}},
                       headers={"Authorization": f"Bearer {orgs['ed25519'].api_key}"})
    assert made.status_code == 201, made.text
    path = made.json()["exchangeUrl"].removeprefix("https://issuer.example")
    asked = client.post(path, json={}).json()["verifiablePresentationRequest"]
    assert asked["domain"] == "issuer.example"
    holder = js.genkey("ed25519", tmp_path / "wallet.key.json")
    proc = js.run("didauth", "--key", tmp_path / "wallet.key.json", "--suite", "eddsa-rdfc-2022",
                  *js._context_args(None), "--challenge", asked["challenge"], "--domain", asked["domain"])
    assert proc.returncode == 0, proc.stderr
    did_auth = json.loads(proc.stdout)
    answer = client.post(path, json={"verifiablePresentation": did_auth})
    assert answer.status_code == 200, answer.text
    issued = answer.json()["verifiablePresentation"]["verifiableCredential"][0]
    assert issued["credentialSubject"]["id"] == holder["controller"]
    assert js.verify(write_json(tmp_path / "claimed.json", issued)) == {"verified": True, "error": None}
    assert client.post(path, json={"verifiablePresentation": did_auth}).json()["code"] == "offer_used"
