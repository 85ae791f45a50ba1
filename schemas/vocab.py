"""The skills vocabulary (every ESCO skill, CompetentNL) by URI, and ``skillspas vocab import``.

Usage::

    vocab = SkillsVocabulary.bundled()               # a view over the offline index (schemas.vocab_index)
    vocab = SkillsVocabulary.load(home)              # ... with what `skillspas vocab import` added
    skill = vocab.get("http://data.europa.eu/esco/skill/082967d4-b94c-4305-aa13-35a6aa8c5c7c")
    skill.label("nl")                                # "samenwerken met collega’s" (English if no Dutch)
    vocab.search("samenwerken")                      # by label, nl and en, word forms, best first
    import_esco(["ESCO dataset - v1.1.1 - classification - nl - csv.zip",
                 "ESCO dataset - v1.1.1 - relations - csv.zip"], home)

The skills are those of the offline index: all of ESCO v1.1.1 with its Dutch labels and the
CompetentNL skills the register links to (``data/vocab/README.md``). The importer takes the official
ESCO downloads as a user gets them from the portal: the classification zip in any language
(``skills_<lang>.csv`` or the skill collections, ``occupations_<lang>.csv``), the relations zip
(``occupationSkillRelations.csv``), an unpacked folder, or one CSV file; and a newer register of
kwalificaties in the bundled columns (``kwalificaties-register.csv``). ESCO: (c) European Union,
reused under Commission Decision 2011/833/EU; credit "ESCO, European Commission".
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import errno
import functools
import gzip
import hashlib
import io
import json
import lzma
import os
import re
import unicodedata
import zipfile
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path, PurePosixPath
from typing import IO, TYPE_CHECKING, Any, Callable, Final, Iterable, Iterator, Mapping, NamedTuple, Sequence

from skillspas.schemas.errors import ErrorCode, SkillspasError, file_error, localized_error, shown
from skillspas.schemas.files import write_atomic
from skillspas.schemas.jsonio import open_input, parse_json, read_back
from skillspas.schemas.limits import Limits
from skillspas.schemas.text import FORBIDDEN_IN_LINE

if TYPE_CHECKING:
    from _typeshed import WriteableBuffer

    from skillspas.schemas.vocab_index import Concept, VocabIndex

__all__ = [
    "ESCO_SKILL",
    "COMPETENTNL",
    "ATTRIBUTION",
    "Skill",
    "SkillsVocabulary",
    "ImportResult",
    "import_esco",
    "fold",
    "framework_of",
    "shown_label",
]

ESCO_SKILL = re.compile(r"http://data\.europa\.eu/esco/skill/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
COMPETENTNL = re.compile(r"https://linkeddata\.competentnl\.nl/id/(humancapability|knowledgearea)/[0-9A-F]{10}")
ATTRIBUTION = "ESCO, European Commission; CompetentNL (UWV, CBS, SBB, TNO)"
"""The credit shown wherever skill or occupation labels are shown."""
IMPORT_FOLDER = "vocab"
REPLACE_MARKER = "esco-replace"
"""In ``<home>/vocab``: the imported ESCO replaces the bundled ESCO (``vocab import --replace``)."""
_SKILLS_FILE = re.compile(r"(?:^|/)skills_([a-z]{2})\.csv$")
_COLLECTION_FILE = re.compile(r"(?:^|/)[A-Za-z]+SkillsCollection_([a-z]{2})\.csv$")
_OCCUPATIONS_FILE = re.compile(r"(?:^|/)occupations_([a-z]{2})\.csv$")
_RELATIONS_FILE = re.compile(r"(?:^|/)occupationSkillRelations\.csv$")
_REGISTER_FILE = re.compile(r"(?:^|/)kwalificaties-register\.csv$")
_WANTED = (_SKILLS_FILE, _COLLECTION_FILE, _OCCUPATIONS_FILE, _RELATIONS_FILE, _REGISTER_FILE)


def fold(text: str) -> str:
    """Text as search compares it: accents removed, case folded, quotes and spaces normalised."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    plain = plain.replace("\u2019", "'").replace("\u2018", "'").replace("\u2010", "-").replace("\u2011", "-")
    return " ".join(plain.casefold().split())


_OTHER_LANGUAGE: Final = {"nl": {"en": "Engels"}, "en": {"nl": "Dutch"}}
"""Per reader's language, the name of the language a label shown in its place is in."""


def shown_label(labels: Mapping[str, str], lang: str, default: str) -> str:
    """The label a reader of ``lang`` sees: the one in ``lang``, else the other language's marked as such
    ("dispose waste (Engels)", "Samenwerken (Dutch)"), so a fallback never reads as a translation; else ``default``.

    Args:
        labels: Labels by language (``nl``, ``en``).
        lang: The reader's language.
        default: What to show when there is no label (a URI).

    Returns:
        The label, marked with its language when it is not in ``lang``.
    """
    if labels.get(lang):
        return labels[lang]
    for other, text in sorted(labels.items(), key=lambda item: item[0] != "en"):  # English first, as ``label``
        if text:
            name = _OTHER_LANGUAGE.get(lang, {}).get(other)
            return f"{text} ({name})" if name else text
    return default


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

    def label(self, lang: str = "nl") -> str:
        """The preferred label in ``lang``, else English, else any label."""
        return self.labels.get(lang) or self.labels.get("en") or next(iter(self.labels.values()), self.uri)

    def merged(self, other: "Skill") -> "Skill":
        """This skill with ``other``'s labels added (``other`` wins per language)."""
        return Skill(self.uri, self.framework, {**self.labels, **other.labels}, {**self.alt_labels, **other.alt_labels},
                     other.skill_type or self.skill_type, other.reuse_level or self.reuse_level)


