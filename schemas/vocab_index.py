"""The offline map: every ESCO skill and occupation, their relations, CompetentNL, searchable in Dutch.

Usage::

    index = VocabIndex.open()                       # bundled data (+ ``home``'s imports), built once
    found = index.search("koken")                   # SearchResult: hits best first, ``ambiguous``
    cook = index.occupation_named("kok")            # one occupation, or a coded refusal with candidates
    for skill, essential in index.skills_of(cook.uri): ...

The index is a SQLite file with an FTS5 table, built from the official files bundled in
``data/vocab/`` (ESCO v1.1.1 ``skills_en.csv``, ``occupations_en.csv`` and
``occupationSkillRelations.csv``; the Dutch ESCO labels; the CompetentNL skills) plus what
``skillspas vocab import`` put in a data folder. It is built on first use into the cache folder
(``$SKILLSPAS_CACHE_DIR``, else the per-user cache) under a name derived from its sources, so a
later start only opens it. Labels: ESCO, European Commission; CompetentNL (UWV, CBS, SBB, TNO).
"""

from __future__ import annotations

import csv
import hashlib
import io
import lzma
import os
import re
import sqlite3
import stat
import tempfile
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any, Iterable, Iterator

from skillspas.schemas.cachedir import cache_folder
from skillspas.schemas.errors import ErrorCode, file_error, localized_error, shown
from skillspas.schemas.jsonio import parse_json
from skillspas.schemas.limits import Limits
from skillspas.schemas.text import FORBIDDEN_IN_LINE, one_line
from skillspas.schemas.vocab import (
    ATTRIBUTION, COMPETENTNL, ESCO_SKILL, IMPORT_FOLDER, REPLACE_MARKER, Skill, _data, _folder_tally, _import_error,
    _label_size, _read_import, _skill_labels, _split_alt, _Tally, _unpacked, fold, shown_label,
)

__all__ = [
    "ATTRIBUTION",
    "ESCO_OCCUPATION",
    "MAX_QUERY",
    "Concept",
    "Hit",
    "SearchResult",
    "VocabIndex",
    "cache_folder",
    "imports_of",
    "word_forms",
    "dictionary_version",
    "dictionary_entries",
    "catalogue_text",
]

