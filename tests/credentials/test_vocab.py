"""The skills vocabulary: every bundled skill is a real ESCO row, search by label, the ESCO importer."""

from __future__ import annotations

import csv
import gzip
import io
import json
import zipfile
from pathlib import Path

import pytest

from credential_cases import EN_ZIP, ESCO, NL_ZIP, VOCAB_DATA
from skillspas.schemas.errors import ErrorCode, SkillspasError
from skillspas.schemas.kwalificaties import Kwalificaties
from skillspas.schemas.vocab import SkillsVocabulary, fold, import_esco

SAMENWERKEN = ESCO + "082967d4-b94c-4305-aa13-35a6aa8c5c7c"  # cooperate with colleagues / samenwerken met collega's


def _rows(text: str) -> dict[str, dict[str, str]]:
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    key = "conceptUri" if "conceptUri" in rows[0] else "uri"
    return {r[key]: r for r in rows}


@pytest.fixture(scope="module")
def source_skills() -> dict[str, dict[str, str]]:
    """skills_en.csv rows of the real ESCO v1.1.1 extract committed in tests/data/vocab."""
    with zipfile.ZipFile(EN_ZIP) as archive:
        return _rows(archive.read("skills_en.csv").decode("utf-8"))


@pytest.fixture(scope="module")
def bundled() -> SkillsVocabulary:
    return SkillsVocabulary.bundled()


def test_bundled_default_has_at_least_300_real_esco_skills(bundled):
    esco = [s for s in bundled if s.framework == "ESCO"]
    assert len(esco) >= 300
    assert sum(1 for s in esco if "nl" in s.labels) >= 250


def test_every_bundled_esco_skill_is_a_row_of_the_official_download(bundled, source_skills):
    for skill in (s for s in bundled if s.framework == "ESCO"):
        row = source_skills[skill.uri]
        assert skill.labels["en"] == row["preferredLabel"].strip()  # a few source labels end in a space
        assert skill.skill_type == row["skillType"]
        assert skill.reuse_level == row["reuseLevel"]


def test_every_dutch_label_comes_from_the_dutch_esco_table(bundled):
    dutch = _rows((VOCAB_DATA / "esco-skills-nl-labels.csv").read_text("utf-8"))
    for skill in (s for s in bundled if "nl" in s.labels and s.framework == "ESCO"):
        assert skill.labels["nl"] == dutch[skill.uri]["preferredLabel_nl"]


def test_every_bundled_competentnl_skill_is_in_the_competentnl_source(bundled):
    seen = _rows((VOCAB_DATA / "competentnl-skills-seen.csv").read_text("utf-8"))
    competentnl = [s for s in bundled if s.framework == "CompetentNL"]
    assert competentnl
    for skill in competentnl:
        assert skill.labels["nl"] == seen[skill.uri]["prefLabel_nl"]


def test_bundled_set_is_exactly_what_the_documented_selection_rule_gives(bundled):
    # sample.json's 30 skills + 3 named transversal skills + the essential skills of the ten ESCO
    # occupations the kwalificaties map to + ESCO's transversal collection (data/vocab/README.md).
    sample = json.loads((VOCAB_DATA / "sample.json").read_text("utf-8"))
    relations = list(csv.DictReader((VOCAB_DATA / "occupationSkillRelations.csv").open(encoding="utf-8", newline="")))
    with zipfile.ZipFile(EN_ZIP) as archive:
        transversal = _rows(archive.read("transversalSkillsCollection_en.csv").decode("utf-8"))
    extra = {ESCO + u for u in ("a17286c5-238d-4f0b-bc24-29e9121345de", "082967d4-b94c-4305-aa13-35a6aa8c5c7c",
                                "d15ce60f-ddab-41ce-ba56-398451b77b60")}
    expected = (
        {s["uri"] for s in sample["escoSkills"]} | extra | set(transversal)
        | {r["skillUri"] for r in relations if r["relationType"] == "essential"}
    )
    assert {s.uri for s in bundled if s.framework == "ESCO"} == expected


@pytest.mark.parametrize(
    "query, expected",
    [
        pytest.param("samenwerken", SAMENWERKEN, id="Dutch word finds samenwerken met collega's"),
        pytest.param("cooperate with colleagues", SAMENWERKEN, id="English label"),
        pytest.param("SAMENWERKEN MET COLLEGA'S", SAMENWERKEN, id="case and apostrophe folded"),
        pytest.param("hygiene in de gezondheidszorg", ESCO + "0450eaee-1a00-4622-8f4e-5356fce816d2", id="accents folded"),
        pytest.param("lay bricks", ESCO + "13e1c0a2-b90d-46f4-be51-11730360b38d", id="English skill of the bouw sector"),
    ],
)
def test_search_finds_skills_by_dutch_or_english_label(bundled, query, expected):
    found = [s.uri for s in bundled.search(query, limit=10)]
    assert expected in found


def test_search_ranks_an_exact_label_first(bundled):
    assert bundled.search("samenwerken met collega’s")[0].uri == SAMENWERKEN


def test_search_for_nothing_returns_nothing(bundled):
    assert bundled.search("   ") == []
    assert bundled.search("qwertyuiop-geen-vaardigheid") == []


def test_fold_removes_accents_case_and_curly_quotes():
    assert fold("Hygiëne  in de GEZONDHEIDSZORG") == "hygiene in de gezondheidszorg"
    assert fold("collega’s") == "collega's"


