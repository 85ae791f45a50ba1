"""The register of kwalificaties: every crebo with real data, and refusals at issuance (real data)."""

from __future__ import annotations

import csv
import io
import json
import lzma
import os
import subprocess
import sys
from importlib import resources

import pytest

from credential_cases import example
from skillspas.issuer.credentials import build_mbo_certificaat, build_mbo_diploma
from skillspas.issuer.credentials._achievement import NOT_IN_REGISTER_TAG
from skillspas.schemas.errors import ErrorCode, SkillspasError
from skillspas.schemas.kwalificaties import REGISTER_FILE, Kwalificaties, read_register
from skillspas.schemas.limits import Limits

DATA = resources.files("skillspas.schemas") / "data" / "vocab"
ISSUER = "did:example:roc-voorbeeldstad"
COOPERATE = "http://data.europa.eu/esco/skill/082967d4-b94c-4305-aa13-35a6aa8c5c7c"
COOKING = "http://data.europa.eu/esco/skill/f3934441-4bff-4076-9945-e6c51a01c467"


def crebo_rows() -> list[dict[str, str]]:
    raw = lzma.decompress((DATA / "crebo-competentnl-skills.csv.xz").read_bytes()).decode("utf-8")
    return list(csv.DictReader(io.StringIO(raw, newline="")))


def test_every_crebo_of_the_source_resolves_to_its_official_name_and_skill_links():
    register = Kwalificaties.bundled()
    rows = crebo_rows()
    crebos = {r["crebo"] for r in rows}
    assert len(crebos) == 243
    for crebo in crebos:
        entry = register.entry(crebo)
        assert entry is not None and entry.kind == "kwalificatie", crebo
        mine = [r for r in rows if r["crebo"] == crebo]
        assert entry.name == mine[0]["educationalNorm_prefLabel"].strip()
        assert [u for u, _ in register.links(crebo)] == [r["skillUri"] for r in mine]
        assert entry.source


def _diploma(**changes) -> dict:
    return {**example("mbo-diploma", 1), **changes}  # kok-anouk-testdata (25180)


@pytest.mark.parametrize(("changes", "needle"), [
    ({"crebo": "12345", "kwalificatie_naam": "Astronaut", "niveau": 4, "skills": [COOKING]}, "12345"),
    ({"crebo": "23085", "kwalificatie_naam": "Keuken", "niveau": 3, "skills": [COOKING]}, "kwalificatiedossier"),
    ({"keuzedelen": ["K0186"]}, "K0186"),  # Wijkgericht werken (zorg) on a Kok diploma
    ({"keuzedelen": [{"code": "K9999", "name": "Onbekend"}]}, "K9999"),
])
def test_a_code_the_register_does_not_list_is_refused_and_issued_marked_when_allowed(changes, needle):
    row = _diploma(**changes)
    assert row["crebo"] in ("25180", "12345", "23085")
    with pytest.raises(SkillspasError) as caught:
        build_mbo_diploma(row, issuer=ISSUER)
    assert caught.value.code is ErrorCode.NOT_IN_REGISTER
    assert needle in caught.value.text("nl") and needle in caught.value.text("en")
    credential = build_mbo_diploma(row, issuer=ISSUER, allow_unregistered=True)
    achievement = credential["credentialSubject"]["achievement"]
    assert achievement["tag"] == [NOT_IN_REGISTER_TAG]
    assert needle in achievement["description"]


def test_a_registered_kwalificatie_with_its_own_keuzedeel_is_issued_unmarked():
    credential = build_mbo_diploma(example("mbo-diploma", 2), issuer=ISSUER)  # 25656 with K0067, K0186
    assert "tag" not in credential["credentialSubject"]["achievement"]


def test_a_keuzedeel_certificate_for_another_kwalificatie_is_refused():
    row = {**example("mbo-certificaat", 2), "crebo": "25180"}
    with pytest.raises(SkillspasError) as caught:
        build_mbo_certificaat(row, issuer=ISSUER)
    assert caught.value.code is ErrorCode.NOT_IN_REGISTER


