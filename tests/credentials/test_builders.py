"""The builders: a plain row in, an unsigned OB 3.0 credential of the right type out, or one clear error."""

from __future__ import annotations

import pytest

from credential_cases import ESCO, KINDS, build_row, example, new_signer
from skillspas.issuer.credentials import (
    build, build_ervaringscertificaat, build_mbo_certificaat, build_mbo_diploma, build_microcredential,
    build_praktijkverklaring, type_name,
)
from skillspas.schemas.errors import ErrorCode, IssuanceRefused, SkillspasError
from skillspas.schemas.kwalificaties import Kwalificaties
from skillspas.schemas.vocab import SkillsVocabulary

ISSUER = "did:example:roc-voorbeeldstad"
UNKNOWN_SKILL = ESCO + "00000000-0000-4000-8000-000000000000"


def _error(kind: str, **changes) -> SkillspasError:
    row = example(kind)
    row.update(changes)
    with pytest.raises(SkillspasError) as caught:
        build_row(kind, row, new_signer())
    return caught.value


@pytest.mark.parametrize("kind", KINDS)
def test_builder_makes_an_open_badges_credential_of_its_type(kind):
    credential = build_row(kind, example(kind), new_signer())
    assert credential["type"] == ["VerifiableCredential", "OpenBadgeCredential", type_name(kind)]
    assert credential["id"].startswith("urn:uuid:")
    subject = credential["credentialSubject"]
    assert subject["type"] == ["AchievementSubject"]
    assert subject["identifier"][0]["identityType"] == "name"
    achievement = subject["achievement"]
    assert achievement["type"] == ["Achievement"]
    assert all(a["targetFramework"] in ("ESCO", "CompetentNL") for a in achievement["alignment"])
    assert "proof" not in credential


def test_diploma_takes_the_kwalificatie_from_the_register_with_its_officially_linked_competentnl_skills():
    credential = build_mbo_diploma(example("mbo-diploma", 1), issuer=ISSUER)  # 25180 Kok
    achievement = credential["credentialSubject"]["achievement"]
    kok = Kwalificaties.bundled().get("25180")
    assert achievement["achievementType"] == "Diploma"
    assert achievement["humanCode"] == "25180"
    assert achievement["kwalificatie"] == {
        "type": ["Kwalificatie"], "crebo": "25180", "name": "Kok", "niveau": 2, "nlqf": 2,
        "eqf": "http://data.europa.eu/snb/eqf/2",
        "kwalificatiedossier": {"type": ["Kwalificatiedossier"], "crebo": "23085", "name": "Keuken"},
    }
    assert [a["targetUrl"] for a in achievement["alignment"]] == [u for u, _ in kok.competentnl]
    assert {a["evidenceKind"] for a in achievement["alignment"]} == {"kwalificatieLink"}


def test_a_diploma_never_signs_the_suggested_esco_skills_of_its_kwalificatie_as_proven():
    kok = Kwalificaties.bundled().get("25180")
    assert kok.esco_skills and "suggested" in (kok.mapping_status or "")
    credential = build_mbo_diploma(example("mbo-diploma", 1), issuer=ISSUER)
    signed = {a["targetUrl"] for a in credential["credentialSubject"]["achievement"]["alignment"]}
    assert not signed & set(kok.esco_skills)


def test_skills_a_diploma_row_lists_are_signed_as_assessed_in_an_exam():
    row = example("mbo-diploma", 1)
    row["skills"] = [ESCO + "f3934441-4bff-4076-9945-e6c51a01c467"]
    credential = build_mbo_diploma(row, issuer=ISSUER)
    assert credential["credentialSubject"]["achievement"]["alignment"][0] == {
        "type": ["Alignment"], "targetType": "ext:ESCOAlignment", "targetFramework": "ESCO",
        "targetName": "kooktechnieken gebruiken", "targetUrl": ESCO + "f3934441-4bff-4076-9945-e6c51a01c467",
        "evidenceKind": "exam",
    }
    credential = build_mbo_diploma(example("mbo-diploma", 1), issuer=ISSUER)
    assert credential["validFrom"] == credential["awardedDate"] == "2025-07-01T00:00:00Z"
    assert credential["issuer"]["name"] == "ROC Voorbeeldstad (fictief) — Examencommissie Horeca & Techniek"
    assert credential["issuer"]["otherIdentifier"] == [{"type": "IdentifierEntry", "identifier": "99ZX", "identifierType": "ext:BRIN"}]


