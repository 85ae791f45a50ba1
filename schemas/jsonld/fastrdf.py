"""Expanded JSON-LD -> canonical-term quads without a node map (the fast path, stage 2).

Why: pyld's ``toRdf`` first flattens the expansion into a node map (relabelling every blank node,
merging nodes by ``@id``) and then converts it; a dataset is a *set* of quads, so emitting each
node's quads where it occurs gives the same set, and RDFC-1.0 relabels blank nodes anyway. Terms
are written exactly as ``nquads.dataset_from_pyld`` writes pyld's (literal conversion mirrors
pyld's ``_object_to_rdf``). Blank-node labels differ from pyld's ``_:bN`` order; the dataset is
equal up to blank-node renaming, so its canonical N-Quads are byte-identical (tests prove it).

Input outside what ``fastexpand`` produces (``@reverse``, ``@included``, ``@index``, ``@json``,
``@direction``, blank-node predicates, relative IRIs, top-level values or lists) raises ``Refused``.
"""

from __future__ import annotations

import re
from typing import Any

from skillspas.schemas.jsonld.fastexpand import _SHARED, REMEMBERING, is_shared
from skillspas.schemas.jsonld.fastcontext import Refused, is_absolute_iri
from skillspas.schemas.jsonld.nquads import RDF_LANGSTRING, XSD_STRING, Quad, escape_literal

__all__ = ["expanded_to_quads"]

_RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
_TYPE, _FIRST, _REST, _NIL = (f"<{_RDF}{name}>" for name in ("type", "first", "rest", "nil"))
_XSD = "http://www.w3.org/2001/XMLSchema#"
_XSD_BOOLEAN, _XSD_DOUBLE, _XSD_INTEGER = (f"{_XSD}{name}" for name in ("boolean", "double", "integer"))
_PLAIN = (XSD_STRING, RDF_LANGSTRING)
_NODE_KEYWORDS = frozenset(("@id", "@type", "@graph"))
_VALUE_KEYS = frozenset(("@value", "@type", "@language"))
_MISSING = object()
# datatype -> how a string literal of it ends; filled by _Writer.literal once it has checked the
# datatype (a usable absolute IRI, not xsd:double, whose strings pyld re-formats)
_SUFFIXES: dict[Any, str] = {XSD_STRING: "", RDF_LANGSTRING: ""}
_NEEDS_ESCAPE = re.compile('[\x00-\x1f"\\\\\x7f]')  # what nquads.escape_literal changes (a test pins it)
_TERMS: dict[str, str] = {}  # checked IRI -> "<IRI>" for predicates and types (few distinct ones)
_TERMS_LIMIT = 8192
_REPLAYS: dict[tuple[int, str, int, bool], tuple[Any, str, list[Quad], list[str], int]] = {}
"""``_Writer.nested``: a shared expansion's quads, by (its id, graph, counter, escaping); it is kept with them."""
_REPLAYS_LIMIT = 8


def _iri_term(iri: Any) -> str:
    """``<iri>`` for an absolute IRI used as predicate or type (memoised), else ``Refused``."""
    term = _TERMS.get(iri)
    if term is None:
        if type(iri) is not str or iri.startswith("_:") or not is_absolute_iri(iri):
            raise Refused("unusual predicate or type")
        term = f"<{iri}>"
        if len(_TERMS) < _TERMS_LIMIT:
            _TERMS[iri] = term
    return term


