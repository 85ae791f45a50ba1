"""Sign a credential with a Data Integrity proof, then verify what was signed before handing it out.

The issuer refuses what the verifier would refuse (unknown contexts, undefined terms, control
characters, an issuer that is not the key's controller), so nothing it signs is unverifiable; and
whatever signs — ``skillspas sign``, ``issue``, ``batch``, the service — nothing carrying a national
identification number is signed. Those checks are ``skillspas.issuer.preflight``'s, made once: ``sign``
takes its ``CheckedCredential`` (or preflights a dict itself), then verifies every proof of its output.
"""

from __future__ import annotations

import datetime as dt
import time
from typing import TYPE_CHECKING, Any

from skillspas.issuer.preflight import CheckedCredential, preflight, verifier_for
from skillspas.keys import ChainResolver, KeyResolver, Signer, VerificationMethod
from skillspas.schemas.errors import ErrorCode, error_for, localized_error
from skillspas.schemas.messages import text
from skillspas.schemas.jsonio import copy_json

if TYPE_CHECKING:
    from skillspas.verifier import Verifier

__all__ = ["sign", "SignerResolver", "CheckedCredential", "preflight"]


def sign(
    credential: CheckedCredential | dict[str, Any],
    signer: Signer,
    *,
    suite: str = "eddsa-rdfc-2022",
    contexts: str | None = None,
    created: dt.datetime | None = None,
    append: bool = False,
    previous_proof: str | list[str] | None = None,
    proof_id: str | None = None,
    resolver: KeyResolver | None = None,
    handed_over: bool = False,
) -> dict[str, Any]:
    """Return ``credential`` with a new proof by ``signer`` (``issuer`` set to its controller if absent).

    A ``CheckedCredential`` is signed as checked (``contexts`` and ``append`` were ``preflight``'s
    to decide); a dict passes ``preflight`` first, once. ``resolver`` finds the keys of proofs already
    on the credential (e.g. the school's did:web key when a leerbedrijf co-signs); the signer's own
    key is always known. ``handed_over``: the caller keeps no reference to the ``CheckedCredential``
    (a batch worker's, just unsealed), so its document is signed without a copy."""
    from skillspas.verifier.suites import suite_for_signing

    cryptosuite = suite_for_signing(suite)
    if isinstance(credential, CheckedCredential):
        if contexts is not None and str(contexts) != credential.contexts:
            raise ValueError("the credential was checked with other contexts; preflight it with these")
        checked = credential
        # a copy: the output must share nothing with a value its caller keeps (handed over: none is kept)
        document = checked.unsigned if handed_over else checked.document
    else:
        checked = preflight(credential, signer.controller, contexts=None if contexts is None else str(contexts),
                            append=append)
        document = checked.unsigned  # preflight's own copy of the caller's dict, and this checked goes nowhere else
    if checked.signer != signer.controller:
        raise error_for(ErrorCode.ISSUER_MISMATCH, f"the credential was checked for {checked.signer!r}, but the key "
                        f"belongs to {signer.controller!r}", "/issuer")
    verifier = verifier_for(checked.contexts)
    proofs = copy_json(list(checked.proofs))
    options: dict[str, Any] = {}
    if proof_id is not None:
        options["id"] = proof_id
    options["created"] = _timestamp(created)
    options["verificationMethod"] = signer.verification_method
    options["proofPurpose"] = "assertionMethod"
    unsecured = document
    if previous_proof is not None:
        options["previousProof"] = previous_proof
        wanted = [previous_proof] if isinstance(previous_proof, str) else previous_proof
        by_id = {p.get("id"): p for p in proofs}
        if any(w not in by_id for w in wanted):
            raise ValueError("previous_proof names a proof the credential does not have")
        unsecured = {**document, "proof": [by_id[w] for w in wanted]}
    # reuse(): the self-check finds the canonical forms just signed by their exact JSON text, so
    # it re-derives and re-checks everything else (shape, key, signature) without canonicalizing
    # the same bytes twice (measured: a third of a signature). Any change to the output since
    # signing changes that text, and is canonicalized afresh.
    with verifier.processor.reuse():
        proof = cryptosuite.create_proof(unsecured, signer, options, verifier.processor)
        proofs.append(proof)
        signed = {**document, "proof": proofs[0] if len(proofs) == 1 else proofs}
        _self_check(verifier, signed, signer, resolver)
    return signed


def _timestamp(moment: dt.datetime | None) -> str:
    if moment is None:  # now, in UTC: time.gmtime() is 5x quicker than datetime (measured)
        return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    moment = moment.astimezone(dt.timezone.utc)
    return moment.replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")


class SignerResolver:
    """Resolves the signer's own verification method (a did:web key need not be in any bundle yet)."""

    def __init__(self, signer: Signer) -> None:
        self._method = VerificationMethod(
            id=signer.verification_method, type="Multikey", controller=signer.controller,
            public_key=signer.public_key, relationships=frozenset({"assertionMethod"}),
        )

    def resolve(self, verification_method_id: str) -> VerificationMethod:
        if verification_method_id != self._method.id:
            raise error_for(ErrorCode.UNRESOLVABLE_KEY, f"not the signer's key: {verification_method_id!r}")
        return self._method


def _self_check(verifier: Verifier, signed: dict[str, Any], signer: Signer, resolver: KeyResolver | None) -> None:
    """Verify our own output (DESIGN.md: the issuer verifies every credential it signs).

    Every proof must hold; trust, validity and status are the relying party's business (a diploma
    may be valid from tomorrow, a co-signer may still have to sign)."""
    own = SignerResolver(signer)
    result = verifier.check_proofs(signed, resolver=ChainResolver(own, resolver) if resolver else own)
    problem = result.first_error
    if problem is not None:
        raise localized_error(problem.code, path=problem.path,
                              en=f"the signed credential does not verify: {problem.message}",
                              nl="het ondertekende bewijsstuk doorstaat de eigen controle van de uitgever niet en wordt niet "
                                 f"uitgegeven: {problem.message_nl or text(problem.code, 'nl')}")
