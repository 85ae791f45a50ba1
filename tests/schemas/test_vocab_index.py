"""The offline vocabulary index: all of ESCO v1.1.1 and CompetentNL, searchable in Dutch (real data)."""

from __future__ import annotations

import csv
import io
import lzma
from importlib import resources

import pytest

from skillspas.schemas.errors import ErrorCode, SkillspasError
from skillspas.schemas.vocab_index import MAX_QUERY, VocabIndex, word_forms

DATA = resources.files("skillspas.schemas") / "data" / "vocab"
SKILL = "http://data.europa.eu/esco/skill/"
COOK = "http://data.europa.eu/esco/occupation/90f75f67-495d-49fa-ab57-2f320e251d7e"


def rows(name: str) -> list[dict[str, str]]:
    raw = (DATA / name).read_bytes()
    text = (lzma.decompress(raw) if name.endswith(".xz") else raw).decode("utf-8")
    previous = csv.field_size_limit(1 << 24)  # process-wide: given back, or the batch CSV tests after it see no limit
    try:
        return list(csv.DictReader(io.StringIO(text, newline="")))
    finally:
        csv.field_size_limit(previous)


@pytest.fixture(scope="module")
def index() -> VocabIndex:
    return VocabIndex.open()


@pytest.fixture(scope="module")
def dutch() -> dict[str, str]:
    return {r["conceptUri"]: r["preferredLabel_nl"] for r in rows("esco-skills-nl-labels.csv.xz")}


def test_the_index_holds_every_bundled_skill_occupation_relation_and_competentnl_skill(index):
    counts = index.counts()
    assert counts["skill"] == len({r["conceptUri"] for r in rows("skills_en.csv.xz")})
    related = {r["occupationUri"] for r in rows("occupationSkillRelations.csv.xz")}
    assert counts["occupation"] == len({r["conceptUri"] for r in rows("occupations_en.csv.xz")} | related)
    assert counts["relations"] == len({(r["occupationUri"], r["skillUri"]) for r in rows("occupationSkillRelations.csv.xz")})
    assert counts["competentnl"] == len(rows("competentnl-skills-seen.csv"))


def test_an_occupation_lists_its_essential_and_optional_skills_as_the_relations_file_says(index):
    expected = {(r["skillUri"], r["relationType"] == "essential") for r in rows("occupationSkillRelations.csv.xz")
                if r["occupationUri"] == COOK}
    got = {(skill.uri, essential) for skill, essential in index.skills_of(COOK)}
    assert got == expected
    assert sum(essential for _, essential in got) == 16


def test_a_dutch_label_is_shown_where_the_data_has_one_and_english_otherwise(index, dutch):
    forklift = next(r for r in rows("skills_en.csv.xz") if r["preferredLabel"] == "operate forklift")
    assert forklift["conceptUri"] not in dutch
    assert index.get(forklift["conceptUri"]).label("nl") == "operate forklift"
    cooking = SKILL + "f3934441-4bff-4076-9945-e6c51a01c467"
    assert index.get(cooking).label("nl") == dutch[cooking]


@pytest.mark.parametrize(
    ("words", "expected_uri", "lang"),
    [
        ("koken", SKILL + "f3934441-4bff-4076-9945-e6c51a01c467", "nl"),      # kooktechnieken gebruiken
        ("samenwerken", SKILL + "082967d4-b94c-4305-aa13-35a6aa8c5c7c", "nl"),  # samenwerken met collega's
        ("bakstenen", SKILL + "13e1c0a2-b90d-46f4-be51-11730360b38d", "nl"),    # bakstenen leggen
        ("hygiëne", SKILL + "0c944316-12f6-4949-a156-a03dbaae790f", "nl"),      # hygiëne waarborgen
        ("forklift", None, "en"),                                              # operate forklift (no Dutch label)
        ("metselen", SKILL + "13e1c0a2-b90d-46f4-be51-11730360b38d", "nl"),     # via the occupation metselaar
    ],
)
def test_dutch_words_find_the_skill_a_person_means(index, dutch, words, expected_uri, lang):
    if expected_uri is None:
        expected_uri = next(r["conceptUri"] for r in rows("skills_en.csv.xz") if r["preferredLabel"] == "operate forklift")
    found = [hit.concept.uri for hit in index.search(words, limit=20, kinds=("skill",)).hits]
    assert expected_uri in found
    if lang == "nl":  # the label shown is the one in the Dutch data, not made up here
        assert index.get(expected_uri).label("nl") == dutch[expected_uri]


def test_word_forms_turn_a_dutch_verb_into_the_stem_that_labels_start_with():
    assert "kook" in word_forms("koken")
    assert "baksteen" in word_forms("bakstenen")
    assert "leg" in word_forms("leggen")


def test_an_ambiguous_word_gives_candidates_instead_of_one_silent_pick(index):
    result = index.search("teamwork")
    assert result.ambiguous and result.best is None
    assert len(result.hits) > 1
    labels = [hit.concept.label("en") for hit in result.hits]
    assert "work in a construction team" in labels  # shown as a candidate, never picked


def test_a_whole_label_that_beats_every_other_is_picked(index):
    assert index.occupation_named("kok").uri == COOK
    assert index.occupation_named(COOK).uri == COOK


def test_a_name_that_fits_several_occupations_is_refused_with_the_candidates(index):
    with pytest.raises(SkillspasError) as caught:
        index.occupation_named("metselaar voorman opperman")
    assert caught.value.code is ErrorCode.AMBIGUOUS  # the code a client shows a choice for
    with pytest.raises(SkillspasError) as caught:
        index.occupation_named("xqzvw")
    assert "No ESCO occupation" in caught.value.message and caught.value.code is ErrorCode.SCHEMA_INVALID


@pytest.mark.parametrize("name, offered", [("kook", "operator verpulping"), ("kokk", "kok")])
def test_a_name_that_only_starts_a_word_of_one_occupation_is_offered_not_silently_picked(index, name, offered):
    with pytest.raises(SkillspasError) as caught:
        index.occupation_named(name)  # "kook" once became "operator verpulping" (its label "operator kookketel")
    assert caught.value.code is ErrorCode.SCHEMA_INVALID
    assert offered in caught.value.text("nl") and offered in caught.value.message


def test_the_id_a_refusal_lists_for_a_candidate_picks_that_occupation(index):
    with pytest.raises(SkillspasError) as caught:
        index.occupation_named("kokk")
    assert COOK.rsplit("/", 1)[-1] in caught.value.message
    assert index.occupation_named(" " + COOK.rsplit("/", 1)[-1]).uri == COOK


@pytest.mark.parametrize("query", ["x" * (MAX_QUERY + 1), "samenwerken " * 1000])
def test_a_huge_search_text_is_refused_with_a_code(index, query):
    with pytest.raises(SkillspasError) as caught:
        index.search(query)
    assert caught.value.code is ErrorCode.TOO_LARGE


@pytest.mark.parametrize("query", ['"', "*", "AND OR NOT", "NEAR(a b)", "kok\x00", "^", "  "])
def test_search_syntax_in_the_words_is_plain_text_never_an_error(index, query):
    assert index.search(query).query == query
