"""The werk-naar-werk bridge on real data: a verified Kok passport against ESCO "kok" and a crebo."""

from __future__ import annotations

import csv
import io
import lzma
from importlib import resources

import pytest

from pageworld import PageWorld, build_presentation
from skillspas.schemas.errors import ErrorCode, SkillspasError
from skillspas.schemas.kwalificaties import Kwalificaties
from skillspas.schemas.vocab_index import VocabIndex
from skillspas.verifier import Verifier
from skillspas.verifier.bridge import bridge
from skillspas.verifier.summary import summarize_skills

COOK = "http://data.europa.eu/esco/occupation/90f75f67-495d-49fa-ab57-2f320e251d7e"


def cook_relations() -> dict[str, bool]:
    raw = lzma.decompress((resources.files("skillspas.schemas") / "data" / "vocab" / "occupationSkillRelations.csv.xz").read_bytes())
    return {r["skillUri"]: r["relationType"] == "essential"
            for r in csv.DictReader(io.StringIO(raw.decode("utf-8"), newline="")) if r["occupationUri"] == COOK}


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> PageWorld:
    return PageWorld(tmp_path_factory.mktemp("bridge-world")).build()


@pytest.fixture(scope="module")
def summary(world: PageWorld):
    passport = build_presentation([world.credentials[k] for k in ("diploma", "evc", "praktijkverklaring")])
    result = Verifier(bundle=world.bundle(), trust_anchors=[world.anchor.controller]).verify(passport)
    assert result.verified, result.to_json()
    return summarize_skills(result)


def test_the_bridge_to_kok_lists_all_16_essential_skills_each_covered_with_its_proof_or_missing(summary):
    result = bridge(summary, occupation="kok")
    relations = cook_relations()
    assert result.target["uri"] == COOK
    essential = [s for s in result.skills if s.essential]
    assert {s.concept.uri for s in essential} == {u for u, e in relations.items() if e}
    assert len(essential) == 16
    assert {s.concept.uri for s in result.skills if not s.essential} == {u for u, e in relations.items() if not e}
    for skill in result.covered:
        proven = summary.get(skill.concept.uri)
        assert proven is not None and skill.evidence == proven.evidence
        assert {e.kind for e in skill.evidence} <= {"diploma", "evc", "praktijkverklaring"}
    assert result.covered and result.missing
    assert {s.concept.uri for s in result.missing} == {u for u in relations if u not in summary}


def test_the_missing_skills_get_kwalificatie_suggestions_from_real_links(summary):
    result = bridge(summary, occupation=COOK)
    register = Kwalificaties.bundled()
    index = VocabIndex.open()
    missing = {s.concept.uri for s in result.missing}
    assert result.suggestions
    for suggestion in result.suggestions:
        kwalificatie = register.get(suggestion.crebo)
        linked = set(kwalificatie.esco_skills) | {s.uri for s, e in index.skills_of(kwalificatie.esco_occupation) if e}
        assert set(suggestion.closes) <= missing & linked and suggestion.closes
        assert suggestion.share == len(suggestion.closes) / len(missing)
        assert suggestion.to_json()["suggestion"] is True


def test_competentnl_skills_of_the_passport_are_not_compared_with_esco(summary):
    result = bridge(summary, occupation="kok")
    assert result.not_comparable
    assert all(p.framework == "CompetentNL" for p in result.not_comparable)
    assert all(s.concept.framework == "ESCO" for s in result.skills)


def test_the_bridge_to_a_crebo_uses_its_official_competentnl_links(summary):
    register = Kwalificaties.bundled()
    result = bridge(summary, crebo="25774")
    assert [s.concept.uri for s in result.skills] == [u for u, _ in register.links("25774")]
    for skill in result.skills:
        assert skill.covered == (skill.concept.uri in summary)
    for suggestion in result.suggestions:
        assert set(suggestion.closes) <= {u for u, _ in register.links(suggestion.crebo)}
    assert result.to_json()["essential"]["total"] == len(register.links("25774"))


