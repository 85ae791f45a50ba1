"""Every ``skillspas`` command that reads a file, an argument or an image refuses hostile input (DESIGN.md
"Threats the verifier must stop") with a coded error and exit 2 (1 where the document was checked):
never a traceback, never ``[internal]``. One table row per entry point, one line per hostile input."""

from __future__ import annotations

import json
import os
import stat
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from skillspas.issuer.demo import sample_credential
from skillspas.schemas.errors import ErrorCode, SkillspasError
from hostilekit import PAYLOADS, UNREADABLE, assert_coded_refusal, run_bounded, run_cli


@dataclass(frozen=True)
class World:
    """Files the entry points need besides the hostile one: a key file, a folder for output, a passport."""

    folder: Path
    key: Path
    passport: Path


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> World:
    folder = tmp_path_factory.mktemp("hostile-cli")
    key = folder / "key.json"
    made = run_cli("keys", "generate", "--type", "ed25519", "--out", str(key))
    assert made.exit_code == 0, made.stderr
    unsigned = sample_credential(json.loads(made.stdout)["controller"])
    del unsigned["issuer"]
    (folder / "unsigned.json").write_text(json.dumps(unsigned), "utf-8")
    signed = run_cli("sign", str(folder / "unsigned.json"), "--key", str(key))
    assert signed.exit_code == 0, signed.stderr
    (folder / "signed.json").write_text(signed.stdout, "utf-8")
    passport = folder / "passport"
    added = run_cli("passport", "add", str(folder / "signed.json"), "--no-check", "--passport", str(passport))
    assert added.exit_code == 0, added.stderr
    return World(folder, key, passport)


def _passport_with(world: World, hostile: Path) -> str:
    """A passport folder holding the hostile file as if it had been stored there."""
    passport = world.folder / f"passport-{hostile.stem}"
    passport.mkdir(exist_ok=True)
    (passport / ("ab" * 32 + ".json")).write_bytes(hostile.read_bytes())  # named as the store names its files
    return str(passport)


def _contexts_with(world: World, hostile: Path) -> str:
    """A contexts folder whose contexts.map.json is the hostile file."""
    folder = world.folder / f"contexts-{hostile.stem}"
    folder.mkdir(exist_ok=True)
    (folder / "contexts.map.json").write_bytes(hostile.read_bytes())
    return str(folder)


def _keystore_with(world: World, hostile: Path) -> str:
    """A keystore folder whose history.json is the hostile file."""
    folder = world.folder / f"keystore-{hostile.parent.name}"
    folder.mkdir(exist_ok=True)
    (folder / "history.json").write_bytes(hostile.read_bytes())
    return str(folder)


