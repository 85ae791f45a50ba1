"""Verification inside the issuer service: the organisations' DID documents and status lists as trust material.

Usage::

    verifier = ServiceVerifier(issuer)
    result = verifier.verify(credential, checks=["proof", "credentialStatus"])
    result.to_json()["checks"]      # says which checks ran

The verifier resolves did:web only from what it is given (never the web): here the DID documents
and signed status lists of the organisations in the store. ``checks`` (VC-API ``options.checks``)
names the groups to run; ``proof`` (parse, contexts, shape, key, proof, purpose) always runs.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Final

from skillspas.verifier import VerificationResult, Verifier
from skillspas.issuer.bundle_build import build_bundle
from skillspas.schemas.vc import types_of, validity_keys
from skillspas.verifier.policy import TrustedIssuers
from skillspas.verifier.result import Problem

if TYPE_CHECKING:
    from skillspas.issuer.issuing import Issuer

__all__ = ["ServiceVerifier", "CHECK_GROUPS"]

CHECK_GROUPS: Final = {
    "proof": ("parse", "contexts", "shape", "key", "proof", "purpose", "holder", "subjects"),
    "trust": ("trust",),
    "validity": ("validity",),
    "credentialStatus": ("status",),
}
_VALIDITY_CODES: Final = frozenset({"not_yet_valid", "expired"})


class _AnyIssuer:
    """Trust is not asked for: every issuer passes, without a name (never used unless asked)."""

    def check(self, issuer: str, types: Sequence[str], now: dt.datetime, **_: Any) -> str | None:
        """Accept; the caller left the trust check out of ``options.checks``."""
        return None


class _NoStatusCheck:
    """Status is not asked for: nothing is looked up."""

    def check(self, credential: dict[str, Any], now: dt.datetime) -> list[Problem]:
        """No warnings, no errors."""
        return []


class ServiceVerifier:
    """Verifies credentials and presentations against the service's organisations."""

    def __init__(self, issuer: Issuer) -> None:
        self.issuer = issuer

    def verify(
        self,
        document: dict[str, Any],
        *,
        checks: Sequence[str] | None = None,
        challenge: str | None = None,
        domain: str | None = None,
    ) -> VerificationResult:
        """Run the verifier's pipeline with the requested check groups (all by default)."""
        wanted = set(CHECK_GROUPS) if not checks else {"proof", *checks}
        unknown = wanted - set(CHECK_GROUPS)
        if unknown:
            raise ValueError(f"unknown checks {sorted(unknown)}")
        bundle = build_bundle(self.issuer)
        verifier = Verifier(
            bundle=bundle,
            policy=_own_organisations(self.issuer) if "trust" in wanted else _AnyIssuer(),
            status=None if "credentialStatus" in wanted else _NoStatusCheck(),
        )
        now = dt.datetime.now(dt.timezone.utc)
        moment = now if "validity" in wanted else _inside_window(document, now)
        result = verifier.verify(document, challenge=challenge, domain=domain, now=moment)
        return _select(result, wanted, now)


def _own_organisations(issuer: Issuer) -> TrustedIssuers:
    """The service trusts its own organisations, each known by its registered name (the employer's ``issuerName``)."""
    organisations = issuer.orgs.all()
    return TrustedIssuers([org.did for org in organisations], {org.did: org.name for org in organisations})


def _inside_window(document: dict[str, Any], now: dt.datetime) -> dt.datetime:
    """A moment inside a credential's validity window, so a skipped validity check stops nothing."""
    if "VerifiablePresentation" in types_of(document):
        return now
    moment = now
    for key, later in zip(validity_keys(document), (True, False)):
        value = document.get(key)
        if not isinstance(value, str):
            continue
        try:
            bound = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            continue
        if bound.tzinfo is None:
            continue
        moment = max(moment, bound) if later else min(moment, bound)
    return moment


def _select(result: VerificationResult, wanted: set[str], now: dt.datetime) -> VerificationResult:
    """Keep only the checks (and validity errors) of the requested groups; ``checkedAt`` is now."""
    steps = {step for group in wanted for step in CHECK_GROUPS[group]}
    keep_validity = "validity" in wanted
    return dataclasses.replace(
        result,
        checks=tuple(c for c in result.checks if c.check in steps),
        errors=tuple(e for e in result.errors if keep_validity or e.code.value not in _VALIDITY_CODES),
        credentials=tuple(_select(c, wanted, now) for c in result.credentials),
        checked_at=now,
    )
