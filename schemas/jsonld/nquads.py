"""RDF terms as canonical N-Quads strings: escaping, parsing, pyld conversion, serialization.

A :data:`Quad` is ``(subject, predicate, object, graph)`` where every term is already written
in canonical N-Quads form (https://www.w3.org/TR/rdf-canon/#canonical-quads):

* an IRI as ``<...>`` with no escapes,
* a blank node as ``_:label``,
* a literal as ``"..."``, ``"..."@lang`` or ``"..."^^<datatype>`` (``xsd:string`` omitted),
* the graph ``""`` for the default graph.

Keeping terms serialized means canonicalization never re-serializes a term: it only swaps
blank-node labels and joins strings.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from skillspas.schemas.errors import shown

__all__ = ["Quad", "XSD_STRING", "RDF_LANGSTRING", "escape_literal", "parse_nquads",
           "dataset_from_pyld", "serialize"]

Quad = tuple[str, str, str, str]

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
RDF_LANGSTRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"

# Canonical N-Quads: ECHAR for \b \t \n \f \r \" \\, UCHAR (\uXXXX, uppercase hex) for the other
# C0 controls and U+007F, everything else (including U+0080 and up, and ') written as itself.
_ECHARS = {0x08: "\\b", 0x09: "\\t", 0x0A: "\\n", 0x0C: "\\f", 0x0D: "\\r", 0x22: '\\"',
           0x5C: "\\\\"}
_ESCAPES = {code: _ECHARS.get(code, f"\\u{code:04X}") for code in (*range(0x20), 0x7F, 0x22, 0x5C)}
_NEEDS_ESCAPE = re.compile('[\x00-\x1f"\\\\\x7f]')

# N-Quads grammar (https://www.w3.org/TR/n-quads/#sec-grammar), as regular expressions.
_UCHAR = r"\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8}"
_IRI = rf"<((?:[^\x00-\x20<>\"{{}}|^`\\]|{_UCHAR})*)>"
_PN_CHARS_BASE = ("A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u02ff\u0370-\u037d\u037f-\u1fff"
                  "\u200c\u200d\u2070-\u218f\u2c00-\u2fef\u3001-\ud7ff\uf900-\ufdcf\ufdf0-\ufffd"
                  "\U00010000-\U000effff")
_PN_CHARS_U = _PN_CHARS_BASE + "_:"
_PN_CHARS = _PN_CHARS_U + "\\-0-9\u00b7\u0300-\u036f\u203f-\u2040"
_BNODE = rf"(_:[{_PN_CHARS_U}0-9](?:[{_PN_CHARS}.]*[{_PN_CHARS}])?)"
_STRING = rf"\"((?:[^\"\\\n\r]|\\[tbnrf\"'\\]|{_UCHAR})*)\""
_LANGTAG = r"@([a-zA-Z]+(?:-[a-zA-Z0-9]+)*)"
_LITERAL = rf"{_STRING}(?:\^\^{_IRI}|{_LANGTAG})?"
_WS = r"[ \t]*"
# Groups: 1-2 subject, 3 predicate, 4-9 object, 10-11 graph. Compiled on first use (its Unicode classes
# take ~10 ms to compile; a verify parses no N-Quads).
_STATEMENT = (rf"{_WS}(?:{_IRI}|{_BNODE}){_WS}{_IRI}{_WS}(?:{_IRI}|{_BNODE}|{_LITERAL}){_WS}"
              rf"(?:(?:{_IRI}|{_BNODE}){_WS})?\.{_WS}(?:#.*)?")
_BLANK_OR_COMMENT = re.compile(rf"{_WS}(?:#.*)?")
_ESCAPE_SEQUENCE = re.compile(r"\\(?:u([0-9A-Fa-f]{4})|U([0-9A-Fa-f]{8})|(.))")
_UNESCAPED_ECHARS = {"t": "\t", "b": "\b", "n": "\n", "r": "\r", "f": "\f", '"': '"', "'": "'",
                     "\\": "\\"}
_NOT_IN_IRI = re.compile(r"[\x00-\x20<>\"{}|^`\\]")
_LINE_END = re.compile(r"\r\n?|\n")


def escape_literal(value: str) -> str:
    """Escape a literal's lexical form exactly as canonical N-Quads requires."""
    if _NEEDS_ESCAPE.search(value) is None:
        return value
    return value.translate(_ESCAPES)


