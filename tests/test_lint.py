"""The product code passes the linter and the type checker configured in pyproject.toml
(ruff: pyflakes, pycodestyle, bugbear; mypy in strict mode)."""

from __future__ import annotations

import contextlib
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_the_product_code_is_clean_for_ruff():
    proc = subprocess.run([sys.executable, "-m", "ruff", "check", "--no-cache", "--output-format", "concise", "."],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr


PACKAGES = ("schemas", "keys", "verifier", "wallet_export", "issuer")


def link_packages_under_their_installed_names() -> Path:
    """Link the five folders as build/mypy/skillspas/<folder>: mypy cannot read setuptools' package-dir map."""
    base = ROOT / "build" / "mypy" / "skillspas"
    base.mkdir(parents=True, exist_ok=True)
    for name in PACKAGES:
        link = base / name
        if not link.is_symlink():
            with contextlib.suppress(FileExistsError):  # made by a concurrent run
                link.symlink_to(Path("..", "..", "..", name), target_is_directory=True)
    return base


def test_the_product_code_is_clean_for_mypy_in_strict_mode():
    # Configuration (strict, packages, cache in build/mypy/.cache) in pyproject.toml's [tool.mypy].
    base = link_packages_under_their_installed_names()
    proc = subprocess.run([sys.executable, "-m", "mypy"], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, (proc.stdout + proc.stderr).replace(str(base.relative_to(ROOT)) + "/", "")


def test_each_package_ships_a_py_typed_marker():
    # PEP 561 for a namespace package: the marker in each of the five, and listed as package data.
    import tomllib

    package_data = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["tool"]["setuptools"]["package-data"]
    for name in PACKAGES:
        assert (ROOT / name / "py.typed").is_file(), name
        assert "py.typed" in package_data.get(f"skillspas.{name}", []), name
