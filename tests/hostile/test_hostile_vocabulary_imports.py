"""``vocab import`` refuses, before it writes anything, a label a person would not read as written (a control or bidi
character, DESIGN.md threat 4: the page and the CLI show imported labels as the skills a credential proves) and a
label or list of labels its own import file cannot hold: a 1 MiB label was imported, and then every command that
reads the vocabulary, and every later import, answered "import ESCO again". A record is read as the official file has
it or refused, naming its line: a URI that is none of ESCO's, one URI on two records that differ, a record whose fields
do not line up with the header. Mixed line endings, a byte order mark at the start and labels that look like spreadsheet
formulas are read as written."""

from __future__ import annotations

from pathlib import Path

import pytest

from hostilekit import assert_coded_refusal, run_cli
from skillspas.schemas.errors import ErrorCode, SkillspasError
from skillspas.schemas.kwalificaties import read_register
from skillspas.schemas.vocab import SkillsVocabulary, import_esco

HEADER = "conceptType,conceptUri,skillType,reuseLevel,preferredLabel,altLabels\n"
URI = "http://data.europa.eu/esco/skill/00000000-0000-4000-8000-000000000001"


def _skills(label: str, alt: str = "") -> str:
    return HEADER + f'KnowledgeSkillCompetence,{URI},skill/competence,sector-specific,"{label}","{alt}"\n'


HOSTILE = {
    "a bidi override in a label": (_skills("koken \u202eneeuqnab"), ErrorCode.SCHEMA_INVALID),
    "a C1 terminal escape in a label": (_skills("kok\u009b31men"), ErrorCode.SCHEMA_INVALID),
    "a NUL in an alternative label": (_skills("koken", "kook\x00kunst"), ErrorCode.SCHEMA_INVALID),
    "a line break in a label": (_skills("koken\n\u2713 geldig"), ErrorCode.SCHEMA_INVALID),
    "a carriage return in a label": (_skills("koken\r\u2713 geldig"), ErrorCode.SCHEMA_INVALID),
    "a line separator in a label": (_skills("koken\u2028\u2713 geldig"), ErrorCode.SCHEMA_INVALID),
    "a paragraph separator in an alternative label": (_skills("koken", "kook\u2029kunst"), ErrorCode.SCHEMA_INVALID),
    "a label of 1 MiB": (_skills("k" * (1 << 20)), ErrorCode.TOO_LARGE),
    "50,000 alternative labels": (_skills("koken", "\n".join(f"alt {n}" for n in range(50_000))), ErrorCode.TOO_LARGE),
}


@pytest.mark.parametrize("case", list(HOSTILE))
def test_vocab_import_refuses_a_label_it_could_not_show_or_hold_and_writes_nothing(tmp_path, case):
    content, code = HOSTILE[case]
    source = tmp_path / "skills_nl.csv"
    source.write_text(content, "utf-8")
    with pytest.raises(SkillspasError) as refused:
        import_esco(source, tmp_path / "home")
    assert refused.value.code is code and "skills_nl.csv, regel 2" in refused.value.text("nl")
    assert not (tmp_path / "home" / "vocab").exists() or not any((tmp_path / "home" / "vocab").iterdir())


def test_after_a_refused_import_the_vocabulary_still_reads_and_a_good_import_still_lands(tmp_path):
    home = str(tmp_path / "home")
    source = tmp_path / "skills_nl.csv"
    source.write_text(HOSTILE["a label of 1 MiB"][0], "utf-8")
    assert_coded_refusal(run_cli("vocab", "import", str(source), "--home", home), codes={"too_large"})
    source.write_text(_skills("koken met een wok"), "utf-8")
    assert run_cli("vocab", "import", str(source), "--home", home).exit_code == 0
    found = run_cli("vocab", "search", "wok", "--home", home)
    assert found.exit_code == 0 and "koken met een wok" in found.stdout, found.stdout + found.stderr


def test_a_register_of_kwalificaties_with_a_bidi_override_in_a_name_is_refused():
    raw = "code,kind,name,part_of,source\n25180,kwalificatie,Kok \u202ekokeirtarus,,SBB\n".encode()
    with pytest.raises(SkillspasError) as refused:
        read_register(raw, "kwalificaties-register.csv")
    assert refused.value.code is ErrorCode.SCHEMA_INVALID and "U+202E" in refused.value.text("nl")
    assert read_register(raw.replace("\u202e".encode(), b""), "kwalificaties-register.csv")[0].name == "Kok kokeirtarus"


