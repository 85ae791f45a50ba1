"""The error answers each route documents in OpenAPI (with examples)."""

from __future__ import annotations

from typing import Any

from skillspas.issuer.service.api_models import ErrorBody

__all__ = ["errors", "json_content"]

_EXAMPLES: dict[int, tuple[str, dict[str, Any]]] = {
    400: ("The request or the document is refused (a coded error).", {
        "code": "issuer_mismatch",
        "message": "the credential names issuer 'did:web:other.example'; this API key issues as 'did:web:roc.example'",
        "messageNl": "De uitgever in het bewijsstuk is niet de organisatie van deze API-sleutel.",
        "path": "/issuer",
        "errors": [{"code": "issuer_mismatch", "message": "…", "path": "/issuer"}],
    }),
    401: ("No API key, or an unknown one.", {
        "code": "unauthorized", "message": "the API key is not valid",
        "messageNl": "Een geldige API-sleutel is nodig.", "path": None,
        "errors": [{"code": "unauthorized", "message": "the API key is not valid", "path": None}],
    }),
    403: ("The API key may not do this (scope), or the organisation's role may not issue this type.", {
        "code": "type_not_allowed", "message": "an organisation with role 'training' may not issue MboDiploma",
        "messageNl": "De rol van deze organisatie staat het uitgeven van dit soort bewijsstuk niet toe.",
        "path": "/type",
        "errors": [{"code": "type_not_allowed", "message": "…", "path": "/type"}],
    }),
    422: ("Checked and not valid: a signature that does not verify, a revoked or suspended credential.", {
        "code": "invalid_signature", "message": "the credential as issued does not verify: the signature does not match",
        "messageNl": "De handtekening klopt niet.", "path": "/proof",
        "errors": [{"code": "invalid_signature", "message": "…", "path": "/proof"}],
    }),
    409: ("The claim offer has been used already.", {
        "code": "offer_used", "message": "this offer has already been claimed",
        "messageNl": "Dit bewijsstuk is al opgehaald.", "path": "/exchangeId",
        "errors": [{"code": "offer_used", "message": "…", "path": "/exchangeId"}],
    }),
    410: ("The claim offer has expired.", {
        "code": "offer_expired", "message": "this offer has expired",
        "messageNl": "Dit aanbod is verlopen.", "path": "/exchangeId",
        "errors": [{"code": "offer_expired", "message": "…", "path": "/exchangeId"}],
    }),
    404: ("Not found.", {
        "code": "not_found", "message": "this organisation issued no credential with that id",
        "messageNl": "Niet gevonden.", "path": "/credentialId",
        "errors": [{"code": "not_found", "message": "…", "path": "/credentialId"}],
    }),
}


def json_content(model: type, example: Any | None = None) -> dict[str, Any]:
    """A ``responses`` entry for ``model`` with one example."""
    entry: dict[str, Any] = {"model": model}
    if example is not None:
        entry["content"] = {"application/json": {"example": example}}
    return entry


def errors(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """``responses`` entries for these error statuses, each an ``ErrorBody`` with an example."""
    return {
        status: {"model": ErrorBody, "description": _EXAMPLES[status][0],
                 "content": {"application/json": {"example": _EXAMPLES[status][1]}}}
        for status in statuses
    }
