"""A real PostgreSQL server for the tests: Debian's packages, a throwaway cluster, run as a non-root user.

``PostgresServer.start()`` installs the ``postgresql`` package when it is missing (as root, like
.ci/run), runs ``initdb`` and ``pg_ctl`` as an unprivileged user in a temp folder on a free port,
and ``stop()`` removes it all. A missing PostgreSQL that cannot be installed is a failure, not a skip.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import uuid
from pathlib import Path

__all__ = ["PostgresServer", "free_port"]

_USER_FALLBACK = "skillspas-pg"


def free_port() -> int:
    """A TCP port that was free a moment ago on 127.0.0.1."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _bin_dir() -> Path | None:
    for folder in sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True):
        if Path(folder, "initdb").exists() and Path(folder, "pg_ctl").exists():
            return Path(folder)
    initdb = shutil.which("initdb")
    return Path(initdb).resolve().parent if initdb and shutil.which("pg_ctl") else None


def _install() -> Path:
    """Install Debian's postgresql package (root only) and return its bin folder."""
    if os.geteuid() != 0:
        raise RuntimeError("PostgreSQL is not installed and the tests are not root: apt-get install postgresql")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    result = subprocess.run(["apt-get", "install", "-y", "-qq", "postgresql"], env=env, capture_output=True)
    if result.returncode != 0:
        subprocess.run(["apt-get", "update", "-qq"], env=env, check=True, capture_output=True)
        subprocess.run(["apt-get", "install", "-y", "-qq", "postgresql"], env=env, check=True, capture_output=True)
    found = _bin_dir()
    if found is None:
        raise RuntimeError("apt-get installed postgresql but initdb/pg_ctl were not found")
    return found


def _run_as() -> list[str]:
    """Prefix that runs a command as an unprivileged user (PostgreSQL refuses to run as root)."""
    if os.geteuid() != 0:
        return []
    for name in ("postgres", _USER_FALLBACK):
        try:
            pwd.getpwnam(name)
            return ["runuser", "-u", name, "--"]
        except KeyError:
            continue
    subprocess.run(["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", _USER_FALLBACK],
                   check=True, capture_output=True)
    return ["runuser", "-u", _USER_FALLBACK, "--"]


class PostgresServer:
    """One throwaway PostgreSQL cluster listening on 127.0.0.1."""

    def __init__(self) -> None:
        self.port = free_port()
        self.folder = Path(tempfile.mkdtemp(prefix="skillspas-pg-"))
        self.data = self.folder / "data"
        self.bin = _bin_dir() or _install()
        self.prefix = _run_as()

    def _as_user(self, *args: str) -> subprocess.CompletedProcess[bytes]:
        return subprocess.run([*self.prefix, *args], capture_output=True, check=True, cwd=self.folder)

    def start(self) -> PostgresServer:
        """initdb + pg_ctl start (durability off: it is a test database)."""
        if self.prefix:
            shutil.chown(self.folder, user=self.prefix[2])
        os.chmod(self.folder, 0o700)
        self._as_user(str(self.bin / "initdb"), "-D", str(self.data), "-A", "trust", "-U", "skillspas",
                      "-E", "UTF8", "--no-locale", "--no-sync")
        return self.resume()

    def resume(self) -> PostgresServer:
        """pg_ctl start on the cluster's data (again, after ``pause``)."""
        options = (f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c fsync=off "
                   "-c synchronous_commit=off -c full_page_writes=off -c max_connections=200")
        self._as_user(str(self.bin / "pg_ctl"), "-D", str(self.data), "-l", str(self.folder / "log"),
                      "-w", "-t", "60", "-o", options, "start")
        return self

    def pause(self) -> None:
        """Stop the server as an operator would (``pg_ctl stop``: its sessions are ended), keeping its data."""
        self._as_user(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop")

    def url(self, database: str = "postgres") -> str:
        """SQLAlchemy URL of ``database`` (psycopg 3)."""
        return f"postgresql+psycopg://skillspas@127.0.0.1:{self.port}/{database}"

    def new_database(self) -> str:
        """Create a fresh, empty database and return its URL."""
        import psycopg

        name = "t_" + uuid.uuid4().hex[:12]
        with psycopg.connect(f"host=127.0.0.1 port={self.port} user=skillspas dbname=postgres",
                             autocommit=True) as connection:
            connection.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def stop(self) -> None:
        """Stop the server at once and remove its folder."""
        try:
            self._as_user(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "-w", "stop")
        except subprocess.CalledProcessError:
            pass
        shutil.rmtree(self.folder, ignore_errors=True)
