"""The offline vocabulary index and the werk-naar-werk bridge: build, open, search and bridge times.

    .venv/bin/python benchmarks/vocab.py [--repeat 30] [--json] [--esco FOLDER]

Builds the index once in a fresh temporary cache (the one-time cost on a new machine), then times
opening it, searching the words of issue 16 (skills and occupations) and the occupation names a worker types
(plurals, a verb form, a female form: the first hit is printed), and ``bridge()`` for a passport of 20
credentials (the example rows built by the real builders, their skills as verified evidence)
against "kok", against crebo 25180 and against every 30th ESCO occupation (the slowest is shown).
With ``--esco FOLDER`` (holding the official ``ESCO dataset - v1.1.1 - classification - en - csv.zip``
and ``... - relations - csv.zip``) it also times ``vocab import --replace`` of the full downloads and
the index built from them, and checks their counts. Targets (issue 16): open <= 200 ms, search <= 20 ms,
bridge <= 50 ms. Not a test: prints figures.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORDS = ["koken", "samenwerken", "bakstenen", "hygiëne", "forklift", "metselen", "heftruck rijden", "teamwork"]
OCCUPATION_WORDS = ["kok", "koks", "kook", "kokkin", "bakkers", "lassers", "verpleegkundigen", "monteur"]
"""What a worker types for an occupation (the werk-naar-werk trial): plurals, a verb form, a female form."""


def _ms(samples: list[float]) -> dict[str, float]:
    return {"median_ms": round(statistics.median(samples) * 1000, 2), "max_ms": round(max(samples) * 1000, 2)}


def _timed(function, repeat: int) -> list[float]:
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        samples.append(time.perf_counter() - start)
    return samples


def _passport_summary(size: int = 20):
    """A verified-skills summary of ``size`` credentials built from the example rows (evidence as after verification)."""
    from skillspas.issuer.credentials import build
    from skillspas.issuer.credentials import type_name
    from skillspas.schemas.vocab import SkillsVocabulary
    from skillspas.verifier.summary import Evidence, ProvenSkill, SkillsSummary, evidence_kind

    rows = sorted((ROOT / "examples").glob("*/*.json"))
    found: dict[str, list[Evidence]] = {}
    for index in range(size):
        path = rows[index % len(rows)]
        options = {"issuer": "did:example:bench", **({"cosigner": "did:example:leerbedrijf"} if path.parent.name == "praktijkverklaring" else {})}
        credential = build(type_name(path.parent.name), json.loads(path.read_text("utf-8")), **options)
        evidence = Evidence(index, evidence_kind(credential["type"]), credential["name"], "did:example:bench", None)
        for alignment in credential["credentialSubject"]["achievement"]["alignment"]:
            found.setdefault(alignment["targetUrl"], []).append(evidence)
    vocabulary = SkillsVocabulary.bundled()
    skills = []
    for uri, evidence in found.items():
        known = vocabulary.get(uri)
        skills.append(ProvenSkill(uri, known.framework if known else None, dict(known.labels) if known else {}, tuple(evidence)))
    return SkillsSummary(tuple(skills), tuple(range(size)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--esco", type=Path, help="Folder with the official ESCO v1.1.1 classification and relations zips")
    args = parser.parse_args()
    os.environ["SKILLSPAS_CACHE_DIR"] = tempfile.mkdtemp(prefix="skillspas-bench-")
    from skillspas.schemas.kwalificaties import Kwalificaties
    from skillspas.schemas.vocab_index import VocabIndex
    from skillspas.verifier.bridge import bridge

    figures: dict[str, object] = {}
    start = time.perf_counter()
    index = VocabIndex.open()
    figures["build_once_s"] = round(time.perf_counter() - start, 2)
    figures["index_bytes"] = index.path.stat().st_size
    figures["open"] = _ms(_timed(lambda: VocabIndex.open().close(), args.repeat))
    index.search("warm-up")
    figures["search"] = {
        word: {"skills": _ms(_timed(lambda: index.search(word), args.repeat)),
               "occupations": _ms(_timed(lambda: index.search(word, kinds=("occupation",), relations=False), args.repeat))}
        for word in WORDS
    }
    figures["occupation_search"] = {
        word: {**_ms(_timed(lambda: index.search(word, kinds=("occupation",), relations=False), args.repeat)),
               "first": (lambda hits: hits[0].concept.label("nl") if hits else None)(
                   index.search(word, kinds=("occupation",), relations=False).hits)}
        for word in OCCUPATION_WORDS
    }
    summary = _passport_summary()
    Kwalificaties.bundled()
    figures["passport"] = {"credentials": len(summary.verified), "skills": len(summary.skills)}
    figures["bridge_kok"] = _ms(_timed(lambda: bridge(summary, occupation="kok", index=index), args.repeat))
    figures["bridge_crebo_25180"] = _ms(_timed(lambda: bridge(summary, crebo="25180", index=index), args.repeat))
    occupations = [row[0] for row in index._db.execute("SELECT uri FROM concept WHERE kind = 'occupation' ORDER BY id")][::30]
    worst = max(_timed(lambda: None, 1) + [max(_timed(lambda: bridge(summary, occupation=uri, index=index), 3)) for uri in occupations])
    figures["bridge_every_30th_occupation"] = {"occupations": len(occupations), "slowest_ms": round(worst * 1000, 2)}
    if args.esco is not None:
        figures["import_full_esco"] = _import_full(args.esco)
    if args.json:
        print(json.dumps(figures, indent=2, ensure_ascii=False))
        return
    print(f"index: built once in {figures['build_once_s']} s, {figures['index_bytes'] / 1e6:.1f} MB")
    print(f"open: median {figures['open']['median_ms']} ms (max {figures['open']['max_ms']})   target <= 200 ms")
    for word, times in figures["search"].items():
        print(f"search {word!r:18} skills {times['skills']['median_ms']:6} ms (max {times['skills']['max_ms']})   "
              f"occupations {times['occupations']['median_ms']:6} ms   target <= 20 ms")
    for word, times in figures["occupation_search"].items():
        print(f"occupation search {word!r:18} {times['median_ms']:6} ms (max {times['max_ms']})   first: {times['first']}   "
              "target <= 20 ms")
    print(f"passport: {figures['passport']['credentials']} credentials, {figures['passport']['skills']} skills")
    print(f"bridge kok: median {figures['bridge_kok']['median_ms']} ms; crebo 25180: {figures['bridge_crebo_25180']['median_ms']} ms; "
          f"slowest of {len(occupations)} occupations: {figures['bridge_every_30th_occupation']['slowest_ms']} ms   target <= 50 ms")
    if "import_full_esco" in figures:
        full = figures["import_full_esco"]
        print(f"vocab import --replace of the full official zips: {full['import_s']} s, index built in "
              f"{full['build_s']} s; {full['counts']}")


def _import_full(folder: Path) -> dict[str, object]:
    """``vocab import --replace`` of the full official v1.1.1 zips into a temporary home, and its index."""
    from skillspas.schemas.vocab import import_esco
    from skillspas.schemas.vocab_index import VocabIndex

    home = Path(tempfile.mkdtemp(prefix="skillspas-bench-home-"))
    zips = [folder / "ESCO dataset - v1.1.1 - classification - en - csv.zip", folder / "ESCO dataset - v1.1.1 - relations - csv.zip"]
    start = time.perf_counter()
    result = import_esco(zips, home, replace=True)
    imported = time.perf_counter() - start
    start = time.perf_counter()
    index = VocabIndex.open(home)
    built = time.perf_counter() - start
    return {"import_s": round(imported, 2), "build_s": round(built, 2), "counts": index.counts(),
            "imported": {"skills": dict(result.counts), "occupations": dict(result.occupations), "relations": result.relations}}


if __name__ == "__main__":
    sys.exit(main())
