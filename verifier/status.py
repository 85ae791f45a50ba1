"""Credential status (DESIGN.md threat 10): where revocation and suspension are looked up, offline.

A ``StatusSource`` checks a credential's ``credentialStatus`` entries and returns warnings (for
example a status list older than its freshness limit), or raises ``revoked``, ``suspended`` or
``status_unavailable``. Without a source, a credential that has a status entry fails closed.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Protocol, runtime_checkable

from skillspas.schemas.errors import ErrorCode, error_for
from skillspas.verifier.result import Problem

__all__ = ["StatusSource", "NoStatusSource"]


@runtime_checkable
class StatusSource(Protocol):
    """Looks up a credential's status entries from local data only."""

    def check(self, credential: dict[str, Any], now: dt.datetime) -> list[Problem]:
        """Return warnings; raise ``revoked``/``suspended``/``status_unavailable``."""
        ...


class NoStatusSource:
    """No status lists at hand: a credential with ``credentialStatus`` cannot be checked."""

    def check(self, credential: dict[str, Any], now: dt.datetime) -> list[Problem]:
        """Fail closed when the credential has a status entry; nothing to say otherwise."""
        if "credentialStatus" in credential:
            raise error_for(
                ErrorCode.STATUS_UNAVAILABLE,
                "the credential has a status entry and no status list is available; use a bundle",
                "/credentialStatus",
            )
        return []
