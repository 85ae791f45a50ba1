"""``Ervaringscertificaat``: the result of an EVC procedure by a recognised EVC provider.

Usage::

    credential = build_ervaringscertificaat(
        {"issuer_name": "EVC-Centrum Kompas", "recognition_id": "...", "learner_name": "Chantal Proefpersoon",
         "crebo": "25786", "werkprocessen": "B1-K1-W1; B1-K1-W3", "assessment_date": "2025-05-20",
         "assessment_method": "portfolio; criteriumgericht interview", "date": "2025-05-20",
         "skills": ["http://data.europa.eu/esco/skill/13e1c0a2-b90d-46f4-be51-11730360b38d"]},
        issuer="did:web:evc.example",
    )

The standard assessed against is a kwalificatie (``crebo``; werkproces titles from the register), its
kwalificatiedossier (``standard_type`` kwalificatiedossier: the dossier's own code and name, e.g.
23085 Keuken) or a named branche- or beroepsstandaard (``standard_type``, ``standard_name``,
``standard_code``, ``competencies``). An ervaringscertificaat has no fixed end date (NKC-EVC): a
``valid_until`` is refused; a verifier shows its age. ``route`` (arbeidsmarkt, onderwijs) and
``career_goal`` say what the procedure was for; ``counts_toward`` what it counts toward.
"""

from __future__ import annotations

from typing import Any, Mapping

from skillspas.issuer.credentials._achievement import (
    Context, Row, invalid_field, achievement, not_in_register, alignments, check_register, counts_toward, envelope, finish,
    kwalificatie_node, werkprocessen,
)
from skillspas.schemas.catalogue import CATALOGUE
from skillspas.schemas.kwalificaties import Kwalificaties
from skillspas.schemas.vocab import SkillsVocabulary

__all__ = ["build_ervaringscertificaat"]

_STANDARDS = ("kwalificatie", "kwalificatiedossier", "branchestandaard", "beroepsstandaard")
_ROUTES = ("arbeidsmarkt", "onderwijs")


def build_ervaringscertificaat(
    row: Mapping[str, Any],
    *,
    issuer: str | None = None,
    vocabulary: SkillsVocabulary | None = None,
    register: Kwalificaties | None = None,
    allow_unregistered: bool = False,
) -> dict[str, Any]:
    """An unsigned, schema-valid ``Ervaringscertificaat`` credential from a plain row."""
    context = Context.default(vocabulary, register, allow_unregistered)
    data = Row(row)
    kind = (data.text("standard_type") or "kwalificatie").lower()
    if kind not in _STANDARDS:
        raise invalid_field("standard_type", kind, "kwalificatie, kwalificatiedossier, branchestandaard of beroepsstandaard",
                       "kwalificatie, kwalificatiedossier, branchestandaard or beroepsstandaard")
    subject: dict[str, Any] = {}
    extra: dict[str, Any] = {}
    known = kwalificatie = None
    if kind in ("kwalificatie", "kwalificatiedossier"):
        kwalificatie, known = kwalificatie_node(data, context)
        # The standard is what it really is: the kwalificatie (25180 Kok), or its dossier (23085 Keuken).
        dossier = kwalificatie.get("kwalificatiedossier") if kind == "kwalificatiedossier" else kwalificatie
        if not dossier:
            raise invalid_field("standard_type", kind, "kwalificatie (het kwalificatiedossier van deze crebo is onbekend)",
                                "kwalificatie (the kwalificatiedossier of this crebo is unknown)")
        standard = {"type": ["EvcStandard"], "standardType": kind, "name": dossier["name"], "crebo": dossier["crebo"]}
        subject["werkprocessen"] = werkprocessen(data, known)
        extra["kwalificatie"] = kwalificatie
        about = f"kwalificatie {kwalificatie['name']} ({kwalificatie['crebo']})"
    else:
        standard = {"type": ["EvcStandard"], "standardType": kind, "name": data.text("standard_name", required=True)}
        if data.text("standard_code"):
            standard["code"] = data.text("standard_code")
        subject["competencies"] = [
            {"type": ["Competency"], **({"code": c["code"]} if isinstance(c, dict) and c.get("code") else {}),
             "name": c.get("name") if isinstance(c, dict) else c}
            for c in data.items("competencies", required=True)
        ]
        about = f"{kind} {standard['name']}"
    methods = data.items("assessment_method", required=True)
    subject["assessmentDate"] = data.date("assessment_date", required=True)
    subject["assessmentMethod"] = methods
    if data.text("route"):
        route = (data.text("route") or "").lower().removesuffix("route")
        if route not in _ROUTES:
            raise invalid_field("route", route, "arbeidsmarkt of onderwijs", "arbeidsmarkt or onderwijs")
        subject["route"] = route
    if data.text("career_goal"):
        subject["careerGoal"] = data.text("career_goal")
    toward = counts_toward(data, context, kwalificatie["crebo"] if kwalificatie else None)
    if toward:
        extra["countsToward"] = toward
    subject["achievement"] = not_in_register(achievement(
        "ervaringscertificaat", f"{kind}/{standard.get('crebo') or standard['name']}",
        achievement_type="ext:Ervaringscertificaat",
        name=f"Ervaringscertificaat {standard['name']}",
        description=f"Ervaringscertificaat na een EVC-procedure volgens de Kwaliteitscode EVC, beoordeeld "
        f"tegen {about}.",
        criteria=f"De erkende onderdelen zijn aangetoond in een EVC-procedure ({', '.join(map(str, methods))}) "
        "en beoordeeld door een erkende EVC-aanbieder.",
        skills=alignments(data.items("skills"), context, CATALOGUE["Ervaringscertificaat"].evidence),
        human_code=standard.get("crebo") or standard.get("code"),
        extra={"evcStandard": standard, **extra},
    ), context)
    credential = envelope(
        "Ervaringscertificaat", data, issuer=issuer, name=f"Ervaringscertificaat {standard['name']}", subject=subject,
        issuer_extra={"recognitionId": data.text("recognition_id", required=True)},
    )
    finish(credential)
    if kwalificatie is not None:
        check_register(kwalificatie, known, "/credentialSubject/achievement/kwalificatie")
    return credential
