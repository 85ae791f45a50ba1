"""``skillspas vocab``: search, show and import the skills vocabulary (ESCO, CompetentNL), offline.

Its own module so that ``skillspas vocab search`` loads neither the issuer's builders nor its signer.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Annotated, Optional

import typer

from skillspas.schemas.errors import SkillspasError
from skillspas.schemas.kwalificaties import Kwalificaties
from skillspas.schemas.type_schemas import localized_text
from skillspas.schemas.vocab import Skill, SkillsVocabulary, import_esco

__all__ = ["vocab_app", "data_home", "fail_localized", "HomeOption"]

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


def fail_localized(error: SkillspasError) -> typer.Exit:
    """Print a coded refusal in Dutch and English; return the Exit to raise."""
    where = f" ({error.path})" if error.path else ""
    typer.echo(f"fout [{error.code.value}]{where}: {localized_text(error, 'nl')}", err=True)
    typer.echo(f"error [{error.code.value}]{where}: {localized_text(error, 'en')}", err=True)
    return typer.Exit(error.code.exit_code)


_fail = fail_localized


def _describe(skill: Skill) -> str:
    other = skill.labels.get("en") if skill.label("nl") != skill.labels.get("en") else None
    return skill.label("nl") + (f" / {other}" if other else "")


@vocab_app.command("search")
def vocab_search(
    query: Annotated[str, typer.Argument(help="Words to look for, Dutch or English / Zoekwoorden")],
    limit: Annotated[int, typer.Option(help="Most results shown")] = 20,
    as_json: Annotated[bool, typer.Option("--json", help="Print the results as JSON")] = False,
    home: HomeOption = None,
) -> None:
    """Find skills by label (nl, en) / Vaardigheden zoeken op naam."""
    try:
        found = SkillsVocabulary.load(data_home(home)).search(query, limit=limit)
    except SkillspasError as exc:
        raise _fail(exc) from None
    if as_json:
        typer.echo(json.dumps([
            {"uri": s.uri, "framework": s.framework, "labels": dict(s.labels), "skillType": s.skill_type} for s in found
        ], indent=2, ensure_ascii=False))
        return
    if not found:
        typer.echo(f"Geen vaardigheden gevonden voor '{query}' / No skills found for '{query}'.")
    for skill in found:
        typer.echo(f"{_describe(skill)}\n    {skill.uri}  [{skill.framework}{', ' + skill.skill_type if skill.skill_type else ''}]")


@vocab_app.command("import")
def vocab_import(
    source: Annotated[Path, typer.Argument(help="The official ESCO CSV download: the zip, or a folder with its files")],
    home: HomeOption = None,
) -> None:
    """Add the full ESCO set (and its labels) from the official CSV download / ESCO importeren."""
    folder = data_home(home)
    try:
        result = import_esco(source, folder)
    except SkillspasError as exc:
        raise _fail(exc) from None
    for lang, count in result.counts.items():
        typer.echo(f"{count} ESCO-vaardigheden ({lang}) geïmporteerd / {count} ESCO skills ({lang}) imported")
    typer.echo(f"{result.new} nieuw / new; {', '.join(str(p) for p in result.paths)}")


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
    typer.echo(_describe(skill))
    typer.echo(f"  {skill.uri}")
    typer.echo(f"  {skill.framework}" + (f", {skill.skill_type}" if skill.skill_type else "")
               + (f", {skill.reuse_level}" if skill.reuse_level else ""))
    for lang, text in skill.description.items():
        typer.echo(f"  [{lang}] {text}")
    for lang, labels in skill.alt_labels.items():
        if labels:
            typer.echo(f"  [{lang}] ook / also: {'; '.join(labels[:8])}")
    for kwal in register.for_skill(skill.uri):
        typer.echo(f"  kwalificatie {kwal.crebo} {kwal.name}")
