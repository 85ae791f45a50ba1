"""The claim offer's page (``GET /exchanges/{id}`` from a browser) and its JSON for API clients."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from skillspas.issuer.demo import sample_credential
from skillspas.verifier.qr import read_qr_image

from helpers import service_in_process

from svc_live import age_offer

BASE = "http://127.0.0.1:8000"
HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)>'
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    """The service in this process (SQLite), with a ROC whose name would be markup if not escaped."""
    with service_in_process(tmp_path_factory.mktemp("claim-page"), "ROC <b>Voorbeeldstad</b> & Co", BASE) as (test_client, _):
        yield test_client


def offer(client: TestClient, name: str = "Diploma Kok") -> dict[str, Any]:
    """A new offer (the answer of POST /exchanges) of a credential called ``name``."""
    credential = {k: v for k, v in sample_credential("did:web:placeholder").items() if k not in ("id", "issuer")}
    credential["credentialSubject"] = {k: v for k, v in credential["credentialSubject"].items() if k != "id"}
    credential["name"] = name
    response = client.post("/exchanges", json={"credential": credential})
    assert response.status_code == 201, response.text
    answer: dict[str, Any] = response.json()
    return answer


def path_of(answer: dict[str, Any]) -> str:
    return str(answer["exchangeUrl"])[len(BASE):]


def page(client: TestClient, path: str, **headers: str) -> Any:
    return client.get(path, headers={"Accept": BROWSER, "Authorization": "", **headers})


def test_a_browser_gets_the_offer_page_with_the_command_the_wallet_link_and_a_qr_code_of_the_url(client):
    answer = offer(client)
    response = page(client, path_of(answer))
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/html")
    body = response.text
    assert "Bewijsstuk ophalen" in body and "Diploma Kok" in body and "Voorbeeldstad" in body
    assert f"skillspas passport claim {answer['exchangeUrl']}" in body
    assert f'href="{answer["lcwDeepLink"].replace("&", "&amp;")}"' in body
    assert answer["expires"][:10] in body
    svg = re.search(r"<svg.*?</svg>", body, re.S)
    assert svg is not None and read_qr_image(raster(svg.group(0))) == answer["exchangeUrl"]


def raster(svg: str, scale: int = 4) -> bytes:
    """A PNG of segno's inline SVG (a white square, then dark lines: ``M x y``, ``m dx dy``, ``h n``)."""
    import io

    from PIL import Image, ImageDraw

    lines = re.findall(r'stroke="#000" d="([^"]+)"', svg)
    size = int(re.findall(r'd="M0 0h(\d+)v', svg)[0])
    image = Image.new("L", (size * scale, size * scale), 255)
    draw = ImageDraw.Draw(image)
    x = y = 0.0
    for command, numbers in re.findall(r"([Mmh])([-\d. ]+)", lines[0]):
        values = [float(v) for v in numbers.split()]
        if command == "M":
            x, y = values
        elif command == "m":
            x, y = x + values[0], y + values[1]
        else:
            top = int((y - 0.5) * scale)
            draw.rectangle([int(x * scale), top, int((x + values[0]) * scale) - 1, top + scale - 1], fill=0)
            x += values[0]
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def test_the_page_speaks_english_when_asked_and_escapes_what_the_offer_says(client):
    answer = offer(client, name=HOSTILE)
    english = page(client, path_of(answer) + "?lang=en")
    assert english.status_code == 200 and "Claim a credential" in english.text and 'lang="en"' in english.text
    assert page(client, path_of(answer), **{"Accept-Language": "en-GB,en;q=0.9"}).text.count("Claim a credential") >= 1
    for response in (english, page(client, path_of(answer))):
        body = response.text
        assert "<script" not in body and "<img" not in body and "<b>" not in body
        assert "&lt;script&gt;" in body and "ROC &lt;b&gt;Voorbeeldstad&lt;/b&gt; &amp;" in body


