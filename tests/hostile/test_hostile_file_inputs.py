"""What an employer is sent is a file, and its sender chose what it is and what it is called: ``skillspas verify`` and
``passport show/add/export`` refuse a folder, a pipe, a device, a link loop, an empty or growing file, a file that is
not what its name says, with a code and one Dutch and one English line, within seconds and bounded memory. A name
with a line break, a terminal escape or a bidi override in it is shown escaped: refusals quoted it as it was
(``kan ./diploma.json⏎✓ geldig niet lezen``, ``\\x1b[2J`` cleared the screen), and so did ``passport add``'s line, and
``verify``'s line of why a document failed, whose JSON path names the document's own keys."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from hostilekit import assert_coded_refusal, run_bounded, run_cli
from skillspas.issuer import sign
from skillspas.issuer.demo import sample_credential
from skillspas.keys import LocalSigner, generate

SIGNER = LocalSigner(generate("ed25519"))
SIGNED = json.dumps(sign(sample_credential(SIGNER.controller), SIGNER)).encode()

COMMANDS: dict[str, Callable[[str, Path], list[str]]] = {
    "verify": lambda name, folder: ["verify", name],
    "verify --json": lambda name, folder: ["verify", name, "--json"],
    "verify with another file": lambda name, folder: ["verify", str(folder / "signed.json"), name],
    "verify --qr": lambda name, folder: ["verify", "--qr", name],
    "passport show": lambda name, folder: ["passport", "show", name],
    "passport add": lambda name, folder: ["passport", "add", name, "--passport", str(folder / "passport")],
    "passport export": lambda name, folder: ["passport", "export", name, "--presentation", str(folder / "vp.json"),
                                             "--passport", str(folder / "passport")],
}


def _loop(folder: Path) -> str:
    os.symlink(folder / "loop-b", folder / "loop-a")
    os.symlink(folder / "loop-a", folder / "loop-b")
    return str(folder / "loop-a")


def _fifo(folder: Path) -> str:
    os.mkfifo(folder / "pipe.json")
    return str(folder / "pipe.json")


def _named(name: str, data: bytes) -> Callable[[Path], str]:
    def make(folder: Path) -> str:
        (folder / name).write_bytes(data)
        return str(folder / name)
    return make


INPUTS: dict[str, Callable[[Path], str]] = {
    "a folder": lambda folder: str(folder),
    "a pipe nobody writes to": _fifo,
    "/dev/zero": lambda folder: "/dev/zero",
    "a link loop": _loop,
    "an empty file": _named("leeg.json", b""),
    "an empty .png": _named("leeg.png", b""),
    "an empty .pdf": _named("leeg.pdf", b""),
    "a zip named .pdf": _named("paspoort.pdf", b"PK\x03\x04" + bytes(200)),
    "a web page named .jpg": _named("foto.jpg", b"<html><script>alert(1)</script></html>"),
    "a PDF header on garbage named .png": _named("qr.png", b"%PDF-1.7\n" + bytes(200)),
    "a PNG signature on garbage named .json": _named("diploma.json", b"\x89PNG\r\n\x1a\n" + bytes(200)),
    "a PNG header claiming 30,000 x 30,000 pixels": lambda folder: _named("qr.png", _png_claiming(30_000, 30_000))(folder),
}


def _png_claiming(width: int, height: int) -> bytes:
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(b"\x00" + b"\xff" * width, 9)) + chunk(b"IEND", b""))


BLOCKING = {"a pipe nobody writes to", "/dev/zero"}
"""Inputs a command could wait on or read for ever: run in a child process that is killed or runs out of memory."""


@pytest.mark.parametrize("given", list(INPUTS))
@pytest.mark.parametrize("command", list(COMMANDS))
def test_an_input_that_is_not_a_credential_file_is_refused_with_a_code_at_once(tmp_path, command, given):
    (tmp_path / "signed.json").write_bytes(SIGNED)
    name = INPUTS[given](tmp_path)
    started = time.monotonic()
    run = (run_bounded if given in BLOCKING else run_cli)(*COMMANDS[command](name, tmp_path))
    assert_coded_refusal(run, exit_codes=(1, 2))
    assert time.monotonic() - started < 10  # the child's start-up is most of it
    assert len(run.stderr.strip().splitlines()) <= 3, run.stderr  # a refusal in Dutch and English (and a note)


def test_a_file_that_grows_while_it_is_read_is_refused_not_read_for_ever(tmp_path):
    growing = tmp_path / "diploma.json"
    growing.write_bytes(b"[")
    writer = subprocess.Popen([sys.executable, "-c", "import sys\nwith open(sys.argv[1], 'ab', buffering=0) as f:\n"
                               "    while True: f.write(b'[1,' * 4096)", str(growing)])
    try:
        time.sleep(0.2)
        for argv in (["verify", str(growing)], ["passport", "show", str(growing)], ["verify", "--qr", str(growing)]):
            started = time.monotonic()
            assert_coded_refusal(run_bounded(*argv, timeout=20), exit_codes=(2,))
            assert time.monotonic() - started < 10
    finally:
        writer.kill()
        writer.wait()


# -- a name a sender chose: shown escaped, on one line ----------------------------------------------------------------

HOSTILE_NAME = "diploma.json\n\u2713 GELDIG \x1b[2J\x1b[32m\u202enosj.amolpid"


def _shows_the_name_escaped(output: str) -> None:
    assert not any(char in output for char in "\x1b\u202e\x9b"), output
    assert not any(line.startswith("\u2713 GELDIG") for line in output.splitlines()), output


NAMED: dict[str, Callable[[Path, Path], list[str]]] = {
    "verify a folder so named": lambda folder, name: ["verify", str(_as_folder(name))],
    "verify a broken file so named, with another": lambda folder, name: ["verify", str(_bad(name)), str(folder / "signed.json")],
    "verify --qr a JSON file so named": lambda folder, name: ["verify", "--qr", str(_bad(name))],
    "verify --contexts a file so named": lambda folder, name: ["verify", str(folder / "signed.json"), "--contexts", str(_bad(name))],
    "passport add a broken file so named": lambda folder, name: ["passport", "add", str(_bad(name)),
                                                                 "--passport", str(folder / "passport")],
    "passport export a broken file so named": lambda folder, name: ["passport", "export", str(_bad(name)), "--presentation",
                                                                    str(folder / "vp.json"), "--passport", str(folder / "passport")],
    "bundle create --did-document a missing file so named": lambda folder, name: [
        "bundle", "create", "--did-document", str(name), "--out", str(folder / "b.json")],
}


def _as_folder(name: Path) -> Path:
    name.mkdir()
    return name


def _bad(name: Path) -> Path:
    name.write_bytes(b'{"broken": ')
    return name


@pytest.mark.parametrize("case", list(NAMED))
def test_a_file_name_with_a_line_break_or_a_terminal_escape_is_shown_escaped_in_a_refusal(tmp_path, case):
    (tmp_path / "signed.json").write_bytes(SIGNED)
    run = run_cli(*NAMED[case](tmp_path, tmp_path / HOSTILE_NAME))
    assert_coded_refusal(run, exit_codes=(1, 2))
    _shows_the_name_escaped(run.stdout + run.stderr)
    assert "diploma.json\\n\u2713 GELDIG \\x1b[2J\\x1b[32m\\u202enosj.amolpid" in run.stdout + run.stderr


def test_passport_add_names_the_file_it_added_escaped(tmp_path):
    added = tmp_path / HOSTILE_NAME
    added.write_bytes(SIGNED)
    run = run_cli("passport", "add", str(added), "--no-check", "--passport", str(tmp_path / "passport"))
    assert run.exit_code == 0 and run.exception is None, run.stdout + run.stderr
    _shows_the_name_escaped(run.stdout + run.stderr)
    assert "diploma.json\\n\u2713 GELDIG \\x1b[2J" in run.stdout


def test_a_refusal_is_two_lines_whatever_its_message_quotes():
    from skillspas.schemas.errors import ErrorCode, localized_error
    from skillspas.schemas.report import refusal_lines

    error = localized_error(ErrorCode.FILE_ERROR, nl="kan a\nb\x1b[2J\u2028c niet lezen", en="cannot read a\rb\u2029c")
    assert refusal_lines(error) == ["fout [file_error]: kan a\\nb\\x1b[2J\\u2028c niet lezen",
                                    "error [file_error]: cannot read a\\rb\\u2029c"]


# -- a PDF with thousands of QR images ----------------------------------------------------------------------------


def _pdf_of_qr_images(count: int, *, pages: int = 1) -> bytes:
    """A PDF whose ``pages`` pages each name ``count`` image XObjects, all one real credential's QR code."""
    from PIL import Image
    from pypdf import PdfWriter
    from pypdf.generic import DictionaryObject, NameObject, NumberObject, StreamObject

    from skillspas.wallet_export.qr import credential_qr

    png = io.BytesIO()
    credential_qr(SIGNED).code.save(png, kind="png", scale=2, border=4)
    picture = Image.open(png).convert("L")
    writer = PdfWriter()
    stream = StreamObject()
    stream.set_data(picture.tobytes())
    stream.update({NameObject("/Type"): NameObject("/XObject"), NameObject("/Subtype"): NameObject("/Image"),
                   NameObject("/Width"): NumberObject(picture.width), NameObject("/Height"): NumberObject(picture.height),
                   NameObject("/ColorSpace"): NameObject("/DeviceGray"), NameObject("/BitsPerComponent"): NumberObject(8)})
    image = writer._add_object(stream)
    for _ in range(pages):
        page = writer.add_blank_page(600, 800)
        page[NameObject("/Resources")] = DictionaryObject({NameObject("/XObject"): DictionaryObject(
            {NameObject(f"/Im{n}"): image for n in range(count)})})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@pytest.mark.parametrize("count, pages", [(3000, 1), (1, 3000), (50, 60)],
                         ids=["3000 QR images on a page", "3000 pages of one QR image", "50 QR images on each of 60 pages"])
