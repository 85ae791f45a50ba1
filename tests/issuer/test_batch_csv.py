"""Reading a batch CSV as a school's administrator saves it: Excel's encodings and separators, and the
sample CSV per type in examples/ (each row checked as ``skillspas batch --dry-run`` checks it)."""

from __future__ import annotations

import csv
import datetime as dt
import functools
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from skillspas.issuer import batch as batch_module
from skillspas.issuer.batch import BatchInvalid, RowError, issue_rows, read_csv, unread_columns, validate_rows
from skillspas.issuer.credentials import KINDS
from skillspas.issuer.issuing import Issuer, canonical_text
from skillspas.issuer.org_signing import sign_as
from skillspas.issuer.orgs import create_organisation
from skillspas.issuer.preflight import preflight
from skillspas.issuer.settings import Settings
from skillspas.issuer.store import open_store
from skillspas.schemas.errors import ErrorCode, SkillspasError
from skillspas.schemas.limits import Limits

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
HEADER = "row_key;learner_name;crebo;leerweg;date\r\n"


def _refusal(path: Path) -> SkillspasError:
    with pytest.raises(SkillspasError) as caught:
        read_csv(path)
    return caught.value


def test_a_windows_1252_csv_from_dutch_excel_is_refused_with_save_as_csv_utf8(tmp_path):
    path = tmp_path / "export.csv"
    path.write_bytes((HEADER + "r1;Esra Çelik;25180;BBL;2025-07-01\r\n").encode("cp1252"))
    error = _refusal(path)
    assert error.code.value == "schema_invalid"
    assert "sla op als CSV UTF-8" in error.text("nl") and "regel 2" in error.text("nl")
    assert "save as CSV UTF-8" in error.text("en")


def test_utf8_with_a_bom_semicolons_and_an_excel_sep_line_are_read(tmp_path):
    bom = tmp_path / "bom.csv"
    bom.write_bytes(("\ufeff" + HEADER + "r1;Esra Çelik;25180;BBL;2025-07-01\r\n").encode("utf-8"))
    assert read_csv(bom) == [(2, {"row_key": "r1", "learner_name": "Esra Çelik", "crebo": "25180", "leerweg": "BBL",
                                  "date": "2025-07-01"})]
    sep = tmp_path / "sep.csv"
    sep.write_text("sep=,\nrow_key,learner_name\n\nr1,\"Testdata, Anouk\"\n", "utf-8")
    assert read_csv(sep) == [(4, {"row_key": "r1", "learner_name": "Testdata, Anouk"})]  # line 4 of the file


def test_a_bsn_column_is_one_error_naming_the_column(tmp_path):
    path = tmp_path / "bsn.csv"
    path.write_text("row_key;Burgerservicenummer;learner_name\n" + "".join(f"r{n};111222333;A\n" for n in range(50)))
    error = _refusal(path)
    assert error.code.value == "forbidden_field" and "'Burgerservicenummer'" in error.text("en")
    assert "kolom" in error.text("nl")


def test_a_column_named_twice_is_refused_naming_it_instead_of_signing_one_of_the_two_values(tmp_path):
    path = tmp_path / "twice.csv"
    path.write_text("row_key;learner_name;crebo;leerweg;date; learner_name \nr1;Anouk Testdata;25180;BBL;2025-07-01;Bram\n")
    error = _refusal(path)
    assert error.code.value == "schema_invalid" and "'learner_name'" in error.text("en") and "twee keer" in error.text("nl")


def test_a_json_file_given_as_csv_says_it_is_json(tmp_path):
    error = _refusal(EXAMPLES / "mbo-diploma" / "kok-anouk-testdata.json")
    assert "JSON" in error.text("en") and "skillspas issue" in error.text("nl")
    missing = _refusal(tmp_path / "nothing.csv")  # file_error, as every file a command cannot read
    assert missing.code is ErrorCode.FILE_ERROR and "nothing.csv" in missing.text("en")
    assert "bestaat niet" in missing.text("nl")
    folder = _refusal(tmp_path)
    assert folder.code is ErrorCode.FILE_ERROR and "geen gewoon bestand" in folder.text("nl")