@pytest.mark.parametrize("lang", ["de", "NL", "", "x" * 300])
def test_a_language_the_page_does_not_speak_falls_back_to_dutch_instead_of_an_error(client, lang):
    shown = page(client, path_of(offer(client)) + f"?lang={lang}")
    assert shown.status_code == 200 and shown.headers["content-type"].startswith("text/html")
    assert 'lang="nl"' in shown.text


def test_the_page_loads_nothing_and_allows_no_script(client):
    response = page(client, path_of(offer(client)))
    policy = response.headers["content-security-policy"]
    assert "default-src 'none'" in policy and "script-src" not in policy and "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy and response.headers["referrer-policy"] == "no-referrer"
    assert response.headers["cache-control"] == "no-store" and response.headers["x-content-type-options"] == "nosniff"
    style = re.search(r"<style>(.*?)</style>", response.text, re.S)
    assert style is not None
    import base64

    digest = base64.b64encode(hashlib.sha256(style.group(1).encode()).digest()).decode()
    assert f"style-src 'sha256-{digest}'" in policy
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", response.text.replace(answer_link(response.text), ""))
    assert " style=" not in response.text and "<script" not in response.text


def answer_link(body: str) -> str:
    """The page's one outside link (the Learner Credential Wallet's deep link), to leave out of the check."""
    found = re.search(r'href="(https://lcw\.app/[^"]*)"', body)
    assert found is not None
    return found.group(1)


@pytest.mark.parametrize("state, status, nl, en", [
    ("used", 409, "al opgehaald", "already been claimed"), ("expired", 410, "verlopen", "has expired")])
def test_a_used_or_expired_offer_says_so_in_words_and_offers_no_way_to_claim(client, state, status, nl, en):
    answer = offer(client)
    age_offer(client.app.state.issuer.store, path_of(answer), **{state: True})  # type: ignore[attr-defined]
    dutch, english = page(client, path_of(answer)), page(client, path_of(answer) + "?lang=en")
    assert dutch.status_code == english.status_code == status
    assert nl in dutch.text and en in english.text and "Diploma Kok" in dutch.text
    for response in (dutch, english):
        assert "<svg" not in response.text and "passport claim" not in response.text and "lcw.app" not in response.text
    api = client.get(path_of(answer), headers={"Accept": "application/json"})
    assert api.status_code == status and api.json()["code"] == f"offer_{state}"


def test_an_unknown_offer_is_a_page_for_a_browser_and_a_coded_error_for_a_client(client):
    unknown = "/exchanges/" + "A" * 32
    shown = page(client, unknown)
    assert shown.status_code == 404 and "Niet gevonden" in shown.text and shown.headers["content-type"].startswith("text/html")
    assert client.get(unknown).json()["code"] == "not_found"


@pytest.mark.parametrize("accept, html", [
    (BROWSER, True), ("text/html", True), ("application/json", False), ("*/*", False), ("", False),
    ("application/json, text/html;q=0.5", False), ("text/html;q=0.9, application/json;q=0.1", True),
    ("text/html;q=0", False), ("text/html;q=abc", False)])
def test_the_answer_follows_the_accept_header(client, accept, html):
    answer = offer(client)
    response = client.get(path_of(answer), headers={"Accept": accept})
    assert response.status_code == 200
    if html:
        assert response.headers["content-type"].startswith("text/html") and "<svg" in response.text
    else:
        assert response.json() == {"protocols": {"vcapi": answer["exchangeUrl"]}}


def test_looking_at_the_offer_does_not_use_it(client):
    answer = offer(client)
    assert page(client, path_of(answer)).status_code == 200
    assert client.get(path_of(answer), headers={"Accept": "application/json"}).status_code == 200
    asked = client.post(path_of(answer), json={}, headers={"Authorization": ""})
    assert asked.status_code == 200 and "verifiablePresentationRequest" in asked.json()
