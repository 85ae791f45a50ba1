"""Hostile-input fixtures: the issuer service in-process (SQLite, two organisations) and the CLI in-process."""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from skillspas.issuer.orgs import CreatedOrganisation, create_organisation
from skillspas.issuer.settings import Settings
from skillspas.issuer.store import open_store

BASE = "http://127.0.0.1:8000"
PASSPHRASE = "hostile-tests passphrase (never a real one)"


@dataclass
class Service:
    """The service app behind a TestClient, with its settings and two organisations."""

    client: TestClient
    settings: Settings
    roc: CreatedOrganisation
    bistro: CreatedOrganisation

    def auth(self, org: CreatedOrganisation | None = None) -> dict[str, str]:
        """The Authorization header of ``org``'s API key (default: the ROC's)."""
        return {"Authorization": f"Bearer {(org or self.roc).api_key}"}


def make_service(folder: Path, **changes: object) -> Service:
    """A fresh service on SQLite in ``folder`` with a school (mbo) and an employer."""
    from skillspas.issuer.service.app import create_app

    settings = Settings(data_dir=folder, port=8000, public_url=BASE, key_passphrase=PASSPHRASE, batch_workers=1,
                        **changes)  # type: ignore[arg-type]
    store = open_store(settings.database)
    roc = create_organisation(store, settings, "ROC Vijandig", role="mbo", did_web="roc.example")
    bistro = create_organisation(store, settings, "Bistro Vijandig", role="employer", did_web="bistro.example")
    store.dispose()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        client = TestClient(create_app(settings), base_url=BASE, raise_server_exceptions=False)
    return Service(client, settings, roc, bistro)


@pytest.fixture(scope="session")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Service]:
    """One service for the folder's HTTP cases (they only send refused requests)."""
    made = make_service(tmp_path_factory.mktemp("hostile-service"))
    with made.client:
        yield made