def test_the_cli_refuses_a_windows_1252_csv_in_dutch_and_english_without_a_traceback(tmp_path):
    path = tmp_path / "export.csv"
    path.write_bytes((HEADER + "r1;Esra Çelik;25180;BBL;2025-07-01\r\n").encode("cp1252"))
    proc = subprocess.run([sys.executable, "-c", "from skillspas.issuer.cli import main; main()", "batch", "mbo-diploma",
                           "--csv", str(path), "--org", "x", "--dry-run", "--data-dir", str(tmp_path / "d")],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert "fout [schema_invalid]" in proc.stderr and "save as CSV UTF-8" in proc.stderr


# The role that may issue each kind (orgs.ROLE_TYPES) for the sample CSVs.
_ROLE = {"mbo-diploma": "mbo", "mbo-certificaat": "mbo", "praktijkverklaring": "mbo", "ervaringscertificaat": "evc",
         "microcredential": "training"}


@pytest.fixture(scope="module")
def issuer(tmp_path_factory):
    folder = tmp_path_factory.mktemp("csv-samples")
    settings = Settings(data_dir=folder, database_url=f"sqlite:///{folder / 'skillspas.db'}",
                        key_passphrase="test-only passphrase (never a real one)", public_url="https://issuer.example",
                        batch_workers=1)
    store = open_store(settings.database)
    yield Issuer(store, settings)
    store.dispose()


def test_there_is_one_sample_csv_per_type():
    assert sorted(p.parent.name for p in EXAMPLES.glob("*/*.csv")) == sorted(KINDS)
    assert all(p.stem == p.parent.name for p in EXAMPLES.glob("*/*.csv"))


@pytest.mark.parametrize("kind", list(KINDS))
def test_every_row_of_the_sample_csv_validates_and_matches_the_json_samples(issuer, kind):
    created = create_organisation(issuer.store, issuer.settings, f"Voorbeeld {kind}", role=_ROLE[kind],
                                  did_web=f"{kind}.example")
    rows = read_csv(EXAMPLES / kind / f"{kind}.csv")
    plan = validate_rows(issuer, issuer.orgs.get(created.id), kind, rows)
    assert len(plan) == len(rows) == len(list((EXAMPLES / kind).glob("*.json")))
    assert unread_columns(plan) == {}  # every column of a sample is signed into its credential
    for line, row in rows:  # each row is one of the JSON samples (named by its row key)
        sample = json.loads((EXAMPLES / kind / f"{row['row_key']}.json").read_text("utf-8"))
        assert row["learner_name"] == sample["learner_name"] and row["date"] == sample["date"], line


def test_an_unknown_batch_type_lists_the_kinds_a_person_types_not_class_names(tmp_path):
    path = tmp_path / "rows.csv"
    path.write_text(HEADER, "utf-8")
    proc = subprocess.run([sys.executable, "-c", "from skillspas.issuer.cli import main; main()", "batch", "diploma",
                           "--csv", str(path), "--org", "x", "--dry-run", "--data-dir", str(tmp_path / "d")],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2 and "mbo-diploma, mbo-certificaat" in proc.stderr and "MboDiploma" not in proc.stderr


@pytest.mark.parametrize("text", ["", "row_key;learner_name;crebo;leerweg;date\n", "sep=;\nrow_key;learner_name\n;\n"],
                         ids=["empty file", "header only", "header and an empty row"])
def test_a_csv_without_data_rows_is_refused_in_dutch_and_english(tmp_path, text):
    path = tmp_path / "leeg.csv"
    path.write_text(text, "utf-8")
    with pytest.raises(SkillspasError) as refused:
        read_csv(path)
    assert refused.value.code is ErrorCode.SCHEMA_INVALID
    assert "geen regels" in refused.value.text("nl") and "no data rows" in refused.value.text("en")


# What a batch writes is byte for byte what the one-credential path signs for the same row: the batch's
# own shortcuts (checks made once per row, in worker order) change no byte of any file.
@pytest.mark.parametrize("kind", list(KINDS))
def test_every_batch_file_is_the_bytes_the_single_credential_path_signs_for_its_row(issuer, kind, tmp_path):
    created = create_organisation(issuer.store, issuer.settings, f"Bytes {kind}", role=_ROLE[kind],
                                  did_web=f"bytes-{kind}.example")
    org = issuer.orgs.get(created.id)
    plan = validate_rows(issuer, org, kind, read_csv(EXAMPLES / kind / f"{kind}.csv"))
    # as built (a learner's identity hash is salted)
    unsigned = {row.line: row.checked.unsigned for row in plan if row.checked is not None}
    manifest = issue_rows(issuer, org, plan, out=tmp_path)
    assert manifest.issued == len(plan) > 0
    for entry in manifest.entries:
        written = (tmp_path / entry["file"]).read_bytes()
        signed = json.loads(written)
        checked = preflight(unsigned[entry["line"]], org.did, org_name=org.name)  # what `issue` and the service do
        status = signed["credentialStatus"]
        same = sign_as(org.signer, checked.with_status(status if isinstance(status, list) else [status], signed["id"]),
                       created=dt.datetime.fromisoformat(signed["proof"]["created"].replace("Z", "+00:00")))
        assert written == (canonical_text(same) + "\n").encode("utf-8"), entry["rowKey"]


@pytest.mark.parametrize("key", ["../../../tmp/evil", ".verborgen", "-rf", "...", "a\x01b", "2025-0001"])
def test_a_row_keys_file_is_visible_and_safe_in_a_shell(key):
    name = batch_module.row_file_name(f"MboDiploma/{key}")
    assert name[0].isalnum() or name[0] == "_", name  # not hidden (.), not an option (-)
    assert re.fullmatch(r"[A-Za-z0-9._-]+\.json", name) and "/" not in name, name


def test_a_csv_larger_than_the_limit_is_refused_too_large_before_it_is_read(tmp_path, monkeypatch):
    from skillspas.schemas.limits import Limits

    path = tmp_path / "huge.csv"
    with path.open("wb") as handle:  # sparse: no disk space used
        handle.write(HEADER.encode("utf-8"))
        handle.truncate(Limits.max_csv_bytes + 1)

    def not_read(*args, **kwargs):
        raise AssertionError("the file was read")

    monkeypatch.setattr(Path, "read_bytes", not_read)
    monkeypatch.setattr(Path, "open", not_read)
    error = _refusal(path)
    assert error.code is ErrorCode.TOO_LARGE
    assert "128 MiB" in error.text("nl") and "128 MiB" in error.text("en") and error.text("nl") != error.text("en")


@pytest.mark.parametrize("key_column", ["row_key", "leerlingnummer"], ids=["the default row_key", "another --key-column"])
def test_a_csv_without_the_key_column_is_one_error_naming_the_columns_not_one_per_row(tmp_path, key_column):
    """A student administration's export names its key 'Studentnummer': the school reads once which columns
    there are and what to do, not "De rijsleutel ontbreekt" on each of its 10,000 rows."""
    path = tmp_path / "export.csv"
    path.write_text("Studentnummer;learner_name;crebo;leerweg;date\n" +
                    "".join(f"{1000 + n};A;25180;BBL;01-07-2025\n" for n in range(50)), "utf-8")
    with pytest.raises(SkillspasError) as refused:
        read_csv(path, key_column=key_column)
    assert refused.value.code is ErrorCode.SCHEMA_INVALID and refused.value.details("nl") == []
    assert f"geen kolom '{key_column}'" in refused.value.text("nl") and "'Studentnummer'" in refused.value.text("nl")
    assert "--key-column" in refused.value.text("nl") and "--key-column" in refused.value.text("en")
    assert read_csv(path, key_column="Studentnummer")[0] == (2, {"Studentnummer": "1000", "learner_name": "A",
                                                                  "crebo": "25180", "leerweg": "BBL", "date": "01-07-2025"})


@pytest.mark.parametrize("header, key_column", [("Row Key", "row_key"), ("ROW-KEY", "row_key"), (" Row_Key ", "row_key"),
                                                ("studentnummer", "Studentnummer")],
                         ids=["spaces and capitals", "dash and capitals", "surrounding spaces", "--key-column in other case"])
def test_the_key_column_is_found_whatever_its_case_spaces_or_dashes_as_every_other_column_is(tmp_path, header, key_column):
    """Excel's header 'Row Key' is the row key as 'Learner Name' is learner_name: not refused as a missing column."""
    path = tmp_path / "export.csv"
    path.write_text(f"{header};Learner Name;crebo;leerweg;date\n1000;A;25180;BBL;01-07-2025\n", "utf-8")
    assert read_csv(path, key_column=key_column) == [(2, {key_column: "1000", "Learner Name": "A", "crebo": "25180",
                                                          "leerweg": "BBL", "date": "01-07-2025"})]


def test_a_csv_without_the_key_column_shows_each_column_name_cut_short_and_quoted_as_every_message_does(tmp_path):
    """A column name from the export is shown as ``shown()`` shows any outside value: at most 40 characters and
    then "…", a control character escaped, so a pasted paragraph as a header does not flood the message."""
    long_name = "Opmerkingen van de mentor " * 20
    path = tmp_path / "export.csv"
    path.write_text(f'Studentnummer;"{long_name}";"klas\x07"\n1000;x;4A\n', "utf-8")
    with pytest.raises(SkillspasError) as refused:
        read_csv(path)
    for lang in ("nl", "en"):
        message = refused.value.text(lang)
        assert long_name not in message and f"'{long_name[:40]}…'" in message, message
        assert "'klas\\x07'" in message and "\x07" not in message and "'Studentnummer'" in message


def test_a_misspelled_or_unknown_column_is_said_before_signing_with_the_field_it_looks_like(tmp_path):
    """A column no builder reads (``keuzedeel`` for ``keuzedelen``, the export's ``klas``) would be in no credential:
    skillspas batch says so on stderr, in Dutch and English, before anything is signed, and the manifest lists it."""
    path = tmp_path / "export.csv"
    path.write_text("row_key;learner_name;crebo;leerweg;date;keuzedeel;klas\r\n"
                    "r-1;Anouk Testdata;25180;BBL;2025-07-01;K0186;4A\r\n", "utf-8")
    data = tmp_path / "d"
    cli = [sys.executable, "-c", "from skillspas.issuer.cli import main; main()"]
    env = {**os.environ, "SKILLSPAS_KEY_PASSPHRASE": "test-only passphrase (never a real one)"}
    run = functools.partial(subprocess.run, capture_output=True, text=True, timeout=120, env=env)
    made = run([*cli, "org", "create", "ROC Kolommen", "--role", "mbo", "--did-web", "kolommen.example",
                "--data-dir", str(data)])
    assert made.returncode == 0, made.stderr
    org = json.loads(made.stdout)["id"]
    dry = run([*cli, "batch", "mbo-diploma", "--csv", str(path), "--org", org, "--dry-run", "--data-dir", str(data)])
    assert dry.returncode == 0, dry.stderr
    assert json.loads(dry.stdout)["unusedColumns"] == ["keuzedeel", "klas"]
    assert "let op:" in dry.stderr and "'keuzedeel' (bedoelt u 'keuzedelen'?)" in dry.stderr and "'klas'" in dry.stderr
    assert "warning:" in dry.stderr and "did you mean 'keuzedelen'" in dry.stderr
    done = run([*cli, "batch", "mbo-diploma", "--csv", str(path), "--org", org, "--out", str(tmp_path / "out"),
                "--data-dir", str(data), "--dev"])
    assert done.returncode == 0, done.stderr
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text("utf-8"))
    assert manifest["unusedColumns"] == [{"column": "keuzedeel", "didYouMean": "keuzedelen"},
                                         {"column": "klas", "didYouMean": None}]


def test_skillspas_batch_finds_the_unread_columns_once_for_the_warning_and_the_manifest(tmp_path, monkeypatch):
    """The columns no builder read are looked for once, before signing (the warning), and that answer is the one
    the manifest lists: not a second walk over every row of the plan after signing."""
    from typer.testing import CliRunner

    from skillspas.issuer.cli import app as cli_app

    monkeypatch.setenv("SKILLSPAS_KEY_PASSPHRASE", "test-only passphrase (never a real one)")
    data = ["--data-dir", str(tmp_path / "d")]
    made = CliRunner().invoke(cli_app, ["org", "create", "ROC Eenmaal", "--role", "mbo", "--did-web", "eenmaal.example", *data])
    assert made.exit_code == 0, made.output
    path = tmp_path / "export.csv"
    path.write_text("row_key;learner_name;crebo;leerweg;date;klas\r\nr-1;Anouk Testdata;25180;BBL;2025-07-01;4A\r\n", "utf-8")
    found: list[dict[str, str | None]] = []

    def counted(plan):
        found.append(unread_columns(plan))
        return found[-1]

    monkeypatch.setattr(batch_module, "unread_columns", counted)
    done = CliRunner().invoke(cli_app, ["batch", "mbo-diploma", "--csv", str(path), "--org", "ROC Eenmaal",
                                        "--out", str(tmp_path / "out"), "--dev", *data])
    assert done.exit_code == 0, done.output
    assert found == [{"klas": None}]
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text("utf-8"))
    assert manifest["unusedColumns"] == [{"column": "klas", "didYouMean": None}]


