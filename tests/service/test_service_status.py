"""Revocation and suspension over HTTP: status lists re-signed, served with caching headers, seen by verifiers."""

from __future__ import annotations

import concurrent.futures
import json

import pytest

from skillspas.verifier.bundle import Bundle

from svc_live import LiveService, run_cli
from test_service_api import issue, plain


def verify_at(service: LiveService, credential: dict) -> tuple[int, str | None]:
    response = service.post("/credentials/verify", {"verifiableCredential": credential}, org=None)
    body = response.json()
    return response.status_code, body.get("code")


def change(service: LiveService, credential: dict, action: str) -> dict:
    response = service.post("/credentials/status", {"credentialId": credential["id"], "action": action})
    assert response.status_code == 200, response.text
    return response.json()


def test_revoked_credential_reports_revoked_at_the_service(service):
    credential = issue(service)
    assert change(service, credential, "revoke") == {
        "credentialId": credential["id"], "action": "revoke", "status": "revoked", "changed": True}
    assert verify_at(service, credential) == (422, "revoked")
    assert change(service, credential, "revoke")["changed"] is False


@pytest.mark.parametrize("kind", ["plain", "badge"])
def test_suspended_then_reinstated_credential_is_valid_again(service, kind):
    credential = issue(service, plain()) if kind == "plain" else issue(service, options={"statusPurposes": ["suspension"]})
    change(service, credential, "suspend")
    assert verify_at(service, credential) == (422, "suspended")
    change(service, credential, "reinstate")
    assert verify_at(service, credential) == (200, None)


def test_vc_api_status_form_suspends(service):
    credential = issue(service, plain())
    body = {"credentialId": credential["id"],
            "credentialStatus": [{"type": "BitstringStatusListEntry", "status": "suspended"}]}
    assert service.post("/credentials/status", body).json()["status"] == "suspended"


def test_a_badge_without_a_suspension_entry_cannot_be_suspended(service):
    credential = issue(service)
    response = service.post("/credentials/status", {"credentialId": credential["id"], "action": "suspend"})
    assert response.status_code == 400 and response.json()["code"] == "no_status"


def test_a_revoked_credential_cannot_be_reinstated(service):
    credential = issue(service, plain())
    change(service, credential, "revoke")
    response = service.post("/credentials/status", {"credentialId": credential["id"], "action": "reinstate"})
    assert response.status_code == 400 and response.json()["code"] == "invalid_status_change"


def test_status_of_a_credential_without_status_cannot_change(service):
    credential = issue(service, options={"credentialStatus": False})
    response = service.post("/credentials/status", {"credentialId": credential["id"], "action": "revoke"})
    assert response.status_code == 400 and response.json()["code"] == "no_status"


def test_status_list_is_served_with_caching_headers_and_re_signed_on_change(service):
    credential = issue(service)
    url = credential["credentialStatus"]["statusListCredential"]
    first = service.client.get(url)
    assert first.status_code == 200
    assert first.headers["content-type"].startswith("application/vc+ld+json")
    assert first.headers["cache-control"] == "public, max-age=300"
    assert first.headers["last-modified"].endswith("GMT")
    etag = first.headers["etag"]
    assert service.client.get(url, headers={"If-None-Match": etag}).status_code == 304
    change(service, credential, "revoke")
    second = service.client.get(url, headers={"If-None-Match": etag})
    assert second.status_code == 200 and second.headers["etag"] != etag
    status_list = second.json()
    assert status_list["id"] == url and status_list["issuer"] == service.orgs["roc"].did
    assert status_list["proof"]["verificationMethod"] == service.orgs["roc"].verification_method


def test_unknown_status_list_is_404(service):
    roc = service.orgs["roc"].id
    assert service.client.get(f"/status/{roc}/999/revocation").status_code == 404
    assert service.client.get(f"/status/{roc}/1/other").status_code == 400


@pytest.mark.parametrize("seq, status, code", [
    ("%201", 404, "not_found"), ("1%20", 404, "not_found"), ("01", 404, "not_found"), ("+1", 404, "not_found"),
    ("1_0", 404, "not_found"), ("%EF%BC%91", 400, "schema_invalid"),  # a full-width 1 is not a number at all
])
def test_a_status_list_number_is_only_found_as_plain_ascii_digits_without_leading_zeros(service, seq, status, code):
    issue(service)  # the organisation has list 1
    roc = service.orgs["roc"].id
    assert service.client.get(f"/status/{roc}/1/revocation").status_code == 200
    refused = service.client.get(f"/status/{roc}/{seq}/revocation")
    assert refused.status_code == status and refused.json()["code"] == code, refused.text


def test_skillspas_verify_with_a_fresh_bundle_reports_revoked_and_reinstated(service, tmp_path):
    revoked, suspended = issue(service), issue(service, plain())
    change(service, revoked, "revoke")
    change(service, suspended, "suspend")
    change(service, suspended, "reinstate")
    bundle = tmp_path / "bundle.json"
    bundle.write_text(service.client.get("/bundle").text)
    Bundle.from_file(bundle)  # the verifier reads it strictly
    did = service.orgs["roc"].did
    for credential, exit_code, code in ((revoked, 1, "revoked"), (suspended, 0, None)):
        path = tmp_path / "credential.json"
        path.write_text(json.dumps(credential))
        result = run_cli("verify", str(path), "--bundle", str(bundle), "--trust-issuer", did, "--json")
        assert result.returncode == exit_code, result.stdout + result.stderr
        errors = json.loads(result.stdout)["errors"]
        assert [e["code"] for e in errors][:1] == ([code] if code else [])


def test_concurrent_issuance_never_hands_out_a_status_index_twice(service):
    def one(_: int) -> str:
        return issue(service)["credentialStatus"]["id"]

    with concurrent.futures.ThreadPoolExecutor(max_workers=8) as pool:
        ids = list(pool.map(one, range(40)))
    assert len(set(ids)) == 40
