"""A pyld processor that caches type-scoped contexts (pyld 3.3.0; the version is pinned).

Why: pyld never serves a type-scoped context from its cache. In ``_process_context`` with
``propagate=False`` it clones the active context (dropping ``_uuid``) before the cache lookup,
so every lookup misses and the VC v2 ``VerifiableCredential``/``DataIntegrityProof`` and every
OB 3.0 type-scoped context are re-processed for every node of every document (PERFORMANCE.md §2).
Here that clone is memoised per parent context, so it keeps its ``_uuid`` and the processed
result is found next time. When the scoped context itself says ``@propagate: true`` pyld does not
clone at all, and neither do we. ``tests/schemas/test_pyld_cache.py`` proves the output equal to
stock pyld on the whole W3C JSON-LD toRdf suite and on the spec vectors.
"""

from __future__ import annotations

from typing import Any

from pyld.__about__ import __version__ as _pyld_version
from cachetools import LRUCache
from frozendict import frozendict
from pyld import jsonld
from pyld.context_resolver import ContextResolver

__all__ = ["CachingJsonLdProcessor", "IdentityCachingContextResolver", "immutable_objects", "PYLD_VERSION"]

PYLD_VERSION = "3.3.0"
if _pyld_version != PYLD_VERSION:  # the patch reasons about this version's internals
    raise ImportError(f"skillspas needs pyld=={PYLD_VERSION}, found {_pyld_version}")


class CachingJsonLdProcessor(jsonld.JsonLdProcessor):  # type: ignore[misc]  # pyld is untyped (Any)
    """``JsonLdProcessor`` whose non-propagating (type-scoped) contexts hit the context cache."""

    def __init__(self, maxsize: int = 4096) -> None:
        super().__init__()
        self._scoped_parents: LRUCache[int, dict[str, Any]] = LRUCache(maxsize=maxsize)

    def _process_context(
        self,
        active_ctx: dict[str, Any],
        local_ctx: Any,
        options: dict[str, Any],
        override_protected: bool = False,
        propagate: bool = True,
        validate_scoped: bool = True,
        cycles: Any = None,
    ) -> dict[str, Any]:
        if not propagate and not active_ctx.get("previousContext") and not _propagates(local_ctx):
            # keyed by identity: the cached parent holds active_ctx, so its id cannot be reused
            key = id(active_ctx)
            parent = self._scoped_parents.get(key)
            if parent is None or parent["previousContext"] is not active_ctx:
                parent = self._clone_active_context(active_ctx)
                parent["previousContext"] = active_ctx
                self._scoped_parents[key] = parent
            active_ctx = parent
        processed: dict[str, Any] = super()._process_context(
            active_ctx, local_ctx, options, override_protected, propagate, validate_scoped, cycles
        )
        return processed


def _propagates(local_ctx: Any) -> bool:
    """True when the first local context says ``@propagate: true`` (pyld then does not clone)."""
    first = local_ctx[0] if isinstance(local_ctx, list) and local_ctx else local_ctx
    if isinstance(first, dict) and "@context" in first and isinstance(first["@context"], (dict, list)):
        first = first["@context"]
        first = first[0] if isinstance(first, list) and first else first
    return isinstance(first, dict) and first.get("@propagate") is True


class IdentityCachingContextResolver(ContextResolver):  # type: ignore[misc]  # pyld is untyped (Any)
    """A ``ContextResolver`` that finds known immutable inline contexts by identity.

    Why: pyld keys every inline (e.g. type-scoped) context by its JCS canonical form, computed
    on every resolve; for OB 3.0 that was a quarter of a verification. Only dicts listed in
    ``immutable`` (the objects of the bundled context documents, which live as long as the
    registry, plus our own constants) are found by identity; any other dict takes pyld's path.
    """

    def __init__(self, shared_cache: Any, document_loader: Any, immutable: dict[int, Any]) -> None:
        super().__init__(shared_cache, document_loader)
        self._immutable = immutable

    def resolve(self, active_ctx: Any, context: Any, base: Any, cycles: Any = None) -> list[Any]:
        if isinstance(context, (dict, frozendict)) and "@context" in context:
            context = context["@context"]
        contexts = context if isinstance(context, list) else [context]
        resolved: list[Any] = []
        for ctx in contexts:
            known = self._immutable.get(id(ctx)) if isinstance(ctx, (dict, frozendict)) else None
            if known is not None and known[0] is ctx:
                if known[1] is None:
                    known[1] = super().resolve(active_ctx, [ctx], base, cycles)
                resolved.extend(known[1])
            else:
                resolved.extend(super().resolve(active_ctx, [ctx], base, cycles if cycles is not None else set()))
        return resolved


def immutable_objects(*roots: Any) -> dict[int, list[Any]]:
    """Index every dict inside ``roots`` by identity (for ``IdentityCachingContextResolver``)."""
    index: dict[int, list[Any]] = {}
    stack = list(roots)
    while stack:
        node = stack.pop()
        if isinstance(node, (dict, frozendict)):
            index[id(node)] = [node, None]
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return index
