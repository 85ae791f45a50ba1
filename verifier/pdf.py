"""The QR codes in a worker's passport PDF, read offline and within bounds.

Usage::

    texts = read_pdf_qr_texts(pdf_bytes)        # ["SP2:…", …], one per QR image, in page order
    found = read_pdf_images(pdf_bytes, decode)  # decode(image XObject) of every image, for another reader
    texts = qr_texts(found_texts)               # the skillspas ones of the texts read per image

Every image XObject of every page is decoded (pypdf, imported only here) and handed to the QR
reader (``verifier/qr/``); images that hold no skillspas QR code are skipped. The phone page
(``verifier/browser/phone.py``) reads the same images with its own QR reader (zxing-wasm: no Pillow
or zxing-cpp in the browser) under the same bounds and rules. The bounds are
checked before anything is decoded: at most ``MAX_PAGES`` pages and ``MAX_IMAGES`` images, each at
most ``MAX_IMAGE_PIXELS`` pixels and all together ``MAX_TOTAL_PIXELS``; every decompressed stream at most ``MAX_STREAM_BYTES`` bytes
(pypdf's own limits, lowered here), so a zip bomb stops early; before pypdf reads anything, at most ``MAX_OBJECTS``
objects and ``MAX_DICTIONARIES`` dictionaries, as written in the file (pypdf bounds neither). Refusals are coded:
``pdf_unreadable`` (not a PDF, corrupt, encrypted), ``resource_limit`` (too many pages or images, an
image or stream too large) and ``qr_unreadable`` (no skillspas QR code in the PDF).
"""

from __future__ import annotations

import io
import logging
import re
from typing import Any, Callable, Final, Iterable, TypeVar

from skillspas.schemas.errors import ErrorCode, SkillspasError, error_for, shown
from skillspas.verifier.qr import is_payload
from skillspas.verifier.qr.image import jpeg_frame_sizes

__all__ = ["PDF_MAGIC", "is_pdf", "read_pdf_qr_texts", "read_pdf_images", "qr_texts", "MAX_PAGES", "MAX_IMAGES",
           "MAX_IMAGE_PIXELS", "MAX_TOTAL_PIXELS", "MAX_PDF_BYTES", "MAX_OBJECTS", "MAX_DICTIONARIES", "check_jpeg_size"]

PDF_MAGIC: Final = b"%PDF-"
MAX_PDF_BYTES: Final = 32 * 1024 * 1024
"""Largest PDF file ``skillspas verify`` reads (the page's bound is ``PageSettings.max_image_bytes``, the same by default)."""
MAX_PAGES: Final = 60
"""Most pages read (a passport PDF has one page per credential, plus a cover)."""
MAX_IMAGES: Final = 60
"""Most images decoded in one PDF."""
MAX_IMAGE_PIXELS: Final = 4096 * 4096
"""Largest image decoded (a QR code at 300 dpi on A4 is far below this)."""
MAX_TOTAL_PIXELS: Final = 2 * MAX_IMAGE_PIXELS
"""Most pixels of all images of one PDF together (a passport's QR codes are far below this; the phone page holds
every image's samples at once)."""
MAX_STREAM_BYTES: Final = 20_000_000
"""Most bytes one stream of the PDF may decompress to."""
MAX_OBJECTS: Final = 10_000
"""Most objects a PDF may hold or declare: ``N G obj`` in the file, and the count a cross-reference table or stream
(``/Size``, ``/Index``) or an object stream (``/N``) declares. A passport of 60 pages has a few hundred; pypdf reads
every one it is told of, and no limit of its own bounds that (a 20 KiB cross-reference stream declaring 2 million
entries took 16 s, a million objects without a table 36 s)."""
MAX_DICTIONARIES: Final = 20_000
"""Most dictionaries (``<<``) written in a PDF: pypdf's work grows with their nesting (200,000 deep took 3 s)."""
_OBJECT: Final = re.compile(rb"\d\s+obj\b")
_DECLARED: Final = re.compile(rb"/(?:Size|N)\s+\+?(\d{1,30})|/Index\s*\[([0-9\s]{0,4000})\]")
T = TypeVar("T")


