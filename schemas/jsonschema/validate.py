"""JSON Schema checks (DESIGN.md threat 3): the W3C VC 2.0 schemas, bundled, resolved offline, and
skillspas's minimal VC 1.1 schemas (the MUSTs of VC Data Model 1.1 §4; W3C publishes no 1.1 schema).

The presentation schema ``$ref``s the credential schema by its ``$id``; both are found by ``$id`` among
the bundled schemas (a ``referencing.Registry`` for ``jsonschema``, a dict for the compiled checks), so
the validator never goes to the network.
"""

from __future__ import annotations

import functools
import hashlib
from importlib import resources
from typing import TYPE_CHECKING, Any

from skillspas.schemas.errors import ErrorCode, error_for, shown
from skillspas.schemas.jsonio import parse_json
from skillspas.schemas.jsonschema.yescheck import Check, LocalResolver, certainly, compile_check

if TYPE_CHECKING:  # jsonschema, the reference engine, loads only when the compiled check is not certain
    from jsonschema import Draft202012Validator

__all__ = ["validate_shape", "validate_shape_fast", "schema_reason"]

_SCHEMAS = {
    "credential": "verifiable-credential-schema.json",
    "presentation": "verifiable-presentation-schema.json",
    "credential-1.1": "verifiable-credential-1.1-schema.json",
    "presentation-1.1": "verifiable-presentation-1.1-schema.json",
}
"""Schema by kind: ``credential`` / ``presentation`` (VC 2.0), with ``-1.1`` for VC 1.1 documents."""


@functools.cache
def _schemas() -> dict[str, Any]:
    """The bundled schemas by file name, checked against their manifest."""
    base = resources.files("skillspas.schemas") / "data" / "jsonschema"
    manifest = parse_json((base / "MANIFEST.json").read_bytes())
    documents = {}
    for entry in manifest["schemas"]:
        raw = (base / entry["file"]).read_bytes()
        if hashlib.sha256(raw).hexdigest() != entry["sha256"]:
            raise RuntimeError(f"bundled schema {entry['file']} is corrupt")
        documents[entry["file"]] = parse_json(raw)
    return documents


@functools.cache
def _validators() -> dict[str, Draft202012Validator]:
    from jsonschema import Draft202012Validator
    from referencing import Registry, Resource

    documents = _schemas()
    registry = Registry().with_resources((doc["$id"], Resource.from_contents(doc)) for doc in documents.values())
    return {
        kind: Draft202012Validator(documents[name], registry=registry) for kind, name in _SCHEMAS.items()
    }


@functools.cache
def _checks() -> dict[str, Check | None]:
    """The compiled yes-checks (schemas/jsonschema/yescheck.py); the validators check no ``format``, nor do these."""
    documents = _schemas()
    by_id = {doc["$id"]: doc for doc in documents.values()}
    return {
        kind: compile_check(documents[name], LocalResolver(by_id, documents[name]["$id"]), formats=False)
        for kind, name in _SCHEMAS.items()
    }


def validate_shape_fast(document: Any, kind: str = "credential") -> bool:
    """True when ``document`` certainly satisfies the schema for ``kind`` (~20x quicker than
    ``jsonschema``, measured); False: ``validate_shape`` decides and words the error."""
    return certainly(_checks().get(kind), document)


def validate_shape(document: dict[str, Any], kind: str = "credential") -> None:
    """Validate against the JSON Schema for ``kind`` (``_SCHEMAS``); ``schema_invalid`` with the path."""
    validator = _validators()[kind]
    error = next(iter(sorted(validator.iter_errors(document), key=lambda e: list(e.absolute_path))), None)
    if error is not None:
        path = "".join(f"/{p}" for p in error.absolute_path) or "/"
        what, _, model = kind.partition("-")
        en, nl = schema_reason(str(error.validator), error.validator_value, error.instance)
        where = ("the document", "het document") if path == "/" else (f"the value at {shown(path)}", f"de waarde bij {shown(path)}")
        raise error_for(ErrorCode.SCHEMA_INVALID, f"not a valid {f'VC {model} ' if model else ''}{what}: {where[0]} {en}",
                        path, nl=f"Geen {_WHAT_NL[what].format(f'VC {model}-' if model else '')}: {where[1]} {nl}.")


_WHAT_NL = {"credential": "geldig {}bewijsstuk", "presentation": "geldige {}presentatie"}
_TYPE_NAMES = {"object": ("an object", "een object"), "array": ("a list", "een lijst"), "string": ("a string", "tekst"),
               "number": ("a number", "een getal"), "integer": ("an integer", "een geheel getal"),
               "boolean": ("true or false", "true of false"), "null": ("null", "null")}
_REASONS = {
    "anyOf": ("does not have one of the allowed forms", "heeft niet een van de toegestane vormen"),
    "oneOf": ("does not have one of the allowed forms", "heeft niet een van de toegestane vormen"),
    "enum": ("is not an allowed value", "is geen toegestane waarde"),
    "const": ("is not the required value", "is niet de vereiste waarde"),
    "pattern": ("does not have the required form", "heeft niet de vereiste vorm"),
    "format": ("does not have the required form", "heeft niet de vereiste vorm"),
    "minItems": ("is too short or empty", "is te kort of leeg"),
    "minLength": ("is too short or empty", "is te kort of leeg"),
    "minProperties": ("is empty", "is leeg"),
    "maxItems": ("is too long", "is te lang"),
    "maxLength": ("is too long", "is te lang"),
    "maxProperties": ("has too many fields", "heeft te veel velden"),
    "minimum": ("is too small", "is te klein"),
    "exclusiveMinimum": ("is too small", "is te klein"),
    "maximum": ("is too large", "is te groot"),
    "exclusiveMaximum": ("is too large", "is te groot"),
    "additionalProperties": ("has a field that is not allowed", "heeft een veld dat niet is toegestaan"),
    "unevaluatedProperties": ("has a field that is not allowed", "heeft een veld dat niet is toegestaan"),
    "contains": ("has no item of the required kind", "bevat geen onderdeel van de vereiste soort"),
    "uniqueItems": ("has an item twice", "bevat een onderdeel twee keer"),
    "not": ("has a form that is not allowed", "heeft een vorm die niet is toegestaan"),
}


def schema_reason(keyword: str, expected: Any, instance: Any) -> tuple[str, str]:
    """What is wrong, in English and Dutch, from the schema keyword that failed and its value in the schema;
    never the input's value (jsonschema's own message is a Python repr of it, of any length)."""
    if keyword == "type":
        names = [_TYPE_NAMES.get(str(t), (str(t), str(t))) for t in (expected if isinstance(expected, list) else [expected])]
        return "must be " + " or ".join(n[0] for n in names), "moet " + " of ".join(n[1] for n in names) + " zijn"
    if keyword == "required" and isinstance(instance, dict) and isinstance(expected, list):
        missing = next((str(name) for name in expected if name not in instance), "?")
        return f"lacks '{missing}'", f"mist '{missing}'"
    return _REASONS.get(keyword, (f"does not meet the schema ({keyword})", f"voldoet niet aan het schema ({keyword})"))
