"""Reading QR codes from a photo or screenshot (PNG, JPEG): zxing-cpp and Pillow, imported only here, when used.

Bounded: at most ``MAX_IMAGE_BYTES`` of file and ``MAX_IMAGE_PIXELS`` of image are read. The size an image's own
header claims (PNG IHDR, every JPEG frame header, a GIF's screen and first frame) is read in plain Python first
(``check_image_pixels``), so the phone page (``verifier/browser/phone.py``, no Pillow in the browser) refuses a decompression bomb before its
browser decodes it, with the laptop's code; and there a GIF of more than one frame (an animation) is refused.
"""

from __future__ import annotations

import io
import os
from pathlib import Path
from typing import Final

from skillspas.schemas.errors import ErrorCode, SkillspasError, error_for
from skillspas.schemas.jsonio import open_input
from skillspas.verifier.qr.base45 import unreadable
from skillspas.verifier.qr.payload import is_payload

__all__ = ["MAX_IMAGE_BYTES", "MAX_IMAGE_PIXELS", "MAX_GIF_FRAMES", "read_qr_image", "read_qr_images", "no_qr_code", "image_too_large",
           "check_image_pixels", "jpeg_frame_sizes"]

MAX_IMAGE_BYTES: Final = 32 * 1024 * 1024
"""Largest image file read for a QR code."""

MAX_IMAGE_PIXELS: Final = 40_000_000
"""Largest image (width x height) decoded for a QR code."""

_SHARPER: Final = "maak een scherpere foto, recht van voren, met de hele code in beeld en genoeg licht"


def no_qr_code(message: str = "no readable QR code was found in the image") -> SkillspasError:
    """``qr_unreadable`` for an image in which no QR code could be read (here, or by the phone page's reader)."""
    return unreadable(message, f"er is geen leesbare QR-code in de afbeelding gevonden; {_SHARPER}")


def image_too_large(limit: int) -> SkillspasError:
    """``qr_too_large`` for an image file over ``limit`` bytes (here, on the page and on the phone)."""
    return error_for(ErrorCode.QR_TOO_LARGE, f"the image file is larger than {limit} bytes",
                     nl=f"het afbeeldingsbestand is groter dan {limit} bytes; stuur een kleinere foto of schermafbeelding")


_SOF: Final = frozenset({0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF})
"""The JPEG markers that start a frame (SOF0-SOF15 but DHT, JPG and DAC): each says the image's size."""


def jpeg_frame_sizes(data: bytes) -> list[tuple[int, int]]:
    """The (width, height) of every frame header of the JPEG ``data`` before its first scan, as a decoder reads them
    (a browser the first, Pillow the last); none when it is no JPEG. Pure Python (Pyodide): also ``verifier/pdf.py``'s."""
    sizes: list[tuple[int, int]] = []
    at = 2 if data[:2] == b"\xff\xd8" else len(data)
    while at + 4 <= len(data) and data[at] == 0xFF:
        marker = data[at + 1]
        if marker == 0xFF:  # fill byte
            at += 1
            continue
        if marker in (0xD9, 0xDA):  # end of image, start of scan: the size is known by now
            break
        if marker == 0x01 or 0xD0 <= marker <= 0xD7:  # no length
            at += 2
            continue
        length = int.from_bytes(data[at + 2:at + 4], "big")
        if marker in _SOF and length >= 7 and at + 9 <= len(data):
            sizes.append((int.from_bytes(data[at + 7:at + 9], "big"), int.from_bytes(data[at + 5:at + 7], "big")))
        at += 2 + length
    return sizes


_PNG_MAGIC: Final = b"\x89PNG\r\n\x1a\n"

_GIF_STEPS: Final = 4096
"""Most GIF blocks and data sub-blocks walked before the first image descriptor: a photo's GIF has a handful (a
graphic control extension, a loop count, perhaps a comment or XMP: 4096 steps pass 1 MiB of them); more only
hides the frame a decoder allocates."""

_GIF_WALK: Final = MAX_IMAGE_BYTES // 256 + 2 * _GIF_STEPS
"""Most GIF blocks and data sub-blocks walked in all, to the trailer: every encoder writes a frame's data in sub-blocks
of 255 bytes, so a GIF of ``MAX_IMAGE_BYTES`` has about ``MAX_IMAGE_BYTES // 256`` (a few tens of milliseconds); a file
cut into smaller sub-blocks to make the walk long is refused."""

MAX_GIF_FRAMES: Final = 1
"""Frames a GIF may have: one. A second frame is an animation, and what one reader shows (a browser plays it; a
decoder may read another frame) need not be the QR code that is checked (``_gif_sizes``)."""


