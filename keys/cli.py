"""``skillspas keys``: key files, and a did:web issuer's keystore (rotation, revocation); never prints secrets.

Usage::

    skillspas keys generate --type ed25519 --out issuer.key.json --passphrase-env KEY_PASS
    skillspas keys show issuer.key.json
    skillspas keys generate --keystore ks/ --did did:web:roc.example     # passphrase: env or prompt
    skillspas keys rotate --keystore ks/ [--pkcs11-module M --token-label T]   # key-2 signs from now
    skillspas keys revoke key-1 --keystore ks/ --compromised-at 2026-03-01T00:00:00Z   # asks first (--yes: a script)
    skillspas keys list --keystore ks/
    skillspas keys export-public --keystore ks/ --out did.json           # /.well-known/did.json

Passphrases come from ``--passphrase-env VAR``, ``SKILLSPAS_KEY_PASSPHRASE`` or a hidden prompt; an
HSM PIN from ``--pin-env VAR`` (default ``SKILLSPAS_PKCS11_PIN``) or a prompt. Exit codes follow
DESIGN.md: 0 success, 2 usage errors and unusable input, no tracebacks.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
from pathlib import Path
from typing import Annotated, Any, Optional

import typer

from skillspas.keys import keyfile
from skillspas.keys.keyfile import Keystore, Pkcs11Token
from skillspas.keys.keypair import generate as generate_keypair, generated_kind
from skillspas.keys.verification_method import parse_datetime
from skillspas.schemas.errors import (ErrorCode, SkillspasError, error_for, file_error, in_english_only, localized_error,
                                     shown)
from skillspas.schemas.confirm import YesOption, confirmed
from skillspas.schemas.files import write_atomic
from skillspas.schemas.report import refuse

__all__ = ["app"]

app = typer.Typer(
    name="keys",
    help="Generate and inspect signing keys (Multikey key files).",
    no_args_is_help=True,
    add_completion=False,
)


def _print(info: dict[str, Any]) -> None:
    """Print a JSON object on stdout."""
    typer.echo(json.dumps(info, indent=2))


KeystoreOption = Annotated[Path, typer.Option("--keystore", help="Keystore folder of a did:web issuer")]
PassphraseEnv = Annotated[
    Optional[str], typer.Option("--passphrase-env", metavar="VAR", help="Passphrase in $VAR (else prompt)")
]
ModuleOption = Annotated[
    Optional[str],
    typer.Option("--pkcs11-module", envvar="SKILLSPAS_PKCS11_MODULE", help="PKCS#11 module (.so): keys on an HSM"),
]
TokenOption = Annotated[Optional[str], typer.Option("--token-label", help="PKCS#11 token label")]
PinEnv = Annotated[
    Optional[str], typer.Option("--pin-env", metavar="VAR", help="Token PIN in $VAR (default SKILLSPAS_PKCS11_PIN)")
]


_PASSPHRASE = ("passphrase", "wachtwoordzin", "--passphrase-env")


def _secret(variable: str | None, default_variable: str, what: tuple[str, str, str], *, confirm: bool) -> str:
    """A secret from ``$variable``, else ``$default_variable``, else a hidden prompt on a terminal; ``what`` names it
    in English and Dutch, and its option."""
    if variable is not None:
        value = os.environ.get(variable)
        if not value:
            raise refuse(error_for(ErrorCode.INVALID_OPTION, f"environment variable {variable} is not set or empty",
                                   nl=f"de omgevingsvariabele {variable} is niet gezet of leeg"))
        return value
    value = os.environ.get(default_variable)
    if value:
        return value
    if not sys.stdin.isatty():
        raise refuse(error_for(ErrorCode.INVALID_OPTION, f"no {what[0]}: set {default_variable} or use {what[2]} VAR",
                               nl=f"geen {what[1]}: zet {default_variable} of gebruik {what[2]} VAR"))
    value = str(typer.prompt(f"{what[1].capitalize()} / {what[0]}", hide_input=True))
    # Asked again here, not with click's confirmation_prompt: that one says "Error: The two entered values do not
    # match." in English only and asks again without end; a typing mistake is refused as an aborted prompt is.
    if confirm and str(typer.prompt("Herhaal ter bevestiging / Repeat for confirmation", hide_input=True)) != value:
        raise refuse(localized_error(ErrorCode.INVALID_OPTION,
                                     nl=f"de herhaalde {what[1]} is niet gelijk aan de eerste: de opdracht is gestopt",
                                     en=f"the repeated {what[0]} does not match the first: the command stopped"))
    return value


def _token(module: str | None, label: str | None, pin_env: str | None) -> Pkcs11Token | None:
    """The HSM token from the options, or None for key files."""
    if module is None and label is None:
        return None
    if module is None or label is None:
        raise refuse(error_for(ErrorCode.INVALID_OPTION, "an HSM key needs both --pkcs11-module and --token-label",
                               nl="een sleutel op een HSM heeft zowel --pkcs11-module als --token-label nodig"))
    pin = _secret(pin_env, "SKILLSPAS_PKCS11_PIN", ("token PIN", "pincode van het token", "--pin-env"), confirm=False)
    return Pkcs11Token(module, label, pin)


def _moment(value: str) -> dt.datetime:
    """A date-time with time zone, or a date (midnight UTC)."""
    try:
        return parse_datetime(value if "T" in value else f"{value}T00:00:00Z")
    except ValueError:
        given = shown(value, 40, quoted=True)
        raise refuse(localized_error(
            ErrorCode.INVALID_OPTION, en=f"{given} is not a date (2026-03-01) or a date-time with a time zone "
            "(2026-03-01T08:00:00Z)", nl=f"{given} is geen datum (2026-03-01) of datum en tijd met tijdzone "
            "(2026-03-01T08:00:00Z)")) from None


def _key_type(key_type: str | None, token: Pkcs11Token | None) -> str:
    """The ``--type`` of a new key (ed25519 or p256; by default ed25519, or on an HSM Ed25519 if it can: "auto")."""
    if key_type is None:
        return "auto" if token else "ed25519"
    try:
        return generated_kind(key_type)  # Ed25519 and P-256 as well
    except SkillspasError as exc:
        raise refuse(exc) from None


def _keystore_call(action: Any) -> Any:
    """Run a keystore action, turning coded and usage errors into messages and exit codes (a ``ValueError`` no check
    foresaw: ``invalid_option``, its Dutch line saying the detail follows in English)."""
    try:
        return action()
    except SkillspasError as exc:
        raise refuse(exc) from None
    except FileExistsError as exc:
        raise refuse(error_for(ErrorCode.KEY_EXISTS, str(exc),
                               nl="hier staat al iets: een sleutelopslag begint in een nieuwe of lege map, en een "
                                  "sleutelbestand wordt nooit overschreven")) from None
    except ValueError as exc:  # one no check foresaw: those a person meets are coded where they arise, in both
        raise refuse(in_english_only(ErrorCode.INVALID_OPTION, str(exc))) from None
    except OSError as exc:
        raise refuse(file_error(exc)) from None


def _create_keystore(
    keystore: Path, did: str, key_type: str | None, passphrase_env: str | None, token: Pkcs11Token | None
) -> None:
    """Start a keystore with its first key (an encrypted file, or a key on the HSM token)."""
    kind = _key_type(key_type, token)
    passphrase = None if token else _secret(passphrase_env, keyfile.PASSPHRASE_ENV, _PASSPHRASE, confirm=True)
    store = _keystore_call(lambda: Keystore.create(keystore, did, kind=kind, passphrase=passphrase, token=token))
    _print({**store.history().keys[0].to_json(), "keystore": str(keystore)})


@app.command()
def generate(
    out: Annotated[Optional[Path], typer.Option("--out", help="Key file to create (never overwritten).")] = None,
    key_type: Annotated[
        Optional[str], typer.Option("--type", help="ed25519 or p256 (default ed25519; on an HSM: Ed25519 if it can)")
    ] = None,
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
    keystore: Annotated[Optional[Path], typer.Option("--keystore", help="Create a keystore here instead")] = None,
    did: Annotated[Optional[str], typer.Option("--did", help="The keystore's did:web DID")] = None,
    pkcs11_module: ModuleOption = None,
    token_label: TokenOption = None,
    pin_env: PinEnv = None,
) -> None:
    """Generate a key pair into a new key file (mode 0600), or start a keystore; print the public part."""
    if keystore is not None:
        if out is not None or did is None:
            raise refuse(error_for(ErrorCode.INVALID_OPTION, "--keystore needs --did and no --out",
                                   nl="--keystore heeft --did nodig, en geen --out"))
        _create_keystore(keystore, did, key_type, passphrase_env, _token(pkcs11_module, token_label, pin_env))
        return
    if out is None:
        raise refuse(error_for(ErrorCode.INVALID_OPTION, "give --out FILE (a key file) or --keystore DIR --did DID",
                               nl="geef --out BESTAND (een sleutelbestand) of --keystore MAP --did DID"))
    keypair = generate_keypair(_key_type(key_type, None))
    try:
        taken = out.exists() or out.is_symlink()
    except OSError as exc:  # a name too long: exists() raises, it does not answer
        raise refuse(file_error(exc, out, "write")) from None
    if taken:
        raise refuse(error_for(ErrorCode.KEY_EXISTS, f"{str(out)!r} already exists; refusing to overwrite a key file",
                               nl=f"{str(out)!r} bestaat al; een sleutelbestand wordt niet overschreven"))
    passphrase = None
    if passphrase_env is not None:
        passphrase = os.environ.get(passphrase_env)
        if not passphrase:
            raise refuse(error_for(ErrorCode.INVALID_OPTION, f"environment variable {passphrase_env} is not set or empty",
                                   nl=f"de omgevingsvariabele {passphrase_env} is niet gezet of leeg"))
    try:
        signer = keyfile.save(
            keypair,
            out,
            passphrase=passphrase,
            controller=controller,
            verification_method=verification_method,
        )
    except FileExistsError:
        raise refuse(error_for(ErrorCode.KEY_EXISTS, f"{str(out)!r} already exists; refusing to overwrite a key file",
                               nl=f"{str(out)!r} bestaat al; een sleutelbestand wordt niet overschreven")) from None
    except ValueError as exc:  # the key's id and controller cannot belong together (LocalSigner says why)
        raise refuse(localized_error(
            ErrorCode.INVALID_OPTION, en=f"--id and --controller: {exc}",
            nl="--id en --controller passen niet bij de sleutel of bij elkaar: --id is controller#fragment (zoals "
               "did:web:roc.example#key-1), en zonder --id is de controller de did:key van de sleutel")) from None
    except OSError as exc:
        raise refuse(file_error(exc, out, "write")) from None
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
        raise refuse(exc) from None
    _print({**info, "file": str(keyfile_path)})


@app.command("list")
def list_keys(keystore: KeystoreOption) -> None:
    """List a keystore's keys: current, retired (still verifying) and revoked (with compromise date)."""
    history = _keystore_call(lambda: Keystore(keystore).history())
    _print({"id": history.did, "keys": [record.to_json() for record in history.keys]})


