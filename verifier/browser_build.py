"""The browser build of the verifier (issue 19): the same verification code, run by Pyodide.

Usage::

    python -m skillspas.verifier.browser_build OUT_DIR      # or build(Path("out/pwa"))

``OUT_DIR`` receives the Pyodide runtime and the PDF image decoder UTIF.js (from the npm packages
pinned in ``verifier/browser/``: ``npm ci`` there first), the QR reader zxing-wasm (its pinned files,
committed in ``verifier/page/static/vendor/``: the laptop page's), ``skillspas-py.zip`` (skillspas's schemas, keys and verifier packages,
the pure-Python packages they import, taken from this interpreter so the versions are the CLI's,
and the browser-only fallbacks of ``verifier/browser/shims``), ``skillspas-extra.zip`` (what only a PDF or
a QR code needs: pypdf and the QR vocabulary dictionary; the page loads it then) and ``SHA256SUMS``.

Start-up speed (issue 19): the modules the page imports at every start, of ``skillspas-py.zip`` and of
the runtime's standard library, are shipped as bytecode compiled by the pinned Pyodide itself
(``verifier/browser/bytecode.mjs``, run by Node), so the phone does not compile them.

The fallbacks stand in for compiled packages that Pyodide's npm package does not hold
(``BROWSER_FALLBACKS``); ``tests/test_layering.py`` keeps any other compiled package out of the
verify path. Nothing here touches the network.
"""

from __future__ import annotations

import hashlib
import importlib.util
import io
import json
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path
from typing import Any, Final, Iterator

from skillspas.schemas.jsonio import read_json_file
from skillspas.verifier.page.texts import page_html

__all__ = ["build", "python_archive", "extra_archive", "bytecode", "PURE_PACKAGES", "EXTRA_PACKAGES", "ARCHIVE", "EXTRA_ARCHIVE", "BROWSER_FALLBACKS", "OPTIONAL_IMPORTS", "STDLIB_LEFT_OUT", "RUNTIME_FILES",
           "QR_READER_FILES", "NPM_FILES", "runtime_folder",
           "runtime_version", "install_runtime", "site_files"]

HERE: Final = Path(__file__).resolve().parent
ROOT: Final = HERE.parent  # the folder holding schemas/, keys/, verifier/
BROWSER: Final = HERE / "browser"
SHIMS: Final = BROWSER / "shims"
# Pure-Python packages the verify path imports (with their own imports), copied from this interpreter.
PURE_PACKAGES: Final = (
    "pyld", "c14n", "cachetools", "frozendict", "jsonschema", "jsonschema_specifications", "referencing",
    "attr", "attrs", "typing_extensions", "ecdsa", "six",
)
# Loaded by the page only when an input needs them (``EXTRA_ARCHIVE``): the passport PDF on the phone
# (verifier/pdf.py's bounds and codes, verifier/browser/phone.py); the QR dictionary goes with it.
EXTRA_PACKAGES: Final = ("pypdf",)
ARCHIVE: Final = "skillspas-py.zip"
EXTRA_ARCHIVE: Final = "skillspas-extra.zip"
# Compiled package -> what stands in for it in the browser build only (verifier/browser/shims).
BROWSER_FALLBACKS: Final = {
    "cryptography": "cryptography (verify only, over python-ecdsa: skillspas_pure_crypto)",
    "nacl": "nacl.bindings.crypto_sign_open (libsodium's rules, over python-ecdsa)",
    "rpds": "rpds (persistent collections by copying, for referencing)",
    "lxml": "lxml.html (pyld's HTML loader, never used by skillspas)",
    "sqlite3": "sqlite3 (imported with the vocabulary index, never opened: the QR dictionary ships as JSON)",
    "lzma": "lzma (imported with the vocabulary modules, never used: no .xz file is read)",
}
# Imported on the verify path only when present, never used: pyld builds its default (network) loader
# with requests at import and falls back to a dummy loader without it; skillspas gives pyld its own
# offline loader. The browser build leaves them out.
# idna: jsonschema imports it for the "idn-hostname" format, which skillspas never checks (FormatChecker(("date",))).
OPTIONAL_IMPORTS: Final = ("requests", "urllib3", "charset_normalizer", "certifi", "idna")
# Left out of the runtime's standard library (python_stdlib.zip): developer tools (REPL, debugger, profilers,
# tests, docs), mail, FTP and RPC clients and servers, and other platforms' support. The verifier page never
# imports them (and never touches the network); the build fails if what it imports at start includes one.
STDLIB_LEFT_OUT: Final = (
    "__hello__", "__phello__", "antigravity", "this", "_pyrepl", "pdb", "bdb", "cProfile", "profile", "pstats",
    "trace", "timeit", "tabnanny", "pyclbr", "modulefinder", "doctest", "unittest", "pydoc", "zipapp", "webbrowser",
    "ftplib", "imaplib", "poplib", "smtplib", "mailbox", "xmlrpc", "wsgiref",
    "_android_support", "_apple_support", "_ios_support",
)
SKILLSPAS_PACKAGES: Final = ("schemas", "keys", "verifier")
_SKIPPED: Final = ("verifier/browser", "verifier/page", "__pycache__")
# The laptop page's words and input rules (no FastAPI, no vocabulary index): the phone page's verdicts say
# the same; and the phone page's Python side.
_PAGE_WORDS: Final = ("verifier/page/__init__.py", "verifier/page/texts.py", "verifier/page/inputs.py",
                      "verifier/page/view.py", "verifier/browser/phone.py")