ESCO_OCCUPATION = re.compile(r"http://data\.europa\.eu/esco/occupation/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
_OCCUPATION_ID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
"""An ESCO occupation's id: the last part of its URI, as ``occupation_named`` lists candidates."""
_NO_PLURAL_S = "aeiouyjs'"
"""Letters before a final s that make it no plural ending here (glas, huis, proces, kruis)."""
_FORM = 0.125
"""What matching through a word form costs (``_score``): a whole word found only as a form ("koks" -> kok)
ranks below the same match of the word as typed. Like an alternative (+0.5) or English (+0.25) label it only
orders hits of one kind of match: all three together stay below the next kind (a word's beginning)."""
_WHOLE_WORDS = 3.0
"""A search score below this matched every word of the query as a whole word of a label (``_score``); from it on
only word beginnings matched ("kook" in "kookketel"), which names no occupation for sure."""
MAX_QUERY = 200
"""Longest search text (characters)."""
_MAX_WORDS = 8
_CANDIDATES = 4000
_FORMAT = "skillspas-vocab-index/1"
_REUSE_ORDER = {"transversal": 0, "cross-sector": 1, "sector-specific": 2, "occupation-specific": 3}
_KIND_ORDER = {"skill": 0, "competentnl": 1, "occupation": 2}
_FIELD_LIMIT = 1 << 24
_SCHEMA = """
CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE concept(id INTEGER PRIMARY KEY, uri TEXT NOT NULL UNIQUE, kind TEXT NOT NULL,
    label_nl TEXT, label_en TEXT, skill_type TEXT, reuse_level TEXT, code TEXT);
CREATE TABLE relation(occupation INTEGER NOT NULL, skill INTEGER NOT NULL, essential INTEGER NOT NULL,
    PRIMARY KEY (occupation, skill)) WITHOUT ROWID;
CREATE INDEX relation_skill ON relation(skill, occupation);
CREATE VIRTUAL TABLE label USING fts5(text, concept UNINDEXED, lang UNINDEXED, alt UNINDEXED,
    tokenize = "unicode61 remove_diacritics 2", prefix = '3');
"""


@dataclass(frozen=True)
class Concept:
    """A skill or occupation of ESCO, or a CompetentNL skill, with its Dutch and English label."""

    uri: str
    kind: str
    """``skill`` (ESCO), ``occupation`` (ESCO) or ``competentnl``."""
    labels: dict[str, str]
    skill_type: str | None = None
    reuse_level: str | None = None
    code: str | None = None
    """The ISCO-based code of an occupation."""

    @property
    def framework(self) -> str:
        return "CompetentNL" if self.kind == "competentnl" else "ESCO"

    def label(self, lang: str = "nl") -> str:
        """The label in ``lang``, else English, else Dutch, else the URI."""
        return self.labels.get(lang) or self.labels.get("en") or self.labels.get("nl") or self.uri

    def shown_label(self, lang: str = "nl") -> str:
        """The label for a reader of ``lang``: another language's is marked as such ("dispose waste (Engels)")."""
        return shown_label(self.labels, lang, self.uri)

    def to_json(self) -> dict[str, Any]:
        """The concept as JSON (``label`` in both languages, with the fallback applied; ``shownLabel`` marks it)."""
        return {"uri": self.uri, "kind": self.kind, "framework": self.framework,
                "label": {"nl": self.label("nl"), "en": self.label("en")},
                "shownLabel": {"nl": self.shown_label("nl"), "en": self.shown_label("en")},
                "hasDutchLabel": "nl" in self.labels, "skillType": self.skill_type}


@dataclass(frozen=True)
class Hit:
    """One search result: the concept, the label that matched, how well, and through which occupation."""

    concept: Concept
    matched: str
    score: float
    """Lower is better: 0 the whole label, 1 the label starts with the words, 2 whole words, 3 word
    starts, 4 word forms as word starts; the whole label or whole words through word forms ("koks" -> kok)
    +0.125, an alternative label +0.5, an English label +0.25 (together below the next whole number);
    +6 through an occupation."""
    via: Concept | None = None

    def to_json(self) -> dict[str, Any]:
        return {**self.concept.to_json(), "matched": self.matched, "score": self.score,
                "via": self.via.to_json() if self.via else None}


@dataclass(frozen=True)
class SearchResult:
    """What a search found, best first; ``ambiguous`` when no single hit clearly stands out."""

    query: str
    hits: tuple[Hit, ...]
    ambiguous: bool

    @property
    def best(self) -> Hit | None:
        """The one clear hit, or ``None`` when nothing or several candidates were found."""
        return self.hits[0] if self.hits and not self.ambiguous else None

    def to_json(self) -> dict[str, Any]:
        return {"query": self.query, "ambiguous": self.ambiguous, "hits": [h.to_json() for h in self.hits],
                "attribution": ATTRIBUTION}


def word_forms(word: str) -> tuple[str, ...]:
    """A folded word and its Dutch stems and singulars: "koken" -> koken, kok, kook; "bakstenen" -> ..., baksteen;
    "verpleegkundigen" -> ..., verpleegkundige;
    "koks" -> koks, kok; "kook" -> kook, kok (ik kook, de kok); "cooks" -> cooks, cook."""
    forms = [word]
    stem = None
    if len(word) > 4 and word.endswith("en"):
        stem = word[:-2]
        forms.append(word[:-1])  # a noun in -e with its plural in -n: verpleegkundige-n
    elif len(word) > 4 and word.endswith("e"):
        stem = word[:-1]
    elif len(word) > 3 and word.endswith("s") and word[-2] not in _NO_PLURAL_S:  # koks, bakkers; not glas, proces
        forms.append(word[:-1])
    if stem:
        forms.append(stem)
        if re.search(r"[^aeiou][aeiou][^aeiouyj]$", stem):  # open syllable: kok-en -> kook
            forms.append(stem[:-1] + stem[-2] + stem[-1])
        if len(stem) > 3 and stem[-1] == stem[-2] and stem[-1] not in "aeiou":  # legg-en -> leg
            forms.append(stem[:-1])
    elif re.search(r"(aa|ee|oo|uu)[^aeiouyj]$", word):  # closed syllable: kook -> kok (kok-en, as above reversed)
        forms.append(word[:-3] + word[-2:])
    return tuple(dict.fromkeys(forms))


def _storable(text: object) -> bool:
    """Whether SQLite can take ``text`` as a parameter (a string without lone surrogates): no such URI is known."""
    if not isinstance(text, str):
        return False
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _too_long() -> Exception:
    return localized_error(
        ErrorCode.TOO_LARGE,
        nl=f"De zoektekst is te lang (meer dan {MAX_QUERY} tekens).",
        en=f"The search text is too long (more than {MAX_QUERY} characters).",
    )


class VocabIndex:
    """The built index, opened read-only; nothing here touches the network."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._db = sqlite3.connect(f"{path.as_uri()}?mode=ro&immutable=1", uri=True, check_same_thread=False)
        self._concepts: dict[int, Concept] = {}
        self._by_uri: dict[str, Concept] = {}
        """Concepts found by ``get`` (the index is immutable; misses are not kept, so this stays within its size)."""
        self._skills_of: dict[str, list[tuple[Concept, bool]]] = {}

    @classmethod
    def open(cls, home: str | os.PathLike[str] | None = None, *, cache: str | os.PathLike[str] | None = None) -> "VocabIndex":
        """The index of the bundled data plus ``home``'s imports, built first if no up-to-date one exists."""
        imports = imports_of(home)
        key = _key(imports)
        folder = Path(cache) if cache is not None else cache_folder()
        path = folder / f"vocab-index-{key}.sqlite"
        if not _intact(path):  # missing, or changed since it was built: built (again) in its place
            try:
                folder.mkdir(parents=True, exist_ok=True)
                build_index(path, imports)
            except OSError as exc:  # a folder in its place, a cache folder that is a file, a full disk
                raise file_error(exc, path, "write") from None
        return cls(path)

    def close(self) -> None:
        self._db.close()

    # -- concepts ---------------------------------------------------------------------------

    def _concept(self, row: tuple[Any, ...]) -> Concept:
        cid = row[0]
        found = self._concepts.get(cid)
        if found is None:
            _, uri, kind, nl, en, skill_type, reuse, code = row
            # One line each, wherever a label is shown: an index built from an import made before ``vocab import``
            # refused line breaks and control characters (``FORBIDDEN_IN_LINE``) may still hold them. Any other label
            # stays as ESCO wrote it (a no-break space, two spaces: an issuer signs it as the alignment's name).
            labels = {lang: one_line(text) if FORBIDDEN_IN_LINE.search(text) else text
                      for lang, text in (("nl", nl), ("en", en)) if text}
            found = self._concepts[cid] = Concept(uri, kind, labels, skill_type, reuse, code)
        return found

    def _by_ids(self, ids: Iterable[int]) -> dict[int, Concept]:
        wanted = [i for i in dict.fromkeys(ids)]
        missing = [i for i in wanted if i not in self._concepts]
        for start in range(0, len(missing), 500):
            chunk = missing[start:start + 500]
            for row in self._db.execute(
                f"SELECT * FROM concept WHERE id IN ({','.join('?' * len(chunk))})", chunk
            ):
                self._concept(row)
        return {i: self._concepts[i] for i in wanted if i in self._concepts}

    def get(self, uri: str) -> Concept | None:
        """The skill, occupation or CompetentNL skill with this URI, or ``None``."""
        found = self._by_uri.get(uri)
        if found is not None:  # a batch looks up the same skills in every row (measured: 0.1 ms a row)
            return found
        if not _storable(uri):
            return None
        row = self._db.execute("SELECT * FROM concept WHERE uri = ?", (uri,)).fetchone()
        if not row:
            return None
        found = self._by_uri[uri] = self._concept(row)
        return found

    def concepts(self, uris: Iterable[str]) -> dict[str, Concept]:
        """The known concepts among ``uris``, by URI."""
        wanted = [uri for uri in dict.fromkeys(uris) if _storable(uri)]
        found: dict[str, Concept] = {}
        for start in range(0, len(wanted), 500):
            chunk = wanted[start:start + 500]
            for row in self._db.execute(f"SELECT * FROM concept WHERE uri IN ({','.join('?' * len(chunk))})", chunk):
                concept = self._concept(row)
                found[concept.uri] = concept
        return found

    def each(self, kinds: Iterable[str]) -> Iterator[Concept]:
        """Every concept of these kinds (``skill``, ``competentnl``, ``occupation``), in index order."""
        kinds = tuple(kinds)
        rows = self._db.execute(f"SELECT * FROM concept WHERE kind IN ({','.join('?' * len(kinds))}) ORDER BY id", kinds)
        for row in rows.fetchall():
            yield self._concept(row)

    def counts(self) -> dict[str, int]:
        """How many concepts of each kind, and relations, the index holds."""
        counts = dict(self._db.execute("SELECT kind, count(*) FROM concept GROUP BY kind").fetchall())
        counts["relations"] = self._db.execute("SELECT count(*) FROM relation").fetchone()[0]
        return counts

    def skills_of(self, occupation: str) -> list[tuple[Concept, bool]]:
        """An occupation's skills with ``True`` for essential, essential first (ESCO relations); memoised."""
        if occupation in self._skills_of:
            return list(self._skills_of[occupation])
        rows = self._db.execute(
            "SELECT c.*, r.essential FROM relation r JOIN concept o ON o.id = r.occupation "
            "JOIN concept c ON c.id = r.skill WHERE o.uri = ? ORDER BY r.essential DESC, c.label_en",
            (occupation,),
        ).fetchall()
        found = [(self._concept(row[:-1]), bool(row[-1])) for row in rows]
        if len(self._skills_of) >= 512:
            self._skills_of.clear()
        self._skills_of[occupation] = found
        return list(found)

    def occupations_with(self, skills: Iterable[str], *, essential_only: bool = True) -> dict[str, set[str]]:
        """Occupation URI -> which of ``skills`` it lists (essential ones only, unless asked)."""
        wanted = list(dict.fromkeys(skills))
        found: dict[str, set[str]] = {}
        for start in range(0, len(wanted), 500):
            chunk = wanted[start:start + 500]
            for occupation, skill in self._db.execute(
                "SELECT o.uri, s.uri FROM concept s JOIN relation r ON r.skill = s.id JOIN concept o ON o.id = r.occupation "
                f"WHERE s.uri IN ({','.join('?' * len(chunk))})" + (" AND r.essential = 1" if essential_only else ""),
                chunk,
            ):
                found.setdefault(occupation, set()).add(skill)
        return found

    # -- search -----------------------------------------------------------------------------

    def search(self, query: str, *, limit: int = 20, kinds: Iterable[str] = ("skill", "competentnl", "occupation"),
               relations: bool = True) -> SearchResult:
        """Skills and occupations by their labels (nl, en; preferred and alternative), best first.

        Words match whole words, word starts and Dutch word forms; when an occupation matches, its
        essential skills follow the direct hits (``via``). ``ambiguous`` is set unless one hit is
        the whole label (or starts with the words) and beats every other.
        """
        if not isinstance(query, str) or len(query) > MAX_QUERY:
            raise _too_long()
        kinds = tuple(kinds)
        wanted = fold(query)
        words = re.findall(r"\w+", wanted)[:_MAX_WORDS]
        limit = max(1, min(int(limit), 200))
        if not words:
            return SearchResult(query, (), False)
        forms = [word_forms(w) for w in words]
        rows = self._match(forms, all_words=True) or self._match(forms, all_words=False)
        best: dict[int, tuple[float, str]] = {}
        phrase = " ".join(words)
        for cid, text, lang, alt in rows:
            score = _score(text, phrase, words, forms) + (0.5 if alt else 0.0) + (0.25 if lang == "en" else 0.0)
            if cid not in best or score < best[cid][0]:
                best[cid] = (score, text)
        concepts = self._by_ids(best)
        found = sorted((Hit(concepts[cid], one_line(text), score) for cid, (score, text) in best.items() if cid in concepts),
                       key=_order)
        hits = [h for h in found if h.concept.kind in kinds]
        if relations and "skill" in kinds:
            hits += self._through_occupations(found, {h.concept.uri for h in hits})
        hits = hits[:limit]
        clear = bool(hits) and (hits[0].score == 0.0 or len(hits) == 1) and (len(hits) == 1 or hits[1].score > hits[0].score)
        return SearchResult(query, tuple(hits), ambiguous=len(hits) > 1 and not clear)

    def _match(self, forms: list[tuple[str, ...]], *, all_words: bool) -> list[tuple[int, str, str, int]]:
        groups = []
        for word_forms_ in forms:
            terms = [f'"{f}"*' if len(f) >= 3 else f'"{f}"' for f in word_forms_]
            groups.append("(" + " OR ".join(terms) + ")")
        query = (" AND " if all_words else " OR ").join(groups)
        return self._db.execute(
            "SELECT concept, text, lang, alt FROM label WHERE label MATCH ? LIMIT ?", (query, _CANDIDATES)
        ).fetchall()

    def _through_occupations(self, hits: list[Hit], seen: set[str]) -> list[Hit]:
        """The essential skills of the best two occupations among ``hits``, after the direct hits;
        per occupation its most specific skills first (occupation-specific before transversal)."""
        extra: list[Hit] = []
        for hit in [h for h in hits if h.concept.kind == "occupation"][:2]:
            skills = [s for s, essential in self.skills_of(hit.concept.uri) if essential and s.uri not in seen]
            skills.sort(key=lambda s: (-_REUSE_ORDER.get(s.reuse_level or "", 1), s.label("nl")))
            for skill in skills:
                seen.add(skill.uri)
                extra.append(Hit(skill, hit.matched, hit.score + 6, via=hit.concept))
        return extra

    def occupation_named(self, name: str) -> Concept:
        """The one ESCO occupation a person means by ``name`` (Dutch or English) or its URI.

        Raises a coded ``schema_invalid`` when the name is unknown (naming the one occupation it may mean), and
        ``ambiguous`` naming the candidates when it fits several.
        """
        name = name.strip()
        if _OCCUPATION_ID.fullmatch(name):  # the id a refusal below lists for each candidate
            name = "http://data.europa.eu/esco/occupation/" + name
        if ESCO_OCCUPATION.fullmatch(name):
            found = self.get(name)
            if found is not None:
                return found
            hits: tuple[Hit, ...] = ()
        else:
            result = self.search(name, limit=8, kinds=("occupation",), relations=False)
            if result.best is not None and result.best.score < _WHOLE_WORDS:
                return result.best.concept
            hits = result.hits
        choices = "; ".join(f"{h.concept.label('nl')} ({h.concept.uri.rsplit('/', 1)[-1]})" for h in hits[:8])
        if len(hits) == 1:  # one occupation whose label only has words that start like the name: offered, not picked
            raise localized_error(
                ErrorCode.SCHEMA_INVALID,
                nl=f"'{shown(name)}' is geen beroepsnaam; bedoelt u {choices}? Geef die naam of id.",
                en=f"'{shown(name)}' is not the name of an occupation; do you mean {choices}? Give that name or id.",
            )
        if hits:  # the code a client shows a choice for, as a row key that fits several credentials
            raise localized_error(
                ErrorCode.AMBIGUOUS,
                nl=f"'{shown(name)}' past bij meer dan één beroep; kies er één (naam of id): {choices}.",
                en=f"'{shown(name)}' matches more than one occupation; pick one (name or id): {choices}.",
            )
        raise localized_error(
            ErrorCode.SCHEMA_INVALID,
            nl=f"Geen ESCO-beroep gevonden voor '{shown(name)}'.", en=f"No ESCO occupation found for '{shown(name)}'.",
        )


def _score(text: str, phrase: str, words: list[str], forms: list[tuple[str, ...]]) -> float:
    """How well a label matches (lower is better), per ``Hit.score``: a whole word, of the word as typed or of one
    of its forms, always ranks above a word that only starts like it ("kok" for "kook" above "operator kookketel")."""
    if text == phrase:
        return 0.0
    if text.startswith(phrase + " "):
        return 1.0
    tokens = re.findall(r"\w+", text)
    if all(w in tokens for w in words):
        return 2.0
    if all(any(f in tokens for f in fs) for fs in forms):  # every word whole, some only as a form: the label, or in it
        exact = len(tokens) == len(words) and all(t in fs for t, fs in zip(tokens, forms))
        return _FORM + (0.0 if exact else 2.0)
    if all(any(t.startswith(w) for t in tokens) for w in words):
        return 3.0
    matched = sum(any(t.startswith(f) for f in fs for t in tokens) for fs in forms)
    return 4.0 + 2.0 * (len(words) - matched)


def _order(hit: Hit) -> tuple[Any, ...]:
    c = hit.concept
    return (hit.score, _REUSE_ORDER.get(c.reuse_level or "", 1), _KIND_ORDER[c.kind], len(hit.matched), c.label("nl"), c.uri)


# -- building -----------------------------------------------------------------------------


def imports_of(home: str | os.PathLike[str] | None) -> list[Path]:
    """The files ``skillspas vocab import`` wrote into ``home`` that the index uses."""
    if home is None:
        return []
    folder = Path(home) / IMPORT_FOLDER
    try:
        if not folder.is_dir():
            return []
        return sorted(p for p in folder.iterdir() if p.is_file() and re.fullmatch(
            r"esco-[a-z]{2}\.json\.gz|occupations_[a-z]{2}\.csv\.xz|occupationSkillRelations\.csv\.xz|" + REPLACE_MARKER, p.name))
    except OSError as exc:  # a name too long, no permission: is_dir() raises all but a missing folder
        raise file_error(exc, folder, "read") from None


_DICTIONARY_SOURCES = (
    "competentnl-skills-seen.csv", "esco-occupations-nl-labels.csv.xz", "esco-skills-nl-labels.csv.xz",
    "kwalificaties-register.csv", "kwalificaties.json", "occupationSkillRelations.csv.xz",
    "occupations_en.csv.xz", "skills_en.csv.xz",
)
"""The bundled files the index and the catalogue (so the QR dictionary) are built from, by name."""


def dictionary_version() -> bytes:
    """The version of the bundled index as a QR dictionary: 4 bytes of SHA-256 over the index format and
    the MANIFEST digests of exactly the files it is built from. The same data gives the same version on
    every machine; a change to any of those files (and nothing else) gives a new one."""
    manifest = parse_json((resources.files("skillspas.schemas") / "data" / "vocab" / "MANIFEST.json").read_bytes())
    digests = {entry["file"]: entry["sha256"] for entry in manifest["files"]}
    lines = [_FORMAT] + [f"{name} {digests[name]}" for name in _DICTIONARY_SOURCES]
    return hashlib.sha256("\n".join(lines).encode()).digest()[:4]


_DICTIONARY_LIMITS = Limits(max_bytes=64 * 1024 * 1024, max_array_length=1_000_000)
"""The shipped dictionary file is ours, but it goes through the one strict reader like every JSON."""


def dictionary_entries(cache: str | os.PathLike[str] | None = None) -> tuple[tuple[str, str, str | None, str | None], ...]:
    """Every concept of the bundled index (no imports) as (URI, kind, Dutch label, English label), sorted by
    URI: an entry's number is its position, the same on every machine for one ``dictionary_version``.

    The browser build (no sqlite3 there) ships them instead, as ``dictionary-VERSION.json`` beside the data."""
    packaged = resources.files("skillspas.schemas") / "data" / "vocab" / f"dictionary-{dictionary_version().hex()}.json"
    if cache is None and packaged.is_file():
        return tuple((uri, kind, nl, en) for uri, kind, nl, en in parse_json(packaged.read_bytes(), _DICTIONARY_LIMITS))
    index = VocabIndex.open(None, cache=cache)
    try:
        rows = index._db.execute("SELECT uri, kind, label_nl, label_en FROM concept").fetchall()
    finally:
        index.close()
    return tuple(sorted(rows))


def catalogue_text() -> bytes:
    """The catalogue's names as one text (UTF-8): every register entry (kwalificatiedossiers, kwalificaties,
    keuzedelen, certificaten, by kind and code), then the kerntaken and werkprocessen of the bundled
    kwalificaties. The QR codec uses it as a preset DEFLATE dictionary; same data, same bytes."""
    rows = sorted((row["kind"], row["code"], row["name"]) for row in _csv(_data("kwalificaties-register.csv").decode("utf-8")))
    parts = [f"{name} ({code})" for _, code, name in rows]
    for qualification in parse_json(_data("kwalificaties.json"))["qualifications"]:
        for kerntaak in qualification.get("kerntaken", []):
            parts.append(f"{kerntaak['code']} {kerntaak.get('title') or ''}")
            parts.extend(f"{w['code']} {w['title']}" for w in kerntaak.get("werkprocessen", []))
    return "\n".join(parts).encode("utf-8")


def _key(imports: list[Path]) -> str:
    """A name for the index of these sources: the bundled manifest, the format and each import's size and time."""
    digest = hashlib.sha256(_FORMAT.encode())
    digest.update((resources.files("skillspas.schemas") / "data" / "vocab" / "MANIFEST.json").read_bytes())
    for path in imports:
        stat = path.stat()
        digest.update(f"\0{path.name}\0{stat.st_size}\0{stat.st_mtime_ns}".encode())
    return digest.hexdigest()[:20]


def _csv(text: str) -> Iterator[dict[str, str]]:
    previous = csv.field_size_limit()
    csv.field_size_limit(max(previous, _FIELD_LIMIT))
    try:
        yield from csv.DictReader(io.StringIO(text, newline=""))
    finally:
        csv.field_size_limit(previous)


def _records(text: str) -> int:
    """How many records a CSV text has after its header, as ``_csv`` reads them (without making a dict of each)."""
    previous = csv.field_size_limit()
    csv.field_size_limit(max(previous, _FIELD_LIMIT))
    try:
        return max(sum(1 for row in csv.reader(io.StringIO(text, newline="")) if row) - 1, 0)
    finally:
        csv.field_size_limit(previous)


class _Builder:
    """Collects concepts, labels and relations, then writes them in one transaction."""

    def __init__(self) -> None:
        self.concepts: dict[str, dict[str, Any]] = {}
        self.relations: dict[str, dict[str, bool]] = {}

    def concept(self, uri: str, kind: str) -> dict[str, Any]:
        entry = self.concepts.get(uri)
        if entry is None:
            entry = self.concepts[uri] = {"kind": kind, "labels": {}, "alts": {}, "skill_type": None, "reuse": None, "code": None}
        return entry

    def labels(self, uri: str, kind: str, lang: str, label: str, alts: Iterable[str], *, replace: bool = True) -> None:
        entry = self.concept(uri, kind)
        label = label.strip()
        if label and (replace or lang not in entry["labels"]):
            entry["labels"][lang] = label
        alts = [a for a in alts if a and a != label]
        if alts and (replace or lang not in entry["alts"]):
            entry["alts"][lang] = alts

    def esco_csv(self, text: str, lang: str, kind: str, *, replace: bool = True) -> None:
        """An official ESCO skills or occupations CSV (``skills_<lang>.csv``, ``occupations_<lang>.csv``)."""
        pattern = ESCO_SKILL if kind == "skill" else ESCO_OCCUPATION
        for row in _csv(text):
            uri = (row.get("conceptUri") or "").strip()
            if not pattern.fullmatch(uri):
                continue
            self.labels(uri, kind, lang, row.get("preferredLabel") or "", _split_alt(row.get("altLabels") or ""), replace=replace)
            entry = self.concepts[uri]
            entry["skill_type"] = (row.get("skillType") or "").strip() or entry["skill_type"]
            entry["reuse"] = (row.get("reuseLevel") or "").strip() or entry["reuse"]
            entry["code"] = (row.get("code") or "").strip() or entry["code"]

    def dutch_table(self, text: str, kind: str) -> None:
        """The derived Dutch label tables (``esco-*-nl-labels.csv``): v1.1.1 concepts only."""
        pattern = ESCO_SKILL if kind == "skill" else ESCO_OCCUPATION
        for row in _csv(text):
            uri = row["conceptUri"]
            if pattern.fullmatch(uri) and uri in self.concepts:
                self.labels(uri, kind, "nl", row["preferredLabel_nl"], _split_alt(row.get("altLabels_nl") or ""))

    def relations_csv(self, text: str) -> None:
        """``occupationSkillRelations.csv``: an imported file replaces the relations of each occupation it has."""
        fresh: dict[str, dict[str, bool]] = {}
        for row in _csv(text):
            occupation, skill = (row.get("occupationUri") or "").strip(), (row.get("skillUri") or "").strip()
            if ESCO_OCCUPATION.fullmatch(occupation) and ESCO_SKILL.fullmatch(skill):
                fresh.setdefault(occupation, {})[skill] = (row.get("relationType") or "").strip() == "essential"
        if not fresh:
            raise localized_error(ErrorCode.SCHEMA_INVALID, nl="Het relatiebestand bevat geen beroep-vaardigheidrelaties.",
                                  en="The relations file holds no occupation-skill relations.")
        self.relations.update(fresh)

    def write(self, db: sqlite3.Connection) -> None:
        ids: dict[str, int] = {}
        concept_rows, label_rows = [], []
        for number, (uri, entry) in enumerate(self.concepts.items(), start=1):
            ids[uri] = number
            labels = entry["labels"]
            concept_rows.append((number, uri, entry["kind"], labels.get("nl"), labels.get("en"),
                                 entry["skill_type"], entry["reuse"], entry["code"]))
            for lang, label in labels.items():
                label_rows.append((fold(label), number, lang, 0))
            for lang, alts in entry["alts"].items():
                label_rows.extend((fold(alt), number, lang, 1) for alt in alts)
        relation_rows = []
        for occupation, skills in self.relations.items():
            for skill, essential in skills.items():
                for uri, kind in ((occupation, "occupation"), (skill, "skill")):
                    if uri not in ids:  # a relation to a concept no labels file has: kept, shown by URI
                        ids[uri] = len(ids) + 1
                        concept_rows.append((ids[uri], uri, kind, None, None, None, None, None))
                relation_rows.append((ids[occupation], ids[skill], int(essential)))
        db.executemany("INSERT INTO concept VALUES (?, ?, ?, ?, ?, ?, ?, ?)", concept_rows)
        db.executemany("INSERT INTO label VALUES (?, ?, ?, ?)", label_rows)
        db.executemany("INSERT INTO relation VALUES (?, ?, ?)", relation_rows)
        db.execute("INSERT INTO label(label) VALUES ('optimize')")


def _intact(path: Path) -> bool:
    """Whether ``path`` is an index as ``build_index`` wrote it: a regular file (not a link: the cache is rebuilt, never
    read through one), of this format, as many bytes as its pages (not cut short). A damaged one raised sqlite3's
    DatabaseError at its first query; one a sync tool or editor changed is built again instead."""
    try:
        found = os.lstat(path)
        if not stat.S_ISREG(found.st_mode):
            return False
        db = sqlite3.connect(f"{path.as_uri()}?mode=ro&immutable=1", uri=True)
        try:
            pages: int = db.execute("PRAGMA page_count").fetchone()[0] * db.execute("PRAGMA page_size").fetchone()[0]
            form = db.execute("SELECT value FROM meta WHERE key = 'format'").fetchone()
        finally:
            db.close()
    except (OSError, sqlite3.Error):
        return False
    return pages == found.st_size and form == (_FORMAT,)


def build_index(path: Path, imports: Iterable[Path] = (), *, limits: Limits = Limits()) -> None:
    """Build the index file at ``path`` from the bundled files and ``imports`` (written atomically).

    Raises:
        SkillspasError: ``too_large`` when ``imports`` hold more than ``limits``' caps on what ``vocab import`` keeps
            in a data folder (``max_vocab_skills``, ``max_vocab_occupations``, ``max_vocab_relations``,
            ``max_vocab_labels``, ``max_vocab_label_text``: imports made before the caps), counted before the build
            starts.
    """
    imports = list(imports)
    tally = _folder_tally(imports[0].parent if imports else Path(IMPORT_FOLDER), limits, built=True)
    found = [(item, _count_import(item, tally)) for item in imports]  # refused before any work on the index
    builder = _Builder()
    if not any(p.name == REPLACE_MARKER for p in imports):  # ``vocab import --replace``: the imported ESCO only
        builder.esco_csv(_data("skills_en.csv.xz").decode("utf-8"), "en", "skill")
        builder.esco_csv(_data("occupations_en.csv.xz").decode("utf-8"), "en", "occupation")
        builder.dutch_table(_data("esco-skills-nl-labels.csv.xz").decode("utf-8"), "skill")
        builder.dutch_table(_data("esco-occupations-nl-labels.csv.xz").decode("utf-8"), "occupation")
        builder.relations_csv(_data("occupationSkillRelations.csv.xz").decode("utf-8"))
    for row in _csv(_data("competentnl-skills-seen.csv").decode("utf-8")):
        if COMPETENTNL.fullmatch(row["uri"]):
            builder.labels(row["uri"], "competentnl", "nl", row["prefLabel_nl"], ())
            builder.concepts[row["uri"]]["skill_type"] = row["kind"]
    for item, payload in found:
        _apply_import(builder, item, payload)
    fd, tmp = tempfile.mkstemp(prefix=".vocab-index-", suffix=".sqlite", dir=path.parent)
    os.close(fd)
    try:
        db = sqlite3.connect(tmp)
        with db:
            db.executescript(_SCHEMA)
            db.execute("INSERT INTO meta VALUES ('format', ?)", (_FORMAT,))
            db.execute("INSERT INTO meta VALUES ('attribution', ?)", (ATTRIBUTION,))
            builder.write(db)
        db.execute("VACUUM")
        db.close()
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def _count_import(path: Path, tally: _Tally) -> list[Skill] | str | None:
    """One file ``vocab import`` wrote, read and counted into ``tally`` (``too_large`` past a cap) before anything is
    made of it: its skills (``esco-<lang>.json.gz``) or its CSV text (occupations, relations); ``None`` for the marker
    of ``--replace``."""
    if path.name == REPLACE_MARKER:
        return None
    if path.name.endswith(".json.gz"):
        skills = _read_import(path)
        tally.add("skills", len(skills), _skill_labels(skills))
        return skills
    occupations = path.name.startswith("occupations_")
    records = labels = chars = 0
    try:
        text = _unpacked(path).decode("utf-8-sig")
        if occupations:
            for row in _csv(text):
                count, size = _label_size(row)
                records, labels, chars = records + 1, labels + count, chars + size
        else:  # relations have no labels: their records only, counted without a dict each (124,000: 0.2 s, not 0.5)
            records = _records(text)
    except (OSError, EOFError, lzma.LZMAError, UnicodeDecodeError, csv.Error):
        raise _import_error(f"Het geïmporteerde bestand {path} is onleesbaar; importeer ESCO opnieuw.",
                            f"The imported file {path} is unreadable; import ESCO again.") from None
    tally.add("occupations" if occupations else "relations", records, (labels, chars))
    return text


def _apply_import(builder: _Builder, path: Path, found: list[Skill] | str | None) -> None:
    """What one file ``skillspas vocab import`` wrote holds (``_count_import``): skills labels (json.gz), occupations or
    relations (csv.xz)."""
    if found is None:
        return
    if isinstance(found, list):
        for skill in found:
            for lang, label in skill.labels.items():
                builder.labels(skill.uri, "skill", lang, label, skill.alt_labels.get(lang, ()))
            entry = builder.concepts[skill.uri]
            entry["skill_type"], entry["reuse"] = skill.skill_type or entry["skill_type"], skill.reuse_level or entry["reuse"]
    elif path.name.startswith("occupations_"):
        builder.esco_csv(found, path.name[len("occupations_"):][:2], "occupation")
    else:
        builder.relations_csv(found)
