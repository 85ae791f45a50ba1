"""Sign as an organisation with ``skillspas.issuer.sign`` (checked first by ``skillspas.issuer.preflight``).

Usage::

    checked = preflight(credential, org.did, org_name=org.name)  # the coded error a verifier (or the issuer) would raise
    signed = sign_as(org.signer, checked)          # its key and cryptosuite; sign() verifies the result
    cosigned = sign_as(leerbedrijf.signer, signed, append=True, resolver=StaticResolver({school.did: ...}))

``sign`` checks every proof of what it signed, with the signer's own key (a did:web key need not
be in any bundle) and ``resolver`` for earlier proofs (DESIGN.md: the issuer verifies every
credential it signs before it hands it out).
"""

from __future__ import annotations

import contextlib
import functools
from typing import Any, Final

from skillspas.issuer.preflight import CheckedCredential
from skillspas.issuer.sign import sign
from skillspas.keys import Signer
from skillspas.schemas.jsonld.processor import DocumentProcessor
from skillspas.verifier.checks import check_contexts

__all__ = ["expanded", "reusing", "sign_as", "suite_for"]

_SUITES: Final = {"Ed25519": "eddsa-rdfc-2022", "P-256": "ecdsa-rdfc-2019", "P-384": "ecdsa-rdfc-2019"}


def suite_for(algorithm: str) -> str:
    """The cryptosuite for a key kind: EdDSA for Ed25519, ECDSA for P-256/P-384."""
    return _SUITES[algorithm]


@functools.lru_cache(maxsize=4)
def _processor(contexts: str | None) -> DocumentProcessor:
    return DocumentProcessor(contexts)


def expanded(credential: dict[str, Any], contexts: str | None = None) -> list[Any]:
    """The strict expansion of ``credential`` without its proofs (after its contexts are checked):
    what it means, whatever its JSON spelling; shared with ``preflight``'s inside ``reusing()``.
    ``contexts``: a folder of extra contexts, as ``Settings.contexts``."""
    processor = _processor(contexts)
    check_contexts(credential, processor.registry)
    return processor.expand({k: v for k, v in credential.items() if k != "proof"})


def reusing(contexts: str | None = None) -> contextlib.AbstractContextManager[None]:
    """Within this block the same document is expanded once (``DocumentProcessor.reuse``)."""
    return _processor(contexts).reuse()


def sign_as(signer: Signer, credential: CheckedCredential | dict[str, Any], **options: Any) -> dict[str, Any]:
    """``sign`` with an organisation's key (``Org.signer``) in its cryptosuite; ``options`` go to ``sign``."""
    return sign(credential, signer, suite=suite_for(signer.algorithm), **options)