# Data of the skills search index (schemas/vocab_index.py, for `passport bridge` and the page's search),
# not of verification: 3 MB of the 4 the archive would otherwise weigh.
_SEARCH_INDEX_DATA: Final = frozenset(
    f"schemas/data/vocab/{name}" for name in (
        "skills_en.csv.xz", "occupations_en.csv.xz", "occupationSkillRelations.csv.xz",
        "esco-skills-nl-labels.csv.xz", "esco-occupations-nl-labels.csv.xz",
    )
)
RUNTIME_FILES: Final = ("pyodide.mjs", "pyodide.asm.js", "pyodide.asm.wasm", "python_stdlib.zip", "pyodide-lock.json")
# The QR reader of both pages (zxing-wasm, committed with its record in verifier/page/static/vendor/).
QR_READER_FILES: Final = ("zxing-reader.js", "zxing_reader.wasm")
# From the same npm install as the runtime (package-lock.json): the CCITT fax decoder for a passport PDF's
# QR images (fpdf2 stores them so; Pyodide has no Pillow), and the inflate it loads.
NPM_FILES: Final = {"UTIF.js": "utif/UTIF.js", "pako_inflate.min.js": "pako/dist/pako_inflate.min.js"}
_EPOCH: Final = (1980, 1, 1, 0, 0, 0)  # fixed zip timestamps: the same sources give the same archive


def runtime_version() -> str:
    """The Pyodide version pinned in verifier/browser/package.json (the lock file holds its integrity hash)."""
    version: str = read_json_file(BROWSER / "package.json")["dependencies"]["pyodide"]
    return version


def _runtime_home() -> Path:
    """Where ``install_runtime`` puts the pinned runtime for an installed skillspas (no source checkout)."""
    from skillspas.schemas.cachedir import cache_folder

    return cache_folder() / f"pyodide-{runtime_version()}"


def runtime_folder() -> Path:
    """The Pyodide runtime: ``npm ci`` in verifier/browser (a source checkout), else the one
    ``install_runtime`` put in the cache; FileNotFoundError if neither holds it."""
    for folder in (BROWSER / "node_modules" / "pyodide", _runtime_home() / "node_modules" / "pyodide"):
        if (folder / "pyodide.asm.wasm").is_file() and all((folder.parent / f).is_file() for f in NPM_FILES.values()):
            return folder
    raise FileNotFoundError(f"no Pyodide runtime {runtime_version()}: run `npm ci` in {BROWSER}, "
                            f"or let `skillspas verifier --build-static` install it into {_runtime_home()} (needs npm)")


def install_runtime(npm: str | None = None) -> Path:
    """Install the pinned runtime into the cache with ``npm ci`` (the package's own package.json and
    package-lock.json: npm checks the integrity hash of what it downloads); return its folder.

    A build step of whoever publishes the page, never part of a verification. FileNotFoundError
    without npm or when ``npm ci`` fails."""
    npm = npm or shutil.which("npm")
    if npm is None:
        raise FileNotFoundError("installing the Pyodide runtime needs npm (Node.js) on PATH")
    home = _runtime_home()
    home.mkdir(parents=True, exist_ok=True)
    for name in ("package.json", "package-lock.json"):
        shutil.copyfile(BROWSER / name, home / name)
    proc = subprocess.run([npm, "ci", "--no-audit", "--no-fund", "--ignore-scripts"], cwd=home,
                          capture_output=True, text=True, timeout=900)
    if proc.returncode != 0:
        raise FileNotFoundError(f"`npm ci` in {home} failed: {proc.stderr.strip()[-500:]}")
    return runtime_folder()


