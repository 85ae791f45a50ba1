"""``skillspas verify passport.pdf``: every QR code of a worker's passport PDF checked as the page checks a dropped
PDF (one presentation without holder proof), shown as one passport view: per person, each credential's verdict,
the summary of the person that counts; ``--json`` adds that view under ``passport``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from pageworld import PageWorld, passport_pdf
from skillspas.issuer.cli import app as cli_app
from skillspas.schemas.limits import Limits
from skillspas.verifier.page import PageSettings, create_page_app
from skillspas.verifier.pdf import MAX_PDF_BYTES
from skillspas.wallet_export.passport import build_passport

ANOUK = ("diploma", "praktijkverklaring", "evc", "microcredential")


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> PageWorld:
    return PageWorld(tmp_path_factory.mktemp("pdf-cli-world")).build()


def _verify(world: PageWorld, pdf: bytes, *args: str) -> tuple[str, int]:
    path = world.folder / f"paspoort-{abs(hash(pdf))}.pdf"
    path.write_bytes(pdf)
    result = CliRunner().invoke(cli_app, ["verify", str(path), "--bundle", str(world.files["bundle"]),
                                          "--trust-anchor", world.anchor.controller, *args])
    assert "Traceback" not in result.stdout + result.stderr
    return result.stdout, result.exit_code


def _comparable(body: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in body.items() if k not in ("view", "checkedAt", "passport")} | {
        "credentials": [_comparable(c) for c in body.get("credentials", [])]}


def test_verify_reads_a_passport_pdf_with_the_pages_result_and_summary(world):
    pdf = passport_pdf(world)
    out, exit_code = _verify(world, pdf, "--json")
    cli = json.loads(out)
    page = TestClient(create_page_app(PageSettings(bundle=world.bundle(), trust_anchors=(world.anchor.controller,))),
                      base_url="http://127.0.0.1:8765").post("/api/verify", content=pdf).json()
    assert exit_code == 0 and cli["verified"] is True and len(cli["credentials"]) == 4
    assert _comparable(cli) == _comparable(page)
    passport = cli["passport"]
    assert passport["source"] == "pdf" and passport["verdict"] == "warning"  # holder_not_proven: a PDF proves no holder
    assert passport["summary"] == page["view"]["skills"]
    assert [row["verdict"] for row in passport["credentials"]] == ["valid"] * 4
    assert [row["name"] for row in passport["credentials"]] == [world.credentials[n]["name"] for n in ANOUK]
    assert {row["person"] for row in passport["credentials"]} == {world.credentials["diploma"]["credentialSubject"]["id"]}


def test_a_challenge_given_for_a_passport_pdf_is_not_used_and_the_valid_passport_is_orange_as_on_the_page(world):
    pdf = passport_pdf(world)
    out, exit_code = _verify(world, pdf, "--json", "--challenge", "sollicitatie-42")
    page = TestClient(create_page_app(PageSettings(bundle=world.bundle(), trust_anchors=(world.anchor.controller,))),
                      base_url="http://127.0.0.1:8765").post("/api/verify?challenge=sollicitatie-42", content=pdf).json()
    cli = json.loads(out)
    assert exit_code == 0 and cli["verified"] is True and len(cli["credentials"]) == 4
    assert cli["passport"]["verdict"] == page["view"]["verdict"] == "warning"
    assert "challenge_not_used" in [w["code"] for w in page["view"]["warnings"]]
    text, exit_code = _verify(world, pdf, "--challenge", "sollicitatie-42")
    assert exit_code == 0 and "[challenge_not_used]" in text  # and the page's sentence, naming whose passport it is
    assert page["view"]["sentence"]["nl"] == "Alle 4 bewijsstukken van Anouk Testdata zijn echt en geldig." and (
        page["view"]["sentence"]["nl"] in text.splitlines()[0]), text


def test_a_passport_pdf_of_two_people_shows_each_person_each_verdict_and_one_summary(world):
    names = ("diploma", "praktijkverklaring", "evc_dennis", "revoked")
    out, exit_code = _verify(world, passport_pdf(world, names), "--lang", "en")
    assert exit_code == 1, out
    lines = out.splitlines()
    assert lines[0].startswith("PASSPORT (pdf): NOT VALID — 1 of the 4 credentials is not valid")
    anouk = next(i for i, line in enumerate(lines) if line.startswith("  person: Anouk Testdata"))
    dennis = next(i for i, line in enumerate(lines) if line.startswith("  person: Dennis"))
    assert lines[anouk].endswith("— counted") and lines[dennis].endswith("— not counted")
    # Numbered as the PDF numbers its pages of credentials ("4/4"): from 1.
    assert any(line.startswith("    ✗ #4 Not valid [revoked] — ") and world.ROC_NAME in line for line in lines[anouk:dennis])
    assert any(line.startswith("    ✓ #3 Valid — ") for line in lines[dennis:])
    summary = [line for line in lines if line.startswith("  summary: ")]
    assert len(summary) == 1 and "from 2 credentials (Anouk Testdata" in summary[0]  # never Dennis's, never the revoked
    rows = json.loads(_verify(world, passport_pdf(world, names), "--json")[0])["passport"]["credentials"]
    assert [(r["verdict"], r["code"]) for r in rows] == [("valid", None)] * 3 + [("invalid", "revoked")]


def test_a_passport_pdf_with_credentials_printed_as_numbered_sets_verifies_every_credential(world):
    pdf = build_passport([world.credentials[n] for n in ANOUK]).to_pdf(max_version=10)
    out, exit_code = _verify(world, pdf, "--json")
    passport = json.loads(out)["passport"]
    assert exit_code == 0 and len(passport["credentials"]) == 4
    assert passport["summary"]["verifiedCredentials"] == [0, 1, 2, 3]


def test_a_pdf_without_a_skillspas_qr_code_is_qr_unreadable(world):
    from helpers import pdf_with_images

    out, exit_code = _verify(world, pdf_with_images(2, width=40, height=40), "--json")
    assert exit_code == 2 and json.loads(out)["errors"][0]["code"] == "qr_unreadable"


def test_a_json_file_is_still_read_within_the_json_limit(world, tmp_path: Path):
    big = tmp_path / "big.json"
    big.write_bytes(b'{"a": "' + b"x" * (2 * 1024 * 1024) + b'"}')
    result = CliRunner().invoke(cli_app, ["verify", str(big), "--json"])
    assert result.exit_code == 2 and json.loads(result.stdout)["errors"][0]["code"] == "too_large"


def _pdf_with_images(count: int, width: int, height: int) -> bytes:
    """A one-page PDF holding ``count`` grey image XObjects of the given size (their samples are not valid)."""
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 600 800] /Resources << /XObject << "
               + b" ".join(b"/I%d %d 0 R" % (i, 4 + i) for i in range(count)) + b" >> >> >>"]
    objects += [b"<< /Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceGray "
                b"/BitsPerComponent 8 /Length 1 >>\nstream\n\x00\nendstream" % (width, height)] * count
    out, offsets = b"%PDF-1.4\n", []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1) + b"".join(b"%010d 00000 n \n" % o for o in offsets)
    return out + b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)


def test_a_pdf_whose_images_together_are_too_many_pixels_is_refused_before_any_is_decoded():
    from skillspas.schemas.errors import ErrorCode, SkillspasError
    from skillspas.verifier.pdf import MAX_IMAGE_PIXELS, read_pdf_images

    decoded: list[Any] = []
    hostile = _pdf_with_images(30, 3000, 3000)  # each under MAX_IMAGE_PIXELS; together 270 million (the phone tab died)
    assert 3000 * 3000 <= MAX_IMAGE_PIXELS
    with pytest.raises(SkillspasError) as refused:
        read_pdf_images(hostile, decoded.append)
    assert refused.value.code is ErrorCode.RESOURCE_LIMIT and "pixels" in refused.value.message
    assert decoded == []


@pytest.mark.parametrize("source", ["pdf", "presentation"], ids=["a passport PDF", "a presentation file"])
def test_a_passport_checked_without_trust_anchor_names_the_unpinned_trust_list_under_each_credential(world, source):
    """Each credential a self-vouching trust list trusts is orange, ``trust_list_not_pinned`` (README, "Verifier
    page"): the text view of a passport says so under that credential, naming who signed the list, as a single
    credential's view does."""
    if source == "pdf":
        path = world.folder / "paspoort-unpinned.pdf"
        path.write_bytes(passport_pdf(world))
    else:
        path = world.files["passport"]
    for lang, words in (("nl", "LET OP: "), ("en", "WARNING: ")):
        result = CliRunner().invoke(cli_app, ["verify", str(path), "--bundle", str(world.files["bundle"]), "--lang", lang])
        assert result.exit_code == 0, result.stdout
        warned = [line for line in result.stdout.splitlines() if "[trust_list_not_pinned]" in line]
        assert len(warned) == 4 and all(line.lstrip().startswith(words) for line in warned), result.stdout
        assert all(world.anchor.controller in line for line in warned)


@pytest.mark.parametrize(("lang", "words", "detail"), [
    ("nl", "  LET OP: ", "een paspoort als pdf bevat geen handtekening van de houder"),
    ("en", "  WARNING: ", "a passport PDF carries no holder proof"),
])
def test_a_passport_pdfs_own_warning_says_once_that_a_pdf_carries_no_holder_proof_as_the_page_does(world, lang, words, detail):
    """The passport's own warnings (``holder_not_proven``: a PDF proves no holder) go through the one helper that
    prints a credential's: the sentence, the code and the detail that says why, in the terms of what HR was given (a
    PDF, not "the holder did not sign the presentation"), once; the page says the same of a dropped PDF."""
    out, exit_code = _verify(world, passport_pdf(world), "--lang", lang)
    warned = [line for line in out.splitlines() if "[holder_not_proven]" in line]
    assert exit_code == 0 and len(warned) == 1, out
    assert warned[0].startswith(words) and warned[0].endswith(f"[holder_not_proven] {detail}"), warned
    assert "de presentatie niet ondertekend" not in out and "the presentation has no holder proof" not in out, out
    page = TestClient(create_page_app(PageSettings(bundle=world.bundle(), trust_anchors=(world.anchor.controller,))),
                      base_url="http://127.0.0.1:8765").post("/api/verify", content=passport_pdf(world)).json()["view"]
    said = [w for w in page["warnings"] if w["code"] == "holder_not_proven"]
    assert len(said) == 1 and said[0]["detail"][lang] == detail
    assert not [w for c in page["credentials"] for w in c["warnings"] if w["code"] == "holder_not_proven"]


def test_a_presentation_file_without_holder_proof_still_says_its_holder_did_not_sign_it(world):
    """What a worker's JSON presentation lacks is the holder's signature on it: said so, as before."""
    result = CliRunner().invoke(cli_app, ["verify", str(world.files["passport"]), "--bundle", str(world.files["bundle"]),
                                          "--trust-anchor", world.anchor.controller])
    assert result.exit_code == 0 and "[holder_not_proven] de houder heeft de presentatie niet ondertekend" in result.stdout


@pytest.mark.parametrize("source", ["pdf", "presentation"], ids=["a passport PDF", "a presentation file"])
@pytest.mark.parametrize(("lang", "heading", "claimed", "issuer", "nobody"), [
    pytest.param("nl", "✗ #2 Niet geldig [invalid_signature]", "volgens het bestand (niet gecontroleerd): ", "uitgever",
                 "persoon: niet vast te stellen (niet als echt bevestigd) — telt niet mee", id="in Dutch"),
    pytest.param("en", "✗ #2 Not valid [invalid_signature]", "as claimed in the file (not verified): ", "issuer",
                 "person: cannot be told (not confirmed genuine) — not counted", id="in English"),
])
def test_a_failed_credential_in_a_passport_is_named_as_its_file_claims_and_marked_not_verified(
        world, source, lang, heading, claimed, issuer, nobody):
    """The employer sees which credential failed: its type, title and issuer as written in it, quoted, on a line
    of its own that says it is what the file claims; never on the verdict line, where a verified one's name is.
    A passport PDF's view lists it apart from the persons: a forged credential says nothing true about whose it is."""
    from skillspas.wallet_export import build_presentation

    tampered = world.credentials["tampered"]
    if source == "pdf":
        path = world.folder / "paspoort-tampered.pdf"
        path.write_bytes(passport_pdf(world, ("diploma", "tampered")))
    else:
        path = world.folder / "passport-tampered.json"
        path.write_text(json.dumps(build_presentation([world.credentials["diploma"], tampered])), "utf-8")
    result = CliRunner().invoke(cli_app, ["verify", str(path), "--bundle", str(world.files["bundle"]),
                                          "--trust-anchor", world.anchor.controller, "--lang", lang])
    lines = [line.strip() for line in result.stdout.splitlines()]
    assert result.exit_code == 1 and heading in lines, result.stdout
    said = lines[lines.index(heading) + 1]
    assert said == (f"{claimed}'MboDiploma' '{tampered['name']}', {issuer} '{tampered['issuer']['name']}' "
                    f"('{world.roc.controller}')"), said
    if source == "pdf":
        assert lines.index(nobody) == lines.index(heading) - 1, result.stdout


@pytest.mark.parametrize(("lang", "since"), [("nl", "is verlopen op 1 januari 2030"), ("en", "expired on 1 January 2030")])
def test_an_expired_credential_in_a_passport_says_since_when_as_its_card_on_the_page(world, lang, since):
    """"Het bewijsstuk is verlopen." said nothing of when: the row says what its card on the page says
    (``view.failure_view``), the date as people write it (``texts.human_date``)."""
    import datetime as dt

    from pageworld import example
    from skillspas.issuer import sign
    from skillspas.issuer.credentials import build
    from skillspas.verifier.page.inputs import document_bytes
    from skillspas.verifier.page.view import build_view
    from skillspas.verifier.run import verify_input

    row = {**example("microcredential", "haccp-voedselveiligheid-bistro-de-gracht"), "valid_until": "2030-01-01"}
    expired = sign(build("microcredential", row, issuer=world.bistro.controller), world.bistro)
    pdf = build_passport([world.credentials["diploma"], expired]).to_pdf()
    out, exit_code = _verify(world, pdf, "--lang", lang, "--now", "2031-01-01T00:00:00Z")
    lines = out.splitlines()
    row_at = next(i for i, line in enumerate(lines) if "[expired]" in line)
    assert exit_code == 1 and lines[row_at].lstrip().startswith("✗ #2 "), out
    assert since in lines[row_at + 1] and world.BISTRO_NAME in lines[row_at + 1], lines[row_at + 1]
    data = document_bytes(pdf, limits=Limits(), max_image_bytes=MAX_PDF_BYTES)
    result = verify_input(data, bundle=world.files["bundle"], trust_anchors=[world.anchor.controller],
                          now=dt.datetime(2031, 1, 1, tzinfo=dt.timezone.utc))
    card = build_view(result, document=json.loads(data), given="pdf")["credentials"][1]
    assert lines[row_at + 1].strip() == card["sentence"][lang]
