"""The werk-naar-werk bridge: a verified passport against a target occupation (ESCO) or kwalificatie (crebo).

Usage::

    summary = summarize_skills(Verifier(bundle=bundle).verify(passport))   # only verified credentials count
    result = bridge(summary, occupation="kok")           # or occupation=<ESCO URI>, or crebo="25180"
    result.covered, result.missing, result.suggestions   # each covered skill with its proving credentials
    result.to_json()                                     # what the page, PDF and service show

The target's skills come from real links only: an ESCO occupation's essential and optional skills
(ESCO v1.1.1 ``occupationSkillRelations``), a kwalificatie's CompetentNL skills (the SBB educational
norm). A skill counts as covered when a verified credential aligns to that exact URI; ESCO and
CompetentNL are never compared (no crosswalk exists in the data), and the passport's skills of the
other framework are listed as not comparable. Suggestions for the gap are kwalificaties whose links
cover missing skills: through the SBB/CompetentNL link, or through the kwalificatie's suggested ESCO
occupation and that occupation's ESCO relations; they are suggestions, never facts.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final

from skillspas.schemas.errors import ErrorCode, localized_error, shown
from skillspas.schemas.kwalificaties import Kwalificaties
from skillspas.schemas.vocab_index import ATTRIBUTION, Concept, VocabIndex
from skillspas.verifier.summary import Evidence, ProvenSkill, SkillsSummary

__all__ = ["BridgeSkill", "Suggestion", "BridgeResult", "bridge", "MAX_SUGGESTIONS"]

MAX_SUGGESTIONS: Final = 5
_VIA_LINK: Final = "competentnl-link"
_VIA_OCCUPATION: Final = "esco-occupation"
_BASIS: Final = {
    _VIA_LINK: {"nl": "SBB/CompetentNL-koppeling van de kwalificatie",
                "en": "the kwalificatie's SBB/CompetentNL link"},
    _VIA_OCCUPATION: {"nl": "voorgesteld ESCO-beroep van de kwalificatie en de ESCO-relaties (geen officiële koppeling)",
                      "en": "the kwalificatie's suggested ESCO occupation and ESCO's relations (not an official crosswalk)"},
}
_HELD: Final = {"nl": "al behaald: dit paspoort heeft er een geldig bewijsstuk van",
                "en": "already held: this passport has a verified credential of it"}


@dataclass(frozen=True)
class BridgeSkill:
    """One skill the target asks for: essential or optional, covered (with its evidence) or missing."""

    concept: Concept
    essential: bool
    evidence: tuple[Evidence, ...] = ()

    @property
    def covered(self) -> bool:
        return bool(self.evidence)

    def to_json(self) -> dict[str, Any]:
        return {**self.concept.to_json(), "essential": self.essential, "covered": self.covered,
                "evidence": [e.to_json() for e in self.evidence]}


@dataclass(frozen=True)
class Suggestion:
    """A kwalificatie that covers part of the gap: a suggestion with its basis and share of the gap."""

    crebo: str
    name: str
    closes: tuple[str, ...]
    """The missing skills (URIs) it covers."""
    share: float
    """``len(closes)`` / the number of missing skills."""
    basis: str
    """``competentnl-link`` or ``esco-occupation`` (see ``_BASIS``)."""
    held: bool
    """The passport already holds a verified credential for this kwalificatie."""
    parts: tuple[str, ...] = ()
    """Its mbo-certificaten and keuzedelen in the register (no skill links: shown, never counted)."""

    def to_json(self) -> dict[str, Any]:
        return {"kind": "kwalificatie", "crebo": self.crebo, "name": self.name, "closes": list(self.closes),
                "share": round(self.share, 3), "basis": self.basis, "basisLabel": dict(_BASIS[self.basis]),
                "alreadyHeld": self.held, "heldLabel": dict(_HELD) if self.held else None, "parts": list(self.parts),
                "suggestion": True}


@dataclass(frozen=True)
class BridgeResult:
    """The target's skills, covered or missing, suggestions for the gap, and what cannot be compared."""

    target: dict[str, Any]
    skills: tuple[BridgeSkill, ...]
    suggestions: tuple[Suggestion, ...]
    not_comparable: tuple[ProvenSkill, ...]
    notes: tuple[dict[str, str], ...] = ()

    @property
    def covered(self) -> tuple[BridgeSkill, ...]:
        return tuple(s for s in self.skills if s.covered)

    @property
    def missing(self) -> tuple[BridgeSkill, ...]:
        return tuple(s for s in self.skills if not s.covered)

    def to_json(self) -> dict[str, Any]:
        essential = [s for s in self.skills if s.essential]
        return {
            "target": self.target,
            "essential": {"covered": sum(s.covered for s in essential), "total": len(essential)},
            "optional": {"covered": sum(s.covered for s in self.skills if not s.essential),
                         "total": len(self.skills) - len(essential)},
            "skills": [s.to_json() for s in self.skills],
            "suggestions": [s.to_json() for s in self.suggestions],
            "notComparable": [{**p.to_json(), "reason": {
                "nl": "geen koppeling tussen ESCO en CompetentNL in de gegevens",
                "en": "no ESCO-CompetentNL link in the data"}} for p in self.not_comparable],
            "notes": list(self.notes),
            "attribution": ATTRIBUTION,
        }


