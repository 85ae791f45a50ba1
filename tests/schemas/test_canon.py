"""Unit and property tests of skillspas.schemas.jsonld.nquads and skillspas.schemas.jsonld.canon."""

from __future__ import annotations

import random
from typing import Any

import pyoxigraph
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pyld import jsonld

from skillspas.schemas.jsonld.canon import canonicalize, issued_identifiers
from skillspas.schemas.errors import ErrorCode, SkillspasError
from skillspas.schemas.limits import Limits
from skillspas.schemas.jsonld.nquads import (
    Quad,
    dataset_from_pyld,
    escape_literal,
    parse_nquads,
    serialize,
)

P = "<http://example.com/p>"
Q = "<http://example.com/q>"
S = "<http://example.com/s>"

# What canonical N-Quads writes for each C0 control and U+007F (rdf-canon test060c).
CONTROL_ESCAPES = {
    0x00: r"\u0000", 0x01: r"\u0001", 0x02: r"\u0002", 0x03: r"\u0003", 0x04: r"\u0004",
    0x05: r"\u0005", 0x06: r"\u0006", 0x07: r"\u0007", 0x08: r"\b", 0x09: r"\t", 0x0A: r"\n",
    0x0B: r"\u000B", 0x0C: r"\f", 0x0D: r"\r", 0x0E: r"\u000E", 0x0F: r"\u000F",
    0x10: r"\u0010", 0x11: r"\u0011", 0x12: r"\u0012", 0x13: r"\u0013", 0x14: r"\u0014",
    0x15: r"\u0015", 0x16: r"\u0016", 0x17: r"\u0017", 0x18: r"\u0018", 0x19: r"\u0019",
    0x1A: r"\u001A", 0x1B: r"\u001B", 0x1C: r"\u001C", 0x1D: r"\u001D", 0x1E: r"\u001E",
    0x1F: r"\u001F", 0x7F: r"\u007F",
}


# --- escaping -----------------------------------------------------------------------------------

@pytest.mark.parametrize("code", sorted(CONTROL_ESCAPES), ids=lambda code: f"U+{code:04X}")
def test_escape_each_control_character(code: int) -> None:
    """Every C0 control and U+007F is escaped as canonical N-Quads requires."""
    assert escape_literal(f"a{chr(code)}b") == f"a{CONTROL_ESCAPES[code]}b"


@pytest.mark.parametrize("value, expected", [
    ('"', r"\""), ("\\", r"\\"), ("'", "'"), ("", ""), ("plain text", "plain text"),
    ("\u0080\u0085\u00a0\u2028\u2029\ufeff", "\u0080\u0085\u00a0\u2028\u2029\ufeff"),
    ("🌃 ∞ é", "🌃 ∞ é"), ("\t <>\"{}|^`\\", r'\t <>\"{}|^`\\'),
])
def test_escape_other_characters(value: str, expected: str) -> None:
    """Quote and backslash are escaped; everything from U+0080 up, and ', is written as itself."""
    assert escape_literal(value) == expected


def test_escape_matches_rdf_canon_test060() -> None:
    """The two control-character rows of test060c's expected output."""
    assert escape_literal("".join(map(chr, range(16)))) == (
        r"\u0000\u0001\u0002\u0003\u0004\u0005\u0006\u0007\b\t\n\u000B\f\r\u000E\u000F")
    assert escape_literal("".join(map(chr, range(16, 32)))) == (
        r"\u0010\u0011\u0012\u0013\u0014\u0015\u0016\u0017\u0018\u0019\u001A\u001B\u001C\u001D"
        r"\u001E\u001F")


@given(st.text())
def test_escape_round_trips_through_the_parser(value: str) -> None:
    """Parsing an escaped literal gives back the same canonical term."""
    term = f'"{escape_literal(value)}"'
    assert parse_nquads(f"{S} {P} {term} .\n") == [(S, P, term, "")]


# --- parsing and serialization ----------------------------------------------------------------

