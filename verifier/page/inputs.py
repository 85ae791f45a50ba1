"""What a person gives the page, turned into the bytes the verifier checks: the CLI's input rules.

Usage::

    data = document_bytes(body, kind="auto", limits=Limits(), max_image_bytes=MAX_IMAGE_BYTES)
    result = verifier.verify(data)

A body is one of: a credential or presentation as JSON, the text of a skillspas QR code
(``SP1:…`` to ``SP4:…``, pasted or read by the camera), a photo or screenshot of a QR code (PNG, JPEG), or a
worker's passport PDF: every QR code in it is read (``verifier/pdf.py``) and its credentials are
checked together, as one presentation without a holder proof (``passport_of``).
Images are recognised by their first bytes, or by ``kind="image"`` when the browser said the file
is one; every other body goes to the verifier as it is, exactly as ``skillspas verify FILE`` and
``skillspas verify --qr IMAGE`` do. Errors are coded (``qr_unreadable``, ``qr_too_large``,
``too_large``); nothing here reads more than the bounds allow.
"""

from __future__ import annotations

import json
from typing import Any, Final

from skillspas.schemas.errors import ErrorCode, SkillspasError, error_for, localized_error, shown
from skillspas.schemas.jsonio import parse_json
from skillspas.schemas.limits import Limits
from skillspas.schemas.jsonld.contexts import VC_V2
from skillspas.schemas.vc import types_of
from skillspas.verifier.bundle import BUNDLE_TYPE
from skillspas.verifier.pdf import is_pdf, read_pdf_qr_texts
from skillspas.verifier.qr import decode_document, decode_payload, image_too_large, is_payload, join_sets, read_qr_image

__all__ = ["KINDS", "MAX_CHALLENGE", "challenge_for", "given_as", "is_image", "is_pdf", "qr_image_text", "document_bytes", "pdf_credentials", "qr_credentials", "passport_of",
           "file_credential", "together_too_large",
           "collect_hint", "too_large", "pdf_too_large"]

KINDS: Final = ("auto", "image", "text", "passport")
"""What the browser says a body is: unknown, an image file, typed / scanned text, or the passport a page put together
from the credentials of several QR codes or files (a presentation nobody signed, checked as text)."""

_IMAGE_MAGIC: Final = (
    b"\x89PNG\r\n\x1a\n",  # PNG
    b"\xff\xd8\xff",  # JPEG
    b"GIF87a",
    b"GIF89a",
    b"BM",  # BMP
)


def is_image(data: bytes) -> bool:
    """Whether ``data`` starts like an image file (PNG, JPEG, GIF, BMP, WebP)."""
    return data.startswith(_IMAGE_MAGIC) or (data[:4] == b"RIFF" and data[8:12] == b"WEBP")


def given_as(data: bytes, *, kind: str = "auto") -> str:
    """How a person gave ``data`` (``texts.GIVEN``), so that the advice fits it (``build_view(given=)``): ``pdf`` (a
    passport PDF), ``photo`` (an image, by its first bytes or ``kind="image"``), ``text`` (typed, pasted or scanned:
    ``kind="text"``, or the text of a QR code), ``files`` (``kind="passport"``: what a page collected from several
    codes or files), else ``file`` (a JSON file).

    Raises:
        ValueError: ``kind`` is not one of ``KINDS``.
    """
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {KINDS}")
    if kind == "passport":
        return "files"
    if is_pdf(data):
        return "pdf"
    if is_image(data) or kind == "image":
        return "photo"
    if kind == "text" or is_payload(data.lstrip()[:4].decode("latin-1")):
        return "text"
    return "file"


def too_large(data_is_image: bool, limit: int) -> SkillspasError:
    """The coded error for a body over ``limit`` bytes."""
    if data_is_image:
        return image_too_large(limit)
    return error_for(ErrorCode.TOO_LARGE, f"the input is larger than {limit} bytes",
                     nl=f"de invoer is groter dan {limit} bytes")


