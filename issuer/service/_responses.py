"""The error answers each route documents in OpenAPI (with examples).

Usage::

    @router.post("/x", responses={201: json_content(IssueResponse), **errors(400, 401)})
    app.openapi = coded_openapi(app)   # no FastAPI "422 Validation Error": a request that does not fit is 400
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import FastAPI

from skillspas.issuer.service.api_models import ErrorBody

__all__ = ["errors", "json_content", "coded_openapi"]

_EXAMPLES: dict[int, tuple[str, dict[str, Any]]] = {
    400: ("The request or the document is refused (a coded error).", {
        "code": "issuer_mismatch",
        "message": "the credential names issuer 'did:web:other.example'; this API key issues as 'did:web:roc.example'",
        "messageNl": "De uitgever in het bewijsstuk is niet de organisatie van deze API-sleutel.",
        "path": "/credential/issuer",
        "errors": [{"code": "issuer_mismatch", "message": "…", "path": "/credential/issuer"}],
    }),
    401: ("No API key, or an unknown one.", {
        "code": "unauthorized", "message": "the API key is not valid",
        "messageNl": "Een geldige API-sleutel is nodig.", "path": None,
        "errors": [{"code": "unauthorized", "message": "the API key is not valid", "path": None}],
    }),
    403: ("The API key may not do this (scope), or the organisation's role may not issue this type.", {
        "code": "type_not_allowed", "message": "an organisation with role 'training' may not issue MboDiploma",
        "messageNl": "De rol van deze organisatie staat het uitgeven van dit soort bewijsstuk niet toe.",
        "path": "/credential/type",
        "errors": [{"code": "type_not_allowed", "message": "…", "path": "/credential/type"}],
    }),
    422: ("Checked and not valid: a signature that does not verify, a revoked or suspended credential.", {
        "code": "invalid_signature", "message": "the credential as issued does not verify: the signature does not match",
        "messageNl": "De handtekening klopt niet.", "path": "/proof",
        "errors": [{"code": "invalid_signature", "message": "…", "path": "/proof"}],
    }),
    409: ("The claim offer has been used already.", {
        "code": "offer_used", "message": "this offer has already been claimed",
        "messageNl": "Dit bewijsstuk is al opgehaald.", "path": "/path/exchange_id",
        "errors": [{"code": "offer_used", "message": "…", "path": "/path/exchange_id"}],
    }),
    410: ("The claim offer has expired.", {
        "code": "offer_expired", "message": "this offer has expired",
        "messageNl": "Dit aanbod is verlopen.", "path": "/path/exchange_id",
        "errors": [{"code": "offer_expired", "message": "…", "path": "/path/exchange_id"}],
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


_SHAPE: tuple[str, dict[str, Any]] = ("A parameter or the body does not have the documented shape.", {
    "code": "schema_invalid", "message": "the request does not have the documented shape: Input should be a valid integer",
    "messageNl": "Het verzoek heeft niet de vorm die de API-documentatie (/docs) beschrijft.", "path": "/path/seq",
    "errors": [{"code": "schema_invalid", "message": "Input should be a valid integer", "path": "/path/seq"}],
})
"""What the service answers a request that does not fit its parameters or body (``service/errors.py``)."""
_VALIDATION_SCHEMAS = ("HTTPValidationError", "ValidationError")
"""FastAPI's own model of a request that does not fit (``{"detail": [...]}``), which the service never sends."""


def coded_openapi(app: FastAPI) -> Callable[[], dict[str, Any]]:
    """``app.openapi`` as FastAPI makes it, without the ``422 Validation Error`` (``HTTPValidationError``) FastAPI
    adds to every route with parameters or a body: the service answers such a request 400 with the coded
    ``ErrorBody`` (``service/errors.py``), so that is what the route documents instead; a route's own 422
    (a credential checked and not valid) stays."""
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = generate()
            for item in schema.get("paths", {}).values():
                for operation in item.values():
                    responses = operation.get("responses", {})
                    if _is_validation_error(responses.get("422")):
                        del responses["422"]
                        responses.setdefault("400", {"description": _SHAPE[0], "content": {"application/json": {
                            "schema": {"$ref": "#/components/schemas/ErrorBody"}, "example": _SHAPE[1]}}})
            components = schema.get("components", {}).get("schemas", {})
            for name in _VALIDATION_SCHEMAS:
                components.pop(name, None)
            app.openapi_schema = schema
        return app.openapi_schema

    return openapi


def _is_validation_error(response: dict[str, Any] | None) -> bool:
    schema = ((response or {}).get("content", {}).get("application/json", {}).get("schema", {}))
    return bool(schema.get("$ref", "").endswith("/HTTPValidationError"))
