"""``POST /credentials/issue`` over HTTP: credentials per second, latency, duplicate status indexes.

    .venv/bin/python benchmarks/service.py [--requests 2000] [--backends postgresql,sqlite] [--processes 1,2]
                                           [--connections 8[,2p]] [--baseline REF] [--repeat 1] [--json]

For each database and process count it creates an organisation, starts that many ``skillspas serve``
processes on loopback ports over one database, and lets ``--connections`` keep-alive clients (asyncio,
one process, round robin over the servers) issue ``--requests`` copies of the service's sample
credential (OB 3.0, ESCO skills) after a warm-up. It prints issued/s, p50/p95/p99 in ms, the CPU milliseconds
per credential of the server processes, the clients and (PostgreSQL) the database's processes (less noisy
than rates on a shared machine; on 2 cores 700/s leaves 2.86 ms for all three), every answer that was not 201, and the number of status indexes handed out twice (read from the database
afterwards: must be 0). ``--baseline REF`` runs the same servers from the code at git ``REF`` (a
temporary worktree put first on ``PYTHONPATH``, as pure Python: nothing there is compiled with mypyc; its own
migrations set up its database) in the same run, before the current code, and prints the ratio. ``--connections 8,2p`` measures at both settings: 8 clients keep every server busy (p95 then is mostly
queueing: by Little's law 8 in flight at 400/s are 20 ms each), 2 per process match a process's parallelism (one
request in Python, one waiting for the database). PostgreSQL is a throwaway local cluster (Debian's packages, as in
the tests). The load average is printed with each figure: the client shares the machine's cores. Not a test: prints figures.
Targets (issue 18): >= 400/s with one process and >= 700/s with two over one PostgreSQL, p95 <= 10 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "service"))

from svc_postgres import PostgresServer, free_port  # noqa: E402

from skillspas.issuer.demo import sample_credential  # noqa: E402
from skillspas.issuer.settings import Settings  # noqa: E402
from skillspas.issuer.store import open_store  # noqa: E402

PASSPHRASE = "benchmark-only passphrase"
_CLI = "from skillspas.issuer.cli import main; main()"
_PACKAGES = ("schemas", "keys", "verifier", "wallet_export", "issuer")


def _code_at(ref: str) -> Path:
    """A folder to put first on PYTHONPATH so that ``skillspas`` is the code at git ``ref``."""
    base = Path(tempfile.mkdtemp(prefix="skillspas-bench-ref-"))
    subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", "-q", str(base / "tree"), ref], check=True)
    (base / "path" / "skillspas").mkdir(parents=True)
    for name in _PACKAGES:
        (base / "path" / "skillspas" / name).symlink_to(base / "tree" / name)
    return base


def _drop_code(base: Path) -> None:
    subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(base / "tree")], check=False)


def _env(code: Path | None) -> dict[str, str]:
    """The environment of the product's commands: the code at ``code`` (else this tree's) and the passphrase."""
    env = {**os.environ, "SKILLSPAS_KEY_PASSPHRASE": PASSPHRASE}
    if code is not None:
        env["PYTHONPATH"] = str(code / "path")
    return env


def _new_org(folder: Path, url: str, code: Path | None) -> str:
    """The benchmark organisation's API key, made by ``skillspas org create`` of the code the servers run (which
    also migrates the database: a baseline's migrations may stop before this tree's)."""
    made = subprocess.run([sys.executable, "-c", _CLI, "org", "create", "ROC Benchmark", "--role", "mbo",
                           "--did-web", "bench.roc.example", "--database-url", url, "--data-dir", str(folder)],
                          env=_env(code), check=True, capture_output=True, text=True)
    return str(json.loads(made.stdout)["apiKey"])


def _start(folder: Path, url: str, port: int, code: Path | None) -> subprocess.Popen[bytes]:
    env = _env(code)
    return subprocess.Popen(
        [sys.executable, "-c", _CLI, "serve", "--port", str(port), "--database-url", url, "--data-dir", str(folder),
         "--public-url", "https://issuer.roc.example", "--log-level", "warning"],
        stdout=open(folder / f"server-{port}.log", "wb"), stderr=subprocess.STDOUT, env=env)


async def _request(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, head: bytes, body: bytes) -> int:
    """One POST on a keep-alive connection; the HTTP status."""
    writer.write(head + body)
    status_line = await reader.readline()
    length = 0
    while (line := await reader.readline()) not in (b"\r\n", b""):
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value)
    await reader.readexactly(length)
    return int(status_line.split()[1])


class _Cpu:
    """CPU seconds of the servers and the database's processes between ``start`` and ``spent``."""

    def __init__(self, servers: list[int], database: list[int]) -> None:
        self.servers, self.database = servers, database
        self.begin = (0.0, 0.0, 0.0)
        self.backends: list[int] = []
        self.spent_at = (0.0, 0.0, 0.0)

    def start(self) -> None:
        self.backends = [child for parent in self.database for child in _children(parent)]
        self.begin = (_cpu_seconds(self.servers), _cpu_seconds(self.database + self.backends), _own_cpu())

    def spent(self) -> tuple[float, float, float]:
        return (_cpu_seconds(self.servers) - self.begin[0],
                _cpu_seconds(self.database + self.backends) - self.begin[1], _own_cpu() - self.begin[2])


