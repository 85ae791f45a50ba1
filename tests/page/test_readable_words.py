"""Words people read on the laptop page, the phone page and in ``skillspas verify``: dates as dates, counts in number.

A date a person reads is "4 maart 2026" in Dutch text and "4 March 2026" in English text (as the pages' own
``cards.js`` writes the validity dates), never ``2026-03-04``; ``--json`` keeps the signed values and its texts as
they were. A count of 1 takes the singular: "1 vaardigheid", "1 skill", never "1 vaardigheden".
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from pageworld import PageWorld, example
from skillspas.issuer import sign
from skillspas.issuer.cli import app as cli_app
from skillspas.issuer.credentials import build
from skillspas.verifier.browser.phone import check
from skillspas.verifier.page.texts import human_date
from skillspas.verifier.page import PageSettings, create_page_app
from skillspas.wallet_export import build_presentation

BASE = "http://127.0.0.1:8765"


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> PageWorld:
    return PageWorld(tmp_path_factory.mktemp("words-world")).build()


@pytest.fixture(scope="module")
def client(world: PageWorld) -> TestClient:
    return TestClient(create_page_app(PageSettings(bundle=world.bundle(), trust_anchors=(world.anchor.controller,))),
                      base_url=BASE)


def _trust(world: PageWorld) -> list[str]:
    return ["--bundle", str(world.files["bundle"]), "--trust-anchor", world.anchor.controller]


def _facts(view: dict[str, Any], index: int = 0) -> dict[str, dict[str, str]]:
    return {fact["key"]: fact["text"] for fact in view["credentials"][index]["facts"]}


def test_the_facts_people_read_give_dates_as_dutch_and_english_dates_not_iso(client: TestClient, world: PageWorld) -> None:
    evc = client.post("/api/verify", content=world.files["evc"].read_bytes()).json()
    assessed = _facts(evc["view"])["assessmentDate"]
    assert assessed["nl"].startswith("4 maart 2026 (") and assessed["en"].startswith("4 March 2026 ("), assessed
    verklaring = client.post("/api/verify", content=world.files["praktijkverklaring"].read_bytes()).json()
    period = _facts(verklaring["view"])["period"]
    assert period == {"nl": "1 februari 2024 – 20 december 2024", "en": "1 February 2024 – 20 December 2024"}, period
    signed = {f["key"]: f for f in verklaring["summary"]["facts"]}["period"]  # the result object keeps what was signed
    assert signed["value"]["startDate"] == "2024-02-01" and "2024-02-01" in signed["text"]["nl"]


def test_the_phone_page_dates_the_facts_as_the_laptop_page_does(client: TestClient, world: PageWorld) -> None:
    options = json.dumps({"bundle": str(world.files["bundle"]), "trust_anchors": [world.anchor.controller]})
    phone = json.loads(check(world.files["evc"].read_bytes(), options))["view"]
    laptop = client.post("/api/verify", content=world.files["evc"].read_bytes()).json()["view"]
    assert _facts(phone)["assessmentDate"] == _facts(laptop)["assessmentDate"]
    assert _facts(phone)["assessmentDate"]["nl"].startswith("4 maart 2026")


@pytest.mark.parametrize(("lang", "assessed", "period"), [
    ("nl", "Beoordeeld op: 4 maart 2026 (", "Periode: 1 februari 2024 – 20 december 2024"),
    ("en", "Assessed on: 4 March 2026 (", "Period: 1 February 2024 – 20 December 2024"),
])
def test_skillspas_verify_prints_the_dates_of_the_facts_as_people_write_them(
        world: PageWorld, lang: str, assessed: str, period: str) -> None:
    for name, expected in (("evc", assessed), ("praktijkverklaring", period)):
        result = CliRunner().invoke(cli_app, ["verify", str(world.files[name]), *_trust(world), "--lang", lang])
        assert result.exit_code == 0 and f"  {expected}" in result.stdout, result.stdout
        assert "2024-02-01" not in result.stdout and "2026-03-04" not in result.stdout
    as_json = CliRunner().invoke(cli_app, ["verify", str(world.files["evc"]), *_trust(world), "--json"])
    facts = {f["key"]: f for f in json.loads(as_json.stdout)["summary"]["facts"]}
    assert facts["assessmentDate"]["text"]["nl"].startswith("2026-03-04 (")  # --json as it was


def test_the_sentence_about_an_expired_credential_says_its_date_in_words(client: TestClient, world: PageWorld,
                                                                        tmp_path: Path) -> None:
    expired = world._diploma({**example("mbo-diploma", "kok-anouk-testdata"), "date": "2024-07-01",
                                 "valid_until": "2025-01-31"}, 7)
    view = client.post("/api/verify", content=json.dumps(expired)).json()["view"]
    assert view["code"] == "expired", view
    assert "verlopen op 31 januari 2025" in view["sentence"]["nl"] and "expired on 31 January 2025" in view["sentence"]["en"]


def _one_skill(world: PageWorld) -> dict[str, Any]:
    """A micro-credential of Anouk's that proves exactly one skill, from an issuer the trust list names."""
    row = example("microcredential", "veilig-werken-op-hoogte-steenrood")
    anouk = example("mbo-diploma", "kok-anouk-testdata")
    row.update(issuer_name=world.BISTRO_NAME, learner_name=anouk["learner_name"], learner_did=anouk["learner_did"],
               skills=row["skills"][:1])
    return sign(build("microcredential", row, issuer=world.bistro.controller), world.bistro)


