"""An ESCO skill without a Dutch label ("dispose waste") is marked "(Engels)" wherever Dutch output shows it, by the
one function the bridge uses (``schemas.vocab.shown_label``): the page's proven-skills table (``shownLabel`` of the
summary) and credential cards (``shownLabel`` of a card's skill), ``skillspas verify``'s passport summary,
``vocab search``, ``vocab show`` and ``passport show``. A skill the vocabulary lacks keeps its credential's own name,
unmarked: its language is unknown."""

from __future__ import annotations

import json
from typing import Any

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from pageworld import PageWorld, example
from skillspas.issuer import sign
from skillspas.issuer.cli import app as cli_app
from skillspas.issuer.credentials import build
from skillspas.verifier.page import PageSettings, create_page_app
from skillspas.wallet_export.presentation import build_presentation

DISPOSE_WASTE = "http://data.europa.eu/esco/skill/5e433def-210d-4dfa-bf07-dbf6d04e0eaa"
"""An essential skill of ESCO "kok" that the bundled Dutch labels lack (tests/page/test_bridge.py)."""


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> PageWorld:
    world = PageWorld(tmp_path_factory.mktemp("shown-labels")).build()
    row = {**example("microcredential", "haccp-voedselveiligheid-bistro-de-gracht"),
           **{k: example("mbo-diploma", "kok-anouk-testdata")[k] for k in ("learner_name", "learner_did")}}
    row["skills"] = [*row["skills"], DISPOSE_WASTE]
    english = sign(build("microcredential", row, issuer=world.bistro.controller), world.bistro)
    assert any(a["targetUrl"] == DISPOSE_WASTE and a["targetName"] == "dispose waste"
               for a in english["credentialSubject"]["achievement"]["alignment"])
    world.credentials["english"] = english
    world.files["english"] = world.folder / "english.json"
    world.files["english"].write_text(json.dumps(english), "utf-8")
    world.files["english_passport"] = world.folder / "english-passport.json"
    world.files["english_passport"].write_text(json.dumps(build_presentation([world.credentials["diploma"], english])))
    return world


def _view(world: PageWorld, name: str) -> dict[str, Any]:
    client = TestClient(create_page_app(PageSettings(bundle=world.bundle(), trust_anchors=(world.anchor.controller,))),
                        base_url="http://127.0.0.1:8765")
    return client.post("/api/verify", content=world.files[name].read_bytes()).json()["view"]


def test_a_cards_english_only_skill_is_marked_english_in_dutch_and_only_there(world):
    card = _view(world, "english")["credentials"][0]
    skills = {skill["uri"]: skill for skill in card["skills"]}
    assert skills[DISPOSE_WASTE]["shownLabel"] == {"nl": "dispose waste (Engels)", "en": "dispose waste"}
    assert skills[DISPOSE_WASTE]["label"] == {"nl": "dispose waste", "en": "dispose waste"}  # the data, unchanged
    assert all("(Engels)" not in s["shownLabel"]["nl"] for uri, s in skills.items() if uri != DISPOSE_WASTE)


def test_the_proven_skills_of_a_passport_are_marked_as_the_cards_are(world):
    view = _view(world, "english_passport")
    proven = {skill["uri"]: skill for skill in view["skills"]["skills"]}
    assert proven[DISPOSE_WASTE]["shownLabel"]["nl"] == "dispose waste (Engels)"
    assert not [s for s in proven.values() if s["shownLabel"]["en"].endswith("(Dutch)") and s["framework"] == "ESCO"]


def test_both_pages_scripts_show_the_marked_label_of_a_skill_in_the_table_and_on_a_card():
    """The page's scripts draw ``shownLabel`` (the browser test sees the words): never ``label`` for a skill."""
    from importlib import resources

    static = resources.files("skillspas.verifier.page") / "static"
    app, cards = (static / "app.js").read_text("utf-8"), (static / "cards.js").read_text("utf-8")
    assert 'el("th", { scope: "row", text: pick(skill.shownLabel) })' in app
    assert "pick(s.shownLabel)" in cards and "pick(s.label)" not in cards


