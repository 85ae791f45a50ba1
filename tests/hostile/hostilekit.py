"""Shared by the hostile-input tests: run ``skillspas`` in-process and check that a refusal is coded."""

from __future__ import annotations

import json
import re
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from fastapi.testclient import TestClient
from typer.testing import CliRunner

from skillspas.issuer.orgs import CreatedOrganisation, create_organisation
from skillspas.issuer.problems import ProblemCode
from skillspas.issuer.settings import Settings
from skillspas.issuer.store import open_store
from skillspas.schemas.errors import ErrorCode

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


def make_service(folder: Path, prepare: Callable[[Settings, CreatedOrganisation], None] | None = None,
                 **changes: object) -> Service:
    """A fresh service on SQLite in ``folder`` with a school (mbo) and an employer; ``prepare(settings,
    roc)`` runs before the app is made (e.g. to break the school's key file)."""
    from skillspas.issuer.service.app import create_app

    settings = Settings(data_dir=folder, port=8000, public_url=BASE, key_passphrase=PASSPHRASE, batch_workers=1,
                        **changes)  # type: ignore[arg-type]
    store = open_store(settings.database)
    roc = create_organisation(store, settings, "ROC Vijandig", role="mbo", did_web="roc.example")
    bistro = create_organisation(store, settings, "Bistro Vijandig", role="employer", did_web="bistro.example")
    store.dispose()
    if prepare is not None:
        prepare(settings, roc)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        client = TestClient(create_app(settings), base_url=BASE, raise_server_exceptions=False)
    return Service(client, settings, roc, bistro)


KNOWN_CODES = frozenset(c.value for c in ErrorCode) | frozenset(c.value for c in ProblemCode)
_CODE = re.compile(r"\[([a-z_]+)\]")


@dataclass(frozen=True)
class Run:
    """What one ``skillspas`` command did: its exit code, output and any uncaught exception."""

    exit_code: int
    stdout: str
    stderr: str
    exception: BaseException | None

    def codes(self) -> set[str]:
        """Every error code the command printed: ``[code]`` on stderr/stdout, or ``errors[].code`` in JSON."""
        found = set(_CODE.findall(self.stdout + self.stderr))
        try:
            document = json.loads(self.stdout)
        except ValueError:
            return found
        if isinstance(document, dict):
            found.update(e.get("code") for e in document.get("errors") or [] if isinstance(e, dict))
            if isinstance(document.get("code"), str):
                found.add(document["code"])
        return found


def run_cli(*args: str, stdin: bytes | None = None, env: dict[str, str] | None = None) -> Run:
    """``skillspas ARGS`` in this process (typer's CliRunner), as ``main()`` would run it."""
    from skillspas.issuer.cli import app

    result = CliRunner().invoke(app, list(args), input=stdin, env=env)
    exception = result.exception if not isinstance(result.exception, SystemExit) else None
    return Run(result.exit_code, result.stdout, result.stderr, exception)


def assert_coded_refusal(run: Run, *, codes: set[str] | None = None, exit_codes: tuple[int, ...] = (2,)) -> None:
    """The command refused with a known code and exit code, without a traceback or ``[internal]``."""
    shown = run.stdout + run.stderr
    assert run.exception is None, f"uncaught {type(run.exception).__name__}: {run.exception}"
    assert "Traceback" not in shown and "[internal]" not in shown, shown[-2000:]
    assert run.exit_code in exit_codes, (run.exit_code, shown[-2000:])
    printed = run.codes() & KNOWN_CODES
    assert printed, f"no known error code in: {shown[-2000:]}"
    if codes is not None:
        assert printed & codes, (printed, codes, shown[-2000:])
