"""The issuer service's own refusals (access, unknown ids, status changes), with nl/en text.

Usage::

    raise ServiceProblem(ProblemCode.FORBIDDEN, "this API key may not revoke", "/")
    problem.http_status   # 403

Document-level refusals stay ``SkillspasError`` with an ``ErrorCode`` (``schemas/errors.py``);
these codes cover what only a service has: API keys, roles, stored credentials.
"""

from __future__ import annotations

import enum
from typing import Any

__all__ = ["ProblemCode", "ServiceProblem", "problem_text"]


class ProblemCode(enum.StrEnum):
    """Stable snake_case codes of the service's own refusals."""

    UNAUTHORIZED = "unauthorized"
    FORBIDDEN = "forbidden"
    TYPE_NOT_ALLOWED = "type_not_allowed"
    NOT_FOUND = "not_found"
    DUPLICATE_ID = "duplicate_id"
    INVALID_STATUS_CHANGE = "invalid_status_change"
    NO_STATUS = "no_status"
    BATCH_INVALID = "batch_invalid"
    PUBLIC_URL_REQUIRED = "public_url_required"
    AMBIGUOUS = "ambiguous"
    REQUEST_TIMEOUT = "request_timeout"
    OFFER_USED = "offer_used"
    OFFER_EXPIRED = "offer_expired"

    @property
    def http_status(self) -> int:
        """401 missing/unknown key, 403 not allowed, 404 unknown, 408 too slow, 409 used, 410 expired, else 400."""
        return _STATUS.get(self, 400)


_STATUS = {
    ProblemCode.UNAUTHORIZED: 401,
    ProblemCode.FORBIDDEN: 403,
    ProblemCode.TYPE_NOT_ALLOWED: 403,
    ProblemCode.NOT_FOUND: 404,
    ProblemCode.PUBLIC_URL_REQUIRED: 500,  # the service is set up wrongly, not the request (serve refuses to start)
    ProblemCode.REQUEST_TIMEOUT: 408,
    ProblemCode.OFFER_USED: 409,
    ProblemCode.OFFER_EXPIRED: 410,
}

_TEXT: dict[ProblemCode, dict[str, str]] = {
    ProblemCode.UNAUTHORIZED: {
        "en": "A valid API key is needed: send it as 'Authorization: Bearer KEY'.",
        "nl": "Een geldige API-sleutel is nodig: stuur die mee als 'Authorization: Bearer SLEUTEL'.",
    },
    ProblemCode.FORBIDDEN: {
        "en": "This API key may not do this.",
        "nl": "Deze API-sleutel mag dit niet doen.",
    },
    ProblemCode.TYPE_NOT_ALLOWED: {
        "en": "This organisation's role does not allow issuing this kind of credential.",
        "nl": "De rol van deze organisatie staat het uitgeven van dit soort bewijsstuk niet toe.",
    },
    ProblemCode.NOT_FOUND: {
        "en": "Not found.",
        "nl": "Niet gevonden.",
    },
    ProblemCode.DUPLICATE_ID: {
        "en": "This id is already in use; leave it out and the service makes a new one.",
        "nl": "Deze id is al in gebruik; laat hem weg, dan maakt de dienst een nieuwe.",
    },
    ProblemCode.INVALID_STATUS_CHANGE: {
        "en": "This status change is not possible: a revoked credential stays revoked.",
        "nl": "Deze statuswijziging kan niet: een ingetrokken bewijsstuk blijft ingetrokken.",
    },
    ProblemCode.NO_STATUS: {
        "en": "This credential was issued without a status entry, so its status cannot change.",
        "nl": "Dit bewijsstuk is zonder statusvermelding uitgegeven, dus de status kan niet veranderen.",
    },
    ProblemCode.BATCH_INVALID: {
        "en": "Some rows are not valid; nothing was issued.",
        "nl": "Sommige regels zijn ongeldig; er is niets uitgegeven.",
    },
    ProblemCode.AMBIGUOUS: {
        "en": "This name fits more than one; give the id instead.",
        "nl": "Deze naam past bij meer dan één; geef in plaats daarvan de id.",
    },
    ProblemCode.PUBLIC_URL_REQUIRED: {
        "en": "No public https address is set: the status list URL in every credential would point at this "
              "computer, which no verifier can reach. Pass --public-url https://… (or set SKILLSPAS_PUBLIC_URL); "
              "only for development: --dev.",
        "nl": "Er is geen openbaar https-adres ingesteld: de statuslijst-URL in elk bewijsstuk zou naar deze "
              "computer wijzen, en die kan geen verificateur bereiken. Geef --public-url https://… (of zet "
              "SKILLSPAS_PUBLIC_URL); alleen om te ontwikkelen: --dev.",
    },
    ProblemCode.REQUEST_TIMEOUT: {
        "en": "The request body did not arrive in time; send it again.",
        "nl": "De inhoud van het verzoek kwam niet op tijd binnen; stuur het opnieuw.",
    },
    ProblemCode.OFFER_USED: {
        "en": "This credential has already been claimed; an offer can be used once. Ask the issuer for a new one.",
        "nl": "Dit bewijsstuk is al opgehaald; een aanbod werkt maar één keer. Vraag de uitgever om een nieuw aanbod.",
    },
    ProblemCode.OFFER_EXPIRED: {
        "en": "This offer has expired. Ask the issuer for a new one.",
        "nl": "Dit aanbod is verlopen. Vraag de uitgever om een nieuw aanbod.",
    },
}


def problem_text(code: ProblemCode, lang: str = "en") -> str:
    """The Dutch ("nl") or English ("en") sentence for ``code``."""
    return _TEXT[code]["nl" if lang == "nl" else "en"]


class ServiceProblem(Exception):
    """A coded refusal by the service (``code``, English ``message``, JSON pointer ``path``)."""

    def __init__(self, code: ProblemCode, message: str | None = None, path: str | None = None, *,
                 message_nl: str | None = None) -> None:
        self.code = code
        self.message = message or problem_text(code)
        self.path = path
        self.message_nl = message_nl or problem_text(code, "nl")
        """The Dutch text: the code's general sentence unless a specific one is given."""
        super().__init__(f"{code.value}: {self.message}")

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickle as (code, message, path), so it crosses from a worker process unchanged."""
        return type(self), (self.code, self.message, self.path), dict(self.__dict__)

    @property
    def http_status(self) -> int:
        """The HTTP status derived from the code."""
        return self.code.http_status
