"""The verified-skills summary of a passport, and its match against a vacancy.

Usage::

    result = Verifier(bundle=bundle).verify(presentation)        # a passport (or one credential)
    summary = summarize_skills(result)                          # only credentials that verified
    for skill in summary.skills:
        print(skill.label("nl"), [e.kind for e in skill.evidence])
    match = match_vacancy(summary, ["http://data.europa.eu/esco/skill/…", "hygiëne"])
    print(match.covered, match.missing)

A skill counts only when a credential that verified (proof, trust, validity, status) aligns to it:
claims of a credential that failed are never shown as facts (STYLE.md §7.4). Skills are
de-duplicated by URI (ESCO, or CompetentNL where a kwalificatie links one); each keeps every
credential that proves it and the kind of evidence (diploma, certificaat, EVC, praktijkverklaring,
micro-credential). Labels come from the bundled vocabulary in Dutch and English, falling back to
the name the credential gives. A vacancy is a list of skill URIs or words to search the
vocabulary for; each line is covered when a verified credential proves that skill.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Final

from skillspas.schemas.catalogue import CREDENTIAL_KINDS, EVIDENCE_STRENGTH, evidence_label, kind_of
from skillspas.schemas.errors import ErrorCode, localized_error
from skillspas.schemas.kwalificaties import Kwalificaties
from skillspas.schemas.vocab import SkillsVocabulary, framework_of, shown_label
from skillspas.schemas.vocab_index import MAX_QUERY
from skillspas.verifier.persons import Person
from skillspas.verifier.result import CredentialSummary, VerificationResult

__all__ = [
    "EVIDENCE_KINDS",
    "Evidence",
    "ProvenSkill",
    "SkillsSummary",
    "VacancyLine",
    "VacancyMatch",
    "evidence_kind",
    "summarize_skills",
    "match_vacancy",
    "MAX_VACANCY_LINES",
    "MAX_VACANCY_LINE",
    "VACANCY_BUDGET",
    "Progress",
]

EVIDENCE_KINDS: Final = CREDENTIAL_KINDS
"""Each kind of credential as evidence, as a person names it (nl, en): from the catalogue of types."""

_FRAMEWORK_ORDER: Final = {"ESCO": 0, "CompetentNL": 1}
_SEARCH_DEPTH: Final = 30

MAX_VACANCY_LINES: Final = 100
"""Most skills one vacancy may ask for."""
MAX_VACANCY_LINE: Final = 300
"""Longest line (a URI or search words) of a vacancy."""
VACANCY_BUDGET: Final = 0.6
"""Most seconds the vacancy's searches may take together (a line of eight common words takes up to about 0.1 s):
the page checks a credential and its vacancy within 1.8 s, and a vacancy must not take the verdict with it."""
_CANDIDATES: Final = 5


evidence_kind = kind_of
"""The kind of evidence a credential of ``types`` is: one of ``EVIDENCE_KINDS``."""


@dataclass(frozen=True)
class Evidence:
    """One verified credential that proves a skill."""

    credential: int
    """Position of the credential in the passport (0 for a single credential)."""
    kind: str
    title: str | None
    issuer: str | None
    issuer_name: str | None
    """The issuer's name from the trust list (``None`` when the issuer was trusted by DID only)."""
    established: str | None = None
    """How this credential says the skill was established (``evidenceKind``), ``None`` when it does not say."""

    @property
    def strength(self) -> int:
        """0 for the strongest evidence (an exam), higher for weaker; last when the credential does not say."""
        return EVIDENCE_STRENGTH.get(self.established or "", len(EVIDENCE_STRENGTH))

    def to_json(self) -> dict[str, Any]:
        """The evidence as JSON."""
        return {
            "credential": self.credential,
            "kind": self.kind,
            "kindLabel": dict(EVIDENCE_KINDS[self.kind]),
            "title": self.title,
            "issuer": self.issuer,
            "issuerName": self.issuer_name,
            "established": self.established,
            "establishedLabel": evidence_label(self.established),
        }


