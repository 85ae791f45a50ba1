"""The skills vocabulary: ESCO skills and CompetentNL skills, with Dutch and English labels.

Usage::

    vocab = SkillsVocabulary.bundled()               # the curated default, shipped in data/vocab/
    vocab = SkillsVocabulary.load(home)              # ... plus what `skillspas vocab import` added
    skill = vocab.get("http://data.europa.eu/esco/skill/082967d4-b94c-4305-aa13-35a6aa8c5c7c")
    skill.label("nl")                                # "samenwerken met collega’s" (English if no Dutch)
    vocab.search("samenwerken")                      # by label, nl and en, case and accents ignored
    import_esco("ESCO dataset - v1.1.1 - classification - en - csv.zip", home)

The bundled set is a real extract of ESCO v1.1.1 ``skills_en.csv`` (same columns, 325 rows), Dutch
labels from the official Dutch ESCO files (``esco-skills-nl-labels.csv``), and the CompetentNL skills
the bundled kwalificaties link to; ``data/vocab/README.md`` says how it was cut. ESCO: (c) European
Union, reused under Commission Decision 2011/833/EU; credit "ESCO, European Commission".
"""

from __future__ import annotations

import csv
import functools
import gzip
import hashlib
import io
import json
import lzma
import os
import re
import tempfile
import unicodedata
import zipfile
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any, Iterable, Iterator, Mapping

from skillspas.schemas.errors import ErrorCode, SkillspasError
from skillspas.schemas.type_schemas import localized_error

__all__ = [
    "ESCO_SKILL",
    "COMPETENTNL",
    "Skill",
    "SkillsVocabulary",
    "ImportResult",
    "import_esco",
    "fold",
    "framework_of",
]

