"""Extension modules compiled beside their sources (setup.py, issue 18) never run stale code.

An editable install compiles the modules of pyproject.toml's ``[tool.skillspas] mypyc`` next to
their sources and writes each source's SHA-256 to ``schemas/compiled.sha256``. Python imports an
extension module in preference to its ``.py``, so after an edit the old compiled code would run
silently. :func:`load_sources_if_stale` (called by ``skillspas.schemas`` before any of them is
imported) then loads every listed module from its source, all of them (compiled modules call each
other directly), and warns once; ``make`` compiles again. An installed wheel has no such file.
"""

from __future__ import annotations

import hashlib
import os
import sys
import warnings
from collections.abc import Sequence
from importlib.machinery import ModuleSpec
from types import ModuleType

__all__ = ["load_sources_if_stale", "module_name", "SourceFinder", "MANIFEST"]

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MANIFEST = os.path.join(ROOT, "schemas", "compiled.sha256")
"""Lines of ``<sha256>  <source path from the project root>``, as sha256sum writes them."""


def module_name(source: str) -> str:
    """``schemas/jsonld/canon.py`` -> ``skillspas.schemas.jsonld.canon``."""
    return "skillspas." + source.removesuffix(".py").replace("/", ".")


class SourceFinder:
    """A meta path finder: the listed modules as their ``.py`` files, ahead of the compiled extensions."""

    def __init__(self, sources: dict[str, str]) -> None:
        self.sources = sources

    def find_spec(self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None) -> ModuleSpec | None:
        from importlib.util import spec_from_file_location

        source = self.sources.get(fullname)
        return None if source is None else spec_from_file_location(fullname, source)


def _digest(path: str) -> str | None:
    try:
        with open(path, "rb") as source:
            return hashlib.sha256(source.read()).hexdigest()
    except FileNotFoundError:
        return None


def load_sources_if_stale(manifest: str = MANIFEST) -> list[str]:
    """The listed sources that changed since they were compiled; if any, all listed modules load from source."""
    try:
        with open(manifest, encoding="utf-8") as lines:
            listed = {name: digest for digest, name in (line.split() for line in lines if line.strip())}
    except FileNotFoundError:
        return []
    changed = [name for name, digest in listed.items() if _digest(os.path.join(ROOT, name)) != digest]
    if changed:
        sys.meta_path.insert(0, SourceFinder({module_name(name): os.path.join(ROOT, name)
                                          for name in listed}))
        warnings.warn(f"skillspas: {', '.join(changed)} changed since compiled with mypyc: the compiled modules run "
                      "as pure Python until reinstalled (make, or pip install -e .)", RuntimeWarning, stacklevel=2)
    return changed
