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
from skillspas.issuer.settings import Settings
from skillspas.issuer.store import open_store
from skillspas.schemas.errors import ErrorCode, SkillspasError
from skillspas.schemas.jsonio import parse_json

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

    settings = Settings(data_dir=folder, port=8000, public_url=BASE, dev=True, key_passphrase=PASSPHRASE, batch_workers=1,
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


KNOWN_CODES = frozenset(c.value for c in ErrorCode)
_CODE = re.compile(r"\[([a-z_]+)\]|^error: ([a-z_]+): ", re.MULTILINE)


@dataclass(frozen=True)
class Run:
    """What one ``skillspas`` command did: its exit code, output and any uncaught exception."""

    exit_code: int
    stdout: str
    stderr: str
    exception: BaseException | None

    def codes(self) -> set[str]:
        """Every error code the command printed: ``[code]`` on stderr/stdout, or ``errors[].code`` in JSON."""
        found = {a or b for a, b in _CODE.findall(self.stdout + self.stderr)}
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


def run_bounded(*argv: str, timeout: float = 60) -> Run:
    """``skillspas ARGV`` in a child process: one that waits for ever is killed (``TimeoutExpired``), one that
    reads for ever runs out of its 2 GiB of address space."""
    import resource
    import subprocess
    import sys

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30))

    done = subprocess.run([sys.executable, "-c", "from skillspas.issuer.cli import main; main()", *argv], capture_output=True,
                          stdin=subprocess.DEVNULL, timeout=timeout, preexec_fn=limit)
    return Run(done.returncode, done.stdout.decode("utf-8", "replace"), done.stderr.decode("utf-8", "replace"), None)


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


def _credential_with(value: str, key: str = "n") -> bytes:
    """A credential-shaped document holding ``value`` (JSON text) at credentialSubject.``key``."""
    return ('{"@context": ["https://www.w3.org/ns/credentials/v2"], "id": "urn:uuid:6f1c9a52-3c1e-4d7a-9f0e-2b7c1d5e8a10", '
            '"type": ["VerifiableCredential"], "issuer": "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK", '
            '"credentialSubject": {"%s": %s}}' % (key, value)).encode()


PAYLOADS: dict[str, bytes] = {
    "5000-digit integer": _credential_with("1" * 5000),
    "exponent 1e999999": _credential_with("1e999999"),
    "5000-digit fraction": _credential_with("0." + "1" * 5000),
    "minus zero": _credential_with("-0"),
    "2**53+1": _credential_with(str(2**53 + 1)),
    "NaN": _credential_with("NaN"),
    "70,000-character string": _credential_with('"' + "a" * 70_000 + '"'),
    "10,000 levels of nesting": _credential_with("[" * 10_000 + "]" * 10_000),
    "2 MiB body": _credential_with('"' + "a" * (2 * 1024 * 1024) + '"'),
    "20,000-item array": _credential_with("[" + ",".join(["1"] * 20_000) + "]"),
    "duplicate keys": _credential_with('{"a": 1, "a": 2}'),
    "lone surrogate": _credential_with('"\\ud800"'),
    "lone surrogate key": _credential_with("1", key="\\udfff"),
    "bad UTF-8": _credential_with('"x"').replace(b'"x"', b'"\xff\xfe\xc0"'),
    "byte order mark": b"\xef\xbb\xbf" + _credential_with("1"),
    "bidi override in a name": _credential_with('"Anouk \\u202eataDtseT"'),
    "huge id": _credential_with("1").replace(b"urn:uuid:6f1c9a52-3c1e-4d7a-9f0e-2b7c1d5e8a10",
                                             b"urn:uuid:" + b"9" * 60_000),
    "odd id": _credential_with("1").replace(b"urn:uuid:6f1c9a52-3c1e-4d7a-9f0e-2b7c1d5e8a10", b"\\u0000 ../../etc"),
    "wrong types": b'{"@context": 5, "type": {}, "id": 7, "issuer": [], "credentialSubject": "x"}',
    "a list": b"[1, 2, 3]",
    "null": b"null",
    "empty": b"",
    "not JSON": b"credential=diploma&x=1",
}
"""Hostile JSON documents, one line each: every entry point must refuse each with a coded error."""


def _unreadable(data: bytes) -> bool:
    try:
        parse_json(data)
    except SkillspasError:
        return True
    return False


UNREADABLE = frozenset(name for name, data in PAYLOADS.items() if _unreadable(data))
"""The payloads the strict reader itself refuses (the rest are well-formed JSON of a hostile shape)."""
