"""One catalogue of the five types: what each proves, shown alike by verify, the page and the passport; how
each skill was established; the domain rules (EVC without end date, micro-credential learning outcomes)."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from credential_cases import KINDS, build_row, example, example_paths, issue, new_signer
from skillspas.issuer import sign
from skillspas.issuer.credentials import type_name
from skillspas.issuer.orgs import ROLE_TYPES as ORG_ROLE_TYPES
from skillspas.schemas.catalogue import CATALOGUE, EVIDENCE_KINDS, ROLE_TYPES, facts, kind_label
from skillspas.schemas.errors import ErrorCode, SkillspasError
from skillspas.verifier import verify
from skillspas.verifier.page.texts import readable_dates
from skillspas.verifier.page.view import build_view
from skillspas.verifier.summary import summarize_skills
from skillspas.wallet_export.presentation import build_presentation
from skillspas.wallet_export.view import describe

# What an employer must see per type (issue 15, point 3), as the catalogue's fact keys.
MUST_SHOW = {
    "MboDiploma": {"kwalificatie", "niveau", "kwalificatiedossier", "leerweg"},
    "MboCertificaat": {"certificaat", "kwalificatie", "niveau"},
    "Ervaringscertificaat": {"evcStandard", "kwalificatie", "werkprocessen", "route", "careerGoal", "assessmentDate"},
    "Praktijkverklaring": {"kwalificatie", "niveau", "werkprocessen", "leerbedrijf", "period"},
    "MicroCredential": {"learningOutcomes", "workload", "assessmentMethod", "participation", "qualityAssurance"},
}


def _signed(kind: str, index: int = 0) -> tuple[dict, list[str]]:
    school, leerbedrijf = new_signer(), new_signer()
    credential = issue(kind, example(kind, index), school, leerbedrijf)
    return credential, [school.controller, leerbedrijf.controller]


@pytest.mark.parametrize("kind", KINDS)
def test_each_type_shows_the_same_facts_in_verify_the_page_and_the_passport(kind):
    credential, trusted = _signed(kind)
    expected = [(f.key, f.text["nl"]) for f in facts(credential)]
    assert MUST_SHOW[type_name(kind)] <= {key for key, _ in expected}
    result = verify(credential, trusted_issuers=trusted)
    assert result.verified, result.to_json()
    as_json = json.loads(json.dumps(result.to_json()))
    assert [(f["key"], f["text"]["nl"]) for f in as_json["summary"]["facts"]] == expected  # verify --json
    page = build_view(result, document=credential)["credentials"][0]
    assert [(f["key"], f["text"]["nl"]) for f in page["facts"]] == [  # the page: the same, its dates for people
        (key, readable_dates(text, "nl")) for key, text in expected]
    passport = describe(credential, "nl")  # passport show and the PDF: as the page
    assert [value for _, value in passport.details] == [f["text"]["nl"] for f in page["facts"]]
    assert [label for label, _ in passport.details] == [f.label["nl"] for f in facts(credential)]


def test_a_praktijkverklaring_names_its_werkprocessen_and_the_leerbedrijf_as_co_signer():
    credential, _ = _signed("praktijkverklaring")
    shown = {f.key: f.text for f in facts(credential)}
    assert "B1-K1-W2 Maakt mise en place" in shown["werkprocessen"]["nl"].split("\n")
    assert shown["leerbedrijf"]["nl"].endswith("medeondertekenaar") and shown["leerbedrijf"]["en"].endswith("co-signer")


def test_the_ervaringscertificaat_standard_is_named_as_what_it_is():
    credential = build_row("ervaringscertificaat", example("ervaringscertificaat"), new_signer())  # 25180 Kok
    assert credential["credentialSubject"]["achievement"]["evcStandard"] == {
        "type": ["EvcStandard"], "standardType": "kwalificatie", "name": "Kok", "crebo": "25180"}
    row = {**example("ervaringscertificaat"), "standard_type": "kwalificatiedossier"}
    credential = build_row("ervaringscertificaat", row, new_signer())
    assert credential["credentialSubject"]["achievement"]["evcStandard"] == {  # a dossier has its own code
        "type": ["EvcStandard"], "standardType": "kwalificatiedossier", "name": "Keuken", "crebo": "23085"}


def test_an_evc_result_from_the_examples_has_no_end_date_and_shows_its_age():
    for index in range(3):
        credential = build_row("ervaringscertificaat", example("ervaringscertificaat", index), new_signer())
        assert "validUntil" not in credential
    shown = {f.key: f.text for f in facts(credential, now=dt.date(2027, 10, 1))}
    assert shown["assessmentDate"] == {"nl": "2025-09-15 (2 jaar geleden)", "en": "2025-09-15 (2 years ago)"}


@pytest.mark.parametrize(("now", "nl", "en"), [
    (dt.date(2025, 9, 30), "minder dan een maand geleden", "less than a month ago"),
    (dt.date(2025, 10, 20), "1 maand geleden", "1 month ago"),
    (dt.date(2026, 3, 15), "6 maanden geleden", "6 months ago"),
], ids=["the same month", "one month", "six months"])
def test_the_age_of_an_evc_result_reads_right_for_less_than_a_month_and_for_one_month(now, nl, en):
    """What an employer weighs: "1 maanden geleden" or "0 maanden geleden" is not Dutch, nor "1 months ago" English."""
    credential = build_row("ervaringscertificaat", example("ervaringscertificaat", 2), new_signer())  # assessed 2025-09-15
    shown = {f.key: f.text for f in facts(credential, now=now)}
    assert shown["assessmentDate"] == {"nl": f"2025-09-15 ({nl})", "en": f"2025-09-15 ({en})"}


def test_an_ervaringscertificaat_with_an_end_date_is_refused():
    with pytest.raises(SkillspasError) as caught:
        build_row("ervaringscertificaat", {**example("ervaringscertificaat"), "valid_until": "2028-03-11"}, new_signer())
    assert caught.value.code is ErrorCode.SCHEMA_INVALID and caught.value.path == "/validUntil"


def test_a_micro_credential_without_learning_outcomes_is_refused_with_its_own_code():
    row = example("microcredential")
    del row["learning_outcomes"]
    with pytest.raises(SkillspasError) as caught:
        build_row("microcredential", row, new_signer())
    assert caught.value.code is ErrorCode.MISSING_LEARNING_OUTCOMES and caught.value.code.exit_code == 2
    assert "2022/C 243/02" in caught.value.text("nl")


def test_signing_a_micro_credential_without_learning_outcomes_is_refused_too():
    school = new_signer()
    credential = build_row("microcredential", example("microcredential"), school)
    del credential["credentialSubject"]["achievement"]["learningOutcomes"]
    with pytest.raises(SkillspasError) as caught:
        sign(credential, school)
    assert caught.value.code is ErrorCode.MISSING_LEARNING_OUTCOMES


@pytest.mark.parametrize("path", example_paths(), ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_every_alignment_in_every_example_carries_how_it_was_established(path):
    credential = build_row(path.parent.name, json.loads(path.read_text("utf-8")), new_signer())
    entry = CATALOGUE[type_name(path.parent.name)]
    for alignment in credential["credentialSubject"]["achievement"]["alignment"]:
        assert alignment["evidenceKind"] in EVIDENCE_KINDS
        linked = alignment["targetFramework"] == "CompetentNL" and entry.name == "MboDiploma"
        assert alignment["evidenceKind"] == ("kwalificatieLink" if linked else entry.evidence)


def test_a_certificate_says_which_kerntaken_and_werkprocessen_it_covers_where_the_register_has_them():
    row = {**example("mbo-certificaat"), "crebo": "25180", "certificaat_code": "C0021", "certificaat_naam": "Kok basis"}
    credential = build_row("mbo-certificaat", row, new_signer())
    achievement = credential["credentialSubject"]["achievement"]
    assert [k["code"] for k in achievement["kerntaken"]] == ["B1-K1", "B1-K2"]
    assert len(achievement["werkprocessen"]) == 11 and achievement["werkprocessen"][0]["code"] == "B1-K1-W1"


def test_the_passport_shows_progress_toward_a_kwalificatie():
    school, leerbedrijf = new_signer(), new_signer()
    credentials = [issue("ervaringscertificaat", example("ervaringscertificaat"), school, leerbedrijf),  # Dennis, 25180
                   issue("praktijkverklaring", example("praktijkverklaring"), school, leerbedrijf)]
    result = verify(build_presentation(credentials), trusted_issuers=[school.controller, leerbedrijf.controller])
    progress = summarize_skills(result).progress
    assert [p.to_json()["sentence"]["nl"] for p in progress] == ["5 van de 11 werkprocessen van Kok aangetoond"]


def test_a_certificate_whose_werkprocessen_the_register_does_not_name_gives_no_progress_line_of_zero():
    """An mbo-certificaat of Verzorgende-IG (C0053: the register names no kerntaken for it) proves part of the
    kwalificatie; "0 van de 11 werkprocessen van Verzorgende-IG aangetoond" would tell the employer it proves none."""
    school = new_signer()
    certificate = issue("mbo-certificaat", example("mbo-certificaat"), school, school)
    assert certificate["credentialSubject"]["achievement"].get("werkprocessen") is None
    result = verify(build_presentation([certificate]), trusted_issuers=[school.controller])
    assert result.verified and summarize_skills(result).progress == ()


def test_one_catalogue_names_the_types_and_their_issuing_roles():
    assert ORG_ROLE_TYPES is ROLE_TYPES
    assert ROLE_TYPES["evc"] == {"Ervaringscertificaat"} and "MboDiploma" not in ROLE_TYPES["employer"]
    for name, entry in CATALOGUE.items():
        assert kind_label([name]) == entry.label
        assert describe({"type": ["VerifiableCredential", "OpenBadgeCredential", name]}, "en").kind == entry.label["en"]
