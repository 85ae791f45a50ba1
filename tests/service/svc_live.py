"""A live ``skillspas serve`` (uvicorn) on 127.0.0.1 for the API tests, with its organisations."""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import fcntl
import hashlib
import os
import signal
import ssl
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from skillspas.issuer.batch import BATCH_LOCK
from skillspas.issuer.orgs import CreatedOrganisation, add_api_key, create_organisation
from skillspas.issuer.settings import Settings
from skillspas.issuer.store import Store, open_store
from skillspas.issuer.store.models import ClaimOffer

__all__ = ["LiveService", "start_service", "run_cli", "age_offer", "PASSPHRASE", "BatchHolder", "another_batch_writing",
           "batch_lock_free", "folder_files"]

PASSPHRASE = "test-only passphrase (never a real one)"
_CLI = "from skillspas.issuer.cli import main; main()"


def age_offer(store: Store | str, url: str, *, used: bool = False, expired: bool = False) -> None:
    """Make the claim offer at ``url`` used and/or expired, as a claim or time would (``store``: or its database URL)."""
    opened = open_store(store, upgrade=False) if isinstance(store, str) else store
    try:
        with opened.transaction() as session:
            row = session.get(ClaimOffer, hashlib.sha256(url.rsplit("/", 1)[1].encode()).hexdigest())
            if used:
                row.used_at = dt.datetime.now(dt.timezone.utc)
            if expired:
                row.expires_at = dt.datetime.now(dt.timezone.utc) - dt.timedelta(seconds=1)
    finally:
        if opened is not store:
            opened.dispose()


