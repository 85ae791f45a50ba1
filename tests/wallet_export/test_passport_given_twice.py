"""The worker's side of one credential given twice: ``passport export a.json a.json`` writes it once and says so (nl/en),
``passport show`` of a presentation that holds it twice shows it once, and such a presentation, signed by the holder,
still verifies: its holder proof covers it as it is, and the employer sees the credential once."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from skillspas.verifier import verify
from skillspas.wallet_export.cli import passport_app
from skillspas.wallet_export.passport import build_passport
from skillspas.wallet_export.presentation import build_presentation


def _run(*args: str):
    result = CliRunner().invoke(passport_app, list(args), catch_exceptions=False)
    assert "Traceback" not in result.output
    return result


@pytest.mark.parametrize(("lang", "said"), [
    ("nl", "„{title}” is meer dan één keer gegeven; het telt één keer mee."),
    ("en", "“{title}” was given more than once; it counts once."),
])
def test_an_export_of_one_credential_named_twice_holds_it_once_and_says_so(tmp_path, diplomas, lang, said):
    path = tmp_path / "diploma.json"
    path.write_text(json.dumps(diplomas[3]), "utf-8")
    out = tmp_path / "vp.json"
    result = _run("export", str(path), str(path), "--passport", str(tmp_path / "p"), "--unsigned",
                  "--presentation", str(out), "--lang", lang)
    assert result.exit_code == 0, result.output
    assert json.loads(out.read_text("utf-8"))["verifiableCredential"] == [diplomas[3]]
    assert said.format(title=diplomas[3]["name"]) in result.stderr.splitlines()


def test_build_passport_keeps_a_credential_given_twice_once_and_names_the_copy(diplomas):
    passport = build_passport([diplomas[1], diplomas[2], dict(diplomas[1])])
    assert passport.credentials == (diplomas[1], diplomas[2]) and passport.left_out == (diplomas[1],)


def test_show_of_a_presentation_that_holds_a_credential_twice_shows_it_once(tmp_path, diplomas):
    path = tmp_path / "vp.json"
    path.write_text(json.dumps(build_presentation([diplomas[2], diplomas[2]])), "utf-8")
    result = _run("show", str(path), "--passport", str(tmp_path / "p"), "--lang", "en")
    assert result.exit_code == 0, result.output
    assert result.stdout.count(diplomas[2]["name"]) == 2, result.stdout  # its title line, and the note under them all
    assert f"“{diplomas[2]['name']}” was given more than once; it counts once." in result.stdout.splitlines()


def test_a_holder_signed_presentation_that_holds_a_credential_twice_verifies_and_counts_it_once(diplomas, issuer, holder):
    vp = build_presentation([diplomas[4], diplomas[5], diplomas[4]], holder=holder, challenge="c-1")
    result = verify(vp, trusted_issuers=[issuer.controller], challenge="c-1")
    assert result.verified and result.holder == holder.controller
    assert [c.summary.name for c in result.credentials] == [diplomas[4]["name"], diplomas[5]["name"]]
    assert result.left_out == (2,) and [(w.code.value, w.path) for w in result.warnings] == [
        ("duplicate_credential", "/verifiableCredential/2")]
    assert [p.credentials for p in result.persons] == [(0, 1)]