def test_a_batch_refuses_each_row_whose_learner_email_is_not_an_address_and_names_the_field(issuer, tmp_path):
    """An export writes "geen-email" or a name where there is no address: each such row is a coded error on its
    own line, field ``learner_email`` (nl/en), and nothing is issued; an empty cell still means no address."""
    created = create_organisation(issuer.store, issuer.settings, "ROC E-mail", role="mbo", did_web="e-mail.example")
    path = tmp_path / "export.csv"
    path.write_text("row_key;learner_name;crebo;leerweg;date;learner_email\r\n"
                    "r-1;Anouk Testdata;25180;BBL;2025-07-01;anouk@example.org\r\n"
                    "r-2;Bram Voorbeeld;25180;BBL;2025-07-01;geen-email\r\n"
                    "r-3;Chantal Proefpersoon;25180;BBL;2025-07-01;\r\n"
                    "r-4;Esra Demodata;25180;BBL;2025-07-01;Esra Demodata\r\n", "utf-8")
    with pytest.raises(batch_module.BatchInvalid) as refused:
        validate_rows(issuer, issuer.orgs.get(created.id), "mbo-diploma", read_csv(path))
    errors = refused.value.errors
    assert [(e.line, e.field, e.code) for e in errors] == [(3, "learner_email", "schema_invalid"),
                                                           (5, "learner_email", "schema_invalid")]
    assert "'geen-email'" in errors[0].message and "'geen-email'" in errors[0].message_nl
    assert "e-mail address" in errors[0].message and "e-mailadres" in errors[0].message_nl


