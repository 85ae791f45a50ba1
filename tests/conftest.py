"""Shared fixtures: paths to the spec vectors and test contexts copied into tests/data."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

DATA = Path(__file__).parent / "data"
VECTORS = DATA / "vectors"
TEST_CONTEXTS = DATA / "contexts"


def load_json(path: Path) -> Any:
    return json.loads(path.read_text("utf-8"))


@pytest.fixture(scope="session")
def test_contexts() -> str:
    """Folder with the test-only contexts (examples/v2, citizenship/v4rc1) and contexts.map.json."""
    return str(TEST_CONTEXTS)
