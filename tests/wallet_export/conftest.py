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
def diplomas(issuer, holder):
    """Signed OB 3.0 diplomas with 0..20 real ESCO skills (index = number of skills), all the holder's."""
    return [sign(_about(ob3_credential(n, issuer.controller), holder.controller), issuer) for n in range(21)]


def _about(credential: dict, subject_id: str) -> dict:
    """``credential`` about ``subject_id`` (one person's passport: the holder signs it)."""
    credential["credentialSubject"]["id"] = subject_id
    return credential
