"""Shared by tests: paths of the spec vectors, a fresh issuer and a signed OB 3.0 credential.

Import from here (``from helpers import ...``), not from conftest: a second conftest.py elsewhere
in the tree would shadow the module name ``conftest``."""

from __future__ import annotations

import copy
import importlib.util
import json
import sys
from pathlib import Path
from typing import Any

from skillspas.issuer import sign
from skillspas.issuer.demo import sample_credential
from skillspas.keys import LocalSigner, generate

DATA = Path(__file__).parent / "data"
VECTORS = DATA / "vectors"
TEST_CONTEXTS = DATA / "contexts"
"""Test-only contexts (examples/v2, citizenship/v4rc1) with their contexts.map.json."""


def load_json(path: Path) -> Any:
    """A JSON file of the test data."""
    return json.loads(path.read_text("utf-8"))


def new_signer(kind: str = "ed25519") -> LocalSigner:
    """A fresh did:key signer (test keys are generated, never committed)."""
    return LocalSigner(generate(kind))


def signed_credential(signer: LocalSigner | None = None, **changes: Any) -> tuple[dict[str, Any], LocalSigner]:
    """A signed OB 3.0 credential with real ESCO skills; ``changes`` are applied before signing."""
    signer = signer or new_signer()
    credential = sample_credential(signer.controller)
    for key, value in changes.items():
        credential[key] = value
    return sign(copy.deepcopy(credential), signer), signer


def load_module(name: str, path: Path) -> Any:
    """Import the file ``path`` as module ``name`` (test kits and browser shims that are not packages)."""
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module
