"""``skillspas keys``: generate a key file and show its public part; never prints secrets.

Usage::

    skillspas keys generate --type ed25519 --out issuer.key.json --passphrase-env KEY_PASS
    skillspas keys show issuer.key.json

Exit codes follow DESIGN.md: 0 success, 2 usage errors and unusable input, no tracebacks.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer

from skillspas.keys import keyfile
from skillspas.keys.keypair import generate as generate_keypair
from skillspas.schemas.errors import SkillspasError

__all__ = ["app"]

app = typer.Typer(
    name="keys",
    help="Generate and inspect signing keys (Multikey key files).",
    no_args_is_help=True,
    add_completion=False,
)


def _fail(message: str, code: int = 2) -> NoReturn:
    """Print ``message`` to stderr and exit with ``code``."""
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(code)


def _print(info: dict[str, Any]) -> None:
    """Print a JSON object on stdout."""
    typer.echo(json.dumps(info, indent=2))


@app.command()
def generate(
    out: Annotated[Path, typer.Option("--out", help="Key file to create (never overwritten).")],
    key_type: Annotated[str, typer.Option("--type", help="ed25519 or p256.")] = "ed25519",
    passphrase_env: Annotated[
        str | None,
        typer.Option("--passphrase-env", metavar="VAR", help="Encrypt with the passphrase in $VAR"),
    ] = None,
    controller: Annotated[
        str | None, typer.Option("--controller", help="Controller DID (default: the did:key).")
    ] = None,
    verification_method: Annotated[
        str | None, typer.Option("--id", help="Verification method id, e.g. did:web:x#key-1.")
    ] = None,
) -> None:
    """Generate a key pair into a new key file (mode 0600) and print its public part."""
    try:
        keypair = generate_keypair(key_type)
    except ValueError:
        _fail(f"unknown key type {key_type!r}; use ed25519 or p256")
    if out.exists() or out.is_symlink():
        _fail(f"{str(out)!r} already exists; refusing to overwrite a key file")
    passphrase = None
    if passphrase_env is not None:
        passphrase = os.environ.get(passphrase_env)
        if not passphrase:
            _fail(f"environment variable {passphrase_env} is not set or empty")
    try:
        signer = keyfile.save(
            keypair,
            out,
            passphrase=passphrase,
            controller=controller,
            verification_method=verification_method,
        )
    except FileExistsError:
        _fail(f"{str(out)!r} already exists; refusing to overwrite a key file")
    except ValueError as exc:
        _fail(str(exc))
    except OSError as exc:
        _fail(f"cannot write {str(out)!r}: {exc.strerror or exc}")
    _print(
        {
            "id": signer.verification_method,
            "controller": signer.controller,
            "type": "Multikey",
            "algorithm": signer.algorithm,
            "publicKeyMultibase": signer.public_key.multibase,
            "file": str(out),
        }
    )


@app.command()
def show(
    keyfile_path: Annotated[Path, typer.Argument(metavar="KEYFILE", help="A key file.")],
) -> None:
    """Print the public part of a key file (no passphrase needed, no secret shown)."""
    try:
        info = keyfile.read_public(keyfile_path)
    except SkillspasError as exc:
        _fail(f"{exc.code.value}: {exc.message}", exc.code.exit_code)
    _print({**info, "file": str(keyfile_path)})