def test_parse_terms_into_canonical_form() -> None:
    """Escapes are decoded and re-escaped canonically; xsd:string is dropped; comments skipped."""
    text = (
        "# a comment\n\n"
        '<http://example.com/s\\u00E9> <http://example.com/p> "a\\u0009b\\u000b"  .\r\n'
        '_:b0\t<http://example.com/p> "x"^^<http://www.w3.org/2001/XMLSchema#string> _:g . # c\n'
        '<http://example.com/s> <http://example.com/p> "x"@en-GB <http://example.com/g>.\n'
        '<http://example.com/s> <http://example.com/p> "1"^^<http://example.com/int> .'
    )
    assert parse_nquads(text) == [
        ("<http://example.com/sé>", P, r'"a\tb\u000B"', ""),
        ("_:b0", P, '"x"', "_:g"),
        (S, P, '"x"@en-GB', "<http://example.com/g>"),
        (S, P, '"1"^^<http://example.com/int>', ""),
    ]


def test_parse_keeps_unicode_line_separators_inside_literals() -> None:
    """U+0085 and U+2028 inside a literal do not end the line."""
    assert parse_nquads(f'{S} {P} "a\u0085b\u2028c" .\n') == [(S, P, '"a\u0085b\u2028c"', "")]


@pytest.mark.parametrize("line", [
    f"{S} {P} .", f"{S} {P} {S}", f'"lit" {P} {S} .', f"{S} _:p {S} .",
    f'{S} {P} "\\uD800" .', f"{S} {P} <http://example.com/a\\u0020b> .",
    f'{S} {P} "open .', f"{S} {P} <no end .",
])
def test_parse_rejects_bad_lines(line: str) -> None:
    """A line that is not a valid statement raises ValueError naming its line number."""
    with pytest.raises(ValueError, match="line 2"):
        parse_nquads(f"{S} {P} {S} .\n{line}\n")


def test_serialize_writes_default_and_named_graphs() -> None:
    """The default graph has no fourth term; order is kept."""
    quads = [(S, P, '"x"', "<http://example.com/g>"), ("_:b0", P, S, "")]
    assert serialize(quads) == f'{S} {P} "x" <http://example.com/g> .\n_:b0 {P} {S} .\n'


# --- pyld conversion ------------------------------------------------------------------------

def _refuse(url: str, options: Any = None) -> Any:
    """A document loader that never touches the network."""
    raise AssertionError(f"tests must use inline contexts only, not {url}")


OPTIONS = {"documentLoader": _refuse}
DOCUMENT = {
    "@context": {
        "@vocab": "https://example.com/vocab#",
        "xsd": "http://www.w3.org/2001/XMLSchema#",
        "issued": {"@type": "xsd:dateTime"},
        "count": {"@type": "xsd:integer"},
        "items": {"@container": "@list"},
        "home": {"@type": "@id"},
    },
    "@id": "https://example.com/credential/1",
    "@type": "Credential",
    "name": [{"@value": "Diplôme", "@language": "fr"}, {"@value": "Diploma", "@language": "en"},
             {"@value": "שלום", "@language": "he", "@direction": "rtl"},
             {"@value": "typed", "@type": "xsd:string"}],
    "description": "Quote \" backslash \\ tab \t newline \n return \r and 🌃",
    "issued": "2024-01-01T00:00:00Z",
    "count": 3,
    "ratio": 1.5,
    "active": True,
    "home": "https://example.com/home",
    "items": ["one", {"label": "two"}, 3],
    "subject": [{"skill": {"label": "teamwork"}}, {"skill": {"label": "teamwork"}}],
    "evidence": {"@id": "_:evidence", "@graph": [{"@id": "_:e1", "label": "in a graph"}]},
}


def test_dataset_from_pyld_matches_pyld_urdna2015() -> None:
    """Without C0 controls, our canonical form of pyld's dataset equals pyld's own URDNA2015."""
    ours = canonicalize(dataset_from_pyld(jsonld.to_rdf(DOCUMENT, OPTIONS)))
    theirs = jsonld.normalize(DOCUMENT, {**OPTIONS, "algorithm": "URDNA2015",
                                         "format": "application/n-quads"})
    assert ours == theirs
    assert "_:c14n" in ours and '"Diplôme"@fr' in ours and "<_:" not in ours


