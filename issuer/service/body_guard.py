"""ASGI middleware: read each request body within a size cap and parse it strictly before routing.

FastAPI's own JSON parsing accepts duplicate keys, NaN and huge integers and can hit Python's
recursion limit; a signature must not depend on which duplicate a parser keeps (DESIGN.md
threat 1). So every JSON body first passes ``skillspas.schemas.parse_json`` (``malformed_json``,
``too_large``, ``too_deep`` as 400), then is replayed unchanged to the application (the parsed value is kept in the request state, ``PARSED_BODY``). Every route here
takes JSON: a body without a content type, or with curl -d's form type, is read as JSON too.
A body that does not arrive within ``Settings.body_read_timeout`` (also the verifier page's) is
answered 408 ``request_timeout``, so stalled clients do not hold connections open.
"""

from __future__ import annotations

import json
from typing import Any, Awaitable, Callable

import anyio

from skillspas.issuer.service.errors import error_body
from skillspas.schemas.errors import ErrorCode, SkillspasError, error_for, localized_error
from skillspas.schemas.jsonio import parse_json
from skillspas.schemas.limits import Limits

__all__ = ["StrictJSONBody", "PARSED_BODY"]

PARSED_BODY = "skillspas.parsed_body"
"""The key in the request's ``scope["state"]`` under which the body as parsed here is kept (for a route
that takes it as it is instead of parsing it again)."""

Scope = dict[str, Any]
Message = dict[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


_READ_AS_JSON = frozenset({b"", b"application/x-www-form-urlencoded", b"text/plain"})
"""Content types whose body is read as JSON anyway: none (a bare client), curl -d's default form type."""
_SEND_JSON = ("send the body as JSON with 'Content-Type: application/json'",
              "Deze route verwacht JSON: stuur de inhoud als JSON met 'Content-Type: application/json'.")


class StrictJSONBody:
    """Caps and strictly parses request bodies; ``large_paths`` get ``large_limit`` bytes; every body
    (also of the ``own_bounds`` apps) must arrive within ``read_timeout`` seconds, else 408."""

    def __init__(
        self, app: ASGIApp, *, limit: int, large_limit: int, large_paths: frozenset[str], own_bounds: tuple[str, ...] = (),
        read_timeout: float = 30.0,
    ) -> None:
        self.app = app
        self.limit = limit
        self.large_limit = large_limit
        self.large_paths = large_paths
        self.own_bounds = own_bounds
        """Path prefixes of mounted apps that bound and parse their bodies themselves (the verifier page)."""
        self.read_timeout = read_timeout

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in ("POST", "PUT", "PATCH"):
            await self.app(scope, receive, send)
            return
        body_in_time = _Deadline(receive, send, self.read_timeout)
        try:
            if self.own_bounds and str(scope.get("path", "")).startswith(self.own_bounds):
                await self.app(scope, body_in_time.receive, body_in_time.send)
            else:
                await self._checked(scope, body_in_time.receive, send)
        except _TooSlow:
            pass
        if body_in_time.too_slow:
            await _refuse(send, error_for(ErrorCode.REQUEST_TIMEOUT,
                                          f"the request body did not arrive within {self.read_timeout:g} s", "/",
                                          nl=f"de inhoud van het verzoek kwam niet binnen {self.read_timeout:g} s aan"))

    async def _checked(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Read the body within the size cap, parse it strictly, then replay it to the application."""
        limit = self.large_limit if scope.get("path") in self.large_paths else self.limit
        headers = dict(scope.get("headers") or [])
        length = headers.get(b"content-length", b"0")
        if not length.isdigit() or len(length) > 15 or int(length) > limit:
            await _refuse(send, _too_large(limit))
            return
        body = bytearray()
        more = True
        while more:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            body += message.get("body", b"")
            more = bool(message.get("more_body", False))
            if len(body) > limit:
                await _refuse(send, _too_large(limit))
                return
        content_type = headers.get(b"content-type", b"").split(b";")[0].strip().lower()
        declared = content_type == b"application/json" or content_type.endswith(b"+json")
        if body:
            if not declared and content_type not in _READ_AS_JSON:
                await _refuse(send, error_for(ErrorCode.MALFORMED_JSON, f"this route takes a JSON body: {_SEND_JSON[0]}",
                                              nl=_SEND_JSON[1]))
                return
            try:
                scope.setdefault("state", {})[PARSED_BODY] = parse_json(bytes(body), Limits(max_bytes=limit))
            except SkillspasError as exc:
                if declared or exc.code is not ErrorCode.MALFORMED_JSON:
                    await _refuse(send, exc)
                else:
                    await _refuse(send, error_for(exc.code, f"{exc.message} (the body is read as JSON: {_SEND_JSON[0]})",
                                                  exc.path, nl=_SEND_JSON[1]))
                return
            if not declared:  # curl -d sends a form type; the body is JSON, so the route reads it as JSON
                scope = {**scope, "headers": [(k, v) for k, v in scope.get("headers") or [] if k != b"content-type"]
                         + [(b"content-type", b"application/json")]}
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": bytes(body), "more_body": False}
            return await receive()

        await self.app(scope, replay, send)


class _TooSlow(Exception):
    """The request body did not arrive in time (raised to the reader, answered by the guard)."""


class _Deadline:
    """``receive`` within a total time for the whole body; past it the reader gets ``_TooSlow`` and
    whatever the application still sends is dropped, so that the guard answers 408 instead."""

    def __init__(self, receive: Receive, send: Send, seconds: float) -> None:
        self._receive, self._send, self._seconds = receive, send, seconds
        self._end: float | None = None
        self._done = False
        self.too_slow = False

    async def receive(self) -> Message:
        if self._done:
            return await self._receive()
        if self._end is None:
            self._end = anyio.current_time() + self._seconds
        try:
            with anyio.fail_after(max(self._end - anyio.current_time(), 0)):
                message = await self._receive()
        except TimeoutError:
            self.too_slow = True
            raise _TooSlow from None
        self._done = message["type"] != "http.request" or not message.get("more_body", False)
        return message

    async def send(self, message: Message) -> None:
        if not self.too_slow:
            await self._send(message)


def _too_large(limit: int) -> SkillspasError:
    """``too_large`` for a body over ``limit`` bytes (as its length says, or as it arrives)."""
    return localized_error(ErrorCode.TOO_LARGE, en=f"the request body is larger than {limit} bytes",
                           nl=f"de inhoud van het verzoek is groter dan {limit} bytes")


async def _refuse(send: Send, exc: SkillspasError) -> None:
    """Answer with the coded error (its status from its kind, its own Dutch text if it has one), without reading further."""
    await _answer(send, exc.http_status, error_body(exc.code.value, exc.message, exc.text("nl"), exc.path or "/"))


async def _answer(send: Send, status: int, body: dict[str, Any]) -> None:
    """Send one JSON answer."""
    payload = json.dumps(body).encode()
    await send({
        "type": "http.response.start",
        "status": status,
        "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(payload)).encode())],
    })
    await send({"type": "http.response.body", "body": payload})
