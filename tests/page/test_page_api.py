"""The page's app in-process: the JSON endpoint against ``skillspas verify --json``, bounds, hostile inputs, headers.

``POST /api/verify`` must give the same result object as ``skillspas verify --json`` for the same
input and trust material (the page's ``view`` and the time of the check aside), and the CLI's exit
code in the ``skillspas-exit-code`` header. Every hostile input gets a coded answer quickly and the
app answers the next request.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import time
import zlib
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from pageworld import STATUS_URL, PageWorld, deep_json, example, zlib_bomb_text
from skillspas.issuer import sign
from skillspas.issuer.cli import app as cli_app
from skillspas.issuer.status_lists import status_list_credential
from skillspas.keys import LocalSigner, generate
from skillspas.schemas.limits import Limits
from skillspas.verifier.page import PageSettings, create_page_app
from skillspas.verifier.page.app import CONTENT_SECURITY_POLICY, EXIT_CODE_HEADER
from skillspas.verifier.page.texts import MAX_FILES, page_html, page_words
from skillspas.verifier import Verifier
from skillspas.verifier.bridge import bridge
from skillspas.verifier.qr import encode_payload
from skillspas.verifier.summary import summarize_skills
from skillspas.wallet_export import build_presentation

PAGE = Path(__file__).resolve().parents[2] / "verifier" / "page"
BASE = "http://127.0.0.1:8765"


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> PageWorld:
    return PageWorld(tmp_path_factory.mktemp("api-world")).build()


@pytest.fixture(scope="module")
def settings(world: PageWorld) -> PageSettings:
    return PageSettings(bundle=world.bundle(), trust_anchors=(world.anchor.controller,))


@pytest.fixture(scope="module")
def client(settings: PageSettings) -> TestClient:
    return TestClient(create_page_app(settings), base_url=BASE)


COOK = "http://data.europa.eu/esco/occupation/90f75f67-495d-49fa-ab57-2f320e251d7e"


def _post(client: TestClient, data: bytes | str, **params: Any) -> tuple[dict[str, Any], int]:
    response = client.post("/api/verify", content=data, params=params)
    assert response.status_code == 200, response.text
    assert response.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
    return response.json(), int(response.headers[EXIT_CODE_HEADER])


def _cli(world: PageWorld, *args: str) -> tuple[dict[str, Any], int]:
    result = CliRunner().invoke(
        cli_app, ["verify", *args, "--json", "--bundle", str(world.files["bundle"]), "--trust-anchor", world.anchor.controller]
    )
    return json.loads(result.stdout), result.exit_code


def _comparable(body: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in body.items() if k not in ("view", "checkedAt")} | {
        "credentials": [_comparable(c) for c in body.get("credentials", [])]
    }


@pytest.mark.parametrize(
    "name, verified, code",
    [
        pytest.param("diploma", True, None, id="valid diploma"),
        pytest.param("revoked", False, "revoked", id="revoked diploma"),
        pytest.param("tampered", False, "invalid_signature", id="tampered diploma"),
        pytest.param("praktijkverklaring", True, None, id="co-signed praktijkverklaring"),
        pytest.param("passport", True, None, id="passport of four"),
        pytest.param("mixed_passport", False, "revoked", id="passport with a revoked diploma"),
        pytest.param("deep", False, "too_deep", id="deep JSON"),
    ],
)
def test_json_endpoint_gives_the_same_result_as_the_cli(client, world, name, verified, code):
    page, page_exit = _post(client, world.files[name].read_bytes())
    cli, cli_exit = _cli(world, str(world.files[name]))
    assert _comparable(page) == _comparable(cli)
    assert page["verified"] is verified and page_exit == cli_exit
    first = page["errors"][0]["code"] if page["errors"] else (page["credentials"] and next(
        (c["errors"][0]["code"] for c in page["credentials"] if c["errors"]), None))
    assert (first or None) == code
    holder_unproven = name.endswith("passport") and verified  # an unsigned passport: nothing proves who holds it
    assert page["view"]["verdict"] == ("warning" if holder_unproven else "valid" if verified else "unusable" if cli_exit == 2 else "invalid")


@pytest.mark.parametrize(
    "name, code",
    [
        pytest.param("qr_valid", None, id="genuine QR image"),
        pytest.param("qr_tampered", "invalid_signature", id="tampered QR image"),
        pytest.param("qr_bomb", "qr_too_large", id="zlib bomb QR image"),
        pytest.param("noise", "qr_unreadable", id="random bytes as an image"),
    ],
)
def test_qr_images_get_the_cli_verdict(client, world, name, code):
    page, page_exit = _post(client, world.files[name].read_bytes(), kind="image")
    cli, cli_exit = _cli(world, "--qr", str(world.files[name]))
    assert page_exit == cli_exit
    assert page["verified"] == cli["verified"]
    assert [e["code"] for e in page["errors"]] == [e["code"] for e in cli["errors"]]
    if code is None:
        assert _comparable(page) == _comparable(cli)
    else:
        assert page["errors"][0]["code"] == code and page["view"]["code"] == code


def test_pasted_qr_text_is_the_credential(client, world):
    page, exit_code = _post(client, "  " + encode_payload(world.credentials["diploma"]) + "\n", kind="text")
    assert exit_code == 0 and page["view"]["verdict"] == "valid"
    assert page["view"]["credentials"][0]["subjectName"] == "Anouk Testdata"


def test_a_photo_of_one_part_of_a_set_gives_the_page_its_text_to_keep_and_the_joined_set_verifies(client, world):
    from skillspas.verifier.qr import split_payload
    from skillspas.wallet_export.qr import qr_for_text

    parts = split_payload(encode_payload(world.credentials["diploma"]), 3)
    for part in (parts[2], parts[0]):  # a photo of each, in any order: each is one code of the set, kept by the page
        page, exit_code = _post(client, qr_for_text(part).png(), kind="image")
        assert exit_code == 2 and page["errors"][0]["code"] == "qr_incomplete"
        assert page["view"]["collect"] == {"mode": "part", "text": part}
    page, exit_code = _post(client, "\n".join(parts), kind="text")  # what the page sends once every part is in
    assert exit_code == 0 and page["view"]["verdict"] == "valid"


def test_the_view_of_a_valid_diploma_names_issuer_holder_facts_and_skills(client, world):
    page, _ = _post(client, world.files["diploma"].read_bytes())
    view = page["view"]
    assert view["verdict"] == "valid" and view["sentence"] == {"nl": "Echt en geldig.", "en": "Genuine and valid."}
    card = view["credentials"][0]
    assert card["issuer"] == {"did": world.roc.controller, "name": world.ROC_NAME, "source": "trustList"}
    assert card["kind"] == {"nl": "Mbo-diploma", "en": "MBO diploma"} and card["title"] == "Mbo-diploma Kok"
    assert card["subjectName"] == "Anouk Testdata" and card["validFrom"] == "2025-07-01T00:00:00Z"
    facts = {f["key"]: f["text"]["nl"] for f in card["facts"]}
    assert facts["kwalificatie"] == "Kok (crebo 25180)" and facts["kwalificatiedossier"] == "Keuken (crebo 23085)"
    assert facts["niveau"] == "mbo-niveau 2, NLQF 2, EQF 2"
    assert card["skills"] and {s["established"] for s in card["skills"]} == {"kwalificatieLink"}
    assert card["skills"][0]["establishedLabel"]["nl"].startswith("afgeleid van de kwalificatie")
    # the register's suggested ESCO skills of Kok are not proven by the diploma
    assert "http://data.europa.eu/esco/skill/29b326ea-a9c8-4963-b35a-8541d0cdff77" not in {s["uri"] for s in card["skills"]}


def test_a_credential_naming_another_organisation_shows_the_trust_list_name_and_a_warning(client, world):
    page, exit_code = _post(client, world.files["misnamed"].read_bytes())
    assert exit_code == 0 and page["verified"] is True
    view = page["view"]
    assert view["verdict"] == "warning" and view["heading"]["nl"] == "Geldig, met een waarschuwing"
    card = view["credentials"][0]
    assert card["verdict"] == "warning"
    assert card["issuer"] == {"did": world.roc.controller, "name": world.ROC_NAME, "source": "trustList"}
    assert [w["code"] for w in view["warnings"]] == [w["code"] for w in card["warnings"]] == ["issuer_name_differs"]
    warning = view["warnings"][0]
    for lang in ("nl", "en"):
        assert f"{world.EVC_NAME}" in warning["sentence"][lang] and world.ROC_NAME in warning["sentence"][lang]
    assert view["sentence"]["nl"] == "Echt en geldig, maar lees de waarschuwing." and view["next"] == warning["next"]


def test_a_passport_holding_a_misnamed_credential_is_not_green(client, world):
    passport = build_presentation([world.credentials["diploma"], world.credentials["misnamed"]])
    page, exit_code = _post(client, json.dumps(passport))
    assert exit_code == 0
    view = page["view"]
    assert view["verdict"] == "warning" and [c["verdict"] for c in view["credentials"]] == ["valid", "warning"]
    assert [w["code"] for w in view["warnings"]] == ["holder_not_proven", "issuer_name_differs"]


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_skillspas_verify_says_when_the_credential_names_its_issuer_otherwise(world, lang):
    args = ["verify", str(world.files["misnamed"]), "--lang", lang, "--bundle", str(world.files["bundle"]),
            "--trust-anchor", world.anchor.controller]
    result = CliRunner().invoke(cli_app, args)
    assert result.exit_code == 0, result.output
    warning = [line for line in result.stdout.splitlines() if line.startswith(("  LET OP:", "  WARNING:"))]
    assert len(warning) == 1 and world.EVC_NAME in warning[0] and world.ROC_NAME in warning[0]
    assert warning[0].startswith("  LET OP: Het bewijsstuk noemt" if lang == "nl" else "  WARNING: The credential names")
    plain = CliRunner().invoke(cli_app, [*args[:1], str(world.files["diploma"]), *args[2:]])
    assert plain.exit_code == 0 and "LET OP" not in plain.stdout and "WARNING" not in plain.stdout


@pytest.mark.parametrize(("lang", "source"), [("nl", "naam zoals vermeld in het bewijsstuk, niet op de vertrouwenslijst"),
                                              ("en", "name as stated in the credential, not on the trust list")])
def test_skillspas_verify_names_an_issuer_trusted_by_its_did_with_the_name_it_signed_as_the_page_does(world, lang, source):
    """``verify x.json --trust-issuer did:…`` showed only "uitgever: did:…": the name the issuer signed is shown beside
    the DID, marked as the credential's own (no trust list names it), as the page's card shows it."""
    evc = world.evc.controller  # an EVC result has no status entry: no bundle is needed
    result = CliRunner().invoke(cli_app, ["verify", str(world.files["evc"]), "--trust-issuer", evc, "--lang", lang])
    signed = world.credentials["evc"]["issuer"]["name"]
    line = next((line for line in result.stdout.splitlines() if line.startswith(("  uitgever:", "  issuer:"))), "")
    assert result.exit_code == 0 and line.endswith(f": {evc} — {signed} ({source})"), result.stdout
    page = TestClient(create_page_app(PageSettings(trusted_issuers=(evc,))), base_url=BASE)
    card = _post(page, world.files["evc"].read_bytes())[0]["view"]["credentials"][0]
    assert card["issuer"] == {"did": evc, "name": signed, "source": "credential"}


def test_a_revoked_verdict_is_one_sentence_in_each_language_naming_the_credential_and_its_issuer(client, world):
    page, _ = _post(client, world.files["revoked"].read_bytes())
    view = page["view"]
    assert view["verdict"] == "invalid" and view["code"] == "revoked"
    title = world.credentials["revoked"]["name"]
    assert view["sentence"] == {"nl": f"{world.ROC_NAME} heeft dit bewijsstuk ingetrokken: „{title}”.",
                                "en": f"{world.ROC_NAME} has revoked this credential: MBO diploma “{title}”."}
    assert page["about"] == {"name": title, "type": world.credentials["revoked"]["type"],
                             "issuer": world.roc.controller, "issuerName": world.ROC_NAME}
    assert "revoked" not in view["sentence"]["nl"] and view["next"]["nl"]
    assert view["credentials"] == []  # nothing a failed credential claims is shown


@pytest.mark.parametrize("body", [b'{"a": 1, "a": 2}', "tampered"], ids=["duplicate keys", "a changed diploma"])
def test_the_detail_under_a_verdict_is_in_the_page_language_and_the_json_message_stays_english(client, world, body):
    if body == "tampered":
        changed = json.loads(world.files["diploma"].read_bytes())
        changed["credentialSubject"]["name"] = "Iemand Anders"
        body = json.dumps(changed).encode()
    page, _ = _post(client, body)
    message = page["errors"][0]["message"]
    assert page["view"]["detail"]["en"] == message
    dutch = page["view"]["detail"]["nl"]
    assert dutch != message and ("handtekening" in dutch or "twee keer" in dutch), dutch


def test_a_stale_status_list_is_orange(world):
    old = dt.datetime.now(dt.timezone.utc) - dt.timedelta(days=30)
    stale = sign(status_list_credential(STATUS_URL, issuer=world.roc.controller, revoked=[8], valid_from=old), world.roc)
    client = TestClient(create_page_app(PageSettings(bundle=world.bundle(status_lists=[stale]),
                                                     trust_anchors=(world.anchor.controller,))), base_url=BASE)
    page, exit_code = _post(client, world.files["diploma"].read_bytes())
    assert exit_code == 0 and page["verified"] is True
    assert page["view"]["verdict"] == "warning"
    assert [w["code"] for w in page["view"]["warnings"]] == ["status_unavailable"]
    assert page["view"]["next"]["nl"].startswith("Haal een nieuwe controlebundel op")


def test_without_a_bundle_only_named_issuers_are_trusted(world):
    client = TestClient(create_page_app(PageSettings(trusted_issuers=(world.evc.controller,))), base_url=BASE)
    page, exit_code = _post(client, world.files["evc"].read_bytes())
    assert exit_code == 0 and page["view"]["credentials"][0]["issuer"]["source"] == "credential"
    page, exit_code = _post(client, json.dumps(world.credentials["microcredential"]))
    assert exit_code == 1 and page["view"]["code"] == "untrusted_issuer"


def test_a_valid_passport_of_one_person_names_that_person_in_its_verdict_sentence(client, world):
    page, exit_code = _post(client, world.files["passport"].read_bytes())
    assert exit_code == 0 and [p["names"] for p in page["view"]["persons"]] == [["Anouk Testdata"]]
    sentence = page["view"]["sentence"]  # whose credentials they are, next to "compare the name with an ID"
    assert "Anouk Testdata" in sentence["nl"] and "Anouk Testdata" in sentence["en"], sentence
    page, exit_code = _post(client, world.files["mixed_passport"].read_bytes())  # one is revoked: no name vouched for
    assert exit_code == 1 and "Anouk" not in page["view"]["sentence"]["nl"]


def test_passport_view_has_the_skills_summary_and_the_vacancy_match(client, world):
    vacancy = ["http://data.europa.eu/esco/skill/5ba1d5b9-3f8d-46ca-bf9f-2e9ca65d1350", "samenwerken met collega's"]
    page, _ = _post(client, world.files["passport"].read_bytes(), vacancy=vacancy)
    view = page["view"]
    assert view["presentation"] is True and view["sentence"]["nl"] == "Alle 4 bewijsstukken van Anouk Testdata zijn echt en geldig."
    assert len(view["credentials"]) == 4 and view["skills"]["verifiedCredentials"] == [0, 1, 2, 3]
    assert [line["covered"] for line in view["vacancy"]["lines"]] == [True, False]
    signers = view["credentials"][1]["signers"]
    assert [(s["name"], s["role"]) for s in signers] == [(world.ROC_NAME, "issuer"), (world.BISTRO_NAME, "cosigner")]


def test_a_passport_with_a_revoked_diploma_counts_only_the_valid_one(client, world):
    page, exit_code = _post(client, world.files["mixed_passport"].read_bytes())
    view = page["view"]
    assert exit_code == 1 and view["verdict"] == "invalid" and view["code"] == "revoked"
    assert view["sentence"]["nl"] == "1 van de 2 bewijsstukken is niet geldig; alleen de geldige tellen mee."
    assert [c["verdict"] for c in view["credentials"]] == ["valid", "invalid"]
    assert view["skills"]["excludedCredentials"] == [{"credential": 1, "code": "revoked"}]


@pytest.mark.parametrize(
    "body, kind, code",
    [
        pytest.param(os.urandom(4096), "image", "qr_unreadable", id="random bytes said to be an image"),
        pytest.param(b"\x89PNG\r\n\x1a\n" + os.urandom(4096), "auto", "qr_unreadable", id="random bytes behind a PNG header"),
        pytest.param(os.urandom(4096), "auto", "malformed_json", id="random bytes"),
        pytest.param(deep_json(), "auto", "too_deep", id="JSON 100,000 deep"),
        pytest.param(zlib_bomb_text().encode(), "text", "qr_too_large", id="zlib bomb as QR text"),
        pytest.param(b"SP1:" + b"A" * 5000, "text", "qr_too_large", id="QR text longer than any QR code"),
        pytest.param(b"SP4:" + b"1" * 7100, "text", "qr_too_large", id="SP4 digits longer than any QR code"),
        pytest.param(b"SP4:" + b"9" * 530, "text", "qr_unreadable", id="SP4 digits that are no bytes"),
        pytest.param(b'{"a": 1, "a": 2}', "auto", "malformed_json", id="duplicate keys"),
        pytest.param(b"[]", "auto", "schema_invalid", id="not an object"),
        pytest.param(b"", "auto", "malformed_json", id="empty body"),
    ],
)
def test_hostile_inputs_get_a_coded_message_fast_and_the_page_stays_up(client, world, body, kind, code):
    start = time.monotonic()
    page, exit_code = _post(client, body, kind=kind)
    assert time.monotonic() - start < 2.0
    assert page["verified"] is False and page["errors"][0]["code"] == code and exit_code == 2
    assert page["view"]["verdict"] == "unusable" and page["view"]["sentence"]["nl"] and page["view"]["next"]["en"]
    again, exit_code = _post(client, world.files["diploma"].read_bytes())
    assert exit_code == 0


def test_bodies_over_the_cli_limits_are_refused_without_reading_them(world):
    settings = PageSettings(bundle=world.bundle(), limits=Limits(max_bytes=2000), max_image_bytes=5000)
    client = TestClient(create_page_app(settings), base_url=BASE)
    page, exit_code = _post(client, b"{" + b" " * 3000 + b"}")  # over the JSON limit, under the image limit
    assert page["errors"][0]["code"] == "too_large" and exit_code == 2
    page, _ = _post(client, b"\x89PNG\r\n\x1a\n" + b"\0" * 6000)
    assert page["errors"][0]["code"] in ("qr_too_large", "too_large")
    page, _ = _post(client, b"\0" * 6000, kind="image")
    assert page["errors"][0]["code"] == "qr_too_large"
    huge = b"x" * (40 * 1024 * 1024)
    start = time.monotonic()
    page, _ = _post(client, huge)
    assert page["errors"][0]["code"] == "too_large" and time.monotonic() - start < 2.0


def test_a_check_that_overruns_the_deadline_is_stopped_with_a_message(world):
    client = TestClient(create_page_app(PageSettings(bundle=world.bundle(), deadline=1e-9)), base_url=BASE)
    page, exit_code = _post(client, world.files["diploma"].read_bytes())
    assert page["errors"][0]["code"] == "resource_limit" and exit_code == 2
    assert page["view"]["sentence"]["nl"] == "Het controleren duurde te lang en is afgebroken."


def test_a_bug_is_a_500_with_a_message_and_the_next_request_works(client, world, monkeypatch):
    import skillspas.verifier.page.app as page_app

    def broken(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(page_app, "build_view", broken)
    response = client.post("/api/verify", content=world.files["diploma"].read_bytes())
    assert response.status_code == 500 and response.json()["view"]["code"] == "internal_error"
    monkeypatch.undo()
    assert _post(client, world.files["diploma"].read_bytes())[1] == 0


def test_only_this_machines_host_names_are_answered(client):
    assert client.get("/", headers={"host": "attacker.example"}).status_code == 421
    assert client.get("/", headers={"host": "localhost:8765"}).status_code == 200
    assert client.get("/", headers={"host": "127.0.0.1:8765"}).status_code == 200


@pytest.mark.parametrize("method, path", [("GET", "/"), ("POST", "/api/verify"), ("GET", "/nope")])
def test_a_host_the_page_does_not_answer_is_a_coded_421_in_the_pages_error_shape_in_dutch_and_english(
        client, method, path):
    response = client.request(method, path, headers={"host": "attacker.example"})
    assert response.status_code == 421 and response.headers["content-type"] == "application/json"
    body = response.json()
    assert set(body) == {"code", "message", "messageNl", "path", "errors"}  # as the page's 404 and 405
    assert body["code"] == body["errors"][0]["code"] == "misdirected_request"
    assert "127.0.0.1" in body["message"] and "127.0.0.1" in body["messageNl"] and body["messageNl"] != body["message"]
    assert response.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
    assert "attacker.example" not in response.text  # the Host is not echoed


@pytest.mark.parametrize("method, path, allow", [
    ("DELETE", "/api/info", "GET, HEAD"), ("PUT", "/", "GET, HEAD"), ("GET", "/api/verify", "POST"),
    ("HEAD", "/api/verify", "POST"),
])
def test_a_405_on_the_page_names_head_in_allow_wherever_get_is_allowed(client, method, path, allow):
    response = client.request(method, path)
    assert response.status_code == 405 and response.headers["allow"] == allow


@pytest.mark.parametrize("path", ["/", "/api/info", "/static/app.js"])
def test_head_of_a_page_route_answers_gets_status_and_headers_without_a_body(client, path):
    got, head = client.get(path), client.head(path)
    assert head.status_code == got.status_code == 200 and head.content == b""
    assert head.headers["content-type"] == got.headers["content-type"]
    assert head.headers["content-length"] == got.headers["content-length"]


def test_every_response_carries_the_security_headers(client):
    for path in ("/", "/static/app.js", "/static/nope.js", "/api/info", "/api/skills?q=koken"):
        response = client.get(path)
        assert response.headers["content-security-policy"] == CONTENT_SECURITY_POLICY, path
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["referrer-policy"] == "no-referrer"
    assert "'self'" in CONTENT_SECURITY_POLICY and "http" not in CONTENT_SECURITY_POLICY
    assert "unsafe-inline" not in CONTENT_SECURITY_POLICY and "'unsafe-eval'" not in CONTENT_SECURITY_POLICY
    assert "script-src 'self' 'wasm-unsafe-eval';" in CONTENT_SECURITY_POLICY  # the QR reader is WebAssembly


@pytest.mark.parametrize("method, path, status, code", [
    pytest.param("GET", "/nope", 404, "not_found", id="a path the page does not have"),
    pytest.param("GET", "/api/nope", 404, "not_found", id="an API path the page does not have"),
    pytest.param("POST", "/api/verify/x", 404, "not_found", id="a path below a route"),
    pytest.param("GET", "/static/nope.js", 404, "not_found", id="a static file the page does not have"),
    pytest.param("DELETE", "/api/info", 405, "method_not_allowed", id="a method the route does not take"),
    pytest.param("GET", "/api/verify", 405, "method_not_allowed", id="GET of the verify route"),
])
def test_an_unknown_path_or_method_on_the_page_alone_is_the_services_coded_error_with_the_security_headers(
        client, method, path, status, code):
    response = client.request(method, path)
    assert response.status_code == status
    body = response.json()
    assert set(body) == {"code", "message", "messageNl", "path", "errors"}  # the service's error shape
    assert body["code"] == code and body["errors"][0]["code"] == code and body["messageNl"]
    assert response.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
    assert response.headers["x-content-type-options"] == "nosniff"
    if status == 405:
        assert response.headers["allow"]


def _rendered(phone: bool) -> str:
    """The page's index.html as served: the laptop's template, or the phone's as the static build writes it."""
    template = PAGE.parent / "browser" / "page" / "index.html" if phone else PAGE / "templates" / "index.html"
    return page_html(template.read_text("utf-8"), {}, phone=phone).decode("utf-8")


