"""Passport exports: holder-bound presentations, one QR per credential, Open Badges 3.0 JSON — all still verify."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from helpers import new_signer, signed_credential
from skillspas.issuer import sign
from skillspas.issuer.demo import sample_credential
from skillspas.schemas.errors import ErrorCode
from skillspas.verifier import Verifier, verify
from skillspas.verifier.qr import decode_payload, read_qr_image
from skillspas.wallet_export import QRCapacityError, build_passport, credential_qr
from skillspas.wallet_export.openbadges import NotAnOpenBadge, to_openbadge, write_openbadges
from skillspas.wallet_export.qr import qr_file_names

OB3_SCHEMAS = Path(__file__).resolve().parents[2] / "schemas" / "data" / "jsonschema" / "ob3"  # bundled copies


# -- presentation -------------------------------------------------------------------------------


def test_holder_bound_presentation_verifies_with_its_challenge_and_domain(diplomas, issuer, holder):
    vp = build_passport(diplomas[1:4]).to_presentation(holder=holder, challenge="c-42", domain="werkgever.example")
    result = verify(vp, trusted_issuers=[issuer.controller], challenge="c-42", domain="werkgever.example")
    assert result.verified, result.to_json()
    assert vp["holder"] == holder.controller and len(result.credentials) == 3


def test_holder_bound_presentation_fails_for_another_challenge(diplomas, issuer, holder):
    vp = build_passport(diplomas[1:3]).to_presentation(holder=holder, challenge="c-42", domain="werkgever.example")
    result = verify(vp, trusted_issuers=[issuer.controller], challenge="c-43", domain="werkgever.example")
    assert not result.verified
    assert result.first_error.code is ErrorCode.CHALLENGE_MISMATCH


def test_holder_bound_presentation_fails_for_another_domain(diplomas, issuer, holder):
    vp = build_passport(diplomas[1:3]).to_presentation(holder=holder, challenge="c-42", domain="werkgever.example")
    result = verify(vp, trusted_issuers=[issuer.controller], challenge="c-42", domain="elders.example")
    assert result.first_error.code is ErrorCode.DOMAIN_MISMATCH


def test_presentation_json_carries_the_credentials_unchanged(diplomas):
    vp = json.loads(build_passport(diplomas[2:5]).to_json())
    assert vp["type"] == ["VerifiablePresentation"] and vp["verifiableCredential"] == diplomas[2:5]


def test_challenge_without_holder_is_a_usage_error(diplomas):
    with pytest.raises(ValueError):
        build_passport(diplomas[:1]).to_presentation(challenge="c")


def test_passport_needs_dicts():
    with pytest.raises(TypeError):
        build_passport(['{"not": "parsed"}'])  # type: ignore[list-item]


# -- QR set -------------------------------------------------------------------------------------


def test_qr_set_has_one_numbered_self_contained_png_per_credential(diplomas, issuer, tmp_path):
    chosen = diplomas[1:4]
    paths = build_passport(chosen).to_qr_images(tmp_path / "qr")
    assert [p.name for p in paths] == ["qr-01-of-03-open-badge.png", "qr-02-of-03-open-badge.png",
                                       "qr-03-of-03-open-badge.png"]
    verifier = Verifier(trusted_issuers=[issuer.controller])
    for path, credential in zip(paths, chosen):
        data = decode_payload(read_qr_image(path))  # the caption under the code does not disturb reading it
        assert json.loads(data) == credential
        assert verifier.verify(data).verified


def test_a_second_export_into_the_same_folder_leaves_only_its_own_numbered_set(diplomas, tmp_path):
    folder = tmp_path / "qr"
    build_passport(diplomas[1:7]).to_qr_images(folder)
    (folder / "mijn-notities.txt").write_text("van mij", "utf-8")
    (folder / "qr-code-van-de-kok.png").write_bytes(b"not ours")  # not a name the export writes
    again = build_passport(diplomas[1:3]).to_qr_images(folder)
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        [p.name for p in again] + ["mijn-notities.txt", "qr-code-van-de-kok.png"])
    assert [p.name for p in again] == ["qr-01-of-02-open-badge.png", "qr-02-of-02-open-badge.png"]


def test_each_qr_image_names_the_kind_title_and_holder_of_its_credential(diplomas, tmp_path):
    from PIL import Image

    from skillspas.wallet_export.view import describe

    mbo = {**diplomas[1], "type": [*diplomas[1]["type"], "MboDiploma"]}  # only the file name is looked at here
    assert qr_file_names(2, [mbo, diplomas[2]]) == ["qr-01-of-02-mbo-diploma.png", "qr-02-of-02-open-badge.png"]
    path = build_passport([diplomas[2]]).to_qr_images(tmp_path / "qr")[0]
    view = describe(diplomas[2])
    with Image.open(path) as image:
        assert view.title in image.text["Title"] and view.subject_name in image.text["Description"]
        assert image.height > image.width  # the caption is drawn under the code


def test_qr_file_names_sort_in_order_for_large_sets():
    names = qr_file_names(120)
    assert names[0] == "qr-001-of-120.png" and names == sorted(names)


def test_an_8_skill_holder_bound_diploma_fits_qr_version_16_at_level_m(diplomas):
    code = credential_qr(diplomas[8])  # its subject a did:key: 32 bytes more than benchmarks/qr.py's 15-M diploma
    assert code.error == "M" and code.version <= 16
    assert code.modules == 17 + 4 * code.version
    assert code.text.startswith("SP4:") and code.code.mode is None  # an alphanumeric and a numeric segment


def test_a_credential_too_large_for_one_qr_says_so(issuer):
    huge, _ = signed_credential(issuer)
    huge["padding"] = "".join(chr(0x4E00 + i % 5000) for i in range(3000))  # incompressible text
    with pytest.raises(QRCapacityError):
        credential_qr(huge)


# -- Open Badges 3.0 ----------------------------------------------------------------------------


def _ob3_schema(name: str):
    return jsonschema.Draft201909Validator(json.loads((OB3_SCHEMAS / name).read_text("utf-8")))


@pytest.mark.parametrize("schema", ["ob_v3p0_achievementcredential_schema.json", "ob_v3p0_achievementcredential_schema.strict-2024.json"])
def test_openbadges_export_validates_against_the_ob3_schema_and_verifies(diplomas, issuer, tmp_path, schema):
    demo, demo_issuer = signed_credential()
    paths = write_openbadges([diplomas[8], demo], tmp_path / "ob")
    assert [p.name for p in paths] == ["01-mbo-diploma-software-developer.json", "02-praktijkverklaring-zorg-voorbeeld.json"]
    validator = _ob3_schema(schema)
    for path, trusted in zip(paths, (issuer.controller, demo_issuer.controller)):
        badge = json.loads(path.read_text("utf-8"))
        assert not list(validator.iter_errors(badge))
        assert isinstance(badge["proof"], list)
        assert verify(path.read_bytes(), trusted_issuers=[trusted]).verified


def test_openbadge_keeps_everything_but_the_proof_container(diplomas):
    badge = to_openbadge(diplomas[3])
    assert {k: v for k, v in badge.items() if k != "proof"} == {k: v for k, v in diplomas[3].items() if k != "proof"}
    assert badge["proof"] == [diplomas[3]["proof"]]


@pytest.mark.parametrize(
    "change",
    [
        pytest.param({"type": ["VerifiableCredential"]}, id="no OB type"),
        pytest.param({"@context": ["https://www.w3.org/ns/credentials/v2"]}, id="no OB context"),
        pytest.param({"credentialSubject": {"id": "did:example:x"}}, id="no achievement"),
    ],
)
def test_a_credential_that_is_no_open_badge_is_refused(diplomas, change):
    with pytest.raises(NotAnOpenBadge):
        to_openbadge({**diplomas[1], **change})


def test_an_ecdsa_signed_credential_exports_and_verifies(tmp_path):
    signer = new_signer("p256")
    credential = sign(sample_credential(signer.controller), signer, suite="ecdsa-rdfc-2019")
    path = write_openbadges([credential], tmp_path)[0]
    assert verify(path.read_bytes(), trusted_issuers=[signer.controller]).verified
