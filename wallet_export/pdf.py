"""The printable passport: an A4 PDF with one page per credential and one QR code per credential.

Usage::

    data = render_pdf(credentials, lang="nl")        # bytes of the PDF (Dutch; lang="en" for English)
    Path("paspoort.pdf").write_bytes(data)

Page 1 lists the credentials and says how to check them; every following page shows one
credential for a person (kind, title, issuer, holder, dates, skills with labels) next to its QR
code, which holds the whole signed credential (``skillspas.verifier.qr``, format SP2 or SP1).

Text uses DejaVu Sans when the system has it (every script a name may need), otherwise the PDF
core font Helvetica in Windows-1252, which holds every Dutch letter; other letters are then
written without their accents (the QR code keeps the exact text).
"""

from __future__ import annotations

import datetime as dt
import io
import os
import unicodedata
from pathlib import Path
from typing import Any, Iterable, Sequence

from fpdf import FPDF
from fpdf.enums import XPos, YPos

from skillspas.schemas.errors import shown
from skillspas.schemas.text import one_line
from skillspas.schemas.vocab import ATTRIBUTION
from skillspas.verifier.page.texts import human_date
from skillspas.wallet_export.qr import QRCapacityError, QRImage, credential_qr_set, part_caption
from skillspas.wallet_export.store import write_private
from skillspas.wallet_export.view import TEXT, CredentialView, Lang, describe, vocabulary_labels

__all__ = ["render_pdf", "write_pdf", "FONT_DIRS"]

FONT_DIRS: tuple[str, ...] = (
    "/usr/share/fonts/truetype/dejavu",
    "/usr/share/fonts/dejavu",
    "/usr/local/share/fonts/dejavu",
    "/Library/Fonts",
)
"""Where ``DejaVuSans.ttf`` and ``DejaVuSans-Bold.ttf`` are looked for."""

_MARGIN = 15.0
_PAGE_W = 210.0
_INK = (20, 20, 20)
_GREY = (100, 100, 100)
_RULE = (200, 200, 200)
# Letters outside Windows-1252 that have no accent to drop (NFKD handles the rest).
_PLAIN = str.maketrans({"ł": "l", "Ł": "L", "đ": "d", "Đ": "D", "ı": "i", "ħ": "h", "Ħ": "H", "ĳ": "ij", "Ĳ": "IJ"})
_CELL_CHARS = 400
"""The most characters of a table cell (a title, an issuer's name, a skill's label), its lines joined: a table row is
printed on one page, and a signed text may hold 64 KiB (fpdf2 raised ValueError for a row taller than a page). The
credential's own page prints its title and names whole; the QR code holds them exactly."""


class _Document(FPDF):
    """FPDF with the passport's footer."""

    def __init__(self, lang: Lang, unicode_font: Path | None) -> None:
        super().__init__(orientation="P", unit="mm", format="A4")
        self.lang = lang
        self.unicode = unicode_font is not None
        if unicode_font is not None:
            self.add_font("Body", "", str(unicode_font / "DejaVuSans.ttf"))
            self.add_font("Body", "B", str(unicode_font / "DejaVuSans-Bold.ttf"))
            self.family = "Body"
        else:
            self.core_fonts_encoding = "windows-1252"
            self.family = "helvetica"
        self.set_margins(_MARGIN, _MARGIN, _MARGIN)
        self.set_auto_page_break(True, margin=18)
        self.alias_nb_pages()

    def clean(self, text: str) -> str:
        """``text`` as this font can write it."""
        text = "".join(c if c in "\t\n" or unicodedata.category(c)[0] != "C" else " " for c in text)
        if self.unicode:
            return text
        try:
            text.encode("windows-1252")
            return text
        except UnicodeEncodeError:
            pass
        out = []
        for char in text.translate(_PLAIN):
            try:
                char.encode("windows-1252")
                out.append(char)
            except UnicodeEncodeError:
                base = unicodedata.normalize("NFKD", char).encode("ascii", "ignore").decode("ascii")
                out.append(base or "?")
        return "".join(out)

    def short(self, text: str) -> str:
        """``text`` for a table cell: on one line, at most ``_CELL_CHARS`` characters ("…" when cut), as this font can
        write it."""
        return self.clean(shown(one_line(text), _CELL_CHARS))

    def style(self, size: float, bold: bool = False, grey: bool = False) -> None:
        self.set_font(self.family, "B" if bold else "", size)
        self.set_text_color(*(_GREY if grey else _INK))

    def footer(self) -> None:
        self.set_y(-13)
        self.style(8, grey=True)
        page = TEXT["page"][self.lang].format(i=self.page_no(), n="{nb}")
        self.cell(0, 5, self.clean(f"skillspas · {TEXT['passport'][self.lang]} · {page}"), align="C")


