"""The page and the issuer service's ``POST /credentials/verify`` give the same verdicts.

A service (in-process, SQLite in a temp folder) issues two diplomas and revokes one; its ``/bundle``
is the page's trust material, with the service's organisation named as trusted issuer (the service
trusts its own organisations). The same credentials then go to both: the service answers
200 / 422 / 400, the page the CLI's exit code 0 / 1 / 2, and both the same result object.
"""

from __future__ import annotations

import copy
import json
import warnings
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from pageworld import example
from skillspas.issuer.credentials import build
from skillspas.verifier import Bundle
from skillspas.verifier.page import PageSettings, create_page_app
from skillspas.verifier.page.app import EXIT_CODE_HEADER

BASE = "http://127.0.0.1:8000"
SERVICE_ONLY = ("code", "message", "messageNl", "path", "view", "checkedAt")
STATUS_BY_EXIT = {0: 200, 1: 422, 2: 400}
ROC_NAME = "ROC Voorbeeldstad (fictief)"  # as the example row names itself


@pytest.fixture(scope="module")
def issued(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    from skillspas.issuer.orgs import create_organisation
    from skillspas.issuer.service.app import create_app
    from skillspas.issuer.settings import Settings
    from skillspas.issuer.store import open_store

    folder: Path = tmp_path_factory.mktemp("page-service")
    settings = Settings(data_dir=folder, database_url=f"sqlite:///{folder / 'skillspas.db'}", port=8000,
                        public_url="https://issuer.example", key_passphrase="test-only passphrase (never a real one)")
    store = open_store(settings.database)
    roc = create_organisation(store, settings, ROC_NAME, role="mbo", did_web="roc.example")
    store.dispose()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        service = TestClient(create_app(settings), base_url=BASE)
    auth = {"Authorization": f"Bearer {roc.api_key}"}
    row = example("mbo-diploma", "kok-anouk-testdata")
    credentials = {}
    for name, learner in (("valid", "Anouk Testdata"), ("revoked", "Bram Ingetrokken")):
        unsigned = build("mbo-diploma", {**row, "learner_name": learner}, issuer=roc.did)
        response = service.post("/credentials/issue", json={"credential": unsigned}, headers=auth)
        assert response.status_code == 201, response.text
        credentials[name] = response.json()["verifiableCredential"]
    response = service.post("/credentials/status", json={"credentialId": credentials["revoked"]["id"], "action": "revoke"},
                            headers=auth)
    assert response.status_code == 200, response.text
    credentials["tampered"] = copy.deepcopy(credentials["valid"])
    credentials["tampered"]["credentialSubject"]["name"] = "Iemand Anders"
    credentials["unknown_context"] = {**credentials["valid"], "@context": [*credentials["valid"]["@context"], "https://example.org/x"]}
    bundle_file = folder / "bundle.json"
    bundle_file.write_text(service.get("/bundle").text, "utf-8")
    page = TestClient(create_page_app(PageSettings(bundle=Bundle.from_file(bundle_file), trusted_issuers=(roc.did,))),
                      base_url="http://127.0.0.1:8765")
    return {"service": service, "page": page, "credentials": credentials}


@pytest.mark.parametrize(
    "name, exit_code, code",
    [
        pytest.param("valid", 0, None, id="issued diploma"),
        pytest.param("revoked", 1, "revoked", id="revoked at the service"),
        pytest.param("tampered", 1, "invalid_signature", id="changed after issuing"),
        pytest.param("unknown_context", 2, "unknown_context", id="unknown context"),
    ],
)
def test_page_and_service_give_the_same_verdict(issued, name, exit_code, code):
    credential = issued["credentials"][name]
    at_service = issued["service"].post("/credentials/verify", json={"verifiableCredential": credential})
    at_page = issued["page"].post("/api/verify", content=json.dumps(credential))
    assert int(at_page.headers[EXIT_CODE_HEADER]) == exit_code
    assert at_service.status_code == STATUS_BY_EXIT[exit_code]
    service_body, page_body = at_service.json(), at_page.json()
    assert [e["code"] for e in page_body["errors"]] == [e["code"] for e in service_body["errors"]] == ([code] if code else [])
    # The one difference: the service knows its organisations by their registered names, a page trusting a bare DID
    # (--trust-issuer) knows none.
    for part in ("summary", "about"):  # a verified credential's summary, a revoked one's "about"
        if service_body.get(part) is not None:
            assert page_body[part].pop("issuerName") is None
            assert service_body[part].pop("issuerName") == ROC_NAME
    same = lambda body: {k: v for k, v in body.items() if k not in SERVICE_ONLY}  # noqa: E731
    assert same(page_body) == same(service_body)
