"""Compiles the hot pure-Python modules with mypyc when the package is built (issue 18).

pyproject.toml holds the metadata and, in ``[tool.skillspas] mypyc``, the modules to compile; this
file only adds their extension modules. Each is compiled on its own (``separate=True``): its
``<name>.<ext>`` and ``<name>__mypyc.<ext>`` sit beside the source, which suits an editable install.

Compiling is optional and all or nothing: with ``SKILLSPAS_PURE_PYTHON=1``, without a C compiler or on
any mypyc error the install goes on with the pure-Python modules, says why in a warning (which pip
shows) and leaves no extension of a listed module behind. An editable install also writes the
hashes of the compiled sources to ``schemas/compiled.sha256``: after an edit, schemas/compiled.py
loads the sources instead of the stale extensions, and ``make`` compiles again.
"""

from __future__ import annotations

import hashlib
import os
import sysconfig
import tomllib
import warnings
from pathlib import Path

from setuptools import Distribution, setup
from setuptools.command.build_ext import build_ext

ROOT = Path(__file__).resolve().parent
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))
SOURCES: list[str] = PROJECT["tool"]["skillspas"]["mypyc"]
PURE = os.environ.get("SKILLSPAS_PURE_PYTHON") == "1"
WORK = ROOT / "build" / "mypyc"  # link tree, mypy cache, C sources (never shipped)
MANIFEST = ROOT / "schemas" / "compiled.sha256"  # read by schemas/compiled.py
FOLDERS: tuple[str, ...] = tuple(PROJECT["tool"]["setuptools"]["package-dir"].values())  # the five packages' folders


def in_tree_extensions() -> list[Path]:
    """The extension files of earlier editable installs (also of a module no longer listed); there are no others."""
    suffix = sysconfig.get_config_var("EXT_SUFFIX")
    return [path for folder in FOLDERS for path in (ROOT / folder).rglob("*" + suffix)]


def mypyc_extensions() -> list[object]:
    """Type-check the listed modules and generate their C code; the extensions to build.

    mypy cannot read setuptools' package-dir map, so the five folders are linked as
    ``build/mypyc/skillspas/<folder>`` (as tests/test_lint.py does for build/mypy) and compiled from
    there under their installed names. Not strict, and third-party imports without types are Any:
    the build environment has mypy but none of the runtime dependencies, and tests/test_lint.py
    already holds the code to mypy --strict."""
    from mypyc.build import mypycify

    base = WORK / "skillspas"
    base.mkdir(parents=True, exist_ok=True)
    for folder in FOLDERS:
        link = base / folder
        if not link.is_symlink():
            link.symlink_to(Path("..", "..", "..", folder), target_is_directory=True)
    os.environ["MYPYPATH"] = str(WORK)
    options = ["--config-file", "", "--explicit-package-bases", "--ignore-missing-imports",
               "--follow-imports", "silent", "--cache-dir", str(WORK / "cache")]
    paths = [str(Path("build", "mypyc", "skillspas", source)) for source in SOURCES]
    return list(mypycify(options + paths, separate=True, target_dir=str(WORK / "c")))


def _first_line(exc: BaseException) -> str:
    """What went wrong, short: mypy prints its errors itself and exits; a compiler error holds the whole command."""
    text = str(exc).strip() or type(exc).__name__
    return text.splitlines()[0][:120] if text != "1" else "see its errors with pip install -v"


class BuildExt(build_ext):
    """build_ext that compiles the listed modules, or none of them (and says why)."""

    def finalize_options(self) -> None:
        self._hashes = {source: hashlib.sha256((ROOT / source).read_bytes()).hexdigest() for source in SOURCES}
        self._failure = "SKILLSPAS_PURE_PYTHON=1" if PURE else None
        if not PURE:
            try:
                self.distribution.ext_modules = mypyc_extensions()
            except (Exception, SystemExit) as exc:  # mypy reports its errors and exits
                self._failure = f"mypyc refused them ({_first_line(exc)})"
        super().finalize_options()
        self.parallel = self.parallel or os.cpu_count()

    def run(self) -> None:
        inplace = self.inplace
        if inplace:  # nothing of an earlier install may outlive this one
            for path in (*in_tree_extensions(), MANIFEST):
                path.unlink(missing_ok=True)
        if self._failure is None:
            try:
                super().run()
            except Exception as exc:  # no C compiler, a compile or link error
                self._failure = f"no working C compiler ({_first_line(exc)})"
        if self._failure is not None:
            self._fall_back(inplace)
        elif inplace:
            MANIFEST.write_text("".join(f"{digest}  {source}\n"
                                        for source, digest in self._hashes.items()), "utf-8")

    def _fall_back(self, inplace: bool) -> None:
        """Remove whatever was built and say why the modules stay pure Python."""
        for ext in self.extensions:
            for self.inplace in (False, inplace):
                Path(self.get_ext_fullpath(ext.name)).unlink(missing_ok=True)
        self.extensions = []
        if inplace:
            for path in in_tree_extensions():
                path.unlink(missing_ok=True)
        # pip shows a build backend's warnings, even with -q; ``pip install -v`` shows mypy's or the compiler's output
        warnings.warn(f"skillspas: the hot modules stay pure Python (slower), not compiled with mypyc: {self._failure}",
                      stacklevel=1)


class BinaryDistribution(Distribution):
    """build_ext always runs (``ext_modules`` are only known then; it also removes old in-tree extensions)."""

    def has_ext_modules(self) -> bool:
        return True


setup(distclass=BinaryDistribution, cmdclass={"build_ext": BuildExt})
