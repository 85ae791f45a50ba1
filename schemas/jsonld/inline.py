"""Inline ``@context`` objects: what one may do, checked before JSON-LD processing sees it.

VC Data Model 2.0 §4.3 allows context objects after the first context URL. An inline context
travels inside the signed document, so the signature covers it; the danger is what it can make a
signed document *mean* while a person reads the same JSON (DESIGN.md threat 2). So an inline
context may only add NEW terms, each mapped to an absolute IRI of its own:

- no term that a known context (bundled, or from a ``--contexts`` folder) defines, in any scope, and
  no IRI that such a term maps to (``redefined_term``: a redefinition or an alias, e.g. a second key
  for ``validUntil`` that a JSON reader would not see);
- no keyword alias, no ``@vocab``, ``@base``, ``@import``, ``@propagate``, ``@language``, no scoped
  (``@context`` inside a term) or reverse definitions, no compact IRIs (``inline_context_refused``);
- at most ``Limits.max_inline_contexts`` objects of ``Limits.max_inline_terms`` terms (``resource_limit``).

JSON-LD's own ``@protected`` check stays behind this as a second line: the processor's "protected
term redefinition" is reported as ``redefined_term`` too (``schemas/jsonld/expand.py``).
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from typing import Any

from skillspas.schemas.jsonld.contexts import ContextRegistry
from skillspas.schemas.errors import ErrorCode, SkillspasError, error_for, shown
from skillspas.schemas.jsonio import pointer_token
from skillspas.schemas.limits import Limits

__all__ = ["KnownTerms", "known_terms", "check_inline_context"]

_TERM = re.compile(r"[A-Za-z_][A-Za-z0-9_.-]{0,99}")
_IRI = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:[^\s<>\"{}|\\^`]+")
_DEFINITION_KEYS = frozenset({"@id", "@type", "@container", "@protected"})
_CONTAINERS = frozenset({"@set", "@list", "@language"})


@dataclass(frozen=True, slots=True)
class KnownTerms:
    """Every term name (in any scope) and every IRI a term maps to, in a registry's contexts."""

    names: frozenset[str]
    iris: frozenset[str]
    class_terms: dict[str, str]
    """A capitalised term (a class, as ``Criteria``) -> the one lower-case term of the same IRI (the property,
    ``criteria``): written as a key, either signs the same, but only the property is what readers read."""


_KNOWN: dict[frozenset[tuple[str, str]], KnownTerms] = {}
_LOCK = threading.Lock()


def known_terms(registry: ContextRegistry) -> KnownTerms:
    """The terms of ``registry``'s contexts, as the JSON-LD processor defines them (cached per context set)."""
    key = frozenset((url, registry.get(url).sha256) for url in registry.urls())
    with _LOCK:
        found = _KNOWN.get(key)
    if found is None:
        found = _collect(registry)
        with _LOCK:
            if len(_KNOWN) >= 16:
                _KNOWN.clear()
            _KNOWN[key] = found
    return found


def _collect(registry: ContextRegistry) -> KnownTerms:
    """Process each context on its own (they need not agree with each other), then each scoped context once."""
    from skillspas.schemas.jsonld.expand import PROCESSOR, processing_options
    from skillspas.schemas.jsonld.processor import shared_loader

    options = processing_options(shared_loader(registry))
    names: set[str] = set()
    iris: set[str] = set()
    by_iri: dict[str, set[str]] = {}
    seen: set[int] = set()

    def walk(active: dict[str, Any], local: Any) -> None:
        processed = PROCESSOR.apply_context(active, local, options, override_protected=True)
        for term, mapping in processed["mappings"].items():
            if not isinstance(mapping, dict):
                continue
            names.add(term)
            if isinstance(mapping.get("@id"), str):
                iris.add(mapping["@id"])
                by_iri.setdefault(mapping["@id"], set()).add(term)
            scoped = mapping.get("@context")
            if scoped is not None and id(scoped) not in seen:
                seen.add(id(scoped))
                walk(processed, scoped)

    for url in registry.urls():
        walk(PROCESSOR.initial_context(options), url)
    class_terms: dict[str, str] = {}
    for terms in by_iri.values():
        lower = [t for t in terms if t[:1].islower()]
        if len(lower) == 1:
            class_terms.update((t, lower[0]) for t in terms if t[:1].isupper())
    return KnownTerms(frozenset(names), frozenset(iris), class_terms)


