"""JSON Schema checks (DESIGN.md threat 3): the W3C VC 2.0 schemas, bundled, resolved offline.

The presentation schema ``$ref``s the credential schema by its ``$id``; both are registered in a
local ``referencing.Registry``, so the validator never goes to the network.
"""

from __future__ import annotations

import functools
import hashlib
import json
from importlib import resources
from typing import Any

from jsonschema import Draft202012Validator
from referencing import Registry, Resource

from skillspas.schemas.errors import ErrorCode, error_for

__all__ = ["validate_shape"]

_SCHEMAS = {
    "credential": "verifiable-credential-schema.json",
    "presentation": "verifiable-presentation-schema.json",
}


@functools.cache
def _validators() -> dict[str, Draft202012Validator]:
    base = resources.files("skillspas.schemas") / "data" / "jsonschema"
    manifest = json.loads((base / "MANIFEST.json").read_text("utf-8"))
    documents = {}
    for entry in manifest["schemas"]:
        raw = (base / entry["file"]).read_bytes()
        if hashlib.sha256(raw).hexdigest() != entry["sha256"]:
            raise RuntimeError(f"bundled schema {entry['file']} is corrupt")
        documents[entry["file"]] = json.loads(raw)
    registry = Registry().with_resources(
        (doc["$id"], Resource.from_contents(doc)) for doc in documents.values()
    )
    return {
        kind: Draft202012Validator(documents[name], registry=registry) for kind, name in _SCHEMAS.items()
    }


def validate_shape(document: dict[str, Any], kind: str = "credential") -> None:
    """Validate against the VC 2.0 JSON Schema for ``kind``; ``schema_invalid`` with the path."""
    validator = _validators()[kind]
    error = next(iter(sorted(validator.iter_errors(document), key=lambda e: list(e.absolute_path))), None)
    if error is not None:
        path = "".join(f"/{p}" for p in error.absolute_path) or "/"
        raise error_for(ErrorCode.SCHEMA_INVALID, f"not a valid {kind}: {error.message[:200]}", path)
