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
    unsigned["credentialSubject"]["achievement"]["alignment"][0]["targetName"] = LABEL
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
