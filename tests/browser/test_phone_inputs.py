"""The phone page's Python side (``verifier/browser/phone.py``) under CPython: the laptop page's input rules.

The phone page reads QR codes with zxing-wasm in JavaScript; here the images phone.py hands the page
are read with Pillow and zxing-cpp instead (the laptop's reader), and the verdict must be the laptop
page's for the same PDF or photo (``verifier/page/inputs.py``'s ``document_bytes``, then ``verify``).
The browser itself is tested in ``test_offline_page.py``.
"""

from __future__ import annotations

import base64
import io
import json
import re
from pathlib import Path
from typing import Any

import pytest

from skillspas.verifier.browser.phone import check, check_read
from skillspas.verifier.page.inputs import document_bytes
from skillspas.schemas.errors import SkillspasError
from skillspas.schemas.limits import Limits
from skillspas.verifier.qr import MAX_IMAGE_BYTES, read_qr_images
from skillspas.verifier.run import verify_input, result_text
from helpers import jpeg_pdf, load_module

ROOT = Path(__file__).resolve().parents[2]
pageworld = load_module("_phone_pageworld", ROOT / "tests/page/pageworld.py")


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Any:
    return pageworld.PageWorld(tmp_path_factory.mktemp("phone-world")).build()


def _options(world: Any) -> str:
    return json.dumps({"bundle": str(world.files["bundle"]), "trust_anchors": [world.anchor.controller]})


def _read(image: dict[str, Any], file: bytes) -> list[str]:
    """What the page's QR reader does with one image phone.py hands it, done by Pillow and zxing-cpp."""
    from PIL import Image

    if image["kind"] == "file":
        data = file if "data" not in image else base64.b64decode(image["data"])
    else:
        raw = base64.b64decode(image["data"])
        picture = (Image.open(io.BytesIO(raw)) if image["kind"] == "tiff"
                   else Image.frombytes("L" if image["kind"] == "grey" else "RGB", (image["width"], image["height"]), raw))
        png = io.BytesIO()
        picture.convert("L").save(png, format="PNG")
        data = png.getvalue()
    try:
        return read_qr_images(data)
    except Exception:  # the page's reader finds nothing in a picture without a QR code
        return []


def _phone(data: bytes, options: str, kind: str = "auto", challenge: str = "") -> dict[str, Any]:
    answer = json.loads(check(data, options, kind, challenge))
    if "read" in answer:
        found = [_read(image, data) for image in answer["images"]]
        answer = json.loads(check_read(json.dumps(found), options, answer["read"], challenge))
    return answer


def _laptop(data: bytes, world: Any) -> str:
    document = document_bytes(data, limits=Limits(), max_image_bytes=MAX_IMAGE_BYTES)
    return result_text(verify_input(document, bundle=world.files["bundle"], trust_anchors=[world.anchor.controller]))


def _without_times(text: str) -> str:
    """The result JSON without its "checkedAt" instants (the two runs are a moment apart)."""
    return re.sub(r'"checkedAt": ?"[^"]*"', '"checkedAt": ""', text)


def test_the_passport_pdf_on_the_phone_gives_the_laptop_pages_result(world):
    pdf = pageworld.passport_pdf(world)
    asked = json.loads(check(pdf, _options(world)))
    assert asked["read"] == "pdf" and [i["kind"] for i in asked["images"]] == ["tiff"] * 4  # fpdf2's fax-coded QR images
    answer = _phone(pdf, _options(world))
    assert _without_times(answer["text"]) == _without_times(_laptop(pdf, world))
    assert answer["view"]["verdict"] in ("valid", "warning") and len(json.loads(answer["text"])["credentials"]) == 4


def test_a_passport_pdf_printed_as_numbered_sets_on_the_phone_gives_the_laptop_pages_result(world):
    from skillspas.wallet_export.passport import build_passport

    names = ("diploma", "praktijkverklaring", "evc", "microcredential")
    pdf = build_passport([world.credentials[n] for n in names]).to_pdf(max_version=10)  # SPP:i/k/SET parts
    asked = json.loads(check(pdf, _options(world)))
    found = [_read(image, pdf) for image in asked["images"]]
    assert sum(text.startswith("SPP:") for read in found for text in read) > len(names)
    answer = _phone(pdf, _options(world))
    assert _without_times(answer["text"]) == _without_times(_laptop(pdf, world))
    assert answer["view"]["verdict"] in ("valid", "warning") and len(json.loads(answer["text"])["credentials"]) == 4


def test_a_photo_of_a_qr_code_on_the_phone_gives_the_laptop_pages_result(world):
    photo = world.files["qr_valid"].read_bytes()
    assert json.loads(check(photo, _options(world)))["read"] == "image"
    answer = _phone(photo, _options(world))
    assert _without_times(answer["text"]) == _without_times(_laptop(photo, world))
    assert json.loads(answer["text"])["verified"] is True


