"""What a school-software vendor meets when connecting a student system with only the README and /docs: an mbo-diploma
built by hand, the mistakes every integrator makes (a stray field, a trailing slash, the wrong form of a request) and
the answers they must be able to act on: a coded JSON refusal, in English and Dutch, pointing at what they sent."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from skillspas.issuer.credentials import build
from skillspas.schemas.messages import text

from helpers import dribble_a_refused_body, service_in_process, serving_in_a_thread

BASE = "http://127.0.0.1:8000"
DIPLOMA_ROW = {"issuer_name": "ROC Voorbeeldstad", "learner_name": "Anouk Testdata", "crebo": "25180", "leerweg": "BBL",
               "date": "2025-07-01"}


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    """The issuer service in this process (SQLite) with one ROC, acting with the ROC's API key."""
    with service_in_process(tmp_path_factory.mktemp("integrator-mistakes"), "ROC Voorbeeldstad", BASE) as (test_client, _):
        yield test_client


def diploma(**changes: Any) -> dict[str, Any]:
    """An unsigned mbo-diploma as an integrator sends it: no id, no issuer (the service fills both in)."""
    credential = build("mbo-diploma", DIPLOMA_ROW, issuer="did:web:placeholder")
    del credential["id"], credential["issuer"]
    return {**credential, **changes}


def refused(response: Any, status: int, code: str) -> dict[str, Any]:
    """The coded JSON refusal of ``response``, checked for its status and code."""
    assert response.status_code == status, response.text
    body: dict[str, Any] = response.json()
    assert body["code"] == code, body
    return body


# -- a field no context defines, in a credential of a skillspas type --------------------------------------------------

@pytest.mark.parametrize("where", ["credential", "subject"])
def test_a_stray_field_in_a_diploma_sent_without_issuer_is_refused_as_that_field_not_as_the_issuer(client, where):
    credential = diploma()
    target = credential if where == "credential" else credential["credentialSubject"]
    target["studentNumber"] = "123456"
    body = refused(client.post("/credentials/issue", json={"credential": credential}), 400, "undefined_term")
    pointer = "/credential/studentNumber" if where == "credential" else "/credential/credentialSubject/studentNumber"
    assert body["path"] == pointer


# -- a status change that cannot be made points at the member of the request that asked for it -------------------------

def _revoked(client: TestClient) -> str:
    issued = client.post("/credentials/issue", json={"credential": diploma()})
    assert issued.status_code == 201, issued.text
    credential_id = str(issued.json()["verifiableCredential"]["id"])
    assert client.post("/credentials/status", json={"credentialId": credential_id, "action": "revoke"}).status_code == 200
    return credential_id


@pytest.mark.parametrize("form, pointer", [
    pytest.param({"action": "reinstate"}, "/action", id="asked as action"),
    pytest.param({"credentialStatus": [{"type": "BitstringStatusListEntry", "status": "active"}]},
                 "/credentialStatus/0/status", id="asked in the VC-API form"),
])
def test_reinstating_a_revoked_credential_points_at_the_member_of_the_request_that_asked_for_it(client, form, pointer):
    body = refused(client.post("/credentials/status", json={"credentialId": _revoked(client), **form}), 400,
                   "invalid_status_change")
    assert body["path"] == pointer and body["errors"][0]["path"] == pointer


# -- a trailing slash, an unknown path, a wrong method: coded JSON, never an empty redirect ------------------------------

@pytest.mark.parametrize("method, path", [
    pytest.param("POST", "/credentials/issue/", id="issuing"),
    pytest.param("POST", "/credentials/verify/", id="verifying"),
    pytest.param("GET", "/bundle/", id="the bundle"),
])
def test_a_route_written_with_a_trailing_slash_is_a_coded_404_naming_the_route_not_an_empty_redirect(client, method, path):
    response = client.request(method, path, json={}, follow_redirects=False)
    body = refused(response, 404, "not_found")
    assert "location" not in response.headers
    assert path.rstrip("/") in body["message"] and path.rstrip("/") in body["messageNl"]


