"""The service's HTTP protocol sends a response's head and body in one write (issue 18), and loses nothing."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest
from uvicorn.config import Config
from uvicorn.server import ServerState

from skillspas.issuer.service.http_protocol import OneWriteProtocol


class _Transport(asyncio.Transport):
    """Records what is written and whether it was closed."""

    def __init__(self) -> None:
        super().__init__()
        self.writes: list[bytes] = []
        self.closed = False

    def write(self, data: Any) -> None:
        self.writes.append(bytes(data))

    def close(self) -> None:
        self.closed = True

    def is_closing(self) -> bool:
        return self.closed

    def get_extra_info(self, name: str, default: Any = None) -> Any:
        return {"sockname": ("127.0.0.1", 8000), "peername": ("127.0.0.1", 50000)}.get(name, default)

    def pause_reading(self) -> None:
        pass

    def resume_reading(self) -> None:
        pass


async def _json_app(scope: dict[str, Any], receive: Any, send: Any) -> None:
    body = b'{"ok": true}'
    await send({"type": "http.response.start", "status": 201,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})


async def _streamed_app(scope: dict[str, Any], receive: Any, send: Any) -> None:
    await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"text/plain")]})
    await asyncio.sleep(0.01)  # the body comes later: the head must not wait for it
    await send({"type": "http.response.body", "body": b"later", "more_body": False})


async def _serve(app: Any, request: bytes, *, settle: float = 0.05) -> _Transport:
    config = Config(app=app, log_level="warning", lifespan="off")
    protocol = OneWriteProtocol(config=config, server_state=ServerState(), app_state={}, _loop=asyncio.get_running_loop())
    transport = _Transport()
    protocol.connection_made(transport)
    protocol.data_received(request)
    await asyncio.sleep(settle)
    return transport


GET = b"GET / HTTP/1.1\r\nHost: example\r\n\r\n"


def test_a_json_response_leaves_in_one_write_with_its_head() -> None:
    transport = asyncio.run(_serve(_json_app, GET))
    assert len(transport.writes) == 1
    head, _, body = transport.writes[0].partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 201 ") and b"content-length: 12" in head
    assert body == b'{"ok": true}'


def test_two_requests_on_one_connection_get_two_whole_responses_in_order() -> None:
    transport = asyncio.run(_serve(_json_app, GET + GET))
    assert len(transport.writes) == 2
    assert all(w.startswith(b"HTTP/1.1 201 ") and w.endswith(b'{"ok": true}') for w in transport.writes)


def test_the_head_of_a_response_whose_body_comes_later_is_not_held_back() -> None:
    async def run() -> tuple[list[bytes], _Transport]:
        config = Config(app=_streamed_app, log_level="warning", lifespan="off")
        protocol = OneWriteProtocol(config=config, server_state=ServerState(), app_state={},
                                    _loop=asyncio.get_running_loop())
        transport = _Transport()
        protocol.connection_made(transport)
        protocol.data_received(GET)
        await asyncio.sleep(0.005)  # the app waits for its body
        early = list(transport.writes)
        await asyncio.sleep(0.05)
        return early, transport

    early, transport = asyncio.run(run())
    assert len(early) == 1 and early[0].startswith(b"HTTP/1.1 200 ") and early[0].endswith(b"\r\n\r\n")
    assert b"".join(transport.writes[1:]) == b"5\r\nlater\r\n0\r\n\r\n"


def test_a_held_head_is_written_before_the_connection_closes() -> None:
    request = b"GET / HTTP/1.0\r\nHost: example\r\n\r\n"  # HTTP/1.0: the connection closes after the response
    transport = asyncio.run(_serve(_json_app, request))
    assert transport.closed
    assert b"".join(transport.writes).endswith(b'{"ok": true}')
    assert b"".join(transport.writes).startswith(b"HTTP/1.1 201 ")


# -- a client that stalls before its request's head is whole (slow loris) --------------------------

async def _stalled_head(sent: bytes, *, wait: float = 0.3) -> _Transport:
    protocol = OneWriteProtocol.with_head_timeout(0.05)(
        config=Config(app=_json_app, log_level="warning", lifespan="off"), server_state=ServerState(), app_state={},
        _loop=asyncio.get_running_loop())
    transport = _Transport()
    protocol.connection_made(transport)
    if sent:
        protocol.data_received(sent)
    await asyncio.sleep(wait)
    return transport


def test_a_client_that_sends_half_a_request_head_and_stalls_gets_a_coded_408_and_is_closed() -> None:
    transport = asyncio.run(_stalled_head(b"POST /credentials/verify HTTP/1.1\r\nHost: example\r\nX-Slow: 1\r\n"))
    assert transport.closed
    head, _, body = b"".join(transport.writes).partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 408 ") and b"connection: close" in head
    answer = json.loads(body)
    assert answer["code"] == "request_timeout" and "de verzoekregel en de headers kwamen niet binnen" in answer["messageNl"]


def test_a_connection_that_sends_nothing_is_closed_after_the_head_timeout() -> None:
    transport = asyncio.run(_stalled_head(b""))
    assert transport.closed and transport.writes == []


def test_a_whole_head_is_answered_after_the_head_timeout_and_the_connection_kept() -> None:
    async def slow_app(scope: dict[str, Any], receive: Any, send: Any) -> None:
        await asyncio.sleep(0.15)  # longer than the head may take: the head was whole in time
        await _json_app(scope, receive, send)

    async def run() -> _Transport:
        protocol = OneWriteProtocol.with_head_timeout(0.05)(
            config=Config(app=slow_app, log_level="warning", lifespan="off"), server_state=ServerState(), app_state={},
            _loop=asyncio.get_running_loop())
        transport = _Transport()
        protocol.connection_made(transport)
        protocol.data_received(GET)
        await asyncio.sleep(0.3)
        return transport

    transport = asyncio.run(run())
    assert len(transport.writes) == 1 and transport.writes[0].startswith(b"HTTP/1.1 201 ")
    assert not transport.closed


# -- a request the parser cannot read ---------------------------------------------------------------

MALFORMED = [
    pytest.param(b"\x00\x01 garbage\r\n\r\n", id="a request line that is not HTTP"),
    pytest.param(b"GET / HTTP/1.1\r\nHost: example\r\nBad Header: x\r\n\r\n", id="a header name with a space"),
    pytest.param(b"GET / HTTP/1.1\r\nHost: example\r\nX-A: a\x01b\r\n\r\n", id="a control character in a header"),
    pytest.param(b"POST / HTTP/1.1\r\nHost: example\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab",
                 id="two Content-Length headers"),
]


@pytest.mark.parametrize("request_bytes", MALFORMED)
def test_a_request_the_parser_cannot_read_gets_a_coded_json_400_and_the_connection_is_closed(request_bytes) -> None:
    transport = asyncio.run(_serve(_json_app, request_bytes))
    assert transport.closed
    head, _, body = b"".join(transport.writes).partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 400 ") and b"connection: close" in head
    assert b"content-type: application/json" in head and b"content-length: %d" % len(body) in head
    answer = json.loads(body)
    assert answer["code"] == "schema_invalid" and answer["errors"][0]["code"] == "schema_invalid"
    assert answer["messageNl"] and "HTTP" in answer["message"]


# -- a request head too large ---------------------------------------------------------------------

async def _serve_in_reads(app: Any, reads: list[bytes]) -> _Transport:
    config = Config(app=app, log_level="warning", lifespan="off")
    protocol = OneWriteProtocol(config=config, server_state=ServerState(), app_state={}, _loop=asyncio.get_running_loop())
    transport = _Transport()
    protocol.connection_made(transport)
    for data in reads:
        if transport.closed:
            break
        protocol.data_received(data)
        await asyncio.sleep(0)
    await asyncio.sleep(0.05)
    return transport


def test_a_request_head_larger_than_the_bound_is_a_coded_400_too_large_and_the_connection_closed() -> None:
    from skillspas.verifier.page.http_protocol import MAX_HEAD_BYTES

    line = b"X-Pad: " + b"a" * 8000 + b"\r\n"
    reads = [b"GET / HTTP/1.1\r\nHost: example\r\n"] + [line] * (MAX_HEAD_BYTES // len(line) + 2) + [b"\r\n"]
    transport = asyncio.run(_serve_in_reads(_json_app, reads))
    assert transport.closed
    head, _, body = b"".join(transport.writes).partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 400 ") and b"connection: close" in head
    answer = json.loads(body)
    assert answer["code"] == "too_large" and str(MAX_HEAD_BYTES) in answer["message"] and answer["messageNl"]


def test_a_head_just_under_the_bound_and_a_large_body_in_the_same_read_are_answered() -> None:
    """Only the head counts: a body that arrives in the same read as the head's end is the application's."""
    from skillspas.verifier.page.http_protocol import MAX_HEAD_BYTES

    body = b"x" * (200 * 1024)
    pad = b"X-Pad: " + b"a" * (MAX_HEAD_BYTES - 200) + b"\r\n"
    request = (b"POST / HTTP/1.1\r\nHost: example\r\n" + pad + b"Content-Length: %d\r\n\r\n" % len(body) + body)
    transport = asyncio.run(_serve_in_reads(_json_app, [request, GET, GET]))
    answers = b"".join(transport.writes)
    assert answers.count(b"HTTP/1.1 201 ") == 3 and not transport.closed, answers[:200]