def _claiming(kind: str, width: int, height: int) -> bytes:
    """A 16 x 16 image whose own header (PNG IHDR with its CRC, JPEG SOF0, GIF logical screen, BMP info header, lossy
    WebP frame) claims ``width`` x ``height``; a "GIF frame": a 16 x 16 screen whose first frame claims it."""
    import zlib

    from PIL import Image

    out = io.BytesIO()
    Image.new("L" if kind in ("PNG", "JPEG") else "RGB", (16, 16), "white").save(out, format=kind.split()[0])
    data = bytearray(out.getvalue())
    size = width.to_bytes(4, "big") + height.to_bytes(4, "big")
    if kind == "PNG":
        data[16:24] = size
        data[29:33] = zlib.crc32(bytes(data[12:29])).to_bytes(4, "big")
    elif kind == "JPEG":
        sof = data.index(b"\xff\xc0")
        data[sof + 5:sof + 9] = size[6:8] + size[2:4]
    elif kind == "GIF":
        data[6:10] = width.to_bytes(2, "little") + height.to_bytes(2, "little")
    elif kind == "GIF frame":  # the image descriptor after the screen, its colour table and any extensions
        frame = data.index(b"\x2c\x00\x00\x00\x00\x10\x00\x10\x00")
        data[frame + 5:frame + 9] = width.to_bytes(2, "little") + height.to_bytes(2, "little")
    elif kind == "BMP":
        data[18:26] = width.to_bytes(4, "little") + height.to_bytes(4, "little")
    else:
        assert data[12:16] == b"VP8 ", bytes(data[12:16])  # Pillow's lossy WebP: the frame header carries the size
        data[26:30] = width.to_bytes(2, "little") + height.to_bytes(2, "little")
    return bytes(data)


@pytest.mark.parametrize(("kind", "width", "height"), [("PNG", 30_000, 30_000), ("JPEG", 30_000, 30_000),
                                                       ("PNG", 8000, 5001), ("JPEG", 8000, 5001),
                                                       ("GIF", 30_000, 30_000), ("GIF frame", 65_535, 65_535),
                                                       ("BMP", 30_000, 30_000),
                                                       ("WEBP", 16_000, 16_000)])
def test_a_photo_whose_header_claims_too_many_pixels_is_refused_before_the_browser_decodes_it(world, kind, width, height):
    photo = _claiming(kind, width, height)
    with pytest.raises(SkillspasError) as laptop:
        document_bytes(photo, limits=Limits(), max_image_bytes=MAX_IMAGE_BYTES)
    answer = json.loads(check(photo, _options(world)))  # not {"read": "image"}: the phone's browser would decode it
    assert "read" not in answer, answer
    assert answer["view"]["code"] == laptop.value.code.value == "qr_too_large", answer["view"]
    assert answer["view"]["verdict"] == "unusable" and "afbeelding" in answer["view"]["sentence"]["nl"]


@pytest.mark.parametrize(("name", "code"), [
    ("corrupt", "pdf_unreadable"), ("zip bomb", "resource_limit"), ("no qr code", "qr_unreadable"),
    ("too many images", "resource_limit"), ("too large", "too_large"),
    ("a JPEG of 4000 x 4000 declared 16 x 16", "pdf_unreadable"), ("a JPEG whose header claims 30,000 x 30,000", "resource_limit"),
])
def test_a_pdf_the_laptop_refuses_the_phone_refuses_with_the_same_code(world, name, code):
    pdf = {
        "corrupt": lambda: b"%PDF-1.7\n1 0 obj << /Type /Catalog >> garbage",
        "zip bomb": pageworld.zip_bomb_pdf,
        "no qr code": lambda: pageworld.pdf_with_images(2, width=40, height=40),
        "too many images": lambda: pageworld.pdf_with_images(61),
        "too large": lambda: b"%PDF-1.7\n" + bytes(MAX_IMAGE_BYTES),
        # the browser decodes a JPEG by its own header: refused before it is handed on, as verify does (verifier/pdf.py)
        "a JPEG of 4000 x 4000 declared 16 x 16": lambda: jpeg_pdf(4000, 4000),
        "a JPEG whose header claims 30,000 x 30,000": lambda: jpeg_pdf(30_000, 30_000),
    }[name]()
    answer = _phone(pdf, _options(world))
    assert answer["view"]["code"] == code and answer["view"]["verdict"] == "unusable", answer["view"]
    assert json.loads(answer["text"])["errors"][0]["code"] == code


def test_the_phone_names_a_cosigner_from_the_trust_list_as_the_laptop_page_does(world):
    answer = _phone(json.dumps(world.credentials["praktijkverklaring"]).encode("utf-8"), _options(world))
    signers = answer["view"]["credentials"][0]["signers"]
    assert [(s["name"], s["source"], s["role"]) for s in signers] == [
        (world.ROC_NAME, "trustList", "issuer"), (world.BISTRO_NAME, "trustList", "cosigner")]


def test_the_employers_code_on_the_phone_is_checked_as_on_the_laptop_page(world):
    """A presentation made with the code is green, one made with another is red challenge_mismatch; a passport PDF
    cannot carry it: orange challenge_not_used, not invalid_proof (the laptop page's rule, inputs.challenge_for)."""
    from skillspas.keys import LocalSigner, generate
    from skillspas.wallet_export import build_presentation

    holder = LocalSigner(generate("ed25519"))
    own = world._diploma({**pageworld.example("mbo-diploma", "kok-anouk-testdata"), "learner_did": holder.controller}, 7)
    options = _options(world)
    made_for_us = json.dumps(build_presentation([own], holder=holder, challenge="vacature-2026-17")).encode()
    assert _phone(made_for_us, options, challenge=" vacature-2026-17 ")["view"]["verdict"] == "valid"
    assert _phone(made_for_us, options)["view"]["warnings"][0]["code"] == "challenge_not_given"
    other = _phone(made_for_us, options, challenge="code-of-another-employer")["view"]
    assert other["verdict"] == "invalid" and other["code"] == "challenge_mismatch", other
    pdf = _phone(pageworld.passport_pdf(world), options, challenge="vacature-2026-17")["view"]
    assert pdf["verdict"] == "warning" and pdf["warnings"][0]["code"] == "challenge_not_used", pdf
    assert pdf["problem"] != "invalid_proof"