def check_inline_context(context: Any, path: str, known: KnownTerms, limits: Limits) -> None:
    """Raise the coded error for the first thing ``context`` (one inline object at ``path``) may not do."""
    if not isinstance(context, dict):
        raise error_for(ErrorCode.UNKNOWN_CONTEXT, "a context must be a bundled context URL or an object", path,
                        nl="een context is de URL van een meegeleverde context of een object")
    terms = [key for key in context if not key.startswith("@")]
    if len(terms) > limits.max_inline_terms:
        raise error_for(ErrorCode.RESOURCE_LIMIT, f"an inline context may define at most {limits.max_inline_terms} terms", path,
                        nl=f"een inline context mag hoogstens {limits.max_inline_terms} termen definiëren")
    for key, value in context.items():
        here = f"{path}/{pointer_token(key)}"
        if key == "@version" and value == 1.1:
            continue
        if key == "@protected" and isinstance(value, bool):
            continue
        if key.startswith("@"):
            raise _refused(f"{shown(key)} is not allowed in an inline context", f"{shown(key)} mag niet in een inline context", here)
        _check_term(key, value, context, here, known)


def _check_term(term: str, value: Any, context: dict[str, Any], path: str, known: KnownTerms) -> None:
    if not _TERM.fullmatch(term):
        raise _refused(f"{shown(term, quoted=True)} is not a plain term name (letters, digits, '_', '-', '.')",
                       f"{shown(term, quoted=True)} is geen gewone termnaam (letters, cijfers, '_', '-', '.')", path)
    if term in known.names:
        raise error_for(ErrorCode.REDEFINED_TERM, f"{shown(term, quoted=True)} is defined by a bundled context and cannot be redefined", path,
                        nl=f"{shown(term, quoted=True)} staat al in een meegeleverde context en mag geen andere betekenis krijgen")
    if isinstance(value, str):
        _check_iri(value, context, path, known)
        return
    if not isinstance(value, dict):
        raise _refused(f"the definition of {shown(term, quoted=True)} must be an IRI or an object with @id",
                       f"de definitie van {shown(term, quoted=True)} is een IRI of een object met @id", path)
    extra = sorted(set(value) - _DEFINITION_KEYS)
    if extra:
        raise _refused(f"{shown(extra[0])} is not allowed in an inline term definition",
                       f"{shown(extra[0])} mag niet in de definitie van een term in een inline context", f"{path}/{pointer_token(extra[0])}")
    if "@id" not in value:
        raise _refused(f"the definition of {shown(term, quoted=True)} needs an @id",
                       f"de definitie van {shown(term, quoted=True)} mist @id", path)
    _check_iri(value["@id"], context, f"{path}/@id", known)
    kind = value.get("@type", "@id")
    if kind != "@id":
        _check_iri(kind, context, f"{path}/@type", known, datatype=True)
    container = value.get("@container", "@set")
    if container not in _CONTAINERS:
        raise _refused(f"@container {shown(container, quoted=True)} is not allowed in an inline context",
                       f"@container {shown(container, quoted=True)} mag niet in een inline context", f"{path}/@container")
    if not isinstance(value.get("@protected", True), bool):
        raise _refused("@protected must be true or false", "@protected is true of false", f"{path}/@protected")


def _check_iri(iri: Any, context: dict[str, Any], path: str, known: KnownTerms, *, datatype: bool = False) -> None:
    if isinstance(iri, str) and iri.startswith("@"):
        raise error_for(ErrorCode.REDEFINED_TERM, f"{shown(iri)} is a keyword; an inline context may not alias it", path,
                        nl=f"{shown(iri)} is een sleutelwoord; een inline context mag het geen andere naam geven")
    if not isinstance(iri, str) or not _IRI.fullmatch(iri) or iri.startswith("_:"):
        raise _refused(f"{shown(iri, quoted=True)} is not an absolute IRI", f"{shown(iri, quoted=True)} is geen volledige IRI", path)
    prefix = iri.split(":", 1)[0]
    if prefix in known.names or prefix in context:
        raise _refused(f"{shown(iri, quoted=True)} is a compact IRI; write the full IRI",
                       f"{shown(iri, quoted=True)} is een verkorte IRI; in een inline context staat de volledige IRI", path)
    if not datatype and iri in known.iris:
        raise error_for(ErrorCode.REDEFINED_TERM, f"{shown(iri)} is already the IRI of a bundled term; an inline context may not alias it", path,
                        nl=f"{shown(iri)} is al de IRI van een meegeleverde term; een inline context mag die geen tweede naam geven")


def _refused(message: str, nl: str, path: str) -> SkillspasError:
    """``inline_context_refused`` in English and Dutch, at ``path``."""
    return error_for(ErrorCode.INLINE_CONTEXT_REFUSED, message, path, nl=nl)

