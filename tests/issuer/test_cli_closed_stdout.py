"""``skillspas verify FILE | head -1``: a reader that closes standard output early changes neither the exit code
(0 valid, 1 not valid) nor prints a traceback or a BrokenPipeError (``main``, issuer/cli/__init__.py)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from helpers import signed_credential

SKILLSPAS = [sys.executable, "-c", "from skillspas.issuer.cli import main; main()"]


@pytest.fixture(scope="module")
def credential(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    signed, signer = signed_credential()
    path = tmp_path_factory.mktemp("closed-stdout") / "signed.json"
    path.write_text(json.dumps(signed), "utf-8")
    return path, signer.controller


def _run_with_stdout_closed(args: list[str], *, after_lines: int = 0, buffered: bool = False
                            ) -> tuple[int, str, list[bytes]]:
    """Run ``skillspas ARGS`` with standard output a pipe whose reader reads ``after_lines`` lines and closes it;
    Python's output unbuffered (``PYTHONUNBUFFERED``, as under pytest here) unless ``buffered``."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"} | ({} if buffered else {"PYTHONUNBUFFERED": "1"})
    proc = subprocess.Popen([*SKILLSPAS, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    assert proc.stdout is not None and proc.stderr is not None
    read = [proc.stdout.readline() for _ in range(after_lines)]
    proc.stdout.close()  # the reader is gone: every later write of the command meets a closed pipe
    stderr = proc.stderr.read().decode("utf-8", "replace")
    return proc.wait(timeout=120), stderr, read


@pytest.mark.parametrize("args, exit_code, buffered", [
    pytest.param([], 0, False, id="a valid credential's verdict"),
    pytest.param([], 0, True, id="a valid credential's verdict, Python's output buffered"),
    pytest.param(["--json"], 0, False, id="a valid credential's JSON"),
    pytest.param(["--json"], 0, True, id="a valid credential's JSON, Python's output buffered"),
    pytest.param(["--lang", "en"], 0, False, id="a valid credential's verdict in English"),
    pytest.param(["--trust-issuer", "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK"], 1, False,
                 id="a credential of an untrusted issuer"),
])
def test_a_closed_stdout_keeps_the_exit_code_of_the_result_without_a_traceback(credential, args, exit_code, buffered):
    path, did = credential
    trust = [] if "--trust-issuer" in args else ["--trust-issuer", did]
    status, stderr, _ = _run_with_stdout_closed(["verify", str(path), *trust, *args], buffered=buffered)
    assert status == exit_code, stderr
    assert "Traceback" not in stderr and "BrokenPipe" not in stderr and "Exception ignored" not in stderr, stderr


def test_verify_piped_into_head_1_shows_the_verdict_and_exits_0(credential):
    path, did = credential
    status, stderr, read = _run_with_stdout_closed(["verify", str(path), "--trust-issuer", did], after_lines=1)
    assert read[0].startswith(b"GELDIG") and status == 0, (read, stderr)
    assert "Traceback" not in stderr, stderr


def test_help_with_a_closed_stdout_still_exits_0():
    status, stderr, _ = _run_with_stdout_closed(["verify", "--help"])
    assert status == 0 and "Traceback" not in stderr, stderr
