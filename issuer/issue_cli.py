"""``skillspas issue`` and ``skillspas vocab``: issue one credential from a JSON row; find and import skills.

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
import os
from pathlib import Path
from typing import Annotated, Any, Optional

import typer

from skillspas.issuer.credentials import build, type_name
from skillspas.issuer.sign import sign
from skillspas.keys import load
from skillspas.schemas.errors import ErrorCode, SkillspasError
from skillspas.schemas.jsonio import parse_json
from skillspas.schemas.kwalificaties import Kwalificaties
from skillspas.schemas.limits import Limits
from skillspas.schemas.type_schemas import localized_error, localized_text
from skillspas.schemas.vocab import ATTRIBUTION, SkillsVocabulary, import_esco
from skillspas.verifier.cli import read_input

__all__ = ["issue_command", "vocab_app", "data_home"]

vocab_app = typer.Typer(help="The skills vocabulary (ESCO, CompetentNL) / De vaardighedenlijst.", no_args_is_help=True)
HomeOption = Annotated[Optional[Path], typer.Option("--home", help="skillspas data folder (imported vocabularies)")]


def data_home(home: Path | None = None) -> Path:
    """The skillspas data folder: ``home``, $SKILLSPAS_HOME, $SKILLSPAS_DATA_DIR, or the user data folder."""
    if home is not None:
        return home
    for variable in ("SKILLSPAS_HOME", "SKILLSPAS_DATA_DIR"):
        if os.environ.get(variable):
            return Path(os.environ[variable])
    import platformdirs

    return Path(platformdirs.user_data_dir("skillspas", appauthor=False))


def _fail(error: SkillspasError) -> typer.Exit:
    """Print a coded refusal in Dutch and English; return the Exit to raise."""
    where = f" ({error.path})" if error.path else ""
    typer.echo(f"fout [{error.code.value}]{where}: {localized_text(error, 'nl')}", err=True)
    typer.echo(f"error [{error.code.value}]{where}: {localized_text(error, 'en')}", err=True)
    return typer.Exit(error.code.exit_code)


def _usage(nl: str, en: str) -> typer.Exit:
    return _fail(localized_error(ErrorCode.SCHEMA_INVALID, nl=nl, en=en))


def _row(path: str) -> dict[str, Any]:
    if path != "-" and not Path(path).is_file():
        raise localized_error(
            ErrorCode.SCHEMA_INVALID,
            nl=f"Het gegevensbestand {path} bestaat niet of is geen bestand.",
            en=f"The data file {path} does not exist or is not a file.",
        )
    row = parse_json(read_input(path, Limits.max_bytes))
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
    data: Annotated[str, typer.Option("--data", help="The row: a JSON object (see examples/), or - for stdin")],
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
        raise _fail(localized_error(
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
        options: dict[str, Any] = {"issuer": signer.controller, "vocabulary": SkillsVocabulary.load(data_home(home)),
                                   "register": Kwalificaties.load(data_home(home)), "allow_unregistered": allow_unregistered}
        if cosigner is not None:
            options["cosigner"] = cosigner.controller
        signed = sign(build(name, row, **options), signer, suite=suite)
        if cosigner is not None:
            signed = sign(signed, cosigner, suite=suite, append=True)
    except SkillspasError as exc:
        raise _fail(exc) from None
    text = json.dumps(signed, indent=2, ensure_ascii=False) + "\n"
    if out is None:
        typer.echo(text, nl=False)
    else:
        out.write_text(text, "utf-8")
        typer.echo(f"uitgegeven / issued: {name} {signed['id']} -> {out}", err=True)


def _describe(labels: dict[str, str]) -> str:
    dutch, english = labels.get("nl"), labels.get("en")
    return " / ".join(dict.fromkeys(x for x in (dutch, english) if x)) or "?"


@vocab_app.command("search")
def vocab_search(
    query: Annotated[str, typer.Argument(help="Words to look for, Dutch or English / Zoekwoorden")],
    limit: Annotated[int, typer.Option(help="Most results shown")] = 20,
    occupations: Annotated[bool, typer.Option("--occupations", help="Search occupations instead of skills")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the results as JSON")] = False,
    home: HomeOption = None,
) -> None:
    """Find skills (or occupations) by label, nl and en, with word forms / Vaardigheden of beroepen zoeken."""
    kinds = ("occupation",) if occupations else ("skill", "competentnl")
    try:
        found = SkillsVocabulary.load(data_home(home)).index.search(query, limit=limit, kinds=kinds,
                                                                    relations=not occupations)
    except SkillspasError as exc:
        raise _fail(exc) from None
    if as_json:
        typer.echo(json.dumps(found.to_json(), indent=2, ensure_ascii=False))
        return
    if not found.hits:
        typer.echo(f"Niets gevonden voor '{query}' / Nothing found for '{query}'.")
    elif found.ambiguous:
        typer.echo(f"'{query}' past bij meerdere; kies er één / matches several; pick one:")
    for hit in found.hits:
        concept = hit.concept
        via = f"; via {hit.via.label('nl')}" if hit.via else ""
        typer.echo(f"{_describe(dict(concept.labels))}\n    {concept.uri}  "
                   f"[{concept.framework}{', ' + concept.skill_type if concept.skill_type else ''}{via}]")
    typer.echo(f"Labels: {ATTRIBUTION}")


@vocab_app.command("import")
def vocab_import(
    sources: Annotated[list[Path], typer.Argument(
        help="Official ESCO downloads (classification zip in any language, relations zip; or their folders or "
             "CSV files) and/or a newer kwalificaties-register.csv")],
    replace: Annotated[bool, typer.Option(
        "--replace", help="The imported ESCO replaces the bundled ESCO and earlier imports")] = False,
    home: HomeOption = None,
) -> None:
    """Import ESCO skills, occupations and relations, or a newer register / ESCO of register importeren."""
    folder = data_home(home)
    try:
        result = import_esco(sources, folder, replace=replace)
    except SkillspasError as exc:
        raise _fail(exc) from None
    for lang, count in result.counts.items():
        typer.echo(f"{count} ESCO-vaardigheden ({lang}) geïmporteerd / {count} ESCO skills ({lang}) imported")
    for lang, count in result.occupations.items():
        typer.echo(f"{count} ESCO-beroepen ({lang}) geïmporteerd / {count} ESCO occupations ({lang}) imported")
    if result.relations:
        typer.echo(f"{result.relations} beroep-vaardigheidrelaties / occupation-skill relations imported")
    if result.register:
        typer.echo(f"{result.register} registerregels / register rows imported")
    if result.replaced:
        typer.echo("De meegeleverde ESCO is vervangen / the bundled ESCO is replaced")
    typer.echo(f"{result.new} nieuwe vaardigheden / new skills; {', '.join(str(p) for p in result.paths)}")


@vocab_app.command("show")
def vocab_show(
    item: Annotated[str, typer.Argument(help="A skill URI, or a crebo code")],
    home: HomeOption = None,
) -> None:
    """Show one skill (labels, type, kwalificaties) or one kwalificatie / Eén vaardigheid of kwalificatie tonen."""
    register = Kwalificaties.bundled()
    try:
        vocabulary = SkillsVocabulary.load(data_home(home))
    except SkillspasError as exc:
        raise _fail(exc) from None
    kwalificatie = register.get(item.strip())
    if kwalificatie is not None:
        typer.echo(f"{kwalificatie.crebo} {kwalificatie.name} — mbo-niveau {kwalificatie.niveau} "
                   f"({kwalificatie.niveau_name}), EQF {kwalificatie.eqf}")
        if kwalificatie.dossier_crebo:
            typer.echo(f"  kwalificatiedossier {kwalificatie.dossier_crebo} {kwalificatie.dossier_name}")
        for kerntaak in kwalificatie.kerntaken:
            typer.echo(f"  {kerntaak.code} {kerntaak.title or ''}")
            for werkproces in kerntaak.werkprocessen:
                typer.echo(f"    {werkproces.code} {werkproces.title}")
        typer.echo(f"  ESCO ({kwalificatie.mapping_status or 'suggested'}):")
        for uri in kwalificatie.esco_skills:
            skill = vocabulary.get(uri)
            typer.echo(f"    {skill.label('nl') if skill else '?'}  {uri}")
        typer.echo("  CompetentNL:")
        for uri, label in kwalificatie.competentnl:
            typer.echo(f"    {label}  {uri}")
        return
    skill = vocabulary.get(item.strip())
    if skill is None:
        typer.echo(f"Niet gevonden / not found: {item}", err=True)
        raise typer.Exit(1)
    typer.echo(_describe(dict(skill.labels)))
    typer.echo(f"  {skill.uri}")
    typer.echo(f"  {skill.framework}" + (f", {skill.skill_type}" if skill.skill_type else "")
               + (f", {skill.reuse_level}" if skill.reuse_level else ""))
    for kwal in register.for_skill(skill.uri):
        typer.echo(f"  kwalificatie {kwal.crebo} {kwal.name}")
    for occupation, essential in _occupations_of(vocabulary, skill.uri)[:12]:
        typer.echo(f"  {'essentieel' if essential else 'optioneel'} voor / {'essential' if essential else 'optional'} "
                   f"for: {occupation}")
    typer.echo(f"Labels: {ATTRIBUTION}")


def _occupations_of(vocabulary: SkillsVocabulary, uri: str) -> list[tuple[str, bool]]:
    """The ESCO occupations listing skill ``uri`` (their Dutch label), essential ones first."""
    essential = vocabulary.index.occupations_with([uri])
    every = vocabulary.index.occupations_with([uri], essential_only=False)
    found = vocabulary.index.concepts(every)
    return sorted(((found[o].label("nl") if o in found else o, o in essential) for o in every), key=lambda x: (not x[1], x[0]))
