"""The root ``skillspas`` command: assembles the sub-commands each package offers."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from skillspas.keys.cli import app as keys_app
from skillspas.keys import load
from skillspas.schemas.errors import ErrorCode, SkillspasError
from skillspas.schemas.jsonio import parse_json
from skillspas.schemas.limits import Limits
from skillspas.verifier.cli import bundle_app, contexts_app, fail, read_input, verify_command
from skillspas.verifier.page.cli import verifier_command
from skillspas.issuer.service_cli import batch_command, org_app, serve_command, status_app
from skillspas.issuer.issue_cli import issue_command, vocab_app
from skillspas.issuer.trust_list_cli import trust_list_app
from skillspas.wallet_export.cli import passport_app

__all__ = ["app", "main"]

app = typer.Typer(
    name="skillspas",
    help="skillspas: issue and verify skills credentials offline / uitgeven en offline controleren van bewijsstukken.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
app.add_typer(keys_app, name="keys", help="Key pairs / Sleutelparen.")
app.add_typer(contexts_app, name="contexts")
app.add_typer(bundle_app, name="bundle", help="Offline verification bundle / Offline-controlebundel.")
app.add_typer(trust_list_app, name="trust-list")
app.add_typer(passport_app, name="passport")
app.command("verify")(verify_command)
app.command("verifier")(verifier_command)
app.command("serve")(serve_command)
app.add_typer(org_app, name="org")
app.command("batch")(batch_command)
app.add_typer(status_app, name="status")
app.command("issue")(issue_command)
app.add_typer(vocab_app, name="vocab")


@app.command("sign")
def sign_command(
    file: Annotated[str, typer.Argument(help="Unsigned credential JSON, or - for stdin")],
    key: Annotated[Path, typer.Option(help="Key file (skillspas keys generate)")],
    suite: Annotated[str, typer.Option(help="eddsa-rdfc-2022 or ecdsa-rdfc-2019")] = "eddsa-rdfc-2022",
    contexts: Annotated[Optional[Path], typer.Option(help="Folder of extra contexts (contexts.map.json)")] = None,
) -> None:
    """Sign any credential whose contexts are known; prints the signed JSON."""
    from skillspas.issuer.sign import sign

    if suite not in ("eddsa-rdfc-2022", "ecdsa-rdfc-2019"):
        raise fail(ErrorCode.UNSUPPORTED_CRYPTOSUITE, f"unknown cryptosuite {suite!r}")
    data = read_input(file, Limits.max_bytes)
    try:
        credential = parse_json(data)
        if not isinstance(credential, dict):
            raise fail(ErrorCode.SCHEMA_INVALID, "a credential must be a JSON object")
        signer = load(key)
        signed = sign(credential, signer, suite=suite, contexts=None if contexts is None else str(contexts))
    except SkillspasError as exc:
        raise fail(exc.code, exc.message + (f" ({exc.path})" if exc.path else "")) from None
    typer.echo(json.dumps(signed, indent=2, ensure_ascii=False))


@app.command("demo")
def demo_command(
    out: Annotated[Optional[Path], typer.Option(help="Folder for the demo's files (default: a temp folder)")] = None,
) -> None:
    """The whole job once, offline: four organisations issue one credential of each type (one revoked), a
    passport as QR codes and PDF, a bundle, every QR read back and verified / De hele keten één keer."""
    from skillspas.issuer.demo import run_demo

    raise typer.Exit(run_demo(out))


def main() -> None:
    """Console entry point; never shows a traceback."""
    try:
        app()
    except SystemExit:
        raise
    except KeyboardInterrupt:
        sys.exit(130)
    except Exception as exc:  # the last line of defence: a message, not a traceback
        typer.echo(f"error [internal]: {type(exc).__name__}: {exc}", err=True)
        sys.exit(2)
