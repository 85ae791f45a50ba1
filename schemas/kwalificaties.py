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
import io
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from skillspas.schemas.errors import ErrorCode, file_error, localized_error
from skillspas.schemas.jsonio import opened_back, parse_json
from skillspas.schemas.limits import Limits
from skillspas.schemas.text import FORBIDDEN_IN_LINE
from skillspas.schemas.vocab import IMPORT_FOLDER, _bounded, _csv_lines, _data, _size

__all__ = [
    "Werkproces",
    "Kerntaak",
    "Kwalificatie",
    "Keuzedeel",
    "Certificaat",
    "Kwalificaties",
    "RegisterEntry",
    "REGISTER_FILE",
    "REGISTER_COLUMNS",
    "read_register",
    "NIVEAU_NAMES",
    "eqf_uri",
    "eqf_level",
]

REGISTER_FILE = "kwalificaties-register.csv"
REGISTER_COLUMNS = ("code", "kind", "name", "part_of", "source")
_REGISTER_KINDS = {"kwalificatie", "kwalificatiedossier", "keuzedeel", "certificaat"}
_REGISTER_CODE = re.compile(r"[0-9]{5}|[KC][0-9]{4}")
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


@dataclass(frozen=True)
class RegisterEntry:
    """One row of the register: a crebo (kwalificatie or kwalificatiedossier), keuzedeel or certificaat."""

    code: str
    kind: str
    name: str
    part_of: tuple[str, ...]
    """A kwalificatie's dossier; the kwalificaties a keuzedeel is listed for or a certificaat belongs to."""
    source: str


class Kwalificaties:
    """The register of kwalificaties (every crebo with data), their details, keuzedelen and certificaten."""

    def __init__(
        self,
        kwalificaties: list[Kwalificatie],
        keuzedelen: list[Keuzedeel],
        certificaten: list[Certificaat],
        register: list[RegisterEntry] | None = None,
        links: dict[str, tuple[tuple[str, str], ...]] | None = None,
    ) -> None:
        self._kwalificaties = {k.crebo: k for k in kwalificaties}
        self._keuzedelen = {k.code: k for k in keuzedelen}
        self._certificaten = {c.code: c for c in certificaten}
        self._register = {e.code: e for e in register or ()}
        self._links = dict(links or {})

    @classmethod
    def bundled(cls) -> "Kwalificaties":
        """The register shipped with skillspas (loaded once, digests checked)."""
        return _bundled()

    @classmethod
    def load(cls, home: str | os.PathLike[str] | None = None) -> "Kwalificaties":
        """The bundled register, with the rows of a newer register imported into ``home`` (same columns)."""
        bundled = _bundled()
        path = Path(home) / IMPORT_FOLDER / REGISTER_FILE if home is not None else None
        if path is None or not path.is_file():
            return bundled
        try:  # a regular file, not through a link (``opened_back``), read within the register's bound as it streams
            with opened_back(path) as handle:
                rows = read_register(handle, str(path))
        except OSError as exc:
            raise file_error(exc, path, "read") from None
        return cls(list(bundled._kwalificaties.values()), list(bundled._keuzedelen.values()),
                   list(bundled._certificaten.values()), [*bundled._register.values(), *rows], bundled._links)

    def entry(self, code: str) -> RegisterEntry | None:
        """The register row of a crebo, keuzedeel or certificaat code, or ``None``."""
        return self._register.get(code)

    def registered(self) -> list[RegisterEntry]:
        """Every kwalificatie of the register (not the dossiers), by crebo."""
        return [e for c, e in sorted(self._register.items()) if e.kind == "kwalificatie"]

    def parts_of(self, crebo: str) -> list[RegisterEntry]:
        """The certificaten and keuzedelen the register lists as part of kwalificatie ``crebo``."""
        return [e for c, e in sorted(self._register.items()) if e.kind in ("certificaat", "keuzedeel") and crebo in e.part_of]

    def links(self, crebo: str) -> tuple[tuple[str, str], ...]:
        """The CompetentNL skills (URI, Dutch label) the SBB educational norm of ``crebo`` prescribes."""
        return self._links.get(crebo, ())

    def crebos_with_skill(self) -> dict[str, tuple[str, ...]]:
        """Skill URI -> the crebos whose official CompetentNL links include it."""
        return _inverted(tuple(sorted(self._links.items())))

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


@functools.lru_cache(maxsize=4)
def _inverted(links: tuple[tuple[str, tuple[tuple[str, str], ...]], ...]) -> dict[str, tuple[str, ...]]:
    by_skill: dict[str, list[str]] = {}
    for crebo, skills in links:
        for uri, _ in skills:
            by_skill.setdefault(uri, []).append(crebo)
    return {uri: tuple(crebos) for uri, crebos in by_skill.items()}


def _register_error(name: str, nl: str, en: str) -> Exception:
    return localized_error(ErrorCode.SCHEMA_INVALID, nl=f"{name}: {nl}", en=f"{name}: {en}")