def bridge(
    summary: SkillsSummary,
    *,
    occupation: str | None = None,
    crebo: str | None = None,
    index: VocabIndex | None = None,
    register: Kwalificaties | None = None,
) -> BridgeResult:
    """The bridge from a verified passport (``summary``) to an ESCO occupation (name or URI) or a crebo.

    Raises a coded ``schema_invalid`` for no or two targets, an unknown crebo, or an occupation name
    that is unknown or fits several occupations (the message lists the candidates).
    """
    if (occupation is None) == (crebo is None):
        raise localized_error(ErrorCode.SCHEMA_INVALID, nl="Kies één doel: een beroep of een crebo-code.",
                              en="Choose one target: an occupation or a crebo code.")
    index = index or VocabIndex.open()
    register = register or Kwalificaties.bundled()
    held = _held_crebos(summary)
    if occupation is not None:
        target = index.occupation_named(occupation)
        wanted = [(skill, essential) for skill, essential in index.skills_of(target.uri)]
        info = {"kind": "occupation", **target.to_json()}
        framework = "ESCO"
    else:
        assert crebo is not None  # one target, checked above
        code = crebo.strip()
        entry = register.entry(code)
        if entry is None or entry.kind != "kwalificatie":
            raise localized_error(ErrorCode.SCHEMA_INVALID,
                                  nl=f"Crebo {shown(code, 20)} staat niet als kwalificatie in het register.",
                                  en=f"Crebo {shown(code, 20)} is not a kwalificatie in the register.")
        links = index.concepts(uri for uri, _ in register.links(code))
        wanted = [(links[uri], True) for uri, _ in register.links(code) if uri in links]
        info = {"kind": "kwalificatie", "crebo": code, "label": {"nl": entry.name, "en": entry.name}, "source": entry.source}
        framework = "CompetentNL"
    skills = tuple(BridgeSkill(c, essential, _evidence(summary.get(c.uri))) for c, essential in wanted)
    notes = () if wanted else ({"nl": "Voor dit doel staan geen vaardigheden in de gegevens.",
                                "en": "The data lists no skills for this target."},)
    missing = [s.concept.uri for s in skills if not s.covered]
    return BridgeResult(
        info, skills, _suggestions(missing, framework, index, register, held),
        tuple(p for p in summary.skills if (p.framework or "") != framework), notes,
    )


def _evidence(proven: ProvenSkill | None) -> tuple[Evidence, ...]:
    return proven.evidence if proven is not None else ()


def _held_crebos(summary: SkillsSummary) -> set[str]:
    """Crebos the passport's verified credentials name (a diploma's title carries none: use the skills' evidence)."""
    return {e.title for s in summary.skills for e in s.evidence if e.kind == "diploma" and e.title}


def _suggestions(missing: list[str], framework: str, index: VocabIndex, register: Kwalificaties,
                 held: set[str]) -> tuple[Suggestion, ...]:
    """Kwalificaties covering missing skills, largest share first (at most ``MAX_SUGGESTIONS``)."""
    if not missing:
        return ()
    gap = set(missing)
    found: list[tuple[str, set[str], str]] = []
    if framework == "CompetentNL":
        by_crebo: dict[str, set[str]] = {}
        with_skill = register.crebos_with_skill()
        for uri in missing:
            for code in with_skill.get(uri, ()):
                by_crebo.setdefault(code, set()).add(uri)
        found = [(code, uris, _VIA_LINK) for code, uris in by_crebo.items()]
    else:
        for kwalificatie in register.all():
            covers = gap & set(kwalificatie.esco_skills)
            if kwalificatie.esco_occupation:
                covers |= gap & {s.uri for s, essential in index.skills_of(kwalificatie.esco_occupation) if essential}
            if covers:
                found.append((kwalificatie.crebo, covers, _VIA_OCCUPATION))
    found.sort(key=lambda item: (-len(item[1]), item[0]))
    suggestions = []
    for code, covers, basis in found[:MAX_SUGGESTIONS]:
        entry = register.entry(code)
        name = entry.name if entry else code
        parts = tuple(e.code for e in register.parts_of(code))
        suggestions.append(Suggestion(code, name, tuple(u for u in missing if u in covers), len(covers) / len(gap),
                                      basis, any(name in title for title in held), parts))
    return tuple(suggestions)
