"""The skills vocabulary: every bundled skill is a real ESCO row, search by label, the ESCO importer."""

from __future__ import annotations

import csv
import gzip
import io
import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from credential_cases import EN_ZIP, ESCO, NL_ZIP, REL_ZIP, VOCAB_DATA
from skillspas.schemas.errors import ErrorCode, SkillspasError
from skillspas.schemas.kwalificaties import Kwalificaties
from skillspas.schemas import vocab as vocab_module
from skillspas.schemas.kwalificaties import REGISTER_FILE
from skillspas.schemas.limits import Limits
from skillspas.schemas.vocab import SkillsVocabulary, fold, import_esco
from skillspas.schemas.vocab_index import VocabIndex

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


def _index(home: Path, cache: Path) -> VocabIndex:
    """The index of ``home``'s imports, built into a test-owned cache folder."""
    return VocabIndex.open(home, cache=cache)


def test_every_skill_row_of_the_official_download_is_in_the_vocabulary_with_its_label(bundled, source_skills):
    for uri, row in source_skills.items():
        skill = bundled.get(uri)
        assert skill is not None, uri
        assert skill.labels["en"] == row["preferredLabel"].strip()  # a few source labels end in a space
        assert skill.skill_type == row["skillType"]
        assert skill.reuse_level == row["reuseLevel"]
    assert len([s for s in bundled if s.framework == "ESCO"]) == 13896  # all of ESCO v1.1.1


def test_every_dutch_label_comes_from_the_dutch_esco_table(bundled, source_skills):
    dutch = _rows((VOCAB_DATA / "esco-skills-nl-labels.csv").read_text("utf-8"))
    for uri in source_skills:
        if uri in dutch:
            assert bundled.get(uri).labels["nl"] == dutch[uri]["preferredLabel_nl"]
        else:
            assert "nl" not in bundled.get(uri).labels


def test_every_competentnl_skill_of_the_source_is_in_the_vocabulary(bundled):
    seen = _rows((VOCAB_DATA / "competentnl-skills-seen.csv").read_text("utf-8"))
    assert len(seen) == 332
    for uri, row in seen.items():
        assert bundled.get(uri).labels["nl"] == row["prefLabel_nl"].strip()


def test_an_occupation_uri_is_not_a_skill(bundled):
    cook = "http://data.europa.eu/esco/occupation/90f75f67-495d-49fa-ab57-2f320e251d7e"
    assert bundled.index.get(cook) is not None
    assert cook not in bundled


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
    assert bundled.search("qwertyuiopzxcv") == []


def test_fold_removes_accents_case_and_curly_quotes():
    assert fold("Hygiëne  in de GEZONDHEIDSZORG") == "hygiene in de gezondheidszorg"
    assert fold("collega’s") == "collega's"


# -- the importer -------------------------------------------------------------------------------


def _zip_rows(path: Path, member: str) -> list[dict[str, str]]:
    with zipfile.ZipFile(path) as archive:
        return list(csv.DictReader(io.StringIO(archive.read(member).decode("utf-8"), newline="")))


def test_import_of_the_official_english_zip_reads_every_skill_and_occupation_row(tmp_path, source_skills):
    result = import_esco(EN_ZIP, tmp_path)
    assert result.counts == {"en": len(source_skills)}
    assert result.occupations == {"en": len(_zip_rows(EN_ZIP, "occupations_en.csv"))}
    assert result.new == 0  # every skill of the v1.1.1 download is already in the bundled index


def test_import_of_an_unpacked_download_folder_works_like_the_zip(tmp_path, source_skills):
    folder = tmp_path / "unpacked"
    with zipfile.ZipFile(EN_ZIP) as archive:
        archive.extractall(folder)
    result = import_esco(folder, tmp_path / "home")
    assert result.counts == {"en": len(source_skills)}


