"""A usage error of any ``skillspas`` command (unknown option or command, missing argument, bad value) is the
one coded refusal: ``fout [invalid_option]`` in Dutch and ``error [invalid_option]`` in English, exit 2, never
click's English box; ``--help`` still works."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from skillspas.issuer.cli import build_app

USAGE_ERRORS = [
    pytest.param(["frob"], "onbekende opdracht 'frob'", id="an unknown command"),
    pytest.param(["verfy"], "(bedoelt u 'verify' of 'verifier'?)",
                 id="a misspelt command is named with its likely meaning"),
    pytest.param(["keys", "frob"], "onbekende opdracht 'frob'; zie 'skillspas keys --help'",
                 id="an unknown sub-command of a group"),
    pytest.param(["org", "api-key", "frob"], "zie 'skillspas org api-key --help'", id="an unknown sub-sub-command"),
    pytest.param(["--bogus"], "onbekende optie '--bogus'", id="an unknown option of the root"),
    pytest.param(["verify", "x.json", "--bogus"], "onbekende optie '--bogus'; zie 'skillspas verify --help'",
                 id="an unknown option of a command"),
    pytest.param(["verify", "x.json", "--bund", "b.json"], "(bedoelt u --bundle?)", id="a misspelt option"),
    pytest.param(["keys", "show"], "argument 'KEYFILE' ontbreekt", id="a missing argument"),
    pytest.param(["batch", "mbo-diploma", "--org", "x"], "optie '--csv' ontbreekt", id="a missing required option"),
    pytest.param(["serve", "--port", "abc"], "ongeldige waarde voor '--port': 'abc' is geen getal",
                 id="a word where a number belongs"),
    pytest.param(["verifier", "--port", "0"], "0 ligt buiten", id="a number out of its range"),
    pytest.param(["serve", "--ssl-certfile", "/nonexistent/cert.pem", "--ssl-keyfile", "/nonexistent/key.pem"],
                 "'/nonexistent/cert.pem' bestaat niet", id="a file that must exist and does not"),
    pytest.param(["vocab", "search", "zorg", "--limit", "veel"], "ongeldige waarde voor '--limit'",
                 id="a bad value in a group's command"),
    pytest.param(["keys", "generate", "--out"], "optie '--out' heeft een waarde nodig", id="an option without its value"),
    pytest.param(["verify", "x.json", "--json=ja"], "optie '--json' neemt geen waarde", id="a flag given a value"),
    pytest.param(["keys", "show", "a.json", "b.json"], "onverwacht extra argument: b.json", id="an extra argument"),
]


def _refusal_lines(stderr: str) -> tuple[str, str]:
    lines = stderr.splitlines()
    dutch = [line for line in lines if line.startswith("fout [invalid_option]: ")]
    english = [line for line in lines if line.startswith("error [invalid_option]: ")]
    assert len(dutch) == 1 and len(english) == 1, stderr
    return dutch[0], english[0]


@pytest.mark.parametrize("args, dutch", USAGE_ERRORS)
def test_a_usage_error_is_a_coded_refusal_in_dutch_and_english_with_exit_2(args, dutch):
    result = CliRunner().invoke(build_app(), args)
    assert result.exit_code == 2, result.output
    said_nl, said_en = _refusal_lines(result.stderr)
    assert dutch in said_nl, said_nl
    assert "╭" not in result.output and "Usage:" not in result.output, result.output
    assert said_en != said_nl.replace("fout", "error", 1)  # the English line is English, not the Dutch one


@pytest.mark.parametrize("args", [["frob"], ["verify", "--bogus"], ["keys", "show"], ["serve", "--port", "abc"]],
                         ids=["an unknown command", "an unknown option of verify", "a missing argument in a group",
                              "a bad value for serve"])
def test_a_usage_error_through_the_console_entry_is_the_same_refusal(args):
    """``main()`` builds only the named command (``build_app(only)``): the root refuses there too."""
    proc = subprocess.run([sys.executable, "-c", "from skillspas.issuer.cli import main; main()", *args],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2, proc.stderr
    _refusal_lines(proc.stderr)
    assert "Traceback" not in proc.stderr and "╭" not in proc.stderr


@pytest.mark.parametrize("args", [["--help"], ["keys", "--help"], ["verify", "--help"], ["org", "api-key", "create", "--help"]],
                         ids=["the root", "a group", "a command", "a sub-sub-command"])
def test_help_still_prints_and_exits_0(args):
    result = CliRunner().invoke(build_app(), args)
    assert result.exit_code == 0 and "Usage:" in result.output and "[invalid_option]" not in result.output


def test_a_group_without_its_command_still_shows_its_help():
    result = CliRunner().invoke(build_app(), ["keys"])
    assert "Usage:" in result.output and "[invalid_option]" not in result.output


JSON_USAGE_ERRORS = [
    pytest.param(["verify", "--json", "x.json", "--bogus"], id="an unknown option"),
    pytest.param(["verify", "x.json", "--json", "--max-bytes", "veel"], id="a bad value"),
    pytest.param(["verify", "--json", "x.json", "--now"], id="an option without its value"),
    pytest.param(["verify", "x.json", "--json=ja"], id="the --json flag given a value"),
]


@pytest.mark.parametrize("only", [None, "verify"], ids=["the whole command", "verify alone (as main builds it)"])
@pytest.mark.parametrize("args", JSON_USAGE_ERRORS)
def test_a_usage_error_of_verify_json_is_also_printed_as_verify_json_prints_a_refusal(args, only):
    """An integrator piping ``verify --json`` reads JSON on standard output: the refusal's result object, as for
    malformed JSON (``schemas.report.refusal``), besides the Dutch and English lines on standard error."""
    result = CliRunner().invoke(build_app(only), args)
    assert result.exit_code == 2, result.output
    answer = json.loads(result.stdout)
    assert answer["verified"] is False and [e["code"] for e in answer["errors"]] == ["invalid_option"]
    _, said_en = _refusal_lines(result.stderr)
    assert answer["errors"][0]["message"] == said_en.removeprefix("error [invalid_option]: ")


def test_a_usage_error_of_verify_without_json_prints_nothing_on_standard_output():
    result = CliRunner().invoke(build_app(), ["verify", "x.json", "--bogus"])
    assert result.exit_code == 2 and result.stdout == ""
