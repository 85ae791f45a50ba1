"""Verifiable Presentations: a worker's chosen credentials, optionally signed by the holder.

The holder's proof uses proofPurpose ``authentication`` with the verifier's ``challenge`` and
``domain`` (holder binding), so a presentation cannot be replayed to another verifier.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any, Iterable

from skillspas.keys import Signer
from skillspas.schemas.jsonld.contexts import VC_V2
from skillspas.schemas.jsonld.processor import DocumentProcessor
from skillspas.verifier.suites import suite_for_signing

__all__ = ["build_presentation"]

_PROCESSOR: DocumentProcessor | None = None


def build_presentation(
    credentials: Iterable[dict[str, Any]],
    *,
    holder: Signer | None = None,
    challenge: str | None = None,
    domain: str | None = None,
    suite: str = "eddsa-rdfc-2022",
    created: dt.datetime | None = None,
) -> dict[str, Any]:
    """A VerifiablePresentation of ``credentials``; signed by ``holder`` when given.

    Without credentials it is a DID authentication: it proves only that the holder controls its DID
    (with the verifier's or issuer's ``challenge`` and ``domain``)."""
    global _PROCESSOR
    presentation: dict[str, Any] = {
        "@context": [VC_V2],
        "id": f"urn:uuid:{uuid.uuid4()}",
        "type": ["VerifiablePresentation"],
    }
    chosen = list(credentials)
    if chosen:
        presentation["verifiableCredential"] = chosen
    if holder is None:
        if challenge is not None or domain is not None:
            raise ValueError("a challenge or domain needs a holder to sign the presentation")
        return presentation
    presentation["holder"] = holder.controller
    options: dict[str, Any] = {
        "created": (created or dt.datetime.now(dt.timezone.utc)).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "verificationMethod": holder.verification_method,
        "proofPurpose": "authentication",
    }
    if challenge is not None:
        options["challenge"] = challenge
    if domain is not None:
        options["domain"] = domain
    _PROCESSOR = _PROCESSOR or DocumentProcessor()
    proof = suite_for_signing(suite).create_proof(presentation, holder, options, _PROCESSOR)
    return {**presentation, "proof": proof}
