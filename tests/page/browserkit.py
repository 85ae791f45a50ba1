"""Real headless Chromium (Debian's) driven by Playwright's Python client, and the page's server.

``ensure_chromium()`` installs Debian's ``chromium`` when it is missing and ``ensure_playwright()``
the Playwright client (pip): a missing tool is installed or the test fails; nothing is skipped.
``start_server()`` runs ``skillspas verifier`` as a user does, on a free port of 127.0.0.1.
``Recorder`` keeps every request, console message and page error of a browser context, so a
test can assert that the page made no request off 127.0.0.1 and logged no error.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


def ensure_chromium() -> str:
    """The path of Debian's Chromium, installing the package when it is missing."""
    if not Path(CHROMIUM).exists():
        env = {"DEBIAN_FRONTEND": "noninteractive", "PATH": "/usr/sbin:/usr/bin:/sbin:/bin"}
        subprocess.run(["apt-get", "update", "-qq"], check=True, env=env, capture_output=True, timeout=600)
        subprocess.run(["apt-get", "install", "-y", "-qq", "chromium"], check=True, env=env, capture_output=True, timeout=900)
    assert Path(CHROMIUM).exists(), "Debian's chromium did not install"
    return CHROMIUM


def ensure_playwright() -> None:
    """Playwright's Python client (no browser download: Debian's Chromium is used)."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        subprocess.run([sys.executable, "-m", "pip", "install", "-q", "playwright>=1.45"], check=True, timeout=600)


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Server:
    """A running ``skillspas verifier`` process."""

    process: subprocess.Popen[bytes]
    port: int
    log: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)


def start_server(*args: str, log: Path, timeout: float = 60.0) -> Server:
    """Start ``skillspas verifier --port P *args`` and wait until it answers."""
    port = free_port()
    command = [sys.executable, "-c", "from skillspas.issuer.cli import main; main()", "verifier", "--port", str(port), *args]
    handle = log.open("wb")
    process = subprocess.Popen(command, stdout=handle, stderr=subprocess.STDOUT)
    server = Server(process, port, log)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"skillspas verifier exited with {process.returncode}: {log.read_text(errors='replace')}")
        try:
            with urllib.request.urlopen(server.url + "api/info", timeout=2) as answer:
                if answer.status == 200:
                    return server
        except OSError:
            time.sleep(0.2)
    server.stop()
    raise AssertionError(f"skillspas verifier did not answer within {timeout} s: {log.read_text(errors='replace')}")


@dataclass
class Recorder:
    """Every request, console message and page error seen in one browser context."""

    requests: list[str] = field(default_factory=list)
    console: list[tuple[str, str]] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)

    def attach(self, context: Any) -> None:
        context.on("request", lambda request: self.requests.append(request.url))
        context.on("page", self._page)

    def _page(self, page: Any) -> None:
        page.on("console", lambda message: self.console.append((message.type, message.text)))
        page.on("pageerror", lambda error: self.page_errors.append(str(error)))

    def errors(self) -> list[str]:
        return [text for kind, text in self.console if kind == "error"] + self.page_errors

    def off_host(self, base: str) -> list[str]:
        return [url for url in self.requests if not url.startswith(base)]


def have_browser_tools() -> None:
    """Install what the browser tests need (a failure here fails the tests, it never skips them)."""
    ensure_playwright()
    ensure_chromium()
    if shutil.which("chromium") is None and not Path(CHROMIUM).exists():  # pragma: no cover - ensured above
        raise AssertionError("chromium is not installed")
