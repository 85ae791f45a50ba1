"""The one way every command shows a refusal: Dutch and English text on stderr, or JSON, and its exit code.

Usage::

    try:
        ...
    except SkillspasError as exc:
        raise refuse(exc, as_json=as_json) from None        # prints; the SystemExit carries the exit code
    raise refuse(error_for(ErrorCode.INVALID_OPTION, "--lang must be nl or en", nl="--lang is nl of en"))

Text (stderr)::

    fout [code]: <Dutch> (path)
    error [code]: <English> (path)

JSON (stdout, ``verify --json``): ``{"verified": false, "errors": [{"code", "message", "path": null}]}``.
A warning (``warn``: the command goes on) is ``let op: <Dutch>`` and ``warning: <English>`` on stderr (with its code:
``let op [code]: …``).
An error may list its own lines above the two (``details``: a batch's bad rows) in ``lang``.
No other module writes an error to stderr (``tests/test_layering.py``).
"""

from __future__ import annotations

import json
import sys
from typing import Any

from skillspas.schemas.errors import SkillspasError
from skillspas.schemas.text import escaped

__all__ = ["refuse", "refusal", "refusal_lines", "crash", "warn"]


def refusal(error: SkillspasError) -> dict[str, Any]:
    """The JSON object of a refusal (``verify --json``, the browser build)."""
    return {"verified": False, "errors": [{"code": error.code.value, "message": error.message, "path": None}]}


def refusal_lines(error: SkillspasError, lang: str = "nl") -> list[str]:
    """The text of a refusal: the error's own detail lines in ``lang``, then one Dutch and one English line, each one
    line as a terminal shows it (``escaped``: a file's name with a line break or a terminal escape in it is quoted
    by many messages as it is)."""
    where = f" ({error.path})" if error.path else ""
    tag = f"[{error.code.value}]"
    lines = [*error.details(lang), f"fout {tag}: {error.text('nl')}{where}", f"error {tag}: {error.text('en')}{where}"]
    return [escaped(line) for line in lines]


def refuse(error: SkillspasError, *, as_json: bool = False, lang: str = "nl") -> SystemExit:
    """Print ``error`` (JSON on stdout, else text on stderr) and return the ``SystemExit`` to raise."""
    if as_json:
        sys.stdout.write(json.dumps(refusal(error)) + "\n")
    else:
        sys.stderr.write("\n".join(refusal_lines(error, lang)) + "\n")
    return SystemExit(error.code.exit_code)


def warn(nl: str, en: str, *, code: str | None = None) -> None:
    """Print what a person must see though nothing is refused: ``let op: <Dutch>`` and ``warning: <English>`` on stderr
    (a coded warning: ``let op [code]: …``, ``warning [code]: …``)."""
    tag = f" [{code}]" if code else ""
    sys.stderr.write(f"let op{tag}: {escaped(nl)}\nwarning{tag}: {escaped(en)}\n")


def crash(exc: BaseException) -> SystemExit:
    """The last line of defence of the command-line entry point: a bug is one line and exit 2, never a traceback."""
    sys.stderr.write(f"error [internal]: {type(exc).__name__}: {escaped(str(exc))}\n")
    return SystemExit(2)
