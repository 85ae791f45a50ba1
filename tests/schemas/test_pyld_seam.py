"""pyld's private names are used in one module only (schemas/jsonld/_pyld_cache.py), which says loudly when pyld changed one."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

from skillspas.schemas.jsonld import _pyld_cache
from skillspas.schemas.jsonld._pyld_cache import PYLD_VERSION, private_name_problems

ROOT = Path(__file__).resolve().parents[2]
SEAM = ROOT / "schemas" / "jsonld" / "_pyld_cache.py"
PACKAGES = ("schemas", "keys", "verifier", "wallet_export", "issuer")
PRIVATE = set(_pyld_cache._JSONLD_NAMES) | set(_pyld_cache._PROCESSOR_METHODS)


def test_every_private_pyld_name_skillspas_relies_on_is_in_the_installed_pyld_unchanged():
    problems = private_name_problems()
    assert problems == [], "pyld changed a private name skillspas relies on:\n" + "\n".join(problems)


def test_a_pyld_that_lost_or_changed_a_private_name_is_named_with_its_version():
    class Processor:
        def _get_initial_context(self, options): ...
        def _process_context(self, active_ctx, local_ctx, options): ...  # lost its flags

    module = SimpleNamespace(_resolved_context_cache={}, _is_absolute_iri=str, _canonicalize_double=str)
    problems = private_name_problems(module, Processor)
    assert any("has no jsonld._is_double" in problem for problem in problems), problems
    assert any("changed JsonLdProcessor._process_context" in problem for problem in problems), problems
    assert any("has no JsonLdProcessor._graph_to_rdf" in problem for problem in problems), problems
    assert all(f"pyld {PYLD_VERSION}" in problem and "schemas/jsonld/_pyld_cache.py" in problem for problem in problems)


def _outside_the_seam():
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            if path != SEAM:
                yield path


def test_no_module_but_the_seam_imports_pyld_or_names_one_of_its_private_names():
    found = []
    for path in _outside_the_seam():
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.Import) and any(a.name.split(".")[0] == "pyld" for a in node.names):
                found.append(f"{path.relative_to(ROOT)}:{node.lineno} imports pyld")
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and (node.module or "").split(".")[0] == "pyld":
                found.append(f"{path.relative_to(ROOT)}:{node.lineno} imports from {node.module}")
            elif isinstance(node, ast.Attribute) and node.attr in PRIVATE:
                found.append(f"{path.relative_to(ROOT)}:{node.lineno} uses pyld's private {node.attr}")
    assert found == [], "use pyld through schemas/jsonld/_pyld_cache.py:\n" + "\n".join(found)


def test_the_json_ld_engine_loads_no_http_client_and_pyld_fetches_nothing():
    code = ("import sys; from skillspas.schemas.jsonld import expand; from skillspas.schemas.jsonld._pyld_cache import jsonld; "
            "print(*[m for m in ('requests', 'urllib3', 'aiohttp', 'charset_normalizer') if m in sys.modules]); "
            "print(jsonld._default_document_loader.__module__)")
    lines = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.splitlines()
    assert lines == ["", "skillspas.schemas.jsonld.loader"]
