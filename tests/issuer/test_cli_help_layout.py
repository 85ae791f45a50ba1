"""Every ``skillspas … --help`` reads as prose: a docstring's line breaks do not show as short, ragged lines (the
text is wrapped to the terminal, one paragraph a block), and no literal ``double backticks`` of a docstring show."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import typer
from typer.testing import CliRunner

from skillspas.issuer.cli import build_app

WIDTH = 100
"""The terminal width the help is rendered at (``COLUMNS``)."""
_BORDERS = "│╭╰─"


def _commands(command: object, path: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    """The path of every command and group under ``command`` (the root itself too)."""
    yield path
    for name, sub in sorted(getattr(command, "commands", {}).items()):
        yield from _commands(sub, (*path, name))


COMMANDS = list(_commands(typer.main.get_command(build_app())))


def _broken_lines(text: str) -> list[str]:
    """Pairs of lines where the first ends although the next one's first word would still have fitted on it: a line
    break of the source, not of the wrapping. Lines in a panel are compared by their cell (the help column)."""
    broken = []
    lines = text.splitlines()
    for above, below in zip(lines, lines[1:]):
        if above.lstrip().startswith("Usage:") or not above.strip() or not below.strip():
            continue
        if above.startswith("│") and below.startswith("│"):  # a table row and the row below it, inside a panel
            cell, next_cell = above[1:-1].rstrip(), below[1:-1]
            start = len(next_cell) - len(next_cell.lstrip())
            if start <= 8 or len(cell) <= start or next_cell.lstrip().startswith("["):  # a new row, or typer's [default]
                continue
            room = len(above) - 4  # the cell ends before the panel's padding and border
        elif above[0] in _BORDERS or below[0] in _BORDERS:
            continue
        else:
            cell, next_cell, room = above.rstrip(), below, WIDTH - 2
        if len(cell) + 1 + len(next_cell.split()[0]) <= room:
            broken.append(f"{above.rstrip()}\n{below.rstrip()}")
    return broken


@pytest.mark.parametrize("path", COMMANDS, ids=lambda path: " ".join(("skillspas", *path)))
def test_a_commands_help_has_no_literal_double_backticks_and_no_broken_lines(path):
    result = CliRunner().invoke(build_app(), [*path, "--help"], env={"COLUMNS": str(WIDTH), "TERMINAL_WIDTH": None})
    assert result.exit_code == 0, result.output
    assert "Usage:" in result.stdout, result.stdout
    assert "``" not in result.stdout, result.stdout
    assert _broken_lines(result.stdout) == [], "\n\n".join(_broken_lines(result.stdout))


def test_the_walk_covers_every_group_and_its_commands():
    named = {" ".join(path) for path in COMMANDS}
    assert {"", "passport", "passport claim", "passport export", "status revoke", "org api-key create", "verify"} <= named


@pytest.mark.parametrize("path", [path for path in COMMANDS if path[:1] in (("org",), ("status",), ("batch",))],
                         ids=lambda path: " ".join(path) or "skillspas")
def test_every_command_a_school_administrator_runs_says_what_it_does_in_dutch_too(path):
    """The administrator's commands (org, status, batch) name themselves as the rest do: 'English / Nederlands'."""
    command = typer.main.get_command(build_app())
    for name in path:
        command = command.commands[name]  # type: ignore[attr-defined]
    assert " / " in " ".join((command.help or "").split()), command.help