def _page_data(index: str) -> dict[str, Any]:
    """The data element of a page (``texts.page_html``): its words and limits."""
    return json.loads(re.search(r'<script type="application/json" id="page-data">(.*?)</script>', index).group(1))


def _script(phone: bool) -> str:
    return (PAGE.parent / "browser" / "page" / "app.mjs" if phone else PAGE / "static" / "app.js").read_text("utf-8")


def test_the_page_loads_nothing_from_elsewhere():
    for index in (_rendered(False), _rendered(True)):
        assert not re.search(r"""(src|href)\s*=\s*["'](https?:)?//""", index)
        assert "<style" not in index and " style=" not in index and "<script>" not in index  # CSP: no inline code
        assert not re.search(r"<script(?! (src=|type=\"module\" src=|type=\"application/json\"))", index)  # data, not code
    css = (PAGE / "static" / "style.css").read_text("utf-8")
    assert "url(" not in css and "@import" not in css
    for name in ("app.js", "cards.js"):
        script = (PAGE / "static" / name).read_text("utf-8")
        assert not re.search(r"""fetch\(\s*["'](https?:)?//""", script) and ".innerHTML" not in script
        assert "eval(" not in script


@pytest.mark.parametrize("phone", [False, True], ids=["laptop", "phone"])
def test_every_word_a_page_uses_is_in_the_one_word_table_in_both_languages(phone: bool):
    index = _rendered(phone)
    script = _script(phone) + (PAGE / "static" / "cards.js").read_text("utf-8")  # both draw a credential with it
    used = set(re.findall(r'data-t(?:-label)?="(\w+)"', index))
    for call, choice, key in re.findall(r'\b(t|counted)\(\s*(?:[\w.]+\s*\?\s*"(\w+)"\s*:\s*)?"(\w+)"', script):
        used |= {key, choice} - {""}
        if call == "counted":  # a word for a count has its form for 1 too (cards.js counted: key + "_one")
            used.add(key + "_one")
    assert {"doc_title", "camera_found", "bundle_old" if phone else "image_too_large"} <= used  # the patterns find them
    assert {"n_proven_skills_one" if phone else "n_skills_one"} <= used
    words = _page_data(index)["words"]
    assert words == page_words(phone)  # the page carries the one table (verifier/page/texts.py)
    for lang in ("nl", "en"):
        assert sorted(used - set(words[lang])) == [], lang


