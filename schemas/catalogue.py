"""The catalogue of the five skillspas credential types: what each is called, who may issue it, and what it proves.

Usage::

    entry = credential_type(credential["type"])          # CredentialType or None (another badge)
    kind_label(credential["type"])["nl"]                 # "Mbo-diploma"
    kind_in_sentence(["MboDiploma"], article=True)["en"] # "an MBO diploma" (inside a sentence)
    for fact in facts(credential):                       # what the credential says it proves
        print(fact.label["nl"], fact.text["nl"])
    ROLE_TYPES["evc"]                                    # frozenset({"Ervaringscertificaat"})

One table drives every view (the verifier's ``summary.facts``, the page, ``passport show`` and the
PDF): per type its JSON Schema, its name in Dutch and English, the kind of evidence it is, how the
skills it aligns to were established (``evidenceKind``), the roles that may issue it, and its facts,
each a JSON path into the credential (as the type's schema and builder in
``issuer/credentials/`` write it) with its words in Dutch and English. A fact is read from the
credential as it is; whether the credential holds is the verifier's verdict, not this module's.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Final

from skillspas.schemas.vc import one_of

__all__ = [
    "Both",
    "EVIDENCE_KINDS",
    "EVIDENCE_STRENGTH",
    "CREDENTIAL_KINDS",
    "FactSpec",
    "Fact",
    "CredentialType",
    "CATALOGUE",
    "ROLE_TYPES",
    "credential_type",
    "kind_of",
    "kind_label",
    "kind_in_sentence",
    "evidence_label",
    "facts",
]

Both = Mapping[str, str]
"""A text in Dutch and English: ``{"nl": ..., "en": ...}``."""

EVIDENCE_KINDS: Final[Mapping[str, Both]] = {
    "exam": {"nl": "beoordeeld in een examen", "en": "assessed in an exam"},
    "evc": {"nl": "beoordeeld in een EVC-procedure", "en": "assessed in an EVC procedure"},
    "practice": {"nl": "in de praktijk gezien door het leerbedrijf", "en": "observed in practice by the leerbedrijf"},
    "course": {"nl": "beoordeeld in een cursus", "en": "assessed in a course"},
    "kwalificatieLink": {
        "nl": "afgeleid van de kwalificatie (officiële SBB/CompetentNL-koppeling)",
        "en": "derived from the qualification (official SBB/CompetentNL link)",
    },
}
"""How a skill was established: the values of an alignment's ``evidenceKind`` (skillspas/v2), strongest first."""

EVIDENCE_STRENGTH: Final[Mapping[str, int]] = {kind: rank for rank, kind in enumerate(EVIDENCE_KINDS)}
"""Rank of each evidence kind, 0 the strongest; an alignment without ``evidenceKind`` (v1) ranks last."""

CREDENTIAL_KINDS: Final[Mapping[str, Both]] = {
    "diploma": {"nl": "diploma", "en": "diploma"},
    "certificaat": {"nl": "certificaat", "en": "certificate"},
    "evc": {"nl": "EVC (ervaringscertificaat)", "en": "EVC (certificate of experience)"},
    "praktijkverklaring": {"nl": "praktijkverklaring", "en": "workplace statement"},
    "microcredential": {"nl": "microcredential", "en": "micro-credential"},
    "badge": {"nl": "open badge", "en": "open badge"},
}
"""Each kind of credential as evidence, as a person names it."""


@dataclass(frozen=True)
class FactSpec:
    """One fact a type states: where it is in the credential, its words, and how it reads."""

    key: str
    """Stable name, e.g. ``werkprocessen`` (``summary.facts[].key``)."""
    path: str
    """Dotted JSON path from the credential, e.g. ``credentialSubject.werkprocessen``."""
    label: Both
    render: str = "text"
    """How the value reads: one of the renderers below (``text``, ``codes``, ``kwalificatie``, ...)."""