def test_a_passport_of_one_credential_is_said_in_the_singular(client: TestClient, world: PageWorld) -> None:
    one = build_presentation([world.credentials["diploma"]])
    view = client.post("/api/verify", content=json.dumps(one)).json()["view"]
    assert view["sentence"] == {"nl": "Het bewijsstuk van Anouk Testdata is echt en geldig.",
                                "en": "The credential of Anouk Testdata is genuine and valid."}, view["sentence"]
    revoked = client.post("/api/verify", content=json.dumps(build_presentation([world.credentials["revoked"]]))).json()
    assert revoked["view"]["sentence"] == {"nl": "Het bewijsstuk is niet geldig.", "en": "The credential is not valid."}
    two = client.post("/api/verify", content=json.dumps(build_presentation(
        [world.credentials["diploma"], world.credentials["evc"]]))).json()["view"]
    assert two["sentence"]["nl"] == "Alle 2 bewijsstukken van Anouk Testdata zijn echt en geldig."


@pytest.mark.parametrize(("lang", "line"), [("nl", "  samenvatting: 1 bewezen vaardigheid uit 1 bewijsstuk (Anouk Testdata)"),
                                            ("en", "  summary: 1 proven skill from 1 credential (Anouk Testdata)")])
def test_skillspas_verify_counts_one_proven_skill_of_one_credential_in_the_singular(
        world: PageWorld, tmp_path: Path, lang: str, line: str) -> None:
    from skillspas.wallet_export.passport import build_passport

    pdf = tmp_path / "paspoort.pdf"
    pdf.write_bytes(build_passport([_one_skill(world)]).to_pdf())
    result = CliRunner().invoke(cli_app, ["verify", str(pdf), *_trust(world), "--lang", lang])
    assert result.exit_code == 0 and line in result.stdout.splitlines(), result.stdout
    if lang == "nl":
        assert result.stdout.startswith("PASPOORT (pdf): GELDIG, MET EEN WAARSCHUWING — Het bewijsstuk van Anouk Testdata ")


def test_every_counted_word_has_its_singular_in_both_languages() -> None:
    """A word or sentence with a form for a count of 1 (``key_one``: cards.js ``counted``, texts ``for_count``) has it
    in Dutch and in English, beside its plural."""
    from skillspas.verifier.page.texts import PHONE_WORDS, SENTENCES, WORDS

    for table in (WORDS, PHONE_WORDS):
        for lang in ("nl", "en"):
            ones = {key for key in table[lang] if key.endswith("_one")}
            assert ones == {key for key in table["nl"] if key.endswith("_one")}, (lang, ones)
            assert all(key[:-4] in table[lang] or key[:-4] in WORDS[lang] for key in ones), ones
    for key in (k for k in SENTENCES if k.endswith("_one")):
        assert key[:-4] in SENTENCES and set(SENTENCES[key]) == {"nl", "en"}
    for key in ("n_skills", "n_proven_skills", "n_missing", "n_asked", "n_essential", "trust_ok", "trusted_issuers",
                "vacancy_summary", "bridge_summary", "bundle_old"):
        assert f"{key}_one" in WORDS["nl"], key
    for key in ("all_valid", "all_valid_of", "one_invalid"):
        assert f"{key}_one" in SENTENCES, key


_ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")


