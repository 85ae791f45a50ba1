"""End to end in real headless Chromium: ``skillspas verifier`` on 127.0.0.1, driven like a person does.

Each test uploads, pastes or scans an input and reads the verdict off the page. Every browser
context records its requests, console messages and page errors: the page must log no error and
request nothing off 127.0.0.1. Screenshots of a valid and an invalid verdict are written to
``out/screenshots/`` (gitignored). Debian's Chromium and Playwright's client are installed by the
fixtures when missing; nothing is skipped.
"""

from __future__ import annotations

import datetime as dt
import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from browserkit import CHROMIUM_FLAGS, Recorder, Server, have_browser_tools, start_server
from helpers import colour_family
from pageworld import HACCP, SCREENSHOTS, STATUS_URL, STORE_RAW_FOOD, PageWorld, skill_uris, zlib_bomb_text
from skillspas.issuer import sign
from skillspas.issuer.status_lists import status_list_credential
from skillspas.schemas.vocab import SkillsVocabulary

VERDICT = "#verdict[data-verdict]"


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> PageWorld:
    return PageWorld(tmp_path_factory.mktemp("page-world")).build()


@pytest.fixture(scope="module")
def server(world: PageWorld, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    log = tmp_path_factory.mktemp("page-server") / "server.log"
    running = start_server("--bundle", str(world.files["bundle"]), "--trust-anchor", world.anchor.controller, log=log)
    yield running
    running.stop()


@pytest.fixture(scope="module")
def stale_server(world: PageWorld, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """The page with a bundle whose status list is 30 days old."""
    folder = tmp_path_factory.mktemp("page-stale")
    old = dt.datetime.now(dt.timezone.utc) - dt.timedelta(days=30)
    stale = sign(status_list_credential(STATUS_URL, issuer=world.roc.controller, revoked=[8], valid_from=old), world.roc)
    bundle = world.bundle(status_lists=[stale]).to_file(folder / "bundle.json")
    running = start_server("--bundle", str(bundle), "--trust-anchor", world.anchor.controller, log=folder / "server.log")
    yield running
    running.stop()


@pytest.fixture(scope="module")
def browser(world: PageWorld) -> Iterator[Any]:
    have_browser_tools()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path="/usr/bin/chromium",
            headless=True,
            args=[
                *CHROMIUM_FLAGS,
                "--use-fake-ui-for-media-stream",
                "--use-fake-device-for-media-stream",
                f"--use-file-for-fake-video-capture={world.files['camera']}",
            ],
        )
        yield launched
        launched.close()


class Visit:
    """One browser context on the page, with everything it did recorded."""

    def __init__(self, browser: Any, server: Server) -> None:
        self.server = server
        self.recorder = Recorder()
        self.context = browser.new_context(viewport={"width": 1100, "height": 900}, locale="nl-NL")
        self.recorder.attach(self.context)
        # Anything not for 127.0.0.1 is recorded (above) and refused, so a leak cannot reach a network.
        self.context.route("**/*", self._route)
        self.page = self.context.new_page()
        self.response = self.page.goto(server.url)
        self.page.wait_for_selector("#trust-info:not(:empty)")

    def _route(self, route: Any) -> None:
        if route.request.url.startswith(self.server.url):
            route.continue_()
        else:
            route.abort()

    def upload(self, path: Any) -> str:
        self.page.set_input_files("#file", str(path))
        return self.verdict()

    def verdict(self) -> str:
        self.page.wait_for_selector(VERDICT, timeout=10_000)
        return self.page.get_attribute("#verdict", "data-verdict") or ""

    def clear_verdict(self) -> None:
        self.page.evaluate("() => { const v = document.getElementById('verdict'); if (v) v.remove(); }")

    def assert_clean(self) -> None:
        assert self.recorder.errors() == [], self.recorder.console
        assert self.recorder.off_host(self.server.url) == []
        assert self.recorder.requests, "nothing was recorded"

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def visit(browser: Any, server: Server) -> Iterator[Visit]:
    opened = Visit(browser, server)
    yield opened
    opened.close()


def _labels_nl(uris: list[str]) -> list[str]:
    vocabulary = SkillsVocabulary.bundled()
    return [vocabulary.get(uri).label("nl") for uri in uris]


def test_the_page_started_without_a_trust_anchor_says_so_and_a_diploma_it_trusts_is_orange(
        browser: Any, world: PageWorld, tmp_path: Any) -> None:
    running = start_server("--bundle", str(world.files["bundle"]), log=tmp_path / "server.log")
    try:
        visit = Visit(browser, running)
        assert "niet vastgezet met --trust-anchor" in visit.page.text_content("#trust-info")
        assert visit.upload(world.files["diploma"]) == "warning"
        assert "trust_list_not_pinned" in visit.page.text_content("#result")
        visit.close()
    finally:
        running.stop()


def test_valid_diploma_upload_is_green_with_its_skills(visit: Visit, world: PageWorld) -> None:
    assert visit.upload(world.files["diploma"]) == "valid"
    page = visit.page
    assert page.inner_text("#verdict-heading") == "Geldig"
    assert page.evaluate("document.activeElement.id") == "verdict-heading"  # focus moves to the verdict
    card = page.locator("article.credential")
    assert card.count() == 1
    text = card.inner_text()
    assert "Mbo-diploma Kok" in text and "Anouk Testdata" in text
    assert f"{world.ROC_NAME}" in text and "volgens de vertrouwenslijst" in text
    uris = skill_uris(world.credentials["diploma"])
    assert page.eval_on_selector_all("article.credential li[data-uri]", "els => els.map(e => e.dataset.uri)") == uris
    shown = page.eval_on_selector_all("article.credential li[data-uri]", "els => els.map(e => e.textContent)")
    for label, line in zip(_labels_nl([u for u in uris if u.startswith("http://data.europa.eu/esco/")]), shown):
        assert line.startswith(label)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "verdict-valid-diploma.png"), full_page=True)
    visit.assert_clean()


