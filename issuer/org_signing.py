"""Sign as an organisation with ``skillspas.issuer.sign``; check beforehand what a verifier would refuse.

Usage::

    check_issuable(credential, org_name=org.name) # the coded error a verifier (or the issuer) would raise
    signed = sign_as(org.signer, credential)      # its key and cryptosuite; sign() verifies the result
    cosigned = sign_as(leerbedrijf.signer, signed, append=True, resolver=StaticResolver({school.did: ...}))

``sign`` checks every proof of what it signed, with the signer's own key (a did:web key need not
be in any bundle) and ``resolver`` for earlier proofs (DESIGN.md: the issuer verifies every
credential it signs before it hands it out).
"""

from __future__ import annotations

import contextlib
import functools
from typing import Any, Final

from skillspas.issuer.sign import sign
from skillspas.issuer.vc_rules import check_expanded, check_related_resources
from skillspas.keys import Signer
from skillspas.schemas.processor import DocumentProcessor
from skillspas.schemas.type_schemas import check_kind_spelling
from skillspas.verifier.checks import check_contexts, check_credential_shape

__all__ = ["check_issuable", "expanded", "reusing", "sign_as", "suite_for"]

_SUITES: Final = {"Ed25519": "eddsa-rdfc-2022", "P-256": "ecdsa-rdfc-2019", "P-384": "ecdsa-rdfc-2019"}


def suite_for(algorithm: str) -> str:
    """The cryptosuite for a key kind: EdDSA for Ed25519, ECDSA for P-256/P-384."""
    return _SUITES[algorithm]


@functools.lru_cache(maxsize=4)
def _processor(contexts: str | None) -> DocumentProcessor:
    return DocumentProcessor(contexts)


def expanded(credential: dict[str, Any], contexts: str | None = None) -> list[Any]:
    """The strict expansion of ``credential`` without its proofs (after its contexts are checked):
    what it means, whatever its JSON spelling; shared with ``check_issuable`` inside ``reusing()``.
    ``contexts``: a folder of extra contexts, as ``Settings.contexts``."""
    processor = _processor(contexts)
    check_contexts(credential, processor.registry)
    return processor.expand({k: v for k, v in credential.items() if k != "proof"})


def reusing(contexts: str | None = None) -> contextlib.AbstractContextManager[None]:
    """Within this block the same document is expanded once (``DocumentProcessor.reuse``)."""
    return _processor(contexts).reuse()


def check_issuable(credential: dict[str, Any], contexts: str | None = None, *, org_name: str | None = None) -> str | None:
    """Raise the coded error the verifier would raise on this document's contexts, shape and terms,
    and the issuer's own refusals on its meaning (``vc_rules.check_expanded``); return its skillspas type."""
    processor = _processor(contexts)
    check_contexts(credential, processor.registry)
    check_credential_shape(credential)
    check_related_resources(credential, processor.registry)
    expansion = processor.expand(credential)
    kind = check_kind_spelling(credential, expansion)
    check_expanded(expansion, org_name=org_name)
    return kind


def sign_as(signer: Signer, credential: dict[str, Any], **options: Any) -> dict[str, Any]:
    """``sign`` with an organisation's key (``Org.signer``) in its cryptosuite; ``options`` go to ``sign``."""
    return sign(credential, signer, suite=suite_for(signer.algorithm), **options)
