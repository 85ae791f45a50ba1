"""The installable offline page (issue 19) in Chromium: load once, go offline, reload, verify on the phone.

``skillspas verifier --build-static`` writes the page with the world's bundle and trust anchor; a
static HTTP server on 127.0.0.1 serves it (as any host would). After the first load the network is
cut (Playwright's offline mode): the reload must come from the service worker, and the verdicts
must be those of ``skillspas verify``. No request may leave 127.0.0.1. The bundle is kept on the
phone: offline, the kept one is used, its age is shown, and a month later (the phone's clock moved
on, still offline) its status lists are too old: the orange verdict of the laptop, with the CLI's code.
The laptop's ``skillspas verifier`` serves the same installable page under ``/app/``.
"""

from __future__ import annotations

import datetime as dt
import functools
import http.server
import json
import threading
import urllib.request
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
LATER = dt.timedelta(days=30)  # the phone offline for a month: longer than the default --max-status-age 7d


class _Quiet(http.server.SimpleHTTPRequestHandler):
    extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map, ".mjs": "text/javascript",
                      ".wasm": "application/wasm", ".webmanifest": "application/manifest+json"}

    def log_message(self, *_args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Any:
    parity.ensure_runtime()
    browserkit.have_browser_tools()
    return pageworld.PageWorld(tmp_path_factory.mktemp("offline-world")).build()


@pytest.fixture(scope="module")
def site(world: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    out = tmp_path_factory.mktemp("offline-site")
    built = CliRunner().invoke(app, ["verifier", "--build-static", str(out), "--bundle", str(world.files["bundle"]),
                                     "--trust-anchor", world.anchor.controller])
    assert built.exit_code == 0, built.output
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(out)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()


@pytest.fixture(scope="module")
def laptop(world: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    log = tmp_path_factory.mktemp("laptop-page") / "server.log"
    running = browserkit.start_server("--bundle", str(world.files["bundle"]), "--trust-anchor", world.anchor.controller, log=log)
    yield running.url
    running.stop()


@pytest.fixture()
def phone() -> Iterator[Any]:
    """A browser context with a phone's viewport and touch, recording every request."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=browserkit.CHROMIUM, headless=True,
                                             args=list(browserkit.CHROMIUM_FLAGS))
        context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
        context.requests = []
        context.on("request", lambda request: context.requests.append(request.url))
        yield context
        browser.close()


def _cli(world: Any, name: str, now: dt.datetime | None = None) -> dict[str, Any]:
    args = ["verify", str(world.files[name]), "--json", "--bundle", str(world.files["bundle"]),
            "--trust-anchor", world.anchor.controller]
    if now is not None:
        args += ["--now", now.isoformat().replace("+00:00", "Z")]
    return json.loads(CliRunner().invoke(app, args).stdout)


def _code(body: dict[str, Any]) -> str:
    problems = body["errors"] or body["warnings"] or [w for c in body.get("credentials", []) for w in c["warnings"]]
    return (problems or [{"code": ""}])[0]["code"]


def _load(page: Any, url: str) -> None:
    page.goto(url)
    page.wait_for_selector("#verify:not([disabled])", timeout=120_000)


def _check(page: Any, world: Any, name: str) -> dict[str, str | None]:
    page.evaluate("document.getElementById('verdict').hidden = true")
    page.fill("#input", world.files[name].read_text("utf-8"))
    page.click("#verify")
    verdict = page.wait_for_selector("#verdict:not([hidden])")
    return {key: verdict.get_attribute(f"data-{key}") for key in ("verified", "code", "verdict")}


def _expected(body: dict[str, Any]) -> dict[str, str | None]:
    colour = ("warning" if _code(body) else "valid") if body["verified"] else "invalid"
    return {"verified": str(body["verified"]).lower(), "code": _code(body), "verdict": colour}


def test_the_page_verifies_on_the_phone_after_going_offline(site, world, phone):
    page = phone.new_page()
    _load(page, site + "index.html")
    names = page.evaluate("navigator.serviceWorker.ready.then(() => new Promise(r => setTimeout(r, 500))).then(() => caches.keys())")
    assert sorted(n.split("-")[1] for n in names) == ["bundle", "verifier"], names
    phone.set_offline(True)
    page.reload()
    page.wait_for_selector("#verify:not([disabled])", timeout=120_000)
    assert page.get_attribute("#bundle-info", "data-age-days") == "0"  # the kept bundle, not "no bundle"
    for name in ("diploma", "revoked", "tampered"):
        assert _check(page, world, name) == _expected(_cli(world, name)), name
    assert phone.requests and all(url.startswith(site) for url in phone.requests), phone.requests


def test_a_month_offline_the_kept_bundle_is_too_old_and_the_verdict_is_orange_as_in_the_cli(site, world, phone):
    page = phone.new_page()
    _load(page, site + "index.html")
    page.evaluate("navigator.serviceWorker.ready.then(() => new Promise(r => setTimeout(r, 500)))")
    phone.set_offline(True)
    later = dt.datetime.now(dt.timezone.utc) + LATER
    page.clock.install(time=later)  # the phone's clock, for the page and for Pyodide's datetime.now()
    page.reload()
    page.wait_for_selector("#verify:not([disabled])", timeout=120_000)
    assert page.get_attribute("#bundle-info", "data-old") == "true"
    assert int(page.get_attribute("#bundle-info", "data-age-days")) >= LATER.days
    cli = _cli(world, "diploma", now=later)
    assert cli["verified"] is True and _code(cli), cli  # valid, with the CLI's staleness warning
    got = _check(page, world, "diploma")
    assert got == _expected(cli) and got["verdict"] == "warning", got
    colour = page.evaluate("getComputedStyle(document.getElementById('verdict')).borderTopColor")
    assert colour == "rgb(240, 160, 30)", colour  # the laptop page's --warning orange (style.css)
    assert all(url.startswith(site) for url in phone.requests)


def test_the_laptop_page_serves_the_installable_page_and_links_to_it(laptop, world, phone):
    with urllib.request.urlopen(laptop + "app/") as answer:
        policy = answer.headers["content-security-policy"]
        assert "script-src 'self' 'wasm-unsafe-eval'" in policy and "connect-src 'self'" in policy, policy
    page = phone.new_page()
    page.goto(laptop)
    page.click("#phone-link a")
    page.wait_for_selector("#verify:not([disabled])", timeout=120_000)
    assert page.url == laptop + "app/"
    assert page.get_attribute("#bundle-info", "data-age-days") == "0"
    page.evaluate("navigator.serviceWorker.ready.then(() => new Promise(r => setTimeout(r, 500)))")
    phone.set_offline(True)
    page.reload()
    page.wait_for_selector("#verify:not([disabled])", timeout=120_000)
    for name in ("diploma", "revoked"):
        assert _check(page, world, name) == _expected(_cli(world, name)), name
    assert all(url.startswith(laptop) for url in phone.requests)
