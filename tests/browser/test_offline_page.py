"""The installable offline page (issue 19) in Chromium: load once, go offline, reload, verify on the phone.

``skillspas verifier --build-static`` writes the page with the world's bundle and trust anchor; a
static HTTP server on 127.0.0.1 serves it (as any host would). After the first load the network is
cut (Playwright's offline mode): the reload must come from the service worker, and the verdicts
must be those of ``skillspas verify``. No request may leave 127.0.0.1. The bundle is kept on the
phone: offline, the kept one is used, its age is shown, and a month later (the phone's clock moved
on, still offline) its status lists are too old: the orange verdict of the laptop, with the CLI's code.
The laptop's ``skillspas verifier`` serves the same installable page under ``/app/``.
"""

from __future__ import annotations

import datetime as dt
import functools
import http.server
import json
import threading
import urllib.request
from pathlib import Path
from typing import Any, Iterator

import pytest
from typer.testing import CliRunner

from skillspas.issuer.cli import app
from helpers import load_module

ROOT = Path(__file__).resolve().parents[2]


browserkit = load_module("_offline_browserkit", ROOT / "tests/page/browserkit.py")
pageworld = load_module("_offline_pageworld", ROOT / "tests/page/pageworld.py")
parity = load_module("_offline_parity", ROOT / "tests/browser/test_browser_parity.py")
LATER = dt.timedelta(days=30)  # the phone offline for a month: longer than the default --max-status-age 7d


