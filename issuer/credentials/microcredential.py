"""``MicroCredential``: a short course by an employer or training provider, with the EU's mandatory elements.

Usage::

    credential = build_microcredential(
        {"issuer_name": "Bouwbedrijf Steenrood", "learner_name": "Esra Demodata", "title": "Veilig werken op hoogte",
         "description": "...", "date": "2025-10-03", "hours": 8, "assessment_method": "praktijkopdracht",
         "participation": "onsite", "quality_assurance": "...",
         "skills": ["http://data.europa.eu/esco/skill/fafbb75f-ec35-4cc2-996a-20c85ef6c266"]},
        issuer="did:web:steenrood.example",
    )

The Council Recommendation of 16 June 2022 (2022/C 243/02) lists the mandatory elements: learner,
title, country of the awarding body, awarding body, date, learning outcomes (the skills, and
``learning_outcomes`` in words: required, ``missing_learning_outcomes`` without them), workload (``hours``, ``ects``), level (``eqf``/``nlqf``, if any),
type of assessment, form of participation (online, onsite, blended) and quality assurance.
"""

from __future__ import annotations

from typing import Any, Mapping
from urllib.parse import urlencode

from skillspas.issuer.credentials._achievement import (
    Context, Row, achievement, alignments, counts_toward, country, envelope, finish,
)
from skillspas.schemas.catalogue import CATALOGUE
from skillspas.schemas.kwalificaties import Kwalificaties, eqf_uri
from skillspas.schemas.vocab import SkillsVocabulary

__all__ = ["build_microcredential"]


def build_microcredential(
    row: Mapping[str, Any],
    *,
    issuer: str | None = None,
    vocabulary: SkillsVocabulary | None = None,
    register: Kwalificaties | None = None,
    allow_unregistered: bool = False,
) -> dict[str, Any]:
    """An unsigned, schema-valid ``MicroCredential`` from a plain row."""
    context = Context.default(vocabulary, register, allow_unregistered)
    data = Row(row)
    title = data.text("title", required=True) or ""
    workload: dict[str, Any] = {"type": ["Workload"], "hours": data.number("hours", required=True)}
    if data.number("ects") is not None:
        workload["ects"] = data.number("ects")
    extra: dict[str, Any] = {"workload": workload}
    if data.raw("eqf") is not None:
        level = data.integer("eqf")
        extra["eqf"] = eqf_uri(level) if level is not None else data.text("eqf")
    if data.integer("nlqf") is not None:
        extra["nlqf"] = data.integer("nlqf")
    extra["assessmentMethod"] = data.items("assessment_method", required=True)
    extra["participation"] = (data.text("participation", required=True) or "").lower()
    extra["qualityAssurance"] = data.text("quality_assurance", required=True)
    if data.items("learning_outcomes"):
        extra["learningOutcomes"] = data.items("learning_outcomes")
    if data.text("prerequisites"):
        extra["prerequisites"] = data.text("prerequisites")
    if data.items("counts_toward"):
        extra["countsToward"] = counts_toward(data, context)
    issuer_name = data.text("issuer_name", required=True)
    subject = {
        "achievement": achievement(
            "microcredential", _achievement_code(data.text("issuer_id") or issuer, title, extra),
            achievement_type="MicroCredential",
            name=title,
            description=data.text("description", required=True) or "",
            criteria=data.text("criteria")
            or f"Beoordeling: {', '.join(map(str, extra['assessmentMethod']))}. Uitgegeven door {issuer_name}.",
            skills=alignments(data.items("skills"), context, CATALOGUE["MicroCredential"].evidence),
            extra=extra,
        ),
    }
    credential = envelope(
        "MicroCredential", data, issuer=issuer, name=f"Microcredential {title}", subject=subject,
        issuer_extra={"address": country(data)},
    )
    return finish(credential)


def _achievement_code(issuer: str | None, title: str, extra: Mapping[str, Any]) -> str:
    """What names a micro-credential's achievement (its id is a name-based UUID of it): the issuer, the title, and
    the workload (``hours``, ``ects``) and level (``eqf``, ``nlqf``) it was given, as read (a number is one number
    however it was written), so two courses of one title that differ in size or level are two achievements.
    Credentials issued before this named issuer and title only; they keep their ids (signed), new ones differ."""
    workload = extra["workload"]
    facets = (("hours", workload["hours"]), ("ects", workload.get("ects")), ("eqf", extra.get("eqf")),
              ("nlqf", extra.get("nlqf")))
    return f"{issuer}/{title}?{urlencode([(name, value) for name, value in facets if value is not None])}"
