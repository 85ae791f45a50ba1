"""Map every refusal to a JSON answer: coded errors to 400/422, access to 401/403, an unusable signing
key to 503, never a 500 for input.

The HTTP status is derived from the code's kind (``ErrorCode.http_status``), never chosen at the
raise site. Messages are English with a Dutch ``messageNl``; nothing here
prints a key, a passphrase or a stack trace.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from skillspas.schemas.errors import ErrorCode, SkillspasError
from skillspas.schemas.messages import text

__all__ = ["error_body", "error_response", "http_error", "install_error_handlers"]

_log = logging.getLogger("skillspas.issuer.service")

_HTTP_CODES = {404: ErrorCode.NOT_FOUND, 401: ErrorCode.UNAUTHORIZED, 403: ErrorCode.FORBIDDEN,
               405: ErrorCode.METHOD_NOT_ALLOWED}


def error_body(code: str, message: str, message_nl: str, path: str | None = None,
               errors: list[dict[str, Any]] | None = None, **extra: Any) -> dict[str, Any]:
    """The JSON body of every 4xx answer."""
    return {
        "code": code,
        "message": message,
        "messageNl": message_nl,
        "path": path,
        "errors": errors if errors is not None else [{"code": code, "message": message, "path": path}],
        **extra,
    }


def error_response(exc: SkillspasError) -> JSONResponse:
    """The answer for one coded error. A key the service cannot use (a key file it cannot read, an HSM
    it cannot log in to or sign with) is the service's failure, not the caller's: 503 by its kind."""
    status = exc.http_status
    if status == 503:  # never echo keystore details (paths) to a caller
        body = error_body(exc.code.value, "the issuer's signing key is not available", text(exc.code, "nl"))
    else:
        body = error_body(exc.code.value, exc.message, exc.text("nl"), exc.path)
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    return JSONResponse(body, status_code=status, headers=headers)


def _pointer(loc: tuple[Any, ...]) -> str:
    parts = [str(p) for p in loc if p != "body"]
    return "/" + "/".join(parts) if parts else "/"


async def http_error(_request: Request, exc: StarletteHTTPException) -> JSONResponse:
    """Starlette's own refusals (no route: 404, a method the route does not take: 405) as coded errors. Also
    registered on the verifier page that the service mounts (``app._verifier_page``), which cannot import this."""
    problem = _HTTP_CODES.get(exc.status_code)
    if problem is not None:
        body = error_body(problem.value, str(exc.detail) if exc.detail else text(problem), text(problem, "nl"))
    else:
        body = error_body("http_error", str(exc.detail), str(exc.detail))
    return JSONResponse(body, status_code=exc.status_code, headers=getattr(exc, "headers", None))


def install_error_handlers(app: FastAPI) -> None:
    """Register the handlers that turn every failure into a coded JSON answer."""

    @app.exception_handler(SkillspasError)
    async def _coded(_request: Request, exc: SkillspasError) -> JSONResponse:
        return error_response(exc)

    @app.exception_handler(RequestValidationError)
    async def _invalid(_request: Request, exc: RequestValidationError) -> JSONResponse:
        problems = []
        for error in exc.errors()[:20]:
            kind = str(error.get("type", ""))
            code = ErrorCode.MALFORMED_JSON if kind.startswith("json") else ErrorCode.SCHEMA_INVALID
            problems.append({"code": code.value, "message": str(error.get("msg", "invalid"))[:300],
                             "path": _pointer(tuple(error.get("loc", ())))})
        first = problems[0] if problems else {"code": "schema_invalid", "message": "invalid request", "path": "/"}
        code = ErrorCode[str(first["code"]).upper()]
        body = error_body(code.value, "the request does not have the documented shape: " + first["message"],
                          "Het verzoek heeft niet de vorm die de API-documentatie (/docs) beschrijft.", first["path"],
                          problems)
        return JSONResponse(body, status_code=400)

    app.add_exception_handler(StarletteHTTPException, http_error)  # type: ignore[arg-type]

    @app.exception_handler(Exception)
    async def _bug(request: Request, exc: Exception) -> JSONResponse:
        # A bug, not an input problem: log the type and route only (no request data, no keys).
        _log.error("internal error %s on %s %s", type(exc).__name__, request.method, request.url.path)
        body = error_body("internal", "internal error", "interne fout")
        return JSONResponse(body, status_code=500)
