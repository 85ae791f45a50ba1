"""The page's own words (nl, en): verdict headings, sentences for a passport, and what to do next.

The one-sentence reason for each error code comes from ``skillspas.schemas.messages`` (one table
for the CLI, the service and this page); this module adds what only a person at the page needs.
"""

from __future__ import annotations

from typing import Final, Mapping

from skillspas.schemas.errors import ErrorCode
from skillspas.schemas.messages import text

__all__ = ["HEADINGS", "both", "reason", "next_step", "SENTENCES"]

Both = dict[str, str]

HEADINGS: Final[Mapping[str, Both]] = {
    "valid": {"nl": "Geldig", "en": "Valid"},
    "warning": {"nl": "Geldig, met een waarschuwing", "en": "Valid, with a warning"},
    "invalid": {"nl": "Niet geldig", "en": "Not valid"},
    "unusable": {"nl": "Niet te controleren", "en": "Cannot be checked"},
}
"""The verdict, as the big words on the coloured bar (green, orange, red, neutral blue-grey)."""

SENTENCES: Final[Mapping[str, Both]] = {
    "valid": {"nl": "Echt en geldig.", "en": "Genuine and valid."},
    "valid_with_warning": {
        "nl": "Echt en geldig, maar lees de waarschuwing.",
        "en": "Genuine and valid, but read the warning.",
    },
    "all_valid": {
        "nl": "Alle {n} bewijsstukken zijn echt en geldig.",
        "en": "All {n} credentials are genuine and valid.",
    },
    "some_invalid": {
        "nl": "{bad} van de {n} bewijsstukken zijn niet geldig; alleen de geldige tellen mee.",
        "en": "{bad} of the {n} credentials are not valid; only the valid ones count.",
    },
    "issuer_name_differs": {
        "nl": "Het bewijsstuk noemt als uitgever „{claimed}”, maar volgens de vertrouwenslijst is de uitgever {listed}.",
        "en": "The credential names its issuer “{claimed}”, but according to the trust list the issuer is {listed}.",
    },
    "issuer_name_next": {
        "nl": "Ga uit van de naam op de vertrouwenslijst, niet van de naam in het bewijsstuk.",
        "en": "Rely on the name on the trust list, not on the name in the credential.",
    },
    "empty": {
        "nl": "Deze presentatie bevat geen bewijsstukken.",
        "en": "This presentation holds no credentials.",
    },
    "named_revoked": {
        "nl": "{issuer} heeft dit bewijsstuk ingetrokken: {what}.",
        "en": "{issuer} has revoked this credential: {what}.",
    },
    "named_suspended": {
        "nl": "{issuer} heeft dit bewijsstuk geschorst: {what}.",
        "en": "{issuer} has suspended this credential: {what}.",
    },
    "named_expired": {
        "nl": "Dit bewijsstuk van {issuer} is verlopen op {date}: {what}.",
        "en": "This credential from {issuer} expired on {date}: {what}.",
    },
    "named_not_yet_valid": {
        "nl": "Dit bewijsstuk van {issuer} is pas geldig vanaf {date}: {what}.",
        "en": "This credential from {issuer} is valid only from {date}: {what}.",
    },
    "timeout": {
        "nl": "Het controleren duurde te lang en is afgebroken.",
        "en": "Checking took too long and was stopped.",
    },
    "internal": {
        "nl": "Er ging iets mis in de verificateur zelf; probeer het opnieuw of meld het.",
        "en": "Something went wrong in the verifier itself; try again or report it.",
    },
}

_NEXT: Final[Mapping[str, Both]] = {
    "input": {
        "nl": "Vraag om het originele bestand, of maak een scherpere foto van de QR-code en probeer het opnieuw.",
        "en": "Ask for the original file, or take a sharper photo of the QR code and try again.",
    },
    "forged": {
        "nl": "Vertrouw dit bewijsstuk niet. Vraag de kandidaat om het originele bestand of neem contact op met de uitgever.",
        "en": "Do not rely on this credential. Ask the candidate for the original file or contact the issuer.",
    },
    "untrusted": {
        "nl": "De uitgever staat niet op uw vertrouwenslijst. Werk de controlebundel bij, of ga zelf na wie dit heeft uitgegeven.",
        "en": "The issuer is not on your trust list. Update the verification bundle, or find out yourself who issued this.",
    },
    "withdrawn": {
        "nl": "Vraag de kandidaat wat er is gebeurd, of neem contact op met de uitgever.",
        "en": "Ask the candidate what happened, or contact the issuer.",
    },
    "dates": {
        "nl": "Kijk naar de data op het bewijsstuk en vraag de kandidaat om een actuele versie.",
        "en": "Look at the dates on the credential and ask the candidate for a current one.",
    },
    "status": {
        "nl": "Haal een nieuwe controlebundel op (skillspas bundle) zodat intrekkingen te zien zijn.",
        "en": "Get a newer verification bundle (skillspas bundle) so that revocations can be seen.",
    },
    "presentation": {
        "nl": "Vraag de kandidaat om een nieuwe presentatie, voor u gemaakt.",
        "en": "Ask the candidate for a new presentation, made for you.",
    },
    "person": {
        "nl": "Vraag de kandidaat om een paspoort met alleen de eigen bewijsstukken, door de kandidaat zelf ondertekend.",
        "en": "Ask the candidate for a passport with only their own credentials, signed by the candidate.",
    },
    "identity": {
        "nl": "Vergelijk de naam met een identiteitsbewijs, of vraag om een presentatie die de kandidaat zelf voor u ondertekent.",
        "en": "Compare the name with an identity document, or ask for a presentation the candidate signs for you.",
    },
}

_NEXT_BY_CODE: Final[Mapping[ErrorCode, str]] = {
    ErrorCode.INVALID_SIGNATURE: "forged",
    ErrorCode.INVALID_PROOF: "forged",
    ErrorCode.WRONG_PROOF_PURPOSE: "forged",
    ErrorCode.KEY_NOT_AUTHORIZED: "forged",
    ErrorCode.KEY_REVOKED: "forged",
    ErrorCode.UNRESOLVABLE_KEY: "untrusted",
    ErrorCode.UNTRUSTED_ISSUER: "untrusted",
    ErrorCode.REVOKED: "withdrawn",
    ErrorCode.SUSPENDED: "withdrawn",
    ErrorCode.EXPIRED: "dates",
    ErrorCode.NOT_YET_VALID: "dates",
    ErrorCode.STATUS_UNAVAILABLE: "status",
    ErrorCode.CHALLENGE_MISMATCH: "presentation",
    ErrorCode.DOMAIN_MISMATCH: "presentation",
    ErrorCode.HOLDER_MISMATCH: "person",
    ErrorCode.MULTIPLE_SUBJECTS: "person",
    ErrorCode.HOLDER_NOT_PROVEN: "identity",
}

def both(key: str, **values: object) -> Both:
    """A sentence of ``SENTENCES`` in both languages, with ``values`` filled in."""
    return {lang: SENTENCES[key][lang].format(**values) for lang in ("nl", "en")}


def reason(code: ErrorCode) -> Both:
    """The one-sentence reason for ``code`` in both languages (from ``schemas.messages``)."""
    return {lang: text(code, lang) for lang in ("nl", "en")}


def next_step(code: ErrorCode) -> Both:
    """What a person can do next after ``code``."""
    key = _NEXT_BY_CODE.get(code, "input" if code.exit_code == 2 else "forged")
    return dict(_NEXT[key])