Argv = Callable[[World, Path], list[str]]
ONLY_UNREADABLE = {"passport export (hostile file in the passport)"}
"""The passport folder is written by ``passport add``, which checks each credential: a file placed there
by hand is read strictly, but a well-formed one is exported as it is (the verifier checks it)."""
ENTRY_POINTS: dict[str, tuple[Argv, tuple[int, ...]]] = {
    "verify FILE": (lambda w, f: ["verify", str(f)], (1, 2)),
    "verify FILE --json": (lambda w, f: ["verify", str(f), "--json"], (1, 2)),
    "verify --bundle FILE": (lambda w, f: ["verify", str(w.key), "--bundle", str(f)], (2,)),
    "verify --contexts DIR": (lambda w, f: ["verify", str(w.key), "--contexts", _contexts_with(w, f)], (2,)),
    "sign FILE": (lambda w, f: ["sign", str(f), "--key", str(w.key)], (2,)),
    "sign --key FILE": (lambda w, f: ["sign", str(w.key), "--key", str(f)], (2,)),
    "issue --data FILE": (lambda w, f: ["issue", "mbo-diploma", "--data", str(f), "--key", str(w.key),
                                        "--out", str(w.folder / "out.json")], (2,)),
    "passport add FILE": (lambda w, f: ["passport", "add", str(f), "--passport", str(w.folder / "other-passport")], (1, 2)),
    "passport show FILE": (lambda w, f: ["passport", "show", str(f)], (1, 2)),
    "passport export (hostile file in the passport)": (
        lambda w, f: ["passport", "export", "--presentation", str(w.folder / "vp.json"), "--passport", _passport_with(w, f)],
        (1, 2)),
    "passport export --holder-key FILE": (
        lambda w, f: ["passport", "export", "--presentation", str(w.folder / "vp.json"), "--holder-key", str(f),
                      "--passport", str(w.passport)], (2,)),
    "bundle create --did-document FILE": (lambda w, f: ["bundle", "create", "--out", str(w.folder / "b.json"),
                                                        "--did-document", str(f)], (2,)),
    "bundle create --status-list FILE": (lambda w, f: ["bundle", "create", "--out", str(w.folder / "b.json"),
                                                       "--status-list", str(f)], (1, 2)),
    "bundle create --trust-list FILE": (lambda w, f: ["bundle", "create", "--out", str(w.folder / "b.json"),
                                                      "--trust-list", str(f)], (1, 2)),
    "bundle show FILE": (lambda w, f: ["bundle", "show", str(f)], (2,)),
    "trust-list sign FILE": (lambda w, f: ["trust-list", "sign", str(f), "--key", str(w.key),
                                           "--out", str(w.folder / "tl.json")], (2,)),
    "trust-list sign --did-document FILE": (lambda w, f: ["trust-list", "sign", str(f), "--key", str(w.key),
                                                          "--did-document", str(f), "--out", str(w.folder / "tl.json")], (2,)),
    "trust-list show FILE": (lambda w, f: ["trust-list", "show", str(f)], (1, 2)),
    "keys show FILE": (lambda w, f: ["keys", "show", str(f)], (2,)),
    "keys list --keystore (hostile history.json)": (lambda w, f: ["keys", "list", "--keystore", _keystore_with(w, f)], (2,)),
    "keys export-public --keystore (hostile history.json)": (
        lambda w, f: ["keys", "export-public", "--keystore", _keystore_with(w, f)], (2,)),
}


CASES = [pytest.param(entry, payload, id=f"{entry}: {payload}") for entry in ENTRY_POINTS for payload in PAYLOADS
         if entry not in ONLY_UNREADABLE or payload in UNREADABLE]


@pytest.mark.parametrize("entry, payload", CASES)
def test_every_command_refuses_hostile_json_with_a_code(world, entry, payload, tmp_path):
    hostile = tmp_path / "hostile.json"
    hostile.write_bytes(PAYLOADS[payload])
    argv, exit_codes = ENTRY_POINTS[entry]
    assert_coded_refusal(run_cli(*argv(world, hostile)), exit_codes=exit_codes)


@pytest.mark.parametrize("payload", ["5000-digit integer", "10,000 levels of nesting", "duplicate keys", "bad UTF-8",
                                     "2 MiB body"])
def test_verify_reads_hostile_json_from_stdin_with_a_code(payload):
    assert_coded_refusal(run_cli("verify", "-", "--json", stdin=PAYLOADS[payload]), exit_codes=(1, 2))