def test_dataset_from_pyld_escapes_controls_canonically() -> None:
    """pyld writes U+000C raw (PERFORMANCE.md §3); we write \\f, as pyoxigraph does."""
    document = {"@context": {"@vocab": "https://example.com/vocab#"}, "note": "form\x0cfeed"}
    ours = canonicalize(dataset_from_pyld(jsonld.to_rdf(document, OPTIONS)))
    theirs = jsonld.normalize(document, {**OPTIONS, "algorithm": "URDNA2015",
                                         "format": "application/n-quads"})
    assert r'"form\ffeed"' in ours and ours != theirs
    assert ours == _oxigraph_canonical(ours)


# --- canonicalization ----------------------------------------------------------------------

def _oxigraph_canonical(text: str, sha384: bool = False) -> str:
    """pyoxigraph's RDFC-1.0 of an N-Quads document, as sorted canonical N-Quads."""
    dataset = pyoxigraph.Dataset(pyoxigraph.parse(text, format=pyoxigraph.RdfFormat.N_QUADS))
    algorithms = pyoxigraph.CanonicalizationAlgorithm
    dataset.canonicalize(algorithms.RDFC_1_0_SHA_384 if sha384 else algorithms.RDFC_1_0)
    # split on "\n" only: str.splitlines would also split at U+0085 and U+2028 inside literals
    return "".join(sorted(line + "\n" for line in str(dataset).split("\n") if line))


BLANK_NODES = st.sampled_from([f"_:n{i}" for i in range(6)])
IRIS = st.sampled_from([S, "<http://example.com/o>", "<http://example.com/g>"])
LITERALS = st.builds(
    lambda text, suffix: f'"{escape_literal(text)}"{suffix}',
    st.sampled_from(["", "a", "b", "é\x00\x7f\n"]),
    st.sampled_from(["", "@en", "@nl-be", "^^<http://example.com/dt>"]),
)
QUADS = st.tuples(
    st.one_of(BLANK_NODES, IRIS),
    st.sampled_from([P, Q]),
    st.one_of(BLANK_NODES, BLANK_NODES, IRIS, LITERALS),
    st.one_of(st.just(""), BLANK_NODES, IRIS),
)
EDGES = st.tuples(BLANK_NODES, st.sampled_from([P, Q]), BLANK_NODES, st.sampled_from(["", S]))


def _relabel(quad: Quad, labels: dict[str, str]) -> Quad:
    """``quad`` with the blank nodes in ``labels`` renamed."""
    s, p, o, g = quad
    return labels.get(s, s), p, labels.get(o, o), labels.get(g, g)


def _twinned(quads: list[Quad]) -> list[Quad]:
    """``quads`` plus an isomorphic copy with fresh labels: every blank node gets a look-alike."""
    twins = {f"_:n{i}": f"_:m{i}" for i in range(6)}
    return quads + [_relabel(quad, twins) for quad in quads]


DATASETS = st.one_of(
    st.lists(QUADS, min_size=1, max_size=14),
    st.lists(EDGES, min_size=1, max_size=10),
    st.lists(st.one_of(QUADS, EDGES), min_size=1, max_size=7).map(_twinned),
)
"""Random small datasets; the last two kinds usually need Hash N-Degree Quads."""


@settings(max_examples=100, deadline=None)
@given(DATASETS)
def test_canonicalize_matches_pyoxigraph(quads: list[Quad]) -> None:
    """On random small datasets with several blank nodes our output equals pyoxigraph's."""
    assert canonicalize(quads) == _oxigraph_canonical(serialize(quads))


@settings(max_examples=100, deadline=None)
@given(DATASETS, st.randoms(use_true_random=False))
def test_canonicalize_ignores_labels_and_order(quads: list[Quad], rng: random.Random) -> None:
    """Relabelling blank nodes and shuffling quads does not change the canonical form."""
    labels = sorted({t for q in quads for t in (q[0], q[2], q[3]) if t.startswith("_:")})
    renamed = dict(zip(labels, rng.sample([f"_:x{i}" for i in range(len(labels))], len(labels))))
    shuffled = [_relabel(quad, renamed) for quad in quads]
    rng.shuffle(shuffled)
    assert canonicalize(shuffled) == canonicalize(quads)


def test_duplicate_quads_are_removed() -> None:
    """A dataset is a set: a repeated quad appears once."""
    assert canonicalize([("_:a", P, S, ""), ("_:a", P, S, "")]) == f"_:c14n0 {P} {S} .\n"


