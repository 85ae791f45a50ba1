"""``skillspas issue``: issue one credential from a JSON row (``skillspas vocab`` is in ``issuer/cli/vocab.py``).

Usage::

    skillspas issue mbo-diploma --data examples/mbo-diploma/kok-anouk-testdata.json --key roc.json --out diploma.json
    skillspas issue praktijkverklaring --data row.json --key school.json --cosign leerbedrijf.json
    skillspas vocab search samenwerken
    skillspas vocab import "ESCO dataset - v1.1.1 - classification - en - csv.zip"
    skillspas vocab show http://data.europa.eu/esco/skill/082967d4-b94c-4305-aa13-35a6aa8c5c7c

Every refusal prints one message in Dutch and in English and exits 2 (unusable input: a missing
or malformed field, an unknown skill, a national identification number). Imported vocabularies
live in the skillspas data folder: ``--home``, else ``$SKILLSPAS_HOME``, else ``$SKILLSPAS_DATA_DIR``,
else the per-user data folder (``~/.local/share/skillspas`` on Linux).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any, Optional

import typer

from skillspas.issuer.credentials import (build, expired_at_issue, expired_warning, noting_unread, type_name,
                                           unread_warning)
from skillspas.issuer.sign import sign
from skillspas.keys import load
from skillspas.schemas.catalogue import kind_label
from skillspas.schemas.datafolder import data_folder
from skillspas.schemas.errors import ErrorCode, SkillspasError, file_error, localized_error
from skillspas.schemas.files import write_atomic
from skillspas.schemas.jsonio import read_json_file, regular_file
from skillspas.schemas.kwalificaties import Kwalificaties
from skillspas.schemas.report import refuse, warn
from skillspas.schemas.vocab import SkillsVocabulary
from skillspas.issuer.cli.vocab import HomeOption

__all__ = ["issue_command"]


def _usage(nl: str, en: str) -> SystemExit:
    """A command line that cannot be used (an unknown type, a co-signer missing or not wanted): ``invalid_option``."""
    return refuse(localized_error(ErrorCode.INVALID_OPTION, nl=nl, en=en))


def _row(path: str) -> dict[str, Any]:
    """The row of ``--data``: a JSON file, or ``-`` for stdin; JSON text given in its place is refused saying so."""
    if path.lstrip().startswith("{"):
        raise localized_error(
            ErrorCode.INVALID_OPTION,
            nl="--data neemt een bestand met de regel (JSON), of - om hem via stdin te lezen, geen JSON-tekst: "
               "echo '{…}' | skillspas issue SOORT --data - --key SLEUTEL",
            en="--data takes a file with the row (JSON), or - to read it from stdin, not JSON text: "
               "echo '{…}' | skillspas issue TYPE --data - --key KEY",
        )
    if path != "-":
        regular_file(path)  # file_error: missing, a folder, or a pipe that would wait for a writer
    row = read_json_file(path)
    if not isinstance(row, dict):
        raise localized_error(
            ErrorCode.SCHEMA_INVALID,
            nl="De gegevens moeten één JSON-object zijn (veldnaam: waarde).",
            en="The data must be one JSON object (field name: value).",
            path="/",
        )
    return row


def issue_command(
    kind: Annotated[str, typer.Argument(help="mbo-diploma, mbo-certificaat, ervaringscertificaat, praktijkverklaring or microcredential")],
    data: Annotated[str, typer.Option("--data", help="The row: a JSON file (see examples/), or - for stdin")],
    key: Annotated[Path, typer.Option("--key", help="The issuer's key file (skillspas keys generate)")],
    cosign: Annotated[Optional[Path], typer.Option("--cosign", help="The leerbedrijf's key file (praktijkverklaring)")] = None,
    out: Annotated[Optional[Path], typer.Option("--out", help="Write the signed credential here (default: stdout)")] = None,
    suite: Annotated[str, typer.Option(help="eddsa-rdfc-2022 or ecdsa-rdfc-2019")] = "eddsa-rdfc-2022",
    home: HomeOption = None,
    allow_unregistered: Annotated[bool, typer.Option(
        "--allow-unregistered", help="Issue a crebo, keuzedeel or certificaat the register does not list; the credential says so",
    )] = False,
) -> None:
    """Build, check and sign one credential / Eén bewijsstuk opbouwen, controleren en ondertekenen."""
    try:
        name = type_name(kind)
    except ValueError:
        raise _usage(
            f"Onbekend soort bewijsstuk '{kind}'; kies mbo-diploma, mbo-certificaat, ervaringscertificaat, "
            "praktijkverklaring of microcredential.",
            f"Unknown credential type '{kind}'; choose mbo-diploma, mbo-certificaat, ervaringscertificaat, "
            "praktijkverklaring or microcredential.",
        ) from None
    if suite not in ("eddsa-rdfc-2022", "ecdsa-rdfc-2019"):
        raise refuse(localized_error(
            ErrorCode.UNSUPPORTED_CRYPTOSUITE,
            nl=f"Onbekende ondertekeningsmethode '{suite}'.", en=f"Unknown cryptosuite '{suite}'.",
        ))
    if name == "Praktijkverklaring" and cosign is None:
        raise _usage(
            "Een praktijkverklaring ondertekenen school en leerbedrijf samen: geef ook --cosign met de sleutel "
            "van het leerbedrijf.",
            "A praktijkverklaring is signed by the school and the leerbedrijf together: also give --cosign with "
            "the leerbedrijf's key.",
        )
    if name != "Praktijkverklaring" and cosign is not None:
        raise _usage("Alleen een praktijkverklaring heeft een medeondertekenaar (--cosign).",
                     "Only a praktijkverklaring has a co-signer (--cosign).")
    try:
        row = _row(data)
        signer = load(key)
        cosigner = load(cosign) if cosign is not None else None
        options: dict[str, Any] = {"issuer": signer.controller, "vocabulary": SkillsVocabulary.load(data_folder(home)),
                                   "register": Kwalificaties.load(data_folder(home)), "allow_unregistered": allow_unregistered}
        if cosigner is not None:
            options["cosigner"] = cosigner.controller
        with noting_unread() as unread:  # a field no builder reads: its value would be in no credential
            built = build(name, row, **options)
        if unread:
            warn(*unread_warning(unread, name))
        expired = expired_at_issue(built)
        if expired is not None:  # issued (a lapsed certificate may be recorded), but never silently
            warn(*expired_warning((), expired), code=ErrorCode.EXPIRED.value)
        signed = sign(built, signer, suite=suite)
        if cosigner is not None:
            signed = sign(signed, cosigner, suite=suite, append=True)
    except SkillspasError as exc:
        raise refuse(exc) from None
    text = json.dumps(signed, indent=2, ensure_ascii=False) + "\n"
    if out is None:
        typer.echo(text, nl=False)
    else:
        try:
            write_atomic(out, text.encode("utf-8"), mode=0o644)
        except OSError as exc:
            raise refuse(file_error(exc, out, "write")) from None
        label = kind_label([name])
        typer.echo(f"uitgegeven / issued: {label['nl']} / {label['en']} {signed['id']} -> {out}", err=True)
