"""The one gate before a signature: a built credential in, a ``CheckedCredential`` out.

Usage::

    checked = preflight(credential, signer.controller)          # what a verifier would refuse, refused now
    checked = preflight(document, org.did, org_name=org.name)   # and the issuer's own rules (service, batch)
    signed = sign(checked, signer)                              # skillspas.issuer.sign: no second look
    signed = sign(checked.with_status(entries), signer)         # the status entries the service reserved

Every path that signs a credential (``skillspas sign`` and ``issue``, the service, the batch, claim
offers, the demo) passes here exactly once: ``sign`` takes a ``CheckedCredential`` as it is, and a
plain dict only through ``preflight``. What the checks learned travels with the document (its
issuer, types, data model, skillspas type), so no later step reads or checks the JSON again; the
self-check after signing still verifies every proof of the result. The document is kept private and
handed out as copies: a checked value cannot be changed after its checks.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from skillspas.schemas.jsonld.contexts import DATA_INTEGRITY_V2, STATUS_V1
from skillspas.schemas.errors import ErrorCode, error_for
from skillspas.schemas.jsonio import copy_json, parse_scanned

if TYPE_CHECKING:
    from skillspas.schemas.scan import Scan
    from skillspas.verifier import Verifier

# The verifier stack (JSON-LD, schemas) is imported by the first ``preflight``: ``skillspas.issuer``
# exports ``sign``, and ``skillspas vocab search`` (whose entry point is ``skillspas.issuer.cli``) needs none of it.

__all__ = ["CheckedCredential", "preflight", "verifier_for"]


@functools.lru_cache(maxsize=8)
def verifier_for(contexts: str | None) -> Verifier:
    """The verifier (registry, limits, processor) that checks and self-checks with ``contexts``."""
    from skillspas.verifier import Verifier

    return Verifier(contexts=contexts)


@dataclass(frozen=True)
class CheckedCredential:
    """A credential that passed ``preflight``: ready to sign by ``signer``'s key, and what its checks learned."""

    unsigned: dict[str, Any] = field(repr=False)
    """The document as it will be signed (issuer filled in, earlier proofs taken off): read ``document``."""
    proofs: tuple[dict[str, Any], ...]
    """The proofs it already had (``append``: a co-signer adds one)."""
    signer: str
    """The DID whose key may sign it: the issuer, or (with earlier proofs) a named co-signer."""
    id: str | None
    issuer: str
    types: tuple[str, ...]
    data_model: str
    """"2.0" or "1.1"."""
    kind: str | None
    """Its skillspas type ("MboDiploma", ...), None for a generic credential."""
    contexts: str | None
    """The folder of extra contexts it was checked with (``Settings.contexts``)."""

    @property
    def document(self) -> dict[str, Any]:
        """A fresh copy of the unsigned document."""
        document: dict[str, Any] = copy_json(self.unsigned)
        return document

    def with_status(self, entries: list[dict[str, Any]], credential_id: str | None = None) -> CheckedCredential:
        """The same credential with the ``credentialStatus`` entries (and id) the store reserved for it.

        Only the issuer's own status entries are added here (a caller's ``credentialStatus`` is refused
        before); the self-check after signing verifies the whole result, entries included. Only the top
        level is copied (what changes here): the rest stays shared, as private to both values as before."""
        document = {**self.unsigned}
        if credential_id is not None:
            document["id"] = credential_id
        if entries:
            entries = copy_json(entries)  # the caller's list: a change to it later must not reach the signature
            document["credentialStatus"] = entries[0] if len(entries) == 1 else entries
            contexts = document["@context"]
            if self.data_model == "1.1" and STATUS_V1 not in contexts:
                document["@context"] = [*contexts, STATUS_V1]  # VC 1.1 has no status terms of its own
        return replace(self, unsigned=document, id=document.get("id"))


def preflight(
    credential: dict[str, Any],
    signer: str,
    *,
    contexts: str | None = None,
    append: bool = False,
    org_name: str | None = None,
    built: bool = False,
) -> CheckedCredential:
    """Every check before a signature by ``signer`` (a DID), in the verifier's order; raise the coded error.

    No national identification number (``forbidden_field``); the issuer filled in as ``signer`` when
    absent, else ``signer`` named as issuer or (``append``, earlier proofs) co-signer
    (``issuer_mismatch``); the contexts and the VC shape with the type's schemas, as a verifier checks
    them; what a skillspas type must say when signed now. With ``org_name`` (an organisation of the
    service signs) also the issuer's rules: ``relatedResource`` digests, and on the strict expansion the
    type spelled as its term, dates that exist, ESCO skills of the vocabulary, the organisation's name.

    ``built``: ``credential`` is what a builder (``skillspas.issuer.credentials``) just returned, unchanged
    since, and the caller hands it over (uses it no more): it is not copied, and its national ids are not
    looked for again (the builder's ``finish`` refused them on this same document: the same verdict)."""
    from skillspas.issuer.privacy import check_no_national_id
    from skillspas.issuer.vc_rules import check_expanded, check_related_resources
    from skillspas.schemas.jsonschema.type_schemas import check_issuable, check_kind_spelling, skillspas_type
    from skillspas.schemas.vc import cosigner_ids, data_model, issuer_id, types_of
    from skillspas.verifier.checks import check_contexts, check_credential_shape

    if not isinstance(credential, dict):
        raise TypeError("credential must be a dict")
    verifier = verifier_for(contexts)
    registry = verifier.processor.registry
    if built:  # a batch row (measured: 29 us of a row's 260 here, as the builder had just done both)
        document = credential
    else:
        document = copy_json(credential)  # copy.deepcopy for JSON, ~3x faster (measured)
        check_no_national_id(document)  # forbidden_field: a BSN is never signed, by any path
    scanned: Scan | None = parse_scanned(document, verifier.limits, registry)[1]
    existing = document.pop("proof", None)
    if existing is not None and not append:
        raise ValueError("the credential already has a proof; pass append=True to add one to the set")
    if "issuer" not in document:
        document["issuer"] = signer
        scanned = None  # a new string: the checks below walk the document again
    allowed = {issuer_id(document)} if existing is None else {issuer_id(document), *cosigner_ids(document)}
    if signer not in allowed:
        raise error_for(ErrorCode.ISSUER_MISMATCH,
                        f"the credential names issuer {issuer_id(document)!r} but the key belongs to {signer!r}", "/issuer",
                        nl=f"het bewijsstuk noemt uitgever {issuer_id(document)!r}, maar de sleutel is van {signer!r}")
    model = data_model(document)
    top = document.get("@context")
    if model == "1.1" and isinstance(top, list) and DATA_INTEGRITY_V2 not in top:
        document["@context"] = [*top, DATA_INTEGRITY_V2]  # VC 1.1 has no proof terms of its own
        scanned = None
    check_contexts(document, registry, scanned)
    check_credential_shape(document, scanned=scanned)
    if org_name is not None:
        check_related_resources(document, registry)
        expansion = verifier.processor.expand(document)
        kind = check_kind_spelling(document, expansion)
        check_expanded(expansion, org_name=org_name)
    else:
        kind = skillspas_type(document)
    if existing is None:  # the issuer's own signature: what a type must say when signed now
        check_issuable(document)
    proofs = () if existing is None else tuple(existing) if isinstance(existing, list) else (existing,)
    identifier = document.get("id")
    return CheckedCredential(
        unsigned=document, proofs=proofs, signer=signer, id=identifier if isinstance(identifier, str) else None,
        issuer=issuer_id(document) or signer, types=tuple(types_of(document)), data_model=model, kind=kind,
        contexts=contexts,
    )
