"""The JSON shape of every coded HTTP refusal, and Starlette's own refusals (404, 405) in it.

Usage::

    app.add_exception_handler(StarletteHTTPException, http_error)   # GET /nope: 404 not_found, coded
    JSONResponse(error_body(exc.code.value, exc.message, exc.text("nl"), exc.path), status_code=exc.http_status)

One shape for the verifier page and the issuer service (``skillspas.issuer.service.errors``), which
mounts the page and takes both from here: the page may not import the issuer (the layers of DESIGN.md).
The raw answers of the HTTP protocol (``verifier/page/http_protocol.py``) have this shape too.
"""

from __future__ import annotations

from http import HTTPStatus
from typing import Any, Final

from fastapi import Request
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match

from skillspas.schemas.errors import ErrorCode, SkillspasError, error_for, localized_error
from skillspas.schemas.messages import text

__all__ = ["error_body", "http_error", "public_error", "retry_after", "RETRY_AFTER_SECONDS"]

RETRY_AFTER_SECONDS: Final = 5
"""``Retry-After`` of a ``database_unavailable`` answer: a database server restarting is back within seconds, and a
client that waits this long does not add to the load of one that is starting."""

_METHODS: Final = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")
_HTTP_CODES: Final = {404: ErrorCode.NOT_FOUND, 401: ErrorCode.UNAUTHORIZED, 403: ErrorCode.FORBIDDEN,
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


def public_error(exc: SkillspasError) -> SkillspasError:
    """``exc`` as a caller is told it: a 503 is the host's failure (the issuer service's), and its detail (a key
    file's path, the database's host and port, the driver's words, what the operator should check) is for the server
    log only."""
    if exc.code is ErrorCode.DATABASE_UNAVAILABLE:
        return localized_error(exc.code, en="the issuer's database cannot be reached now; try again later",
                               nl="de database van de uitgever is nu niet bereikbaar; probeer het later opnieuw")
    if exc.http_status == 503:
        return error_for(exc.code, "the issuer's signing key is not available", nl=text(exc.code, "nl"))
    return exc


def retry_after(exc: SkillspasError) -> dict[str, str]:
    """The ``Retry-After`` header of an answer to ``exc``: for a database the host cannot reach now, none else."""
    return {"Retry-After": str(RETRY_AFTER_SECONDS)} if exc.code is ErrorCode.DATABASE_UNAVAILABLE else {}


async def http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
    """Starlette's own refusals (no route: 404, a method the route does not take: 405) as coded errors,
    with the refusal's own headers; 405's ``Allow`` names the methods of every route at the path."""
    problem = _HTTP_CODES.get(exc.status_code)
    if problem is not None:
        standard = not exc.detail or exc.detail == HTTPStatus(exc.status_code).phrase  # Starlette's own "Not Found"
        en, nl = (text(problem), text(problem, "nl")) if standard else (str(exc.detail), text(problem, "nl"))
        route = _without_slash(request) if exc.status_code == 404 else None
        if route is not None:
            en = f"{en.rstrip('.')}: this route is {route}, without the slash at the end"
            nl = f"{nl.rstrip('.')}: deze route is {route}, zonder schuine streep aan het eind"
        body = error_body(problem.value, en, nl)
    else:
        body = error_body("http_error", str(exc.detail), str(exc.detail))
    headers = dict(getattr(exc, "headers", None) or {})
    if exc.status_code == 405:
        headers["Allow"] = _allowed(request) or headers.get("Allow", "")
    return JSONResponse(body, status_code=exc.status_code, headers=headers or None)


def _without_slash(request: Request) -> str | None:
    """The path of ``request`` without its trailing slash when some route of the app has that path (``POST
    /credentials/issue/``): the service redirects no such request (a POST client does not follow a 307), it says so."""
    path = request.url.path
    if len(path) < 2 or not path.endswith("/"):
        return None
    route = path.rstrip("/")
    scope = {**request.scope, "path": route}
    if any(candidate.matches(scope)[0] is not Match.NONE for candidate in request.app.router.routes):
        return route
    return None


def _allowed(request: Request) -> str:
    """The methods some route of the app takes at this request's path: Starlette's own ``Allow`` names only the
    first route whose path fits (``DELETE /exchanges/{id}`` said ``POST``, though ``GET`` is there too). HEAD is
    named wherever GET is: the apps answer it as GET without a body (``app.HeadAsGet``)."""
    routes = request.app.router.routes
    taken = {method for method in _METHODS if any(
        route.matches({**request.scope, "method": method})[0] is Match.FULL for route in routes)}
    if "GET" in taken:
        taken.add("HEAD")
    return ", ".join(method for method in _METHODS if method in taken)
