"""Gather an offline verification bundle from the store: DID documents and signed status lists.

Usage::

    bundle = build_bundle(issuer)                  # skillspas.verifier.bundle.Bundle
    bundle.to_file("roc-bundle.json")              # skillspas verify cred.json --bundle roc-bundle.json

The bundle carries no trust list: who is trusted for which credential type is decided by a trust
list issuer, not by the issuer itself (use ``--trust-issuer`` or a bundle with a trust list).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from skillspas.keys.did_web import DID_WEB_PREFIX
from skillspas.verifier.bundle import Bundle

if TYPE_CHECKING:
    from skillspas.issuer.issuing import Issuer

__all__ = ["build_bundle"]


def build_bundle(issuer: Issuer, *, org_id: str | None = None) -> Bundle:
    """The DID documents and current status lists of every organisation (or of one), and the service's
    extra contexts (``Settings.contexts``)."""
    orgs = [issuer.orgs.get(org_id)] if org_id is not None else issuer.orgs.all()
    return Bundle.create(
        did_documents=[org.did_document for org in orgs if org.did.startswith(DID_WEB_PREFIX)],  # did:key: decoded
        status_lists=list(issuer.status_lists(org_id).values()),
        contexts=issuer.extra_contexts,
    )
