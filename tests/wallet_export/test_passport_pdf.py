"""The printable passport: A4 pages a person reads, whose QR codes decode and verify after printing (pdftoppm)."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from helpers import signed_credential
from skillspas.schemas.errors import ErrorCode, SkillspasError
from skillspas.schemas.vocab import SkillsVocabulary, shown_label
from skillspas.verifier import Verifier, verify
from skillspas.verifier.page.texts import human_date
from skillspas.verifier.qr import decode_payload, read_qr_images
from skillspas.wallet_export import build_passport
from skillspas.wallet_export.pdf import render_pdf

def _tool(name: str) -> str:
    """Poppler's tools are required (Debian package poppler-utils): missing is a failure, not a skip."""
    path = shutil.which(name)
    assert path, f"{name} is missing: apt-get install poppler-utils"
    return path


def _pages(pdf: Path, folder: Path, dpi: int) -> list[Path]:
    subprocess.run([_tool("pdftoppm"), "-r", str(dpi), "-gray", "-png", str(pdf), str(folder / "page")], check=True, timeout=300)
    return sorted(folder.glob("page-*.png"))


def _text(pdf: Path) -> str:
    return subprocess.run([_tool("pdftotext"), "-layout", str(pdf), "-"], check=True, capture_output=True, timeout=60).stdout.decode("utf-8")


@pytest.fixture(scope="module")
def passport_pdf(diplomas, tmp_path_factory):
    folder = tmp_path_factory.mktemp("pdf")
    passport = build_passport(diplomas[1:21])
    path = folder / "paspoort.pdf"
    passport.to_pdf(path)
    return passport, path


def test_twenty_credential_passport_exports_a_signed_presentation(passport_pdf, issuer, holder):
    passport, _ = passport_pdf
    vp = passport.to_presentation(holder=holder, challenge="sollicitatie-7", domain="werkgever.example")
    result = verify(vp, trusted_issuers=[issuer.controller], challenge="sollicitatie-7", domain="werkgever.example")
    assert result.verified, result.first_error
    assert len(result.credentials) == 20


def test_every_qr_code_in_the_printed_pdf_decodes_and_verifies(passport_pdf, issuer, tmp_path):
    passport, path = passport_pdf
    pages = _pages(path, tmp_path, dpi=150)
    verifier = Verifier(trusted_issuers=[issuer.controller])
    found, without = [], 0
    for page in pages:
        try:
            texts = read_qr_images(page)
        except SkillspasError as exc:  # the cover, or a credential's second page, holds no QR code
            assert exc.code is ErrorCode.QR_UNREADABLE
            without += 1
            continue
        assert len(texts) == 1
        data = decode_payload(texts[0])
        assert verifier.verify(data).verified
        found.append(json.loads(data))
    assert found == list(passport.credentials)  # one QR code per credential, in passport order
    assert len(pages) == 20 + without and without <= 4


def test_pdf_pages_are_a4(passport_pdf):
    _, path = passport_pdf
    info = subprocess.run([_tool("pdfinfo"), "-l", "99", str(path)], check=True, capture_output=True).stdout.decode()
    sizes = re.findall(r"Page +\d+ size: +(.*)", info)
    assert len(sizes) >= 21 and all(size.endswith("(A4)") for size in sizes)


def test_pdf_is_dutch_by_default_with_issuer_title_dates_and_skill_labels(passport_pdf, diplomas):
    _, path = passport_pdf
    text = _text(path)
    for words in ("Vaardighedenpaspoort", "Uitgever", "Op naam van", "Geldig vanaf", "Vaardigheden (20)",
                  "ROC Voorbeeldstad (fictief)", "Mbo-diploma Software developer", "1 juli 2025", "QR-code 20 van 20"):
        assert words in text, words
    vocabulary = SkillsVocabulary.bundled()
    plain = " ".join(subprocess.run([_tool("pdftotext"), str(path), "-"], check=True, capture_output=True,
                                    timeout=60).stdout.decode("utf-8").split())  # a long label wraps in its cell
    for alignment in diplomas[20]["credentialSubject"]["achievement"]["alignment"]:  # as the verifier's pages name them
        assert shown_label(vocabulary.get(alignment["targetUrl"]).labels, "nl", "") in plain
        assert alignment["targetUrl"].rsplit("/", 1)[1] in text


