"""Real mbo kwalificaties (crebo codes) with their werkprocessen and skills, plus keuzedelen and certificaten.

Usage::

    register = Kwalificaties.bundled()
    kok = register.get("25180")              # Kwalificatie: name, niveau, dossier, kerntaken, skills
    kok.werkproces("B1-K1-W2").title         # "Maakt mise en place"
    register.keuzedeel("K0186").name         # "Wijkgericht werken"
    eqf_uri(2)                               # "http://data.europa.eu/snb/eqf/2"

The data (``data/vocab/kwalificaties.json``) is the sample qualifications of the domain research,
unchanged: real crebo codes, levels and kerntaken/werkprocessen from published OERs. Their ESCO
skills are a *suggested* mapping (no official crebo-to-ESCO crosswalk exists); their CompetentNL
skills are the official SBB/CompetentNL link (``crebo-competentnl-skills.csv``). Sources: data/vocab/README.md.
"""

from __future__ import annotations

import csv
import functools
import hashlib
import io
import json
from dataclasses import dataclass
from importlib import resources
from typing import Any

__all__ = [
    "Werkproces",
    "Kerntaak",
    "Kwalificatie",
    "Keuzedeel",
    "Certificaat",
    "Kwalificaties",
    "NIVEAU_NAMES",
    "eqf_uri",
    "eqf_level",
]

NIVEAU_NAMES = {1: "Entreeopleiding", 2: "Basisberoepsopleiding", 3: "Vakopleiding", 4: "Middenkaderopleiding"}
_EQF = "http://data.europa.eu/snb/eqf/"


def eqf_uri(level: int) -> str:
    """The ELM/Europass URI of an EQF level (1-8)."""
    return f"{_EQF}{level}"


def eqf_level(uri: str) -> int | None:
    """The EQF level in an EQF URI, or ``None``."""
    tail = uri[len(_EQF):] if uri.startswith(_EQF) else ""
    return int(tail) if tail.isdigit() else None


@dataclass(frozen=True)
class Werkproces:
    """One werkproces of a kerntaak, e.g. ``B1-K1-W2`` "Maakt mise en place"."""

    code: str
    title: str


@dataclass(frozen=True)
class Kerntaak:
    """One kerntaak (``B1-K1``) and its werkprocessen."""

    code: str
    title: str | None
    werkprocessen: tuple[Werkproces, ...]


@dataclass(frozen=True)
class Kwalificatie:
    """An mbo kwalificatie by crebo code, with what the credentials need from it."""

    crebo: str
    name: str
    niveau: int
    niveau_name: str
    nlqf: int
    eqf: int
    sector: str | None
    dossier_crebo: str | None
    dossier_name: str | None
    leerwegen: tuple[str, ...]
    kerntaken: tuple[Kerntaak, ...]
    esco_occupation: str | None
    esco_skills: tuple[str, ...]
    mapping_status: str | None
    competentnl: tuple[tuple[str, str], ...]

    @property
    def werkprocessen(self) -> tuple[Werkproces, ...]:
        """Every werkproces of every kerntaak, in dossier order."""
        return tuple(w for k in self.kerntaken for w in k.werkprocessen)

    def werkproces(self, code: str) -> Werkproces | None:
        """The werkproces with this code, or ``None``."""
        return next((w for w in self.werkprocessen if w.code == code), None)


@dataclass(frozen=True)
class Keuzedeel:
    """A keuzedeel (``K`` + 4 digits) with its name and study load."""

    code: str
    name: str
    sbu: int | None


@dataclass(frozen=True)
class Certificaat:
    """An mbo-certificaat (``C`` + 4 digits) and the kwalificatie it belongs to."""

    code: str
    name: str | None
    crebo: str
    kerntaken: tuple[str, ...]


