"""Offline verification of W3C Verifiable Credentials and Presentations (Data Integrity).

``verify(document, ...) -> VerificationResult`` is the one call; ``Verifier`` keeps contexts and
keys warm for many documents. Nothing here touches the network.
"""

from skillspas.verifier.pipeline import Verifier, verify
from skillspas.verifier.result import (
    Check,
    CredentialSummary,
    Problem,
    ProofResult,
    SkillSummary,
    VerificationResult,
)

__all__ = [
    "verify",
    "Verifier",
    "VerificationResult",
    "Check",
    "Problem",
    "ProofResult",
    "CredentialSummary",
    "SkillSummary",
]
