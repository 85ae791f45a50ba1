"""Rebuild the bundled skills vocabulary and its test extracts from the official source files.

Run by hand (never by the tests), with the project's shared source folders as arguments::

    python tests/data/vocab/make_vocab.py --vocab VOCAB_DIR --domain DOMAIN_DIR

``VOCAB_DIR`` holds ``esco-v1.1.1/``, ``esco-nl/``, ``competentnl/`` and ``mbo-crebo/`` (see
``README.md`` next to this file); ``DOMAIN_DIR`` holds ``sample.json``. Every file written is a
real extract: the source's header and a subset of its records, byte for byte (the CSV files
round-trip through Python's csv module unchanged), so no URI, label or code is made up here.

The package's vocabulary files are copied whole by ``make_index_data.py``; this script writes
``kwalificaties.json`` and the test extracts. The skills of the classification test extract are, by rule (``select_skills``):
  the 30 ESCO skills of ``sample.json`` and the three transversal skills named in the domain notes,
  plus every skill ESCO v1.1.1 marks *essential* for the ten ESCO occupations the domain notes map
  the sample kwalificaties to (``occupationSkillRelations.csv``),
  plus ESCO's transversal skills collection (``transversalSkillsCollection_en.csv``).
"""

from __future__ import annotations

import argparse
import csv
import gzip
import hashlib
import io
import json
import zipfile

csv.field_size_limit(1 << 24)  # conceptSchemes_en.csv has a field over 128 KiB
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
PACKAGE = ROOT / "schemas" / "data" / "vocab"
TESTS = ROOT / "tests" / "data" / "vocab"

EN_ZIP = "ESCO dataset - v1.1.1 - classification - en - csv.zip"
REL_ZIP = "ESCO dataset - v1.1.1 - relations - csv.zip"
NL_ZIP = "ESCO v1.2.x - classification - nl - csv (partial).zip"
SKILL = "http://data.europa.eu/esco/skill/"
OCCUPATION = "http://data.europa.eu/esco/occupation/"

# domain-nl.md section 5: the ESCO occupations the sample kwalificaties map to (suggested mapping).
OCCUPATIONS = {
    "90f75f67-495d-49fa-ab57-2f320e251d7e": "cook",
    "d38c2107-98f2-47b7-8bb4-f69750d51082": "healthcare assistant",
    "87d0795a-d41f-47ee-979f-0ab7d73836e7": "nurse assistant",
    "1391bdf9-bd61-4fb5-91ca-c29036ab2b60": "home care aide",
    "bea705fe-06ac-4147-b8e0-6e8ac1208d8f": "warehouse worker",
    "eeac6251-1974-42f5-91ed-513c6c883755": "forklift operator",
    "05f321f8-055b-407d-bf19-e0ddabda56b7": "bricklayer",
    "4910419f-b4af-4f59-b544-9dbebc8a74f0": "electrician",
    "f2b15a0e-e65a-438a-affb-29b9d50b77d1": "software developer",
    "aaeec9a7-dc57-4485-890c-86b3eef735f9": "ICT help desk agent",
}
# domain-nl.md section 5, "Other real ESCO URIs found and useful as transversal skills".
EXTRA_SKILLS = [
    SKILL + "a17286c5-238d-4f0b-bc24-29e9121345de",
    SKILL + "082967d4-b94c-4305-aa13-35a6aa8c5c7c",
    SKILL + "d15ce60f-ddab-41ce-ba56-398451b77b60",
]
SOFTWARE_DEVELOPER = "f2b15a0e-e65a-438a-affb-29b9d50b77d1"
CREBOS = ["25180", "25656", "25774", "25786", "25736", "25998"]
SECTORS = {"25180": "horeca", "25656": "zorg", "25774": "logistiek", "25786": "bouw", "25736": "techniek", "25998": "ICT"}


def read_csv(raw: bytes) -> list[list[str]]:
    """All records of a CSV file (header first)."""
    return list(csv.reader(io.StringIO(raw.decode("utf-8"), newline="")))


def write_csv(rows: list[list[str]], terminator: str) -> bytes:
    """Records back to bytes, in the source's own dialect."""
    out = io.StringIO(newline="")
    csv.writer(out, lineterminator=terminator).writerows(rows)
    return out.getvalue().encode("utf-8")


def terminator_of(raw: bytes) -> str:
    """The record terminator a source file uses (ESCO en: CRLF; the nl collections: LF)."""
    for term in ("\r\n", "\n"):
        if write_csv(read_csv(raw), term) == raw:
            return term
    raise SystemExit("source CSV does not round-trip; refusing to write an extract")


def extract(raw: bytes, keep) -> bytes:
    """The header and the records ``keep(record, header)`` selects, in source order, byte-exact."""
    rows = read_csv(raw)
    header = rows[0]
    try:
        terminator = terminator_of(raw)
    except SystemExit:
        return _extract_lines(raw, keep)
    return write_csv([header] + [r for r in rows[1:] if keep(r, header)], terminator)


