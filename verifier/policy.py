"""Who may issue what (DESIGN.md threat 8): small policy objects with one ``check`` method.

``TrustedIssuers`` is the command line's ``--trust-issuer``; a trust list from an offline bundle
implements the same ``TrustPolicy`` protocol and also names the issuer and limits the credential
types each issuer may issue.
"""

from __future__ import annotations

import datetime as dt
from typing import Iterable, Protocol, Sequence, runtime_checkable

from skillspas.schemas.errors import ErrorCode, error_for

__all__ = ["TrustPolicy", "TrustedIssuers", "NoTrust"]


@runtime_checkable
class TrustPolicy(Protocol):
    """Decides whether ``issuer`` may issue a credential of ``types`` at ``now``."""

    def check(self, issuer: str, types: Sequence[str], now: dt.datetime) -> str | None:
        """Return the issuer's display name (``None`` if unknown) or raise ``untrusted_issuer``."""
        ...


class TrustedIssuers:
    """Trust exactly these issuer DIDs, for every credential type (``--trust-issuer``)."""

    def __init__(self, issuers: Iterable[str]) -> None:
        self.issuers = frozenset(issuers)

    def check(self, issuer: str, types: Sequence[str], now: dt.datetime) -> str | None:
        """Trusted when listed; no name (a DID on the command line has none)."""
        if issuer not in self.issuers:
            raise error_for(
                ErrorCode.UNTRUSTED_ISSUER,
                f"nothing vouches for issuer {issuer!r}: use a bundle with a trust list, or --trust-issuer",
                "/issuer",
            )
        return None


class NoTrust(TrustedIssuers):
    """Nothing is trusted: a valid signature from an unplaced issuer is ``untrusted_issuer``."""

    def __init__(self) -> None:
        super().__init__(())
