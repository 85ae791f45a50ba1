"""The issuer API over HTTP against a live uvicorn, on SQLite and on PostgreSQL."""

from __future__ import annotations

import base64
import hashlib
import json
from typing import Any

import pytest

from skillspas.issuer.credentials import expired_warning
from skillspas.issuer.demo import sample_credential
from skillspas.keys import LocalSigner, generate
from skillspas.schemas.jsonld.contexts import bundled_registry
from skillspas.wallet_export.presentation import build_presentation

from svc_live import LiveService

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


V1 = "https://www.w3.org/2018/credentials/v1"
V2 = "https://www.w3.org/ns/credentials/v2"
V2_SRI = "sha384-" + base64.b64encode(hashlib.sha384(bundled_registry().get(V2).raw).digest()).decode()


def unsigned(**changes: Any) -> dict[str, Any]:
    """An unsigned OB 3.0 credential without id and issuer (the service fills both in)."""
    credential = {k: v for k, v in sample_credential("did:web:placeholder").items() if k not in ("id", "issuer")}
    credential.update(changes)
    return credential


def plain(**changes: Any) -> dict[str, Any]:
    """A plain VC 2.0 credential (not an Open Badge)."""
    return {"@context": [V2], "type": ["VerifiableCredential"], "name": "Werkervaring",
            "credentialSubject": {"id": "did:example:learner", "name": "Anouk Testdata"}, **changes}


def issue(service: LiveService, credential: dict[str, Any] | None = None, org: str = "roc", **body: Any) -> dict[str, Any]:
    response = service.post("/credentials/issue", {"credential": credential or unsigned(), **body}, org=org)
    assert response.status_code == 201, response.text
    return response.json()["verifiableCredential"]