def test_the_relations_zip_gives_occupations_with_their_essential_and_optional_skills(tmp_path, bundled, source_skills):
    """--replace: the index is the imported classification and relations extracts only (plus CompetentNL)."""
    result = import_esco([EN_ZIP, REL_ZIP], tmp_path, replace=True)
    relations = _zip_rows(REL_ZIP, "occupationSkillRelations.csv")
    assert result.relations == len(relations) and result.replaced
    index = _index(tmp_path, tmp_path / "cache")
    expected: dict[str, dict[str, bool]] = {}
    for row in relations:
        expected.setdefault(row["occupationUri"], {})[row["skillUri"]] = row["relationType"] == "essential"
    assert index.counts()["relations"] == len(relations)
    for occupation, skills in expected.items():
        got = {skill.uri: essential for skill, essential in index.skills_of(occupation)}
        assert got == skills
    cook = expected["http://data.europa.eu/esco/occupation/90f75f67-495d-49fa-ab57-2f320e251d7e"]
    assert sum(cook.values()) == 16 and not all(cook.values())  # ESCO v1.1.1: 16 essential, and optional ones
    for row in _zip_rows(EN_ZIP, "occupations_en.csv"):
        assert index.get(row["conceptUri"]).label("en") == row["preferredLabel"]
    bundled_only = next(s.uri for s in bundled if s.framework == "ESCO" and s.uri not in source_skills)
    assert index.get(bundled_only) is None  # replaced: the bundled ESCO is not in this index


def test_importing_english_then_dutch_gives_both_labels_and_dutch_occupations(tmp_path):
    import_esco(EN_ZIP, tmp_path)
    result = import_esco(NL_ZIP, tmp_path)
    digital = _rows(_zip_rows_text(NL_ZIP, "digitalSkillsCollection_nl.csv"))
    english = _rows(_zip_rows_text(EN_ZIP, "skills_en.csv"))
    occupations = _zip_rows(NL_ZIP, "occupations_nl.csv")
    assert result.occupations == {"nl": len(occupations)}
    both = sorted(set(digital) & set(english))
    assert both
    vocab = SkillsVocabulary(_index(tmp_path, tmp_path / "cache"))
    skill = vocab.get(both[0])
    assert skill.labels["nl"] == digital[both[0]]["preferredLabel"].strip()
    assert skill.labels["en"] == english[both[0]]["preferredLabel"].strip()
    assert both[0] in [s.uri for s in vocab.search(digital[both[0]]["preferredLabel"])]
    for row in occupations:
        assert vocab.index.get(row["conceptUri"]).label("nl") == row["preferredLabel"]


def _zip_rows_text(path: Path, member: str) -> str:
    with zipfile.ZipFile(path) as archive:
        return archive.read(member).decode("utf-8")


def test_a_newer_register_in_the_bundled_columns_is_imported_and_read(tmp_path):
    bundled = (Path(vocab_module.__file__).parent / "data" / "vocab" / REGISTER_FILE).read_text("utf-8")
    header, first = bundled.splitlines()[:2]
    newer = tmp_path / REGISTER_FILE
    newer.write_text(f"{header}\n{first.replace(first.split(',')[0], '29999', 1)}\n", "utf-8")  # a real row, new code
    result = import_esco(newer, tmp_path / "home")
    assert result.register == 1
    assert Kwalificaties.load(tmp_path / "home").entry("29999") is not None