def _font_dir(font_dirs: Sequence[str | os.PathLike[str]] | None) -> Path | None:
    for folder in FONT_DIRS if font_dirs is None else font_dirs:
        path = Path(folder)
        if (path / "DejaVuSans.ttf").is_file() and (path / "DejaVuSans-Bold.ttf").is_file():
            return path
    return None


def _qr_or_none(credential: dict[str, Any], max_version: int | None) -> list[QRImage]:
    """The credential's QR code, or the parts of its numbered set; none when it is too large for both."""
    try:
        return credential_qr_set(credential, max_version=max_version)
    except QRCapacityError:
        return []


def render_pdf(
    credentials: Iterable[dict[str, Any]],
    *,
    lang: Lang = "nl",
    created: dt.datetime | None = None,
    font_dirs: Sequence[str | os.PathLike[str]] | None = None,
    bridge: dict[str, Any] | None = None,
    max_version: int | None = None,
) -> bytes:
    """The passport PDF of ``credentials`` (A4; Dutch by default, ``lang="en"`` for English).

    ``bridge`` (``BridgeResult.to_json()``, e.g. from ``passport export --bridge-to kok``) adds a
    werk-naar-werk page after the cover. A credential whose code would be larger than version ``max_version``
    is printed as a numbered set of smaller codes (captioned 1/2, 2/2), which the verifier joins.
    """
    if lang not in ("nl", "en"):
        raise ValueError("lang must be 'nl' or 'en'")
    items = list(credentials)
    created = created or dt.datetime.now(dt.timezone.utc)
    labels = vocabulary_labels()  # an English ESCO label in Dutch marked "(Engels)", as `passport show` and the pages
    views = [describe(credential, lang, labels=labels) for credential in items]
    codes = [_qr_or_none(credential, max_version) for credential in items]
    pdf = _Document(lang, _font_dir(font_dirs))
    pdf.set_title(TEXT["passport"][lang])
    pdf.set_creator("skillspas")
    pdf.set_lang(lang)
    pdf.set_creation_date(created)
    _cover(pdf, views, created)
    if bridge is not None:
        _bridge_page(pdf, bridge, views)
    for number, (view, code) in enumerate(zip(views, codes), 1):
        _credential_page(pdf, view, code, number, len(items))
    return bytes(pdf.output())


def write_pdf(credentials: Iterable[dict[str, Any]], path: str | os.PathLike[str], *, lang: Lang = "nl") -> Path:
    """Write the passport PDF to ``path``."""
    return write_private(Path(path), render_pdf(credentials, lang=lang))