def test_an_imported_occupation_label_with_a_control_character_is_refused(tmp_path: Path):
    source = tmp_path / "occupations_nl.csv"
    source.write_text("conceptType,conceptUri,preferredLabel,altLabels\nOccupation,http://data.europa.eu/esco/occupation/"
                      "00000000-0000-4000-8000-000000000001,\"kok\u0085chef\",\n", "utf-8")
    with pytest.raises(SkillspasError) as refused:
        import_esco(source, tmp_path / "home")
    assert refused.value.code is ErrorCode.SCHEMA_INVALID and "U+0085" in refused.value.text("en")


def test_alternative_labels_one_per_line_are_still_imported_each_as_a_label_of_its_own(tmp_path: Path):
    home = str(tmp_path / "home")
    source = tmp_path / "skills_nl.csv"
    source.write_text(_skills("koken", "kookkunst\nwokken"), "utf-8")
    assert run_cli("vocab", "import", str(source), "--home", home).exit_code == 0
    found = run_cli("vocab", "search", "wokken", "--home", home)
    assert found.exit_code == 0 and "koken" in found.stdout, found.stdout + found.stderr


def test_a_register_of_kwalificaties_with_a_line_break_in_a_name_is_refused():
    raw = 'code,kind,name,part_of,source\n25180,kwalificatie,"Kok\n\u2713 geldig",,SBB\n'.encode()
    with pytest.raises(SkillspasError) as refused:
        read_register(raw, "kwalificaties-register.csv")
    assert refused.value.code is ErrorCode.SCHEMA_INVALID and "U+000A" in refused.value.text("nl")


# -- what an import file may not hold besides labels: a field beyond the bound, a URI that is none, a record twice ------

OTHER = "http://data.europa.eu/esco/skill/00000000-0000-4000-8000-000000000002"


def _skill_rows(*rows: tuple[str, str]) -> str:
    return HEADER + "".join(f'KnowledgeSkillCompetence,{uri},skill/competence,sector-specific,"{label}",""\n'
                            for uri, label in rows)


REFUSED = {
    "a field of 10 MB": (_skill_rows((URI, "koken"), (OTHER, "k" * (10 << 20))), ErrorCode.TOO_LARGE, "regel 3"),
    "a javascript: URI": (_skill_rows((URI, "koken"), ("javascript:alert(1)", "bakken")), ErrorCode.SCHEMA_INVALID,
                          "regel 3"),
    "a file: URI": (_skill_rows(("file:///etc/passwd", "koken")), ErrorCode.SCHEMA_INVALID, "regel 2"),
    "a URI with a space in it": (_skill_rows((URI, "koken"), (OTHER.replace("/skill/", "/skill/ "), "bakken")),
                                 ErrorCode.SCHEMA_INVALID, "regel 3"),
    "an occupation's URI where a skill's belongs": (
        _skill_rows((URI.replace("/skill/", "/occupation/"), "kok")), ErrorCode.SCHEMA_INVALID, "regel 2"),
    "a byte order mark before a URI": (_skill_rows((URI, "koken"), ("\ufeff" + OTHER, "bakken")), ErrorCode.SCHEMA_INVALID,
                                       "regel 3"),
    "a second file's header after a byte order mark": (_skill_rows((URI, "koken")) + "\ufeff" + _skill_rows((OTHER, "bakken")),
                                                      ErrorCode.SCHEMA_INVALID, "regel 3"),
    "one URI twice with different labels": (_skill_rows((URI, "koken"), (OTHER, "bakken"), (URI, "stelen")),
                                            ErrorCode.SCHEMA_INVALID, "regel 4"),
    "a label with a comma and no quotes": (HEADER + f"K,{URI},skill/competence,sector-specific,koken, bakken,\n",
                                           ErrorCode.SCHEMA_INVALID, "regel 2"),
    "a record of two fields": (_skill_rows((URI, "koken")) + f"K,{OTHER}\n", ErrorCode.SCHEMA_INVALID, "regel 3"),
}


