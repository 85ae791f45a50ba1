"""Offline verification of W3C Verifiable Credentials and Presentations (Data Integrity).

``verify(document, ...) -> VerificationResult`` is the one call; ``Verifier`` keeps contexts and
keys warm for many documents. Nothing here touches the network.
"""

from skillspas.verifier.bundle import Bundle
from skillspas.verifier.pipeline import Verifier, verify
from skillspas.verifier.policy import AllOf, AnyOf, TrustedIssuers, TrustPolicy, UnsafeTrustAnyIssuer
from skillspas.verifier.result import (
    Check,
    CredentialSummary,
    Problem,
    ProofResult,
    SkillSummary,
    VerificationResult,
)
from skillspas.verifier.trust import TrustListPolicy

__all__ = [
    "verify",
    "Verifier",
    "VerificationResult",
    "Check",
    "Problem",
    "ProofResult",
    "CredentialSummary",
    "SkillSummary",
    "Bundle",
    "TrustPolicy",
    "TrustedIssuers",
    "TrustListPolicy",
    "AllOf",
    "AnyOf",
    "UnsafeTrustAnyIssuer",
]
