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

Each raw answer has uvicorn's default headers (``date``, and ``server`` when it is on), not the page's
security headers: it never reaches the app whose middleware adds those.
"""

from __future__ import annotations

import json

from uvicorn.protocols.http.httptools_impl import STATUS_LINE, HttpToolsProtocol

from skillspas.schemas.errors import ErrorCode, SkillspasError, error_for
from skillspas.verifier.page.errors import error_body

__all__ = ["CodedHTTPProtocol"]


class CodedHTTPProtocol(HttpToolsProtocol):
    """``HttpToolsProtocol`` answering an unreadable request with a coded 400 instead of uvicorn's plain text."""

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
