"""The root ``skillspas`` command: assembles the sub-commands each package offers."""

from __future__ import annotations

import importlib
import io
import json
import os
import sys
from pathlib import Path
from typing import Annotated, Any, Optional

import typer
from typer._click import Command, Context
from typer._click.exceptions import UsageError
from typer.core import TyperGroup

from skillspas.issuer.cli.usage import aborted_refusal, asks_json, readable_help, usage_refusal
from skillspas.schemas.errors import ErrorCode, SkillspasError, file_error, localized_error, shown
from skillspas.schemas.report import crash

__all__ = ["app", "build_app", "main"]  # noqa: F822 - ``app`` is built on first access (``__getattr__``)

_HELP = "skillspas: issue and verify skills credentials offline / uitgeven en offline controleren van bewijsstukken."

# Each sub-command: (module, attribute, whether it is a group, help). Its module is imported only when
# the command runs (or when the whole app is built, e.g. for --help): ``skillspas verify`` loads no
# FastAPI, SQLAlchemy, uvicorn or PDF stack. The order is the order ``--help`` lists them in.
_COMMANDS: dict[str, tuple[str, str, bool, str | None]] = {
    "keys": ("skillspas.keys.cli", "app", True, "Key pairs / Sleutelparen."),
    "contexts": ("skillspas.verifier.cli", "contexts_app", True, None),
    "bundle": ("skillspas.verifier.cli", "bundle_app", True, "Offline verification bundle / Offline-controlebundel."),
    "trust-list": ("skillspas.issuer.cli.trust_list", "trust_list_app", True, None),
    "passport": ("skillspas.wallet_export.cli", "passport_app", True, None),
    "verify": ("skillspas.verifier.cli", "verify_command", False, None),
    "verifier": ("skillspas.verifier.page.cli", "verifier_command", False, None),
    "serve": ("skillspas.issuer.cli.service", "serve_command", False, None),
    "org": ("skillspas.issuer.cli.service", "org_app", True, None),
    "batch": ("skillspas.issuer.cli.service", "batch_command", False, None),
    "status": ("skillspas.issuer.cli.service", "status_app", True, None),
    "issue": ("skillspas.issuer.cli.issue", "issue_command", False, None),
    "vocab": ("skillspas.issuer.cli.vocab", "vocab_app", True, None),
    "sign": ("skillspas.issuer.cli", "sign_command", False, None),
    "demo": ("skillspas.issuer.cli", "demo_command", False, None),
}


_ARGS = "skillspas.args"
"""The key in the context's ``meta`` (shared by every sub-command's context) of the command line as given."""


class _Root(TyperGroup):
    """The root command. A usage error of any sub-command (unknown option or command, missing argument, bad
    value) reaches it and is refused the one way (``invalid_option``, nl and en, exit 2), not in click's
    English box (with ``verify --json`` also as its JSON refusal on standard output), and so does a prompt closed
    or interrupted (click's ``Abort``: not "Aborted!" and exit 1); help (``--help``, a group without its command)
    is shown as typer shows it, of text made readable once (``readable_help``) as each sub-command is resolved."""

    def get_command(self, ctx: Context, cmd_name: str) -> Command | None:
        found = super().get_command(ctx, cmd_name)
        return None if found is None else readable_help(found)

    def make_context(self, info_name: str | None, args: list[str], parent: Context | None = None,
                     **extra: Any) -> Context:
        given = tuple(args)  # before click parses (and consumes) them
        try:
            ctx = super().make_context(info_name, args, parent, **extra)
        except UsageError as exc:
            raise usage_refusal(exc, as_json=asks_json(given)) from None
        ctx.meta[_ARGS] = given
        return ctx

    def invoke(self, ctx: Context) -> Any:
        try:
            return super().invoke(ctx)
        except UsageError as exc:
            raise usage_refusal(exc, as_json=asks_json(ctx.meta.get(_ARGS, ()))) from None
        except (typer.Abort, EOFError):
            raise aborted_refusal() from None


def build_app(only: str | None = None) -> typer.Typer:
    """The ``skillspas`` command with every sub-command, or with ``only`` that one (its imports alone)."""
    built = typer.Typer(name="skillspas", help=_HELP, no_args_is_help=True, pretty_exceptions_enable=False, cls=_Root)
    if only is not None:
        built.callback()(_no_options)  # a group even with one command: ``skillspas verify FILE`` keeps its name
    for name, (module, attribute, group, help_text) in _COMMANDS.items():
        if only is not None and name != only:
            continue
        target = getattr(importlib.import_module(module), attribute)
        if group:
            if help_text:
                built.add_typer(target, name=name, help=help_text)
            else:  # the group's own help
                built.add_typer(target, name=name)
        else:
            built.command(name)(target)
    return built


