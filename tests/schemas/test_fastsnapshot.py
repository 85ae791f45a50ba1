"""Stored fast-path contexts (schemas/jsonld/fastsnapshot.py): the same expansions as pyld, without pyld, and a
damaged file costs speed, never a crash or a wrong answer."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from pyld import jsonld

from helpers import TEST_CONTEXTS, VECTORS
from skillspas.schemas.jsonld import fastsnapshot
from skillspas.schemas.jsonld.expand import expand_strict
from skillspas.schemas.jsonld.fastpath import FastPath
from skillspas.schemas.jsonld.processor import DocumentProcessor
from skillspas.schemas.jsonld.pyld_facts import KEYWORDS

VC2_ONLY = json.loads((VECTORS / "vc-di-eddsa" / "unsigned.json").read_text("utf-8"))
OB3 = json.loads((VECTORS / "ob3" / "credential.json").read_text("utf-8"))


@pytest.fixture(scope="module")
def loader() -> Any:
    return DocumentProcessor(TEST_CONTEXTS, fast=False).loader


def _no_pyld() -> Any:
    raise AssertionError("pyld was needed")


def _stored(loader: Any, path: Path, *documents: Any) -> None:
    """Expand ``documents`` with pyld-made contexts, storing them at ``path``."""
    fast = FastPath(loader, stored=path)
    for document in documents:
        assert fast.expand(document) == expand_strict(document, loader)
    assert fastsnapshot.read(path) is not None


def test_stored_contexts_expand_as_pyld_does_without_pyld(loader, tmp_path):
    path = tmp_path / "fastcontext-x.json"
    _stored(loader, path, VC2_ONLY, OB3)
    restored = FastPath(make_loader=_no_pyld, stored=path)
    for document in (VC2_ONLY, OB3):
        assert restored.expand(document) == expand_strict(document, loader)
        assert restored.quads(document) is not None
    assert restored._space.processor is None  # never rebuilt with pyld


def test_a_context_missing_from_the_stored_file_is_made_by_pyld_and_added(loader, tmp_path):
    path = tmp_path / "fastcontext-x.json"
    _stored(loader, path, VC2_ONLY)
    grown = FastPath(loader, stored=path)
    assert grown._space.processor is None
    assert grown.expand(OB3) == expand_strict(OB3, loader)  # OB 3.0's contexts were not stored
    assert grown._space.processor is not None
    restored = FastPath(make_loader=_no_pyld, stored=path)  # now both documents need nothing new
    for document in (OB3, VC2_ONLY):
        assert restored.expand(document) == expand_strict(document, loader)


@pytest.mark.parametrize("damage", [
    lambda text: text[: len(text) // 2],
    lambda text: "not json",
    lambda text: json.dumps({**json.loads(text), "contexts": [{"origin": None}]}),
    lambda text: json.dumps({**json.loads(text), "defs": [{"@context": 10**9}]}),
    lambda text: json.dumps({**json.loads(text), "locals": "x"}),
    lambda text: json.dumps({**json.loads(text), "file": "fastcontext-other.json"}),
    lambda text: text.replace('"next":[', '"next":[["p",-1,0],', 1),
    lambda text: "[" * 100_000,
], ids=["truncated", "not-json", "no-mappings", "bad-index", "bad-locals", "other-key", "negative-index", "deep"])
def test_a_damaged_stored_file_is_ignored_and_rewritten(loader, tmp_path, damage):
    path = tmp_path / "fastcontext-x.json"
    _stored(loader, path, OB3)
    path.write_text(damage(path.read_text("utf-8")), "utf-8")
    fast = FastPath(loader, stored=path)
    assert fast.expand(OB3) == expand_strict(OB3, loader)
    assert FastPath(make_loader=_no_pyld, stored=path).expand(OB3) == expand_strict(OB3, loader)


def test_an_unwritable_cache_folder_only_costs_speed(loader, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("")
    fast = FastPath(loader, stored=blocker / "fastcontext-x.json")  # its folder is a file
    assert fast.expand(OB3) == expand_strict(OB3, loader)


def test_the_stored_file_is_named_by_the_context_documents():
    sentinel = {"@vocab": "urn:x:"}
    one = fastsnapshot.snapshot_file([("https://a", "11")], sentinel)
    assert one == fastsnapshot.snapshot_file([("https://a", "11")], sentinel)
    assert one != fastsnapshot.snapshot_file([("https://a", "12")], sentinel)
    assert one != fastsnapshot.snapshot_file([("https://a", "11")], {"@vocab": "urn:y:"})


def test_the_keywords_the_fast_path_knows_are_pylds():
    assert KEYWORDS == frozenset(jsonld.KEYWORDS)
