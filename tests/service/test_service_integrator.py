"""What a new integrator (a student administration's vendor) meets first: the OpenAPI document and its examples,
the error bodies (code, English and Dutch), the paths they point at and the headers, on a live service."""

from __future__ import annotations

from typing import Any

import pytest

from skillspas.issuer.credentials import build

from svc_live import LiveService
from test_service_api import issue, unsigned

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
