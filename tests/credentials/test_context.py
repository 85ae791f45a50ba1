"""The skillspas JSON-LD context: pinned, protected, no @vocab, no clash with the contexts it is used with."""

from __future__ import annotations

import hashlib
import json
from importlib import resources
from typing import Any

import pytest
from pyld import jsonld

from credential_cases import KINDS, build_row, example, new_signer
from skillspas.schemas.jsonld.contexts import bundled_registry
from skillspas.schemas.errors import ErrorCode, SkillspasError
from skillspas.schemas.jsonld.processor import DocumentProcessor
from skillspas.schemas.jsonschema.type_schemas import CREDENTIAL_CONTEXTS, SKILLSPAS_CONTEXT

# Released: these contexts never change. A change needs a new URL (https://w3id.org/skillspas/v3).
RELEASED: dict[str, str] = {
    "https://w3id.org/skillspas/v1": "fdba319fa176b2b1cc3f9c204d319c2f2769fc66836a1c30d1da1fa4743efa6b",
    "https://w3id.org/skillspas/v2": "810f8d571110951dbae8b889b674cf6acdb5c35047ee46d3db2ee64415919cf4",
}
VOCAB = "https://w3id.org/skillspas/vocab#"


def _document() -> dict[str, Any]:
    return bundled_registry().get(SKILLSPAS_CONTEXT).document


def _manifest_entry(url: str) -> dict[str, Any]:
    base = resources.files("skillspas.schemas") / "data" / "contexts"
    entries = json.loads((base / "MANIFEST.json").read_text("utf-8"))["contexts"]
    return next(e for e in entries if e["url"] == url)


@pytest.mark.parametrize("url", RELEASED)
def test_released_context_is_pinned_by_its_sha256_in_the_manifest(url):
    entry = _manifest_entry(url)
    raw = (resources.files("skillspas.schemas") / "data" / "contexts" / entry["file"]).read_bytes()
    assert entry["sha256"] == RELEASED[url]
    assert hashlib.sha256(raw).hexdigest() == RELEASED[url]
    assert entry["served"] is True


def test_v2_keeps_every_term_of_v1_as_it_was():
    v1 = bundled_registry().get("https://w3id.org/skillspas/v1").document["@context"]
    v2 = _document()["@context"]
    assert SKILLSPAS_CONTEXT == "https://w3id.org/skillspas/v2"
    assert {k: v2[k] for k in v1} == v1
    assert set(v2) - set(v1) == {"evidenceKind", "kerntaken", "countsToward", "route", "Kerntaak", "Certificaat"}


def test_context_is_json_ld_1_1_protected_and_has_no_vocab():
    context = _document()["@context"]
    assert context["@version"] == 1.1
    assert context["@protected"] is True
    assert "@vocab" not in context and "@base" not in context
    assert "@import" not in context


def test_every_term_is_an_iri_in_the_skillspas_vocabulary():
    terms = {k: v for k, v in _document()["@context"].items() if not k.startswith("@")}
    assert len(terms) >= 40
    for term, definition in terms.items():
        assert definition["@id"].startswith(VOCAB), term


def _terms_of(context: Any, found: set[str]) -> set[str]:
    """Every term a context defines, including in type- and property-scoped contexts."""
    if isinstance(context, list):
        for item in context:
            _terms_of(item, found)
    elif isinstance(context, dict):
        for key, value in context.items():
            if not key.startswith("@"):
                found.add(key)
            if isinstance(value, dict) and "@context" in value:
                _terms_of(value["@context"], found)
    return found


def test_no_term_redefines_one_of_any_other_bundled_context():
    # A protected term redefined by a later (type-scoped) context makes JSON-LD processing fail:
    # the OB 3.0 Achievement context, e.g., defines "version" for every Achievement node.
    ours = _terms_of(_document()["@context"], set())
    registry = bundled_registry()
    others: set[str] = set()
    for url in registry.urls():
        if url not in RELEASED:  # the skillspas versions share their terms
            _terms_of(registry.get(url).document["@context"], others)
    assert ours & others == set()


@pytest.mark.parametrize("kind", KINDS)
def test_built_credentials_expand_with_no_undefined_term(kind):
    credential = build_row(kind, example(kind), new_signer())
    assert credential["@context"] == list(CREDENTIAL_CONTEXTS)
    expanded = DocumentProcessor().expand(credential)
    types = expanded[0]["@type"]
    assert any(t.startswith(VOCAB) for t in types)


def test_a_property_the_context_does_not_define_is_undefined_term():
    credential = build_row("mbo-diploma", example("mbo-diploma"), new_signer())
    credential["credentialSubject"]["achievement"]["kwalificatie"]["opleidingsduur"] = "2 jaar"
    with pytest.raises(SkillspasError) as caught:
        DocumentProcessor().expand(credential)
    assert caught.value.code is ErrorCode.UNDEFINED_TERM


def test_a_later_inline_context_cannot_redefine_a_protected_term():
    credential = build_row("mbo-diploma", example("mbo-diploma"), new_signer())
    credential["@context"] = [*credential["@context"], {"crebo": "https://example.org/not-crebo"}]
    with pytest.raises(jsonld.JsonLdError) as caught:
        jsonld.expand(credential, {"documentLoader": DocumentProcessor().loader})
    assert "protected term redefinition" in str(caught.value)


def test_exported_contexts_include_the_skillspas_context(tmp_path):
    folder = bundled_registry().export(tmp_path / "contexts")
    mapping = json.loads((folder / "contexts.map.json").read_text("utf-8"))
    for url, digest in RELEASED.items():
        assert hashlib.sha256((folder / mapping[url]).read_bytes()).hexdigest() == digest
