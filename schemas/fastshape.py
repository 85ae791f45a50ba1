"""A compiled yes/no check for the bundled VC 2.0 JSON Schemas, in front of ``jsonschema``.

Why: ``jsonschema`` spends ~0.45 ms on one OB 3.0 credential (a third of a fast-path
verification); the VC 2.0 schemas use a dozen simple keywords, compiled here once into nested
closures that take ~20 µs. Only a *valid* verdict is used: ``validate_shape_fast`` returns True
when the document certainly satisfies the schema, otherwise the caller runs ``jsonschema``, which
then produces the error exactly as before. Keywords outside the compiled subset make the
compiler give up (always ``jsonschema``); values whose ``jsonschema`` semantics are subtle
(``uniqueItems``/``const`` over non-strings) make one check give up. tests/schemas/
test_fastpath_shape.py proves "True here ⇒ valid for ``jsonschema``" on generated documents.
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
from importlib import resources
from typing import Any, Callable

__all__ = ["validate_shape_fast"]

_Check = Callable[[Any], bool]
_SCHEMAS = {
    "credential": "verifiable-credential-schema.json",
    "presentation": "verifiable-presentation-schema.json",
}
_ANNOTATIONS = frozenset(("$schema", "$id", "$defs", "description", "title", "$comment"))
_TYPES: dict[str, Callable[[Any], bool]] = {
    "string": lambda v: isinstance(v, str),
    "array": lambda v: isinstance(v, list),
    "object": lambda v: isinstance(v, dict),
    "boolean": lambda v: isinstance(v, bool),
    "null": lambda v: v is None,
}



class _Unsure(Exception):
    """This check cannot decide exactly as ``jsonschema`` would: let ``jsonschema`` decide."""


class _Compiler:
    """Compiles the subset of JSON Schema 2020-12 the VC 2.0 schemas use."""

    def __init__(self, documents: dict[str, Any]) -> None:
        self.documents = documents  # $id -> schema
        self.compiled: dict[tuple[str, str], _Check] = {}

    def ref(self, base: str, ref: str) -> _Check:
        """A ``$ref`` to ``#/$defs/...`` in ``base`` or to another bundled schema's ``$id``."""
        uri, _, fragment = ref.partition("#")
        uri = uri or base
        key = (uri, fragment)
        found = self.compiled.get(key)
        if found is None:
            compiled = self.compiled
            compiled[key] = lambda v: compiled[key](v)  # late-bound while compiling (recursion)
            node = self.documents[uri]
            for part in [p for p in fragment.split("/") if p]:
                node = node[part.replace("~1", "/").replace("~0", "~")]
            found = compiled[key] = self.schema(node, uri)
        return found

    def schema(self, schema: Any, base: str) -> _Check:
        """One (sub)schema as a predicate; ``NotImplementedError`` for an unknown keyword."""
        if schema is True:
            return lambda v: True
        if not isinstance(schema, dict):
            raise NotImplementedError(f"schema {schema!r}")
        checks: list[_Check] = []
        for keyword, value in schema.items():
            if keyword in _ANNOTATIONS:
                continue
            checks.append(self.keyword(keyword, value, schema, base))
        if len(checks) == 1:
            return checks[0]
        return _all_of(checks)

    def keyword(self, keyword: str, value: Any, schema: dict[str, Any], base: str) -> _Check:
        """One keyword of a schema as a predicate, with ``jsonschema``'s semantics."""
        if keyword == "type":
            kinds = [_TYPES[t] for t in (value if isinstance(value, list) else [value])]
            if len(kinds) == 1:
                return kinds[0]
            return lambda v: any(t(v) for t in kinds)
        if keyword == "$ref":
            return self.ref(base, value)
        if keyword == "properties":
            return _properties([(name, self.schema(sub, base)) for name, sub in value.items()])
        if keyword == "required":
            names = list(value)
            return lambda v: not isinstance(v, dict) or all(n in v for n in names)
        if keyword == "additionalProperties" and value is True:
            return lambda v: True
        if keyword == "minProperties":
            return lambda v: not isinstance(v, dict) or len(v) >= value
        if keyword == "propertyNames":
            names = self.schema(value, base)
            return lambda v: not isinstance(v, dict) or all(names(k) for k in v)
        if keyword == "minItems":
            return lambda v: not isinstance(v, list) or len(v) >= value
        if keyword == "items":
            item = self.schema(value, base)
            prefix = len(schema.get("prefixItems", ()))
            return lambda v: not isinstance(v, list) or all(item(x) for x in v[prefix:])
        if keyword == "prefixItems":
            firsts = [self.schema(sub, base) for sub in value]
            return lambda v: not isinstance(v, list) or all(c(x) for c, x in zip(firsts, v))
        if keyword == "contains" and "minContains" not in schema and "maxContains" not in schema:
            inner = self.schema(value, base)
            return lambda v: not isinstance(v, list) or any(inner(x) for x in v)
        if keyword == "uniqueItems" and value is True:
            return _unique
        if keyword == "const" and isinstance(value, str):
            return lambda v: v == value if isinstance(v, str) else False
        if keyword == "enum" and all(isinstance(e, str) for e in value):
            allowed = frozenset(value)
            return lambda v: isinstance(v, str) and v in allowed
        if keyword == "minLength":
            return lambda v: not isinstance(v, str) or len(v) >= value
        if keyword == "pattern":
            search = re.compile(value).search
            return lambda v: not isinstance(v, str) or search(v) is not None
        if keyword in ("oneOf", "anyOf", "allOf"):
            subs = [self.schema(sub, base) for sub in value]
            if keyword == "anyOf":
                return lambda v: any(c(v) for c in subs)
            if keyword == "allOf":
                return _all_of(subs)
            return _one_of(subs)
        raise NotImplementedError(f"JSON Schema keyword {keyword}")