def _skill(concept: "Concept") -> Skill:
    return Skill(concept.uri, concept.framework, dict(concept.labels), {}, concept.skill_type, concept.reuse_level)


class SkillsVocabulary:
    """The skills of the offline index by URI, searchable by label; nothing here touches the network."""

    _KINDS = ("skill", "competentnl")

    def __init__(self, index: "VocabIndex") -> None:
        self.index = index

    @classmethod
    def bundled(cls) -> "SkillsVocabulary":
        """The skills shipped with skillspas (the index is built once per machine, then opened)."""
        return _bundled()

    @classmethod
    def load(cls, home: str | os.PathLike[str] | None = None) -> "SkillsVocabulary":
        """The bundled skills plus every vocabulary imported into ``home`` (``skillspas vocab import``)."""
        from skillspas.schemas.vocab_index import VocabIndex, imports_of

        if not imports_of(home):
            return _bundled()
        return cls(VocabIndex.open(home))

    def __contains__(self, uri: object) -> bool:
        if not isinstance(uri, str):
            return False
        concept = self.index.get(uri)  # as ``get``, without building a Skill (a batch row asks for each alignment)
        return concept is not None and concept.kind in self._KINDS

    def __len__(self) -> int:
        counts = self.index.counts()
        return sum(counts.get(kind, 0) for kind in self._KINDS)

    def __iter__(self) -> Iterator[Skill]:
        return (_skill(c) for c in self.index.each(self._KINDS))

    def get(self, uri: str) -> Skill | None:
        """The skill with this URI, or ``None`` (an occupation URI is not a skill)."""
        concept = self.index.get(uri)
        return _skill(concept) if concept is not None and concept.kind in self._KINDS else None

    def search(self, query: str, *, limit: int = 20, framework: str | None = None) -> list[Skill]:
        """Skills whose labels (nl, en; preferred and alternative) match ``query``, best first."""
        kinds = {"ESCO": ("skill",), "CompetentNL": ("competentnl",)}.get(framework or "", self._KINDS)
        return [_skill(h.concept) for h in self.index.search(query, limit=limit, kinds=kinds).hits]


@functools.cache
def _bundled() -> SkillsVocabulary:
    from skillspas.schemas.vocab_index import VocabIndex

    return SkillsVocabulary(VocabIndex.open())


def _data(name: str) -> bytes:
    """A bundled vocabulary file, checked against ``data/vocab/MANIFEST.json``; ``.gz``/``.xz`` unpacked."""
    base = resources.files("skillspas.schemas") / "data" / "vocab"
    manifest = {e["file"]: e["sha256"] for e in parse_json((base / "MANIFEST.json").read_bytes())["files"]}
    raw = (base / name).read_bytes()
    if hashlib.sha256(raw).hexdigest() != manifest.get(name):
        raise RuntimeError(f"bundled vocabulary file {name} is corrupt")
    if name.endswith(".xz"):
        return lzma.decompress(raw)
    return gzip.decompress(raw) if name.endswith(".gz") else raw


@dataclass
class _Tally:
    """Records (per kind), labels and label text counted against their caps in ``Limits`` as they are read: of one file
    (``vocab import`` reading it), or of all a data folder's imports (before ``vocab import`` writes, and before the
    index is built from them). Past a cap it refuses with ``too_large``, naming ``who`` (the file, the folder) and the
    cap, before the rest is read: the work one file, or one folder, makes ``vocab import`` and the index build do stays
    within a few times what the official ESCO files make them do, not what 64 MiB of rows can."""

    limits: Limits
    who: tuple[str, str]
    """The file or folder counted, as the message names it (Dutch, English)."""
    then: tuple[str, str] = ("", "")
    """What the message says after the cap (Dutch, English)."""
    counts: dict[str, int] = field(default_factory=dict)
    """How many ``skills``, ``occupations``, ``relations``, ``labels`` and characters of label ``text`` were counted."""

    def add(self, kind: str, records: int = 1, labels: tuple[int, int] = (0, 0)) -> None:
        """Count ``records`` records of ``kind`` with ``labels`` (how many, how many characters: ``_label_size``);
        ``too_large`` past a cap."""
        for counted, more in ((kind, records), ("labels", labels[0]), ("text", labels[1])):
            total = self.counts[counted] = self.counts.get(counted, 0) + more
            most, noun_nl, noun_en = _cap(self.limits, counted)
            if total > most:
                raise _import_error(f"{self.who[0]} bevat meer dan {most} {noun_nl}{self.then[0]}",
                                    f"{self.who[1]} holds more than {most} {noun_en}{self.then[1]}",
                                    ErrorCode.TOO_LARGE)

    def room(self, kind: str) -> int:
        """How many more ``kind`` (records of a kind, ``labels``, ``text``) fit under its cap."""
        return _cap(self.limits, kind)[0] - self.counts.get(kind, 0)


def _cap(limits: Limits, kind: str) -> tuple[int, str, str]:
    """The most ``kind`` (``skills``, ``occupations``, ``relations``, ``labels``, label ``text``) an import holds, and
    their name in Dutch and English."""
    if kind == "skills":
        return limits.max_vocab_skills, "vaardigheden", "skills"
    if kind == "occupations":
        return limits.max_vocab_occupations, "beroepen", "occupations"
    if kind == "relations":
        return limits.max_vocab_relations, "beroep-vaardigheidrelaties", "occupation-skill relations"
    if kind == "labels":
        return limits.max_vocab_labels, "labels (voorkeurs- en andere labels)", "labels (preferred and alternative)"
    return limits.max_vocab_label_text, "tekens labeltekst", "characters of label text"