@pytest.mark.parametrize("phone", [False, True], ids=["laptop", "phone"])
def test_the_most_files_checked_at_once_reach_both_pages_from_one_constant(client, phone: bool):
    index = _rendered(True) if phone else client.get("/").text  # the phone's as built, the laptop's as served
    assert _page_data(index)["maxFiles"] == MAX_FILES
    script = _script(phone)
    assert "DATA.maxFiles" in script and not re.search(r"MAX_FILES\s*=\s*\d", script)  # no twin literal to drift


def test_the_vendored_qr_reader_matches_its_record_and_keeps_its_licence(client):
    vendor = PAGE / "static" / "vendor"
    record = dict(re.findall(r"\| (\S+) \| \S+ \| ([0-9a-f]{64}) \|", (vendor / "README.md").read_text("utf-8")))
    assert set(record) == {"zxing-reader.js", "zxing_reader.wasm", "zxing-wasm.LICENSE"} == {p.name for p in vendor.glob("zxing*")}
    for name, digest in record.items():
        assert hashlib.sha256((vendor / name).read_bytes()).hexdigest() == digest
    assert "MIT License" in (vendor / "zxing-wasm.LICENSE").read_text("utf-8")
    for name, media_type in (("zxing-reader.js", "text/javascript"), ("zxing_reader.wasm", "application/wasm")):
        served = client.get(f"/static/vendor/{name}")
        assert served.status_code == 200 and served.headers["content-type"].startswith(media_type)
        assert hashlib.sha256(served.content).hexdigest() == record[name]
    assert not list(vendor.glob("jsQR*"))