ESCO_SKILL = re.compile(r"http://data\.europa\.eu/esco/skill/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
COMPETENTNL = re.compile(r"https://linkeddata\.competentnl\.nl/id/(humancapability|knowledgearea)/[0-9A-F]{10}")
IMPORT_FOLDER = "vocab"
_SKILLS_FILE = re.compile(r"(?:^|/)skills_([a-z]{2})\.csv$")
_COLLECTION_FILE = re.compile(r"(?:^|/)[A-Za-z]+SkillsCollection_([a-z]{2})\.csv$")
_MAX_MEMBER_BYTES = 64 * 1024 * 1024  # skills_en.csv is 9.5 MB; a bound against zip bombs
_MAX_MEMBERS = 200
_MAX_FIELD = 1 << 20


def fold(text: str) -> str:
    """Text as search compares it: accents removed, case folded, quotes and spaces normalised."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    plain = plain.replace("\u2019", "'").replace("\u2018", "'").replace("\u2010", "-").replace("\u2011", "-")
    return " ".join(plain.casefold().split())


def framework_of(uri: str) -> str | None:
    """``"ESCO"`` or ``"CompetentNL"`` for a skill URI of that framework, else ``None``."""
    if ESCO_SKILL.fullmatch(uri):
        return "ESCO"
    if COMPETENTNL.fullmatch(uri):
        return "CompetentNL"
    return None


@dataclass(frozen=True)
class Skill:
    """One skill: its URI, labels per language, and what ESCO says about it."""

    uri: str
    framework: str
    labels: Mapping[str, str]
    alt_labels: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    skill_type: str | None = None
    reuse_level: str | None = None
    description: Mapping[str, str] = field(default_factory=dict)

    def label(self, lang: str = "nl") -> str:
        """The preferred label in ``lang``, else English, else any label."""
        return self.labels.get(lang) or self.labels.get("en") or next(iter(self.labels.values()), self.uri)

    def merged(self, other: "Skill") -> "Skill":
        """This skill with ``other``'s labels added (``other`` wins per language)."""
        return Skill(
            self.uri,
            self.framework,
            {**self.labels, **other.labels},
            {**self.alt_labels, **other.alt_labels},
            other.skill_type or self.skill_type,
            other.reuse_level or self.reuse_level,
            {**self.description, **other.description},
        )


class SkillsVocabulary:
    """Skills by URI, searchable by label; nothing here touches the network."""

    def __init__(self, skills: Iterable[Skill]) -> None:
        merged: dict[str, Skill] = {}
        for skill in skills:
            merged[skill.uri] = merged[skill.uri].merged(skill) if skill.uri in merged else skill
        self._skills = merged
        self._index: list[tuple[Skill, tuple[tuple[str, bool], ...]]] | None = None

    @classmethod
    def bundled(cls) -> "SkillsVocabulary":
        """The curated default set shipped with skillspas (loaded once, digests checked)."""
        return _bundled()

    @classmethod
    def load(cls, home: str | os.PathLike[str] | None = None) -> "SkillsVocabulary":
        """The bundled set plus every vocabulary imported into ``home`` (``skillspas vocab import``)."""
        bundled = _bundled()
        if home is None:
            return bundled
        folder = Path(home) / IMPORT_FOLDER
        files = sorted(folder.glob("esco-*.json.gz")) if folder.is_dir() else []
        if not files:
            return bundled
        return cls([*bundled, *(skill for path in files for skill in _read_import(path))])

    def __contains__(self, uri: object) -> bool:
        return uri in self._skills

    def __len__(self) -> int:
        return len(self._skills)

    def __iter__(self) -> Iterator[Skill]:
        return iter(self._skills.values())

    def get(self, uri: str) -> Skill | None:
        """The skill with this URI, or ``None``."""
        return self._skills.get(uri)

    def search(self, query: str, *, limit: int = 20, framework: str | None = None) -> list[Skill]:
        """Skills whose labels (nl, en; preferred and alternative) match ``query``, best first."""
        wanted = fold(query)
        if not wanted:
            return []
        words = wanted.split()
        if self._index is None:  # folded once per vocabulary, reused by every search
            self._index = [(skill, tuple((fold(label), alt) for label, alt in _labels_of(skill))) for skill in self]
        scored = []
        for skill, labels in self._index:
            if framework is not None and skill.framework != framework:
                continue
            score = _score(labels, wanted, words)
            if score is not None:
                scored.append((score, len(skill.label("nl")), skill.label("nl"), skill.uri, skill))
        scored.sort(key=lambda item: item[:4])
        return [item[-1] for item in scored[:limit]]


def _labels_of(skill: Skill) -> Iterator[tuple[str, bool]]:
    for label in skill.labels.values():
        yield label, False
    for labels in skill.alt_labels.values():
        for label in labels:
            yield label, True


def _score(labels: tuple[tuple[str, bool], ...], wanted: str, words: list[str]) -> float | None:
    """0 exact, 1 prefix, 2 a word starts with it, 3 substring, 4 all words somewhere; +0.5 for alt labels."""
    best: float | None = None
    for text, alt in labels:
        if text == wanted:
            score = 0.0
        elif text.startswith(wanted):
            score = 1.0
        elif f" {wanted}" in f" {text}":
            score = 2.0
        elif wanted in text:
            score = 3.0
        elif all(w in text for w in words):
            score = 4.0
        else:
            continue
        score += 0.5 if alt else 0.0
        best = score if best is None else min(best, score)
    return best


# -- the bundled set ----------------------------------------------------------------------


def _data(name: str) -> bytes:
    """A bundled vocabulary file, checked against ``data/vocab/MANIFEST.json``; ``.gz``/``.xz`` unpacked."""
    base = resources.files("skillspas.schemas") / "data" / "vocab"
    manifest = {e["file"]: e["sha256"] for e in json.loads((base / "MANIFEST.json").read_text("utf-8"))["files"]}
    raw = (base / name).read_bytes()
    if hashlib.sha256(raw).hexdigest() != manifest.get(name):
        raise RuntimeError(f"bundled vocabulary file {name} is corrupt")
    if name.endswith(".xz"):
        return lzma.decompress(raw)
    return gzip.decompress(raw) if name.endswith(".gz") else raw


@functools.cache
def _bundled() -> SkillsVocabulary:
    english = _parse_skills_csv(_data("skills_en.csv.gz").decode("utf-8"), "en", "skills_en.csv")
    dutch = []
    for row in _rows(_data("esco-skills-nl-labels.csv.gz").decode("utf-8"), "esco-skills-nl-labels.csv"):
        dutch.append(Skill(
            row["conceptUri"], "ESCO", {"nl": row["preferredLabel_nl"]},
            {"nl": _split_alt(row.get("altLabels_nl", ""))} if row.get("altLabels_nl") else {},
            description={"nl": row["description_nl"].strip()} if row.get("description_nl", "").strip() else {},
        ))
    competentnl = [
        Skill(row["uri"], "CompetentNL", {"nl": row["prefLabel_nl"]}, skill_type=row["kind"])
        for row in _rows(_data("competentnl-skills-seen.csv").decode("utf-8"), "competentnl-skills-seen.csv")
    ]
    known = {s.uri for s in english}
    return SkillsVocabulary([*english, *(s for s in dutch if s.uri in known), *competentnl])


def _rows(text: str, name: str) -> Iterator[dict[str, str]]:
    previous = csv.field_size_limit()
    csv.field_size_limit(max(previous, _MAX_FIELD))
    try:
        yield from csv.DictReader(io.StringIO(text, newline=""))
    except csv.Error as exc:
        raise _import_error(f"{name} is geen leesbaar CSV-bestand ({exc})", f"{name} is not a readable CSV file ({exc})") from None
    finally:
        csv.field_size_limit(previous)


def _split_alt(value: str) -> tuple[str, ...]:
    """ESCO alt labels: one per line in skills_*.csv, " | "-separated in the collections."""
    parts = re.split(r"\n| \| ", value)
    return tuple(dict.fromkeys(p.strip() for p in parts if p.strip()))


def _parse_skills_csv(text: str, lang: str, name: str) -> list[Skill]:
    """Skills from an ESCO skills or skill-collection CSV (official download layout)."""
    skills = []
    for row in _rows(text, name):
        if "conceptUri" not in row or "preferredLabel" not in row:
            raise _import_error(
                f"{name} mist de kolommen conceptUri en preferredLabel van een ESCO-vaardighedenbestand",
                f"{name} lacks the conceptUri and preferredLabel columns of an ESCO skills file",
            )
        uri, label = (row.get("conceptUri") or "").strip(), (row.get("preferredLabel") or "").strip()
        if not ESCO_SKILL.fullmatch(uri) or not label:
            continue
        description = (row.get("description") or "").strip()
        skills.append(Skill(
            uri, "ESCO", {lang: label},
            {lang: _split_alt(row.get("altLabels") or "")} if row.get("altLabels") else {},
            (row.get("skillType") or "").strip() or None,
            (row.get("reuseLevel") or "").strip() or None,
            {lang: description} if description else {},
        ))
    return skills


# -- the importer ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ImportResult:
    """What ``import_esco`` added: skills per language, and the files it wrote."""

    counts: Mapping[str, int]
    paths: tuple[Path, ...]
    new: int


def _import_error(nl: str, en: str) -> SkillspasError:
    return localized_error(ErrorCode.SCHEMA_INVALID, nl=nl, en=en)


def _members(source: Path) -> dict[str, bytes]:
    """The skills CSV files of an ESCO download (zip or folder), read within size bounds."""
    wanted = lambda name: _SKILLS_FILE.search(name) or _COLLECTION_FILE.search(name)  # noqa: E731
    found: dict[str, bytes] = {}
    try:
        if source.is_dir():
            for path in sorted(source.rglob("*.csv")):
                if wanted(path.name):
                    if path.stat().st_size > _MAX_MEMBER_BYTES:
                        raise _import_error(f"{path.name} is te groot", f"{path.name} is too large")
                    found[path.name] = path.read_bytes()
            return found
        with zipfile.ZipFile(source) as archive:
            infos = archive.infolist()
            if len(infos) > _MAX_MEMBERS:
                raise _import_error("het zip-bestand bevat te veel bestanden", "the zip file holds too many files")
            for info in infos:
                if wanted(info.filename):
                    if info.file_size > _MAX_MEMBER_BYTES:
                        raise _import_error(f"{info.filename} is te groot", f"{info.filename} is too large")
                    with archive.open(info) as member:
                        data = member.read(_MAX_MEMBER_BYTES + 1)
                    if len(data) > _MAX_MEMBER_BYTES:
                        raise _import_error(f"{info.filename} is te groot", f"{info.filename} is too large")
                    found[info.filename.rsplit("/", 1)[-1]] = data
    except FileNotFoundError:
        raise _import_error(f"{source} bestaat niet", f"{source} does not exist") from None
    except (zipfile.BadZipFile, OSError) as exc:
        raise _import_error(
            f"{source} is geen leesbaar zip-bestand of map ({exc})", f"{source} is not a readable zip file or folder ({exc})"
        ) from None
    return found


def import_esco(source: str | os.PathLike[str], home: str | os.PathLike[str]) -> ImportResult:
    """Import the official ESCO CSV download (zip or folder) into ``home``; skills and labels per language.

    ``skills_<lang>.csv`` is used when present; otherwise the skill collections
    (``*SkillsCollection_<lang>.csv``, e.g. the partial Dutch download) give that language's labels.
    """
    by_lang = _by_language(_members(Path(source)))
    if not by_lang:
        raise _import_error(
            f"Geen ESCO-vaardighedenbestand (skills_<taal>.csv) gevonden in {source}.",
            f"No ESCO skills file (skills_<lang>.csv) found in {source}.",
        )
    folder = Path(home) / IMPORT_FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    before = {s.uri for s in SkillsVocabulary.load(home)}
    counts: dict[str, int] = {}
    paths: list[Path] = []
    for lang, files in sorted(by_lang.items()):
        skills = _skills_of(lang, files)
        path = folder / f"esco-{lang}.json.gz"
        previous = {s.uri: s for s in _read_import(path)} if path.exists() else {}
        for uri, skill in skills.items():
            previous[uri] = previous[uri].merged(skill) if uri in previous else skill
        _write_import(path, lang, previous.values())
        counts[lang] = len(skills)
        paths.append(path)
    after = {s.uri for s in SkillsVocabulary.load(home)}
    return ImportResult(counts, tuple(paths), len(after - before))


def _by_language(members: Mapping[str, bytes]) -> dict[str, list[tuple[str, bytes]]]:
    """The skills files per language code (``skills_nl.csv`` -> "nl")."""
    by_lang: dict[str, list[tuple[str, bytes]]] = {}
    for name, data in members.items():
        match = _SKILLS_FILE.search(name) or _COLLECTION_FILE.search(name)
        if match is not None:
            by_lang.setdefault(match.group(1), []).append((name, data))
    return by_lang


def _skills_of(lang: str, files: list[tuple[str, bytes]]) -> dict[str, Skill]:
    """One language's skills: from ``skills_<lang>.csv`` when present, else from its skill collections."""
    full = [f for f in files if _SKILLS_FILE.search(f[0])]
    skills: dict[str, Skill] = {}
    for name, data in full or sorted(files):
        for skill in _parse_skills_csv(_decode(name, data), lang, name):
            skills[skill.uri] = skills[skill.uri].merged(skill) if skill.uri in skills else skill
    if not skills:
        raise _import_error(f"{files[0][0]} bevat geen ESCO-vaardigheden.", f"{files[0][0]} holds no ESCO skills.")
    return skills


def _decode(name: str, data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise _import_error(f"{name} is geen UTF-8-tekst", f"{name} is not UTF-8 text") from None


def _write_import(path: Path, lang: str, skills: Iterable[Skill]) -> None:
    """One language's imported skills, written atomically: {uri: [label, alt labels, type, reuse level]}."""
    body = {
        "format": "skillspas-vocab-import/1",
        "lang": lang,
        "skills": {
            s.uri: [s.labels.get(lang, ""), list(s.alt_labels.get(lang, ())), s.skill_type, s.reuse_level]
            for s in skills
        },
    }
    data = gzip.compress(json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode("utf-8"), mtime=0)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
    os.replace(tmp, path)


def _read_import(path: Path) -> list[Skill]:
    try:
        body: Any = json.loads(gzip.decompress(path.read_bytes()))
        lang, entries = body["lang"], body["skills"]
        return [
            Skill(uri, "ESCO", {lang: label}, {lang: tuple(alt)} if alt else {}, kind, reuse)
            for uri, (label, alt, kind, reuse) in entries.items()
            if ESCO_SKILL.fullmatch(uri) and label
        ]
    except (OSError, ValueError, KeyError, TypeError, EOFError, gzip.BadGzipFile):
        raise _import_error(
            f"Het geïmporteerde vaardighedenbestand {path} is onleesbaar; importeer ESCO opnieuw.",
            f"The imported skills file {path} is unreadable; import ESCO again.",
        ) from None
