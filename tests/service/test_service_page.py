"""``skillspas serve`` also serves the verifier page at /verifier/, over its own organisations' credentials."""

from __future__ import annotations

import json

from skillspas.issuer import sign
from skillspas.issuer.demo import sample_credential
from skillspas.keys import LocalSigner, generate
from skillspas.verifier.page.app import CONTENT_SECURITY_POLICY, EXIT_CODE_HEADER

from svc_live import LiveService
from test_service_api import issue


def page_verify(service: LiveService, document: dict) -> tuple[int, dict]:
    response = service.client.post("/verifier/api/verify", content=json.dumps(document).encode(),
                                   headers={"content-type": "application/json"})
    assert response.status_code == 200, response.text  # every verdict is a 200 on the page
    return int(response.headers[EXIT_CODE_HEADER]), response.json()


def test_the_page_is_served_under_verifier_with_its_own_security_headers(service):
    response = service.client.get("/verifier/")
    assert response.status_code == 200 and "text/html" in response.headers["content-type"]
    assert response.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
    info = service.client.get("/verifier/api/info").json()
    assert set(info["trustedIssuers"]) >= {org.did for org in service.orgs.values()}


def test_the_page_checks_with_the_current_status_lists(service):
    credential = issue(service)
    code, body = page_verify(service, credential)
    assert code == 0 and body["view"]["verdict"] == "valid", body
    revoked = service.post("/credentials/status", {"credentialId": credential["id"], "action": "revoke"})
    assert revoked.status_code == 200, revoked.text
    code, body = page_verify(service, credential)
    assert code == 1 and body["errors"][0]["code"] == "revoked"


def test_a_credential_from_outside_the_service_is_untrusted_on_its_page(service):
    signer = LocalSigner(generate("ed25519"))
    outsider = sign(sample_credential(signer.controller), signer)
    code, body = page_verify(service, outsider)
    assert code == 1 and body["errors"][0]["code"] == "untrusted_issuer"


def test_the_page_answers_unusable_input_itself(service):
    response = service.client.post("/verifier/api/verify", content=b'{"a": 1, "a": 2}',
                                   headers={"content-type": "application/json"})
    assert response.status_code == 200 and response.headers[EXIT_CODE_HEADER] == "2"
    assert response.json()["errors"][0]["code"] == "malformed_json"


def test_an_unknown_path_under_verifier_is_the_services_coded_not_found_in_dutch_and_english(service):
    from test_service_api import assert_refused

    elsewhere = assert_refused(service.client.get("/nope"), 404, "not_found")
    for path in ("/verifier/nope", "/verifier/api/nope", "/verifier/api/verify/x"):
        body = assert_refused(service.client.get(path), 404, "not_found")
        assert set(body) == set(elsewhere) and body["messageNl"] == elsewhere["messageNl"]
    assert assert_refused(service.client.delete("/verifier/api/info"), 405, "method_not_allowed")["messageNl"]