@pytest.mark.parametrize("case", list(REFUSED))
def test_vocab_import_refuses_a_record_it_would_misread_naming_its_line_and_writes_nothing(tmp_path, case):
    """Rows whose URI was no ESCO skill's were skipped without a word (the import said how many it took), one URI twice
    kept its last label, a label with an unquoted comma was cut there (the rest read as its alternative labels), and a
    field over 1 MiB was schema_invalid with Python's English in the Dutch sentence."""
    content, code, line = REFUSED[case]
    source = tmp_path / "skills_nl.csv"
    source.write_text(content, "utf-8")
    with pytest.raises(SkillspasError) as refused:
        import_esco(source, tmp_path / "home")
    assert refused.value.code is code and f"skills_nl.csv, {line}" in refused.value.text("nl"), refused.value.text("nl")
    assert f"skills_nl.csv, line {line.split()[1]}" in refused.value.text("en")
    assert "field" not in refused.value.text("nl")  # Dutch, all of it
    assert not (tmp_path / "home" / "vocab").exists() or not any((tmp_path / "home" / "vocab").iterdir())


def test_one_uri_twice_names_both_lines_and_the_same_record_twice_is_read_once(tmp_path):
    source = tmp_path / "skills_nl.csv"
    source.write_text(_skills("koken") + f'KnowledgeSkillCompetence,{URI},skill/competence,sector-specific,"stelen",""\n',
                      "utf-8")
    with pytest.raises(SkillspasError) as refused:
        import_esco(source, tmp_path / "home")
    assert "regel 3" in refused.value.text("nl") and "regel 2" in refused.value.text("nl")
    source.write_text(_skills("koken") + _skills("koken")[len(HEADER):], "utf-8")
    assert import_esco(source, tmp_path / "home").counts == {"nl": 1}


OCCUPATION = "http://data.europa.eu/esco/occupation/00000000-0000-4000-8000-000000000001"
RELATIONS_HEADER = "occupationUri,relationType,skillType,skillUri\n"


def test_one_uri_twice_that_differs_only_in_what_the_import_does_not_read_is_imported(tmp_path):
    """The official Dutch ESCO v1.2 occupations_nl.csv lists four occupations twice, the records differing only in their
    modifiedDate: what the import keeps (labels, types, code) is the same, so nothing is a guess, and it is imported."""
    source = tmp_path / "occupations_nl.csv"
    header = "conceptType,conceptUri,preferredLabel,altLabels,modifiedDate,description\n"
    source.write_text(header + f"Occupation,{OCCUPATION},kok,chef,2025-07-31T09:38:59.122Z,kookt\n"
                      f"Occupation,{OCCUPATION},kok,chef,2025-11-26T10:02:16.164Z,kookt eten\n", "utf-8")
    import_esco(source, tmp_path / "home")
    assert SkillsVocabulary.load(tmp_path / "home").index.get(OCCUPATION).label("nl") == "kok"


def test_an_occupation_or_relation_listed_twice_is_counted_once_as_a_skill_listed_twice_is(tmp_path):
    """The official Dutch occupations_nl.csv has 3043 records of 3039 occupations: vocab import said 3043."""
    header = "conceptType,conceptUri,preferredLabel,altLabels,modifiedDate,description\n"
    other = OCCUPATION[:-1] + "2"
    (tmp_path / "occupations_nl.csv").write_text(
        header + f"Occupation,{OCCUPATION},kok,chef,2025-07-31T09:38:59.122Z,kookt\n"
        f"Occupation,{other},bakker,,2025-07-31T09:38:59.122Z,bakt\n"
        f"Occupation,{OCCUPATION},kok,chef,2025-11-26T10:02:16.164Z,kookt eten\n", "utf-8")
    (tmp_path / "occupationSkillRelations.csv").write_text(
        RELATIONS_HEADER + f"{OCCUPATION},essential,skill/competence,{URI}\n" * 2, "utf-8")
    result = import_esco([tmp_path / "occupations_nl.csv", tmp_path / "occupationSkillRelations.csv"], tmp_path / "home")
    assert (result.occupations, result.relations) == ({"nl": 2}, 1)


