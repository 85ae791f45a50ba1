"""``create_page_app(settings) -> FastAPI``: the offline verifier page (an app factory, no global app).

Usage::

    app = create_page_app(PageSettings(bundle=Bundle.from_file("bundle.json")))
    uvicorn.run(app, host="127.0.0.1", port=8765)        # or: skillspas verifier --bundle bundle.json

Routes (all relative, so the app can be mounted under a prefix):

- ``GET /``: the page (HTML, CSS, script and the QR reader zxing-wasm, all served from here; no CDN).
- ``POST /api/verify``: the request body is the input itself, a credential or presentation (JSON),
  QR text (``SP1:…`` to ``SP4:…``), a QR image (PNG/JPEG) or a passport PDF (every QR code in it, checked as one
  presentation); ``?kind=image|text|passport`` says what the browser knows (``passport``: the credentials it collected),
  ``?vacancy=`` (repeatable) adds a vacancy match. The answer is the result object of
  ``skillspas verify --json`` plus ``view`` (what the page shows). Every verdict is HTTP 200 (the
  page must not make the browser log errors for a red verdict); the header ``skillspas-exit-code``
  carries the CLI's exit code (0 valid, 1 not valid, 2 unusable). Only a bug answers 500.
  ``?occupation=`` (an ESCO occupation's URI or Dutch/English name) or ``?crebo=`` adds the
  werk-naar-werk bridge (``view.bridge``: ``BridgeResult.to_json()``, or a coded error).
  ``?challenge=`` (the code the employer gave the candidate, trimmed, at most 100 characters) is checked as
  ``skillspas verify --challenge`` checks it: a holder proof made with another or no challenge is ``challenge_mismatch``.
  ``?domain=`` (optional, the domain the employer gave the candidate, the same bounds) is checked beside it as
  ``skillspas verify --domain`` checks it: a holder proof made for another domain is ``domain_mismatch``.
  An input without a holder proof (a credential, a passport PDF, an unsigned presentation) cannot carry either: it is
  checked as it is, and a valid one is orange, ``challenge_not_used`` (``inputs.challenge_for``).
  ``view.collect`` tells the page how to put several QR codes together into one passport: ``add``
  (one credential that verified: the page adds it to the passport it is collecting and checks them together, as a
  presentation without holder proof), ``replace`` (a PDF: its credentials are the passport), ``none``
  (a presentation: shown on its own, the collection starts again) or ``null`` (nothing was read).
- ``GET /api/skills?q=``: skills search in the offline index (nl/en labels, word forms) for the vacancy.
- ``GET /api/occupations?q=``: ESCO occupations by name (nl/en), to pick the bridge's target.
- ``GET /api/info``: the trust material in use (bundle date, trust list) and the size limits.
- ``GET /app/``: the installable offline page (issue 19, ``skillspas.verifier.browser_build``): the same
  checks, run in the browser by Pyodide, with this page's trust settings; ``app/bundle.json`` is the
  bundle in use now. Served when the Pyodide runtime is installed (``npm ci`` in verifier/browser or
  ``skillspas verifier --build-static``); the page links to it then. Every file is sent gzip-encoded to a
  browser that accepts it (the archives are stored uncompressed for this: gzip over the whole archive).

Every response carries a Content-Security-Policy that allows only the page's own origin, and only
Host headers of this machine are answered (``PageSettings.allowed_hosts``; any other is 421 ``misdirected_request``).
HEAD is answered as GET without a body (``HeadAsGet``). Bodies are read up to
the CLI's limits; each check runs in a worker thread under ``PageSettings.deadline``, so no input
holds the page: a hostile one gets a coded message, and the next request is served. A path the page does not
have is 404 ``not_found``, a method a route does not take 405 ``method_not_allowed``: coded JSON in the issuer
service's error shape (``verifier/page/errors.py``), whether the page runs alone or inside the service.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import logging
from collections.abc import Awaitable, Callable
from importlib import resources
from pathlib import Path
from typing import Any, Final

import anyio
import anyio.to_thread
from fastapi import FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.datastructures import MutableHeaders
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import ClientDisconnect
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from skillspas.schemas.errors import ErrorCode, SkillspasError, error_for, shown
from skillspas.schemas.jsonio import parse_json
from skillspas.schemas.messages import text
from skillspas.schemas.vocab import ATTRIBUTION
from skillspas.verifier.bundle import Bundle
from skillspas.verifier.page.errors import error_body, http_error, public_error, retry_after
from skillspas.verifier.page.inputs import (MAX_CHALLENGE, challenge_for, collect_hint, document_bytes, given_as, is_image, is_pdf,
                                            qr_image_text, too_large)
from skillspas.verifier.page.settings import LANGUAGES, PageSettings
from skillspas.verifier.page.texts import both, page_html
from skillspas.verifier.page.view import build_view, detail_of, error_view, trust_list_names, trust_list_policies
from skillspas.verifier.qr import decode_payload, read_qr_image
from skillspas.verifier.qr.parts import is_part
from skillspas.verifier.result import Check, Problem, VerificationResult
from skillspas.verifier.summary import MAX_VACANCY_LINE, MAX_VACANCY_LINES

__all__ = ["create_page_app", "CONTENT_SECURITY_POLICY", "PHONE_CONTENT_SECURITY_POLICY", "SECURITY_HEADERS", "EXIT_CODE_HEADER"]

_log = logging.getLogger(__name__)

CONTENT_SECURITY_POLICY: Final = (
    "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self'; font-src 'self'; "
    "connect-src 'self'; media-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'"
)
"""Only this page's own files; ``'wasm-unsafe-eval'`` lets the browser compile the page's own WebAssembly
(the QR reader, zxing-wasm; on ``/app/`` also Pyodide), never a script text."""
SECURITY_HEADERS: Final = (
    ("content-security-policy", CONTENT_SECURITY_POLICY),
    ("x-content-type-options", "nosniff"),
    ("referrer-policy", "no-referrer"),
    ("x-frame-options", "DENY"),
    ("cross-origin-opener-policy", "same-origin"),
    ("cross-origin-resource-policy", "same-origin"),
    ("permissions-policy", "camera=(self), microphone=(), geolocation=()"),
)
PHONE_CONTENT_SECURITY_POLICY: Final = CONTENT_SECURITY_POLICY
"""The installable page's policy (``/app/``): the same."""
EXIT_CODE_HEADER: Final = "skillspas-exit-code"
"""Response header of ``POST /api/verify``: the exit code ``skillspas verify`` gives the same input."""
_MEDIA_TYPES: Final = {
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".svg": "image/svg+xml",
    ".md": "text/plain; charset=utf-8",
    ".LICENSE": "text/plain; charset=utf-8",
    ".mjs": "text/javascript; charset=utf-8",
    ".html": "text/html; charset=utf-8",
    ".json": "application/json",
    ".webmanifest": "application/manifest+json",
    ".wasm": "application/wasm",
    ".zip": "application/zip",
}
_MAX_QUERY: Final = 100


