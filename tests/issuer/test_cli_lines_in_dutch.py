"""Lines of the ``skillspas`` command that people read say it in Dutch and in English (``nl / en``), as the rest
of the command does: ``serve``'s start line, ``verifier --build-static``'s progress, ``keys rotate``/``revoke``'s
next step and ``vocab show``'s note on a kwalificatie's ESCO mapping."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from skillspas.issuer.cli import build_app


def _invoke(*args: str, env: dict[str, str] | None = None):
    return CliRunner().invoke(build_app(), list(args), env=env)


def test_serve_says_where_it_listens_in_dutch_and_english(tmp_path, served):
    result = _invoke("serve", "--dev", "--data-dir", str(tmp_path), "--port", "8123")
    assert result.exit_code == 0, result.output
    assert "skillspas-uitgifte op http://127.0.0.1:8123" in result.stderr, result.stderr
    assert "skillspas issuer on http://127.0.0.1:8123" in result.stderr, result.stderr


@pytest.mark.parametrize(("run", "exit_code"), [
    pytest.param(lambda server, sockets=None: None, 2, id="a startup that failed (uvicorn returns, never started)"),
    pytest.param(lambda server, sockets=None: (_ for _ in ()).throw(KeyboardInterrupt), 0, id="Ctrl-C"),
])
def test_serve_whose_startup_failed_is_refused_in_dutch_and_english_and_ctrl_c_is_still_exit_0(
        tmp_path, monkeypatch, run, exit_code):
    """uvicorn's ``Server.run`` logs a failed lifespan startup and returns: that was exit 0, as if it had served."""
    import uvicorn

    monkeypatch.setattr(uvicorn.Server, "run", run)
    result = _invoke("serve", "--dev", "--data-dir", str(tmp_path), "--port", "8126")
    assert result.exit_code == exit_code, result.output
    refused = ("fout [startup_failed]: De server kon niet starten" in result.stderr
               and "error [startup_failed]: The server could not start" in result.stderr)
    assert refused == (exit_code == 2), result.stderr


def test_serve_on_a_port_in_use_is_refused_in_dutch_and_english_before_the_line_that_says_it_runs(tmp_path, port_in_use):
    """Not uvicorn's English "[Errno 98]" after "skillspas-uitgifte op …": ``invalid_option``, exit 2, nothing started."""
    result = _invoke("serve", "--dev", "--port", str(port_in_use), "--data-dir", str(tmp_path))
    port = port_in_use
    assert result.exit_code == 2, result.output
    assert f"fout [invalid_option]: kan niet luisteren op 127.0.0.1:{port}: de poort is al in gebruik" in result.stderr
    assert f"error [invalid_option]: cannot listen on 127.0.0.1:{port}: the port is already in use" in result.stderr
    assert "skillspas-uitgifte op" not in result.stderr and "Errno" not in result.output


def test_serve_on_an_address_of_another_computer_is_refused_naming_the_address(tmp_path, monkeypatch):
    import uvicorn

    monkeypatch.setattr(uvicorn.Server, "run", lambda server, sockets=None: None)
    result = _invoke("serve", "--dev", "--host", "192.0.2.1", "--port", "8124", "--data-dir", str(tmp_path))
    assert result.exit_code == 2, result.output
    assert "kan niet luisteren op 192.0.2.1:8124: dat adres is niet van deze computer" in result.stderr, result.stderr


@pytest.mark.parametrize("host", [pytest.param("bad host", id="a host name with a space (never looked up)"),
                                  pytest.param("é" * 70, id="a host name whose label is too long to encode"),
                                  pytest.param("", id="an empty host (the system would listen on every address)")])
def test_serve_on_a_host_name_that_is_not_known_is_refused_in_dutch_and_english_naming_it(host, tmp_path, monkeypatch):
    """Not "dat adres is niet van deze computer" for what is no address, nor an internal error for a name Python
    cannot encode: ``invalid_option``, exit 2, saying which address to give."""
    import uvicorn

    monkeypatch.setattr(uvicorn.Server, "run", lambda server, sockets=None: None)
    result = _invoke("serve", "--dev", "--host", host, "--port", "8125", "--data-dir", str(tmp_path))
    assert result.exit_code == 2, result.output
    given = repr(host[:80] + ("…" if len(host) > 80 else ""))
    assert f"fout [invalid_option]: kan niet luisteren op {host}:8125: {given} is geen adres of computernaam die deze " \
           "computer kent (--host)" in result.stderr, result.stderr
    assert f"error [invalid_option]: cannot listen on {host}:8125: {given} is not an address or a host name this " \
           "computer knows (--host)" in result.stderr, result.stderr
    assert "[internal]" not in result.output and "skillspas-uitgifte op" not in result.stderr


def test_build_static_says_its_progress_in_dutch_and_english(tmp_path, monkeypatch):
    import skillspas.verifier.browser_build as browser_build

    def no_runtime() -> None:
        raise FileNotFoundError("no runtime")

    monkeypatch.setattr(browser_build, "runtime_folder", no_runtime)
    monkeypatch.setattr(browser_build, "install_runtime", lambda: tmp_path)  # the I/O seams: no npm, no files
    monkeypatch.setattr(browser_build, "build", lambda out, runtime, **options: {"index.html": "", "app.js": ""})
    result = _invoke("verifier", "--build-static", str(tmp_path / "site"))
    assert result.exit_code == 0, result.output
    assert "Pyodide-runtime" in result.stderr and "wordt geïnstalleerd" in result.stderr, result.stderr
    assert "installing the Pyodide runtime" in result.stderr, result.stderr
    assert "2 bestanden geschreven" in result.stdout and "wrote 2 files" in result.stdout, result.stdout


def test_keys_rotate_and_revoke_name_the_next_step_in_dutch_and_english(tmp_path):
    env = {"KS_PASS": "een lange geheime zin", "SKILLSPAS_KEY_PASSPHRASE": ""}
    keystore = str(tmp_path / "ks")
    made = _invoke("keys", "generate", "--keystore", keystore, "--did", "did:web:roc.example",
                   "--passphrase-env", "KS_PASS", env=env)
    assert made.exit_code == 0, made.output
    rotated = _invoke("keys", "rotate", "--keystore", keystore, "--passphrase-env", "KS_PASS", env=env)
    revoked = _invoke("keys", "revoke", "key-1", "--keystore", keystore, "--compromised-at", "2026-01-15", "--yes", env=env)
    for result in (rotated, revoked):
        assert result.exit_code == 0, result.output
        step = json.loads(result.stdout)["next"]
        assert "publiceer het nieuwe DID-document" in step and "publish the new DID document" in step, step


def test_vocab_show_says_a_suggested_esco_mapping_is_not_official_in_dutch_and_english():
    result = _invoke("vocab", "show", "25180")
    assert result.exit_code == 0, result.output
    note = next(line for line in result.stdout.splitlines() if line.strip().startswith("ESCO ("))
    assert "voorgesteld, niet officieel" in note and "suggested, not official" in note, note