def _no_options() -> None:
    """skillspas: issue and verify skills credentials offline / uitgeven en offline controleren van bewijsstukken."""


def __getattr__(name: str) -> Any:
    """``app``: the whole command, built on first use (``from skillspas.issuer.cli import app``)."""
    if name == "app":
        built = globals()["app"] = build_app()
        return built
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def sign_command(
    file: Annotated[str, typer.Argument(help="Unsigned credential JSON, or - for stdin")],
    key: Annotated[Path, typer.Option(help="Key file (skillspas keys generate)")],
    suite: Annotated[str, typer.Option(help="eddsa-rdfc-2022 or ecdsa-rdfc-2019")] = "eddsa-rdfc-2022",
    contexts: Annotated[Optional[Path], typer.Option(help="Folder of extra contexts (contexts.map.json)")] = None,
) -> None:
    """Sign any credential whose contexts are known; prints the signed JSON / Onderteken een bewijsstuk."""
    from skillspas.issuer.sign import sign
    from skillspas.keys import load
    from skillspas.schemas.jsonio import read_json_file
    from skillspas.schemas.report import refuse

    if suite not in ("eddsa-rdfc-2022", "ecdsa-rdfc-2019"):
        raise refuse(localized_error(ErrorCode.UNSUPPORTED_CRYPTOSUITE,
                                     en=f"unknown cryptosuite {shown(suite, 40, quoted=True)}",
                                     nl=f"onbekende cryptosuite {shown(suite, 40, quoted=True)}: kies eddsa-rdfc-2022 "
                                        "of ecdsa-rdfc-2019"))
    try:
        credential = read_json_file(file)
        if not isinstance(credential, dict):
            raise refuse(localized_error(ErrorCode.SCHEMA_INVALID, en="a credential must be a JSON object",
                                         nl="een bewijsstuk is een JSON-object ({ … })"))
        signer = load(key)
        signed = sign(credential, signer, suite=suite, contexts=None if contexts is None else str(contexts))
    except SkillspasError as exc:
        raise refuse(exc) from None
    typer.echo(json.dumps(signed, indent=2, ensure_ascii=False))


def demo_command(
    out: Annotated[Optional[Path], typer.Option(help="Folder for the demo's files (default: a temp folder)")] = None,
) -> None:
    """The whole job once, offline: four organisations issue one credential of each type (one revoked), a passport as QR codes and PDF, a bundle, every QR read back and verified / De hele keten één keer."""
    from skillspas.issuer.demo import run_demo
    from skillspas.schemas.report import refuse

    try:
        code = run_demo(out)
    except OSError as exc:
        raise refuse(file_error(exc, verb="write")) from None
    raise typer.Exit(code)


class _OutlivesItsReader(io.RawIOBase):
    """Standard output that outlives its reader: once the reader has closed the pipe (``verify FILE | head -1``),
    what is still written goes to ``os.devnull``, so the command ends as it would have, with its own exit code
    (typer would end it with exit 1 at the first write), and Python's last flush raises no BrokenPipeError."""

    def __init__(self, fd: int) -> None:
        super().__init__()
        self._fd = fd

    def writable(self) -> bool:
        return True

    def fileno(self) -> int:
        return self._fd

    def write(self, data: Any) -> int:
        try:
            return os.write(self._fd, data)
        except BrokenPipeError:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, self._fd)  # the descriptor stays open: nothing more is written to the closed pipe
            os.close(devnull)
            return memoryview(data).nbytes


def _stdout_outliving_its_reader() -> None:
    """Put ``_OutlivesItsReader`` under ``sys.stdout`` when it is not a terminal (a terminal's reader stays),
    buffered as it was (``python -u``: not)."""
    stdout = sys.stdout
    try:
        if stdout.isatty():
            return
        fd = stdout.fileno()
    except (AttributeError, OSError, ValueError):  # not a file (pythonw, a test's capture): left as it is
        return
    stdout.flush()
    raw = _OutlivesItsReader(fd)
    binary = raw if isinstance(stdout.buffer, io.RawIOBase) else io.BufferedWriter(raw)
    sys.stdout = io.TextIOWrapper(binary, encoding=stdout.encoding, errors=stdout.errors,
                                  line_buffering=bool(stdout.line_buffering),
                                  write_through=getattr(stdout, "write_through", False))


def main() -> None:
    """Console entry point; never shows a traceback, and a closed standard output does not change the exit code."""
    only = sys.argv[1] if len(sys.argv) > 1 and sys.argv[1] in _COMMANDS else None
    _stdout_outliving_its_reader()
    try:
        build_app(only)()
    except SystemExit:
        raise
    except KeyboardInterrupt:
        sys.exit(130)
    except Exception as exc:  # the last line of defence: a message, not a traceback
        raise crash(exc) from None