def test_skill_without_a_dutch_label_is_named_in_english():
    row = example("mbo-certificaat")
    row["skills"] = [ESCO + "c42d2a2a-2f55-45ac-beb1-0a8a76412457"]  # use food cutting tools: no Dutch label
    credential = build_row("mbo-certificaat", row, new_signer())
    assert credential["credentialSubject"]["achievement"]["alignment"][0]["targetName"] == "use food cutting tools"


def test_diploma_lists_keuzedelen_with_name_and_study_load():
    credential = build_mbo_diploma(example("mbo-diploma", 2), issuer=ISSUER)
    assert credential["credentialSubject"]["keuzedelen"] == [
        {"type": ["Keuzedeel"], "code": "K0067", "name": "Mensen met een niet-aangeboren hersenletsel", "sbu": 240},
        {"type": ["Keuzedeel"], "code": "K0186", "name": "Wijkgericht werken", "sbu": 240},
    ]


def test_a_csv_row_with_text_lists_and_dutch_dates_builds_the_same_credential():
    row = example("ervaringscertificaat", 1)  # metselaar
    as_csv = {**{k: v for k, v in row.items()}, "werkprocessen": "B1-K1-W1; B1-K1-W3; B1-K1-W6",
              "assessment_method": "portfolio|criteriumgericht interview|praktijkassessment",
              "skills": ";".join(row["skills"]), "date": "20-05-2025", "id": "urn:uuid:3a1d4c1e-2b0f-4e57-9d2c-6f0b7a8e9d10"}
    row["id"] = as_csv["id"]
    from_json = build_ervaringscertificaat(row, issuer=ISSUER)
    from_csv = build_ervaringscertificaat(as_csv, issuer=ISSUER)
    assert from_csv == from_json


@pytest.mark.parametrize("written", ["1-7-2025", "01-7-2025", "1-07-2025"])
def test_a_date_as_dutch_excel_writes_it_without_leading_zeros_is_the_same_day(written):
    row = {**example("mbo-diploma", 1), "id": "urn:uuid:3a1d4c1e-2b0f-4e57-9d2c-6f0b7a8e9d10"}
    assert build_mbo_diploma({**row, "date": written}, issuer=ISSUER) == build_mbo_diploma(
        {**row, "date": "2025-07-01"}, issuer=ISSUER)


def test_certificaat_belongs_to_the_kwalificatie_the_register_says():
    error = _error("mbo-certificaat", crebo="25180")  # C0053 belongs to 25656
    assert error.code is ErrorCode.NOT_IN_REGISTER
    assert "25656" in error.text("nl")


def test_keuzedeel_certificaat_is_a_k_code_with_the_keuzedeel_name():
    credential = build_mbo_certificaat(example("mbo-certificaat", 2), issuer=ISSUER)
    achievement = credential["credentialSubject"]["achievement"]
    assert (achievement["certificaatCode"], achievement["name"]) == ("K0186", "Wijkgericht werken")
    assert achievement["description"].startswith("Certificaat voor keuzedeel K0186")


