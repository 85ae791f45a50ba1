"""Ctrl-D (end of input) or Ctrl-C at a passphrase prompt is a coded refusal in Dutch and English, exit 2, not
click's English "Aborted!" and exit 1; and ``status revoke``, ``keys revoke`` and ``org api-key revoke`` ask before they
revoke for good. The
command runs on a real terminal (a pseudo-terminal): the prompt reads the terminal itself, and Ctrl-C is the
terminal's interrupt."""

from __future__ import annotations

import os
import pty
import select
import signal
import sys
import time
from pathlib import Path

import pytest

_PROMPT = b"passphrase: "
"""The prompt's end: getpass writes its last character once the terminal is set up (and its input flushed), so
Ctrl-D or Ctrl-C sent after it reaches the prompt."""


def _read_until(fd: int, wanted: bytes | None, seconds: float = 60.0) -> bytes:
    """What the terminal shows until ``wanted`` appears (or, with ``None``, until the program ends)."""
    seen = b""
    end = time.monotonic() + seconds
    while time.monotonic() < end and (wanted is None or wanted not in seen):
        ready, _, _ = select.select([fd], [], [], 0.5)
        if not ready:
            continue
        try:
            chunk = os.read(fd, 4096)
        except OSError:  # the program ended and closed the terminal
            break
        if not chunk:
            break
        seen += chunk
    return seen


def _ended(pid: int, seconds: float = 60.0) -> int:
    """The exit code of the program, which is killed if it still runs after ``seconds`` (never waited for forever)."""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            return os.waitstatus_to_exitcode(status)
        time.sleep(0.1)
    os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)
    return -signal.SIGKILL



def _on_a_terminal(command: list[str], answers: list[tuple[bytes, bytes]], env: dict[str, str] | None = None) -> tuple[int, str]:
    """Run ``skillspas COMMAND`` on a pseudo-terminal (its terminal, stdin, stdout and stderr), and for each
    ``(prompt, keys)`` wait until the terminal shows ``prompt``, then type ``keys``; the exit code and all it showed."""
    env = env or {k: v for k, v in os.environ.items() if not k.startswith("SKILLSPAS_")}
    argv = [sys.executable, "-c", "from skillspas.issuer.cli import main; main()", *command]
    pid, fd = pty.fork()
    if pid == 0:
        os.execve(sys.executable, argv, env)
    shown = b""
    try:
        for prompt, keys in answers:
            shown += _read_until(fd, prompt)
            assert prompt in shown, shown
            os.write(fd, keys)
        shown += _read_until(fd, None)
    finally:
        code = _ended(pid)
        os.close(fd)
    return code, shown.decode("utf-8", "replace")


def _keys_generate(tmp_path: Path) -> list[str]:
    return ["keys", "generate", "--keystore", str(tmp_path / "ks"), "--did", "did:web:roc.example"]


@pytest.mark.parametrize("keys", [pytest.param(b"\x04", id="Ctrl-D"), pytest.param(b"\x03", id="Ctrl-C")])
def test_closing_or_interrupting_a_passphrase_prompt_is_a_coded_refusal_in_dutch_and_english(keys, tmp_path: Path):
    code, output = _on_a_terminal(_keys_generate(tmp_path), [(_PROMPT, keys)])
    assert code == 2, output
    assert "fout [invalid_option]: afgebroken bij de vraag om invoer (Ctrl-D of Ctrl-C)" in output
    assert "error [invalid_option]: aborted at the prompt (Ctrl-D or Ctrl-C)" in output
    assert "Aborted!" not in output and "Traceback" not in output
    assert not (tmp_path / "ks").exists()


def _repeated_passphrase(tmp_path: Path, second: bytes) -> tuple[int, str]:
    """``keys generate`` on a terminal: a passphrase typed, then ``second`` at the prompt to repeat it."""
    return _on_a_terminal(_keys_generate(tmp_path), [(_PROMPT, b"een lange geheime zin\r"), (b"confirmation: ", second)])


