"""``skillspas verifier --build-static`` from an installed skillspas (a wheel), not a source checkout.

The wheel is built from a copy of this checkout's files (``pip wheel``) and unpacked into a folder that comes first on
``sys.path``; the command then finds the page, the browser-only fallbacks and the pinned npm files
in the installed package, installs the pinned Pyodide runtime into an empty cache (``npm ci``), and
writes the same Python archive as the checkout does (the archive is deterministic).
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

from skillspas.verifier import browser_build
from helpers import load_module

ROOT = Path(__file__).resolve().parents[2]
parity = load_module("_installed_parity", ROOT / "tests/browser/test_browser_parity.py")


def test_an_installed_skillspas_builds_the_installable_page(tmp_path):
    parity.ensure_runtime()  # node and npm
    source, wheels = tmp_path / "source", tmp_path / "wheels"
    listed = subprocess.run(["git", "ls-files", "--cached", "--others", "--exclude-standard"], cwd=ROOT,
                            capture_output=True, text=True, check=True).stdout.splitlines()
    for name in listed:  # the checkout's files only: no build/ or node_modules/ left by earlier builds
        if (ROOT / name).is_file():
            (source / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(ROOT / name, source / name)
    built = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(wheels), str(source)],
                           capture_output=True, text=True, timeout=600)
    assert built.returncode == 0, built.stderr[-2000:]
    (wheel,) = wheels.glob("skillspas-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert "skillspas/verifier/browser/page/sw.js" in names and "skillspas/verifier/browser/package-lock.json" in names
    assert not [n for n in names if "node_modules" in n]
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    out, cache = tmp_path / "out", tmp_path / "cache"
    env = {**os.environ, "PYTHONPATH": str(site), "SKILLSPAS_CACHE_DIR": str(cache)}
    code = ("import sys; from skillspas.verifier import browser_build as b; print(b.__file__); "
            "from skillspas.issuer.cli import main; sys.argv = ['skillspas', 'verifier', '--build-static', sys.argv[1]]; main()")
    run = subprocess.run([sys.executable, "-c", code, str(out)], env=env, capture_output=True, text=True, timeout=900)
    assert run.returncode == 0, run.stdout + run.stderr
    assert run.stdout.startswith(str(site)), run.stdout  # the installed copy ran, not this checkout
    assert "installing the Pyodide runtime" in run.stderr and (cache / f"pyodide-{browser_build.runtime_version()}").is_dir()
    listed = dict(line.split("  ")[::-1] for line in (out / "SHA256SUMS").read_text("utf-8").splitlines())
    assert {"index.html", "sw.js", "style.css", "cards.js", "skillspas-py.zip", "pyodide.asm.wasm"} <= set(listed)
    assert "\"cards.js\"" in (out / "sw.js").read_text("utf-8")  # precached: the page draws a credential offline
    assert (out / browser_build.EXTRA_ARCHIVE).read_bytes() == browser_build.extra_archive()
    served = zipfile.ZipFile(out / browser_build.ARCHIVE).namelist()  # the same files, those imported at start compiled
    assert {name[:-1] if name.endswith(".pyc") else name for name in served} == set(
        zipfile.ZipFile(io.BytesIO(browser_build.python_archive())).namelist())