def test_evc_against_a_branch_standard_lists_competencies():
    row = example("ervaringscertificaat")
    for key in ("crebo", "werkprocessen"):
        row.pop(key)
    row.update(standard_type="branchestandaard", standard_name="Branchestandaard (voorbeeld)",
               competencies=["Voert metselwerk uit volgens tekening", {"code": "C2", "name": "Werkt veilig op hoogte"}])
    credential = build_ervaringscertificaat(row, issuer=ISSUER)
    subject = credential["credentialSubject"]
    assert subject["achievement"]["evcStandard"] == {"type": ["EvcStandard"], "standardType": "branchestandaard",
                                                     "name": "Branchestandaard (voorbeeld)"}
    assert subject["competencies"][1] == {"type": ["Competency"], "code": "C2", "name": "Werkt veilig op hoogte"}
    assert "kwalificatie" not in subject["achievement"]


def test_praktijkverklaring_takes_werkproces_titles_from_the_kwalificatiedossier():
    credential = build_praktijkverklaring(example("praktijkverklaring", 1), issuer=ISSUER, cosigner="did:example:bistro")
    subject = credential["credentialSubject"]
    assert subject["werkprocessen"][0] == {"type": ["Werkproces"], "code": "B1-K2-W1", "name": "Bestelt benodigde producten"}
    assert credential["coSigner"] == subject["leerbedrijf"]["id"] == "did:example:bistro"
    assert subject["period"] == {"type": ["Period"], "startDate": "2024-02-01", "endDate": "2024-12-20"}
    assert "result" not in subject


def test_praktijkverklaring_needs_the_leerbedrijf_did_from_the_row_or_the_cosigner():
    with pytest.raises(SkillspasError) as caught:
        build_praktijkverklaring(example("praktijkverklaring"), issuer=ISSUER)
    assert caught.value.path == "/leerbedrijf_did"
    with pytest.raises(SkillspasError):
        build_praktijkverklaring({**example("praktijkverklaring"), "leerbedrijf_did": "did:example:a"},
                                 issuer=ISSUER, cosigner="did:example:b")


def test_a_workload_is_taken_as_a_json_number_with_a_fraction_as_from_a_csv_cell():
    for hours in (2.5, "2,5", "2.5"):
        credential = build_microcredential({**example("microcredential", 1), "hours": hours}, issuer=ISSUER)
        assert credential["credentialSubject"]["achievement"]["workload"]["hours"] == 2.5
    whole = build_microcredential({**example("microcredential", 1), "hours": 84.0}, issuer=ISSUER)
    assert whole["credentialSubject"]["achievement"]["workload"]["hours"] == 84 and "84.0" not in str(whole)


def test_microcredential_carries_every_mandatory_eu_element():
    credential = build_microcredential(example("microcredential", 1), issuer=ISSUER)  # programmeren, 84 h, EQF 4
    achievement = credential["credentialSubject"]["achievement"]
    assert credential["credentialSubject"]["name"]                              # learner
    assert achievement["name"] == "Basis programmeren voor zij-instromers"     # title
    assert credential["issuer"]["address"]["addressCountryCode"] == "NL"         # country of the awarding body
    assert credential["issuer"]["name"]                                          # awarding body
    assert credential["awardedDate"]                                             # date of issuing
    assert achievement["alignment"] and achievement["learningOutcomes"]          # learning outcomes
    assert achievement["workload"] == {"type": ["Workload"], "hours": 84}       # notional workload
    assert (achievement["eqf"], achievement["nlqf"]) == ("http://data.europa.eu/snb/eqf/4", 4)  # level
    assert achievement["assessmentMethod"]                                       # type of assessment
    assert achievement["participation"] == "online"                              # form of participation
    assert achievement["qualityAssurance"]                                       # quality assurance


def test_achievement_id_is_stable_for_the_same_kwalificatie():
    first = build_mbo_diploma(example("mbo-diploma", 1), issuer=ISSUER)
    second = build_mbo_diploma({**example("mbo-diploma", 1), "learner_name": "Iemand Anders"}, issuer=ISSUER)
    assert first["id"] != second["id"]
    assert first["credentialSubject"]["achievement"]["id"] == second["credentialSubject"]["achievement"]["id"]