@pytest.mark.parametrize("before, line", [("", 2), ("k1;Anouk;25180;BBL;2025-07-01\r\n", 3), ("sep=;\r\n", 3)],
                         ids=["first data row", "second data row", "after Excel's sep= line"])
def test_a_field_over_the_csv_limit_is_reported_on_its_own_line(tmp_path, before, line):
    """csv's ``line_num`` counts the lines read before the failing one: the error said 'line 1' for line 2."""
    path = tmp_path / "long.csv"
    header = HEADER if not before.startswith("sep=") else before + HEADER
    rows = "" if before.startswith("sep=") else before
    path.write_text(header + rows + "k2;" + "x" * 140_000 + ";25180;BBL;2025-07-01\r\n", encoding="utf-8")
    error = _refusal(path)
    assert error.code is ErrorCode.TOO_LARGE
    assert f"line {line} " in error.text("en") and f"regel {line} " in error.text("nl"), error.text("en")


@pytest.mark.parametrize("elsewhere", [1 << 24, 1024], ids=["lifted by other code", "lowered by other code"])
def test_a_csv_fields_limit_is_the_batchs_own_whatever_other_code_set_and_is_given_back_after_reading(tmp_path, elsewhere):
    """csv's field limit is process-wide: a vocabulary import (or a test) that set it must neither let a field over
    ``Limits.max_csv_field`` through nor refuse one under it, and the batch leaves it as it found it."""
    long_field, fits = tmp_path / "long.csv", tmp_path / "fits.csv"
    long_field.write_text(HEADER + "k1;" + "x" * (Limits.max_csv_field + 1) + ";25180;BBL;2025-07-01\r\n", "utf-8")
    fits.write_text(HEADER + "k1;" + "x" * Limits.max_csv_field + ";25180;BBL;2025-07-01\r\n", "utf-8")
    previous = csv.field_size_limit(elsewhere)
    try:
        assert _refusal(long_field).code is ErrorCode.TOO_LARGE
        assert csv.field_size_limit() == elsewhere
        assert len(read_csv(fits)[0][1]["learner_name"]) == Limits.max_csv_field
        assert csv.field_size_limit() == elsewhere
    finally:
        csv.field_size_limit(previous)


