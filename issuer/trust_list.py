"""Sign a trust list of recognised issuers (a W3C VC), as the trust anchor does.

Usage::

    entries = [TrustListEntry("did:web:roc.example", "ROC Voorbeeldstad", ("MboDiploma", "MboCertificaat"))]
    signed = sign_trust_list(TrustList(issuer=anchor.controller, entries=tuple(entries)), anchor)

The list is signed like any credential and verified before it is returned (``issuer.sign``);
``skillspas bundle create --trust-list`` puts it in an offline bundle.
"""

from __future__ import annotations

from typing import Any

from skillspas.issuer.sign import sign
from skillspas.keys import Signer
from skillspas.keys.trust_list import TrustList

__all__ = ["sign_trust_list"]


def sign_trust_list(trust_list: TrustList, signer: Signer, *, suite: str = "eddsa-rdfc-2022") -> dict[str, Any]:
    """Return the trust list as a signed Verifiable Credential; the signer must be its issuer."""
    if not isinstance(trust_list, TrustList):
        raise TypeError("trust_list must be a skillspas.keys.trust_list.TrustList")
    if trust_list.issuer != signer.controller:
        raise ValueError("the trust list must be signed by its issuer (the trust anchor)")
    return sign(trust_list.to_credential(), signer, suite=suite)
