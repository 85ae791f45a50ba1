"""click's usage errors (unknown option or command, missing argument, bad value) as the one refusal of every
command: ``invalid_option`` in Dutch and English, exit 2, instead of click's English box (``verify --json``
prints it on standard output as well, as the JSON refusal it prints for any input it refuses); and so is a
prompt closed (Ctrl-D) or interrupted (Ctrl-C), instead of click's English "Aborted!" and exit 1. And every
command's help reads as prose (``readable_help``): a docstring's line breaks are not kept, and its ``code`` marks
are quotes.

Usage (the root command, ``issuer/cli/__init__.py``)::

    except UsageError as exc:
        raise usage_refusal(exc, as_json=asks_json(args)) from None
    except (Abort, EOFError):
        raise aborted_refusal() from None

    def get_command(self, ctx, cmd_name):   # each sub-command's help made readable, once
        found = super().get_command(ctx, cmd_name)
        return None if found is None else readable_help(found)

typer 0.28 runs its own copy of click (``typer._click``; pyproject pins typer below 0.29): its usage errors are
these classes, not those of an installed click. Its messages are English only; the Dutch line is built from the
error's fields, or from click's sentence where it has no fields (an unknown command, extra arguments).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Final, TypeVar

from typer._click.core import Command
from typer._click.exceptions import (BadOptionUsage, BadParameter, MissingParameter, NoArgsIsHelpError, NoSuchOption,
                                     UsageError)

from skillspas.schemas.errors import ErrorCode, localized_error, shown
from skillspas.schemas.report import refuse

__all__ = ["usage_refusal", "aborted_refusal", "asks_json", "readable_help"]

_C = TypeVar("_C", bound=Command)

_NO_SUCH_COMMAND = re.compile(r"No such command (.+?)\.(?: Did you mean (.+)\?)?", re.DOTALL)
_EXTRA_ARGUMENTS = re.compile(r"Got unexpected extra argument\(s\) \((.*)\)", re.DOTALL)


def usage_refusal(exc: UsageError, *, as_json: bool = False) -> BaseException:
    """Print click's usage error as ``invalid_option`` and return the exit to raise; help passes through.
    ``as_json`` (``verify --json``): also print it on standard output as that command prints a refusal."""
    if isinstance(exc, NoArgsIsHelpError):
        return exc  # ``skillspas keys``: the group's help, as before
    hint = _param_hint(exc)
    if isinstance(exc, NoSuchOption):
        nl = f"onbekende optie {shown(exc.option_name, quoted=True)}" + _did_you_mean(exc.possibilities)
    elif isinstance(exc, MissingParameter):
        nl = f"{'argument' if _param_type(exc) == 'argument' else 'optie'} {hint} ontbreekt"
    elif isinstance(exc, BadParameter):
        nl = f"ongeldige waarde voor {hint}" + _value_problem(exc.message)
    elif isinstance(exc, BadOptionUsage):
        name = shown(exc.option_name, quoted=True)
        nl = f"optie {name} heeft een waarde nodig" if "requires" in exc.message else f"optie {name} neemt geen waarde"
    elif (unknown := _NO_SUCH_COMMAND.fullmatch(exc.message)) is not None:  # typer's words for a group's command
        nl = f"onbekende opdracht {shown(unknown.group(1))}" + _did_you_mean((unknown.group(2) or "").split(", "))
    elif (extra := _EXTRA_ARGUMENTS.fullmatch(exc.message)) is not None:
        nl = f"onverwacht extra argument: {shown(extra.group(1))}"
    else:
        nl = "de opdracht is verkeerd gebruikt"
    en = shown(exc.format_message(), 300).rstrip(".")
    if exc.ctx is not None:  # the parser's own errors (an option without its value) do not know their command
        nl, en = f"{nl}; zie '{exc.ctx.command_path} --help'", f"{en}; see '{exc.ctx.command_path} --help'"
    error = localized_error(ErrorCode.INVALID_OPTION, nl=nl, en=en)
    if as_json:
        refuse(error, as_json=True)  # the result object on standard output; the lines below on standard error
    return refuse(error)


JSON_REFUSALS: Final = frozenset({"verify"})
"""The commands whose ``--json`` prints a refusal as JSON (``schemas.report.refusal``): their usage errors too."""


def asks_json(args: Sequence[str]) -> bool:
    """Whether the command line (``skillspas``'s arguments) is one of ``JSON_REFUSALS`` with ``--json``."""
    command = next((arg for arg in args if not arg.startswith("-")), None)
    given = args[: list(args).index("--")] if "--" in args else args
    return command in JSON_REFUSALS and any(arg == "--json" or arg.startswith("--json=") for arg in given)


def aborted_refusal() -> SystemExit:
    """Print that a prompt (a passphrase, a PIN) got no answer, as ``invalid_option``, and return the exit to raise:
    click raises ``Abort`` for Ctrl-D and Ctrl-C at its prompts."""
    return refuse(localized_error(ErrorCode.INVALID_OPTION,
                                  nl="afgebroken bij de vraag om invoer (Ctrl-D of Ctrl-C): de opdracht is gestopt",
                                  en="aborted at the prompt (Ctrl-D or Ctrl-C): the command stopped"))


_VALUE_PROBLEMS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"(.+) is not a valid (?:integer|int|float)\.", re.DOTALL), "{0} is geen getal"),
    (re.compile(r"(.+) is not in the range (.+)\.", re.DOTALL), "{0} ligt buiten {1}"),
    (re.compile(r"(?:File|Directory|Path) (.+) does not exist\.", re.DOTALL), "{0} bestaat niet"),
    (re.compile(r"(?:File|Directory|Path) (.+) is a directory\.", re.DOTALL), "{0} is een map"),
    (re.compile(r"(.+) is not one of (.+)\.", re.DOTALL), "{0} is niet een van {1}"),
)
"""What typer and click say about a value, in Dutch (their messages are English only)."""


