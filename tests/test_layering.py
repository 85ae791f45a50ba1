"""The import layers of DESIGN.md: schemas <- keys <- verifier <- wallet_export <- issuer.

Walks the AST of every module: no upward import, no bare (non-``skillspas.``) import of our own
packages, no HTTP client below ``issuer`` (but for ``passport claim``), and the package list in pyproject.toml matches the folders.
"""

from __future__ import annotations

import ast
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LAYERS = ["schemas", "keys", "verifier", "wallet_export", "issuer"]
HTTP_CLIENTS = {"requests", "httpx", "urllib.request", "aiohttp", "urllib3", "http.client", "socket"}
NETWORK_MODULES = {ROOT / "wallet_export" / "claim.py"}
"""The one place below ``issuer`` that talks to a network: ``passport claim`` fetching the issuer's exchange URL."""


def _modules():
    for package in LAYERS:
        for path in sorted((ROOT / package).rglob("*.py")):
            yield package, path


def _imports(path: Path):
    tree = ast.parse(path.read_text("utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.module


@pytest.mark.parametrize("package, path", list(_modules()), ids=lambda v: str(v).rsplit("/main/", 1)[-1])
def test_imports_only_go_down_the_layers(package, path):
    rank = LAYERS.index(package)
    for name in _imports(path):
        top = name.split(".")[0]
        assert top not in LAYERS, f"bare import {name!r}: use skillspas.{name}"
        if name.startswith("skillspas."):
            target = name.split(".")[1]
            if target in LAYERS:
                assert LAYERS.index(target) <= rank, f"{package} must not import {target} ({name})"
        if package != "issuer" and path not in NETWORK_MODULES:
            assert not any(name == c or name.startswith(c + ".") for c in HTTP_CLIENTS), (
                f"{package} imports the network client {name}"
            )


def test_pyproject_packages_match_the_folders():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))
    declared = set(config["tool"]["setuptools"]["packages"])
    on_disk = {
        "skillspas." + str(init.parent.relative_to(ROOT)).replace("/", ".")
        for package in LAYERS
        for init in (ROOT / package).rglob("__init__.py")
    }
    assert on_disk <= declared
    package_data = config["tool"]["setuptools"]["package-data"]
    for name in declared - on_disk:  # data folders, listed (namespace packages) so setuptools ships them quietly
        assert (ROOT / name.removeprefix("skillspas.").replace(".", "/")).is_dir(), name
        assert name in package_data, f"{name} is listed as a package but ships no files"
    mapping = config["tool"]["setuptools"]["package-dir"]
    assert {k: v for k, v in mapping.items()} == {f"skillspas.{p}": p for p in LAYERS}


def test_verifier_import_stays_light():
    import subprocess
    import sys

    # (pyld itself imports requests when it is installed; our code never uses it: the AST test above
    # refuses HTTP clients, and tests/verifier/test_error_codes.py audits that no socket is opened)
    heavy = "('fastapi', 'sqlalchemy', 'qrcode', 'segno', 'fpdf', 'zxingcpp', 'PIL', 'httpx', 'uvicorn')"
    code = f"import sys, skillspas.verifier; print(' '.join(m for m in {heavy} if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert out == ""
