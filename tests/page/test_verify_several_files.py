"""``skillspas verify diploma.json evc.json …``: several credentials' JSON files (QR images among them too) checked
together as one passport without holder proof, as several QR codes are (``"source": "files"``), within the bounds of
``Limits`` (``max_credentials`` files, ``max_bytes`` together); a presentation or JSON that is no credential among them
is refused with a code, naming the file. A new user's ``verify a.json b.json`` was refused as "not a QR code"."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pageworld import PageWorld
from skillspas.issuer.cli import app as cli_app
from skillspas.schemas.errors import ErrorCode, SkillspasError
from skillspas.schemas.limits import Limits
from skillspas.verifier.cli import _qr_parts_input
from skillspas.verifier.qr import encode_payload
from skillspas.wallet_export.qr import qr_for_text

ANOUK = ("diploma", "praktijkverklaring", "evc", "microcredential")


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> PageWorld:
    return PageWorld(tmp_path_factory.mktemp("several-files")).build()


def _verify(world: PageWorld, *args: str | Path) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli_app, ["verify", *map(str, args), "--bundle", str(world.files["bundle"]),
                                          "--trust-anchor", world.anchor.controller])
    assert "Traceback" not in result.stdout + result.stderr
    return result.exit_code, result.stdout, result.stderr


def test_several_credential_files_are_one_passport_numbered_in_the_order_given(world):
    files = [world.files[name] for name in ANOUK]
    exit_code, out, _err = _verify(world, *files, "--json")
    result = json.loads(out)
    passport = result["passport"]
    assert exit_code == 0 and result["verified"] is True, out
    assert passport["source"] == "files" and passport["verdict"] == "warning"  # separate files prove no holder
    assert [row["name"] for row in passport["credentials"]] == [world.credentials[n]["name"] for n in ANOUK]
    assert passport["summary"]["verifiedCredentials"] == [0, 1, 2, 3]


@pytest.mark.parametrize(("lang", "heading", "detail"), [
    ("nl", "PASPOORT (bestanden): ", "losse bewijsstukken bevatten geen handtekening van de houder"),
    ("en", "PASSPORT (files): ", "separate credentials carry no holder proof"),
])
def test_the_passport_of_several_files_is_headed_so_and_says_once_that_they_carry_no_holder_proof(world, lang, heading, detail):
    exit_code, out, _err = _verify(world, world.files["diploma"], world.files["evc"], "--lang", lang)
    warned = [line for line in out.splitlines() if "[holder_not_proven]" in line]
    assert exit_code == 0 and out.startswith(heading), out
    assert len(warned) == 1 and warned[0].endswith(f"[holder_not_proven] {detail}"), warned


def test_json_files_and_qr_images_mixed_are_one_passport_in_the_order_given(world, tmp_path):
    image = qr_for_text(encode_payload(world.credentials["evc"])).save(tmp_path / "evc.png")
    exit_code, out, _err = _verify(world, world.files["diploma"], image, world.files["microcredential"], "--json")
    passport = json.loads(out)["passport"]
    assert exit_code == 0 and passport["source"] == "files", out
    assert [row["name"] for row in passport["credentials"]] == [
        world.credentials[n]["name"] for n in ("diploma", "evc", "microcredential")]


def test_a_revoked_credential_file_among_them_is_its_own_row_and_counts_nothing(world):
    exit_code, out, _err = _verify(world, world.files["diploma"], world.files["revoked"], "--json")
    passport = json.loads(out)["passport"]
    assert exit_code == 1 and [(r["verdict"], r["code"]) for r in passport["credentials"]] == [
        ("valid", None), ("invalid", "revoked")]


@pytest.mark.parametrize(("make", "code", "said"), [
    pytest.param(lambda w: w.files["passport"], "invalid_option", "is een presentatie", id="a presentation"),
    pytest.param(lambda w: w.files["bundle"], "schema_invalid", "--bundle", id="the bundle"),
    pytest.param(lambda w: _write(w, "object.json", b'{"name": "Anouk"}'), "schema_invalid", "geen bewijsstuk",
                 id="an object that is no credential"),
    pytest.param(lambda w: _write(w, "list.json", b"[1, 2]"), "schema_invalid", "geen bewijsstuk", id="a list"),
    pytest.param(lambda w: _write(w, "broken.json", b'{"type": '), "malformed_json", "broken.json", id="broken JSON"),
])
def test_a_file_among_them_that_is_no_credential_is_refused_with_a_code_naming_it(world, make, code, said):
    named = make(world)
    exit_code, out, err = _verify(world, world.files["diploma"], named)
    nl, en = err.splitlines()[:2]
    assert exit_code == 2 and out == "", out
    assert nl.startswith(f"fout [{code}]: ") and en.startswith(f"error [{code}]: ") and said in nl, err
    assert Path(named).name in nl and Path(named).name in en
    refused = json.loads(_verify(world, world.files["diploma"], named, "--json")[1])
    assert refused["errors"][0]["code"] == code


def _write(world: PageWorld, name: str, data: bytes) -> Path:
    path = world.folder / name
    path.write_bytes(data)
    return path


def test_more_files_than_credentials_checked_together_are_refused_before_any_is_read(world):
    with pytest.raises(SkillspasError) as refused:
        _qr_parts_input(["missing.json"] * 3, Limits(max_credentials=2), files=True)
    assert refused.value.code is ErrorCode.TOO_LARGE and "hoogstens 2" in refused.value.text("nl")


def test_files_larger_together_than_the_bound_are_refused_too_large(world):
    sizes = [world.files[name].stat().st_size for name in ("diploma", "evc")]
    bound = str(sum(sizes) - 1)
    assert max(sizes) < int(bound)
    exit_code, out, _err = _verify(world, world.files["diploma"], world.files["evc"], "--max-bytes", bound, "--json")
    error = json.loads(out)["errors"][0]
    assert exit_code == 2 and error["code"] == "too_large" and "together" in error["message"], out


def test_a_json_file_after_qr_is_still_read_as_a_qr_code_and_refused(world):
    exit_code, _out, err = _verify(world, "--qr", world.files["diploma"], world.files["evc"])
    assert exit_code == 2 and err.startswith("fout [qr_unreadable]: ") and "zonder --qr" in err, err


def test_the_passport_a_page_collected_says_its_credentials_carry_no_holder_proof_as_verify_does(world):
    """The laptop and phone pages send the passport they put together from several QR codes or files as
    ``kind=passport``: its warning says what ``verify a.json b.json`` says, not that a presentation went unsigned."""
    from fastapi.testclient import TestClient

    from skillspas.verifier.browser.phone import check
    from skillspas.verifier.page import PageSettings, create_page_app
    from skillspas.verifier.page.inputs import passport_of

    collected = passport_of([world.credentials["diploma"], world.credentials["evc"]], Limits())
    client = TestClient(create_page_app(PageSettings(bundle=world.bundle(), trust_anchors=(world.anchor.controller,))),
                        base_url="http://127.0.0.1:8765")
    page = client.post("/api/verify", content=collected, params={"kind": "passport"}).json()["view"]
    options = json.dumps({"bundle": str(world.files["bundle"]), "trust_anchors": [world.anchor.controller]})
    phone = json.loads(check(collected, options, "passport"))["view"]
    for view in (page, phone):
        said = [w for w in view["warnings"] if w["code"] == "holder_not_proven"]
        assert len(said) == 1 and said[0]["detail"] == {
            "nl": "losse bewijsstukken bevatten geen handtekening van de houder",
            "en": "separate credentials carry no holder proof"}, view["warnings"]
    pasted = client.post("/api/verify", content=collected, params={"kind": "text"}).json()["view"]
    assert [w["detail"]["nl"] for w in pasted["warnings"] if w["code"] == "holder_not_proven"] == [
        "de houder heeft de presentatie niet ondertekend"]  # a presentation someone pasted: as before