@pytest.mark.parametrize(("lang", "marked"), [("nl", "dispose waste (Engels)"), ("en", "dispose waste")])
def test_skillspas_verify_lists_a_passports_proven_skills_with_their_marked_labels(world, lang, marked):
    result = CliRunner().invoke(cli_app, ["verify", str(world.files["english"]), str(world.files["diploma"]), "--lang",
                                          lang, "--bundle", str(world.files["bundle"]), "--trust-anchor", world.anchor.controller])
    line = next(line for line in result.stdout.splitlines() if DISPOSE_WASTE in line)
    assert result.exit_code == 0 and line.strip().startswith(f"- {marked} <"), result.stdout


@pytest.mark.parametrize(("lang", "marked"), [("nl", "dispose waste (Engels)"), ("en", "dispose waste")])
def test_passport_show_marks_an_english_label_in_dutch(world, lang, marked):
    result = CliRunner().invoke(cli_app, ["passport", "show", str(world.files["english"]), "--lang", lang,
                                          "--passport", str(world.folder / "paspoort")])
    row = next(line for line in result.stdout.splitlines() if "dispose waste" in line)
    assert result.exit_code == 0 and marked in row and ("(Engels)" in row) == (lang == "nl"), result.stdout


def test_a_skill_the_vocabulary_lacks_keeps_its_credentials_name_unmarked_in_both_languages():
    """The phone page holds no vocabulary: a skill is named as its credential names it, in no known language."""
    from skillspas.verifier.summary import ProvenSkill

    skill = ProvenSkill("https://example.org/skill/1", None, {"nl": "Koken op hout"}, (), in_vocabulary=False)
    assert skill.to_json()["shownLabel"] == {"nl": "Koken op hout", "en": "Koken op hout"}


def _client(world: PageWorld) -> TestClient:
    return TestClient(create_page_app(PageSettings(bundle=world.bundle(), trust_anchors=(world.anchor.controller,))),
                      base_url="http://127.0.0.1:8765")


@pytest.mark.parametrize("name", ["english_passport", "passport"], ids=["proven", "not proven"])
def test_a_vacancy_line_names_an_english_only_skill_as_marked_english_in_dutch(world, name):
    """Proven or not, the vacancy's line names the skill as the proven-skills table and the bridge do."""
    answer = _client(world).post("/api/verify", content=world.files[name].read_bytes(),
                                 params={"vacancy": [DISPOSE_WASTE, "onbewerkt voedsel opslaan"]}).json()
    lines = answer["view"]["vacancy"]["lines"]
    assert lines[0]["covered"] == (name == "english_passport")
    assert lines[0]["shownLabel"] == {"nl": "dispose waste (Engels)", "en": "dispose waste"}
    assert lines[0]["label"] == {"nl": "dispose waste", "en": "dispose waste"}  # the data, unchanged
    assert lines[1]["shownLabel"]["nl"] == "onbewerkt voedsel opslaan" and "(Dutch)" not in lines[1]["shownLabel"]["en"]


def test_a_vacancy_lines_candidates_are_named_with_the_marked_label():
    from skillspas.verifier.summary import VacancyLine

    line = VacancyLine("afval", None, {}, False, candidates=((DISPOSE_WASTE, {"en": "dispose waste"}),))
    assert line.to_json()["candidates"][0]["shownLabel"] == {"nl": "dispose waste (Engels)", "en": "dispose waste"}


def test_the_skill_search_of_the_page_marks_an_english_only_label_in_dutch(world):
    skills = _client(world).get("/api/skills", params={"q": "dispose waste"}).json()["skills"]
    found = next(s for s in skills if s["uri"] == DISPOSE_WASTE)
    assert found["shownLabel"] == {"nl": "dispose waste (Engels)", "en": "dispose waste"}
    assert all(s["shownLabel"]["nl"] in (s["label"]["nl"], f"{s['label']['nl']} (Engels)") for s in skills)


FRUIT_PRESERVER = "http://data.europa.eu/esco/occupation/6fe645b0-463a-445d-ab8f-c0a5132beb68"
"""ESCO "fruit and vegetable preserver": an occupation the bundled Dutch labels lack."""


@pytest.mark.parametrize(("lang", "target"), [("nl", "fruit and vegetable preserver (Engels)"),
                                               ("en", "fruit and vegetable preserver")])
