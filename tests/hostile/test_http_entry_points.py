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