def read_register(source: bytes | IO[bytes], name: str = REGISTER_FILE, *,
                  limits: Limits = Limits()) -> list[RegisterEntry]:
    """Rows of a register CSV (columns ``REGISTER_COLUMNS``), its bytes or an open file read row by row; a coded refusal
    for anything else: ``too_large``, naming ``name`` and the bound, as soon as more than ``limits.max_register_bytes``
    are read, and on the row past ``limits.max_register_rows``, before the rest is read."""
    size = _size(limits.max_register_bytes)
    raw = _bounded(io.BytesIO(source) if isinstance(source, bytes) else source, limits.max_register_bytes,
                   lambda: localized_error(
                       ErrorCode.TOO_LARGE, nl=f"{name} is groter dan {size}; meer neemt skillspas niet uit één register",
                       en=f"{name} is larger than {size}; skillspas takes no more from one register"))
    try:
        reader = csv.DictReader(_csv_lines(raw, name, limits))
        if tuple(reader.fieldnames or ()) != REGISTER_COLUMNS:
            raise _register_error(name, f"de kolommen moeten {', '.join(REGISTER_COLUMNS)} zijn",
                                  f"the columns must be {', '.join(REGISTER_COLUMNS)}")
        entries: dict[str, tuple[int, RegisterEntry]] = {}  # by code: its first line, what it says
        for number, row in enumerate(reader, start=2):
            if number - 1 > limits.max_register_rows:
                most = limits.max_register_rows
                raise localized_error(
                    ErrorCode.TOO_LARGE, nl=f"{name} bevat meer dan {most} registerregels; meer neemt skillspas niet "
                    "uit één register", en=f"{name} holds more than {most} register rows; skillspas takes no more "
                    "from one register")
            code, kind = (row.get("code") or "").strip(), (row.get("kind") or "").strip()
            part_of = tuple((row.get("part_of") or "").split())
            if (not _REGISTER_CODE.fullmatch(code) or kind not in _REGISTER_KINDS or not (row.get("source") or "").strip()
                    or any(not re.fullmatch(r"[0-9]{5}", p) for p in part_of) or None in row.values()):
                raise _register_error(name, f"regel {number} is geen geldige registerregel (code, soort, bron)",
                                      f"line {number} is not a valid register row (code, kind, source)")
            # Names people read, each on one line: no control or bidi character, no line break.
            forbidden = FORBIDDEN_IN_LINE.search("".join(v for v in row.values() if isinstance(v, str)))
            if forbidden is not None:
                char = f"U+{ord(forbidden.group()):04X}"
                raise _register_error(name, f"regel {number} bevat het teken {char}, een regeleinde of een onzichtbaar "
                                      "stuur- of leesrichtingsteken, dat de tekst anders kan laten lijken dan hij is",
                                      f"line {number} contains {char}, a line break or a control or bidi character")
            entry = RegisterEntry(code, kind, (row.get("name") or "").strip(), part_of, row["source"].strip())
            first, earlier = entries.setdefault(code, (number, entry))
            if earlier != entry:  # the last one was kept: which is right cannot be told
                raise _register_error(name, f"regel {number} noemt {code} anders dan regel {first}",
                                      f"line {number} names {code} otherwise than line {first}")
    except csv.Error as exc:
        if str(exc).startswith("field larger than field limit"):  # the csv module's own bound (128 Ki characters)
            most = csv.field_size_limit()
            raise localized_error(ErrorCode.TOO_LARGE, nl=f"{name}: een veld is langer dan {most} tekens",
                                  en=f"{name}: a field is longer than {most} characters") from None
        raise _register_error(name, "geen leesbaar UTF-8 CSV-bestand", "not a readable UTF-8 CSV file") from None
    except UnicodeDecodeError:
        raise _register_error(name, "geen leesbaar UTF-8 CSV-bestand", "not a readable UTF-8 CSV file") from None
    if not entries:
        raise _register_error(name, "het register is leeg", "the register is empty")
    return [entry for _, entry in entries.values()]


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
    data = parse_json(_data("kwalificaties.json"))
    links: dict[str, list[tuple[str, str]]] = {}
    for row in csv.DictReader(io.StringIO(_data("crebo-competentnl-skills.csv.xz").decode("utf-8"), newline="")):
        links.setdefault(row["crebo"], []).append((row["skillUri"], row["skillLabel_nl"]))
    return Kwalificaties(
        [_kwalificatie(q, data["sectors"], links) for q in data["qualifications"]],
        [Keuzedeel(k["code"], k["name"], k.get("sbu")) for k in data["keuzedelen"]],
        [Certificaat(c["code"], c.get("name"), c["crebo"], tuple(c.get("kerntaken", ()))) for c in data["certificaten"]],
        read_register(_data(REGISTER_FILE)),
        {crebo: tuple(skills) for crebo, skills in links.items()},
    )
