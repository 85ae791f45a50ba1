"""`skillspas keys` CLI: generate and show, exit codes, and never a secret on screen."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest
from typer.testing import CliRunner

from skillspas.keys import load
from skillspas.keys.cli import app

runner = CliRunner()


def _secret_values(path: Path) -> list[str]:
    document = json.loads(path.read_text())
    values = [
        document[k] for k in ("secretKeyMultibase", "encryptedPrivateKeyPem") if k in document
    ]
    assert values
    return values


@pytest.mark.parametrize(
    ("key_type", "algorithm", "prefix"), [("ed25519", "Ed25519", "z6Mk"), ("p256", "P-256", "zDn")]
)
def test_generate_writes_a_0600_key_file_and_prints_only_the_public_part(
    tmp_path: Path, key_type: str, algorithm: str, prefix: str
) -> None:
    out = tmp_path / "issuer.key.json"
    result = runner.invoke(app, ["generate", "--type", key_type, "--out", str(out)])
    assert result.exit_code == 0, result.output
    printed = json.loads(result.stdout)
    assert set(printed) == {"id", "controller", "type", "algorithm", "publicKeyMultibase", "file"}
    assert printed["type"] == "Multikey"
    assert printed["algorithm"] == algorithm
    assert printed["publicKeyMultibase"].startswith(prefix)
    assert printed["controller"] == f"did:key:{printed['publicKeyMultibase']}"
    assert printed["file"] == str(out)
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    for secret in _secret_values(out):
        assert secret[1:] not in result.output
    assert "secretKeyMultibase" not in result.output
    assert load(out).verification_method == printed["id"]


def test_generate_with_passphrase_env_encrypts(tmp_path: Path) -> None:
    out = tmp_path / "k.json"
    result = runner.invoke(
        app,
        ["generate", "--type", "p256", "--out", str(out), "--passphrase-env", "MY_KEY_PASS"],
        env={"MY_KEY_PASS": "s3cret"},
    )
    assert result.exit_code == 0, result.output
    document = json.loads(out.read_text())
    assert "secretKeyMultibase" not in document
    assert "PRIVATE KEY" not in result.output
    assert "s3cret" not in result.output
    assert (
        load(out, "s3cret").public_key.multibase == json.loads(result.stdout)["publicKeyMultibase"]
    )


def test_generate_with_unset_passphrase_env_exits_2_and_writes_nothing(tmp_path: Path) -> None:
    out = tmp_path / "k.json"
    result = runner.invoke(
        app,
        ["generate", "--out", str(out), "--passphrase-env", "UNSET_VAR_X"],
        env={"UNSET_VAR_X": None},
    )
    assert result.exit_code == 2
    assert not out.exists()
    assert "Traceback" not in result.output


def test_generate_refuses_to_overwrite(tmp_path: Path) -> None:
    out = tmp_path / "k.json"
    out.write_text("precious")
    result = runner.invoke(app, ["generate", "--type", "ed25519", "--out", str(out)])
    assert result.exit_code == 2
    assert out.read_text() == "precious"
    assert "already exists" in result.stderr
    assert "Traceback" not in result.output


def test_generate_refuses_an_unknown_type(tmp_path: Path) -> None:
    out = tmp_path / "k.json"
    result = runner.invoke(app, ["generate", "--type", "rsa", "--out", str(out)])
    assert result.exit_code == 2
    assert not out.exists()


def test_generate_into_a_missing_folder_exits_2(tmp_path: Path) -> None:
    result = runner.invoke(app, ["generate", "--out", str(tmp_path / "no" / "k.json")])
    assert result.exit_code == 2
    assert "Traceback" not in result.output


def test_generate_binds_a_did_web_method(tmp_path: Path) -> None:
    out = tmp_path / "k.json"
    result = runner.invoke(
        app, ["generate", "--out", str(out), "--id", "did:web:roc.example#key-1"]
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["controller"] == "did:web:roc.example"


def test_generate_with_inconsistent_binding_exits_2(tmp_path: Path) -> None:
    out = tmp_path / "k.json"
    result = runner.invoke(
        app, ["generate", "--out", str(out), "--controller", "did:web:roc.example"]
    )
    assert result.exit_code == 2
    assert not out.exists()


@pytest.mark.parametrize("encrypted", [False, True])
def test_show_prints_the_public_part_only(tmp_path: Path, encrypted: bool) -> None:
    out = tmp_path / "k.json"
    args = ["generate", "--out", str(out)] + (["--passphrase-env", "P"] if encrypted else [])
    generated = json.loads(runner.invoke(app, args, env={"P": "pw"}).stdout)
    result = runner.invoke(app, ["show", str(out)], env={"SKILLSPAS_KEY_PASSPHRASE": None})
    assert result.exit_code == 0, result.output
    shown = json.loads(result.stdout)
    assert shown == generated
    for secret in _secret_values(out):
        assert secret[1:] not in result.output
    assert "PRIVATE KEY" not in result.output


def test_show_missing_file_exits_2_without_traceback(tmp_path: Path) -> None:
    result = runner.invoke(app, ["show", str(tmp_path / "absent.json")])
    assert result.exit_code == 2
    assert "key_not_found" in result.stderr
    assert "Traceback" not in result.output


def test_show_malformed_file_exits_2_without_echoing_it(tmp_path: Path) -> None:
    path = tmp_path / "k.json"
    path.write_text('{"type": "Multikey", "secretKeyMultibase": "z3u2MARKER"}')
    result = runner.invoke(app, ["show", str(path)])
    assert result.exit_code == 2
    assert "MARKER" not in result.output