def test_issued_identifiers_agree_with_canonicalize() -> None:
    """The map uses labels without ``_:``, in issue order, and is the relabelling applied."""
    quads = [("_:x", P, "_:y", ""), ("_:y", Q, S, ""), ("_:z", Q, '"z"', "_:x")]
    issued = issued_identifiers(quads)
    assert list(issued.values()) == ["c14n0", "c14n1", "c14n2"]
    relabelled = [_relabel(quad, {f"_:{k}": f"_:{v}" for k, v in issued.items()}) for quad in quads]
    assert canonicalize(quads) == "".join(sorted(serialize(relabelled).splitlines(True)))


def test_sha384_is_the_internal_hash_on_request() -> None:
    """SHA-384 changes the labels of the diamond (test020 vs test075); unknown names are refused."""
    quads = [(S, P, "_:a", ""), (S, Q, "_:b", ""), ("_:a", P, "_:c", ""), ("_:b", P, "_:c", "")]
    sha384 = canonicalize(quads, hash_name="sha384")
    assert sha384 == _oxigraph_canonical(serialize(quads), sha384=True)
    assert sha384 != canonicalize(quads, hash_name="sha256")
    with pytest.raises(ValueError, match="md5"):
        canonicalize(quads, hash_name="md5")


def test_blank_predicate_is_a_programmer_error() -> None:
    """RDFC-1.0 has no blank-node predicates."""
    with pytest.raises(ValueError, match="predicate"):
        canonicalize([(S, "_:p", S, "")])


# --- limits ---------------------------------------------------------------------------------

def _assert_resource_limit(quads: list[Quad], limits: Limits) -> None:
    """Canonicalizing ``quads`` under ``limits`` raises the coded ``resource_limit`` error."""
    with pytest.raises(SkillspasError) as raised:
        canonicalize(quads, limits=limits)
    assert raised.value.code is ErrorCode.RESOURCE_LIMIT


def test_max_blank_nodes_is_refused_up_front() -> None:
    """More blank nodes than ``max_blank_nodes`` are refused; exactly that many are accepted."""
    quads = [(S, P, f"_:b{i}", "") for i in range(4)]
    assert canonicalize(quads, limits=Limits(max_blank_nodes=4)).count("_:c14n") == 4
    _assert_resource_limit(quads, Limits(max_blank_nodes=3))
    _assert_resource_limit([(S, P, f"_:b{i}", "") for i in range(1001)], Limits())


def test_max_canon_work_bounds_n_degree_hashing() -> None:
    """A symmetric dataset needs n-degree work; a budget below it is refused."""
    quads = [(S, P, "_:a", ""), (S, P, "_:b", ""), ("_:a", Q, "_:b", ""), ("_:b", Q, "_:a", "")]
    assert canonicalize(quads, limits=Limits(max_canon_work=50)) == _oxigraph_canonical(
        serialize(quads))
    _assert_resource_limit(quads, Limits(max_canon_work=1))


def test_twin_named_graphs_need_little_work() -> None:
    """Two identical credentials in a presentation: a graph label listed once per quad of a node
    costs one permutation, not 12! (regression: such a presentation hit ``resource_limit``)."""
    quads: list[Quad] = []
    for graph in ("_:g1", "_:g2"):
        quads.append((S, P, graph, ""))
        quads.append((S, Q, f"{graph}n", graph))
        quads += [(f"{graph}n", f"<http://example.com/p{i}>", f'"{i}"', graph) for i in range(12)]
    expected = _oxigraph_canonical(serialize(quads))
    assert canonicalize(quads, limits=Limits(max_canon_work=200)) == expected


def test_unique_first_degree_hashes_need_no_work() -> None:
    """Credential-shaped data canonicalizes with a zero work budget."""
    quads = [(S, P, f"_:b{i}", "") for i in range(10)]
    quads += [(f"_:b{i}", Q, f'"value {i}"', "") for i in range(10)]
    assert canonicalize(quads, limits=Limits(max_canon_work=0)).count("\n") == 20


def test_deep_recursion_is_refused() -> None:
    """A long cycle of look-alike blank nodes ends with ``resource_limit``, not RecursionError."""
    cycle = [(f"_:n{i}", P, f"_:n{(i + 1) % 999}", "") for i in range(999)]
    _assert_resource_limit(cycle, Limits(max_canon_work=10**9))
