"""``skillspas verify --qr IMAGE`` and QR text on stdin, as a user runs them."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from helpers import signed_credential
from skillspas.verifier.qr import encode_payload
from skillspas.wallet_export.qr import credential_qr

SKILLSPAS = [sys.executable, "-c", "from skillspas.issuer.cli import main; main()"]


def run(*args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([*SKILLSPAS, *args], input=stdin, capture_output=True, timeout=120)


@pytest.fixture(scope="module")
def issued():
    return signed_credential()


def test_verify_qr_image_is_exit_0(issued, tmp_path):
    credential, issuer = issued
    image = credential_qr(credential).save(tmp_path / "diploma.png")
    proc = run("verify", "--qr", str(image), "--trust-issuer", issuer.controller, "--json")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert json.loads(proc.stdout)["verified"] is True


def test_a_photo_of_a_qr_code_given_as_the_file_is_read_as_a_qr_code(issued, tmp_path):
    """What a new user types first: ``skillspas verify diploma.png`` (no --qr)."""
    credential, issuer = issued
    image = credential_qr(credential).save(tmp_path / "diploma.png")
    proc = run("verify", str(image), "--trust-issuer", issuer.controller, "--json")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert json.loads(proc.stdout)["verified"] is True


def test_qr_text_on_stdin_is_verified(issued):
    credential, issuer = issued
    proc = run("verify", "-", "--trust-issuer", issuer.controller, stdin=encode_payload(credential).encode())
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_random_bytes_as_image_is_qr_unreadable(tmp_path):
    (tmp_path / "noise.png").write_bytes(os.urandom(4096))
    proc = run("verify", "--qr", str(tmp_path / "noise.png"), "--json")
    assert proc.returncode == 2
    assert json.loads(proc.stdout)["errors"][0]["code"] == "qr_unreadable"
    assert b"Traceback" not in proc.stderr


def test_changed_qr_text_never_passes(issued):
    credential, issuer = issued
    text = encode_payload(credential)
    changed = text[:40] + ("A" if text[40] != "A" else "B") + text[41:]
    proc = run("verify", "-", "--json", "--trust-issuer", issuer.controller, stdin=changed.encode())
    assert proc.returncode in (1, 2)
    assert json.loads(proc.stdout)["verified"] is False


def test_nothing_to_verify_is_invalid_option_saying_what_to_give():
    proc = run("verify", "--json")
    error = json.loads(proc.stdout)["errors"][0]
    assert proc.returncode == 2 and error["code"] == "invalid_option" and "--qr" in error["message"]


def test_a_json_file_named_with_qr_is_read_as_a_qr_image_and_refused_with_a_code(issued, tmp_path):
    (tmp_path / "x.json").write_text(json.dumps(issued[0]))
    proc = run("verify", str(tmp_path / "x.json"), "--qr", str(tmp_path / "x.json"), "--json")
    assert proc.returncode == 2 and b"Traceback" not in proc.stderr
    assert json.loads(proc.stdout)["errors"][0]["code"] == "qr_unreadable"


def test_qr_text_given_as_the_argument_is_verified_as_the_help_says(issued):
    credential, issuer = issued
    proc = run("verify", encode_payload(credential), "--trust-issuer", issuer.controller, "--json")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert json.loads(proc.stdout)["verified"] is True


def test_the_images_of_a_numbered_set_after_qr_are_joined_and_verified_as_without_qr(issued, tmp_path):
    """``passport export --qr`` writes a set as qr-…-part-1-of-k.png …; a user passes them all after ``--qr``."""
    from skillspas.wallet_export.qr import write_qr_set

    credential, issuer = issued
    parts = [str(p) for p in write_qr_set([credential], tmp_path, max_version=10)]
    assert len(parts) >= 2
    with_qr = run("verify", "--qr", *parts[::-1], "--trust-issuer", issuer.controller, "--json")
    without = run("verify", *parts, "--trust-issuer", issuer.controller, "--json")
    assert with_qr.returncode == without.returncode == 0, with_qr.stdout + with_qr.stderr
    assert json.loads(with_qr.stdout)["verified"] is True


def test_a_pdf_file_among_several_is_named_and_said_to_be_checked_on_its_own(issued, tmp_path):
    """A passport PDF is a passport of its own: among several files it is named, never read as an image ("the image
    cannot be read (UnidentifiedImageError)", naming no file). Credentials' JSON files among several are one passport
    (tests/page/test_verify_several_files.py)."""
    (tmp_path / "diploma.json").write_text(json.dumps(issued[0]))
    (tmp_path / "paspoort.pdf").write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    named = str(tmp_path / "paspoort.pdf")
    proc = run("verify", named, str(tmp_path / "diploma.json"))
    nl, en = proc.stderr.decode().splitlines()[:2]
    assert proc.returncode == 2 and nl.startswith("fout [qr_unreadable]: ") and en.startswith("error [qr_unreadable]: ")
    assert named in nl and f"skillspas verify {named}" in nl and named in en and "UnidentifiedImageError" not in nl + en


def test_the_qr_images_of_several_credentials_are_checked_together_as_one_passport_as_a_pdfs_codes(issued, tmp_path):
    """``skillspas verify qr/*.png`` (a passport's codes, one per credential) said "7340 tekens is meer dan één QR-code
    bevat" (qr_too_large): their texts were joined as if they were one code."""
    from skillspas.wallet_export.qr import write_qr_set

    credential, issuer = issued
    other = signed_credential(issuer, name="Tweede bewijsstuk")[0]
    images = [str(p) for p in write_qr_set([credential, other], tmp_path)]
    assert len(images) == 2
    proc = run("verify", *images, "--trust-issuer", issuer.controller, "--json")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    result = json.loads(proc.stdout)
    assert result["passport"]["source"] == "qr" and len(result["credentials"]) == 2
    assert [row["verdict"] for row in result["passport"]["credentials"]] == ["valid", "valid"]
    shown = run("verify", *images, "--trust-issuer", issuer.controller).stdout.decode()
    assert shown.startswith("PASPOORT (QR-codes): "), shown
    assert shown.count("[holder_not_proven]") == 1  # in the terms of what was given: QR codes, not a presentation
    assert "[holder_not_proven] QR-codes bevatten geen handtekening van de houder\n" in shown, shown