def _cover(pdf: _Document, views: list[CredentialView], created: dt.datetime) -> None:
    lang = pdf.lang
    pdf.add_page()
    pdf.style(24, bold=True)
    pdf.cell(0, 12, pdf.clean(TEXT["passport"][lang]), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    holders = list(dict.fromkeys(v.subject_name for v in views if v.subject_name))
    pdf.style(12)
    if holders:
        pdf.cell(0, 7, pdf.short(f"{TEXT['holder'][lang]}: {', '.join(holders)}"), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.style(10, grey=True)
    pdf.cell(0, 6, f"{TEXT['made_on'][lang]}: {human_date(created.isoformat(), lang)}", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(4)
    pdf.style(10)
    pdf.multi_cell(0, 5, pdf.clean(TEXT["how_to_check"][lang]), align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(2)
    pdf.style(9, grey=True)
    pdf.multi_cell(0, 4.5, pdf.clean(TEXT["rendering_note"][lang]), align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(5)
    pdf.style(13, bold=True)
    pdf.cell(0, 8, pdf.clean(f"{TEXT['credentials'][lang]} ({len(views)})"), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.style(8.5)
    with pdf.table(col_widths=(7, 66, 34, 52, 21), text_align="LEFT", line_height=4.4, borders_layout="HORIZONTAL_LINES") as table:
        header = table.row()
        for word in ("#", TEXT["title"][lang], TEXT["kind"][lang], TEXT["issuer"][lang], TEXT["valid_from"][lang]):
            header.cell(pdf.clean(word))
        for number, view in enumerate(views, 1):
            row = table.row()
            for value in (str(number), view.title, view.kind, view.issuer_name or view.issuer or "", view.valid_from or ""):
                row.cell(pdf.short(value))


def _field(pdf: _Document, label: str, value: str | None, width: float) -> None:
    if not value:
        return
    x = pdf.get_x()
    pdf.style(8, grey=True)
    pdf.cell(width, 4, pdf.clean(label), new_x=XPos.LEFT, new_y=YPos.NEXT)
    pdf.style(10)
    pdf.multi_cell(width, 5, pdf.clean(value), align="L", new_x=XPos.LEFT, new_y=YPos.NEXT)
    pdf.set_x(x)
    pdf.ln(1.5)


def _credential_page(pdf: _Document, view: CredentialView, codes: list[QRImage], number: int, total: int) -> None:
    lang = pdf.lang
    pdf.add_page()
    size = 0.0 if not codes else min(80.0, max(50.0, (codes[0].modules + 8) * 0.5), 220.0 / len(codes) - 9)
    left_width = _PAGE_W - 2 * _MARGIN - (size + 6 if size else 0)
    top = pdf.get_y()
    qr_bottom = top
    for index, code in enumerate(codes, 1):  # one code, or the parts of a numbered set, stacked
        x = _PAGE_W - _MARGIN - size
        pdf.image(io.BytesIO(code.png(scale=8, border=4)), x=x, y=qr_bottom, w=size, h=size)
        pdf.set_xy(x, qr_bottom + size)
        pdf.style(8, grey=True)
        caption = TEXT["qr_caption"][lang].format(i=number, n=total) + f" · v{code.version}-{code.error}"
        pdf.cell(size, 4, pdf.clean(caption), align="C")
        if len(codes) > 1:
            pdf.set_xy(x, qr_bottom + size + 4)
            pdf.style(8, bold=True)
            pdf.cell(size, 4, pdf.clean(part_caption(index, len(codes), lang)), align="C")
        qr_bottom += size + (9 if len(codes) > 1 else 5)
    pdf.set_xy(_MARGIN, top)
    pdf.style(9, grey=True)
    pdf.cell(left_width, 5, pdf.clean(f"{number}/{total} · {view.kind}"), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.style(16, bold=True)
    pdf.multi_cell(left_width, 7.5, pdf.clean(view.title), align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(3)
    issuer = view.issuer_name + (f"\n{view.issuer}" if view.issuer else "") if view.issuer_name else view.issuer
    _field(pdf, TEXT["issuer"][lang], issuer, left_width)
    _field(pdf, TEXT["holder"][lang], view.subject_name, left_width)
    _field(pdf, TEXT["warning"][lang], view.several, left_width)
    _field(pdf, TEXT["awarded"][lang], view.awarded, left_width)
    _field(pdf, TEXT["valid_from"][lang], view.valid_from, left_width)
    _field(pdf, TEXT["valid_until"][lang], view.valid_until, left_width)
    _field(pdf, TEXT["signed_by"][lang], "\n".join(view.cosigners) or None, left_width)
    if not codes:
        _field(pdf, "QR", TEXT["qr_missing"][lang], left_width)
    pdf.set_y(max(pdf.get_y(), qr_bottom) + 2)
    full_width = _PAGE_W - 2 * _MARGIN
    if view.description:
        _field(pdf, TEXT["description"][lang], view.description, full_width)
    for label, value in view.details:
        _field(pdf, label, value, full_width)
    pdf.style(12, bold=True)
    pdf.cell(0, 8, pdf.clean(f"{TEXT['skills'][lang]} ({len(view.skills)})"), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    if not view.skills:
        pdf.style(10, grey=True)
        pdf.cell(0, 6, pdf.clean(TEXT["no_skills"][lang]), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        return
    groups: dict[str, list[tuple[int, Any]]] = {}
    for index, skill in enumerate(view.skills, 1):  # grouped by how they were established, in order
        groups.setdefault(skill.evidence or "", []).append((index, skill))
    for established, skills in groups.items():
        if established:
            pdf.style(9, bold=True)
            pdf.cell(0, 6, pdf.clean(f"{TEXT['established'][lang]}: {established}"), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.style(8.5)
        with pdf.table(col_widths=(7, 78, 26, 69), text_align="LEFT", line_height=4.6, borders_layout="HORIZONTAL_LINES") as table:
            header = table.row()
            for word in ("#", TEXT["skill"][lang], TEXT["framework"][lang], "Code"):
                header.cell(pdf.clean(word))
            for index, skill in skills:
                row = table.row()
                row.cell(str(index))
                row.cell(pdf.short(skill.label or "-"))
                row.cell(pdf.short(skill.framework))
                row.cell(pdf.short(skill.code))
    _attribution(pdf)


def _attribution(pdf: _Document) -> None:
    pdf.ln(2)
    pdf.style(7.5, grey=True)
    pdf.multi_cell(0, 4, pdf.clean(TEXT["labels_source"][pdf.lang].format(source=ATTRIBUTION)), align="L",
                   new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def _bridge_page(pdf: _Document, data: dict[str, Any], views: list[CredentialView]) -> None:
    """The werk-naar-werk bridge: the target's skills proven (by which credential) or missing, suggestions."""
    lang = pdf.lang
    pdf.add_page()
    pdf.style(16, bold=True)
    pdf.multi_cell(0, 7.5, pdf.clean(TEXT["bridge"][lang].format(name=data["target"]["shownLabel"][lang])), align="L",
                   new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.style(9, grey=True)
    target = data["target"].get("uri") or f"crebo {data['target'].get('crebo', '')}"
    pdf.multi_cell(0, 4.5, pdf.clean(f"{target}\n{TEXT['bridge_intro'][lang]}"), align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(2)
    pdf.style(10, bold=True)
    for key in ("essential", "optional"):
        if data[key]["total"]:
            pdf.cell(0, 5.5, pdf.clean(TEXT["bridge_count"][lang].format(
                group=TEXT[key][lang], c=data[key]["covered"], n=data[key]["total"])), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    if data["notComparedNote"]:  # beside the count it qualifies
        pdf.style(8.5)
        pdf.multi_cell(0, 4.5, pdf.clean(data["notComparedNote"][lang]), align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(1)
    pdf.style(8.5)
    with pdf.table(col_widths=(6, 84, 22, 68), text_align="LEFT", line_height=4.4, borders_layout="HORIZONTAL_LINES") as table:
        header = table.row()
        for word in ("", TEXT["skill"][lang], "", TEXT["proven_by"][lang]):
            header.cell(pdf.clean(word))
        for skill in data["skills"]:
            row = table.row()
            row.cell("+" if skill["covered"] else "-")
            row.cell(pdf.short(skill["shownLabel"][lang]))
            row.cell(pdf.clean(TEXT["essential" if skill["essential"] else "optional"][lang].lower()))
            proofs = [views[e["credential"]].title if 0 <= e["credential"] < len(views) else str(e["credential"] + 1)
                      for e in skill["evidence"]]
            row.cell(pdf.short("; ".join(dict.fromkeys(proofs)) or TEXT["missing"][lang]))
    if data["suggestions"]:
        missing = sum(1 for s in data["skills"] if not s["covered"])
        pdf.ln(3)
        pdf.style(11, bold=True)
        pdf.cell(0, 7, pdf.clean(TEXT["suggestions"][lang]), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.style(8.5)
        for suggestion in data["suggestions"]:
            pdf.multi_cell(0, 4.5, pdf.clean("• " + TEXT["suggestion"][lang].format(
                crebo=suggestion["crebo"], name=suggestion["name"], k=len(suggestion["closes"]), n=missing,
                pct=round(suggestion["share"] * 100), basis=suggestion["basisLabel"][lang])
                + (f" ({suggestion['heldLabel'][lang]})" if suggestion.get("heldLabel") else "")), align="L",
                new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    if data["notComparable"]:
        pdf.ln(2)
        pdf.style(8.5, grey=True)
        names = "; ".join(p["shownLabel"][lang] for p in data["notComparable"])
        pdf.multi_cell(0, 4.5, pdf.clean(TEXT["not_comparable"][lang].format(list=names)), align="L",
                       new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    _attribution(pdf)
