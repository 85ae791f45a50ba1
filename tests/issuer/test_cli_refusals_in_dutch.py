"""A command's refusal says what is wrong in Dutch too (the ``fout [code]:`` line), in its own sentence, not the
code's general one (``schemas/messages.py``), and exits 2 without a traceback: ``sign``, ``verify --now``."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from skillspas.issuer.cli import build_app
from skillspas.keys import generate, keyfile
from skillspas.schemas.messages import text


@pytest.fixture(scope="module")
def place(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder with a key file and a JSON file that is no object."""
    folder = tmp_path_factory.mktemp("cli-refusals")
    keyfile.save(generate("ed25519"), folder / "key.json")
    (folder / "array.json").write_text("[1]", "utf-8")
    return folder


REFUSALS = [
    pytest.param(["sign", "--key", "TMP/key.json", "--suite", "rsa-2048", "TMP/array.json"], "unsupported_cryptosuite",
                 "onbekende cryptosuite 'rsa-2048': kies eddsa-rdfc-2022 of ecdsa-rdfc-2019",
                 id="sign with an unknown cryptosuite"),
    pytest.param(["sign", "--key", "TMP/key.json", "TMP/array.json"], "schema_invalid", "een bewijsstuk is een JSON-object",
                 id="sign of a JSON array"),
    pytest.param(["verify", "TMP/array.json", "--now", "2026"], "invalid_option", "'2026' is geen tijdstip (ISO 8601)",
                 id="verify --now of a year"),
    pytest.param(["verify", "TMP/array.json", "--now", "2026-12-01T00:00:00"], "invalid_option",
                 "heeft geen tijdzone: zet er Z (UTC) of een verschil zoals +01:00 achter",
                 id="verify --now without a time zone"),
    pytest.param(["verify", "TMP/array.json", "--now", "0001-01-01T00:00:00+01:00"], "invalid_option",
                 "ligt buiten de data die te controleren zijn", id="verify --now before the first instant in UTC"),
]


@pytest.mark.parametrize("args, code, dutch", REFUSALS)
def test_a_command_refusal_says_what_is_wrong_in_its_own_dutch_sentence(place, args, code, dutch):
    argv = [arg.replace("TMP", str(place)) for arg in args]
    result = CliRunner().invoke(build_app(), argv)
    dutch_line = next((line for line in result.stderr.splitlines() if line.startswith(f"fout [{code}]: ")), "")
    assert result.exit_code == 2 and dutch in dutch_line, result.output
    assert text(code, "nl") not in dutch_line and "Traceback" not in result.output