@dataclass(frozen=True)
class Fact:
    """A fact read from one credential: its key, words, the value as signed, and that value as text."""

    key: str
    label: Both
    value: Any
    text: Both

    def to_json(self) -> dict[str, Any]:
        """The fact as JSON (``summary.facts[]``)."""
        return {"key": self.key, "label": dict(self.label), "value": self.value, "text": dict(self.text)}


@dataclass(frozen=True)
class CredentialType:
    """One skillspas credential type in the catalogue."""

    name: str
    """The type name, e.g. ``MboDiploma`` (also its JSON Schema's file name)."""
    slug: str
    """The name a person types for it (``skillspas issue/batch TYPE``, ``examples/``, QR file names)."""
    label: Both
    one: Both
    """One credential of the type inside a sentence, with its article: "een mbo-diploma", "an MBO diploma"."""
    kind: str
    """What kind of evidence it is, one of ``CREDENTIAL_KINDS``."""
    evidence: str
    """How the skills it aligns to were established, one of ``EVIDENCE_KINDS`` (the builders write it)."""
    roles: frozenset[str]
    """The issuer roles that may issue it (``issuer/orgs.py``)."""
    facts: tuple[FactSpec, ...]

    @property
    def schema(self) -> str:
        """The file of its JSON Schema in ``schemas/data/jsonschema/types/``."""
        return f"{self.name}.json"


def _f(key: str, path: str, nl: str, en: str, render: str = "text") -> FactSpec:
    return FactSpec(key, path, {"nl": nl, "en": en}, render)


_A = "credentialSubject.achievement"
_KWALIFICATIE = (
    _f("kwalificatie", f"{_A}.kwalificatie", "Kwalificatie", "Qualification (kwalificatie)", "kwalificatie"),
    _f("niveau", f"{_A}.kwalificatie", "Niveau", "Level", "niveau"),
    _f("kwalificatiedossier", f"{_A}.kwalificatie.kwalificatiedossier", "Kwalificatiedossier", "Qualification file (kwalificatiedossier)", "dossier"),
)
_COUNTS = _f("countsToward", f"{_A}.countsToward", "Telt mee voor", "Counts toward", "countsToward")