def _extract_lines(raw: bytes, keep) -> bytes:
    """For a file whose quoting csv would not reproduce: raw lines, each checked to be one record."""
    lines = raw.split(b"\r\n") if b"\r\n" in raw else raw.split(b"\n")
    term = b"\r\n" if b"\r\n" in raw else b"\n"
    header = read_csv(lines[0])[0]
    kept = [lines[0]]
    for line in lines[1:]:
        if not line:
            continue
        records = read_csv(line)
        if len(records) != 1:
            raise SystemExit("a record spans lines; refusing to write an extract")
        if keep(records[0], header):
            kept.append(line)
    return term.join(kept) + term


def column(header: list[str], name: str) -> int:
    return header.index(name)


def select_skills(sample: dict, relations: bytes, transversal: bytes) -> list[str]:
    """The curated default set, by the rule in this module's docstring."""
    chosen = [s["uri"] for s in sample["escoSkills"]] + EXTRA_SKILLS
    rows = read_csv(relations)
    occ, rel, uri = (column(rows[0], c) for c in ("occupationUri", "relationType", "skillUri"))
    chosen += [r[uri] for r in rows[1:] if r[occ][len(OCCUPATION):] in OCCUPATIONS and r[rel] == "essential"]
    rows = read_csv(transversal)
    chosen += [r[column(rows[0], "conceptUri")] for r in rows[1:]]
    return list(dict.fromkeys(chosen))


def repack(source: Path, target: Path, keep_for) -> None:
    """A zip with the same member names, dates and order as ``source``, each member an extract."""
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            raw = zin.read(info)
            member = zipfile.ZipInfo(info.filename, info.date_time)
            member.compress_type = zipfile.ZIP_DEFLATED
            zout.writestr(member, extract(raw, keep_for(info.filename)))


def first(n: int):
    """A ``keep`` that selects the first ``n`` records."""
    seen = {"n": 0}

    def keep(record, header):
        seen["n"] += 1
        return seen["n"] <= n

    return keep


def software_developer_entry(relations: bytes, crebo_rows: list[list[str]]) -> dict:
    """Kwalificatie 25998 (ICT), from the domain notes and the CompetentNL crebo table."""
    rows = read_csv(relations)
    occ, rel, uri = (column(rows[0], c) for c in ("occupationUri", "relationType", "skillUri"))
    skills = [r[uri] for r in rows[1:] if r[occ] == OCCUPATION + SOFTWARE_DEVELOPER and r[rel] == "essential"]
    label = next(r[2] for r in crebo_rows[1:] if r[0] == "25998")
    return {
        "crebo": "25998",
        "name": label,
        "mboNiveau": 4,
        "niveauNaam": "Middenkaderopleiding",
        "nlqf": "4",
        "eqfUri": "http://data.europa.eu/snb/eqf/4",
        "kwalificatiedossier": None,
        "leerwegen": ["BOL"],
        "kerntaken": [],
        "kerntakenNote": "kerntaken/werkprocessen not in the source data (domain-nl.md 1.3 gives the level only)",
        "escoOccupation": {
            "uri": OCCUPATION + SOFTWARE_DEVELOPER,
            "label": {"en": "software developer", "nl": "software ontwikkelaar"},
            "isco": "2512",
            "mappingStatus": "suggested (domain-nl.md section 5 occupation table; skills = the occupation's "
            "essential skills in ESCO v1.1.1 occupationSkillRelations.csv)",
        },
        "escoSkills": skills,
        "_source": "domain-nl.md 1.3 ('25998 Software developer = niveau 4'), 5 (occupation table); name = "
        "educationalNorm_prefLabel in crebo-competentnl-skills.csv; leerweg from the OER file name 25998_BOL_2025",
    }


