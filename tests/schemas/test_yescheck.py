"""The compiled yes-checks are exact where ``not``, ``if`` and ``oneOf`` need them to be."""

from __future__ import annotations

import pytest
from jsonschema import Draft201909Validator, Draft202012Validator
from referencing import Registry

from skillspas.schemas.jsonschema.yescheck import LocalResolver, certainly, compile_check

D2019 = "https://json-schema.org/draft/2019-09/schema"
D2020 = "https://json-schema.org/draft/2020-12/schema"


def _agree(schema: dict, values: list) -> None:
    validator = (Draft201909Validator if schema["$schema"] == D2019 else Draft202012Validator)(schema)
    check = compile_check(schema, Registry().resolver(), formats=False)
    for value in values:
        if certainly(check, value):
            assert validator.is_valid(value), (schema, value)


@pytest.mark.parametrize("schema", [
    {"$schema": D2019, "not": {"prefixItems": [{"type": "string"}]}},  # prefixItems is not 2019-09
    {"$schema": D2020, "not": {"items": {"type": "string"}, "additionalItems": False}},  # nor additionalItems 2020-12
    {"$schema": D2020, "not": {"type": "string", "const": "a", "enum": ["b"]}},
    {"$schema": D2020, "type": "string", "const": "a", "enum": ["b"]},
    {"$schema": D2020, "oneOf": [{"type": "integer"}, {"type": "number", "minimum": 2}]},
    {"$schema": D2020, "if": {"required": ["a"]}, "then": {"required": ["b"]}, "else": {"maxProperties": 0}},
])
def test_compiled_never_says_valid_where_jsonschema_does_not(schema):
    _agree(schema, [[1], ["x"], [1, 2], "a", "b", 1, 2, 2.0, 3.5, True, {}, {"a": 1}, {"a": 1, "b": 2}, None])


def test_a_schema_of_an_unknown_draft_is_not_compiled():
    assert compile_check({"$schema": "http://json-schema.org/draft-07/schema#", "type": "string"},
                         Registry().resolver(), formats=False) is None


def _bundled() -> dict:
    from skillspas.schemas.jsonschema import type_schemas, validate

    return {**type_schemas._by_id(), **{doc["$id"]: doc for doc in validate._schemas().values()}}


def _refs(node, base: str):
    if isinstance(node, dict):
        if isinstance(node.get("$ref"), str):
            yield base, node["$ref"]
        for value in node.values():
            yield from _refs(value, base)
    elif isinstance(node, list):
        for value in node:
            yield from _refs(value, base)


def test_every_bundled_schema_has_an_id_and_no_anchor_only_at_its_root():
    """What makes the local resolver's dict lookup exact: no resource or anchor inside a schema."""
    def inner(node, depth):
        if isinstance(node, dict):
            assert depth == 0 or not {"$id", "$anchor", "$dynamicAnchor", "$recursiveAnchor"} & node.keys()
            for value in node.values():
                inner(value, depth + 1)
        elif isinstance(node, list):
            for value in node:
                inner(value, depth + 1)

    schemas = _bundled()
    assert len(schemas) == 12 and all(doc["$id"] == uri for uri, doc in schemas.items())
    for doc in schemas.values():
        inner(doc, 0)


def test_the_local_resolver_finds_every_bundled_ref_where_referencing_finds_it():
    from referencing import Resource

    schemas = _bundled()
    registry = Registry().with_resources((uri, Resource.from_contents(doc)) for uri, doc in schemas.items())
    pairs = [pair for uri, doc in schemas.items() for pair in _refs(doc, uri)]
    assert len(pairs) > 100
    for base, ref in pairs:
        local, reference = LocalResolver(schemas, base).lookup(ref), registry.resolver(base).lookup(ref)
        assert local.contents is reference.contents, (base, ref)
        for _, inner in _refs(local.contents, ""):  # the refs inside the target: from the target's document
            assert local.resolver.lookup(inner).contents is reference.resolver.lookup(inner).contents, (base, ref, inner)


def test_a_ref_the_local_resolver_cannot_follow_leaves_the_decision_to_jsonschema():
    schemas = {"https://example.org/a.json": {"$schema": D2020, "$id": "https://example.org/a.json",
                                              "$defs": {"s": {"type": "string"}, "a": {"$anchor": "s"}}}}
    for ref in ("#s", "b.json", "#/$defs/t"):
        schema = {"$schema": D2020, "$id": "https://example.org/c.json", "$ref": f"a.json{ref}" if ref[0] == "#" else ref}
        assert compile_check(schema, LocalResolver(schemas, schema["$id"]), formats=False) is None
    schema = {"$schema": D2020, "$id": "https://example.org/c.json", "$ref": "a.json#/$defs/s"}
    check = compile_check(schema, LocalResolver(schemas, schema["$id"]), formats=False)
    assert certainly(check, "x") and not certainly(check, 1)


def test_a_remembered_answer_is_given_only_for_the_same_content():
    """Under ``holding``, checks of a remembered property answer from memory by content only: a value that
    differs anywhere (a changed item inside, or the very object changed in place) is checked again."""
    from skillspas.schemas.jsonio import content_key
    from skillspas.schemas.jsonschema.yescheck import holding

    achievement = {"type": "object", "required": ["id"], "properties": {
        "id": {"type": "string"}, "alignment": {"type": "array", "items": {"type": "string", "pattern": "^https://"}}}}
    schema = {"$schema": D2020, "type": "object", "properties": {
        "subject": {"type": "object", "properties": {"name": {"type": "string"}, "achievement": achievement}}}}
    check = compile_check(schema, Registry().resolver(), formats=False, remember=frozenset({"subject", "achievement"}))

    def judged(document: dict) -> bool:
        with holding(document["subject"], content_key(document["subject"])):
            return certainly(check, document)

    def row(name: str, urls: list) -> dict:
        return {"subject": {"name": name, "achievement": {"id": "urn:a", "alignment": urls}}}

    first = row("A", ["https://x", "https://y"])
    assert judged(first) and judged(row("B", ["https://x", "https://y"]))
    assert not judged(row("C", ["https://x", "http://y"]))  # the same achievement id, one alignment changed
    assert not judged(row("D", ["https://x", 2]))
    first["subject"]["achievement"]["alignment"][1] = "ftp://y"  # the object that passed, changed in place
    assert not judged(first)
    first["subject"]["name"] = 5
    assert not judged(first)