ARGUMENTS: dict[str, list[str]] = {
    "keys revoke with a 5000-digit date": ["keys", "revoke", "key-1", "--keystore", "/nonexistent",
                                           "--compromised-at", "9" * 5000],
    "keys generate with an odd type": ["keys", "generate", "--type", "\u202e" * 1000, "--out", "/nonexistent/k.json"],
    "vocab search with a 100,000-character query": ["vocab", "search", "zorg " * 20_000],
    "vocab search with control characters": ["vocab", "search", "\x00\x1b[31m\u202e"],
    "vocab search with a huge limit": ["vocab", "search", "zorg", "--limit", "1" * 5000],
    "vocab show a 100,000-character URI": ["vocab", "show", "http://data.europa.eu/esco/skill/" + "a" * 100_000],
    "vocab show a crebo of 5000 digits": ["vocab", "show", "2" * 5000],
    "vocab show a lone surrogate": ["vocab", "show", "\udcff"],
    "verify SP1: QR text of garbage": ["verify", "SP1:" + "%%%" * 1000],
    "verify SP4: QR text of 7000 nines": ["verify", "SP4:" + "9" * 7000],
    "verify SP4: QR text of 100,000 digits": ["verify", "SP4:" + "1" * 100_000],
    "verify a 100,000-character max-status-age": ["verify", "-", "--max-status-age", "9" * 100_000 + "d"],
    "verify a missing file": ["verify", "/nonexistent/credential.json"],
    "verify --json a missing file": ["verify", "/nonexistent/credential.json", "--json"],
    "sign a missing file": ["sign", "/nonexistent/credential.json", "--key", "/nonexistent/k.json"],
    "trust-list show a missing file": ["trust-list", "show", "/nonexistent/trust-list.json"],
    "trust-list sign with a huge --valid-days": ["trust-list", "sign", "/nonexistent.json", "--key", "k", "--out", "o",
                                                 "--valid-days", "9" * 5000],
}


@pytest.mark.parametrize("case", list(ARGUMENTS))
def test_hostile_arguments_are_refused_with_a_code(case):
    result = run_cli(*ARGUMENTS[case], stdin=PAYLOADS["minus zero"])
    assert result.exception is None, f"uncaught {type(result.exception).__name__}: {result.exception}"
    shown = result.stdout + result.stderr
    assert "Traceback" not in shown and "[internal]" not in shown, shown[-2000:]
    assert result.exit_code in (0, 1, 2), shown[-2000:]  # a search may find nothing (0); a usage error is 2


def _png(width: int, height: int) -> bytes:
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("L", (width, height), 255).save(buffer, format="PNG")
    return buffer.getvalue()