@pytest.mark.parametrize(("target", "code"), [
    ({"crebo": "12345"}, ErrorCode.SCHEMA_INVALID),
    ({"crebo": "23085"}, ErrorCode.SCHEMA_INVALID),   # a kwalificatiedossier, not a kwalificatie
    ({"occupation": "x" * 5000}, ErrorCode.TOO_LARGE),
    ({"occupation": "xqzvw"}, ErrorCode.SCHEMA_INVALID),
    ({}, ErrorCode.SCHEMA_INVALID),
])
def test_a_bad_target_is_refused_with_a_code(summary, target, code):
    with pytest.raises(SkillspasError) as caught:
        bridge(summary, **target)
    assert caught.value.code is code


def run_bridge(world: PageWorld, *args: str):
    from typer.testing import CliRunner

    from skillspas.issuer.cli import app

    files = [str(world.files[k]) for k in ("diploma", "evc", "praktijkverklaring")]
    return CliRunner().invoke(app, ["passport", "bridge", *files, "--bundle", str(world.files["bundle"]),
                                    "--trust-anchor", world.anchor.controller, *args])


def test_the_cli_bridge_prints_the_same_result_as_the_python_api(world, summary):
    import json

    run = run_bridge(world, "--to", "kok", "--json")
    assert run.exit_code == 0, run.output
    assert json.loads(run.output) == bridge(summary, occupation="kok").to_json()
    text = run_bridge(world, "--crebo", "25180")
    assert text.exit_code == 0, text.output
    assert "crebo 25180" in text.output and "ESCO, European Commission" in text.output


@pytest.mark.parametrize("args", [("--crebo", "12345"), ("--to", "xqzvw"), ("--crebo", "1" * 10_000), ()])
def test_the_cli_bridge_refuses_a_bad_target_with_a_code(world, args):
    run = run_bridge(world, *args)
    assert run.exit_code == 2
    assert "Traceback" not in run.output


def test_the_passport_pdf_has_the_bridge_page_when_asked(world, summary, tmp_path):
    import shutil
    import subprocess

    from typer.testing import CliRunner

    from skillspas.issuer.cli import app

    files = [str(world.files[k]) for k in ("diploma", "evc", "praktijkverklaring")]
    common = ["passport", "export", *files, "--pdf"]
    trust = ["--bundle", str(world.files["bundle"]), "--trust-anchor", world.anchor.controller]
    run = CliRunner().invoke(app, [*common, str(tmp_path / "with.pdf"), *trust, "--bridge-to", "kok"])
    assert run.exit_code == 0, run.output
    plain = CliRunner().invoke(app, [*common, str(tmp_path / "without.pdf")])
    assert plain.exit_code == 0, plain.output
    text = subprocess.run([shutil.which("pdftotext"), "-layout", str(tmp_path / "with.pdf"), "-"],
                          capture_output=True, check=True, text=True).stdout
    expected = bridge(summary, occupation="kok").to_json()
    assert "Werk naar werk: kok" in text
    assert f"Essentieel: {expected['essential']['covered']} van de {expected['essential']['total']} bewezen" in text
    for suggestion in expected["suggestions"]:
        assert f"crebo {suggestion['crebo']}" in text
    assert "ESCO, European Commission" in " ".join(text.split())
    without = subprocess.run([shutil.which("pdftotext"), str(tmp_path / "without.pdf"), "-"],
                             capture_output=True, check=True, text=True).stdout
    assert "Werk naar werk" not in without
    refused = CliRunner().invoke(app, [*common, str(tmp_path / "x.pdf"), *trust, "--bridge-crebo", "12345"])
    assert refused.exit_code == 2 and "Traceback" not in refused.output


def test_the_cli_bridge_checks_with_the_bundle_the_passport_keeps_when_no_bundle_is_given(world, summary, tmp_path):
    import json

    from typer.testing import CliRunner

    from skillspas.issuer.cli import app

    folder = str(tmp_path / "passport")
    files = [str(world.files[k]) for k in ("diploma", "evc", "praktijkverklaring")]
    added = CliRunner().invoke(app, ["passport", "add", *files, "--bundle", str(world.files["bundle"]), "--passport", folder])
    assert added.exit_code == 0, added.output
    run = CliRunner().invoke(app, ["passport", "bridge", "--to", "kok", "--json", "--passport", folder,
                                   "--trust-anchor", world.anchor.controller])
    assert run.exit_code == 0, run.output
    assert json.loads(run.output) == bridge(summary, occupation="kok").to_json()


