"""``vocab import`` refuses, before it writes anything, a label a person would not read as written (a control or bidi
character, DESIGN.md threat 4: the page and the CLI show imported labels as the skills a credential proves) and a
label or list of labels its own import file cannot hold: a 1 MiB label was imported, and then every command that
reads the vocabulary, and every later import, answered "import ESCO again"."""

from __future__ import annotations

from pathlib import Path

import pytest

from hostilekit import assert_coded_refusal, run_cli
from skillspas.schemas.errors import ErrorCode, SkillspasError
from skillspas.schemas.kwalificaties import read_register
from skillspas.schemas.vocab import import_esco

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