def test_the_passphrase_is_asked_again_in_dutch_and_english_and_closing_that_prompt_is_refused_too(tmp_path: Path):
    code, output = _repeated_passphrase(tmp_path, b"\x04")
    assert "Herhaal ter bevestiging / Repeat for confirmation:" in output and "een lange" not in output
    assert code == 2 and "fout [invalid_option]: afgebroken" in output, output


def test_a_repeated_passphrase_that_does_not_match_is_refused_in_dutch_and_english_as_an_aborted_prompt(tmp_path: Path):
    code, output = _repeated_passphrase(tmp_path, b"een lange geheime zim\r")
    assert code == 2, output
    assert "fout [invalid_option]: de herhaalde wachtwoordzin is niet gelijk aan de eerste" in output
    assert "error [invalid_option]: the repeated passphrase does not match the first" in output
    assert "do not match" not in output and "een lange" not in output and "Traceback" not in output
    assert not (tmp_path / "ks").exists()


_PASSPHRASE = "test-only passphrase (never a real one)"
_QUESTION = b"[y/N]: "


@pytest.fixture
def issued_row(tmp_path: Path) -> list[str]:
    """A database with one mbo-diploma issued under row key ``r-1``: the options that name it (``--data-dir``, ...)."""
    from skillspas.issuer.batch import issue_rows, validate_rows
    from skillspas.issuer.issuing import Issuer
    from skillspas.issuer.orgs import create_organisation
    from skillspas.issuer.settings import Settings
    from skillspas.issuer.store import open_store

    url = f"sqlite:///{tmp_path / 'skillspas.db'}"
    settings = Settings(data_dir=tmp_path, database_url=url, key_passphrase=_PASSPHRASE, public_url="https://issuer.example",
                        batch_workers=1)
    store = open_store(settings.database)
    try:
        issuer = Issuer(store, settings)
        org = issuer.orgs.get(create_organisation(store, settings, "ROC Vraag", role="mbo", did_web="vraag.example").id)
        row = {"row_key": "r-1", "learner_name": "Anouk Testdata", "crebo": "25180", "leerweg": "BBL", "date": "2025-07-01"}
        issue_rows(issuer, org, validate_rows(issuer, org, "mbo-diploma", [(2, row)]))
    finally:
        store.dispose()
    return ["--data-dir", str(tmp_path), "--database-url", url]


def _status(options: list[str]) -> str:
    from skillspas.issuer.issuing import Issuer
    from skillspas.issuer.settings import Settings
    from skillspas.issuer.store import open_store

    settings = Settings(data_dir=Path(options[1]), database_url=options[3], key_passphrase=_PASSPHRASE)
    store = open_store(settings.database)
    try:
        return Issuer(store, settings).find_issued("r-1").state
    finally:
        store.dispose()


@pytest.mark.parametrize(("answer", "state"), [pytest.param(b"n\r", "active", id="n: nothing is revoked"),
                                               pytest.param(b"\r", "active", id="Enter: the default is no"),
                                               pytest.param(b"j\r", "revoked", id="j (ja): revoked")])
def test_status_revoke_on_a_terminal_names_the_credential_and_revokes_only_when_the_answer_is_yes(
        issued_row, answer, state):
    env = {**{k: v for k, v in os.environ.items() if not k.startswith("SKILLSPAS_")}, "SKILLSPAS_KEY_PASSPHRASE": _PASSPHRASE}
    code, output = _on_a_terminal(["status", "revoke", "r-1", *issued_row], [(_QUESTION, answer)], env)
    assert "(rijsleutel r-1) van ROC Vraag, voor Anouk Testdata voorgoed intrekken? Dit kan niet ongedaan worden " \
           "gemaakt. [j/N]" \
           in output, output
    assert "Revoke MBO diploma urn:uuid:" in output and "for good? This cannot be undone. [y/N]" in output
    assert _status(issued_row) == state
    if state == "revoked":
        assert code == 0 and '"status": "revoked"' in output and "ingetrokken (definitief): Mbo-diploma" in output
    else:
        assert code == 2 and "fout [invalid_option]: niet bevestigd: er is niets ingetrokken" in output, output
        assert "error [invalid_option]: not confirmed: nothing was revoked" in output



