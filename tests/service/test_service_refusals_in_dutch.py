"""The issuer service's refusals an integrator meets when issuing, co-signing, changing a status or fetching a DID
document or status list (and a body too large, not JSON or too slow) carry their own Dutch sentence in
``messageNl``, not only the code's general one (``schemas/messages.py``); the English ``message`` is unchanged."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from skillspas.issuer.demo import sample_credential
from skillspas.schemas.messages import text

from helpers import service_in_process

BASE = "http://127.0.0.1:8000"


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    """The issuer service in this process (SQLite) with one ROC, acting with the ROC's API key."""
    with service_in_process(tmp_path_factory.mktemp("refusals-in-dutch"), "ROC Voorbeeldstad", BASE) as (test_client, _):
        yield test_client


def _unsigned(**changes: Any) -> dict[str, Any]:
    document = {k: v for k, v in sample_credential("did:web:placeholder").items() if k not in ("id", "issuer")}
    return {**document, **changes}


def _dutch_of(body: dict[str, Any], code: str) -> str:
    assert body["code"] == code and body["messageNl"] != text(code, "nl"), body
    return str(body["messageNl"])


def _issued(client: TestClient) -> dict[str, Any]:
    response = client.post("/credentials/issue", json={"credential": _unsigned()})
    assert response.status_code == 201, response.text
    return dict(response.json()["verifiableCredential"])


REQUESTS = [
    pytest.param("post", "/credentials/issue", lambda c: {"credential": _unsigned(proof={"type": "DataIntegrityProof"})},
                 400, "schema_invalid", "heeft nog geen bewijs (proof)", id="a credential to issue that has a proof"),
    pytest.param("post", "/credentials/issue",
                 lambda c: {"credential": _unsigned(credentialStatus={"type": "BitstringStatusListEntry"})},
                 400, "forbidden_field", "de dienst voegt de statusvermeldingen zelf toe",
                 id="a credential to issue with its own status entry"),
    pytest.param("post", "/credentials/issue", lambda c: {"credential": _unsigned(issuer="did:web:other.example")},
                 400, "issuer_mismatch", "deze API-sleutel geeft uit als 'did:web:roc.example'",
                 id="a credential naming another issuer"),
    pytest.param("post", "/credentials/issue", lambda c: {"credential": _unsigned(issuer="geen URL")},
                 400, "schema_invalid", "issuer is een URL", id="an issuer that is no URL"),
    pytest.param("post", "/credentials/cosign", lambda c: {"verifiableCredential": _issued(c)},
                 400, "issuer_mismatch", "noemt 'did:web:roc.example' niet als medeondertekenaar",
                 id="co-signing a credential that does not name the organisation"),
    pytest.param("post", "/credentials/status", lambda c: {"credentialId": "urn:uuid:nooit-uitgegeven", "action": "revoke"},
                 404, "not_found", "deze organisatie gaf geen bewijsstuk uit met die id",
                 id="a status change of a credential never issued"),
    pytest.param("get", "/.well-known/did.json", None, 404, "not_found", "geen organisatie heeft deze DID",
                 id="the DID document of a host without an organisation"),
    pytest.param("get", "/orgs/" + "x" * 65 + "/did.json", None, 404, "not_found", "deze organisatie bestaat niet",
                 id="the DID document of an organisation id longer than any"),
    pytest.param("get", "/status/onbekend/1/revocation", None, 404, "not_found", "deze statuslijst bestaat niet",
                 id="a status list that does not exist"),
    pytest.param("post", "/credentials/issue",
                 lambda c: {"credential": _unsigned(issuer={"id": "did:web:roc.example", "type": ["Profile"], "name": "Ander"})},
                 400, "issuer_mismatch", "de naam van de uitgever ('Ander') is niet die van deze organisatie",
                 id="an issuer's name that is not the organisation's"),
    pytest.param("post", "/credentials/issue",
                 lambda c: {"credential": _unsigned(relatedResource=[{"id": "https://www.w3.org/ns/credentials/v2"}])},
                 400, "schema_invalid", "een relatedResource heeft digestSRI of digestMultibase nodig",
                 id="a related resource without its digest"),
    pytest.param("post", "/credentials/batch", lambda c: {"type": "mbo-diploma", "rows": [{}] * 1001},
                 400, "too_large", "hoogstens 1000 regels per verzoek", id="a batch of more rows than one request takes"),
    pytest.param("post", "/credentials/verify",
                 lambda c: {"verifiableCredential": {"type": ["VerifiablePresentation"]}},
                 400, "schema_invalid", "dit is een presentatie: gebruik /presentations/verify",
                 id="a presentation sent to verify a credential"),
    pytest.param("post", "/presentations/verify",
                 lambda c: {"verifiablePresentation": {"type": ["VerifiableCredential"]}},
                 400, "schema_invalid", "type hoort VerifiablePresentation te bevatten",
                 id="a credential sent to verify a presentation"),
]


@pytest.mark.parametrize("method, path, body, status, code, dutch", REQUESTS)
def test_a_service_refusal_has_its_own_dutch_sentence(client, method, path, body, status, code, dutch):
    if body is None:
        response = client.request(method, path)
    else:
        response = client.request(method, path, json=body(client))
    assert response.status_code == status, response.text
    assert dutch in _dutch_of(response.json(), code)


def test_a_request_without_an_api_key_is_refused_in_dutch_too(client):
    response = client.post("/credentials/issue", json={"credential": _unsigned()}, headers={"Authorization": ""})
    assert response.status_code == 401, response.text
    assert "stuur de API-sleutel mee als 'Authorization: Bearer SLEUTEL'" in _dutch_of(response.json(), "unauthorized")


def test_a_body_larger_than_the_service_takes_is_refused_in_dutch_too(client):
    response = client.post("/credentials/issue", content=b" " * (2 * 1024 * 1024),
                           headers={"Content-Type": "application/json"})
    assert response.status_code == 400, response.text
    assert "de inhoud van het verzoek is groter dan" in _dutch_of(response.json(), "too_large")
