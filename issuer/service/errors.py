"""Map every refusal to a JSON answer: coded errors to 400/422, access to 401/403, an unusable signing
key or a database the service cannot reach now to 503 (the latter with ``Retry-After``), never a 500 for input.

The HTTP status is derived from the code's kind (``ErrorCode.http_status``), never chosen at the
raise site. Messages are English with a Dutch ``messageNl``; nothing here
prints a key, a passphrase or a stack trace. The body's shape (``error_body``), the answer to Starlette's own
404/405 (``http_error``) and what a caller is told of a 503 (``public_error``, ``retry_after``) are the verifier
page's (``skillspas.verifier.page.errors``), which the service mounts: one shape for both, kept where the page may
import it.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, Final

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from skillspas.schemas.errors import ErrorCode, SkillspasError, shown
from skillspas.schemas.jsonio import pointer_token
from skillspas.verifier.page.errors import error_body, http_error, public_error, retry_after

__all__ = ["error_body", "error_response", "http_error", "in_body", "install_error_handlers", "logged", "public_error",
           "retry_after"]

_log = logging.getLogger("skillspas.issuer.service")


def logged(request: Request, exc: SkillspasError) -> SkillspasError:
    """``exc``, written to the server log first when it is the database (the driver's first line: host and port,
    never a password), which a caller is not told (``public_error``)."""
    if exc.code is ErrorCode.DATABASE_UNAVAILABLE:
        _log.warning("%s %s: %s", request.method, request.url.path, exc.message)
    return exc


def error_response(exc: SkillspasError) -> JSONResponse:
    """The answer for one coded error. A key the service cannot use (a key file it cannot read, an HSM
    it cannot log in to or sign with) or a database it cannot reach is the service's failure, not the caller's:
    503 by its kind, in words that tell no detail (``public_error``)."""
    status = exc.http_status
    told = public_error(exc)
    body = error_body(told.code.value, told.message, told.text("nl"), told.path)
    headers = {**retry_after(exc), **({"WWW-Authenticate": "Bearer"} if status == 401 else {})}
    return JSONResponse(body, status_code=status, headers=headers or None)


@contextmanager
def in_body(member: str) -> Iterator[None]:
    """Point the refusals of a document the request body holds under ``member`` (``/credential``) into the body as
    sent: the credential's ``/id`` is ``/credential/id``, as the body guard and the request's validation say it
    (every path of an answer is a JSON pointer into the request). The library's checks point into the document
    itself (``skillspas issue`` and ``sign`` take it as a file); a refusal without a path keeps none."""
    try:
        yield
    except SkillspasError as exc:
        if exc.path is not None and exc.path.startswith("/"):
            exc.path = member + ("" if exc.path == "/" else exc.path)
        raise


def _pointer(loc: tuple[Any, ...], body: Any, kind: str) -> str:
    """The JSON pointer of a validation error's location: into the body as sent (``/options/credentialStatus``),
    or ``/path/NAME``, ``/query/NAME`` for a parameter. pydantic's location also names the union member it tried
    (``.../credentialStatus/bool``, ``.../StatusOption/...``), a step the body does not have: only the steps the body
    has are kept, and the last one of a missing field (``kind`` "missing")."""
    if not loc or loc[0] != "body":
        return "/" + "/".join(_escaped(p) for p in loc) if loc else "/"
    parts: list[str] = []
    value = body
    for position, step in enumerate(loc[1:], start=2):
        if isinstance(value, dict) and isinstance(step, str) and step in value:
            value = value[step]
        elif isinstance(value, list) and isinstance(step, int) and 0 <= step < len(value):
            value = value[step]
        elif not (position == len(loc) and kind == "missing"):
            continue  # a union member's tag: no step of the body
        parts.append(_escaped(step))
    return "/" + "/".join(parts) if parts else "/"


_DUTCH_REASONS: Final = {
    "missing": "ontbreekt", "extra_forbidden": "hoort niet in dit verzoek (een tikfout?)",
    "string_type": "moet tekst zijn", "int_type": "moet een geheel getal zijn", "int_parsing": "moet een geheel getal zijn",
    "int_from_float": "moet een geheel getal zijn", "bool_type": "moet true of false zijn",
    "bool_parsing": "moet true of false zijn", "list_type": "moet een lijst zijn", "dict_type": "moet een object zijn",
    "model_type": "moet een object zijn", "model_attributes_type": "moet een object zijn",
    "literal_error": "moet {expected} zijn", "enum": "moet {expected} zijn",
    "greater_than_equal": "moet ten minste {ge} zijn", "less_than_equal": "mag hoogstens {le} zijn",
    "greater_than": "moet groter dan {gt} zijn", "less_than": "moet kleiner dan {lt} zijn",
    "string_too_short": "moet ten minste {min_length} teken(s) hebben",
    "string_too_long": "mag hoogstens {max_length} tekens hebben",
    "too_short": "moet ten minste {min_length} element(en) hebben", "too_long": "mag hoogstens {max_length} elementen hebben",
    "string_pattern_mismatch": "heeft niet de vorm '{pattern}'", "json_invalid": "is geen geldige JSON",
}
"""What a request-shape error (pydantic's ``type``) says in Dutch, after the JSON pointer of the member; ``{…}`` from the
error's ``ctx`` (a choice of values: ``'revoke', 'suspend' of 'reinstate'``)."""


def _member(pointer: str) -> str:
    """The member a request-shape error is about, as the Dutch sentence names it: its JSON pointer, or the body."""
    return "de inhoud van het verzoek" if pointer == "/" else pointer


def _dutch_reason(error: Any) -> str | None:
    """The Dutch words for one request-shape error, or None for a kind the table does not have."""
    reason = _DUTCH_REASONS.get(str(error.get("type", "")))
    if reason is None:
        return None
    context = {key: shown(str(value), 80).replace(" or ", " of ") for key, value in (error.get("ctx") or {}).items()}
    try:
        return reason.format(**context)
    except (KeyError, IndexError):  # a kind whose context lacks the value the sentence names
        return None


def _escaped(step: Any) -> str:
    return pointer_token(str(step))


def install_error_handlers(app: FastAPI) -> None:
    """Register the handlers that turn every failure into a coded JSON answer."""

    @app.exception_handler(SkillspasError)
    async def _coded(request: Request, exc: SkillspasError) -> JSONResponse:
        logged(request, exc)
        return error_response(exc)

    @app.exception_handler(RequestValidationError)
    async def _invalid(_request: Request, exc: RequestValidationError) -> JSONResponse:
        problems = []
        for error in exc.errors()[:20]:
            kind = str(error.get("type", ""))
            code = ErrorCode.MALFORMED_JSON if kind.startswith("json") else ErrorCode.SCHEMA_INVALID
            problems.append({"code": code.value, "message": shown(str(error.get("msg", "invalid")), 200),
                             "path": _pointer(tuple(error.get("loc", ())), exc.body, kind)})
        first = problems[0] if problems else {"code": "schema_invalid", "message": "invalid request", "path": "/"}
        code = ErrorCode[str(first["code"]).upper()]
        why = _dutch_reason(exc.errors()[0]) if exc.errors() else None
        body = error_body(code.value, "the request does not have the documented shape: " + first["message"],
                          "Het verzoek heeft niet de vorm die de API-documentatie (/docs) beschrijft"
                          + (f": {_member(first['path'])} {why}." if why else "."), first["path"], problems)
        return JSONResponse(body, status_code=400)

    app.add_exception_handler(StarletteHTTPException, http_error)  # type: ignore[arg-type]

    @app.exception_handler(Exception)
    async def _bug(request: Request, exc: Exception) -> JSONResponse:
        # A bug, not an input problem: log the type and route only (no request data, no keys).
        _log.error("internal error %s on %s %s", type(exc).__name__, request.method, request.url.path)
        body = error_body("internal", "internal error", "interne fout")
        return JSONResponse(body, status_code=500)