def _gif_sizes(data: bytes) -> list[tuple[int, int]]:
    """The (width, height) a GIF ``data`` claims: its logical screen, then the extent of its first frame (the image
    descriptor's left + width, top + height: a decoder allocates for the frame, and Pillow widens the image to hold it,
    whatever the screen says); none when it is no GIF. The whole file is walked, block by block, to its trailer: a GIF
    of more than ``MAX_GIF_FRAMES`` frames is ``qr_unreadable`` (only its first would be checked, and a later one could
    show another code), as is one whose first frame is not found within ``_GIF_STEPS`` blocks or whose walk would take
    more than ``_GIF_WALK`` steps. A byte that starts no block is stepped over, as Pillow does, so no frame hides behind
    it. Never past the data (a file cut short ends the walk); pure Python (Pyodide)."""
    if data[:6] not in (b"GIF87a", b"GIF89a") or len(data) < 13:
        return []
    sizes = [(int.from_bytes(data[6:8], "little"), int.from_bytes(data[8:10], "little"))]
    at = 13 + (3 << ((data[10] & 0x07) + 1) if data[10] & 0x80 else 0)  # after the global colour table
    frames, in_blocks = 0, False  # in the data sub-blocks of an extension or a frame
    for step in range(_GIF_WALK):
        if not frames and step == _GIF_STEPS:
            raise unreadable(f"the GIF has more than {_GIF_STEPS} blocks before its first image",
                             f"de GIF heeft meer dan {_GIF_STEPS} blokken vóór zijn eerste beeld; {_SHARPER}")
        if at >= len(data):
            return sizes  # cut short: nothing more a decoder could draw
        if in_blocks:  # each a length byte and that many bytes, up to a length of 0
            length = data[at]
            at += 1 + length
            in_blocks = length != 0
        elif data[at] == 0x21 and at + 2 <= len(data):  # an extension: introducer and label, then its sub-blocks
            at += 2
            in_blocks = True
        elif data[at] == 0x2C:  # an image descriptor: left, top, width, height (16 bits each), then its flags
            if frames == MAX_GIF_FRAMES:
                raise _animated()
            frames += 1
            if at + 9 <= len(data):
                left, top, width, height = (int.from_bytes(data[at + i:at + i + 2], "little") for i in (1, 3, 5, 7))
                sizes.append((left + width, top + height))
            flags = data[at + 9] if at + 9 < len(data) else 0
            at += 10 + (3 << ((flags & 0x07) + 1) if flags & 0x80 else 0) + 1  # its colour table, LZW code size
            in_blocks = True
        elif data[at] == 0x3B:  # the trailer: no frame follows
            return sizes
        else:  # no GIF block: Pillow reads on, byte by byte, for the next one (and a frame after it), and so does this
            at += 1
    raise unreadable(f"the GIF has more than {_GIF_WALK} blocks", f"de GIF heeft meer dan {_GIF_WALK} blokken; "
                     "stuur een foto of schermafbeelding van de QR-code als PNG of JPEG")


def _animated() -> SkillspasError:
    """``qr_unreadable`` for a GIF of more than ``MAX_GIF_FRAMES`` frames."""
    return unreadable(f"the GIF has more than {MAX_GIF_FRAMES} frame (an animation); only a still image is read",
                      "de GIF heeft meer dan één beeld (een animatie) en alleen een stilstaand beeld wordt gelezen; "
                      "stuur één foto of schermafbeelding van de QR-code (PNG of JPEG)")