def _png_claiming(width: int, height: int) -> bytes:
    """A small PNG file whose header claims ``width`` x ``height`` pixels (a decompression bomb's shape)."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    rows = zlib.compress(b"\x00" + b"\xff" * width, 9)  # one white row; the rest is missing
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0))
            + chunk(b"IDAT", rows) + chunk(b"IEND", b""))


IMAGES: dict[str, Callable[[], bytes]] = {
    "garbage bytes named .png": lambda: b"\x89PNG\r\n\x1a\n" + b"\x00garbage" * 1000,
    "an empty file": lambda: b"",
    "a JSON file": lambda: PAYLOADS["duplicate keys"],
    "a blank image without a QR code": lambda: _png(200, 200),
    "a decompression bomb (40,000 x 40,000 pixels)": lambda: _png_claiming(40_000, 40_000),
    "a 33 MiB file": lambda: b"\xff\xd8\xff" + b"\x00" * (33 * 1024 * 1024),
}


@pytest.mark.parametrize("image", list(IMAGES))
@pytest.mark.parametrize("command", [["verify", "--qr"], ["passport", "show"]], ids=["verify --qr", "passport show"])
def test_a_hostile_image_is_refused_with_a_code(tmp_path, image, command):
    picture = tmp_path / "qr.png"
    picture.write_bytes(IMAGES[image]())
    assert_coded_refusal(run_cli(*command, str(picture)), exit_codes=(2,))


def _pdfs() -> dict[str, Callable[[], bytes]]:
    import os
    import zlib

    from helpers import jpeg_pdf, pdf_with_images, zip_bomb_pdf

    return {
        "a corrupt PDF": lambda: b"%PDF-1.7\n" + os.urandom(20_000),
        "garbage after a PDF header": lambda: b"%PDF-" + b"\x00garbage" * 5000,
        "a 40 MiB PDF": lambda: b"%PDF-1.7\n" + b"0" * (40 * 1024 * 1024),
        "1000 images": lambda: pdf_with_images(1000),
        "one 60,000 x 60,000 image": lambda: pdf_with_images(1, width=60_000, height=60_000, data=zlib.compress(b"")),
        "a zip bomb": zip_bomb_pdf,
        "images without a QR code": lambda: pdf_with_images(3, width=40, height=40),
        "a JPEG whose header claims 30,000 x 30,000": lambda: jpeg_pdf(30_000, 30_000),
        "a JPEG of 4000 x 4000 declared 16 x 16": lambda: jpeg_pdf(4000, 4000),
    }


PDFS = _pdfs()


@pytest.mark.parametrize("pdf", list(PDFS))
@pytest.mark.parametrize("json_output", [False, True], ids=["text", "--json"])
def test_verify_refuses_a_hostile_passport_pdf_with_a_code(tmp_path, pdf, json_output):
    path = tmp_path / "paspoort.pdf"
    path.write_bytes(PDFS[pdf]())
    run = run_cli("verify", str(path), *(["--json"] if json_output else []))
    assert_coded_refusal(run, codes={"pdf_unreadable", "too_large", "resource_limit", "qr_unreadable"}, exit_codes=(2,))


def test_a_pdf_image_larger_than_it_declares_is_refused_before_it_is_decoded():
    """The bounds on pixels are checked on what the PDF declares; a JPEG says its own size, 62,500 times more here."""
    from helpers import jpeg_pdf
    from skillspas.verifier.pdf import read_pdf_qr_texts

    with pytest.raises(SkillspasError) as refused:
        read_pdf_qr_texts(jpeg_pdf(4000, 4000))
    assert refused.value.code is ErrorCode.PDF_UNREADABLE and "4000x4000" in refused.value.message


HEADER = "row_key,learner_name,crebo,leerweg,date\n"
CSV_FILES: dict[str, bytes] = {
    "a 5000-digit crebo": (HEADER + "k1,Anouk Testdata," + "2" * 5000 + ",BOL,2025-07-01\n").encode(),
    "a 2 MiB name": (HEADER + "k1," + "A" * (2 * 1024 * 1024) + ",25180,BOL,2025-07-01\n").encode(),
    "bad UTF-8": HEADER.encode() + b"k1,Anouk \xff\xfe,25180,BOL,2025-07-01\n",
    "a NUL byte": (HEADER + "k1,Anouk\x00Testdata,25180,BOL,2025-07-01\n").encode(),
    "a bidi override": (HEADER + "k1,Anouk \u202eataDtseT,25180,BOL,2025-07-01\n").encode(),
    "a date of 5000 digits": (HEADER + "k1,Anouk Testdata,25180,BOL," + "9" * 5000 + "\n").encode(),
    "an unclosed quote": (HEADER + 'k1,"Anouk Testdata,25180,BOL,2025-07-01\n').encode(),
}


@pytest.mark.parametrize("csv", list(CSV_FILES))
def test_batch_refuses_a_hostile_csv_with_a_code(service, tmp_path, csv):
    """A file it cannot read is exit 2; rows it reads and finds not valid are listed with their codes, exit 1."""
    from hostilekit import PASSPHRASE

    export = tmp_path / "export.csv"
    export.write_bytes(CSV_FILES[csv])
    result = run_cli("batch", "mbo-diploma", "--csv", str(export), "--org", service.roc.name, "--out", str(tmp_path / "out"),
                     "--data-dir", str(service.settings.data_dir), env={"SKILLSPAS_KEY_PASSPHRASE": PASSPHRASE})
    assert_coded_refusal(result, exit_codes=(1, 2))


# -- the parts of a numbered set of QR codes (skillspas verify PART PART ...) ----------------------


def _parts(world: World, count: int) -> list[str]:
    from skillspas.verifier.qr import encode_payload, split_payload

    return split_payload(encode_payload(json.loads((world.folder / "signed.json").read_text("utf-8"))), count)


@pytest.mark.parametrize(
    "make, code",
    [
        pytest.param(lambda p: p[:1], "qr_incomplete", id="a part missing"),
        pytest.param(lambda p: ["SPP:1/16/" + p[0][8:16] + ":" + "A" * 40] + p[1:], "qr_mixed_set", id="other count"),
        pytest.param(lambda p: ["SPP:1/99999/00000000:AAAA"] + p[1:], "qr_unreadable", id="huge k"),
        pytest.param(lambda p: ["SPP:1/17/00000000:AAAA"], "qr_too_large", id="more than 16 parts"),
        pytest.param(lambda p: ["SPP:5/3/" + p[0][8:17] + "AAAA"] + p[1:], "qr_unreadable", id="index beyond k"),
        pytest.param(lambda p: [p[0][:8] + "0000FFFF" + p[0][16:]] + p[1:], "qr_mixed_set", id="wrong set id"),
        pytest.param(lambda p: [p[0], p[0][:-1] + "%", p[1], p[2]], "qr_duplicate_part", id="two codes for one part"),
        pytest.param(lambda p: p * 2000, "qr_too_large", id="thousands of parts"),
    ],
)
def test_verify_refuses_a_broken_set_of_qr_parts_with_a_code(world, make, code, tmp_path):
    parts = make(_parts(world, 3))
    as_arguments = run_cli("verify", *parts[:40], "--json") if len(parts) <= 40 else None
    piped = run_cli("verify", "-", stdin="\n".join(parts).encode())
    files = []
    for number, part in enumerate(parts[:40]):
        files.append(tmp_path / f"part{number}.txt")
        files[-1].write_text(part, "utf-8")
    for run in filter(None, (as_arguments, piped, run_cli("verify", *map(str, files)))):
        assert_coded_refusal(run, codes={code} if len(parts) <= 40 else {code, "qr_too_large"})


def test_verify_joins_the_parts_of_a_set_given_in_any_order(world):
    parts = _parts(world, 3)
    joined = run_cli("verify", parts[2], parts[0], parts[1], "--json")  # untrusted issuer: checked, exit 0 or 1
    assert joined.exit_code in (0, 1) and json.loads(joined.stdout)["checks"], joined.stdout
    assert not {code for code in joined.codes() if code.startswith("qr_")}


# -- an output path the command cannot write (a folder where a file goes, a file where a folder goes) ----

EXAMPLE_ROW = Path(__file__).resolve().parents[2] / "examples" / "mbo-diploma" / "kok-anouk-testdata.json"
OUTPUTS: dict[str, Callable[[World, Path, Path], list[str]]] = {
    "issue --out FOLDER": lambda w, folder, file: ["issue", "mbo-diploma", "--data", str(EXAMPLE_ROW), "--key", str(w.key),
                                                   "--out", str(folder)],
    "contexts export FILE": lambda w, folder, file: ["contexts", "export", str(file)],
    "demo --out FILE": lambda w, folder, file: ["demo", "--out", str(file)],
}


@pytest.mark.parametrize("entry", list(OUTPUTS))
def test_an_output_path_that_cannot_be_written_is_a_file_error_not_an_internal_error(world, tmp_path, entry):
    folder, file = tmp_path / "a-folder", tmp_path / "a-file"
    folder.mkdir()
    file.write_text("taken", "utf-8")
    assert_coded_refusal(run_cli(*OUTPUTS[entry](world, folder, file)), codes={"file_error"})
    assert file.read_text("utf-8") == "taken"


def test_batch_with_out_naming_a_file_is_a_file_error_and_issues_nothing(service, tmp_path):
    from hostilekit import PASSPHRASE

    export, taken = tmp_path / "export.csv", tmp_path / "a-file"
    export.write_text(HEADER + "out-k1,Anouk Testdata,25180,BOL,2025-07-01\n", "utf-8")
    taken.write_text("taken", "utf-8")
    argv = ["batch", "mbo-diploma", "--csv", str(export), "--org", service.roc.name, "--public-url", "https://issuer.example",
            "--data-dir", str(service.settings.data_dir)]
    env = {"SKILLSPAS_KEY_PASSPHRASE": PASSPHRASE}
    assert_coded_refusal(run_cli(*argv, "--out", str(taken), env=env), codes={"file_error"})
    rerun = run_cli(*argv, "--out", str(tmp_path / "out"), env=env)
    assert rerun.exit_code == 0, rerun.stdout + rerun.stderr
    assert json.loads(rerun.stdout.strip().splitlines()[-1])["issuedNow"] == 1


@pytest.mark.parametrize("option", [["--now", "2027-13-45T00:00:00Z"], ["--now", "2027-01-15T12:00:00"],
                                    ["--max-status-age", "soon"], ["--max-status-age", "１d"]],
                         ids=["--now of no date", "--now without offset", "--max-status-age of a word", "fullwidth digit"])
def test_a_bad_verify_option_is_invalid_option_not_a_credential_of_the_wrong_shape(world, option):
    assert_coded_refusal(run_cli("verify", str(world.folder / "signed.json"), *option), codes={"invalid_option"})


@pytest.mark.parametrize("option", [["--max-status-age", "soon"], ["--lang", "fr"]], ids=["--max-status-age", "--lang"])
def test_a_bad_verifier_page_option_is_invalid_option(option):
    assert_coded_refusal(run_cli("verifier", *option), codes={"invalid_option"})


@pytest.mark.parametrize("value, en, nl", [("soon", "is not a duration", "is geen duur"),
                                           ("9" * 12 + "d", "longer than any date", "langer dan een datum")])
def test_a_duration_that_is_not_one_is_told_in_dutch_and_english(value, en, nl):
    from skillspas.schemas.errors import ErrorCode, SkillspasError
    from skillspas.verifier.run import parse_duration

    with pytest.raises(SkillspasError) as caught:
        parse_duration(value)
    assert caught.value.code is ErrorCode.INVALID_OPTION
    assert en in caught.value.text("en") and nl in caught.value.text("nl")
    assert parse_duration(" 36h ").total_seconds() == 36 * 3600


@pytest.mark.parametrize("argv", [["verify", "{missing}"], ["verify", "{folder}"], ["verify", "{signed}", "--bundle", "{missing}"],
                                  ["passport", "add", "{missing}", "--passport", "{folder}/passport"]],
                         ids=["verify a typo", "verify a folder", "verify --bundle a typo", "passport add a typo"])
def test_a_file_name_with_a_typo_is_a_file_error_not_a_broken_file(world, tmp_path, argv):
    """A new user's first mistake: the message says the file cannot be read, not that it is not valid JSON."""
    names = {"missing": str(tmp_path / "diplomaa.json"), "folder": str(tmp_path), "signed": str(world.folder / "signed.json")}
    run = run_cli(*[part.format(**names) for part in argv])
    assert_coded_refusal(run, codes={"file_error"}, exit_codes=(2,))
    assert "niet lezen" in run.stdout + run.stderr


