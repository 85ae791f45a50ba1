"""The README is what a user reads first: its error-code list and set-up commands stay true."""

from __future__ import annotations

import re
from pathlib import Path

from skillspas.schemas.errors import ErrorCode

README = (Path(__file__).resolve().parents[1] / "README.md").read_text("utf-8")


def test_every_error_code_is_listed_under_its_exit_code():
    listed: dict[int, set[str]] = {}
    for exit_code, codes in re.findall(r"^- exit (\d) \([^)]*\): (.*)$", README, re.MULTILINE):
        listed[int(exit_code)] = set(re.findall(r"`([a-z_]+)`", codes))
    for code in ErrorCode:
        assert code.value in listed.get(code.exit_code, set()), f"{code.value} (exit {code.exit_code}) is not in the README"
    assert sum(len(v) for v in listed.values()) == len(ErrorCode)


def test_every_service_refusal_code_is_listed():
    from skillspas.issuer.problems import ProblemCode

    [line] = re.findall(r"^- HTTP only \(the service\): (.*)$", README, re.MULTILINE)
    assert set(re.findall(r"`([a-z_]+)`", line)) == {c.value for c in ProblemCode}


def test_the_two_set_up_commands_are_make_demo_and_make_test():
    quick_start = README.split("## Quick start", 1)[1].split("##", 1)[0]
    assert re.findall(r"^make (\w+)", quick_start, re.MULTILINE) == ["demo", "test"]