def _file_tally(name: str, limits: Limits) -> _Tally:
    """The ``_Tally`` of one file ``vocab import`` reads."""
    return _Tally(limits, (name, name), ("; meer neemt vocab import niet uit één bestand",
                                         "; vocab import takes no more from one file"))


def _folder_tally(folder: Path, limits: Limits, *, built: bool = False) -> _Tally:
    """The ``_Tally`` of the imports ``vocab import`` would leave in ``folder``, or (``built``) that the index is built
    from (imports made before the caps, or by hand)."""
    if built:
        return _Tally(limits, (str(folder), str(folder)), (
            " (alle talen samen), meer dan de index neemt; importeer ESCO opnieuw met 'vocab import --replace'",
            " (all languages together), more than the index takes; import ESCO again with 'vocab import --replace'"))
    return _Tally(limits, (str(folder), str(folder)), (
        " met deze import (alle talen samen); meer houdt vocab import niet in één gegevensmap: begin opnieuw met "
        "'vocab import --replace'", " with this import (all languages together); vocab import keeps no more in one "
        "data folder: start again with 'vocab import --replace'"))


def _skill_labels(skills: Iterable[Skill]) -> tuple[int, int]:
    """How many labels (preferred and alternative, every language) ``skills`` have, and how many characters."""
    count = chars = 0
    for skill in skills:
        for labels in ((*skill.labels.values(),), *skill.alt_labels.values()):
            count += len(labels)
            chars += sum(len(label) for label in labels)
    return count, chars


def _rows(lines: Iterable[str], name: str, required: Sequence[str] = (),
          uris: Mapping[str, re.Pattern[str]] | None = None, *, kind: str, tallies: Sequence[_Tally],
          seen: dict[int, tuple[int, int]] | None = None) -> Iterator[dict[str, str]]:
    """The records of an imported CSV file, read from its ``lines`` (``_csv_lines``) as they come, each checked
    (``_check_labels``, ``_check_record``) and counted as a record of ``kind`` into each of ``tallies`` (the file's own,
    the folder's: ``too_large`` on the record past a cap, before the rest is read); a coded refusal for a field over
    ``max_vocab_field`` characters (``too_large``), text that is not UTF-8, missing columns, or a record it would
    misread. ``uris``: the columns that name the record (a concept's ``conceptUri``; a relation's two URIs), each a
    URI of its pattern. The same URIs on two records that differ is a refusal naming both lines (which one holds would
    be a guess); the same record twice is read twice. ``seen`` (the caller's, else one of its own) ends with one entry
    per different record: its URIs' hash, its first line and the hash of what it says."""
    most = tallies[0].limits.max_vocab_field
    previous = csv.field_size_limit(most)
    reader = csv.DictReader(lines)
    seen = {} if seen is None else seen  # the hash of a record's URIs: its line and the hash of what it says
    try:
        missing = [c for c in required if c not in (reader.fieldnames or ())]
        if missing:
            raise _import_error(f"{name} mist de kolom(men) {', '.join(missing)} van het officiële ESCO-bestand",
                                f"{name} lacks the column(s) {', '.join(missing)} of the official ESCO file")
        # Counted here, each tally told at the end or on the record past the room they all leave (0.3 s less for the
        # 124,000 relations than telling both tallies every record).
        room = [min(tally.room(counted) for tally in tallies) for counted in (kind, "labels", "text")]
        records = labels = chars = 0
        for number, row in enumerate(reader, start=2):
            count, size = _check_labels(row, name, number)
            records, labels, chars = records + 1, labels + count, chars + size
            if records > room[0] or labels > room[1] or chars > room[2]:
                for tally in tallies:  # the one whose cap it passes refuses it: the file's first, then the folder's
                    tally.add(kind, records, (labels, chars))
            if uris is not None:
                _check_record(row, name, number, uris, seen)
            yield row
        for tally in tallies:
            tally.add(kind, records, (labels, chars))
    except csv.Error as exc:  # e.g. a field over ``max_vocab_field`` characters, a NUL, a quote that does not close
        line = reader.line_num + 1  # line_num counts the lines read before the failing one
        if "field limit" in str(exc):
            raise _import_error(f"{name}, regel {line}: een veld is langer dan {most} tekens",
                                f"{name}, line {line}: a field is longer than {most} characters",
                                ErrorCode.TOO_LARGE) from None
        raise _import_error(f"{name}, regel {line}: geen geldige CSV (bijvoorbeeld een NUL-teken of een aanhalingsteken dat "
                            "niet sluit)", f"{name}, line {line}: not valid CSV ({exc})") from None
    except UnicodeDecodeError:
        raise _import_error(f"{name} is geen UTF-8-tekst", f"{name} is not UTF-8 text") from None
    finally:
        csv.field_size_limit(previous)


_KEPT: Final = ("preferredLabel", "altLabels", "skillType", "reuseLevel", "code", "relationType")
"""The columns of a record an import keeps (``VocabIndex`` builder: labels, types, occupation code, relation type). Two
records of one URI that differ elsewhere say the same here: the official Dutch ESCO v1.2 ``occupations_nl.csv`` lists
four occupations twice, differing only in ``modifiedDate``."""


