"""Ctrl-D (end of input) or Ctrl-C at a passphrase prompt is a coded refusal in Dutch and English, exit 2, not
click's English "Aborted!" and exit 1. The command runs on a real terminal (a pseudo-terminal): the prompt reads
the terminal itself, and Ctrl-C is the terminal's interrupt."""

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


@pytest.mark.parametrize("keys", [pytest.param(b"\x04", id="Ctrl-D"), pytest.param(b"\x03", id="Ctrl-C")])
def test_closing_or_interrupting_a_passphrase_prompt_is_a_coded_refusal_in_dutch_and_english(keys, tmp_path: Path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("SKILLSPAS_")}
    argv = [sys.executable, "-c", "from skillspas.issuer.cli import main; main()",
            "keys", "generate", "--keystore", str(tmp_path / "ks"), "--did", "did:web:roc.example"]
    pid, fd = pty.fork()
    if pid == 0:  # the child: the pseudo-terminal is its terminal, stdin, stdout and stderr
        os.execve(sys.executable, argv, env)
    try:
        shown = _read_until(fd, _PROMPT)
        assert _PROMPT in shown, shown
        os.write(fd, keys)
        shown += _read_until(fd, None)
    finally:
        code = _ended(pid)
        os.close(fd)
    output = shown.decode("utf-8", "replace")
    assert code == 2, output
    assert "fout [invalid_option]: afgebroken bij de vraag om invoer (Ctrl-D of Ctrl-C)" in output
    assert "error [invalid_option]: aborted at the prompt (Ctrl-D or Ctrl-C)" in output
    assert "Aborted!" not in output and "Traceback" not in output
    assert not (tmp_path / "ks").exists()


def _repeated_passphrase(tmp_path: Path, second: bytes) -> tuple[int, str]:
    """``keys generate`` on a terminal: a passphrase typed, then ``second`` at the prompt to repeat it; the exit code
    and what the terminal showed from the repeat prompt on."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("SKILLSPAS_")}
    argv = [sys.executable, "-c", "from skillspas.issuer.cli import main; main()",
            "keys", "generate", "--keystore", str(tmp_path / "ks"), "--did", "did:web:roc.example"]
    pid, fd = pty.fork()
    if pid == 0:
        os.execve(sys.executable, argv, env)
    try:
        assert _PROMPT in _read_until(fd, _PROMPT)
        os.write(fd, b"een lange geheime zin\r")
        again = _read_until(fd, b"confirmation: ")
        os.write(fd, second)
        shown = again + _read_until(fd, None)
    finally:
        code = _ended(pid)
        os.close(fd)
    return code, shown.decode("utf-8", "replace")


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
