"""One person's passport on the page, in real headless Chromium (issue 15, point 6).

The demo's passport PDF dropped on the page verifies every QR code in it; three QR codes scanned one
after another with the (fake) camera become one passport with one skills summary; a phone (390 px)
never scrolls sideways; "cannot be checked" is painted in its own neutral colour, never the red of a
forgery. Fixtures and helpers are those of ``test_page_browser.py``.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from browserkit import CHROMIUM_FLAGS, Server, have_browser_tools, start_server
from helpers import colour_family
from pageworld import PageWorld, passport_pdf, write_y4m
from skillspas.wallet_export.qr import credential_qr
from test_page_browser import _PAINT, VERDICT, Visit, server, world  # noqa: F401 (fixtures)

THREE = ("diploma", "evc", "microcredential")  # all Anouk's


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The output folder of ``skillspas demo`` (its bundle, QR codes and passport PDF)."""
    from skillspas.issuer.demo import run_demo

    folder = tmp_path_factory.mktemp("demo")
    run_demo(folder)
    return folder


@pytest.fixture(scope="module")
def demo_server(demo: Path) -> Iterator[Server]:
    anchor = (demo / "trust-anchor.txt").read_text("utf-8").strip()  # as the demo's last line says to start the page
    running = start_server("--bundle", str(demo / "bundle.json"), "--trust-anchor", anchor, log=demo / "server.log")
    yield running
    running.stop()


@pytest.fixture(scope="module")
def bare_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """The page without any trust material: nothing can be checked."""
    running = start_server(log=tmp_path_factory.mktemp("bare") / "server.log")
    yield running
    running.stop()


@pytest.fixture(scope="module")
def playwright() -> Iterator[Any]:
    """One Playwright for this module's two browsers (a second one cannot run beside it)."""
    have_browser_tools()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as running:
        yield running


def _launch(playwright: Any, *extra: str) -> Any:
    return playwright.chromium.launch(executable_path="/usr/bin/chromium", headless=True, args=[*CHROMIUM_FLAGS, *extra])


@pytest.fixture(scope="module")
def browser(playwright: Any) -> Iterator[Any]:
    launched = _launch(playwright)
    yield launched
    launched.close()