# -- the importer -------------------------------------------------------------------------------


def test_import_of_the_official_english_zip_adds_every_skill_row(tmp_path, source_skills, bundled):
    result = import_esco(EN_ZIP, tmp_path)
    assert result.counts == {"en": len(source_skills)}
    vocab = SkillsVocabulary.load(tmp_path)
    new = set(source_skills) - {s.uri for s in bundled}
    assert result.new == len(new) > 100
    uri = sorted(new)[0]
    assert vocab.get(uri).labels["en"] == source_skills[uri]["preferredLabel"].strip()
    assert vocab.get(SAMENWERKEN).labels["nl"] == "samenwerken met collega’s"  # bundled labels kept


def test_import_of_an_unpacked_download_folder_works_like_the_zip(tmp_path, source_skills):
    folder = tmp_path / "unpacked"
    with zipfile.ZipFile(EN_ZIP) as archive:
        archive.extractall(folder)
    result = import_esco(folder, tmp_path / "home")
    assert result.counts == {"en": len(source_skills)}


def test_import_of_the_dutch_download_adds_dutch_labels(tmp_path):
    with zipfile.ZipFile(NL_ZIP) as archive:
        collections = [_rows(archive.read(n).decode("utf-8")) for n in archive.namelist() if "SkillsCollection_nl" in n]
        transversal = _rows(archive.read("transversalSkillsCollection_nl.csv").decode("utf-8"))
        digital = _rows(archive.read("digitalSkillsCollection_nl.csv").decode("utf-8"))
    result = import_esco(NL_ZIP, tmp_path)
    assert len(collections) == 6
    assert result.counts["nl"] == len(set().union(*collections)) > 100
    vocab = SkillsVocabulary.load(tmp_path)
    uri = next(u for u in digital if u not in transversal)
    assert vocab.get(uri).labels["nl"] == digital[uri]["preferredLabel"].strip()
    assert uri in [s.uri for s in vocab.search(digital[uri]["preferredLabel"])]


def test_importing_english_then_dutch_gives_both_labels(tmp_path):
    import_esco(EN_ZIP, tmp_path)
    import_esco(NL_ZIP, tmp_path)
    with zipfile.ZipFile(NL_ZIP) as archive:
        digital = _rows(archive.read("digitalSkillsCollection_nl.csv").decode("utf-8"))
    with zipfile.ZipFile(EN_ZIP) as archive:
        english = _rows(archive.read("skills_en.csv").decode("utf-8"))
    both = sorted(set(digital) & set(english))
    assert both
    skill = SkillsVocabulary.load(tmp_path).get(both[0])
    assert skill.labels["nl"] == digital[both[0]]["preferredLabel"].strip()
    assert skill.labels["en"] == english[both[0]]["preferredLabel"].strip()


@pytest.mark.parametrize(
    "make",
    [
        pytest.param(lambda p: p.write_bytes(b"not a zip"), id="not a zip"),
        pytest.param(lambda p: zipfile.ZipFile(p, "w").writestr("occupations_en.csv", "conceptUri\n"), id="no skills file"),
        pytest.param(lambda p: zipfile.ZipFile(p, "w").writestr("skills_en.csv", "a,b\n1,2\n"), id="wrong columns"),
        pytest.param(lambda p: None, id="missing file"),
    ],
)
def test_import_of_something_else_is_a_coded_error_in_dutch_and_english(tmp_path, make):
    source = tmp_path / "download.zip"
    make(source)
    with pytest.raises(SkillspasError) as caught:
        import_esco(source, tmp_path / "home")
    assert caught.value.code is ErrorCode.SCHEMA_INVALID
    assert caught.value.text("nl") and caught.value.text("en") and caught.value.text("nl") != caught.value.text("en")


def test_a_damaged_imported_file_is_reported_not_a_crash(tmp_path):
    import_esco(EN_ZIP, tmp_path)
    path = next((tmp_path / "vocab").glob("*.json.gz"))
    path.write_bytes(gzip.compress(b"{not json"))
    with pytest.raises(SkillspasError) as caught:
        SkillsVocabulary.load(tmp_path)
    assert caught.value.code is ErrorCode.SCHEMA_INVALID


def test_without_an_import_the_vocabulary_is_the_bundled_one(tmp_path, bundled):
    assert len(SkillsVocabulary.load(tmp_path)) == len(bundled)
    assert SkillsVocabulary.load(None) is bundled


def test_every_kwalificatie_skill_resolves_in_the_bundled_vocabulary(bundled):
    for kwalificatie in Kwalificaties.bundled().all():
        for uri in kwalificatie.esco_skills:
            assert uri in bundled, (kwalificatie.crebo, uri)
        for uri, label in kwalificatie.competentnl:
            assert bundled.get(uri).labels["nl"] == label


def test_extract_zips_are_packed_like_the_official_download():
    with zipfile.ZipFile(EN_ZIP) as archive:
        names = set(archive.namelist())
    assert {"skills_en.csv", "occupations_en.csv", "transversalSkillsCollection_en.csv", "skillGroups_en.csv"} <= names
    assert len(names) == 13
    assert Path(EN_ZIP).name == "ESCO dataset - v1.1.1 - classification - en - csv.zip"