def pdf_too_large(limit: int) -> SkillspasError:
    """``too_large`` for a passport PDF over ``limit`` bytes (the page, the phone page, ``skillspas verify``)."""
    return error_for(ErrorCode.TOO_LARGE, f"the PDF is larger than {limit} bytes",
                     nl=f"de pdf is groter dan {limit} bytes; stuur het paspoort als kleinere pdf, of scan de QR-codes")


def qr_image_text(data: bytes, *, kind: str = "auto", max_image_bytes: int) -> str | None:
    """The text of the QR code in ``data`` when it is an image (by its first bytes, or ``kind="image"``), else ``None``.

    Raises:
        SkillspasError: ``qr_unreadable`` or ``qr_too_large``.
    """
    if is_pdf(data) or not (is_image(data) or kind == "image"):
        return None
    if len(data) > max_image_bytes:
        raise too_large(True, max_image_bytes)
    return read_qr_image(data)


def document_bytes(data: bytes, *, kind: str = "auto", limits: Limits, max_image_bytes: int) -> bytes:
    """The JSON bytes to verify for a request body (an image or QR text is decoded first).

    Raises:
        SkillspasError: ``qr_unreadable``, ``qr_too_large`` or ``too_large``.
        ValueError: ``kind`` is not one of ``KINDS``.
    """
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {KINDS}")
    if is_pdf(data):
        if len(data) > max_image_bytes:
            raise pdf_too_large(max_image_bytes)
        return passport_of(pdf_credentials(data, limits), limits)
    text = qr_image_text(data, kind=kind, max_image_bytes=max_image_bytes)
    if text is not None:
        return decode_payload(text, limits)  # like ``skillspas verify --qr``
    data = data[: limits.max_bytes + 1]  # as ``skillspas verify`` reads it: one byte more tells "too large"
    if is_payload(data.lstrip()[:4].decode("latin-1")):  # the text of a skillspas QR code, as ``skillspas verify -`` takes it
        return decode_payload(data.decode("utf-8", "replace"), limits)
    return data


def pdf_credentials(data: bytes, limits: Limits) -> list[Any]:
    """The credentials of every skillspas QR code in the passport PDF ``data``, in page order; the parts of a
    numbered set are joined into their one credential (what the page and ``skillspas verify passport.pdf`` check).

    Raises:
        SkillspasError: ``pdf_unreadable``, ``resource_limit``, ``qr_unreadable`` or a set's refusals.
    """
    return qr_credentials(read_pdf_qr_texts(data), limits)


def qr_credentials(texts: list[str], limits: Limits) -> list[Any]:
    """The credentials the QR ``texts`` of one passport hold (a PDF's, read here or by the phone page's reader),
    in order; the parts of a numbered set joined into their one credential.

    Raises:
        SkillspasError: ``qr_unreadable`` or a set's refusals (``qr_incomplete``, ``qr_mixed_set``, ...); ``too_large``
            (``passport_of``'s bound) as soon as the credentials decoded so far together pass ``limits.max_bytes``,
            before another code is decoded: each code may hold up to that much.
    """
    credentials: list[Any] = []
    size = 0
    for text in join_sets(texts):
        credentials.append(decode_document(text, limits))
        size += len(json.dumps(credentials[-1], ensure_ascii=False, separators=(",", ":")).encode("utf-8"))
        if size > limits.max_bytes:
            raise together_too_large(limits)
    return credentials


