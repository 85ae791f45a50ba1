"""The fast JSON-LD path: compiled expansion + direct RDF, with pyld as reference and fallback.

``FastPath.expand`` and ``FastPath.quads`` return what ``expand.expand_strict`` and
``expand.to_quads`` return (the same expansion; the same dataset up to blank-node labels), or
None when the document uses anything the fast path does not fully understand — then the caller
runs the reference path, which also raises any error (``undefined_term`` with its JSON path...).
Why it exists (measured on an OB 3.0 credential with 8 skills): expansion ~50x and canonical
N-Quads ~10x faster than through pyld (benchmarks/fastpath.py has the end-to-end figures);
equality with pyld is proven by tests/schemas/test_fastpath*.py.

With a ``stored`` file (``fastsnapshot``), the compiled contexts come from the cache folder and pyld
is not even imported while the documents need only what the file holds.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from skillspas.schemas.jsonld import fastsnapshot
from skillspas.schemas.jsonld.fastcontext import ContextSpace, NotInSnapshot, Refused
from skillspas.schemas.jsonld.fastexpand import expand_document
from skillspas.schemas.jsonld.fastrdf import expanded_to_quads
from skillspas.schemas.jsonld.nquads import Quad
from skillspas.schemas.jsonld.sentinel import SENTINEL_CONTEXT

if TYPE_CHECKING:
    from skillspas.schemas.jsonld.loader import DocumentLoader

__all__ = ["FastPath"]

_T = TypeVar("_T")


class FastPath:
    """Compiled contexts for one document loader; stateless per document.

    Fail-safe: any error inside the fast path (a document shape nobody foresaw, a bug) means
    "refused", and the reference path decides. ``strict`` (set by the tests) re-raises such
    errors instead, so a bug cannot hide behind the fallback there."""

    strict = False

    def __init__(
        self, loader: DocumentLoader | None = None, *, make_loader: Callable[[], DocumentLoader] | None = None,
        stored: Path | None = None,
    ) -> None:
        """``loader``, or ``make_loader`` to build it when pyld is first needed; ``stored``: the snapshot
        file of this context set (``fastsnapshot.snapshot_file``), read now and rewritten as pyld adds to it."""
        if (loader is None) == (make_loader is None):
            raise TypeError("give a loader or make_loader")
        self._loader = loader
        self._make_loader = make_loader
        self._lock = threading.Lock()
        self._stored = stored
        self._saved = 0
        data = fastsnapshot.read(stored) if stored is not None else None
        restored = fastsnapshot.restore(data, SENTINEL_CONTEXT) if data is not None else None
        self._space = restored if restored is not None else self._pyld_space(data)

    @property
    def loader(self) -> DocumentLoader:
        """The pyld document loader of this context set (built on first use)."""
        with self._lock:
            if self._loader is None:
                assert self._make_loader is not None
                self._loader = self._make_loader()
        return self._loader

    def _pyld_space(self, data: dict[str, Any] | None) -> ContextSpace:
        """A space whose contexts pyld processes; with ``data`` (a stored snapshot) everything it held, again."""
        from skillspas.schemas.jsonld.expand import PROCESSOR, processing_options

        space = ContextSpace(PROCESSOR, processing_options(self.loader), SENTINEL_CONTEXT)
        if data is not None:
            fastsnapshot.replay(data, space)
        self._saved = -1  # written after its first document: a stale or damaged file is replaced
        return space

    def _current(self) -> ContextSpace:
        if self._space.full:  # bounded memory whatever documents arrive: start over
            self._space = self._pyld_space(None)
        return self._space

    def expand(self, document: Any) -> list[Any] | None:
        """pyld's strict expansion of ``document``, or None (use the reference path)."""
        space = self._current()
        try:
            expanded = self._attempt(lambda: expand_document(space, document))
        except NotInSnapshot:  # the stored contexts lack one: pyld makes it (and all the file held)
            data = fastsnapshot.read(self._stored) if self._stored is not None else None
            space = self._space = self._pyld_space(data)
            expanded = self._attempt(lambda: expand_document(space, document))
        if expanded is not None and space.processor is not None and space.grown != self._saved:
            self._store(space)
        return expanded

    def _store(self, space: ContextSpace) -> None:
        """Write the space's contexts to the stored file (nothing when there is none, or on any error)."""
        self._saved = space.grown
        if self._stored is not None:
            data = fastsnapshot.snapshot(space)
            if data is not None:
                fastsnapshot.write(self._stored, data)

    def quads(self, document: Any) -> list[Quad] | None:
        """The RDF dataset of ``document`` (blank-node labels are our own), or None."""
        expanded = self.expand(document)
        return None if expanded is None else self.to_quads(expanded)

    def to_quads(self, expanded: list[Any]) -> list[Quad] | None:
        """The RDF dataset of an expansion made by ``expand``, or None."""
        return self._attempt(lambda: expanded_to_quads(expanded))

    def _attempt(self, step: Callable[[], _T]) -> _T | None:
        """``step()``, or None when it refuses or fails in a way nobody foresaw (re-raised if ``strict``)."""
        try:
            return step()
        except NotInSnapshot:
            raise
        except (Refused, RecursionError):
            return None
        except Exception:
            if self.strict:
                raise
            return None
