"""The Python side of the installable phone page (issue 19): the laptop page's input rules and words.

Usage (``page/app.mjs``, in Pyodide)::

    answer = check(data, options)              # JSON: {"text", "view"}, or {"read": "image"|"pdf", "images": [...]}
    answer = check_read(found, options, "pdf")  # JSON: {"text", "view"} for the QR texts the page read

``check`` takes what a person gives the page (a file's bytes, pasted text) as the laptop page does
(``verifier/page/inputs.py``): JSON and QR text are verified at once; a photo of a QR code or a
passport PDF needs its QR codes read first, and Pyodide has no zxing-cpp or Pillow, so the page reads
them with its own QR reader (zxing-wasm) and hands the texts back to ``check_read``. The PDF's images
are found by ``verifier/pdf.py`` under the same bounds and error codes, and each is handed to the
page as the file pypdf decodes it to (``_image``). ``options`` are ``verify_input``'s keyword
arguments as JSON. A refusal is the laptop page's: the CLI's refusal JSON and a verdict view.
"""

from __future__ import annotations

import base64
import json
from typing import Any, Callable, cast

from skillspas.schemas.errors import ErrorCode, SkillspasError, error_for
from skillspas.schemas.jsonio import parse_json
from skillspas.schemas.limits import Limits
from skillspas.schemas.kwalificaties import Kwalificaties
from skillspas.schemas.vocab import SkillsVocabulary
from skillspas.verifier.page.inputs import (MAX_CHALLENGE, challenge_for, collect_hint, document_bytes, given_as, is_image, is_pdf,
                                            passport_of, pdf_too_large, qr_credentials, too_large)
from skillspas.verifier.page.view import build_view, detail_of, error_view, trust_list_names
from skillspas.verifier.pdf import check_jpeg_size, qr_texts, read_pdf_images
from skillspas.verifier.qr import MAX_IMAGE_BYTES, decode_payload, is_payload, no_qr_code
from skillspas.verifier.qr.image import check_image_pixels
from skillspas.verifier.run import input_verifier, refusal, result_text, verify_with

__all__ = ["check", "check_read"]



class _NoData:
    """The phone build holds neither the vocabulary index nor the kwalificatie register (``browser_build``): a skill
    keeps the name its credential gives it, and progress toward a kwalificatie counts the werkprocessen named."""

    def get(self, key: str) -> None:
        return None


def _answer(work: Callable[[], Any], options: str, *, from_pdf: bool = False, challenge: str = "",
            domain: str = "", given: str | None = None) -> str:
    """``work()`` (the bytes to verify, or a dict the page acts on) verified with ``options``, as JSON; its view's
    ``collect`` says how the page puts it into the passport it collects, as the laptop page's (``collect_hint``).
    ``challenge`` and ``domain``: the code and the domain the employer gave the candidate, checked as the laptop page
    checks them (``challenge_for``); ``given``: how the input was given (``texts.GIVEN``), as the laptop page says it."""
    code, asked = challenge.strip()[:MAX_CHALLENGE] or None, domain.strip()[:MAX_CHALLENGE] or None
    try:
        todo = work()
        if isinstance(todo, dict):
            return json.dumps(todo)
        verifier = input_verifier(**parse_json(options))
        applied, where = challenge_for(todo, code, verifier.limits), challenge_for(todo, asked, verifier.limits)
        result = verify_with(verifier, todo, challenge=applied, domain=where)
    except SkillspasError as exc:  # an unusable input: the laptop page's error_view
        view = error_view(exc.code, detail_of(exc), given=given)
        return json.dumps({"text": json.dumps(refusal(exc)), "view": {**view, "problem": exc.code.value}})
    problem = result.first_error or next(iter(result.all_warnings), None)
    document = parse_json(todo) if result.checks and result.checks[0].ok else None
    # the laptop page's view (whose, which, the skills), its signers named from the same trust list
    view = build_view(result, document=document, names=trust_list_names(verifier),
                      vocabulary=cast(SkillsVocabulary, _NoData()), register=cast(Kwalificaties, _NoData()),
                      challenge_checked=applied is not None,
                      challenge_unused=(code or asked) is not None and applied is None and where is None, given=given)
    view["collect"] = collect_hint(document, from_pdf=from_pdf, verified=result.verified)
    view["problem"] = problem.code.value if problem else ""  # the first problem's code, for tests and tools
    return json.dumps({"text": result_text(result), "view": view})


