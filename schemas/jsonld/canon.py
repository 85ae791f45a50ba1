"""RDF Dataset Canonicalization (RDFC-1.0, https://www.w3.org/TR/rdf-canon/) with a work bound.

Why our own implementation rather than a library (measured in the shared PERFORMANCE.md, §3-4):

* pyoxigraph's ``Dataset.canonicalize`` has no work bound: the W3C poison test (a 10-node
  blank-node clique) runs for minutes, so a hostile credential could pin a verifier's CPU;
* pyld's URDNA2015 writes C0 control characters raw instead of as ``\\b``, ``\\f``, ``\\uXXXX``
  (rdf-canon test060c), so such a literal would hash differently than in other implementations.

This module works on :data:`~skillspas.schemas.jsonld.nquads.Quad` tuples whose terms are already in
canonical N-Quads form, so no term is ever re-serialized.

Work bound: Hash N-Degree Quads is exponential in the worst case, so its work is counted in
steps, roughly proportional to CPU time: each call costs 1 + the number of quads of its blank
node, each permutation examined costs its length. More than ``Limits.max_canon_work`` steps,
more than ``Limits.max_blank_nodes`` blank nodes, or a recursion deeper than 256 raise
``resource_limit``. Credential-shaped data, where every blank node has a unique first-degree
hash, takes no step at all; the hardest W3C tests that must succeed (044-046, "evil") take 6,636
steps, and the default 100,000 steps are spent in about 0.1 s.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence

from skillspas.schemas.errors import ErrorCode, error_for
from skillspas.schemas.limits import Limits
from skillspas.schemas.jsonld.nquads import Quad

__all__ = ["canonicalize", "issued_identifiers", "HASH_ALGORITHMS"]

HASH_ALGORITHMS: dict[str, Callable[[bytes], hashlib._Hash]] = {
    "sha256": hashlib.sha256,
    "sha384": hashlib.sha384,
}
"""Hash functions RDFC-1.0 may use internally (ecdsa-rdfc-2019 with P-384 needs SHA-384)."""

_MAX_DEPTH = 256
"""Deepest recursion of Hash N-Degree Quads; far below Python's recursion limit."""

_Issuer = dict[str, str]
"""An identifier issuer: input label -> issued label, in issue order (the counter is its length)."""


_Templates = list[tuple[str, str]]
"""A blank node's quads where it is the only blank term: each N-Quads line's text before and after
the node's label, so that ``label.join(template)`` writes the line under any label."""


class _Indexed:
    """Deduplicated quads, split for credential-shaped data where most quads have one blank term.

    Such a quad's line is written once, as a template: its node's first-degree line and its
    canonical line are then joined in C (``"_:a".join``, ``"_:c14nN".join``), and it relates its
    node to no other blank node, so Hash N-Degree Quads only walks the others (:attr:`links`).
    """

    __slots__ = ("ground", "templates", "tangled", "links")

    def __init__(self, quads: Sequence[Quad]) -> None:
        self.ground: list[str] = []
        """The canonical lines of the quads without blank nodes."""
        self.templates: defaultdict[str, _Templates] = defaultdict(list)
        """Each blank node's templates; its keys are all blank nodes, in order of first mention."""
        self.tangled: list[Quad] = []
        """The quads with more than one blank term (or one blank node in two places)."""
        self.links: defaultdict[str, list[Quad]] = defaultdict(list)
        """Each blank node's tangled quads."""
        ground, templates = self.ground, self.templates
        for quad in dict.fromkeys(quads):  # a dataset is a set; the default graph inline (measured)
            s, p, o, g = quad
            if p[0] != "<":
                raise ValueError(f"predicate {p!r} is not an IRI")
            if g:
                self._add_named(quad)
            elif s[0] == "_":
                if o[0] == "_":
                    self._tangle(quad)
                else:
                    templates[s].append(("", f" {p} {o} .\n"))
            elif o[0] == "_":
                templates[o].append((f"{s} {p} ", " .\n"))
            else:
                ground.append(f"{s} {p} {o} .\n")

    def _add_named(self, quad: Quad) -> None:
        """Add a quad of a named graph, as ``__init__`` adds one of the default graph."""
        s, p, o, g = quad
        if s[0] == "_":
            if o[0] == "_" or g[0] == "_":
                self._tangle(quad)
            else:
                self.templates[s].append(("", f" {p} {o} {g} .\n"))
        elif o[0] == "_":
            if g[0] == "_":
                self._tangle(quad)
            else:
                self.templates[o].append((f"{s} {p} ", f" {g} .\n"))
        elif g[0] == "_":
            self.templates[g].append((f"{s} {p} {o} ", " .\n"))
        else:
            self.ground.append(f"{s} {p} {o} {g} .\n")

    def _tangle(self, quad: Quad) -> None:
        """Add a quad with several blank terms, listed once under each of its blank nodes."""
        self.tangled.append(quad)
        templates, links = self.templates, self.links
        s, _, o, g = quad
        if s[0] == "_":
            templates[s]  # every blank node is a key of templates, in order of first mention
            links[s].append(quad)
        if o[0] == "_" and o != s:
            templates[o]
            links[o].append(quad)
        if g and g[0] == "_" and g != s and g != o:
            templates[g]
            links[g].append(quad)


