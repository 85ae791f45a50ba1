"""The one renderer of a refusal: every command prints a coded error the same way, in Dutch and English."""

from __future__ import annotations

import json

from skillspas.schemas.errors import ErrorCode, error_for, localized_error
from skillspas.schemas.messages import text
from skillspas.schemas.report import refuse


def test_a_refusal_is_one_dutch_and_one_english_line_on_stderr_and_exits_with_its_kind(capsys):
    exit_ = refuse(localized_error(ErrorCode.SCHEMA_INVALID, nl="De naam ontbreekt.", en="The name is missing.",
                                   path="/name"))
    out, err = capsys.readouterr()
    assert out == "" and exit_.code == 2
    assert err.splitlines() == ["fout [schema_invalid]: De naam ontbreekt. (/name)",
                                "error [schema_invalid]: The name is missing. (/name)"]


def test_an_error_with_an_english_message_only_says_the_codes_dutch_text(capsys):
    exit_ = refuse(error_for(ErrorCode.REVOKED, "revoked on 2025-01-01"))
    assert exit_.code == 1
    assert capsys.readouterr().err.splitlines() == [f"fout [revoked]: {text(ErrorCode.REVOKED, 'nl')}",
                                                    "error [revoked]: revoked on 2025-01-01"]


def test_a_json_refusal_is_the_verify_json_shape_on_stdout(capsys):
    exit_ = refuse(error_for(ErrorCode.TOO_LARGE, "over 1 MiB", "/"), as_json=True)
    out, err = capsys.readouterr()
    assert err == "" and exit_.code == 2
    assert json.loads(out) == {"verified": False, "errors": [{"code": "too_large", "message": "over 1 MiB", "path": None}]}


def test_an_errors_own_lines_come_first_in_the_chosen_language(capsys):
    from skillspas.issuer.batch import BatchInvalid, RowError

    rows = [RowError(3, "learner_name", "schema_invalid", "the name is missing", "de naam ontbreekt")]
    exit_ = refuse(BatchInvalid(rows), lang="nl")
    lines = capsys.readouterr().err.splitlines()
    assert exit_.code == 1 and lines[0] == "regel 3, learner_name: [schema_invalid] de naam ontbreekt"
    assert lines[1].startswith("fout [batch_invalid]: 1 regel") and lines[2].startswith("error [batch_invalid]: 1 row")