CATALOGUE: Final[Mapping[str, CredentialType]] = {
    entry.name: entry
    for entry in (
        CredentialType(
            "MboDiploma", "mbo-diploma", {"nl": "Mbo-diploma", "en": "MBO diploma"},
            {"nl": "een mbo-diploma", "en": "an MBO diploma"}, "diploma", "exam", frozenset({"mbo"}),
            (
                *_KWALIFICATIE,
                _f("leerweg", "credentialSubject.leerweg", "Leerweg", "Learning pathway (leerweg)"),
                _f("keuzedelen", "credentialSubject.keuzedelen", "Keuzedelen", "Elective modules (keuzedelen)", "codes"),
            ),
        ),
        CredentialType(
            "MboCertificaat", "mbo-certificaat", {"nl": "Mbo-certificaat", "en": "MBO certificate"},
            {"nl": "een mbo-certificaat", "en": "an MBO certificate"}, "certificaat", "exam", frozenset({"mbo"}),
            (
                _f("certificaat", f"{_A}.certificaatCode", "Certificaat", "Certificate"),
                *_KWALIFICATIE,
                _f("kerntaken", f"{_A}.kerntaken", "Dekt de kerntaken", "Covers the core tasks (kerntaken)", "codes"),
                _f("werkprocessen", f"{_A}.werkprocessen", "Dekt de werkprocessen", "Covers the work processes (werkprocessen)", "codes"),
                _f("leerweg", "credentialSubject.leerweg", "Leerweg", "Learning pathway (leerweg)"),
                _COUNTS,
            ),
        ),
        CredentialType(
            "Ervaringscertificaat", "ervaringscertificaat", {"nl": "Ervaringscertificaat (EVC)", "en": "Certificate of experience (EVC)"},
            {"nl": "een ervaringscertificaat (EVC)", "en": "a certificate of experience (EVC)"}, "evc", "evc", frozenset({"evc"}),
            (
                _f("evcStandard", f"{_A}.evcStandard", "EVC-standaard", "EVC standard", "evcStandard"),
                *_KWALIFICATIE,
                _f("werkprocessen", "credentialSubject.werkprocessen", "Erkende werkprocessen", "Recognised work processes (werkprocessen)", "codes"),
                _f("competencies", "credentialSubject.competencies", "Erkende competenties", "Recognised competencies", "codes"),
                _f("route", "credentialSubject.route", "Route", "Route", "route"),
                _f("careerGoal", "credentialSubject.careerGoal", "Loopbaandoel", "Career goal"),
                _f("assessmentDate", "credentialSubject.assessmentDate", "Beoordeeld op", "Assessed on", "age"),
                _f("assessmentMethod", "credentialSubject.assessmentMethod", "Beoordeling", "Assessment", "list"),
                _f("recognitionId", "issuer.recognitionId", "Erkenning EVC-aanbieder", "EVC provider's recognition"),
                _COUNTS,
            ),
        ),
        CredentialType(
            "Praktijkverklaring", "praktijkverklaring", {"nl": "Praktijkverklaring", "en": "Workplace statement (praktijkverklaring)"},
            {"nl": "een praktijkverklaring", "en": "a workplace statement (praktijkverklaring)"}, "praktijkverklaring",
            "practice", frozenset({"mbo", "employer"}),
            (
                *_KWALIFICATIE,
                _f("werkprocessen", "credentialSubject.werkprocessen", "Werkprocessen in de praktijk", "Work processes performed in practice", "codes"),
                _f("leerbedrijf", "credentialSubject.leerbedrijf", "Leerbedrijf", "Workplace (leerbedrijf)", "leerbedrijf"),
                _f("period", "credentialSubject.period", "Periode", "Period", "period"),
            ),
        ),
        CredentialType(
            "MicroCredential", "microcredential", {"nl": "Microcredential", "en": "Micro-credential"},
            {"nl": "een microcredential", "en": "a micro-credential"}, "microcredential", "course",
            frozenset({"mbo", "employer", "training"}),
            (
                _f("learningOutcomes", f"{_A}.learningOutcomes", "Leerresultaten", "Learning outcomes", "list"),
                _f("workload", f"{_A}.workload", "Studielast", "Workload", "workload"),
                _f("level", _A, "Niveau", "Level", "level"),
                _f("assessmentMethod", f"{_A}.assessmentMethod", "Beoordeling", "Assessment", "list"),
                _f("participation", f"{_A}.participation", "Vorm van deelname", "Form of participation", "participation"),
                _f("qualityAssurance", f"{_A}.qualityAssurance", "Kwaliteitsborging", "Quality assurance"),
                _f("prerequisites", f"{_A}.prerequisites", "Toelatingseisen", "Prerequisites"),
                _f("country", "issuer.address.addressCountry", "Land van de uitgever", "Issuer's country"),
                _COUNTS,
            ),
        ),
    )
}
"""The five skillspas types, in the order a passport lists them."""

ROLE_TYPES: Final[Mapping[str, frozenset[str]]] = {
    role: frozenset(name for name, entry in CATALOGUE.items() if role in entry.roles)
    for role in ("mbo", "evc", "employer", "training")
}
"""Which of the types each issuer role may issue (other Open Badges are open to all roles)."""

_OTHER_KINDS: Final[Mapping[str, Both]] = {
    "OpenBadgeCredential": {"nl": "Open Badge", "en": "Open Badge"},
    "AchievementCredential": {"nl": "Open Badge", "en": "Open Badge"},
    "VerifiableCredential": {"nl": "Verifieerbaar bewijsstuk", "en": "Verifiable credential"},
}


def credential_type(types: Iterable[Any]) -> CredentialType | None:
    """The catalogue entry among ``types`` (a credential's ``type`` list), or ``None``."""
    names = [types] if isinstance(types, str) else list(types)
    return next((CATALOGUE[name] for name in names if isinstance(name, str) and name in CATALOGUE), None)


