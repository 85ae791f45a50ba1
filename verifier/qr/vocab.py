"""Format SP2's vocabulary dictionary: an Alignment to an entry of the bundled vocabulary index as one number.

Both sides hold the same versioned index; ``VocabDictionary`` maps an Alignment to (CBOR tag, number)
and back, byte-exact. The bundled index is loaded on first use only.
"""

from __future__ import annotations

from typing import Any, Callable, Final, Iterable

from skillspas.verifier.qr.base45 import damaged, unreadable
from skillspas.verifier.qr.specimens import SP4_SPECIMENS
from skillspas.verifier.qr.terms import SP1_ZDICT

__all__ = ["Entry", "VocabDictionary", "bundled_dictionary", "held_dictionaries", "is_vocab_tag"]

_TAG_VOCAB_ALIGNMENT: Final = 16  # SP2 only, tags 16-20: an Alignment rebuilt from a dictionary entry,
# its keys in _ALIGNMENT_ORDERS[tag - 16], the content entry * 2 + (0 Dutch label, 1 English label), for tag 20
# shifted left by 3 bits that hold its evidenceKind (1-5, _EVIDENCE_KINDS)

# SP2: the key orders an Alignment rebuilt from the dictionary may have (frozen; a new one needs SP3).
_ALIGNMENT_ORDERS: Final = (
    ("type", "targetType", "targetFramework", "targetName", "targetUrl"),  # the skillspas issuer
    ("type", "targetType", "targetName", "targetFramework", "targetUrl"),  # SURF edubadges' OB 3.0 export
    ("type", "targetName", "targetUrl", "targetFramework", "targetType"),
    ("targetName", "targetUrl", "targetFramework", "targetType", "type"),
    ("type", "targetType", "targetFramework", "targetName", "targetUrl", "evidenceKind"),  # skillspas/v2 builders
)
_EVIDENCE_KINDS: Final = ("exam", "evc", "practice", "course", "kwalificatieLink")
"""SP2: an alignment's ``evidenceKind`` (skillspas/v2) as its position here, 1-based (frozen; a new one needs SP3)."""
_ALIGNMENT_KIND: Final = {
    "skill": ("ext:ESCOAlignment", "ESCO"),
    "occupation": ("ext:ESCOAlignment", "ESCO"),
    "competentnl": ("ext:CompetentNLAlignment", "CompetentNL"),
}
"""(targetType, targetFramework) of an alignment to each kind of dictionary entry."""

Entry = tuple[str, str, "str | None", "str | None"]
"""A dictionary entry: (URI, kind, Dutch label, English label); kind is skill, occupation or competentnl."""


