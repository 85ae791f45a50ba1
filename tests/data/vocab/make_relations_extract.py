"""Write the test extract of the official ESCO v1.1.1 relations zip, packed like the download.

Run by hand (never by the tests), with the project's shared source folder as argument::

    python tests/data/vocab/make_relations_extract.py --vocab VOCAB_DIR

The extract has the download's four member names, dates and order; each member is the source's
header and a subset of its records, byte for byte (``make_vocab.extract``):
``occupationSkillRelations.csv`` keeps every row of the ten occupations the kwalificaties map to and
of the occupations in the committed classification extract's ``occupations_en.csv``; the three other
members keep their first 5 records. Nothing is written by hand.
"""

from __future__ import annotations

import argparse
import csv
import io
import sys
import zipfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from make_vocab import EN_ZIP, OCCUPATION, OCCUPATIONS, REL_ZIP, TESTS, first, repack  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--vocab", type=Path, required=True)
    args = parser.parse_args()
    with zipfile.ZipFile(TESTS / EN_ZIP) as archive:
        rows = csv.DictReader(io.StringIO(archive.read("occupations_en.csv").decode("utf-8"), newline=""))
        wanted = {OCCUPATION + u for u in OCCUPATIONS} | {r["conceptUri"] for r in rows}
    repack(
        args.vocab / "esco-v1.1.1" / REL_ZIP,
        TESTS / REL_ZIP,
        lambda name: (lambda r, h: r[h.index("occupationUri")] in wanted) if name == "occupationSkillRelations.csv"
        else first(5),
    )
    print(f"{len(wanted)} occupations in {TESTS / REL_ZIP}")


if __name__ == "__main__":
    main()
