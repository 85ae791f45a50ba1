"""The compiled yes-checks are exact where ``not``, ``if`` and ``oneOf`` need them to be."""

from __future__ import annotations

import pytest
from jsonschema import Draft201909Validator, Draft202012Validator
from referencing import Registry

from skillspas.schemas.yescheck import certainly, compile_check

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
