"""``skillspas.verifier.summary``: the verified-skills summary of a passport and the vacancy match."""

from __future__ import annotations

import pytest

from pageworld import HACCP, STORE_RAW_FOOD, PageWorld, skill_uris
from skillspas.schemas.errors import ErrorCode
from skillspas.verifier import Verifier
from skillspas.verifier.summary import (
    MAX_VACANCY_LINE,
    MAX_VACANCY_LINES,
    evidence_kind,
    match_vacancy,
    summarize_skills,
)

COOPERATE = "http://data.europa.eu/esco/skill/082967d4-b94c-4305-aa13-35a6aa8c5c7c"  # in no credential here


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> PageWorld:
    return PageWorld(tmp_path_factory.mktemp("summary-world")).build()


@pytest.fixture(scope="module")
def verifier(world: PageWorld) -> Verifier:
    return Verifier(bundle=world.bundle(), trust_anchors=[world.anchor.controller])


@pytest.fixture(scope="module")
def passport_summary(world: PageWorld, verifier: Verifier):
    result = verifier.verify(world.credentials["passport"])
    assert result.verified, result.to_json()
    return summarize_skills(result)


def test_passport_summary_lists_each_skill_once_with_every_credential_that_proves_it(world, passport_summary):
    inner = [world.credentials[k] for k in ("diploma", "praktijkverklaring", "evc", "microcredential")]
    expected = set(u for c in inner for u in skill_uris(c))
    uris = [s.uri for s in passport_summary.skills]
    assert len(uris) == len(set(uris)) and set(uris) == expected
    stored = passport_summary.get(STORE_RAW_FOOD)  # not on the diploma: its ESCO skills were only suggested
    assert [e.credential for e in stored.evidence] == [2, 1, 3]
    assert stored.kinds == ("evc", "praktijkverklaring", "microcredential")
    assert {e.issuer_name for e in stored.evidence} == {world.ROC_NAME, world.EVC_NAME, world.BISTRO_NAME}
    assert stored.label("nl") == "onbewerkt voedsel opslaan" and stored.label("en") == "store raw food materials"
    assert passport_summary.verified == (0, 1, 2, 3) and passport_summary.excluded == ()


def test_the_passport_summary_shows_the_strongest_evidence_for_each_skill_first(passport_summary):
    assert [e.established for e in passport_summary.get(STORE_RAW_FOOD).evidence] == ["evc", "practice", "course"]
    for skill in passport_summary.skills:
        ranks = [e.strength for e in skill.evidence]
        assert ranks == sorted(ranks), skill.uri
        assert all(e.established for e in skill.evidence), skill.uri


def test_esco_skills_come_before_competentnl_skills(passport_summary):
    frameworks = [s.framework for s in passport_summary.skills]
    assert frameworks == sorted(frameworks, key=lambda f: {"ESCO": 0, "CompetentNL": 1}[f])
    assert "CompetentNL" in frameworks


def test_skills_of_a_revoked_credential_are_left_out(world, verifier):
    result = verifier.verify(world.credentials["mixed_passport"])
    summary = summarize_skills(result)
    assert summary.verified == (0,)
    assert summary.excluded == ((1, ErrorCode.REVOKED),)
    assert all(e.credential == 0 for s in summary.skills for e in s.evidence)


def test_a_single_credential_is_a_passport_of_one(world, verifier):
    summary = summarize_skills(verifier.verify(world.credentials["diploma"]))
    assert [s.uri for s in summary.skills] == sorted(
        skill_uris(world.credentials["diploma"]), key=lambda u: 0 if "esco" in u else 1
    )
    assert all(s.kinds == ("diploma",) for s in summary.skills)


def test_an_invalid_credential_proves_nothing(world, verifier):
    summary = summarize_skills(verifier.verify(world.credentials["tampered"]))
    assert summary.skills == () and summary.excluded == ((0, ErrorCode.INVALID_SIGNATURE),)