def test_revoked_diploma_is_red_and_says_ingetrokken(visit: Visit, world: PageWorld) -> None:
    assert visit.upload(world.files["revoked"]) == "invalid"
    page = visit.page
    assert page.inner_text("#verdict-heading") == "Niet geldig"
    assert "ingetrokken" in page.inner_text(".verdict-sentence")
    assert page.get_attribute(".verdict-code[data-code]", "data-code") == "revoked"
    assert "Bram Ingetrokken" not in page.inner_text("#result")  # no claim of a failed credential is shown
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "verdict-revoked-diploma.png"), full_page=True)
    visit.assert_clean()


def test_passport_shows_the_verified_skills_summary_and_matches_a_vacancy(visit: Visit, world: PageWorld) -> None:
    assert visit.upload(world.files["passport"]) == "warning"  # unsigned: nothing proves who holds it
    assert "Niets bewijst dat de persoon tegenover u" in visit.page.inner_text("#verdict .warning-list")
    page = visit.page
    assert page.locator("article.credential[data-verdict=valid]").count() == 4
    assert page.is_visible("#skills-table")
    inner = [world.credentials[k] for k in ("diploma", "praktijkverklaring", "evc", "microcredential")]
    expected = list(dict.fromkeys(u for c in inner for u in skill_uris(c)))
    rows = page.eval_on_selector_all("#skills-table tbody tr", "rows => rows.map(r => r.dataset.uri)")
    assert sorted(rows) == sorted(expected) and len(rows) == len(set(rows))  # de-duplicated by URI
    kinds = page.eval_on_selector_all(
        f"#skills-table tr[data-uri='{STORE_RAW_FOOD}'] li[data-kind]", "items => items.map(i => i.dataset.kind)"
    )
    # strongest evidence first (EVC assessment, practice, course); the diploma signs no suggested ESCO skill
    assert kinds == ["evc", "praktijkverklaring", "microcredential"]
    # The vacancy: one proven skill by URI, one by words, one skill nobody proved.
    page.fill("#vacancy-input", f"{HACCP}\nonbewerkt voedsel opslaan\nhttp://data.europa.eu/esco/skill/082967d4-b94c-4305-aa13-35a6aa8c5c7c")
    page.click("#vacancy-check")
    page.wait_for_selector("#vacancy-list")
    covered = page.eval_on_selector_all("#vacancy-list li", "items => items.map(i => i.dataset.covered)")
    assert covered == ["true", "true", "false"]
    assert page.inner_text("#vacancy-summary") == "2 van de 3 gevraagde vaardigheden zijn bewezen."
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "verdict-passport-summary.png"), full_page=True)
    visit.assert_clean()


def test_tampered_qr_image_is_red_and_a_genuine_one_green(visit: Visit, world: PageWorld) -> None:
    assert visit.upload(world.files["qr_tampered"]) == "invalid"
    assert visit.page.get_attribute(".verdict-code[data-code]", "data-code") == "invalid_signature"
    assert "Iemand Anders" not in visit.page.inner_text("#result")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    visit.page.screenshot(path=str(SCREENSHOTS / "verdict-tampered-qr.png"), full_page=True)
    visit.clear_verdict()
    assert visit.upload(world.files["qr_valid"]) == "valid"
    visit.assert_clean()


def test_praktijkverklaring_shows_school_and_leerbedrijf_as_signers(visit: Visit, world: PageWorld) -> None:
    assert visit.upload(world.files["praktijkverklaring"]) == "valid"
    signers = visit.page.locator("ul.signers > li")
    assert signers.count() == 2
    assert world.ROC_NAME in signers.nth(0).inner_text() and "uitgever" in signers.nth(0).inner_text()
    assert world.BISTRO_NAME in signers.nth(1).inner_text() and "leerbedrijf" in signers.nth(1).inner_text()
    visit.assert_clean()


