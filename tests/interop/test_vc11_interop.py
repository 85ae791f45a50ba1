"""VC Data Model 1.1 with the reference JS stack (@digitalbazaar/vc 7, eddsa-rdfc-2022, pinned here).

The JS stack signs VC 1.1 credentials (``https://www.w3.org/2018/credentials/v1``; it adds the Data
Integrity context, as skillspas does) and skillspas verifies them; the VC-API issues a 1.1 credential
when asked for one, and both sides verify it. The contexts given to the JS side are every context
skillspas bundles (``skillspas contexts export``).
"""

from __future__ import annotations

import copy
import json
import sys
from pathlib import Path
from typing import Any, Iterator

import pytest
from fastapi.testclient import TestClient

from test_interop import JS, TEST_CONTEXTS, ensure_node_modules, write_json
from skillspas.issuer.orgs import create_organisation
from skillspas.issuer.service.app import create_app
from skillspas.issuer.settings import Settings
from skillspas.issuer.store import open_store
from skillspas.schemas.jsonld.contexts import DATA_INTEGRITY_V2, STATUS_V1, VC_V1, bundled_registry
from skillspas.verifier import verify

pytestmark = pytest.mark.interop

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "verifier"))
from test_vc11 import ob3_11, plain_11  # noqa: E402  (the same 1.1 documents as the verifier tests)


@pytest.fixture(scope="module")
def js11(tmp_path_factory: pytest.TempPathFactory) -> JS:
    folder = bundled_registry().export(tmp_path_factory.mktemp("bundled-contexts"))
    return JS(ensure_node_modules(), [folder, TEST_CONTEXTS])


def _js_signed(js: JS, tmp_path: Path, make: Any) -> tuple[dict[str, Any], str]:
    key = js.genkey("ed25519", tmp_path / "js-key.json")
    unsigned = make(key["controller"])
    unsigned["@context"] = [c for c in unsigned["@context"] if c != DATA_INTEGRITY_V2]  # JS adds it itself
    signed = js.sign(write_json(tmp_path / "unsigned.json", unsigned), tmp_path / "js-key.json", "eddsa-rdfc-2022")
    assert signed["@context"][0] == VC_V1 and signed["proof"]["cryptosuite"] == "eddsa-rdfc-2022"
    return signed, key["controller"]


@pytest.mark.parametrize("make", [plain_11, ob3_11], ids=["plain", "open-badges-3.0"])
def test_a_vc11_credential_signed_by_the_js_reference_verifies(js11: JS, tmp_path: Path, make: Any) -> None:
    signed, controller = _js_signed(js11, tmp_path, make)
    result = verify(signed, trusted_issuers=[controller])
    assert result.verified, result.to_json()
    assert result.summary is not None and result.summary.data_model == "1.1"


@pytest.mark.parametrize(
    "tamper",
    [
        pytest.param(lambda d: d.__setitem__("issuanceDate", "2019-01-01T00:00:00Z"), id="issuanceDate"),
        pytest.param(lambda d: d["credentialSubject"]["achievement"].__setitem__("name", "Piloot"), id="achievement"),
    ],
)
def test_a_tampered_vc11_open_badge_signed_by_js_fails(js11: JS, tmp_path: Path, tamper: Any) -> None:
    signed, controller = _js_signed(js11, tmp_path, ob3_11)
    tamper(signed)
    result = verify(signed, trusted_issuers=[controller])
    assert not result.verified
    assert result.errors[0].code == "invalid_signature", result.errors


def test_a_vc11_credential_signed_by_skillspas_verifies_in_js(js11: JS, tmp_path: Path) -> None:
    from helpers import new_signer
    from skillspas.issuer import sign

    signer = new_signer()
    signed = sign(ob3_11(signer.controller), signer)
    assert js11.verify(write_json(tmp_path / "signed.json", signed)) == {"verified": True, "error": None}


# -- the VC-API ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[TestClient, Any]]:
    folder = tmp_path_factory.mktemp("service")
    settings = Settings(data_dir=folder, contexts=TEST_CONTEXTS, public_url="https://issuer.example")
    store = open_store(settings.database)
    org = create_organisation(store, settings, "Cursus 1.1", role="training", did_key=True, key_type="ed25519")
    with TestClient(create_app(settings, store=store)) as client:
        yield client, org
    store.dispose()


def _issue(client: TestClient, org: Any, credential: dict[str, Any], **options: Any) -> Any:
    return client.post("/credentials/issue", json={"credential": credential, "options": options},
                       headers={"Authorization": f"Bearer {org.api_key}"})


def test_the_vc_api_issues_a_vc11_credential_when_asked_and_it_verifies(js11: JS, service, tmp_path: Path) -> None:
    client, org = service
    request = ob3_11(org.did)
    del request["issuer"], request["id"]
    response = _issue(client, org, request, credentialStatus=False)
    assert response.status_code == 201, response.text
    signed = response.json()["verifiableCredential"]
    assert signed["@context"] == [VC_V1, request["@context"][1], DATA_INTEGRITY_V2]
    assert signed["issuanceDate"] == request["issuanceDate"] and "validFrom" not in signed
    assert "credentialStatus" not in signed
    result = verify(signed, trusted_issuers=[org.did])
    assert result.verified and result.summary.data_model == "1.1", result.to_json()
    assert js11.verify(write_json(tmp_path / "signed.json", signed)) == {"verified": True, "error": None}
    verified = client.post("/credentials/verify", json={"verifiableCredential": signed})
    assert verified.status_code == 200 and verified.json()["verified"] is True, verified.text


def test_the_vc_api_gives_a_vc11_credential_a_status_entry_under_the_status_context(service) -> None:
    client, org = service
    request = plain_11(org.did)
    del request["issuer"], request["id"]
    response = _issue(client, org, request)
    assert response.status_code == 201, response.text
    signed = response.json()["verifiableCredential"]
    assert signed["@context"][-1] == STATUS_V1
    entries = signed["credentialStatus"] if isinstance(signed["credentialStatus"], list) else [signed["credentialStatus"]]
    assert {e["type"] for e in entries} == {"BitstringStatusListEntry"}
    verified = client.post("/credentials/verify", json={"verifiableCredential": signed})  # knows its status lists
    assert verified.status_code == 200 and verified.json()["verified"] is True, verified.text


def test_the_vc_api_refuses_a_vc11_credential_with_a_vc20_validity_term(service) -> None:
    client, org = service
    request = plain_11(org.did, validUntil="2030-01-01T00:00:00Z")
    response = _issue(client, org, request, credentialStatus=False)
    assert response.status_code == 400, response.text
    assert "schema_invalid" in response.text


def test_what_skillspas_builds_itself_stays_vc20() -> None:
    from skillspas.issuer.demo import sample_credential

    assert sample_credential("did:example:issuer")["@context"][0] == "https://www.w3.org/ns/credentials/v2"
