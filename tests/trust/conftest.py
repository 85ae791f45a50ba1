"""Fixtures of the trust tests: a generated world (trust anchor, issuers, DID documents) per test module."""

from __future__ import annotations

import pytest

from trustworld import World
from skillspas.verifier import Bundle


@pytest.fixture(scope="module")
def world() -> World:
    """A generated trust anchor, issuers and their DID documents."""
    return World()


@pytest.fixture(scope="module")
def bundle(world: World) -> Bundle:
    """The standard bundle: signed trust list, DID documents, a fresh status list, test contexts."""
    return world.bundle()