def _exported_contexts(world: World) -> str:
    """A contexts folder ``skillspas contexts export`` wrote (a bundle needs some input: an empty one is refused)."""
    folder = world.folder / "exported-contexts"
    if not folder.exists():
        assert run_cli("contexts", "export", str(folder)).exit_code == 0
    return str(folder)


FIFO_OUTPUTS: dict[str, Callable[[World, Path], list[str]]] = {
    "issue --out": lambda w, out: ["issue", "mbo-diploma", "--data", str(EXAMPLE_ROW), "--key", str(w.key), "--out", str(out)],
    "bundle create --out": lambda w, out: ["bundle", "create", "--contexts", _exported_contexts(w), "--out", str(out)],
    "keys generate --out": lambda w, out: ["keys", "generate", "--out", str(out)],
}


@pytest.mark.parametrize("entry", list(FIFO_OUTPUTS))
def test_an_output_path_that_is_a_pipe_or_device_is_refused_and_left_as_it_was(world, tmp_path, entry):
    """As root, ``--out /dev/full`` once replaced the device with a regular file; a pipe stands in for it here
    (and writing into one with no reader would hang)."""
    fifo = tmp_path / "out.json"
    os.mkfifo(fifo)
    # a key file is never written over anything that exists: key_exists
    assert_coded_refusal(run_cli(*FIFO_OUTPUTS[entry](world, fifo)), codes={"file_error", "key_exists"})
    assert stat.S_ISFIFO(fifo.stat().st_mode)


