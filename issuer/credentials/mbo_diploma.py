"""``MboDiploma``: the mbo diploma a ROC issues on behalf of its examencommissie.

Usage::

    credential = build_mbo_diploma(
        {"issuer_name": "ROC Voorbeeldstad", "examencommissie": "Examencommissie Horeca & Techniek",
         "learner_name": "Bram Voorbeeld", "crebo": "25656", "leerweg": "BBL", "date": "2025-07-01",
         "keuzedelen": "K0186"},                      # a keuzedeel the register lists for 25656
        issuer="did:web:roc.example",
    )

Row fields: crebo, leerweg (BOL/BBL), date (of the diploma) and the learner's and issuer's names are
required; name, niveau and kwalificatiedossier come from the bundled register for a known crebo.
The skills are those the row lists (``skills``, assessed in the exams: ``evidenceKind`` ``exam``) plus
the kwalificatie's CompetentNL skills by the official SBB/CompetentNL link (``kwalificatieLink``).
The register's ESCO skills for a kwalificatie come from a *suggested* kwalificatie→occupation match:
they are never signed as proven.
"""

from __future__ import annotations

from typing import Any, Mapping

from skillspas.issuer.credentials._achievement import (
    Context, Row, invalid_field, achievement, not_in_register, alignments, check_register, envelope, finish, kwalificatie_node,
)
from skillspas.schemas.catalogue import CATALOGUE
from skillspas.schemas.errors import shown
from skillspas.schemas.kwalificaties import NIVEAU_NAMES, Kwalificaties
from skillspas.schemas.vocab import SkillsVocabulary

__all__ = ["build_mbo_diploma", "keuzedelen", "check_keuzedeel"]


def check_keuzedeel(context: Context, code: Any, crebo: str, key: str) -> None:
    """A keuzedeel must be listed in the register for kwalificatie ``crebo`` (else refused or noted)."""
    entry = context.register.entry(code) if isinstance(code, str) else None
    if entry is None or entry.kind != "keuzedeel":
        context.refuse_or_note(key, nl=f"Keuzedeel {shown(code, 20)} staat niet in het register.",
                               en=f"Keuzedeel {shown(code, 20)} is not in the register.")
    elif crebo not in entry.part_of:
        listed = ", ".join(entry.part_of) or "geen / none"
        context.refuse_or_note(
            key,
            nl=f"Keuzedeel {code} ({entry.name}) staat in het register niet bij kwalificatie {crebo} (wel bij: {listed}).",
            en=f"Keuzedeel {code} ({entry.name}) is not listed for kwalificatie {crebo} in the register (listed for: {listed}).",
        )


def keuzedelen(row: Row, context: Context, crebo: str) -> list[dict[str, Any]]:
    """Keuzedeel nodes from codes (names from the register) or ``{code, name}`` objects; each must be
    listed in the register for kwalificatie ``crebo``."""
    nodes = []
    for item in row.items("keuzedelen"):
        code = (item.get("code") if isinstance(item, dict) else item) or ""
        known = context.register.keuzedeel(code) if isinstance(code, str) else None
        check_keuzedeel(context, code, crebo, "keuzedelen")
        name = (item.get("name") if isinstance(item, dict) else None) or (known.name if known else None)
        if not name:
            raise invalid_field("keuzedelen", code, "bekende keuzedeelcodes of {code, name}-paren",
                           "known keuzedeel codes or {code, name} pairs")
        node: dict[str, Any] = {"type": ["Keuzedeel"], "code": code, "name": name}
        if known is not None and known.sbu:
            node["sbu"] = known.sbu
        nodes.append(node)
    return nodes


def build_mbo_diploma(
    row: Mapping[str, Any],
    *,
    issuer: str | None = None,
    vocabulary: SkillsVocabulary | None = None,
    register: Kwalificaties | None = None,
    allow_unregistered: bool = False,
) -> dict[str, Any]:
    """An unsigned, schema-valid ``MboDiploma`` credential from a plain row.

    A crebo, keuzedeel not in the register (or not for this kwalificatie) is refused
    (``not_in_register``) unless ``allow_unregistered``; then the achievement says so.
    """
    context = Context.default(vocabulary, register, allow_unregistered)
    data = Row(row)
    kwalificatie, known = kwalificatie_node(data, context)
    linked = [uri for uri, _ in context.register.links(kwalificatie["crebo"])]  # the SBB/CompetentNL link
    skills = alignments(data.items("skills"), context, CATALOGUE["MboDiploma"].evidence) + alignments(linked, context, "kwalificatieLink", key="crebo")
    name, crebo = kwalificatie["name"], kwalificatie["crebo"]
    dossier = kwalificatie.get("kwalificatiedossier")
    in_dossier = f", kwalificatiedossier {dossier['name']} ({dossier['crebo']})" if dossier else ""
    level_name = known.niveau_name if known else NIVEAU_NAMES.get(kwalificatie["niveau"])
    level = f"niveau {kwalificatie['niveau']}" + (f" ({level_name})" if level_name else "")
    subject = {
        "leerweg": (data.text("leerweg", required=True) or "").upper(),
        **({"keuzedelen": keuzedelen(data, context, crebo)} if data.items("keuzedelen") else {}),
        "achievement": not_in_register(achievement(
            "mbo-diploma", crebo,
            achievement_type="Diploma",
            name=name,
            description=f"Mbo-diploma {name} (crebo {crebo}), {level}{in_dossier}.",
            criteria=f"Alle onderdelen van kwalificatie {name} ({crebo}) behaald volgens het examenplan; "
            "diploma uitgereikt door de examencommissie.",
            skills=skills,
            human_code=crebo,
            extra={"kwalificatie": kwalificatie},
        ), context),
    }
    credential = envelope("MboDiploma", data, issuer=issuer, name=f"Mbo-diploma {name}", subject=subject)
    finish(credential)
    check_register(kwalificatie, known, "/credentialSubject/achievement/kwalificatie")
    return credential
