"""The document layer in one object: contexts, strict expansion and canonical N-Quads.

A ``DocumentProcessor`` is built once (registry, loader, limits) and reused for every document,
so pyld's context caches stay warm (PERFORMANCE.md: loader results tagged static).
"""

from __future__ import annotations

import os
from typing import Any

from skillspas.schemas.canon import canonicalize
from skillspas.schemas.contexts import ContextRegistry, bundled_registry
from skillspas.schemas.expand import expand_strict, to_quads
from skillspas.schemas.limits import Limits
from skillspas.schemas.loader import document_loader
from skillspas.schemas.nquads import Quad

__all__ = ["DocumentProcessor"]


class DocumentProcessor:
    """Bundled contexts (plus an optional user folder) -> strict expansion -> RDFC-1.0."""

    def __init__(
        self,
        contexts: str | os.PathLike[str] | ContextRegistry | None = None,
        limits: Limits = Limits(),
    ) -> None:
        if isinstance(contexts, ContextRegistry):
            self.registry = contexts
        elif contexts is None:
            self.registry = bundled_registry()
        else:
            self.registry = bundled_registry().with_folder(contexts)
        self.limits = limits
        self.loader = document_loader(self.registry)

    def expand(self, document: dict[str, Any]) -> list[Any]:
        """Strict expansion (``undefined_term`` instead of silently dropped terms)."""
        return expand_strict(document, self.loader)

    def quads(self, document: dict[str, Any]) -> list[Quad]:
        """The document's RDF dataset, after strict expansion."""
        return to_quads(document, self.loader)

    def canonical_nquads(self, document: dict[str, Any], hash_name: str = "sha256") -> str:
        """RDFC-1.0 canonical N-Quads of ``document`` (bounded by ``limits``)."""
        return canonicalize(self.quads(document), limits=self.limits, hash_name=hash_name)