def test_a_kwalificatie_outside_the_six_detailed_ones_takes_its_official_name_from_the_register():
    credential = build_mbo_diploma(_diploma(crebo="25010", niveau=2, skills=[COOPERATE]), issuer=ISSUER)
    assert credential["credentialSubject"]["achievement"]["kwalificatie"]["name"] == "Industrieel lakverwerker"
    with pytest.raises(SkillspasError) as caught:
        build_mbo_diploma(_diploma(crebo="25010", niveau=2, kwalificatie_naam="Astronaut", skills=[COOPERATE]), issuer=ISSUER)
    assert caught.value.code is ErrorCode.SCHEMA_INVALID


def test_a_registered_crebo_without_its_level_asks_for_the_level_naming_the_kwalificatie_not_as_an_unknown_crebo():
    """25304 is in the register by name only: the administrator adds a column 'niveau'; they are not told the crebo is
    unknown and its name must be given too."""
    row = {key: value for key, value in _diploma(crebo="25304", skills=[COOPERATE]).items() if key != "niveau"}
    with pytest.raises(SkillspasError) as caught:
        build_mbo_diploma(row, issuer=ISSUER)
    assert caught.value.code is ErrorCode.SCHEMA_INVALID and caught.value.path == "/niveau"
    nl, en = caught.value.text("nl"), caught.value.text("en")
    assert "Eerste monteur service en onderhoud elektrotechniek en instrumentatie" in nl
    assert "zonder niveau" in nl and "kolom 'niveau'" in nl and "meegeleverde lijst" not in nl
    assert "without its level" in en and "column 'niveau'" in en and "bundled list" not in en
    unknown = {key: value for key, value in _diploma(crebo="12345", skills=[COOKING]).items() if key != "niveau"}
    with pytest.raises(SkillspasError) as caught:
        build_mbo_diploma(unknown, issuer=ISSUER, allow_unregistered=True)
    assert "naam en niveau" in caught.value.text("nl")


@pytest.mark.parametrize("crebo", ["1234x", "1" * 10_000, "２５１８０", "-1", "25180\n12345"])
def test_a_bad_crebo_string_is_a_coded_refusal(crebo):
    with pytest.raises(SkillspasError) as caught:
        build_mbo_diploma(_diploma(crebo=crebo), issuer=ISSUER)
    assert caught.value.code in (ErrorCode.SCHEMA_INVALID, ErrorCode.NOT_IN_REGISTER)


def test_a_newer_register_in_the_same_columns_is_read_from_the_data_folder(tmp_path):
    folder = tmp_path / "vocab"
    folder.mkdir()
    bundled = (DATA / REGISTER_FILE).read_bytes().decode("utf-8")
    header, first = bundled.splitlines()[:2]
    newer = first.replace(first.split(",")[0], "29999", 1)  # a real row under a new code, as a ROC would add
    (folder / REGISTER_FILE).write_text(f"{header}\n{newer}\n", "utf-8")
    assert Kwalificaties.load(tmp_path).entry("29999") is not None
    assert Kwalificaties.bundled().entry("29999") is None


@pytest.mark.parametrize("raw", [b"\xff\xfe garbage", b"code,kind\n1,2\n", b"code,kind,name,part_of,source\n",
                                 b"code,kind,name,part_of,source\nabc,kwalificatie,x,,y\n"])
def test_a_register_that_is_not_one_is_a_coded_refusal(raw):
    with pytest.raises(SkillspasError) as caught:
        read_register(raw)
    assert caught.value.code is ErrorCode.SCHEMA_INVALID


def _long_register(rows: int, name_length: int) -> bytes:
    """A register of valid rows with long names: over 4 MiB in far fewer rows than ``max_register_rows``."""
    return ("code,kind,name,part_of,source\n" + "".join(
        f"{29000 + n},kwalificatie,{'Kok' * (name_length // 3)},,test\n" for n in range(rows))).encode()