def _unescape_match(match: re.Match[str]) -> str:
    """Decode one ECHAR or UCHAR escape sequence."""
    hex_digits = match.group(1) or match.group(2)
    if hex_digits is None:
        return _UNESCAPED_ECHARS[match.group(3)]
    code = int(hex_digits, 16)
    if 0xD800 <= code <= 0xDFFF or code > 0x10FFFF:
        raise ValueError(f"escape \\u{hex_digits} is not a Unicode scalar value")
    return chr(code)


def _unescape(text: str) -> str:
    """Decode every ECHAR and UCHAR escape in ``text``."""
    return _ESCAPE_SEQUENCE.sub(_unescape_match, text) if "\\" in text else text


def _iri(escaped: str) -> str:
    """Canonical form of an IRIREF's content: ``<...>`` with escapes decoded."""
    iri = _unescape(escaped)
    if _NOT_IN_IRI.search(iri):
        raise ValueError(f"IRI <{escaped}> decodes to a character not allowed in an IRI")
    return f"<{iri}>"


def _literal(lexical: str, datatype: str | None, language: str | None) -> str:
    """Canonical form of a literal from its escaped lexical form, datatype and language."""
    text = f'"{escape_literal(_unescape(lexical))}"'
    if language is not None:
        return f"{text}@{language}"
    if datatype is None:
        return text
    iri = _iri(datatype)
    return text if iri == f"<{XSD_STRING}>" else f"{text}^^{iri}"


def _statement(match: re.Match[str]) -> Quad:
    """Build a canonical quad from a match of ``_STATEMENT``."""
    g = match.groups()
    subject = _iri(g[0]) if g[0] is not None else g[1]
    if g[3] is not None:
        obj = _iri(g[3])
    elif g[4] is not None:
        obj = g[4]
    else:
        obj = _literal(g[5], g[6], g[7])
    graph = _iri(g[8]) if g[8] is not None else (g[9] or "")
    return subject, _iri(g[2]), obj, graph


def parse_nquads(text: str) -> list[Quad]:
    """Parse an N-Quads document into canonical quads; ``ValueError`` names the first bad line."""
    quads: list[Quad] = []
    for number, line in enumerate(_LINE_END.split(text), start=1):
        match = re.fullmatch(_STATEMENT, line)
        if match is not None:
            try:
                quads.append(_statement(match))
            except ValueError as error:
                raise ValueError(f"N-Quads line {number}: {error}") from None
        elif _BLANK_OR_COMMENT.fullmatch(line) is None:
            raise ValueError(f"N-Quads line {number}: not a statement: {shown(line, quoted=True)}")
    return quads


def _pyld_term(term: Mapping[str, str]) -> str:
    """Canonical form of one pyld RDF term (``{'type', 'value', 'datatype'?, 'language'?}``)."""
    kind = term["type"]
    if kind == "IRI":
        return f"<{term['value']}>"
    if kind == "blank node":
        return term["value"]
    text = f'"{escape_literal(term["value"])}"'
    language = term.get("language")
    if language:
        return f"{text}@{language}"
    datatype = term.get("datatype", XSD_STRING)
    return text if datatype in (XSD_STRING, RDF_LANGSTRING) else f"{text}^^<{datatype}>"


def dataset_from_pyld(dataset: Mapping[str, Iterable[Mapping[str, Any]]]) -> list[Quad]:
    """Convert ``pyld.jsonld.to_rdf`` output (graph name -> triples) into canonical quads."""
    quads: list[Quad] = []
    for name, triples in dataset.items():
        graph = "" if name == "@default" else name if name.startswith("_:") else f"<{name}>"
        for triple in triples:
            quads.append((_pyld_term(triple["subject"]), _pyld_term(triple["predicate"]),
                          _pyld_term(triple["object"]), graph))
    return quads


def serialize(quads: Iterable[Quad]) -> str:
    """Write quads as N-Quads lines ``s p o [g] .\\n``, in the given order."""
    return "".join(f"{s} {p} {o} {g} .\n" if g else f"{s} {p} {o} .\n" for s, p, o, g in quads)