_PUBLISH_NEXT = ("publiceer het nieuwe DID-document: skillspas keys export-public / "
                 "publish the new DID document: skillspas keys export-public")
"""What to do after ``rotate`` and ``revoke``: until the DID document is published, verifiers know the old keys."""


@app.command()
def rotate(
    keystore: KeystoreOption,
    key_type: Annotated[
        Optional[str], typer.Option("--type", help="ed25519 or p256 (default ed25519; on an HSM: Ed25519 if it can)")
    ] = None,
    passphrase_env: PassphraseEnv = None,
    pkcs11_module: ModuleOption = None,
    token_label: TokenOption = None,
    pin_env: PinEnv = None,
) -> None:
    """Make a new signing key; old keys stay in the DID document so old credentials keep verifying."""
    token = _token(pkcs11_module, token_label, pin_env)
    kind = _key_type(key_type, token)
    passphrase = None if token else _secret(passphrase_env, keyfile.PASSPHRASE_ENV, _PASSPHRASE, confirm=True)
    record = _keystore_call(lambda: Keystore(keystore).rotate(kind=kind, passphrase=passphrase, token=token))
    _print({**record.to_json(), "next": _PUBLISH_NEXT})


@app.command()
def revoke(
    key_id: Annotated[str, typer.Argument(metavar="KEY", help="Key id (did:web:x#key-1 or key-1)")],
    keystore: KeystoreOption,
    compromised_at: Annotated[str, typer.Option("--compromised-at", help="Since when the key is compromised")],
    yes: YesOption = False,
) -> None:
    """Revoke a compromised key, after a confirmation (--yes: without): credentials it signed from that moment fail
    (key_revoked)."""
    moment = _moment(compromised_at)
    store = Keystore(keystore)
    history = _keystore_call(store.history)
    # The revocation as it would be (the history is not written): an unknown key or a date in the future is refused
    # before the question, and a key revoked at that date or earlier already is not asked about.
    if _keystore_call(lambda: history.revoke(key_id, compromised_at=moment, now=dt.datetime.now(dt.UTC))) != history:
        named = history.get(key_id).id
        confirmed((f"Sleutel {named} intrekken, gecompromitteerd sinds {moment.isoformat()}? Wat hij vanaf dan "
                   "ondertekende, is niet meer geldig (key_revoked). Dit kan niet ongedaan worden gemaakt.",
                   f"Revoke key {named}, compromised since {moment.isoformat()}? What it signed from then on no "
                   "longer verifies (key_revoked). This cannot be undone."), yes=yes,
                  not_done=("er is niets ingetrokken", "nothing was revoked"))
    record = _keystore_call(lambda: store.revoke(key_id, compromised_at=moment))
    _print({**record.to_json(), "next": _PUBLISH_NEXT})


