"""Copy the full official files the offline vocabulary index is built from into the package, unchanged.

Run by hand (never by the tests), like ``make_vocab.py``::

    python tests/data/vocab/make_index_data.py --vocab VOCAB_DIR --domain DOMAIN_DIR

Each file is the source file byte for byte, compressed with xz (``lzma``, in the standard library),
and recorded with its SHA-256 in ``schemas/data/vocab/MANIFEST.json``. The register of kwalificaties
(``kwalificaties-register.csv``) is written from the crebo table and the bundled kwalificaties, with
the source of each row; nothing is guessed (the LLM-picked occupation matches of the source repository
are left out).
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import io
import json
import lzma
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
PACKAGE = ROOT / "schemas" / "data" / "vocab"
EN_ZIP = "ESCO dataset - v1.1.1 - classification - en - csv.zip"
REL_ZIP = "ESCO dataset - v1.1.1 - relations - csv.zip"
CREBO_SOURCE = "SBB/CompetentNL educational norm (crebo-competentnl-skills.csv, cedanl/samenwijzer @ d7c9c445)"
# domain-nl.md 1.1 "Kwalificatiedossier codes are 23xxx" (OERs in cedanl/samenwijzer).
DOSSIERS = [
    ("23085", "Keuken"), ("23268", "Verzorgende-IG"), ("23299", "Elektrotechnische installaties"),
    ("23385", "Dienstverlening"), ("23399", "Software development"), ("23243", "Software development"),
]
DOSSIER_SOURCE = "domain-nl.md 1.1 (kwalificatiedossier codes seen in OERs, cedanl/samenwijzer)"
REGISTER_COLUMNS = ["code", "kind", "name", "part_of", "source"]
KEUZEDEEL_SOURCE = "domain-nl.md 1.1 keuzedeel table; part_of: the OER that lists it (domain/sample.json keuzedelenVoorbeelden)"
CERTIFICAAT_SOURCE = "domain-nl.md 1.1 mbo-certificaat table (Talland examenplannen, cedanl/samenwijzer)"


def xz(data: bytes) -> bytes:
    return lzma.compress(data, preset=9 | lzma.PRESET_EXTREME)


def register(crebo_csv: bytes, kwalificaties: dict) -> bytes:
    """One row per crebo: kwalificaties (official name of the educational norm) and kwalificatiedossiers."""
    rows: dict[str, list[str]] = {}
    for row in csv.DictReader(io.StringIO(crebo_csv.decode("utf-8"), newline="")):
        source = f"{CREBO_SOURCE}, opleiding {row['opleiding_bestand']}"
        rows.setdefault(row["crebo"], [row["crebo"], "kwalificatie", row["educationalNorm_prefLabel"].strip(), "", source])
    for entry in kwalificaties["qualifications"]:
        dossier = (entry.get("kwalificatiedossier") or {}).get("crebo") or ""
        if entry["crebo"] in rows:
            rows[entry["crebo"]][3] = dossier
        else:
            rows[entry["crebo"]] = [entry["crebo"], "kwalificatie", entry["name"], dossier,
                                    "domain/sample.json qualifications (OER via cedanl/samenwijzer)"]
    for code, name in DOSSIERS:
        rows[code] = [code, "kwalificatiedossier", name, "", DOSSIER_SOURCE]
    listed: dict[str, list[str]] = {}
    for entry in kwalificaties["qualifications"]:
        for item in entry.get("keuzedelenVoorbeelden") or ():
            listed.setdefault(item["code"], []).append(entry["crebo"])
    for item in kwalificaties["keuzedelen"]:
        rows[item["code"]] = [item["code"], "keuzedeel", item["name"], " ".join(listed.get(item["code"], [])), KEUZEDEEL_SOURCE]
    for item in kwalificaties["certificaten"]:
        rows[item["code"]] = [item["code"], "certificaat", item["name"] or "", item["crebo"], CERTIFICAAT_SOURCE]
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(REGISTER_COLUMNS)
    writer.writerows(rows[c] for c in sorted(rows))
    return out.getvalue().encode("utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--vocab", type=Path, required=True)
    args = parser.parse_args()
    vocab = args.vocab
    with zipfile.ZipFile(vocab / "esco-v1.1.1" / EN_ZIP) as z:
        skills_en, occupations_en = z.read("skills_en.csv"), z.read("occupations_en.csv")
    with zipfile.ZipFile(vocab / "esco-v1.1.1" / REL_ZIP) as z:
        relations = z.read("occupationSkillRelations.csv")
    crebo_csv = (vocab / "mbo-crebo" / "crebo-competentnl-skills.csv").read_bytes()
    files = {
        "skills_en.csv.xz": xz(skills_en),
        "occupations_en.csv.xz": xz(occupations_en),
        "occupationSkillRelations.csv.xz": xz(relations),
        "esco-skills-nl-labels.csv.xz": xz((vocab / "esco-nl" / "esco-skills-nl-labels.csv").read_bytes()),
        "esco-occupations-nl-labels.csv.xz": xz((vocab / "esco-nl" / "esco-occupations-nl-labels.csv").read_bytes()),
        "crebo-competentnl-skills.csv.xz": xz(crebo_csv),
        "competentnl-skills-seen.csv": (vocab / "competentnl" / "competentnl-skills-seen.csv").read_bytes(),
        "kwalificaties-register.csv": register(crebo_csv, json.loads((PACKAGE / "kwalificaties.json").read_text("utf-8"))),
    }
    for name, data in files.items():
        (PACKAGE / name).write_bytes(data)
    manifest = []
    for path in sorted(PACKAGE.iterdir()):
        if path.name != "MANIFEST.json" and path.is_file() and not path.name.endswith(".md"):
            manifest.append({"file": path.name, "sha256": hashlib.sha256(path.read_bytes()).hexdigest()})
    (PACKAGE / "MANIFEST.json").write_text(json.dumps({"files": manifest}, indent=2) + "\n", "utf-8")
    print({name: len(data) for name, data in files.items()})


if __name__ == "__main__":
    main()