def run_cli(*args: str, env: dict[str, str] | None = None, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """Run ``skillspas ARGS`` in a fresh interpreter, as a script would: standard input is no terminal (never the one
    pytest may run in: a command that asks for confirmation is refused, it does not wait)."""
    return subprocess.run([sys.executable, "-c", _CLI, *args], capture_output=True, text=True, timeout=timeout,
                          stdin=subprocess.DEVNULL,
                          env={**os.environ, "SKILLSPAS_KEY_PASSPHRASE": PASSPHRASE, **(env or {})})


_HOLDER = """
import os, sys, time
from skillspas.schemas.files import folder_lock
with folder_lock(sys.argv[1], name=sys.argv[2]):  # batch_folder's lock, without importing the issuer (0.5 s)
    worker = os.fork()  # as a batch's worker, forked while the lock is held
    if worker == 0:
        time.sleep(120)
        os._exit(0)
    print(worker, flush=True)
    time.sleep(120)
"""


@dataclass
class BatchHolder:
    """A process that holds the batch lock of a folder, as a running batch does, and the worker it forked."""

    process: subprocess.Popen[str]
    worker: int

    def kill(self) -> None:
        """SIGKILL the holder (its worker lives on, as a killed batch's worker may)."""
        self.process.kill()
        self.process.wait(timeout=30)


@contextlib.contextmanager
def another_batch_writing(out: Path) -> Iterator[BatchHolder]:
    """Another process holding the batch lock (``batch_folder``) of the existing folder ``out`` until the block ends or
    ``kill()``."""
    process = subprocess.Popen([sys.executable, "-c", _HOLDER, str(out), BATCH_LOCK], stdout=subprocess.PIPE, text=True)
    holder = None
    try:
        line = process.stdout.readline() if process.stdout is not None else ""
        assert line.strip().isdigit(), "the holder did not take the lock"
        holder = BatchHolder(process, int(line))
        yield holder
    finally:
        process.kill()
        process.wait(timeout=30)
        if process.stdout is not None:
            process.stdout.close()
        if holder is not None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(holder.worker, signal.SIGKILL)


def batch_lock_free(out: Path) -> bool:
    """Whether no process (this one included) holds ``out``'s batch lock: a lock taken on a file opened anew."""
    fd = os.open(out / BATCH_LOCK, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError as exc:
        if exc.errno != errno.EWOULDBLOCK:
            raise
        return False
    finally:
        os.close(fd)
    return True


def folder_files(folder: Path) -> dict[str, tuple[bytes, int]]:
    """Every file in ``folder`` (and below) with its bytes and modification time: what a run must leave untouched."""
    return {str(path.relative_to(folder)): (path.read_bytes(), path.stat().st_mtime_ns)
            for path in sorted(folder.rglob("*")) if path.is_file()}


@dataclass
class LiveService:
    """A running service: its URL, settings, organisations (with API keys) and an HTTP client."""

    base_url: str
    settings: Settings
    process: subprocess.Popen[bytes]
    orgs: dict[str, CreatedOrganisation] = field(default_factory=dict)
    keys: dict[str, str] = field(default_factory=dict)
    verify: Any = True
    """httpx's ``verify``: the test CA certificate of a TLS service."""
    client: httpx.Client = field(init=False)

    def __post_init__(self) -> None:
        self.client = httpx.Client(base_url=self.base_url, timeout=60, verify=self.verify)

    def auth(self, name: str = "roc") -> dict[str, str]:
        """The Authorization header of an API key by name (an organisation's first key, or an extra one)."""
        key = self.keys.get(name) or self.orgs[name].api_key
        return {"Authorization": f"Bearer {key}"}

    def post(self, path: str, body: Any, org: str | None = "roc", **kwargs: Any) -> httpx.Response:
        """POST JSON as organisation ``org`` (no API key when None)."""
        headers = {**(self.auth(org) if org else {}), **kwargs.pop("headers", {})}
        return self.client.post(path, json=body, headers=headers, **kwargs)

    def stop(self) -> None:
        """Stop the server (SIGTERM, then SIGKILL) and close the client."""
        self.client.close()
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def start_service(
    data_dir: Path, database_url: str, port: int, *, serve_args: tuple[str, ...] = (), tls: tuple[Path, Path] | None = None,
    did_key_orgs: bool = False,
) -> LiveService:
    """Create the test organisations, then start ``skillspas serve`` (with ``serve_args``; over HTTPS with
    ``tls``: certificate and key files; ``did_key_orgs``: two did:key organisations too) and wait until it answers."""
    base_url = f"{'https' if tls else 'http'}://127.0.0.1:{port}"
    settings = Settings(data_dir=data_dir, database_url=database_url, port=port, public_url=base_url, dev=True,
                        key_passphrase=PASSPHRASE)  # loopback status URLs: these tests fetch them
    store = open_store(settings.database)
    orgs = {
        "roc": create_organisation(store, settings, "ROC Voorbeeldstad", role="mbo", did_web="roc.example"),
        "evc": create_organisation(store, settings, "EVC Centrum", role="evc", did_web="evc.example"),
        "training": create_organisation(store, settings, "Opleider BV", role="training", did_web="training.example:8443"),
        "bistro": create_organisation(store, settings, "Bistro De Gracht", role="employer", did_web="bistro.example"),
    }
    if did_key_orgs:  # training providers without a domain
        orgs["cursus"] = create_organisation(store, settings, "Cursus Zonder Domein", role="training", did_key=True)
        orgs["cursus-p256"] = create_organisation(store, settings, "Cursus P-256", role="training", did_key=True,
                                                  key_type="p256")
    keys = {"roc-issue-only": add_api_key(store, orgs["roc"].id, ["credentials:issue"])}
    store.dispose()
    log = open(data_dir / "server.log", "wb")
    process = subprocess.Popen(
        [sys.executable, "-c", _CLI, "serve", "--port", str(port), "--database-url", database_url,
         "--data-dir", str(data_dir), "--public-url", base_url, "--dev", "--log-level", "warning", *serve_args,
         *(("--ssl-certfile", str(tls[0]), "--ssl-keyfile", str(tls[1])) if tls else ())],
        stdout=log, stderr=subprocess.STDOUT, env={**os.environ, "SKILLSPAS_KEY_PASSPHRASE": PASSPHRASE},
    )
    service = LiveService(base_url, settings, process, orgs, keys,
                          verify=ssl.create_default_context(cafile=str(tls[0])) if tls else True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("skillspas serve exited:\n" + (data_dir / "server.log").read_text(errors="replace"))
        try:
            if service.client.get("/openapi.json").status_code == 200:
                return service
        except httpx.TransportError:
            time.sleep(0.1)
    service.stop()
    raise RuntimeError("skillspas serve did not answer within 60 s")