def test_language_switch_shows_the_verdict_in_english(visit: Visit, world: PageWorld) -> None:
    assert visit.upload(world.files["revoked"]) == "invalid"
    visit.page.click("button[data-lang=en]")
    assert visit.page.get_attribute("html", "lang") == "en"
    assert visit.page.inner_text("#verdict-heading") == "Not valid"
    title = world.credentials["revoked"]["name"]
    assert visit.page.inner_text(".verdict-sentence") == f"{world.ROC_NAME} has revoked this credential: MBO diploma “{title}”."
    assert visit.page.inner_text("#check-h") == "Check a diploma, certificate or skills passport"
    visit.page.click("button[data-lang=nl]")
    assert visit.page.inner_text("#verdict-heading") == "Niet geldig"
    visit.assert_clean()


def test_keyboard_only_paste_and_check(visit: Visit, world: PageWorld) -> None:
    from skillspas.verifier.qr import encode_payload

    page = visit.page
    page.keyboard.press("Tab")  # the skip link comes first
    assert page.evaluate("document.activeElement.className") == "skip"
    for _ in range(20):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "paste":
            break
    assert page.evaluate("document.activeElement.id") == "paste"
    page.keyboard.insert_text(encode_payload(world.credentials["diploma"]))
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "paste-check"
    page.keyboard.press("Enter")
    assert visit.verdict() == "valid"
    assert page.evaluate("document.activeElement.id") == "verdict-heading"
    # Every control has a label a screen reader can read.
    unlabelled = page.evaluate(
        """() => [...document.querySelectorAll('input, textarea')].filter(e =>
              !(e.labels && e.labels.length) && !e.getAttribute('aria-label')).map(e => e.id)"""
    )
    assert unlabelled == []
    visit.assert_clean()


def test_camera_scan_reads_the_qr_code_and_verifies_it(visit: Visit, world: PageWorld) -> None:
    visit.context.grant_permissions(["camera"], origin=visit.server.url.rstrip("/"))
    visit.page.click("#camera-start")
    visit.page.wait_for_selector(VERDICT, timeout=30_000)
    assert visit.page.get_attribute("#verdict", "data-verdict") == "valid"
    assert visit.page.is_hidden("#video")  # the camera stops once the code is read
    visit.assert_clean()


def _timed(visit: Visit, action: Any) -> tuple[float, str]:
    """Seconds from ``action`` until the page shows a verdict or a message, and what it shows."""
    visit.clear_verdict()
    visit.page.evaluate("() => { document.getElementById('status').textContent = ''; }")
    start = time.monotonic()
    action()
    visit.page.wait_for_function(
        "() => document.getElementById('verdict') || /groot|large/.test(document.getElementById('status').textContent)",
        timeout=10_000,
    )
    elapsed = time.monotonic() - start
    code = visit.page.get_attribute(".verdict-code[data-code]", "data-code") if visit.page.query_selector("#verdict") else "client"
    return elapsed, code or ""


@pytest.mark.parametrize(
    "name, expected",
    [
        pytest.param("noise", "qr_unreadable", id="random bytes as an image"),
        pytest.param("deep", "too_deep", id="JSON nested 100,000 deep"),
        pytest.param("qr_bomb", "qr_too_large", id="a zlib bomb inside a QR image"),
    ],
)
def test_hostile_files_get_a_clear_message_within_2_seconds(visit: Visit, world: PageWorld, name: str, expected: str) -> None:
    elapsed, code = _timed(visit, lambda: visit.page.set_input_files("#file", str(world.files[name])))
    assert code == expected
    assert elapsed < 2.0, f"{name}: {elapsed:.2f} s"
    assert visit.page.inner_text(".verdict-sentence").strip()  # a plain sentence, not only the code
    visit.clear_verdict()
    assert visit.upload(world.files["diploma"]) == "valid"  # the page is still up
    visit.assert_clean()


def test_the_parts_of_a_set_pasted_one_by_one_are_counted_and_verified_when_complete(visit: Visit, world: PageWorld) -> None:
    from skillspas.verifier.qr import encode_payload, split_payload

    parts = split_payload(encode_payload(world.credentials["diploma"]), 3)
    for number, part in enumerate([parts[2], parts[0]], 1):  # in any order
        visit.page.fill("#paste", part)
        visit.page.click("#paste-check")
        assert f"{number} van 3 delen gescand" in visit.page.inner_text("#status")
        assert visit.page.evaluate("document.body.dataset.parts") == f"{number}/3"
    visit.page.fill("#paste", parts[1])
    visit.page.click("#paste-check")
    assert visit.verdict() == "valid"
    visit.assert_clean()


