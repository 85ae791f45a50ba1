"""Fixtures for the passport tests: an issuer, a holder, and signed credentials with real ESCO skills."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from helpers import new_signer
from skillspas.issuer import sign

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
from credentials import ob3_credential  # noqa: E402


@pytest.fixture(scope="session")
def issuer():
    return new_signer()


@pytest.fixture(scope="session")
def holder():
    return new_signer()


@pytest.fixture(scope="session")
def diplomas(issuer):
    """Signed OB 3.0 diplomas with 0..20 real ESCO skills (index = number of skills)."""
    return [sign(ob3_credential(n, issuer.controller), issuer) for n in range(21)]