def _header_sizes(data: bytes) -> list[tuple[int, int]]:
    """The (width, height) the image file ``data`` claims in its header: a PNG's IHDR, every JPEG frame header, a GIF's
    logical screen and first frame (``_gif_sizes``), a BMP's info header, a WebP's canvas (VP8X) or frame (VP8, VP8L);
    none for another format."""
    if data.startswith(_PNG_MAGIC) and data[12:16] == b"IHDR" and len(data) >= 24:
        return [(int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big"))]
    if data[:6] in (b"GIF87a", b"GIF89a"):
        return _gif_sizes(data)
    if data[:2] == b"BM" and len(data) >= 26:
        if int.from_bytes(data[14:18], "little") == 12:  # OS/2 BITMAPCOREHEADER: 16-bit sizes
            return [(int.from_bytes(data[18:20], "little"), int.from_bytes(data[20:22], "little"))]
        return [(abs(int.from_bytes(data[18:22], "little", signed=True)),  # a negative height: rows top-down
                 abs(int.from_bytes(data[22:26], "little", signed=True)))]
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP" and len(data) >= 30:
        chunk = data[12:16]
        if chunk == b"VP8X":
            return [(1 + int.from_bytes(data[24:27], "little"), 1 + int.from_bytes(data[27:30], "little"))]
        if chunk == b"VP8L":
            bits = int.from_bytes(data[21:25], "little")
            return [(1 + (bits & 0x3FFF), 1 + ((bits >> 14) & 0x3FFF))]
        if chunk == b"VP8 ":
            return [(int.from_bytes(data[26:28], "little") & 0x3FFF, int.from_bytes(data[28:30], "little") & 0x3FFF)]
    return jpeg_frame_sizes(data)


def _too_many_pixels(width: int, height: int) -> SkillspasError:
    return error_for(ErrorCode.QR_TOO_LARGE, f"the image has {width}x{height} pixels; at most {MAX_IMAGE_PIXELS} are read",
                     nl=f"de afbeelding heeft {width}x{height} pixels en er worden er hoogstens {MAX_IMAGE_PIXELS} "
                        "gelezen; stuur een kleinere foto of schermafbeelding")


def check_image_pixels(data: bytes) -> None:
    """Refuse a photo (PNG, JPEG, GIF, BMP, WebP) whose header claims more than ``MAX_IMAGE_PIXELS`` (``qr_too_large``), before anything
    decodes it: here before Pillow, on the phone page before the browser (both believe the header)."""
    for width, height in _header_sizes(data):
        if width * height > MAX_IMAGE_PIXELS:
            raise _too_many_pixels(width, height)


def read_qr_images(image: str | os.PathLike[str] | bytes) -> list[str]:
    """The texts of every QR code in a PNG/JPEG photo or screenshot (path or bytes), in reading order."""
    data = _image_bytes(image)
    check_image_pixels(data)
    try:
        from PIL import Image, UnidentifiedImageError
        import zxingcpp
    except ImportError as exc:  # pragma: no cover - both are dependencies
        raise error_for(ErrorCode.NOT_INSTALLED, f"QR image decoding needs {exc.name}: pip install skillspas",
                        nl=f"QR-afbeeldingen lezen heeft {exc.name} nodig: pip install skillspas") from exc
    try:
        with Image.open(io.BytesIO(data)) as picture:
            width, height = picture.size
            if width * height > MAX_IMAGE_PIXELS:  # another format (GIF, BMP, WebP), by Pillow's reading of its header
                raise _too_many_pixels(width, height)
            picture.draft("L", picture.size)  # JPEG: decode straight to grey
            grey = picture.convert("L")
    except SkillspasError:
        raise
    except Image.DecompressionBombError:
        raise error_for(ErrorCode.QR_TOO_LARGE, f"the image has more than {MAX_IMAGE_PIXELS} pixels",
                        nl=f"de afbeelding heeft meer dan {MAX_IMAGE_PIXELS} pixels; stuur een kleinere foto") from None
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError) as exc:
        raise unreadable(f"the image cannot be read ({type(exc).__name__})",
                         f"de afbeelding is niet te openen ({type(exc).__name__}); stuur een foto als PNG of JPEG") from None
    found = [b for b in zxingcpp.read_barcodes(grey, formats=zxingcpp.BarcodeFormats(zxingcpp.BarcodeFormat.QRCode)) if b.valid and b.text]
    found.sort(key=lambda b: (b.position.top_left.y, b.position.top_left.x))
    texts = [barcode.text for barcode in found]
    if not texts:
        raise no_qr_code()
    return texts


def read_qr_image(image: str | os.PathLike[str] | bytes) -> str:
    """The text of the skillspas QR code in a photo or screenshot (the first one, if there are several)."""
    texts = read_qr_images(image)
    return next((text for text in texts if is_payload(text)), texts[0])


def _image_bytes(image: str | os.PathLike[str] | bytes) -> bytes:
    if isinstance(image, (bytes, bytearray)):
        data = bytes(image)
    elif isinstance(image, (str, os.PathLike)):
        path = Path(image)
        try:
            with open_input(path) as handle:
                data = handle.read(MAX_IMAGE_BYTES + 1)
        except OSError as exc:
            raise unreadable(f"cannot read {path}: {exc.strerror}", f"kan {path} niet lezen: {exc.strerror}") from None
    else:
        raise TypeError("image must be a path or bytes")
    if len(data) > MAX_IMAGE_BYTES:
        raise image_too_large(MAX_IMAGE_BYTES)
    if not data:
        raise unreadable("the image is empty", f"de afbeelding is leeg; {_SHARPER}")
    return data
