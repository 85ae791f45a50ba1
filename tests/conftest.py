"""Shared fixtures. Paths and builders live in tests/helpers.py (import from there, not from here)."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

# The vocabulary index is built once per machine into a folder named by its sources' digests.
os.environ.setdefault("SKILLSPAS_CACHE_DIR", str(Path(tempfile.gettempdir()) / "skillspas-test-cache"))

from helpers import DATA, TEST_CONTEXTS, VECTORS, load_json  # noqa: F401  (re-exported for older imports)


@pytest.fixture(scope="session")
def test_contexts() -> str:
    """Folder with the test-only contexts (examples/v2, citizenship/v4rc1) and contexts.map.json."""
    return str(TEST_CONTEXTS)
