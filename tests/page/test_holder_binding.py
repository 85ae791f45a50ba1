"""A presentation whose holder binding fails: its credentials are listed, never as proven for the person in front of you.

A holder proof made for another code (challenge) or domain, a holder signature that does not verify, or a holder
who shows someone else's credential makes the presentation red. Its credentials may be genuine, but nothing shows
that they belong to the person who shows them: the laptop page, the phone page and ``skillspas verify`` list them
(issuer, type, whom they name) as an unsigned passport PDF's are listed, with the ``holder_not_proven`` warning
(orange), and count none of their skills as proven.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any, Callable

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from pageworld import PageWorld, example
from skillspas.issuer import sign
from skillspas.issuer.cli import app as cli_app
from skillspas.issuer.credentials import build
from skillspas.keys import LocalSigner, generate
from skillspas.verifier.browser.phone import check
from skillspas.verifier.page import PageSettings, create_page_app
from skillspas.wallet_export import build_presentation

BASE = "http://127.0.0.1:8765"
CODE = "vacature-2026-17"
DOMAIN = "werkgever.example"


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> PageWorld:
    return PageWorld(tmp_path_factory.mktemp("binding-world")).build()


@pytest.fixture(scope="module")
def client(world: PageWorld) -> TestClient:
    return TestClient(create_page_app(PageSettings(bundle=world.bundle(), trust_anchors=(world.anchor.controller,))),
                      base_url=BASE)


@pytest.fixture(scope="module")
def holder() -> LocalSigner:
    return LocalSigner(generate("ed25519"))


def _own(world: PageWorld, holder: LocalSigner) -> list[dict[str, Any]]:
    """Two of the holder's own credentials (a diploma and an EVC naming the holder's DID), genuine and valid."""
    anouk = {**example("mbo-diploma", "kok-anouk-testdata"), "learner_did": holder.controller}
    evc = build("ervaringscertificaat", {**example("ervaringscertificaat", "kok-dennis-fictief"),
                                         **{k: anouk[k] for k in ("learner_name", "learner_did")}},
                issuer=world.evc.controller)
    return [world._diploma(anouk, 7), sign(evc, world.evc)]


def _other_code(world: PageWorld, holder: LocalSigner) -> dict[str, Any]:
    return build_presentation(_own(world, holder)[:1], holder=holder, challenge="code-van-een-ander", domain=DOMAIN)


def _other_domain(world: PageWorld, holder: LocalSigner) -> dict[str, Any]:
    return build_presentation(_own(world, holder)[:1], holder=holder, challenge=CODE, domain="ander.example")


def _bad_signature(world: PageWorld, holder: LocalSigner) -> dict[str, Any]:
    presentation = build_presentation(_own(world, holder)[:1], holder=holder, challenge=CODE, domain=DOMAIN)
    value = presentation["proof"]["proofValue"]
    presentation["proof"]["proofValue"] = value[:-4] + ("AAAA" if value[-4:] != "AAAA" else "BBBB")
    return presentation


def _not_the_subject(world: PageWorld, holder: LocalSigner) -> dict[str, Any]:
    """The holder signs for the code, but shows someone else's diploma beside their own."""
    return build_presentation([*_own(world, holder)[:1], world.credentials["diploma"]], holder=holder,
                              challenge=CODE, domain=DOMAIN)


FAILURES: dict[str, tuple[Callable[[PageWorld, LocalSigner], dict[str, Any]], str]] = {
    "made for another code (a replay)": (_other_code, "challenge_mismatch"),
    "made for another domain": (_other_domain, "domain_mismatch"),
    "a holder signature that does not verify": (_bad_signature, "invalid_signature"),
    "the holder is not the subject of a credential": (_not_the_subject, "holder_mismatch"),
}


def _cases() -> list[Any]:
    return [pytest.param(make, code, id=name) for name, (make, code) in FAILURES.items()]


def _genuine_cards(view: dict[str, Any]) -> list[dict[str, Any]]:
    return [c for c in view["credentials"] if c.get("issuer")]