def _check_record(row: Mapping[str, Any], name: str, number: int, uris: Mapping[str, re.Pattern[str]],
                  seen: dict[int, tuple[int, int]]) -> None:
    """Refuse a record whose URI column is not a URI of its kind (``javascript:``, ``file:``, a space, a byte order
    mark: such a record was skipped without a word, and the import said how many it took), or whose URIs an earlier
    record of the file has with other values of ``_KEPT`` (a label twice: the last one was kept), or that has more or fewer fields
    than the header names (a comma in a label without quotes moved the rest of it into the next column)."""
    if None in row or None in row.values():  # csv.DictReader: extra fields under the key None, missing ones None
        raise _import_error(
            f"{name}, regel {number}: het aantal velden is niet dat van de kopregel (een komma in een veld zonder "
            "aanhalingstekens?)", f"{name}, line {number}: the number of fields is not the header's (a comma in a field "
            "without quotes?)")
    key = []
    for column, pattern in uris.items():
        value = (row.get(column) or "").strip()
        if not pattern.fullmatch(value):
            raise _import_error(
                f"{name}, regel {number}: {column} {shown(value, 120, quoted=True)} is geen ESCO-URI zoals die kolom in "
                "het officiële bestand", f"{name}, line {number}: {column} {shown(value, 120, quoted=True)} is not an ESCO "
                "URI as that column holds in the official file")
        key.append(value)
    said = hash(tuple(row.get(column) for column in _KEPT))  # what the import keeps: an official file's repeats differ
    first, before = seen.setdefault(hash(tuple(key)), (number, said))  # hashes: 124,000 relations' URIs took 67 MB
    if before != said:
        raise _import_error(
            f"{name}, regel {number}: {' en '.join(key)} staat ook op regel {first}, met andere gegevens; welke klopt "
            "is niet te zeggen", f"{name}, line {number}: {' and '.join(key)} is on line {first} too, with other values; "
            "which one is right cannot be told")


def _check_labels(row: Mapping[str, Any], name: str, number: int) -> tuple[int, int]:
    """Refuse a record whose labels a person would not read as written (a control or bidi character: DESIGN.md threat 4,
    as in a credential; a line break in a label, as ``vocab search`` would print it as a line of its own:
    ``FORBIDDEN_IN_LINE``, where the line breaks between alternative labels are their separator) or that the import
    could not hold (a label longer than ``_IMPORT_LIMITS.max_string_length``,
    more alternative labels than its ``max_array_length``: ``_read_import`` refused them after they were written, and
    every later command and import with them). Returns ``_label_size``."""
    alts = _split_alt(row.get("altLabels") or "")
    labels = [("preferredLabel", row.get("preferredLabel")), *(("altLabels", alt) for alt in alts)]
    for column, label in labels:
        forbidden = FORBIDDEN_IN_LINE.search(label) if isinstance(label, str) else None
        if forbidden is not None:
            char = f"U+{ord(forbidden.group()):04X}"
            raise _import_error(
                f"{name}, regel {number}: {column} bevat het teken {char}, een regeleinde of een onzichtbaar stuur- of "
                "leesrichtingsteken, dat de tekst anders kan laten lijken dan hij is; een label is één regel",
                f"{name}, line {number}: {column} contains {char}, a line break or a control or bidi character; a label "
                "is one line")
    longest = max(len(label) for label in (row.get("preferredLabel") or "", *alts))
    if longest > _IMPORT_LIMITS.max_string_length or len(alts) > _IMPORT_LIMITS.max_array_length:
        raise _import_error(
            f"{name}, regel {number}: een label is hoogstens {_IMPORT_LIMITS.max_string_length} tekens lang, en een "
            f"begrip heeft hoogstens {_IMPORT_LIMITS.max_array_length} andere labels",
            f"{name}, line {number}: a label is at most {_IMPORT_LIMITS.max_string_length} characters long, and a concept "
            f"has at most {_IMPORT_LIMITS.max_array_length} other labels", ErrorCode.TOO_LARGE)
    preferred = (row.get("preferredLabel") or "").strip()
    return len(alts) + bool(preferred), sum(map(len, alts)) + len(preferred)  # ``_label_size``, with ``alts`` split once


def _label_size(row: Mapping[str, Any]) -> tuple[int, int]:
    """How many labels (the preferred one, the alternative ones) a record of an ESCO CSV file has, and how many
    characters they have."""
    labels = [label for label in ((row.get("preferredLabel") or "").strip(), *_split_alt(row.get("altLabels") or ""))
              if label]
    return len(labels), sum(len(label) for label in labels)


def _split_alt(value: str) -> tuple[str, ...]:
    """ESCO alt labels: one per line in skills_*.csv, " | "-separated in the collections."""
    parts = re.split(r"\n| \| ", value)
    return tuple(dict.fromkeys(p.strip() for p in parts if p.strip()))


def _parse_skills_csv(lines: Iterable[str], lang: str, name: str, folder: _Tally) -> Iterator[Skill]:
    """Skills from an ESCO skills or skill-collection CSV (official download layout), as its ``lines`` are read, counted
    into its own tally and ``folder`` (``_rows``)."""
    tallies = (_file_tally(name, folder.limits), folder)
    for row in _rows(lines, name, ("conceptUri", "preferredLabel"), {"conceptUri": ESCO_SKILL}, kind="skills",
                     tallies=tallies):
        uri, label = (row.get("conceptUri") or "").strip(), (row.get("preferredLabel") or "").strip()
        if not label:
            continue
        yield Skill(
            uri, "ESCO", {lang: label},
            {lang: _split_alt(row.get("altLabels") or "")} if row.get("altLabels") else {},
            (row.get("skillType") or "").strip() or None,
            (row.get("reuseLevel") or "").strip() or None,
        )


# -- the importer ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ImportResult:
    """What ``import_esco`` added: skills per language, occupations per language, relations, register rows."""

    counts: Mapping[str, int]
    """ESCO skills per language."""
    paths: tuple[Path, ...]
    new: int
    """Skills the bundled index did not have."""
    occupations: Mapping[str, int] = field(default_factory=dict)
    """ESCO occupations per language, an occupation listed twice counted once (as a skill is)."""
    relations: int = 0
    """Occupation-skill relations (essential and optional), a relation listed twice counted once."""
    register: int = 0
    """Rows of an imported register of kwalificaties."""
    replaced: bool = False


