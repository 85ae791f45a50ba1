"""The document layer in one object: contexts, strict expansion and canonical N-Quads.

A ``DocumentProcessor`` is cheap to build: the loader and the compiled fast path are kept per
context set, so pyld's context caches and the compiled contexts stay warm across processors
(``skillspas.verifier.verify`` builds one per call). Every document first goes through
the fast path (``fastpath.FastPath``); whatever it refuses goes through pyld, the reference.
"""

from __future__ import annotations

import contextlib
import contextvars
import hashlib
import os
import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Iterator

from skillspas.schemas.jsonld.canon import canonicalize
from skillspas.schemas.jsonld.contexts import ContextRegistry, bundled_registry
from skillspas.schemas.jsonio import content_key
from skillspas.schemas.jsonld import fastexpand
from skillspas.schemas.jsonld.fastpath import FastPath
from skillspas.schemas.jsonld.fastsnapshot import snapshot_file
from skillspas.schemas.limits import Limits
from skillspas.schemas.jsonld.nquads import Quad
from skillspas.schemas.jsonld.sentinel import SENTINEL_CONTEXT

if TYPE_CHECKING:
    from skillspas.schemas.jsonld.loader import OfflineLoader

__all__ = ["DocumentProcessor", "Expansion", "shared_loader"]

# Why: building an OfflineLoader indexes every context object (~1 ms) and a new loader starts with
# cold caches. Registries with the same contexts (URL and SHA-256 of each) serve the same bytes,
# so they share one loader and one fast path; a few context sets at most, least recent dropped.
# The loader (and with it pyld) is built only when pyld is needed: the fast path's contexts come
# from the cache folder when they are stored there (``fastsnapshot``).
_PER_CONTEXT_SET: dict[frozenset[tuple[str, str]], FastPath] = {}
_MAX_CONTEXT_SETS = 16
_LOCK = threading.Lock()


def _fast_path(registry: ContextRegistry) -> FastPath:
    key = frozenset((url, registry.get(url).sha256) for url in registry.urls())
    with _LOCK:
        found = _PER_CONTEXT_SET.pop(key, None)
        if found is None:
            found = FastPath(make_loader=lambda: _new_loader(registry), stored=snapshot_file(key, SENTINEL_CONTEXT))
            while len(_PER_CONTEXT_SET) >= _MAX_CONTEXT_SETS:
                del _PER_CONTEXT_SET[next(iter(_PER_CONTEXT_SET))]
        _PER_CONTEXT_SET[key] = found  # (re)inserted last: most recently used
    return found


def _new_loader(registry: ContextRegistry) -> OfflineLoader:
    from skillspas.schemas.jsonld.loader import document_loader  # pyld

    return document_loader(registry)


def shared_loader(registry: ContextRegistry) -> OfflineLoader:
    """The one offline loader of ``registry``'s context set (shared with its processors)."""
    return _fast_path(registry).loader  # type: ignore[return-value]


# Inside ``DocumentProcessor.reuse()``: content-keyed results, so an issuer's self-verification
# does not canonicalize again what it has just signed (measured: a third of a signature).
_REUSE: contextvars.ContextVar[dict[Any, Any] | None] = contextvars.ContextVar("skillspas_reuse", default=None)
# Also inside ``reuse()``, across blocks: the canonical forms (and their hashes: immutable values) of
# small documents, by the same content-keyed slots. A proof configuration differs between credentials
# only in ``created``, to the second, so an issuer signing many a second canonicalizes it once.
_LASTING: dict[Any, Any] = {}
_LASTING_KEY_BYTES = 1024
"""Only documents whose content key is this short (a proof configuration's is ~300 bytes)."""
_LASTING_SLOTS = 64


@dataclass(frozen=True, slots=True)
class Expansion:
    """A document's strict expansion (``DocumentProcessor.expansion``). Handed back to
    ``canonical_nquads`` with the same document object, it spares a second expansion (measured: a
    fifth of a verification) and, inside ``reuse()``, a second content key of the document."""

    document: Any
    expanded: list[Any]
    fast: bool
    """Made by the fast path (so its RDF writer may take it); else pyld's."""
    memo_key: Any = None
    """Inside ``reuse()``: the document's slot prefix in the memo (``_memo``), else None."""


