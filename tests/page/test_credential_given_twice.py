"""One credential given twice (two files, its file and its QR code, a passport PDF or presentation that holds it twice)
is checked and shown once, with the warning ``duplicate_credential`` that says a copy was left out (nl/en). The same
credential is the same id and proof value and the same JSON (``schemas.vc.repeated``): two different credentials with
one id are no copies, and both are checked as before."""

from __future__ import annotations

import copy
import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pageworld import PageWorld
from skillspas.issuer.cli import app as cli_app
from skillspas.schemas.vc import repeated
from skillspas.wallet_export.presentation import build_presentation


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> PageWorld:
    return PageWorld(tmp_path_factory.mktemp("given-twice")).build()


def _verify(world: PageWorld, *args: str | Path) -> tuple[int, str]:
    result = CliRunner().invoke(cli_app, ["verify", *map(str, args), "--bundle", str(world.files["bundle"]),
                                          "--trust-anchor", world.anchor.controller])
    assert "Traceback" not in result.stdout + result.stderr
    return result.exit_code, result.stdout


def _copy(world: PageWorld, tmp_path: Path, name: str) -> Path:
    return Path(shutil.copy(world.files[name], tmp_path / f"{name}-kopie.json"))


def _left_out(result: dict) -> list[dict]:
    return [w for w in result["warnings"] if w["code"] == "duplicate_credential"]


def test_a_credential_file_given_twice_is_one_row_of_the_passport_and_its_copy_is_named_in_the_json(world, tmp_path):
    exit_code, out = _verify(world, world.files["diploma"], _copy(world, tmp_path, "diploma"), world.files["evc"], "--json")
    result = json.loads(out)
    passport = result["passport"]
    assert exit_code == 0 and result["verified"] is True, out
    assert [row["name"] for row in passport["credentials"]] == [world.credentials[n]["name"] for n in ("diploma", "evc")]
    assert passport["summary"]["verifiedCredentials"] == [0, 1]
    assert [w["path"] for w in _left_out(result)] == ["/verifiableCredential/1"]


@pytest.mark.parametrize(("lang", "said"), [
    ("nl", "Hetzelfde bewijsstuk is meer dan één keer gegeven: het is één keer gecontroleerd en getoond. "
           "[duplicate_credential] bewijsstuk 2 is hetzelfde als bewijsstuk 1 (dezelfde id en handtekening) en is weggelaten"),
    ("en", "The same credential was given more than once: it is checked and shown once. "
           "[duplicate_credential] credential 2 is the same as credential 1 (the same id and proof) and was left out"),
])
def test_the_passport_of_files_shows_a_credential_given_twice_once_and_says_so_in_dutch_and_english(world, tmp_path, lang, said):
    exit_code, out = _verify(world, world.files["diploma"], _copy(world, tmp_path, "diploma"), world.files["evc"],
                             "--lang", lang)
    rows = [line.strip() for line in out.splitlines() if line.strip().startswith("✓ #")]
    assert exit_code == 0, out
    assert [row.split()[1] for row in rows] == ["#1", "#3"], out  # numbered as given: the copy keeps its number
    assert sum(world.credentials["diploma"]["name"] in row for row in rows) == 1
    assert [line.split(": ", 1)[1] for line in out.splitlines() if "[duplicate_credential]" in line] == [said]


def test_a_credential_file_and_its_own_qr_code_are_one_credential(world):
    exit_code, out = _verify(world, world.files["diploma"], world.files["qr_valid"], "--json")
    result = json.loads(out)
    assert exit_code == 0 and [row["name"] for row in result["passport"]["credentials"]] == [
        world.credentials["diploma"]["name"]], out
    assert len(_left_out(result)) == 1


def test_a_passport_pdf_that_holds_a_credential_twice_shows_it_once_in_verify_and_on_the_page(world, tmp_path):
    from fastapi.testclient import TestClient

    from skillspas.verifier.page import PageSettings, create_page_app
    from skillspas.wallet_export.pdf import render_pdf  # as an older export made it: no build_passport in between

    diploma = world.credentials["diploma"]
    again = dict(reversed(diploma.items()))  # the same JSON written in another order (another QR code: the PDF reader
    assert again == diploma  # keeps one of two equal codes itself)
    pdf = tmp_path / "paspoort.pdf"
    pdf.write_bytes(render_pdf([diploma, world.credentials["evc"], again]))
    exit_code, out = _verify(world, pdf, "--json")
    result = json.loads(out)
    assert exit_code == 0 and [row["name"] for row in result["passport"]["credentials"]] == [
        world.credentials[n]["name"] for n in ("diploma", "evc")], out
    assert [w["path"] for w in _left_out(result)] == ["/verifiableCredential/2"]
    client = TestClient(create_page_app(PageSettings(bundle=world.bundle(), trust_anchors=(world.anchor.controller,))),
                        base_url="http://127.0.0.1:8765")
    view = client.post("/api/verify", content=pdf.read_bytes()).json()["view"]
    assert len(view["credentials"]) == 2 and view["verdict"] == "warning"
    assert [w["code"] for w in view["warnings"]] == ["holder_not_proven", "duplicate_credential"]
    assert len(view["collect"]["credentials"]) == 3  # the page's collection leaves copies out itself (app.js)


def test_a_failed_credential_after_a_copy_left_out_is_named_at_its_own_place(world, tmp_path):
    """The copies left out shift nothing a person or a JSON Pointer names: the tampered diploma is #3 and
    ``/verifiableCredential/2``, and what it claims to be is its own (``VerificationResult.presented``)."""
    evc = world.credentials["evc"]
    path = tmp_path / "presentatie.json"
    path.write_text(json.dumps(build_presentation([evc, evc, world.credentials["tampered"]])), "utf-8")
    exit_code, out = _verify(world, path, "--json")
    result = json.loads(out)
    assert exit_code == 1 and len(result["credentials"]) == 2, out
    assert result["errors"] == [] and result["credentials"][1]["errors"][0]["code"] == "invalid_signature"
    _, text = _verify(world, path)
    assert "✗ #3 " in text and "Iemand Anders" not in text.split("✗ #3 ", 1)[0], text


def test_two_different_credentials_with_one_id_are_no_copies_and_both_are_checked(world, tmp_path):
    """The tampered diploma has the diploma's id and proof value, not its content: no copy, so not left out (it would
    hide which of the two is genuine); it fails as it did before."""
    diploma, tampered = world.credentials["diploma"], world.credentials["tampered"]
    assert diploma["id"] == tampered["id"] and diploma["proof"] == tampered["proof"]
    assert repeated([diploma, tampered]) == {} and repeated([diploma, copy.deepcopy(diploma)]) == {1: 0}
    path = tmp_path / "tampered.json"
    path.write_text(json.dumps(tampered), "utf-8")
    exit_code, out = _verify(world, world.files["diploma"], path, "--json")
    result = json.loads(out)
    assert exit_code == 1 and [row["verdict"] for row in result["passport"]["credentials"]] == ["valid", "invalid"]
    assert _left_out(result) == []


def test_a_copy_is_the_same_json_not_only_an_equal_python_value():
    signed = {"id": "urn:uuid:1", "proof": {"proofValue": "z1"}, "n": 1}
    assert repeated([signed, {**signed, "n": 1.0}]) == {} and repeated([signed, {**signed, "n": True}]) == {}
    assert repeated([{"id": "urn:uuid:1"}, {"id": "urn:uuid:1"}]) == {}  # no proof value: nobody's copy