def _import_error(nl: str, en: str, code: ErrorCode = ErrorCode.SCHEMA_INVALID) -> SkillspasError:
    return localized_error(code, nl=nl, en=en)


def _too_large(name: str, most: int) -> SkillspasError:
    return _import_error(f"{name} is te groot (meer dan {_size(most)} uitgepakt)",
                         f"{name} is too large (more than {_size(most)} unpacked)", ErrorCode.TOO_LARGE)


def _size(count: int) -> str:
    """A number of bytes as a bound is stated: ``64 MiB``, or ``1000 bytes``."""
    mib = 1024 * 1024
    return f"{count // mib} MiB" if count % mib == 0 else f"{count} bytes"


def _wanted(name: str) -> bool:
    return any(p.search(name) for p in _WANTED)


def _safe_name(name: str) -> bool:
    """A member name without a drive, an absolute path, a backslash or a ``..`` step."""
    path = PurePosixPath(name)
    return not (name.startswith("/") or "\\" in name or ":" in name or ".." in path.parts or "\0" in name)


_UNREADABLE: Final = (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, EOFError, lzma.LZMAError, OSError)
"""What opening or reading a damaged zip (or a folder that cannot be read) raises: no readable download."""
_CHUNK: Final = 64 * 1024
"""How many bytes of a file are read at a time."""
_PACKED: Final = 4 * 1024 * 1024
"""How many bytes of an occupations or relations file are compressed at a time (``_Packed``)."""


def _unreadable(source: Path, exc: BaseException) -> SkillspasError:
    return _import_error(f"{source} is geen leesbaar zip-bestand of map ({exc})",
                         f"{source} is not a readable zip file or folder ({exc})")


def _bounded(stream: IO[bytes], most: int, refuse: Callable[[], SkillspasError],
             also: Sequence[Callable[[bytes], object]] = ()) -> io.BufferedReader:
    """``stream`` read through ``_Counted``, ``_CHUNK`` bytes at a time."""
    return io.BufferedReader(_Counted(stream, most, refuse, also), _CHUNK)


class _Counted(io.RawIOBase):
    """A binary stream read through, its bytes counted as they come: ``refuse()`` is raised as soon as they pass
    ``most`` (no more than ``most`` + 1 bytes are read from it), and each chunk is handed to every one of ``also`` (a
    download's count, a copy) as it is read."""

    def __init__(self, stream: IO[bytes], most: int, refuse: Callable[[], SkillspasError],
                 also: Sequence[Callable[[bytes], object]] = ()) -> None:
        super().__init__()
        self._stream, self._most, self._refuse, self._also = stream, most, refuse, also
        self._count = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: "WriteableBuffer") -> int:
        with memoryview(buffer) as view, view.cast("B") as into:
            data = self._stream.read(min(len(into), self._most + 1 - self._count))
            into[:len(data)] = data
        self._count += len(data)
        if self._count > self._most:
            raise self._refuse()
        for each in self._also:
            each(data)
        return len(data)


def _csv_lines(stream: IO[bytes], name: str, limits: Limits) -> Iterator[str]:
    """The lines of a UTF-8 CSV file (without the byte order mark it may start with; line ends as written) as they are
    read from ``stream`` (``_bounded``), for ``csv``: no more than a line of its text is held at once, and a line
    longer than ``limits.max_vocab_field`` characters is ``too_large``, naming the file and the line.
    ``UnicodeDecodeError`` for bytes that are not UTF-8."""
    most = limits.max_vocab_field
    text = io.TextIOWrapper(stream, encoding="utf-8-sig", newline="")
    number = 0
    while line := text.readline(most + 2):  # a line of ``most`` characters and its end ("\r\n")
        number += 1
        if len(line) > most and len(line.rstrip("\r\n")) > most:
            raise _import_error(f"{name}, regel {number}: een regel is langer dan {most} tekens",
                                f"{name}, line {number}: a line is longer than {most} characters", ErrorCode.TOO_LARGE)
        yield line


@dataclass
class _Download:
    """One source of an import (a zip, a folder, a CSV file): the bytes read from its files so far, ``too_large`` as
    soon as they pass ``limits.max_vocab_download_bytes``."""

    path: Path
    limits: Limits
    read: int = 0

    def count(self, chunk: bytes) -> None:
        """Count ``chunk``, read from one of its files."""
        self.read += len(chunk)
        if self.read > self.limits.max_vocab_download_bytes:
            raise _too_large(str(self.path), self.limits.max_vocab_download_bytes)


class _Member(NamedTuple):
    """A file of a download that ``vocab import`` reads: its name there and how to open it."""

    name: str
    download: _Download
    open: Callable[[], IO[bytes]]

    @contextlib.contextmanager
    def opened(self, copy: Callable[[bytes], object] | None = None) -> Iterator[io.BufferedReader]:
        """The file as a stream of its bytes, counted as they are read (``too_large`` as soon as they pass
        ``max_vocab_file_bytes``, or the download's pass ``max_vocab_download_bytes``), each chunk handed to ``copy``;
        a coded refusal when it cannot be read (``file_error``; a damaged zip)."""
        download, most = self.download, self.download.limits.max_vocab_file_bytes
        try:
            with self.open() as stream:
                yield _bounded(stream, most, lambda: _too_large(self.name, most),
                               (download.count,) if copy is None else (download.count, copy))
        except (FileNotFoundError, PermissionError, NotADirectoryError) as exc:  # what any command says of such a file
            raise file_error(exc, exc.filename or download.path, "read") from None
        except _UNREADABLE as exc:  # raised as the file is read, deep in its reader: a member that does not inflate
            raise _unreadable(download.path, exc) from None


