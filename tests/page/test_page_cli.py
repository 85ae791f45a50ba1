"""``skillspas verifier``: starts the page on 127.0.0.1 only; unusable options are exit 2 without a traceback."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import urllib.request

import pytest
from typer.testing import CliRunner

from browserkit import start_server
from helpers import dribble_a_refused_body, serving_in_a_thread
from skillspas.issuer.cli import app as cli_app

SKILLSPAS = [sys.executable, "-c", "from skillspas.issuer.cli import main; main()"]


def test_help_names_the_options_and_offers_no_other_host():
    result = CliRunner().invoke(cli_app, ["verifier", "--help"])
    assert result.exit_code == 0
    for option in ("--port", "--bundle", "--trust-issuer", "--trust-anchor", "--lang"):
        assert option in result.stdout
    assert "--host" not in result.stdout


@pytest.mark.parametrize(
    "args",
    [
        pytest.param(["--bundle", "/nonexistent/bundle.json"], id="a bundle that is not there"),
        pytest.param(["--lang", "fr"], id="a language the page does not speak"),
        pytest.param(["--max-status-age", "soon"], id="a duration that is not one"),
    ],
)
def test_unusable_options_are_exit_2_without_a_traceback(args):
    proc = subprocess.run([*SKILLSPAS, "verifier", *args], capture_output=True, timeout=120)
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert b"Traceback" not in proc.stderr and b"error" in proc.stderr


def test_a_port_in_use_is_exit_2_with_a_message():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        proc = subprocess.run([*SKILLSPAS, "verifier", "--port", str(port)], capture_output=True, timeout=120)
    assert proc.returncode == 2
    assert b"cannot listen" in proc.stderr and b"Traceback" not in proc.stderr


def test_the_page_on_a_port_in_use_is_refused_as_serve_refuses_it_before_the_line_that_says_it_runs(port_in_use):
    """Not uvicorn's English "[Errno 98] error while attempting to bind" after the start line: the port is taken by
    ``listen.bound_socket``, as ``serve`` takes it, and refused in Dutch and English (``invalid_option``, exit 2)."""
    result = CliRunner().invoke(cli_app, ["verifier", "--port", str(port_in_use)])
    port = port_in_use
    assert result.exit_code == 2, result.output
    assert f"fout [invalid_option]: kan niet luisteren op 127.0.0.1:{port}: de poort is al in gebruik" in result.stderr
    assert f"error [invalid_option]: cannot listen on 127.0.0.1:{port}: the port is already in use" in result.stderr
    assert "skillspas verifier: http" not in result.output and "Errno" not in result.output


def _listening(port: int) -> list[str]:
    """Local addresses (hex, as /proc/net/tcp* shows them) listening on ``port``."""
    found = []
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = open(table).read().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            fields = line.split()
            address, state = fields[1], fields[3]
            if state == "0A" and int(address.rsplit(":", 1)[1], 16) == port:
                found.append(address.rsplit(":", 1)[0])
    return found


def test_the_page_listens_on_127_0_0_1_only(tmp_path):
    server = start_server(log=tmp_path / "server.log")
    try:
        assert _listening(server.port) == ["0100007F"]  # 127.0.0.1, and no other address
        with urllib.request.urlopen(server.url, timeout=5) as page:
            assert page.status == 200 and b"skillspas" in page.read()
    finally:
        server.stop()


def _raw_exchange(port: int, request: bytes) -> bytes:
    """Send ``request`` as it is on a new connection; everything the server sends until it closes the connection."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as connection:
        connection.sendall(request)
        answer = b""
        while chunk := connection.recv(65536):  # b"": the server closed the connection
            answer += chunk
    return answer