class DocumentProcessor:
    """Bundled contexts (plus an optional user folder) -> strict expansion -> RDFC-1.0."""

    def __init__(
        self,
        contexts: str | os.PathLike[str] | ContextRegistry | None = None,
        limits: Limits = Limits(),
        *,
        fast: bool = True,
    ) -> None:
        if isinstance(contexts, ContextRegistry):
            self.registry = contexts
        elif contexts is None:
            self.registry = bundled_registry()
        else:
            self.registry = bundled_registry().with_folder(contexts)
        self.limits = limits
        self._shared = _fast_path(self.registry)
        self.fast_path: FastPath | None = self._shared if fast else None

    @property
    def loader(self) -> OfflineLoader:
        """The pyld document loader of this context set (imports pyld on first use)."""
        return self._shared.loader  # type: ignore[return-value]

    @contextlib.contextmanager
    def reuse(self) -> Iterator[None]:
        """Within this block, a document with the same JSON text as an earlier one is expanded and
        canonicalized once; results are shared (callers must not mutate an expansion)."""
        outer = _REUSE.get()
        token = _REUSE.set({} if outer is None else outer)
        remembering = fastexpand.REMEMBERING.set(True)  # and an achievement's expansion, by content
        try:
            yield
        finally:
            fastexpand.REMEMBERING.reset(remembering)
            _REUSE.reset(token)

    def _memo(self, document: Any) -> tuple[dict[Any, Any] | None, Any]:
        """The active ``reuse()`` memo and this document's slot prefix there (None, None outside)."""
        memo = _REUSE.get()
        if memo is None:
            return None, None
        key = content_key(document)
        return (None, None) if key is None else (memo, (self._shared, self.fast_path is not None, key))

    def _fast_expansion(self, document: Any, memo: dict[Any, Any] | None, key: Any) -> list[Any] | None:
        """The fast path's expansion (None: refused), remembered inside ``reuse()``."""
        if self.fast_path is None:
            return None
        if memo is None:
            return self.fast_path.expand(document)
        slot = (key, "fast-expand")
        if slot not in memo:
            memo[slot] = self.fast_path.expand(document)
        expanded: list[Any] | None = memo[slot]
        return expanded

    def expand(self, document: dict[str, Any]) -> list[Any]:
        """Strict expansion (``undefined_term`` instead of silently dropped terms)."""
        return self.expansion(document).expanded

    def expansion(self, document: dict[str, Any]) -> Expansion:
        """Strict expansion, kept with its document for ``canonical_nquads(..., expansion=)``."""
        memo, key = self._memo(document)
        expanded = self._fast_expansion(document, memo, key)
        if expanded is not None:
            return Expansion(document, expanded, True, key)
        from skillspas.schemas.jsonld.expand import expand_strict  # the reference path: pyld

        return Expansion(document, expand_strict(document, self.loader), False, key)

    def quads(self, document: dict[str, Any]) -> list[Quad]:
        """The document's RDF dataset, after strict expansion."""
        return self._quads(document, *self._memo(document))

    def _quads(self, document: dict[str, Any], memo: dict[Any, Any] | None, key: Any) -> list[Quad]:
        expanded = self._fast_expansion(document, memo, key)
        if expanded is not None and self.fast_path is not None:
            quads = self.fast_path.to_quads(expanded)
            if quads is not None:
                return quads
        from skillspas.schemas.jsonld.expand import to_quads  # the reference path: pyld

        return to_quads(document, self.loader)

    def canonical_nquads(
        self, document: dict[str, Any], hash_name: str = "sha256", *, expansion: Expansion | None = None
    ) -> str:
        """RDFC-1.0 canonical N-Quads of ``document`` (bounded by ``limits``); ``expansion``: this
        document's, from ``expansion()`` (ignored if it belongs to another object)."""
        memo, key = self._known_memo(document, expansion)
        return self._canonical(document, hash_name, expansion, memo, key)

    def canonical_hash(
        self, document: dict[str, Any], hash_name: str = "sha256", *, expansion: Expansion | None = None
    ) -> bytes:
        """The ``hash_name`` digest of ``canonical_nquads(document)`` (UTF-8), remembered with it
        inside ``reuse()``: signing and the self-check hash the same canonical text once."""
        memo, key = self._known_memo(document, expansion)
        slot = (key, "hash", hash_name, self.limits)
        if memo is not None:
            known: bytes | None = _recall(memo, slot)
            if known is not None:
                return known
        digest = hashlib.new(hash_name, self._canonical(document, hash_name, expansion, memo, key).encode("utf-8")).digest()
        if memo is not None:
            _keep(memo, slot, digest)
        return digest

    def _known_memo(self, document: Any, expansion: Expansion | None) -> tuple[dict[Any, Any] | None, Any]:
        """``_memo(document)``, without a second content key when ``expansion`` is this object's, made here."""
        known_key = expansion.memo_key if expansion is not None and expansion.document is document else None
        if known_key is not None and known_key[:2] == (self._shared, self.fast_path is not None):
            return _REUSE.get(), known_key  # the same object, this processor's: no second content key
        return self._memo(document)

    def _canonical(
        self, document: dict[str, Any], hash_name: str, expansion: Expansion | None, memo: dict[Any, Any] | None, key: Any
    ) -> str:
        slot = (key, "canonical", hash_name, self.limits)
        if memo is not None:
            known: str | None = _recall(memo, slot)
            if known is not None:
                return known
        quads = None
        if expansion is not None and expansion.fast and expansion.document is document and self.fast_path is not None:
            quads = self.fast_path.to_quads(expansion.expanded)
        if quads is None:
            quads = self._quads(document, memo, key)
        canonical = canonicalize(quads, limits=self.limits, hash_name=hash_name)
        if memo is not None:
            _keep(memo, slot, canonical)
        return canonical


def _recall(memo: dict[Any, Any], slot: tuple[Any, ...]) -> Any:
    """A canonical form or hash from the ``reuse()`` memo, or of a small document from ``_LASTING``; else None."""
    found = memo.get(slot)
    if found is None and len(slot[0][2]) <= _LASTING_KEY_BYTES:
        found = _LASTING.get(slot)
    return found


def _keep(memo: dict[Any, Any], slot: tuple[Any, ...], value: str | bytes) -> None:
    memo[slot] = value
    if len(slot[0][2]) <= _LASTING_KEY_BYTES:
        if len(_LASTING) >= _LASTING_SLOTS:
            _LASTING.clear()
        _LASTING[slot] = value