class _Canonicalizer:
    """The canonicalization state of RDFC-1.0 §4.4.2 plus the work counter."""

    __slots__ = ("templates", "links", "hash", "first", "canonical", "budget", "max_work")

    def __init__(self, indexed: _Indexed, limits: Limits, hash_name: str) -> None:
        self.templates = indexed.templates
        if len(self.templates) > limits.max_blank_nodes:
            raise error_for(ErrorCode.RESOURCE_LIMIT, f"dataset has {len(self.templates)} blank nodes, "
                            f"more than the {limits.max_blank_nodes} allowed",
                            nl=f"de gegevens hebben {len(self.templates)} lege knopen, meer dan de {limits.max_blank_nodes} "
                               "die worden gecontroleerd")
        try:
            self.hash = HASH_ALGORITHMS[hash_name]
        except KeyError:
            raise ValueError(f"unsupported RDFC-1.0 hash algorithm {hash_name!r}") from None
        self.links = indexed.links
        self.first: dict[str, str] = {}
        self.canonical: _Issuer = {}
        self.budget = self.max_work = limits.max_canon_work

    def _spend(self, steps: int) -> None:
        """Spend ``steps`` of the work budget; raise ``resource_limit`` once it is exhausted."""
        self.budget -= steps
        if self.budget < 0:
            raise error_for(ErrorCode.RESOURCE_LIMIT, "RDFC-1.0 canonicalization needs more than "
                            f"{self.max_work} hash-n-degree-quads steps",
                            nl=f"de canonisering (RDFC-1.0) zou meer dan {self.max_work} stappen kosten; zo veel werk "
                               "wordt niet gedaan")

    def _issue(self, node: str) -> None:
        """Issue the next canonical identifier to ``node`` unless it already has one."""
        if node not in self.canonical:
            self.canonical[node] = f"_:c14n{len(self.canonical)}"

    def run(self) -> _Issuer:
        """Run RDFC-1.0 steps 3-6 and return the canonical issuer (input label -> ``_:c14nN``)."""
        by_hash: dict[str, list[str]] = {}
        for node in self.templates:
            digest = self.first[node] = self._first_degree(node)
            by_hash.setdefault(digest, []).append(node)
        shared = []
        for digest in sorted(by_hash):
            nodes = by_hash[digest]
            if len(nodes) == 1:
                self._issue(nodes[0])
            else:
                shared.append(nodes)
        for nodes in shared:
            results = [self._hash_n_degree(node, {node: "_:b0"}, 0)
                       for node in nodes if node not in self.canonical]
            results.sort(key=lambda result: result[0])
            for _, issuer in results:
                for node in issuer:
                    self._issue(node)
        return self.canonical

    def _first_degree(self, node: str) -> str:
        """Hash First Degree Quads (§4.6): the node as ``_:a``, other blank nodes as ``_:z``."""
        lines = list(map("_:a".join, self.templates[node]))
        for s, p, o, g in self.links.get(node, ()):
            if s[0] == "_":
                s = "_:a" if s == node else "_:z"
            if o[0] == "_":
                o = "_:a" if o == node else "_:z"
            if g:
                if g[0] == "_":
                    g = "_:a" if g == node else "_:z"
                lines.append(f"{s} {p} {o} {g} .\n")
            else:
                lines.append(f"{s} {p} {o} .\n")
        lines.sort()
        return self.hash("".join(lines).encode()).hexdigest()

    def _related_hash(self, related: str, predicate: str, position: str, issuer: _Issuer) -> str:
        """Hash Related Blank Node (§4.7); ``predicate`` is ``""`` for position ``g``."""
        label = self.canonical.get(related) or issuer.get(related) or self.first[related]
        return self.hash(f"{position}{predicate}{label}".encode()).hexdigest()

    def _related_groups(self, node: str, issuer: _Issuer) -> dict[str, list[str]]:
        """Group the blank nodes related to ``node`` by their related hash (§4.8.3 step 3)."""
        groups: dict[str, list[str]] = {}
        for s, p, o, g in self.links.get(node, ()):  # a template relates no other node
            if s[0] == "_" and s != node:
                groups.setdefault(self._related_hash(s, p, "s", issuer), []).append(s)
            if o[0] == "_" and o != node:
                groups.setdefault(self._related_hash(o, p, "o", issuer), []).append(o)
            if g and g[0] == "_" and g != node:
                groups.setdefault(self._related_hash(g, "", "g", issuer), []).append(g)
        return groups

    def _hash_n_degree(self, node: str, issuer: _Issuer, depth: int) -> tuple[str, _Issuer]:
        """Hash N-Degree Quads (§4.8): the hash and the issuer of the smallest path."""
        self._spend(1 + len(self.templates[node]) + len(self.links.get(node, ())))
        if depth > _MAX_DEPTH:
            raise error_for(ErrorCode.RESOURCE_LIMIT, "RDFC-1.0 canonicalization recurses more "
                            f"than {_MAX_DEPTH} blank nodes deep",
                            nl=f"de canonisering (RDFC-1.0) gaat meer dan {_MAX_DEPTH} lege knopen diep")
        data = []
        groups = self._related_groups(node, issuer)
        for related_hash in sorted(groups):
            chosen_path = ""
            chosen_issuer = issuer
            for permutation in _distinct_permutations(groups[related_hash]):
                self._spend(len(permutation))
                path, issuer_copy, recursion = self._direct_path(permutation, issuer, chosen_path)
                if path is None:
                    continue
                for related in recursion:
                    result_hash, issuer_copy = self._hash_n_degree(related, issuer_copy, depth + 1)
                    path += f"{issuer_copy[related]}<{result_hash}>"
                    if _worse(path, chosen_path):
                        break
                else:
                    if not chosen_path or path < chosen_path:
                        chosen_path, chosen_issuer = path, issuer_copy
            data.append(related_hash)
            data.append(chosen_path)
            issuer = chosen_issuer
        return self.hash("".join(data).encode()).hexdigest(), issuer

    def _direct_path(self, permutation: Sequence[str], issuer: _Issuer,
                     chosen_path: str) -> tuple[str | None, _Issuer, list[str]]:
        """§4.8.3 step 5.4.4: label a permutation; path ``None`` once it cannot beat the chosen."""
        canonical = self.canonical
        issuer_copy = issuer.copy()
        recursion = []
        path = ""
        for related in permutation:
            label = canonical.get(related)
            if label is None:
                label = issuer_copy.get(related)
                if label is None:
                    label = issuer_copy[related] = f"_:b{len(issuer_copy)}"
                    recursion.append(related)
            path += label
            if _worse(path, chosen_path):
                return None, issuer_copy, recursion
        return path, issuer_copy, recursion


