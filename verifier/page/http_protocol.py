"""uvicorn's HTTP protocol (httptools) whose own refusals are coded JSON answers, as the apps' are.

Usage::

    uvicorn.run(app, host="127.0.0.1", port=8765, http=CodedHTTPProtocol)   # skillspas verifier
    # skillspas serve: OneWriteProtocol (skillspas.issuer.service.http_protocol), a subclass of this one

A request that the parser cannot read (a request line or header that is not HTTP, two Content-Length
headers, ...) never reaches the app: uvicorn answers it itself, with a plain-text
"Invalid HTTP request received." 400 (``HttpToolsProtocol.send_400_response``, called by its
``data_received`` on ``httptools.HttpParserError``). Here that answer is a coded 400 ``schema_invalid`` in
the apps' error shape (``verifier/page/errors.py``), with ``connection: close`` as uvicorn's own: the request
does not have the structure HTTP requires ("malformed request syntax", RFC 9110 §15.5.1), and it is not JSON
that failed to parse (``malformed_json``). ``refuse`` writes any such raw coded answer (the service's 408 for
a slow request head is one).

uvicorn's parser (httptools) has no bound on a request's head: a 50 MB header line was read whole. Here a head
(request line and headers) of more than ``MAX_HEAD_BYTES`` that has not ended is refused ``too_large`` (a coded 400,
the connection closed) once a read takes it past the bound: at most two reads (of 256 KiB) more are kept.

A connection whose request was answered before its body was read (the page's ``too_large`` for a Content-Length over
its limit, the service's ``too_large`` and ``request_timeout``) is closed after the answer (kept alive: if its body
has not ended ``LINGER_SECONDS`` later) and lingers, as nginx's ``lingering_close`` does (``LingeringTransport``): it shuts its sending side and reads on, dropping
the rest, until the client closes or ``LINGER_SECONDS`` pass, so that the client can read the coded answer. Kept open,
the rest of the body was read and dropped, and each read put off uvicorn's keep-alive timeout: a client sending it a
few bytes at a time held the connection for ever; closed at once, a client still sending read a reset, not the answer.

Each raw answer has uvicorn's default headers (``date``, and ``server`` when it is on), not the page's
security headers: it never reaches the app whose middleware adds those.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from typing import Any, Final

from uvicorn.protocols.http.httptools_impl import STATUS_LINE, HttpToolsProtocol

from skillspas.schemas.errors import ErrorCode, SkillspasError, error_for
from skillspas.verifier.page.errors import error_body

__all__ = ["CodedHTTPProtocol", "LingeringTransport", "LINGER_SECONDS", "MAX_HEAD_BYTES"]

MAX_HEAD_BYTES = 64 * 1024
"""The most a request's line and headers may take together (nginx's default is 4 buffers of 8 KiB)."""

LINGER_SECONDS: Final = 10.0
"""How long a connection closed while its request's body still arrives keeps reading (and dropping) that body, so
that the client, still sending, gets to read the answer (see ``LingeringTransport.close``)."""


class LingeringTransport:
    """A connection's transport whose close lingers while the request's body is still arriving (``body_unread``);
    everything else is the transport's own."""

    __slots__ = ("_transport", "_loop", "_body_unread", "lingering")

    def __init__(self, transport: asyncio.Transport, loop: asyncio.AbstractEventLoop,
                 body_unread: Callable[[], bool] = lambda: False) -> None:
        self._transport = transport
        self._loop = loop
        self._body_unread = body_unread
        self.lingering = False

    def close(self) -> None:
        """Close after the answer; while the request's body still arrives (an answer before it was read: too large,
        ``Connection: close``), shut only the sending side and keep reading until the client closes or
        ``LINGER_SECONDS`` pass. Closed at once, the unread bytes make the kernel reset the connection, and a client
        still sending its body (Python's http.client, requests) reports that reset instead of the coded answer."""
        if self.lingering or not self._body_unread() or not self._transport.can_write_eof():
            self._transport.close()
            return
        self.lingering = True  # the protocol drops what arrives from now on (CodedHTTPProtocol.data_received)
        self._transport.write_eof()
        self._transport.resume_reading()  # uvicorn pauses reading while a body waits unread
        self._loop.call_later(LINGER_SECONDS, self._transport.close)

    def is_closing(self) -> bool:
        return self.lingering or self._transport.is_closing()

    def __getattr__(self, name: str) -> Any:  # everything else is the transport's own
        return getattr(self._transport, name)


