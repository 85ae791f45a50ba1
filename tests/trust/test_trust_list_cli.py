"""`skillspas trust-list sign` and `show`, as a trust anchor runs them; then a bundle and a verification."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

import pytest

from trustworld import TYPES_CONTEXT_DIR, UTC, World
from skillspas.keys.did_web import did_web_to_path

SKILLSPAS = [sys.executable, "-c", "from skillspas.issuer.cli import main; main()"]


def run(*args: str | Path) -> subprocess.CompletedProcess:
    proc = subprocess.run([*SKILLSPAS, *map(str, args)], capture_output=True, text=True, timeout=120)
    assert "Traceback" not in proc.stdout + proc.stderr
    return proc


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    world = World()
    folder = tmp_path_factory.mktemp("trust-list-cli")
    made = run("keys", "generate", "--out", folder / "anchor.json")
    assert made.returncode == 0, made.stderr
    for document in world.documents()[:2]:  # the ROC and the EVC provider publish did.json; the bakery not
        path = folder / "dids" / did_web_to_path(document["id"])
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(document), "utf-8")
    issuers = [
        {"did": world.roc.did, "name": world.roc.name, "credentialTypes": ["MboDiploma"], "role": "roc"},
        {"did": world.evc.did, "name": world.evc.name, "credentialTypes": ["Ervaringscertificaat"]},
        {"did": world.bakery.did, "name": world.bakery.name, "credentialTypes": ["MicroCredential"],
         "validUntil": "2030-01-01T00:00:00Z"},
    ]
    (folder / "issuers.json").write_text(json.dumps(issuers), "utf-8")
    created = dt.datetime.now(UTC) - dt.timedelta(days=1)
    (folder / "diploma.json").write_text(json.dumps(world.credential(world.roc, created=created)), "utf-8")
    return folder


def test_sign_pins_the_keys_of_the_given_did_documents_and_warns_about_the_rest(folder):
    signed = run("trust-list", "sign", folder / "issuers.json", "--key", folder / "anchor.json",
                 "--dids", folder / "dids", "--valid-days", "30", "--out", folder / "tl.json")
    assert signed.returncode == 0, signed.stderr
    summary = json.loads(signed.stdout)
    assert summary["issuers"] == 3 and summary["pinned"] == 2
    assert "did:web:bakkerij.example has no pinned keys" in signed.stderr
    shown = run("trust-list", "show", folder / "tl.json", "--trust-anchor", summary["issuer"])
    assert shown.returncode == 0, shown.stderr
    entries = json.loads(shown.stdout)["entries"]
    assert [len(e.get("publicKeyMultibase", [])) for e in entries] == [1, 1, 0]
    assert json.loads(shown.stdout)["validUntil"] == json.loads((folder / "tl.json").read_text())["validUntil"]  # ...Z
    other_anchor = run("trust-list", "show", folder / "tl.json", "--trust-anchor", "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK")
    assert other_anchor.returncode == 1 and "untrusted_issuer" in other_anchor.stderr


def test_the_signed_list_goes_into_a_bundle_that_verifies_the_roc_diploma(folder):
    made = run("bundle", "create", "--trust-list", folder / "tl.json", "--dids", folder / "dids",
               "--contexts", TYPES_CONTEXT_DIR, "--out", folder / "bundle.json")
    assert made.returncode == 0, made.stderr
    anchor = json.loads((folder / "tl.json").read_text("utf-8"))["issuer"]
    verified = run("verify", folder / "diploma.json", "--bundle", folder / "bundle.json", "--trust-anchor", anchor)
    assert verified.returncode == 0, verified.stdout + verified.stderr


@pytest.mark.parametrize("issuers, words", [
    ({"did": "x"}, "JSON list"),
    ([{"did": "did:web:a.example", "name": "A", "credentialTypes": ["MboDiploma"], "colour": "red"}], "unknown field 'colour'"),
    ([{"did": "not-a-did", "name": "A", "credentialTypes": ["MboDiploma"]}], "must be a DID"),
    ([{"did": "did:web:a.example", "name": "A", "credentialTypes": []}], "credential type"),
    ([{"did": "did:web:a.example", "name": "A", "credentialTypes": ["X"], "validUntil": "morgen"}], "validUntil"),
    ([{"did": "did:web:a.example", "name": "A", "credentialTypes": ["X"], "publicKeyMultibase": "z123"}], "Multikey"),
])
def test_a_bad_issuers_file_is_refused_with_where_and_why(folder, tmp_path, issuers, words):
    (tmp_path / "issuers.json").write_text(json.dumps(issuers), "utf-8")
    proc = run("trust-list", "sign", tmp_path / "issuers.json", "--key", folder / "anchor.json", "--out", tmp_path / "tl.json")
    assert proc.returncode == 2 and words in proc.stderr, proc.stderr
    assert not (tmp_path / "tl.json").exists()


@pytest.mark.parametrize("issuers, words", [
    ([{"did": "did:web:a.example", "name": "A", "credentialTypes": ["X"], "role": 5}], "role"),
    ([{"did": "did:web:a.example", "name": "A", "credentialTypes": ["X"],
       "validFrom": "2027-01-01T00:00:00Z", "validUntil": "2026-01-01T00:00:00Z"}], "validFrom is after validUntil"),
    ([{"did": "did:web:a.example", "name": "A", "credentialTypes": "MboDiploma"}], "credentialTypes must be a list"),
])
def test_entries_a_verifier_would_refuse_are_refused_when_signing(folder, tmp_path, issuers, words):
    test_a_bad_issuers_file_is_refused_with_where_and_why(folder, tmp_path, issuers, words)


def test_valid_days_is_bounded(folder, tmp_path):
    proc = run("trust-list", "sign", folder / "issuers.json", "--key", folder / "anchor.json", "--valid-days",
               "99999999", "--out", tmp_path / "tl.json")
    assert proc.returncode == 2 and "--valid-days" in proc.stderr and not (tmp_path / "tl.json").exists()


def test_only_the_issuers_own_assertion_keys_are_pinned(folder, tmp_path):
    from skillspas.keys import base58btc, generate

    world = World()
    document = world.roc.document()
    did = document["id"]
    own, foreign, login = (generate("ed25519").public_key.multibase for _ in range(3))
    x25519 = "z" + base58btc.encode(bytes([0xEC, 0x01]) + bytes(range(32)))
    document["verificationMethod"] += [
        {"id": f"{did}#foreign", "type": "Multikey", "controller": "did:web:evil.example", "publicKeyMultibase": foreign},
        {"id": f"{did}#login", "type": "Multikey", "controller": did, "publicKeyMultibase": login},
        {"id": f"{did}#kx", "type": "Multikey", "controller": did, "publicKeyMultibase": x25519},
    ]
    document["assertionMethod"] += [f"{did}#foreign",
                                    {"id": f"{did}#embedded", "type": "Multikey", "controller": did, "publicKeyMultibase": own}]
    document["authentication"] = [f"{did}#login"]
    document["keyAgreement"] = [f"{did}#kx"]
    (tmp_path / "roc.json").write_text(json.dumps(document), "utf-8")
    (tmp_path / "issuers.json").write_text(json.dumps(
        [{"did": did, "name": "ROC", "credentialTypes": ["MboDiploma"]}]), "utf-8")
    proc = run("trust-list", "sign", tmp_path / "issuers.json", "--key", folder / "anchor.json",
               "--did-document", tmp_path / "roc.json", "--out", tmp_path / "tl.json")
    assert proc.returncode == 0, proc.stderr
    pinned = json.loads((tmp_path / "tl.json").read_text("utf-8"))["credentialSubject"]["trustedIssuer"][0]["publicKeyMultibase"]
    assert own in pinned and foreign not in pinned and login not in pinned and x25519 not in pinned
    assert world.roc.document()["verificationMethod"][0]["publicKeyMultibase"] in pinned


def test_a_did_web_trust_anchor_can_sign_too(folder, tmp_path):
    made = run("keys", "generate", "--out", tmp_path / "anchor-web.json", "--controller", "did:web:erkenning.example",
               "--id", "did:web:erkenning.example#key-1")
    assert made.returncode == 0, made.stderr
    signed = run("trust-list", "sign", folder / "issuers.json", "--key", tmp_path / "anchor-web.json",
                 "--dids", folder / "dids", "--out", tmp_path / "tl.json")
    assert signed.returncode == 0, signed.stderr
    assert json.loads(signed.stdout)["issuer"] == "did:web:erkenning.example"


def test_lists_signed_before_stay_readable_even_where_signing_now_is_stricter():
    from skillspas.keys.trust_list import TrustList

    world = World()
    credential = world.trust_list().to_credential()
    entry = credential["credentialSubject"]["trustedIssuer"][0]
    entry["role"] = ""
    entry["validFrom"], entry["validUntil"] = "2027-01-01T00:00:00Z", "2026-01-01T00:00:00Z"
    listed = TrustList.from_credential(credential)
    assert listed.entries[0].role == "" and not listed.entries[0].active_at(dt.datetime(2026, 6, 1, tzinfo=UTC))


@pytest.mark.parametrize("dids", ["missing", "issuers.json"], ids=["a folder that does not exist", "a file"])
def test_dids_that_is_no_folder_is_a_file_error_with_exit_2(folder, tmp_path, dids):
    proc = run("trust-list", "sign", folder / "issuers.json", "--key", folder / "anchor.json",
               "--dids", folder / dids, "--out", tmp_path / "tl.json")
    assert proc.returncode == 2 and "fout [file_error]" in proc.stderr and dids in proc.stderr, proc.stderr
    assert ("bestaat niet" in proc.stderr) == (dids == "missing") and not (tmp_path / "tl.json").exists()


@pytest.mark.parametrize("issuers, dutch", [
    pytest.param({"did": "x"}, "JSON-lijst", id="not a list"),
    pytest.param(["x"], "JSON-object", id="an entry that is no object"),
    pytest.param([{"did": "did:web:a.example", "name": "A", "credentialTypes": ["X"], "colour": "red"}],
                 "onbekend veld 'colour'", id="an unknown field"),
    pytest.param([{"did": "not-a-did", "name": "A", "credentialTypes": ["MboDiploma"]}], "moet een DID zijn",
                 id="no DID"),
    pytest.param([{"did": "did:web:a.example", "name": "A", "credentialTypes": ["X"], "role": ""}], "niet-lege tekst",
                 id="an empty role"),
    pytest.param([{"did": "did:web:a.example", "name": "A", "credentialTypes": ["X"]},
                  {"did": "did:web:a.example", "name": "B", "credentialTypes": ["Y"]}], "maar één keer",
                 id="one DID twice"),
])
def test_a_bad_issuers_file_is_explained_in_dutch_too(folder, tmp_path, issuers, dutch):
    """The trust anchor reads the Dutch line first: it says what is wrong with the issuers file, not the code's
    sentence about a credential ("Het bewijsstuk heeft niet de vereiste opbouw")."""
    (tmp_path / "issuers.json").write_text(json.dumps(issuers), "utf-8")
    proc = run("trust-list", "sign", tmp_path / "issuers.json", "--key", folder / "anchor.json", "--out", tmp_path / "tl.json")
    first = proc.stderr.splitlines()[0]
    assert proc.returncode == 2 and first.startswith("fout [schema_invalid]: ") and dutch in first, proc.stderr


def test_valid_days_out_of_bounds_is_an_invalid_option_in_dutch_and_english(folder, tmp_path):
    proc = run("trust-list", "sign", folder / "issuers.json", "--key", folder / "anchor.json", "--valid-days", "0",
               "--out", tmp_path / "tl.json")
    assert proc.returncode == 2 and proc.stderr.splitlines() == [
        "fout [invalid_option]: --valid-days moet van 1 tot en met 3660 zijn",
        "error [invalid_option]: --valid-days must be from 1 to 3660"]


def test_an_issuer_left_without_pinned_keys_is_named_in_dutch_and_english(folder, tmp_path):
    proc = run("trust-list", "sign", folder / "issuers.json", "--key", folder / "anchor.json", "--out", tmp_path / "tl.json")
    assert proc.returncode == 0, proc.stderr
    assert "let op: van did:web:roc.example zijn geen sleutels vastgelegd: geef zijn did.json met --did-document " \
           "BESTAND, of in --dids MAP als MAP/roc.example/.well-known/did.json" in proc.stderr.splitlines()
    assert "warning: did:web:roc.example has no pinned keys: give its did.json with --did-document FILE, or in " \
           "--dids DIR as DIR/roc.example/.well-known/did.json" in proc.stderr.splitlines()


def test_a_did_json_put_in_dids_under_another_name_leaves_a_warning_that_says_where_it_belongs(folder, tmp_path):
    """A new user puts the ROC's did.json in dids/roc.json: --dids reads only HOST/.well-known/did.json, so the keys
    were not pinned, and the warning said "give its did.json", which the user had done."""
    (tmp_path / "dids").mkdir()
    (tmp_path / "dids" / "roc.json").write_text((folder / "dids" / "roc.example" / ".well-known" / "did.json").read_text())
    proc = run("trust-list", "sign", folder / "issuers.json", "--key", folder / "anchor.json", "--dids", tmp_path / "dids",
               "--out", tmp_path / "tl.json")
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["pinned"] == 0
    roc = [line for line in proc.stderr.splitlines() if "did:web:roc.example" in line]
    assert len(roc) == 2 and all("roc.example/.well-known/did.json" in line for line in roc), proc.stderr


def test_a_typed_wrong_credential_type_or_did_is_named_on_stderr_in_dutch_and_english(folder, tmp_path):
    """A list is signed as it is: "MboDiplom" would make every diploma of the ROC untrusted for a year, and a
    DID typed wrongly leaves its did.json unused; both are named before the list is published (exit 0)."""
    issuers = json.loads((folder / "issuers.json").read_text("utf-8"))
    issuers[0]["credentialTypes"] = ["MboDiplom"]
    evc = issuers[1]["did"]
    issuers[1]["did"] = evc.replace(".example", ".exmaple")
    (tmp_path / "issuers.json").write_text(json.dumps(issuers), "utf-8")
    proc = run("trust-list", "sign", tmp_path / "issuers.json", "--key", folder / "anchor.json",
               "--dids", folder / "dids", "--out", tmp_path / "tl.json")
    assert proc.returncode == 0, proc.stderr
    lines = proc.stderr.splitlines()
    assert any(line.startswith("let op: ") and "'MboDiplom' bestaat niet" in line for line in lines), lines
    assert any(line.startswith("warning: ") and "'MboDiplom' does not exist" in line for line in lines)
    assert any(line.startswith("let op: het did.json van " + evc) for line in lines)
    assert any(line.startswith("warning: the did.json of " + evc) for line in lines)
    clean = run("trust-list", "sign", folder / "issuers.json", "--key", folder / "anchor.json",
                "--dids", folder / "dids", "--out", tmp_path / "tl2.json")
    assert "does not exist" not in clean.stderr and "belongs to no entry" not in clean.stderr


@pytest.mark.parametrize("anchor", ["roc", "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK#z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK",
                                    "trust-anchor.txt"],
                         ids=["a name", "the key id that keys generate prints first", "the demo's file that holds it"])
def test_a_trust_anchor_that_is_no_did_is_an_invalid_option_saying_what_to_give(folder, tmp_path, anchor):
    signed = run("trust-list", "sign", folder / "issuers.json", "--key", folder / "anchor.json", "--dids", folder / "dids",
                 "--out", tmp_path / "tl.json")
    assert signed.returncode == 0, signed.stderr
    shown = run("trust-list", "show", tmp_path / "tl.json", "--trust-anchor", anchor)
    assert shown.returncode == 2 and "fout [invalid_option]: --trust-anchor" in shown.stderr, shown.stderr
    assert "zonder '#…'" in shown.stderr and "without '#…'" in shown.stderr
    assert '--trust-anchor "$(cat trust-anchor.txt)"' in shown.stderr
    bundled = run("bundle", "create", "--trust-list", tmp_path / "tl.json", "--trust-anchor", anchor,
                  "--out", tmp_path / "bundle.json")
    assert bundled.returncode == 2 and "[invalid_option]" in bundled.stderr and not (tmp_path / "bundle.json").exists()
    made = run("bundle", "create", "--trust-list", tmp_path / "tl.json", "--dids", folder / "dids",
               "--contexts", TYPES_CONTEXT_DIR, "--out", tmp_path / "bundle.json")
    assert made.returncode == 0, made.stderr
    # Refused before the credential is read (exit 2, as trust-list show and bundle create), not every credential
    # "untrusted_issuer" (exit 1) with the bundle's update as the advice.
    checked = run("verify", folder / "diploma.json", "--bundle", tmp_path / "bundle.json", "--trust-anchor", anchor)
    assert checked.returncode == 2 and "fout [invalid_option]: --trust-anchor" in checked.stderr, checked.stderr
    assert "zonder '#…'" in checked.stderr and "untrusted_issuer" not in checked.stdout + checked.stderr


@pytest.mark.parametrize("did", ["did:web:", "did:web:roc example", "did:web:roc.example/path", "did:web:roc.example#key-1",
                                 pytest.param("did:web:ROC.example", id="a host not in lowercase: a second spelling")])
def test_a_did_web_entry_that_is_no_valid_did_web_is_refused_in_dutch_and_english_and_nothing_is_written(
        folder, tmp_path, did):
    entries = [{"did": "did:web:roc.example", "name": "ROC", "credentialTypes": ["MboDiploma"]},
               {"did": did, "name": "X", "credentialTypes": ["MboDiploma"]}]
    (tmp_path / "issuers.json").write_text(json.dumps(entries))
    proc = run("trust-list", "sign", tmp_path / "issuers.json", "--key", folder / "anchor.json", "--out", tmp_path / "tl.json")
    assert proc.returncode == 2 and not (tmp_path / "tl.json").exists() and proc.stdout == "", proc.stderr
    assert "fout [schema_invalid]: " in proc.stderr and "error [schema_invalid]: " in proc.stderr
    assert "geen geldige did:web-DID" in proc.stderr and "no valid did:web DID" in proc.stderr and "/1/did" in proc.stderr