"""`skillspas keys` keystore commands: generate --keystore, list, rotate, export-public, revoke."""

from __future__ import annotations

import json
import stat

from typer.testing import CliRunner

from skillspas.keys.cli import app
from skillspas.keys.keyfile import Keystore

runner = CliRunner()
DID = "did:web:roc.example"
ENV = {"KS_PASS": "een lange geheime zin", "SKILLSPAS_KEY_PASSPHRASE": ""}


def invoke(*args: str):
    return runner.invoke(app, list(args), env=ENV)


def test_keystore_lifecycle_on_the_command_line(tmp_path):
    ks = str(tmp_path / "ks")
    made = invoke("generate", "--keystore", ks, "--did", DID, "--passphrase-env", "KS_PASS")
    assert made.exit_code == 0, made.output
    assert json.loads(made.stdout)["id"] == f"{DID}#key-1"
    assert stat.S_IMODE((tmp_path / "ks").stat().st_mode) == 0o700

    rotated = invoke("rotate", "--keystore", ks, "--passphrase-env", "KS_PASS")
    assert rotated.exit_code == 0, rotated.output
    assert json.loads(rotated.stdout)["id"] == f"{DID}#key-2"

    revoked = invoke("revoke", "key-1", "--keystore", ks, "--compromised-at", "2026-01-15T08:00:00Z", "--yes")
    assert revoked.exit_code == 0, revoked.output
    assert json.loads(revoked.stdout)["revoked"] == "2026-01-15T08:00:00Z"

    listed = json.loads(invoke("list", "--keystore", ks).stdout)
    assert [(k["id"], k["status"]) for k in listed["keys"]] == [(f"{DID}#key-1", "revoked"), (f"{DID}#key-2", "current")]

    out = tmp_path / "did.json"
    exported = invoke("export-public", "--keystore", ks, "--out", str(out))
    assert exported.exit_code == 0, exported.output
    document = json.loads(out.read_text())
    assert document == Keystore(ks).did_document()
    assert document["verificationMethod"][0]["revoked"] == "2026-01-15T08:00:00Z"
    assert document["assertionMethod"][0] == f"{DID}#key-2"

    everything = made.output + rotated.output + revoked.output + exported.output
    for key_file in (tmp_path / "ks").glob("*.key.json"):
        pem = json.loads(key_file.read_text())["encryptedPrivateKeyPem"]
        assert pem.splitlines()[1] not in everything
    assert "een lange geheime zin" not in everything


def test_keystore_commands_report_coded_errors(tmp_path):
    ks = str(tmp_path / "ks")
    missing = invoke("list", "--keystore", ks)
    assert missing.exit_code == 2 and "key_not_found" in missing.output
    no_pass = invoke("generate", "--keystore", ks, "--did", DID)
    assert no_pass.exit_code == 2 and "passphrase" in no_pass.output
    assert invoke("generate", "--keystore", ks, "--did", DID, "--passphrase-env", "KS_PASS").exit_code == 0
    bad_date = invoke("revoke", "key-1", "--keystore", ks, "--compromised-at", "gisteren")
    assert bad_date.exit_code == 2
    unknown = invoke("revoke", "key-7", "--keystore", ks, "--compromised-at", "2026-01-01")
    assert unknown.exit_code == 2 and "key_not_found" in unknown.output
    both = invoke("export-public", "--keystore", ks, str(tmp_path / "x.json"))
    assert both.exit_code == 2


def test_keys_revoke_without_yes_on_standard_input_that_is_no_terminal_is_refused_and_revokes_nothing(tmp_path):
    """As ``status revoke``: a revocation cannot be undone, so a script says ``--yes``; it revoked without asking."""
    ks = str(tmp_path / "ks")
    assert invoke("generate", "--keystore", ks, "--did", DID, "--passphrase-env", "KS_PASS").exit_code == 0
    refused = invoke("revoke", "key-1", "--keystore", ks, "--compromised-at", "2026-01-15")
    assert refused.exit_code == 2, refused.output
    assert "fout [invalid_option]: deze opdracht vraagt om bevestiging, maar de invoer is geen terminal: geef --yes; " \
           "er is niets ingetrokken" in refused.stderr, refused.stderr
    assert "error [invalid_option]: this command asks for confirmation" in refused.stderr and refused.stdout == ""
    assert Keystore(ks).history().get("key-1").revoked is None
    assert invoke("revoke", "key-1", "--keystore", ks, "--compromised-at", "2026-01-15", "-y").exit_code == 0
    again = invoke("revoke", "key-1", "--keystore", ks, "--compromised-at", "2026-01-15")  # nothing to change: not asked
    assert again.exit_code == 0 and json.loads(again.stdout)["revoked"] == "2026-01-15T00:00:00Z", again.output


def test_export_public_of_a_key_file_prints_its_multikey(tmp_path):
    out = tmp_path / "k.json"
    assert invoke("generate", "--out", str(out)).exit_code == 0
    exported = json.loads(invoke("export-public", str(out)).stdout)
    assert set(exported) == {"id", "type", "controller", "publicKeyMultibase"}


def test_a_missing_passphrase_or_half_an_hsm_says_what_to_give_in_dutch_too(tmp_path):
    """The Dutch line was the code's general text ("een optie ... ontbrekend, onbekend, ..."): only the English
    one said which variable or option was missing."""
    ks = str(tmp_path / "ks")
    no_passphrase = invoke("generate", "--keystore", ks, "--did", DID)  # stdin is no terminal: no prompt
    unset = invoke("generate", "--keystore", ks, "--did", DID, "--passphrase-env", "NOT_SET_HERE")
    half_hsm = invoke("rotate", "--keystore", ks, "--token-label", "roc")
    for result, words in [(no_passphrase, "SKILLSPAS_KEY_PASSPHRASE"), (unset, "NOT_SET_HERE"), (half_hsm, "--pkcs11-module")]:
        dutch = next(line for line in result.output.splitlines() if line.startswith("fout [invalid_option]: "))
        assert result.exit_code == 2 and words in dutch, result.output


def test_export_public_and_contexts_export_say_what_they_wrote_in_dutch_too(tmp_path):
    """What a new user reads after the README's lines: they said only "wrote did.json" / "wrote 13 contexts …"."""
    from skillspas.verifier.cli import contexts_app

    ks = str(tmp_path / "ks")
    assert invoke("generate", "--keystore", ks, "--did", DID, "--passphrase-env", "KS_PASS").exit_code == 0
    exported = invoke("export-public", "--keystore", ks, "--out", str(tmp_path / "did.json"))
    assert exported.exit_code == 0 and f"geschreven / wrote: {tmp_path / 'did.json'}" in exported.output
    contexts = runner.invoke(contexts_app, ["export", str(tmp_path / "ctx")])
    assert contexts.exit_code == 0 and "contexten en contexts.map.json geschreven in" in contexts.output