@pytest.mark.parametrize(("make", "code"), _cases())
def test_a_presentation_whose_holder_binding_fails_lists_its_credentials_as_not_shown_to_belong_to_the_person(
        client: TestClient, world: PageWorld, holder: LocalSigner, make: Any, code: str) -> None:
    presentation = make(world, holder)
    response = client.post("/api/verify", content=json.dumps(presentation), params={"challenge": CODE, "domain": DOMAIN})
    answer = response.json()
    view = answer["view"]
    assert view["verdict"] == "invalid" and view["code"] == code, view
    cards = _genuine_cards(view)
    assert cards, view["credentials"]  # still listed: issuer, type, whom it names
    for card in cards:
        assert card["issuer"]["name"] == world.ROC_NAME and card["kind"]["nl"] and card["subjectName"]
        assert card["verdict"] == "warning" and card["heading"]["nl"] == "Geldig, met een waarschuwing", card
        assert card["warnings"][0]["code"] == "holder_not_proven", card["warnings"]
        assert "niet aangetoond dat dit bewijsstuk van deze persoon is" in card["warnings"][0]["detail"]["nl"]
        assert "not shown to belong to this person" in card["warnings"][0]["detail"]["en"]
    assert view["warnings"][0]["code"] == "holder_not_proven"  # above the cards, once, as a PDF's
    assert view["skills"] is None and view["vacancy"] is None  # no "Bewezen vaardigheden" for this person
    assert not any(p["counted"] for p in view["persons"])
    assert answer["errors"][0]["code"] == code and answer["credentials"][0]["verified"] is True  # the JSON as it was


@pytest.mark.parametrize(("make", "code"), _cases())
def test_skillspas_verify_marks_the_credentials_of_a_presentation_whose_holder_binding_fails_as_not_this_persons(
        world: PageWorld, holder: LocalSigner, tmp_path: Path, make: Any, code: str) -> None:
    path = tmp_path / "vp.json"
    path.write_text(json.dumps(make(world, holder)), "utf-8")
    trust = ["--bundle", str(world.files["bundle"]), "--trust-anchor", world.anchor.controller,
             "--challenge", CODE, "--domain", DOMAIN]
    for lang, words, proven in (("nl", "niet aangetoond dat dit bewijsstuk van deze persoon is", "aangetoond\n"),
                                ("en", "not shown to belong to this person", "demonstrated\n")):
        result = CliRunner().invoke(cli_app, ["verify", str(path), *trust, "--lang", lang])
        out = result.stdout
        assert result.exit_code == 1 and f"[{code}]" in out, out
        rows = [line for line in out.splitlines() if line.startswith(("  ✓ #", "  ! #", "  ✗ #"))]
        genuine = [line for line in rows if world.ROC_NAME in line]
        assert genuine and all(line.startswith("  ! #") for line in genuine), rows
        assert out.count("[holder_not_proven]") == len(genuine) and words in out, out
        assert f"{NAMED[lang]}: Anouk Testdata" in out  # whom it names, still listed
        assert proven not in out  # no kwalificatie progress ("werkprocessen … aangetoond") for this person
        assert "telt mee" not in out.replace("telt niet mee", "")


NAMED = {"nl": "op naam van", "en": "in the name of"}
"""The words before the name a credential gives its subject: whom it names, not who holds it (only a holder proof
that holds shows that), so the same in both states of the binding."""


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_whom_a_credential_names_is_labelled_in_the_name_of_never_holder_whether_or_not_the_holder_binding_holds(
        world: PageWorld, holder: LocalSigner, tmp_path: Path, lang: str) -> None:
    from skillspas.verifier.page.texts import page_words

    for phone in (False, True):  # the card's label on the laptop page and the phone page (static/cards.js)
        assert page_words(phone)[lang]["holder"].lower() == NAMED[lang]
    trust = ["--bundle", str(world.files["bundle"]), "--trust-anchor", world.anchor.controller,
             "--challenge", CODE, "--domain", DOMAIN, "--lang", lang]
    bound = build_presentation(_own(world, holder), holder=holder, challenge=CODE, domain=DOMAIN)
    for name, document in (("bound", bound), ("replayed", _other_code(world, holder)), ("alone", _own(world, holder)[0])):
        path = tmp_path / f"{name}.json"
        path.write_text(json.dumps(document), "utf-8")
        out = CliRunner().invoke(cli_app, ["verify", str(path), *trust]).stdout
        assert f"{NAMED[lang]}: Anouk Testdata" in out, (name, out)
        assert not re.search(r"^\s*(houder|holder):", out, re.MULTILINE | re.IGNORECASE), (name, out)