def _distinct_permutations(nodes: list[str]) -> Iterator[list[str]]:
    """Each distinct ordering of ``nodes`` once, in lexicographic order (Narayana Pandita).

    A related blank node is listed once per quad it shares with the reference node (a named
    graph's label once per quad in the graph), and orderings that differ only by swapping equal
    labels give equal paths: skipping them changes no result, and keeps such a list from
    costing ``len(nodes)!`` permutations.
    """
    current = sorted(nodes)
    last = len(current) - 1
    while True:
        yield current
        i = last - 1
        while i >= 0 and current[i] >= current[i + 1]:
            i -= 1
        if i < 0:
            return
        j = last
        while current[j] <= current[i]:
            j -= 1
        current = current.copy()
        current[i], current[j] = current[j], current[i]
        current[i + 1:] = reversed(current[i + 1:])


def _worse(path: str, chosen_path: str) -> bool:
    """True when ``path`` can no longer be chosen over ``chosen_path`` (§4.8.3 step 5.4.4.3)."""
    return bool(chosen_path) and len(path) >= len(chosen_path) and path > chosen_path


def _canonical_issuer(quads: Sequence[Quad], limits: Limits,
                      hash_name: str) -> tuple[_Indexed, _Issuer]:
    """Index ``quads`` and compute their canonical issuer."""
    indexed = _Indexed(quads)
    return indexed, _Canonicalizer(indexed, limits, hash_name).run()


def canonicalize(quads: Sequence[Quad], *, limits: Limits = Limits(),
                 hash_name: str = "sha256") -> str:
    """Return the RDFC-1.0 canonical N-Quads document: sorted lines, blank nodes ``_:c14nN``."""
    indexed, canonical = _canonical_issuer(quads, limits, hash_name)
    lines = indexed.ground
    for node, templates in indexed.templates.items():
        lines += map(canonical[node].join, templates)
    for s, p, o, g in indexed.tangled:
        if s[0] == "_":
            s = canonical[s]
        if o[0] == "_":
            o = canonical[o]
        if g:
            if g[0] == "_":
                g = canonical[g]
            lines.append(f"{s} {p} {o} {g} .\n")
        else:
            lines.append(f"{s} {p} {o} .\n")
    lines.sort()
    return "".join(lines)


def issued_identifiers(quads: Sequence[Quad], *, limits: Limits = Limits(),
                       hash_name: str = "sha256") -> dict[str, str]:
    """Return the issued identifiers map: input label -> canonical label, both without ``_:``."""
    _, canonical = _canonical_issuer(quads, limits, hash_name)
    return {node[2:]: label[2:] for node, label in canonical.items()}
