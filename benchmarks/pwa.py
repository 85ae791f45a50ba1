"""The browser build of the verifier (issue 19): download size, cold start, verify time, with the CLI.

Prints: the first download (each file raw and gzip -9, as a server would send it), the cold start to
the first verdict under Node (load Pyodide, unpack skillspas-py.zip, import, verify one credential),
and verify times first and warm for a 20-skill mbo-diploma signed with eddsa-rdfc-2022 and with ecdsa
P-256 — then the same for the CPython verifier (``skillspas.verifier.run.verify_to_text``, the code of
``skillspas verify --json``) in this process, for comparison. Node runs what a phone runs, but on
this machine's CPU and without a browser; then headless Chromium (Playwright, a phone viewport) opens
the installable page from a server on 127.0.0.1 in a fresh profile and times the first visit to the
first verdict, unthrottled (the baseline) and with the CPU throttled 4x (CDP
``Emulation.setCPUThrottlingRate``, a rough mid-range phone), in the same run.

Run: ``.venv/bin/python benchmarks/pwa.py`` (needs node and chromium; ``npm ci`` in verifier/browser first).
Targets (issue 19): first download <= 8 MB, cold start <= 4 s (<= 12 s at 4x), <= 100 ms per credential after start.
"""

from __future__ import annotations

import base64
import gzip
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from credentials import esco_alignment, esco_skills  # noqa: E402
from skillspas.issuer import sign  # noqa: E402
from skillspas.issuer.credentials import build  # noqa: E402
from skillspas.keys import LocalSigner, generate  # noqa: E402
from skillspas.verifier import browser_build  # noqa: E402
from skillspas.verifier.run import verify_to_text  # noqa: E402

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
NOW = "2027-01-15T12:00:00Z"
WARM_RUNS = 20


def diploma(kind: str) -> tuple[str, str]:
    """(issuer DID, JSON text) of a 20-skill mbo-diploma signed with a fresh key of ``kind``."""
    signer = LocalSigner(generate(kind))
    row = json.loads((EXAMPLES / "mbo-diploma" / "kok-anouk-testdata.json").read_text("utf-8"))
    credential = build("mbo-diploma", row, issuer=signer.controller)
    credential["credentialSubject"]["achievement"]["alignment"] = [esco_alignment(u, l) for u, l in esco_skills()[:20]]
    suite = "eddsa-rdfc-2022" if kind == "ed25519" else "ecdsa-rdfc-2019"
    return signer.controller, json.dumps(sign(credential, signer, suite=suite))


def download(build_dir: Path) -> None:
    """Everything a phone downloads on its first visit: the page ("./"), the service worker and every file it
    caches at install (what the page fetches itself is among them), each as ``skillspas verifier`` sends it
    (gzip -9 of the file: ``verifier/page/app.py``); the service worker's own fetches after the page's are 304s."""
    worker = (build_dir / "sw.js").read_text("utf-8")
    cached = json.loads(worker.split("const FILES = ", 1)[1].split(";\n", 1)[0])
    print("first visit (the page, the service worker and all it caches at install; gzip -9 as skillspas verifier sends it):")
    total_raw = total_gz = 0
    before_verdict = {*browser_build.RUNTIME_FILES, browser_build.ARCHIVE, "index.html", "app.mjs", "style.css", "cards.js"}
    first_gz = 0
    for name in ["index.html", "sw.js", *cached]:  # "./" is index.html
        raw = (build_dir / name).read_bytes()
        gz = len(gzip.compress(raw, 9, mtime=0))
        total_raw += len(raw)
        total_gz += gz
        first_gz += gz if name in before_verdict else 0
        if gz > 20_000:
            print(f"  {name:22} {len(raw) / 1e6:7.2f} MB raw {gz / 1e6:7.2f} MB gzip")
    print(f"  {'total':22} {total_raw / 1e6:7.2f} MB raw {total_gz / 1e6:7.2f} MB gzip (target <= 8 MB; "
          f"{first_gz / 1e6:.2f} MB of it before the first verdict)")