def test_the_verifier_page_without_its_slash_still_leads_to_it(client):
    response = client.get("/verifier", follow_redirects=False)
    assert response.status_code in (307, 308) and response.headers["location"] == "/verifier/"
    assert client.get("/verifier", follow_redirects=True).status_code == 200


@pytest.mark.parametrize("method, path, status, code", [
    pytest.param("GET", "/credentials/nope", 404, "not_found", id="an unknown path"),
    pytest.param("GET", "/credentials/issue", 405, "method_not_allowed", id="a method the route does not take"),
])
def test_an_unknown_path_or_method_is_explained_in_english_as_it_is_in_dutch(client, method, path, status, code):
    body = refused(client.request(method, path), status, code)
    assert (body["message"], body["messageNl"]) == (text(code, "en"), text(code, "nl"))


# -- a body larger than the service takes, from a client that closes after the answer ----------------------------------

@pytest.fixture
def guarded_port() -> Iterator[int]:
    """A live uvicorn with the service's HTTP protocol and its body guard (1 KiB), on a free port of 127.0.0.1."""
    from skillspas.issuer.service.body_guard import StrictJSONBody
    from skillspas.issuer.service.http_protocol import OneWriteProtocol

    async def unreached(scope: dict[str, Any], receive: Any, send: Any) -> None:  # every body here is too large
        raise AssertionError("the guard lets no body over its limit through")

    guard = StrictJSONBody(unreached, limit=1024, large_limit=1024, large_paths=frozenset())  # type: ignore[arg-type]
    with serving_in_a_thread(guard, OneWriteProtocol, lifespan="off") as port:
        yield port


def test_a_python_client_sending_a_body_far_over_the_limit_reads_the_coded_too_large_not_a_connection_reset(guarded_port):
    import json
    import urllib.error
    import urllib.request

    body = b'{"credential": {"name": "' + b"x" * (20 * 1024 * 1024) + b'"}}'  # urllib says Connection: close
    request = urllib.request.Request(f"http://127.0.0.1:{guarded_port}/credentials/issue", data=body, method="POST",
                                     headers={"Content-Type": "application/json"})
    with pytest.raises(urllib.error.HTTPError) as answer:
        urllib.request.urlopen(request, timeout=30)
    assert answer.value.code == 400
    assert json.loads(answer.value.read())["code"] == "too_large"


@pytest.mark.parametrize("close", [True, False], ids=["asked to close", "kept alive"])
def test_a_client_that_dribbles_a_refused_body_on_forever_is_cut_off_after_the_linger(guarded_port, monkeypatch, close):
    """The refusal is given before the body is read; a client that then sends the body a few bytes at a time held the
    connection for ever when it had not asked to close it (each read put off uvicorn's keep-alive timeout)."""

    from skillspas.verifier.page import http_protocol  # the service's protocol lingers as the page's

    monkeypatch.setattr(http_protocol, "LINGER_SECONDS", 1.0)
    answer, cut_off, seconds = dribble_a_refused_body(guarded_port, "/credentials/issue", close=close)
    assert answer.startswith(b"HTTP/1.1 400") and b"too_large" in answer, answer
    assert cut_off and seconds < 8


# -- the documented examples of issuing are issued as they stand, an mbo-diploma among them ----------------------------

def test_the_docs_show_an_mbo_diploma_to_issue_and_every_issue_example_is_issued_as_it_stands(client):
    examples = client.get("/openapi.json").json()["paths"]["/credentials/issue"]["post"]["requestBody"]["content"][
        "application/json"]["examples"]
    assert any("MboDiploma" in example["value"]["credential"]["type"] for example in examples.values())
    for name, example in examples.items():
        issued = client.post("/credentials/issue", json=copy.deepcopy(example["value"]))
        assert issued.status_code == 201, (name, issued.text)