def _lying_zip(path: Path) -> None:
    """A member that inflates past what its headers declare (the declared size patched to 1000 bytes)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("skills_en.csv", b"conceptUri,preferredLabel\n" + b"a" * 200_000)
    raw = bytearray(path.read_bytes())
    local, central = raw.index(b"PK\x03\x04"), raw.index(b"PK\x01\x02")
    raw[local + 22:local + 26] = (1000).to_bytes(4, "little")
    raw[central + 24:central + 28] = (1000).to_bytes(4, "little")
    path.write_bytes(bytes(raw))


def _bomb(path: Path) -> None:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("occupationSkillRelations.csv", b"\0" * (Limits().max_vocab_file_bytes + 1))


def _oversized_folder(path: Path) -> Path:
    folder = path.parent / "unpacked"
    folder.mkdir()
    with open(folder / "skills_en.csv", "wb") as handle:  # sparse: no disk is used
        handle.truncate(Limits().max_vocab_file_bytes + 1)
    return folder


def _one(name: str, data: bytes):
    def make(path: Path) -> None:
        with zipfile.ZipFile(path, "w") as archive:
            archive.writestr(name, data)
    return make


@pytest.mark.parametrize(
    "make, code",
    [
        pytest.param(lambda p: p.write_bytes(b"not a zip"), ErrorCode.SCHEMA_INVALID, id="garbage"),
        pytest.param(lambda p: p.write_bytes(b"PK\x03\x04" + b"\0" * 100), ErrorCode.SCHEMA_INVALID, id="broken zip"),
        pytest.param(_one("occupations_en.csv", "conceptUri\n"), ErrorCode.SCHEMA_INVALID, id="no usable file"),
        pytest.param(_one("readme.txt", "x"), ErrorCode.SCHEMA_INVALID, id="no ESCO file"),
        pytest.param(_one("skills_en.csv", "a,b\n1,2\n"), ErrorCode.SCHEMA_INVALID, id="wrong columns skills"),
        pytest.param(_one("occupationSkillRelations.csv", "occupationUri,skill\nx,y\n"), ErrorCode.SCHEMA_INVALID,
                     id="wrong columns relations"),
        pytest.param(_one("skills_en.csv", "conceptUri,preferredLabel\n" + '"' + "x" * (2 << 20) + '",y\n'),
                     ErrorCode.TOO_LARGE, id="huge CSV field"),  # over the bound, as a batch's field or a long label
        pytest.param(_one("skills_en.csv", "conceptUri,preferredLabel\n".encode("utf-16")), ErrorCode.SCHEMA_INVALID,
                     id="not UTF-8"),
        pytest.param(_one("../../skills_en.csv", "conceptUri,preferredLabel\n"), ErrorCode.SCHEMA_INVALID,
                     id="path traversal"),
        pytest.param(_one("/etc/skills_en.csv", "conceptUri,preferredLabel\n"), ErrorCode.SCHEMA_INVALID,
                     id="absolute member name"),
        pytest.param(_one("kwalificaties-register.csv", "code,kind\n1,2\n"), ErrorCode.SCHEMA_INVALID,
                     id="register with wrong columns"),
        pytest.param(_lying_zip, ErrorCode.SCHEMA_INVALID, id="member larger than its header says"),
        pytest.param(_bomb, ErrorCode.TOO_LARGE, id="zip bomb"),
        pytest.param(_oversized_folder, ErrorCode.TOO_LARGE, id="oversized file"),
        pytest.param(lambda p: None, ErrorCode.FILE_ERROR, id="missing file"),
    ],
)
def test_import_of_something_else_is_a_coded_error_in_dutch_and_english(tmp_path, make, code):
    source = tmp_path / "download.zip"
    made = make(source)
    source = made if isinstance(made, Path) else source
    with pytest.raises(SkillspasError) as caught:
        import_esco(source, tmp_path / "home")
    assert caught.value.code is code
    assert caught.value.text("nl") and caught.value.text("en") and caught.value.text("nl") != caught.value.text("en")
    assert not (tmp_path / "home" / "vocab").exists() or not any((tmp_path / "home" / "vocab").iterdir())


_SKILL_ROW = (b"KnowledgeSkillCompetence,http://data.europa.eu/esco/skill/00000000-0000-4000-8000-000000000001,"
              b"skill/competence,sector-specific,koken,\"kookkunst\nwokken\"\n")
_SKILLS_HEADER = b"conceptType,conceptUri,skillType,reuseLevel,preferredLabel,altLabels\n"
_PEAK = """
import resource, sys
from skillspas.schemas import kwalificaties, vocab, vocab_index  # all an import loads, loaded before the peak is taken
from skillspas.schemas.errors import SkillspasError
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
try:
    vocab.import_esco(sys.argv[1], sys.argv[2])
except SkillspasError as refused:
    print(refused.code.value, (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) * 1024)
