"""pyld's private names, in this one module (pyld 3.3.0; the version is pinned), and the cache fixes built on them.

Every use of a private pyld name (``jsonld._x``, a ``JsonLdProcessor._x`` method) in skillspas is here,
under a public name: ``resolved_context_cache``, ``is_absolute_iri``, ``is_double``,
``canonicalize_double`` and the ``CachingJsonLdProcessor`` methods ``initial_context``,
``apply_context`` and ``rdf_dataset``. A pyld that lacks one of them is refused at import, naming its
version; ``private_name_problems`` also compares the methods' signatures (``tests/schemas/test_pyld_seam.py``).
pyld is imported without ``requests`` and ``aiohttp``: pyld builds its default (network) document loader
from them at import, and skillspas replaces that loader anyway (``loader.py``), so a verification does
not pay for an HTTP stack it never uses.

The cache fix: pyld never serves a type-scoped context from its cache. In ``_process_context`` with
``propagate=False`` it clones the active context (dropping ``_uuid``) before the cache lookup,
so every lookup misses and the VC v2 ``VerifiableCredential``/``DataIntegrityProof`` and every
OB 3.0 type-scoped context are re-processed for every node of every document (PERFORMANCE.md §2).
Here that clone is memoised per parent context, so it keeps its ``_uuid`` and the processed
result is found next time. When the scoped context itself says ``@propagate: true`` pyld does not
clone at all, and neither do we. ``tests/schemas/test_pyld_cache.py`` proves the output equal to
stock pyld on the whole W3C JSON-LD toRdf suite and on the spec vectors.
"""

from __future__ import annotations

import inspect
import sys
from typing import Any

from cachetools import LRUCache
from frozendict import frozendict

from skillspas.schemas.jsonld.pyld_facts import PYLD_VERSION

__all__ = ["CachingJsonLdProcessor", "IdentityCachingContextResolver", "immutable_objects", "PYLD_VERSION", "jsonld",
           "resolved_context_cache", "is_absolute_iri", "is_double", "canonicalize_double", "private_name_problems"]

_NETWORK_CLIENTS = ("requests", "aiohttp")
"""What pyld would build its default document loader from at import (never used by skillspas)."""


def _import_jsonld() -> Any:
    """``pyld.jsonld``, imported with ``requests`` and ``aiohttp`` hidden unless already loaded (pyld then
    falls back to its dummy loader, which ``loader.py`` replaces in any case)."""
    hidden = [name for name in _NETWORK_CLIENTS if name not in sys.modules]
    for name in hidden:
        sys.modules[name] = None  # type: ignore[assignment]  # "import requests" raises ImportError
    try:
        from pyld import jsonld as module
    finally:
        for name in hidden:
            if sys.modules.get(name, False) is None:
                del sys.modules[name]
    return module


jsonld = _import_jsonld()  # first: importing any part of pyld runs pyld/__init__, which imports jsonld

from pyld.__about__ import __version__ as _pyld_version  # noqa: E402
from pyld.context_resolver import ContextResolver  # noqa: E402
from pyld.identifier_issuer import IdentifierIssuer  # noqa: E402

if _pyld_version != PYLD_VERSION:  # the patch reasons about this version's internals
    raise ImportError(f"skillspas needs pyld=={PYLD_VERSION}, found {_pyld_version}")

# Private names of pyld.jsonld used by skillspas (module-level functions and the shared context cache).
_JSONLD_NAMES = ("_resolved_context_cache", "_is_absolute_iri", "_is_double", "_canonicalize_double")
# Private methods of JsonLdProcessor used by skillspas, with the parameters this module passes.
_PROCESSOR_METHODS: dict[str, tuple[str, ...]] = {
    "_get_initial_context": ("self", "options"),
    "_process_context": ("self", "active_ctx", "local_ctx", "options", "override_protected", "propagate",
                         "validate_scoped", "cycles"),
    "_clone_active_context": ("self", "active_ctx"),
    "_create_node_map": ("self", "input_", "graph_map", "active_graph", "issuer", "active_subject",
                         "active_property", "list_"),
    "_graph_to_rdf": ("self", "graph", "issuer", "options"),
}