def _achievement_id(row: dict) -> str:
    return build_microcredential(row, issuer=ISSUER)["credentialSubject"]["achievement"]["id"]


@pytest.mark.parametrize("change", [
    pytest.param({"hours": 16}, id="another number of hours"),
    pytest.param({"ects": 2}, id="ECTS credits added"),
    pytest.param({"eqf": 5, "nlqf": 5}, id="another level"),
])
def test_two_micro_credentials_of_one_title_that_differ_in_workload_or_level_are_two_achievements(change):
    course = example("microcredential", 1)  # 84 hours, EQF 4
    assert _achievement_id(course) != _achievement_id({**course, **change})


def test_a_micro_credentials_achievement_id_is_the_same_for_the_same_course_however_its_numbers_are_written():
    course = {**example("microcredential", 1), "hours": 2.5}
    same = {**course, "learner_name": "Iemand Anders", "hours": "2,5", "eqf": "4", "description": "Anders verwoord."}
    assert _achievement_id(course) == _achievement_id(same)


def test_a_micro_credential_issued_with_the_former_achievement_id_still_verifies():
    """Ids once named only issuer and title; a credential signed so is unchanged, so it verifies as before."""
    import uuid

    from skillspas.issuer import sign
    from skillspas.verifier import verify

    signer = new_signer()
    row = example("microcredential", 1)
    credential = build_microcredential(row, issuer=signer.controller)
    former = f"https://w3id.org/skillspas/achievement/microcredential/{signer.controller}/{row['title']}"
    credential["credentialSubject"]["achievement"]["id"] = f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, former)}"
    assert verify(sign(credential, signer), trusted_issuers=[signer.controller])


def test_unknown_crebo_takes_name_and_niveau_from_the_row_and_signs_only_the_skills_the_row_gives():
    row = {**example("mbo-diploma", 1), "crebo": "25655", "kwalificatie_naam": "Mbo-Verpleegkundige", "niveau": 4}
    credential = build_mbo_diploma(row, issuer=ISSUER)
    alignment = credential["credentialSubject"]["achievement"]["alignment"]
    assert credential["credentialSubject"]["achievement"]["kwalificatie"]["niveau"] == 4
    assert {a["evidenceKind"] for a in alignment} == {"kwalificatieLink"}  # only the official link, no ESCO guess
    row["skills"] = [ESCO + "24f980ba-b44f-4739-b563-205104c3190d"]
    credential = build_mbo_diploma(row, issuer=ISSUER)
    assert credential["credentialSubject"]["achievement"]["alignment"][0]["evidenceKind"] == "exam"