@dataclass(frozen=True)
class ProvenSkill:
    """A skill proven by at least one verified credential."""

    uri: str
    framework: str | None
    labels: Mapping[str, str]
    evidence: tuple[Evidence, ...]
    """Every verified credential that proves the skill, the strongest evidence first."""
    in_vocabulary: bool = True

    def label(self, lang: str = "nl") -> str:
        """The label in ``lang``, else English, else any, else the URI."""
        return self.labels.get(lang) or self.labels.get("en") or next(iter(self.labels.values()), self.uri)

    def shown_label(self, lang: str = "nl") -> str:
        """The label for a reader of ``lang``: another language's is marked as such ("Samenwerken (Dutch)"). A skill
        the vocabulary lacks keeps the name its credential gives it unmarked: its language is not known."""
        if not self.in_vocabulary:
            return self.label(lang)
        return shown_label(self.labels, lang, self.uri)

    @property
    def kinds(self) -> tuple[str, ...]:
        """The kinds of evidence, without repeats, in the order first seen."""
        return tuple(dict.fromkeys(e.kind for e in self.evidence))

    def to_json(self) -> dict[str, Any]:
        """The skill as JSON."""
        return {
            "uri": self.uri,
            "framework": self.framework,
            "label": {"nl": self.label("nl"), "en": self.label("en")},
            "shownLabel": {"nl": self.shown_label("nl"), "en": self.shown_label("en")},
            "inVocabulary": self.in_vocabulary,
            "kinds": list(self.kinds),
            "evidence": [e.to_json() for e in self.evidence],
        }


