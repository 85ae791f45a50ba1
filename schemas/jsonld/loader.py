"""An offline pyld document loader that knows only a ``ContextRegistry``.

pyld's own default loader is ``requests_document_loader()``: it would fetch any URL. At import
this module replaces that global default with one that refuses everything, so even a pyld call
that forgets to pass ``documentLoader`` cannot reach the network.
"""

from __future__ import annotations

from typing import Any, Callable

from skillspas.schemas.jsonld._pyld_cache import immutable_objects, jsonld
from skillspas.schemas.jsonld.contexts import ContextRegistry, unknown_context
from skillspas.schemas.errors import SkillspasError

__all__ = ["document_loader", "OfflineLoader", "DocumentLoader", "unwrap_pyld_error"]

DocumentLoader = Callable[[str, dict[str, Any]], dict[str, Any]]


class OfflineLoader:
    """A pyld document loader serving a ``ContextRegistry``; results are tagged static so pyld
    caches them. ``immutable`` indexes the registry's context objects by identity (see
    ``_pyld_cache.IdentityCachingContextResolver``)."""

    def __init__(self, registry: ContextRegistry) -> None:
        self.registry = registry
        self.immutable = immutable_objects(*(registry.get(url).document for url in registry.urls()))

    def __call__(self, url: str, options: dict[str, Any] | None = None) -> dict[str, Any]:
        context = self.registry.get(url)
        return {"contextUrl": None, "documentUrl": url, "document": context.document, "tag": "static"}


def document_loader(registry: ContextRegistry) -> OfflineLoader:
    """A pyld loader that knows only ``registry`` (anything else: ``unknown_context``)."""
    return OfflineLoader(registry)


def _refuse(url: str, options: dict[str, Any] | None = None) -> dict[str, Any]:
    raise unknown_context(url)


jsonld.set_document_loader(_refuse)


def unwrap_pyld_error(exc: BaseException) -> SkillspasError | None:
    """The ``SkillspasError`` a loader raised inside pyld, found through its exception chain."""
    seen: set[int] = set()
    current: Any = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, SkillspasError):
            return current
        details = getattr(current, "details", None)
        if isinstance(details, dict):
            cause = details.get("cause")
            if isinstance(cause, BaseException):
                nested = unwrap_pyld_error(cause)
                if nested is not None:
                    return nested
        current = current.__cause__ or current.__context__ or getattr(current, "cause", None)
    return None