def test_photos_of_the_parts_of_a_set_chosen_one_by_one_or_together_are_joined_and_verified(
    visit: Visit, world: PageWorld, tmp_path: Path
) -> None:
    from skillspas.verifier.qr import encode_payload, split_payload
    from skillspas.wallet_export.qr import qr_for_text

    parts = split_payload(encode_payload(world.credentials["diploma"]), 3)
    photos = [qr_for_text(part).save(tmp_path / f"part-{number}.png") for number, part in enumerate(parts, 1)]
    page = visit.page
    for number, photo in enumerate([photos[2], photos[0]], 1):  # one by one, in any order
        page.set_input_files("#file", str(photo))
        page.wait_for_function(f"() => document.body.dataset.parts === '{number}/3'", timeout=10_000)
        assert f"{number} van 3 delen gescand" in page.inner_text("#status")
    assert page.is_hidden(VERDICT)  # a part alone is not a verdict
    assert visit.upload(photos[1]) == "valid" and "Anouk Testdata" in page.inner_text("article.credential")
    visit.clear_verdict()
    page.set_input_files("#file", [str(photos[1]), str(photos[2]), str(photos[0])])  # all at once
    assert visit.verdict() == "valid" and "Klaar" in page.inner_text("#status")
    visit.assert_clean()


def test_huge_file_and_pasted_zlib_bomb_are_refused_quickly(visit: Visit, world: PageWorld) -> None:
    for name in ("huge_json", "huge_image"):  # 40 MB each (sparse files): refused before any upload
        elapsed, code = _timed(visit, lambda: visit.page.set_input_files("#file", str(world.files[name])))
        assert code == "client" and elapsed < 2.0, (name, elapsed)
        assert "te groot" in visit.page.inner_text("#status")

    def paste_bomb() -> None:
        visit.page.fill("#paste", zlib_bomb_text())
        visit.page.click("#paste-check")

    elapsed, code = _timed(visit, paste_bomb)
    assert code == "qr_too_large" and elapsed < 2.0
    visit.clear_verdict()
    assert visit.upload(world.files["diploma"]) == "valid"
    visit.assert_clean()


def test_page_is_served_with_a_self_only_content_security_policy(visit: Visit) -> None:
    headers = visit.response.headers
    assert "default-src 'self'" in headers["content-security-policy"]
    assert "https:" not in headers["content-security-policy"] and "*" not in headers["content-security-policy"]
    scripts = visit.page.eval_on_selector_all("script:not([type=\"application/json\"])", "s => s.map(e => e.src)")
    links = visit.page.eval_on_selector_all("link", "s => s.map(e => e.href)")
    assert all(url.startswith(visit.server.url) for url in scripts + links)
    assert visit.page.evaluate("typeof window.ZXingWASM.readBarcodes") == "function"  # the camera's QR reader
    visit.assert_clean()


_CONTRAST = """(selectors) => {
  const rgb = (s) => (s.match(/rgba?\\(([^)]+)\\)/) || [null, "0,0,0,0"])[1].split(",").map(Number);
  const lum = (c) => { const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
                       return 0.2126 * f(c[0]) + 0.7152 * f(c[1]) + 0.0722 * f(c[2]); };
  const ground = (el) => { for (; el; el = el.parentElement) { const c = rgb(getComputedStyle(el).backgroundColor);
                           if (c.length < 4 || c[3] > 0) return c; } return [255, 255, 255]; };
  return selectors.flatMap((sel) => [...document.querySelectorAll(sel)].map((el) => {
    const a = lum(rgb(getComputedStyle(el).color)), b = lum(ground(el));
    return [sel, (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05)];
  }));
}"""
_TEXTS = ["h1", "h2", "label", ".hint", "button", ".lang", "#verdict-heading", ".verdict-sentence", ".verdict-next",
          ".verdict-code", ".badge", "dl.facts dt", "dl.facts dd", ".source", ".did", ".skill-code", "#trust-info"]


@pytest.mark.parametrize("name", ["diploma", "revoked"])
def test_text_contrast_meets_wcag_aa(visit: Visit, world: PageWorld, name: str) -> None:
    visit.upload(world.files[name])
    ratios = visit.page.evaluate(_CONTRAST, _TEXTS)
    assert ratios and {sel for sel, _ in ratios} >= {"label", "#verdict-heading", ".verdict-sentence"}
    low = [(sel, round(ratio, 2)) for sel, ratio in ratios if ratio < 4.5]
    assert low == []
    visit.assert_clean()