# -- an input that is not a file to read whole: a pipe nobody writes to, a link to /dev/zero ---------------------


def _contexts_folder_with(folder: Path, make: Callable[[Path], None]) -> str:
    contexts = folder / "contexts"
    contexts.mkdir()
    make(contexts / "contexts.map.json")
    return str(contexts)


PIPE_READERS: dict[str, Callable[[World, Path], list[str]]] = {
    "verify FILE": lambda w, pipe: ["verify", str(pipe)],
    "verify --qr IMAGE": lambda w, pipe: ["verify", "--qr", str(pipe)],
    "verify --bundle FILE": lambda w, pipe: ["verify", str(w.folder / "signed.json"), "--bundle", str(pipe)],
    "verify --contexts (map file)": lambda w, pipe: ["verify", str(w.folder / "signed.json"), "--contexts",
                                                     _contexts_folder_with(pipe.parent, lambda m: os.symlink(pipe, m))],
    "passport show FILE": lambda w, pipe: ["passport", "show", str(pipe)],
    "bundle show FILE": lambda w, pipe: ["bundle", "show", str(pipe)],
    "keys show FILE": lambda w, pipe: ["keys", "show", str(pipe)],
    "sign --key FILE": lambda w, pipe: ["sign", str(w.folder / "unsigned.json"), "--key", str(pipe)],
}


