"""QR images of signed credentials: one self-contained QR code per credential (format SP2, or SP1).

Usage::

    from skillspas.wallet_export.qr import credential_qr, write_qr_set

    code = credential_qr(signed)                 # QRImage: text, version, modules, png()
    paths = write_qr_set([a, b, c], "out/")      # out/qr-01-of-03-mbo-diploma.png ... (numbered set)

Each image of a set says what it holds: its file name names the credential's kind, and a caption
under the code (and the PNG's Title/Description text) names its title and holder.

The payload codec is ``skillspas.verifier.qr`` (encode and decode live together there); this
module only draws it: alphanumeric mode (SP4's digits in a numeric segment), error correction M; what M
cannot hold is a ``QRCapacityError`` (never a silent drop to L; ``lower=True`` asks for L explicitly).
"""

from __future__ import annotations

import io
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final, Iterable, Sequence

import segno

from skillspas.schemas.errors import ErrorCode, UnusableInput
from skillspas.schemas.jsonschema.type_schemas import CREDENTIAL_KINDS
from skillspas.verifier.qr import MAX_PARTS, PREFIX, encode_payload, max_text_length, split_digits, split_payload
from skillspas.schemas.files import private_folder
from skillspas.wallet_export.store import write_private
from skillspas.wallet_export.view import Lang, describe

__all__ = ["DEFAULT_MAX_VERSION", "QRImage", "QRCapacityError", "credential_qr", "credential_qr_set", "part_caption", "qr_for_text", "write_qr_set", "qr_file_names", "qr_caption"]

DEFAULT_MAX_VERSION: Final = 20
"""The largest code ``passport export --qr/--pdf`` draws before it splits a credential into a numbered set (at M).
Issue 18 holds a real mbo-diploma to version 20 and any 20-skill credential to 22; every credential the demo
issues (status entries, did:web issuer, holder binding) is 16-19. On the PDF a code is printed at 0.5 mm a module
and at least 50 mm wide, so a 20-M code (97 modules) is as large on paper as one part of a set, and one scan is
less work than two; the photo tests read 19-21-M codes from 270-280 px."""


class QRCapacityError(UnusableInput):
    """``qr_too_large``: the credential does not fit in one QR code (share it as a file instead)."""


@dataclass(frozen=True)
class QRImage:
    """One QR code: its text, version, size in modules, error-correction level."""

    text: str
    version: int
    modules: int
    error: str
    code: segno.QRCode

    @property
    def payload_chars(self) -> int:
        """Characters after the ``SP1:``-``SP4:`` prefix (Base45, or SP4's digits)."""
        return len(self.text) - len(PREFIX)

    def png(self, *, scale: int = 8, border: int = 4, caption: Sequence[str] = ()) -> bytes:
        """The QR code as a PNG with ``scale`` pixels per module and a ``border``-module quiet zone;
        ``caption`` lines are written under it (outside the quiet zone) and into the PNG's text."""
        out = io.BytesIO()
        self.code.save(out, kind="png", scale=scale, border=border)
        lines = [line for line in caption if line]
        return _captioned(out.getvalue(), lines, scale) if lines else out.getvalue()

    def svg(self, *, scale: int = 4, border: int = 4) -> str:
        """The QR code as an inline ``<svg>`` element (dark on white; no style attribute, no script)."""
        return str(self.code.svg_inline(scale=scale, border=border, dark="#000", light="#fff"))

    def save(self, path: str | os.PathLike[str], *, scale: int = 8, border: int = 4, caption: Sequence[str] = ()) -> Path:
        """Write the PNG to ``path``."""
        target = Path(path)
        write_private(target, self.png(scale=scale, border=border, caption=caption))
        return target