"""


def _rows_past_the_skills_cap(handle) -> None:
    """One skill row, repeated (a repeat is read and counted, and kept once) up to the file's byte bound: the cap of
    60,000 skills is passed at the 60,001st row, 6 MB into the file."""
    handle.write(_SKILLS_HEADER)
    rows = (Limits().max_vocab_file_bytes - len(_SKILLS_HEADER)) // len(_SKILL_ROW)
    for start in range(0, rows, 8192):
        handle.write(_SKILL_ROW * min(8192, rows - start))


def _one_line(handle) -> None:
    for _ in range(Limits().max_vocab_file_bytes >> 20):
        handle.write(b"k" * (1 << 20))


@pytest.mark.parametrize("write", [pytest.param(_rows_past_the_skills_cap, id="rows past the skills cap"),
                                   pytest.param(_one_line, id="one line")])
def test_a_64_mib_file_that_is_refused_is_too_large_before_the_import_holds_a_fraction_of_it(tmp_path, write):
    """The whole file was read, decoded and parsed from memory first: 64 MiB of skill rows refused at the cap took
    the import to a peak of 500 MB."""
    source = tmp_path / "skills_nl.csv"
    with open(source, "wb") as handle:
        write(handle)
    size = source.stat().st_size
    assert Limits().max_vocab_file_bytes - len(_SKILL_ROW) < size <= Limits().max_vocab_file_bytes
    done = subprocess.run([sys.executable, "-c", _PEAK, str(source), str(tmp_path / "home")], capture_output=True,
                          text=True)
    code, grown = done.stdout.split()
    assert code == "too_large", done.stdout + done.stderr
    assert int(grown) < size // 8, f"the import grew by {int(grown) / 2**20:.0f} MiB reading {size / 2**20:.0f} MiB"


def test_a_file_at_its_byte_bound_is_imported_and_one_byte_over_it_is_too_large_naming_it_and_the_bound(tmp_path):
    source = tmp_path / "skills_nl.csv"
    source.write_bytes(_SKILLS_HEADER + _SKILL_ROW)
    size = source.stat().st_size
    assert import_esco(source, tmp_path / "home", limits=Limits(max_vocab_file_bytes=size)).counts == {"nl": 1}
    with pytest.raises(SkillspasError) as refused:
        import_esco(source, tmp_path / "again", limits=Limits(max_vocab_file_bytes=size - 1))
    assert refused.value.code is ErrorCode.TOO_LARGE
    assert f"skills_nl.csv is te groot (meer dan {size - 1} bytes" in refused.value.text("nl")
    assert f"skills_nl.csv is too large (more than {size - 1} bytes" in refused.value.text("en")


def test_a_file_whose_size_is_not_known_before_it_is_read_is_refused_as_soon_as_it_passes_its_byte_bound(tmp_path):
    """A device (or a pipe) says it has 0 bytes: its bytes are counted as they are read. /dev/zero was read until
    memory ran out."""
    source = tmp_path / "skills_nl.csv"
    source.symlink_to("/dev/zero")
    with pytest.raises(SkillspasError) as refused:
        import_esco(source, tmp_path / "home", limits=Limits(max_vocab_file_bytes=100_000))
    assert refused.value.code is ErrorCode.TOO_LARGE and "skills_nl.csv is too large (more than 100000 bytes" in (
        refused.value.text("en"))


def test_a_download_at_its_byte_bound_is_imported_and_one_byte_over_it_is_too_large_as_its_files_are_read(tmp_path):
    """The bound on a download is counted as its files are read (no file is over its own bound)."""
    download = tmp_path / "download"
    download.mkdir()
    (download / "skills_nl.csv").write_bytes(_SKILLS_HEADER + _SKILL_ROW)
    (download / "occupations_nl.csv").write_text(
        "conceptType,conceptUri,code,preferredLabel,altLabels\n"
        "Occupation,http://data.europa.eu/esco/occupation/00000000-0000-4000-8000-000000000001,5120.1,kok,\n", "utf-8")
    size = sum(path.stat().st_size for path in download.iterdir())
    imported = import_esco(download, tmp_path / "home", limits=Limits(max_vocab_download_bytes=size))
    assert (imported.counts, imported.occupations) == ({"nl": 1}, {"nl": 1})
    with pytest.raises(SkillspasError) as refused:
        import_esco(download, tmp_path / "again", limits=Limits(max_vocab_download_bytes=size - 1))
    assert refused.value.code is ErrorCode.TOO_LARGE
    assert f"{download} is too large (more than {size - 1} bytes" in refused.value.text("en")
    assert not (tmp_path / "again" / "vocab").exists()


def test_a_zip_of_more_files_than_its_bound_is_too_large_naming_it_and_the_bound_and_one_at_it_is_imported(tmp_path):
    source = tmp_path / "download.zip"
    with zipfile.ZipFile(source, "w") as archive:
        archive.writestr("skills_nl.csv", _SKILLS_HEADER + _SKILL_ROW)
        archive.writestr("conceptSchemes_nl.csv", "conceptType,conceptUri\n")
    assert import_esco(source, tmp_path / "home", limits=Limits(max_vocab_files=2)).counts == {"nl": 1}
    with pytest.raises(SkillspasError) as refused:
        import_esco(source, tmp_path / "again", limits=Limits(max_vocab_files=1))
    assert refused.value.code is ErrorCode.TOO_LARGE
    assert f"{source} bevat meer dan 1 bestanden" in refused.value.text("nl")
    assert f"{source} holds more than 1 files" in refused.value.text("en")


def test_the_cli_refuses_a_hostile_download_with_a_code_and_no_traceback(tmp_path):
    source = tmp_path / "download.zip"
    _one("../../skills_en.csv", "conceptUri,preferredLabel\n")(source)
    done = subprocess.run([sys.executable, "-c", "from skillspas.issuer.cli import main; main()", "vocab", "import",
                           str(source), "--home", str(tmp_path / "home")], capture_output=True)
    assert done.returncode != 0 and b"schema_invalid" in done.stderr and b"Traceback" not in done.stderr


def test_vocab_import_of_a_file_that_is_not_there_is_a_file_error_as_every_command_says_it(tmp_path):
    """The README's own line, run before the download is there: it was schema_invalid ("… bestaat niet")."""
    missing = tmp_path / "kwalificaties-register.csv"
    done = subprocess.run([sys.executable, "-c", "from skillspas.issuer.cli import main; main()", "vocab", "import",
                           str(missing), "--home", str(tmp_path / "home")], capture_output=True, text=True)
    assert done.returncode == 2, done.stderr
    assert f"fout [file_error]: kan {missing} niet lezen: het bestand of de map bestaat niet" in done.stderr.splitlines()