class HeadAsGet:
    """HEAD is GET without the body (RFC 9110 9.3.2): FastAPI's routes take only the methods they name, so a
    cache's or ``curl -I``'s HEAD of the page, a status list, DID document or bundle was 405. Here it runs as GET and
    answers GET's status and headers (Content-Length, ETag, Cache-Control) with an empty body; a 405's ``Allow``
    names HEAD wherever it names GET (``errors.http_error``). The page adds it, and so does the service around it."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "HEAD":
            await self.app(scope, receive, send)
            return

        async def head_only(message: Message) -> None:
            if message["type"] == "http.response.body":
                if message.get("more_body", False):
                    return
                message = {"type": "http.response.body", "body": b""}
            await send(message)

        await self.app({**scope, "method": "GET"}, receive, head_only)


class _Guard:
    """ASGI middleware: answer only this machine's Host names, and add the security headers."""

    def __init__(self, app: ASGIApp, allowed_hosts: tuple[str, ...] | None) -> None:
        self.app = app
        # an IPv6 literal arrives in brackets in the Host header ("[::1]:8765")
        self.allowed_hosts = None if allowed_hosts is None else frozenset(
            f"[{h.lower()}]" if ":" in h and not h.startswith("[") else h.lower() for h in allowed_hosts
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if self.allowed_hosts is not None and _hostname(scope) not in self.allowed_hosts:
            problem = ErrorCode.MISDIRECTED_REQUEST  # coded as the page's 404 and 405; the Host itself is not echoed
            response = JSONResponse(error_body(problem.value, text(problem), text(problem, "nl")),
                                    status_code=problem.http_status, headers={"cache-control": "no-store"})
            await response(scope, receive, self._with_headers(send))
            return
        await self.app(scope, receive, self._with_headers(send))

    @staticmethod
    def _with_headers(send: Send) -> Callable[[Message], Awaitable[None]]:
        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in SECURITY_HEADERS:
                    if name != "content-security-policy" or name not in headers:  # /app/ sets its own
                        headers[name] = value
            await send(message)

        return send_with_headers


def _accepts_gzip(accept_encoding: str) -> bool:
    """Whether an ``Accept-Encoding`` value lets the answer be gzip-encoded (RFC 9110 §12.5.3): ``gzip`` (or
    ``x-gzip``) with a q-value above 0, or, when gzip is not named, ``*`` with one. An empty value (no header)
    gets identity; an unreadable q-value counts as 0 (identity is always acceptable)."""
    named: float | None = None
    star: float | None = None
    for item in accept_encoding.split(","):
        coding, *params = item.split(";")
        q = 1.0
        for param in params:
            key, _, value = param.partition("=")
            if key.strip().lower() == "q":
                try:
                    q = float(value.strip())
                except ValueError:
                    q = 0.0
        name = coding.strip().lower()
        if name in ("gzip", "x-gzip"):
            named = q if named is None else max(named, q)
        elif name == "*":
            star = q if star is None else max(star, q)
    chosen = named if named is not None else star
    return chosen is not None and chosen > 0


def _hostname(scope: Scope) -> str:
    host = next((v for k, v in scope.get("headers", ()) if k == b"host"), b"").decode("latin-1").lower()
    if host.startswith("["):
        return host.split("]", 1)[0] + "]"
    return host.rsplit(":", 1)[0] if ":" in host else host


def _static_files() -> dict[str, tuple[bytes, str]]:
    """Every file under ``static/`` (package data), by its path, with its media type."""
    files: dict[str, tuple[bytes, str]] = {}
    pending = [("", resources.files("skillspas.verifier.page") / "static")]
    while pending:
        prefix, folder = pending.pop()
        for item in folder.iterdir():
            if item.is_dir():
                pending.append((f"{prefix}{item.name}/", item))
                continue
            suffix = "." + item.name.rsplit(".", 1)[-1]
            if suffix in _MEDIA_TYPES:
                files[prefix + item.name] = (item.read_bytes(), _MEDIA_TYPES[suffix])
    return files


class _PhoneSite:
    """The installable page's files (``browser_build.site_files``), built at the first request."""

    def __init__(self, settings: PageSettings) -> None:
        self.settings = settings
        self.files: dict[str, bytes] | None = None
        self.bundle_json: tuple[Bundle, bytes] | None = None
        """The bundle last served and its file: the bundle object is the key (a loader's new one is a new file)."""
        self.gzipped: dict[str, tuple[bytes, bytes]] = {}
        """Each file's body and its gzip -9, made again only when the body is another object."""
        from skillspas.verifier.browser_build import runtime_folder

        try:
            self.runtime: Path | None = runtime_folder()
        except FileNotFoundError:
            self.runtime = None

    def file(self, name: str) -> bytes | None:
        """One file of the site, or ``None``; ``bundle.json`` is the bundle in use now."""
        if self.runtime is None:
            return None
        if name == "bundle.json":
            bundle = self.settings.current_bundle()
            if bundle is None:
                return None
            cached = self.bundle_json
            if cached is None or cached[0] is not bundle:
                cached = self.bundle_json = (bundle, json.dumps(bundle.to_json(), ensure_ascii=False).encode("utf-8"))
            return cached[1]
        if self.files is None:
            from skillspas.verifier.browser_build import site_files

            bundle = self.settings.current_bundle()
            minutes = max(1, int(self.settings.status_freshness.total_seconds() // 60))
            options: dict[str, Any] = {"max_status_age": f"{minutes}m"}
            if self.settings.trusted_now(bundle):
                options["trusted_issuers"] = list(self.settings.trusted_now(bundle))
            if self.settings.trust_anchors:
                options["trust_anchors"] = list(self.settings.trust_anchors)
            self.files = site_files(self.runtime, settings=options)
        return self.files.get(name or "index.html")

    def encoded(self, name: str, accept_encoding: str) -> tuple[bytes, str | None] | None:
        """(body, content encoding) of ``file(name)``: gzip -9 (computed once per file, and per bundle for
        ``bundle.json``) when the browser accepts it (``_accepts_gzip``)."""
        body = self.file(name)
        if body is None or not _accepts_gzip(accept_encoding):
            return None if body is None else (body, None)
        cached = self.gzipped.get(name)
        if cached is None or cached[0] is not body:
            cached = self.gzipped[name] = (body, gzip.compress(body, 9, mtime=0))
        return cached[1], "gzip"


def _index_html(settings: PageSettings, *, phone: bool = False) -> bytes:
    template = (resources.files("skillspas.verifier.page") / "templates" / "index.html").read_text("utf-8")
    values = {
        "lang": settings.lang,
        "max_json": str(settings.limits.max_bytes),
        "max_image": str(settings.max_image_bytes),
        "max_vacancy_lines": str(MAX_VACANCY_LINES),
        "phone_hidden": "" if phone else " hidden",
    }
    return page_html(template, values)  # values are digits, a language code, an attribute


def _input_error(exc: SkillspasError) -> VerificationResult:
    """The result object for an input that never reached the pipeline (as ``skillspas verify`` reports it)."""
    return VerificationResult(
        checks=(Check("parse", False, exc.code, exc.message),), errors=(Problem.of(exc),)
    )


def _info(settings: PageSettings) -> dict[str, Any]:
    """What the page tells about its trust material and limits."""
    bundle = settings.current_bundle()
    verifier = settings.verifier()
    trust: dict[str, Any] | None = None
    for policy in trust_list_policies(verifier)[:1]:  # a bundle carries one trust list
        listed, problem = policy.trust_list, policy.problem
        if listed is not None:
            trust = {"ok": True, "issuer": listed.issuer, "name": listed.name, "pinned": bool(settings.trust_anchors),
                     "issuers": len(listed.entries), "validUntil": _iso(listed.valid_until)}
        else:
            trust = {"ok": False, "code": problem.code.value if problem else None,
                     "detail": detail_of(problem) if problem else None}  # {nl, en}, like a verdict's detail
    return {
        "bundle": None if bundle is None else {
            "source": settings.bundle_source,
            "createdAt": _iso(bundle.created_at),
            "statusLists": len(bundle.status_lists),
            "didDocuments": len(bundle.did_documents),
        },
        "trustList": trust,
        "trustedIssuers": list(settings.trusted_now(bundle)),
        "limits": {"maxJsonBytes": settings.limits.max_bytes, "maxImageBytes": settings.max_image_bytes,
                   "maxVacancyLines": MAX_VACANCY_LINES, "maxVacancyLine": MAX_VACANCY_LINE},
        "statusFreshnessHours": settings.status_freshness.total_seconds() / 3600,
        "lang": settings.lang,
        "languages": list(LANGUAGES),
    }


def _iso(moment: Any) -> str | None:
    return None if moment is None else moment.isoformat().replace("+00:00", "Z")


def _warm_up(settings: PageSettings) -> None:
    """Load what the first check would load (contexts, vocabulary, the image decoder), so it is fast too."""
    settings.verifier().verify(b"{}")
    settings.skills().search("samenwerken", limit=1)
    try:
        read_qr_image(b"\x89PNG\r\n\x1a\n")  # imports Pillow and zxing-cpp; the empty image is refused
    except SkillspasError:
        pass


def create_page_app(settings: PageSettings) -> FastAPI:
    """Build the verifier page for ``settings`` (trust material, limits, first language).

    Raises:
        SkillspasError: the trust material cannot be used (e.g. an unknown context folder).
    """
    settings.verifier()  # refuse unusable trust material now, not at the first check
    vocabulary = settings.skills()
    static = _static_files()
    phone = _PhoneSite(settings)
    index = _index_html(settings, phone=phone.runtime is not None)
    limiter = anyio.CapacityLimiter(settings.concurrency)
    _warm_up(settings)

    app = FastAPI(title="skillspas verifier page", docs_url=None, redoc_url=None, openapi_url=None)
    app.add_exception_handler(StarletteHTTPException, http_error)  # type: ignore[arg-type]  # no route, wrong method: coded

    @app.exception_handler(RequestValidationError)
    async def bad_query(_request: Request, exc: RequestValidationError) -> JSONResponse:
        """A query parameter out of range (only a hand-made request has one): 400 ``schema_invalid``, not echoed."""
        first = (exc.errors() or [{}])[0]
        where = "/" + "/".join(str(part) for part in first.get("loc", ()))
        problem = error_for(ErrorCode.SCHEMA_INVALID, f"{where}: {shown(str(first.get('msg', 'not valid')), 200)}", where)
        body = {**_input_error(problem).to_json(), "code": problem.code.value, "message": problem.message}
        return JSONResponse(body, status_code=400, headers={"cache-control": "no-store", EXIT_CODE_HEADER: "2"})

    @app.get("/", include_in_schema=False)
    async def page() -> Response:
        return Response(index, media_type="text/html; charset=utf-8", headers={"cache-control": "no-cache"})

    @app.get("/static/{name:path}", include_in_schema=False)
    async def static_file(name: str) -> Response:
        found = static.get(name)
        if found is None:
            raise StarletteHTTPException(404)  # coded by http_error, as a path without a route
        body, media_type = found
        etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
        return Response(body, media_type=media_type, headers={"cache-control": "no-cache", "etag": etag})

    @app.get("/favicon.ico", include_in_schema=False)
    async def favicon() -> Response:
        body, media_type = static["favicon.svg"]
        return Response(body, media_type=media_type)

    @app.get("/app", include_in_schema=False)
    async def phone_home() -> Response:
        return Response(status_code=308, headers={"location": "app/"})

    @app.get("/app/{name:path}", include_in_schema=False)
    async def phone_file(name: str, request: Request) -> Response:
        found = await anyio.to_thread.run_sync(phone.encoded, name, request.headers.get("accept-encoding", ""))
        if found is None:
            raise StarletteHTTPException(404)
        body, encoding = found
        suffix = "." + (name or "index.html").rsplit(".", 1)[-1]
        etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'  # of the bytes sent: the gzip variant has its own
        headers = {"cache-control": "no-cache", "etag": etag, "vary": "accept-encoding",
                   "content-security-policy": PHONE_CONTENT_SECURITY_POLICY}
        if etag in request.headers.get("if-none-match", ""):  # the service worker's install after the page's own fetch
            return Response(status_code=304, headers=headers)
        if encoding is not None:
            headers["content-encoding"] = encoding
        return Response(body, media_type=_MEDIA_TYPES.get(suffix, "application/octet-stream"), headers=headers)

    @app.get("/api/info")
    async def info() -> JSONResponse:
        try:
            found = await anyio.to_thread.run_sync(_info, settings)
        except SkillspasError as exc:
            if exc.http_status != 503:
                raise
            told = public_error(_logged(exc))
            return JSONResponse(error_body(told.code.value, told.message, told.text("nl")), status_code=503,
                                headers={"cache-control": "no-store", **retry_after(exc)})
        return JSONResponse(found, headers={"cache-control": "no-store"})

    @app.get("/api/skills")
    async def skills(q: str = Query("", max_length=_MAX_QUERY), limit: int = Query(10, ge=1, le=20)) -> JSONResponse:
        return JSONResponse(_search(vocabulary, q, limit, ("skill", "competentnl"), "skills"))

    @app.get("/api/occupations")
    async def occupations(q: str = Query("", max_length=_MAX_QUERY), limit: int = Query(10, ge=1, le=20)) -> JSONResponse:
        return JSONResponse(_search(vocabulary, q, limit, ("occupation",), "occupations"))

    @app.post("/api/verify")
    async def verify(
        request: Request,
        kind: str = Query("auto", pattern="^(auto|image|text|passport)$"),
        vacancy: list[str] = Query(default_factory=list, max_length=MAX_VACANCY_LINES),
        occupation: str = Query("", max_length=_MAX_QUERY),
        crebo: str = Query("", max_length=20),
        challenge: str = Query("", max_length=MAX_CHALLENGE),
        domain: str = Query("", max_length=MAX_CHALLENGE),
    ) -> Response:
        try:
            body = await _read_body(request, settings.max_upload_bytes)
        except ClientDisconnect:  # the client went away mid-upload: no bug, and nobody to answer
            _log.info("a client went away during its upload to %s", request.url.path)
            return Response(status_code=400)
        if body is None:
            exc = too_large(kind == "image", settings.max_upload_bytes if kind == "image" else settings.limits.max_bytes)
            return _answer(_input_error(exc), error_view(exc.code, detail_of(exc)))
        if len(body) > settings.max_image_bytes and (is_image(body) or is_pdf(body)):
            exc = too_large(is_image(body), settings.max_image_bytes)
            return _answer(_input_error(exc), error_view(exc.code, detail_of(exc), given=given_as(body, kind=kind)))
        lines = [line[:MAX_VACANCY_LINE + 1] for item in vacancy for line in item.splitlines()]
        target = {"occupation": occupation.strip()} if occupation.strip() else {"crebo": crebo.strip()} if crebo.strip() else None

        def check() -> tuple[VerificationResult, dict[str, Any]]:
            return _check(settings, vocabulary, body, kind, lines, target, challenge.strip() or None, domain.strip() or None)

        try:
            with anyio.fail_after(settings.deadline):
                result, view = await anyio.to_thread.run_sync(check, abandon_on_cancel=True, limiter=limiter)
        except TimeoutError:
            late = error_for(ErrorCode.RESOURCE_LIMIT, f"the check took longer than {settings.deadline} s and was stopped")
            return _answer(_input_error(late), error_view(late.code, detail_of(late), sentence=both("timeout")))
        except _InternalError:
            return _internal_error()
        except SkillspasError as exc:  # only the host's 503 leaves ``_check``
            return _unavailable(exc)
        return _answer(result, view)

    app.add_middleware(_Guard, allowed_hosts=settings.allowed_hosts)
    app.add_middleware(HeadAsGet)
    return app


class _InternalError(Exception):
    """A bug in the page or the verifier (logged); the page answers 500 and stays up."""


def _logged(exc: SkillspasError) -> SkillspasError:
    """``exc``, written to the log first: what the host's operator needs and a visitor is not told."""
    _log.warning("the trust material cannot be loaded now: [%s] %s", exc.code.value, exc.message)
    return exc


def _unavailable(exc: SkillspasError) -> JSONResponse:
    """503 (with ``Retry-After`` for a database) and the page's view of it: try again later, no detail."""
    told = public_error(_logged(exc))
    database = told.code is ErrorCode.DATABASE_UNAVAILABLE
    view = error_view(told.code, "", sentence=both("database_unavailable") if database else None)
    view.update(next=None, detail=None)
    body = {"verified": False, "errors": [{"code": told.code.value, "message": told.message, "path": None}], "view": view}
    return JSONResponse(body, status_code=503, headers={"cache-control": "no-store", **retry_after(exc)})


def _internal_error() -> JSONResponse:
    view = error_view(ErrorCode.RESOURCE_LIMIT, "internal error", sentence=both("internal"))
    view.update(code="internal_error", next=None)
    body = {"verified": False, "errors": [{"code": "internal_error", "message": "internal error", "path": None}], "view": view}
    return JSONResponse(body, status_code=500, headers={"cache-control": "no-store"})


def _answer(result: VerificationResult, view: dict[str, Any]) -> JSONResponse:
    """Every verdict is HTTP 200 (a browser logs other statuses as errors); the CLI's exit code is a header."""
    headers = {"cache-control": "no-store", EXIT_CODE_HEADER: str(result.exit_code)}
    return JSONResponse({**result.to_json(), "view": view}, status_code=200, headers=headers)


async def _read_body(request: Request, limit: int) -> bytes | None:
    """The request body, or ``None`` when it is longer than ``limit`` bytes (reading stops there)."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        return None
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
    return b"".join(chunks)


def _search(vocabulary: Any, q: str, limit: int, kinds: tuple[str, ...], key: str) -> dict[str, Any]:
    """Skills or occupations of the offline index for ``q``, best first, with ``ambiguous`` and the credit."""
    found = vocabulary.index.search(q, limit=limit, kinds=kinds, relations=False) if q.strip() else None
    hits = found.hits if found else ()
    return {key: [{"uri": h.concept.uri, "framework": h.concept.framework, "kind": h.concept.kind,
                   "label": {lang: h.concept.label(lang) for lang in LANGUAGES},
                   "shownLabel": {lang: h.concept.shown_label(lang) for lang in LANGUAGES}} for h in hits],
            "ambiguous": bool(found and found.ambiguous), "attribution": ATTRIBUTION}


def _check(
    settings: PageSettings, vocabulary: Any, body: bytes, kind: str, vacancy: list[str],
    target: dict[str, str] | None = None, challenge: str | None = None, domain: str | None = None,
) -> tuple[VerificationResult, dict[str, Any]]:
    """Decode, verify and describe one input (runs in a worker thread); ``challenge`` and ``domain`` as ``verify
    --challenge`` and ``--domain``."""
    text: str | None = None
    given = given_as(body, kind=kind)  # a file, a photo, text or a PDF: the advice fits it
    try:
        text = qr_image_text(body, kind=kind, max_image_bytes=settings.max_image_bytes)
        data = decode_payload(text, settings.limits) if text is not None else document_bytes(
            body, kind=kind, limits=settings.limits, max_image_bytes=settings.max_image_bytes)
    except SkillspasError as exc:
        view = error_view(exc.code, detail_of(exc), given=given)
        if exc.code is ErrorCode.QR_INCOMPLETE and text is not None and is_part(text):
            view["collect"] = {"mode": "part", "text": text}  # a photo of one code of a numbered set: the page keeps it
        return _input_error(exc), view
    try:
        verifier = settings.verifier()
        applied, where = challenge_for(data, challenge, settings.limits), challenge_for(data, domain, settings.limits)
        result = verifier.verify(data, challenge=applied, domain=where)
        document = parse_json(data, settings.limits) if result.checks and result.checks[0].ok else None
        view = build_view(result, document=document, names=trust_list_names(verifier), vocabulary=vocabulary,
                          vacancy=vacancy, bridge_to=target, challenge_checked=applied is not None,
                          challenge_unused=(challenge or domain) is not None and applied is None and where is None,
                          given=given)
        view["collect"] = collect_hint(document, from_pdf=is_pdf(body), verified=result.verified)
        return result, view
    except SkillspasError as exc:  # trust material that fails only now (it was checked at start)
        if exc.http_status == 503:  # the host's (the issuer service's database): no verdict; the route answers 503
            raise
        return _input_error(exc), error_view(exc.code, detail_of(exc))
    except Exception as exc:  # a bug: logged; the page answers, says so, and stays up
        _log.exception("the verifier page failed on an input")
        raise _InternalError() from exc