@pytest.mark.parametrize(
    "kind, changes, code, path, nl, en",
    [
        pytest.param("mbo-diploma", {"crebo": ""}, ErrorCode.SCHEMA_INVALID, "/crebo",
                     "crebo-code van de kwalificatie ontbreekt", "crebo code of the qualification is missing", id="missing crebo"),
        pytest.param("mbo-diploma", {"crebo": "2518"}, ErrorCode.SCHEMA_INVALID, "/crebo",
                     "crebo-code van de kwalificatie moet een code van 5 cijfers", "must be a 5-digit code", id="crebo of 4 digits"),
        pytest.param("mbo-diploma", {"niveau": 5}, ErrorCode.SCHEMA_INVALID, "/credentialSubject/achievement/kwalificatie/niveau",
                     "mbo-niveau moet 1, 2, 3 of 4 zijn; 5 kan niet", "must be 1, 2, 3 or 4; 5 is not accepted", id="niveau 5"),
        pytest.param("mbo-diploma", {"niveau": 4}, ErrorCode.SCHEMA_INVALID, "/credentialSubject/achievement/kwalificatie/niveau",
                     "past niet bij kwalificatie", "does not match qualification", id="niveau other than the register's"),
        pytest.param("mbo-diploma", {"date": "2025-13-01"}, ErrorCode.SCHEMA_INVALID, "/date",
                     "moet een bestaande datum (JJJJ-MM-DD of DD-MM-JJJJ) zijn", "must be an existing date (YYYY-MM-DD or DD-MM-YYYY)",
                     id="month 13"),
        pytest.param("mbo-diploma", {"date": "1 juli"}, ErrorCode.SCHEMA_INVALID, "/date",
                     "datum van het bewijsstuk", "date of the credential", id="a date in words"),
        pytest.param("mbo-diploma", {"date": "0001-01-01"}, ErrorCode.SCHEMA_INVALID, "/date",
                     "is het jaartal goed getypt", "is the year typed right", id="year 0001"),
        pytest.param("mbo-diploma", {"date": "9999-12-31"}, ErrorCode.SCHEMA_INVALID, "/date",
                     "meer dan een jaar vooruit", "more than a year ahead", id="year 9999"),
        pytest.param("microcredential", {"date": "2052-07-01"}, ErrorCode.SCHEMA_INVALID, "/date",
                     "meer dan een jaar vooruit", "more than a year ahead", id="2052 typed for 2025"),
        pytest.param("mbo-diploma", {"skills": [UNKNOWN_SKILL]}, ErrorCode.UNKNOWN_SKILL, "/skills/0",
                     "staat niet in de vaardighedenlijst", "is not in the skills vocabulary", id="unknown skill URI"),
        pytest.param("mbo-certificaat", {"skills": ["samenwerken"]}, ErrorCode.UNKNOWN_SKILL, "/skills/0",
                     "staat niet in de vaardighedenlijst", "is not in the skills vocabulary", id="a label instead of a URI"),
        pytest.param("mbo-diploma", {"learner_name": ""}, ErrorCode.SCHEMA_INVALID, "/learner_name",
                     "naam van de deelnemer ontbreekt", "learner's name is missing", id="no learner name"),
        pytest.param("mbo-diploma", {"learner_name": "\u200b"}, ErrorCode.SCHEMA_INVALID, "/learner_name",
                     "alleen uit onzichtbare tekens", "only of invisible characters", id="a zero width space as name"),
        pytest.param("microcredential", {"learner_name": "\u2060\u00a0\u200d\u3164 \u00ad"}, ErrorCode.SCHEMA_INVALID,
                     "/learner_name", "alleen uit onzichtbare tekens", "only of invisible characters",
                     id="spaces, fillers and format characters as name"),
        pytest.param("mbo-diploma", {"learner_name": "Bram\x00Voorbeeld"}, ErrorCode.SCHEMA_INVALID, "/learner_name",
                     "U+0000", "U+0000", id="a NUL in the name"),
        pytest.param("praktijkverklaring", {"werkprocessen": ["B1-K1-W9"]}, ErrorCode.SCHEMA_INVALID, "/werkprocessen/0",
                     "bestaat niet in kwalificatie 25180", "does not exist in qualification 25180", id="werkproces not in the dossier"),
        pytest.param("praktijkverklaring", {"period_end": "2023-12-31"}, ErrorCode.SCHEMA_INVALID, "/credentialSubject/period/endDate",
                     "ligt vóór de begindatum", "is before its start date", id="period ends before it starts"),
        pytest.param("microcredential", {"hours": "acht"}, ErrorCode.SCHEMA_INVALID, "/hours",
                     "moet een getal", "must be a number", id="hours in words"),
        pytest.param("microcredential", {"hours": 1e308}, ErrorCode.SCHEMA_INVALID, "/hours",
                     "moet een getal", "must be a number", id="hours 1e308 as a JSON number"),
        pytest.param("microcredential", {"hours": 2.0001}, ErrorCode.SCHEMA_INVALID, "/hours",
                     "moet een getal", "must be a number", id="hours with 4 decimals as a JSON number"),
        pytest.param("mbo-diploma", {"learner_name": 1e308}, ErrorCode.SCHEMA_INVALID, "/learner_name",
                     "moet tekst zijn", "must be text", id="a JSON number with an exponent as name"),
        pytest.param("mbo-diploma", {"niveau": 10**12}, ErrorCode.SCHEMA_INVALID, "/niveau",
                     "moet een geheel getal van hoogstens 9 cijfers zijn", "must be a whole number of at most 9 digits",
                     id="a 13-digit JSON number as niveau: the bound is named"),
        pytest.param("microcredential", {"hours": "99999999999"}, ErrorCode.SCHEMA_INVALID, "/hours",
                     "moet een getal van hoogstens 6 cijfers en 3 decimalen (zoals 2,5) zijn",
                     "must be a number of at most 6 digits and 3 decimals (such as 2.5)",
                     id="hours of 11 digits in a CSV cell: the bound is named, not 'must be a number'"),
        pytest.param("ervaringscertificaat", {"valid_until": "2024-01-01"}, ErrorCode.SCHEMA_INVALID, "/validUntil",
                     "niet na de uitgiftedatum", "not after the date of issue", id="expires before it is issued"),
    ],
)
def test_invalid_row_gives_one_coded_error_naming_the_field(kind, changes, code, path, nl, en):
    error = _error(kind, **changes)
    assert error.code is code
    assert error.path == path
    assert nl in error.text("nl")
    assert en in error.text("en")


