"""ASGI middleware: read each request body within a size cap and parse it strictly before routing.

FastAPI's own JSON parsing accepts duplicate keys, NaN and huge integers and can hit Python's
recursion limit; a signature must not depend on which duplicate a parser keeps (DESIGN.md
threat 1). So every JSON body first passes ``skillspas.schemas.parse_json`` (``malformed_json``,
``too_large``, ``too_deep`` as 400), then is replayed unchanged to the application.
"""

from __future__ import annotations

import json
from typing import Any, Awaitable, Callable

from skillspas.issuer.service.errors import error_body
from skillspas.schemas.errors import ErrorCode, SkillspasError, error_for
from skillspas.schemas.jsonio import parse_json
from skillspas.schemas.limits import Limits
from skillspas.schemas.messages import text

__all__ = ["StrictJSONBody"]

Scope = dict[str, Any]
Message = dict[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


class StrictJSONBody:
    """Caps and strictly parses request bodies; ``large_paths`` get ``large_limit`` bytes."""

    def __init__(
        self, app: ASGIApp, *, limit: int, large_limit: int, large_paths: frozenset[str], own_bounds: tuple[str, ...] = ()
    ) -> None:
        self.app = app
        self.limit = limit
        self.large_limit = large_limit
        self.large_paths = large_paths
        self.own_bounds = own_bounds
        """Path prefixes of mounted apps that bound and parse their bodies themselves (the verifier page)."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in ("POST", "PUT", "PATCH") or (
            self.own_bounds and str(scope.get("path", "")).startswith(self.own_bounds)
        ):
            await self.app(scope, receive, send)
            return
        limit = self.large_limit if scope.get("path") in self.large_paths else self.limit
        headers = dict(scope.get("headers") or [])
        declared = headers.get(b"content-length", b"0")
        if not declared.isdigit() or int(declared) > limit:
            await _refuse(send, error_for(ErrorCode.TOO_LARGE, f"the request body is larger than {limit} bytes"))
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
                await _refuse(send, error_for(ErrorCode.TOO_LARGE, f"the request body is larger than {limit} bytes"))
                return
        content_type = headers.get(b"content-type", b"").split(b";")[0].strip().lower()
        if body and (content_type == b"application/json" or content_type.endswith(b"+json")):
            try:
                parse_json(bytes(body), Limits(max_bytes=limit))
            except SkillspasError as exc:
                await _refuse(send, exc)
                return
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": bytes(body), "more_body": False}
            return await receive()

        await self.app(scope, replay, send)


async def _refuse(send: Send, exc: SkillspasError) -> None:
    """Answer 400 with the coded error, without reading further."""
    payload = json.dumps(error_body(exc.code.value, exc.message, text(exc.code, "nl"), exc.path or "/")).encode()
    await send({
        "type": "http.response.start",
        "status": 400,
        "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(payload)).encode())],
    })
    await send({"type": "http.response.body", "body": payload})