def _image(stream: Any) -> dict[str, Any] | None:
    """One image XObject as the page's QR reader takes it: a file (CCITT fax as TIFF, JPEG) or grey or RGB
    samples of 8 bits; ``None`` for other images (JPEG 2000, other colour spaces), which hold no QR code
    a skillspas passport writes."""
    filters = stream.get("/Filter")
    last = filters[-1] if isinstance(filters, list) and filters else filters
    if last == "/JPXDecode":
        return None
    data = stream.get_data()  # pypdf, within read_pdf_images's limits
    size = {"width": int(stream["/Width"]), "height": int(stream["/Height"])}
    if last == "/DCTDecode":  # the browser decodes it by its own header: of the size declared, as verify reads it
        check_jpeg_size(stream, data)
    if last in ("/CCITTFaxDecode", "/DCTDecode"):
        kind = "tiff" if last == "/CCITTFaxDecode" else "file"
    elif stream.get("/BitsPerComponent") == 8 and stream.get("/ColorSpace") in ("/DeviceGray", "/DeviceRGB"):
        kind = "grey" if stream.get("/ColorSpace") == "/DeviceGray" else "rgb"
        if len(data) < size["width"] * size["height"] * (1 if kind == "grey" else 3):
            raise error_for(ErrorCode.PDF_UNREADABLE, "an image in the PDF holds fewer samples than its size",
                            nl="een afbeelding in de pdf is kleiner dan ze zegt te zijn; de pdf is beschadigd")
    else:
        return None
    return {"kind": kind, **size, "data": base64.b64encode(data).decode("ascii")}


def _read_first(data: bytes, kind: str) -> dict[str, Any]:
    """What the page must read before anything is verified (an image or a PDF), within the laptop's bounds."""
    if len(data) > MAX_IMAGE_BYTES:
        if is_pdf(data):
            raise pdf_too_large(MAX_IMAGE_BYTES)
        raise too_large(True, MAX_IMAGE_BYTES)
    if is_pdf(data):
        return {"read": "pdf", "images": read_pdf_images(data, _image)}
    check_image_pixels(data)  # the browser decodes the photo by its header: a bomb is refused first, as the laptop does
    return {"read": "image", "images": [{"kind": "file"}]}


def check(data: Any, options: str, kind: str = "auto", challenge: str = "", domain: str = "") -> str:
    """The verdict on ``data`` (bytes, or a Pyodide buffer), or what the page must read first (module docstring).
    ``kind`` is ``image`` when the browser said the file is one; ``challenge`` and ``domain`` the employer's code and
    domain (``_answer``)."""
    data = data.to_bytes() if hasattr(data, "to_bytes") else bytes(data)
    given = given_as(data, kind=kind)
    if is_pdf(data) or is_image(data) or kind == "image":
        return _answer(lambda: _read_first(data, kind), options, given=given)
    return _answer(lambda: document_bytes(data, kind=kind, limits=Limits(), max_image_bytes=MAX_IMAGE_BYTES), options,
                   challenge=challenge, domain=domain, given=given)


def _document(found: list[list[str]], source: str, limits: Limits) -> bytes:
    if source == "pdf":  # every credential of the passport, sets joined, together (as verifier/page/inputs.py's document_bytes)
        return passport_of(qr_credentials(qr_texts(found), limits), limits)
    texts = [text for read in found for text in read]
    if not texts:
        raise no_qr_code("no QR code found in the image")
    return decode_payload(next((t for t in texts if is_payload(t)), texts[0]), limits)  # as verifier.qr.read_qr_image


def check_read(found: str, options: str, source: str, challenge: str = "", domain: str = "") -> str:
    """The verdict on the QR texts the page read (``found``: JSON, a list of texts per image) from an
    image (``source="image"``: the first skillspas code, as ``skillspas verify --qr``) or a PDF
    (``"pdf"``: all of them together, as the laptop page); ``challenge`` and ``domain`` as for ``check``."""
    return _answer(lambda: _document(parse_json(found), source, Limits()), options, from_pdf=source == "pdf",
                   challenge=challenge, domain=domain, given="pdf" if source == "pdf" else "photo")
