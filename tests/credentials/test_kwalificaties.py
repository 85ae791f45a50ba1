"""The bundled kwalificaties: real crebo codes, levels and werkprocessen, checked against their sources."""

from __future__ import annotations

import csv
import json
import re

import pytest

from credential_cases import VOCAB_DATA
from skillspas.schemas.kwalificaties import Kwalificaties, eqf_level, eqf_uri


@pytest.fixture(scope="module")
def register() -> Kwalificaties:
    return Kwalificaties.bundled()


@pytest.fixture(scope="module")
def sample() -> dict[str, dict]:
    data = json.loads((VOCAB_DATA / "sample.json").read_text("utf-8"))
    return {q["crebo"]: q for q in data["qualifications"]}


def test_at_least_five_kwalificaties_cover_the_sectors_the_ser_names(register):
    kwalificaties = register.all()
    assert len(kwalificaties) >= 5
    assert {k.sector for k in kwalificaties} >= {"zorg", "techniek", "ICT", "logistiek", "horeca", "bouw"}


def test_each_sample_kwalificatie_equals_its_source_row(register, sample):
    for crebo, source in sample.items():
        kwalificatie = register.get(crebo)
        assert kwalificatie.name == source["name"]
        assert kwalificatie.niveau == source["mboNiveau"]
        assert eqf_uri(kwalificatie.eqf) == source["eqfUri"]
        assert kwalificatie.esco_skills == tuple(source["escoSkills"])
        expected = [(w["code"], w["title"]) for k in source["kerntaken"] for w in k.get("werkprocessen", [])]
        assert [(w.code, w.title) for w in kwalificatie.werkprocessen] == expected
        if source["kwalificatiedossier"]:
            assert kwalificatie.dossier_crebo == source["kwalificatiedossier"]["crebo"]


def test_every_competentnl_link_is_an_official_crebo_row(register):
    rows = list(csv.DictReader((VOCAB_DATA / "crebo-competentnl-skills.csv").open(encoding="utf-8", newline="")))
    for kwalificatie in register.all():
        expected = [(r["skillUri"], r["skillLabel_nl"]) for r in rows if r["crebo"] == kwalificatie.crebo]
        assert list(kwalificatie.competentnl) == expected


def test_software_developer_comes_from_the_competentnl_educational_norm(register):
    rows = list(csv.DictReader((VOCAB_DATA / "crebo-competentnl-skills.csv").open(encoding="utf-8", newline="")))
    norm = {r["educationalNorm_prefLabel"] for r in rows if r["crebo"] == "25998"}
    ict = register.get("25998")
    assert norm == {ict.name}
    assert (ict.niveau, ict.eqf) == (4, 4)
    relations = list(csv.DictReader((VOCAB_DATA / "occupationSkillRelations.csv").open(encoding="utf-8", newline="")))
    essential = [r["skillUri"] for r in relations
                 if r["occupationUri"] == ict.esco_occupation and r["relationType"] == "essential"]
    assert list(ict.esco_skills) == essential


def test_codes_have_the_official_formats(register):
    for kwalificatie in register.all():
        assert re.fullmatch(r"[0-9]{5}", kwalificatie.crebo)
        assert kwalificatie.dossier_crebo is None or re.fullmatch(r"23[0-9]{3}", kwalificatie.dossier_crebo)
        for werkproces in kwalificatie.werkprocessen:
            assert re.fullmatch(r"[BP][0-9]+-K[0-9]+-W[0-9]+", werkproces.code)
    assert register.keuzedeel("K0186").name == "Wijkgericht werken"
    assert register.certificaat("C0053").crebo == "25656"


def test_werkproces_lookup_by_code(register):
    assert register.get("25180").werkproces("B1-K1-W2").title == "Maakt mise en place"
    assert register.get("25180").werkproces("B9-K9-W9") is None
    assert register.get("99999") is None


def test_eqf_uri_round_trips():
    assert eqf_level(eqf_uri(4)) == 4
    assert eqf_level("http://example.org/eqf/4") is None