def test_json_endpoint_answers_the_same_as_the_page_shows(visit: Visit, world: PageWorld) -> None:
    body = json.dumps(world.credentials["revoked"])
    answer = visit.page.evaluate(
        "async (body) => { const r = await fetch('api/verify', {method: 'POST', body}); "
        "return {status: r.status, exit: r.headers.get('skillspas-exit-code'), json: await r.json()}; }",
        body,
    )
    assert answer["status"] == 200 and answer["exit"] == "1"
    assert answer["json"]["verified"] is False and answer["json"]["errors"][0]["code"] == "revoked"
    visit.assert_clean()


_PAINT = """() => { const box = document.getElementById('verdict'), bar = box.querySelector('.verdict-bar');
  const style = getComputedStyle(box);
  return {border: style.borderTopColor, ground: style.backgroundColor, bar: getComputedStyle(bar).backgroundColor}; }"""




@pytest.mark.parametrize(
    "name, stale, verdict, colour",
    [("diploma", False, "valid", "green"), ("revoked", False, "invalid", "red"), ("diploma", True, "warning", "orange")],
    ids=["valid is green", "revoked is red", "stale status is orange"],
)
def test_the_verdict_box_is_painted_in_its_verdicts_colour(
    browser: Any, server: Server, stale_server: Server, world: PageWorld, name: str, stale: bool, verdict: str, colour: str
) -> None:
    visit = Visit(browser, stale_server if stale else server)
    try:
        assert visit.upload(world.files[name]) == verdict
        paint = visit.page.evaluate(_PAINT)
        assert {part: colour_family(value) for part, value in paint.items()} == {"border": colour, "ground": colour, "bar": colour}, paint
        visit.assert_clean()
    finally:
        visit.close()


def test_a_credential_naming_another_organisation_is_orange_with_the_trust_list_name(visit: Visit, world: PageWorld) -> None:
    assert visit.upload(world.files["misnamed"]) == "warning"
    page = visit.page
    assert colour_family(page.evaluate(_PAINT)["bar"]) == "orange"
    warning = page.inner_text("#verdict .warning-list")
    assert world.EVC_NAME in warning and world.ROC_NAME in warning and page.is_visible("#verdict .warning-list")
    issuer = page.locator("article.credential dl.facts dd").nth(1).inner_text()
    assert issuer.startswith(world.ROC_NAME) and "volgens de vertrouwenslijst" in issuer
    visit.assert_clean()


def test_the_employer_picks_kok_by_name_and_sees_the_same_bridge_as_the_cli(visit: Visit, world: PageWorld) -> None:
    from typer.testing import CliRunner

    from skillspas.issuer.cli import app

    files = [str(world.files[k]) for k in ("diploma", "praktijkverklaring", "evc", "microcredential")]
    run = CliRunner().invoke(app, ["passport", "bridge", *files, "--bundle", str(world.files["bundle"]),
                                   "--trust-anchor", world.anchor.controller, "--to", "kok", "--json"])
    assert run.exit_code == 0, run.output
    cli = json.loads(run.output)
    assert visit.upload(world.files["passport"]) == "warning"  # no holder proof: said, in orange
    page = visit.page
    page.fill("#occupation-search", "kok")
    page.click("#occupation-search-button")
    page.wait_for_selector("#occupation-results button[data-uri]")
    first = page.locator("#occupation-results button[data-uri]").first
    assert first.get_attribute("data-uri") == cli["target"]["uri"]
    assert page.locator("#occupation-results li").first.inner_text().split()[0] == "kok"
    assert "ESCO, European Commission" in page.inner_text("#occupation-results")
    answers: list[dict[str, Any]] = []

    def keep(route: Any) -> None:  # the page's own request, answered by the server, its body kept for the test
        response = route.fetch()
        answers.append(response.json())
        route.fulfill(response=response)

    page.route("**/api/verify?*occupation=*", keep)
    first.click()
    page.wait_for_selector("#bridge-list")
    assert answers[0]["view"]["bridge"] == cli  # the very same result object as the CLI's --json
    shown = page.eval_on_selector_all(
        "#bridge-list li", "items => items.map(i => [i.dataset.uri, i.dataset.covered === 'true', i.dataset.essential === 'true'])")
    assert shown == [[s["uri"], s["covered"], s["essential"]] for s in cli["skills"]]
    assert page.inner_text("#bridge-summary") == (
        f"{cli['essential']['covered']} van de {cli['essential']['total']} essentiële vaardigheden voor kok zijn bewezen.")
    assert cli["essential"]["total"] == 16
    crebos = page.eval_on_selector_all("#bridge-suggestions li", "items => items.map(i => i.dataset.crebo)")
    assert crebos == [s["crebo"] for s in cli["suggestions"]] and crebos
    assert "ESCO, European Commission" in page.inner_text("#bridge-attribution")
    assert page.evaluate("document.activeElement.id") == "bridge-summary"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "bridge-kok.png"), full_page=True)
    visit.assert_clean()


