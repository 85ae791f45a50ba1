"""`skillspas bundle create` and `skillspas verify --bundle` as a user runs them, also with networking off."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from trustworld import TYPES_CONTEXT_DIR, UTC, new_did_key_credential
from skillspas.keys.did_web import did_web_to_path



SKILLSPAS = [sys.executable, "-c", "from skillspas.issuer.cli import main; main()"]


def run(*args: str | Path, prefix: tuple[str, ...] = ()) -> subprocess.CompletedProcess:
    proc = subprocess.run([*prefix, *SKILLSPAS, *map(str, args)], capture_output=True, text=True, timeout=120)
    assert "Traceback" not in proc.stdout + proc.stderr
    return proc


def write(path: Path, document) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(document, indent=2), "utf-8")
    return path


@pytest.fixture(scope="module")
def files(world, tmp_path_factory):
    """Signed inputs dated around the real clock (the CLI takes ``now`` itself)."""
    folder = tmp_path_factory.mktemp("bundle-cli")
    now = dt.datetime.now(UTC)
    trust_list = world.trust_list(valid_from=now - dt.timedelta(days=30), valid_until=now + dt.timedelta(days=365))
    write(folder / "trust-list.json", world.signed_trust_list(trust_list))
    for document in world.documents():
        write(folder / "dids" / did_web_to_path(document["id"]), document)
    write(folder / "status-fresh.json", world.status_list(revoked=(13,), valid_from=now - dt.timedelta(hours=1)))
    write(folder / "status-stale.json", world.status_list(revoked=(13,), valid_from=now - dt.timedelta(days=10)))
    created = now - dt.timedelta(days=1)
    write(folder / "diploma.json", world.credential(world.roc, created=created, status_index=12))
    write(folder / "revoked.json", world.credential(world.roc, created=created, status_index=13))
    write(folder / "bakery-diploma.json", world.credential(world.bakery, "MboDiploma", created=created))
    write(folder / "bakery-micro.json", world.credential(world.bakery, "MicroCredential", created=created))
    common = ["--trust-list", folder / "trust-list.json", "--dids", folder / "dids", "--contexts", TYPES_CONTEXT_DIR]
    made = run("bundle", "create", *common, "--status-list", folder / "status-fresh.json", "--out", folder / "bundle.json")
    assert made.returncode == 0, made.stderr
    stale = run("bundle", "create", *common, "--status-list", folder / "status-stale.json",
                "--out", folder / "stale-bundle", "--folder")
    assert stale.returncode == 0, stale.stderr
    return folder


def test_bundle_create_reports_what_it_gathered(files):
    shown = run("bundle", "show", files / "bundle.json")
    assert shown.returncode == 0
    info = json.loads(shown.stdout)
    assert info["statusLists"] == ["https://roc.example/status/1"]
    assert "did:web:roc.example" in info["didDocuments"] and info["trustList"]
    assert info["createdAt"].endswith("Z")


def test_verify_with_bundle_is_valid_and_names_the_issuer_from_the_trust_list(files, world):
    pinned = ("--trust-anchor", world.anchor.controller)
    proc = run("verify", files / "diploma.json", "--bundle", files / "bundle.json", *pinned)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "GELDIG" in proc.stdout and "ROC Voorbeeldstad" in proc.stdout and "trust_list_not_pinned" not in proc.stdout
    result = json.loads(run("verify", files / "diploma.json", "--bundle", files / "bundle.json", *pinned, "--json").stdout)
    assert result["verified"] and result["summary"]["issuerName"] == "ROC Voorbeeldstad"
    assert result["warnings"] == []


def test_a_trust_list_no_anchor_pins_is_valid_with_a_warning_naming_who_signed_it(files, world):
    """DESIGN.md threat 8: a bundle the candidate hands over can carry a list its maker signed; without
    --trust-anchor the verdict says that the list vouches for itself (exit 0, orange), in Dutch and English."""
    proc = run("verify", files / "diploma.json", "--bundle", files / "bundle.json")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "trust_list_not_pinned" in proc.stdout and world.anchor.controller in proc.stdout
    assert "vertrouwenslijst" in proc.stdout
    result = json.loads(run("verify", files / "diploma.json", "--bundle", files / "bundle.json", "--json",
                            "--lang", "en").stdout)
    assert result["verified"] and [w["code"] for w in result["warnings"]] == ["trust_list_not_pinned"]
    assert "--trust-anchor" in result["warnings"][0]["message"]
    # an issuer the employer names on the command line is trusted by that, not by the list: no warning
    named = run("verify", files / "diploma.json", "--bundle", files / "bundle.json", "--trust-issuer",
                world.roc.did, "--json")
    assert json.loads(named.stdout)["warnings"] == []


@pytest.mark.parametrize(
    ("name", "code"),
    [("revoked.json", "revoked"), ("bakery-diploma.json", "untrusted_issuer")],
)
def test_verify_with_bundle_reports_not_valid_with_exit_1(files, name, code):
    proc = run("verify", files / name, "--bundle", files / "bundle.json", "--json")
    assert proc.returncode == 1
    assert json.loads(proc.stdout)["errors"][0]["code"] == code


def test_stale_status_list_is_shown_as_a_warning_with_exit_0(files, world):
    stale = ("--bundle", files / "stale-bundle", "--trust-anchor", world.anchor.controller)
    proc = run("verify", files / "diploma.json", *stale)
    assert proc.returncode == 0, proc.stdout
    assert "LET OP" in proc.stdout
    result = json.loads(run("verify", files / "diploma.json", *stale, "--json", "--lang", "en").stdout)
    assert [w["code"] for w in result["warnings"]] == ["status_unavailable"]
    relaxed = run("verify", files / "diploma.json", *stale, "--max-status-age", "30d", "--json")
    assert relaxed.returncode == 0 and json.loads(relaxed.stdout)["warnings"] == []


def test_tampered_trust_list_is_refused_by_bundle_create_and_by_verify(files, tmp_path):
    document = json.loads((files / "trust-list.json").read_text())
    document["credentialSubject"]["trustedIssuer"][2]["credentialType"].append("MboDiploma")
    write(tmp_path / "tampered.json", document)
    made = run("bundle", "create", "--trust-list", tmp_path / "tampered.json", "--dids", files / "dids",
               "--out", tmp_path / "b.json")
    assert made.returncode == 1 and "invalid_signature" in made.stderr
    assert not (tmp_path / "b.json").exists()
    bundle = json.loads((files / "bundle.json").read_text())
    bundle["trustList"] = document
    write(tmp_path / "hand-edited.json", bundle)
    proc = run("verify", files / "bakery-diploma.json", "--bundle", tmp_path / "hand-edited.json", "--json")
    assert proc.returncode == 1
    error = json.loads(proc.stdout)["errors"][0]
    assert error["code"] == "untrusted_issuer" and "invalid_signature" in error["message"]


def test_without_a_bundle_a_valid_signature_needs_trust_issuer(tmp_path):
    credential, signer = new_did_key_credential()
    write(tmp_path / "c.json", credential)
    proc = run("verify", tmp_path / "c.json", "--json")
    assert proc.returncode == 1 and json.loads(proc.stdout)["errors"][0]["code"] == "untrusted_issuer"
    assert run("verify", tmp_path / "c.json", "--trust-issuer", signer.controller).returncode == 0


@pytest.mark.parametrize("bundled", [True, False], ids=["not on the bundle's trust list", "no bundle, no --trust-issuer"])
def test_the_untrusted_issuer_detail_line_is_in_the_language_of_lang(files, tmp_path, bundled):
    if bundled:
        args: tuple[str | Path, ...] = (files / "bakery-diploma.json", "--bundle", files / "bundle.json")
    else:
        args = (write(tmp_path / "c.json", new_did_key_credential()[0]),)
    details = {}
    for lang in ("nl", "en"):
        proc = run("verify", *args, "--lang", lang)
        assert proc.returncode == 1, proc.stdout + proc.stderr
        details[lang] = next(line for line in proc.stdout.splitlines() if line.startswith("  [untrusted_issuer] "))
    english = json.loads(run("verify", *args, "--json").stdout)["errors"][0]["message"]
    assert details["en"].startswith(f"  [untrusted_issuer] {english}")
    assert details["nl"] != details["en"] and ("vertrouwenslijst" in details["nl"] or "--trust-issuer" in details["nl"])
    assert not any(word in details["nl"].split() for word in ("the", "is", "not", "nothing", "use"))


def test_unusable_bundle_is_exit_2(files, tmp_path):
    (tmp_path / "bad.json").write_text('{"type": "SkillspasBundle", "version": 99}')
    proc = run("verify", files / "diploma.json", "--bundle", tmp_path / "bad.json")
    assert proc.returncode == 2 and "schema_invalid" in proc.stderr


def test_verify_with_bundle_passes_with_networking_disabled(files):
    unshare = shutil.which("unshare")
    assert unshare, "util-linux unshare is needed for this test"
    probe = subprocess.run(
        [unshare, "-n", sys.executable, "-c",
         "import socket; socket.create_connection(('192.0.2.1', 443), timeout=3)"],
        capture_output=True, text=True, timeout=60,
    )
    assert probe.returncode != 0 and ("unreachable" in probe.stderr or "Errno" in probe.stderr), probe.stderr
    proc = run("verify", files / "diploma.json", "--bundle", files / "bundle.json", "--json", prefix=(unshare, "-n"))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert json.loads(proc.stdout)["summary"]["issuerName"] == "ROC Voorbeeldstad"
    revoked = run("verify", files / "revoked.json", "--bundle", files / "bundle.json", "--json", prefix=(unshare, "-n"))
    assert revoked.returncode == 1 and json.loads(revoked.stdout)["errors"][0]["code"] == "revoked"


def test_bundle_create_warns_of_an_issuer_on_the_trust_list_whose_did_document_it_lacks(files, world, tmp_path):
    """A did.json left out makes every credential of that issuer "cannot be checked" with the bundle; the
    trust anchor is told before it hands the bundle out (the bundle is still written: exit 0)."""
    shutil.copytree(files / "dids", tmp_path / "dids")
    shutil.rmtree(tmp_path / "dids" / did_web_to_path(world.roc.did).split("/")[0])
    made = run("bundle", "create", "--trust-list", files / "trust-list.json", "--dids", tmp_path / "dids",
               "--contexts", TYPES_CONTEXT_DIR, "--out", tmp_path / "bundle.json")
    assert made.returncode == 0, made.stderr
    lines = made.stderr.splitlines()
    assert f"let op: de bundel heeft geen DID-document van {world.roc.did} (op de vertrouwenslijst): zijn bewijsstukken " \
           "zijn met deze bundel niet te controleren; geef zijn did.json (--dids, --did-document)" in lines
    assert any(line.startswith(f"warning: the bundle has no DID document of {world.roc.did}") for line in lines)
    complete = run("bundle", "create", "--trust-list", files / "trust-list.json", "--dids", files / "dids",
                   "--contexts", TYPES_CONTEXT_DIR, "--out", tmp_path / "complete.json")
    assert complete.returncode == 0 and world.roc.did not in complete.stderr


def test_an_expired_trust_list_is_not_said_to_leave_the_issuer_off_the_list(files, world):
    """The headline of untrusted_issuer fits both cases: not on the list, or no valid list (expired, rejected)."""
    later = run("verify", files / "diploma.json", "--bundle", files / "bundle.json", "--trust-anchor",
                world.anchor.controller, "--now", "2099-01-15T12:00:00Z")
    assert later.returncode == 1, later.stdout + later.stderr
    assert "staat niet op de vertrouwenslijst" not in later.stdout and "Geen geldige vertrouwenslijst" in later.stdout
    assert "verlopen" in later.stdout, later.stdout


def test_bundle_create_without_any_input_writes_nothing_and_says_what_to_give(tmp_path):
    proc = run("bundle", "create", "--out", tmp_path / "b.json")
    assert proc.returncode == 2 and "[invalid_option]" in proc.stderr, proc.stderr
    assert "--trust-list" in proc.stderr and "controleert niets" in proc.stderr
    assert not (tmp_path / "b.json").exists()