def kind_of(types: Iterable[Any]) -> str:
    """The kind of evidence a credential of ``types`` is: one of ``CREDENTIAL_KINDS``."""
    entry = credential_type(types)
    return entry.kind if entry else "badge"


def kind_label(types: Iterable[Any]) -> Both:
    """The credential's kind as a person names it, from its most specific known type."""
    names = [types] if isinstance(types, str) else [t for t in types if isinstance(t, str)]
    entry = credential_type(names)
    if entry is not None:
        return dict(entry.label)
    for name in ("OpenBadgeCredential", "AchievementCredential"):
        if name in names:
            return dict(_OTHER_KINDS[name])
    other = next((n for n in names if n != "VerifiableCredential"), None)
    return {"nl": other, "en": other} if other else dict(_OTHER_KINDS["VerifiableCredential"])


def kind_in_sentence(types: Iterable[Any], *, article: bool = False) -> Both:
    """A credential's kind as it is written inside a sentence, in Dutch and English, from its most specific known type
    ("mbo-diploma", "MBO diploma"; with ``article`` "een mbo-diploma", "an MBO diploma"), never its JSON-LD type name
    (``MboDiploma``); a type the catalogue does not list (another badge) is named as ``kind_label`` names it."""
    entry = credential_type(types)
    if entry is None:
        return kind_label(types)
    return dict(entry.one) if article else {lang: one.split(" ", 1)[1] for lang, one in entry.one.items()}


def evidence_label(kind: str | None) -> Both | None:
    """How a skill was established, in words; ``None`` when the alignment does not say (v1)."""
    return dict(EVIDENCE_KINDS[kind]) if kind is not None and kind in EVIDENCE_KINDS else None


# -- reading facts ----------------------------------------------------------------------------


def _at(credential: Mapping[str, Any], path: str) -> Any:
    """The value at a dotted path, through one object at each step (``one_of``): none through several subjects or
    achievements, whose order is not signed (``vc.several_of``)."""
    node: Any = credential
    for part in path.split("."):
        node = one_of(node)
        node = node.get(part) if isinstance(node, dict) else None
        if node is None:
            return None
    return node


def _str(value: Any) -> str | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return str(value)
    return value.strip() if isinstance(value, str) and value.strip() else None


def _same(text: str | None) -> Both | None:
    return {"nl": text, "en": text} if text else None