def passport_of(credentials: list[Any], limits: Limits) -> bytes:
    """The JSON bytes of a presentation of ``credentials`` without a holder proof (QR codes put together).

    Raises:
        SkillspasError: ``too_large`` when the credentials together exceed ``limits.max_bytes``.
    """
    presentation = {"@context": [VC_V2], "type": ["VerifiablePresentation"], "verifiableCredential": credentials}
    data = json.dumps(presentation, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    if len(data) > limits.max_bytes:
        raise together_too_large(limits)
    return data


def together_too_large(limits: Limits) -> SkillspasError:
    """``too_large`` for credentials that together exceed ``limits.max_bytes`` (``passport_of``; the files given
    together to ``skillspas verify``, refused as soon as what was read passes the bound)."""
    return error_for(ErrorCode.TOO_LARGE, f"the credentials together are larger than {limits.max_bytes} bytes",
                     nl=f"de bewijsstukken zijn samen groter dan {limits.max_bytes} bytes; controleer ze apart")


def file_credential(data: bytes, name: str, limits: Limits) -> dict[str, Any]:
    """The credential a JSON file ``name`` holds, to check it with others as one passport without holder proof
    (``passport_of``: ``skillspas verify a.json b.json qr/*.png``). Whatever is wrong is said naming the file.

    Raises:
        SkillspasError: the file's parse code (``malformed_json``, ``too_large``, ...); ``invalid_option`` for a
            presentation (its holder proof covers exactly its own credentials: it is checked on its own);
            ``schema_invalid`` for JSON that is no credential (a bundle: give it with ``--bundle``).
    """
    shown_name = shown(name, 200)
    try:
        document = parse_json(data, limits)
    except SkillspasError as exc:
        raise error_for(exc.code, f"{shown_name}: {exc.message}", exc.path, nl=f"{shown_name}: {exc.text('nl')}") from None
    types = types_of(document) if isinstance(document, dict) else []
    if "VerifiablePresentation" in types:
        raise localized_error(
            ErrorCode.INVALID_OPTION,
            nl=f"{shown_name} is een presentatie: de handtekening van de houder geldt voor precies de bewijsstukken "
               f"erin, dus die wordt niet met andere bestanden samengevoegd; controleer haar apart: skillspas verify {shown_name}",
            en=f"{shown_name} is a presentation: its holder proof covers exactly the credentials in it, so it is not "
               f"put together with other files; check it on its own: skillspas verify {shown_name}")
    if not isinstance(document, dict) or "VerifiableCredential" not in types:
        bundle = isinstance(document, dict) and document.get("type") == BUNDLE_TYPE
        raise localized_error(
            ErrorCode.SCHEMA_INVALID, path="/type",
            nl=f"{shown_name} is geen bewijsstuk (geen VerifiableCredential)"
               + (": het is een controlebundel; geef die met --bundle" if bundle else ""),
            en=f"{shown_name} is not a credential (no VerifiableCredential)"
               + (": it is a verification bundle; give it with --bundle" if bundle else ""))
    return document


MAX_CHALLENGE: Final = 100
"""The most characters of the employer's code (challenge): the pages' field and ``passport export --challenge``."""


def challenge_for(data: bytes, challenge: str | None, limits: Limits) -> str | None:
    """The employer's code (challenge), or the domain they gave, when ``data`` is a presentation with a proof, the only
    input that can carry one; else None. A credential, a passport PDF's QR codes or an unsigned presentation is checked as it is, and
    the page says that the code was not checked (``build_view(challenge_unused=True)``, orange) instead of the red
    ``invalid_proof`` that ``verify --challenge`` gives an integrator who asked for a signed presentation."""
    if not challenge:
        return None
    try:
        document = parse_json(data, limits)
    except SkillspasError:
        return challenge  # not JSON the verifier takes: it says why, whatever the challenge
    holder_signed = isinstance(document, dict) and "proof" in document and "VerifiablePresentation" in types_of(document)
    return challenge if holder_signed else None


def collect_hint(document: Any, *, from_pdf: bool, verified: bool) -> dict[str, Any] | None:
    """How a page (the laptop's and the phone's) may put this input into the passport it collects from several
    QR codes or files: ``add`` (one credential that verified: added, then the passport is checked together, as a
    presentation without holder proof), ``replace`` (a PDF: its credentials are the passport), ``none`` (a
    presentation stands on its own; the collection starts again) or ``None`` (nothing was read).

    Only a credential that verified is added: a failed one is shown on its own, red, and not merged."""
    if not isinstance(document, dict):
        return None
    if from_pdf:
        return {"mode": "replace", "credentials": document.get("verifiableCredential", [])}
    if "VerifiablePresentation" in types_of(document):
        return {"mode": "none"}  # a presentation stands on its own (its holder proof covers exactly these credentials)
    return {"mode": "add", "credentials": [document]} if verified else None