@pytest.mark.parametrize(
    "types, kind",
    [
        pytest.param(["VerifiableCredential", "OpenBadgeCredential", "MboDiploma"], "diploma", id="mbo diploma"),
        pytest.param(["VerifiableCredential", "MboCertificaat"], "certificaat", id="mbo certificaat"),
        pytest.param(["VerifiableCredential", "Ervaringscertificaat"], "evc", id="EVC"),
        pytest.param(["VerifiableCredential", "Praktijkverklaring"], "praktijkverklaring", id="praktijkverklaring"),
        pytest.param(["VerifiableCredential", "MicroCredential"], "microcredential", id="micro-credential"),
        pytest.param(["VerifiableCredential", "OpenBadgeCredential"], "badge", id="any other open badge"),
    ],
)
def test_evidence_kind_follows_the_credential_type(types, kind):
    assert evidence_kind(types) == kind


def test_vacancy_lines_are_covered_by_uri_or_by_words(passport_summary):
    match = match_vacancy(
        passport_summary,
        [HACCP, "onbewerkt voedsel opslaan", COOPERATE, "  ", "xyzzy-geen-vaardigheid", f"{STORE_RAW_FOOD}  onbewerkt voedsel opslaan"],
    )
    assert [(line.uri, line.covered) for line in match.lines] == [
        (HACCP, True),
        (STORE_RAW_FOOD, True),
        (COOPERATE, False),
        (None, False),
        (STORE_RAW_FOOD, True),
    ]
    assert len(match.covered) == 3 and len(match.missing) == 2
    assert match.lines[2].labels["nl"] == "samenwerken met collega’s"
    assert match.to_json()["covered"] == 3 and match.to_json()["total"] == 5


def test_words_prefer_a_skill_the_passport_proves(passport_summary):
    line = match_vacancy(passport_summary, ["hygiëne"]).lines[0]
    assert line.covered and line.uri in passport_summary


def test_vacancy_bounds_are_enforced_in_dutch_and_english(passport_summary):
    from skillspas.schemas.errors import SkillspasError

    with pytest.raises(SkillspasError) as refused:
        match_vacancy(passport_summary, [f"skill {i}" for i in range(MAX_VACANCY_LINES + 1)])
    assert refused.value.code is ErrorCode.TOO_LARGE and "hoogstens 100 vaardigheden" in refused.value.text("nl")
    with pytest.raises(SkillspasError) as refused:
        match_vacancy(passport_summary, ["x" * (MAX_VACANCY_LINE + 1)])
    assert refused.value.code is ErrorCode.TOO_LARGE and "300 tekens" in refused.value.text("nl")
    with pytest.raises(SkillspasError) as refused:  # the searches' time: none left for a second line
        match_vacancy(passport_summary, ["hygiëne", "koken"], budget=0.0)
    assert refused.value.code is ErrorCode.RESOURCE_LIMIT and "na 1 regels" in refused.value.text("nl")


def test_summary_json_names_the_kinds_in_both_languages(passport_summary):
    data = passport_summary.to_json()
    stored = next(s for s in data["skills"] if s["uri"] == STORE_RAW_FOOD)
    evc = next(e for e in stored["evidence"] if e["kind"] == "evc")
    assert evc["kindLabel"] == {"nl": "EVC (ervaringscertificaat)", "en": "EVC (certificate of experience)"}
    assert data["verifiedCredentials"] == [0, 1, 2, 3] and data["excludedCredentials"] == []


def test_an_ambiguous_word_the_passport_does_not_settle_gives_candidates_not_a_silent_pick(passport_summary):
    line = match_vacancy(passport_summary, ["teamwork"]).lines[0]
    assert line.uri is None and not line.covered
    assert len(line.candidates) > 1
    data = line.to_json()
    assert data["ambiguous"] and all(c["uri"].startswith("http://data.europa.eu/esco/skill/") for c in data["candidates"])
