"""The Open Badges 3.0 skeleton shared by the five builders: envelope, issuer, learner, achievement, skills.

A builder reads a plain row (a dict, e.g. a CSV row or a JSON object) through ``Row``, which names
each field in words when it is missing or malformed, then assembles the credential with the
helpers here and hands it to ``finish``: privacy check, the type's JSON Schema and the OB 3.0
schema. Every error is coded and carries its message in Dutch and English.
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
import difflib
import functools
import re
import uuid
import weakref
from dataclasses import dataclass, field
from typing import Any, Iterable, Iterator, Literal, Mapping, Sequence, overload

from skillspas.issuer.privacy import check_no_national_id, identity_objects
from skillspas.schemas.errors import ErrorCode, SkillspasError, localized_error, shown
from skillspas.schemas.kwalificaties import Kwalificatie, Kwalificaties, eqf_level, eqf_uri
from skillspas.schemas.catalogue import EVIDENCE_KINDS, kind_in_sentence
from skillspas.schemas.scan import FORBIDDEN_TEXT
from skillspas.schemas.text import visible
from skillspas.schemas.jsonschema.type_schemas import CREDENTIAL_CONTEXTS, check_issuable, validate_type
from skillspas.schemas.vc import instant, validity_keys
from skillspas.schemas.vocab import SkillsVocabulary, fold, framework_of

__all__ = [
    "Row", "Context", "field_error", "missing_field", "invalid_field", "envelope", "country", "achievement",
    "alignments", "kwalificatie_node", "check_register", "werkprocessen", "counts_toward", "finish", "not_in_register",
    "NOT_IN_REGISTER_TAG", "expired_at_issue", "expired_warning",
]

NOT_IN_REGISTER_TAG = "niet-in-register"
"""The OB 3.0 ``tag`` on an achievement issued with ``allow_unregistered`` for a code the register does not list."""

# What each row field is, in words (nl, en): used in every message about the row.
LABELS: dict[str, tuple[str, str]] = {
    "id": ("het kenmerk (id) van het bewijsstuk", "the credential's identifier (id)"),
    "issuer_id": ("de DID van de uitgever", "the issuer's DID"),
    "issuer_name": ("de naam van de uitgever", "the issuer's name"),
    "examencommissie": ("de examencommissie", "the examination board (examencommissie)"),
    "brin": ("de BRIN-code van de instelling", "the institution's BRIN code"),
    "issuer_kvk": ("het KvK-nummer van de uitgever", "the issuer's KvK number"),
    "issuer_country": ("het land van de uitgever", "the issuer's country"),
    "issuer_country_code": ("de landcode van de uitgever", "the issuer's country code"),
    "recognition_id": ("het erkenningsnummer van de EVC-aanbieder", "the EVC provider's recognition number"),
    "learner_name": ("de naam van de deelnemer", "the learner's name"),
    "learner_did": ("de DID van de deelnemer", "the learner's DID"),
    "learner_email": ("het e-mailadres van de deelnemer", "the learner's e-mail address"),
    "learner_email_salt": ("de salt voor het e-mailadres", "the salt for the e-mail address"),
    "date": ("de datum van het bewijsstuk", "the date of the credential"),
    "valid_until": ("de einddatum van de geldigheid", "the end of the validity period"),
    "crebo": ("de crebo-code van de kwalificatie", "the crebo code of the qualification"),
    "kwalificatie_naam": ("de naam van de kwalificatie", "the name of the qualification"),
    "niveau": ("het mbo-niveau", "the mbo level (niveau)"),
    "eqf": ("het EQF-niveau", "the EQF level"),
    "nlqf": ("het NLQF-niveau", "the NLQF level"),
    "leerweg": ("de leerweg", "the learning pathway (leerweg)"),
    "dossier_crebo": ("de crebo-code van het kwalificatiedossier", "the crebo code of the kwalificatiedossier"),
    "dossier_naam": ("de naam van het kwalificatiedossier", "the name of the kwalificatiedossier"),
    "dossier_jaar": ("het jaar (de versie) van het kwalificatiedossier", "the year (version) of the kwalificatiedossier"),
    "keuzedelen": ("de lijst met behaalde keuzedelen", "the list of elective modules (keuzedelen) passed"),
    "certificaat_code": ("de code van het mbo-certificaat", "the code of the mbo certificate"),
    "certificaat_naam": ("de naam van het mbo-certificaat", "the name of the mbo certificate"),
    "skills": ("de lijst met vaardigheden (ESCO-URI's)", "the list of skills (ESCO URIs)"),
    "werkprocessen": ("de lijst met werkprocessen", "the list of work processes (werkprocessen)"),
    "competencies": ("de lijst met competenties", "the list of competencies"),
    "standard_type": ("het soort EVC-standaard", "the kind of EVC standard"),
    "standard_name": ("de naam van de EVC-standaard", "the name of the EVC standard"),
    "assessment_date": ("de datum van het assessment", "the date of the assessment"),
    "assessment_method": ("de beoordelingsmethode", "the assessment method"),
    "career_goal": ("het loopbaandoel", "the career goal"),
    "leerbedrijf_name": ("de naam van het leerbedrijf", "the leerbedrijf's name"),
    "leerbedrijf_did": ("de DID van het leerbedrijf", "the leerbedrijf's DID"),
    "leerbedrijf_kvk": ("het KvK-nummer van het leerbedrijf", "the leerbedrijf's KvK number"),
    "period_start": ("de begindatum van de periode", "the start date of the period"),
    "period_end": ("de einddatum van de periode", "the end date of the period"),
    "title": ("de titel van de microcredential", "the title of the micro-credential"),
    "description": ("de omschrijving", "the description"),
    "criteria": ("de criteria", "the criteria"),
    "hours": ("het aantal uren studielast", "the number of hours of workload"),
    "ects": ("het aantal ECTS-studiepunten", "the number of ECTS credits"),
    "participation": ("de vorm van deelname", "the form of participation"),
    "quality_assurance": ("de kwaliteitsborging", "the quality assurance"),
    "learning_outcomes": ("de lijst met leerresultaten", "the list of learning outcomes"),
    "prerequisites": ("de toelatingseisen", "the prerequisites"),
    "kerntaken": ("de lijst met kerntaken", "the list of core tasks (kerntaken)"),
    "counts_toward": ("waar het bewijsstuk voor meetelt", "what the credential counts toward"),
    "route": ("de route van het EVC-traject (arbeidsmarkt of onderwijs)", "the EVC route (arbeidsmarkt or onderwijs)"),
}
_ISO_DATE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")
_DUTCH_DATE = re.compile(r"([0-9]{1,2})-([0-9]{1,2})-([0-9]{4})")
"""A date as Dutch Excel writes it: ``01-07-2025``, or ``1-7-2025`` (its default short date, d-m-jjjj)."""
_DATETIME = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?(Z|[+-][0-9]{2}:[0-9]{2})")
_EMAIL = re.compile(r"[^\s@<>()\[\]\\,;:\"\x00-\x1f\x7f]{1,64}@(?=.{1,253}\Z)[\w-]+(\.[\w-]+)+")
"""An e-mail address as a learner's is written: one ``@``, a local part of at most 64 characters and a domain of at
least two labels (letters, digits, "-"; IDN letters too) and at most 253 characters (RFC 5321), no space, control
or special character (``<>()[]\\,;:"``); not every address RFC 5322 allows (quoted local parts, comments): a school's
export holds plain ones, and a slip ("geen-email", a name, "naam@school") is caught."""
_COUNTRIES = {"NL": "Nederland", "BE": "België", "DE": "Duitsland", "LU": "Luxemburg", "FR": "Frankrijk"}
_ACHIEVEMENT_NS = uuid.UUID("6ba7b811-9dad-11d1-80b4-00c04fd430c8")  # uuid.NAMESPACE_URL


@functools.lru_cache(maxsize=1024)  # the same columns in every row of a batch
def _row_key(key: str) -> str:
    """A row field's name as builders look it up: no case, spaces or dashes (``Learner-Name`` is ``learner_name``)."""
    return re.sub(r"[\s\-]+", "_", key.strip()).lower()


def column_key(column: str) -> str:
    """A column's name as builders look a field up: no case, spaces or dashes (``Row Key``, ``ROW-KEY``: ``row_key``)."""
    return _row_key(column)


def row_field(column: str) -> str | None:
    """The row field a column is read as by the builders (``Learner-Name``: ``learner_name``), or None when it is
    no field of any credential type (a column such as ``opmerking`` that no builder ever reads)."""
    key = _row_key(column)
    return key if key in LABELS else None


@functools.lru_cache(maxsize=1024)  # the same achievement in every row of a batch
def _achievement_id(kind: str, code: str) -> str:
    """An achievement's stable id: a name-based UUID of its kind and code."""
    return f"urn:uuid:{uuid.uuid5(_ACHIEVEMENT_NS, f'https://w3id.org/skillspas/achievement/{kind}/{code}')}"


def _label(key: str) -> tuple[str, str]:
    return LABELS.get(key, (f"het veld '{key}'", f"the field '{key}'"))


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def field_error(key: str, *, nl: str, en: str) -> SkillspasError:
    """A ``schema_invalid`` error about one row field, located at ``/<key>`` of the row."""
    return localized_error(ErrorCode.SCHEMA_INVALID, nl=nl, en=en, path=f"/{key}")


def missing_field(key: str, like: str | None = None) -> SkillspasError:
    """``schema_invalid``: the field ``key`` is missing; ``like``: the row's column that most looks like it (a column
    no builder reads, ``Row.missing``), named as a question ("is 'naam' bedoeld?")."""
    nl, en = _label(key)
    column = shown(like, 40, quoted=True) if like is not None else None
    return field_error(key, nl=f"{_cap(nl)} ontbreekt (veld '{key}')" + (f"; is {column} bedoeld?" if column else "."),
                       en=f"{_cap(en)} is missing (field '{key}')" + (f"; did you mean {column}?" if column else "."))


def invalid_field(key: str, value: Any, nl_expected: str, en_expected: str) -> SkillspasError:
    nl, en = _label(key)
    value = shown(value)
    return field_error(
        key,
        nl=f"{_cap(nl)} moet {nl_expected} zijn; '{value}' kan niet (veld '{key}').",
        en=f"{_cap(en)} must be {en_expected}; '{value}' is not accepted (field '{key}').",
    )


_NOTING: contextvars.ContextVar[list[Row] | None] = contextvars.ContextVar("skillspas_rows_noted", default=None)


@contextlib.contextmanager
def noting_unread() -> Iterator[dict[str, str | None]]:
    """Inside, every ``Row`` a builder makes notes the fields it never read; when the block ends the dict holds
    each such field that has a value (its name as given) with the field it most looks like: the missing field whose
    refusal named it (``Row.missing``), else one of those the builder looked for (``_looks_like``; ``None``: none, or
    two alike: ``naam`` beside a given ``learner_name`` is as much ``kwalificatie_naam``): a misspelled or unknown
    column, whose value is in no credential. When the block ends with an error (a builder that stopped at a missing field) only the columns
    that are no row field at all (``LABELS``) count: a field it had not read yet is not unread; and each is likened to
    every row field, not to those asked so far (``naam`` of a row stopped before learner_name is not kwalificatie_naam)."""
    rows: list[Row] = []
    token = _NOTING.set(rows)
    unread: dict[str, str | None] = {}
    stopped = False
    try:
        yield unread
    except BaseException:
        stopped = True
        raise
    finally:
        _NOTING.reset(token)
        asked = tuple(sorted({key for row in rows for key in row.asked}))
        for row in rows:
            for name in row.unread():
                if not (stopped and row_field(name) is not None):
                    # stopped before every field was asked: 'naam' is as much one not asked yet (learner_name)
                    unread.setdefault(name, row.meant.get(name) or _looks_like(_row_key(name), _FIELDS if stopped
                                                                               else asked))


_FIELDS = tuple(sorted(LABELS))
"""Every row field of any type: what a column of a row that stopped early may be meant as too."""
_LIKE = 0.5
"""The least likeness (``_likeness``) for a column and a field to be named together."""
_FILLER = frozenset({"de", "het", "een", "van", "voor", "en", "the", "of", "a", "an", "s", "for", "and"})


def _words(text: str) -> frozenset[str]:
    return frozenset(word for word in re.split(r"[\W_]+", text.lower()) if word and word not in _FILLER)


@functools.lru_cache(maxsize=256)
def _field_words(key: str) -> frozenset[str]:
    """The words a row field is known by: those of its name and of its label in Dutch and English (``naam``,
    ``deelnemer``, ``learner``, ``name`` for ``learner_name``)."""
    return _words(" ".join((key, *_label(key))))


def _likeness(column: str, key: str) -> float:
    """How much a column (as ``_row_key`` writes it) looks like the row field ``key``: above 1 for a misspelling of it
    (``keuzedeel``), else the share of the column's words that are the field's (``naam`` for ``learner_name``: 1)."""
    ratio = difflib.SequenceMatcher(None, column, key).ratio()
    if ratio >= 0.75:
        return 1 + ratio
    words = _words(column)
    return len(words & _field_words(key)) / len(words) if words else 0.0


def _most_like(scores: Mapping[str, float]) -> str | None:
    """The one name with the highest score, at least ``_LIKE``; ``None`` for none, or two alike (no guessing)."""
    best = max(scores.values(), default=0.0)
    found = [name for name, score in scores.items() if score == best]
    return found[0] if best >= _LIKE and len(found) == 1 else None


@functools.lru_cache(maxsize=256)  # a batch's extra column is the same in every row: matched once, not per row
def _looks_like(key: str, fields: tuple[str, ...]) -> str | None:
    """The field of ``fields`` that the column ``key`` most looks like (``_likeness``), or ``None``."""
    return _most_like({field: _likeness(key, field) for field in fields})


_UNREAD_SHOWN = 10
"""Columns an unread-column warning names (then how many more)."""


def unread_warning(unread: Mapping[str, str | None], kind: str) -> tuple[str, str]:
    """The warning (Dutch, English) for the columns ``noting_unread`` found: their values are in no credential of the
    skillspas type ``kind`` (``MboDiploma``), named as a person names it ("een mbo-diploma")."""
    one = kind_in_sentence([kind], article=True)
    names = list(unread.items())[:_UNREAD_SHOWN]
    more = len(unread) - len(names)

    def listed(like_word: str, more_word: str) -> str:
        text = ", ".join(shown(column, 40, quoted=True) + (f" ({like_word} '{like}'?)" if like else "")
                         for column, like in names)
        return text + (f" {more_word.format(n=more)}" if more else "")

    return (f"deze kolommen gebruikt {one['nl']} niet, hun waarden staan in geen enkel bewijsstuk: "
            f"{listed('bedoelt u', 'en nog {n}')}",
            f"{_cap(one['en'])} does not use these columns, their values are in no credential: "
            f"{listed('did you mean', 'and {n} more')}")


def expired_at_issue(credential: Mapping[str, Any], now: dt.datetime | None = None) -> str | None:
    """The credential's ``validUntil`` (VC 1.1: ``expirationDate``, ``validity_keys``) when it is before ``now``
    (default: this moment), as the verifier decides ``expired``: a credential every check calls expired from the
    moment it is issued; else ``None``. Not refused: a school may record a certificate that has lapsed (its history),
    and ``date`` may lie years back; but said, since an end date typed a year early reads the same."""
    until = credential.get(validity_keys(credential)[1])
    moment = now or dt.datetime.now(dt.timezone.utc)
    return until if isinstance(until, str) and instant(until) < moment else None


def expired_warning(lines: Sequence[int], until: str, *, field: str = "valid_until") -> tuple[str, str]:
    """The warning (Dutch, English; code ``expired``) for credentials ``expired_at_issue``: the one of ``skillspas
    issue`` (no ``lines``), valid until ``until``; or a batch's rows on ``lines`` (``until``: the first row's).
    ``field``: the name the issuer gave the end date (a row's ``valid_until``; ``POST /credentials/issue``'s
    ``validUntil``), in the one-credential sentence."""
    day = until[:10]
    if not lines:
        return (f"dit bewijsstuk is al verlopen bij uitgifte: het is geldig tot {day} ({field}), dus elke controle "
                f"zegt 'verlopen' (niet geldig). Klopt {field}? Laat het weg als het bewijsstuk niet verloopt.",
                f"this credential has already expired when it is issued: it is valid until {day} ({field}), so every "
                f"check says 'expired' (not valid). Is {field} right? Leave it out if the credential does not expire.")
    shown_lines = ", ".join(str(line) for line in lines[:_UNREAD_SHOWN]) + (", …" if len(lines) > _UNREAD_SHOWN else "")
    n = len(lines)
    return (f"{'1 bewijsstuk is' if n == 1 else f'{n} bewijsstukken zijn'} al verlopen bij uitgifte (regel "
            f"{shown_lines}; valid_until ligt vóór nu, zoals {day}), dus elke controle zegt 'verlopen' (niet geldig). "
            "Klopt valid_until? Laat het leeg als het bewijsstuk niet verloopt.",
            f"{'1 credential has' if n == 1 else f'{n} credentials have'} already expired when issued (line "
            f"{shown_lines}; valid_until is before now, such as {day}), so every check says 'expired' (not valid). "
            "Is valid_until right? Leave it empty if the credential does not expire.")


class Row:
    """A plain input row; keys compared without case, spaces or dashes; empty values count as absent."""

    def __init__(self, data: Mapping[str, Any]) -> None:
        if not isinstance(data, Mapping):
            raise TypeError("a row must be a mapping (dict or CSV row)")
        check_no_national_id(dict(data))
        self._data = {_row_key(str(k)): v for k, v in data.items()}
        self._names = {_row_key(str(k)): str(k) for k in data}
        self.asked: set[str] = set()
        """The fields a builder looked up (``raw``), given or not."""
        self.meant: dict[str, str] = {}
        """A column (as given) that a missing field's refusal named as what it may be (``missing``): that field."""
        noted = _NOTING.get()
        if noted is not None:
            noted.append(self)

    def unread(self) -> list[str]:
        """The names (as given) of the fields with a value that no builder looked up."""
        return [self._names[key] for key, value in self._data.items()
                if key not in self.asked and value not in ("", None, [])]

    def given(self) -> list[str]:
        """The fields (as builders look them up) that have a value."""
        return [key for key, value in self._data.items() if value not in ("", None, [])]

    def missing(self, key: str) -> SkillspasError:
        """``missing_field`` for ``key``, naming the row's column that most looks like it (``_likeness``) among those
        with a value that no builder reads (no row field, ``LABELS``; not looked up): ``naam`` for ``learner_name``."""
        scores = {self._names[column]: _likeness(column, key) for column in self.given()
                  if column not in self.asked and column not in LABELS}
        like = _most_like(scores)
        if like is not None:
            self.meant[like] = key
        return missing_field(key, like)

    def raw(self, key: str) -> Any:
        """The value as given, ``None`` when absent or empty."""
        self.asked.add(key)
        value = self._data.get(key)
        if isinstance(value, str):
            value = value.strip()
        return None if value in ("", None, []) else value

    @overload
    def text(self, key: str, *, required: Literal[True]) -> str: ...
    @overload
    def text(self, key: str, *, required: bool = False) -> str | None: ...

    def text(self, key: str, *, required: bool = False) -> str | None:
        """A text field."""
        value = self.raw(key)
        if value is None:
            if required:
                raise self.missing(key)
            return None
        if not isinstance(value, (str, int)) or isinstance(value, bool):  # a JSON 1e308 is no text ("1e+308")
            raise invalid_field(key, value, "tekst", "text")
        return str(value).strip()

    @overload
    def name(self, key: str, *, required: Literal[True]) -> str: ...
    @overload
    def name(self, key: str, *, required: bool = False) -> str | None: ...

    def name(self, key: str, *, required: bool = False) -> str | None:
        """A person's name as a reader sees it: text with a visible character, no control or bidi character."""
        value = self.text(key, required=required)
        if value is None:
            return None
        nl, en = _label(key)
        forbidden = FORBIDDEN_TEXT.search(value)
        if forbidden:
            code = f"U+{ord(forbidden.group()):04X}"
            raise field_error(key, nl=f"{_cap(nl)} bevat het stuur- of richtingsteken {code} (veld '{key}').",
                              en=f"{_cap(en)} contains the control or bidi character {code} (field '{key}').")
        if not visible(value):
            raise field_error(
                key, nl=f"{_cap(nl)} bestaat alleen uit onzichtbare tekens (spaties, opmaaktekens); niemand zou een naam zien (veld '{key}').",
                en=f"{_cap(en)} consists only of invisible characters (spaces, format characters); no one would see a name (field '{key}').")
        return value

    def integer(self, key: str, *, required: bool = False) -> int | None:
        """A whole number (a number or digits in text)."""
        value = self.raw(key)
        if value is None:
            if required:
                raise self.missing(key)
            return None
        if isinstance(value, int) and not isinstance(value, bool) and abs(value) < 10**9:  # as the text form's 9 digits
            return value
        if isinstance(value, str) and re.fullmatch(r"-?[0-9]{1,9}", value):
            return int(value)
        raise invalid_field(key, value, "een geheel getal van hoogstens 9 cijfers", "a whole number of at most 9 digits")

    def number(self, key: str, *, required: bool = False) -> float | int | None:
        """A number; a decimal comma is accepted ("1,5")."""
        value = self.raw(key)
        if value is None:
            if required:
                raise self.missing(key)
            return None
        if isinstance(value, (int, float)) and not isinstance(value, bool) and 0 <= value < 10**6 \
                and round(value, 3) == value:  # a JSON number within the text form's bounds (6 digits, 3 decimals)
            return int(value) if value == int(value) else value
        if isinstance(value, str) and re.fullmatch(r"[0-9]{1,6}([.,][0-9]{1,3})?", value):
            number = float(value.replace(",", "."))
            return int(number) if number.is_integer() else number
        raise invalid_field(key, value, "een getal van hoogstens 6 cijfers en 3 decimalen (zoals 2,5)",
                            "a number of at most 6 digits and 3 decimals (such as 2.5)")

    def items(self, key: str, *, required: bool = False) -> list[Any]:
        """A list: a JSON array, or text separated by ";" or "|" (CSV)."""
        value = self.raw(key)
        if value is None:
            if required:
                raise self.missing(key)
            return []
        if isinstance(value, str):
            return [part.strip() for part in re.split(r"[;|\n]", value) if part.strip()]
        if isinstance(value, list):
            return value
        raise invalid_field(key, value, "een lijst", "a list")

    def email(self, key: str) -> str | None:
        """An e-mail address (``_EMAIL``), or ``None`` when empty: a value such as "geen-email" is refused, not hashed
        as if it were an address."""
        value = self.text(key)
        if value is None or _EMAIL.fullmatch(value):
            return value
        raise invalid_field(key, value, "een geldig e-mailadres (zoals naam@voorbeeld.nl) of leeg",
                            "a valid e-mail address (such as name@example.org) or empty")

    def date(self, key: str, *, required: bool = False) -> str | None:
        """A calendar date as ``YYYY-MM-DD``; ``DD-MM-YYYY`` and Dutch Excel's ``D-M-YYYY`` are accepted too."""
        value = self.text(key, required=required)
        if value is None:
            return None
        if _DATETIME.fullmatch(value):
            value = value[:10]
        iso, dutch = _ISO_DATE.fullmatch(value), _DUTCH_DATE.fullmatch(value)
        try:
            if iso:
                return dt.date(int(iso[1]), int(iso[2]), int(iso[3])).isoformat()
            if dutch:
                return dt.date(int(dutch[3]), int(dutch[2]), int(dutch[1])).isoformat()
        except ValueError:
            pass
        raise invalid_field(key, value, "een bestaande datum (JJJJ-MM-DD of DD-MM-JJJJ)", "an existing date (YYYY-MM-DD or DD-MM-YYYY)")

    def timestamp(self, key: str, *, required: bool = False) -> str | None:
        """A date-time with time zone; a plain date means midnight UTC of that day."""
        value = self.text(key, required=required)
        if value is None:
            return None
        if _DATETIME.fullmatch(value):
            try:
                dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
                return value
            except ValueError:
                raise invalid_field(key, value, "een bestaande datum (JJJJ-MM-DD of DD-MM-JJJJ)", "an existing date (YYYY-MM-DD or DD-MM-YYYY)") from None
        return f"{self.date(key)}T00:00:00Z"


@dataclass(frozen=True)
class Context:
    """What a builder looks things up in: the skills vocabulary and the kwalificaties register."""

    vocabulary: SkillsVocabulary
    register: Kwalificaties
    allow_unregistered: bool = False
    """Issue codes the register does not list (or not for this kwalificatie); the credential says so."""
    unregistered: list[tuple[str, str]] = field(default_factory=list)
    """What was issued anyway: (nl, en) notes, added to the achievement by ``not_in_register``."""

    @classmethod
    def default(cls, vocabulary: SkillsVocabulary | None = None, register: Kwalificaties | None = None,
                allow_unregistered: bool = False) -> "Context":
        """The bundled vocabulary and register unless others are given."""
        return cls(vocabulary or SkillsVocabulary.bundled(), register or Kwalificaties.bundled(), allow_unregistered)

    def refuse_or_note(self, key: str, *, nl: str, en: str) -> None:
        """Refuse a code the register does not list (``not_in_register``), or note it when allowed."""
        if not self.allow_unregistered:
            raise localized_error(
                ErrorCode.NOT_IN_REGISTER, path=f"/{key}",
                nl=f"{nl} Controleer de code in het register (DUO/SBB); alleen 'skillspas issue --allow-unregistered' "
                "geeft één bewijsstuk toch uit, en dat vermeldt het dan.",
                en=f"{en} Check the code against the register (DUO/SBB); only 'skillspas issue --allow-unregistered' "
                "issues a single credential anyway, and it then says so.",
            )
        self.unregistered.append((nl, en))


def not_in_register(achievement_node: dict[str, Any], context: Context) -> dict[str, Any]:
    """Mark an achievement issued with codes the register does not list: an OB 3.0 tag and a sentence."""
    if context.unregistered:
        achievement_node["tag"] = [NOT_IN_REGISTER_TAG]
        notes = " ".join(nl for nl, _ in context.unregistered)
        achievement_node["description"] += f" Niet in het register van kwalificaties (uitgegeven met toestemming): {notes}"
    return achievement_node


def _issuer(row: Row, issuer: str | None, extra: Mapping[str, Any]) -> dict[str, Any]:
    issuer_id = row.text("issuer_id") or issuer
    if issuer_id is None:
        raise row.missing("issuer_id")
    if issuer is not None and row.text("issuer_id") not in (None, issuer):
        raise field_error(
            "issuer_id",
            nl=f"De DID van de uitgever in de gegevens ({row.text('issuer_id')}) is niet die van de sleutel ({issuer}).",
            en=f"The issuer's DID in the data ({row.text('issuer_id')}) is not the key's ({issuer}).",
        )
    name = row.text("issuer_name", required=True)
    commissie = row.text("examencommissie")
    profile: dict[str, Any] = {"id": issuer_id, "type": ["Profile"], "name": f"{name} — {commissie}" if commissie else name}
    identifiers = []
    if row.text("brin"):
        identifiers.append({"type": "IdentifierEntry", "identifier": row.text("brin"), "identifierType": "ext:BRIN"})
    if row.text("issuer_kvk"):
        identifiers.append({"type": "IdentifierEntry", "identifier": row.text("issuer_kvk"), "identifierType": "ext:KvK"})
    if identifiers:
        profile["otherIdentifier"] = identifiers
    return {**profile, **extra}


def country(row: Row) -> dict[str, Any]:
    """The issuer's OB 3.0 Address with its country (default the Netherlands)."""
    code = (row.text("issuer_country_code") or "NL").upper()
    name = row.text("issuer_country") or _COUNTRIES.get(code)
    if name is None:
        raise row.missing("issuer_country")
    return {"type": ["Address"], "addressCountry": name, "addressCountryCode": code}


_EARLIEST_YEAR = 1950
"""No credential skillspas builds is dated earlier: the mbo kwalificaties date from 1996; year 0001 is a typing error."""
_MOST_AHEAD = dt.timedelta(days=366)
"""A credential may be dated ahead (a diploma signed before its ceremony), by a year at most: further is a mistyped
year, and every verifier would call it "not yet valid" until then."""


def _credential_date(valid_from: str | None) -> str | None:
    """``valid_from`` (the row's ``date``) unless it is before ``_EARLIEST_YEAR`` or more than ``_MOST_AHEAD`` from now."""
    if valid_from is None:
        return None
    moment = dt.datetime.fromisoformat(valid_from.replace("Z", "+00:00"))
    latest = dt.datetime.now(dt.timezone.utc) + _MOST_AHEAD
    if moment.year < _EARLIEST_YEAR or moment > latest:
        raise field_error("date", nl=f"De datum van het bewijsstuk ({valid_from[:10]}) ligt vóór {_EARLIEST_YEAR} of meer dan "
                                     f"een jaar vooruit (na {latest.date().isoformat()}); is het jaartal goed getypt? (veld 'date')",
                          en=f"The date of the credential ({valid_from[:10]}) is before {_EARLIEST_YEAR} or more than a year "
                             f"ahead (after {latest.date().isoformat()}); is the year typed right? (field 'date')")
    return valid_from


def envelope(
    type_name: str,
    row: Row,
    *,
    issuer: str | None,
    name: str,
    subject: dict[str, Any],
    issuer_extra: Mapping[str, Any] | None = None,
    extra: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """The VC 2.0 + OB 3.0 credential around a subject: contexts, id, types, issuer, dates, title."""
    valid_from = _credential_date(row.timestamp("date", required=True))
    learner = row.name("learner_name", required=True)
    holder: dict[str, Any] = {"type": ["AchievementSubject"], "name": learner}
    if row.text("learner_did"):
        holder = {"id": row.text("learner_did"), **holder}
    holder["identifier"] = identity_objects(learner, email=row.email("learner_email"), salt=row.text("learner_email_salt"))
    credential: dict[str, Any] = {
        "@context": list(CREDENTIAL_CONTEXTS),
        "id": row.text("id") or f"urn:uuid:{uuid.uuid4()}",
        "type": ["VerifiableCredential", "OpenBadgeCredential", type_name],
        "issuer": _issuer(row, issuer, issuer_extra or {}),
        "validFrom": valid_from,
    }
    if row.raw("valid_until") is not None:
        credential["validUntil"] = row.timestamp("valid_until")
    credential["awardedDate"] = valid_from
    credential["name"] = name
    credential.update(extra or {})
    credential["credentialSubject"] = {**holder, **subject}
    return credential


def achievement(
    kind: str, code: str, *, achievement_type: str, name: str, description: str, criteria: str,
    skills: list[dict[str, Any]], human_code: str | None = None, extra: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """An OB 3.0 Achievement with a stable id (a name-based UUID of kind and code) and its skills."""
    node: dict[str, Any] = {
        "id": _achievement_id(kind, code),
        "type": ["Achievement"],
        "achievementType": achievement_type,
        "name": name,
        "description": description,
        "criteria": {"narrative": criteria},
    }
    if human_code:
        node["humanCode"] = human_code
    node.update(extra or {})
    node["alignment"] = skills
    return node


def unknown_skill(uri: str, path: str) -> SkillspasError:
    """``unknown_skill`` for a skill URI that is not in the vocabulary (every issuing path says this)."""
    uri = shown(uri)
    return localized_error(
        ErrorCode.UNKNOWN_SKILL,
        nl=f"De vaardigheid {uri} staat niet in de vaardighedenlijst (ESCO); controleer de URI of "
        "importeer ESCO met 'skillspas vocab import'.",
        en=f"The skill {uri} is not in the skills vocabulary (ESCO); check the URI or import ESCO "
        "with 'skillspas vocab import'.",
        path=path,
    )


_TARGETS: weakref.WeakKeyDictionary[SkillsVocabulary, dict[str, tuple[str, str, str]]] = weakref.WeakKeyDictionary()
"""Per vocabulary, per skill URI found in it: the skill's URI, framework and Dutch label, as an alignment
states them. Exact: a vocabulary's index is immutable (opened read-only, one file per set of imports);
the rows of a batch name the same skills (measured: a diploma's 14 links 57 -> 10 us)."""


def alignments(uris: Iterable[Any], context: Context, evidence: str, *, key: str = "skills") -> list[dict[str, Any]]:
    """OB 3.0 alignments for skill URIs (ESCO or CompetentNL), each saying how the skill was established
    (``evidenceKind``, one of ``EVIDENCE_KINDS``); ``unknown_skill`` for any not in the vocabulary."""
    if evidence not in EVIDENCE_KINDS:
        raise ValueError(f"unknown evidence kind {evidence!r}")
    entries, seen = [], set()
    known = _TARGETS.get(context.vocabulary)
    if known is None:
        known = _TARGETS[context.vocabulary] = {}
    for index, uri in enumerate(uris):
        uri = uri.get("uri") if isinstance(uri, dict) else uri
        if not isinstance(uri, str):
            raise unknown_skill(repr(uri), f"/{key}/{index}")
        target = known.get(uri)
        if target is None:
            skill = context.vocabulary.get(uri)
            if skill is None:
                raise unknown_skill(uri, f"/{key}/{index}")
            target = known[uri] = (skill.uri, framework_of(skill.uri) or skill.framework, skill.label("nl"))
        skill_uri, framework, label = target
        if skill_uri in seen:
            continue
        seen.add(skill_uri)
        entries.append({
            "type": ["Alignment"],
            "targetType": f"ext:{framework}Alignment",
            "targetFramework": framework,
            "targetName": label,
            "targetUrl": skill_uri,
            "evidenceKind": evidence,
        })
    return entries


def kwalificatie_node(row: Row, context: Context, *, crebo_key: str = "crebo") -> tuple[dict[str, Any], Kwalificatie | None]:
    """The Kwalificatie node from the row, completed from (and checked against) the bundled register."""
    crebo = row.text(crebo_key, required=True) or ""
    if not re.fullmatch(r"[0-9]{5}", crebo):
        raise invalid_field(crebo_key, crebo, "een code van 5 cijfers (zoals 25180)", "a 5-digit code (such as 25180)")
    known = context.register.get(crebo)
    entry = context.register.entry(crebo)
    if entry is not None and entry.kind == "kwalificatiedossier":
        context.refuse_or_note(
            crebo_key,
            nl=f"Crebo {crebo} is een kwalificatiedossier ({entry.name}), geen kwalificatie; een diploma of "
            "certificaat hoort bij een kwalificatie uit dat dossier.",
            en=f"Crebo {crebo} is a kwalificatiedossier ({entry.name}), not a kwalificatie; a diploma or "
            "certificate belongs to a kwalificatie of that dossier.",
        )
        entry = None
    elif entry is None:
        context.refuse_or_note(
            crebo_key,
            nl=f"Crebo {crebo} staat niet in het register van kwalificaties.",
            en=f"Crebo {crebo} is not in the register of kwalificaties.",
        )
    name = row.text("kwalificatie_naam") or (known.name if known else None) or (entry.name if entry else None)
    niveau = row.integer("niveau")
    if niveau is None and known is not None:
        niveau = known.niveau
    if niveau is None and entry is not None and name is not None:  # the register names it, without its level
        nl, en = _label("niveau")
        raise field_error(
            "niveau",
            nl=f"{_cap(nl)} ontbreekt (veld 'niveau'); crebo {crebo} ({entry.name}) staat in het register zonder "
            "niveau: geef het niveau (1 tot en met 4) in een kolom 'niveau'.",
            en=f"{_cap(en)} is missing (field 'niveau'); crebo {crebo} ({entry.name}) is in the register without its "
            "level: give the level (1 to 4) in a column 'niveau'.",
        )
    if name is None or niveau is None:  # only for a crebo the register does not know
        missing = "kwalificatie_naam" if name is None else "niveau"
        nl, en = _label(missing)
        raise field_error(
            missing,
            nl=f"{_cap(nl)} ontbreekt (veld '{missing}'); crebo {crebo} staat niet in de meegeleverde lijst, "
            "dus naam en niveau moeten in de gegevens staan.",
            en=f"{_cap(en)} is missing (field '{missing}'); crebo {crebo} is not in the bundled list, so its "
            "name and level must be in the data.",
        )
    if known is None and entry is not None and fold(name) != fold(entry.name):
        raise localized_error(
            ErrorCode.SCHEMA_INVALID,
            nl=f"De naam van de kwalificatie ('{name}') past niet bij crebo {crebo} ({entry.name}).",
            en=f"The name of the qualification ('{name}') does not match crebo {crebo} ({entry.name}).",
            path="/kwalificatie_naam",
        )
    eqf = _eqf(row, niveau)
    node: dict[str, Any] = {
        "type": ["Kwalificatie"], "crebo": crebo, "name": name, "niveau": niveau,
        "nlqf": row.integer("nlqf") or niveau, "eqf": eqf,
    }
    dossier_crebo = row.text("dossier_crebo") or (known.dossier_crebo if known else None)
    if dossier_crebo:
        dossier: dict[str, Any] = {
            "type": ["Kwalificatiedossier"],
            "crebo": dossier_crebo,
            "name": row.text("dossier_naam") or (known.dossier_name if known else None),
        }
        if row.integer("dossier_jaar") is not None:
            dossier["dossierYear"] = row.integer("dossier_jaar")
        node["kwalificatiedossier"] = dossier
    return node, known


def _eqf(row: Row, niveau: int) -> Any:
    value = row.raw("eqf")
    if value is None:
        return eqf_uri(niveau) if isinstance(niveau, int) and 1 <= niveau <= 8 else str(niveau)
    if isinstance(value, str) and value.startswith("http"):
        return value
    level = row.integer("eqf")
    return eqf_uri(level) if level is not None else value


def check_register(node: Mapping[str, Any], known: Kwalificatie | None, path: str) -> None:
    """The row's kwalificatie agrees with the bundled one: name, level and dossier."""
    if known is None:
        return
    if node["name"] != known.name and fold(node["name"]) != fold(known.name):  # equal text folds equal
        raise localized_error(
            ErrorCode.SCHEMA_INVALID,
            nl=f"De naam van de kwalificatie ('{node['name']}') past niet bij crebo {known.crebo} ({known.name}).",
            en=f"The name of the qualification ('{node['name']}') does not match crebo {known.crebo} ({known.name}).",
            path=f"{path}/name",
        )
    if node["niveau"] != known.niveau or eqf_level(node["eqf"]) not in (known.eqf, 5 if known.niveau == 4 else known.eqf):
        raise localized_error(
            ErrorCode.SCHEMA_INVALID,
            nl=f"Het mbo-niveau {node['niveau']} past niet bij kwalificatie {known.crebo} {known.name} (niveau {known.niveau}).",
            en=f"The mbo level {node['niveau']} does not match qualification {known.crebo} {known.name} (level {known.niveau}).",
            path=f"{path}/niveau",
        )
    dossier = node.get("kwalificatiedossier")
    if dossier and known.dossier_crebo and dossier["crebo"] != known.dossier_crebo:
        raise localized_error(
            ErrorCode.SCHEMA_INVALID,
            nl=f"Kwalificatie {known.crebo} hoort bij kwalificatiedossier {known.dossier_crebo}, niet bij {dossier['crebo']}.",
            en=f"Qualification {known.crebo} belongs to kwalificatiedossier {known.dossier_crebo}, not {dossier['crebo']}.",
            path=f"{path}/kwalificatiedossier/crebo",
        )


def werkprocessen(row: Row, known: Kwalificatie | None, *, key: str = "werkprocessen", required: bool = True) -> list[dict[str, Any]]:
    """Werkproces nodes from codes (titles from the register) or ``{code, name}`` objects."""
    nodes = []
    for index, item in enumerate(row.items(key, required=required)):
        code = item.get("code") if isinstance(item, dict) else item
        title = item.get("name") if isinstance(item, dict) else None
        code = code.strip() if isinstance(code, str) else code
        if known is not None and known.werkprocessen and isinstance(code, str):
            found = known.werkproces(code)
            if found is None:
                raise localized_error(
                    ErrorCode.SCHEMA_INVALID,
                    nl=f"Werkproces {code} bestaat niet in kwalificatie {known.crebo} {known.name}.",
                    en=f"Work process {code} does not exist in qualification {known.crebo} {known.name}.",
                    path=f"/{key}/{index}",
                )
            if title and fold(title) != fold(found.title):
                raise localized_error(
                    ErrorCode.SCHEMA_INVALID,
                    nl=f"De omschrijving van werkproces {code} is '{found.title}', niet '{title}'.",
                    en=f"The title of work process {code} is '{found.title}', not '{title}'.",
                    path=f"/{key}/{index}",
                )
            title = found.title
        if not title:
            raise localized_error(
                ErrorCode.SCHEMA_INVALID,
                nl=f"De omschrijving van werkproces {code} ontbreekt; geef per werkproces code en naam.",
                en=f"The title of work process {code} is missing; give each work process a code and name.",
                path=f"/{key}/{index}",
            )
        nodes.append({"type": ["Werkproces"], "code": code, "name": title})
    return nodes


def counts_toward(row: Row, context: Context, crebo: str | None = None) -> list[dict[str, Any]]:
    """What a credential counts toward, from ``counts_toward``: a kwalificatie (``25180``), a kerntaak
    (``B1-K1``, of ``crebo`` or written ``25180/B1-K1``) or an mbo-certificaat (``C0021``); names from the register."""
    nodes: list[dict[str, Any]] = []
    for index, item in enumerate(row.items("counts_toward")):
        text = str(item).strip() if isinstance(item, (str, int)) else ""
        target_crebo, _, code = text.rpartition("/") if "/" in text else ("", "", text)
        if re.fullmatch(r"[0-9]{5}", code):
            known = context.register.get(code)
            if known is None:
                context.refuse_or_note("counts_toward", nl=f"Kwalificatie {code} staat niet in het register.",
                                       en=f"Qualification {code} is not in the register.")
            node: dict[str, Any] = {"type": ["Kwalificatie"], "crebo": code}
            if known is not None:
                node["name"] = known.name
        elif re.fullmatch(r"C[0-9]{4}", code):
            listed = context.register.certificaat(code)
            if listed is None:
                context.refuse_or_note("counts_toward", nl=f"Mbo-certificaat {code} staat niet in het register.",
                                       en=f"mbo certificate {code} is not in the register.")
            node = {"type": ["Certificaat"], "crebo": listed.crebo if listed else (target_crebo or crebo or ""), "code": code}
            if listed is not None and listed.name:
                node["name"] = listed.name
        elif re.fullmatch(r"[BP][0-9]+-K[0-9]+", code) and (target_crebo or crebo):
            owner = target_crebo or crebo or ""
            known = context.register.get(owner)
            task = next((k for k in known.kerntaken if k.code == code), None) if known else None
            if known is not None and task is None:
                raise invalid_field("counts_toward", text, f"een kerntaak van kwalificatie {owner}",
                                    f"a core task of qualification {owner}")
            node = {"type": ["Kerntaak"], "crebo": owner, "code": code}
            if task is not None and task.title:
                node["name"] = task.title
        else:
            raise field_error(
                "counts_toward",
                nl=f"'{shown(text, 40)}' is geen kwalificatie (25180), kerntaak (25180/B1-K1) of certificaat (C0021) (veld 'counts_toward', nummer {index + 1}).",
                en=f"'{shown(text, 40)}' is not a qualification (25180), core task (25180/B1-K1) or certificate (C0021) (field 'counts_toward', item {index + 1}).",
            )
        nodes.append(node)
    return nodes


def finish(credential: dict[str, Any]) -> dict[str, Any]:
    """Refuse national ids, then check the type's JSON Schema and the OB 3.0 schema; return the credential.

    A builder changes its credential no more after this (``preflight(..., built=True)`` relies on it)."""
    check_no_national_id(credential)
    validate_type(credential)
    check_issuable(credential)
    return credential
