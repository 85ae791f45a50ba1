"""What a new integrator (a student administration's vendor) meets first: the OpenAPI document and its examples,
the error bodies (code, English and Dutch), the paths they point at and the headers, on a live service."""

from __future__ import annotations

import json
from typing import Any

import pytest

from skillspas.issuer.credentials import build
from skillspas.schemas.errors import ErrorCode
from skillspas.schemas.messages import text
from skillspas.wallet_export.presentation import build_presentation

from svc_live import LiveService
from test_service_api import assert_refused, issue, unsigned
from test_service_cosign import cosign, praktijkverklaring

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

DIPLOMA = {"issuer_name": "ROC Voorbeeldstad", "learner_name": "Anouk Testdata", "crebo": "25180", "leerweg": "BBL", "date": "2025-07-01"}
VERIFY_ROUTES = ("/credentials/verify", "/presentations/verify", "/presentations/bridge")


def spec(service: LiveService) -> dict[str, Any]:
    response = service.client.get("/openapi.json")
    assert response.status_code == 200
    return response.json()  # type: ignore[no-any-return]


def operations(document: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [(method.upper(), path, operation) for path, item in document["paths"].items()
            for method, operation in item.items()]


# -- issuing a credential of a skillspas type, as the README's curl line does --------------------

def test_a_diploma_sent_without_an_issuer_is_issued_with_the_organisations_profile(service):
    credential = build("mbo-diploma", DIPLOMA, issuer="did:web:placeholder")
    del credential["issuer"], credential["id"]
    issued = issue(service, credential)
    roc = service.orgs["roc"]
    assert issued["issuer"] == {"id": roc.did, "type": ["Profile"], "name": "ROC Voorbeeldstad"}
    assert service.post("/credentials/verify", {"verifiableCredential": issued}, org=None).json()["verified"] is True


def test_a_plain_badge_sent_without_an_issuer_still_names_the_bare_did(service):
    assert issue(service, unsigned())["issuer"] == service.orgs["roc"].did


# -- the OpenAPI document says what the service answers ---------------------------------------

def test_the_openapi_document_has_no_validation_error_model_the_service_never_sends(service):
    document = spec(service)
    assert "HTTPValidationError" not in json.dumps(document) and "ValidationError" not in document["components"]["schemas"]
    for method, path, operation in operations(document):
        for status, answer in operation["responses"].items():
            if status == "422":
                schema = answer["content"]["application/json"]["schema"]["$ref"]
                assert schema.rsplit("/", 1)[1] in ("ErrorBody", "VerificationResultModel"), (method, path)
        if operation.get("parameters") or operation.get("requestBody"):
            assert "400" in operation["responses"], (method, path)  # what a request that does not fit gets


def test_a_status_list_url_that_does_not_fit_is_the_400_the_openapi_document_names(service):
    documented = spec(service)["paths"]["/status/{org_id}/{seq}/{purpose}"]["get"]["responses"]
    refused = assert_refused(service.client.get(f"/status/{service.orgs['roc'].id}/one/revocation"), 400, "schema_invalid")
    assert refused["path"] == "/path/seq" and "ErrorBody" in json.dumps(documented["400"])


def test_every_documented_example_of_the_verify_routes_has_a_shape_they_accept(service):
    for method, path, operation in operations(spec(service)):
        if path not in VERIFY_ROUTES:
            continue
        for name, example in operation["requestBody"]["content"]["application/json"]["examples"].items():
            answer = service.post(path, example["value"], org=None)
            # a placeholder signature: checked and not valid, never refused as a malformed request or document
            assert answer.status_code == 422, (path, name, answer.text)


def test_a_verification_refusal_documents_its_code_and_dutch_text(service):
    model = spec(service)["components"]["schemas"]["VerificationResultModel"]["properties"]
    assert {"code", "message", "messageNl", "path"} <= set(model)
    refused = service.post("/credentials/verify", {"verifiableCredential": {**issue(service), "name": "Anders"}}, org=None)
    assert {"code", "message", "messageNl", "path"} <= set(refused.json())


# -- error bodies: where they point, what they say in Dutch -------------------------------------

def test_a_refusal_path_names_the_body_field_not_the_union_member_pydantic_tried(service):
    body = {"credential": unsigned(), "options": {"credentialStatus": "no"}}
    refused = assert_refused(service.post("/credentials/issue", body), 400, "schema_invalid")
    assert refused["path"] == "/options/credentialStatus"
    assert {e["path"] for e in refused["errors"]} == {"/options/credentialStatus"}
    half = {"credential": unsigned(), "options": {"credentialStatus": {"type": "BitstringStatusListEntry"}}}
    refused = assert_refused(service.post("/exchanges", half), 400, "schema_invalid")
    assert "/options/credentialStatus/statusPurpose" in {e["path"] for e in refused["errors"]}
    assert all("StatusOption" not in e["path"] and "bool" not in e["path"] for e in refused["errors"])


def test_an_offers_own_refusals_point_into_the_request_body_as_its_other_checks_do(service):
    bound = unsigned()
    bound["credentialSubject"] = {**bound["credentialSubject"], "id": "did:example:someone"}
    assert assert_refused(service.post("/exchanges", {"credential": bound}), 400, "forbidden_field")["path"] == \
        "/credential/credentialSubject/id"
    several = {**unsigned(), "credentialSubject": [unsigned()["credentialSubject"]]}
    refused = assert_refused(service.post("/exchanges", {"credential": several}), 400, "schema_invalid")
    assert refused["path"] == "/credential/credentialSubject" and refused["messageNl"] != text(ErrorCode.SCHEMA_INVALID, "nl")
    dated = {**unsigned(), "validFrom": "yesterday"}
    for route in ("/exchanges", "/credentials/issue"):
        refused = assert_refused(service.post(route, {"credential": dated}), 400, "schema_invalid")
        assert refused["path"] == "/credential/validFrom" and refused["errors"][0]["path"] == "/credential/validFrom"


@pytest.mark.parametrize("length", [1_200, 70_000], ids=["longer than the store keeps", "longer than a body's string"])
def test_an_oversized_credential_id_is_pointed_at_where_the_request_body_holds_it_whichever_check_refuses_it(
        service, length):
    # 1,200 characters: the issuer's store bound (issuer.stored_form); 70,000: the body guard's string bound
    credential = {**unsigned(), "id": "urn:x:" + "a" * length}
    for route in ("/exchanges", "/credentials/issue"):
        refused = assert_refused(service.post(route, {"credential": credential}), 400, "too_large")
        assert refused["path"] == "/credential/id", (route, refused)
    issued = issue(service)
    cosigned = assert_refused(service.post("/credentials/cosign", {"verifiableCredential": {**issued, "id": credential["id"]}},
                                           org="roc"), 400, "too_large")
    assert cosigned["path"] == "/verifiableCredential/id"


def test_cosigning_twice_says_so_in_dutch_too(service):
    cosigned = cosign(service, praktijkverklaring(service)).json()["verifiableCredential"]
    refused = assert_refused(cosign(service, cosigned), 400, "duplicate_id")
    assert refused["messageNl"] != text(ErrorCode.DUPLICATE_ID, "nl") and "medeondertekend" in refused["messageNl"]


def test_a_status_change_without_action_says_so_in_dutch_too(service):
    refused = assert_refused(service.post("/credentials/status", {"credentialId": issue(service)["id"]}), 400,
                             "invalid_status_change")
    assert "ingetrokken" not in refused["messageNl"] and "action" in refused["messageNl"]


def test_an_offer_naming_the_workers_did_says_so_in_dutch_too(service):
    bound = unsigned()
    bound["credentialSubject"] = {**bound["credentialSubject"], "id": "did:example:someone"}
    refused = assert_refused(service.post("/exchanges", {"credential": bound}), 400, "forbidden_field")
    assert "BSN" not in refused["messageNl"] and "credentialSubject.id" in refused["messageNl"]


def test_options_that_ask_for_two_different_status_entries_say_so_in_dutch_too(service):
    options = {"credentialStatus": {"type": "BitstringStatusListEntry", "statusPurpose": "suspension"},
               "statusPurposes": ["revocation"]}
    for path in ("/credentials/issue", "/exchanges"):
        refused = assert_refused(service.post(path, {"credential": unsigned(), "options": options}), 400, "schema_invalid")
        assert refused["path"] == "/options/credentialStatus" and "statusPurposes" in refused["messageNl"]


def test_a_batch_of_an_unknown_type_names_the_types_in_dutch_too(service):
    refused = assert_refused(service.post("/credentials/batch", {"type": "diploma", "rows": [{"row_key": "1"}]}), 400,
                             "schema_invalid")
    assert "mbo-diploma" in refused["messageNl"]


def test_an_ambiguous_occupation_is_refused_as_ambiguous_with_its_candidates(service):
    body = {"verifiablePresentation": build_presentation([issue(service)]), "occupation": "monteur"}
    refused = assert_refused(service.post("/presentations/bridge", body, org=None), 400, "ambiguous")
    assert "monteur" in refused["message"] and "monteur" in refused["messageNl"]


# -- headers -------------------------------------------------------------------------------------

def test_a_405_names_every_method_the_path_takes(service):
    response = service.client.delete("/exchanges/" + "A" * 32)
    assert_refused(response, 405, "method_not_allowed")
    assert {m.strip() for m in response.headers["allow"].split(",")} == {"GET", "HEAD", "POST"}
    assert service.client.put("/credentials/issue").headers["allow"] == "POST"


def test_a_new_offer_names_its_exchange_url_in_location(service):
    response = service.post("/exchanges", {"credential": unsigned()})
    assert response.status_code == 201 and response.headers["location"] == response.json()["exchangeUrl"]
    documented = spec(service)["paths"]["/exchanges"]["post"]["responses"]["201"]
    assert "Location" in documented["headers"]