def private_name_problems(module: Any = None, processor: Any = None) -> list[str]:
    """What the installed pyld lacks or has changed of the private names above (empty: all is as in
    pyld ``PYLD_VERSION``); each problem names the installed pyld version."""
    module = jsonld if module is None else module
    processor = module.JsonLdProcessor if processor is None else processor
    problems = [f"pyld {_pyld_version} has no jsonld.{name}" for name in _JSONLD_NAMES if not hasattr(module, name)]
    for name, expected in _PROCESSOR_METHODS.items():
        method = getattr(processor, name, None)
        if method is None:
            problems.append(f"pyld {_pyld_version} has no JsonLdProcessor.{name}")
        elif tuple(inspect.signature(method).parameters) != expected:
            problems.append(f"pyld {_pyld_version} changed JsonLdProcessor.{name}: parameters "
                            f"{tuple(inspect.signature(method).parameters)}, skillspas expects {expected}")
    return [f"{problem} (skillspas relies on pyld {PYLD_VERSION}'s private names: schemas/jsonld/_pyld_cache.py)"
            for problem in problems]


def _private(name: str) -> Any:
    """``jsonld.<name>``, or ImportError naming the installed pyld version."""
    try:
        return getattr(jsonld, name)
    except AttributeError:
        raise ImportError(f"pyld {_pyld_version} has no jsonld.{name} (skillspas relies on pyld {PYLD_VERSION}'s "
                          "private names: schemas/jsonld/_pyld_cache.py)") from None


resolved_context_cache: Any = _private("_resolved_context_cache")
"""pyld's process-wide cache of resolved contexts (shared by every resolver, as pyld's own API does)."""
is_absolute_iri: Any = _private("_is_absolute_iri")
"""pyld's absolute-IRI test."""
is_double: Any = _private("_is_double")
"""pyld's test for a number written as ``xsd:double`` in RDF."""
canonicalize_double: Any = _private("_canonicalize_double")
"""pyld's canonical ``xsd:double`` lexical form."""
for _name in _PROCESSOR_METHODS:
    if not hasattr(jsonld.JsonLdProcessor, _name):
        raise ImportError(f"pyld {_pyld_version} has no JsonLdProcessor.{_name} (skillspas relies on pyld "
                          f"{PYLD_VERSION}'s private names: schemas/jsonld/_pyld_cache.py)")


_JsonLdProcessor: Any = jsonld.JsonLdProcessor


class CachingJsonLdProcessor(_JsonLdProcessor):  # type: ignore[misc]  # pyld is untyped (Any)
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

    def initial_context(self, options: dict[str, Any]) -> dict[str, Any]:
        """pyld's initial active context for ``options``."""
        context: dict[str, Any] = self._get_initial_context(options)
        return context

    def apply_context(self, active_ctx: dict[str, Any], local_ctx: Any, options: dict[str, Any],
                      **flags: Any) -> dict[str, Any]:
        """pyld's context processing of ``local_ctx`` on ``active_ctx`` (flags: ``override_protected``,
        ``propagate``, ``validate_scoped``)."""
        processed: dict[str, Any] = self._process_context(active_ctx, local_ctx, options, **flags)
        return processed

    def rdf_dataset(self, expanded: list[Any], options: dict[str, Any]) -> dict[str, list[Any]]:
        """pyld's RDF dataset (graph name -> triples) of an expansion, without expanding again."""
        issuer = IdentifierIssuer("_:b")
        node_map: dict[str, dict[str, Any]] = {"@default": {}}
        self._create_node_map(expanded, node_map, "@default", issuer)
        dataset = {}
        for graph_name, graph in sorted(node_map.items()):
            if graph_name == "@default" or is_absolute_iri(graph_name):
                dataset[graph_name] = self._graph_to_rdf(graph, issuer, options)
        return dataset


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