def test_the_bridge_names_an_english_only_target_occupation_as_marked_english_in_dutch(world, lang, target):
    files = [str(world.files[k]) for k in ("diploma", "evc")]
    run = CliRunner().invoke(cli_app, ["passport", "bridge", *files, "--to", FRUIT_PRESERVER, "--lang", lang,
                                       "--bundle", str(world.files["bundle"]), "--trust-anchor", world.anchor.controller,
                                       "--passport", str(world.folder / "bridge-paspoort")])
    assert run.exit_code == 0 and run.stdout.splitlines()[0] == f"{'Doel' if lang == 'nl' else 'Target'}: {target} " \
        f"({FRUIT_PRESERVER})", run.output
    view = _client(world).post("/api/verify", content=world.files["passport"].read_bytes(),
                               params={"occupation": FRUIT_PRESERVER}).json()["view"]
    assert view["bridge"]["target"]["shownLabel"][lang] == target


def test_the_pages_script_names_vacancy_lines_search_results_and_the_bridge_target_by_their_marked_labels():
    from importlib import resources

    app = (resources.files("skillspas.verifier.page") / "static" / "app.js").read_text("utf-8")
    for drawn in ("pick(line.shownLabel)", "pick(c.shownLabel)", "pick(skill.shownLabel)", "pick(occupation.shownLabel)",
                  "pick(b.target.shownLabel)"):
        assert drawn in app, drawn
    for unmarked in ("pick(line.label)", "pick(c.label)", "pick(skill.label)", "pick(occupation.label)",
                     "pick(b.target.label)"):
        assert unmarked not in app, unmarked


APPLY_PRESERVATION = "http://data.europa.eu/esco/skill/723a149b-101f-4d5c-8afd-46efd1bcc3c5"
"""ESCO "apply preservation treatments": a skill without a bundled Dutch label, essential for FRUIT_PRESERVER."""
USE_FOOD_CUTTING_TOOLS = "http://data.europa.eu/esco/skill/c42d2a2a-2f55-45ac-beb1-0a8a76412457"
"""ESCO "use food cutting tools": a skill of kwalificatie 25180 (kok) without a bundled Dutch label."""


def _vocab(tmp_path, *args: str) -> list[str]:
    result = CliRunner().invoke(cli_app, ["vocab", *args, "--home", str(tmp_path)])
    assert result.exit_code == 0, result.output
    return result.stdout.splitlines()


def test_vocab_search_marks_an_english_only_skill_and_the_occupation_it_was_found_through_as_english(tmp_path):
    lines = _vocab(tmp_path, "search", "fruit and vegetable preserver")
    at = lines.index("apply preservation treatments (Engels)")
    assert APPLY_PRESERVATION in lines[at + 1] and "via fruit and vegetable preserver (Engels)]" in lines[at + 1]
    assert all(line.endswith("(Engels)") for line in lines if line and not line.startswith((" ", "'", "Labels:"))
               and " / " not in line), lines


def test_vocab_show_marks_an_english_only_skill_its_occupations_and_a_kwalificaties_skills_as_english(tmp_path):
    skill = _vocab(tmp_path, "show", APPLY_PRESERVATION)
    assert skill[0] == "apply preservation treatments (Engels)"
    assert "  essentieel voor / essential for: fruit and vegetable preserver (Engels)" in skill
    kok = _vocab(tmp_path, "show", "25180")
    assert f"    use food cutting tools (Engels)  {USE_FOOD_CUTTING_TOOLS}" in kok
    assert "    onbewerkt voedsel opslaan  http://data.europa.eu/esco/skill/29b326ea-a9c8-4963-b35a-8541d0cdff77" in kok


def test_vocab_search_json_keeps_the_unmarked_label_and_adds_the_marked_shown_label(tmp_path):
    result = CliRunner().invoke(cli_app, ["vocab", "search", "dispose waste", "--json", "--home", str(tmp_path)])
    hit = next(h for h in json.loads(result.stdout)["hits"] if h["uri"] == DISPOSE_WASTE)
    assert hit["label"] == {"nl": "dispose waste", "en": "dispose waste"}
    assert hit["shownLabel"] == {"nl": "dispose waste (Engels)", "en": "dispose waste"}