def _captioned(png: bytes, lines: Sequence[str], scale: int) -> bytes:
    """``png`` with ``lines`` centred under it (wrapped to its width) and as PNG Title/Description text."""
    from PIL import Image, ImageDraw, ImageFont
    from PIL.PngImagePlugin import PngInfo

    code = Image.open(io.BytesIO(png)).convert("L")
    size = max(16, 3 * scale)
    font = ImageFont.load_default(size=size)
    wrapped: list[str] = []
    for line in lines:
        words, current = line.split(), ""
        for word in words:
            trial = f"{current} {word}".strip()
            if current and font.getlength(trial) > code.width - 2 * size:
                wrapped.append(current)
                current = word
            else:
                current = trial
        wrapped.append(current)
    step = size + size // 3
    canvas = Image.new("L", (code.width, code.height + step * len(wrapped) + size), 255)
    canvas.paste(code, (0, 0))
    draw = ImageDraw.Draw(canvas)
    for number, text in enumerate(wrapped):
        draw.text((code.width // 2, code.height + number * step), text, fill=0, font=font, anchor="ma")
    info = PngInfo()
    info.add_itxt("Title", lines[0])
    info.add_itxt("Description", " — ".join(lines))
    out = io.BytesIO()
    canvas.save(out, "PNG", pnginfo=info, optimize=True)
    return out.getvalue()


def qr_for_text(text: str, *, error: str = "m", lower: bool = False, mode: str = "alphanumeric") -> QRImage:
    """The smallest QR code for ``text`` in ``mode`` (alphanumeric for a payload; ``byte`` for a URL) at level
    ``error``. The level never drops silently: what ``error`` cannot hold is a ``QRCapacityError``, unless
    ``lower`` allows level L (the image's ``error`` then says L)."""
    levels = [error.upper()] + (["L"] if lower and error.upper() != "L" else [])
    for level in levels:
        try:
            code = segno.make_qr(_content(text, mode), error=level, boost_error=False)
        except segno.DataOverflowError:
            continue
        return QRImage(text, int(code.version), int(code.symbol_size(border=0)[0]), level, code)
    raise QRCapacityError(ErrorCode.QR_TOO_LARGE,
                          f"{len(text)} characters do not fit in one QR code at error correction "
                          f"{'/'.join(levels)}; share the credential as a file",
                          message_nl=f"{len(text)} tekens passen niet in één QR-code met foutcorrectie "
                                     f"{'/'.join(levels)}; deel het bewijsstuk als bestand")


def credential_qr(credential: dict[str, Any] | str | bytes, *, error: str = "m", lower: bool = False) -> QRImage:
    """The QR code that carries the whole signed ``credential`` (SP1 or SP2 payload), at level ``error``."""
    return qr_for_text(encode_payload(credential), error=error, lower=lower)


def credential_qr_set(credential: dict[str, Any] | str | bytes, *, max_version: int | None = None,
                      error: str = "m") -> list[QRImage]:
    """The QR code of ``credential``, or, when it would be larger than version ``max_version``, the fewest parts of
    a numbered set (``SPP:i/k/SET:``, joined by the verifier) that each fit ``max_version`` at level ``error``."""
    text = encode_payload(credential)
    if max_version is None or _fits(text, max_version, error):
        return [qr_for_text(text, error=error)]
    longest = max_text_length(text)  # the verifier reads a set's joined text as one code's: never a longer set
    for count in range(2, min(MAX_PARTS, len(text)) + 1) if len(text) <= longest else ():
        parts = split_payload(text, count)
        if all(_fits(part, max_version, error) for part in parts):
            return [qr_for_text(part, error=error) for part in parts]
    raise QRCapacityError(ErrorCode.QR_TOO_LARGE,
                          f"{len(text)} characters do not fit in {MAX_PARTS} QR codes of version {max_version} "
                          f"at error correction {error.upper()} (a set holds {longest} at most); share the "
                          "credential as a file",
                          message_nl=f"{len(text)} tekens passen niet in {MAX_PARTS} QR-codes van versie {max_version} "
                                     f"met foutcorrectie {error.upper()} (een reeks bevat er hooguit {longest}); deel "
                                     "het bewijsstuk als bestand")


def _fits(text: str, version: int, error: str) -> bool:
    try:
        segno.make_qr(_content(text, "alphanumeric"), error=error, version=version, boost_error=False)
    except segno.DataOverflowError:
        return False
    return True


def _content(text: str, mode: str) -> Any:
    """The QR segments of ``text`` in ``mode``; a payload's trailing digits (SP4) as a numeric segment.

    segno takes a list of (content, mode) pairs for a code of several segments (``segno.encoder.prepare_data``);
    its type hints name only one content, hence ``Any``."""
    head, digits = split_digits(text) if mode == "alphanumeric" else (text, "")
    head_mode = segno.consts.MODE_ALPHANUMERIC if mode == "alphanumeric" else segno.consts.MODE_BYTE
    return [(head, head_mode)] * bool(head) + [(digits, segno.consts.MODE_NUMERIC)] * bool(digits)


def part_caption(index: int, count: int, lang: str = "nl") -> str:
    """The line that numbers a part of a set: ``Deel 1/2 — scan alle delen`` (empty for a single code)."""
    if count < 2:
        return ""
    return (f"Deel {index}/{count} — scan alle {count} delen" if lang == "nl"
            else f"Part {index}/{count} — scan all {count} parts")


def qr_file_names(count: int, credentials: Sequence[dict[str, Any]] = ()) -> list[str]:
    """File names of a numbered set of ``count`` QR codes, with each credential's kind when given:
    ``qr-01-of-20-mbo-diploma.png`` ... (the numbers keep them in order)."""
    width = max(2, len(str(count)))
    kinds = [_kind(c) for c in credentials] or [""] * count
    return [f"qr-{i:0{width}d}-of-{count:0{width}d}{'-' + kind if kind else ''}.png"
            for i, kind in zip(range(1, count + 1), kinds)]


def _kind(credential: dict[str, Any]) -> str:
    """The kind a person types (``mbo-diploma``), ``open-badge`` or ``credential``."""
    types = credential.get("type")
    types = types if isinstance(types, list) else [types]
    for kind, name in CREDENTIAL_KINDS.items():
        if name in types:
            return kind
    return "open-badge" if {"OpenBadgeCredential", "AchievementCredential"} & set(t for t in types if isinstance(t, str)) \
        else "credential"


def qr_caption(credential: dict[str, Any], lang: Lang = "nl") -> list[str]:
    """The lines under a credential's QR code: its kind and title, and its holder."""
    view = describe(credential, lang)
    named = view.title.casefold().startswith(view.kind.casefold())  # "Praktijkverklaring Kok" says its kind
    return [view.title if named else f"{view.kind}: {view.title}", view.subject_name or ""]


_SET_FILE = re.compile(r"qr-[0-9]{2,}-of-[0-9]{2,}(-[a-z0-9-]+)?\.png")
"""The name of a file ``write_qr_set`` writes (``qr_file_names``, with ``-part-i-of-k``)."""


def write_qr_set(
    credentials: Iterable[dict[str, Any]] | Sequence[dict[str, Any]],
    folder: str | os.PathLike[str],
    *,
    scale: int = 8,
    lang: Lang = "nl",
    max_version: int | None = None,
) -> list[Path]:
    """Write one PNG per credential into ``folder`` (a numbered set, each code self-contained, each
    named after its kind and captioned with its title and holder). A credential larger than version
    ``max_version`` is written as the parts of a numbered set of codes (``...-part-1-of-2.png``, captioned 1/2).
    The codes of an earlier export into ``folder`` (files named as these are) are removed first, so the folder holds
    one numbered set; no other file is touched."""
    items = list(credentials)
    sets = [credential_qr_set(credential, max_version=max_version) for credential in items]
    root = private_folder(Path(folder))
    for earlier in root.glob("qr-*-of-*.png"):  # an earlier export's codes (only names this writes): not mixed in
        if _SET_FILE.fullmatch(earlier.name) and earlier.is_file():
            earlier.unlink()
    written = []
    for images, name, credential in zip(sets, qr_file_names(len(items), items), items):
        for index, image in enumerate(images, 1):
            part = f"-part-{index}-of-{len(images)}" if len(images) > 1 else ""
            caption = [*qr_caption(credential, lang), part_caption(index, len(images), lang)]
            written.append(image.save(root / name.replace(".png", f"{part}.png"), scale=scale, caption=caption))
    return written
