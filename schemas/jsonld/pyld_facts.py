"""What skillspas knows of pyld without importing it: the pinned version and its keyword list.

Why: a verification on the fast path (``fastcontext`` with a stored snapshot) needs no pyld at all;
importing pyld costs more than the rest of a ``skillspas verify``. ``_pyld_cache`` refuses any other
pyld version at import, and ``tests/schemas/test_pyld_seam.py`` checks ``KEYWORDS`` against the
installed pyld.
"""

from __future__ import annotations

__all__ = ["PYLD_VERSION", "KEYWORDS"]

PYLD_VERSION = "3.3.0"
"""The pyld version skillspas reasons about (its private names, its context processing)."""

KEYWORDS = frozenset((
    "@base", "@container", "@context", "@default", "@direction", "@embed", "@explicit", "@first", "@graph", "@id",
    "@import", "@included", "@index", "@json", "@language", "@list", "@nest", "@none", "@omitDefault",
    "@propagate", "@protected", "@preserve", "@requireAll", "@reverse", "@set", "@type", "@value", "@version",
    "@vocab",
))
"""pyld's ``jsonld.KEYWORDS`` (its ``_expand_iri`` returns such a value unchanged)."""