def _api_key(options: list[str]) -> tuple[str, str]:
    """A new API key (label "rooster") of the organisation in the database ``options`` name: its org id and key id."""
    from skillspas.issuer.orgs import Organisations, add_api_key
    from skillspas.issuer.settings import Settings
    from skillspas.issuer.store import open_store

    settings = Settings(data_dir=Path(options[1]), database_url=options[3], key_passphrase=_PASSPHRASE)
    store = open_store(settings.database)
    try:
        org = Organisations(store, settings).find("ROC Vraag")
        return org.id, add_api_key(store, org.id, ["audit:read"], label="rooster").split("_")[1]
    finally:
        store.dispose()


@pytest.mark.parametrize(("answer", "revoked"), [pytest.param(b"n\r", False, id="n: nothing is revoked"),
                                                 pytest.param(b"\r", False, id="Enter: the default is no"),
                                                 pytest.param(b"y\r", True, id="y: revoked")])
def test_org_api_key_revoke_on_a_terminal_names_the_key_and_revokes_only_when_the_answer_is_yes(
        issued_row, answer, revoked):
    from skillspas.issuer.orgs import list_api_keys
    from skillspas.issuer.store import open_store

    org_id, key_id = _api_key(issued_row)
    env = {**{k: v for k, v in os.environ.items() if not k.startswith("SKILLSPAS_")}, "SKILLSPAS_KEY_PASSPHRASE": _PASSPHRASE}
    code, output = _on_a_terminal(["org", "api-key", "revoke", "ROC Vraag", key_id, *issued_row], [(_QUESTION, answer)], env)
    assert f"API-sleutel {key_id} ('rooster') van ROC Vraag voorgoed intrekken?" in output, output
    assert f"Revoke API key {key_id} ('rooster') of ROC Vraag for good?" in output and "cannot be undone. [y/N]" in output
    store = open_store(issued_row[3])
    try:
        assert ({k.id: k for k in list_api_keys(store, org_id)}[key_id].revoked_at is not None) is revoked
    finally:
        store.dispose()
    if revoked:
        assert code == 0 and '"changed": true' in output, output
    else:
        assert code == 2 and "fout [invalid_option]: niet bevestigd: er is niets ingetrokken" in output, output


@pytest.mark.parametrize(("answer", "revoked"), [pytest.param(b"n\r", False, id="n: nothing is revoked"),
                                                 pytest.param(b"ja\r", True, id="ja: revoked")])
def test_keys_revoke_on_a_terminal_names_the_key_and_revokes_only_when_the_answer_is_yes(tmp_path: Path, answer, revoked):
    from skillspas.keys.keyfile import Keystore

    Keystore.create(tmp_path / "ks", "did:web:roc.example", kind="ed25519", passphrase=_PASSPHRASE)
    code, output = _on_a_terminal(["keys", "revoke", "key-1", "--keystore", str(tmp_path / "ks"),
                                   "--compromised-at", "2026-01-15"], [(_QUESTION, answer)])
    assert "Sleutel did:web:roc.example#key-1 intrekken, gecompromitteerd sinds 2026-01-15T00:00:00+00:00?" in output
    assert "Revoke key did:web:roc.example#key-1, compromised since 2026-01-15T00:00:00+00:00?" in output, output
    assert (Keystore(tmp_path / "ks").history().get("key-1").revoked is not None) is revoked
    if revoked:
        assert code == 0 and '"revoked": "2026-01-15T00:00:00Z"' in output, output
    else:
        assert code == 2 and "fout [invalid_option]: niet bevestigd: er is niets ingetrokken" in output, output
