"""The README is what a user reads first: its error-code list and set-up commands stay true."""

from __future__ import annotations

import re
from pathlib import Path

from skillspas.schemas.errors import ErrorCode
from skillspas.schemas.limits import Limits
from skillspas.schemas.messages import text

README = (Path(__file__).resolve().parents[1] / "README.md").read_text("utf-8")


def _error_table() -> dict[str, list[str]]:
    section = README.split("## Error codes", 1)[1].split("\n## ", 1)[0]
    rows = [line.strip("|").split(" | ") for line in section.splitlines() if line.startswith("| `")]
    return {row[0].strip(" `"): [cell.strip() for cell in row[1:]] for row in rows}


def test_every_error_code_is_in_the_one_table_with_its_exit_code_http_status_and_both_texts():
    table = _error_table()
    assert set(table) == {code.value for code in ErrorCode}
    for code in ErrorCode:
        exit_code, status, english, dutch = table[code.value]
        assert (int(exit_code), int(status)) == (code.exit_code, code.http_status), code.value
        assert (english, dutch) == (text(code, "en"), text(code, "nl")), code.value


def test_the_readme_links_only_to_files_in_the_repository():
    root = Path(__file__).resolve().parents[1]
    for target in re.findall(r"\b([A-Za-z][\w./-]*\.md)\b", README):
        assert (root / target).is_file(), f"the README names {target}, which is not in the repository"


def test_the_two_set_up_commands_are_make_demo_and_make_test():
    quick_start = README.split("## Quick start", 1)[1].split("##", 1)[0]
    assert re.findall(r"^make (\w+)", quick_start, re.MULTILINE) == ["demo", "test"]


def test_the_vocabulary_section_states_every_bound_of_vocab_import_as_limits_has_it():
    section = README.split("## Credential types and the skills vocabulary", 1)[1].split("\n## ", 1)[0]
    limits = Limits()
    for cap in (limits.max_vocab_skills, limits.max_vocab_occupations, limits.max_vocab_relations,
                limits.max_vocab_labels, limits.max_vocab_label_text, limits.max_register_rows):
        assert f"{cap:,}" in section, f"the README's vocabulary section does not state the cap {cap:,}"
    section = " ".join(section.split())  # a bound's words may break over two lines
    assert f"{limits.max_vocab_files} files in a zip" in section
    assert f"{limits.max_vocab_field:,} characters a CSV field" in section
    for size, what in ((limits.max_vocab_file_bytes, "a file"), (limits.max_vocab_download_bytes, "a download"),
                       (limits.max_register_bytes, "a register")):
        assert size % (1 << 20) == 0 and f"{size >> 20} MiB {what}" in section, f"the README does not state {what}'s bound"