def test_a_register_over_its_byte_bound_is_too_large_naming_the_file_and_the_bound_in_dutch_and_english(tmp_path):
    raw = _long_register(1_000, 5_000)
    assert len(raw) > Limits().max_register_bytes
    with pytest.raises(SkillspasError) as caught:
        read_register(raw, "nieuw-register.csv")
    assert caught.value.code is ErrorCode.TOO_LARGE
    assert "nieuw-register.csv is groter dan 4 MiB" in caught.value.text("nl")
    assert "nieuw-register.csv is larger than 4 MiB" in caught.value.text("en")
    source = tmp_path / REGISTER_FILE
    source.write_bytes(raw)
    done = subprocess.run([sys.executable, "-c", "from skillspas.issuer.cli import main; main()", "vocab", "import",
                           str(source), "--home", str(tmp_path / "home")], capture_output=True, text=True)
    assert done.returncode == 2 and "[too_large]" in done.stderr and "Traceback" not in done.stderr, done.stderr
    assert f"{REGISTER_FILE} is larger than 4 MiB" in done.stderr
    assert not (tmp_path / "home" / "vocab").exists()


def test_a_register_exactly_at_its_byte_bound_is_read_and_one_byte_more_is_too_large():
    raw = _long_register(3, 300)
    assert len(read_register(raw, limits=Limits(max_register_bytes=len(raw)))) == 3
    with pytest.raises(SkillspasError) as caught:
        read_register(raw, limits=Limits(max_register_bytes=len(raw) - 1))
    assert caught.value.code is ErrorCode.TOO_LARGE and f"larger than {len(raw) - 1} bytes" in caught.value.text("en")


def test_a_register_field_longer_than_a_csv_field_may_be_is_too_large_not_an_unreadable_file():
    raw = _long_register(1, 200_000)  # one name of 200,000 characters: over csv's 128 Ki field, under the line bound
    with pytest.raises(SkillspasError) as caught:
        read_register(raw, "lang-register.csv")
    assert caught.value.code is ErrorCode.TOO_LARGE
    assert "lang-register.csv: een veld is langer dan" in caught.value.text("nl") and "a field is longer" in caught.value.text("en")


def test_the_cli_refuses_crebo_12345_and_issues_it_marked_with_allow_unregistered(tmp_path):
    cli = [sys.executable, "-c", "from skillspas.issuer.cli import main; main()"]
    env = {**os.environ, "SKILLSPAS_HOME": str(tmp_path)}
    key = tmp_path / "roc.json"
    subprocess.run([*cli, "keys", "generate", "--type", "ed25519", "--out", str(key)], env=env, check=True, capture_output=True)
    row = tmp_path / "row.json"
    row.write_text(json.dumps(_diploma(crebo="12345", kwalificatie_naam="Astronaut", niveau=4, skills=[COOKING])), "utf-8")
    refused = subprocess.run([*cli, "issue", "mbo-diploma", "--data", str(row), "--key", str(key)], env=env, capture_output=True)
    assert refused.returncode == 2 and b"not_in_register" in refused.stderr and b"Traceback" not in refused.stderr
    batch_help = subprocess.run([*cli, "batch", "--help"], env=env, capture_output=True, text=True).stdout
    assert "--allow-unregistered" not in batch_help  # so the refusal names the one command that has it
    assert "'skillspas issue --allow-unregistered'" in refused.stderr.decode()
    issued = subprocess.run([*cli, "issue", "mbo-diploma", "--data", str(row), "--key", str(key), "--allow-unregistered"],
                            env=env, capture_output=True)
    assert issued.returncode == 0, issued.stderr
    assert json.loads(issued.stdout)["credentialSubject"]["achievement"]["tag"] == [NOT_IN_REGISTER_TAG]
