"""The strict expansion's sentinel ``@vocab`` (``expand.py``): an undefined term expands to it instead of
vanishing. Here, apart from pyld, so the fast path can name it without importing pyld."""

from __future__ import annotations

__all__ = ["SENTINEL", "SENTINEL_CONTEXT"]

SENTINEL = "urn:skillspas:undefined-term:"
SENTINEL_CONTEXT = {"@vocab": SENTINEL}  # one object: never mutated, found by identity