def test_pdf_in_english(diplomas, tmp_path):
    path = tmp_path / "passport.pdf"
    path.write_bytes(render_pdf(diplomas[1:3], lang="en"))
    text = _text(path)
    for words in ("Skills passport", "Issuer", "In the name of", "Valid from", "Skills (1)", "QR code 2 of 2"):
        assert words in text, words
    assert "Vaardighedenpaspoort" not in text


@pytest.mark.parametrize("lang, command", [("nl", "skillspas verify PASPOORT.pdf --bundle BUNDEL.json"),
                                           ("en", "skillspas verify PASSPORT.pdf --bundle BUNDLE.json")])
def test_the_pdf_tells_an_employer_to_check_it_whole_with_the_issuers_bundle(diplomas, tmp_path, lang, command):
    """It said ``skillspas verify --qr FOTO.png``: without a bundle that says "niet bevestigd" of every code."""
    path = tmp_path / "p.pdf"
    path.write_bytes(render_pdf(diplomas[1:3], lang=lang))
    assert command in " ".join(_text(path).split()) and "--qr" not in _text(path)


def test_english_pdf_names_skills_in_english_from_the_vocabulary(tmp_path, issuer):
    credential, _ = signed_credential(issuer)  # its alignments carry Dutch targetNames
    path = tmp_path / "en.pdf"
    path.write_bytes(render_pdf([credential], lang="en"))
    text = _text(path)
    assert "provide basic support to patients" in text
    assert "basisondersteuning aan patiënten bieden" not in text


def test_dutch_letters_survive_without_system_fonts(tmp_path, issuer):
    credential, _ = signed_credential(issuer)
    path = tmp_path / "core.pdf"
    path.write_bytes(render_pdf([credential], font_dirs=[]))
    text = _text(path)
    assert "basisondersteuning aan patiënten bieden" in text
    assert "hygiëne in de gezondheidszorg" in text


def test_names_outside_windows_1252_are_written_with_and_without_unicode_fonts(tmp_path, issuer):
    from skillspas.wallet_export.pdf import FONT_DIRS

    assert any((Path(d) / "DejaVuSans.ttf").is_file() for d in FONT_DIRS), "apt-get install fonts-dejavu-core"
    credential, _ = signed_credential(issuer)
    credential["credentialSubject"]["name"] = "Şükrü Łukasiewicz-Ĳzerman"
    unicode_pdf, core_pdf = tmp_path / "u.pdf", tmp_path / "c.pdf"
    unicode_pdf.write_bytes(render_pdf([credential]))
    core_pdf.write_bytes(render_pdf([credential], font_dirs=[]))
    assert "Şükrü Łukasiewicz-Ĳzerman" in _text(unicode_pdf).replace("IJ", "Ĳ")
    assert "Sükrü Lukasiewicz-IJzerman" in _text(core_pdf)


def test_pdf_refuses_an_unknown_language(diplomas):
    with pytest.raises(ValueError):
        render_pdf(diplomas[1:2], lang="de")  # type: ignore[arg-type]


def test_type_specific_facts_are_printed(tmp_path, issuer):
    """A praktijkverklaring shows its leerbedrijf (who co-signed), period and werkprocessen; a diploma its kwalificatie."""
    from helpers import new_signer
    from skillspas.issuer import sign
    from skillspas.issuer.credentials import build

    examples = Path(__file__).resolve().parents[2] / "examples"
    leerbedrijf = new_signer()
    row = json.loads((examples / "praktijkverklaring/kok-dennis-fictief-bistro-de-gracht.json").read_text("utf-8"))
    row.pop("leerbedrijf_did", None)
    verklaring = sign(build("Praktijkverklaring", row, issuer=issuer.controller, cosigner=leerbedrijf.controller), issuer)
    verklaring = sign(verklaring, leerbedrijf, append=True)
    row = json.loads((examples / "mbo-diploma/kok-anouk-testdata.json").read_text("utf-8"))
    diploma = sign(build("MboDiploma", row, issuer=issuer.controller), issuer)
    path = tmp_path / "types.pdf"
    path.write_bytes(render_pdf([verklaring, diploma]))
    text = " ".join(_text(path).split())
    for words in ("Praktijkverklaring", "Leerbedrijf", "Periode", "Werkprocessen", "B1-K1-W2",
                  "Ondertekend door", "Kwalificatie", "crebo 25180", "Leerweg", "CompetentNL", "ESCO"):
        assert words in text, words
    subject = verklaring["credentialSubject"]
    assert subject["leerbedrijf"]["name"] in text
    assert f"{human_date(subject['period']['startDate'], 'nl')} – {human_date(subject['period']['endDate'], 'nl')}" in text
