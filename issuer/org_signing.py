"""Sign as an organisation with ``skillspas.issuer.sign``, and co-sign what another organisation issued.

Usage::

    check_issuable(credential)                          # the coded error a verifier would raise, before signing
    signed = sign_as(org.signer, credential)            # its key and cryptosuite; sign() verifies the result
    cosigned = cosign_as(org, signed, issuer_document)  # the coSigner's proof added; every proof verified

``sign`` checks what it signed with the signer's own key (a did:web key need not be in any bundle),
so the organisation's signatures need nothing more here (DESIGN.md: the issuer verifies every
credential it signs before it hands it out).
"""

from __future__ import annotations

import datetime as dt
import functools
from typing import TYPE_CHECKING, Any, Final

from skillspas.issuer.sign import sign
from skillspas.issuer.vc_rules import check_related_resources
from skillspas.keys import Signer, StaticResolver
from skillspas.schemas.errors import ErrorCode, error_for
from skillspas.schemas.processor import DocumentProcessor
from skillspas.verifier import Verifier
from skillspas.verifier.checks import check_contexts, check_credential_shape, cosigner_ids, proofs_of
from skillspas.verifier.suites import suite_for_signing

if TYPE_CHECKING:
    from skillspas.issuer.orgs import Org

__all__ = ["check_issuable", "sign_as", "cosign_as", "suite_for"]

_SUITES: Final = {"Ed25519": "eddsa-rdfc-2022", "P-256": "ecdsa-rdfc-2019", "P-384": "ecdsa-rdfc-2019"}


def suite_for(algorithm: str) -> str:
    """The cryptosuite for a key kind: EdDSA for Ed25519, ECDSA for P-256/P-384."""
    return _SUITES[algorithm]


@functools.lru_cache(maxsize=1)
def _processor() -> DocumentProcessor:
    return DocumentProcessor()


def check_issuable(credential: dict[str, Any]) -> None:
    """Raise the coded error the verifier would raise on this document's contexts, shape and terms."""
    processor = _processor()
    check_contexts(credential, processor.registry)
    check_credential_shape(credential)
    check_related_resources(credential, processor.registry)
    processor.expand(credential)


def sign_as(signer: Signer, credential: dict[str, Any], *, created: dt.datetime | None = None) -> dict[str, Any]:
    """``credential`` with a proof by an organisation's key (``Org.signer``) in its cryptosuite, verified by ``sign``."""
    return sign(credential, signer, suite=suite_for(signer.algorithm), created=created)


def cosign_as(org: Org, credential: dict[str, Any], issuer_document: dict[str, Any]) -> dict[str, Any]:
    """Add the organisation's proof to a credential that names it as ``coSigner`` (a proof set).

    Every proof already there must verify against the issuer's DID document first, and every
    proof of the result before it is returned.
    """
    if org.did not in cosigner_ids(credential):
        raise error_for(ErrorCode.ISSUER_MISMATCH, f"the credential does not name {org.did!r} as coSigner", "/coSigner")
    checker = Verifier(resolver=StaticResolver({issuer_document["id"]: issuer_document, org.did: org.did_document}))
    _require_proofs(checker, credential, "the credential as issued does not verify")
    proofs = proofs_of(credential, checker.limits)
    unsecured = {k: v for k, v in credential.items() if k != "proof"}
    # Why not sign(credential, org.signer, append=True): its self-check resolves only the signer's
    # own key, so the issuer's did:web proof in the set would not resolve (unresolvable_key).
    options = {
        "created": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "verificationMethod": org.signer.verification_method,
        "proofPurpose": "assertionMethod",
    }
    suite = suite_for_signing(suite_for(org.signer.algorithm))
    cosigned = {**unsecured, "proof": [*proofs, suite.create_proof(unsecured, org.signer, options, checker.processor)]}
    _require_proofs(checker, cosigned, "the co-signed credential does not verify")
    return cosigned


def _require_proofs(checker: Verifier, credential: dict[str, Any], what: str) -> None:
    """Raise the first problem of ``credential``'s proofs (shape, keys, signatures), if any."""
    problem = checker.check_proofs(credential).first_error
    if problem is not None:
        raise error_for(problem.code, f"{what}: {problem.message}", problem.path)