def is_pdf(data: bytes) -> bool:
    """Whether ``data`` starts like a PDF file (``%PDF-``, after at most a little leading junk)."""
    return PDF_MAGIC in data[:1024]


def _limits() -> dict[str, int]:
    """pypdf's resource limits for one untrusted PDF (pypdf >= 6.4's ``Configuration``)."""
    return dict(
        maximum_declared_stream_length=MAX_STREAM_BYTES, zlib_maximum_output_length=MAX_STREAM_BYTES,
        lzw_maximum_output_length=MAX_STREAM_BYTES, run_length_maximum_output_length=MAX_STREAM_BYTES,
        jbig2_maximum_output_length=MAX_STREAM_BYTES, brotli_maximum_output_length=MAX_STREAM_BYTES,
        array_based_stream_maximum_output_length=MAX_STREAM_BYTES, image_maximum_buffer_size=MAX_STREAM_BYTES,
        page_tree_maximum_entries=MAX_PAGES * 4, stream_decoding_work_maximum_length=4 * MAX_STREAM_BYTES,
    )


def read_pdf_qr_texts(data: bytes) -> list[str]:
    """The text of every skillspas QR code in the PDF ``data``, in page order (duplicates kept once).

    Raises:
        SkillspasError: ``pdf_unreadable``, ``resource_limit`` or ``qr_unreadable`` (module docstring).
    """
    return qr_texts(read_pdf_images(data, _qr_texts_of))


def read_pdf_images(data: bytes, decode: Callable[[Any], T | None]) -> list[T]:
    """``decode`` of every image XObject of the PDF ``data`` (pypdf's stream objects), in page order,
    within the bounds and pypdf's lowered limits; a ``None`` is left out.

    Raises:
        SkillspasError: ``pdf_unreadable`` or ``resource_limit`` (module docstring).
    """
    import pypdf  # only when a PDF is read
    from pypdf.errors import DependencyError, LimitReachedError, PyPdfError

    logging.getLogger("pypdf").setLevel(logging.ERROR)  # its warnings on a hostile file ran to 16,000 lines on stderr
    _check_structure(data)
    try:
        with pypdf.apply_configuration(None, **_limits()):
            return _read(pypdf.PdfReader(io.BytesIO(data)), decode)
    except SkillspasError:
        raise
    except LimitReachedError as exc:
        raise error_for(ErrorCode.RESOURCE_LIMIT, f"the PDF asks for too much work: {shown(str(exc), 200)}",
                        nl="de pdf vraagt te veel werk om te lezen; vraag om het paspoort als kleinere pdf") from None
    except DependencyError:  # an image format pypdf decodes only with a program that is not here (JBIG2: jbig2dec)
        raise error_for(ErrorCode.PDF_UNREADABLE, "an image in the PDF is in a format skillspas cannot read",
                        nl="een afbeelding in de pdf heeft een vorm die skillspas niet kan lezen") from None
    except (PyPdfError, ValueError, TypeError, KeyError, AttributeError, IndexError, OSError, RecursionError,
            MemoryError, NotImplementedError, AssertionError, ZeroDivisionError) as exc:
        # pypdf and Pillow raise many kinds of error on a corrupt file; none of them may become a 500
        raise error_for(ErrorCode.PDF_UNREADABLE, f"the PDF cannot be read ({type(exc).__name__})",
                        nl=f"de pdf is niet te lezen ({type(exc).__name__}): vraag om het originele bestand") from None


