"""The browser build (Pyodide, issue 19) gives byte for byte the result JSON of ``skillspas verify --json``.

The build is what a phone loads: the Pyodide runtime pinned in ``verifier/browser/package-lock.json``
(``npm ci`` runs when ``node_modules/`` is missing) and ``skillspas-py.zip`` with the pure fallbacks.
Node runs it (``verifier/browser/verify.mjs``), started once for the module. The CLI runs in process
(typer's runner) with the same inputs and the same fixed ``--now``. Without node or npm these tests
FAIL (never skipped), as the interop tests do.
"""

from __future__ import annotations

import base64
import copy
import functools
import importlib.util
import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any, Iterator

import pytest
from typer.testing import CliRunner

from skillspas.issuer import sign
from skillspas.issuer.cli import app
from skillspas.issuer.credentials import build as build_credential
from skillspas.keys import LocalSigner, generate
from skillspas.verifier import browser_build

ROOT = Path(__file__).resolve().parents[2]
VECTORS = ROOT / "tests" / "data" / "vectors"
TEST_CONTEXTS = ROOT / "tests" / "data" / "contexts"
EXAMPLES = ROOT / "examples"
NOW = "2027-01-15T12:00:00Z"  # after every credential built here was issued: the same instant on both sides
W3C_VECTORS = [
    VECTORS / "vc-di-eddsa/eddsa-rdfc-2022/signedDataInt.json",
    VECTORS / "vc-di-ecdsa/ecdsa-rdfc-2019-p256/signedECDSAP256.json",
    VECTORS / "vc-di-ecdsa/ecdsa-rdfc-2019-p384/signedECDSAP384.json",
    VECTORS / "vc-di-eddsa/proof-set-chain/signedProofSet1.json",
]


@functools.cache
def _pageworld() -> Any:
    """tests/page/pageworld.py (the page tests' world: trust list, bundle, revoked and tampered credentials)."""
    spec = importlib.util.spec_from_file_location("_skillspas_browser_pageworld", ROOT / "tests/page/pageworld.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def ensure_runtime() -> str:
    """Return the path of ``node``; ``npm ci`` in verifier/browser when the runtime is missing. Fails, never skips."""
    node, npm = shutil.which("node"), shutil.which("npm")
    if node is None or npm is None:
        pytest.fail(f"the browser build tests need Node.js and npm on PATH (node: {node}, npm: {npm})")
    try:
        browser_build.runtime_folder()
    except FileNotFoundError:
        proc = subprocess.run([npm, "ci", "--no-audit", "--no-fund"], cwd=browser_build.BROWSER,
                              capture_output=True, text=True, timeout=900)
        if proc.returncode != 0:
            pytest.fail(f"`npm ci` in {browser_build.BROWSER} failed:\n{proc.stderr[-2000:]}")
    return node


class Browser:
    """One Node process running the browser build; requests and answers are JSON lines."""

    def __init__(self, node: str, build: Path) -> None:
        self.proc = subprocess.Popen([node, str(build / "verify.mjs"), str(build)], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, encoding="utf-8")
        self.ready = self._answer()
        assert self.ready.get("ready") is True, self.ready

    def _answer(self) -> dict[str, Any]:
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline()
        if not line:
            assert self.proc.stderr is not None
            pytest.fail("the browser build stopped:\n" + self.proc.stderr.read()[-3000:])
        return json.loads(line)

    def verify(self, data: bytes, files: dict[str, str], **options: Any) -> str:
        assert self.proc.stdin is not None
        request = {"id": "1", "document_b64": base64.b64encode(data).decode(), "files": files, "options": options}
        self.proc.stdin.write(json.dumps(request) + "\n")
        self.proc.stdin.flush()
        answer = self._answer()
        return answer["text"]

    def close(self) -> None:
        if self.proc.stdin is not None:
            self.proc.stdin.close()
        self.proc.wait(timeout=30)


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Browser]:
    node = ensure_runtime()
    build = tmp_path_factory.mktemp("browser-build")
    browser_build.build(build)
    runner = Browser(node, build)
    runner.build = build
    yield runner
    runner.close()


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Any:
    return _pageworld().PageWorld(tmp_path_factory.mktemp("browser-world")).build()


def _folder_files(folder: Path, target: str) -> dict[str, str]:
    """The text files of ``folder`` as Pyodide paths under ``target``."""
    return {f"{target}/{p.relative_to(folder).as_posix()}": p.read_text("utf-8") for p in sorted(folder.rglob("*")) if p.is_file()}


