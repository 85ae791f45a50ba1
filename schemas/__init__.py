"""The document layer: strict JSON, bundled JSON-LD contexts, strict expansion, RDFC-1.0,
JSON Schemas, the skills vocabulary (ESCO/CompetentNL) and the kwalificaties; and the one typed
error tree with its stable codes. Nothing cryptographic, no network.

Usage::

    from skillspas.schemas import DocumentProcessor, parse_json

    document = parse_json(raw_bytes)                   # malformed_json / too_large / too_deep
    nquads = DocumentProcessor().canonical_nquads(document)   # unknown_context / undefined_term
"""

from __future__ import annotations

import importlib
from typing import Any

from skillspas.schemas.errors import (
    ErrorCode,
    InvalidCredential,
    IssuanceRefused,
    KeystoreError,
    SkillspasError,
    UnusableInput,
    error_for,
)
from skillspas.schemas.limits import Limits
from skillspas.schemas.compiled import load_sources_if_stale

load_sources_if_stale()  # before any compiled module loads: an edited source wins over its old extension

# The rest loads on first use (PEP 562): importing an error code must not pull in pyld, jsonschema
# and the vocabulary (``skillspas.keys`` imports only the errors).
_LAZY = {
    "DocumentProcessor": "processor",
    "ContextRegistry": "contexts",
    "bundled_registry": "contexts",
    "VC_V2": "contexts",
    "canonicalize": "canon",
    "parse_json": "jsonio",
    "SkillsVocabulary": "vocab",
    "Skill": "vocab",
    "Kwalificaties": "kwalificaties",
    "text": "messages",
}

__all__ = [
    "DocumentProcessor",
    "ContextRegistry",
    "bundled_registry",
    "VC_V2",
    "canonicalize",
    "parse_json",
    "Limits",
    "SkillsVocabulary",
    "Skill",
    "Kwalificaties",
    "ErrorCode",
    "SkillspasError",
    "UnusableInput",
    "InvalidCredential",
    "IssuanceRefused",
    "KeystoreError",
    "error_for",
    "text",
]


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module(f"skillspas.schemas.{_LAZY[name]}"), name)
    raise AttributeError(f"module 'skillspas.schemas' has no attribute {name!r}")
