"""Shared by the credential-type tests: the example rows, fresh signers, build-sign-verify in one call."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

from skillspas.issuer import sign
from skillspas.issuer.credentials import build, type_name
from skillspas.keys import LocalSigner, generate

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
VOCAB_DATA = ROOT / "tests" / "data" / "vocab"
EN_ZIP = VOCAB_DATA / "ESCO dataset - v1.1.1 - classification - en - csv.zip"
NL_ZIP = VOCAB_DATA / "ESCO v1.2.x - classification - nl - csv (partial).zip"
REL_ZIP = VOCAB_DATA / "ESCO dataset - v1.1.1 - relations - csv.zip"
ESCO = "http://data.europa.eu/esco/skill/"
KINDS = ["mbo-diploma", "mbo-certificaat", "ervaringscertificaat", "praktijkverklaring", "microcredential"]


def example_paths() -> list[Path]:
    """Every example row, as ``examples/<kind>/<name>.json``."""
    return sorted(EXAMPLES.glob("*/*.json"))


def example(kind: str, index: int = 0) -> dict[str, Any]:
    """One example row of ``kind`` (a fresh copy)."""
    return json.loads(sorted((EXAMPLES / kind).glob("*.json"))[index].read_text("utf-8"))


def new_signer() -> LocalSigner:
    """A fresh did:key signer (test keys are generated, never committed)."""
    return LocalSigner(generate("ed25519"))


def build_row(kind: str, row: dict[str, Any], school: LocalSigner, leerbedrijf: LocalSigner | None = None) -> dict[str, Any]:
    """The unsigned credential for ``row``; a praktijkverklaring names ``leerbedrijf`` as co-signer."""
    options: dict[str, Any] = {"issuer": school.controller}
    if type_name(kind) == "Praktijkverklaring":
        options["cosigner"] = (leerbedrijf or new_signer()).controller
    return build(kind, copy.deepcopy(row), **options)


def issue(kind: str, row: dict[str, Any], school: LocalSigner, leerbedrijf: LocalSigner) -> dict[str, Any]:
    """Build and sign; a praktijkverklaring gets the leerbedrijf's proof too (a proof set)."""
    signed = sign(build_row(kind, row, school, leerbedrijf), school)
    if type_name(kind) == "Praktijkverklaring":
        signed = sign(signed, leerbedrijf, append=True)
    return signed