def test_the_employer_types_the_code_they_gave_and_a_presentation_made_with_it_is_green(visit: Visit, world: PageWorld) -> None:
    from pageworld import example
    from skillspas.keys import LocalSigner, generate
    from skillspas.wallet_export import build_presentation

    holder = LocalSigner(generate("ed25519"))
    own = world._diploma({**example("mbo-diploma", "kok-anouk-testdata"), "learner_did": holder.controller}, 7)
    page = visit.page
    page.fill("#paste", json.dumps(build_presentation([own], holder=holder, challenge="vacature-17")))
    page.fill("#challenge", " vacature-17 ")
    page.click("#paste-check")
    assert visit.verdict() == "valid"
    visit.clear_verdict()
    page.fill("#challenge", "vacature-18")
    page.click("#paste-check")
    assert visit.verdict() == "invalid" and "challenge_mismatch" in page.inner_text("#verdict")
    visit.assert_clean()


def test_the_employer_types_the_domain_they_gave_and_a_presentation_made_for_another_is_red(
        visit: Visit, world: PageWorld) -> None:
    from pageworld import example
    from skillspas.keys import LocalSigner, generate
    from skillspas.wallet_export import build_presentation

    holder = LocalSigner(generate("ed25519"))
    own = world._diploma({**example("mbo-diploma", "kok-anouk-testdata"), "learner_did": holder.controller}, 7)
    page = visit.page
    assert page.inner_text("label[for=domain]") == "Domein dat u de kandidaat gaf (domain, niet verplicht)"
    page.fill("#paste", json.dumps(build_presentation([own], holder=holder, challenge="vacature-17", domain="werkgever.example")))
    page.fill("#challenge", "vacature-17")
    page.fill("#domain", " werkgever.example ")
    page.click("#paste-check")
    assert visit.verdict() == "valid"
    visit.clear_verdict()
    page.fill("#domain", "ander.example")
    page.click("#paste-check")
    assert visit.verdict() == "invalid" and "domain_mismatch" in page.inner_text("#verdict")
    page.click("button[data-lang=en]")
    assert page.inner_text("label[for=domain]") == "Domain you gave the candidate (domain, optional)"
    visit.assert_clean()


def test_a_presentation_made_for_another_code_lists_its_credential_orange_as_not_this_persons_and_proves_no_skills(
        visit: Visit, world: PageWorld) -> None:
    """A replayed presentation (its holder proof made for another code) is red; its genuine diploma is still listed,
    with its issuer and whom it names, but orange with an unsigned passport's warning (holder_not_proven), and no
    skill is called proven: no "Bewezen vaardigheden" table, no vacancy or bridge."""
    from pageworld import example
    from skillspas.keys import LocalSigner, generate
    from skillspas.wallet_export import build_presentation

    holder = LocalSigner(generate("ed25519"))
    own = world._diploma({**example("mbo-diploma", "kok-anouk-testdata"), "learner_did": holder.controller}, 7)
    page = visit.page
    page.fill("#paste", json.dumps(build_presentation([own], holder=holder, challenge="vacature-16")))
    page.fill("#challenge", "vacature-17")
    page.click("#paste-check")
    assert visit.verdict() == "invalid" and "challenge_mismatch" in page.inner_text("#verdict")
    assert "[holder_not_proven]" in page.inner_text("#verdict")
    card = page.locator("article.credential")
    assert card.count() == 1 and card.get_attribute("data-verdict") == "warning"
    text = card.inner_text()
    assert "Geldig, met een waarschuwing" in text and world.ROC_NAME in text and "Anouk Testdata" in text
    assert "Niets bewijst dat de persoon tegenover u de persoon is" in text
    assert page.locator("#skills").is_hidden() and page.locator("#vacancy").is_hidden() and page.locator("#bridge").is_hidden()
    assert "Bewezen" not in page.inner_text("#result")
    visit.assert_clean()


def test_a_failed_credential_of_a_passport_is_numbered_once_and_named_as_its_file_claims_it(
        visit: Visit, world: PageWorld, tmp_path: Path) -> None:
    """The card of a credential whose signature fails says which one it is: "Bewijsstuk 2" (not "Bewijsstuk 2:
    Bewijsstuk 2") and, on its own line marked not verified, its type, title and issuer as its file claims them."""
    from skillspas.wallet_export import build_presentation

    tampered = world.credentials["tampered"]
    path = tmp_path / "paspoort-met-vervalsing.json"
    path.write_text(json.dumps(build_presentation([world.credentials["diploma"], tampered])), "utf-8")
    assert visit.upload(path) == "invalid"
    card = visit.page.locator("article.credential[data-verdict=invalid]")
    assert card.locator("h3").inner_text() == "Bewijsstuk 2"
    claimed = card.locator("[data-claimed]").inner_text()
    assert claimed.startswith("volgens het bestand (niet gecontroleerd): 'MboDiploma'") and tampered["name"] in claimed
    assert visit.page.locator("[data-claimed]").count() == 1  # the genuine diploma states its facts, not a claim
    visit.assert_clean()