def browser(build_dir: Path, cases: list[tuple[str, str, str]]) -> None:
    started = time.perf_counter()
    proc = subprocess.Popen(["node", str(build_dir / "verify.mjs"), str(build_dir)], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, text=True)
    assert proc.stdin is not None and proc.stdout is not None

    def ask(issuer: str, text: str) -> dict:
        request = {"id": "b", "document_b64": base64.b64encode(text.encode()).decode(),
                   "options": {"now": NOW, "trusted_issuers": [issuer]}}
        proc.stdin.write(json.dumps(request) + "\n")
        proc.stdin.flush()
        return json.loads(proc.stdout.readline())

    ready = json.loads(proc.stdout.readline())
    first = ask(cases[0][1], cases[0][2])
    cold = time.perf_counter() - started
    assert json.loads(first["text"])["verified"] is True, first["text"][:500]
    print(f"browser build under Node: runtime ready {ready['ms'] / 1000:.2f} s, "
          f"cold start to first verdict {cold:.2f} s (target <= 4 s)")
    print("  start-up phases (wall / CPU of the Node process, ms): " + ", ".join(
        f"{name} {p['wall']:.0f} / {p['cpu']:.0f}" for name, p in ready.get("phases", {}).items()))
    for label, issuer, text in cases:
        first_ms = first["ms"] if label == cases[0][0] else ask(issuer, text)["ms"]
        warm = statistics.median(ask(issuer, text)["ms"] for _ in range(WARM_RUNS))
        print(f"  {label:28} verify first {first_ms:7.1f} ms, warm {warm:6.1f} ms (median of {WARM_RUNS})")
    proc.stdin.close()
    proc.wait(timeout=30)


def chromium(build_dir: Path, case: tuple[str, str, str], rates: tuple[int, ...] = (1, 4)) -> None:
    """First visit to first verdict of the installable page in headless Chromium, per CPU throttle rate."""
    import functools
    import http.server
    import threading

    from playwright.sync_api import sync_playwright

    class Quiet(http.server.SimpleHTTPRequestHandler):
        extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map, ".mjs": "text/javascript",
                          ".wasm": "application/wasm", ".webmanifest": "application/manifest+json"}

        def log_message(self, *_args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(build_dir)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/index.html"
    label, _issuer, text = case
    print(f"headless Chromium, first visit (fresh profile) to first verdict, {label}:")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", headless=True,
                                             args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"])
        for rate in rates:
            context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
            page = context.new_page()
            context.new_cdp_session(page).send("Emulation.setCPUThrottlingRate", {"rate": rate})
            started = time.perf_counter()
            page.goto(url)
            page.wait_for_selector("#verify:not([disabled])", timeout=300_000)
            ready = time.perf_counter() - started
            page.fill("#input", text)
            page.click("#verify")
            verdict = page.wait_for_selector("#verdict:not([hidden])", timeout=300_000)
            cold = time.perf_counter() - started
            assert verdict.get_attribute("data-verdict") == "valid", verdict.inner_text()
            steps = page.evaluate("performance.getEntriesByType('measure').map((m) => [m.name, m.duration])")
            target = {1: "<= 4 s", 4: "<= 12 s"}.get(rate, "none")
            print(f"  CPU {'unthrottled (baseline)' if rate == 1 else f'throttled {rate}x':24} page ready {ready:5.2f} s, "
                  f"first verdict {cold:5.2f} s (target {target})")
            print("    steps (ms): " + ", ".join(f"{name} {ms:.0f}" for name, ms in steps))
            context.close()
        browser.close()
    server.shutdown()


def cli(cases: list[tuple[str, str, str]]) -> None:
    print("CLI verifier (CPython, this process; the code of `skillspas verify --json`):")
    for label, issuer, text in cases:
        times = []
        for _ in range(WARM_RUNS + 1):
            t0 = time.perf_counter()
            out = verify_to_text(text.encode(), trusted_issuers=[issuer], now=NOW)
            times.append((time.perf_counter() - t0) * 1000)
        assert json.loads(out)["verified"] is True
        print(f"  {label:28} verify first {times[0]:7.1f} ms, warm {statistics.median(times[1:]):6.1f} ms")


def main() -> None:
    print(f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())} ({os.cpu_count()} CPUs): compare the CPU figures when it is high")
    cases = [("mbo-diploma 20 skills eddsa", *diploma("ed25519")), ("mbo-diploma 20 skills P-256", *diploma("p256"))]
    with tempfile.TemporaryDirectory() as tmp:
        build_dir = Path(tmp)
        browser_build.build(build_dir, settings={"trusted_issuers": [issuer for _, issuer, _ in cases]})
        download(build_dir)
        browser(build_dir, cases)
        chromium(build_dir, cases[0])
    cli(cases)


if __name__ == "__main__":
    main()
