"""One verification of one input, as ``skillspas verify --json`` and the browser build both run it.

Usage::

    text = verify_to_text(data, bundle="bundle.json", now="2026-12-01T00:00:00Z")   # the --json output
    result = verify_input(data, trusted_issuers=["did:key:z6Mk..."])                 # SkillspasError: unusable

No typer here: the browser build (Pyodide, issue 19) imports this module, so the CLI and the phone
turn the same bytes into the same result JSON.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
from typing import Any, Iterable

from skillspas.schemas.errors import ErrorCode, SkillspasError, localized_error, shown
from skillspas.schemas.limits import Limits
from skillspas.schemas.report import refusal
from skillspas.verifier.bundle import Bundle
from skillspas.verifier.pipeline import Verifier
from skillspas.verifier.result import VerificationResult
from skillspas.verifier.trust import checked_dids

__all__ = ["verify_input", "input_verifier", "verify_with", "verify_to_text", "result_text", "parse_duration", "parse_now"]

_DURATION = re.compile(r"([0-9]+(?:\.[0-9]+)?)([dhm])")
_UNITS = {"d": "days", "h": "hours", "m": "minutes"}


def parse_duration(value: str) -> dt.timedelta:
    """Parse "7d", "36h" or "90m" into a timedelta; ``invalid_option`` (nl/en) otherwise."""
    match = _DURATION.fullmatch(value.strip())
    given = shown(value, 40, quoted=True)
    if match is None or len(match.group(1)) > 12 or float(match.group(1)) <= 0:
        raise localized_error(ErrorCode.INVALID_OPTION, en=f"{given} is not a duration like 7d, 36h or 90m",
                              nl=f"{given} is geen duur zoals 7d (dagen), 36h (uren) of 90m (minuten)")
    try:
        return dt.timedelta(**{_UNITS[match.group(2)]: float(match.group(1))})
    except OverflowError:
        raise localized_error(ErrorCode.INVALID_OPTION, en=f"{given} is longer than any date can reach",
                              nl=f"{given} is langer dan een datum kan reiken") from None


def parse_now(value: str) -> dt.datetime:
    """An ISO 8601 instant with its offset ("2026-12-01T00:00:00Z"); ``invalid_option`` otherwise."""
    given = shown(value, 40, quoted=True)
    try:
        instant = dt.datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        raise localized_error(ErrorCode.INVALID_OPTION, en=f"{given} is not an ISO 8601 instant",
                              nl=f"{given} is geen tijdstip (ISO 8601) zoals 2026-12-01T00:00:00Z") from None
    if instant.tzinfo is None:
        raise localized_error(ErrorCode.INVALID_OPTION, en=f"{given} has no time zone offset",
                              nl=f"{given} heeft geen tijdzone: zet er Z (UTC) of een verschil zoals +01:00 achter")
    try:
        return instant.astimezone(dt.timezone.utc)
    except OverflowError:  # 0001-01-01T00:00:00+01:00 is before the first instant Python has in UTC
        raise localized_error(ErrorCode.INVALID_OPTION, en=f"{given} is outside the dates that can be checked",
                              nl=f"{given} ligt buiten de data die te controleren zijn") from None


def verify_input(
    data: bytes,
    *,
    bundle: str | os.PathLike[str] | None = None,
    contexts: str | os.PathLike[str] | None = None,
    trusted_issuers: Iterable[str] | None = None,
    trust_anchors: Iterable[str] | None = None,
    max_status_age: str = "7d",
    challenge: str | None = None,
    domain: str | None = None,
    limits: Limits = Limits(),
    now: dt.datetime | None = None,
) -> VerificationResult:
    """Verify a credential, a presentation or the text of a skillspas QR code ("SP1:..." to "SP4:...").

    Raises ``SkillspasError`` when the input or the settings are unusable (exit 2): an unreadable
    QR text, a bad duration, a malformed bundle. Everything else is in the result."""
    verifier = input_verifier(bundle=bundle, contexts=contexts, trusted_issuers=trusted_issuers,
                              trust_anchors=trust_anchors, max_status_age=max_status_age, limits=limits)
    return verify_with(verifier, data, challenge=challenge, domain=domain, now=now)


def input_verifier(
    *,
    bundle: str | os.PathLike[str] | None = None,
    contexts: str | os.PathLike[str] | None = None,
    trusted_issuers: Iterable[str] | None = None,
    trust_anchors: Iterable[str] | None = None,
    max_status_age: str = "7d",
    limits: Limits = Limits(),
) -> Verifier:
    """The verifier ``verify_input`` checks with for these settings (``skillspas verify``'s options);
    ``invalid_option`` for a bad duration or a trusted issuer or trust anchor that is no DID (``checked_dids``), the
    bundle's own code for a malformed bundle."""
    freshness = parse_duration(max_status_age)
    trusted_issuers = checked_dids(trusted_issuers, "--trust-issuer")
    trust_anchors = checked_dids(trust_anchors, "--trust-anchor")
    return Verifier(
        bundle=Bundle.from_file(bundle) if bundle is not None else None, contexts=contexts,
        trusted_issuers=trusted_issuers, trust_anchors=trust_anchors,
        status_freshness=freshness, limits=limits,
    )


def verify_with(verifier: Verifier, data: bytes, *, challenge: str | None = None, domain: str | None = None,
                now: dt.datetime | None = None) -> VerificationResult:
    """``verify_input`` with a verifier made before (``input_verifier``): the phone page also names the
    signers from that verifier's trust list, as the laptop page does."""
    from skillspas.verifier.qr import decode_payload, is_payload

    if is_payload(data.lstrip()[:4].decode("latin-1")):  # the text of a skillspas QR code, pasted or piped
        data = decode_payload(data.decode("utf-8", "replace"), verifier.limits)
    return verifier.verify(data, challenge=challenge, domain=domain, now=now)


def result_text(result: VerificationResult) -> str:
    """The result as ``skillspas verify --json`` prints it (without the final newline)."""
    return json.dumps(result.to_json(), indent=2, ensure_ascii=False)


def verify_to_text(data: bytes, *, now: str | None = None, **options: Any) -> str:
    """``verify_input`` as the ``--json`` text: the result, or the refusal of an unusable input."""
    try:
        instant = parse_now(now) if now is not None else None
        return result_text(verify_input(data, now=instant, **options))
    except SkillspasError as exc:
        return json.dumps(refusal(exc))