def _check_structure(data: bytes) -> None:
    """``resource_limit`` for more objects (written or declared) than ``MAX_OBJECTS`` or more dictionaries than
    ``MAX_DICTIONARIES``, counted in the bytes before pypdf parses them."""
    declared = 0
    for found in _DECLARED.finditer(data):
        counts = [int(found[1])] if found[1] is not None else [int(n) for n in found[2].split()[1::2]]
        declared = max(declared, *counts, 0)
    written = 0
    for _ in _OBJECT.finditer(data) if data.count(b"obj") > MAX_OBJECTS else ():  # counted up to the bound only
        written += 1
        if written > MAX_OBJECTS:
            break
    if max(declared, written) > MAX_OBJECTS:
        raise error_for(ErrorCode.RESOURCE_LIMIT, f"the PDF holds or declares more than {MAX_OBJECTS} objects",
                        nl=f"de pdf bevat of noemt meer dan {MAX_OBJECTS} objecten")
    if data.count(b"<<") > MAX_DICTIONARIES:
        raise error_for(ErrorCode.RESOURCE_LIMIT, f"the PDF holds more than {MAX_DICTIONARIES} dictionaries",
                        nl=f"de pdf bevat meer dan {MAX_DICTIONARIES} woordenboeken (<<)")


def qr_texts(found: Iterable[Iterable[str]]) -> list[str]:
    """The skillspas QR texts among the texts read from each image, in order, each once.

    Raises:
        SkillspasError: ``qr_unreadable`` when there is none.
    """
    texts: list[str] = []
    for read in found:
        texts.extend(t for t in read if is_payload(t) and t not in texts)
    if not texts:
        raise error_for(ErrorCode.QR_UNREADABLE, "the PDF holds no skillspas QR code",
                        nl="de pdf bevat geen skillspas-QR-code: is dit wel het vaardighedenpaspoort van de kandidaat?")
    return texts


def check_jpeg_size(image: Any, data: bytes) -> None:
    """Refuse a JPEG (a ``/DCTDecode`` image's ``data``) whose own header says another size than the PDF declares, before
    anything decodes it (a decoder believes the header, not the PDF): past ``MAX_IMAGE_PIXELS`` ``resource_limit``,
    otherwise ``pdf_unreadable``. Both readers check so: this module's and the phone page's (``verifier/browser/phone.py``),
    whose browser decodes the JPEG itself."""
    declared = (image["/Width"], image["/Height"])
    sizes = jpeg_frame_sizes(data)
    if any(width * height > MAX_IMAGE_PIXELS for width, height in sizes):
        raise error_for(ErrorCode.RESOURCE_LIMIT, f"an image in the PDF is larger than {MAX_IMAGE_PIXELS} pixels",
                        nl=f"een afbeelding in de pdf is groter dan {MAX_IMAGE_PIXELS} pixels")
    if not sizes:
        raise error_for(ErrorCode.PDF_UNREADABLE, "an image in the PDF is no JPEG although the PDF says so",
                        nl="een afbeelding in de pdf is geen JPEG, al zegt de pdf van wel; de pdf is beschadigd")
    wrong = next((size for size in sizes if size != declared), None)
    if wrong is not None:
        raise error_for(ErrorCode.PDF_UNREADABLE, f"an image in the PDF is {wrong[0]}x{wrong[1]} pixels, "
                        f"not the {declared[0]}x{declared[1]} the PDF declares",
                        nl="een afbeelding in de pdf is niet zo groot als de pdf zegt; de pdf is beschadigd of bewerkt")


def _last_filter(image: Any) -> Any:
    """The last filter of an image XObject: the one whose output a decoder reads (``/DCTDecode`` for a JPEG)."""
    filters = image.get("/Filter")
    return filters[-1] if isinstance(filters, list) and filters else filters


