"""A database lost while ``skillspas serve`` runs: every request that needs it is 503 ``database_unavailable`` (Dutch
and English, ``Retry-After``, no detail, no traceback, never the URL's password), and the same process serves again
once the database is back.

PostgreSQL: a cluster of this module's own (the session's is shared), stopped and started again with ``pg_ctl``.
SQLite: the database's folder moved away and back (the tests run as root, whom a folder's mode does not stop).
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from svc_live import LiveService, start_service
from svc_postgres import PostgresServer, free_port
from test_service_api import issue, unsigned
from test_service_batch import diploma_row

_PASSWORD = "s3cret-never-shown"
"""The URL's password (PostgreSQL's test cluster trusts every local connection, so any password opens it)."""


@dataclass
class Lost:
    """A live service and how to take its database away and bring it back."""

    service: LiveService
    take_away: Callable[[], None]
    bring_back: Callable[[], None]
    log: Path


@pytest.fixture(params=["sqlite", "postgresql"])
def lost(request: pytest.FixtureRequest) -> Iterator[Lost]:
    folder = Path(tempfile.mkdtemp(prefix=f"skillspas-lost-{request.param}-"))
    server: PostgresServer | None = None
    if request.param == "postgresql":
        server = PostgresServer().start()
        url = server.new_database().replace("skillspas@", f"skillspas:{_PASSWORD}@")
        take_away, bring_back = server.pause, server.resume
    else:
        (folder / "db").mkdir()
        url = f"sqlite:///{folder / 'db' / 'skillspas.db'}"
        take_away = lambda: (folder / "db").rename(folder / "db-away")  # noqa: E731
        bring_back = lambda: (folder / "db-away").rename(folder / "db")  # noqa: E731
    live = start_service(folder, url, free_port())
    try:
        yield Lost(live, take_away, bring_back, folder / "server.log")
    finally:
        live.stop()
        if server is not None:
            server.stop()


def _requests(service: LiveService, issued: dict, offer: str) -> dict[str, Callable[[], httpx.Response]]:
    """One request of each kind that needs the database, by name."""
    org = service.orgs["roc"].id
    status_list = issued["credentialStatus"]["statusListCredential"][len(service.base_url):]
    return {  # (verify before suspend: once back, the credential verifies, then it is suspended)
        "issue": lambda: service.post("/credentials/issue", {"credential": unsigned()}),
        "batch": lambda: service.post("/credentials/batch", {"type": "mbo-diploma", "rows": [
            diploma_row(f"lost-{n}") for n in range(3)]}),
        "verify": lambda: service.post("/credentials/verify", {"verifiableCredential": issued}, org=None),
        "suspend": lambda: service.post("/credentials/status", {"credentialId": issued["id"], "action": "suspend"}),
        "offer": lambda: service.post("/exchanges", {"credential": unsigned()}),
        "offer page": lambda: service.client.get(offer, headers={"accept": "text/html"}),
        "did document": lambda: service.client.get(f"/orgs/{org}/did.json"),
        "status list": lambda: service.client.get(status_list),
        "audit": lambda: service.client.get("/audit", headers=service.auth()),
        "verifier page info": lambda: service.client.get("/verifier/api/info"),
        "verifier page check": lambda: service.client.post("/verifier/api/verify", content=json.dumps(issued).encode(),
                                                           headers={"content-type": "application/json"}),
    }


def test_a_database_lost_while_serve_runs_is_503_database_unavailable_and_serve_recovers_once_it_is_back(lost: Lost):
    service = lost.service
    issued = issue(service, options={"statusPurposes": ["suspension"]})
    offered = service.post("/exchanges", {"credential": unsigned()})
    assert offered.status_code == 201, offered.text
    requests = _requests(service, issued, offered.json()["exchangeUrl"][len(service.base_url):])

    lost.take_away()
    for name, send in requests.items():
        answer = send()
        assert answer.status_code == 503, (name, answer.text)
        assert answer.headers["retry-after"] == "5", name
        assert _PASSWORD not in answer.text and "Traceback" not in answer.text, name
        if name == "offer page":
            assert 'data-code="database_unavailable"' in answer.text and "niet bereikbaar" in answer.text
            continue
        if name == "verifier page check":  # no verdict on the credential: the page's view says to try again
            view = answer.json()["view"]
            assert view["code"] == "database_unavailable" and view["detail"] is None, view
            assert "probeer het over een paar seconden opnieuw" in view["sentence"]["nl"]
            continue
        body = answer.json()
        assert body["code"] == "database_unavailable", (name, body)
        assert body["message"] == "the issuer's database cannot be reached now; try again later"
        assert body["messageNl"] == "de database van de uitgever is nu niet bereikbaar; probeer het later opnieuw"
    assert service.process.poll() is None

    lost.bring_back()
    expected = {"issue": 201, "batch": 201, "offer": 201}
    for name, send in requests.items():
        answer = send()
        assert answer.status_code == expected.get(name, 200), (name, answer.text)
    assert service.process.poll() is None
    again = requests["batch"]().json()  # the batch lost with its database issued nothing: now each row once
    assert again["manifest"]["issuedNow"] == 0 and again["manifest"]["count"] == 3
    log = lost.log.read_text(errors="replace")
    assert "Traceback" not in log and _PASSWORD not in log
    # the operator's detail, in the server log only: a server not reached, or a database file not usable
    assert "the database cannot be reached" in log or "cannot be used as the database" in log