@pytest.mark.parametrize(("make", "code"), _cases())
def test_the_phone_marks_the_credentials_of_a_presentation_whose_holder_binding_fails_as_the_laptop_page_does(
        client: TestClient, world: PageWorld, holder: LocalSigner, make: Any, code: str) -> None:
    data = json.dumps(make(world, holder)).encode("utf-8")
    options = json.dumps({"bundle": str(world.files["bundle"]), "trust_anchors": [world.anchor.controller]})
    phone = json.loads(check(data, options, "auto", CODE, DOMAIN))["view"]
    laptop = client.post("/api/verify", content=data, params={"challenge": CODE, "domain": DOMAIN}).json()["view"]
    assert phone["verdict"] == "invalid" and phone["skills"] is None
    assert [(c["verdict"], [w["code"] for w in c["warnings"]]) for c in phone["credentials"]] == [
        (c["verdict"], [w["code"] for w in c["warnings"]]) for c in laptop["credentials"]]


def test_a_presentation_made_for_the_code_still_proves_its_skills_for_its_holder(
        client: TestClient, world: PageWorld, holder: LocalSigner) -> None:
    good = build_presentation(_own(world, holder), holder=holder, challenge=CODE, domain=DOMAIN)
    view = client.post("/api/verify", content=json.dumps(good), params={"challenge": CODE, "domain": DOMAIN}).json()["view"]
    assert view["verdict"] == "valid" and view["skills"]["verifiedCredentials"] == [0, 1], view
    assert all(c["verdict"] == "valid" and not c["warnings"] for c in view["credentials"])


ONE = {"nl": "Niets bewijst dat de persoon tegenover u de persoon is over wie dit bewijsstuk gaat: controleer zelf de "
             "identiteit.",
       "en": "Nothing proves that the person in front of you is the person this credential is about: check their "
             "identity yourself."}
SEVERAL = {"nl": "Niets bewijst dat de persoon tegenover u de persoon is over wie deze bewijsstukken gaan: controleer "
                 "zelf de identiteit.",
           "en": "Nothing proves that the person in front of you is the person these credentials are about: check their "
                 "identity yourself."}


def _not_proven(warnings: list[dict[str, Any]]) -> dict[str, Any]:
    return next(w for w in warnings if w["code"] == "holder_not_proven")


def test_the_holder_not_proven_sentence_says_this_credential_on_a_card_and_these_credentials_above_several(
        client: TestClient, world: PageWorld, holder: LocalSigner) -> None:
    replay = build_presentation(_own(world, holder), holder=holder, challenge="code-van-een-ander", domain=DOMAIN)
    view = client.post("/api/verify", content=json.dumps(replay), params={"challenge": CODE, "domain": DOMAIN}).json()["view"]
    assert [_not_proven(card["warnings"])["sentence"] for card in view["credentials"]] == [ONE, ONE]
    above = _not_proven(view["warnings"])
    assert above["sentence"] == SEVERAL, above
    assert "niet aangetoond dat deze bewijsstukken van deze persoon zijn" in above["detail"]["nl"], above["detail"]
    assert "niet aangetoond dat dit bewijsstuk van deze persoon is" in view["credentials"][0]["warnings"][0]["detail"]["nl"]
    for credentials, sentence in (([world.credentials["diploma"]], ONE),
                                  ([world.credentials["diploma"], world.credentials["evc"]], SEVERAL)):
        unsigned = client.post("/api/verify", content=json.dumps(build_presentation(credentials))).json()["view"]
        assert _not_proven(unsigned["warnings"])["sentence"] == sentence, unsigned["warnings"]


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_skillspas_verify_says_the_holder_not_proven_sentence_for_one_credential_in_the_singular(
        world: PageWorld, holder: LocalSigner, tmp_path: Path, lang: str) -> None:
    trust = ["--bundle", str(world.files["bundle"]), "--trust-anchor", world.anchor.controller, "--lang", lang]
    one = tmp_path / "one.json"
    one.write_text(json.dumps(build_presentation([world.credentials["diploma"]])), "utf-8")
    out = CliRunner().invoke(cli_app, ["verify", str(one), *trust]).stdout
    assert f": {ONE[lang]} [holder_not_proven]" in out and SEVERAL[lang] not in out, out
    replay = tmp_path / "replay.json"
    replay.write_text(json.dumps(build_presentation(_own(world, holder), holder=holder, challenge="code-van-een-ander",
                                                    domain=DOMAIN)), "utf-8")
    out = CliRunner().invoke(cli_app, ["verify", str(replay), *trust, "--challenge", CODE, "--domain", DOMAIN]).stdout
    assert out.count(f": {ONE[lang]} [holder_not_proven]") == 2 and SEVERAL[lang] not in out, out  # one under each row