def _value_problem(message: str) -> str:
    """``: <what is wrong with the value>`` in Dutch, or nothing when click's sentence is not one of these."""
    for pattern, dutch in _VALUE_PROBLEMS:
        if (found := pattern.fullmatch(message)) is not None:
            return ": " + dutch.format(*(shown(part, 80) for part in found.groups()))
    return ""


def _param_hint(exc: UsageError) -> str:
    """The option or argument a ``BadParameter`` is about, as click names it ('--port', 'FILE')."""
    if not isinstance(exc, BadParameter):
        return ""
    if exc.param_hint is not None:
        given = exc.param_hint
        return given if isinstance(given, str) else " / ".join(repr(x) for x in given)
    return str(exc.param.get_error_hint(exc.ctx)) if exc.param is not None and exc.ctx is not None else "?"


def _param_type(exc: MissingParameter) -> str | None:
    return exc.param_type or (exc.param.param_type_name if exc.param is not None else None)


def _did_you_mean(possibilities: Sequence[str] | None) -> str:
    """`` (bedoelt u 'verify' of 'verifier'?)``, or nothing without possibilities."""
    named = [shown(p) for p in possibilities or () if p]
    return f" (bedoelt u {' of '.join(named)}?)" if named else ""


_CODE = re.compile(r"``(.+?)``|`([^`\n]+)`", re.DOTALL)
_TIDY = "skillspas_readable_help"
"""The attribute that marks a command whose help ``readable_help`` has made readable."""


def _prose(text: str | None) -> str | None:
    """``text`` as help shows it: each paragraph (blank-line separated) one line, to be wrapped at the terminal's
    width, except one that starts with click's ``\\b`` (kept as written); ``code`` and ````code```` in quotes."""
    if not text:
        return text
    lines = [line.strip() for line in text.strip().splitlines()]
    paragraphs = "\n".join(lines).split("\n\n")
    joined = "\n\n".join(p if p.startswith("\b") else " ".join(p.split("\n")) for p in paragraphs)
    return _CODE.sub(lambda found: f"'{found.group(1) or found.group(2)}'", joined)


def readable_help(command: _C) -> _C:
    """``command`` (and every command of a group, at any depth) with its help and its parameters' help as prose
    (``_prose``): the one place the help texts of all commands are made readable, whatever their docstrings' line
    breaks (typer keeps them in a command's later paragraphs) and their ``code`` marks (typer shows them as written).
    Done once a command, when the root resolves it: ``skillspas verify`` tidies only its own help."""
    if getattr(command, _TIDY, False):
        return command
    setattr(command, _TIDY, True)
    command.help = _prose(command.help)
    command.short_help = _prose(command.short_help)
    command.epilog = _prose(command.epilog)
    for param in command.params:
        if isinstance(getattr(param, "help", None), str):
            param.help = _prose(param.help)  # type: ignore[attr-defined]
    for sub in getattr(command, "commands", {}).values():
        readable_help(sub)
    return command
