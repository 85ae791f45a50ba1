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
other framework are listed as not comparable, with one sentence beside the count that says so, names their
credentials and, for an occupation, the kwalificaties those credentials show whose official links hold them
(``compareInstead``: the bridge to that crebo counts them). Suggestions for the gap are kwalificaties whose links
cover missing skills: through the SBB/CompetentNL link, or through the kwalificatie's suggested ESCO
occupation and that occupation's ESCO relations; they are suggestions, never facts.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final

from skillspas.schemas.errors import ErrorCode, localized_error, shown
from skillspas.schemas.kwalificaties import Kwalificaties
from skillspas.schemas.vocab_index import ATTRIBUTION, Concept, VocabIndex
from skillspas.verifier.summary import EVIDENCE_KINDS, Evidence, ProvenSkill, SkillsSummary

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
_MAX_NAMED: Final = 3
"""Credentials named in the sentence on what was not compared; more are counted ("en 2 andere")."""
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
    framework: str = "ESCO"
    """The framework of the target's skills: the only one the counts compare."""
    compare_instead: tuple[tuple[str, str], ...] = ()
    """(crebo, name) of kwalificaties the passport shows whose official links hold not comparable skills."""

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
            "notComparedNote": self.not_compared_note(),
            "compareInstead": [{"crebo": code, "name": name} for code, name in self.compare_instead],
            "notes": list(self.notes),
            "attribution": ATTRIBUTION,
        }

    def not_compared_note(self) -> dict[str, str] | None:
        """What the counts leave out, why, and where it is counted, in Dutch and English; ``None`` when nothing is."""
        if not self.not_comparable:
            return None
        n, target = len(self.not_comparable), self.framework
        frameworks = sorted({p.framework or "" for p in self.not_comparable})
        where = {"nl": " of ".join(f or "een ander kader" for f in frameworks),
                 "en": " or ".join(f or "another framework" for f in frameworks)}
        named = {lang: _credential_names(self.not_comparable, lang) for lang in ("nl", "en")}
        one = n == 1
        nl = (f"Alleen {target}-vaardigheden zijn vergeleken. {n} bewezen {'vaardigheid' if one else 'vaardigheden'} van "
              f"{named['nl']} {'is' if one else 'zijn'} niet meegeteld: {'die staat' if one else 'die staan'} in "
              f"{where['nl']}, en de gegevens bevatten geen koppeling tussen {where['nl']} en {target}. Een ontbrekende "
              f"{target}-vaardigheid kan daardoor toch gedekt zijn.")
        en = (f"Only {target} skills were compared. {n} proven {'skill' if one else 'skills'} of {named['en']} "
              f"{'was' if one else 'were'} not counted: {'it is' if one else 'they are'} in {where['en']}, and the data "
              f"has no link between {where['en']} and {target}. A {target} skill missing here may therefore still be covered.")
        if self.compare_instead:
            kwalificaties = ", ".join(f"{name} (crebo {code})" for code, name in self.compare_instead)
            nl += f" Vergelijk met de kwalificatie {kwalificaties} om ze te tellen."
            en += f" Compare with the kwalificatie {kwalificaties} to count them."
        return {"nl": nl, "en": en}


def _credential_names(skills: tuple[ProvenSkill, ...], lang: str) -> str:
    """The credentials proving ``skills`` by title (else kind), at most ``_MAX_NAMED``, the rest counted."""
    names = list(dict.fromkeys(e.title or EVIDENCE_KINDS[e.kind][lang] for p in skills for e in p.evidence))
    shown, rest = names[:_MAX_NAMED], len(names) - _MAX_NAMED
    if rest > 0:
        return ", ".join(shown) + (f" en {rest} andere" if lang == "nl" else f" and {rest} more")
    if len(shown) > 1:
        return ", ".join(shown[:-1]) + (" en " if lang == "nl" else " and ") + shown[-1]
    return shown[0] if shown else ("bewijsstukken" if lang == "nl" else "credentials")


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
        name = {"nl": entry.name, "en": entry.name}  # the register's own name, of no other language to mark
        info = {"kind": "kwalificatie", "crebo": code, "label": name, "shownLabel": dict(name), "source": entry.source}
        framework = "CompetentNL"
    skills = tuple(BridgeSkill(c, essential, _evidence(summary.get(c.uri))) for c, essential in wanted)
    notes = () if wanted else ({"nl": "Voor dit doel staan geen vaardigheden in de gegevens.",
                                "en": "The data lists no skills for this target."},)
    missing = [s.concept.uri for s in skills if not s.covered]
    apart = tuple(p for p in summary.skills if (p.framework or "") != framework)
    return BridgeResult(
        info, skills, _suggestions(missing, framework, index, register, held), apart, notes, framework,
        _compare_instead(apart, summary, register) if framework == "ESCO" else (),
    )


def _compare_instead(apart: tuple[ProvenSkill, ...], summary: SkillsSummary, register: Kwalificaties) -> tuple[tuple[str, str], ...]:
    """The kwalificaties of the credentials that prove skills an ESCO comparison leaves apart (``summary.progress``),
    where the kwalificatie's official SBB/CompetentNL links hold such a skill that its credential proves."""
    found = []
    for step in summary.progress:
        linked = {uri for uri, _ in register.links(step.crebo)}
        if any(p.uri in linked and any(e.credential in step.credentials for e in p.evidence) for p in apart):
            found.append((step.crebo, step.name))
    return tuple(found)


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
