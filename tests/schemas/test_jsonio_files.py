"""The one strict JSON reader also reads files: ``read_json_file`` bounds what it reads and codes what it refuses."""

from __future__ import annotations

import pytest

from skillspas.schemas.errors import ErrorCode, SkillspasError
from skillspas.schemas.jsonio import read_json_file
from skillspas.schemas.limits import Limits


def test_a_file_that_cannot_be_read_is_a_file_error_naming_it_in_both_languages(tmp_path):
    missing = tmp_path / "missing.json"
    with pytest.raises(SkillspasError) as caught:
        read_json_file(missing)
    assert caught.value.code is ErrorCode.FILE_ERROR
    assert caught.value.text("en") == f"cannot read {missing}: No such file or directory"
    assert caught.value.text("nl") == f"kan {missing} niet lezen: het bestand of de map bestaat niet"


def test_the_reason_of_a_file_error_is_dutch_in_dutch_and_stays_the_systems_where_there_is_no_dutch_one(tmp_path):
    import errno
    import os

    from skillspas.schemas.errors import file_error
    from skillspas.schemas.files import write_atomic

    full = file_error(OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), "x"), "paspoort.pdf", "write")
    assert full.text("en") == "cannot write paspoort.pdf: No space left on device"
    assert full.text("nl") == "kan paspoort.pdf niet schrijven: de schijf is vol"
    rare = file_error(OSError(errno.EXDEV, os.strerror(errno.EXDEV)), "a", "write")
    assert rare.text("nl").endswith(os.strerror(errno.EXDEV))  # no Dutch text for it: the system's, not nothing
    other = file_error(OSError(errno.ENOENT, "some other text"), "a", "read")
    assert other.text("nl").endswith("some other text")  # not the system's text for its errno: kept as given
    with pytest.raises(OSError) as raised:
        write_atomic(tmp_path, b"{}")  # a folder: never replaced
    assert file_error(raised.value, tmp_path, "write").text("nl").endswith("het bestaat, maar is geen gewoon bestand")


def test_a_folder_given_as_a_file_is_a_file_error(tmp_path):
    with pytest.raises(SkillspasError) as caught:
        read_json_file(tmp_path)
    assert caught.value.code is ErrorCode.FILE_ERROR and str(tmp_path) in caught.value.message


def test_a_file_one_byte_over_the_limit_is_too_large(tmp_path):
    path = tmp_path / "big.json"
    path.write_text('"' + "a" * 98 + '"', "utf-8")  # 100 bytes
    assert read_json_file(path, Limits(max_bytes=100)) == "a" * 98
    with pytest.raises(SkillspasError) as caught:
        read_json_file(path, Limits(max_bytes=99))
    assert caught.value.code is ErrorCode.TOO_LARGE


def test_a_file_is_read_as_strictly_as_bytes(tmp_path):
    path = tmp_path / "dup.json"
    path.write_text('{"a": 1, "a": 2}', "utf-8")
    with pytest.raises(SkillspasError) as caught:
        read_json_file(path)
    assert caught.value.code is ErrorCode.MALFORMED_JSON


@pytest.mark.parametrize("content", [b"", b"  \n"], ids=["empty", "only white space"])
def test_an_empty_file_is_malformed_json_that_says_it_is_empty(tmp_path, content):
    """``skillspas sign … > signed.json`` leaves an empty file when signing fails; verifying it said only
    "Expecting value at line 1 column 1" / "fout op regel 1, kolom 1"."""
    (tmp_path / "signed.json").write_bytes(content)
    with pytest.raises(SkillspasError) as caught:
        read_json_file(tmp_path / "signed.json")
    assert caught.value.code is ErrorCode.MALFORMED_JSON
    assert "empty" in caught.value.text("en") and "leeg" in caught.value.text("nl")