class _Quiet(http.server.SimpleHTTPRequestHandler):
    extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map, ".mjs": "text/javascript",
                      ".wasm": "application/wasm", ".webmanifest": "application/manifest+json"}

    def log_message(self, *_args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Any:
    parity.ensure_runtime()
    browserkit.have_browser_tools()
    return pageworld.PageWorld(tmp_path_factory.mktemp("offline-world")).build()


@pytest.fixture(scope="module")
def site(world: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    out = tmp_path_factory.mktemp("offline-site")
    built = CliRunner().invoke(app, ["verifier", "--build-static", str(out), "--bundle", str(world.files["bundle"]),
                                     "--trust-anchor", world.anchor.controller])
    assert built.exit_code == 0, built.output
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(out)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()


@pytest.fixture(scope="module")
def laptop(world: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    log = tmp_path_factory.mktemp("laptop-page") / "server.log"
    running = browserkit.start_server("--bundle", str(world.files["bundle"]), "--trust-anchor", world.anchor.controller, log=log)
    yield running.url
    running.stop()


@pytest.fixture()
def phone() -> Iterator[Any]:
    """A browser context with a phone's viewport and touch, recording every request."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=browserkit.CHROMIUM, headless=True,
                                             args=list(browserkit.CHROMIUM_FLAGS))
        context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
        context.requests = []
        context.on("request", lambda request: context.requests.append(request.url))
        yield context
        browser.close()


def _cli(world: Any, name: str, now: dt.datetime | None = None) -> dict[str, Any]:
    args = ["verify", str(world.files[name]), "--json", "--bundle", str(world.files["bundle"]),
            "--trust-anchor", world.anchor.controller]
    if now is not None:
        args += ["--now", now.isoformat().replace("+00:00", "Z")]
    return json.loads(CliRunner().invoke(app, args).stdout)


def _code(body: dict[str, Any]) -> str:
    problems = body["errors"] or body["warnings"] or [w for c in body.get("credentials", []) for w in c["warnings"]]
    return (problems or [{"code": ""}])[0]["code"]


def hard_qr_png(credential: dict[str, Any]) -> bytes:
    """The credential's QR code at version 28, turned 5 degrees and blurred: read by zxing-wasm, not by
    jsQR 1.4.0, the reader the laptop page had before (checked once by hand when it was replaced)."""
    import io

    import segno
    from PIL import Image, ImageFilter

    from skillspas.verifier.qr import encode_payload

    png = io.BytesIO()
    segno.make(encode_payload(credential), error="m", version=28, micro=False).save(png, kind="png", scale=4, border=4)
    with Image.open(io.BytesIO(png.getvalue())) as code:
        turned = code.convert("L").rotate(5, resample=Image.BICUBIC, expand=True, fillcolor=255)
    out = io.BytesIO()
    turned.filter(ImageFilter.GaussianBlur(1.5)).save(out, format="PNG")
    return out.getvalue()


@pytest.fixture(scope="module")
def hard_qr(world: Any, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The hard QR code of the world's diploma as a photo and as the fake camera's video."""
    folder = tmp_path_factory.mktemp("hard-qr")
    photo = folder / "diploma-v28.png"
    photo.write_bytes(hard_qr_png(world.credentials["diploma"]))
    return {"photo": photo, "camera": pageworld.write_y4m(photo.read_bytes(), folder / "diploma-v28.y4m")}


@pytest.fixture()
def camera_phone(hard_qr: dict[str, Path]) -> Iterator[Any]:
    """A phone whose (fake) camera shows the hard QR code."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=browserkit.CHROMIUM, headless=True,
            args=[*browserkit.CHROMIUM_FLAGS, "--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream",
                  f"--use-file-for-fake-video-capture={hard_qr['camera']}"])
        context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
        context.requests = []
        context.on("request", lambda request: context.requests.append(request.url))
        yield context
        browser.close()


def _cli_on(world: Any, document: bytes, folder: Path) -> dict[str, Any]:
    path = folder / "document.json"
    path.write_bytes(document)
    args = ["verify", str(path), "--json", "--bundle", str(world.files["bundle"]), "--trust-anchor", world.anchor.controller]
    return json.loads(CliRunner().invoke(app, args).stdout)


def _verdict(page: Any) -> dict[str, str | None]:
    verdict = page.wait_for_selector("#verdict:not([hidden])", timeout=60_000)
    return {key: verdict.get_attribute(f"data-{key}") for key in ("verified", "code", "verdict")}


def _load(page: Any, url: str) -> None:
    page.goto(url)
    page.wait_for_selector("#verify:not([disabled])", timeout=120_000)


def _check(page: Any, world: Any, name: str) -> dict[str, str | None]:
    page.evaluate("document.getElementById('verdict').hidden = true")
    page.fill("#input", world.files[name].read_text("utf-8"))
    page.click("#verify")
    verdict = page.wait_for_selector("#verdict:not([hidden])")
    return {key: verdict.get_attribute(f"data-{key}") for key in ("verified", "code", "verdict")}


def _expected(body: dict[str, Any]) -> dict[str, str | None]:
    colour = ("warning" if _code(body) else "valid") if body["verified"] else "invalid"
    return {"verified": str(body["verified"]).lower(), "code": _code(body), "verdict": colour}


def test_the_page_verifies_on_the_phone_after_going_offline(site, world, phone):
    page = phone.new_page()
    _load(page, site + "index.html")
    names = page.evaluate("navigator.serviceWorker.ready.then(() => new Promise(r => setTimeout(r, 500))).then(() => caches.keys())")
    assert sorted(n.split("-")[1] for n in names) == ["bundle", "verifier"], names
    phone.set_offline(True)
    page.reload()
    page.wait_for_selector("#verify:not([disabled])", timeout=120_000)
    assert page.get_attribute("#bundle-info", "data-age-days") == "0"  # the kept bundle, not "no bundle"
    for name in ("diploma", "revoked", "tampered"):
        assert _check(page, world, name) == _expected(_cli(world, name)), name
    assert phone.requests and all(url.startswith(site) for url in phone.requests), phone.requests


def test_a_month_offline_the_kept_bundle_is_too_old_and_the_verdict_is_orange_as_in_the_cli(site, world, phone):
    page = phone.new_page()
    _load(page, site + "index.html")
    page.evaluate("navigator.serviceWorker.ready.then(() => new Promise(r => setTimeout(r, 500)))")
    phone.set_offline(True)
    later = dt.datetime.now(dt.timezone.utc) + LATER
    page.clock.install(time=later)  # the phone's clock, for the page and for Pyodide's datetime.now()
    page.reload()
    page.wait_for_selector("#verify:not([disabled])", timeout=120_000)
    assert page.get_attribute("#bundle-info", "data-old") == "true"
    assert int(page.get_attribute("#bundle-info", "data-age-days")) >= LATER.days
    cli = _cli(world, "diploma", now=later)
    assert cli["verified"] is True and _code(cli), cli  # valid, with the CLI's staleness warning
    got = _check(page, world, "diploma")
    assert got == _expected(cli) and got["verdict"] == "warning", got
    colour = page.evaluate("getComputedStyle(document.getElementById('verdict')).borderTopColor")
    assert colour == "rgb(240, 160, 30)", colour  # the laptop page's --warning orange (style.css)
    assert all(url.startswith(site) for url in phone.requests)


def test_the_laptop_page_serves_the_installable_page_and_links_to_it(laptop, world, phone):
    with urllib.request.urlopen(laptop + "app/") as answer:
        policy = answer.headers["content-security-policy"]
        assert "script-src 'self' 'wasm-unsafe-eval'" in policy and "connect-src 'self'" in policy, policy
    page = phone.new_page()
    page.goto(laptop)
    page.click("#phone-link a")
    page.wait_for_selector("#verify:not([disabled])", timeout=120_000)
    assert page.url == laptop + "app/"
    assert page.get_attribute("#bundle-info", "data-age-days") == "0"
    page.evaluate("navigator.serviceWorker.ready.then(() => new Promise(r => setTimeout(r, 500)))")
    phone.set_offline(True)
    page.reload()
    page.wait_for_selector("#verify:not([disabled])", timeout=120_000)
    for name in ("diploma", "revoked"):
        assert _check(page, world, name) == _expected(_cli(world, name)), name
    assert all(url.startswith(laptop) for url in phone.requests)


def test_the_passport_pdf_dropped_on_the_offline_phone_gives_the_laptops_verdict(site, world, phone, tmp_path):
    from skillspas.schemas.limits import Limits
    from skillspas.verifier.page.inputs import document_bytes
    from skillspas.verifier.qr import MAX_IMAGE_BYTES

    pdf = tmp_path / "paspoort.pdf"
    pdf.write_bytes(pageworld.passport_pdf(world))
    laptop = _cli_on(world, document_bytes(pdf.read_bytes(), limits=Limits(), max_image_bytes=MAX_IMAGE_BYTES), tmp_path)
    page = phone.new_page()
    _load(page, site + "index.html")
    page.evaluate("navigator.serviceWorker.ready.then(() => new Promise(r => setTimeout(r, 500)))")
    phone.set_offline(True)
    page.reload()
    page.wait_for_selector("#verify:not([disabled])", timeout=120_000)
    page.set_input_files("#file", str(pdf))
    assert _verdict(page) == _expected(laptop)
    shown = json.loads(page.text_content("#json"))
    assert len(shown["credentials"]) == len(laptop["credentials"]) == 4  # every QR code of the PDF, read on the phone
    assert all(url.startswith(site) for url in phone.requests), phone.requests


def test_a_blurred_turned_version_28_qr_photo_is_read_on_the_phone(site, world, phone, hard_qr):
    page = phone.new_page()
    _load(page, site + "index.html")
    page.set_input_files("#file", str(hard_qr["photo"]))
    assert _verdict(page) == _expected(_cli(world, "diploma"))
    assert all(url.startswith(site) for url in phone.requests), phone.requests


def test_the_phones_camera_reads_the_blurred_turned_qr_code_and_verifies_it(site, world, camera_phone):
    page = camera_phone.new_page()
    _load(page, site + "index.html")
    page.click("#camera-start")
    assert _verdict(page) == _expected(_cli(world, "diploma"))
    assert page.is_hidden("#video")  # the camera stops once the code is read
    assert all(url.startswith(site) for url in camera_phone.requests), camera_phone.requests


def test_the_laptop_pages_camera_reads_the_same_qr_code_with_the_same_reader(laptop, world, camera_phone):
    page = camera_phone.new_page()
    page.goto(laptop)
    page.click("#camera-start")
    verdict = page.wait_for_selector("#verdict[data-verdict]", timeout=60_000)
    assert verdict.get_attribute("data-verdict") == "valid"
    assert page.is_hidden("#video")
    assert all(url.startswith(laptop) for url in camera_phone.requests), camera_phone.requests


def test_qr_codes_scanned_one_after_another_on_the_phone_make_one_passport_with_one_summary(site, world, phone, tmp_path):
    from skillspas.schemas.limits import Limits
    from skillspas.verifier.page.inputs import passport_of
    from skillspas.verifier.qr import encode_payload
    from skillspas.verifier.run import verify_input
    from skillspas.verifier.summary import summarize_skills

    names = ("diploma", "praktijkverklaring", "microcredential")
    together = _cli_on(world, passport_of([world.credentials[n] for n in names], Limits()), tmp_path)
    laptop = summarize_skills(verify_input(passport_of([world.credentials[n] for n in names], Limits()),
                                           bundle=world.files["bundle"], trust_anchors=[world.anchor.controller])).to_json()
    assert together["verified"] is True and laptop["verifiedCredentials"] == [0, 1, 2] and laptop["skills"]
    page = phone.new_page()
    _load(page, site + "index.html")
    for count, name in enumerate(names, start=1):  # the text each QR code holds, pasted as the camera reads it
        page.evaluate("document.getElementById('verdict').hidden = true")
        page.fill("#input", encode_payload(world.credentials[name]))
        page.click("#verify")
        verdict = _verdict(page)
        assert json.loads(page.get_attribute("body", "data-collected")) == [world.credentials[n]["id"] for n in names[:count]]
        assert page.is_hidden("#collection") == (count == 1)
    assert verdict == _expected(together)
    assert len(json.loads(page.text_content("#json"))["credentials"]) == 3
    summary = json.loads(page.get_attribute("#summary", "data-summary"))  # one passport, one summary: the laptop's skills
    assert sorted(s["uri"] for s in summary["skills"]) == sorted(s["uri"] for s in laptop["skills"])
    assert {k: summary[k] for k in ("verifiedCredentials", "excludedCredentials", "person")} == \
        {k: laptop[k] for k in ("verifiedCredentials", "excludedCredentials", "person")}
    assert "3 bewijsstukken samen" in page.text_content("#collection-note")
    assert f"{len(laptop['skills'])} bewezen vaardigheden uit 3" in page.text_content("#summary")
    page.click("#collection-clear")
    assert page.get_attribute("body", "data-collected") == "[]" and page.is_hidden("#result")
    assert all(url.startswith(site) for url in phone.requests), phone.requests


def test_the_phone_shows_whose_credential_and_which_as_the_laptop_page_does(site, world, phone):
    credential = world.credentials["diploma"]
    page = phone.new_page()
    _load(page, site + "index.html")
    page.fill("#input", world.files["diploma"].read_text("utf-8"))
    page.click("#verify")
    assert _verdict(page)["verdict"] == "valid"
    card = page.text_content("#credentials")
    assert credential["credentialSubject"]["name"] in card and credential["name"] in card, card
    assert page.text_content("[data-fact=holder]") == credential["credentialSubject"]["name"]
    assert "Uitgever" in card and "Op naam van" in card  # the laptop page's words (verifier/page/texts.py)
    assert page.is_hidden(".verdict-code")  # a valid credential has no support code: no empty line


def test_the_code_typed_into_the_phones_challenge_field_is_checked_as_on_the_laptop_page(site, world, phone):
    """The laptop page's field (its words): a credential cannot carry the employer's code, so with one typed it is
    orange, challenge_not_used, not green and not red; emptied again, the same credential is green."""
    page = phone.new_page()
    _load(page, site + "index.html")
    assert page.text_content("label[for=challenge]") == "Code die u de kandidaat gaf (challenge)"
    page.fill("#challenge", "vacature-2026-17")
    page.fill("#input", world.files["diploma"].read_text("utf-8"))
    page.click("#verify")
    assert _verdict(page)["verdict"] == "warning"
    assert "challenge_not_used" in page.text_content("#verdict-warnings")
    page.fill("#challenge", "")
    assert _check(page, world, "diploma")["verdict"] == "valid"


def test_the_domain_typed_into_the_phones_domain_field_is_checked_as_on_the_laptop_page(site, world, phone):
    from skillspas.keys import LocalSigner, generate
    from skillspas.wallet_export import build_presentation

    holder = LocalSigner(generate("ed25519"))
    own = world._diploma({**pageworld.example("mbo-diploma", "kok-anouk-testdata"), "learner_did": holder.controller}, 7)
    page = phone.new_page()
    _load(page, site + "index.html")
    assert page.text_content("label[for=domain]") == "Domein dat u de kandidaat gaf (domain, niet verplicht)"
    page.fill("#challenge", "vacature-2026-17")
    page.fill("#domain", "ander.example")
    page.fill("#input", json.dumps(build_presentation([own], holder=holder, challenge="vacature-2026-17",
                                                      domain="werkgever.example")))
    page.click("#verify")
    assert _verdict(page)["code"] == "domain_mismatch"
    page.evaluate("document.getElementById('verdict').hidden = true")
    page.fill("#domain", "werkgever.example")
    page.click("#verify")
    assert _verdict(page) == {"verified": "true", "code": "", "verdict": "valid"}


def test_a_presentation_made_for_another_code_on_the_phone_lists_its_credential_orange_and_sums_no_skills(
        site, world, phone):
    """As on the laptop page: red for the presentation, its genuine diploma still listed but orange with the unsigned
    passport's warning (holder_not_proven), and no summary of proven skills."""
    from skillspas.keys import LocalSigner, generate
    from skillspas.wallet_export import build_presentation

    holder = LocalSigner(generate("ed25519"))
    own = world._diploma({**pageworld.example("mbo-diploma", "kok-anouk-testdata"), "learner_did": holder.controller}, 7)
    page = phone.new_page()
    _load(page, site + "index.html")
    page.fill("#challenge", "vacature-2026-17")
    page.fill("#input", json.dumps(build_presentation([own], holder=holder, challenge="vacature-2026-16")))
    page.click("#verify")
    assert _verdict(page) == {"verified": "false", "code": "challenge_mismatch", "verdict": "invalid"}
    assert "holder_not_proven" in page.text_content("#verdict-warnings")
    card = page.locator("#credentials article.credential")
    assert card.count() == 1 and card.get_attribute("data-verdict") == "warning"
    assert "Niets bewijst dat de persoon tegenover u de persoon is" in card.text_content()
    assert world.ROC_NAME in card.text_content() and page.is_hidden("#summary")


def _parts(world: Any) -> list[str]:
    """The diploma's QR text as a numbered set of two parts (``SPP:1/2/SET:…``, ``SPP:2/2/SET:…``)."""
    from skillspas.verifier.qr import encode_payload
    from skillspas.verifier.qr.parts import split_payload

    return split_payload(encode_payload(world.credentials["diploma"]), 2)


def test_the_two_pasted_parts_of_a_numbered_set_give_one_verdict_on_the_phone(site, world, phone):
    first, second = _parts(world)
    page = phone.new_page()
    _load(page, site + "index.html")
    page.fill("#input", first)
    page.click("#verify")
    page.wait_for_function("document.getElementById('status').textContent.includes('1 van 2 delen gescand')")
    assert page.is_hidden("#verdict")  # one part alone is no verdict (not qr_incomplete)
    page.fill("#input", second)
    page.click("#verify")
    assert _verdict(page) == _expected(_cli(world, "diploma"))
    assert world.credentials["diploma"]["credentialSubject"]["name"] in page.text_content("#credentials")


def test_the_qr_images_of_a_numbered_set_dropped_together_give_one_verdict_on_the_phone(site, world, phone):
    import base64

    from skillspas.wallet_export.qr import qr_for_text

    images = [base64.b64encode(qr_for_text(text).png()).decode("ascii") for text in _parts(world)]
    page = phone.new_page()
    _load(page, site + "index.html")
    page.evaluate("""(images) => {
        const files = new DataTransfer();
        images.forEach((data, i) => files.items.add(new File([Uint8Array.from(atob(data), (c) => c.charCodeAt(0))],
                                                             `qr-0${i + 1}-of-02.png`, { type: "image/png" })));
        document.dispatchEvent(new DragEvent("drop", { dataTransfer: files, bubbles: true, cancelable: true }));
    }""", images)
    assert _verdict(page) == _expected(_cli(world, "diploma"))
    assert world.credentials["diploma"]["credentialSubject"]["name"] in page.text_content("#credentials")
    assert page.get_attribute("#file", "multiple") is not None  # choosing several files, as on the laptop page


def test_more_files_dropped_at_once_than_the_phone_checks_are_refused_with_the_laptops_limit(site, world, phone):
    import base64

    from skillspas.verifier.page.texts import MAX_FILES, WORDS
    from skillspas.wallet_export.qr import credential_qr

    image = base64.b64encode(credential_qr(world.credentials["diploma"]).png()).decode("ascii")
    page = phone.new_page()
    _load(page, site + "index.html")
    page.evaluate("""([image, count]) => {
        const files = new DataTransfer();
        for (let i = 0; i < count; i++) {
            files.items.add(new File([Uint8Array.from(atob(image), (c) => c.charCodeAt(0))], `qr-${i}.png`, { type: "image/png" }));
        }
        document.dispatchEvent(new DragEvent("drop", { dataTransfer: files, bubbles: true, cancelable: true }));
    }""", [image, MAX_FILES + 1])
    assert page.text_content("#status") == WORDS["nl"]["too_many_files"].format(n=MAX_FILES)
    assert page.is_hidden("#verdict")  # none of them was checked


def test_the_phones_status_line_tells_each_checks_verdict_not_the_time_it_took_to_load(site, world, phone):
    from skillspas.verifier.page.texts import HEADINGS

    page = phone.new_page()
    _load(page, site + "index.html")
    loaded = page.text_content("#status")
    for body, verdict in ((world.files["tampered"].read_text("utf-8"), "invalid"), ("SP1:%%%%NOT-BASE45%%%%", "unusable")):
        page.evaluate("document.getElementById('verdict').hidden = true")
        page.fill("#input", body)
        page.click("#verify")
        assert _verdict(page)["verdict"] == verdict
        status = page.text_content("#status")
        assert status != loaded and HEADINGS[verdict]["nl"] in status, (loaded, status)


def test_a_qr_code_already_in_the_phones_passport_is_said_to_be_in_it(site, world, phone):
    from skillspas.verifier.qr import encode_payload

    page = phone.new_page()
    _load(page, site + "index.html")
    for _ in range(2):  # the same code twice, as a second photo of it gives
        page.evaluate("document.getElementById('verdict').hidden = true")
        page.fill("#input", encode_payload(world.credentials["diploma"]))
        page.click("#verify")
        assert _verdict(page)["verdict"] == "valid"
    assert "al in het paspoort" in page.text_content("#status"), page.text_content("#status")
    assert json.loads(page.get_attribute("body", "data-collected")) == [world.credentials["diploma"]["id"]]


def test_a_revoked_credential_checked_beside_the_phones_passport_is_said_not_to_be_in_it(site, world, phone):
    """As on the laptop page: after two credentials make a passport, a revoked one is shown alone and the line above it
    says it was not added, instead of "2 bewijsstukken samen gecontroleerd als één paspoort" over its red verdict."""
    page = phone.new_page()
    _load(page, site + "index.html")
    for name in ("diploma", "evc", "revoked"):
        page.evaluate("document.getElementById('verdict').hidden = true")
        page.fill("#input", world.files[name].read_text("utf-8"))
        page.click("#verify")
        verdict = _verdict(page)
    assert verdict["verdict"] == "invalid" and json.loads(page.get_attribute("body", "data-collected")) == [
        world.credentials[n]["id"] for n in ("diploma", "evc")]
    note = page.text_content("#collection-note")
    assert note.startswith("De uitkomst hieronder is niet aan het paspoort van 2 bewijsstukken toegevoegd"), note
    assert "Scan of kies het volgende" in note  # the phone's words: choose, not drop


def test_the_phone_dates_a_fresh_bundle_in_words_and_counts_one_credential_in_the_singular(site, world, phone):
    """The phone says "Controlebundel van 7 december 2026 (van vandaag)." as the laptop page dates it, not
    "2026-12-07 (0 dagen oud)"; a passport with one valid credential sums up "uit 1 bewijsstuk"."""
    import re

    page = phone.new_page()
    _load(page, site + "index.html")
    info = page.text_content("#bundle-info")
    assert re.fullmatch(r"Controlebundel van \d{1,2} [a-z]+ \d{4} \(van vandaag\)\.", info), info
    assert _check(page, world, "mixed_passport")["verdict"] == "invalid"  # the diploma and a revoked one
    assert re.fullmatch(r"Samenvatting: \d+ bewezen vaardigheden uit 1 bewijsstuk\.", page.text_content("#summary")), \
        page.text_content("#summary")


def test_the_phone_counts_one_proven_skill_of_one_credential_in_the_singular(site, world, phone, tmp_path):
    from skillspas.issuer import sign
    from skillspas.issuer.credentials import build
    from skillspas.wallet_export import build_presentation

    row = pageworld.example("microcredential", "veilig-werken-op-hoogte-steenrood")
    anouk = pageworld.example("mbo-diploma", "kok-anouk-testdata")
    row.update(issuer_name=world.BISTRO_NAME, learner_name=anouk["learner_name"], learner_did=anouk["learner_did"],
               skills=row["skills"][:1])
    micro = sign(build("microcredential", row, issuer=world.bistro.controller), world.bistro)
    page = phone.new_page()
    _load(page, site + "index.html")
    page.fill("#input", json.dumps(build_presentation([micro])))
    page.click("#verify")
    assert _verdict(page)["verdict"] == "warning"
    assert page.text_content("#summary") == "Samenvatting: 1 bewezen vaardigheid uit 1 bewijsstuk."
    assert page.text_content("#verdict-sentence") == "Het bewijsstuk van Anouk Testdata is echt en geldig."
    page.click("button[data-lang=en]")
    assert page.text_content("#summary") == "Summary: 1 proven skill from 1 credential."


def test_the_phone_heads_what_to_do_next_with_wat_nu_as_the_laptop_page_does(site, world, phone):
    page = phone.new_page()
    _load(page, site + "index.html")
    assert _check(page, world, "revoked")["verdict"] == "invalid"
    said = page.text_content("#verdict-next")
    assert said.startswith("Wat nu? ") and "uitgever" in said, said


def test_a_tampered_credential_alone_on_the_phone_is_named_as_its_file_claims_it(site, world, phone):
    page = phone.new_page()
    _load(page, site + "index.html")
    assert _check(page, world, "tampered")["verdict"] == "invalid"
    claimed = page.text_content("#verdict-claimed")
    assert page.is_visible("#verdict-claimed") and claimed.startswith("volgens het bestand (niet gecontroleerd): 'MboDiploma'")
    assert _check(page, world, "diploma")["verdict"] == "valid" and page.is_hidden("#verdict-claimed")
