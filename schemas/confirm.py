"""The one confirmation of a command that cannot be undone (``status revoke``, ``keys revoke``): asked on standard
error, or given beforehand with ``--yes``.

Usage::

    def revoke(..., yes: YesOption = False) -> None:
        confirmed(("Sleutel key-1 intrekken?", "Revoke key-1?"), yes=yes,
                  not_done=("er is niets ingetrokken", "nothing was revoked"))   # returns, or raises the refusal
        ...

It lives in the lowest layer because commands of every layer ask it (``keys`` cannot import ``issuer``); it is a
command's concern only, and no library function imports it. Ctrl-D or Ctrl-C at the question is click's ``Abort``,
which the root command refuses as every interrupted prompt (``issuer/cli/usage.py``: ``aborted_refusal``).
"""

from __future__ import annotations

import sys
from typing import Annotated, Final

import typer

from skillspas.schemas.errors import ErrorCode, localized_error
from skillspas.schemas.report import refuse

__all__ = ["confirmed", "YesOption"]

YesOption = Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation (a script; needed when "
                                                                "standard input is not a terminal)")]
"""The ``--yes`` / ``-y`` option of a command that asks ``confirmed``."""

_YES: Final = frozenset({"j", "ja", "y", "yes"})


def confirmed(question: tuple[str, str], *, yes: bool, not_done: tuple[str, str]) -> None:
    """Go on when ``yes`` (the command's ``--yes``), or when the person at the terminal answers j(a)/y(es) to
    ``question`` (Dutch, English; asked on standard error, so standard output stays the command's JSON).

    Raises:
        SystemExit: the refusal (``invalid_option``, nl/en, saying ``not_done``), already printed: standard input that
            is no terminal cannot answer (a script gives ``--yes``), and any other answer stops the command.
    """
    if yes:
        return
    try:
        terminal = sys.stdin is not None and sys.stdin.isatty()
    except (AttributeError, ValueError):  # closed or replaced: no one can answer
        terminal = False
    if not terminal:
        raise refuse(localized_error(
            ErrorCode.INVALID_OPTION,
            nl=f"deze opdracht vraagt om bevestiging, maar de invoer is geen terminal: geef --yes; {not_done[0]}",
            en=f"this command asks for confirmation, but standard input is not a terminal: give --yes; {not_done[1]}"))
    answer = typer.prompt(f"{question[0]} [j/N] / {question[1]} [y/N]", default="", show_default=False, err=True)
    if str(answer).strip().lower() not in _YES:
        raise refuse(localized_error(ErrorCode.INVALID_OPTION, nl=f"niet bevestigd: {not_done[0]}",
                                     en=f"not confirmed: {not_done[1]}"))