def _qr_texts_of(image: Any) -> list[str]:
    """The QR texts in one image XObject (Pillow and zxing-cpp); none for a logo or photo."""
    from PIL import Image

    from skillspas.verifier.qr import read_qr_images

    if _last_filter(image) == "/DCTDecode":
        check_jpeg_size(image, image.get_data())
    try:
        picture = image.decode_as_image() if hasattr(image, "decode_as_image") else None
    except Image.DecompressionBombError:  # a JPEG whose own header claims far more pixels than the PDF says
        raise error_for(ErrorCode.RESOURCE_LIMIT, f"an image in the PDF is larger than {MAX_IMAGE_PIXELS} pixels",
                        nl=f"een afbeelding in de pdf is groter dan {MAX_IMAGE_PIXELS} pixels") from None
    if picture is None:
        return []
    if picture.size != (image["/Width"], image["/Height"]):  # checked before it is decoded (Pillow loads lazily)
        raise error_for(ErrorCode.PDF_UNREADABLE, f"an image in the PDF is {picture.size[0]}x{picture.size[1]} pixels, "
                        f"not the {image['/Width']}x{image['/Height']} the PDF declares",
                        nl="een afbeelding in de pdf is niet zo groot als de pdf zegt; de pdf is beschadigd of bewerkt")
    png = io.BytesIO()
    picture.convert("L").save(png, format="PNG")
    try:
        return read_qr_images(png.getvalue())
    except SkillspasError:
        return []  # a logo or photo: not a QR code


def _read(reader: Any, decode: Callable[[Any], T | None]) -> list[T]:
    if reader.is_encrypted:
        raise error_for(ErrorCode.PDF_UNREADABLE, "the PDF is encrypted",
                        nl="de pdf is versleuteld; vraag om het paspoort zonder wachtwoord")
    if len(reader.pages) > MAX_PAGES:
        raise error_for(ErrorCode.RESOURCE_LIMIT, f"the PDF has more than {MAX_PAGES} pages",
                        nl=f"de pdf heeft meer dan {MAX_PAGES} pagina's")
    images: list[Any] = []
    for page in reader.pages:
        images.extend(_images(page))
        if len(images) > MAX_IMAGES:
            raise error_for(ErrorCode.RESOURCE_LIMIT, f"the PDF holds more than {MAX_IMAGES} images",
                            nl=f"de pdf bevat meer dan {MAX_IMAGES} afbeeldingen")
    if sum(image["/Width"] * image["/Height"] for image in images) > MAX_TOTAL_PIXELS:
        raise error_for(ErrorCode.RESOURCE_LIMIT, f"the images in the PDF together are more than {MAX_TOTAL_PIXELS} pixels",
                        nl=f"de afbeeldingen in de pdf zijn samen meer dan {MAX_TOTAL_PIXELS} pixels")
    found: list[T] = []
    for image in images:
        decoded = decode(image)
        if decoded is not None:
            found.append(decoded)
    return found


def _images(page: Any) -> list[Any]:
    """The page's image XObjects (direct ones; a passport PDF nests none), each checked for size first."""
    resources = page.get("/Resources")
    resources = resources.get_object() if resources is not None else None
    xobjects = resources.get("/XObject") if resources is not None else None
    xobjects = xobjects.get_object() if xobjects is not None else {}
    found = []
    for name in list(xobjects.keys())[: MAX_IMAGES + 1]:
        stream = xobjects[name].get_object()
        if stream.get("/Subtype") != "/Image":
            continue
        width, height = stream.get("/Width"), stream.get("/Height")
        if not isinstance(width, int) or not isinstance(height, int) or width <= 0 or height <= 0:
            raise error_for(ErrorCode.PDF_UNREADABLE, "an image in the PDF has no valid size",
                            nl="een afbeelding in de pdf heeft geen geldige grootte; de pdf is beschadigd")
        if width * height > MAX_IMAGE_PIXELS:
            raise error_for(ErrorCode.RESOURCE_LIMIT, f"an image in the PDF is larger than {MAX_IMAGE_PIXELS} pixels",
                            nl=f"een afbeelding in de pdf is groter dan {MAX_IMAGE_PIXELS} pixels")
        found.append(stream)
    return found
