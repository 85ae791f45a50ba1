"""uvicorn's HTTP protocol (httptools), sending a response's head and body in one write.

uvicorn writes a response's status line and headers as soon as the app starts the response, then
the body as a second write: two ``send()`` calls, two TCP segments and two wake-ups of the client
per response. On loopback the kernel's share of a ``send()`` is most of its cost (py-spy: 8.7 % of a
busy server's CPU in uvicorn's ``send``; issue 18). Here the head waits for the next write of the
same connection, or for the end of the event loop's current pass, whichever comes first; so a
response that is ready at once (every JSON answer) leaves in one write, and a streamed one is not
held back longer than one pass of the loop.
"""

from __future__ import annotations

import asyncio
from typing import Any

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

__all__ = ["OneWriteProtocol"]


class _HeadWithBody:
    """A connection's transport whose response heads wait for the data that follows them (see above)."""

    __slots__ = ("_transport", "_head", "_loop")

    def __init__(self, transport: asyncio.Transport, loop: asyncio.AbstractEventLoop) -> None:
        self._transport = transport
        self._loop = loop
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
        self._flush()
        self._transport.close()

    def __getattr__(self, name: str) -> Any:  # everything else is the transport's own
        return getattr(self._transport, name)


class OneWriteProtocol(HttpToolsProtocol):
    """``HttpToolsProtocol`` over ``_HeadWithBody`` (``uvicorn.run(..., http=OneWriteProtocol)``)."""

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self.transport = _HeadWithBody(transport, self.loop)  # type: ignore[assignment]