class _Writer:
    """Collects quads; issues fresh blank-node labels and maps the document's own labels.

    Why ``escape``: literals almost never need N-Quads escapes, so the first pass writes them
    raw and keeps their texts; one regex search over all of them then decides whether to write
    the dataset again with escapes (measured: a quarter of this stage)."""

    __slots__ = ("quads", "labels", "count", "escape", "texts", "blank_ids", "replay")

    def __init__(self, escape: bool) -> None:
        self.quads: list[Quad] = []
        self.labels: dict[str, str] = {}
        self.count = 0
        self.escape = escape
        self.texts: list[str] = []
        self.blank_ids = 0
        """How many times a document's own blank-node label was met (``nested`` replays none)."""
        self.replay = bool(_SHARED) and REMEMBERING.get()
        """Whether nested nodes may be shared expansions to replay (an issuer's ``reuse()``): decided once,
        so a verifier's walk pays nothing per node for it."""

    def fresh(self) -> str:
        self.count += 1
        return f"_:f{self.count}"

    def subject(self, iri: Any) -> str:
        """The term of a node's ``@id`` (absolute IRI or relabelled blank node)."""
        if type(iri) is not str:
            raise Refused("unusual @id")
        if iri.startswith("_:"):
            self.blank_ids += 1
            label = self.labels.get(iri)
            if label is None:
                label = self.labels[iri] = self.fresh()
            return label
        if not is_absolute_iri(iri):
            raise Refused("relative IRI")
        return f"<{iri}>"

    def node(self, node: dict[str, Any], graph: str) -> str:
        """Write a node object's quads into ``graph``; return its term."""
        iri = node.get("@id")
        subject = self.fresh() if iri is None else self.subject(iri)
        append = self.quads.append
        add_text = None if self.escape else self.texts.append
        for key, values in node.items():
            if key[0] == "@":
                if key not in _NODE_KEYWORDS:
                    raise Refused(f"keyword {key}")
                if key == "@type":
                    for name in values:
                        append((subject, _TYPE, _TERMS.get(name) or _iri_term(name), graph))
                elif key == "@graph":
                    for item in values:
                        if type(item) is not dict or "@value" in item or "@list" in item:
                            raise Refused("unusual graph member")
                        self.node(item, subject)
                continue
            predicate = _TERMS.get(key) or _iri_term(key)
            for value in values:
                if type(value) is not dict:
                    raise Refused("unusual value")
                text = value.get("@value", _MISSING)
                if text is _MISSING:
                    if "@list" in value:
                        append((subject, predicate, self.object(value, graph), graph))
                    else:
                        append((subject, predicate, self.nested(value, graph) if self.replay else self.node(value, graph), graph))
                    continue
                if add_text is not None and type(text) is str:  # plain and typed strings, inlined
                    size = len(value)
                    suffix = "" if size == 1 else _SUFFIXES.get(value.get("@type")) if size == 2 else None
                    if suffix is not None:
                        add_text(text)
                        append((subject, predicate, '"' + text + '"' + suffix, graph))
                        continue
                append((subject, predicate, self.literal(value), graph))
        return subject

    def nested(self, node: dict[str, Any], graph: str) -> str:
        """``node``'s term, its quads written; for an expansion ``fastexpand`` shared (an achievement),
        the quads it wrote before at the same point (graph, blank-node counter, escaping) are replayed:
        they are a pure function of those and the node, unless it met the document's own blank-node
        labels (then it is not remembered)."""
        if not is_shared(node):
            return self.node(node, graph)
        slot = (id(node), graph, self.count, self.escape)
        found = _REPLAYS.get(slot)
        if found is not None and found[0] is node:
            _, term, quads, texts, count = found
            self.quads.extend(quads)
            self.texts.extend(texts)
            self.count = count
            return term
        quads_before, texts_before, blank_ids = len(self.quads), len(self.texts), self.blank_ids
        term = self.node(node, graph)
        if self.blank_ids == blank_ids:
            if len(_REPLAYS) >= _REPLAYS_LIMIT:
                _REPLAYS.clear()
            _REPLAYS[slot] = (node, term, self.quads[quads_before:], self.texts[texts_before:], self.count)
        return term

    def object(self, item: Any, graph: str) -> str:
        """The term of a list item (writing nested nodes and lists into ``graph``)."""
        if type(item) is not dict:
            raise Refused("unusual value")
        if "@value" in item:
            return self.literal(item)
        if "@list" in item:
            if len(item) != 1:
                raise Refused("unusual list object")
            return self.list(item["@list"], graph)
        return self.node(item, graph)

    def list(self, items: list[Any], graph: str) -> str:
        """pyld's ``_list_to_rdf``: an rdf:first/rdf:rest chain, ``rdf:nil`` when empty."""
        if type(items) is not list:
            raise Refused("unusual list")
        if not items:
            return _NIL
        head = node = self.fresh()
        for index, item in enumerate(items):
            self.quads.append((node, _FIRST, self.object(item, graph), graph))
            rest = self.fresh() if index + 1 < len(items) else _NIL
            self.quads.append((node, _REST, rest, graph))
            node = rest
        return head

    def literal(self, item: dict[str, Any]) -> str:
        """pyld's ``_object_to_rdf`` for a value object, written as ``dataset_from_pyld`` writes it."""
        if not item.keys() <= _VALUE_KEYS:
            raise Refused("unusual value object")
        value = item["@value"]
        datatype = item.get("@type")
        language = item.get("@language")
        if datatype is not None and (type(datatype) is not str or datatype.startswith("@") or not is_absolute_iri(datatype)):
            raise Refused("unusual datatype")
        if type(value) is str:
            if datatype == _XSD_DOUBLE:
                raise Refused("string with xsd:double")  # pyld re-formats it; rare, leave it to pyld
            text = value
        elif type(value) is bool:
            text, datatype, language = ("true" if value else "false"), datatype or _XSD_BOOLEAN, None
        elif type(value) is int or type(value) is float:
            if type(value) is float and not value.is_integer():  # pyld's _is_double, for JSON numbers
                from skillspas.schemas.jsonld._pyld_cache import canonicalize_double  # pyld's own form, only when needed

                text, datatype = canonicalize_double(value), datatype or _XSD_DOUBLE
            elif datatype == _XSD_DOUBLE or abs(value) >= 1e21:
                raise Refused("number formatted as a double")
            else:
                text, datatype = str(int(value)), datatype or _XSD_INTEGER
            language = None
        else:
            raise Refused("unusual literal")
        if self.escape:
            text = escape_literal(text)
        else:
            self.texts.append(text)
        if language:
            if type(language) is not str:
                raise Refused("unusual language")
            return f'"{text}"@{language}'
        if datatype is None or datatype in _PLAIN:
            return f'"{text}"'
        if type(value) is str and len(_SUFFIXES) < _TERMS_LIMIT:
            _SUFFIXES[datatype] = f"^^<{datatype}>"  # checked above: usable inline from now on
        return f'"{text}"^^<{datatype}>'


def expanded_to_quads(expanded: list[Any]) -> list[Quad]:
    """The RDF dataset of an expanded document (pyld's ``toRdf`` semantics), or ``Refused``."""
    if type(expanded) is not list:
        raise Refused("not an expansion")
    try:
        writer = _write(expanded, escape=False)
        texts = "".join(writer.texts)
        # isprintable() is false for every control character (and for some harmless ones, which
        # the regex then clears): twice as fast as the regex on the usual clean text (measured)
        if not (texts.isprintable() and '"' not in texts and "\\" not in texts):
            if _NEEDS_ESCAPE.search(texts) is not None:
                writer = _write(expanded, escape=True)
    except TypeError:  # e.g. an unhashable where a name belongs: not an expansion we made
        raise Refused("unusual expansion") from None
    return writer.quads


def _write(expanded: list[Any], escape: bool) -> _Writer:
    writer = _Writer(escape)
    for node in expanded:
        if type(node) is not dict or "@value" in node or "@list" in node:
            raise Refused("top-level value or list")
        writer.node(node, "")
    return writer