@pytest.mark.parametrize("name, content, line", [
    pytest.param("occupations_nl.csv", f"conceptType,conceptUri,preferredLabel,altLabels\nOccupation,{OCCUPATION},kok,\n"
                 "Occupation,javascript:alert(1),bakker,\n", "regel 3", id="an occupation's javascript: URI"),
    pytest.param("occupations_nl.csv", f"conceptType,conceptUri,preferredLabel,altLabels\nOccupation,{OCCUPATION},kok,\n"
                 f"Occupation,{OCCUPATION},dief,\n", "regel 3", id="one occupation twice with different labels"),
    pytest.param("occupationSkillRelations.csv", RELATIONS_HEADER + f"{OCCUPATION},essential,skill/competence,{URI}\n"
                 f"{OCCUPATION},essential,skill/competence,file:///etc/passwd\n", "regel 3", id="a relation to a file: URI"),
    pytest.param("occupationSkillRelations.csv", RELATIONS_HEADER + f"{OCCUPATION},essential,skill/competence,{URI}\n"
                 f"{OCCUPATION},optional,skill/competence,{URI}\n", "regel 3", id="one relation essential and optional"),
])
def test_an_occupations_or_relations_file_with_a_record_it_would_misread_is_refused(tmp_path, name, content, line):
    source = tmp_path / name
    source.write_text(content, "utf-8")
    with pytest.raises(SkillspasError) as refused:
        import_esco(source, tmp_path / "home")
    assert refused.value.code is ErrorCode.SCHEMA_INVALID and f"{name}, {line}" in refused.value.text("nl")


def test_a_million_rows_are_too_large_at_once_and_nothing_is_written(tmp_path):
    import time

    source = tmp_path / "skills_nl.csv"
    row = f"K,{URI},s,r,koken,\n".encode()
    with source.open("wb") as out:
        out.write(HEADER.encode())
        for _ in range(10):
            out.write(row * 100_000)
    started = time.monotonic()
    assert_coded_refusal(run_cli("vocab", "import", str(source), "--home", str(tmp_path / "home")), codes={"too_large"})
    assert time.monotonic() - started < 2.0 and not (tmp_path / "home" / "vocab").exists()


def test_mixed_line_endings_and_a_byte_order_mark_at_the_start_read_every_row_as_written(tmp_path):
    home = tmp_path / "home"
    source = tmp_path / "skills_nl.csv"
    source.write_bytes(b"\xef\xbb\xbf" + HEADER.replace("\n", "\r\n").encode()
                       + f'K,{URI},skill/competence,sector-specific,"wokken",""\r'.encode()
                       + f'K,{OTHER},skill/competence,sector-specific,"roerbakken",""\n'.encode())
    assert import_esco(source, home).counts == {"nl": 2}
    vocabulary = SkillsVocabulary.load(home)
    assert [vocabulary.get(uri).label("nl") for uri in (URI, OTHER)] == ["wokken", "roerbakken"]


FORMULAS = ["=cmd|' /C calc'!A0", "+SUM(1;2)", "@IMPORTXML(x)", "-2+3"]


def test_a_label_that_looks_like_a_spreadsheet_formula_is_imported_and_shown_as_written(tmp_path):
    """Text, as any label: skillspas writes no label into a spreadsheet (its one CSV, a batch's offers.csv, holds none
    and puts a quote before such a cell)."""
    home = tmp_path / "home"
    uris = [URI[:-1] + str(n) for n in range(1, len(FORMULAS) + 1)]
    source = tmp_path / "skills_nl.csv"
    source.write_text(_skill_rows(*((uri, label.replace('"', '""')) for uri, label in zip(uris, FORMULAS))), "utf-8")
    assert import_esco(source, home).counts == {"nl": len(FORMULAS)}
    vocabulary = SkillsVocabulary.load(home)
    assert [vocabulary.get(uri).label("nl") for uri in uris] == FORMULAS
    shown = run_cli("vocab", "show", uris[0], "--home", str(home))
    assert shown.exit_code == 0 and FORMULAS[0] in shown.stdout, shown.stdout + shown.stderr


def test_a_register_that_names_one_crebo_twice_differently_is_refused_naming_both_lines():
    """The last row was kept: ``vocab show 25180`` named whichever came last."""
    raw = "code,kind,name,part_of,source\n25180,kwalificatie,Kok,,SBB\n25180,kwalificatie,Zelfstandig werkend kok,,SBB\n"
    with pytest.raises(SkillspasError) as refused:
        read_register(raw.encode(), "kwalificaties-register.csv")
    assert refused.value.code is ErrorCode.SCHEMA_INVALID
    assert "regel 3" in refused.value.text("nl") and "regel 2" in refused.value.text("nl")
    twice = "code,kind,name,part_of,source\n25180,kwalificatie,Kok,,SBB\n25180,kwalificatie,Kok,,SBB\n"
    assert [entry.name for entry in read_register(twice.encode(), "kwalificaties-register.csv")] == ["Kok"]


