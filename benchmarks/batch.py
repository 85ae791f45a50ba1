"""Batch issuance throughput on SQLite and PostgreSQL: credentials per second, and where the time goes.

    .venv/bin/python benchmarks/batch.py [--rows 10000] [--backends sqlite,postgresql] [--workers N] [--crash] [--json]
    .venv/bin/python benchmarks/batch.py --baseline origin/main --repeat 2 --no-stub   # before/after, same run

For each database it creates an organisation, validates ``--rows`` mbo-diploma rows (the check
before anything is issued: building and checking every row), then issues them with
``skillspas.issuer.batch.issue_rows`` into a temp folder (one file per credential, manifest) and
prints rows per second, the total wall time against the 6 s target of issue 18 (10,000 diplomas,
2 cores, SQLite or PostgreSQL, storage and files included), the time of a re-run that issues
nothing (target: 1 s), and the split: validate (wall), sign and files (seconds
summed over the worker processes), store (database time in this process). A second run with
signing replaced by a stub, in one process, measures the storage, file and orchestration part on
its own. PostgreSQL is a throwaway local cluster (Debian's packages, as in the tests). ``--crash``
also runs the SIGKILL crash test of tests/service/test_service_batch.py with the full row count
on both databases. ``--baseline REF`` measures the code of commit REF (``git archive``, imported in
place of this tree's, as pure Python: nothing there is compiled with mypyc) and this tree alternately, so both
figures share the machine's load.
After each run the same number of plain files, as large as the credentials, is written into a
folder beside its output (one ``open``/``write``/``close`` each: no temp file, rename or JSON): the
file system's own cost in the same run, printed as ``plain files``. It varies more than anything
else here: on this project's machines the root file system is ext4 without a journal, whose inode
allocator skips inodes deleted in the last 1-6 minutes one by one (``recently_deleted``; perf: 70 % of
the CPU of a file creation), so a new file costs 20 us on a quiet disk and up to 500 us after many
deletions (a test run's) -- 0.2 to 5 s for 10,000 files. ``TMPDIR=/dev/shm`` runs the batch on tmpfs.
Not a test: prints figures.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "service"))
if "--tree" in sys.argv:  # measure another checkout of the product (--baseline): its modules, this script
    import types

    _tree = sys.argv[sys.argv.index("--tree") + 1]
    _package = types.ModuleType("skillspas")
    _package.__path__ = [_tree]
    sys.modules["skillspas"] = _package

# The product is imported where it is used: a spawned worker runs this file's top level again (as
# ``__mp_main__``), and should import what `skillspas batch`'s workers import, not the store's stack.

TARGET_S = 6.0
TARGET_ROWS = 10_000


def rows(count: int) -> list[tuple[int, dict[str, str]]]:
    return [(n + 2, {"row_key": f"bench-{n:06d}", "learner_name": f"Leerling {n}", "crebo": "25180",
                     "leerweg": "BBL" if n % 2 else "BOL", "date": "2025-07-01"}) for n in range(count)]


def _stub_sign(signer: Any, credential: Any, **_: Any) -> dict[str, Any]:
    """Not a signature: a proof-shaped placeholder, to time everything around signing (of a ``CheckedCredential``)."""
    document = credential.document if hasattr(credential, "document") else credential
    return {**document, "proof": {"type": "DataIntegrityProof", "cryptosuite": "eddsa-rdfc-2022",
                                  "verificationMethod": signer.verification_method,
                                  "proofPurpose": "assertionMethod", "proofValue": "z" + "1" * 86}}


def _cpu() -> tuple[float, float]:
    """CPU seconds (user + system) of this process and of its finished children (the workers)."""
    me, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime, children.ru_utime + children.ru_stime


def run(backend: str, url: str, folder: Path, count: int, workers: int, *, stub: bool = False) -> dict[str, Any]:
    from skillspas.issuer import batch as batch_module
    from skillspas.issuer.batch import batch_workers, issue_rows, validate_rows
    from skillspas.issuer.issuing import Issuer
    from skillspas.issuer.orgs import create_organisation
    from skillspas.issuer.settings import Settings
    from skillspas.issuer.store import open_store

    signing = sys.modules[batch_module.sign_rows.__module__]  # where the workers' sign_as is looked up
    settings = Settings(data_dir=folder, database_url=url, public_url="https://issuer.roc.example",
                        batch_workers=1 if stub else workers)
    store = open_store(settings.database)
    created = create_organisation(store, settings, "ROC Benchmark", role="mbo", did_web="bench.roc.example")
    issuer = Issuer(store, settings)
    org = issuer.orgs.get(created.id)
    data = rows(count)
    real_sign = signing.sign_as
    cpu0 = _cpu()
    try:
        with batch_workers(issuer, len(data)) as workers:  # as `skillspas batch` does: started once
            start = time.perf_counter()
            plan = validate_rows(issuer, org, "mbo-diploma", data, workers=workers)
            validated = time.perf_counter() - start
            cpu1 = _cpu()
            if stub:
                signing.sign_as = _stub_sign
            start = time.perf_counter()
            manifest = issue_rows(issuer, org, plan, out=folder / "out", workers=workers)
            issued = time.perf_counter() - start
        cpu2 = _cpu()
        start = time.perf_counter()  # the same batch again, as `skillspas batch` runs it: nothing to issue
        with batch_workers(issuer, len(data)) as workers:
            again = issue_rows(issuer, org, validate_rows(issuer, org, "mbo-diploma", data, workers=workers),
                               out=folder / "out", workers=workers)
        rerun = time.perf_counter() - start
    finally:
        signing.sign_as = real_sign
        store.dispose()
    assert manifest.issued == count and again.issued == 0
    size = max(path.stat().st_size for path in list((folder / "out").glob("*.json"))[:10] if path.name != "manifest.json")
    total = validated + issued
    seconds = {k: round(v, 2) for k, v in manifest.seconds.items()}
    return {"backend": backend, "rows": count, "stub_signing": stub, "workers": manifest.workers,
            "validate_s": round(validated, 2), "issue_s": round(issued, 2), "total_s": round(total, 2),
            "rows_per_s": round(count / total, 1), "issued_per_s": round(count / issued, 1),
            "validated_per_s": round(count / validated, 1), "issue_split_s": seconds,
            # Workers count when reaped (at the end): their CPU covers validating and issuing.
            "cpu_s": {"parent_validate": round(cpu1[0] - cpu0[0], 2), "parent_issue": round(cpu2[0] - cpu1[0], 2),
                      "workers": round(cpu2[1] - cpu0[1], 2)},
            "rerun_s": round(rerun, 2), "plain_files_s": round(_plain_files(folder / "plain", count, size), 2),
            "load_average": os.getloadavg()[0],
            "target_ratio": round(total / (TARGET_S * count / TARGET_ROWS), 2)}


def _plain_files(folder: Path, count: int, size: int) -> float:
    """Seconds to write ``count`` new files of ``size`` bytes in ``folder`` plainly: this file system's own cost."""
    folder.mkdir()
    data = b"x" * size
    start = time.perf_counter()
    for number in range(count):
        handle = os.open(folder / f"{number:06d}.json", os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        os.write(handle, data)
        os.close(handle)
    return time.perf_counter() - start


def _print(result: dict[str, Any]) -> None:
    split = result["issue_split_s"]
    label = "stub sign" if result["stub_signing"] else f"{result['workers']} worker(s)"
    label = f"{result['tree']}, {label}"
    print(f"{result['backend']:>10} [{label}]: {result['rows']} rows in {result['total_s']} s total = "
          f"{result['rows_per_s']} rows/s ({result['target_ratio']}x the {TARGET_S:.0f} s per {TARGET_ROWS} target); "
          f"validate {result['validate_s']} s ({result['validated_per_s']}/s), issue {result['issue_s']} s "
          f"({result['issued_per_s']}/s): sign {split['sign']} s, files {split['files']} s (worker seconds), "
          f"store {split['store']} s, issue wall {split['wall']} s; plain files {result['plain_files_s']} s; "
          f"re-run issuing nothing {result['rerun_s']} s; CPU s " +
          ", ".join(f"{k} {v}" for k, v in result["cpu_s"].items()) + f"; load average {result['load_average']:.1f}",
          flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=TARGET_ROWS)
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--workers", type=int, default=0, help="worker processes (0: one per CPU)")
    parser.add_argument("--no-stub", action="store_true", help="skip the run with signing stubbed out")
    parser.add_argument("--crash", action="store_true", help="also run the SIGKILL crash test with --rows rows")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--baseline", metavar="REF", help="also measure git commit REF (e.g. origin/main), alternating")
    parser.add_argument("--repeat", type=int, default=1, help="measure each configuration this many times")
    parser.add_argument("--tree", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.baseline:
        sys.exit(_compare(args))
    from svc_postgres import PostgresServer

    results = []
    postgres = None
    try:
        for backend in args.backends.split(","):
            for stub in (False,) if args.no_stub else (False, True):
                folder = Path(tempfile.mkdtemp(prefix=f"skillspas-bench-{backend}-"))
                if backend == "sqlite":
                    url = f"sqlite:///{folder / 'skillspas.db'}"
                else:
                    postgres = postgres or PostgresServer().start()
                    url = postgres.new_database()
                results.append({**run(backend, url, folder, args.rows, args.workers, stub=stub),
                                "tree": "baseline" if args.tree else "this tree"})
                if not args.json:
                    _print(results[-1])
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


def _compare(args: argparse.Namespace) -> int:
    """Run this script on the baseline commit's code and on this tree, alternating, ``--repeat`` times."""
    reference = Path(tempfile.mkdtemp(prefix="skillspas-baseline-"))
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", args.baseline], check=True, capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", str(reference)], input=archive, check=True)
    common = [sys.executable, str(Path(__file__).resolve()), "--rows", str(args.rows), "--backends", args.backends,
              "--workers", str(args.workers)] + (["--no-stub"] if args.no_stub else [])
    print(f"baseline {args.baseline} ({reference}) against this tree; load average before: "
          f"{' '.join(f'{x:.1f}' for x in os.getloadavg())}", flush=True)
    for _ in range(args.repeat):
        for extra in (["--tree", str(reference)], []):
            if subprocess.run(common + extra).returncode:
                return 1
    return 0


if __name__ == "__main__":
    main()