def both(browser: Browser, tmp: Path, data: bytes, *, bundle: Path | None = None, contexts: Path | None = None,
         trusted_issuers: list[str] = (), trust_anchors: list[str] = ()) -> tuple[str, str]:
    """(CLI stdout, browser text + newline) for one input with the same options and ``NOW``."""
    document = tmp / "input.json"
    document.write_bytes(data)
    args = ["verify", str(document), "--json", "--now", NOW]
    files: dict[str, str] = {}
    options: dict[str, Any] = {"now": NOW}
    if bundle is not None:
        args += ["--bundle", str(bundle)]
        files["/tmp/in/bundle.json"] = bundle.read_text("utf-8")
        options["bundle"] = "/tmp/in/bundle.json"
    if contexts is not None:
        args += ["--contexts", str(contexts)]
        files.update(_folder_files(contexts, "/tmp/in/contexts"))
        options["contexts"] = "/tmp/in/contexts"
    for did in trusted_issuers:
        args += ["--trust-issuer", did]
    for did in trust_anchors:
        args += ["--trust-anchor", did]
    if trusted_issuers:
        options["trusted_issuers"] = list(trusted_issuers)
    if trust_anchors:
        options["trust_anchors"] = list(trust_anchors)
    cli = CliRunner().invoke(app, args)
    assert cli.exception is None or isinstance(cli.exception, SystemExit), cli.exception
    return cli.stdout, browser.verify(data, files, **options) + "\n"


WORLD_CASES = ["diploma", "revoked", "misnamed", "praktijkverklaring", "evc", "microcredential", "passport",
               "mixed_passport", "tampered"]


@pytest.mark.parametrize("name", WORLD_CASES)
def test_the_browser_build_gives_the_cli_result_for_a_world_credential(browser, world, tmp_path, name):
    cli, page = both(browser, tmp_path, world.files[name].read_bytes(), bundle=world.files["bundle"],
                     trust_anchors=[world.anchor.controller])
    assert json.loads(cli)["checks"], cli  # a real verification ran, not a refusal
    assert page == cli


def _example_credentials() -> Iterator[tuple[str, str, str]]:
    for folder in sorted(p for p in EXAMPLES.iterdir() if p.is_dir()):
        for row in sorted(folder.glob("*.json")):
            yield folder.name, row.stem, f"{folder.name}/{row.stem}"


@pytest.mark.parametrize("kind, name", [c[:2] for c in _example_credentials()], ids=[c[2] for c in _example_credentials()])
def test_every_example_credential_gives_the_same_result_in_the_browser_build(browser, tmp_path, kind, name):
    # ECDSA P-256 for the certificates and micro-credentials and every co-signature, Ed25519 otherwise
    ecdsa = kind in ("mbo-certificaat", "microcredential")
    roc, cosigner = LocalSigner(generate("p256" if ecdsa else "ed25519")), LocalSigner(generate("p256"))
    row = json.loads((EXAMPLES / kind / f"{name}.json").read_text("utf-8"))
    extra = {"cosigner": cosigner.controller} if kind == "praktijkverklaring" else {}
    credential = sign(build_credential(kind, row, issuer=roc.controller, **extra), roc,
                      suite="ecdsa-rdfc-2019" if ecdsa else "eddsa-rdfc-2022")
    if extra:
        credential = sign(credential, cosigner, append=True, suite="ecdsa-rdfc-2019")
    cli, page = both(browser, tmp_path, json.dumps(credential).encode(), trusted_issuers=[roc.controller])
    assert json.loads(cli)["verified"] is True, cli
    assert page == cli


