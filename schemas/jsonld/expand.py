"""Strict JSON-LD expansion and conversion to RDF quads (DESIGN.md threat 3).

JSON-LD silently drops a property or type that no context defines, so a signature would not
cover what a person reads. Here the document is expanded with a sentinel ``@vocab`` placed
before its own contexts (so a context's own ``@vocab`` still wins, as it would without the
sentinel): an undefined term then expands to a sentinel IRI instead of vanishing,
and is reported as ``undefined_term`` with its JSON path. When nothing expanded to the sentinel,
the sentinel was never used and the expansion equals the plain one, so the same expansion is
turned into RDF (one context-heavy expansion per document, not two).
"""

from __future__ import annotations

from typing import Any, Iterator

from skillspas.schemas.jsonld._pyld_cache import (
    CachingJsonLdProcessor,
    IdentityCachingContextResolver,
    is_absolute_iri,
    jsonld,
    resolved_context_cache,
)
from skillspas.schemas.errors import ErrorCode, SkillspasError, error_for, shown
from skillspas.schemas.jsonio import pointer_token
from skillspas.schemas.jsonld.loader import DocumentLoader, unwrap_pyld_error
from skillspas.schemas.jsonld.nquads import Quad, dataset_from_pyld
from skillspas.schemas.jsonld.sentinel import SENTINEL, SENTINEL_CONTEXT

__all__ = ["expand_strict", "to_quads", "SENTINEL", "SENTINEL_CONTEXT", "PROCESSOR", "processing_options"]

_SENTINEL_CONTEXT = SENTINEL_CONTEXT
_KEYWORDS = frozenset(
    "@base @container @context @direction @graph @id @import @included @index @json @language "
    "@list @nest @none @prefix @propagate @protected @reverse @set @type @value @version @vocab".split()
)
PROCESSOR = CachingJsonLdProcessor()
"""The one pyld processor (its scoped-context cache is shared by the reference and fast paths)."""
_PROCESSOR = PROCESSOR


def processing_options(loader: DocumentLoader) -> dict[str, Any]:
    """The pyld options every expansion here uses (offline loader, identity-cached contexts)."""
    return _options(loader)


def _options(loader: DocumentLoader) -> dict[str, Any]:
    immutable = getattr(loader, "immutable", None)
    if immutable is not None:
        immutable.setdefault(id(_SENTINEL_CONTEXT), [_SENTINEL_CONTEXT, None])
        resolver = IdentityCachingContextResolver(resolved_context_cache, loader, immutable)
    else:
        resolver = jsonld.ContextResolver(resolved_context_cache, loader)
    return {
        "base": None,  # no document base: a relative IRI stays relative and is refused (pyld would resolve "" against http://example.org/base/)
        "documentLoader": loader,
        "contextResolver": resolver,
        "extractAllScripts": True,
        "processingMode": "json-ld-1.1",
        "produceGeneralizedRdf": False,
    }


def expand_strict(document: dict[str, Any], loader: DocumentLoader) -> list[Any]:
    """Expand ``document``; ``undefined_term`` (with its JSON path) if anything would be dropped."""
    if not isinstance(document, dict):
        raise error_for(ErrorCode.SCHEMA_INVALID, "a credential must be a JSON object", "/")
    _check_keys(document)
    contexts = document.get("@context")
    probe = dict(document)
    probe["@context"] = [_SENTINEL_CONTEXT, *(contexts if isinstance(contexts, list) else [contexts])]
    try:
        expanded: list[Any] = _PROCESSOR.expand(probe, _options(loader))
    except SkillspasError:
        raise
    except jsonld.JsonLdError as exc:
        inner = unwrap_pyld_error(exc)
        if inner is not None:
            raise inner from None
        codes = _codes(exc)
        code = shown(codes[-1]) if codes else "unknown"  # the innermost: the most specific
        if set(codes) & _REDEFINITIONS:
            raise error_for(ErrorCode.REDEFINED_TERM, f"a context redefines a protected term (JSON-LD error '{code}')",
                            nl=f"Een context definieert een beschermde term opnieuw (JSON-LD-fout '{code}').") from None
        en, nl = _HINTS.get(code, ("", ""))
        raise error_for(ErrorCode.SCHEMA_INVALID, f"not valid JSON-LD (JSON-LD error '{code}'){en}",
                        nl=f"Geen geldige JSON-LD (JSON-LD-fout '{code}'){nl}.") from None
    except RecursionError:
        raise error_for(ErrorCode.TOO_DEEP, "JSON-LD structure is nested too deeply",
                        nl="de JSON-LD-structuur is te diep genest") from None
    _check_expanded(expanded, document)
    return expanded