def _package_root(name: str) -> Path:
    """The folder (or single file) of an installed top-level module."""
    spec = importlib.util.find_spec(name)
    if spec is None or spec.origin is None and not spec.submodule_search_locations:
        raise FileNotFoundError(f"the browser build needs the package {name!r}: pip install skillspas[browser]")
    if spec.submodule_search_locations:
        return Path(list(spec.submodule_search_locations)[0])
    assert spec.origin is not None  # refused above: neither an origin nor a folder
    return Path(spec.origin)


def _files(root: Path, skip: tuple[str, ...] = ("__pycache__",)) -> Iterator[Path]:
    """Every file under ``root`` (or ``root`` itself), sorted, without caches and skipped parts."""
    if root.is_file():
        yield root
        return
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root).as_posix()
        if path.is_file() and not any(part in f"/{rel}" for part in (f"/{s}" for s in skip)) and path.suffix != ".pyc":
            yield path


def _package_entries(names: tuple[str, ...]) -> Iterator[tuple[str, Path]]:
    """(archive name, source file) of the installed packages ``names``, without their tests."""
    for name in names:
        root = _package_root(name)
        for path in _files(root, ("__pycache__", "tests", "benchmarks")):
            if not path.name.startswith("test_") and path.suffix != ".pyi" and path.name != "py.typed":  # python-ecdsa ships its tests beside its modules; stubs are for type checkers
                yield (path.relative_to(root.parent).as_posix(), path)


def _entries() -> Iterator[tuple[str, Path]]:
    """(archive name, source file) for everything ``skillspas-py.zip`` holds."""
    for package in SKILLSPAS_PACKAGES:
        base = ROOT / package
        for path in _files(base):
            rel = f"{package}/{path.relative_to(base).as_posix()}"
            if rel in _SEARCH_INDEX_DATA or path.suffix in (".so", ".pyd") or rel == "schemas/compiled.sha256":
                continue  # the extensions setup.py compiles with mypyc (and their hashes): their sources travel
            if rel in _PAGE_WORDS or not any(rel == s or rel.startswith(s + "/") or f"/{s}/" in f"/{rel}" for s in _SKIPPED):
                yield f"skillspas/{rel}", path
    yield from _package_entries(PURE_PACKAGES)
    for path in _files(SHIMS):
        yield path.relative_to(SHIMS).as_posix(), path


def dictionary_file() -> tuple[str, bytes]:
    """(archive name, JSON) of the SP2 QR codec's vocabulary dictionary: the entries of the bundled index,
    named by its version (``schemas.vocab_index.dictionary_entries`` reads them where no index can be built)."""
    from skillspas.schemas.vocab_index import dictionary_entries, dictionary_version

    entries = json.dumps(dictionary_entries(), ensure_ascii=False, separators=(",", ":"))
    return f"skillspas/schemas/data/vocab/dictionary-{dictionary_version().hex()}.json", entries.encode("utf-8")


def _contents(entries: Iterator[tuple[str, Path]]) -> list[tuple[str, bytes]]:
    """(archive name, bytes) of ``entries``, sorted; ValueError if a file is compiled."""
    contents: list[tuple[str, bytes]] = []
    for name, path in sorted(entries):
        if path.suffix in (".so", ".pyd", ".dylib"):
            raise ValueError(f"{name} is compiled: the browser build takes pure Python only")
        contents.append((name, path.read_bytes()))
    return contents


def python_archive() -> bytes:
    """The Python side of the browser build (sources) as one deterministic zip; ValueError if a file is compiled."""
    return _zip(_contents(_entries()))


def extra_archive() -> bytes:
    """What only a PDF or a QR code needs (``EXTRA_PACKAGES`` and the QR dictionary), as one deterministic zip."""
    return _zip([*_contents(_package_entries(EXTRA_PACKAGES)), dictionary_file()])


