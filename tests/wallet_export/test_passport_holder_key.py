"""``skillspas passport init``: the worker's own holder key, and presentations signed with it by default."""

from __future__ import annotations

import json
import stat

import pytest
from typer.testing import CliRunner

from skillspas.keys.keyfile import save
from skillspas.verifier import verify
from skillspas.wallet_export.cli import passport_app
from skillspas.wallet_export.store import PassportStore

runner = CliRunner()


def run(*args: str):
    result = runner.invoke(passport_app, list(args), catch_exceptions=False)
    assert "Traceback" not in result.output
    return result


def test_init_makes_a_private_did_key_in_the_passport_folder_and_prints_only_the_did(tmp_path):
    folder = tmp_path / "passport"
    result = run("init", "--dir", str(folder))
    assert result.exit_code == 0, result.output
    did = result.output.strip()
    assert did.startswith("did:key:z6Mk")
    key_file = folder / "holder.key.json"
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    secret = json.loads(key_file.read_text())["secretKeyMultibase"]
    assert secret not in result.output
    assert PassportStore(folder).holder().controller == did


def test_a_second_init_refuses_to_replace_the_key_unless_forced(tmp_path):
    folder = tmp_path / "passport"
    first = run("init", "--dir", str(folder)).output.strip()
    again = run("init", "--dir", str(folder))
    assert again.exit_code == 2 and "[key_exists]" in again.output
    assert PassportStore(folder).holder().controller == first
    forced = run("init", "--dir", str(folder), "--force")
    assert forced.exit_code == 0 and forced.output.strip() != first
    assert PassportStore(folder).holder().controller == forced.output.strip()


def test_export_signs_the_presentation_with_the_passport_key_by_default(tmp_path, diplomas, issuer):
    folder = tmp_path / "passport"
    did = run("init", "--dir", str(folder)).output.strip()
    credential = tmp_path / "d.json"
    credential.write_text(json.dumps(diplomas[3]), "utf-8")
    vp_file = tmp_path / "vp.json"
    result = run("export", str(credential), "--dir", str(folder), "--presentation", str(vp_file),
                 "--challenge", "c-9", "--domain", "werkgever.example")
    assert result.exit_code == 0, result.output
    vp = json.loads(vp_file.read_text())
    assert vp["holder"] == did and vp["proof"]["challenge"] == "c-9" and vp["proof"]["domain"] == "werkgever.example"
    checked = verify(vp, trusted_issuers=[issuer.controller], challenge="c-9", domain="werkgever.example")
    assert "invalid_signature" not in {p.code.value for p in checked.errors}
    assert verify(vp, challenge="other").first_error.code.value == "challenge_mismatch"


def test_export_unsigned_leaves_the_presentation_without_a_proof(tmp_path, diplomas):
    folder = tmp_path / "passport"
    run("init", "--dir", str(folder))
    credential = tmp_path / "d.json"
    credential.write_text(json.dumps(diplomas[3]), "utf-8")
    vp_file = tmp_path / "vp.json"
    assert run("export", str(credential), "--dir", str(folder), "--presentation", str(vp_file), "--unsigned").exit_code == 0
    assert "proof" not in json.loads(vp_file.read_text())
    assert run("export", str(credential), "--dir", str(folder), "--presentation", str(vp_file),
               "--unsigned", "--challenge", "c").exit_code == 2


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_exporting_a_credential_bound_to_another_did_warns_that_the_employers_check_will_fail(tmp_path, diplomas, holder, lang):
    folder = tmp_path / "passport"
    own = run("init", "--dir", str(folder)).output.strip()
    credential = tmp_path / "d.json"
    credential.write_text(json.dumps(diplomas[3]), "utf-8")  # bound to the holder fixture's DID, not to `own`
    result = run("export", str(credential), "--dir", str(folder), "--presentation", str(tmp_path / "vp.json"), "--lang", lang)
    assert result.exit_code == 0, result.output
    warnings = [line for line in result.stderr.splitlines() if line.startswith(("LET OP:", "WARNING:"))]
    assert len(warnings) == 1, result.stderr
    assert holder.controller in warnings[0] and own in warnings[0] and "holder_mismatch" in warnings[0]
    assert warnings[0].startswith("LET OP:" if lang == "nl" else "WARNING:")
    mine = run("export", str(credential), "--dir", str(folder), "--presentation", str(tmp_path / "vp2.json"),
               "--holder-key", str(_key_file(tmp_path, holder)))
    assert mine.exit_code == 0 and not mine.stderr.strip(), mine.stderr


def _key_file(folder, signer):
    path = folder / "holder-key.json"
    save(signer.keypair, path)
    return path