def assert_refused(response: Any, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert body["code"] == code
    assert body["message"] and body["messageNl"]
    assert body["errors"][0]["code"] == code
    return body


# -- issue -------------------------------------------------------------------------------------

def test_issue_fills_in_the_organisations_did_and_one_revocation_entry(service):
    credential = issue(service)
    assert credential["issuer"] == service.orgs["roc"].did
    assert credential["id"].startswith("urn:uuid:")
    assert credential["proof"]["verificationMethod"] == service.orgs["roc"].verification_method
    entry = credential["credentialStatus"]  # Open Badges 3.0 allows one credentialStatus object
    assert entry["statusPurpose"] == "revocation"
    assert entry["statusListCredential"].startswith(service.base_url + "/status/")


def test_an_issue_answer_warns_in_dutch_and_english_as_the_cli_does_when_the_credential_has_already_expired(service):
    response = service.post("/credentials/issue", {"credential": unsigned(validFrom="2020-01-01T00:00:00Z",
                                                                          validUntil="2021-01-01T00:00:00Z")})
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["verifiableCredential"]["validUntil"] == "2021-01-01T00:00:00Z"  # issued all the same, as the CLI does
    nl, en = expired_warning((), "2021-01-01T00:00:00Z", field="validUntil")
    assert body["warnings"] == [{"code": "expired", "message": en, "messageNl": nl, "path": "/credential/validUntil"}]
    assert "valid until 2021-01-01 (validUntil)" in en and "geldig tot 2021-01-01 (validUntil)" in nl


def test_an_issue_answer_has_an_empty_warnings_list_beside_a_credential_that_has_not_expired(service):
    response = service.post("/credentials/issue", {"credential": unsigned(validUntil="2999-01-01T00:00:00Z")})
    assert response.status_code == 201, response.text
    assert response.json()["warnings"] == [] and list(response.json()) == ["verifiableCredential", "warnings"]
    documented = service.client.get("/openapi.json").json()["components"]["schemas"]
    assert documented["IssueResponse"]["properties"]["warnings"]["items"] == {"$ref": "#/components/schemas/IssueWarning"}
    assert set(documented["IssueWarning"]["required"]) == {"code", "message", "messageNl"}


def test_an_issue_answer_warns_of_a_vc11_credential_whose_expiration_date_has_passed(service):
    credential = {"@context": [V1], "type": ["VerifiableCredential"], "issuanceDate": "2020-01-01T00:00:00Z",
                  "expirationDate": "2021-01-01T00:00:00Z", "credentialSubject": {"id": "did:example:learner"}}
    response = service.post("/credentials/issue", {"credential": credential, "options": {"credentialStatus": False}})
    assert response.status_code == 201, response.text
    [warning] = response.json()["warnings"]
    assert (warning["code"], warning["path"]) == ("expired", "/credential/expirationDate")
    assert "(expirationDate)" in warning["message"] and "(expirationDate)" in warning["messageNl"]


def test_issue_of_a_plain_credential_has_revocation_and_suspension_entries(service):
    entries = issue(service, plain())["credentialStatus"]
    assert [e["statusPurpose"] for e in entries] == ["revocation", "suspension"]
    assert entries[0]["statusListIndex"] == entries[1]["statusListIndex"]


def test_issue_with_chosen_status_purposes(service):
    entry = issue(service, options={"statusPurposes": ["suspension"]})["credentialStatus"]
    assert entry["statusPurpose"] == "suspension"


def test_issue_accepts_the_issuer_as_an_object_with_the_organisations_id(service):
    did = service.orgs["evc"].did
    credential = issue(service, unsigned(issuer={"id": did, "type": ["Profile"], "name": "EVC Centrum"}), org="evc")
    assert credential["issuer"]["id"] == did


def test_issue_without_status_has_no_status_entries(service):
    credential = issue(service, options={"credentialStatus": False})
    assert "credentialStatus" not in credential


def test_issued_credential_verifies_at_the_service(service):
    credential = issue(service)
    response = service.post("/credentials/verify", {"verifiableCredential": credential}, org=None)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["verified"] is True
    assert {c["check"] for c in body["checks"]} >= {"proof", "trust", "validity", "status"}


def test_the_service_names_its_own_organisation_as_the_trusted_issuer_of_what_it_verifies(service):
    credential = issue(service)
    body = service.post("/credentials/verify", {"verifiableCredential": credential}, org=None).json()
    assert body["verified"] is True
    assert body["summary"]["issuerName"] == service.orgs["roc"].name  # registered here: the name an employer reads


@pytest.mark.parametrize(
    "change, status, code",
    [
        pytest.param({"issuer": "did:web:other.example"}, 400, "issuer_mismatch", id="someone else as issuer"),
        pytest.param({"issuer": {"id": "did:web:other.example"}}, 400, "issuer_mismatch", id="someone else in an object"),
        pytest.param({"issuer": None}, 400, "schema_invalid", id="null issuer"),
        pytest.param({"issuer": "not a url"}, 400, "schema_invalid", id="non-URL issuer"),
        pytest.param({"@context": ["https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
                                   "https://www.w3.org/ns/credentials/v2"]}, 400, "schema_invalid", id="misordered context"),
        pytest.param({"@context": ["https://www.w3.org/ns/credentials/v2", "https://example.org/unknown"]}, 400,
                     "unknown_context", id="unknown context"),
        pytest.param({"@context": ["https://www.w3.org/ns/credentials/v2", {"@vocab": "https://example.org/"}]}, 400,
                     "inline_context_refused", id="inline context with @vocab"),
        pytest.param({"@context": ["https://www.w3.org/ns/credentials/v2", {"name": "https://example.org/n"}]}, 400,
                     "redefined_term", id="inline context redefining name"),
        pytest.param({"type": ["OpenBadgeCredential"]}, 400, "schema_invalid", id="no VerifiableCredential type"),
        pytest.param({"id": "two urls"}, 400, "schema_invalid", id="id not one URL"),
        pytest.param({"credentialSubject": {}}, 400, "schema_invalid", id="empty credentialSubject"),
        pytest.param({"validFrom": "2026-07-01"}, 400, "schema_invalid", id="date without time"),
        pytest.param({"credentialStatus": {"id": "https://s.example/1#5"}}, 400, "forbidden_field",
                     id="credentialStatus without type (the service adds status entries itself)"),
        pytest.param({"evidence": [{"id": "not a url", "type": ["Evidence"]}]}, 400, "schema_invalid",
                     id="evidence with a non-URL id"),
        pytest.param({"relatedResource": [{"digestSRI": "sha384-abc"}]}, 400, "schema_invalid",
                     id="relatedResource without id"),
        pytest.param({"relatedResource": [{"id": V2, "digestSRI": V2_SRI}, {"id": V2, "digestSRI": V2_SRI}]}, 400,
                     "schema_invalid", id="relatedResource listed twice"),
        pytest.param({"relatedResource": [{"id": V2, "digestSRI": "sha384-" + "A" * 64}]}, 400, "schema_invalid",
                     id="relatedResource digest not the bundled copy"),
        pytest.param({"credentialSchema": {"id": "https://example.org/s.json"}}, 400, "schema_invalid",
                     id="credentialSchema without type"),
        pytest.param({"termsOfUse": {"id": "https://example.org/t"}}, 400, "schema_invalid", id="termsOfUse without type"),
        pytest.param({"refreshService": {"id": "https://example.org/r"}}, 400, "schema_invalid",
                     id="refreshService without type"),
        pytest.param({"credentialStatus": {"id": "two words", "type": "BitstringStatusListEntry"}}, 400,
                     "forbidden_field", id="credentialStatus with a non-URL id"),
        pytest.param({"validUntil": "tomorrow"}, 400, "schema_invalid", id="validUntil not a dateTimeStamp"),
        pytest.param({"nickname": "x"}, 400, "undefined_term", id="undefined term"),
        pytest.param({"name": "Diploma\u202e"}, 400, "schema_invalid", id="bidi override in a name"),
        pytest.param({"proof": {"type": "DataIntegrityProof"}}, 400, "schema_invalid", id="already has a proof"),
    ],
)
def test_issue_refuses_what_vc_2_forbids(service, change, status, code):
    response = service.post("/credentials/issue", {"credential": unsigned(**change)})
    assert_refused(response, status, code)


def test_issue_accepts_a_related_resource_with_the_bundled_digest(service):
    credential = issue(service, unsigned(relatedResource=[{"id": V2, "digestSRI": V2_SRI}]))
    assert credential["relatedResource"][0]["digestSRI"] == V2_SRI


def test_issue_refuses_a_type_the_role_does_not_allow(service):
    credential = unsigned(type=["VerifiableCredential", "OpenBadgeCredential", "MboDiploma"],
                          **{"@context": [*unsigned()["@context"], "https://w3id.org/skillspas/v1"]})
    assert_refused(service.post("/credentials/issue", {"credential": credential}, org="training"), 403, "type_not_allowed")


def test_issue_refuses_an_id_issued_before(service):
    credential = issue(service)
    again = unsigned(id=credential["id"])
    assert_refused(service.post("/credentials/issue", {"credential": again}), 400, "duplicate_id")


# -- access ------------------------------------------------------------------------------------

def test_issue_without_api_key_is_401_with_a_json_error(service):
    response = service.post("/credentials/issue", {"credential": unsigned()}, org=None)
    assert_refused(response, 401, "unauthorized")
    assert response.headers["www-authenticate"] == "Bearer"


@pytest.mark.parametrize("header", [
    pytest.param("Bearer skp_0000000000000000_" + "A" * 43, id="unknown key"),
    pytest.param("Bearer nonsense", id="malformed key"),
    pytest.param("Basic dXNlcjpwYXNz", id="basic auth"),
])
def test_issue_with_a_wrong_api_key_is_401(service, header):
    response = service.client.post("/credentials/issue", json={"credential": unsigned()}, headers={"Authorization": header})
    assert_refused(response, 401, "unauthorized")


def test_issue_without_api_key_is_401_before_its_body_is_judged(service):
    response = service.client.post("/credentials/issue", content=b'{"credential": []}', headers={"Content-Type": "application/json"})
    assert_refused(response, 401, "unauthorized")


@pytest.mark.parametrize("body, path", [
    pytest.param(b"", "/", id="no body"),
    pytest.param(b"[]", "/", id="a list"),
    pytest.param(b'{"credential": []}', "/credential", id="credential a list"),
    pytest.param(b'{"credential": {}, "extra": 1}', "/extra", id="unknown member"),
    pytest.param(b'{"credential": {}, "options": {"credentialStatus": "no"}}', "/options/credentialStatus", id="status no"),
])
def test_an_issue_body_of_the_wrong_shape_is_refused_as_the_offer_route_refuses_it(service, body, path):
    # /exchanges takes the same credential and options through FastAPI's own validation: one answer for both
    headers = {**service.auth("roc"), "Content-Type": "application/json"}
    issued = service.client.post("/credentials/issue", content=body, headers=headers)
    offered = service.client.post("/exchanges", content=body, headers=headers)
    assert_refused(issued, 400, "schema_invalid")
    assert issued.json()["path"] == path and issued.json() == offered.json()


def test_an_api_key_without_the_scope_is_403(service):
    credential = issue(service)
    response = service.post("/credentials/status", {"credentialId": credential["id"], "action": "revoke"},
                            org="roc-issue-only")
    assert_refused(response, 403, "forbidden")


def test_an_organisation_cannot_change_another_organisations_credential(service):
    credential = issue(service)
    response = service.post("/credentials/status", {"credentialId": credential["id"], "action": "revoke"}, org="evc")
    assert_refused(response, 404, "not_found")


def test_a_subject_with_both_id_and_at_id_is_refused_in_words_not_as_a_python_tuple(service):
    from skillspas.schemas.errors import ErrorCode
    from skillspas.schemas.messages import text

    credential = plain(credentialSubject={"id": "did:example:a", "@id": "did:example:b", "name": "Anouk Testdata"})
    body = assert_refused(service.post("/credentials/issue", {"credential": credential}), 400, "schema_invalid")
    assert "('" not in body["message"] and "',)" not in body["message"] and "colliding keywords" in body["message"]
    assert "JSON-LD" in body["messageNl"] and body["messageNl"] != text(ErrorCode.SCHEMA_INVALID, "nl")


@pytest.mark.parametrize("method, path", [("GET", "/credentials/issue"), ("DELETE", "/credentials/status"),
                                          ("PUT", "/exchanges"), ("POST", "/bundle"), ("OPTIONS", "/credentials/verify")])
def test_a_method_a_route_does_not_take_is_a_coded_405_in_dutch_and_english(service, method, path):
    from skillspas.schemas.errors import ErrorCode

    response = service.client.request(method, path, headers={**service.auth(), "Content-Type": "application/json"},
                                      content=b"{}" if method in ("PUT", "POST") else None)
    body = assert_refused(response, 405, "method_not_allowed")
    assert ErrorCode(body["code"]).http_status == 405
    assert body["messageNl"] != body["message"] and response.headers["allow"]


@pytest.mark.parametrize("path", ["STATUS", "/orgs/ORG/did.json", "/.well-known/did.json", "/bundle", "/verifier/"])
def test_a_cacheable_resource_answers_head_like_get_without_a_body(service, path):
    if path == "STATUS":
        path = issue(service)["credentialStatus"]["statusListCredential"]
    path = path.replace("ORG", service.orgs["roc"].id)
    headers = {"Host": "roc.example"} if path == "/.well-known/did.json" else {}
    got = service.client.get(path, headers=headers)
    head = service.client.head(path, headers=headers)
    assert got.status_code == 200 and head.status_code == 200, head.text
    assert head.content == b""
    for name in ("content-type", "content-length", "cache-control", "etag", "last-modified"):
        assert head.headers.get(name) == got.headers.get(name), name
    assert int(head.headers["content-length"]) == len(got.content)


@pytest.mark.parametrize("method, path, allow", [
    ("DELETE", "/bundle", "GET, HEAD"), ("PUT", "/exchanges/EXCHANGE", "GET, HEAD, POST"),
    ("POST", "/.well-known/did.json", "GET, HEAD"), ("GET", "/credentials/issue", "POST"),
])
def test_a_405_of_the_service_names_head_in_allow_wherever_get_is_allowed(service, method, path, allow):
    path = path.replace("EXCHANGE", "A" * 32)
    response = service.client.request(method, path, headers={"Host": "roc.example"} if "well-known" in path else {})
    assert response.status_code == 405 and response.headers["allow"] == allow


def test_the_services_verifier_page_answers_a_host_it_does_not_serve_with_a_coded_421(service):
    response = service.client.get("/verifier/", headers={"Host": "attacker.example"})
    body = assert_refused(response, 421, "misdirected_request")
    assert body["messageNl"] != body["message"] and "attacker.example" not in response.text


# -- request bodies ----------------------------------------------------------------------------

@pytest.mark.parametrize("body, code", [
    pytest.param(b'{"credential": {}, "credential": {}}', "malformed_json", id="duplicate key"),
    pytest.param(b'{"credential": NaN}', "malformed_json", id="NaN"),
    pytest.param(b'{"credential": {"n": 9007199254740993}}', "malformed_json", id="integer beyond 2^53"),
    pytest.param(b"[" * 5000 + b"]" * 5000, "too_deep", id="deep nesting"),
    pytest.param(b'{"credential": "' + b"x" * (2 * 1024 * 1024) + b'"}', "too_large", id="too large"),
    pytest.param(b"\xff\xfe", "malformed_json", id="not UTF-8"),
    pytest.param(b'{"credential": []}', "schema_invalid", id="credential not an object"),
    pytest.param(b'{"credential": {}, "extra": 1}', "schema_invalid", id="unknown envelope field"),
    pytest.param(b"{}", "schema_invalid", id="no credential"),
])
def test_unusable_request_bodies_are_400_with_a_code(service, body, code):
    response = service.client.post("/credentials/issue", content=body,
                                   headers={**service.auth(), "Content-Type": "application/json"})
    assert_refused(response, 400, code)


# -- verify ------------------------------------------------------------------------------------

def test_verify_tampered_credential_is_422_with_the_result(service):
    credential = issue(service)
    credential["credentialSubject"]["name"] = "Someone Else"
    response = service.post("/credentials/verify", {"verifiableCredential": credential}, org=None)
    assert response.status_code == 422
    body = response.json()
    assert body["verified"] is False
    assert body["errors"][0]["code"] == "invalid_signature"
    assert body["code"] == "invalid_signature"


def test_verify_unusable_credential_is_400(service):
    response = service.post("/credentials/verify", {"verifiableCredential": {"@context": ["https://example.org/x"]}}, org=None)
    assert_refused(response, 400, "schema_invalid")


def test_verify_a_did_key_credential_reports_untrusted_issuer_unless_trust_is_left_out(service):
    signer = LocalSigner(generate("ed25519"))
    from skillspas.issuer import sign

    credential = sign(sample_credential(signer.controller), signer)
    response = service.post("/credentials/verify", {"verifiableCredential": credential}, org=None)
    assert response.status_code == 422 and response.json()["code"] == "untrusted_issuer"
    response = service.post("/credentials/verify",
                            {"verifiableCredential": credential, "options": {"checks": ["proof"]}}, org=None)
    assert response.status_code == 200, response.text
    assert {c["check"] for c in response.json()["checks"]} == {"parse", "contexts", "shape", "key", "proof", "purpose"}


def test_verify_expired_credential_passes_when_validity_is_not_asked(service):
    credential = issue(service, unsigned(validFrom="2020-01-01T00:00:00Z", validUntil="2021-01-01T00:00:00Z"))
    response = service.post("/credentials/verify", {"verifiableCredential": credential}, org=None)
    assert response.status_code == 422 and response.json()["code"] == "expired"
    response = service.post("/credentials/verify", {"verifiableCredential": credential,
                                                    "options": {"checks": ["proof", "trust", "credentialStatus"]}}, org=None)
    assert response.status_code == 200, response.text
    assert "validity" not in {c["check"] for c in response.json()["checks"]}


def test_verify_refuses_a_presentation_and_an_unknown_check(service):
    presentation = build_presentation([issue(service)])
    assert_refused(service.post("/credentials/verify", {"verifiableCredential": presentation}, org=None), 400, "schema_invalid")
    body = {"verifiableCredential": issue(service), "options": {"checks": ["astrology"]}}
    assert_refused(service.post("/credentials/verify", body, org=None), 400, "schema_invalid")


def test_verify_presentation_with_challenge_and_domain(service):
    holder = LocalSigner(generate("ed25519"))
    presentation = build_presentation([issue(service)], holder=holder, challenge="abc-123", domain="werkgever.example")
    body = {"verifiablePresentation": presentation, "options": {"challenge": "abc-123", "domain": "werkgever.example"}}
    response = service.post("/presentations/verify", body, org=None)
    assert response.status_code == 200, response.text
    assert response.json()["credentials"][0]["verified"] is True
    body["options"]["challenge"] = "replayed"
    response = service.post("/presentations/verify", body, org=None)
    assert response.status_code == 422 and response.json()["code"] == "challenge_mismatch"
    assert response.json()["persons"] and not any(p["counted"] for p in response.json()["persons"])  # made for another


def test_verify_presentation_keeps_one_person_per_passport(service):
    worker, other = LocalSigner(generate("ed25519")), LocalSigner(generate("ed25519"))

    def about(person: LocalSigner, name: str) -> dict[str, Any]:
        credential = unsigned()
        credential["credentialSubject"].update(id=person.controller, name=name)
        return issue(service, credential)

    own, others = about(worker, "Sanne de Vries"), about(other, "Karim Bouzid")
    mine = service.post("/presentations/verify", {"verifiablePresentation": build_presentation([own], holder=worker)}, org=None)
    assert mine.status_code == 200 and mine.json()["persons"][0]["holder"] is True and not mine.json()["warnings"]
    stolen = service.post("/presentations/verify", {"verifiablePresentation": build_presentation([own], holder=other)}, org=None)
    assert not any(p["counted"] for p in assert_refused(stolen, 422, "holder_mismatch")["persons"])  # nobody's count
    mixed = service.post("/presentations/verify", {"verifiablePresentation": build_presentation([own, others])}, org=None)
    body = assert_refused(mixed, 422, "multiple_subjects")
    assert [p["credentials"] for p in body["persons"]] == [[0], [1]]


def test_verify_presentation_refuses_a_credential(service):
    response = service.post("/presentations/verify", {"verifiablePresentation": issue(service)}, org=None)
    assert_refused(response, 400, "schema_invalid")


def test_bridge_of_a_verified_passport_to_kok_is_the_cli_result_of_its_verified_skills(service):
    credential = issue(service)
    presentation = build_presentation([credential])
    response = service.post("/presentations/bridge", {"verifiablePresentation": presentation, "occupation": "kok"}, org=None)
    assert response.status_code == 200, response.text
    answer = response.json()
    assert answer["target"]["uri"] == "http://data.europa.eu/esco/occupation/90f75f67-495d-49fa-ab57-2f320e251d7e"
    assert answer["essential"]["total"] == 16 and "ESCO, European Commission" in answer["attribution"]
    verified = service.post("/presentations/verify", {"verifiablePresentation": presentation}, org=None).json()
    assert verified["verified"] is True
    skills = {a["targetUrl"] for a in credential["credentialSubject"]["achievement"]["alignment"]}
    healthcare_assistant = "http://data.europa.eu/esco/occupation/d38c2107-98f2-47b7-8bb4-f69750d51082"
    answer = service.post("/presentations/bridge", {"verifiablePresentation": presentation,
                                                    "occupation": healthcare_assistant}, org=None).json()
    covered = {s["uri"] for s in answer["skills"] if s["covered"]}
    assert covered and covered == {s["uri"] for s in answer["skills"]} & skills
    assert all(s["evidence"] for s in answer["skills"] if s["covered"])


@pytest.mark.parametrize("target, code", [({"crebo": "12345"}, "schema_invalid"), ({"occupation": "monteur"}, "ambiguous"),
                                          ({"occupation": "xqzvw"}, "schema_invalid"), ({}, "schema_invalid"),
                                          ({"occupation": "kok", "crebo": "25180"}, "schema_invalid")])
def test_bridge_refuses_a_bad_target_with_a_code(service, target, code):
    body = {"verifiablePresentation": build_presentation([issue(service)]), **target}
    refused = assert_refused(service.post("/presentations/bridge", body, org=None), 400, code)
    if target.get("occupation") == "monteur":
        assert "monteur" in refused["message"] and "pick one" in refused["message"]


def test_bridge_of_a_passport_that_does_not_verify_is_its_verification_result(service):
    presentation = build_presentation([issue(service)])
    presentation["verifiableCredential"][0]["credentialSubject"]["name"] = "Iemand Anders"
    response = service.post("/presentations/bridge", {"verifiablePresentation": presentation, "occupation": "kok"}, org=None)
    assert response.status_code == 422 and response.json()["verified"] is False
    too_long = {"verifiablePresentation": build_presentation([]), "occupation": "x" * 201}
    assert service.post("/presentations/bridge", too_long, org=None).status_code in (400, 422)


# -- DID documents -----------------------------------------------------------------------------

def test_did_document_is_served_by_host_and_by_organisation_id(service):
    roc = service.orgs["roc"]
    by_host = service.client.get("/.well-known/did.json", headers={"Host": "roc.example"})
    assert by_host.status_code == 200
    assert by_host.json()["id"] == roc.did
    assert by_host.json()["assertionMethod"] == [roc.verification_method]
    by_id = service.client.get(f"/orgs/{roc.id}/did.json")
    assert by_id.json() == by_host.json()
    with_port = service.client.get("/.well-known/did.json", headers={"Host": "training.example:8443"})
    assert with_port.json()["id"] == "did:web:training.example%3A8443"


def test_did_document_of_an_unknown_host_is_404(service):
    assert_refused(service.client.get("/.well-known/did.json", headers={"Host": "nobody.example"}), 404, "not_found")
    assert_refused(service.client.get("/orgs/unknown/did.json"), 404, "not_found")


# -- secrets -----------------------------------------------------------------------------------

def test_no_response_carries_key_material(service):
    texts = [
        service.client.get("/openapi.json").text,
        service.client.get(f"/orgs/{service.orgs['roc'].id}/did.json").text,
        json.dumps(issue(service)),
        service.client.get("/audit", headers=service.auth()).text,
    ]
    for text in texts:
        assert "secretKeyMultibase" not in text and "PRIVATE KEY" not in text
        assert service.orgs["roc"].api_key not in text


def test_openapi_documents_every_route_with_examples(service):
    spec = service.client.get("/openapi.json").json()
    for path in ("/credentials/issue", "/credentials/verify", "/presentations/verify", "/presentations/bridge",
                 "/credentials/status"):
        operation = spec["paths"][path]["post"]
        assert operation["requestBody"]["content"]["application/json"]["examples"], path
        assert "400" in operation["responses"]
    assert "ApiKey" in spec["components"]["securitySchemes"]