def _all_of(checks: list[_Check]) -> _Check:
    def check(value: Any) -> bool:
        for each in checks:
            if not each(value):
                return False
        return True
    return check


def _one_of(checks: list[_Check]) -> _Check:
    def check(value: Any) -> bool:
        valid = 0
        for each in checks:
            if each(value):
                valid += 1
        return valid == 1
    return check


def _properties(props: list[tuple[str, _Check]]) -> _Check:
    def check(value: Any) -> bool:
        if not isinstance(value, dict):
            return True
        for name, each in props:
            if name in value and not each(value[name]):
                return False
        return True
    return check


def _unique(value: Any) -> bool:
    if not isinstance(value, list):
        return True
    if not all(isinstance(x, str) for x in value):
        raise _Unsure  # jsonschema's equality of numbers, booleans and objects: let it decide
    return len(set(value)) == len(value)


@functools.cache
def _checks() -> dict[str, _Check] | None:
    base = resources.files("skillspas.schemas") / "data" / "jsonschema"
    manifest = json.loads((base / "MANIFEST.json").read_text("utf-8"))
    documents: dict[str, Any] = {}
    by_file: dict[str, str] = {}
    for entry in manifest["schemas"]:
        raw = (base / entry["file"]).read_bytes()
        if hashlib.sha256(raw).hexdigest() != entry["sha256"]:
            raise RuntimeError(f"bundled schema {entry['file']} is corrupt")
        document = json.loads(raw)
        documents[document["$id"]] = document
        by_file[entry["file"]] = document["$id"]
    compiler = _Compiler(documents)
    try:
        return {kind: compiler.ref(by_file[name], "") for kind, name in _SCHEMAS.items()}
    except (NotImplementedError, KeyError, TypeError, re.error):
        return None  # a schema outside the compiled subset: jsonschema decides everything


def validate_shape_fast(document: Any, kind: str = "credential") -> bool:
    """True when ``document`` certainly satisfies the bundled schema for ``kind``; else False."""
    checks = _checks()
    if checks is None or kind not in checks:
        return False
    try:
        return checks[kind](document)
    except (_Unsure, RecursionError):
        return False