class _Packed:
    """The bytes of a file as they are read, lzma-compressed for ``vocab import`` to write: without the byte order mark
    it may start with, as its text was written when the import read whole files. Compressed ``_PACKED`` bytes at a
    time: each chunk compressed as it came, between the rows parsed from it, took the import of the official ESCO files
    15 % more time."""

    def __init__(self) -> None:
        self._lzma = lzma.LZMACompressor(preset=1)
        self._parts: list[bytes] = []
        self._waiting: list[bytes] = []  # read, not yet compressed: fewer than ``_PACKED`` bytes
        self._size = 0
        self._head: bytes | None = b""  # the first bytes, until there are enough to tell a byte order mark

    def __call__(self, chunk: bytes) -> None:
        if self._head is not None:
            self._head += chunk
            if len(self._head) < len(codecs.BOM_UTF8):
                return
            chunk, self._head = self._head.removeprefix(codecs.BOM_UTF8), None
        self._waiting.append(chunk)
        self._size += len(chunk)
        if self._size >= _PACKED:
            self._compress()

    def _compress(self) -> None:
        self._parts.append(self._lzma.compress(b"".join(self._waiting)))
        self._waiting, self._size = [], 0

    def packed(self) -> bytes:
        """All that was read, compressed."""
        self._waiting.append(self._head or b"")
        self._compress()
        return b"".join([*self._parts, self._lzma.flush()])


def _members(source: Path, limits: Limits, archives: contextlib.ExitStack) -> dict[str, _Member]:
    """The files of an ESCO download (zip, folder, or one CSV file) that the importer reads, by name, each to be read
    as a stream (a zip is kept open on ``archives``) within ``limits`` (``max_vocab_file_bytes``,
    ``max_vocab_download_bytes``); a file whose size says it is over its bound, or a zip of more than
    ``max_vocab_files`` members, is refused before anything is read."""
    found: dict[str, _Member] = {}
    download = _Download(source, limits)
    most = limits.max_vocab_file_bytes
    try:
        if source.is_dir():
            for path in sorted(source.rglob("*.csv")):
                if _wanted(path.name):
                    if path.stat().st_size > most:
                        raise _too_large(path.name, most)
                    found[path.name] = _Member(path.name, download, functools.partial(open_input, path))
            return found
        if source.suffix.lower() == ".csv":
            if not _wanted(source.name):
                raise _import_error(f"{source.name} is geen bestand dat vocab import kent",
                                    f"{source.name} is not a file vocab import knows")
            if source.stat().st_size > most:
                raise _too_large(source.name, most)
            return {source.name: _Member(source.name, download, functools.partial(open_input, source))}
        archive = archives.enter_context(zipfile.ZipFile(source))
        infos = archive.infolist()
        if len(infos) > limits.max_vocab_files:
            raise _import_error(f"{source} bevat meer dan {limits.max_vocab_files} bestanden",
                                f"{source} holds more than {limits.max_vocab_files} files", ErrorCode.TOO_LARGE)
        unsafe = [i.filename for i in infos if not _safe_name(i.filename)]
        if unsafe:
            raise _import_error(f"het zip-bestand bevat een onveilige bestandsnaam ({shown(unsafe[0], quoted=True)})",
                                f"the zip file holds an unsafe member name ({shown(unsafe[0], quoted=True)})")
        for info in infos:
            if info.is_dir() or not _wanted(info.filename):
                continue
            if info.file_size > most:  # the declared size may lie: the bytes read are counted too
                raise _too_large(info.filename, most)
            name = info.filename.rsplit("/", 1)[-1]
            found[name] = _Member(name, download, functools.partial(archive.open, info))
    except (FileNotFoundError, PermissionError, NotADirectoryError) as exc:  # what any command says of such a file
        raise file_error(exc, exc.filename or source, "read") from None
    except _UNREADABLE as exc:
        raise _unreadable(source, exc) from None
    return found


class _Part(NamedTuple):
    """One checked part of an import: its kind, its language (or file name), what to write, its records and labels."""

    kind: str
    """``skills``, ``occupations``, ``relations`` or ``register``."""
    key: str
    payload: Any
    records: int
    labels: tuple[int, int] = (0, 0)
    """How many labels, how many characters (``_label_size``)."""
    different: int = 0
    """Occupations and relations: how many different ones ``records`` are (a record repeated counts once), as the
    import reports them; the caps count ``records``."""


def import_esco(
    source: str | os.PathLike[str] | Sequence[str | os.PathLike[str]],
    home: str | os.PathLike[str],
    *,
    replace: bool = False,
    limits: Limits = Limits(),
) -> ImportResult:
    """Import official ESCO downloads (zips, folders or CSV files) and a newer register into ``home``.

    Skills: ``skills_<lang>.csv`` when present, otherwise the skill collections
    (``*SkillsCollection_<lang>.csv``, e.g. the partial Dutch download) give that language's labels.
    Occupations: ``occupations_<lang>.csv``. Relations: ``occupationSkillRelations.csv`` (an
    occupation it lists gets exactly its relations). Register: ``kwalificaties-register.csv``.
    ``replace`` drops every earlier ESCO import and the bundled ESCO: the index then holds the
    imported ESCO only (plus CompetentNL). Everything is checked before anything is written.

    Raises:
        SkillspasError: ``too_large`` for a file, or the data folder's imports with this one, over a cap of
            ``limits`` (``max_vocab_skills``, ``max_vocab_occupations``, ``max_vocab_relations``,
            ``max_vocab_labels``, ``max_vocab_label_text``, ``max_register_rows``), counted as the files are read,
            so the refusal comes before the work; ``schema_invalid`` for a file it would misread.
    """
    sources = [source] if isinstance(source, (str, os.PathLike)) else list(source)
    folder = Path(home) / IMPORT_FOLDER
    with contextlib.ExitStack() as archives:
        members: dict[str, _Member] = {}
        for item in sources:
            members.update(_members(Path(item), limits, archives))
        kept = _kept(home, members, limits, replace=replace)
        plan = _plan(members, _Tally(limits, kept.who, kept.then, dict(kept.counts)))  # the folder, counted as read
    if not plan:
        names = ", ".join(str(s) for s in sources)
        raise _import_error(
            f"Geen ESCO-bestand (skills_<taal>.csv, occupations_<taal>.csv, occupationSkillRelations.csv) of "
            f"register (kwalificaties-register.csv) gevonden in {names}.",
            f"No ESCO file (skills_<lang>.csv, occupations_<lang>.csv, occupationSkillRelations.csv) or register "
            f"(kwalificaties-register.csv) found in {names}.",
        )
    try:
        merged = _merged(plan, folder, replace=replace)
        for part in plan:  # the folder as the import leaves it: a language's skills merged with its earlier ones
            if part.kind == "skills":
                kept.add("skills", len(merged[part.key]), _skill_labels(merged[part.key].values()))
            elif part.kind != "register":
                kept.add(part.kind, part.records, part.labels)
        return _store_plan(plan, merged, folder, replace=replace)
    except OSError as exc:  # a --home that cannot be written (a name too long, no permission, a full disk)
        raise file_error(exc, exc.filename or folder, "write") from None


