"""Shared fixtures. Paths and builders live in tests/helpers.py (import from there, not from here)."""

from __future__ import annotations

import os
import socket
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

# The vocabulary index is built once per machine into a folder named by its sources' digests.
os.environ.setdefault("SKILLSPAS_CACHE_DIR", str(Path(tempfile.gettempdir()) / "skillspas-test-cache"))

from helpers import DATA, TEST_CONTEXTS, VECTORS, load_json  # noqa: F401  (re-exported for older imports)


@pytest.fixture(scope="session")
def test_contexts() -> str:
    """Folder with the test-only contexts (examples/v2, citizenship/v4rc1) and contexts.map.json."""
    return str(TEST_CONTEXTS)


@pytest.fixture
def port_in_use(monkeypatch: pytest.MonkeyPatch) -> Iterator[int]:
    """A port another socket listens on; uvicorn's ``Server.run`` fails the test if anything starts."""
    import uvicorn

    def started(server: object, sockets: object = None) -> None:
        raise AssertionError("nothing may start on a port in use")

    monkeypatch.setattr(uvicorn.Server, "run", started)
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        yield taken.getsockname()[1]


@pytest.fixture
def served(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """uvicorn's ``Server.run`` as the I/O seam: each server a command would run is recorded and started, nothing is
    served. The list of those servers (their ``config`` says how each was asked to run)."""
    import uvicorn

    servers: list[Any] = []

    def run(server: Any, sockets: object = None) -> None:
        servers.append(server)
        server.started = True

    monkeypatch.setattr(uvicorn.Server, "run", run)
    return servers
