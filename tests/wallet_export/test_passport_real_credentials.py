"""The worker's store with real credentials (issue 15, point 7): did:web credentials with a bundle, and
``passport export`` warning before it shares another person's, a revoked or an expired credential."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from helpers import new_signer
from skillspas.issuer import sign
from skillspas.issuer.status_lists import status_entry, status_list_credential
from skillspas.issuer.trust_list import sign_trust_list
from skillspas.keys import LocalSigner, generate
from skillspas.keys.did_web import did_web_document
from skillspas.keys.trust_list import TrustList, TrustListEntry
from skillspas.verifier import Bundle
from skillspas.wallet_export.cli import passport_app

ROC = "did:web:roc.example"
STATUS_URL = "https://roc.example/status/1"


def run(*args: str):
    result = CliRunner().invoke(passport_app, list(args), catch_exceptions=False)
    assert "Traceback" not in result.output
    return result


@pytest.fixture(scope="module")
def world(tmp_path_factory, diplomas, holder):
    """A did:web ROC, its bundle (trust list, DID document, a status list revoking index 2), and credentials."""
    folder = tmp_path_factory.mktemp("real")
    pair = generate("ed25519")
    roc = LocalSigner(pair, verification_method=f"{ROC}#key-1", controller=ROC)
    anchor = new_signer()
    trust_list = sign_trust_list(TrustList(issuer=anchor.controller, name="Erkend (test)", entries=(
        TrustListEntry(ROC, "ROC Webstad", ("OpenBadgeCredential",), keys=(pair.public_key.multibase,)),)), anchor)
    status = sign(status_list_credential(STATUS_URL, issuer=ROC, revoked=[2]), roc)
    bundle = Bundle.create(trust_list=trust_list, did_documents=[did_web_document(ROC, [pair.public_key])],
                           status_lists=[status])

    def issued(name: str, index: int, **changes) -> Path:
        credential = copy.deepcopy(diplomas[3])
        credential.pop("proof")
        credential["issuer"] = {"id": ROC, "type": ["Profile"], "name": "ROC Webstad"}
        credential["credentialStatus"] = status_entry(STATUS_URL, index)
        credential.update(changes)
        path = folder / f"{name}.json"
        path.write_text(json.dumps(sign(credential, roc)), "utf-8")
        return path

    other = copy.deepcopy(diplomas[3]["credentialSubject"])
    other.update(id="did:example:iemand-anders", name="Iemand Anders")
    return {
        "bundle": bundle.to_file(folder / "bundle.json"),
        "own": issued("own", 1),
        "revoked": issued("revoked", 2),
        "expired": issued("expired", 3, validUntil="2026-01-01T00:00:00Z"),
        "other": issued("other", 4, credentialSubject=other),
        "folder": folder,
    }


def test_passport_add_and_show_verify_a_did_web_credential_with_the_bundle(world, tmp_path):
    passport = str(tmp_path / "p")
    refused = run("add", str(world["own"]), "--passport", passport)
    assert refused.exit_code == 1 and "unresolvable_key" in refused.output  # no bundle: the did:web key is unknown
    added = run("add", str(world["own"]), "--passport", passport, "--bundle", str(world["bundle"]))
    assert added.exit_code == 0, added.output
    assert (tmp_path / "p" / "bundle.json").is_file()  # kept: the next commands need no --bundle
    shown = run("show", str(world["own"]), "--passport", passport)
    assert shown.exit_code == 0 and "echt en geldig (controlebundel)" in shown.output
    revoked = run("show", str(world["revoked"]), "--bundle", str(world["bundle"]), "--passport", str(tmp_path / "q"))
    assert revoked.exit_code == 1 and "revoked" in revoked.output


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_passport_export_warns_before_sharing_another_persons_a_revoked_or_an_expired_credential(world, holder, tmp_path, lang):
    passport = str(tmp_path / "p")
    names = ("own", "revoked", "expired", "other")
    assert run("add", *(str(world[n]) for n in names), "--passport", passport, "--bundle", str(world["bundle"])).exit_code == 0
    result = run("export", "--presentation", str(tmp_path / "vp.json"), "--passport", passport, "--lang", lang)
    assert result.exit_code == 0 and (tmp_path / "vp.json").is_file()
    warnings = [line for line in result.stderr.splitlines() if line.startswith(("LET OP:", "WARNING:"))]
    if lang == "nl":
        assert sorted(w.split("„")[0] + w.split("”", 1)[1].split(".")[0] for w in warnings) == sorted([
            f"LET OP:  gaat over Iemand Anders, niet over {holder.controller}",
            "LET OP:  is ingetrokken door de uitgever",
            "LET OP:  is verlopen op 1 januari 2026",
        ])
    else:
        assert len(warnings) == 3 and any("revoked" in w for w in warnings) and any("expired on 1 January 2026" in w for w in warnings)
    quiet = run("export", str(world["own"]), "--presentation", str(tmp_path / "own.json"), "--passport", passport)
    assert quiet.exit_code == 0 and not quiet.stderr.strip()


def test_passport_export_warns_of_a_revoked_credential_with_the_bundle_given_on_its_command_line(world, tmp_path):
    result = run("export", str(world["revoked"]), "--presentation", str(tmp_path / "vp.json"),
                 "--bundle", str(world["bundle"]), "--passport", str(tmp_path / "empty-passport"), "--lang", "en")
    assert result.exit_code == 0, result.output
    assert any(line.startswith("WARNING:") and "revoked" in line for line in result.stderr.splitlines()), result.stderr


@pytest.mark.parametrize("body", [b"{not json", b"[]", b"{}"], ids=["corrupt", "a list", "empty object"])
def test_an_unusable_bundle_is_a_coded_refusal_for_add_and_show(world, tmp_path, body):
    bad = tmp_path / "bundle.json"
    bad.write_bytes(body)
    for args in (("add", str(world["own"])), ("show", str(world["own"]))):
        result = run(*args, "--bundle", str(bad), "--passport", str(tmp_path / "p"))
        assert result.exit_code == 2 and "error [" in result.output, result.output
    assert not (tmp_path / "p" / "bundle.json").exists()
