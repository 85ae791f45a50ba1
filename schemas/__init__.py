"""The document layer: strict JSON, bundled JSON-LD contexts, strict expansion, RDFC-1.0,
JSON Schemas, the skills vocabulary (ESCO/CompetentNL) and the kwalificaties; and the one typed
error tree with its stable codes. Nothing cryptographic, no network.

Usage::

    from skillspas.schemas import DocumentProcessor, parse_json

    document = parse_json(raw_bytes)                   # malformed_json / too_large / too_deep
    nquads = DocumentProcessor().canonical_nquads(document)   # unknown_context / undefined_term
"""

from skillspas.schemas.canon import canonicalize
from skillspas.schemas.contexts import VC_V2, ContextRegistry, bundled_registry
from skillspas.schemas.errors import (
    ErrorCode,
    InvalidCredential,
    IssuanceRefused,
    KeystoreError,
    SkillspasError,
    UnusableInput,
    error_for,
)
from skillspas.schemas.jsonio import parse_json
from skillspas.schemas.kwalificaties import Kwalificaties
from skillspas.schemas.limits import Limits
from skillspas.schemas.messages import text
from skillspas.schemas.processor import DocumentProcessor
from skillspas.schemas.vocab import Skill, SkillsVocabulary

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
