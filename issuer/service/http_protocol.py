"""uvicorn's HTTP protocol (httptools), sending a response's head and body in one write.

uvicorn writes a response's status line and headers as soon as the app starts the response, then
the body as a second write: two ``send()`` calls, two TCP segments and two wake-ups of the client
per response. On loopback the kernel's share of a ``send()`` is most of its cost (py-spy: 8.7 % of a
busy server's CPU in uvicorn's ``send``; issue 18). Here the head waits for the next write of the
same connection, or for the end of the event loop's current pass, whichever comes first; so a
response that is ready at once (every JSON answer) leaves in one write, and a streamed one is not
held back longer than one pass of the loop.

A request's head (request line and headers) must arrive within ``head_timeout`` seconds of the
connection's start or of the request's first byte (``with_head_timeout``; ``serve`` gives it
``Settings.body_read_timeout``): uvicorn has no such bound, so a client that sends nothing, or a head
byte by byte (slow loris), held its connection for ever. Past it a begun request is answered 408
``request_timeout`` and the connection closed. The body's time is the application's (``StrictJSONBody``).
A connection whose request was answered before its body was read (``too_large``, ``request_timeout``) is closed after
the answer, kept alive or not, and lingers (``LINGER_SECONDS``), and a request the parser cannot read is a coded 400
``schema_invalid``, as on the verifier page: both come from ``CodedHTTPProtocol`` and its ``LingeringTransport``
(``skillspas.verifier.page.http_protocol``), whose ``refuse`` writes such raw answers.

``serve`` listens on a socket bound first (``skillspas.verifier.page.listen.bound_socket``, as ``skillspas verifier``
does; uvicorn serves it: ``Server.run(sockets=[...])``).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from skillspas.schemas.errors import ErrorCode, error_for
from skillspas.verifier.page.http_protocol import CodedHTTPProtocol, LingeringTransport

__all__ = ["OneWriteProtocol"]


class _HeadWithBody(LingeringTransport):
    """A connection's transport whose response heads wait for the data that follows them (see above); its close
    lingers as ``LingeringTransport``'s."""

    __slots__ = ("_head",)

    def __init__(self, transport: asyncio.Transport, loop: asyncio.AbstractEventLoop,
                 body_unread: Callable[[], bool] = lambda: False) -> None:
        super().__init__(transport, loop, body_unread)
        self._head: bytes | None = None

    def write(self, data: bytes | bytearray | memoryview) -> None:
        if self._head is not None:
            head, self._head = self._head, None
            self._transport.write(head + bytes(data))
        elif isinstance(data, bytes) and data.startswith(b"HTTP/") and data.endswith(b"\r\n\r\n"):
            self._head = data  # a response head (uvicorn writes one at a time)
            self._loop.call_soon(self._flush)
        else:
            self._transport.write(data)

    def _flush(self) -> None:
        if self._head is not None:
            head, self._head = self._head, None
            if not self._transport.is_closing():
                self._transport.write(head)

    def close(self) -> None:
        """The head that waits goes first, then the close (lingering: ``LingeringTransport.close``)."""
        self._flush()
        super().close()


class OneWriteProtocol(CodedHTTPProtocol):
    """``CodedHTTPProtocol`` (uvicorn's ``HttpToolsProtocol``) over ``_HeadWithBody``, with a bound on the time a
    request's head may take (``uvicorn.run(..., http=OneWriteProtocol.with_head_timeout(seconds))``)."""

    head_timeout: float = 30.0
    _head_timer: asyncio.TimerHandle | None = None
    _in_head = False

    @classmethod
    def with_head_timeout(cls, seconds: float) -> type[OneWriteProtocol]:
        """This protocol with ``seconds`` for each request's head."""
        return type(cls.__name__, (cls,), {"head_timeout": seconds})

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._head_timer = self.loop.call_later(self.head_timeout, self._head_too_slow)

    def wrapped(self, transport: asyncio.Transport) -> LingeringTransport:
        """``transport`` as ``_HeadWithBody``: a response's head and body in one write, its close lingering."""
        return _HeadWithBody(transport, self.loop, lambda: self._head_bytes is None)

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self._in_head = True
        if self._head_timer is None:  # the next request on a kept connection: from its first byte
            self._head_timer = self.loop.call_later(self.head_timeout, self._head_too_slow)

    def on_headers_complete(self) -> None:
        self._in_head = False
        if self._head_timer is not None:
            self._head_timer.cancel()
            self._head_timer = None
        super().on_headers_complete()

    def connection_lost(self, exc: Exception | None) -> None:
        if self._head_timer is not None:
            self._head_timer.cancel()
            self._head_timer = None
        super().connection_lost(exc)

    def _head_too_slow(self) -> None:
        """Answer a begun request 408 ``request_timeout`` (coded, as ``StrictJSONBody`` answers a slow body), then close."""
        self._head_timer = None
        if self.transport.is_closing():
            return
        if self._in_head:
            self.refuse(error_for(ErrorCode.REQUEST_TIMEOUT,
                                  f"the request head did not arrive within {self.head_timeout:g} s", "/",
                                  nl=f"de verzoekregel en de headers kwamen niet binnen {self.head_timeout:g} s aan"))
        else:
            self.transport.close()