KEUZEDELEN = [  # domain-nl.md 1.1, table "Keuzedeel codes" (MBO Utrecht / Talland OERs)
    {"code": "K0067", "name": "Mensen met een niet-aangeboren hersenletsel", "sbu": 240},
    {"code": "K0186", "name": "Wijkgericht werken", "sbu": 240},
    {"code": "K0137", "name": "Zorgtechnologie", "sbu": 480},
    {"code": "K0618", "name": "Zorg in instabiele en acute zorgsituaties", "sbu": 480},
    {"code": "K0148", "name": "Doorstroom in HBO Gezondheidszorg", "sbu": 240},
    {"code": "K0125", "name": "Voorbereiding HBO", "sbu": 240},
    {"code": "K0226", "name": "Inspelen op innovaties (niveau 4)", "sbu": 240},
]
CERTIFICATEN = [  # domain-nl.md 1.1, table "mbo-certificaat codes" (Talland examenplannen)
    {"code": "C0021", "name": None, "crebo": "25180", "kerntaken": ["B1-K1", "B1-K2"]},
    {"code": "C0053", "name": "Individuele zorg verlenen", "crebo": "25656"},
    {"code": "C0054", "name": "Basis voor deskundige zorg", "crebo": "25656"},
    {"code": "C0109", "name": "Zorgplan ontwikkelen", "crebo": "25656"},
    {"code": "C0156", "name": "Verpleegtechnisch handelen, niveau 4", "crebo": "25655"},
    {"code": "C0141", "name": "Triage", "crebo": "25695"},
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--vocab", type=Path, required=True)
    parser.add_argument("--domain", type=Path, required=True)
    args = parser.parse_args()
    vocab, sample = args.vocab, json.loads((args.domain / "sample.json").read_text("utf-8"))
    with zipfile.ZipFile(vocab / "esco-v1.1.1" / EN_ZIP) as z:
        skills_en, transversal = z.read("skills_en.csv"), z.read("transversalSkillsCollection_en.csv")
    with zipfile.ZipFile(vocab / "esco-v1.1.1" / REL_ZIP) as z:
        relations = z.read("occupationSkillRelations.csv")
    nl_labels = (vocab / "esco-nl" / "esco-skills-nl-labels.csv").read_bytes()
    cnl_seen = (vocab / "competentnl" / "competentnl-skills-seen.csv").read_bytes()
    crebo_cnl = (vocab / "mbo-crebo" / "crebo-competentnl-skills.csv").read_bytes()

    chosen = select_skills(sample, relations, transversal)
    known = {r[1] for r in read_csv(skills_en)[1:]}
    assert all(u in known for u in chosen), "a selected skill is not in ESCO v1.1.1 skills_en.csv"
    wanted = set(chosen)
    # The test extract: the bundled rows plus the first 200 other skills, so the importer sees more.
    others = [r[1] for r in read_csv(skills_en)[1:] if r[1] not in wanted][:200]
    in_test = wanted | set(others)

    crebo_rows = read_csv(crebo_cnl)
    cnl_uris = {r[3] for r in crebo_rows[1:] if r[0] in CREBOS}
    by_uri = lambda uris, col: (lambda r, h: r[column(h, col)] in uris)  # noqa: E731
    files = {
        TESTS / "occupationSkillRelations.csv": extract(
            relations, lambda r, h: r[0][len(OCCUPATION):] in OCCUPATIONS
        ),
        TESTS / "esco-skills-nl-labels.csv": extract(nl_labels, by_uri(in_test, "conceptUri")),
        TESTS / "competentnl-skills-seen.csv": cnl_seen,
        TESTS / "crebo-competentnl-skills.csv": extract(crebo_cnl, by_uri(set(CREBOS), "crebo")),
    }
    qualifications = [q for q in sample["qualifications"] if q["crebo"] in CREBOS]
    kwalificaties = {
        "_source": "Qualifications: shared/domain/sample.json 'qualifications' (unchanged; real crebo codes, "
        "levels, kerntaken/werkprocessen, suggested ESCO mappings from cedanl/samenwijzer OERs) plus 25998 "
        "(see its _source). 'sector': the SER sector each belongs to. Keuzedelen and certificaten: "
        "domain-nl.md 1.1 tables. CompetentNL links: crebo-competentnl-skills.csv next to this file.",
        "sectors": SECTORS,
        "qualifications": qualifications + [software_developer_entry(relations, crebo_rows)],
        "keuzedelen": KEUZEDELEN,
        "certificaten": CERTIFICATEN,
    }
    files[PACKAGE / "kwalificaties.json"] = (json.dumps(kwalificaties, indent=1, ensure_ascii=False) + "\n").encode()
    files[TESTS / "sample.json"] = (
        json.dumps({k: sample[k] for k in ("_meta", "vocab", "qualifications", "escoSkills")}, indent=1, ensure_ascii=False)
        + "\n"
    ).encode()
    for path, data in files.items():
        if path.suffix == ".gz":
            data = gzip.compress(data, mtime=0)
        path.write_bytes(data)
    repack(
        vocab / "esco-v1.1.1" / EN_ZIP,
        TESTS / EN_ZIP,
        lambda name: by_uri(in_test, "conceptUri") if name == "skills_en.csv"
        else (lambda r, h: True) if name == "transversalSkillsCollection_en.csv"
        else first(0) if name == "conceptSchemes_en.csv" else first(5),  # its records list whole schemes
    )
    repack(
        vocab / "esco-nl" / NL_ZIP,
        TESTS / NL_ZIP,
        lambda name: (lambda r, h: True) if name == "transversalSkillsCollection_nl.csv"
        else first(100) if name == "digitalSkillsCollection_nl.csv" else first(5),
    )
    manifest = []
    for path in sorted(PACKAGE.iterdir()):
        if path.name != "MANIFEST.json" and path.is_file() and not path.name.endswith(".md"):
            manifest.append({"file": path.name, "sha256": hashlib.sha256(path.read_bytes()).hexdigest()})
    (PACKAGE / "MANIFEST.json").write_text(json.dumps({"files": manifest}, indent=2) + "\n", "utf-8")
    print(f"{len(chosen)} bundled skills, {len(in_test)} in the test extract, {len(cnl_uris)} CompetentNL skills")


if __name__ == "__main__":
    main()