@dataclass(frozen=True)
class SkillsSummary:
    """Every skill proven across the verified credentials of a passport, de-duplicated by URI."""

    skills: tuple[ProvenSkill, ...]
    verified: tuple[int, ...]
    """Positions of the credentials that verified and were counted."""
    excluded: tuple[tuple[int, ErrorCode | None], ...] = ()
    """Positions of the credentials that did not verify, with the deciding code, and of credentials about
    another person than the one counted (code ``multiple_subjects``); their skills are left out."""
    person: Person | None = None
    """Whose credentials were counted (a presentation's counted ``Person``); ``None`` for one credential."""
    progress: tuple["Progress", ...] = ()
    """Per kwalificatie the verified credentials name: how many of its werkprocessen they show."""
    _by_uri: dict[str, ProvenSkill] = field(default_factory=dict, init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        self._by_uri.update((skill.uri, skill) for skill in self.skills)

    def get(self, uri: str) -> ProvenSkill | None:
        """The proven skill with this URI, or ``None``."""
        return self._by_uri.get(uri)

    def __contains__(self, uri: object) -> bool:
        return uri in self._by_uri

    def __len__(self) -> int:
        return len(self.skills)

    def to_json(self) -> dict[str, Any]:
        """The summary as JSON (what the verifier page shows)."""
        return {
            "skills": [skill.to_json() for skill in self.skills],
            "verifiedCredentials": list(self.verified),
            "excludedCredentials": [
                {"credential": index, "code": code.value if code else None} for index, code in self.excluded
            ],
            "person": self.person.to_json() if self.person else None,
            "progress": [item.to_json() for item in self.progress],
        }


def _credential_results(result: VerificationResult) -> list[VerificationResult]:
    """The per-credential results: the embedded ones of a presentation, else the result itself."""
    if result.credentials:
        return list(result.credentials)
    return [result] if result.summary is not None or result.first_error is not None else []


def summarize_skills(result: VerificationResult, *, vocabulary: SkillsVocabulary | None = None,
                     register: Kwalificaties | None = None) -> SkillsSummary:
    """The skills proven by the credentials of ``result`` that verified (a passport or one credential).

    Of a presentation whose credentials name several people, only the counted person's credentials
    (the holder's, else the person with the most credentials: ``verifier/persons.py``) are added up;
    the others are excluded with ``multiple_subjects``. Two people's skills are never summed. Of a presentation whose
    holder binding failed (``VerificationResult.holder_failed``) none is counted: nothing shows that its credentials
    are the person's who shows them; each is excluded with the presentation's code."""
    vocabulary = vocabulary or SkillsVocabulary.bundled()
    counted = result.counted_credentials
    unbound = result.holder_failed
    found: dict[str, list[Evidence]] = {}
    given_names: dict[str, str] = {}
    verified: list[int] = []
    excluded: list[tuple[int, ErrorCode | None]] = []
    for index, item in enumerate(_credential_results(result)):
        if not item.verified or item.summary is None:
            problem = item.first_error
            excluded.append((index, problem.code if problem else None))
            continue
        if unbound is not None:
            excluded.append((index, unbound.code))
            continue
        if counted is not None and index not in counted:
            excluded.append((index, ErrorCode.MULTIPLE_SUBJECTS))
            continue
        verified.append(index)
        for skill in item.summary.skills:
            proofs = found.setdefault(skill.url, [])
            if not proofs or proofs[-1].credential != index:  # one credential proves a skill once
                proofs.append(_evidence(index, item.summary, skill.evidence))
            if skill.name and skill.url not in given_names:
                given_names[skill.url] = skill.name
    skills = [
        _proven(uri, tuple(sorted(evidence, key=lambda e: e.strength)), vocabulary, given_names.get(uri))
        for uri, evidence in found.items()
    ]
    # Stable: within a framework, skills with the strongest evidence first, then in the order first seen.
    skills.sort(key=lambda s: (_FRAMEWORK_ORDER.get(s.framework or "", 2), s.evidence[0].strength))
    person = next((p for p in result.persons if p.counted), None)  # nobody, when the holder binding failed
    counted_summaries = [(index, item.summary) for index, item in enumerate(_credential_results(result))
                         if index in verified and item.summary is not None]
    return SkillsSummary(tuple(skills), tuple(verified), tuple(excluded), person, progress(counted_summaries, register))


def _evidence(index: int, summary: CredentialSummary, established: str | None) -> Evidence:
    return Evidence(index, evidence_kind(summary.types), summary.name, summary.issuer, summary.issuer_name, established)


def _proven(uri: str, evidence: tuple[Evidence, ...], vocabulary: SkillsVocabulary, given: str | None) -> ProvenSkill:
    known = vocabulary.get(uri)
    if known is not None:
        return ProvenSkill(uri, known.framework, dict(known.labels), evidence)
    labels = {"nl": given} if given else {}
    return ProvenSkill(uri, framework_of(uri), labels, evidence, in_vocabulary=False)


@dataclass(frozen=True)
class Progress:
    """How far verified credentials go toward one kwalificatie: which of its werkprocessen they show."""

    crebo: str
    name: str
    shown: tuple[str, ...]
    """The werkproces codes shown (a diploma shows them all), in the register's order."""
    total: int
    credentials: tuple[int, ...] = ()
    """Positions of the verified credentials about this kwalificatie (as ``Evidence.credential``)."""

    def sentence(self) -> dict[str, str]:
        """"6 van de 11 werkprocessen van Kok aangetoond", in Dutch and English."""
        return {
            "nl": f"{len(self.shown)} van de {self.total} werkprocessen van {self.name} aangetoond",
            "en": f"{len(self.shown)} of the {self.total} work processes of {self.name} demonstrated",
        }

    def to_json(self) -> dict[str, Any]:
        """The progress as JSON."""
        return {"crebo": self.crebo, "name": self.name, "shown": list(self.shown), "total": self.total,
                "credentials": list(self.credentials), "sentence": self.sentence()}


def _fact_value(summary: CredentialSummary, key: str) -> Any:
    return next((fact.value for fact in summary.facts if fact.key == key), None)


def progress(summaries: Iterable[tuple[int, CredentialSummary]], register: Kwalificaties | None = None) -> tuple[Progress, ...]:
    """Per kwalificatie that verified credentials (with their positions) are about or count toward, the werkprocessen
    of it they show: a praktijkverklaring's, an EVC result's and a certificate's (its kerntaken), all for a diploma."""
    register = register or Kwalificaties.bundled()
    shown: dict[str, set[str]] = {}
    about: dict[str, list[int]] = {}
    for position, summary in summaries:
        kwalificatie = _fact_value(summary, "kwalificatie")
        crebo = kwalificatie.get("crebo") if isinstance(kwalificatie, dict) else None
        for target in _fact_value(summary, "countsToward") or ():
            if isinstance(target, dict) and isinstance(target.get("crebo"), str):
                shown.setdefault(target["crebo"], set())
        if not isinstance(crebo, str):
            continue
        about.setdefault(crebo, []).append(position)
        codes = shown.setdefault(crebo, set())
        known = register.get(crebo)
        if kind_of(summary.types) == "diploma" and known is not None:
            codes.update(w.code for w in known.werkprocessen)
        for werkproces in _fact_value(summary, "werkprocessen") or ():
            if isinstance(werkproces, dict) and isinstance(werkproces.get("code"), str):
                codes.add(werkproces["code"])
    found = []
    for crebo, codes in shown.items():
        known = register.get(crebo)
        if known is None or not known.werkprocessen or not codes:  # none named (a certificate the register does not
            continue  # map to werkprocessen): not "0 van de 11 aangetoond", which reads as if it proved nothing of it
        order = [w.code for w in known.werkprocessen]
        found.append(Progress(crebo, known.name, tuple(c for c in order if c in codes), len(order), tuple(about.get(crebo, ()))))
    return tuple(found)


@dataclass(frozen=True)
class VacancyLine:
    """One skill a vacancy asks for: what was typed, the skill it means, and whether it is proven."""

    query: str
    uri: str | None
    """The skill meant (the URI typed, or the best vocabulary match of the words); ``None`` if not found."""
    labels: Mapping[str, str]
    covered: bool
    evidence: tuple[Evidence, ...] = ()
    candidates: tuple[tuple[str, Mapping[str, str]], ...] = ()
    """When the words fit several skills and the passport proves none of them: (URI, labels) to pick from."""
    shown: Mapping[str, str] = field(default_factory=dict)
    """The label each reader sees (``nl``, ``en``), as the proven-skills table and the bridge show the skill
    (``ProvenSkill.shown_label``, else ``schemas.vocab.shown_label``): "dispose waste (Engels)"."""

    def to_json(self) -> dict[str, Any]:
        """The line as JSON (``shownLabel``: what a person reads; ``label``: the labels, unmarked)."""
        return {
            "query": self.query,
            "uri": self.uri,
            "label": _both(self.labels, self.uri) if self.uri else None,
            "shownLabel": dict(self.shown) or _both(self.labels, self.uri) if self.uri else None,
            "found": self.uri is not None,
            "covered": self.covered,
            "evidence": [e.to_json() for e in self.evidence],
            "ambiguous": bool(self.candidates),
            "candidates": [{"uri": uri, "label": _both(labels, uri), "shownLabel": _shown(labels, uri)}
                           for uri, labels in self.candidates],
        }


def _both(labels: Mapping[str, str], uri: str | None) -> dict[str, str | None]:
    return {lang: labels.get(lang) or next(iter(labels.values()), uri) for lang in ("nl", "en")}


def _shown(labels: Mapping[str, str], uri: str) -> dict[str, str]:
    """A vocabulary skill's label for each reader (``schemas.vocab.shown_label``): another language's marked."""
    return {lang: shown_label(labels, lang, uri) for lang in ("nl", "en")}


@dataclass(frozen=True)
class VacancyMatch:
    """A vacancy's skills, each covered or not by the passport's verified skills."""

    lines: tuple[VacancyLine, ...]

    @property
    def covered(self) -> tuple[VacancyLine, ...]:
        """The lines a verified credential proves."""
        return tuple(line for line in self.lines if line.covered)

    @property
    def missing(self) -> tuple[VacancyLine, ...]:
        """The lines no verified credential proves (including words that matched no skill)."""
        return tuple(line for line in self.lines if not line.covered)

    def to_json(self) -> dict[str, Any]:
        """The match as JSON."""
        return {
            "lines": [line.to_json() for line in self.lines],
            "covered": len(self.covered),
            "total": len(self.lines),
        }


def match_vacancy(
    summary: SkillsSummary, wanted: Iterable[str], *, vocabulary: SkillsVocabulary | None = None,
    budget: float | None = VACANCY_BUDGET,
) -> VacancyMatch:
    """Match a vacancy (skill URIs, or words searched in the vocabulary) against a skills summary; its searches
    take at most ``budget`` seconds (``None``: no bound).

    Raises (coded, nl/en):
        too_large: more than ``MAX_VACANCY_LINES`` lines, or a line longer than ``MAX_VACANCY_LINE``.
        resource_limit: the searches took longer than ``budget``.
    """
    vocabulary = vocabulary or SkillsVocabulary.bundled()
    queries: list[str] = []  # every line is seen within its bounds before any is searched: a vacancy over them is
    seen: set[str] = set()   # refused at once, however busy the machine (not after the searches' budget ran out)
    for raw in wanted:
        query = " ".join(raw.split())
        if not query or query in seen:
            continue
        if len(query) > MAX_VACANCY_LINE:
            raise localized_error(ErrorCode.TOO_LARGE, en=f"a vacancy line is at most {MAX_VACANCY_LINE} characters",
                                  nl=f"een regel van de vacature is hoogstens {MAX_VACANCY_LINE} tekens lang")
        if len(queries) == MAX_VACANCY_LINES:
            raise localized_error(ErrorCode.TOO_LARGE, en=f"a vacancy lists at most {MAX_VACANCY_LINES} skills",
                                  nl=f"een vacature noemt hoogstens {MAX_VACANCY_LINES} vaardigheden")
        seen.add(query)
        queries.append(query)
    started = time.monotonic()
    lines: list[VacancyLine] = []
    for query in queries:
        if budget is not None and lines and time.monotonic() - started > budget:  # the first line is always compared
            raise localized_error(
                ErrorCode.RESOURCE_LIMIT,
                en=f"comparing the vacancy took longer than {budget} s and was stopped after {len(lines)} of its lines: "
                   "give one skill per line, in a few words or as its ESCO address",
                nl=f"de vergelijking met de vacature duurde langer dan {budget} s en is gestopt na {len(lines)} regels: "
                   "geef één vaardigheid per regel, in een paar woorden of als ESCO-adres")
        lines.append(_vacancy_line(query, summary, vocabulary))
    return VacancyMatch(tuple(lines))


def _vacancy_line(query: str, summary: SkillsSummary, vocabulary: SkillsVocabulary) -> VacancyLine:
    if "://" in query:  # a URI, optionally followed by its label ("http://…/skill/…  kooktechnieken gebruiken")
        first = query.split()[0]
        uri: str | None = first if (framework_of(first) or first in summary) else None
    else:
        # Words: a proven skill with exactly this label, else the best of the first few vocabulary hits
        # that the passport proves, else the best hit (the page shows which skill the words became).
        # An ambiguous word that the passport does not settle gives candidates, never a silent pick.
        exact = [s.uri for s in summary.skills if any(query.casefold() == label.casefold() for label in s.labels.values())]
        found = vocabulary.index.search(query[:MAX_QUERY], limit=_SEARCH_DEPTH, kinds=("skill", "competentnl"))
        hits = [h.concept for h in found.hits]
        proven = [*exact, *(h.uri for h in hits if h.uri in summary)]
        if not proven and found.ambiguous:
            return VacancyLine(query, None, {}, False, candidates=tuple((h.uri, dict(h.labels)) for h in hits[:_CANDIDATES]))
        uri = next(iter([*proven, *(h.uri for h in hits)]), None)
    if uri is None:
        return VacancyLine(query, None, {}, False)
    skill = summary.get(uri)
    known = vocabulary.get(uri)
    labels = dict(skill.labels) if skill else (dict(known.labels) if known else {})
    shown = ({lang: skill.shown_label(lang) for lang in ("nl", "en")} if skill else
             _shown(known.labels, uri) if known else {})
    return VacancyLine(query, uri, labels, skill is not None, skill.evidence if skill else (), shown=shown)
