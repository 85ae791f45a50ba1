"""The installable offline page (issue 19) in Chromium: load once, go offline, reload, verify on the phone.

``skillspas verifier --build-static`` writes the page with the world's bundle and trust anchor; a
static HTTP server on 127.0.0.1 serves it (as any host would). After the first load the network is
cut (Playwright's offline mode): the reload must come from the service worker, and the verdicts
must be those of ``skillspas verify``. No request may leave 127.0.0.1.
"""

from __future__ import annotations

import functools
import http.server
import json
import threading
from pathlib import Path
from typing import Any, Iterator

import pytest
from typer.testing import CliRunner

from skillspas.issuer.cli import app
from helpers import load_module

ROOT = Path(__file__).resolve().parents[2]


browserkit = load_module("_offline_browserkit", ROOT / "tests/page/browserkit.py")
pageworld = load_module("_offline_pageworld", ROOT / "tests/page/pageworld.py")
parity = load_module("_offline_parity", ROOT / "tests/browser/test_browser_parity.py")


class _Quiet(http.server.SimpleHTTPRequestHandler):
    extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map, ".mjs": "text/javascript",
                      ".wasm": "application/wasm", ".webmanifest": "application/manifest+json"}

    def log_message(self, *_args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Any]]:
    parity.ensure_runtime()
    world = pageworld.PageWorld(tmp_path_factory.mktemp("offline-world")).build()
    out = tmp_path_factory.mktemp("offline-site")
    built = CliRunner().invoke(app, ["verifier", "--build-static", str(out), "--bundle", str(world.files["bundle"]),
                                     "--trust-anchor", world.anchor.controller])
    assert built.exit_code == 0, built.output
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(out)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/", world
    server.shutdown()


def _cli_verdict(world: Any, name: str) -> tuple[bool, str]:
    result = CliRunner().invoke(app, ["verify", str(world.files[name]), "--json", "--bundle", str(world.files["bundle"]),
                                      "--trust-anchor", world.anchor.controller])
    body = json.loads(result.stdout)
    code = (body["errors"] or body["warnings"] or [{"code": ""}])[0]["code"]
    return body["verified"], code


def test_the_page_verifies_on_the_phone_after_going_offline(site):
    base, world = site
    browserkit.have_browser_tools()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=browserkit.CHROMIUM, headless=True,
                                             args=list(getattr(browserkit, "CHROMIUM_FLAGS", ())))
        context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
        requests: list[str] = []
        context.on("request", lambda request: requests.append(request.url))
        page = context.new_page()
        page.goto(base + "index.html")
        page.wait_for_selector("#verify:not([disabled])", timeout=120_000)
        assert page.evaluate("navigator.serviceWorker.ready.then(() => caches.keys()).then(k => k.length)", ) == 1
        context.set_offline(True)
        page.reload()
        page.wait_for_selector("#verify:not([disabled])", timeout=120_000)
        for name in ("diploma", "revoked", "tampered"):
            page.fill("#input", world.files[name].read_text("utf-8"))
            page.click("#verify")
            verdict = page.wait_for_selector("#verdict:not([hidden])")
            verified, code = _cli_verdict(world, name)
            assert verdict.get_attribute("data-verified") == str(verified).lower(), (name, verdict.inner_text())
            assert verdict.get_attribute("data-code") == code, name
            page.evaluate("document.getElementById('verdict').hidden = true")
        browser.close()
    assert requests and all(url.startswith(base) for url in requests), [u for u in requests if not u.startswith(base)]
