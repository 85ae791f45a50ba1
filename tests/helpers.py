"""Small builders shared by tests: a fresh issuer and a signed OB 3.0 credential."""

from __future__ import annotations

import copy
from typing import Any

from skillspas.issuer import sign
from skillspas.issuer.demo import sample_credential
from skillspas.keys import LocalSigner, generate


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
