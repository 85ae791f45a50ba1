"""``skillspas org create`` / ``org add-key`` / ``serve`` from the command line."""

from __future__ import annotations

import json

from svc_live import run_cli


def test_org_create_prints_the_did_and_an_api_key_once(tmp_path):
    args = ["--data-dir", str(tmp_path)]
    result = run_cli("org", "create", "ROC Voorbeeldstad", "--role", "mbo", "--did-web", "roc.example", *args)
    assert result.returncode == 0, result.stderr
    created = json.loads(result.stdout)
    assert created["did"] == "did:web:roc.example"
    assert created["verificationMethod"] == "did:web:roc.example#key-1"
    assert created["apiKey"].startswith("skp_")
    listed = run_cli("org", "list", *args)
    assert created["apiKey"] not in listed.stdout and json.loads(listed.stdout)[0]["id"] == created["id"]
    again = run_cli("org", "create", "Ander", "--role", "mbo", "--did-web", "roc.example", *args)
    assert again.returncode == 2 and "already exists" in again.stderr and "Traceback" not in again.stderr
    key = run_cli("org", "add-key", "ROC Voorbeeldstad", "--scope", "credentials:issue", *args)
    assert key.returncode == 0 and json.loads(key.stdout)["scopes"] == ["credentials:issue"]


def test_org_create_refuses_an_unknown_role_and_a_bad_host(tmp_path):
    bad_role = run_cli("org", "create", "X", "--role", "bakery", "--did-web", "x.example", "--data-dir", str(tmp_path))
    assert bad_role.returncode == 2 and "role must be one of" in bad_role.stderr
    bad_host = run_cli("org", "create", "X", "--role", "mbo", "--did-web", "not a host", "--data-dir", str(tmp_path))
    assert bad_host.returncode == 2 and "Traceback" not in bad_host.stderr