OLD_LABEL = "koken op hout\n\u2713 geldig \x1b[31mrood\u202e"
"""A label ``vocab import`` took before it refused line breaks and control characters (``FORBIDDEN_IN_LINE``)."""


@pytest.fixture(scope="module")
def old_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data folder with an import written before the one-line rule: its label holds a line break, a terminal escape
    and a bidi override, as the index built from it does."""
    from skillspas.schemas.vocab import IMPORT_FOLDER, Skill, _encode_import

    home = tmp_path_factory.mktemp("old-import")
    (home / IMPORT_FOLDER).mkdir()
    skill = Skill(URI, "ESCO", {"nl": OLD_LABEL}, {"nl": ("hout\rstoken",)}, "skill/competence", "sector-specific")
    (home / IMPORT_FOLDER / "esco-nl.json.gz").write_bytes(_encode_import("nl", [skill]))
    return home


def test_an_index_label_with_a_line_break_from_an_old_import_is_one_line_wherever_it_is_read(old_home):
    from skillspas.schemas.text import FORBIDDEN_IN_LINE
    from skillspas.schemas.vocab import SkillsVocabulary
    from skillspas.schemas.vocab_index import VocabIndex

    vocabulary = SkillsVocabulary.load(old_home)
    raw = vocabulary.index._db.execute("SELECT label_nl FROM concept WHERE uri = ?", (URI,)).fetchone()[0]
    assert raw == OLD_LABEL  # the index holds it as it was imported
    skill = vocabulary.get(URI)
    assert skill is not None and skill.label("nl") == "koken op hout \u2713 geldig \ufffd[31mrood\ufffd"
    concept = VocabIndex.open(old_home).get(URI)
    assert concept is not None and not FORBIDDEN_IN_LINE.search(concept.shown_label("en"))  # "… (Dutch)"
    hit = vocabulary.index.search("koken op hout", limit=3).hits[0]
    assert hit.concept.uri == URI and not FORBIDDEN_IN_LINE.search(hit.matched)


@pytest.mark.parametrize("command", [("vocab", "search", "koken op hout"), ("vocab", "show", URI)], ids=["search", "show"])
def test_vocab_search_and_show_print_an_old_imports_label_on_its_own_line_without_its_escape(old_home, command):
    run = run_cli(*command, "--home", str(old_home))
    assert run.exit_code == 0, run.stdout + run.stderr
    assert not any(line.startswith("\u2713 geldig") for line in run.stdout.splitlines()), run.stdout
    assert any(line.startswith("koken op hout \u2713 geldig \ufffd[31mrood\ufffd") for line in run.stdout.splitlines())
    assert "\x1b" not in run.stdout and "\u202e" not in run.stdout


def test_the_pages_skill_search_names_an_old_imports_skill_on_one_line(old_home):
    from fastapi.testclient import TestClient

    from skillspas.schemas.vocab import SkillsVocabulary
    from skillspas.verifier.page import PageSettings, create_page_app

    client = TestClient(create_page_app(PageSettings(vocabulary=SkillsVocabulary.load(old_home))),
                        base_url="http://127.0.0.1:8765")
    found = next(s for s in client.get("/api/skills", params={"q": "koken op hout"}).json()["skills"] if s["uri"] == URI)
    assert found["shownLabel"]["nl"] == found["label"]["nl"] == "koken op hout \u2713 geldig \ufffd[31mrood\ufffd"


@pytest.mark.parametrize(("text", "shown"), [
    ("koken\n\u2713 geldig", "koken \u2713 geldig"),
    ("koken\u2028\r\n  wok", "koken wok"),
    ("kok\x0bchef\x85sous", "kok chef sous"),  # controls that are whitespace: a space, as a line break is
    ("kok\x1b[2J\u009b31m", "kok\ufffd[2J\ufffd31m"),  # a terminal's escapes: shown, never obeyed
    ("koken \u202eneeuqnab\u2066", "koken \ufffdneeuqnab\ufffd"),
], ids=["line break", "line separator and CRLF", "whitespace controls", "terminal escapes", "bidi override"])
def test_one_line_shows_a_line_break_as_a_space_and_a_control_or_bidi_character_as_a_replacement(text, shown):
    from skillspas.schemas.text import FORBIDDEN_IN_LINE, one_line

    assert one_line(text) == shown and not FORBIDDEN_IN_LINE.search(one_line(text))