def test_skill_search_finds_labels_in_both_languages(client):
    found = client.get("/api/skills", params={"q": "samenwerken"}).json()["skills"]
    assert any(s["label"]["en"] == "cooperate with colleagues" for s in found)
    too_long = client.get("/api/skills", params={"q": "x" * 101})
    assert too_long.status_code == 400 and too_long.json()["code"] == "schema_invalid" and "x" * 101 not in too_long.text
    empty = client.get("/api/skills", params={"q": ""}).json()
    assert empty["skills"] == [] and "ESCO, European Commission" in empty["attribution"]


def test_occupation_search_finds_kok_by_its_dutch_name_and_shows_candidates(client):
    found = client.get("/api/occupations", params={"q": "kok"}).json()
    assert found["occupations"][0]["uri"] == COOK and found["occupations"][0]["label"] == {"nl": "kok", "en": "cook"}
    assert not found["ambiguous"] and "ESCO, European Commission" in found["attribution"]
    several = client.get("/api/occupations", params={"q": "monteur"}).json()
    assert several["ambiguous"] and len(several["occupations"]) > 1
    too_long = client.get("/api/occupations", params={"q": "x" * 101})
    assert too_long.status_code == 400 and too_long.json()["code"] == "schema_invalid"


def test_the_bridge_on_the_page_is_the_bridge_of_the_verified_passport(client, world):
    page, code = _post(client, world.files["passport"].read_bytes(), occupation=COOK)
    assert code == 0
    summary = summarize_skills(Verifier(bundle=world.bundle(), trust_anchors=[world.anchor.controller]).verify(
        world.files["passport"].read_bytes()))
    assert page["view"]["bridge"] == bridge(summary, occupation=COOK).to_json()
    assert page["view"]["bridge"]["essential"]["total"] == 16
    refused, _ = _post(client, world.files["passport"].read_bytes(), crebo="12345")
    assert refused["view"]["bridge"]["error"]["code"] == "schema_invalid"
    assert refused["view"]["bridge"]["error"]["message"]["nl"] != refused["view"]["bridge"]["error"]["message"]["en"]


def test_info_tells_the_trust_material_in_use(client, world):
    info = client.get("/api/info").json()
    assert info["trustList"]["ok"] is True and info["trustList"]["issuers"] == 3 and info["trustList"]["pinned"] is True
    assert info["limits"]["maxJsonBytes"] == Limits().max_bytes
    assert info["bundle"]["statusLists"] == 1


def test_a_page_started_without_a_trust_anchor_says_so_and_every_verdict_it_trusts_is_orange(world):
    """The trust list then vouches for itself (a bundle from anyone): the page's info line says so before any check."""
    unpinned = TestClient(create_page_app(PageSettings(bundle=world.bundle())), base_url=BASE)
    info = unpinned.get("/api/info").json()
    assert info["trustList"]["ok"] is True and info["trustList"]["pinned"] is False
    page, exit_code = _post(unpinned, world.files["diploma"].read_bytes())
    assert exit_code == 0 and page["view"]["verdict"] == "warning", page["view"]
    assert [w["code"] for w in page["view"]["warnings"]] == ["trust_list_not_pinned"]
    assert "--trust-anchor" in page["view"]["next"]["nl"] and world.anchor.controller in json.dumps(page["warnings"])


def test_a_rejected_trust_list_is_told_on_the_page(world):
    other = PageSettings(bundle=world.bundle(), trust_anchors=(world.roc.controller,))  # not the list's signer
    info = TestClient(create_page_app(other), base_url=BASE).get("/api/info").json()
    assert info["trustList"]["ok"] is False and info["trustList"]["code"] == "untrusted_issuer"
    detail = info["trustList"]["detail"]  # in both languages, as a verdict's detail (the page picks its language)
    assert "expected" in detail["en"] and detail["nl"] != detail["en"] and "expected" not in detail["nl"], detail


def test_a_bundle_loader_is_asked_at_each_check(world):
    """A host whose status lists change (the issuer service) hands the page a loader, not one bundle."""
    clean = sign(status_list_credential(STATUS_URL, issuer=world.roc.controller, revoked=[]), world.roc)
    current = {"bundle": world.bundle(status_lists=[clean])}
    settings = PageSettings(bundle_loader=lambda: current["bundle"], trust_anchors=(world.anchor.controller,))
    client = TestClient(create_page_app(settings), base_url=BASE)
    assert _post(client, world.files["revoked"].read_bytes())[1] == 0
    current["bundle"] = world.bundle()  # the ROC has revoked it since
    page, exit_code = _post(client, world.files["revoked"].read_bytes())
    assert exit_code == 1 and page["errors"][0]["code"] == "revoked"


