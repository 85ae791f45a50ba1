"""Median time of RDFC-1.0: skillspas.schemas.jsonld.canon vs pyoxigraph vs pyld URDNA2015.

Each implementation is timed from its own in-memory dataset to the sorted canonical N-Quads
string (pyld and pyoxigraph canonicalize in place, so each run gets a fresh copy made before
the clock starts). Run: ``.venv/bin/python benchmarks/canon.py [--profile]``.
"""

from __future__ import annotations

import copy
import cProfile
import pstats
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pyoxigraph
from pyld.canon import URDNA2015
from pyld.nquads import parse_nquads as pyld_parse_nquads

from skillspas.schemas.jsonld.canon import canonicalize
from skillspas.schemas.jsonld.nquads import Quad, parse_nquads, serialize

ROOT = Path(__file__).resolve().parent.parent
VECTORS = ROOT / "tests" / "data" / "vectors"
RDF_CANON_TESTS = ("test020", "test044", "test053", "test059", "test061")
OB = "https://purl.imsglobal.org/spec/vc/ob/vocab.html#"
RDF_TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
ACHIEVEMENT = "<https://example.com/achievements/21st-century-skills/teamwork>"
VERIFIABLE_CREDENTIAL = "<https://www.w3.org/2018/credentials#verifiableCredential>"
RUNS = 200


def credential_dataset(alignments: int = 9) -> list[Quad]:
    """The OB 3.0 vector's document plus ``alignments`` ESCO alignment nodes, pyld labels."""
    text = (VECTORS / "ob3" / "document-canon.txt").read_text(encoding="utf-8")
    quads = parse_nquads(text.replace("_:c14n0", "_:b0"))
    for i in range(1, alignments + 1):
        node = f"_:b{i}"
        quads.append((ACHIEVEMENT, f"<{OB}alignment>", node, ""))
        quads.append((node, RDF_TYPE, f"<{OB}Alignment>", ""))
        quads.append((node, f"<{OB}targetName>", f'"ESCO skill {i}"', ""))
        quads.append((node, f"<{OB}targetUrl>", f'"http://data.europa.eu/esco/skill/{i:04d}"'
                      f"^^<https://www.w3.org/2001/XMLSchema#anyURI>", ""))
        quads.append((node, f"<{OB}targetFramework>", '"ESCO"', ""))
        quads.append((node, f"<{OB}targetType>", '"ceasn:Competency"', ""))
    return quads


def presentation_dataset(copies: int = 2) -> list[Quad]:
    """A presentation embedding ``copies`` identical credentials, each in its own blank graph.

    Every blank node has a look-alike, so this is the n-degree path on realistic data.
    """
    quads: list[Quad] = []
    for copy_number in range(copies):
        graph = f"_:vc{copy_number}"
        quads.append(("<urn:example:vp>", VERIFIABLE_CREDENTIAL, graph, ""))
        quads += [(_rename(s, graph), p, _rename(o, graph), graph)
                  for s, p, o, _ in credential_dataset()]
    return quads


def _rename(term: str, graph: str) -> str:
    """Give a blank node label a per-graph prefix."""
    return f"{graph}{term[2:]}" if term.startswith("_:") else term


def median_seconds(run: Callable[[int], object], runs: int = RUNS) -> float:
    """Median wall time of ``run(i)`` for i in range(runs)."""
    times = []
    for i in range(runs):
        start = time.perf_counter()
        run(i)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def timings(quads: list[Quad]) -> dict[str, float]:
    """Median seconds per implementation, after checking that all three agree."""
    text = serialize(quads)
    ours = canonicalize(quads)
    ox_quads = list(pyoxigraph.parse(text, format=pyoxigraph.RdfFormat.N_QUADS))
    pyld_dataset = pyld_parse_nquads(text)
    options = {"format": "application/n-quads"}
    algorithm = pyoxigraph.CanonicalizationAlgorithm.RDFC_1_0

    def oxigraph(dataset: pyoxigraph.Dataset) -> str:
        dataset.canonicalize(algorithm)
        return "".join(sorted(line + "\n" for line in str(dataset).split("\n") if line))

    assert oxigraph(pyoxigraph.Dataset(ox_quads)) == ours
    assert URDNA2015().main(copy.deepcopy(pyld_dataset), options) == ours
    ox_copies = [pyoxigraph.Dataset(ox_quads) for _ in range(RUNS)]
    pyld_copies = [copy.deepcopy(pyld_dataset) for _ in range(RUNS)]
    return {
        "skillspas": median_seconds(lambda i: canonicalize(quads)),
        "pyoxigraph": median_seconds(lambda i: oxigraph(ox_copies[i])),
        "pyoxigraph+build": median_seconds(lambda i: oxigraph(pyoxigraph.Dataset(ox_quads))),
        "pyld": median_seconds(lambda i: URDNA2015().main(pyld_copies[i], options)),
    }


def report(name: str, quads: list[Quad]) -> None:
    """Print one row: sizes, our median, and the others as multiples of ours."""
    blank_nodes = {t for q in quads for t in (q[0], q[2], q[3]) if t.startswith("_:")}
    result = timings(quads)
    ours = result["skillspas"]
    others = "  ".join(f"{key} {value * 1e6:8.1f} µs ({value / ours:5.2f}×)"
                       for key, value in result.items() if key != "skillspas")
    print(f"{name:12} {len(quads):4} quads {len(blank_nodes):3} bnodes  "
          f"skillspas {ours * 1e6:8.1f} µs  {others}")


def main(argv: list[str]) -> None:
    """Run the comparison, or profile our canonicalize on the credential dataset."""
    credential = credential_dataset()
    if "--profile" in argv:
        profiler = cProfile.Profile()
        profiler.runcall(lambda: [canonicalize(credential) for _ in range(2000)])
        pstats.Stats(profiler).sort_stats("tottime").print_stats(12)
        return
    report("credential", credential)
    report("vp-2-twins", presentation_dataset())
    for test in RDF_CANON_TESTS:
        path = VECTORS / "rdf-canon" / "rdfc10" / f"{test}-in.nq"
        report(test, parse_nquads(path.read_text(encoding="utf-8")))


if __name__ == "__main__":
    main(sys.argv[1:])
