"""``skillspas verify`` and ``skillspas contexts``: exit 0 valid, 1 not valid, 2 unusable. No tracebacks."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from skillspas.schemas.contexts import bundled_registry
from skillspas.schemas.errors import ErrorCode, SkillspasError
from skillspas.schemas.limits import Limits
from skillspas.schemas.messages import text
from skillspas.verifier.pipeline import Verifier
from skillspas.verifier.result import VerificationResult

__all__ = ["verify_command", "contexts_app", "read_input", "fail"]

contexts_app = typer.Typer(help="The bundled JSON-LD contexts / De meegeleverde JSON-LD-contexten.", no_args_is_help=True)


def fail(code: ErrorCode, message: str, *, as_json: bool = False) -> typer.Exit:
    """Print a coded usage/input error and return the ``typer.Exit`` to raise."""
    if as_json:
        typer.echo(json.dumps({"verified": False, "errors": [{"code": code.value, "message": message, "path": None}]}))
    else:
        typer.echo(f"error [{code.value}]: {message}", err=True)
    return typer.Exit(code.exit_code)


def read_input(source: str, limit: int) -> bytes:
    """Read a file or ``-`` (stdin), at most ``limit`` bytes (one more tells it is too large)."""
    try:
        if source == "-":
            data = sys.stdin.buffer.read(limit + 1)
        else:
            with open(source, "rb") as handle:
                data = handle.read(limit + 1)
    except OSError as exc:
        raise fail(ErrorCode.MALFORMED_JSON, f"cannot read {source}: {exc.strerror}") from None
    return data


def verify_command(
    file: Annotated[str, typer.Argument(help="Credential or presentation JSON, or - for stdin")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the result object as JSON")] = False,
    contexts: Annotated[Optional[Path], typer.Option(help="Folder of extra contexts (contexts.map.json)")] = None,
    trust_issuer: Annotated[Optional[list[str]], typer.Option("--trust-issuer", help="Trust this issuer DID (repeatable)")] = None,
    challenge: Annotated[Optional[str], typer.Option(help="Expected presentation challenge")] = None,
    domain: Annotated[Optional[str], typer.Option(help="Expected presentation domain")] = None,
    lang: Annotated[str, typer.Option(help="nl or en")] = "nl",
    max_bytes: Annotated[int, typer.Option(help="Largest input accepted")] = Limits.max_bytes,
    max_depth: Annotated[int, typer.Option(help="Deepest JSON nesting accepted")] = Limits.max_depth,
) -> None:
    """Verify a credential or presentation offline / Controleer een bewijsstuk offline."""
    limits = Limits(max_bytes=max_bytes, max_depth=max_depth)
    data = read_input(file, limits.max_bytes)
    try:
        verifier = Verifier(contexts=contexts, trusted_issuers=trust_issuer, limits=limits)
    except SkillspasError as exc:
        raise fail(exc.code, exc.message, as_json=as_json) from None
    result = verifier.verify(data, challenge=challenge, domain=domain)
    if as_json:
        typer.echo(json.dumps(result.to_json(), indent=2, ensure_ascii=False))
    else:
        _print_verdict(result, lang)
    raise typer.Exit(result.exit_code)


def _print_verdict(result: VerificationResult, lang: str) -> None:
    nl = lang == "nl"
    if result.verified:
        typer.echo(("GELDIG: " if nl else "VALID: ") + result.message(lang))
    else:
        problem = result.first_error
        typer.echo(("NIET GELDIG: " if nl else "NOT VALID: ") + result.message(lang))
        if problem is not None:
            typer.echo(f"  [{problem.code.value}] {problem.message}" + (f" ({problem.path})" if problem.path else ""))
    for warning in result.warnings:
        typer.echo(("  LET OP: " if nl else "  WARNING: ") + text(warning.code, lang))
    for proof in result.proofs:
        typer.echo(f"  {'✓' if proof.ok else '✗'} {proof.cryptosuite} {proof.verification_method}")
    summary = result.summary
    if summary is not None:
        typer.echo(f"  {'uitgever' if nl else 'issuer'}: {summary.issuer}")
        typer.echo(f"  {'soort' if nl else 'type'}: {', '.join(summary.types)}")
        if summary.name:
            typer.echo(f"  {'titel' if nl else 'title'}: {summary.name}")
        if summary.subject_name:
            typer.echo(f"  {'houder' if nl else 'holder'}: {summary.subject_name}")
        for skill in summary.skills:
            typer.echo(f"  - {skill.name or ''} <{skill.url}>")
    for index, credential in enumerate(result.credentials):
        typer.echo(f"  credential {index}: {'ok' if credential.verified else credential.first_error.code.value if credential.first_error else 'not verified'}")


@contexts_app.command("export")
def contexts_export(folder: Annotated[Path, typer.Argument(help="Folder to write the contexts into")]) -> None:
    """Write the bundled contexts and contexts.map.json, for other verifiers."""
    root = bundled_registry().export(folder)
    typer.echo(f"wrote {len(bundled_registry().urls())} contexts and contexts.map.json to {root}")


@contexts_app.command("list")
def contexts_list() -> None:
    """List the bundled context URLs with their SHA-256."""
    registry = bundled_registry()
    for url in registry.urls():
        typer.echo(f"{registry.get(url).sha256}  {url}")
