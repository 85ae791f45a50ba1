"""The offline vocabulary index: all of ESCO v1.1.1 and CompetentNL, searchable in Dutch (real data)."""

from __future__ import annotations

import csv
import io
import lzma
import re
from importlib import resources

import pytest

from skillspas.schemas.errors import ErrorCode, SkillspasError
from skillspas.schemas.vocab import fold
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


@pytest.mark.parametrize(("word", "form"), [
    pytest.param("koks", "kok", id="a plural in -s"),
    pytest.param("bakkers", "bakker", id="bakkers"),
    pytest.param("kook", "kok", id="a long vowel in a closed syllable: kook (ik kook) and kok"),
    pytest.param("cooks", "cook", id="an English plural"),
])
def test_word_forms_turn_a_plural_or_a_long_vowel_into_the_word_a_label_has(word, form):
    assert form in word_forms(word)


@pytest.mark.parametrize("word", ["kok", "glas", "kas", "proces", "is"])
def test_word_forms_leave_a_word_whose_s_is_no_plural_ending_alone(word):
    assert word_forms(word) == (word,)


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


@pytest.mark.parametrize("name, offered", [("kokk", "kok")])
def test_a_name_that_only_starts_a_word_of_one_occupation_is_offered_not_silently_picked(index, name, offered):
    with pytest.raises(SkillspasError) as caught:
        index.occupation_named(name)
    assert caught.value.code is ErrorCode.SCHEMA_INVALID
    assert offered in caught.value.text("nl") and offered in caught.value.message


def first_occupation(index: VocabIndex, name: str) -> str | None:
    hits = index.search(name, kinds=("occupation",), relations=False).hits
    return hits[0].concept.uri if hits else None


@pytest.mark.parametrize("name", ["kok", "koks", "kook", "kokkin", "Kok", "KOKS", " koks "])
def test_each_form_a_worker_types_for_a_cook_finds_kok_first(index, name):
    assert first_occupation(index, name) == COOK  # "kook" gave "operator verpulping", "koks" nothing


@pytest.mark.parametrize(("name", "expected"), [
    pytest.param("bakkers", "bakker", id="a Dutch plural in -s finds the singular first (not bakkerswinkel)"),
    pytest.param("lassers", "lasser", id="lassers, which found nothing"),
    pytest.param("metselaars", "metselaar", id="metselaars"),
    pytest.param("cooks", "kok", id="an English plural"),
])
def test_a_plural_finds_the_occupation_named_by_its_singular_first(index, name, expected):
    hits = index.search(name, kinds=("occupation",), relations=False).hits
    assert hits and hits[0].concept.label("nl") == expected, [h.concept.label("nl") for h in hits[:5]]


@pytest.mark.parametrize("name", ["kook", "koks", "bakkers", "lassers", "schilders", "kapsters", "cooks"])
def test_a_label_with_the_name_or_its_form_as_a_whole_word_ranks_above_one_where_it_only_starts_a_word(index, name):
    """Never a far match above a close one: "operator kookketel" (only starts like "kook") came before "kok"."""
    forms = set(word_forms(fold(name).strip()))
    ranks = []
    for hit in index.search(name, kinds=("occupation",), relations=False, limit=200).hits:
        tokens = re.findall(r"\w+", hit.matched)
        ranks.append(0 if forms & set(tokens) else 1)
    assert 0 in ranks and ranks == sorted(ranks), ranks


def test_every_one_word_occupation_name_in_the_plural_finds_that_occupation_first_and_whole_words_before_word_starts(index):
    """The same on all of ESCO's Dutch one-word occupation names that take a plural in -s (kok-s, bakker-s, lasser-s)."""
    names: dict[str, set[str]] = {}
    for concept in index.each(("occupation",)):
        name = fold(concept.labels.get("nl", ""))
        if re.fullmatch(r"[a-z]{3,}", name) and name[-1] not in "aeiouyjs":
            names.setdefault(name, set()).add(concept.uri)
    assert len(names) > 900
    for name, uris in names.items():
        hits = index.search(name + "s", kinds=("occupation",), relations=False, limit=200).hits
        assert hits and hits[0].concept.uri in uris, (name, [h.concept.label("nl") for h in hits[:3]])
        ranks = [0 if {name, name + "s"} & set(re.findall(r"\w+", hit.matched)) else 1 for hit in hits]
        assert ranks == sorted(ranks), (name, [(h.concept.label("nl"), h.matched, h.score) for h in hits])


def test_kook_for_the_bridge_offers_kok_first_not_operator_verpulping(index):
    with pytest.raises(SkillspasError) as caught:
        index.occupation_named("kook")
    assert caught.value.code in (ErrorCode.SCHEMA_INVALID, ErrorCode.AMBIGUOUS)
    first = caught.value.text("nl").split("?")[0].split(": ", 1)[-1].split(" (")[0]
    assert first.split()[-1] == "kok", caught.value.text("nl")


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


def test_a_label_shown_in_place_of_the_readers_language_is_marked_with_its_language():
    from skillspas.schemas.vocab import shown_label

    assert shown_label({"en": "dispose waste"}, "nl", "uri") == "dispose waste (Engels)"
    assert shown_label({"nl": "Samenwerken"}, "en", "uri") == "Samenwerken (Dutch)"
    assert shown_label({"nl": "afval", "en": "waste"}, "nl", "uri") == "afval"
    assert shown_label({}, "nl", "http://x") == "http://x"
