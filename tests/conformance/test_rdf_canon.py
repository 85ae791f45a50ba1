"""The W3C RDF Dataset Canonicalization (RDFC-1.0) test suite, every manifest entry.

Eval tests must match the expected N-Quads byte for byte, map tests the expected issued
identifiers map, and the negative (poison) test must end quickly with ``resource_limit``.
pyoxigraph's own RDFC-1.0 cross-checks every eval test (never the negative one: it does not end).
"""

from __future__ import annotations

import json
import time
from collections import Counter
from pathlib import Path
from typing import Any

import pyoxigraph
import pytest

from skillspas.schemas.jsonld.canon import canonicalize, issued_identifiers
from skillspas.schemas.errors import ErrorCode, SkillspasError, UnusableInput
from skillspas.schemas.jsonld.nquads import Quad, parse_nquads

SUITE = Path(__file__).resolve().parents[1] / "data" / "vectors" / "rdf-canon"
MANIFEST = json.loads((SUITE / "manifest.jsonld").read_text("utf-8"))
EVAL = "rdfc:RDFC10EvalTest"
MAP = "rdfc:RDFC10MapTest"
NEGATIVE = "rdfc:RDFC10NegativeEvalTest"
HASHES = {"SHA256": "sha256", "SHA384": "sha384"}
OXIGRAPH_ALGORITHMS = {
    "sha256": pyoxigraph.CanonicalizationAlgorithm.RDFC_1_0_SHA_256,
    "sha384": pyoxigraph.CanonicalizationAlgorithm.RDFC_1_0_SHA_384,
}


def _entries(kind: str) -> list[Any]:
    """The manifest entries of one test type, as pytest params with the manifest id."""
    return [pytest.param(e, id=e["id"]) for e in MANIFEST["entries"] if e["type"] == kind]


def _read(name: str) -> str:
    """One file of the suite, as UTF-8 text."""
    return (SUITE / name).read_text("utf-8")


def _input(entry: dict[str, Any]) -> list[Quad]:
    """The parsed input dataset of a test."""
    return parse_nquads(_read(entry["action"]))


def _hash_name(entry: dict[str, Any]) -> str:
    """The RDFC-1.0 hash a test asks for (``hashAlgorithm``, SHA-256 when absent)."""
    return HASHES[entry.get("hashAlgorithm", "SHA256")]


def test_manifest_has_every_kind_of_test() -> None:
    """The suite copy is complete: 64 eval, 21 map and 1 negative test."""
    assert Counter(e["type"] for e in MANIFEST["entries"]) == {EVAL: 64, MAP: 21, NEGATIVE: 1}


@pytest.mark.parametrize("entry", _entries(EVAL))
def test_eval(entry: dict[str, Any]) -> None:
    """The canonical N-Quads equal the expected result byte for byte."""
    assert canonicalize(_input(entry), hash_name=_hash_name(entry)) == _read(entry["result"])


@pytest.mark.parametrize("entry", _entries(MAP))
def test_map(entry: dict[str, Any]) -> None:
    """The issued identifiers map equals the expected one."""
    expected = json.loads(_read(entry["result"]))
    assert issued_identifiers(_input(entry), hash_name=_hash_name(entry)) == expected


@pytest.mark.parametrize("entry", _entries(NEGATIVE))
def test_negative(entry: dict[str, Any]) -> None:
    """A poison dataset is refused with the coded ``resource_limit`` error, quickly."""
    quads = _input(entry)
    start = time.perf_counter()
    with pytest.raises(SkillspasError) as raised:
        canonicalize(quads)
    assert time.perf_counter() - start < 10
    assert raised.value.code is ErrorCode.RESOURCE_LIMIT
    assert isinstance(raised.value, UnusableInput)


def _oxigraph_canonical(text: str, hash_name: str) -> str:
    """pyoxigraph's RDFC-1.0 of an N-Quads document, as sorted canonical N-Quads."""
    dataset = pyoxigraph.Dataset(pyoxigraph.parse(text, format=pyoxigraph.RdfFormat.N_QUADS))
    dataset.canonicalize(OXIGRAPH_ALGORITHMS[hash_name])
    # split on "\n" only: str.splitlines would also split at U+0085 and U+2028 inside literals
    return "".join(sorted(line + "\n" for line in str(dataset).split("\n") if line))


@pytest.mark.parametrize("entry", _entries(EVAL))
def test_eval_matches_pyoxigraph(entry: dict[str, Any]) -> None:
    """Our output equals pyoxigraph's, which parses the input with its own parser."""
    hash_name = _hash_name(entry)
    ours = canonicalize(_input(entry), hash_name=hash_name)
    assert ours == _oxigraph_canonical(_read(entry["action"]), hash_name)
