"""Every HTTP route of the service, and the verifier page's API, refuses hostile input (DESIGN.md "Threats
the verifier must stop") with a 4xx and a JSON ``code``: never a 500. One table row per route."""

from __future__ import annotations

import pytest

from hostilekit import KNOWN_CODES, PAYLOADS

BODY_ROUTES: dict[str, tuple[str, bytes, bytes]] = {
    "issue": ("/credentials/issue", b'{"credential": ', b"}"),
    "cosign": ("/credentials/cosign", b'{"verifiableCredential": ', b"}"),
    "verify": ("/credentials/verify", b'{"verifiableCredential": ', b', "options": {"checks": ["proof"]}}'),
    "verify presentation": ("/presentations/verify", b'{"verifiablePresentation": ', b', "options": {"challenge": "c"}}'),
    "status": ("/credentials/status", b'{"action": "revoke", "credentialId": ', b"}"),
    "batch": ("/credentials/batch", b'{"type": "mbo-diploma", "rows": [', b"]}"),
    "issue (the whole body)": ("/credentials/issue", b"", b""),
    "verify (the whole body)": ("/credentials/verify", b"", b""),
    "batch (the whole body)": ("/credentials/batch", b"", b""),
}


def _assert_coded_4xx(response) -> None:
    assert 400 <= response.status_code < 500, (response.status_code, response.text[:2000])
    body = response.json()
    assert body.get("code") in KNOWN_CODES, (response.status_code, response.text[:2000])
    assert "Traceback" not in response.text


@pytest.mark.parametrize("with_key", [True, False], ids=["with API key", "without API key"])
@pytest.mark.parametrize("payload", list(PAYLOADS))
@pytest.mark.parametrize("route", list(BODY_ROUTES))
def test_every_json_route_refuses_hostile_bodies_with_a_coded_4xx(service, route, payload, with_key):
    path, before, after = BODY_ROUTES[route]
    headers = {"Content-Type": "application/json", **(service.auth() if with_key else {})}
    _assert_coded_4xx(service.client.post(path, content=before + PAYLOADS[payload] + after, headers=headers))


ODD = {
    "a 60,000-character id": "a" * 60_000,
    "a 5000-digit number": "9" * 5000,
    "a lone surrogate (escaped)": "%ED%A0%80",
    "bad UTF-8 (escaped)": "%FF%FE",
    "a NUL byte": "%00",
    "dot segments": "..%2F..%2Fetc%2Fpasswd",
    "minus zero": "-0",
}
GETS: dict[str, str] = {
    "did.json by organisation": "/orgs/{}/did.json",
    "did.json by path": "/{}/did.json",
    "status list number": "/status/org/{}/revocation",
    "status list organisation": "/status/{}/1/revocation",
    "status list purpose": "/status/org/1/{}",
    "audit limit": "/audit?limit={}",
    "page skills query": "/verifier/api/skills?q={}",
    "page skills limit": "/verifier/api/skills?q=zorg&limit={}",
    "page verify kind": "/verifier/api/verify?kind={}",
}


@pytest.mark.parametrize("odd", list(ODD))
@pytest.mark.parametrize("route", list(GETS))
def test_every_route_with_a_parameter_refuses_hostile_values_with_a_coded_4xx(service, route, odd):
    method = "POST" if "api/verify" in GETS[route] else "GET"
    response = service.client.request(method, GETS[route].format(ODD[odd]), headers=service.auth(), content=b"{}")
    if response.status_code == 200:  # a search may find nothing; nothing else may pass
        assert route == "page skills query", response.text[:500]
        return
    _assert_coded_4xx(response)


def test_a_host_header_of_odd_bytes_is_refused_with_a_coded_4xx(service):
    for host in ("a" * 10_000, "[::1", "roc..example", "roc.example:" + "9" * 5000, "roc.example%00", "-0"):
        _assert_coded_4xx(service.client.get("/.well-known/did.json", headers={"Host": host}))


@pytest.mark.parametrize("payload", list(PAYLOADS))
def test_the_verifier_page_answers_hostile_input_with_a_coded_verdict(service, payload):
    response = service.client.post("/verifier/api/verify?kind=text", content=PAYLOADS[payload],
                                    headers={"Content-Type": "application/json"})
    assert response.status_code in (200, 400, 413), response.text[:500]
    body = response.json()
    codes = {e["code"] for e in body.get("errors", [])} | ({body["code"]} if "code" in body else set())
    assert codes & KNOWN_CODES and not body.get("verified"), body
    assert response.headers.get("x-skillspas-exit-code", "2") in ("1", "2")


