"""Hostile-input fixtures: the issuer service in-process (SQLite, two organisations) and the CLI in-process."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from hostilekit import Service, make_service


@pytest.fixture(scope="session")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Service]:
    """One service for the folder's HTTP cases (they only send refused requests)."""
    made = make_service(tmp_path_factory.mktemp("hostile-service"))
    with made.client:
        yield made