@pytest.mark.parametrize("path", W3C_VECTORS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_the_w3c_vectors_give_the_same_result_in_the_browser_build(browser, tmp_path, path):
    document = json.loads(path.read_text("utf-8"))
    issuer = document["issuer"] if isinstance(document["issuer"], str) else document["issuer"]["id"]
    cli, page = both(browser, tmp_path, path.read_bytes(), contexts=TEST_CONTEXTS, trusted_issuers=[issuer])
    assert json.loads(cli)["proofs"], cli
    assert page == cli


def _small_order_r(credential: dict[str, Any]) -> dict[str, Any]:
    """The credential with its Ed25519 signature's R replaced by the identity point (small order)."""
    from skillspas.keys.base58btc import decode, encode

    changed = copy.deepcopy(credential)
    signature = decode(changed["proof"]["proofValue"][1:])
    changed["proof"]["proofValue"] = "z" + encode((1).to_bytes(32, "little") + signature[32:])
    return changed


def _hostile(world: Any) -> dict[str, bytes]:
    diploma = world.credentials["diploma"]
    text = json.dumps(diploma)
    zlib_bomb = _pageworld().zlib_bomb_text()
    return {
        "duplicate key": text.replace('{"@context"', '{"id": "urn:x", "id": "urn:y", "@context"', 1).encode(),
        "not json": b"{\"@context\": [",
        "not utf-8": b"\xff\xfe{}",
        "deep nesting": world.files["deep"].read_bytes(),
        "undefined term": json.dumps({**diploma, "nietGedefinieerd": 1}).encode(),
        "small-order R": json.dumps(_small_order_r(diploma)).encode(),
        "qr zlib bomb": zlib_bomb.encode(),
        "qr text": __import__("skillspas.verifier.qr", fromlist=["encode_payload"]).encode_payload(
            diploma, dictionary=None).encode(),  # SP1: the browser build ships no vocabulary dictionary (yet)
    }


HOSTILE = ["duplicate key", "not json", "not utf-8", "deep nesting", "undefined term", "small-order R",
           "qr zlib bomb", "qr text"]


@pytest.mark.parametrize("case", HOSTILE)
def test_a_hostile_input_gives_the_same_refusal_in_the_browser_build(browser, world, tmp_path, case):
    cli, page = both(browser, tmp_path, _hostile(world)[case], bundle=world.files["bundle"],
                     trust_anchors=[world.anchor.controller])
    if case != "qr text":
        assert json.loads(cli)["verified"] is False, cli
    assert page == cli


@pytest.mark.parametrize("name", ["diploma", "revoked", "passport"])
def test_an_sp4_qr_text_gives_the_cli_result_in_the_browser_build_which_ships_the_qr_dictionary(browser, world, tmp_path, name):
    from skillspas.verifier.qr import encode_payload

    text = encode_payload(world.credentials[name])
    assert text.startswith("SP4:")  # its alignments travel as numbers of the vocabulary dictionary
    cli, page = both(browser, tmp_path, text.encode(), bundle=world.files["bundle"], trust_anchors=[world.anchor.controller])
    assert json.loads(cli)["checks"], cli
    assert page == cli


def test_a_phones_first_visit_to_skillspas_verifier_downloads_at_most_8_mb_gzip(browser, world):
    """Everything a phone downloads on its first visit: the page and what it fetches, the service worker and every
    file it caches at install (the extra archive too), as ``skillspas verifier`` sends them (gzip-encoded); the
    worker's install after the page's own fetches is answered 304 (the browser revalidates its copy)."""
    import gzip
    import io
    import re
    import zipfile

    from fastapi.testclient import TestClient

    from skillspas.verifier.page import PageSettings, create_page_app

    name, dictionary = browser_build.dictionary_file()
    assert name in zipfile.ZipFile(browser.build / browser_build.EXTRA_ARCHIVE).namelist()
    assert len(gzip.compress(dictionary, 9)) < 1_000_000
    settings = PageSettings(bundle=world.bundle(), trust_anchors=(world.anchor.controller,))
    client = TestClient(create_page_app(settings), base_url="http://127.0.0.1:8765")
    worker = client.get("/app/sw.js").text
    cached = json.loads(re.search(r"const FILES = (\[.*\]);", worker).group(1))
    assert {*browser_build.RUNTIME_FILES, *browser_build.QR_READER_FILES, *browser_build.NPM_FILES,
            browser_build.ARCHIVE, browser_build.EXTRA_ARCHIVE, "index.html", "app.mjs"} <= set(cached)
    sent: dict[str, int] = {}
    for file in ["", "sw.js", *cached, "bundle.json"]:  # "./", the worker, what it caches, the bundle it keeps
        with client.stream("GET", "/app/" + file, headers={"accept-encoding": "gzip, deflate, br"}) as answer:
            assert answer.status_code == 200 and answer.headers["content-encoding"] == "gzip", file
            sent[file] = len(b"".join(answer.iter_raw()))
            etag = answer.headers["etag"]
        again = client.get("/app/" + file, headers={"accept-encoding": "gzip", "if-none-match": etag})
        assert again.status_code == 304 and not again.content, file
    plain = client.get("/app/" + browser_build.ARCHIVE, headers={"accept-encoding": "identity"})
    assert "content-encoding" not in plain.headers and plain.content == (browser.build / browser_build.ARCHIVE).read_bytes()
    assert sum(sent.values()) <= 8_000_000, sorted(sent.items(), key=lambda item: -item[1])


def test_the_browser_build_ships_what_the_page_imports_at_start_as_bytecode_of_the_same_sources(browser):
    import io
    import zipfile

    served = zipfile.ZipFile(browser.build / browser_build.ARCHIVE).namelist()
    compiled = {name[:-1] for name in served if name.endswith(".pyc")}
    assert "skillspas/verifier/run.py" in compiled and "pyld/jsonld.py" in compiled
    assert {name[:-1] if name.endswith(".pyc") else name for name in served} == set(
        zipfile.ZipFile(io.BytesIO(browser_build.python_archive())).namelist())  # the same files, some compiled
    stdlib = zipfile.ZipFile(browser.build / "python_stdlib.zip").namelist()
    assert "asyncio/base_events.pyc" in stdlib and "asyncio/base_events.py" not in stdlib
    assert (browser.build / browser_build.EXTRA_ARCHIVE).read_bytes() == browser_build.extra_archive()


def test_the_qr_reader_both_pages_serve_is_the_pinned_npm_packages():
    ensure_runtime()
    package = browser_build.runtime_folder().parent / "zxing-wasm"
    pinned = json.loads((browser_build.BROWSER / "package.json").read_text("utf-8"))["dependencies"]["zxing-wasm"]
    assert json.loads((package / "package.json").read_text("utf-8"))["version"] == pinned
    vendor = browser_build.HERE / "page" / "static" / "vendor"
    for name, path in (("zxing-reader.js", "dist/iife/reader/index.js"), ("zxing_reader.wasm", "dist/reader/zxing_reader.wasm"),
                       ("zxing-wasm.LICENSE", "LICENSE")):
        assert (vendor / name).read_bytes() == (package / path).read_bytes(), name
    assert f"zxing-wasm {pinned}" in (vendor / "README.md").read_text("utf-8")