def _hostile_did_jwk(case: str) -> str:
    import base64
    import json

    def did(jwk: object) -> str:
        return "did:jwk:" + base64.urlsafe_b64encode(json.dumps(jwk).encode()).rstrip(b"=").decode()

    return {
        "a 200,000-character did:jwk": "did:jwk:" + "eyJr" * 50_000,
        "a did:jwk nested 10,000 deep": did(json.loads("[" * 60 + "]" * 60)) + "A" * 10,
        "a did:jwk with a private key": did({"kty": "OKP", "crv": "Ed25519", "x": "A" * 43, "d": "A" * 43}),
        "a did:jwk off the curve": did({"kty": "EC", "crv": "P-256", "x": "A" * 43, "y": "B" * 43}),
        "a did:jwk of RSA": did({"kty": "RSA", "n": "A" * 300, "e": "AQAB"}),
        "a did:jwk that is not base64": "did:jwk:%%%%",
        "a did:jwk with another fragment": did({"kty": "OKP", "crv": "Ed25519", "x": "A" * 43})[:-1] + "#1",
    }[case]


@pytest.mark.parametrize("case", ["a 200,000-character did:jwk", "a did:jwk nested 10,000 deep", "a did:jwk with a private key",
                                  "a did:jwk off the curve", "a did:jwk of RSA", "a did:jwk that is not base64",
                                  "a did:jwk with another fragment"])
def test_a_hostile_did_jwk_in_a_did_auth_gets_a_coded_4xx_and_leaves_the_offer_usable(service, case):
    from skillspas.issuer.demo import sample_credential

    unsigned = {k: v for k, v in sample_credential("did:web:x").items() if k not in ("id", "issuer")}
    unsigned["credentialSubject"] = {k: v for k, v in unsigned["credentialSubject"].items() if k != "id"}
    made = service.client.post("/exchanges", json={"credential": unsigned}, headers=service.auth())
    assert made.status_code == 201, made.text
    path = made.json()["exchangeUrl"][len("http://127.0.0.1:8000"):]
    asked = service.client.post(path, json={}).json()["verifiablePresentationRequest"]
    method = _hostile_did_jwk(case)
    did = method.partition("#")[0]
    vp = {"@context": ["https://www.w3.org/ns/credentials/v2"], "type": ["VerifiablePresentation"], "holder": did,
          "proof": {"type": "DataIntegrityProof", "cryptosuite": "eddsa-rdfc-2022", "created": "2026-01-01T00:00:00Z",
                    "verificationMethod": method if "#" in method else method + "#0", "proofPurpose": "authentication",
                    "challenge": asked["challenge"], "domain": asked["domain"], "proofValue": "z" + "1" * 86}}
    response = service.client.post(path, json={"verifiablePresentation": vp})
    _assert_coded_4xx(response)
    assert service.client.post(path, json={}).status_code == 200


def test_a_client_going_away_mid_upload_to_the_verifier_page_is_no_internal_error(service, caplog):
    """Half a body, then ``http.disconnect``: Starlette's ``ClientDisconnect`` was logged as "internal error" with a
    traceback (and answered 500); now one quiet line."""
    import asyncio
    import logging

    async def upload() -> list[dict]:
        events = [{"type": "http.request", "body": b'{"@context": ', "more_body": True}, {"type": "http.disconnect"}]
        sent: list[dict] = []

        async def receive() -> dict:
            return events.pop(0) if events else {"type": "http.disconnect"}

        async def send(message: dict) -> None:
            sent.append(message)

        scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "POST", "scheme": "http",
                 "path": "/verifier/api/verify", "raw_path": b"/verifier/api/verify", "root_path": "", "query_string": b"",
                 "headers": [(b"host", b"127.0.0.1:8000"), (b"content-type", b"application/json")],
                 "client": ("127.0.0.1", 50000), "server": ("127.0.0.1", 8000)}
        await service.client.app(scope, receive, send)
        return sent

    with caplog.at_level(logging.INFO):
        sent = asyncio.run(upload())
    assert sent[0]["status"] != 500
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING or r.exc_info], caplog.text
    assert len([r for r in caplog.records if "went away" in r.getMessage()]) == 1
