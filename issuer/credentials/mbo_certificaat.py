"""``MboCertificaat``: an mbo-certificaat for part of a kwalificatie (C-code) or for a keuzedeel (K-code).

Usage::

    credential = build_mbo_certificaat(
        {"issuer_name": "ROC Voorbeeldstad", "learner_name": "Bram Voorbeeld", "crebo": "25656",
         "certificaat_code": "C0053", "date": "2025-02-14",
         "skills": ["http://data.europa.eu/esco/skill/24f980ba-b44f-4739-b563-205104c3190d"]},
        issuer="did:web:roc.example",
    )

The certificate's name comes from the bundled list for a known code (``certificaat_naam``
otherwise); ``crebo`` names the kwalificatie it belongs to. The row lists the ``skills`` the
certificate covers: there is no official mapping from a part of a kwalificatie to ESCO skills.
The kerntaken and werkprocessen it covers come from the register (C0021 covers B1-K1 and B1-K2 of
25180 Kok) or from the row (``kerntaken``); ``counts_toward`` names what else it counts toward.
"""

from __future__ import annotations

from typing import Any, Mapping

from skillspas.issuer.credentials._achievement import (
    Context, Row, achievement, not_in_register, alignments, check_register, counts_toward, envelope, field_error, finish,
    invalid_field, kwalificatie_node,
)
from skillspas.schemas.catalogue import CATALOGUE
from skillspas.schemas.kwalificaties import Kwalificatie
from skillspas.issuer.credentials.mbo_diploma import check_keuzedeel
from skillspas.schemas.kwalificaties import Kwalificaties
from skillspas.schemas.vocab import SkillsVocabulary

__all__ = ["build_mbo_certificaat"]


def _coverage(codes: list[str], known: Kwalificatie | None) -> dict[str, Any]:
    """The kerntaken a certificate covers and their werkprocessen (titles from the register), where known."""
    if not codes:
        return {}
    tasks = {k.code: k for k in known.kerntaken} if known else {}
    kerntaken, werkprocessen = [], []
    for code in codes:
        code = str(code).strip()
        task = tasks.get(code)
        if known is not None and tasks and task is None:
            raise invalid_field("kerntaken", code, f"een kerntaak van kwalificatie {known.crebo} {known.name}",
                                f"a core task of qualification {known.crebo} {known.name}")
        kerntaken.append({"type": ["Kerntaak"], "code": code, **({"name": task.title} if task and task.title else {})})
        werkprocessen += [{"type": ["Werkproces"], "code": w.code, "name": w.title} for w in (task.werkprocessen if task else ())]
    return {"kerntaken": kerntaken, **({"werkprocessen": werkprocessen} if werkprocessen else {})}


def build_mbo_certificaat(
    row: Mapping[str, Any],
    *,
    issuer: str | None = None,
    vocabulary: SkillsVocabulary | None = None,
    register: Kwalificaties | None = None,
    allow_unregistered: bool = False,
) -> dict[str, Any]:
    """An unsigned, schema-valid ``MboCertificaat`` credential from a plain row; a code the register
    does not list for the kwalificatie is refused (``not_in_register``) unless ``allow_unregistered``."""
    context = Context.default(vocabulary, register, allow_unregistered)
    data = Row(row)
    code = (data.text("certificaat_code", required=True) or "").upper()
    kwalificatie, known = kwalificatie_node(data, context)
    listed = context.register.certificaat(code) if code.startswith("C") else None
    keuzedeel = context.register.keuzedeel(code) if code.startswith("K") else None
    name = data.text("certificaat_naam") or (listed.name if listed else None) or (keuzedeel.name if keuzedeel else None)
    if not name:
        raise field_error(
            "certificaat_naam",
            nl=f"De naam van het mbo-certificaat ontbreekt (veld 'certificaat_naam'); {code} staat niet met naam "
            "in de meegeleverde lijst.",
            en=f"The name of the mbo certificate is missing (field 'certificaat_naam'); {code} is not listed with "
            "a name in the bundled list.",
        )
    if code.startswith("K"):
        check_keuzedeel(context, code, kwalificatie["crebo"], "certificaat_code")
    elif listed is None:
        context.refuse_or_note("certificaat_code", nl=f"Mbo-certificaat {code} staat niet in het register.",
                               en=f"mbo certificate {code} is not in the register.")
    elif listed.crebo != kwalificatie["crebo"]:
        context.refuse_or_note(
            "crebo",
            nl=f"Mbo-certificaat {code} hoort bij kwalificatie {listed.crebo}, niet bij {kwalificatie['crebo']}.",
            en=f"mbo certificate {code} belongs to qualification {listed.crebo}, not {kwalificatie['crebo']}.",
        )
    crebo, kname = kwalificatie["crebo"], kwalificatie["name"]
    if code.startswith("K"):
        description = f"Certificaat voor keuzedeel {code} {name}, behaald binnen de opleiding {kname} ({crebo})."
    else:
        description = f"Mbo-certificaat {code} {name}, onderdeel van kwalificatie {kname} ({crebo})."
    subject: dict[str, Any] = {}
    if data.text("leerweg"):
        subject["leerweg"] = (data.text("leerweg") or "").upper()
    subject["achievement"] = not_in_register(achievement(
        "mbo-certificaat", code,
        achievement_type="Certificate",
        name=name,
        description=description,
        criteria=f"Het onderdeel {code} is met een voldoende afgesloten volgens het examenplan; "
        "certificaat uitgereikt door de examencommissie.",
        skills=alignments(data.items("skills"), context, CATALOGUE["MboCertificaat"].evidence),
        human_code=code,
        extra={"certificaatCode": code, "kwalificatie": kwalificatie,
               **_coverage(data.items("kerntaken") or (list(listed.kerntaken) if listed else []), known),
               **({"countsToward": toward} if (toward := counts_toward(data, context, kwalificatie["crebo"])) else {})},
    ), context)
    credential = envelope("MboCertificaat", data, issuer=issuer, name=f"Mbo-certificaat {name}", subject=subject)
    finish(credential)
    check_register(kwalificatie, known, "/credentialSubject/achievement/kwalificatie")
    return credential
