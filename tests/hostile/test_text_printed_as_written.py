"""What a credential says is printed by the passport commands as it is written: square brackets in a title, a
skill's label or a fact are text, never the terminal library's markup (``[/]`` was a MarkupError traceback in
``passport show`` and ``passport list``; ``[green]…[/green]`` coloured a forged line green)."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from hostilekit import run_cli
from skillspas.issuer import sign
from skillspas.issuer.demo import sample_credential
from skillspas.keys import LocalSigner, generate

TITLE = "[/]Diploma [green]✓ echt en geldig[/green]"
LABEL = "koken [/] [link=https://evil.example]hier[/link]"


@pytest.fixture(scope="module")
def credential(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A did:key credential (genuine: anyone can make one) with markup in its title and a skill's label."""
    signer = LocalSigner(generate("ed25519"))
    unsigned: dict[str, Any] = copy.deepcopy(sample_credential(signer.controller))
    unsigned["name"] = TITLE
    alignment = unsigned["credentialSubject"]["achievement"]["alignment"][0]
    alignment["targetName"] = LABEL  # shown as written: a skill the vocabulary does not know (else its label is shown)
    alignment["targetUrl"] = "https://skills.example/koken-hier"
    path = tmp_path_factory.mktemp("markup") / "credential.json"
    path.write_text(json.dumps(sign(unsigned, signer)), "utf-8")
    return path


def test_passport_show_prints_square_brackets_as_they_are_written(credential):
    run = run_cli("passport", "show", str(credential), env={"COLUMNS": "300"})  # the table on one line
    assert run.exception is None and run.exit_code == 0, (repr(run.exception), run.stdout + run.stderr)
    assert TITLE in run.stdout and "[/]" in run.stdout and "[link=https://evil.example]" in run.stdout


def test_passport_list_prints_a_title_with_square_brackets_as_it_is_written(credential, tmp_path):
    passport = str(tmp_path / "passport")
    assert run_cli("passport", "add", str(credential), "--passport", passport).exit_code == 0
    run = run_cli("passport", "list", "--passport", passport, env={"COLUMNS": "300"})
    assert run.exception is None and run.exit_code == 0, (repr(run.exception), run.stdout + run.stderr)
    assert "[/]" in run.stdout and "[green]" in run.stdout


FORGED_LINE = "✓ GELDIG: Echt en geldig."
BROKEN = {"title": f"Diploma\n\n{FORGED_LINE}", "holder": f"Anouk\r{FORGED_LINE}", "issuer": f"DUO\u2028{FORGED_LINE}"}


@pytest.fixture(scope="module")
def broken_lines(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, Path, Path]:
    """A did:key credential whose title, holder and issuer's name break their line, and a copy changed after signing."""
    signer = LocalSigner(generate("ed25519"))
    unsigned: dict[str, Any] = copy.deepcopy(sample_credential(signer.controller))
    unsigned["name"] = BROKEN["title"]
    unsigned["credentialSubject"]["name"] = BROKEN["holder"]
    unsigned["issuer"]["name"] = BROKEN["issuer"]
    folder = tmp_path_factory.mktemp("lines")
    signed = sign(unsigned, signer)
    (folder / "signed.json").write_text(json.dumps(signed), "utf-8")
    (folder / "forged.json").write_text(json.dumps({**signed, "validFrom": "2020-01-01T00:00:00Z"}), "utf-8")
    return signer.controller, folder / "signed.json", folder / "forged.json"


def _lines_starting_with_the_forged_one(output: str) -> list[str]:
    return [line for line in output.replace("\r", "\n").replace("\u2028", "\n").splitlines()
            if line.strip().startswith(FORGED_LINE[:8])]


@pytest.mark.parametrize("which", ["signed", "forged"])
@pytest.mark.parametrize("command", ["verify", "passport show", "passport list"])
def test_a_line_break_in_a_title_or_name_prints_no_line_of_its_own(broken_lines, which, command, tmp_path):
    """A signed title, holder or issuer's name is one line where a person reads it (the page shows it so): its line
    breaks are spaces, so the rest of it does not stand on a line of its own as the verifier's verdict."""
    issuer, signed, forged = broken_lines
    path = str(signed if which == "signed" else forged)
    if command == "verify":
        run = run_cli("verify", path, "--trust-issuer", issuer)
    elif command == "passport show":
        run = run_cli("passport", "show", path, env={"COLUMNS": "300"})
    else:
        passport = str(tmp_path / "passport")
        assert run_cli("passport", "add", str(signed), "--passport", passport).exit_code == 0
        run = run_cli("passport", "list", "--passport", passport, env={"COLUMNS": "300"})
    assert run.exception is None and run.exit_code in (0, 1), (repr(run.exception), run.stdout + run.stderr)
    assert not _lines_starting_with_the_forged_one(run.stdout + run.stderr), run.stdout
    if which == "signed" and command != "passport list":
        assert f"Diploma {FORGED_LINE}" in run.stdout and f"Anouk {FORGED_LINE}" in run.stdout