def test_a_refused_batch_says_one_problem_of_many_rows_once_with_their_lines_not_once_per_row():
    """300 rows whose date column is named 'Diplomadatum': four lines to read, not three hundred."""
    missing = [RowError(line, "date", "schema_invalid", "the date is missing", "de datum ontbreekt")
               for line in range(3, 303) if line != 5]
    other = RowError(5, "crebo", "schema_invalid", "unknown crebo", "onbekend crebo")
    lines = BatchInvalid(sorted([*missing, other], key=lambda e: e.line)).details("nl")
    assert lines == ["regels 3, 4, 6, 7, 8 en nog 294, date: [schema_invalid] de datum ontbreekt",
                     "regel 5, crebo: [schema_invalid] onbekend crebo"]
    assert BatchInvalid(missing[:2]).details("en") == ["lines 3, 4, date: [schema_invalid] the date is missing"]
    assert BatchInvalid(missing[:6]).details("en")[0].startswith("lines 3, 4, 6, 7, 8 and 1 more, date:")


def test_a_refused_batch_counts_its_bad_rows_in_the_singular_for_one_and_the_plural_for_more():
    one = RowError(2, "crebo", "schema_invalid", "unknown crebo", "onbekend crebo")
    assert BatchInvalid([one]).text("nl") == "1 regel is ongeldig; er is niets uitgegeven"
    assert BatchInvalid([one]).text("en") == "1 row is not valid; nothing was issued"
    assert BatchInvalid([one, one]).text("nl") == "2 regels zijn ongeldig; er is niets uitgegeven"
    assert BatchInvalid([one, one]).text("en") == "2 rows are not valid; nothing was issued"


def _diploma_without_learner_name(**extra: str) -> dict[str, str]:
    return {"issuer_name": "ROC Voorbeeld", "examencommissie": "Examencommissie Horeca", "crebo": "25180",
            "leerweg": "BBL", "date": "2025-07-01", **extra}


