"""The hot modules compiled with mypyc by setup.py (pyproject.toml [tool.skillspas] mypyc, issue 18).

In this environment they are the compiled ones unless SKILLSPAS_PURE_PYTHON=1 was set (so a build that
fell back to pure Python fails here, loudly), and each gives exactly what its own source gives on real
inputs: the W3C vectors and spec examples through expansion, RDF and canonicalization, the rdf-canon suite.
"""

from __future__ import annotations

import importlib
import json
import os
import sys
import tomllib
from importlib.machinery import EXTENSION_SUFFIXES
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from helpers import TEST_CONTEXTS, VECTORS
from skillspas.schemas.compiled import SourceFinder, load_sources_if_stale, module_name
from skillspas.schemas.errors import SkillspasError
from skillspas.schemas.jsonld.expand import PROCESSOR, SENTINEL_CONTEXT, processing_options
from skillspas.schemas.jsonld.nquads import parse_nquads
from skillspas.schemas.jsonld.processor import DocumentProcessor
from skillspas.schemas.jsonschema import type_schemas, validate

ROOT = Path(__file__).resolve().parents[1]
SOURCES: list[str] = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["tool"]["skillspas"]["mypyc"]
PURE = os.environ.get("SKILLSPAS_PURE_PYTHON") == "1"
DOCUMENTS = sorted(p for root in (VECTORS, ROOT / "tests" / "data" / "examples") for p in root.rglob("*.json")
                   if "jsonld" not in p.parts and "rdf-canon" not in p.parts)
RDF_CANON = sorted((VECTORS / "rdf-canon" / "rdfc10").glob("*-in.nq"))
EXERCISED = {Path(source).stem: source for source in SOURCES}
"""What the differential test below runs: every listed module twice, as installed and from its source."""


def test_the_listed_modules_are_the_compiled_ones_unless_pure_python_was_asked_for():
    assert SOURCES and all(source.startswith("schemas/") for source in SOURCES), "schemas/compiled.py guards schemas/ only"
    assert not load_sources_if_stale(), "a compiled module's source changed since: run make (or pip install -e .)"
    for source in SOURCES:
        name = module_name(source)
        path = importlib.import_module(name).__file__ or ""
        if PURE:
            assert path.endswith(source), f"{name} is compiled although SKILLSPAS_PURE_PYTHON=1"
        else:
            assert path.endswith(tuple(EXTENSION_SUFFIXES)), (
                f"{name} runs as pure Python: compiling fell back (pip install -v -e . says why)")


def installed_world() -> SimpleNamespace:
    return SimpleNamespace(**{short: importlib.import_module(module_name(source)) for short, source in EXERCISED.items()})


def sources_world() -> SimpleNamespace:
    """The modules loaded again from their .py files, importing each other's sources (not the compiled ones)."""
    compiled = {module_name(source): importlib.import_module(module_name(source)) for source in EXERCISED.values()}
    finder = SourceFinder({module_name(source): str(ROOT / source) for source in EXERCISED.values()})
    sys.meta_path.insert(0, finder)
    for name in compiled:
        del sys.modules[name]
    try:
        loaded = {name: importlib.import_module(name) for name in compiled}
    finally:
        sys.meta_path.remove(finder)
        for name, module in compiled.items():  # the package attributes too
            sys.modules[name] = module
            parent, _, leaf = name.rpartition(".")
            setattr(sys.modules[parent], leaf, module)
    assert all((module.__file__ or "").endswith(".py") for module in loaded.values())
    return SimpleNamespace(**{name.rpartition(".")[2]: module for name, module in loaded.items()})


@pytest.fixture(scope="module")
def worlds() -> tuple[SimpleNamespace, SimpleNamespace]:
    return installed_world(), sources_world()


def fast_path_results(modules: SimpleNamespace, loader: Any) -> list[Any]:
    """Every document's scan, expansion, RDF quads and canonical N-Quads through ``modules``."""
    space = modules.fastcontext.ContextSpace(PROCESSOR, processing_options(loader), SENTINEL_CONTEXT)
    checks = yes_checks(modules)
    results: list[Any] = []
    for path in DOCUMENTS:
        document = json.loads(path.read_text("utf-8"))
        found = modules.scan.scan(document)  # each world's own Scan class: compared by value
        results.append((path.name, found.within_bounds, found.clean_text, found.known_contexts,
                        [modules.yescheck.certainly(check, document) for check in checks]))
        try:
            expanded = modules.fastexpand.expand_document(space, document)
            quads = modules.fastrdf.expanded_to_quads(expanded)
            results.append((expanded, quads, modules.canon.canonicalize(quads)))
        except modules.fastcontext.Refused as refused:
            results.append(("refused", str(refused)))
    return results


def yes_checks(modules: SimpleNamespace) -> list[Any]:
    """The yes-checks of the VC shape schemas, the OB 3.0 schema and each skillspas type's schema, compiled by ``modules``."""
    shapes = validate._schemas()
    by_id = {doc["$id"]: doc for doc in shapes.values()}
    roots = [(shapes[name], modules.yescheck.LocalResolver(by_id, shapes[name]["$id"]), False)
             for name in validate._SCHEMAS.values()]
    ob3 = type_schemas._documents()[1]["validate"]
    roots += [(root, modules.yescheck.LocalResolver(type_schemas._by_id(), root["$id"]), root is not ob3)
              for root in (ob3, *(type_schemas.type_schema(kind) for kind in type_schemas.CREDENTIAL_TYPES))]
    checks = [modules.yescheck.compile_check(root, resolver, formats=formats) for root, resolver, formats in roots]
    assert all(check is not None for check in checks), "a bundled schema did not compile"
    return checks


def canon_results(modules: SimpleNamespace) -> list[Any]:
    """The W3C rdf-canon suite's inputs canonicalized through ``modules`` (the poison test: its error)."""
    results: list[Any] = []
    for path in RDF_CANON:
        try:
            results.append(modules.canon.canonicalize(parse_nquads(path.read_text("utf-8"))))
        except SkillspasError as error:
            results.append(error.code)
    return results


def test_each_compiled_module_gives_what_its_source_gives_on_the_vectors_and_examples(worlds):
    assert set(SOURCES) <= set(EXERCISED.values()), "a newly listed module needs its inputs here"
    assert len(DOCUMENTS) >= 30 and len(RDF_CANON) >= 60
    loader = DocumentProcessor(TEST_CONTEXTS).loader
    compiled, sources = (fast_path_results(modules, loader) for modules in worlds)
    assert sum(len(result) == 3 for result in compiled) >= 30, "the fast path took too few documents to compare"
    for path, got, expected in zip(DOCUMENTS, compiled[1::2], sources[1::2]):
        assert got == expected, path
    assert compiled[::2] == sources[::2], "scan"
    assert canon_results(worlds[0]) == canon_results(worlds[1])