def test_the_cli_bridge_says_why_a_credential_is_not_counted(world, tmp_path):
    from typer.testing import CliRunner

    from skillspas.issuer.cli import app

    files = [str(world.files[k]) for k in ("diploma", "evc")]
    run = CliRunner().invoke(app, ["passport", "bridge", *files, "--to", "kok", "--passport", str(tmp_path / "none")])
    assert run.exit_code == 0, run.output
    assert "Niet meegeteld (niet geverifieerd): #1 [untrusted_issuer], #2 [untrusted_issuer]" in run.output
    assert "geef --bundle met een vertrouwenslijst" in run.output and "--trust-issuer" in run.output


def test_the_cli_bridge_says_how_an_untrusted_issuer_comes_to_count_only_when_one_is_untrusted(world):
    english = run_bridge(world, "--to", "kok", "--lang", "en")
    assert english.exit_code == 0, english.output
    assert "Not counted" not in english.output and "counts only when its issuer is trusted" not in english.output


def test_a_suggested_kwalificatie_the_passport_already_holds_is_said_to_be_held_by_the_cli_and_the_pdf(world, summary, tmp_path):
    """A Kok diploma holder bridged to ESCO "kok" gets Kok (crebo 25180) among the suggestions (its ESCO skills are not
    in the diploma): the employer and the worker read that it is already held, in the same words everywhere."""



    suggestions = bridge(summary, occupation="kok").to_json()["suggestions"]
    held = [s for s in suggestions if s["alreadyHeld"]]
    assert [s["crebo"] for s in held] == ["25180"], suggestions
    assert held[0]["heldLabel"]["nl"].startswith("al behaald") and held[0]["heldLabel"]["en"].startswith("already held")
    assert all(s["heldLabel"] is None for s in suggestions if not s["alreadyHeld"])
    printed = [line for line in run_bridge(world, "--to", "kok").output.splitlines() if line.startswith("  crebo 25180")]
    assert len(printed) == 1 and held[0]["heldLabel"]["nl"] in printed[0], printed
    text = _bridge_pdf_text(world, tmp_path)
    assert held[0]["heldLabel"]["nl"] in text, "the PDF does not say the suggested kwalificatie is held"


DISPOSE_WASTE = "http://data.europa.eu/esco/skill/5e433def-210d-4dfa-bf07-dbf6d04e0eaa"


def test_an_essential_skill_of_kok_without_a_dutch_esco_label_is_marked_english_in_dutch_and_only_there(summary):
    """"dispose waste" read as a Dutch skill name among Dutch ones: the bundled Dutch ESCO labels (and the official
    files they were cut from) have none for it, so the Dutch output says it is English."""
    dutch = {r["conceptUri"] for r in csv.DictReader(io.StringIO(lzma.decompress(
        (resources.files("skillspas.schemas") / "data" / "vocab" / "esco-skills-nl-labels.csv.xz").read_bytes()).decode("utf-8"),
        newline=""))}
    assert DISPOSE_WASTE not in dutch
    skills = {s["uri"]: s for s in bridge(summary, occupation="kok").to_json()["skills"]}
    assert skills[DISPOSE_WASTE]["shownLabel"] == {"nl": "dispose waste (Engels)", "en": "dispose waste"}
    assert skills[DISPOSE_WASTE]["label"] == {"nl": "dispose waste", "en": "dispose waste"}  # the data, unchanged
    for skill in skills.values():
        marked = skill["shownLabel"]["nl"] != skill["label"]["nl"]
        assert marked == (not skill["hasDutchLabel"]), skill
        assert skill["shownLabel"]["en"] == skill["label"]["en"]  # every ESCO skill has its English label


def test_the_cli_and_the_pdf_bridge_mark_each_english_label_in_dutch_and_each_dutch_one_in_english(world, summary, tmp_path):



    result = bridge(summary, occupation="kok")
    english_only = [s.concept for s in result.skills if "nl" not in s.concept.labels]
    assert english_only
    dutch = run_bridge(world, "--to", "kok").output
    for concept in english_only:
        assert f" {concept.labels['en']} (Engels) [" in dutch, dutch
    english = run_bridge(world, "--to", "kok", "--lang", "en").output
    assert "(Engels)" not in english
    not_comparable = [p for p in result.not_comparable if "en" not in p.labels]
    assert not_comparable and all(f"{p.labels['nl']} (Dutch)" in english for p in not_comparable), english
    text = _bridge_pdf_text(world, tmp_path)
    assert f"{english_only[0].labels['en']} (Engels)" in text