@pytest.mark.parametrize(("lang", "assessed", "period"), [
    ("nl", "Beoordeeld op: 4 maart 2026 (", "Periode: 1 februari 2024 – 20 december 2024"),
    ("en", "Assessed on: 4 March 2026 (", "Period: 1 February 2024 – 20 December 2024"),
])
def test_passport_show_prints_the_dates_people_read_as_skillspas_verify_does(
        world: PageWorld, tmp_path: Path, lang: str, assessed: str, period: str) -> None:
    for name, expected in (("evc", assessed), ("praktijkverklaring", period)):
        shown = CliRunner().invoke(cli_app, ["passport", "show", str(world.files[name]), "--lang", lang,
                                             "--passport", str(tmp_path / "p")])
        assert f"  {expected}" in shown.stdout, shown.stdout
        assert not _ISO_DATE.search(shown.stdout), shown.stdout  # nor its validity dates: "Geldig vanaf: 1 juli 2025"
    valid_from = world.credentials["evc"]["validFrom"]
    shown = CliRunner().invoke(cli_app, ["passport", "show", str(world.files["evc"]), "--lang", lang,
                                         "--passport", str(tmp_path / "p")])
    assert f": {human_date(valid_from, lang)}\n" in shown.stdout, shown.stdout


@pytest.mark.parametrize(("lang", "period"), [("nl", "1 februari 2024 – 20 december 2024"),
                                              ("en", "1 February 2024 – 20 December 2024")])
def test_the_passport_pdf_writes_the_dates_people_read_as_the_verifier_does(
        world: PageWorld, tmp_path: Path, lang: str, period: str) -> None:
    import shutil
    import subprocess

    from skillspas.wallet_export.pdf import render_pdf

    path = tmp_path / "paspoort.pdf"
    path.write_bytes(render_pdf([world.credentials["evc"], world.credentials["praktijkverklaring"]], lang=lang))
    pdftotext = shutil.which("pdftotext")
    assert pdftotext, "pdftotext is missing: apt-get install poppler-utils"
    text = subprocess.run([pdftotext, str(path), "-"], check=True, capture_output=True, timeout=60).stdout.decode("utf-8")
    assert period in text and ("4 maart 2026" if lang == "nl" else "4 March 2026") in text, text
    assert human_date(world.credentials["evc"]["validFrom"], lang) in text, text
    assert not _ISO_DATE.search(text), _ISO_DATE.findall(text)  # nor the cover's "Gemaakt op"


def test_passport_list_json_keeps_the_signed_validity_date(world: PageWorld, tmp_path: Path) -> None:
    passport = str(tmp_path / "p")
    assert CliRunner().invoke(cli_app, ["passport", "add", str(world.files["evc"]), "--passport", passport]).exit_code == 0
    listed = json.loads(CliRunner().invoke(cli_app, ["passport", "list", "--passport", passport, "--json"]).stdout)
    assert [item["validFrom"] for item in listed] == [world.credentials["evc"]["validFrom"]]
    table = CliRunner().invoke(cli_app, ["passport", "list", "--passport", passport]).stdout
    assert human_date(world.credentials["evc"]["validFrom"], "nl").split()[0] in table and not _ISO_DATE.search(table)


def test_a_passport_whose_every_credential_fails_says_none_is_valid_not_that_the_valid_ones_count(
        client: TestClient, world: PageWorld, tmp_path: Path) -> None:
    from skillspas.wallet_export.passport import build_passport

    failing = [world.credentials["revoked"], world.credentials["tampered"]]
    view = client.post("/api/verify", content=json.dumps(build_presentation(failing))).json()["view"]
    assert view["sentence"] == {"nl": "Geen van de 2 bewijsstukken is geldig.",
                                "en": "None of the 2 credentials is valid."}, view["sentence"]
    pdf = tmp_path / "paspoort.pdf"
    pdf.write_bytes(build_passport(failing).to_pdf())
    for lang, words in (("nl", "Geen van de 2 bewijsstukken is geldig."), ("en", "None of the 2 credentials is valid.")):
        out = CliRunner().invoke(cli_app, ["verify", str(pdf), *_trust(world), "--lang", lang]).stdout
        assert out.splitlines()[0].endswith(f" — {words}") and "tellen mee" not in out, out
    some = client.post("/api/verify", content=json.dumps(build_presentation([world.credentials["diploma"], *failing])))
    assert some.json()["view"]["sentence"]["nl"] == "2 van de 3 bewijsstukken zijn niet geldig; alleen de geldige tellen mee."
