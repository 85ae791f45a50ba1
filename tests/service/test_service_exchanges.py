"""Claim offers over HTTP: a ROC offers a credential, the worker proves their DID and receives it once."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from skillspas.issuer.credentials import expired_warning
from skillspas.issuer.demo import sample_credential
from skillspas.keys import LocalSigner, generate
from skillspas.wallet_export.presentation import build_presentation

from svc_live import LiveService, age_offer

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def unsigned() -> dict[str, Any]:
    """An OB 3.0 credential for a student without a DID (no id, issuer or credentialSubject.id)."""
    return {k: v for k, v in sample_credential("did:web:placeholder").items() if k not in ("id", "issuer")}


def offer(service: LiveService, **body: Any) -> str:
    """Make an offer as the ROC; return its exchange path."""
    response = service.post("/exchanges", {"credential": unsigned(), **body})
    assert response.status_code == 201, response.text
    answer = response.json()
    assert answer["qr"] == answer["exchangeUrl"] and answer["exchangeUrl"].startswith(service.base_url + "/exchanges/")
    return answer["exchangeUrl"][len(service.base_url):]


def did_auth(worker: LocalSigner, request: dict[str, Any], **override: str) -> dict[str, Any]:
    asked = request["verifiablePresentationRequest"]
    return build_presentation([], holder=worker, challenge=override.get("challenge", asked["challenge"]),
                              domain=override.get("domain", asked["domain"]))


def start(service: LiveService, path: str) -> dict[str, Any]:
    response = service.post(path, {}, org=None)
    assert response.status_code == 200, response.text
    return response.json()


def test_a_worker_claims_an_offer_and_the_credential_names_their_did(service):
    path = offer(service)
    request = start(service, path)
    asked = request["verifiablePresentationRequest"]
    assert asked["query"] == [{"type": "DIDAuthentication"}] and asked["domain"] == service.base_url.split("//")[1]
    worker = LocalSigner(generate("ed25519"))
    response = service.post(path, {"verifiablePresentation": did_auth(worker, request)}, org=None)
    assert response.status_code == 200, response.text
    credential = response.json()["verifiablePresentation"]["verifiableCredential"][0]
    assert credential["credentialSubject"]["id"] == worker.controller
    issuer = credential["issuer"]
    assert (issuer if isinstance(issuer, str) else issuer["id"]) == service.orgs["roc"].did
    assert "credentialStatus" in credential
    checked = service.post("/credentials/verify", {"verifiableCredential": credential}, org=None).json()
    assert checked["verified"] is True


def test_an_offer_is_claimed_once(service):
    path = offer(service)
    request = start(service, path)
    worker = LocalSigner(generate("ed25519"))
    assert service.post(path, {"verifiablePresentation": did_auth(worker, request)}, org=None).status_code == 200
    again = service.post(path, {"verifiablePresentation": did_auth(worker, request)}, org=None)
    assert again.status_code == 409 and again.json()["code"] == "offer_used"
    assert service.post(path, {}, org=None).json()["code"] == "offer_used"


def test_an_expired_offer_is_refused(service):
    path = offer(service)
    age_offer(service.settings.database, path, expired=True)
    answer = service.post(path, {}, org=None)
    assert answer.status_code == 410 and answer.json()["code"] == "offer_expired"


@pytest.mark.parametrize("override, code", [({"challenge": "another-challenge"}, "challenge_mismatch"),
                                             ({"domain": "evil.example"}, "domain_mismatch")])
def test_a_did_auth_over_another_challenge_or_domain_is_refused_and_the_offer_stays(service, override, code):
    path = offer(service)
    request = start(service, path)
    worker = LocalSigner(generate("ed25519"))
    refused = service.post(path, {"verifiablePresentation": did_auth(worker, request, **override)}, org=None)
    assert refused.status_code == 422 and refused.json()["code"] == code
    assert service.post(path, {"verifiablePresentation": did_auth(worker, request)}, org=None).status_code == 200


def test_a_did_auth_whose_signature_does_not_verify_is_refused(service):
    path = offer(service)
    request = start(service, path)
    presentation = did_auth(LocalSigner(generate("ed25519")), request)
    presentation["holder"] = LocalSigner(generate("ed25519")).controller
    refused = service.post(path, {"verifiablePresentation": presentation}, org=None)
    assert refused.status_code == 422 and refused.json()["code"] == "invalid_signature"


def test_an_unsigned_presentation_or_one_for_assertion_is_refused(service):
    path = offer(service)
    unsigned_vp = build_presentation([])
    assert service.post(path, {"verifiablePresentation": unsigned_vp}, org=None).json()["code"] == "invalid_proof"
    not_a_vp = {"@context": ["https://www.w3.org/ns/credentials/v2"], "type": ["VerifiableCredential"]}
    assert service.post(path, {"verifiablePresentation": not_a_vp}, org=None).json()["code"] == "schema_invalid"


@pytest.mark.parametrize("change", [{"proofValue": 5, "note": "x" * 500}, {"created": ["x" * 1000]},
                                    {"created": {"x" * 300: "x" * 1000}}], ids=["proof value", "long list", "long object"])
def test_a_malformed_did_auth_presentation_is_refused_in_words_without_echoing_it(service, change):
    from skillspas.schemas.errors import ErrorCode
    from skillspas.schemas.messages import text

    path = offer(service)
    start(service, path)
    did = "did:key:z6MkpTHR8VNsBxYAAWHut2Geadd9jSwuBV8xRoAnwWsdvktH"
    proof = {"type": "DataIntegrityProof", "cryptosuite": "eddsa-rdfc-2022", "proofPurpose": "authentication",
             "verificationMethod": f"{did}#{did[8:]}", "proofValue": "z5", **change}
    presentation = {"@context": ["https://www.w3.org/ns/credentials/v2"], "type": ["VerifiablePresentation"],
                    "holder": did, "proof": proof}
    answer = service.post(path, {"verifiablePresentation": presentation}, org=None)
    body = answer.json()
    assert answer.status_code == 400 and body["code"] == "schema_invalid", answer.text
    for message in (body["message"], body["messageNl"]):
        assert "{'" not in message and "['" not in message and "xxxxxxxxxx" not in message and len(message) < 300
    assert body["messageNl"] != text(ErrorCode.SCHEMA_INVALID, "nl")  # says what is wrong, in Dutch


def test_an_offer_needs_an_api_key_and_a_credential_without_subject_id(service):
    assert service.post("/exchanges", {"credential": unsigned()}, org=None).status_code == 401
    bound = unsigned()
    bound["credentialSubject"] = {**bound["credentialSubject"], "id": "did:example:someone"}
    refused = service.post("/exchanges", {"credential": bound})
    assert refused.status_code == 400 and refused.json()["code"] == "forbidden_field"
    assert service.post("/exchanges", {"credential": unsigned(), "expiresIn": 10}).json()["code"] == "schema_invalid"
    broken = {**unsigned(), "validFrom": "yesterday"}
    assert service.post("/exchanges", {"credential": broken}).status_code == 400


def test_an_offer_of_a_credential_that_has_already_expired_is_made_with_the_expired_warning_an_issue_answer_gives(service):
    lapsed = {**unsigned(), "validFrom": "2020-01-01T00:00:00Z", "validUntil": "2021-01-01T00:00:00Z"}
    response = service.post("/exchanges", {"credential": lapsed})
    assert response.status_code == 201, response.text  # offered all the same, as it would be issued
    nl, en = expired_warning((), "2021-01-01T00:00:00Z", field="validUntil")
    assert response.json()["warnings"] == [{"code": "expired", "message": en, "messageNl": nl, "path": "/credential/validUntil"}]
    fresh = service.post("/exchanges", {"credential": unsigned()})
    assert fresh.status_code == 201 and fresh.json()["warnings"] == [], fresh.text
    documented = service.client.get("/openapi.json").json()["components"]["schemas"]
    assert documented["OfferResponse"]["properties"]["warnings"]["items"] == {"$ref": "#/components/schemas/IssueWarning"}


@pytest.mark.parametrize("expires_in", ["3600", 3600.0, True, [3600]])
def test_an_offers_expiry_must_be_a_json_integer_not_a_string_a_fraction_or_true(service, expires_in):
    refused = service.post("/exchanges", {"credential": unsigned(), "expiresIn": expires_in})
    assert refused.status_code == 400 and refused.json()["code"] == "schema_invalid", refused.text
    assert refused.json()["path"] == "/expiresIn"
    assert service.post("/exchanges", {"credential": unsigned(), "expiresIn": 3600}).status_code == 201


@pytest.mark.parametrize("holder", ["roc", "evc"], ids=["this organisation", "another organisation"])
def test_an_offer_of_a_credential_id_already_issued_is_refused_when_made_not_when_the_worker_claims_it(service, holder):
    issued = service.post("/credentials/issue", {"credential": {**unsigned(), "credentialSubject": {
        **unsigned()["credentialSubject"], "id": "did:example:earlier"}}}, org=holder)
    assert issued.status_code == 201, issued.text
    taken = issued.json()["verifiableCredential"]["id"]
    refused = service.post("/exchanges", {"credential": {**unsigned(), "id": taken}})
    assert refused.status_code == 400 and refused.json()["code"] == "duplicate_id", refused.text
    assert refused.json()["message"] == service.post("/credentials/issue", {"credential": {
        **unsigned(), "id": taken, "credentialSubject": {**unsigned()["credentialSubject"], "id": "did:example:x"}}}).json()["message"]


@pytest.mark.parametrize("second", ["roc", "evc"], ids=["this organisation", "another organisation"])
def test_a_second_open_offer_of_the_same_credential_id_is_refused_when_made_but_not_after_the_first_expired(service, second):
    credential_id = f"urn:uuid:{uuid.uuid4()}"
    first = service.post("/exchanges", {"credential": {**unsigned(), "id": credential_id}})
    assert first.status_code == 201, first.text
    refused = service.post("/exchanges", {"credential": {**unsigned(), "id": credential_id}}, org=second)
    assert refused.status_code == 400 and refused.json()["code"] == "duplicate_id", refused.text
    assert refused.json()["messageNl"]
    age_offer(service.settings.database, first.json()["exchangeUrl"], expired=True)  # never claimed: the id is free
    assert service.post("/exchanges", {"credential": {**unsigned(), "id": credential_id}}, org=second).status_code == 201


def _direct(credential_id: str) -> dict[str, Any]:
    """A credential to issue directly (``POST /credentials/issue``) with ``credential_id``."""
    return {**unsigned(), "id": credential_id, "credentialSubject": {**unsigned()["credentialSubject"], "id": "did:example:direct"}}


@pytest.mark.parametrize("issuer", ["roc", "evc"], ids=["the offering organisation", "another organisation"])
def test_a_credential_id_an_open_offer_holds_is_refused_to_a_direct_issue_and_the_worker_still_claims_it(service, issuer):
    credential_id = f"urn:uuid:{uuid.uuid4()}"
    path = offer(service, credential={**unsigned(), "id": credential_id})
    refused = service.post("/credentials/issue", {"credential": _direct(credential_id)}, org=issuer)
    assert refused.status_code == 400 and refused.json()["code"] == "duplicate_id", refused.text
    assert "open claim offer" in refused.json()["message"] and "ophaalaanbod" in refused.json()["messageNl"]
    worker = LocalSigner(generate("ed25519"))
    claimed = service.post(path, {"verifiablePresentation": did_auth(worker, start(service, path))}, org=None)
    assert claimed.status_code == 200, claimed.text  # not taken from under the offer
    assert claimed.json()["verifiablePresentation"]["verifiableCredential"][0]["id"] == credential_id
    again = service.post("/credentials/issue", {"credential": _direct(credential_id)}, org=issuer)
    assert again.json()["code"] == "duplicate_id" and "offer" not in again.json()["message"]  # issued: taken as any id


def test_a_credential_id_held_by_an_offer_that_expired_unclaimed_is_free_to_issue_directly(service):
    credential_id = f"urn:uuid:{uuid.uuid4()}"
    path = offer(service, credential={**unsigned(), "id": credential_id})
    age_offer(service.settings.database, path, expired=True)
    issued = service.post("/credentials/issue", {"credential": _direct(credential_id)})
    assert issued.status_code == 201, issued.text


def test_a_batch_row_whose_credential_id_an_open_offer_holds_is_refused_naming_the_offer(service):
    credential_id = f"urn:uuid:{uuid.uuid4()}"
    offer(service, credential={**unsigned(), "id": credential_id})
    row = {"row_key": f"offered-{uuid.uuid4()}", "learner_name": "Leerling Aanbod", "crebo": "25180", "leerweg": "BBL",
           "date": "2025-07-01", "id": credential_id}
    response = service.post("/credentials/batch", {"type": "mbo-diploma", "rows": [row]})
    assert response.status_code == 400, response.text
    [error] = response.json()["rowErrors"]
    assert (error["line"], error["field"], error["code"]) == (1, "id", "duplicate_id")
    assert "open claim offer" in error["message"] and "ophaalaanbod" in error["messageNl"]


@pytest.mark.parametrize("route", ["/exchanges", "/credentials/issue"])
def test_a_credential_id_of_more_bytes_than_the_stores_unique_indexes_take_is_a_coded_refusal(service, route):
    long_id = "urn:x:" + "".join(chr(0x4E00 + n) for n in range(990))  # 996 characters, 2976 bytes in UTF-8
    body = {**unsigned(), "id": long_id} if route == "/exchanges" else _direct(long_id)
    refused = service.post(route, {"credential": body})
    assert refused.status_code == 400 and refused.json()["code"] == "too_large", refused.text[:300]
    assert "bytes" in refused.json()["message"] and "bytes" in refused.json()["messageNl"]


@pytest.mark.parametrize("path", ["/exchanges/short", "/exchanges/" + "a" * 33, "/exchanges/" + "%2E" * 32,
                                  "/exchanges/" + "x" * 5000])
def test_a_bad_exchange_id_is_a_coded_refusal(service, path):
    answer = service.post(path, {}, org=None)
    assert answer.status_code in (400, 404, 414) and "code" in answer.json()


def test_an_unknown_exchange_id_is_not_found(service):
    answer = service.post("/exchanges/" + "A" * 32, {}, org=None)
    assert answer.status_code == 404 and answer.json()["code"] == "not_found"


@pytest.mark.parametrize("body", [[], "x", {"verifiablePresentation": "x"}, {"verifiablePresentation": []},
                                  {"other": 1}, {"verifiablePresentation": {"type": 5}}])
def test_a_wrongly_typed_exchange_body_is_a_coded_refusal(service, body):
    path = offer(service)
    answer = service.post(path, body, org=None)
    assert answer.status_code == 400 and answer.json()["code"] in ("schema_invalid", "malformed_json")


def test_a_huge_exchange_body_is_refused_before_it_is_read(service):
    path = offer(service)
    huge = {"verifiablePresentation": {"type": ["VerifiablePresentation"], "pad": "x" * (3 * 1024 * 1024)}}
    answer = service.post(path, huge, org=None)
    assert answer.status_code in (400, 413) and answer.json()["code"] == "too_large"


def test_two_claims_at_once_issue_one_credential(service):
    from concurrent.futures import ThreadPoolExecutor

    import httpx

    path = offer(service)
    request = start(service, path)
    bodies = [{"verifiablePresentation": did_auth(LocalSigner(generate("ed25519")), request)} for _ in range(4)]

    def send(body: dict[str, Any]) -> int:
        with httpx.Client(base_url=service.base_url, timeout=60) as client:
            return client.post(path, json=body).status_code

    with ThreadPoolExecutor(4) as pool:
        statuses = sorted(pool.map(send, bodies))
    assert statuses == [200, 409, 409, 409]


def _jwk_signer(kind: str, key_of: LocalSigner | None = None) -> LocalSigner:
    """A holder whose DID is a did:jwk (of its own key, or of ``key_of``'s key: a wrong key for the DID)."""
    from skillspas.keys.did_jwk import did_jwk_for

    pair = generate(kind)
    did = did_jwk_for((key_of.public_key if key_of else pair.public_key))
    return LocalSigner(pair, verification_method=did + "#0")


@pytest.mark.parametrize("kind", ["ed25519", "p256"])
def test_a_did_jwk_holder_claims_an_offer_and_the_credential_names_that_did(service, kind):
    path = offer(service)
    worker = _jwk_signer(kind)
    asked = start(service, path)["verifiablePresentationRequest"]
    presentation = build_presentation([], holder=worker, challenge=asked["challenge"], domain=asked["domain"],
                                      suite="eddsa-rdfc-2022" if kind == "ed25519" else "ecdsa-rdfc-2019")
    response = service.post(path, {"verifiablePresentation": presentation}, org=None)
    assert response.status_code == 200, response.text
    credential = response.json()["verifiablePresentation"]["verifiableCredential"][0]
    assert worker.controller.startswith("did:jwk:") and credential["credentialSubject"]["id"] == worker.controller
    assert service.post("/credentials/verify", {"verifiableCredential": credential}, org=None).json()["verified"] is True


def test_a_did_auth_signed_with_another_key_than_the_did_jwk_names_is_refused_and_the_offer_stays(service):
    path = offer(service)
    request = start(service, path)
    owner = _jwk_signer("ed25519")
    impostor = _jwk_signer("ed25519", key_of=owner)  # claims owner's did:jwk, signs with its own key
    refused = service.post(path, {"verifiablePresentation": did_auth(impostor, request)}, org=None)
    assert refused.status_code == 422 and refused.json()["code"] == "invalid_signature", refused.text
    assert service.post(path, {"verifiablePresentation": did_auth(owner, request)}, org=None).status_code == 200


def test_a_did_web_holder_is_told_which_did_methods_can_claim(service):
    path = offer(service)
    worker = LocalSigner(generate("ed25519"), verification_method="did:web:worker.example#key-1")
    refused = service.post(path, {"verifiablePresentation": did_auth(worker, start(service, path))}, org=None)
    body = refused.json()
    assert refused.status_code == 400 and body["code"] == "did_method_unsupported", refused.text
    assert "did:key" in body["message"] and "did:jwk" in body["message"]
    assert service.post(path, {}, org=None).status_code == 200  # not used up


def test_an_offer_comes_with_the_learner_credential_wallet_deep_link_a_wallet_can_follow(service):
    from urllib.parse import parse_qs, urlsplit

    response = service.post("/exchanges", {"credential": unsigned()})
    answer = response.json()
    link = urlsplit(answer["lcwDeepLink"])
    query = {k: v[0] for k, v in parse_qs(link.query, strict_parsing=True).items()}
    assert f"{link.scheme}://{link.netloc}{link.path}" == "https://lcw.app/request.html"
    assert query["auth_type"] == "bearer" and query["vc_request_url"] == answer["exchangeUrl"]
    path = answer["exchangeUrl"][len(service.base_url):]
    asked = start(service, path)["verifiablePresentationRequest"]
    assert query["challenge"] == asked["challenge"] and query["issuer"] == asked["domain"]
    worker = LocalSigner(generate("ed25519"))  # a wallet that reads only the link: its challenge, its issuer as domain
    vp = build_presentation([], holder=worker, challenge=query["challenge"], domain=query["issuer"])
    claimed = service.post(path, {"verifiablePresentation": vp}, org=None)
    assert claimed.status_code == 200, claimed.text


def test_a_did_auth_without_a_domain_claims_the_offer_as_the_learner_credential_wallet_sends_it(service):
    path = offer(service)
    asked = start(service, path)["verifiablePresentationRequest"]
    worker = LocalSigner(generate("ed25519"))
    lcw_like = build_presentation([], holder=worker, challenge=asked["challenge"])  # the challenge only
    assert "domain" not in lcw_like["proof"]
    claimed = service.post(path, {"verifiablePresentation": lcw_like}, org=None)
    assert claimed.status_code == 200, claimed.text
    credential = claimed.json()["verifiablePresentation"]["verifiableCredential"][0]
    assert credential["credentialSubject"]["id"] == worker.controller


def test_a_did_auth_without_a_domain_still_needs_this_offers_challenge_and_a_wrong_domain_stays_refused(service):
    path = offer(service)
    asked = start(service, path)["verifiablePresentationRequest"]
    worker = LocalSigner(generate("ed25519"))
    other = build_presentation([], holder=worker, challenge="another-offers-challenge")
    assert service.post(path, {"verifiablePresentation": other}, org=None).json()["code"] == "challenge_mismatch"
    wrong = build_presentation([], holder=worker, challenge=asked["challenge"], domain="evil.example")
    refused = service.post(path, {"verifiablePresentation": wrong}, org=None)
    assert refused.status_code == 422 and refused.json()["code"] == "domain_mismatch"
    assert service.post(path, {}, org=None).status_code == 200  # not used up
