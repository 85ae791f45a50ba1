"""A signed text may hold 64 KiB (``Limits.max_string_length``): the passport PDF prints a title, name or skill's label
that long without an internal error. A table row is printed on one page, so a table cell holds at most 400 characters
of it, on one line ("…" when cut): fpdf2 raised ValueError ("too high … on a single page") for a longer one."""

from __future__ import annotations

import copy
import json
import time
from typing import Any

import pytest

from hostilekit import run_cli
from skillspas.issuer import sign
from skillspas.issuer.demo import sample_credential
from skillspas.keys import LocalSigner, generate

LONG = {"a 60,000-letter word": "A" * 60_000, "20,000 lines": "Anouk\n" * 5_000 + "A\n" * 15_000}


def _credential(field: str, value: str) -> dict[str, Any]:
    signer = LocalSigner(generate("ed25519"))
    unsigned: dict[str, Any] = copy.deepcopy(sample_credential(signer.controller))
    if field == "title":
        unsigned["name"] = value
    elif field == "holder":
        unsigned["credentialSubject"]["name"] = value
    else:
        unsigned["credentialSubject"]["achievement"]["alignment"][0]["targetName"] = value
    return sign(unsigned, signer)


@pytest.mark.parametrize("text", list(LONG))
@pytest.mark.parametrize("field", ["title", "holder", "skill's label"])
def test_passport_export_prints_a_64_kib_text_in_the_pdf(tmp_path, field, text):
    credential = tmp_path / "credential.json"
    credential.write_text(json.dumps(_credential(field, LONG[text])), "utf-8")
    started = time.monotonic()
    run = run_cli("passport", "export", str(credential), "--pdf", str(tmp_path / "p.pdf"), "--passport", str(tmp_path / "pp"))
    assert run.exception is None and run.exit_code == 0, (repr(run.exception), (run.stdout + run.stderr)[-500:])
    assert (tmp_path / "p.pdf").read_bytes().startswith(b"%PDF-")
    assert "missing the following glyphs" not in run.stdout + run.stderr  # a line break in a one-line cell
    assert time.monotonic() - started < 10


def test_a_table_cell_of_the_pdf_is_one_line_of_at_most_400_characters():
    from skillspas.wallet_export.pdf import _Document

    cell = _Document("nl", None).short("Koken\nen  serveren " + "x" * 1000)
    assert cell.startswith("Koken en serveren xxx") and len(cell) == 401 and cell.endswith("…")