def _kept(home: str | os.PathLike[str], members: Iterable[str], limits: Limits, *, replace: bool) -> _Tally:
    """The imports of ``home`` that importing ``members`` (by name) keeps, counted (``_folder_tally``): every earlier one
    (none with ``replace``) but a language's skills or occupations that the import writes anew, and the relations."""
    from skillspas.schemas.vocab_index import _count_import, imports_of  # it imports this module

    tally = _folder_tally(Path(home) / IMPORT_FOLDER, limits)
    if replace or all(_REGISTER_FILE.search(name) for name in members):  # a register is no part of the index
        return tally
    written = {"occupationSkillRelations.csv.xz"}  # one file, never summed: checked as it was imported
    for name in members:
        if match := _SKILLS_FILE.search(name) or _COLLECTION_FILE.search(name):
            written.add(f"esco-{match.group(1)}.json.gz")
        elif match := _OCCUPATIONS_FILE.search(name):
            written.add(f"occupations_{match.group(1)}.csv.xz")
    for path in imports_of(home):
        if path.name not in written:
            _count_import(path, tally)
    return tally


def _merged(plan: Sequence[_Part], folder: Path, *, replace: bool) -> dict[str, dict[str, Skill]]:
    """Per language of ``plan``, the skills ``folder`` will hold: its earlier import's (none with ``replace``), with the
    plan's added (their labels win)."""
    merged: dict[str, dict[str, Skill]] = {}
    for part in plan:
        if part.kind == "skills":
            path = folder / f"esco-{part.key}.json.gz"
            previous = {s.uri: s for s in _read_import(path)} if not replace and path.exists() else {}
            for uri, skill in part.payload.items():
                previous[uri] = previous[uri].merged(skill) if uri in previous else skill
            merged[part.key] = previous
    return merged


def _store_plan(plan: Sequence[_Part], merged: Mapping[str, Mapping[str, Skill]], folder: Path, *,
                replace: bool) -> ImportResult:
    """Write the checked ``plan`` (its skills as ``merged``) into ``folder`` (``import_esco``)."""
    folder.mkdir(parents=True, exist_ok=True)
    if replace:
        for old in folder.iterdir():
            if re.fullmatch(r"esco-[a-z]{2}\.json\.gz|occupations_[a-z]{2}\.csv\.xz|occupationSkillRelations\.csv\.xz", old.name):
                old.unlink()
        _write(folder / REPLACE_MARKER, b"")
    counts: dict[str, int] = {}
    occupations: dict[str, int] = {}
    relations = register = 0
    paths: list[Path] = []
    imported: set[str] = set()
    for kind, key, payload, count, _, different in plan:
        if kind == "skills":
            path = folder / f"esco-{key}.json.gz"
            _write(path, _encode_import(key, merged[key].values()))
            counts[key] = count
            imported |= set(payload)
        elif kind == "occupations":
            path = folder / f"occupations_{key}.csv.xz"
            _write(path, payload)
            occupations[key] = different
        elif kind == "relations":
            path = folder / "occupationSkillRelations.csv.xz"
            _write(path, payload)
            relations = different
        else:
            path = folder / "kwalificaties-register.csv"
            _write(path, payload)
            register = count
        paths.append(path)
    return ImportResult(counts, tuple(paths), _new_skills(imported), occupations, relations, register, replace)


def _new_skills(uris: set[str]) -> int:
    """How many of ``uris`` the bundled index does not have."""
    if not uris:
        return 0
    from skillspas.schemas.vocab_index import VocabIndex

    return len(uris - set(VocabIndex.open().concepts(uris)))