def _items(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [] if value is None else [value]


def _eqf(value: Any) -> str | None:
    text = _str(value)
    return text.rstrip("/").rsplit("/", 1)[-1] if text else None


def _text(value: Any, now: dt.date) -> Both | None:
    return _same(_str(value))


def _list(value: Any, now: dt.date) -> Both | None:
    return _same("\n".join(s for s in map(_str, _items(value)) if s))


def _codes(value: Any, now: dt.date) -> Both | None:
    lines = []
    for item in _items(value):
        if isinstance(item, dict):
            words = " ".join(s for s in (_str(item.get("code")), _str(item.get("name"))) if s)
            if _str(item.get("sbu")):
                words += f" ({item['sbu']} SBU)"
        else:
            words = _str(item) or ""
        if words:
            lines.append(words)
    return _same("\n".join(lines))


def _kwalificatie(value: Any, now: dt.date) -> Both | None:
    node = one_of(value)
    name = _str(node.get("name")) if isinstance(node, dict) else None
    if not name:
        return None
    crebo = _str(node.get("crebo"))
    return _same(f"{name} (crebo {crebo})" if crebo else name)


def _niveau(value: Any, now: dt.date) -> Both | None:
    node = one_of(value)
    if not isinstance(node, dict) or _str(node.get("niveau")) is None:
        return None
    parts = {"nl": [f"mbo-niveau {node['niveau']}"], "en": [f"mbo level {node['niveau']}"]}
    for label, key in (("NLQF", "nlqf"), ("EQF", "eqf")):
        level = _eqf(node.get(key)) if key == "eqf" else _str(node.get(key))
        if level:
            for lang in parts:
                parts[lang].append(f"{label} {level}")
    return {lang: ", ".join(words) for lang, words in parts.items()}


def _dossier(value: Any, now: dt.date) -> Both | None:
    node = one_of(value)
    if not isinstance(node, dict) or not _str(node.get("name")):
        return None
    text = f"{node['name']} (crebo {node['crebo']})" if _str(node.get("crebo")) else str(node["name"])
    if _str(node.get("dossierYear")):
        return {"nl": f"{text}, versie {node['dossierYear']}", "en": f"{text}, version {node['dossierYear']}"}
    return _same(text)


_STANDARD_TYPES: Final[Mapping[str, Both]] = {
    "kwalificatie": {"nl": "kwalificatie", "en": "qualification (kwalificatie)"},
    "kwalificatiedossier": {"nl": "kwalificatiedossier", "en": "qualification file (kwalificatiedossier)"},
    "branchestandaard": {"nl": "branchestandaard", "en": "sector standard (branchestandaard)"},
    "beroepsstandaard": {"nl": "beroepsstandaard", "en": "occupational standard (beroepsstandaard)"},
}


def _evc_standard(value: Any, now: dt.date) -> Both | None:
    node = one_of(value)
    if not isinstance(node, dict) or not _str(node.get("name")):
        return None
    kind = _STANDARD_TYPES.get(str(node.get("standardType")), {"nl": "standaard", "en": "standard"})
    code = _str(node.get("crebo"))
    code = f"crebo {code}" if code else _str(node.get("code"))
    return {lang: f"{kind[lang]} {node['name']}" + (f" ({code})" if code else "") for lang in ("nl", "en")}


_ROUTES: Final[Mapping[str, Both]] = {
    "arbeidsmarkt": {"nl": "arbeidsmarktroute (naar een loopbaandoel)", "en": "labour-market route (toward a career goal)"},
    "onderwijs": {"nl": "onderwijsroute (naar een diploma)", "en": "education route (toward a diploma)"},
}


def _route(value: Any, now: dt.date) -> Both | None:
    text = _str(value)
    return dict(_ROUTES[text]) if text is not None and text in _ROUTES else _same(text)


def _age(value: Any, now: dt.date) -> Both | None:
    """A date with how long ago it was: an EVC result has no end date; its age is for the reader to weigh."""
    text = _str(value)
    try:
        day = dt.date.fromisoformat(text[:10]) if text else None
    except ValueError:
        day = None
    if day is None:
        return _same(text)
    months = (now.year - day.year) * 12 + now.month - day.month - (now.day < day.day)
    if months < 0:
        return _same(day.isoformat())
    if months < 1:
        ago = {"nl": "minder dan een maand geleden", "en": "less than a month ago"}
    elif months < 12:
        ago = {"nl": f"{months} {'maand' if months == 1 else 'maanden'} geleden",
               "en": f"{months} month{'s' if months > 1 else ''} ago"}
    else:
        years = months // 12
        ago = {"nl": f"{years} jaar geleden", "en": f"{years} year{'s' if years > 1 else ''} ago"}
    return {lang: f"{day.isoformat()} ({ago[lang]})" for lang in ("nl", "en")}


def _leerbedrijf(value: Any, now: dt.date) -> Both | None:
    node = one_of(value)
    if not isinstance(node, dict) or not _str(node.get("name")):
        return None
    kvk = f", KvK {node['kvkNummer']}" if _str(node.get("kvkNummer")) else ""
    return {"nl": f"{node['name']}{kvk}; medeondertekenaar", "en": f"{node['name']}{kvk}; co-signer"}


def _period(value: Any, now: dt.date) -> Both | None:
    node = one_of(value)
    if not isinstance(node, dict):
        return None
    start, end = _str(node.get("startDate")), _str(node.get("endDate"))
    return _same(f"{start or '…'} – {end or '…'}") if start or end else None


def _workload(value: Any, now: dt.date) -> Both | None:
    node = one_of(value)
    if not isinstance(node, dict):
        return None
    hours, ects = _str(node.get("hours")), _str(node.get("ects"))
    out = {"nl": [f"{hours} uur"] if hours else [], "en": [f"{hours} hours"] if hours else []}
    if ects:
        out["nl"].append(f"{ects} ECTS")
        out["en"].append(f"{ects} ECTS")
    return {lang: ", ".join(words) for lang, words in out.items()} if out["nl"] else None


def _level(value: Any, now: dt.date) -> Both | None:
    node = one_of(value)
    if not isinstance(node, dict):
        return None
    parts = [f"EQF {_eqf(node.get('eqf'))}" if _eqf(node.get("eqf")) else "", f"NLQF {node['nlqf']}" if _str(node.get("nlqf")) else ""]
    return _same(", ".join(p for p in parts if p))


_PARTICIPATION: Final[Mapping[str, Both]] = {
    "online": {"nl": "online", "en": "online"},
    "onsite": {"nl": "op locatie", "en": "on site"},
    "blended": {"nl": "gemengd (online en op locatie)", "en": "blended (online and on site)"},
}


def _participation(value: Any, now: dt.date) -> Both | None:
    text = _str(value)
    return dict(_PARTICIPATION[text]) if text is not None and text in _PARTICIPATION else _same(text)


_TARGET: Final[Mapping[str, Both]] = {
    "Kwalificatie": {"nl": "kwalificatie", "en": "qualification"},
    "Kerntaak": {"nl": "kerntaak", "en": "core task"},
    "Certificaat": {"nl": "certificaat", "en": "certificate"},
}


def _counts_toward(value: Any, now: dt.date) -> Both | None:
    lines: dict[str, list[str]] = {"nl": [], "en": []}
    for item in _items(value):
        if not isinstance(item, dict):
            continue
        kind = next((k for k in _items(item.get("type")) if k in _TARGET), "Kwalificatie")
        code = _str(item.get("code")) or _str(item.get("crebo")) or ""
        name = _str(item.get("name"))
        of = f" (crebo {item['crebo']})" if kind != "Kwalificatie" and _str(item.get("crebo")) else ""
        for lang in lines:
            lines[lang].append(" ".join(p for p in (_TARGET[kind][lang], code, name) if p) + of)
    return {lang: "\n".join(words) for lang, words in lines.items()} if lines["nl"] else None


_RENDER: Final[Mapping[str, Callable[[Any, dt.date], Both | None]]] = {
    "text": _text, "list": _list, "codes": _codes, "kwalificatie": _kwalificatie, "niveau": _niveau,
    "dossier": _dossier, "evcStandard": _evc_standard, "route": _route, "age": _age, "leerbedrijf": _leerbedrijf,
    "period": _period, "workload": _workload, "level": _level, "participation": _participation,
    "countsToward": _counts_toward,
}


def facts(credential: Mapping[str, Any], *, now: dt.date | None = None) -> tuple[Fact, ...]:
    """What ``credential`` states it proves, per its type's catalogue entry, in reading order (none for
    another badge); ``now`` dates an age ("2 jaar geleden")."""
    entry = credential_type(_items(credential.get("type")) if isinstance(credential, Mapping) else ())
    if entry is None:
        return ()
    today = now or dt.datetime.now(dt.timezone.utc).date()
    found = []
    for spec in entry.facts:
        value = _at(credential, spec.path)
        text = _RENDER[spec.render](value, today) if value is not None else None
        if text and text.get("nl"):
            if spec.key == "leerbedrijf" and _str(one_of(value).get("id")) != _str(credential.get("coSigner")):
                text = _same(_str(one_of(value).get("name"))) or text  # named (_leerbedrijf read it), but not the co-signer
            found.append(Fact(spec.key, spec.label, value, text))
    return tuple(found)