def test_a_missing_fields_refusal_names_the_column_that_most_looks_like_it():
    """An export's "naam" column where the builder wants learner_name: the refusal asks whether it is meant (nl/en),
    located at the missing field; a column that looks like no field ("klas") is not named."""
    from skillspas.issuer.credentials import build

    with pytest.raises(SkillspasError) as refused:
        build("mbo-diploma", _diploma_without_learner_name(naam="Anouk Testdata", klas="4A"), issuer="did:web:roc.example")
    assert refused.value.code is ErrorCode.SCHEMA_INVALID and refused.value.path == "/learner_name"
    assert refused.value.text("nl") == "De naam van de deelnemer ontbreekt (veld 'learner_name'); is 'naam' bedoeld?"
    assert refused.value.text("en") == "The learner's name is missing (field 'learner_name'); did you mean 'naam'?"
    with pytest.raises(SkillspasError) as plain:
        build("mbo-diploma", _diploma_without_learner_name(klas="4A"), issuer="did:web:roc.example")
    assert plain.value.text("nl") == "De naam van de deelnemer ontbreekt (veld 'learner_name')."


@pytest.mark.parametrize("extra", [
    pytest.param({"kwalificatie_naam": "Kok"}, id="a column that is another field of the row"),
    pytest.param({"naam": "Anouk", "name": "Anouk"}, id="two columns that look alike: no guess"),
])
def test_a_missing_field_names_no_column_that_is_a_field_itself_or_one_of_two_alike(extra):
    from skillspas.issuer.credentials import build

    with pytest.raises(SkillspasError) as refused:
        build("mbo-diploma", _diploma_without_learner_name(**extra), issuer="did:web:roc.example")
    assert refused.value.text("nl").endswith("(veld 'learner_name')."), refused.value.text("nl")


def test_a_batch_refusal_lists_the_unread_columns_with_the_field_a_column_may_be(issuer, tmp_path):
    """The trial's export (row_key;examencommissie;naam;crebo;leerweg;date;klas): every row lacks learner_name. The
    refusal says per row that 'naam' may be meant, and lists the columns no mbo-diploma uses, 'naam' with the field
    it may be and 'klas' with none: as the warning of a valid batch would, where the rows stop."""
    created = create_organisation(issuer.store, issuer.settings, "ROC Naam", role="mbo", did_web="naam.example")
    path = tmp_path / "export.csv"
    path.write_text("row_key;examencommissie;naam;crebo;leerweg;date;klas\r\n"
                    "r-1;Examencommissie Horeca;Anouk Testdata;25180;BBL;2025-07-01;4A\r\n"
                    "r-2;Examencommissie Horeca;Bram Voorbeeld;25180;BBL;2025-07-01;4B\r\n", "utf-8")
    with pytest.raises(BatchInvalid) as refused:
        validate_rows(issuer, issuer.orgs.get(created.id), "mbo-diploma", read_csv(path))
    assert refused.value.unread == {"naam": "learner_name", "klas": None}
    assert [(e.line, e.field) for e in refused.value.errors] == [(2, "learner_name"), (3, "learner_name")]
    assert all(e.message_nl.endswith("is 'naam' bedoeld?") for e in refused.value.errors)
    nl, en = refused.value.details("nl"), refused.value.details("en")
    assert nl[-1] == ("Deze kolommen gebruikt een mbo-diploma niet, hun waarden staan in geen enkel bewijsstuk: "
                      "'naam' (bedoelt u 'learner_name'?), 'klas'"), nl
    assert en[-1].startswith("An MBO diploma does not use these columns") and "'naam' (did you mean 'learner_name'?)" in en[-1]
    assert BatchInvalid(refused.value.errors).details("nl")[-1].startswith("regels 2, 3")  # none unread: rows only


def test_a_batch_refusal_does_not_list_a_field_the_builder_had_not_read_yet(issuer, tmp_path):
    """A row that stops at its date is not said to leave crebo or leerweg unread: only columns that are no field."""
    created = create_organisation(issuer.store, issuer.settings, "ROC Datum", role="mbo", did_web="datum.example")
    path = tmp_path / "export.csv"
    path.write_text("row_key;learner_name;crebo;leerweg;date;klas\r\nr-1;Anouk Testdata;25180;BBL;2025-13-01;4A\r\n",
                    "utf-8")
    with pytest.raises(BatchInvalid) as refused:
        validate_rows(issuer, issuer.orgs.get(created.id), "mbo-diploma", read_csv(path))
    assert refused.value.unread == {"klas": None}