@pytest.mark.parametrize(("make", "code"), _cases())
def test_the_result_json_counts_nobody_when_the_holder_binding_fails_as_the_page_and_verify_say(
        client: TestClient, world: PageWorld, holder: LocalSigner, tmp_path: Path, make: Any, code: str) -> None:
    presentation = make(world, holder)
    answer = client.post("/api/verify", content=json.dumps(presentation), params={"challenge": CODE, "domain": DOMAIN}).json()
    assert answer["persons"] and not any(p["counted"] for p in answer["persons"]), answer["persons"]  # the result JSON
    assert answer["persons"] == answer["view"]["persons"]  # as the page's view says it
    path = tmp_path / "vp.json"
    path.write_text(json.dumps(presentation), "utf-8")
    trust = ["--bundle", str(world.files["bundle"]), "--trust-anchor", world.anchor.controller,
             "--challenge", CODE, "--domain", DOMAIN]
    as_json = json.loads(CliRunner().invoke(cli_app, ["verify", str(path), *trust, "--json"]).stdout)
    assert as_json["errors"][0]["code"] == code and not any(p["counted"] for p in as_json["persons"]), as_json["persons"]
    good = build_presentation(_own(world, holder), holder=holder, challenge=CODE, domain=DOMAIN)
    counted = client.post("/api/verify", content=json.dumps(good), params={"challenge": CODE, "domain": DOMAIN}).json()
    assert [p["counted"] for p in counted["persons"]] == [True]


@pytest.mark.parametrize("lang", ["nl", "en"])
@pytest.mark.parametrize("given", ["a credential alone", "a presentation of another person's credential",
                                   "a credential without the bundle"])
def test_skillspas_verify_ends_with_the_pages_what_now_as_a_credential_alone_proves_no_holder(
        world: PageWorld, holder: LocalSigner, tmp_path: Path, lang: str, given: str) -> None:
    """A diploma alone was "GELDIG: Echt en geldig." with its holder's name, and nothing said what the page says under
    it: that nothing proves the person in front of you is that person (nor, without the bundle, what to do)."""
    document = _not_the_subject(world, holder) if given.startswith("a presentation") else world.credentials["diploma"]
    path = tmp_path / "input.json"
    path.write_text(json.dumps(document), "utf-8")
    trust = [] if given.endswith("bundle") else ["--bundle", str(world.files["bundle"]), "--trust-anchor",
                                                  world.anchor.controller]
    params = {"challenge": CODE, "domain": DOMAIN} if given.startswith("a presentation") else {}
    codes = ["--challenge", CODE, "--domain", DOMAIN] if params else []
    out = CliRunner().invoke(cli_app, ["verify", str(path), *trust, *codes, "--lang", lang]).stdout
    page = TestClient(create_page_app(PageSettings(bundle=world.bundle() if trust else None,
                                                   trust_anchors=(world.anchor.controller,) if trust else ())),
                      base_url=BASE).post("/api/verify", content=json.dumps(document), params=params).json()["view"]
    said = f"{'Wat nu?' if lang == 'nl' else 'What now?'} {page['next'][lang]}"
    assert page["next"] and out.rstrip("\n").splitlines()[-1] == said, out
