"""The README is what a user reads first: its error-code list and set-up commands stay true."""

from __future__ import annotations

import re
from pathlib import Path

from skillspas.issuer.problems import ProblemCode
from skillspas.schemas.errors import ErrorCode

README = (Path(__file__).resolve().parents[1] / "README.md").read_text("utf-8")


def test_every_error_code_is_listed_under_its_exit_code():
    listed: dict[int, set[str]] = {}
    for exit_code, codes in re.findall(r"^- exit (\d) \([^)]*\): (.*)$", README, re.MULTILINE):
        listed[int(exit_code)] = set(re.findall(r"`([a-z_]+)`", codes))
    for code in ErrorCode:
        assert code.value in listed.get(code.exit_code, set()), f"{code.value} (exit {code.exit_code}) is not in the README"
    assert sum(len(v) for v in listed.values()) == len(ErrorCode)


def test_every_problem_code_of_the_issuer_service_is_listed():
    line = next(line for line in README.splitlines() if line.startswith("- the issuer service and its commands"))
    assert set(re.findall(r"`([a-z_]+)`", line.split("):", 1)[1])) == {code.value for code in ProblemCode}


def test_the_readme_links_only_to_files_in_the_repository():
    root = Path(__file__).resolve().parents[1]
    for target in re.findall(r"\b([A-Za-z][\w./-]*\.md)\b", README):
        assert (root / target).is_file(), f"the README names {target}, which is not in the repository"


def test_the_two_set_up_commands_are_make_demo_and_make_test():
    quick_start = README.split("## Quick start", 1)[1].split("##", 1)[0]
    assert re.findall(r"^make (\w+)", quick_start, re.MULTILINE) == ["demo", "test"]
