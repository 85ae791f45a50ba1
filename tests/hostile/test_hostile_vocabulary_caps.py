"""``vocab import`` takes a few times what the official files hold, not just what fits in their bytes: a file of 780,000
valid skill rows, within the 64 MiB a file may have, took 20 s to import, and the next vocabulary command 24 s and 1 GB
to build its index (6.8 million alternative labels in 64 MiB: 48 s and 1.7 GB). The caps are in ``Limits``
(``max_vocab_skills``, ``max_vocab_occupations``, ``max_vocab_relations``, ``max_vocab_labels``,
``max_vocab_label_text``, ``max_register_rows``); each file is counted as it is read and the data folder's imports
together (every language), so ``too_large``, naming the file or the folder and the cap, comes before the work; the index
build counts the imports the same way before it starts. The tests inject small caps; one runs the CLI at the default."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from hostilekit import assert_coded_refusal, run_cli
from skillspas.schemas.errors import ErrorCode, SkillspasError
from skillspas.schemas.limits import Limits
from skillspas.schemas.vocab import IMPORT_FOLDER, _data, _label_size, import_esco
from skillspas.schemas.vocab_index import build_index, imports_of

CAPS = Limits(max_vocab_skills=4, max_vocab_occupations=3, max_vocab_relations=5, max_vocab_labels=12,
              max_vocab_label_text=400, max_register_rows=3)
SKILLS_HEADER = "conceptType,conceptUri,skillType,reuseLevel,preferredLabel,altLabels\n"


def _uri(kind: str, number: int) -> str:
    return f"http://data.europa.eu/esco/{kind}/00000000-0000-4000-8000-{number:012d}"


def _skills(count: int, *, first: int = 1, alts: int = 0) -> str:
    return SKILLS_HEADER + "".join(
        f'KnowledgeSkillCompetence,{_uri("skill", n)},skill/competence,sector-specific,"vaardigheid {n}",'
        f'"{chr(10).join(f"ander label {n}.{a}" for a in range(alts))}"\n' for n in range(first, first + count))


def _occupations(count: int) -> str:
    return "conceptType,conceptUri,code,preferredLabel,altLabels\n" + "".join(
        f"Occupation,{_uri('occupation', n)},5120.{n},beroep {n},\n" for n in range(1, count + 1))


def _relations(count: int) -> str:
    return "occupationUri,relationType,skillType,skillUri\n" + "".join(
        f"{_uri('occupation', 1)},essential,skill/competence,{_uri('skill', n)}\n" for n in range(1, count + 1))


def _register(count: int) -> str:
    return "code,kind,name,part_of,source\n" + "".join(
        f"{29000 + n},kwalificatie,Kwalificatie {n},,test\n" for n in range(1, count + 1))


FILES = {  # the file, its rows, its cap, how ImportResult counts it
    "a skills file": ("skills_nl.csv", _skills, CAPS.max_vocab_skills, lambda r: r.counts["nl"]),
    "a skill collection": ("digitalSkillsCollection_nl.csv", _skills, CAPS.max_vocab_skills, lambda r: r.counts["nl"]),
    "an occupations file": ("occupations_nl.csv", _occupations, CAPS.max_vocab_occupations,
                            lambda r: r.occupations["nl"]),
    "a relations file": ("occupationSkillRelations.csv", _relations, CAPS.max_vocab_relations, lambda r: r.relations),
    "a register of kwalificaties": ("kwalificaties-register.csv", _register, CAPS.max_register_rows,
                                    lambda r: r.register),
}


def _refused(source: Path | list[Path], home: Path, limits: Limits = CAPS) -> SkillspasError:
    with pytest.raises(SkillspasError) as refused:
        import_esco(source, home, limits=limits)
    return refused.value


def _written(home: Path) -> dict[str, bytes]:
    folder = home / IMPORT_FOLDER
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())} if folder.is_dir() else {}


@pytest.mark.parametrize("case", list(FILES))
def test_a_file_one_record_over_its_cap_is_too_large_naming_the_file_and_the_cap_and_nothing_is_written(tmp_path, case):
    name, rows, cap, _ = FILES[case]
    source = tmp_path / name
    source.write_text(rows(cap + 1), "utf-8")
    refused = _refused(source, tmp_path / "home")
    assert refused.code is ErrorCode.TOO_LARGE
    assert name in refused.text("nl") and f"meer dan {cap} " in refused.text("nl"), refused.text("nl")
    assert name in refused.text("en") and f"more than {cap} " in refused.text("en"), refused.text("en")
    assert _written(tmp_path / "home") == {}


@pytest.mark.parametrize("case", list(FILES))
def test_a_file_at_its_cap_is_imported(tmp_path, case):
    name, rows, cap, imported = FILES[case]
    source = tmp_path / name
    source.write_text(rows(cap), "utf-8")
    assert imported(import_esco(source, tmp_path / "home", limits=CAPS)) == cap


def test_the_record_past_the_cap_is_refused_before_the_rest_of_the_file_is_read(tmp_path):
    """The row after the one past the cap is no ESCO record (``schema_invalid`` had it been read): the count stopped
    the reading first."""
    source = tmp_path / "skills_nl.csv"
    source.write_text(_skills(CAPS.max_vocab_skills + 1) + "K,javascript:alert(1),s,r,kwaad,\n", "utf-8")
    refused = _refused(source, tmp_path / "home")
    assert refused.code is ErrorCode.TOO_LARGE and "skills_nl.csv" in refused.text("en")


@pytest.mark.parametrize(("alts", "length", "counted", "refused"), [
    pytest.param(5, 200, (12, 400), False, id="12 labels of a cap of 12, 400 characters of a cap of 400"),
    pytest.param(6, 100, (13, 310), True, id="13 labels"),
    pytest.param(0, 251, (7, 401), True, id="401 characters of label text"),
])
def test_a_file_with_more_labels_or_label_text_than_its_cap_is_too_large(tmp_path, alts, length, counted, refused):
    """A skill of 6 labels (150 characters), then one of 1 + ``alts`` labels, its preferred one ``length`` long."""
    first = f'K,{_uri("skill", 1)},s,r,"{"k" * 100}","{chr(10).join(f"kook{n:06d}" for n in range(5))}"\n'
    second = f'K,{_uri("skill", 2)},s,r,"{"b" * length}","{chr(10).join(f"bak{n:07d}" for n in range(alts))}"\n'
    source = tmp_path / "skills_nl.csv"
    source.write_text(SKILLS_HEADER + first + second, "utf-8")
    rows = csv.DictReader(io.StringIO(source.read_text("utf-8"), newline=""))
    assert tuple(map(sum, zip(*(_label_size(row) for row in rows)))) == counted  # labels, characters
    if not refused:
        assert import_esco(source, tmp_path / "home", limits=CAPS).counts == {"nl": 2}
        return
    error = _refused(source, tmp_path / "home")
    assert error.code is ErrorCode.TOO_LARGE and "skills_nl.csv" in error.text("nl") and "label" in error.text("en")


def test_imports_that_together_pass_a_cap_are_too_large_naming_the_folder_and_leave_the_earlier_one(tmp_path):
    home = tmp_path / "home"
    dutch, english = tmp_path / "skills_nl.csv", tmp_path / "skills_en.csv"
    dutch.write_text(_skills(3), "utf-8")
    english.write_text(_skills(2, first=10), "utf-8")  # under the cap of one file, over the folder's with the 3
    import_esco(dutch, home, limits=CAPS)
    before = _written(home)
    refused = _refused(english, home)
    assert refused.code is ErrorCode.TOO_LARGE and str(home / IMPORT_FOLDER) in refused.text("en")
    assert "more than 4 skills" in refused.text("en") and "meer dan 4 vaardigheden" in refused.text("nl")
    assert _written(home) == before
    assert import_esco(english, home, replace=True, limits=CAPS).counts == {"en": 2}  # what the message offers


def test_a_language_imported_again_is_counted_once_with_what_it_adds(tmp_path):
    home = tmp_path / "home"
    source = tmp_path / "skills_nl.csv"
    source.write_text(_skills(3), "utf-8")
    import_esco(source, home, limits=CAPS)
    source.write_text(_skills(3, first=2), "utf-8")  # two again, one new: the folder then holds 4
    assert import_esco(source, home, limits=CAPS).counts == {"nl": 3}
    source.write_text(_skills(1, first=9), "utf-8")  # a fifth
    assert _refused(source, home).code is ErrorCode.TOO_LARGE


def test_one_download_of_many_languages_is_counted_as_a_whole_as_it_is_read(tmp_path):
    download = tmp_path / "download"
    download.mkdir()
    for number, lang in enumerate(("aa", "bb", "cc")):  # 2 skills each: every file under the cap, the three over it
        (download / f"skills_{lang}.csv").write_text(_skills(2, first=10 * number + 1), "utf-8")
    refused = _refused(download, tmp_path / "home")
    assert refused.code is ErrorCode.TOO_LARGE and str(tmp_path / "home" / IMPORT_FOLDER) in refused.text("nl")
    assert _written(tmp_path / "home") == {}


@pytest.mark.parametrize("case", ["a skills file", "an occupations file", "a relations file"])
def test_an_index_is_not_built_from_imports_over_the_caps(tmp_path, case):
    """Imports made before the caps (here: under larger ones) are counted before the index build starts."""
    name, rows, cap, _ = FILES[case]
    home = tmp_path / "home"
    source = tmp_path / name
    source.write_text(rows(cap + 1), "utf-8")
    import_esco(source, home)
    with pytest.raises(SkillspasError) as refused:
        build_index(tmp_path / "index.sqlite", imports_of(home), limits=CAPS)
    assert refused.value.code is ErrorCode.TOO_LARGE and str(home / IMPORT_FOLDER) in refused.value.text("en")
    assert "--replace" in refused.value.text("nl") and not (tmp_path / "index.sqlite").exists()


def test_the_official_esco_files_fit_the_caps_four_languages_over():
    """The bundled ESCO v1.1.1 English files, counted as ``vocab import`` counts: four languages of them fit every cap,
    and each file four times its own (the relations file twice: 64 MiB holds no more than 2.5 times it)."""
    limits = Limits()
    counted = {}
    for name in ("skills_en.csv.xz", "occupations_en.csv.xz", "occupationSkillRelations.csv.xz"):
        rows = list(csv.DictReader(io.StringIO(_data(name).decode("utf-8"), newline="")))
        sizes = [_label_size(row) for row in rows]
        counted[name] = (len(rows), sum(n for n, _ in sizes), sum(c for _, c in sizes))
    skills, occupations, relations = counted.values()
    assert (skills[0], occupations[0], relations[0]) == (13_896, 3_007, 123_855)
    assert 4 * skills[0] <= limits.max_vocab_skills and 4 * occupations[0] <= limits.max_vocab_occupations
    assert 4 * (skills[1] + occupations[1]) <= limits.max_vocab_labels
    assert 4 * (skills[2] + occupations[2]) <= limits.max_vocab_label_text
    assert 2 * relations[0] <= limits.max_vocab_relations
    assert 4 * len(_data("kwalificaties-register.csv").splitlines()) <= limits.max_register_rows


def test_the_cli_refuses_a_skills_file_one_row_over_the_default_cap_naming_it_and_the_cap(tmp_path):
    source = tmp_path / "skills_nl.csv"
    row = "K,http://data.europa.eu/esco/skill/00000000-0000-4000-8000-{:012d},s,r,v,\n"
    source.write_text(SKILLS_HEADER + "".join(row.format(n) for n in range(Limits().max_vocab_skills + 1)), "utf-8")
    run = run_cli("vocab", "import", str(source), "--home", str(tmp_path / "home"))
    assert_coded_refusal(run, codes={"too_large"})
    assert f"skills_nl.csv holds more than {Limits().max_vocab_skills} skills" in run.stderr
    assert not (tmp_path / "home" / IMPORT_FOLDER).exists()