def test_a_pdf_with_thousands_of_qr_images_is_refused_at_once(tmp_path, count, pages):
    path = tmp_path / "paspoort.pdf"
    path.write_bytes(_pdf_of_qr_images(count, pages=pages))
    started = time.monotonic()
    assert_coded_refusal(run_cli("verify", str(path)), codes={"resource_limit"})
    assert time.monotonic() - started < 2.0


def test_a_pdf_of_a_few_qr_images_of_one_credential_is_still_read(tmp_path):
    path = tmp_path / "paspoort.pdf"
    path.write_bytes(_pdf_of_qr_images(3))
    run = run_cli("verify", str(path), "--json", "--trust-issuer", SIGNER.controller)
    assert run.exit_code in (0, 1) and json.loads(run.stdout)["passport"]["source"] == "pdf", run.stdout[-500:]


KEY = "\x1b[2J\n\u2713 GELDIG"
"""A key of the document the JSON path of a refusal names (``/credentialSubject/<key>``)."""


def _with_hostile_key() -> dict:
    document = json.loads(SIGNED)
    document["credentialSubject"][KEY] = 1
    return document


@pytest.mark.parametrize("given", ["a credential", "a presentation", "a credential with another"])
def test_a_json_path_through_a_key_with_a_line_break_is_printed_escaped(tmp_path, given):
    """The path is the document's own (its keys): ``(/credentialSubject/⏎✓ GELDIG)`` printed a line of its own."""
    document = _with_hostile_key()
    if given == "a presentation":
        document = {"@context": ["https://www.w3.org/ns/credentials/v2"], "type": ["VerifiablePresentation"],
                    "verifiableCredential": [document]}
    path = tmp_path / "diploma.json"
    path.write_text(json.dumps(document), "utf-8")
    (tmp_path / "signed.json").write_bytes(SIGNED)
    run = run_cli("verify", str(path), *([str(tmp_path / "signed.json")] if given.endswith("another") else []))
    assert_coded_refusal(run, codes={"schema_invalid"}, exit_codes=(1, 2))
    _shows_the_name_escaped(run.stdout + run.stderr)
    assert "/credentialSubject/\\x1b[2J\\n\u2713 GELDIG" in run.stdout + run.stderr, run.stdout