def test_an_ipv6_host_is_answered_when_allowed(settings):
    import dataclasses

    ipv6 = TestClient(create_page_app(dataclasses.replace(settings, allowed_hosts=("::1",))), base_url="http://[::1]:8765")
    assert ipv6.get("/", headers={"host": "[::1]:8765"}).status_code == 200
    assert ipv6.get("/", headers={"host": "127.0.0.1:8765"}).status_code == 421


def test_two_peoples_credentials_are_never_summed_on_the_page_or_the_cli(client, world):
    page, exit_code = _post(client, world.files["two_people"].read_bytes())
    cli, cli_exit = _cli(world, str(world.files["two_people"]))
    assert exit_code == cli_exit == 1 and _comparable(page) == _comparable(cli)
    assert page["errors"][0]["code"] == "multiple_subjects"
    assert [(p["subjectId"], p["credentials"], p["counted"]) for p in page["persons"]] == [
        ("did:example:learner-01", [0, 2], True), ("did:example:learner-04", [1], False)]
    view = page["view"]
    assert view["verdict"] == "invalid" and view["code"] == "multiple_subjects"
    assert view["skills"]["verifiedCredentials"] == [0, 2]
    assert view["skills"]["excludedCredentials"] == [{"credential": 1, "code": "multiple_subjects"}]
    assert {e["credential"] for s in view["skills"]["skills"] for e in s["evidence"]} == {0, 2}
    text = CliRunner().invoke(cli_app, ["verify", str(world.files["two_people"]), "--bundle", str(world.files["bundle"]),
                                        "--trust-anchor", world.anchor.controller])
    assert text.exit_code == 1 and "[multiple_subjects]" in text.stdout
    assert "Anouk Testdata (did:example:learner-01): #1, #3 — telt mee" in text.stdout


def _unresolvable(world: PageWorld, folder: Path) -> Path:
    """The diploma with its proof pointing at a did:web key that nothing here holds: ``unresolvable_key``."""
    credential = json.loads(world.files["diploma"].read_text("utf-8"))
    credential["proof"]["verificationMethod"] = "did:web:nergens.example#key-1"
    path = folder / "unresolvable.json"
    path.write_text(json.dumps(credential), "utf-8")
    return path


@pytest.mark.parametrize("code", ["untrusted_issuer", "unresolvable_key"])
@pytest.mark.parametrize("lang, heading, page_heading", [("nl", "NIET BEVESTIGD: ", "Niet bevestigd"),
                                                         ("en", "NOT CONFIRMED: ", "Not confirmed")])
def test_a_credential_without_trust_material_or_key_is_not_confirmed_as_its_exit_code_1_says_and_not_called_invalid(
        world, tmp_path, code, lang, heading, page_heading):
    """Exit 1 is "checked, and not valid": the words say it was checked and could not be confirmed, not that it
    "cannot be checked" (exit 2, an input that could not be read), and not "invalid" (the red of a forgery)."""
    path = world.files["diploma"] if code == "untrusted_issuer" else _unresolvable(world, tmp_path)
    result = CliRunner().invoke(cli_app, ["verify", str(path), "--lang", lang])
    assert result.exit_code == 1 and result.stdout.startswith(heading) and f"[{code}]" in result.stdout, result.stdout
    bare = TestClient(create_page_app(PageSettings()), base_url=BASE)
    page, exit_code = _post(bare, path.read_bytes())
    view = page["view"]
    assert exit_code == 1 and view["verdict"] == "unusable" and view["code"] == code  # neutral colour, as before
    assert view["heading"][lang] == page_heading and view["credentials"] == []


@pytest.mark.parametrize("lang, heading, page_heading", [("nl", "NIET TE CONTROLEREN: ", "Niet te controleren"),
                                                         ("en", "CANNOT BE CHECKED: ", "Cannot be checked")])
def test_an_input_that_cannot_be_read_cannot_be_checked_as_its_exit_code_2_says(tmp_path, lang, heading, page_heading):
    path = tmp_path / "broken.json"
    path.write_text("{", "utf-8")
    result = CliRunner().invoke(cli_app, ["verify", str(path), "--lang", lang])
    assert result.exit_code == 2 and result.stdout.startswith(heading), result.stdout
    page, exit_code = _post(TestClient(create_page_app(PageSettings()), base_url=BASE), b"{")
    assert exit_code == 2 and page["view"]["verdict"] == "unusable" and page["view"]["heading"][lang] == page_heading


def test_a_passport_of_credentials_nothing_vouches_for_is_not_confirmed_on_each_line(world):
    from pageworld import passport_pdf

    pdf = world.folder / "paspoort-zonder-bundel.pdf"
    pdf.write_bytes(passport_pdf(world))
    result = CliRunner().invoke(cli_app, ["verify", str(pdf)])
    lines = result.stdout.splitlines()
    assert result.exit_code == 1 and lines[0].startswith("PASPOORT (pdf): NIET BEVESTIGD — "), result.stdout
    rows = [line.strip() for line in lines if line.lstrip().startswith("✗ #")]
    assert len(rows) == 4 and all(row.split(" [")[0].endswith("Niet bevestigd") for row in rows), rows


def test_a_revoked_credential_in_the_cli_text_is_named_with_its_issuer(world):
    result = CliRunner().invoke(cli_app, ["verify", str(world.files["revoked"]), "--bundle", str(world.files["bundle"]),
                                          "--trust-anchor", world.anchor.controller, "--lang", "en"])
    title = world.credentials["revoked"]["name"]  # "Mbo-diploma …": the English word of its kind after it
    assert result.exit_code == 1 and f"  credential: {title} (MBO diploma), issuer {world.ROC_NAME}" in result.stdout
    assert "MboDiploma" not in result.stdout


def test_a_passport_pdf_verifies_every_qr_code_in_it_as_one_passport(client, world):
    from pageworld import passport_pdf

    page, exit_code = _post(client, passport_pdf(world))
    view = page["view"]
    assert exit_code == 0 and page["verified"] is True and len(page["credentials"]) == 4
    assert view["presentation"] is True and view["skills"]["verifiedCredentials"] == [0, 1, 2, 3]
    assert [w["code"] for w in view["warnings"]] == ["holder_not_proven"]  # a PDF proves nothing about who shows it
    assert view["collect"]["mode"] == "replace" and len(view["collect"]["credentials"]) == 4


def test_a_single_credential_is_offered_for_collection_and_a_presentation_is_not(client, world):
    single, _ = _post(client, world.files["diploma"].read_bytes())
    assert single["view"]["collect"] == {"mode": "add", "credentials": [world.credentials["diploma"]]}
    passport, _ = _post(client, world.files["passport"].read_bytes())
    assert passport["view"]["collect"] == {"mode": "none"}
    broken, _ = _post(client, world.files["noise"].read_bytes(), kind="image")
    assert broken["view"]["collect"] is None
    revoked, _ = _post(client, world.files["revoked"].read_bytes())
    assert revoked["view"]["collect"] is None  # shown on its own, never merged into the passport


@pytest.mark.parametrize(
    "make, code",
    [
        pytest.param(lambda: b"%PDF-1.7\n" + os.urandom(20_000), "pdf_unreadable", id="corrupt PDF"),
        pytest.param(lambda: b"%PDF-1.7\n" + b"0" * (40 * 1024 * 1024), "too_large", id="huge PDF"),
        pytest.param(lambda: __import__("pageworld").pdf_with_images(1000), "resource_limit", id="1000 images"),
        pytest.param(lambda: __import__("pageworld").pdf_with_images(1, width=60_000, height=60_000, data=zlib.compress(b"")),
                     "resource_limit", id="one giant image"),
        pytest.param(lambda: __import__("pageworld").zip_bomb_pdf(), "resource_limit", id="zip bomb"),
        pytest.param(lambda: __import__("pageworld").pdf_with_images(3, width=40, height=40), "qr_unreadable",
                     id="no QR code"),
    ],
)
def test_hostile_pdfs_get_a_coded_refusal_and_the_page_answers_the_next_request(client, world, make, code):
    page, exit_code = _post(client, make())
    assert exit_code == 2 and page["errors"][0]["code"] == code, page["errors"]
    assert page["view"]["verdict"] == "unusable"
    assert _post(client, world.files["diploma"].read_bytes())[0]["verified"] is True