class CodedHTTPProtocol(HttpToolsProtocol):
    """``HttpToolsProtocol`` answering an unreadable or over-long request head with a coded 400, not uvicorn's
    plain text or nothing, over a ``LingeringTransport`` (``wrapped``)."""

    _head_bytes: int | None = 0
    """Bytes read of the current request's head; None while its body is read."""
    _ends = 0
    """How many heads and messages have ended on this connection."""

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self.transport = self.wrapped(transport)  # type: ignore[assignment]

    def wrapped(self, transport: asyncio.Transport) -> LingeringTransport:
        """The transport this protocol writes to and closes: ``transport``, its close lingering while the current
        request's body is unread."""
        return LingeringTransport(transport, self.loop, lambda: self._head_bytes is None)

    def data_received(self, data: bytes) -> None:
        if getattr(self.transport, "lingering", False):
            return  # the rest of a body answered already: read and dropped, never parsed as a next request
        ends = self._ends
        super().data_received(data)
        # A read in which a head or a message ended is not counted: the bytes around that end are another
        # part's (a body, the previous request), so a head may take at most two reads more than the bound.
        if ends == self._ends and self._head_bytes is not None and not self.transport.is_closing():
            self._head_bytes += len(data)
            if self._head_bytes > MAX_HEAD_BYTES:
                self.refuse(error_for(
                    ErrorCode.TOO_LARGE, f"the request line and headers take more than {MAX_HEAD_BYTES} bytes",
                    nl=f"De verzoekregel en de headers zijn samen groter dan {MAX_HEAD_BYTES} bytes."))

    def on_headers_complete(self) -> None:
        self._head_bytes = None
        self._ends += 1
        super().on_headers_complete()

    def on_message_complete(self) -> None:
        super().on_message_complete()
        self._head_bytes = 0  # a kept connection's next request starts its own head
        self._ends += 1

    def on_response_complete(self) -> None:
        super().on_response_complete()
        if self._head_bytes is None and not self.pipeline and not self.transport.is_closing():
            # Answered before its body was read, on a connection kept alive: uvicorn reads the rest and drops it, and
            # each read put off its keep-alive timeout, so a client sending it a few bytes at a time held the connection
            # for ever. Closed (lingering) if that body has not ended within LINGER_SECONDS; not at once, since the
            # answer said nothing of a close and a client whose body simply came in a later packet (httpx writes head
            # and body apart) sends its next request on this connection.
            ends = self._ends
            self.loop.call_later(LINGER_SECONDS, self._cut_off, ends)

    def _cut_off(self, ends: int) -> None:
        """Close the connection if the body that was answered early has still not ended (``ends`` unchanged)."""
        if self._ends == ends and not self.transport.is_closing():
            self._unset_keepalive_if_required()
            self.transport.close()

    def send_400_response(self, msg: str) -> None:
        """uvicorn's answer to a request its parser refused (``msg`` is always its one fixed sentence)."""
        self.refuse(error_for(
            ErrorCode.SCHEMA_INVALID, "the HTTP request could not be read: its request line or a header is malformed",
            nl="Het HTTP-verzoek kon niet worden gelezen: de verzoekregel of een header is ongeldig."))

    def refuse(self, exc: SkillspasError) -> None:
        """Answer ``exc`` (its status from its code) with ``connection: close``, then close the connection."""
        body = json.dumps(error_body(exc.code.value, exc.message, exc.text("nl"), exc.path)).encode()
        head = [STATUS_LINE[exc.http_status]]
        for name, value in self.server_state.default_headers:
            head.extend([name, b": ", value, b"\r\n"])
        head.append(b"content-type: application/json\r\ncontent-length: " + str(len(body)).encode()
                    + b"\r\nconnection: close\r\n\r\n")
        self.transport.write(b"".join(head) + body)
        self.transport.close()