def test_the_bridge_to_kok_says_plainly_its_count_leaves_out_the_diplomas_competentnl_skills_and_why(summary):
    """"11 van de 11 werkprocessen van Kok" next to "1 van de 16 essentiële vaardigheden voor kok": the diploma's
    CompetentNL skills have no ESCO link in any data we hold, so the count says so, names the credential, and points
    to the comparison that does count them (the kwalificatie, through its official SBB/CompetentNL link)."""
    result = bridge(summary, occupation="kok").to_json()
    note = result["notComparedNote"]
    n = len(result["notComparable"])
    assert n > 1 and note is not None
    assert note["nl"].startswith("Alleen ESCO-vaardigheden zijn vergeleken.")
    assert f"{n} bewezen vaardigheden van " in note["nl"] and "CompetentNL" in note["nl"] and "geen koppeling" in note["nl"]
    assert note["en"].startswith("Only ESCO skills were compared.") and "no link" in note["en"]
    titles = {e.title for p in bridge(summary, occupation="kok").not_comparable for e in p.evidence}
    assert titles and all(title in note["nl"] and title in note["en"] for title in titles)
    assert result["compareInstead"] == [{"crebo": "25180", "name": "Kok"}]
    assert "crebo 25180" in note["nl"] and "crebo 25180" in note["en"]
    by_crebo = bridge(summary, crebo="25180").to_json()["essential"]
    assert by_crebo["covered"] == by_crebo["total"] == len(Kwalificaties.bundled().links("25180"))


def test_the_bridge_to_a_crebo_says_the_esco_skills_are_what_it_did_not_compare(summary):
    result = bridge(summary, crebo="25180").to_json()
    assert result["notComparable"] and all(p["framework"] == "ESCO" for p in result["notComparable"])
    note = result["notComparedNote"]
    assert note["nl"].startswith("Alleen CompetentNL-vaardigheden zijn vergeleken.") and "ESCO" in note["nl"]
    assert result["compareInstead"] == []


def test_a_passport_whose_skills_are_all_in_the_targets_framework_gets_no_not_compared_note(world):
    passport = build_presentation([world.credentials[k] for k in ("evc", "praktijkverklaring")])
    esco_only = summarize_skills(Verifier(bundle=world.bundle(), trust_anchors=[world.anchor.controller]).verify(passport))
    assert esco_only.skills and all(p.framework == "ESCO" for p in esco_only.skills)
    result = bridge(esco_only, occupation="kok").to_json()
    assert result["notComparedNote"] is None and result["compareInstead"] == [] and not result["notComparable"]


def test_the_cli_and_the_pdf_say_what_was_not_compared_right_under_the_count(world, summary, tmp_path):



    note = bridge(summary, occupation="kok").to_json()["notComparedNote"]
    for lang in ("nl", "en"):
        lines = run_bridge(world, "--to", "kok", "--lang", lang).output.splitlines()
        assert lines[3] == "  " + note[lang], lines[:5]  # after the target and the two counts, before the skills
    text = _bridge_pdf_text(world, tmp_path)
    assert " ".join(note["nl"].split()) in text
    assert text.index("Alleen ESCO-vaardigheden") < text.index("Bewezen door")


def _bridge_pdf_text(world: PageWorld, tmp_path) -> str:
    """The words of the passport PDF of the diploma, EVC and praktijkverklaring with the bridge to "kok", on one line."""
    import shutil
    import subprocess

    from typer.testing import CliRunner

    from skillspas.issuer.cli import app

    files = [str(world.files[k]) for k in ("diploma", "evc", "praktijkverklaring")]
    run = CliRunner().invoke(app, ["passport", "export", *files, "--pdf", str(tmp_path / "bridge.pdf"), "--bundle",
                                   str(world.files["bundle"]), "--trust-anchor", world.anchor.controller, "--bridge-to", "kok"])
    assert run.exit_code == 0, run.output
    return " ".join(subprocess.run([shutil.which("pdftotext"), str(tmp_path / "bridge.pdf"), "-"],
                                   capture_output=True, check=True, text=True).stdout.split())