@pytest.fixture(scope="module")
def three_camera(playwright: Any, world: PageWorld, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:  # noqa: F811
    """Chromium whose fake camera shows three QR codes in turn (one second each)."""
    folder = tmp_path_factory.mktemp("three")
    frames = [write_y4m(credential_qr(world.credentials[name]).png(scale=4, border=4), folder / f"{name}.y4m")
              for name in THREE]
    header, *bodies = [frames[0].read_bytes().split(b"FRAME\n", 1)[0] + b"FRAME\n"] + [
        f.read_bytes().split(b"FRAME\n", 1)[1] for f in frames]
    video = folder / "three.y4m"
    video.write_bytes(header[:-len(b"FRAME\n")] + b"".join(b"FRAME\n" + body for body in bodies for _ in range(10)))
    launched = _launch(playwright, "--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream",
                       f"--use-file-for-fake-video-capture={video}")
    yield launched
    launched.close()




def test_dropping_the_demos_passport_pdf_verifies_every_qr_code_in_it(browser: Any, demo_server: Server, demo: Path) -> None:
    visit = Visit(browser, demo_server)
    try:
        visit.upload(demo / "paspoort.pdf")
        page = visit.page
        codes = sorted((demo / "qr").glob("*.png"))
        cards = page.eval_on_selector_all("article.credential", "cards => cards.map(c => c.dataset.verdict)")
        assert len(codes) >= 2 and len(cards) == len(codes)  # one card per QR code in the PDF
        assert "unusable" not in cards and "valid" in cards  # each was read and checked
        assert page.is_visible("#skills-table")
        visit.assert_clean()
    finally:
        visit.close()


def test_three_qr_codes_scanned_one_after_another_make_one_passport_with_one_summary(
    three_camera: Any, server: Server, world: PageWorld  # noqa: F811
) -> None:
    visit = Visit(three_camera, server)
    try:
        page = visit.page
        visit.context.grant_permissions(["camera"], origin=server.url.rstrip("/"))
        collected = 0
        for _ in range(15):  # the camera shows each code for a second: scan until all three are in
            page.evaluate("() => { document.getElementById('status').textContent = ''; }")
            page.click("#camera-start")
            page.wait_for_selector("#camera-start[hidden]", state="attached", timeout=30_000)  # the camera is on
            page.wait_for_selector("#camera-start:not([hidden])", timeout=30_000)  # and stops once a code is read
            page.wait_for_function("() => /Klaar/.test(document.getElementById('status').textContent)", timeout=30_000)
            collected = len(page.evaluate("() => JSON.parse(document.body.dataset.collected || '[]')"))
            if collected == 3:
                break
        assert collected == 3
        page.wait_for_selector(VERDICT)
        assert page.locator("article.credential").count() == 3
        assert page.locator("#skills-table").count() == 1 and page.is_visible("#skills-table")
        evidence = page.eval_on_selector_all("#skills-table li[data-kind]", "items => items.map(i => i.dataset.kind)")
        assert {"diploma", "evc", "microcredential"} <= set(evidence)
        assert "3" in page.inner_text("#collection-note")
        page.click("#collection-clear")
        assert page.is_hidden("#result") and page.is_hidden("#collection")
        visit.assert_clean()
    finally:
        visit.close()


@pytest.mark.parametrize("name", ["passport", "two_people", "revoked"])
def test_a_phone_never_scrolls_sideways(browser: Any, server: Server, world: PageWorld, name: str) -> None:  # noqa: F811
    visit = Visit(browser, server)
    try:
        visit.page.set_viewport_size({"width": 390, "height": 844})
        visit.upload(world.files[name])
        visit.page.evaluate("() => document.querySelectorAll('details').forEach(d => d.open = true)")
        widths = visit.page.evaluate("() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]")
        assert widths[0] <= widths[1] == 390, widths
        visit.assert_clean()
    finally:
        visit.close()


def test_a_credential_nothing_vouches_for_is_painted_neutral_not_red_and_said_not_confirmed(
        browser: Any, bare_server: Server, world: PageWorld) -> None:  # noqa: F811
    visit = Visit(browser, bare_server)
    try:
        assert visit.upload(world.files["diploma"]) == "unusable"  # genuine, but no trust material here
        page = visit.page
        assert page.inner_text("#verdict-heading") == "Niet bevestigd"  # checked, exit 1: not "Niet te controleren"
        paint = page.evaluate(_PAINT)
        assert {part: colour_family(value) for part, value in paint.items()} == {"border": "blue", "ground": "blue", "bar": "blue"}, paint
        visit.assert_clean()
    finally:
        visit.close()


def test_two_peoples_credentials_are_never_summed_on_the_page(browser: Any, server: Server, world: PageWorld) -> None:  # noqa: F811
    visit = Visit(browser, server)
    try:
        assert visit.upload(world.files["two_people"]) == "invalid"
        page = visit.page
        people = page.eval_on_selector_all("#persons li", "items => items.map(i => [i.textContent, i.dataset.counted])")
        assert [counted for _, counted in people] == ["true", "false"] and "Dennis Fictief" in people[1][0]
        proofs = page.eval_on_selector_all("#skills-table li[data-kind]", "items => items.map(i => i.dataset.kind)")
        assert "evc" not in proofs and "diploma" in proofs  # Dennis's EVC is not added to Anouk's skills
        visit.assert_clean()
    finally:
        visit.close()


_DROP = """([files]) => {
  const transfer = new DataTransfer();
  for (const [name, b64] of files) {
    const bytes = Uint8Array.from(atob(b64), c => c.charCodeAt(0));
    transfer.items.add(new File([bytes], name, { type: "image/png" }));
  }
  document.getElementById("drop").dispatchEvent(new DragEvent("drop", { dataTransfer: transfer, bubbles: true, cancelable: true }));
}"""


def test_a_different_credential_with_the_id_of_one_in_the_passport_is_kept_beside_it_and_both_are_checked(
    browser: Any, server: Server, world: PageWorld, tmp_path: Path  # noqa: F811
) -> None:
    """The diploma signed again (the same id, another proof value) is no copy of the diploma, as ``schemas.vc.repeated``
    counts copies: the page keeps both in its passport and the verifier checks both, not "already in the passport"."""
    import datetime as dt
    import json

    from skillspas.issuer import sign

    diploma = world.credentials["diploma"]
    again = sign({k: v for k, v in diploma.items() if k != "proof"}, world.roc,
                 created=dt.datetime.now(dt.timezone.utc).replace(microsecond=0) - dt.timedelta(hours=1))
    assert again["id"] == diploma["id"] and again["proof"]["proofValue"] != diploma["proof"]["proofValue"]
    (tmp_path / "diploma-opnieuw.json").write_text(json.dumps(again), "utf-8")
    visit = Visit(browser, server)
    try:
        page = visit.page
        for path in (world.files["diploma"], tmp_path / "diploma-opnieuw.json"):
            page.evaluate("() => { document.getElementById('status').textContent = ''; }")
            page.set_input_files("#file", str(path))
            page.wait_for_function("() => /Klaar/.test(document.getElementById('status').textContent)", timeout=30_000)
        assert "al in het paspoort" not in page.inner_text("#status"), page.inner_text("#status")
        assert page.evaluate("() => JSON.parse(document.body.dataset.collected || '[]')") == [diploma["id"]] * 2
        cards = page.eval_on_selector_all("article.credential", "cards => cards.map(c => c.dataset.verdict)")
        assert cards == ["valid", "valid"] and "2" in page.inner_text("#collection-note")
        visit.assert_clean()
    finally:
        visit.close()


@pytest.mark.parametrize("how", ["dropped", "chosen"])
def test_three_qr_images_given_at_once_make_one_passport_with_one_summary(
    browser: Any, server: Server, world: PageWorld, tmp_path: Path, how: str  # noqa: F811
) -> None:
    import base64

    images = [credential_qr(world.credentials[name]).save(tmp_path / f"{name}.png") for name in THREE]
    visit = Visit(browser, server)
    try:
        page = visit.page
        if how == "dropped":
            page.evaluate(_DROP, [[[p.name, base64.b64encode(p.read_bytes()).decode()] for p in images]])
        else:
            page.set_input_files("#file", [str(p) for p in images])
        page.wait_for_function("() => JSON.parse(document.body.dataset.collected || '[]').length === 3", timeout=30_000)
        page.wait_for_function("() => /Klaar/.test(document.getElementById('status').textContent)", timeout=30_000)
        assert page.locator("article.credential").count() == 3
        assert page.locator("#skills-table").count() == 1 and page.is_visible("#skills-table")
        evidence = page.eval_on_selector_all("#skills-table li[data-kind]", "items => items.map(i => i.dataset.kind)")
        assert {"diploma", "evc", "microcredential"} <= set(evidence)
        assert "3" in page.inner_text("#collection-note") and visit.verdict() == "warning"  # no holder proof: orange
        visit.assert_clean()
    finally:
        visit.close()


def test_a_file_among_several_that_gives_no_credential_is_named(browser: Any, server: Server, world: PageWorld,  # noqa: F811
                                                                  tmp_path: Path) -> None:
    images = [credential_qr(world.credentials[name]).save(tmp_path / f"{name}.png") for name in THREE[:2]]
    visit = Visit(browser, server)
    try:
        page = visit.page
        page.set_input_files("#file", [*(str(p) for p in images), str(world.files["noise"])])
        page.wait_for_function("() => /Klaar/.test(document.getElementById('status').textContent)", timeout=30_000)
        assert page.locator("article.credential").count() == 2
        status = page.inner_text("#status")
        assert "noise.png" in status and "(1)" in status, status
        visit.assert_clean()
    finally:
        visit.close()


def test_a_qr_image_file_already_in_the_passport_is_said_to_be_in_it_chosen_alone_or_among_others(
    browser: Any, server: Server, world: PageWorld, tmp_path: Path  # noqa: F811
) -> None:
    images = [credential_qr(world.credentials[name]).save(tmp_path / f"{name}.png") for name in THREE[:2]]
    visit = Visit(browser, server)
    try:
        page = visit.page
        for image in images:  # one by one: the second makes a passport of two
            page.set_input_files("#file", str(image))
            page.wait_for_function("() => /Klaar/.test(document.getElementById('status').textContent)", timeout=30_000)
        page.evaluate("() => { document.getElementById('status').textContent = ''; }")
        page.set_input_files("#file", str(images[0]))  # the diploma again, as the camera path says it
        page.wait_for_function("() => /Klaar/.test(document.getElementById('status').textContent)", timeout=30_000)
        assert "al in het paspoort" in page.inner_text("#status"), page.inner_text("#status")
        page.evaluate("() => { document.getElementById('status').textContent = ''; }")
        page.set_input_files("#file", [str(p) for p in images])  # both again, at once
        page.wait_for_function("() => /Klaar/.test(document.getElementById('status').textContent)", timeout=30_000)
        status = page.inner_text("#status")
        assert "al in het paspoort" in status.lower() and images[0].name in status and images[1].name in status, status
        assert len(page.evaluate("() => JSON.parse(document.body.dataset.collected || '[]')")) == 2
        visit.assert_clean()
    finally:
        visit.close()


def test_more_files_dropped_at_once_than_the_page_checks_are_refused_with_its_limit(
    browser: Any, server: Server, world: PageWorld  # noqa: F811
) -> None:
    import base64

    from skillspas.verifier.page.texts import MAX_FILES, WORDS

    image = base64.b64encode(credential_qr(world.credentials["diploma"]).png()).decode()
    visit = Visit(browser, server)
    try:
        page = visit.page
        page.evaluate(_DROP, [[[f"qr-{n}.png", image] for n in range(MAX_FILES + 1)]])
        expected = WORDS["nl"]["too_many_files"].format(n=MAX_FILES)
        page.wait_for_function("(text) => document.getElementById('status').textContent === text", arg=expected,
                               timeout=10_000)
        assert not any("/api/verify" in url for url in visit.recorder.requests)  # none of them was checked
        visit.assert_clean()
    finally:
        visit.close()