class VocabDictionary:
    """A versioned vocabulary dictionary, as both sides hold it: entry ``n`` is the ``n``-th URI in sort order.

    An Alignment whose type, targetType, targetFramework, targetName (the entry's Dutch or English label)
    and targetUrl match entry ``n`` exactly, in one of the frozen key orders, travels as one number.
    ``entries`` is loaded on first use (``load``), so a refusal by version costs nothing; ``load_text``
    gives the catalogue text of the preset DEFLATE dictionary.
    """

    def __init__(self, version: bytes, load: Callable[[], Iterable[Entry]], load_text: Callable[[], bytes] = bytes) -> None:
        if len(version) != 4:
            raise ValueError("a dictionary version is 4 bytes")
        self.version = version
        self._load = load
        self._load_text = load_text
        self._text: bytes | None = None
        self._zdicts: dict[bool, bytes] = {}
        self._entries: tuple[Entry, ...] | None = None
        self._numbers: dict[str, int] | None = None

    @property
    def entries(self) -> tuple[Entry, ...]:
        if self._entries is None:
            entries = tuple(self._load())
            if [entry[0] for entry in entries] != sorted({entry[0] for entry in entries}):
                raise ValueError("dictionary entries must be sorted by URI, each URI once")
            self._entries = entries
        return self._entries

    @property
    def zdict(self) -> bytes:
        """The preset DEFLATE dictionary of SP2 and SP3 with this dictionary: the catalogue text, then
        ``SP1_ZDICT`` (the most likely matches last), cut to DEFLATE's 32 KiB window."""
        return self.preset(specimens=False)

    def preset(self, *, specimens: bool) -> bytes:
        """``zdict``, and for SP4 (``specimens``) followed by ``SP4_SPECIMENS``, cut to the 32 KiB window."""
        if specimens not in self._zdicts:
            if self._text is None:  # the catalogue is read once for both presets
                self._text = bytes(self._load_text()) + SP1_ZDICT
            self._zdicts[specimens] = (self._text + (SP4_SPECIMENS if specimens else b""))[-32 * 1024:]
        return self._zdicts[specimens]

    def number(self, uri: str) -> int | None:
        """The entry number of ``uri``, or None."""
        if self._numbers is None:
            self._numbers = {entry[0]: number for number, entry in enumerate(self.entries)}
        return self._numbers.get(uri)

    def alignment_code(self, node: dict[str, Any]) -> tuple[int, int] | None:
        """The (tag, number) an Alignment travels as, or None when it must travel literally."""
        url = node.get("targetUrl")
        if len(node) not in (5, 6) or not isinstance(url, str) or node.get("type") != ["Alignment"]:
            return None
        evidence = node.get("evidenceKind")
        if len(node) == 6 and (not isinstance(evidence, str) or evidence not in _EVIDENCE_KINDS):
            return None
        number = self.number(url)
        if number is None:
            return None
        _, kind, label_nl, label_en = self.entries[number]
        target_type, framework = _ALIGNMENT_KIND[kind]
        if node.get("targetType") != target_type or node.get("targetFramework") != framework:
            return None
        name = node.get("targetName")
        lang = 0 if name == label_nl and label_nl else 1 if name == label_en and label_en else None
        order = tuple(node)
        if lang is None or order not in _ALIGNMENT_ORDERS:
            return None
        code = number * 2 + lang
        if len(node) == 6:  # the evidence kind in the three low bits
            code = code << 3 | (_EVIDENCE_KINDS.index(evidence) + 1)
        return _TAG_VOCAB_ALIGNMENT + _ALIGNMENT_ORDERS.index(order), code

    def alignment(self, tag: int, code: int) -> dict[str, Any]:
        """The Alignment that (``tag``, ``code``) stands for; ``qr_unreadable`` when no entry has it."""
        order = tag - _TAG_VOCAB_ALIGNMENT
        evidence = None
        if "evidenceKind" in _ALIGNMENT_ORDERS[order]:
            code, kind_number = divmod(code, 8)
            if not 1 <= kind_number <= len(_EVIDENCE_KINDS):
                raise unreadable(f"evidence kind {kind_number} is not known to this format",
                                 damaged(f"soort bewijs {kind_number} kent dit formaat niet"))
            evidence = _EVIDENCE_KINDS[kind_number - 1]
        number, lang = divmod(code, 2)
        if number >= len(self.entries):
            raise unreadable(f"entry {number} is not in vocabulary dictionary {self.version.hex()}",
                             damaged(f"nummer {number} staat niet in versie {self.version.hex()} van de vaardighedenlijst"))
        uri, kind, label_nl, label_en = self.entries[number]
        name = label_en if lang else label_nl
        if not name:
            raise unreadable(f"entry {number} of vocabulary dictionary {self.version.hex()} has no such label",
                             damaged(f"nummer {number} van versie {self.version.hex()} van de vaardighedenlijst heeft die naam niet"))
        target_type, framework = _ALIGNMENT_KIND[kind]
        values = {"type": ["Alignment"], "targetType": target_type, "targetFramework": framework,
                  "targetName": name, "targetUrl": uri, "evidenceKind": evidence}
        return {key: values[key] for key in _ALIGNMENT_ORDERS[order]}


def is_vocab_tag(tag: int) -> bool:
    return _TAG_VOCAB_ALIGNMENT <= tag < _TAG_VOCAB_ALIGNMENT + len(_ALIGNMENT_ORDERS)


def _bundled_entries() -> tuple[Entry, ...]:
    from skillspas.schemas.vocab_index import dictionary_entries

    return dictionary_entries()


def _bundled_text() -> bytes:
    from skillspas.schemas.vocab_index import catalogue_text

    return catalogue_text()


_BUNDLED: VocabDictionary | None = None


def bundled_dictionary() -> VocabDictionary:
    """The dictionary of the bundled vocabulary index (ESCO skills and occupations, CompetentNL)."""
    global _BUNDLED
    if _BUNDLED is None:
        from skillspas.schemas.vocab_index import dictionary_version

        _BUNDLED = VocabDictionary(dictionary_version(), _bundled_entries, _bundled_text)
    return _BUNDLED

def held_dictionaries() -> list[VocabDictionary]:
    """The bundled dictionary, or none where a build ships without the vocabulary data (the browser build)."""
    try:
        return [bundled_dictionary()]
    except (OSError, ImportError):  # no vocabulary data (or sqlite3): every SP2 code is qr_unknown_dictionary
        return []
