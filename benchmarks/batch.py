"""Batch issuance throughput on SQLite and PostgreSQL: credentials per second, and where the time goes.

    .venv/bin/python benchmarks/batch.py [--rows 10000] [--backends sqlite,postgresql] [--crash] [--json]

For each database it creates an organisation, validates ``--rows`` mbo-diploma rows (the check
before anything is issued), then issues them with ``skillspas.issuer.batch.issue_rows`` into a
temp folder (one file per credential, manifest), and reports credentials per second and the share
of the issuing time spent signing (proof + self-verification), storing (database transactions:
index reservation, completion, audit) and writing files. PostgreSQL is a throwaway local cluster
(Debian's packages, as in the tests). ``--crash`` also runs the SIGKILL crash test of
tests/service/test_service_batch.py with the full row count on both databases. Not a test: prints figures.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "service"))

from svc_postgres import PostgresServer  # noqa: E402

from skillspas.issuer import batch as batch_module  # noqa: E402
from skillspas.issuer.batch import issue_rows, validate_rows  # noqa: E402
from skillspas.issuer.issuing import Issuer  # noqa: E402
from skillspas.issuer.orgs import create_organisation  # noqa: E402
from skillspas.issuer.settings import Settings  # noqa: E402
from skillspas.issuer.store import open_store  # noqa: E402


class Clock:
    """Accumulated wall-clock seconds per label."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}

    def timed(self, label: str, function: Callable[..., Any]) -> Callable[..., Any]:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            start = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                self.seconds[label] = self.seconds.get(label, 0.0) + time.perf_counter() - start
        return wrapper

    def timed_context(self, label: str, factory: Callable[[], Any]) -> Callable[[], Any]:
        @contextlib.contextmanager
        def wrapper() -> Iterator[Any]:
            start = time.perf_counter()
            try:
                with factory() as value:
                    yield value
            finally:
                self.seconds[label] = self.seconds.get(label, 0.0) + time.perf_counter() - start
        return wrapper


def rows(count: int) -> list[tuple[int, dict[str, str]]]:
    return [(n + 2, {"row_key": f"bench-{n:06d}", "learner_name": f"Leerling {n}", "crebo": "25180",
                     "leerweg": "BBL" if n % 2 else "BOL", "date": "2025-07-01"}) for n in range(count)]


def run(backend: str, url: str, folder: Path, count: int) -> dict[str, Any]:
    settings = Settings(data_dir=folder, database_url=url, public_url="https://issuer.roc.example")
    store = open_store(settings.database)
    created = create_organisation(store, settings, "ROC Benchmark", role="mbo", did_web="bench.roc.example")
    issuer = Issuer(store, settings)
    org = issuer.orgs.get(created.id)
    start = time.perf_counter()
    plan = validate_rows(issuer, org, "mbo-diploma", rows(count))
    validated = time.perf_counter() - start

    clock = Clock()
    signer = issuer.signer_for(org)
    signer.sign = clock.timed("signing", signer.sign)  # type: ignore[method-assign]
    transaction = store.transaction
    store.transaction = clock.timed_context("storing", transaction)  # type: ignore[method-assign]
    write = batch_module._write_atomic
    batch_module._write_atomic = clock.timed("files", write)
    try:
        start = time.perf_counter()
        manifest = issue_rows(issuer, org, plan, out=folder / "out")
        issued = time.perf_counter() - start
    finally:
        batch_module._write_atomic = write
        store.transaction = transaction  # type: ignore[method-assign]
        store.dispose()
    assert manifest.issued == count
    shares = {k: round(100 * v / issued, 1) for k, v in clock.seconds.items()}
    shares["other"] = round(100 - sum(shares.values()), 1)
    return {"backend": backend, "rows": count, "validate_s": round(validated, 2), "issue_s": round(issued, 2),
            "credentials_per_s": round(count / issued, 1), "validated_rows_per_s": round(count / validated, 1),
            "share_percent": shares}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--crash", action="store_true", help="also run the SIGKILL crash test with --rows rows")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    results = []
    postgres = None
    try:
        for backend in args.backends.split(","):
            folder = Path(tempfile.mkdtemp(prefix=f"skillspas-bench-{backend}-"))
            if backend == "sqlite":
                url = f"sqlite:///{folder / 'skillspas.db'}"
            else:
                postgres = postgres or PostgresServer().start()
                url = postgres.new_database()
            results.append(run(backend, url, folder, args.rows))
            if not args.json:
                r = results[-1]
                print(f"{backend:>10}: {r['rows']} rows validated in {r['validate_s']} s "
                      f"({r['validated_rows_per_s']}/s); issued in {r['issue_s']} s = {r['credentials_per_s']} credentials/s; "
                      f"time: " + ", ".join(f"{k} {v}%" for k, v in r["share_percent"].items()), flush=True)
    finally:
        if postgres is not None:
            postgres.stop()
    if args.json:
        print(json.dumps(results, indent=2))
    if args.crash:
        env = {**os.environ, "SKILLSPAS_CRASH_ROWS": str(args.rows)}
        command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                   str(ROOT / "tests" / "service" / "test_service_batch.py"), "-k", "killed"]
        start = time.perf_counter()
        outcome = subprocess.run(command, env=env, cwd=ROOT)
        print(f"crash test with {args.rows} rows on both databases: "
              f"{'passed' if outcome.returncode == 0 else 'FAILED'} in {time.perf_counter() - start:.0f} s")
        sys.exit(outcome.returncode)


if __name__ == "__main__":
    main()