@pytest.mark.parametrize("entry", list(PIPE_READERS))
def test_an_input_that_is_a_pipe_nobody_writes_to_is_refused_not_waited_for(world, tmp_path, entry):
    pipe = tmp_path / "input.json"
    os.mkfifo(pipe)
    assert_coded_refusal(run_bounded(*PIPE_READERS[entry](world, pipe)))


def test_a_contexts_map_that_links_to_dev_zero_is_too_large_not_read_for_ever(world, tmp_path):
    folder = _contexts_folder_with(tmp_path, lambda m: os.symlink("/dev/zero", m))
    run = run_bounded("verify", str(world.folder / "signed.json"), "--contexts", folder)
    assert_coded_refusal(run, codes={"unknown_context"})
    assert "larger than" in run.stdout + run.stderr


def test_a_pipe_with_a_writer_is_still_read(world, tmp_path):
    """``skillspas verify <(cat signed.json)``: the shell's pipe has its writer; it is read as before."""
    import subprocess
    import sys

    script = ("import os, sys\nfrom skillspas.issuer.cli import main\nr, w = os.pipe()\n"
              "if os.fork() == 0:\n    os.close(r); os.write(w, open(sys.argv[1], 'rb').read()); os._exit(0)\n"
              "os.close(w); sys.argv = ['skillspas', 'verify', f'/dev/fd/{r}', '--json']; main()")
    done = subprocess.run([sys.executable, "-c", script, str(world.folder / "signed.json")], capture_output=True, timeout=60)
    assert json.loads(done.stdout)["checks"][0] == {"check": "parse", "ok": True, "code": None, "message": ""}


