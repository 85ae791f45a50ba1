"""Service fixtures: a PostgreSQL server for the session, and a live uvicorn per backend.

Every API test runs twice: on SQLite (WAL, the default) and on PostgreSQL (psycopg 3).
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from svc_live import LiveService, start_service
from svc_postgres import PostgresServer, free_port

BACKENDS = ["sqlite", "postgresql"]


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresServer]:
    """A throwaway PostgreSQL cluster (installed from Debian's packages when missing)."""
    server = PostgresServer().start()
    try:
        yield server
    finally:
        server.stop()


def database_url(backend: str, folder: Path, request: pytest.FixtureRequest) -> str:
    """A fresh database on ``backend``: a SQLite file in ``folder`` or a new PostgreSQL database."""
    if backend == "sqlite":
        return f"sqlite:///{folder / 'skillspas.db'}"
    server: PostgresServer = request.getfixturevalue("postgres")
    return server.new_database()


@pytest.fixture(scope="session", params=BACKENDS)
def service(request: pytest.FixtureRequest) -> Iterator[LiveService]:
    """A live ``skillspas serve`` on a random port with four organisations (roc, evc, training, bistro: an employer)."""
    folder = Path(tempfile.mkdtemp(prefix=f"skillspas-service-{request.param}-"))
    live = start_service(folder, database_url(request.param, folder, request), free_port())
    try:
        yield live
    finally:
        live.stop()


@pytest.fixture(scope="module", params=BACKENDS)
def database(request: pytest.FixtureRequest) -> Iterator[tuple[str, Path]]:
    """A fresh database (URL) on each backend, with a data folder for its keystore."""
    folder = Path(tempfile.mkdtemp(prefix=f"skillspas-db-{request.param}-"))
    yield database_url(request.param, folder, request), folder