class Kwalificaties:
    """The bundled kwalificaties, keuzedelen and certificaten, by code."""

    def __init__(self, kwalificaties: list[Kwalificatie], keuzedelen: list[Keuzedeel], certificaten: list[Certificaat]) -> None:
        self._kwalificaties = {k.crebo: k for k in kwalificaties}
        self._keuzedelen = {k.code: k for k in keuzedelen}
        self._certificaten = {c.code: c for c in certificaten}

    @classmethod
    def bundled(cls) -> "Kwalificaties":
        """The register shipped with skillspas (loaded once, digests checked)."""
        return _bundled()

    def get(self, crebo: str) -> Kwalificatie | None:
        """The kwalificatie with this crebo code, or ``None``."""
        return self._kwalificaties.get(crebo)

    def all(self) -> list[Kwalificatie]:
        """Every bundled kwalificatie, by crebo code."""
        return [self._kwalificaties[c] for c in sorted(self._kwalificaties)]

    def keuzedeel(self, code: str) -> Keuzedeel | None:
        """The keuzedeel with this code, or ``None``."""
        return self._keuzedelen.get(code)

    def certificaat(self, code: str) -> Certificaat | None:
        """The mbo-certificaat with this code, or ``None``."""
        return self._certificaten.get(code)

    def for_skill(self, uri: str) -> list[Kwalificatie]:
        """The kwalificaties that map to this skill (ESCO or CompetentNL)."""
        return [k for k in self.all() if uri in k.esco_skills or any(uri == u for u, _ in k.competentnl)]


def _file(name: str) -> bytes:
    base = resources.files("skillspas.schemas") / "data" / "vocab"
    manifest = {e["file"]: e["sha256"] for e in json.loads((base / "MANIFEST.json").read_text("utf-8"))["files"]}
    raw = (base / name).read_bytes()
    if hashlib.sha256(raw).hexdigest() != manifest.get(name):
        raise RuntimeError(f"bundled vocabulary file {name} is corrupt")
    return raw


def _kwalificatie(entry: dict[str, Any], sectors: dict[str, str], links: dict[str, list[tuple[str, str]]]) -> Kwalificatie:
    dossier = entry.get("kwalificatiedossier") or {}
    # The source appends a note in parentheses to one dossier name; the name is what precedes it.
    dossier_name = dossier.get("name", "").split(" (", 1)[0] or None
    occupation = entry.get("escoOccupation") or {}
    return Kwalificatie(
        crebo=entry["crebo"],
        name=entry["name"],
        niveau=int(entry["mboNiveau"]),
        niveau_name=entry.get("niveauNaam") or NIVEAU_NAMES[int(entry["mboNiveau"])],
        nlqf=int(entry["nlqf"]),
        eqf=int(entry["eqfUri"].rsplit("/", 1)[1]),
        sector=sectors.get(entry["crebo"]),
        dossier_crebo=dossier.get("crebo"),
        dossier_name=dossier_name,
        leerwegen=tuple(entry.get("leerwegen", ())),
        kerntaken=tuple(
            Kerntaak(k["code"], k.get("title"), tuple(Werkproces(w["code"], w["title"]) for w in k.get("werkprocessen", ())))
            for k in entry.get("kerntaken", ())
        ),
        esco_occupation=occupation.get("uri"),
        esco_skills=tuple(entry.get("escoSkills", ())),
        mapping_status=occupation.get("mappingStatus"),
        competentnl=tuple(links.get(entry["crebo"], ())),
    )


@functools.cache
def _bundled() -> Kwalificaties:
    data = json.loads(_file("kwalificaties.json"))
    links: dict[str, list[tuple[str, str]]] = {}
    for row in csv.DictReader(io.StringIO(_file("crebo-competentnl-skills.csv").decode("utf-8"), newline="")):
        links.setdefault(row["crebo"], []).append((row["skillUri"], row["skillLabel_nl"]))
    return Kwalificaties(
        [_kwalificatie(q, data["sectors"], links) for q in data["qualifications"]],
        [Keuzedeel(k["code"], k["name"], k.get("sbu")) for k in data["keuzedelen"]],
        [Certificaat(c["code"], c.get("name"), c["crebo"], tuple(c.get("kerntaken", ()))) for c in data["certificaten"]],
    )