@pytest.mark.parametrize("query", ["qqxzzq\u009b31m", "zorg\u009b2J", "(a+)+$\x07", "[" * 150])
def test_vocab_search_echoes_its_query_without_a_terminal_control(query):
    """The query comes back in the answer ('Niets gevonden voor ...'): a C1 CSI (U+009B) or BEL went to the terminal as
    it was; now escaped, as every message shows a value from outside (``shown``). Regex characters are only text."""
    run = run_cli("vocab", "search", query)
    assert run.exit_code == 0 and run.exception is None, run.stderr
    assert not any(ch in run.stdout for ch in "\u009b\x07\x1b"), run.stdout[:300]


# -- bundle create: what it gathers is bounded as a verifier reads it --------------------------------------------


def _status_list_inflating_to(size: int, folder: Path) -> Path:
    """A genuinely signed status list (did:key) whose encodedList inflates to ``size`` zero bytes."""
    import base64
    import gzip

    from skillspas.issuer.sign import sign
    from skillspas.issuer.status_lists import status_list_credential
    from skillspas.keys import LocalSigner, generate

    signer = LocalSigner(generate("ed25519"))
    unsigned = status_list_credential("https://roc.example/status/1", issuer=signer.controller)
    unsigned["credentialSubject"]["encodedList"] = "u" + base64.urlsafe_b64encode(
        gzip.compress(bytes(size), mtime=0)).decode("ascii").rstrip("=")
    path = folder / "status-list.json"
    path.write_text(json.dumps(sign(unsigned, signer)), "utf-8")
    return path


def test_bundle_create_refuses_a_status_list_that_inflates_past_the_limit_and_writes_nothing(tmp_path):
    """A 16 KiB gzip bomb of 16 MiB + 1 zero bytes was bundled; every credential checked with it was status_unavailable."""
    from skillspas.schemas.limits import Limits

    bomb = _status_list_inflating_to(Limits().max_status_list_bytes + 1, tmp_path)
    out = tmp_path / "bundle.json"
    run = run_cli("bundle", "create", "--status-list", str(bomb), "--out", str(out))
    assert_coded_refusal(run, codes={"resource_limit"}, exit_codes=(2,))
    assert "16777216" in run.stderr and not out.exists()


def test_bundle_create_refuses_a_status_list_it_cannot_inflate_or_too_short_and_writes_nothing(tmp_path):
    bomb = _status_list_inflating_to(1000, tmp_path)  # 8000 entries: fewer than any verifier accepts
    out = tmp_path / "bundle.json"
    assert_coded_refusal(run_cli("bundle", "create", "--status-list", str(bomb), "--out", str(out)),
                         codes={"status_unavailable"}, exit_codes=(1,))
    assert not out.exists()


def test_bundle_create_refuses_more_did_documents_than_a_bundle_holds_and_writes_nothing(tmp_path):
    from skillspas.schemas.limits import Limits

    dids = tmp_path / "dids"
    for number in range(Limits().max_bundle_documents + 1):
        host = dids / f"h{number}.example" / ".well-known"
        host.mkdir(parents=True)
        (host / "did.json").write_text(json.dumps({"id": f"did:web:h{number}.example"}), "utf-8")
    out = tmp_path / "bundle.json"
    run = run_cli("bundle", "create", "--dids", str(dids), "--out", str(out))
    assert_coded_refusal(run, codes={"too_large"}, exit_codes=(2,))
    assert str(Limits().max_bundle_documents) in run.stderr and not out.exists()


def test_a_bundle_merged_from_issuers_bundles_holds_no_more_documents_than_one_bundle_may():
    from skillspas.schemas.limits import Limits
    from skillspas.verifier import Bundle

    half = Limits().max_bundle_documents // 2 + 1
    first, second = ([{"id": f"did:web:{part}{n}.example"} for n in range(half)] for part in "ab")
    with pytest.raises(SkillspasError) as refused:
        Bundle.create(did_documents=first).merged(Bundle.create(did_documents=second))
    assert refused.value.code is ErrorCode.TOO_LARGE and refused.value.path == "/didDocuments"