def test_skillspas_batch_says_which_rows_have_expired_before_they_are_issued_and_the_manifest_lists_them(
        tmp_path, monkeypatch):
    """A row whose valid_until has passed is issued (a lapsed certificate may be recorded) but said: a coded warning
    in Dutch and English before signing, the dry run's expiredAtIssue and the manifest's (line, row key, validUntil)."""
    from typer.testing import CliRunner

    from skillspas.issuer.cli import app as cli_app

    monkeypatch.setenv("SKILLSPAS_KEY_PASSPHRASE", "test-only passphrase (never a real one)")
    data = ["--data-dir", str(tmp_path / "d")]
    made = CliRunner().invoke(cli_app, ["org", "create", "ROC Verlopen", "--role", "mbo", "--did-web", "verlopen.example",
                                        *data])
    assert made.exit_code == 0, made.output
    path = tmp_path / "export.csv"
    path.write_text("row_key;learner_name;crebo;leerweg;date;valid_until\r\n"
                    "r-1;Anouk Testdata;25180;BBL;2023-01-10;2025-01-10\r\n"
                    "r-2;Bram Voorbeeld;25180;BBL;2025-07-01;2099-07-01\r\n", "utf-8")
    args = ["batch", "mbo-diploma", "--csv", str(path), "--org", "ROC Verlopen", *data]
    dry = CliRunner().invoke(cli_app, [*args, "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert json.loads(dry.stdout.splitlines()[-1])["expiredAtIssue"] == ["r-1"]
    assert "let op [expired]: 1 bewijsstuk is al verlopen bij uitgifte (regel 2;" in dry.stderr, dry.stderr
    assert "warning [expired]: 1 credential has already expired when issued (line 2;" in dry.stderr, dry.stderr
    done = CliRunner().invoke(cli_app, [*args, "--out", str(tmp_path / "out"), "--dev"])
    assert done.exit_code == 0, done.output
    assert "[expired]" in done.stderr
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text("utf-8"))
    assert manifest["expiredAtIssue"] == [{"line": 2, "rowKey": "r-1", "validUntil": "2025-01-10T00:00:00Z"}]
    again = CliRunner().invoke(cli_app, [*args, "--out", str(tmp_path / "out"), "--dev"])  # nothing signed now
    assert again.exit_code == 0 and "expiredAtIssue" not in json.loads((tmp_path / "out" / "manifest.json").read_text())


def test_a_dry_run_says_what_it_found_in_one_line_on_stderr_and_keeps_its_json_on_stdout(tmp_path, monkeypatch):
    """The administrator reads a sentence (in --lang), a script the JSON as before: all rows valid, how many would be
    issued now and how many were issued before, nothing issued; with --offers how many would get a claim offer."""
    from typer.testing import CliRunner

    from skillspas.issuer.cli import app as cli_app

    monkeypatch.setenv("SKILLSPAS_KEY_PASSPHRASE", "test-only passphrase (never a real one)")
    data = ["--data-dir", str(tmp_path / "d")]
    made = CliRunner().invoke(cli_app, ["org", "create", "ROC Proef", "--role", "mbo", "--did-web", "proef.example", *data])
    assert made.exit_code == 0, made.output
    path = tmp_path / "export.csv"
    path.write_text(HEADER + "r-1;Anouk Testdata;25180;BBL;2025-07-01\r\nr-2;Bram Voorbeeld;25180;BBL;2025-07-01\r\n",
                    "utf-8")
    args = ["batch", "mbo-diploma", "--csv", str(path), "--org", "ROC Proef", *data]
    first = CliRunner().invoke(cli_app, [*args, "--dry-run"])
    assert first.exit_code == 0, first.output
    assert first.stdout == '{"count": 2, "valid": true, "issuedNow": 0}\n'
    assert first.stderr.splitlines()[-1] == ("controle klaar (--dry-run): alle 2 regels zijn geldig; 2 zouden nu worden "
                                             "uitgegeven. Er is niets uitgegeven.")
    one = tmp_path / "one.csv"
    one.write_text(HEADER + "r-1;Anouk Testdata;25180;BBL;2025-07-01\r\n", "utf-8")
    issued = CliRunner().invoke(cli_app, [*args[:3], str(one), *args[4:], "--out", str(tmp_path / "out"), "--dev"])
    assert issued.exit_code == 0, issued.output
    english = CliRunner().invoke(cli_app, [*args, "--dry-run", "--lang", "en"])
    assert english.stderr.splitlines()[-1] == ("check done (--dry-run): all 2 rows are valid; 1 would be issued now, "
                                               "1 were issued before. Nothing was issued.")
    offers = CliRunner().invoke(cli_app, [*args, "--dry-run", "--offers"])
    assert offers.exit_code == 0, offers.output
    assert json.loads(offers.stdout)["toOffer"] == 1
    assert offers.stderr.splitlines()[-1] == ("controle klaar (--dry-run): alle 2 regels zijn geldig; 1 zou een "
                                              "ophaalaanbod krijgen, 1 is al uitgegeven. Er is niets aangeboden.")


def test_an_unread_column_is_named_with_the_one_field_it_looks_like_and_with_none_when_two_look_alike():
    """'leerwg' beside a given 'leerweg' is a misspelling of it; 'datum' is the date by its Dutch word; 'naam' beside a
    given learner_name is as much kwalificatie_naam or issuer_name: no guess."""
    from skillspas.issuer.credentials import build, noting_unread

    row = {**_diploma_without_learner_name(), "learner_name": "Anouk", "leerwg": "BOL", "datum": "1-7-2025", "naam": "A"}
    with noting_unread() as unread:
        build("mbo-diploma", row, issuer="did:web:roc.example")
    assert unread == {"leerwg": "leerweg", "datum": "date", "naam": None}


def test_a_column_of_rows_that_stopped_early_is_not_guessed_as_the_one_field_the_builder_had_asked_for_by_then():
    """The trial's raw export (Naam, Diplomadatum): a row of a crebo the register names without its level stopped at
    its niveau, after the builder had asked for kwalificatie_naam but before learner_name. 'Naam' is no more
    kwalificatie_naam than learner_name: never the advice to rename the learner's name column to the qualification's."""
    from skillspas.issuer.credentials import build, noting_unread

    row = {"Naam": "Anouk Testdata", "crebo": "25304", "leerweg": "BBL", "Diplomadatum": "1-7-2025"}
    with pytest.raises(SkillspasError), noting_unread() as unread:
        build("mbo-diploma", row, issuer="did:web:roc.example")
    assert unread == {"Naam": None, "Diplomadatum": None}
    with pytest.raises(SkillspasError), noting_unread() as unread:  # a misspelling is still one whatever was asked
        build("mbo-diploma", {**row, "keuzedeel": "K0186"}, issuer="did:web:roc.example")
    assert unread["keuzedeel"] == "keuzedelen"


def test_a_row_key_on_two_lines_says_whether_it_is_a_copied_row_to_remove_or_two_rows_that_need_their_own_keys(
        issuer, tmp_path):
    created = create_organisation(issuer.store, issuer.settings, "ROC Dubbel", role="mbo", did_web="dubbel.example")
    path = tmp_path / "export.csv"
    path.write_text(HEADER + "d-1;Priya Dekker;25180;BBL;2-7-2025\r\n" + "d-1;Priya Dekker;25180;BBL;2-7-2025\r\n"
                    + "d-2;Sem Bos;25180;BBL;2-7-2025\r\n" + "d-2;Iris Bos;25180;BBL;2-7-2025\r\n", "utf-8")
    with pytest.raises(BatchInvalid) as refused:
        validate_rows(issuer, issuer.orgs.get(created.id), "mbo-diploma", read_csv(path))
    copied, other = refused.value.errors
    assert (copied.line, other.line) == (3, 5) and copied.field == other.field == "row_key"
    assert "dezelfde gegevens" in copied.message_nl and "verwijder" in copied.message_nl
    assert "the same data" in copied.message and "remove" in copied.message
    assert "andere gegevens" in other.message_nl and "eigen sleutel" in other.message_nl
    assert "other data" in other.message and "its own key" in other.message


def test_a_batch_run_says_what_it_issued_in_one_line_and_names_files_in_its_folder_that_the_manifest_does_not_list(
        tmp_path, monkeypatch):
    """After fixing the export (a learner who left taken out, a name corrected under a new key) the folder still holds
    the earlier files: the run says how many files there the manifest does not list, so that no one mails them."""
    from typer.testing import CliRunner

    from skillspas.issuer.cli import app as cli_app

    monkeypatch.setenv("SKILLSPAS_KEY_PASSPHRASE", "test-only passphrase (never a real one)")
    data = ["--data-dir", str(tmp_path / "d")]
    made = CliRunner().invoke(cli_app, ["org", "create", "ROC Klaar", "--role", "mbo", "--did-web", "klaar.example", *data])
    assert made.exit_code == 0, made.output
    path, out = tmp_path / "export.csv", tmp_path / "diplomas"
    args = ["batch", "mbo-diploma", "--csv", str(path), "--org", "ROC Klaar", "--out", str(out), "--dev", *data]
    path.write_text(HEADER + "r-1;Anouk Testdata;25180;BBL;2025-07-01\r\nr-2;Bram Voorbeeld;25180;BBL;2025-07-01\r\n",
                    "utf-8")
    first = CliRunner().invoke(cli_app, args)
    assert first.exit_code == 0, first.output
    assert first.stderr.splitlines()[-1] == f"klaar: 2 nu uitgegeven; de bestanden en manifest.json staan in {out}."
    path.write_text(HEADER + "r-1;Anouk Testdata;25180;BBL;2025-07-01\r\nr-3;Sem Bos;25180;BBL;2025-07-01\r\n", "utf-8")
    again = CliRunner().invoke(cli_app, [*args, "--lang", "en"])
    assert again.exit_code == 0, again.output
    lines = again.stderr.splitlines()
    assert lines[-1] == f"done: 1 issued now, 1 issued before; the files and manifest.json are in {out}."
    assert any("1 bestand in" in line and "niet in manifest.json" in line for line in lines), lines
    assert any("1 file in" in line and "not in manifest.json" in line for line in lines), lines