def _plan(members: Mapping[str, _Member], folder: _Tally) -> list[_Part]:
    """Every member read as a stream, row by row, parsed, checked and counted (each into its own tally and into
    ``folder``): what is kept of it is what the import writes (skills; occupations and relations compressed; a
    register's bytes), never the whole file."""
    from skillspas.schemas.vocab_index import ESCO_OCCUPATION  # it imports this module

    plan: list[_Part] = []
    by_lang: dict[str, list[tuple[str, _Member]]] = {}
    for name, member in sorted(members.items()):
        match = _SKILLS_FILE.search(name) or _COLLECTION_FILE.search(name)
        if match is not None:
            by_lang.setdefault(match.group(1), []).append((name, member))
    for lang, files in sorted(by_lang.items()):
        skills = _skills_of(lang, files, folder)
        plan.append(_Part("skills", lang, skills, len(skills)))
    for name, member in sorted(members.items()):
        if match := _OCCUPATIONS_FILE.search(name):
            packed = _Packed()
            with member.opened(packed) as raw:
                records, different, labels = _count(
                    name, _csv_lines(raw, name, folder.limits), "occupations", ("conceptUri", "preferredLabel"),
                    {"conceptUri": ESCO_OCCUPATION}, folder)
            plan.append(_Part("occupations", match.group(1), packed.packed(), records, labels, different))
        elif _RELATIONS_FILE.search(name):
            packed = _Packed()
            with member.opened(packed) as raw:
                records, different, _ = _count(
                    name, _csv_lines(raw, name, folder.limits), "relations",
                    ("occupationUri", "relationType", "skillUri"),
                    {"occupationUri": ESCO_OCCUPATION, "skillUri": ESCO_SKILL}, folder)
            plan.append(_Part("relations", name, packed.packed(), records, different=different))
        elif _REGISTER_FILE.search(name):
            from skillspas.schemas.kwalificaties import read_register

            copy: list[bytes] = []  # at most ``max_register_bytes``
            with member.opened(copy.append) as raw:
                rows = read_register(raw, name, limits=folder.limits)
            plan.append(_Part("register", name, b"".join(copy), len(rows)))
    return plan


def _count(name: str, lines: Iterable[str], kind: str, columns: Sequence[str], uris: Mapping[str, re.Pattern[str]],
           folder: _Tally) -> tuple[int, int, tuple[int, int]]:
    """The records, the different ones among them (by their ``uris``: a record repeated is one occupation) and the
    labels (``_label_size``) of a file's ``lines`` (``_rows``: each record counted as ``kind`` into the file's own tally
    and ``folder``, repeats too); a coded refusal if it has the wrong columns or none."""
    own = _file_tally(name, folder.limits)
    seen: dict[int, tuple[int, int]] = {}
    for _ in _rows(lines, name, columns, uris, kind=kind, tallies=(own, folder), seen=seen):
        pass
    if not own.counts.get(kind):
        raise _import_error(f"{name} bevat geen ESCO-records.", f"{name} holds no ESCO records.")
    return own.counts[kind], len(seen), (own.counts["labels"], own.counts["text"])


def _skills_of(lang: str, files: list[tuple[str, _Member]], folder: _Tally) -> dict[str, Skill]:
    """One language's skills: from ``skills_<lang>.csv`` when present, else from its skill collections (each file
    read as a stream and counted into its own tally and ``folder``); a skill listed again is merged as it is read."""
    full = [f for f in files if _SKILLS_FILE.search(f[0])]
    skills: dict[str, Skill] = {}
    for name, member in full or sorted(files):
        with member.opened() as raw:
            for skill in _parse_skills_csv(_csv_lines(raw, name, folder.limits), lang, name, folder):
                skills[skill.uri] = skills[skill.uri].merged(skill) if skill.uri in skills else skill
    if not skills:
        raise _import_error(f"{files[0][0]} bevat geen ESCO-vaardigheden.", f"{files[0][0]} holds no ESCO skills.")
    return skills


def _encode_import(lang: str, skills: Iterable[Skill]) -> bytes:
    """One language's imported skills: {uri: [label, alt labels, type, reuse level]}, gzipped JSON."""
    body = {
        "format": "skillspas-vocab-import/1",
        "lang": lang,
        "skills": {
            s.uri: [s.labels.get(lang, ""), list(s.alt_labels.get(lang, ())), s.skill_type, s.reuse_level]
            for s in skills
        },
    }
    return gzip.compress(json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode("utf-8"), mtime=0)


def _write(path: Path, data: bytes) -> None:
    """``data`` at ``path``, written atomically."""
    write_atomic(path, data)


_IMPORT_LIMITS: Final = Limits(max_bytes=256 * 1024 * 1024)
"""Bounds of an imported skills file (``vocab import`` writes it: all ESCO skills of one language, a few MB)."""


def _unpacked(path: Path) -> bytes:
    """What a file ``vocab import`` wrote into the data folder holds (gzip, else xz, by its name), read back
    (``read_back``) and unpacked within ``_IMPORT_LIMITS.max_bytes`` both, so a file of gigabytes or one that unpacks to
    gigabytes is never read or unpacked whole; ``OSError`` (``EFBIG`` past the bound), ``EOFError`` or ``lzma.LZMAError``
    otherwise."""
    limit = _IMPORT_LIMITS.max_bytes
    packed = io.BytesIO(read_back(path, limit))
    with gzip.GzipFile(fileobj=packed) if path.name.endswith(".gz") else lzma.LZMAFile(packed) as unpacking:
        data = unpacking.read(limit + 1)
    if len(data) > limit:
        raise OSError(errno.EFBIG, f"it unpacks to more than {limit} bytes", str(path))
    return data


def _read_import(path: Path) -> list[Skill]:
    try:
        body: Any = parse_json(_unpacked(path), _IMPORT_LIMITS)
        lang, entries = body["lang"], body["skills"]
        return [
            Skill(uri, "ESCO", {lang: label}, {lang: tuple(alt)} if alt else {}, kind, reuse)
            for uri, (label, alt, kind, reuse) in entries.items()
            if ESCO_SKILL.fullmatch(uri) and label
        ]
    except (OSError, ValueError, KeyError, TypeError, EOFError, lzma.LZMAError, SkillspasError):
        raise _import_error(
            f"Het geïmporteerde vaardighedenbestand {path} is onleesbaar; importeer ESCO opnieuw.",
            f"The imported skills file {path} is unreadable; import ESCO again.",
        ) from None