def test_the_bridge_says_a_suggested_kwalificatie_the_candidate_already_holds_is_held(visit: Visit, world: PageWorld) -> None:
    """Kok (crebo 25180) suggested to close the gap to ESCO "kok" for a Kok diploma holder is marked as already held,
    as `skillspas passport bridge` says it; the other suggestions are not."""
    assert visit.upload(world.files["passport"]) == "warning"
    page = visit.page
    page.fill("#occupation-search", "kok")
    page.click("#occupation-search-button")
    page.wait_for_selector("#occupation-results button[data-uri]")
    page.locator("#occupation-results button[data-uri]").first.click()
    page.wait_for_selector("#bridge-suggestions li")
    held = page.eval_on_selector_all("#bridge-suggestions li", "items => items.map(i => [i.dataset.crebo, "
                                     "(i.querySelector('[data-held]') || {}).textContent || null])")
    assert dict(held)["25180"] == "(al behaald: dit paspoort heeft er een geldig bewijsstuk van) ", held
    assert all(text is None for crebo, text in held if crebo != "25180"), held
    visit.assert_clean()


def test_the_bridge_says_right_under_its_count_what_it_did_not_compare_and_marks_english_labels(visit: Visit, world: PageWorld) -> None:
    """A Kok diploma's CompetentNL skills are no part of the count of ESCO "kok" skills: the sentence that says so
    (and points to crebo 25180) stands right under the count, in the page's language, and an ESCO skill without a
    Dutch label is marked "(Engels)" in the list, as `skillspas passport bridge` prints them."""
    assert visit.upload(world.files["passport"]) == "warning"
    page = visit.page
    page.fill("#occupation-search", "kok")
    page.click("#occupation-search-button")
    page.wait_for_selector("#occupation-results button[data-uri]")
    page.locator("#occupation-results button[data-uri]").first.click()
    page.wait_for_selector("#bridge-not-compared")
    note = page.inner_text("#bridge-not-compared")
    assert note.startswith("Alleen ESCO-vaardigheden zijn vergeleken.") and "crebo 25180" in note, note
    order = page.eval_on_selector_all("#bridge-body > *", "items => items.map(i => i.id)")
    assert order.index("bridge-not-compared") == order.index("bridge-summary") + 1, order
    assert "dispose waste (Engels)" in page.inner_text("#bridge-list")
    visit.assert_clean()


def test_a_revoked_credential_dropped_beside_a_collected_passport_is_said_not_to_be_in_it(visit: Visit, world: PageWorld) -> None:
    """Two credentials collected make a passport; a revoked one dropped next is shown alone, in red, and the line above
    it no longer says "2 bewijsstukken samen gecontroleerd als één paspoort" as if that red verdict were the passport's."""
    page = visit.page
    for name in ("diploma", "evc"):
        visit.clear_verdict()
        visit.upload(world.files[name])
    assert page.inner_text("#collection-note").startswith("2 bewijsstukken samen gecontroleerd")
    visit.clear_verdict()
    assert visit.upload(world.files["revoked"]) == "invalid"
    assert page.inner_text("#collection-note").startswith("De uitkomst hieronder is niet aan het paspoort van 2 bewijsstukken"), \
        page.inner_text("#collection-note")
    page.click("button[data-lang=en]")
    assert page.inner_text("#collection-note").startswith("The result below was not added to the passport of 2 credentials")
    page.click("button[data-lang=nl]")
    visit.clear_verdict()
    visit.upload(world.files["microcredential"])  # a valid one joins: the passport of three is the result again
    assert page.inner_text("#collection-note").startswith("3 bewijsstukken samen gecontroleerd")
    visit.assert_clean()


def test_a_passport_with_one_valid_credential_says_proven_by_1_geldig_bewijsstuk(visit: Visit, world: PageWorld) -> None:
    """The skills table's caption counts in Dutch: "bewezen door 1 geldig bewijsstuk", not "1 geldige bewijsstukken"."""
    assert visit.upload(world.files["mixed_passport"]) == "invalid"  # the diploma and a revoked one
    caption = visit.page.inner_text("#skills-table caption")
    assert caption.endswith("vaardigheden, bewezen door 1 geldig bewijsstuk"), caption
    visit.page.click("button[data-lang=en]")
    assert visit.page.inner_text("#skills-table caption").endswith("skills, proven by 1 valid credential")
    visit.assert_clean()