@app.command("export-public")
def export_public(
    keyfile_path: Annotated[Optional[Path], typer.Argument(metavar="[KEYFILE]", help="A key file")] = None,
    keystore: Annotated[Optional[Path], typer.Option("--keystore", help="A keystore: print its DID document")] = None,
    out: Annotated[Optional[Path], typer.Option("--out", help="Write to this file instead of stdout")] = None,
) -> None:
    """Print the public keys: a keystore's DID document (/.well-known/did.json) or a key file's Multikey."""
    if (keyfile_path is None) == (keystore is None):
        raise refuse(error_for(ErrorCode.INVALID_OPTION, "give either a KEYFILE or --keystore DIR",
                               nl="geef een SLEUTELBESTAND of --keystore MAP, niet allebei"))
    if keystore is not None:
        document = _keystore_call(lambda: Keystore(keystore).did_document())
    elif keyfile_path is not None:  # exactly one of the two is given (checked above)
        info = _keystore_call(lambda: keyfile.read_public(keyfile_path))
        document = {k: info[k] for k in ("id", "type", "controller", "publicKeyMultibase")}
    if out is None:
        _print(document)
    else:
        _keystore_call(lambda: write_atomic(out, (json.dumps(document, indent=2) + "\n").encode("utf-8"), mode=0o644))
        typer.echo(f"geschreven / wrote: {out}", err=True)
