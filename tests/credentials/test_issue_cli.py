"""``skillspas issue`` and ``skillspas vocab`` as a user runs them: exit codes, nl and en messages, no tracebacks."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from credential_cases import EN_ZIP, ESCO, EXAMPLES, KINDS, REL_ZIP, example

SKILLSPAS = [sys.executable, "-c", "from skillspas.issuer.cli import main; main()"]


def run(*args: str, home: Path, stdin: bytes | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "SKILLSPAS_HOME": str(home)}
    return subprocess.run([*SKILLSPAS, *map(str, args)], input=stdin, capture_output=True, timeout=180, env=env)


def _clean(proc: subprocess.CompletedProcess) -> None:
    assert b"Traceback" not in proc.stdout + proc.stderr


@pytest.fixture(scope="module")
def keys(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("keys")
    paths = {}
    for who in ("school", "leerbedrijf"):
        paths[who] = folder / f"{who}.json"
        proc = run("keys", "generate", "--type", "ed25519", "--out", paths[who], home=folder)
        assert proc.returncode == 0, proc.stderr
    return paths


def _did(key: Path) -> str:
    return json.loads(key.read_text("utf-8"))["controller"]


@pytest.mark.parametrize("kind", KINDS)
def test_issue_signs_a_valid_credential_that_skillspas_verify_accepts(kind, keys, tmp_path):
    data = sorted((EXAMPLES / kind).glob("*.json"))[0]
    cosign = ["--cosign", keys["leerbedrijf"]] if kind == "praktijkverklaring" else []
    out = tmp_path / "signed.json"
    proc = run("issue", kind, "--data", data, "--key", keys["school"], *cosign, "--out", out, home=tmp_path)
    _clean(proc)
    assert proc.returncode == 0, proc.stderr.decode()
    signed = json.loads(out.read_text("utf-8"))
    assert signed["issuer"]["id"] == _did(keys["school"])
    checked = run("verify", out, "--trust-issuer", _did(keys["school"]), "--json", home=tmp_path)
    assert checked.returncode == 0, checked.stdout.decode()
    result = json.loads(checked.stdout)
    expected = [_did(keys["school"])] + ([_did(keys["leerbedrijf"])] if cosign else [])
    assert result["summary"]["signers"] == expected


def test_issue_writes_to_stdout_without_out(keys, tmp_path):
    data = EXAMPLES / "mbo-diploma" / "kok-anouk-testdata.json"
    proc = run("issue", "mbo-diploma", "--data", data, "--key", keys["school"], home=tmp_path)
    assert proc.returncode == 0
    assert json.loads(proc.stdout)["type"][-1] == "MboDiploma"


BSN = "111222333"


@pytest.mark.parametrize(
    "kind, changes, code, nl, en",
    [
        pytest.param("mbo-diploma", {"crebo": None}, "schema_invalid",
                     "crebo-code van de kwalificatie ontbreekt", "crebo code of the qualification is missing", id="missing crebo"),
        pytest.param("mbo-diploma", {"skills": [ESCO + "00000000-0000-4000-8000-000000000000"]}, "unknown_skill",
                     "staat niet in de vaardighedenlijst", "is not in the skills vocabulary", id="unknown skill URI"),
        pytest.param("mbo-diploma", {"niveau": 5}, "schema_invalid",
                     "mbo-niveau moet 1, 2, 3 of 4 zijn", "must be 1, 2, 3 or 4", id="niveau 5"),
        pytest.param("mbo-diploma", {"bsn": BSN}, "forbidden_field",
                     "BSN", "BSN", id="BSN in a field"),
        pytest.param("microcredential", {"description": f"Deelnemer {BSN}"}, "forbidden_field",
                     "elfproef", "elfproef", id="BSN inside a value"),
        pytest.param("mbo-diploma", {"date": "2025-02-30"}, "schema_invalid",
                     "moet een bestaande datum", "must be an existing date", id="wrong date"),
    ],
)
def test_invalid_input_gives_one_message_in_dutch_and_english_and_exit_2(kind, changes, code, nl, en, keys, tmp_path):
    row = example(kind)
    for key, value in changes.items():
        if value is None:
            row.pop(key, None)
        else:
            row[key] = value
    data = tmp_path / "row.json"
    data.write_text(json.dumps(row), "utf-8")
    proc = run("issue", kind, "--data", data, "--key", keys["school"], home=tmp_path)
    _clean(proc)
    assert proc.returncode == 2
    assert proc.stdout == b""
    lines = proc.stderr.decode().strip().splitlines()
    assert len(lines) == 2, lines
    assert lines[0].startswith(f"fout [{code}]") and nl in lines[0]
    assert lines[1].startswith(f"error [{code}]") and en in lines[1]


@pytest.mark.parametrize(
    "args, code",
    [
        pytest.param(["issue", "rijbewijs", "--data", "{data}", "--key", "{key}"], "invalid_option", id="unknown type"),
        pytest.param(["issue", "praktijkverklaring", "--data", "{data}", "--key", "{key}"], "invalid_option",
                     id="praktijkverklaring without --cosign"),
        pytest.param(["issue", "mbo-diploma", "--data", "{data}", "--key", "{key}", "--cosign", "{key}"], "invalid_option",
                     id="co-signer on a diploma"),
        pytest.param(["issue", "mbo-diploma", "--data", "{missing}", "--key", "{key}"], "file_error", id="no such data file"),
        pytest.param(["issue", "mbo-diploma", "--data", "{folder}", "--key", "{key}"], "file_error", id="a folder as data"),
        pytest.param(["issue", "mbo-diploma", "--data", "{data}", "--key", "{missing}"], "key_not_found", id="no such key file"),
        pytest.param(["issue", "mbo-diploma", "--data", "{notjson}", "--key", "{key}"], "malformed_json", id="data is not JSON"),
    ],
)
def test_usage_errors_exit_2_with_their_code_without_traceback(args, code, keys, tmp_path):
    (tmp_path / "bad.json").write_text("[1, 2", "utf-8")
    values = {"data": EXAMPLES / "mbo-diploma" / "kok-anouk-testdata.json", "key": keys["school"],
              "missing": tmp_path / "missing.json", "notjson": tmp_path / "bad.json", "folder": tmp_path}
    proc = run(*[a.format(**values) for a in args], home=tmp_path)
    _clean(proc)
    assert proc.returncode == 2 and proc.stderr.decode().startswith(f"fout [{code}]"), proc.stderr


def test_vocab_search_samenwerken_lists_esco_skills_with_uris(tmp_path):
    proc = run("vocab", "search", "samenwerken", home=tmp_path)
    assert proc.returncode == 0
    out = proc.stdout.decode()
    assert "samenwerken met collega’s / cooperate with colleagues" in out
    assert ESCO + "082967d4-b94c-4305-aa13-35a6aa8c5c7c" in out


def test_vocab_search_with_english_words_and_json_output(tmp_path):
    proc = run("vocab", "search", "first aid", "--json", home=tmp_path)
    found = json.loads(proc.stdout)
    hit = next(h for h in found["hits"] if h["uri"] == ESCO + "f7464f30-662b-4177-85a0-3df9693e9e58")
    assert hit["label"] == {"en": "first aid", "nl": "EHBO"} and hit["framework"] == "ESCO"
    assert "ESCO, European Commission" in found["attribution"]


def test_vocab_search_shows_candidates_for_an_ambiguous_word_and_credits_esco(tmp_path):
    text = run("vocab", "search", "teamwork", home=tmp_path).stdout.decode()
    assert "kies er één / matches several; pick one" in text
    assert text.count("http://data.europa.eu/esco/skill/") > 1
    assert "Labels: ESCO, European Commission" in text
    kok = run("vocab", "search", "kok", "--occupations", home=tmp_path).stdout.decode()
    assert kok.splitlines()[0].startswith("kok / cook") and "occupation/90f75f67-495d-49fa-ab57-2f320e251d7e" in kok


def test_vocab_import_replace_makes_the_imported_esco_the_one_search_and_issue_use(keys, tmp_path):
    home = tmp_path / "home"
    proc = run("vocab", "import", EN_ZIP, REL_ZIP, "--replace", home=home)
    _clean(proc)
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout.decode()
    assert "ESCO skills (en) imported" in out and "occupation-skill relations imported" in out
    assert "the bundled ESCO is replaced" in out
    uri = ESCO + "0005c151-5b5a-4a66-8aac-60e734beb1ab"  # "manage musical staff": in the extract
    assert uri in run("vocab", "search", "manage musical staff", home=home).stdout.decode()
    row = {**example("microcredential"), "skills": [uri]}
    (tmp_path / "row.json").write_text(json.dumps(row), "utf-8")
    issued = run("issue", "microcredential", "--data", tmp_path / "row.json", "--key", keys["school"], home=home)
    assert issued.returncode == 0, issued.stderr.decode()
    bundled_only = next(u for u in _bundled_not_in_extract())
    (tmp_path / "row.json").write_text(json.dumps({**row, "skills": [bundled_only]}), "utf-8")
    refused = run("issue", "microcredential", "--data", tmp_path / "row.json", "--key", keys["school"], home=home)
    assert refused.returncode == 2 and b"unknown_skill" in refused.stderr
    kept = run("issue", "microcredential", "--data", tmp_path / "row.json", "--key", keys["school"], home=tmp_path / "other")
    assert kept.returncode == 0, kept.stderr.decode()


def _bundled_not_in_extract() -> list[str]:
    import csv
    import io
    import zipfile

    from skillspas.schemas.vocab import SkillsVocabulary

    with zipfile.ZipFile(EN_ZIP) as archive:
        extract = {r["conceptUri"] for r in csv.DictReader(io.StringIO(archive.read("skills_en.csv").decode("utf-8")))}
    return [s.uri for s in SkillsVocabulary.bundled() if s.framework == "ESCO" and s.uri not in extract][:1]


def test_vocab_import_of_something_else_exits_2_in_dutch_and_english(tmp_path):
    (tmp_path / "x.zip").write_bytes(b"not a zip")
    proc = run("vocab", "import", tmp_path / "x.zip", home=tmp_path)
    _clean(proc)
    assert proc.returncode == 2
    assert proc.stderr.decode().startswith("fout [schema_invalid]")


def test_vocab_show_a_skill_and_a_kwalificatie(tmp_path):
    skill = run("vocab", "show", ESCO + "13e1c0a2-b90d-46f4-be51-11730360b38d", home=tmp_path).stdout.decode()
    assert "bakstenen leggen / lay bricks" in skill and "kwalificatie 25786 Metselaar" in skill
    kok = run("vocab", "show", "25180", home=tmp_path).stdout.decode()
    assert "B1-K1-W2 Maakt mise en place" in kok and "kooktechnieken gebruiken" in kok and "Samenwerken" in kok


def test_vocab_show_of_an_unknown_skill_or_crebo_is_a_coded_not_found_in_dutch_and_english(tmp_path):
    for item in ("99999", "http://example.org/nothing"):
        proc = run("vocab", "show", item, home=tmp_path)
        _clean(proc)
        assert proc.returncode == 2 and not proc.stdout
        dutch, english = proc.stderr.decode().splitlines()
        assert dutch.startswith("fout [not_found]: ") and english.startswith("error [not_found]: ")
        assert item in dutch and item in english and dutch != english


@pytest.mark.parametrize("length", [10, 100_000], ids=["a short row", "a row longer than any file name"])
def test_a_row_given_as_json_text_to_data_is_refused_saying_data_takes_a_file_or_stdin(length, keys, tmp_path):
    """``--data '{…}'`` (the help said "a JSON object") was looked up as a file: "does not exist", or an
    internal error (file name too long) for a long row; it is ``invalid_option`` saying how to pass the row."""
    row = json.dumps({**example("mbo-diploma"), "examencommissie": "P" * length})
    proc = run("issue", "mbo-diploma", "--data", row, "--key", keys["school"], home=tmp_path)
    _clean(proc)
    lines = proc.stderr.decode().splitlines()
    assert proc.returncode == 2 and len(lines) == 2, lines
    assert lines[0].startswith("fout [invalid_option]") and "--data -" in lines[0] and "PPPP" not in lines[0]
    assert lines[1].startswith("error [invalid_option]") and "--data -" in lines[1]
    if length == 10:  # what the message advises works
        piped = run("issue", "mbo-diploma", "--data", "-", "--key", keys["school"], home=tmp_path, stdin=row.encode())
        assert piped.returncode == 0, piped.stderr.decode()


def test_a_field_of_the_data_no_builder_reads_is_said_with_the_field_it_looks_like(keys, tmp_path):
    """``keuzedeel`` for ``keuzedelen``: the credential is signed without it, so the issuer is told on stderr."""
    data = tmp_path / "row.json"
    data.write_text(json.dumps({**example("mbo-diploma", 0), "keuzedeel": ["K0186"]}), "utf-8")
    proc = run("issue", "mbo-diploma", "--data", data, "--key", keys["school"], "--out", tmp_path / "c.json", home=tmp_path)
    assert proc.returncode == 0, proc.stderr
    stderr = proc.stderr.decode()
    assert "let op:" in stderr and "'keuzedeel' (bedoelt u 'keuzedelen'?)" in stderr and "warning:" in stderr
    assert "keuzedelen" not in json.loads((tmp_path / "c.json").read_text("utf-8"))["credentialSubject"]
    plain = run("issue", "mbo-diploma", "--data", EXAMPLES / "mbo-diploma" / sorted(
        p.name for p in (EXAMPLES / "mbo-diploma").glob("*.json"))[0], "--key", keys["school"], home=tmp_path)
    assert plain.returncode == 0 and plain.stderr == b""



def test_a_credential_that_has_expired_before_it_is_issued_is_issued_with_a_coded_warning(keys, tmp_path):
    """An end date before today (a lapsed certificate recorded, or a year typed wrong): the credential is signed, as
    the rules allow a date years back, but never silently: ``let op [expired]`` and ``warning [expired]`` say that
    every check will call it expired; a future end date says nothing."""
    row = {**json.loads((EXAMPLES / "mbo-certificaat" / "individuele-zorg-bram-voorbeeld.json").read_text("utf-8")),
           "date": "2023-01-10", "valid_until": "2025-01-10"}
    (tmp_path / "row.json").write_text(json.dumps(row), "utf-8")
    proc = run("issue", "mbo-certificaat", "--data", tmp_path / "row.json", "--key", keys["school"],
               "--out", tmp_path / "c.json", home=tmp_path)
    assert proc.returncode == 0, proc.stderr
    lines = proc.stderr.decode().splitlines()
    assert any(line.startswith("let op [expired]: ") and "geldig tot 2025-01-10" in line for line in lines), lines
    assert any(line.startswith("warning [expired]: ") and "valid until 2025-01-10" in line for line in lines), lines
    assert json.loads((tmp_path / "c.json").read_text("utf-8"))["validUntil"] == "2025-01-10T00:00:00Z"
    (tmp_path / "later.json").write_text(json.dumps({**row, "valid_until": "2099-01-10"}), "utf-8")
    later = run("issue", "mbo-certificaat", "--data", tmp_path / "later.json", "--key", keys["school"], home=tmp_path)
    assert later.returncode == 0 and b"[expired]" not in later.stderr, later.stderr