def bytecode(runtime: Path, archive: bytes, node: str | None = None) -> dict[str, bytes]:
    """``{"python_stdlib.zip": ..., ARCHIVE: ...}``: the runtime's standard library and ``archive`` with the
    modules the page imports at every start compiled by the runtime's Pyodide (``verifier/browser/bytecode.mjs``).
    A build step; FileNotFoundError without Node or when the compilation fails."""
    node = node or shutil.which("node")
    if node is None:
        raise FileNotFoundError("the browser build compiles its bytecode with the Pyodide runtime: it needs node on PATH")
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        shutil.copyfile(runtime / "python_stdlib.zip", work / "python_stdlib.zip")
        (work / ARCHIVE).write_bytes(archive)
        (work / "stdlib-left-out.json").write_text(json.dumps(STDLIB_LEFT_OUT), "utf-8")
        proc = subprocess.run([node, str(BROWSER / "bytecode.mjs"), str(runtime), str(work)],
                              capture_output=True, text=True, timeout=600)
        if proc.returncode != 0:
            raise FileNotFoundError(f"compiling the browser build's bytecode failed: {proc.stderr.strip()[-1000:]}")
        return {name: (work / "out" / name).read_bytes() for name in ("python_stdlib.zip", ARCHIVE)}


def _zip(contents: list[tuple[str, bytes]]) -> bytes:
    """``contents`` as an uncompressed zip with fixed times: the same contents give the same bytes. The server's
    gzip compresses it as one stream, across files (``site_files``: every file is served gzip-encoded)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        for name, data in contents:
            info = zipfile.ZipInfo(name, _EPOCH)
            info.compress_type = zipfile.ZIP_STORED
            info.external_attr = 0o644 << 16
            archive.writestr(info, data)
    return buffer.getvalue()


PAGE: Final = BROWSER / "page"


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def site_files(
    runtime: Path | None = None, *, bundle: bytes | None = None, settings: dict[str, Any] | None = None,
) -> dict[str, bytes]:
    """The installable page as {file name: bytes}: the runtime, ``skillspas-py.zip``, the page (with the
    laptop page's head, words, style sheet and cards.js: ``texts.page_html``), the manifest and the service worker, which caches every file
    but ``bundle.json`` at install (the page fetches the bundle itself: see ``app.mjs``).

    ``bundle`` (an offline bundle, already checked by the caller) is published as ``bundle.json`` and
    ``settings`` (keyword arguments of ``verify_to_text``: trusted_issuers, trust_anchors,
    max_status_age) as ``settings.json``; the page uses both for every verification."""
    runtime = runtime or runtime_folder()
    files = {name: (runtime / name).read_bytes() for name in RUNTIME_FILES}
    files.update({name: (HERE / "page" / "static" / "vendor" / name).read_bytes() for name in QR_READER_FILES})
    files.update({name: (runtime.parent / path).read_bytes() for name, path in NPM_FILES.items()})
    files.update(bytecode(runtime, python_archive()))  # the standard library and skillspas-py.zip, partly compiled
    files[EXTRA_ARCHIVE] = extra_archive()
    for path in sorted(PAGE.iterdir()):
        if path.is_file() and path.name != "sw.js":
            files[path.name] = path.read_bytes()
    files["index.html"] = page_html((PAGE / "index.html").read_text("utf-8"), {}, phone=True)  # the laptop's head and words
    for name in ("style.css", "cards.js"):  # the laptop's look and its drawing of a credential
        files[name] = (HERE / "page" / "static" / name).read_bytes()
    if settings:
        files["settings.json"] = json.dumps(settings, indent=2, sort_keys=True).encode("utf-8")
    cached = sorted(files)
    version = hashlib.sha256("".join(f"{_sha256(files[n])}  {n}\n" for n in cached).encode()).hexdigest()[:16]
    worker = (PAGE / "sw.js").read_text("utf-8").replace("__VERSION__", version).replace("__FILES__", json.dumps(cached))
    files["sw.js"] = worker.encode("utf-8")
    if bundle is not None:
        files["bundle.json"] = bundle
    return files


def build(
    out: Path, runtime: Path | None = None, *, bundle: Path | None = None, settings: dict[str, Any] | None = None,
) -> dict[str, str]:
    """Write ``site_files`` and ``verify.mjs`` (the Node runner of the parity tests) into ``out``, and
    ``SHA256SUMS`` listing every file; return {file: sha256}."""
    files = site_files(runtime, bundle=bundle.read_bytes() if bundle is not None else None, settings=settings)
    files["verify.mjs"] = (BROWSER / "verify.mjs").read_bytes()
    out.mkdir(parents=True, exist_ok=True)
    for name, data in files.items():
        (out / name).write_bytes(data)
    sums = {name: _sha256(files[name]) for name in sorted(files)}
    (out / "SHA256SUMS").write_text("".join(f"{digest}  {name}\n" for name, digest in sums.items()), "utf-8")
    return sums


if __name__ == "__main__":  # pragma: no cover - a developer's shortcut
    for file, digest in build(Path(sys.argv[1])).items():
        print(digest, file)