def test_a_request_uvicorn_cannot_read_gets_a_coded_json_400_from_the_page_and_the_connection_is_closed(tmp_path):
    server = start_server(log=tmp_path / "server.log")
    try:
        for request in (b"\x00\x01 garbage\r\n\r\n", b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nBad Header: x\r\n\r\n"):
            head, _, body = _raw_exchange(server.port, request).partition(b"\r\n\r\n")
            assert head.startswith(b"HTTP/1.1 400 ") and b"connection: close" in head.lower(), head
            assert b"content-type: application/json" in head.lower()
            answer = json.loads(body)
            assert answer["code"] == "schema_invalid" and answer["messageNl"]
        with urllib.request.urlopen(server.url + "api/info", timeout=5) as info:  # and the page answers on
            assert info.status == 200
    finally:
        server.stop()


def test_importing_the_command_does_not_load_fastapi():
    code = "import sys, skillspas.verifier.page, skillspas.verifier.page.cli; print('fastapi' in sys.modules, 'uvicorn' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert out == "False False"


def _bundle_signed_by_an_anchor(folder):
    """A bundle file whose trust list is signed by a generated anchor, and that anchor's DID."""
    from pageworld import PageWorld
    from skillspas.verifier import Bundle

    world = PageWorld(folder)
    return Bundle.create(trust_list=world.trust_list()).to_file(folder / "bundle.json"), world.anchor.controller


@pytest.fixture()
def no_runtime_build(monkeypatch, tmp_path):
    """``--build-static`` without the Pyodide runtime: the builds asked for are recorded, none written."""
    import skillspas.verifier.browser_build as browser_build

    built: list[object] = []
    monkeypatch.setattr(browser_build, "runtime_folder", lambda: tmp_path)
    monkeypatch.setattr(browser_build, "build", lambda out, runtime, **options: built.append(options) or {"index.html": ""})
    return built


@pytest.mark.parametrize("anchor", ["not-a-did", "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK"])
def test_the_static_page_is_not_built_with_a_trust_anchor_that_rejects_the_bundles_trust_list(anchor, tmp_path, no_runtime_build):
    bundle, _signer = _bundle_signed_by_an_anchor(tmp_path)
    result = CliRunner().invoke(cli_app, ["verifier", "--build-static", str(tmp_path / "site"), "--bundle", str(bundle),
                                          "--trust-anchor", anchor])
    assert result.exit_code == 2, result.output
    inner = "[untrusted_issuer]" if anchor.startswith("did:") else "[invalid_option]: --trust-anchor 'not-a-did' is geen DID"
    assert "[invalid_option]" in result.output and inner in result.output and "--trust-anchor" in result.output
    assert no_runtime_build == []


def test_the_static_page_is_built_with_the_anchor_that_signed_the_trust_list(tmp_path, no_runtime_build):
    bundle, anchor = _bundle_signed_by_an_anchor(tmp_path)
    result = CliRunner().invoke(cli_app, ["verifier", "--build-static", str(tmp_path / "site"), "--bundle", str(bundle),
                                          "--trust-anchor", anchor])
    assert result.exit_code == 0, result.output
    assert no_runtime_build and no_runtime_build[0]["settings"]["trust_anchors"] == [anchor]


def test_the_page_does_not_start_with_a_trust_anchor_that_rejects_the_bundles_trust_list(tmp_path, served):
    bundle, _signer = _bundle_signed_by_an_anchor(tmp_path)
    result = CliRunner().invoke(cli_app, ["verifier", "--bundle", str(bundle), "--trust-anchor", "not-a-did"])
    assert result.exit_code == 2, result.output
    assert "[invalid_option]" in result.output and "vertrouwenslijst" in result.output
    assert served == []


@pytest.mark.parametrize(("lang", "said"), [
    ("nl", "(open dit adres in uw browser; Ctrl+C stopt de pagina)"),
    ("en", "(open this address in your browser; Ctrl+C stops the page)"),
])
def test_the_line_that_starts_the_page_says_what_to_do_in_the_pages_language(served, lang, said):
    result = CliRunner().invoke(cli_app, ["verifier", "--port", "8799", "--lang", lang])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == f"skillspas verifier: http://127.0.0.1:8799/  {said}"


@pytest.mark.parametrize(("lang", "said"), [
    ("nl", "fout [startup_failed]: De server kon niet starten"),
    ("en", "error [startup_failed]: The server could not start"),
])
def test_the_page_whose_startup_failed_is_refused_with_a_code_not_exit_0(monkeypatch, lang, said):
    """uvicorn's ``Server.run`` logs a failed lifespan startup and returns, never started: that was exit 0."""
    import uvicorn

    monkeypatch.setattr(uvicorn.Server, "run", lambda server, sockets=None: None)
    result = CliRunner().invoke(cli_app, ["verifier", "--port", "8798", "--lang", lang])
    assert result.exit_code == 2, result.output
    assert said in result.stderr and "Traceback" not in result.output


def test_the_page_stopped_with_ctrl_c_is_exit_0(monkeypatch):
    import uvicorn

    def interrupted(server, sockets=None):
        raise KeyboardInterrupt

    monkeypatch.setattr(uvicorn.Server, "run", interrupted)
    result = CliRunner().invoke(cli_app, ["verifier", "--port", "8797"])
    assert result.exit_code == 0, result.output


@pytest.fixture
def page_port():
    """A live uvicorn with the page's app and HTTP protocol (``skillspas verifier``'s), on a free port of 127.0.0.1."""
    from skillspas.verifier.page.app import create_page_app
    from skillspas.verifier.page.http_protocol import CodedHTTPProtocol
    from skillspas.verifier.page.settings import PageSettings

    with serving_in_a_thread(create_page_app(PageSettings()), CodedHTTPProtocol) as port:
        yield port


@pytest.mark.parametrize("close", [True, False], ids=["asked to close", "kept alive"])
def test_a_client_that_dribbles_a_body_the_page_refused_on_forever_is_cut_off_after_the_linger(page_port, monkeypatch,
                                                                                                close):
    """The page refuses a Content-Length over its limit before it reads the body; a client that then sends the body a
    few bytes at a time held the connection for ever when it had not asked to close it (each read put off uvicorn's
    keep-alive timeout), as the issuer service's did (its protocol is built on the page's)."""

    from skillspas.verifier.page import http_protocol

    monkeypatch.setattr(http_protocol, "LINGER_SECONDS", 1.0)
    answer, cut_off, seconds = dribble_a_refused_body(page_port, "/api/verify", close=close)
    assert answer.startswith(b"HTTP/1.1 200") and b'"code":"too_large"' in answer, answer  # the page's view of it
    assert cut_off and seconds < 8