# -- a number where the schema wants text (and the reverse) names the field that is wrong -----------------------------

def test_a_crebo_code_sent_as_a_number_is_refused_naming_the_code_and_asking_for_text(client):
    credential = diploma()
    credential["credentialSubject"]["achievement"]["humanCode"] = 25180
    body = refused(client.post("/credentials/issue", json={"credential": credential}), 400, "schema_invalid")
    assert body["path"] == "/credential/credentialSubject/achievement/humanCode"
    assert "humanCode" in body["message"] and "humanCode" in body["messageNl"], body  # was "the description of …"


def test_a_level_sent_as_text_is_refused_naming_the_level(client):
    credential = diploma()
    credential["credentialSubject"]["achievement"]["kwalificatie"]["niveau"] = "2"
    body = refused(client.post("/credentials/issue", json={"credential": credential}), 400, "schema_invalid")
    assert body["path"] == "/credential/credentialSubject/achievement/kwalificatie/niveau"


# -- a claim address: one pointer for its id, whether it does not fit or leads nowhere ----------------------------------

@pytest.mark.parametrize("method", ["GET", "POST"])
def test_an_unknown_claim_offer_points_at_the_address_parameter_as_a_malformed_one_does(client, method):
    malformed = refused(client.request(method, "/exchanges/kort", json={}), 400, "schema_invalid")
    unknown = refused(client.request(method, "/exchanges/" + "A" * 32, json={}), 404, "not_found")
    assert unknown["path"] == malformed["path"] == "/path/exchange_id"


# -- a request of the wrong shape says what is wrong with it in Dutch too ----------------------------------------------

SHAPES = [
    pytest.param("/credentials/issue", lambda: {"credential": diploma(), "options": {"statusPurposes": "suspension"}},
                 "/options/statusPurposes", "een lijst", id="a list sent as one string"),
    pytest.param("/exchanges", lambda: {"credential": diploma(), "expiresIn": "3600"}, "/expiresIn", "een geheel getal",
                 id="a number sent as text"),
    pytest.param("/exchanges", lambda: {"credential": diploma(), "expiresIn": 10 ** 9}, "/expiresIn", "hoogstens 2592000",
                 id="a number over its bound"),
    pytest.param("/credentials/status", lambda: {"credentialId": 12, "action": "revoke"}, "/credentialId", "tekst",
                 id="text sent as a number"),
    pytest.param("/credentials/status", lambda: {"credentialId": "urn:x", "action": "Revoke"}, "/action",
                 "'revoke', 'suspend' of 'reinstate'", id="a value that is not one of the choices"),
    pytest.param("/credentials/issue", lambda: {"credential": diploma(), "optoins": {}}, "/optoins", "hoort niet",
                 id="a member the request does not have"),
    pytest.param("/credentials/issue", lambda: {}, "/credential", "ontbreekt", id="a member left out"),
]


@pytest.mark.parametrize("path, body, pointer, dutch", SHAPES)
def test_a_request_of_the_wrong_shape_says_in_dutch_too_what_is_wrong_where(client, path, body, pointer, dutch):
    answer = refused(client.post(path, json=body()), 400, "schema_invalid")
    assert answer["path"] == pointer
    assert dutch in answer["messageNl"] and pointer in answer["messageNl"], answer["messageNl"]


# -- a retried request ------------------------------------------------------------------------------------------------

def test_a_retried_issue_with_its_own_id_issues_nothing_twice_and_says_a_retry_was_issued_already(client):
    request = {"credential": diploma(id="urn:uuid:5a0e7c1e-0000-4000-8000-000000000001")}
    assert client.post("/credentials/issue", json=request).status_code == 201
    body = refused(client.post("/credentials/issue", json=request), 400, "duplicate_id")
    assert body["path"] == "/credential/id"
    assert "retr" in body["message"] and "opnieuw" in body["messageNl"], body  # not only "leave id out"
