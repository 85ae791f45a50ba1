"""Who may issue what (DESIGN.md threat 8): small policy objects with one ``check`` method.

Usage::

    policy = TrustedIssuers(["did:key:z6Mk..."])                     # --trust-issuer
    policy = AnyOf(TrustListPolicy.from_credential(...), TrustedIssuers([...]))
    name = policy.check(issuer, ["VerifiableCredential", "MboDiploma"], now, issued_at=created)

A policy returns the issuer's display name (from the trust list, never the credential's own claim)
or raises ``untrusted_issuer``. ``issued_at`` is when the issuer signed (its proof's ``created``),
so a recognition that has since ended still covers what was issued while it held.
``TrustListPolicy`` lives in ``skillspas.verifier.trust``. An empty ``AllOf``/``AnyOf`` trusts no one.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Iterable, Mapping, Protocol, Sequence, runtime_checkable

from skillspas.schemas.errors import ErrorCode, SkillspasError, localized_error

__all__ = ["TrustPolicy", "TrustedIssuers", "NoTrust", "AnyOf", "AllOf", "UnsafeTrustAnyIssuer"]

_log = logging.getLogger(__name__)


@runtime_checkable
class TrustPolicy(Protocol):
    """Decides whether ``issuer`` may issue a credential of ``types`` (at ``now``, signed at ``issued_at``)."""

    def check(
        self, issuer: str, types: Sequence[str], now: dt.datetime, *, issued_at: dt.datetime | None = None
    ) -> str | None:
        """Return the issuer's display name (``None`` if unknown) or raise ``untrusted_issuer``."""
        ...


class TrustedIssuers:
    """Trust exactly these issuer DIDs, for every credential type (``--trust-issuer``)."""

    def __init__(self, issuers: Iterable[str], names: Mapping[str, str] | None = None) -> None:
        """Trust the DIDs in ``issuers``; ``names``: the name each is known by here (the service's own organisations)."""
        self.issuers = frozenset(issuers)
        self.names = dict(names or {})

    def check(
        self, issuer: str, types: Sequence[str], now: dt.datetime, *, issued_at: dt.datetime | None = None
    ) -> str | None:
        """Trusted when listed, with the name it is known by (a DID on the command line has none)."""
        if issuer not in self.issuers:
            raise localized_error(
                ErrorCode.UNTRUSTED_ISSUER,
                en=f"nothing vouches for issuer {issuer!r}: use a bundle with a trust list, or --trust-issuer",
                nl=f"niets staat in voor uitgever {issuer!r}: gebruik een controlebundel met een vertrouwenslijst, of --trust-issuer",
                path="/issuer",
            )
        return self.names.get(issuer)

    def __repr__(self) -> str:
        return f"TrustedIssuers({sorted(self.issuers)!r})"


class NoTrust(TrustedIssuers):
    """Nothing is trusted: a valid signature from an unplaced issuer is ``untrusted_issuer``."""

    def __init__(self) -> None:
        """Trust no one."""
        super().__init__(())


class AnyOf:
    """Trusted when any policy trusts; the first name found wins. Empty: trusts no one."""

    def __init__(self, *policies: TrustPolicy) -> None:
        """Combine ``policies``."""
        self.policies = policies

    def check(
        self, issuer: str, types: Sequence[str], now: dt.datetime, *, issued_at: dt.datetime | None = None
    ) -> str | None:
        """The first policy that trusts the issuer decides; otherwise the first refusal is raised."""
        refusals: list[SkillspasError] = []
        for policy in self.policies:
            try:
                return policy.check(issuer, types, now, issued_at=issued_at)
            except SkillspasError as exc:
                if exc.code is not ErrorCode.UNTRUSTED_ISSUER:
                    raise
                refusals.append(exc)
        if refusals:
            raise refusals[0]
        raise localized_error(ErrorCode.UNTRUSTED_ISSUER, en="no trust policy is configured",
                              nl="er is geen vertrouwensbeleid ingesteld", path="/issuer")


class AllOf:
    """Trusted only when every policy trusts. Empty: trusts no one (sigstore ``AllOf``)."""

    def __init__(self, *policies: TrustPolicy) -> None:
        """Combine ``policies``."""
        self.policies = policies

    def check(
        self, issuer: str, types: Sequence[str], now: dt.datetime, *, issued_at: dt.datetime | None = None
    ) -> str | None:
        """Every policy must trust the issuer; returns the first name any of them gives."""
        if not self.policies:
            raise localized_error(ErrorCode.UNTRUSTED_ISSUER, en="an empty AllOf trusts no one",
                                  nl="een lege AllOf vertrouwt niemand", path="/issuer")
        names = [policy.check(issuer, types, now, issued_at=issued_at) for policy in self.policies]
        return next((name for name in names if name), None)


class UnsafeTrustAnyIssuer:
    """Trusts every issuer whose signature holds. For demos and tests only; logs a warning each time."""

    def check(
        self, issuer: str, types: Sequence[str], now: dt.datetime, *, issued_at: dt.datetime | None = None
    ) -> str | None:
        """Trust ``issuer`` without any check, loudly."""
        _log.warning("UnsafeTrustAnyIssuer: trusting %s without a trust list", issuer)
        return None
