"""Sign as an organisation (did:web), then verify the result against the organisation's DID document.

Usage::

    signed = OrgSigner(org).sign(credential)     # refuses what the verifier would refuse

``skillspas.issuer.sign`` checks its output with a did:key resolver only; an organisation signs
with a did:web key that the verifier resolves only from a bundle, so here the self-check uses a
``StaticResolver`` holding the organisation's own DID document (DESIGN.md: the issuer verifies
every credential it signs before it hands it out).
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from skillspas.issuer.vc_rules import check_related_resources
from skillspas.keys import StaticResolver
from skillspas.schemas.errors import ErrorCode, error_for
from skillspas.verifier import Verifier
from skillspas.verifier.checks import check_contexts, check_credential_shape
from skillspas.verifier.suites import suite_for_signing

if TYPE_CHECKING:
    from skillspas.issuer.orgs import Org

__all__ = ["OrgSigner", "check_issuable", "suite_for"]

_SUITES = {"Ed25519": "eddsa-rdfc-2022", "P-256": "ecdsa-rdfc-2019", "P-384": "ecdsa-rdfc-2019"}


def suite_for(algorithm: str) -> str:
    """The cryptosuite for a key kind: EdDSA for Ed25519, ECDSA for P-256/P-384."""
    return _SUITES[algorithm]


def check_issuable(credential: dict[str, Any], verifier: Verifier) -> None:
    """Raise the coded error the verifier would raise on this document's contexts, shape and terms."""
    check_contexts(credential, verifier.processor.registry)
    check_credential_shape(credential)
    check_related_resources(credential, verifier.processor.registry)
    verifier.processor.expand(credential)


class OrgSigner:
    """Signs for one organisation and checks each proof against its DID document."""

    def __init__(self, org: Org) -> None:
        self.org = org
        self.verifier = Verifier(resolver=StaticResolver({org.did: org.did_document}))
        self.suite = suite_for_signing(suite_for(org.signer.algorithm))

    def check(self, credential: dict[str, Any]) -> None:
        """Refuse, with its code, a document that could not be verified once signed."""
        check_issuable(credential, self.verifier)

    def sign(
        self, credential: dict[str, Any], *, created: dt.datetime | None = None, precheck: bool = True
    ) -> dict[str, Any]:
        """Return ``credential`` with a proof by the organisation's active key, verified.

        ``precheck=False`` skips the check before signing when the caller has just made it; the
        check of the signed result (shape, strict expansion, proof) always runs.
        """
        if "proof" in credential:
            raise error_for(ErrorCode.SCHEMA_INVALID, "a credential to issue must not have a proof", "/proof")
        if precheck:
            self.check(credential)
        moment = (created or dt.datetime.now(dt.timezone.utc)).astimezone(dt.timezone.utc)
        options = {
            "created": moment.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "verificationMethod": self.org.signer.verification_method,
            "proofPurpose": "assertionMethod",
        }
        proof = self.suite.create_proof(credential, self.org.signer, options, self.verifier.processor)
        signed = {**credential, "proof": proof}
        problem = self.verifier.check_proofs(signed).first_error
        if problem is not None:
            raise error_for(problem.code, f"the signed credential does not verify: {problem.message}", problem.path)
        return signed