def test_unknown_skill_is_an_issuance_refusal():
    assert isinstance(_error("mbo-diploma", skills=[UNKNOWN_SKILL]), IssuanceRefused)


def test_any_real_esco_skill_is_accepted_at_issuance_and_an_invented_one_refused():
    import csv
    import io
    import zipfile

    from credential_cases import EN_ZIP

    with zipfile.ZipFile(EN_ZIP) as archive:
        rows = list(csv.DictReader(io.StringIO(archive.read("skills_en.csv").decode("utf-8"), newline="")))
    kwalificatie_skills = {u for k in Kwalificaties.bundled().all() for u in k.esco_skills}
    real = next(r for r in reversed(rows) if r["conceptUri"] not in kwalificatie_skills)
    row = {**example("mbo-certificaat"), "skills": [real["conceptUri"]]}
    alignment = build("mbo-certificaat", row, issuer=ISSUER)["credentialSubject"]["achievement"]["alignment"][0]
    assert alignment["targetUrl"] == real["conceptUri"]
    assert alignment["targetName"] == SkillsVocabulary.bundled().get(real["conceptUri"]).label("nl")
    with pytest.raises(SkillspasError) as caught:
        build("mbo-certificaat", {**row, "skills": [UNKNOWN_SKILL]}, issuer=ISSUER)
    assert caught.value.code is ErrorCode.UNKNOWN_SKILL


def test_type_names_as_people_type_them():
    assert type_name("mbo-diploma") == type_name("MboDiploma") == "MboDiploma"
    assert type_name("EVC") == "Ervaringscertificaat"
    assert type_name("micro_credential") == "MicroCredential"
    with pytest.raises(ValueError):
        type_name("rijbewijs")
    with pytest.raises(ValueError):
        build("mbo-diploma", example("mbo-diploma"), issuer=ISSUER, cosigner="did:example:x")


def test_a_row_that_is_not_a_mapping_is_a_programmer_error():
    with pytest.raises(TypeError):
        build_mbo_diploma(["not", "a", "row"], issuer=ISSUER)  # type: ignore[arg-type]


def test_a_credential_may_be_dated_ahead_up_to_a_year_as_a_diploma_signed_before_its_ceremony():
    import datetime as dt

    ahead = (dt.date.today() + dt.timedelta(days=300)).isoformat()
    row = {**example("mbo-diploma"), "date": ahead}
    assert build_row("mbo-diploma", row, new_signer())["validFrom"] == f"{ahead}T00:00:00Z"