def test_a_damaged_imported_file_is_reported_not_a_crash(tmp_path):
    import_esco(EN_ZIP, tmp_path)
    path = next((tmp_path / "vocab").glob("*.json.gz"))
    path.write_bytes(gzip.compress(b"{not json"))
    with pytest.raises(SkillspasError) as caught:
        _index(tmp_path, tmp_path / "cache")
    assert caught.value.code is ErrorCode.SCHEMA_INVALID


def test_without_an_import_the_vocabulary_is_the_bundled_one(tmp_path, bundled):
    assert SkillsVocabulary.load(tmp_path) is bundled
    assert SkillsVocabulary.load(None) is bundled


def test_every_kwalificatie_skill_resolves_in_the_bundled_vocabulary(bundled):
    for kwalificatie in Kwalificaties.bundled().all():
        for uri in kwalificatie.esco_skills:
            assert uri in bundled, (kwalificatie.crebo, uri)
        for uri, label in kwalificatie.competentnl:
            assert bundled.get(uri).labels["nl"] == label.strip()


def test_extract_zips_are_packed_like_the_official_download():
    with zipfile.ZipFile(EN_ZIP) as archive:
        names = set(archive.namelist())
    assert {"skills_en.csv", "occupations_en.csv", "transversalSkillsCollection_en.csv", "skillGroups_en.csv"} <= names
    assert len(names) == 13
    assert Path(EN_ZIP).name == "ESCO dataset - v1.1.1 - classification - en - csv.zip"
    with zipfile.ZipFile(REL_ZIP) as archive:
        assert archive.namelist() == ["broaderRelationsOccPillar.csv", "broaderRelationsSkillPillar.csv",
                                      "occupationSkillRelations.csv", "skillSkillRelations.csv"]
