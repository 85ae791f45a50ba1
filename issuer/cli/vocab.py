"""``skillspas vocab``: search, show and import the skills vocabulary (ESCO, CompetentNL), offline.

Its own module so that ``skillspas vocab search`` loads neither the issuer's builders nor its signer.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Optional

import typer

from skillspas.schemas.datafolder import data_folder
from skillspas.schemas.errors import ErrorCode, SkillspasError, localized_error, shown
from skillspas.schemas.kwalificaties import Kwalificaties
from skillspas.schemas.report import refuse
from skillspas.schemas.vocab import ATTRIBUTION, SkillsVocabulary, import_esco, shown_label

__all__ = ["vocab_app", "HomeOption"]

vocab_app = typer.Typer(help="The skills vocabulary (ESCO, CompetentNL) / De vaardighedenlijst.", no_args_is_help=True)
HomeOption = Annotated[Optional[Path], typer.Option("--home", help="skillspas data folder (imported vocabularies)")]




def _describe(labels: dict[str, str]) -> str:
    """A skill's Dutch and English label; an English label alone is marked as such ("dispose waste (Engels)")."""
    if not labels.get("nl"):
        return shown_label(labels, "nl", "?")
    return " / ".join(dict.fromkeys(x for x in (labels["nl"], labels.get("en")) if x))


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
        found = SkillsVocabulary.load(data_folder(home)).index.search(query, limit=limit, kinds=kinds,
                                                                    relations=not occupations)
    except SkillspasError as exc:
        raise refuse(exc) from None
    if as_json:
        typer.echo(json.dumps(found.to_json(), indent=2, ensure_ascii=False))
        return
    said = shown(query, 200, quoted=True)  # in quotes, control characters escaped: no terminal sequence echoed
    if not found.hits:
        typer.echo(f"Niets gevonden voor {said} / Nothing found for {said}.")
    elif found.ambiguous:
        typer.echo(f"{said} past bij meerdere; kies er één / matches several; pick one:")
    for hit in found.hits:
        concept = hit.concept
        via = f"; via {hit.via.shown_label('nl')}" if hit.via else ""
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
    folder = data_folder(home)
    try:
        result = import_esco(sources, folder, replace=replace)
    except SkillspasError as exc:
        raise refuse(exc) from None
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
        vocabulary = SkillsVocabulary.load(data_folder(home))
    except SkillspasError as exc:
        raise refuse(exc) from None
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
        typer.echo(f"  ESCO ({_mapping_note(kwalificatie.mapping_status)}):")
        for uri in kwalificatie.esco_skills:
            skill = vocabulary.get(uri)
            typer.echo(f"    {shown_label(skill.labels, 'nl', uri) if skill else '?'}  {uri}")
        typer.echo("  CompetentNL:")
        for uri, label in kwalificatie.competentnl:
            typer.echo(f"    {label}  {uri}")
        return
    skill = vocabulary.get(item.strip())
    if skill is None:
        raise refuse(localized_error(ErrorCode.NOT_FOUND, en=f"no skill URI or crebo code {shown(item, quoted=True)} in the vocabulary",
                                     nl=f"geen vaardigheid-URI of crebocode {shown(item, quoted=True)} in de vaardighedenlijst"))
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


def _mapping_note(status: str | None) -> str:
    """The status of a kwalificatie's ESCO skills in Dutch and English: "suggested" (the register's own word) is
    a mapping nobody made official; the source note after it, and any other status, stay as the register has them."""
    status = status or "suggested"
    if not status.startswith("suggested"):
        return status
    source = status.removeprefix("suggested").strip().removeprefix("(").removesuffix(")").strip()
    return "voorgesteld, niet officieel / suggested, not official" + (f"; {source}" if source else "")


def _occupations_of(vocabulary: SkillsVocabulary, uri: str) -> list[tuple[str, bool]]:
    """The ESCO occupations listing skill ``uri`` (their Dutch label, or their English one marked), essential first."""
    essential = vocabulary.index.occupations_with([uri])
    every = vocabulary.index.occupations_with([uri], essential_only=False)
    found = vocabulary.index.concepts(every)
    return sorted(((found[o].shown_label("nl") if o in found else o, o in essential) for o in every), key=lambda x: (not x[1], x[0]))