async def _load(ports: list[int], key: str, count: int, connections: int, cpu: _Cpu) -> tuple[float, list[float], dict[int, int]]:
    body = json.dumps({"credential": {k: v for k, v in sample_credential("x", "ROC Benchmark").items()
                                      if k not in ("id", "issuer")}}).encode()
    head = (f"POST /credentials/issue HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {key}\r\n"
            f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n").encode()
    remaining = [count]
    latencies: list[float] = []
    statuses: dict[int, int] = {}

    async def client(port: int, warmup: int) -> None:
        try:
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
            for _ in range(warmup):
                if (status := await _request(reader, writer, head, body)) != 201:
                    raise RuntimeError(f"the warm-up got HTTP {status} from port {port}: see that server's log (server-{port}.log)")
        except BaseException:
            all_warm.set()  # fail the run (asyncio.gather raises), not wait for a warm-up that never ends
            raise
        warm[0] += 1
        if warm[0] == connections:
            all_warm.set()
        await ready.wait()
        while remaining[0] > 0:
            remaining[0] -= 1
            start = time.perf_counter()
            status = await _request(reader, writer, head, body)
            latencies.append(time.perf_counter() - start)
            statuses[status] = statuses.get(status, 0) + 1
        writer.close()

    ready, all_warm, warm = asyncio.Event(), asyncio.Event(), [0]
    tasks = [asyncio.create_task(client(ports[i % len(ports)], 20)) for i in range(connections)]
    await all_warm.wait()
    cpu.start()
    start = time.perf_counter()
    ready.set()
    await asyncio.gather(*tasks)
    elapsed = time.perf_counter() - start
    cpu.spent_at = cpu.spent()
    return elapsed, latencies, statuses


def _own_cpu() -> float:
    """User + system CPU seconds of this process: the clients (they share the machine's cores)."""
    times = os.times()
    return times.user + times.system


def _cpu_seconds(pids: list[int]) -> float:
    """User + system CPU seconds of processes (Linux /proc), those that still exist."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / tick
    return total


def _children(parent: int) -> list[int]:
    """The processes whose parent is ``parent`` (a PostgreSQL server's backends)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1]) == parent:
                    found.append(int(entry.name))
            except (OSError, ValueError, IndexError):
                continue
    return found


def _duplicates(url: str) -> int:
    """Status indexes held by two credentials of one list (must be 0)."""
    from sqlalchemy import text

    store = open_store(Settings(database_url=url, data_dir=Path(tempfile.gettempdir())).database)
    try:
        with store.transaction() as session:
            return int(session.execute(text(
                "SELECT count(*) FROM (SELECT status_seq, status_index FROM credentials WHERE status_seq IS NOT NULL "
                "GROUP BY org_id, status_seq, status_index HAVING count(*) > 1) AS twice")).scalar_one())
    finally:
        store.dispose()


def run(backend: str, url: str, processes: int, count: int, connections: int, code: Path | None, label: str,
        postgres: PostgresServer | None = None) -> dict[str, Any]:
    folder = Path(tempfile.mkdtemp(prefix=f"skillspas-bench-service-{backend}-"))
    api_key = _new_org(folder, url, code)
    ports = [free_port() for _ in range(processes)]
    servers = [_start(folder, url, port, code) for port in ports]
    try:
        _wait(ports, servers, folder)
        load_before = os.getloadavg()[0]
        database = [int((postgres.data / "postmaster.pid").read_text().split()[0])] if postgres else []
        cpu = _Cpu([s.pid for s in servers], database)
        seconds, latencies, statuses = asyncio.run(_load(ports, api_key, count, connections, cpu))
        server_cpu, database_cpu, client_cpu = cpu.spent_at
    finally:
        for server in servers:
            server.terminate()
        for server in servers:
            server.wait(timeout=30)
    quantiles = statistics.quantiles(latencies, n=100)
    return {"code": label, "backend": backend, "processes": processes, "connections": connections,
            "requests": count, "issued_per_s": round(statuses.get(201, 0) / seconds, 1),
            "p50_ms": round(quantiles[49] * 1000, 2), "p95_ms": round(quantiles[94] * 1000, 2),
            "p99_ms": round(quantiles[98] * 1000, 2), "not_201": {k: v for k, v in statuses.items() if k != 201},
            "server_cpu_ms": round(server_cpu * 1000 / count, 2),
            "client_cpu_ms": round(client_cpu * 1000 / count, 2),
            "database_cpu_ms": round(database_cpu * 1000 / count, 2) if postgres else None,
            "duplicate_status_indexes": _duplicates(url),
            "load_average": [round(load_before, 2), round(os.getloadavg()[0], 2)]}


def _wait(ports: list[int], servers: list[subprocess.Popen[bytes]], folder: Path) -> None:
    import socket

    deadline = time.monotonic() + 90
    for port, server in zip(ports, servers):
        while True:
            if server.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("skillspas serve did not start:\n" +
                                   (folder / f"server-{port}.log").read_text(errors="replace"))
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.2)


def _print(result: dict[str, Any]) -> None:
    print(f"{result['code']:>9} {result['backend']:>10} x{result['processes']} ({result['connections']} connections): "
          f"{result['issued_per_s']:7.1f} issued/s, p50 {result['p50_ms']:6.2f} ms, p95 {result['p95_ms']:6.2f} ms, "
          f"p99 {result['p99_ms']:6.2f} ms; CPU per credential: server {result['server_cpu_ms']} ms, client {result['client_cpu_ms']} ms, database "
          f"{result['database_cpu_ms']} ms; not 201: {result['not_201'] or 'none'}; duplicate status indexes "
          f"{result['duplicate_status_indexes']}; load average {result['load_average'][0]} -> {result['load_average'][1]}",
          flush=True)


def _connections(spec: str, processes: int) -> int:
    """``8``: eight client connections; ``2p``: two per server process."""
    return int(spec[:-1]) * processes if spec.endswith("p") else int(spec)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--backends", default="postgresql,sqlite")
    parser.add_argument("--processes", default="1,2", help="server process counts (each over one database)")
    parser.add_argument("--connections", default="8",
                        help="client connections, comma-separated; Np: N per server process (2p: about the parallelism "
                             "one process has, a GIL and a database wait, so its p95 is not mostly queueing)")
    parser.add_argument("--baseline", default=None, help="git ref whose code is measured first, as the baseline")
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    codes: list[tuple[str, Path | None]] = []
    if args.baseline:
        codes.append((args.baseline[:9], _code_at(args.baseline)))
    codes.append(("current", None))
    results: list[dict[str, Any]] = []
    postgres = None
    try:
        for _ in range(args.repeat):
            for backend in args.backends.split(","):
                for processes in (int(p) for p in args.processes.split(",")):
                    if backend == "sqlite" and processes > 1:
                        continue  # one SQLite file is one writer: a second process only adds lock waits
                    for connections, (label, code) in [(_connections(spec, processes), c)
                                                       for spec in args.connections.split(",") for c in codes]:
                        if backend == "sqlite":
                            url = f"sqlite:///{tempfile.mkdtemp(prefix='skillspas-bench-db-')}/skillspas.db"
                        else:
                            postgres = postgres or PostgresServer().start()
                            url = postgres.new_database()
                        results.append(run(backend, url, processes, args.requests, connections, code, label,
                                           postgres if backend == "postgresql" else None))
                        if not args.json:
                            _print(results[-1])
    finally:
        if postgres is not None:
            postgres.stop()
        for _, code in codes:
            if code is not None:
                _drop_code(code)
    if args.json:
        print(json.dumps(results, indent=2))
    elif args.baseline:
        base = {(r["backend"], r["processes"], r["connections"]): r for r in results if r["code"] != "current"}
        for r in results:
            if r["code"] == "current" and (r["backend"], r["processes"], r["connections"]) in base:
                before = base[(r["backend"], r["processes"], r["connections"])]
                print(f"{r['backend']} x{r['processes']} ({r['connections']} connections): "
                      f"{r['issued_per_s'] / before['issued_per_s']:.2f}x the baseline's "
                      f"issued/s, p95 {before['p95_ms']} -> {r['p95_ms']} ms, server CPU {before['server_cpu_ms']} -> "
                      f"{r['server_cpu_ms']} ms, database CPU {before['database_cpu_ms']} -> {r['database_cpu_ms']} ms "
                      "per credential")


if __name__ == "__main__":
    main()