@pytest.fixture()
def phone_site(world: PageWorld, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> tuple[TestClient, dict[str, Any]]:
    """The page with its installable page on (a stand-in runtime folder: only ``/app/bundle.json`` is asked for),
    its bundle from a loader (``current["bundle"]``), as the issuer service hands it."""
    from skillspas.verifier import browser_build

    monkeypatch.setattr(browser_build, "runtime_folder", lambda: tmp_path)
    current = {"bundle": world.bundle()}
    settings = PageSettings(bundle_loader=lambda: current["bundle"], trust_anchors=(world.anchor.controller,))
    return TestClient(create_page_app(settings), base_url=BASE), current


@pytest.mark.parametrize(
    "accept_encoding, gzipped",
    [
        ("gzip;q=0", False), ("gzip; q=0.000", False), ("identity", False), ("*;q=0", False), ("deflate, br", False),
        ("gzip;q=0, *", False), ("*, gzip;q=0", False), ("gzip;q=oops", False), (None, False), ("", False),
        ("gzip;q=0.5", True), ("GZIP", True), ("gzip, deflate, br", True), ("*", True), ("br, *;q=0.1", True),
        ("x-gzip", True), ("gzip;q=0.001, identity", True),
    ],
)
def test_the_installable_page_is_gzipped_only_when_the_browser_gives_gzip_a_q_above_0(
    phone_site, accept_encoding: str | None, gzipped: bool
):
    client, current = phone_site
    if accept_encoding is None:
        client.headers.pop("accept-encoding", None)  # httpx sends "gzip, deflate" unless told otherwise
    answer = client.get("/app/bundle.json", headers={} if accept_encoding is None else {"accept-encoding": accept_encoding})
    assert answer.status_code == 200 and answer.headers.get("content-encoding") == ("gzip" if gzipped else None)
    assert json.loads(answer.content) == current["bundle"].to_json()


def test_the_phones_bundle_is_serialised_and_compressed_once_for_each_bundle(phone_site, world, monkeypatch):
    import gzip

    from skillspas.verifier.bundle import Bundle

    client, current = phone_site
    calls: list[str] = []
    to_json, compress = Bundle.to_json, gzip.compress
    monkeypatch.setattr(Bundle, "to_json", lambda self: calls.append("to_json") or to_json(self))
    monkeypatch.setattr(gzip, "compress", lambda *a, **k: calls.append("gzip") or compress(*a, **k))
    first, second = (client.get("/app/bundle.json", headers={"accept-encoding": "gzip"}) for _ in range(2))
    assert first.headers["content-encoding"] == second.headers["content-encoding"] == "gzip"
    assert first.content == second.content and first.headers["etag"] == second.headers["etag"]
    assert json.loads(first.content) == current["bundle"].to_json()
    assert calls == ["to_json", "gzip", "to_json"]  # the last one is this test's own
    plain = client.get("/app/bundle.json", headers={"accept-encoding": "identity"})
    assert plain.content == first.content and "content-encoding" not in plain.headers and len(calls) == 3
    clean = sign(status_list_credential(STATUS_URL, issuer=world.roc.controller, revoked=[]), world.roc)
    current["bundle"] = world.bundle(status_lists=[clean])  # the loader hands a new bundle
    third = client.get("/app/bundle.json", headers={"accept-encoding": "gzip"})
    assert third.headers["etag"] != first.headers["etag"]
    assert json.loads(third.content) == current["bundle"].to_json() != json.loads(first.content)


@pytest.mark.parametrize("challenge", [None, "code-of-another-employer"])
def test_a_holder_signed_presentation_without_the_pages_challenge_is_genuine_but_warns_it_may_be_a_replay(
        client, world, challenge):
    holder = LocalSigner(generate("ed25519"))
    row = example("mbo-diploma", "kok-anouk-testdata")
    own = world._diploma({**row, "learner_did": holder.controller}, 7)
    presentation = build_presentation([own], holder=holder, challenge=challenge)
    page, exit_code = _post(client, json.dumps(presentation))
    view = page["view"]
    assert exit_code == 0 and page["holder"] == holder.controller
    assert view["verdict"] == "warning" and "echt" in view["sentence"]["nl"], view["sentence"]
    replay = view["warnings"][0]
    assert replay["code"] == "challenge_not_given", view["warnings"]
    assert "challenge" in replay["sentence"]["nl"] and "challenge" in replay["sentence"]["en"]
    assert "--challenge" in view["next"]["nl"] and "--challenge" in view["next"]["en"]
    unsigned, _ = _post(client, world.files["passport"].read_bytes())  # no holder proof: holder_not_proven says it
    assert "challenge_not_given" not in [w["code"] for w in unsigned["view"]["warnings"]]


def test_skillspas_verify_says_as_the_page_does_that_a_holder_proof_without_your_code_may_be_a_replay(world, tmp_path):
    holder = LocalSigner(generate("ed25519"))
    own = world._diploma({**example("mbo-diploma", "kok-anouk-testdata"), "learner_did": holder.controller}, 7)
    path = tmp_path / "vp.json"
    path.write_text(json.dumps(build_presentation([own], holder=holder, challenge="vacature-2026-17")), "utf-8")
    trust = ["--bundle", str(world.files["bundle"]), "--trust-anchor", world.anchor.controller]
    plain = CliRunner().invoke(cli_app, ["verify", str(path), *trust])
    assert plain.exit_code == 0 and plain.stdout.startswith("GELDIG"), plain.stdout
    assert "[challenge_not_given]" in plain.stdout and "--challenge" in plain.stdout
    asked = CliRunner().invoke(cli_app, ["verify", str(path), *trust, "--challenge", "vacature-2026-17"])
    assert asked.exit_code == 0 and "challenge_not_given" not in asked.stdout, asked.stdout


def test_the_code_the_employer_gave_makes_a_presentation_made_with_it_green_and_refuses_one_made_without_it(
        client, world):
    holder = LocalSigner(generate("ed25519"))
    own = world._diploma({**example("mbo-diploma", "kok-anouk-testdata"), "learner_did": holder.controller}, 7)
    made_for_us = json.dumps(build_presentation([own], holder=holder, challenge="vacature-2026-17"))
    page, exit_code = _post(client, made_for_us, challenge="  vacature-2026-17 ")  # trimmed, as typed
    assert exit_code == 0 and page["holder"] == holder.controller and page["view"]["verdict"] == "valid", page["view"]
    assert "challenge_not_given" not in [w["code"] for w in page["view"]["warnings"]]
    for challenge in ("code-of-another-employer", None):
        other = json.dumps(build_presentation([own], holder=holder, challenge=challenge))
        refused, exit_code = _post(client, other, challenge="vacature-2026-17")
        assert exit_code == 1 and refused["view"]["code"] == "challenge_mismatch", refused["view"]
        assert refused["view"]["verdict"] == "invalid"
    unchanged, exit_code = _post(client, made_for_us, challenge="   ")  # an empty field: as before, orange
    assert exit_code == 0 and unchanged["view"]["verdict"] == "warning"
    assert unchanged["view"]["warnings"][0]["code"] == "challenge_not_given"


@pytest.mark.parametrize("given", ["passport pdf", "credential", "unsigned presentation"])
def test_the_employers_code_with_an_input_no_holder_signed_is_orange_not_checked_never_red(client, world, given):
    """Only a holder proof can carry the employer's code: a passport PDF, one credential or an unsigned presentation
    is checked as it is (not refused invalid_proof, which says "forged"), and never green: the code was not checked."""
    from pageworld import passport_pdf

    body = {"passport pdf": lambda: passport_pdf(world), "credential": lambda: world.files["diploma"].read_bytes(),
            "unsigned presentation": lambda: world.files["passport"].read_bytes()}[given]()
    plain, plain_exit = _post(client, body)
    page, exit_code = _post(client, body, challenge="vacature-2026-17")
    view = page["view"]
    assert plain_exit == 0 and plain["view"]["verdict"] in ("valid", "warning"), plain["view"]
    assert exit_code == 0 and view["verdict"] == "warning", view
    assert view["warnings"][0]["code"] == "challenge_not_used", view["warnings"]
    assert "code" in view["warnings"][0]["sentence"]["nl"] and "--challenge" in view["next"]["en"]
    assert "invalid_proof" not in json.dumps(page)
    assert [c["verdict"] for c in view["credentials"]] == [c["verdict"] for c in plain["view"]["credentials"]]


def test_the_domain_the_employer_types_is_checked_as_verify_domain_checks_it(client, world, tmp_path):
    """Beside the code, the page takes the domain the employer gave the candidate (optional, trimmed): a presentation
    made for it is green, one made for another domain red domain_mismatch, as ``skillspas verify --domain``; a
    credential alone cannot carry it: orange challenge_not_used, never red."""
    holder = LocalSigner(generate("ed25519"))
    own = world._diploma({**example("mbo-diploma", "kok-anouk-testdata"), "learner_did": holder.controller}, 7)
    ours = build_presentation([own], holder=holder, challenge="vacature-2026-17", domain="werkgever.example")
    page, exit_code = _post(client, json.dumps(ours), challenge="vacature-2026-17", domain=" werkgever.example ")
    assert exit_code == 0 and page["view"]["verdict"] == "valid", page["view"]
    path = tmp_path / "vp.json"
    path.write_text(json.dumps(ours), "utf-8")
    for domain in ("ander.example", "werkgever.example.evil"):
        refused, exit_code = _post(client, json.dumps(ours), challenge="vacature-2026-17", domain=domain)
        cli, cli_exit = _cli(world, str(path), "--challenge", "vacature-2026-17", "--domain", domain)
        assert exit_code == cli_exit == 1 and refused["view"]["code"] == "domain_mismatch", refused["view"]
        assert refused["errors"] == cli["errors"]
    alone, exit_code = _post(client, world.files["diploma"].read_bytes(), domain="werkgever.example")
    assert exit_code == 0 and alone["view"]["warnings"][0]["code"] == "challenge_not_used", alone["view"]
    too_long = client.post("/api/verify", content=b"{}", params={"domain": "d" * 101})
    assert too_long.status_code == 400 and too_long.json()["code"] == "schema_invalid"


def test_the_page_has_an_optional_domain_field_beside_the_code_with_dutch_and_english_words(client):
    html = client.get("/").text
    assert '<label for="domain" data-t="domain_label">' in html and 'id="domain"' in html
    words = page_words()
    assert "domein" in words["nl"]["domain_label"].lower() and "domain" in words["en"]["domain_label"].lower()
    assert page_words(phone=True)["nl"]["domain_label"] == words["nl"]["domain_label"]


def test_an_over_long_challenge_is_refused_with_a_code_and_not_echoed(client, world):
    too_long = client.post("/api/verify", content=b"{}", params={"challenge": "c" * 101})
    assert too_long.status_code == 400 and too_long.json()["code"] == "schema_invalid", too_long.text
    assert "c" * 101 not in too_long.text and too_long.headers[EXIT_CODE_HEADER] == "2"


def test_a_pasted_damaged_qr_text_is_not_told_there_is_no_code_in_an_image(client):
    page, exit_code = _post(client, "SP1:%%%%NOT-BASE45%%%%", kind="text")
    view = page["view"]
    assert exit_code == 2 and view["code"] == "qr_unreadable", view
    assert "afbeelding" not in view["sentence"]["nl"] and "image" not in view["sentence"]["en"], view["sentence"]


def test_an_image_of_too_many_pixels_is_told_the_image_is_too_large_not_the_code(client):
    import io

    from PIL import Image

    from skillspas.verifier.qr.image import MAX_IMAGE_PIXELS

    png = io.BytesIO()
    Image.new("1", (8000, MAX_IMAGE_PIXELS // 8000 + 1), 1).save(png, "PNG")
    page, exit_code = _post(client, png.getvalue(), kind="image")
    view = page["view"]
    assert exit_code == 2 and view["code"] == "qr_too_large", view
    assert "afbeelding" in view["sentence"]["nl"] and "image" in view["sentence"]["en"], view["sentence"]
    assert "gegevens" not in view["sentence"]["nl"], view["sentence"]


def test_the_advice_after_an_incomplete_set_or_a_too_deep_file_is_not_a_sharper_photo(client, world):
    from skillspas.verifier.qr import split_payload

    part = split_payload(encode_payload(world.credentials["diploma"]), 3)[1]
    for body, code in ((part, "qr_incomplete"), (deep_json(), "too_deep")):
        page, _ = _post(client, body, kind="text" if code == "qr_incomplete" else "auto")
        view = page["view"]
        assert view["code"] == code and "foto" not in view["next"]["nl"] and "photo" not in view["next"]["en"], view["next"]
    assert "delen" in _post(client, part, kind="text")[0]["view"]["next"]["nl"]


@pytest.mark.parametrize(("body", "kind", "fits", "not_said"), [
    pytest.param(b'{"@context": ["https://www.w3.org/ns/credentials/v2"], "type": ', "auto",
                 ("originele bestand", "original file"), ("foto", "photo"), id="a JSON file that breaks off"),
    pytest.param(b"%PDF-1.7\n" + b"x" * 50, "auto", ("originele bestand", "original file"), ("foto", "photo"),
                 id="a damaged PDF"),
    pytest.param("blank", "image", ("scherpere foto", "sharper photo"), ("plak", "paste"), id="a photo without a code"),
    pytest.param(b'{"type": ', "text", ("Plak of scan", "Paste or scan"), ("foto", "photo"), id="pasted text that breaks off"),
])
def test_the_advice_for_an_input_that_cannot_be_read_fits_how_it_was_given(client, body, kind, fits, not_said):
    """An unreadable JSON file was told to take a sharper photo of the QR code: a file asks for the original file, a
    photo for a sharper photo, pasted or scanned text to paste or scan it again."""
    if body == "blank":
        import io

        from PIL import Image

        png = io.BytesIO()
        Image.new("L", (200, 200), 255).save(png, "PNG")
        body = png.getvalue()
    page, exit_code = _post(client, body, kind=kind)
    advice = page["view"]["next"]
    assert exit_code == 2 and fits[0] in advice["nl"] and fits[1] in advice["en"], advice
    assert not_said[0] not in advice["nl"].lower() and not_said[1] not in advice["en"].lower(), advice


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_skillspas_verify_asks_for_the_original_of_a_json_file_it_cannot_read_not_a_sharper_photo(tmp_path, lang):
    path = tmp_path / "diploma.json"
    path.write_text('{"@context": ["https://www.w3.org/ns/credentials/v2"], "type": ', "utf-8")
    result = CliRunner().invoke(cli_app, ["verify", str(path), "--lang", lang])
    advice = result.stdout.splitlines()[-1]
    assert result.exit_code == 2 and advice.startswith("Wat nu? " if lang == "nl" else "What now? "), result.stdout
    assert ("originele bestand" if lang == "nl" else "original file") in advice
    assert "foto" not in advice and "photo" not in advice, advice


def test_the_phone_page_gives_an_unreadable_json_file_the_laptops_advice(client):
    from skillspas.verifier.browser.phone import check

    body = b'{"@context": ["https://www.w3.org/ns/credentials/v2"], "type": '
    phone = json.loads(check(body, "{}"))["view"]
    assert phone["next"] == _post(client, body)[0]["view"]["next"] and "foto" not in phone["next"]["nl"]


def test_the_page_names_a_failed_credential_of_a_passport_as_its_file_claims_it_as_skillspas_verify_does(
        client, world, tmp_path):
    """Which of the candidate's credentials is false: the page says what its file claims it is (type, title, issuer as
    written, quoted), marked not verified, in the words `skillspas verify` prints for it; a genuine one has no such line."""
    tampered = world.credentials["tampered"]
    passport = json.dumps(build_presentation([world.credentials["diploma"], tampered]))
    page, exit_code = _post(client, passport)
    genuine, failed = page["view"]["credentials"]
    assert exit_code == 1 and failed["code"] == "invalid_signature" and "claimed" not in genuine, page["view"]
    assert failed["claimed"]["nl"].startswith("volgens het bestand (niet gecontroleerd): 'MboDiploma' "), failed
    assert f"'{tampered['name']}'" in failed["claimed"]["en"] and f"'{tampered['issuer']['name']}'" in failed["claimed"]["en"]
    path = tmp_path / "passport.json"
    path.write_text(passport, "utf-8")
    for lang in ("nl", "en"):
        said = CliRunner().invoke(cli_app, ["verify", str(path), "--bundle", str(world.files["bundle"]),
                                            "--trust-anchor", world.anchor.controller, "--lang", lang]).stdout
        assert failed["claimed"][lang] in [line.strip() for line in said.splitlines()], said


@pytest.mark.parametrize("name", ["diploma", "misnamed", "passport", "signed without a code"],
                         ids=["a valid diploma", "a diploma naming another issuer", "an unsigned passport",
                              "a passport its holder signed without the employer's code"])
@pytest.mark.parametrize("lang", ["nl", "en"])
def test_skillspas_verify_heads_a_valid_result_with_the_pages_verdict_and_sentence(client, world, tmp_path, name, lang):
    """What the page shows orange ("Geldig, met een waarschuwing"), `skillspas verify` does not head "GELDIG" alone; and
    a passport of one person says whose it is, as the page does, so the employer can compare the name with an ID."""
    if name == "signed without a code":
        holder = LocalSigner(generate("ed25519"))
        own = world._diploma({**example("mbo-diploma", "kok-anouk-testdata"), "learner_did": holder.controller}, 7)
        path = tmp_path / "vp.json"
        path.write_text(json.dumps(build_presentation([own], holder=holder)), "utf-8")
    else:
        path = world.files[name]
    view = _post(client, path.read_bytes())[0]["view"]
    said = CliRunner().invoke(cli_app, ["verify", str(path), "--bundle", str(world.files["bundle"]),
                                        "--trust-anchor", world.anchor.controller, "--lang", lang])
    assert said.exit_code == 0 and view["verdict"] in ("valid", "warning"), view
    assert said.stdout.splitlines()[0] == f"{view['heading'][lang].upper()}: {view['sentence'][lang]}", said.stdout


def test_the_advice_after_an_old_status_list_says_where_a_newer_bundle_comes_from_not_a_command_that_builds_one():
    """`skillspas bundle` builds a bundle from a trust list and DID documents: nothing an employer has. The advice says
    whom to ask and what it shows (the page's stale-status test pins how it opens)."""
    from skillspas.schemas.errors import ErrorCode
    from skillspas.verifier.page.texts import next_step

    advice = next_step(ErrorCode.STATUS_UNAVAILABLE)
    assert "skillspas bundle" not in advice["nl"] and "skillspas bundle" not in advice["en"], advice
    assert "uitgever" in advice["nl"] and "ingetrokken" in advice["nl"] and "issuer" in advice["en"], advice


def test_the_advice_about_the_employers_code_says_to_make_one_up_and_where_to_type_it_and_makes_a_signed_file():
    """The employer has no code until they make one up: the advice says so, names the field the page asks it in (and
    --challenge for the CLI), and its command makes the file that can carry it (--presentation, signed by the holder)."""
    from skillspas.verifier.page.texts import WORDS, both

    advice = both("challenge_next")
    for lang in ("nl", "en"):
        field = WORDS[lang]["challenge_label"].split(" (")[0]
        assert field in advice[lang] and "--presentation" in advice[lang] and "--challenge CODE" in advice[lang], advice
    assert "Bedenk een code" in advice["nl"] and "Make up a code" in advice["en"]


@pytest.mark.parametrize(("name", "kind"), [("diploma", "auto"), ("qr_valid", "image")], ids=["a diploma file", "its QR code"])
def test_a_valid_credential_alone_stays_green_and_says_to_compare_the_holders_name_with_an_identity_document(
        client, world, name, kind):
    """One credential proves who it was issued to, not that the person in front of the employer is that person (the
    same credentials in a passport PDF are orange, holder_not_proven): its green verdict says what to do about it."""
    from skillspas.schemas.errors import ErrorCode
    from skillspas.verifier.page.texts import next_step

    view = _post(client, world.files[name].read_bytes(), kind=kind)[0]["view"]
    assert view["verdict"] == "valid" and view["credentials"][0]["subjectName"] == "Anouk Testdata", view
    assert view["next"] == next_step(ErrorCode.HOLDER_NOT_PROVEN) and "identiteitsbewijs" in view["next"]["nl"]


@pytest.mark.parametrize(("names", "nl", "en"), [
    (("diploma", "revoked"), "1 van de 2 bewijsstukken is niet geldig", "1 of the 2 credentials is not valid"),
    (("diploma", "revoked", "tampered"), "2 van de 3 bewijsstukken zijn niet geldig", "2 of the 3 credentials are not valid"),
], ids=["one not valid", "two not valid"])
def test_the_sentence_over_a_passport_with_credentials_that_are_not_valid_counts_them_in_correct_dutch_and_english(
        client, world, names, nl, en):
    view = _post(client, json.dumps(build_presentation([world.credentials[n] for n in names])))[0]["view"]
    assert view["sentence"] == {"nl": f"{nl}; alleen de geldige tellen mee.", "en": f"{en}; only the valid ones count."}


def test_a_passport_whose_credentials_warn_alike_says_each_warning_once_above_them_and_on_each_card(world):
    """Four credentials trusted through a trust list nothing pins: the verdict box says trust_list_not_pinned once
    (not four identical lines under "Geldig, met een waarschuwing"); each credential's card still says it."""
    unpinned = TestClient(create_page_app(PageSettings(bundle=world.bundle())), base_url=BASE)
    page, exit_code = _post(unpinned, world.files["passport"].read_bytes())
    view = page["view"]
    assert exit_code == 0 and view["verdict"] == "warning", view
    assert [w["code"] for w in view["warnings"]] == ["holder_not_proven", "trust_list_not_pinned"], view["warnings"]
    assert [[w["code"] for w in c["warnings"]] for c in view["credentials"]] == [["trust_list_not_pinned"]] * 4


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_skillspas_verify_names_a_credentials_kind_in_the_pages_words_not_its_json_ld_types(client, world, lang):
    view = _post(client, world.files["diploma"].read_bytes())[0]["view"]
    said = CliRunner().invoke(cli_app, ["verify", str(world.files["diploma"]), "--bundle", str(world.files["bundle"]),
                                        "--trust-anchor", world.anchor.controller, "--lang", lang]).stdout
    kind = f"  {'soort' if lang == 'nl' else 'type'}: {view['credentials'][0]['kind'][lang]}"
    assert kind in said.splitlines() and "VerifiableCredential" not in said and "MboDiploma" not in said, said


@pytest.mark.parametrize(("name", "kind", "args"), [("tampered", "auto", ()), ("qr_tampered", "image", ("--qr",))],
                         ids=["a changed diploma file", "its QR code"])
def test_a_credential_alone_whose_signature_fails_is_named_as_its_file_claims_it_on_the_page_and_by_skillspas_verify(
        client, world, name, kind, args):
    """Scanning codes one after another, the employer sees which one is false: what it claims to be, marked not
    verified (never its holder's name, never as a fact), in the same words on the page and in the CLI."""
    view = _post(client, world.files[name].read_bytes(), kind=kind)[0]["view"]
    assert view["code"] == "invalid_signature" and view["credentials"] == [], view
    tampered = world.credentials["tampered"]
    assert view["claimed"]["nl"] == (f"volgens het bestand (niet gecontroleerd): 'MboDiploma' '{tampered['name']}', "
                                     f"uitgever '{tampered['issuer']['name']}' ('{world.roc.controller}')"), view["claimed"]
    assert "Iemand Anders" not in json.dumps(view)
    for lang in ("nl", "en"):
        said = CliRunner().invoke(cli_app, ["verify", *args, str(world.files[name]), "--bundle", str(world.files["bundle"]),
                                            "--trust-anchor", world.anchor.controller, "--lang", lang]).stdout
        assert view["claimed"][lang] in [line.strip() for line in said.splitlines()], said


def test_the_advice_over_a_passport_with_a_false_credential_says_which_one_it_is_about(client, world):
    """"Wat nu? Vertrouw dit bewijsstuk niet." over a passport of three: which one? The one its card numbers."""
    from skillspas.schemas.errors import ErrorCode
    from skillspas.verifier.page.texts import next_step

    passport = build_presentation([world.credentials[n] for n in ("diploma", "tampered", "evc")])
    view = _post(client, json.dumps(passport))[0]["view"]
    advice = next_step(ErrorCode.INVALID_SIGNATURE)
    assert view["code"] == "invalid_signature" and view["credentials"][1]["verdict"] == "invalid", view
    assert view["next"] == {"nl": f"Bewijsstuk 2: {advice['nl']}", "en": f"Credential 2: {advice['en']}"}
