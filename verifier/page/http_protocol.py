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

Each raw answer has uvicorn's default headers (``date``, and ``server`` when it is on), not the page's
security headers: it never reaches the app whose middleware adds those.
"""

from __future__ import annotations

import json

from uvicorn.protocols.http.httptools_impl import STATUS_LINE, HttpToolsProtocol

from skillspas.schemas.errors import ErrorCode, SkillspasError, error_for
from skillspas.verifier.page.errors import error_body

__all__ = ["CodedHTTPProtocol", "MAX_HEAD_BYTES"]

MAX_HEAD_BYTES = 64 * 1024
"""The most a request's line and headers may take together (nginx's default is 4 buffers of 8 KiB)."""


class CodedHTTPProtocol(HttpToolsProtocol):
    """``HttpToolsProtocol`` answering an unreadable or over-long request head with a coded 400, not uvicorn's
    plain text or nothing."""

    _head_bytes: int | None = 0
    """Bytes read of the current request's head; None while its body is read."""
    _ends = 0
    """How many heads and messages have ended on this connection."""

    def data_received(self, data: bytes) -> None:
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