def test_a_passport_of_one_credential_proving_one_skill_counts_it_in_the_singular_in_both_languages(
        visit: Visit, world: PageWorld, tmp_path: Path) -> None:
    """"1 vaardigheid, bewezen door 1 geldig bewijsstuk", "1 van de 1 gevraagde vaardigheid is bewezen.", never
    "1 vaardigheden"; in English "1 skill", "1 of the 1 skill asked for is proven."."""
    from pageworld import example
    from skillspas.issuer.credentials import build
    from skillspas.wallet_export import build_presentation

    row = example("microcredential", "veilig-werken-op-hoogte-steenrood")
    anouk = example("mbo-diploma", "kok-anouk-testdata")
    row.update(issuer_name=world.BISTRO_NAME, learner_name=anouk["learner_name"], learner_did=anouk["learner_did"],
               skills=row["skills"][:1])
    micro = sign(build("microcredential", row, issuer=world.bistro.controller), world.bistro)
    path = tmp_path / "paspoort-een-vaardigheid.json"
    path.write_text(json.dumps(build_presentation([micro])), "utf-8")
    page = visit.page
    assert visit.upload(path) == "warning"
    assert page.inner_text("#verdict-heading") == "Geldig, met een waarschuwing"
    assert "Het bewijsstuk van Anouk Testdata is echt en geldig." in page.inner_text("#verdict")
    assert page.inner_text("#skills-table caption") == "1 vaardigheid, bewezen door 1 geldig bewijsstuk"
    page.fill("#vacancy-input", row["skills"][0])
    page.click("#vacancy-check")
    page.wait_for_selector("#vacancy-list")
    assert page.inner_text("#vacancy-summary") == "1 van de 1 gevraagde vaardigheid is bewezen."
    page.click("button[data-lang=en]")
    assert page.inner_text("#skills-table caption") == "1 skill, proven by 1 valid credential"
    assert page.inner_text("#vacancy-summary") == "1 of the 1 skill asked for is proven."
    assert "The credential of Anouk Testdata is genuine and valid." in page.inner_text("#verdict")
    assert page.inner_text("#trust-info").startswith("Verification bundle of ") and "recognised issuers." in page.inner_text("#trust-info")
    visit.assert_clean()


def test_a_tampered_qr_code_alone_is_named_as_its_file_claims_it_under_the_red_verdict(visit: Visit, world: PageWorld) -> None:
    assert visit.upload(world.files["qr_tampered"]) == "invalid"
    claimed = visit.page.inner_text("#verdict [data-claimed]")
    assert claimed.startswith("volgens het bestand (niet gecontroleerd): 'MboDiploma'"), claimed
    assert "Iemand Anders" not in visit.page.inner_text("#result")
    visit.clear_verdict()
    assert visit.upload(world.files["qr_valid"]) == "valid" and visit.page.locator("[data-claimed]").count() == 0
    visit.assert_clean()


def test_an_english_only_esco_label_is_marked_english_in_the_skills_table_and_on_its_card(visit: Visit, world: PageWorld) -> None:
    """"dispose waste" among Dutch skill names read as Dutch: the proven-skills table and the card mark it, as the
    bridge list does (``shownLabel``); in English it is plain."""
    from pageworld import example
    from skillspas.issuer.credentials import build
    from skillspas.wallet_export.presentation import build_presentation

    dispose_waste = "http://data.europa.eu/esco/skill/5e433def-210d-4dfa-bf07-dbf6d04e0eaa"
    row = {**example("microcredential", "haccp-voedselveiligheid-bistro-de-gracht"),
           **{k: example("mbo-diploma", "kok-anouk-testdata")[k] for k in ("learner_name", "learner_did")}}
    row["skills"] = [*row["skills"], dispose_waste]
    english = sign(build("microcredential", row, issuer=world.bistro.controller), world.bistro)
    path = world.folder / "passport-english-label.json"
    path.write_text(json.dumps(build_presentation([world.credentials["diploma"], english])), "utf-8")
    assert visit.upload(path) == "warning"
    page = visit.page
    assert page.inner_text(f"#skills-table tr[data-uri='{dispose_waste}'] th") == "dispose waste (Engels)"
    assert page.text_content(f"article.credential li[data-uri='{dispose_waste}']").startswith("dispose waste (Engels) ")
    page.fill("#skill-search", "dispose waste")  # the search and the vacancy line name it so too
    page.click("#skill-search-button")
    page.wait_for_selector("#search-results li button")
    assert page.inner_text("#search-results li").startswith("dispose waste (Engels) ")
    page.fill("#vacancy-input", dispose_waste)
    page.click("#vacancy-check")
    page.wait_for_selector("#vacancy-list")
    assert page.inner_text("#vacancy-list li").startswith("✓ Aanwezig: dispose waste (Engels) (Microcredential")
    page.click("button[data-lang=en]")
    assert page.inner_text(f"#skills-table tr[data-uri='{dispose_waste}'] th") == "dispose waste"
    assert ": dispose waste (Microcredential" in page.inner_text("#vacancy-list li")
    visit.assert_clean()
