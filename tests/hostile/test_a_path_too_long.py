"""A file or folder name the system cannot look up (ENAMETOOLONG: one part over 255 bytes, or over 4,096 in all) is a
``file_error`` in Dutch and English, exit 2: pathlib's ``is_dir()``, ``is_file()`` and ``exists()`` raise it rather
than answer, and each command that asked them first ended in an internal error."""

from __future__ import annotations

import errno
import json
from pathlib import Path

import pytest

from hostilekit import PASSPHRASE, assert_coded_refusal, run_cli

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "mbo-diploma" / "kok-anouk-testdata.json"
TOO_LONG = {"one part of 5,000 characters": "/tmp/" + "a" * 5000, "17 parts of 250": "/tmp/" + "/".join(["b" * 250] * 17)}


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    folder = tmp_path_factory.mktemp("too-long")
    key = folder / "key.json"
    assert run_cli("keys", "generate", "--out", str(key)).exit_code == 0
    issuers = folder / "issuers.json"
    issuers.write_text(json.dumps([{"did": "did:web:roc.example", "name": "ROC", "credentialTypes": ["MboDiploma"]}]))
    skills = folder / "skills_nl.csv"
    skills.write_text("conceptUri,preferredLabel\nhttp://data.europa.eu/esco/skill/00000000-0000-4000-8000-000000000001,koken\n")
    return {"key": str(key), "issuers": str(issuers), "out": str(folder / "out.json"), "data": str(EXAMPLE), "skills": str(skills)}


COMMANDS = {
    "vocab search --home": lambda f, p: ["vocab", "search", "koken", "--home", p],
    "vocab import --home": lambda f, p: ["vocab", "import", f["skills"], "--home", p],
    "passport list --passport": lambda f, p: ["passport", "list", "--passport", p],
    "passport show --passport": lambda f, p: ["passport", "show", f["data"], "--passport", p],
    "passport add --passport": lambda f, p: ["passport", "add", f["data"], "--passport", p],
    "passport bridge --passport": lambda f, p: ["passport", "bridge", f["data"], "--to", "kok", "--passport", p],
    "verify --bundle": lambda f, p: ["verify", f["data"], "--bundle", p],
    "bundle show": lambda f, p: ["bundle", "show", p],
    "sign --key": lambda f, p: ["sign", f["data"], "--key", p],
    "keys show": lambda f, p: ["keys", "show", p],
    "keys generate --out": lambda f, p: ["keys", "generate", "--out", p],
    "trust-list sign --dids": lambda f, p: ["trust-list", "sign", f["issuers"], "--key", f["key"], "--out", f["out"], "--dids", p],
}


@pytest.mark.parametrize("path", list(TOO_LONG))
@pytest.mark.parametrize("command", list(COMMANDS))
def test_a_path_too_long_is_a_file_error_not_an_internal_error(files, command, path):
    run = run_cli(*COMMANDS[command](files, TOO_LONG[path]), env={"SKILLSPAS_KEY_PASSPHRASE": PASSPHRASE})
    assert_coded_refusal(run, codes={"file_error"})
    assert "te lang" in run.stderr or "te lang" in run.stdout


def test_verifier_build_static_into_a_folder_it_cannot_write_is_a_file_error(monkeypatch, tmp_path):
    import skillspas.verifier.browser_build as browser_build

    def refused(out: Path, *args: object, **kwargs: object) -> dict[str, str]:
        raise OSError(errno.ENAMETOOLONG, "File name too long", str(out))

    monkeypatch.setattr(browser_build, "runtime_folder", lambda: tmp_path)
    monkeypatch.setattr(browser_build, "build", refused)
    run = run_cli("verifier", "--build-static", TOO_LONG["one part of 5,000 characters"])
    assert_coded_refusal(run, codes={"file_error"})