def to_quads(document: dict[str, Any], loader: DocumentLoader) -> list[Quad]:
    """The RDF dataset of ``document`` as canonical-term quads, after strict expansion."""
    expanded = expand_strict(document, loader)
    return dataset_from_pyld(_PROCESSOR.rdf_dataset(expanded, _options(loader)))


_REDEFINITIONS = frozenset({"protected term redefinition", "keyword redefinition", "invalid keyword alias"})
_HINTS = {"colliding keywords": (": two keys mean the same keyword, such as id and @id",
                                 ": twee sleutels betekenen hetzelfde sleutelwoord, zoals id en @id")}
"""What a JSON-LD error code means, where a person would not guess it (the message never repeats pyld's: its
text is a Python tuple, its details the input)."""


def _codes(exc: BaseException) -> list[str]:
    """The JSON-LD error codes along pyld's exception chain, outermost first (fixed terms of the JSON-LD API)."""
    found: list[str] = []
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(getattr(current, "code", None), str):
            found.append(current.code)  # type: ignore[attr-defined]
        cause = getattr(current, "cause", None)
        current = cause if isinstance(cause, BaseException) else current.__cause__ or current.__context__
    return found


def _check_keys(document: Any) -> None:
    """Keys that look like keywords but are not are dropped by JSON-LD: refuse them."""
    for path, key, _ in _walk_keys(document, ""):
        if key.startswith("@") and key not in _KEYWORDS:
            raise error_for(ErrorCode.UNDEFINED_TERM, f"{key!r} is not a JSON-LD keyword and would be dropped", path,
                            nl=f"{key!r} is geen JSON-LD-sleutelwoord; het veld valt buiten de handtekening")


def _walk_keys(node: Any, path: str) -> Iterator[tuple[str, str, Any]]:
    stack = [(node, path)]
    while stack:
        current, here = stack.pop()
        if isinstance(current, dict):
            for key, value in current.items():
                child = f"{here}/{pointer_token(key)}"
                yield child, key, value
                if key != "@context":
                    stack.append((value, child))
        elif isinstance(current, list):
            stack.extend((item, f"{here}/{i}") for i, item in enumerate(current))


def _check_expanded(expanded: Any, document: dict[str, Any]) -> None:
    stack = [expanded]
    while stack:
        node = stack.pop()
        if isinstance(node, list):
            stack.extend(node)
            continue
        if not isinstance(node, dict):
            continue
        for key, value in node.items():
            if key.startswith(SENTINEL):
                _undefined(key[len(SENTINEL):], document, "property")
            if key.startswith("_:"):  # a blank-node predicate: RDF (and so the signature) drops it
                _undefined(key, document, "property")
            if key == "@type":
                for t in value if isinstance(value, list) else [value]:
                    if isinstance(t, str):
                        if t.startswith(SENTINEL):
                            _undefined(t[len(SENTINEL):], document, "type")
                        if not _absolute(t):
                            _undefined(t, document, "type")
            elif key == "@id":
                if isinstance(value, str):
                    if value.startswith(SENTINEL):
                        _undefined(value[len(SENTINEL):], document, "value")
                    if not _absolute(value):
                        raise error_for(
                            ErrorCode.SCHEMA_INVALID,
                            f"{value!r} is not an absolute URL; JSON-LD would drop it",
                            _find(document, value, keys=False),
                            nl=f"{value!r} is geen volledige URL; zo valt hij buiten de handtekening",
                        )
            elif key == "@value" and node.get("@type", "").startswith(SENTINEL):
                _undefined(node["@type"][len(SENTINEL):], document, "datatype")
            if isinstance(value, (list, dict)):
                stack.append(value)


def _absolute(iri: str) -> bool:
    return iri.startswith("_:") or (":" in iri and is_absolute_iri(iri))


def _undefined(term: str, document: dict[str, Any], what: str) -> None:
    raise error_for(
        ErrorCode.UNDEFINED_TERM,
        f"{what} {term!r} is not defined by any context; it would be dropped from the signed data",
        _find(document, term, keys=True) or _find(document, term, keys=False),
        nl=f"{_WHAT_NL.get(what, what)} {term!r} is nergens vastgelegd (in geen enkele context), dus valt het buiten de "
           "handtekening: het kan zijn toegevoegd of veranderd",
    )


_WHAT_NL = {"property": "het veld", "type": "de soort", "value": "de waarde", "datatype": "het gegevenstype"}


def _find(document: Any, needle: str, *, keys: bool) -> str | None:
    """JSON Pointer of the first key (or string value) equal to ``needle``."""
    for path, key, value in _walk_keys(document, ""):
        if keys and key == needle:
            return path
        if not keys:
            if value == needle:
                return path
            if isinstance(value, list) and needle in value:
                return f"{path}/{value.index(needle)}"
    return None
