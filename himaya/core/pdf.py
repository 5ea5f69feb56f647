"""PDF documents in Arabic and English (fpdf2 with HarfBuzz text shaping, vendored Noto fonts).

A small builder for the documents Himaya prints (certificates, summaries, letters)::

    doc = Document(title=_("Annual training summary"), language="ar")
    doc.paragraph(_("Prepared by the training centre."))
    doc.rows([(_("Course"), course.title), (_("Sessions"), "12")])
    doc.table([_("Agency"), _("Trained")], [["EPC", "41"], ["Police", "17"]])
    doc.qr("https://himaya.example/verify/abc", caption=_("Scan to verify"))
    doc.attach("payload.json", payload_bytes, description="signed payload")
    pdf_bytes = doc.render()

Arabic documents run right to left: paragraphs, key/value rows and table columns are mirrored and
right-aligned; mixed Arabic/Latin text is ordered by the Unicode bidi algorithm. Arabic glyphs come
from Noto Sans Arabic and Latin ones from Noto Sans (each is the other's fallback), so a Latin name
in an Arabic certificate, or an Arabic name in an English one, renders. Text is real, extractable
text (searchable, copyable), not images. Nothing is fetched at render time: the fonts are under
static/vendor/fonts/ (SIL OFL, see the LICENSE there).

Django-free apart from `settings.BASE_DIR` being optional: the font directory is located relative
to this file.
"""

from __future__ import annotations

import copy
import datetime as dt
import functools
import io
import re
import threading
from collections.abc import Callable, Sequence
from pathlib import Path

import segno
from fontTools import ttLib
from fpdf import FPDF
from fpdf.enums import Align, TextDirection, XPos, YPos
from fpdf.fonts import HarfBuzzFont, SubsetMap, TTFFont

FONT_DIR = Path(__file__).resolve().parents[2] / "static" / "vendor" / "fonts"
LATIN = "notosans"
ARABIC = "notosansarabic"
_FONT_FILES = {
    (LATIN, ""): "NotoSans-Regular.ttf",
    (LATIN, "B"): "NotoSans-Bold.ttf",
    (ARABIC, ""): "NotoSansArabic-Regular.ttf",
    (ARABIC, "B"): "NotoSansArabic-Bold.ttf",
}
RTL_LANGUAGES = frozenset({"ar", "fa", "he", "ur"})

BODY_SIZE = 11
HEADING_SIZE = 14
TITLE_SIZE = 20


# The tables fpdf2 drops from every embedded subset anyway (fpdf/output.py). Taking them out of the
# copy that gets subset spares fontTools decompiling the big OpenType layout tables (GSUB, GPOS) on
# every render only to throw them away; shaping still uses the complete font file through HarfBuzz.
_NOT_EMBEDDED = (
    "FFTM", "GDEF", "GPOS", "GSUB", "MATH", "hdmx", "meta", "sbix", "CBDT", "CBLC", "EBDT", "EBLC", "EBSC",
    "SVG ", "CPAL", "COLR",
)  # fmt: skip
_font_lock = threading.Lock()


@functools.cache
def _font_template(family: str, style: str) -> tuple[TTFFont, bytes, tuple[str, ...]]:
    """The font parsed once per process (metrics, cmap, HarfBuzz face), the bytes of the copy that
    each document subsets (without the tables no PDF embeds, and without glyph names: the subset
    fpdf2 writes has none either, and the names come from `glyph_order` instead of being decoded
    again for every document), and the glyph order."""
    path = FONT_DIR / _FONT_FILES[(family, style)]
    with _font_lock:
        loader = FPDF()
        loader.add_font(family, style, str(path))
        template = loader.fonts[f"{family}{style}"]
        assert isinstance(template, TTFFont) and template.color_font is None
        template.hbfont  # noqa: B018 - load the HarfBuzz face now, once
        embedded = ttLib.TTFont(str(path), recalcTimestamp=False)
        glyph_order = tuple(embedded.getGlyphOrder())
        for tag in _NOT_EMBEDDED:
            if tag in embedded:
                del embedded[tag]
        embedded["post"].formatType = 3.0
        buffer = io.BytesIO()
        embedded.save(buffer)
    return template, buffer.getvalue(), glyph_order


def _add_font(pdf: FPDF, family: str, style: str) -> None:
    """`pdf.add_font` without parsing the font file again: a per-document copy of the cached font.

    What a document changes (its font number, the subset of glyphs it uses, the font table that
    fpdf2 subsets in place when writing the PDF) is fresh; the read-only metrics are shared.
    """
    template, embedded, glyph_order = _font_template(family, style)
    font = copy.copy(template)
    font.i = len(pdf.fonts) + 1
    font.ttfont = ttLib.TTFont(io.BytesIO(embedded), recalcTimestamp=False, lazy=True)
    font.ttfont.setGlyphOrder(list(glyph_order))
    font.biggest_size_pt = 0
    font.missing_glyphs = []
    font.subset = SubsetMap(font)
    # Its own HarfBuzz font over the shared (immutable) face: fpdf2 sets the size on it per call.
    font._hbfont = HarfBuzzFont(template.hbfont.face)
    pdf.fonts[template.fontkey] = font


def is_rtl(language: str) -> bool:
    return language.split("-")[0].lower() in RTL_LANGUAGES


class Document:
    """One PDF document, A4 portrait (or landscape), built top to bottom and rendered to bytes.

    `language` ("ar", "en", …) sets the reading direction, the main font and the PDF's /Lang.
    """

    def __init__(
        self,
        *,
        title: str,
        language: str = "en",
        subtitle: str = "",
        author: str = "Himaya",
        landscape: bool = False,
        creation_date: dt.datetime | None = None,
    ) -> None:
        self.language = language
        self.rtl = is_rtl(language)
        self.title = title
        pdf = FPDF(orientation="L" if landscape else "P", unit="mm", format="A4")
        for family, style in _FONT_FILES:
            _add_font(pdf, family, style)
        self.main_font = ARABIC if self.rtl else LATIN
        pdf.set_fallback_fonts([LATIN if self.rtl else ARABIC], exact_match=False)
        pdf.set_text_shaping(True, direction=TextDirection.RTL if self.rtl else TextDirection.LTR)
        pdf.set_lang(language)
        pdf.set_title(title)
        pdf.set_author(author)
        pdf.set_creator("Himaya")
        if creation_date is not None:
            pdf.set_creation_date(creation_date)
        pdf.set_auto_page_break(auto=True, margin=18)
        pdf.set_margins(18, 18, 18)
        pdf.add_page()
        self.pdf = pdf
        self._align = Align.R if self.rtl else Align.L
        self._write_title(title, subtitle)

    # -- building blocks -------------------------------------------------------------------

    def _font(self, size: float, bold: bool = False) -> None:
        self.pdf.set_font(self.main_font, "B" if bold else "", size)
        # fpdf2 2.8 forgets that a fallback-font fragment (Arabic in an English line, Latin in an
        # Arabic one) switched the page's font: without this the next run of main-font text is
        # drawn with the fallback font's glyph numbers (garbage). Re-select before every write.
        self.pdf.current_font_is_set_on_page = False

    def _write_title(self, title: str, subtitle: str) -> None:
        self._font(TITLE_SIZE, bold=True)
        self.pdf.multi_cell(0, 11, title, align=Align.C, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        if subtitle:
            self._font(BODY_SIZE + 1)
            self.pdf.multi_cell(0, 7, subtitle, align=Align.C, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.pdf.ln(4)

    def heading(self, text: str) -> None:
        """A section heading, bold, aligned to the reading direction's start."""
        self.pdf.ln(2)
        self._font(HEADING_SIZE, bold=True)
        self.pdf.multi_cell(0, 8, text, align=self._align, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.pdf.ln(1)

    def paragraph(self, text: str, *, size: float = BODY_SIZE, centred: bool = False, bold: bool = False) -> None:
        """A wrapped paragraph (justified to the reading direction's start unless `centred`)."""
        self._font(size, bold=bold)
        self.pdf.multi_cell(
            0, size * 0.55, text, align=Align.C if centred else self._align, new_x=XPos.LMARGIN, new_y=YPos.NEXT
        )
        self.pdf.ln(2)

    def rows(self, pairs: Sequence[tuple[str, str]], *, key_width: float = 55) -> None:
        """Label/value rows: the label (bold) on the reading direction's start side."""
        pdf = self.pdf
        value_width = pdf.epw - key_width
        for label, value in pairs:
            y = pdf.get_y()
            if self.rtl:
                pdf.set_x(pdf.l_margin + value_width)
                self._font(BODY_SIZE, bold=True)
                pdf.multi_cell(key_width, 7, label, align=Align.R, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
                end_label = pdf.get_y()
                pdf.set_xy(pdf.l_margin, y)
                self._font(BODY_SIZE)
                pdf.multi_cell(value_width - 2, 7, value or "—", align=Align.R, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
            else:
                self._font(BODY_SIZE, bold=True)
                pdf.multi_cell(key_width, 7, label, align=Align.L, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
                end_label = pdf.get_y()
                pdf.set_xy(pdf.l_margin + key_width, y)
                self._font(BODY_SIZE)
                pdf.multi_cell(value_width, 7, value or "—", align=Align.L, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
            pdf.set_y(max(end_label, pdf.get_y()))
        pdf.ln(2)

    def table(
        self,
        headers: Sequence[str],
        rows: Sequence[Sequence[str]],
        *,
        widths: Sequence[float] | None = None,
        numeric: Sequence[int] = (),
    ) -> None:
        """A table with a bold header row; columns run right to left in RTL documents.

        `widths` are relative column widths; `numeric` lists the (logical) columns of numbers.
        """
        if not headers:
            return
        order = list(range(len(headers)))
        if self.rtl:
            order.reverse()
        col_widths = tuple(widths[i] for i in order) if widths else None
        aligns = [("RIGHT" if (i in numeric or self.rtl) else "LEFT") for i in order]
        self._font(BODY_SIZE - 1)
        self.pdf.set_fill_color(255, 255, 255)
        with self.pdf.table(
            col_widths=col_widths,
            text_align=tuple(aligns),  # type: ignore[arg-type]
            line_height=6.5,
            first_row_as_headings=True,
            headings_style=_headings_style(),
        ) as tbl:
            for source in [list(headers), *[list(r) for r in rows]]:
                row = tbl.row()
                for i in order:
                    row.cell(str(source[i]) if i < len(source) else "")
        self.pdf.ln(3)

    def qr(self, data: str, *, size: float = 32, caption: str = "") -> None:
        """A QR code (error correction M) centred on the page, with an optional caption under it."""
        buffer = io.BytesIO()
        segno.make(data, error="m", micro=False).save(buffer, kind="png", scale=8, border=2)
        buffer.seek(0)
        x = (self.pdf.w - size) / 2
        self.pdf.image(buffer, x=x, w=size, h=size)
        if caption:
            self._font(BODY_SIZE - 2)
            self.pdf.multi_cell(0, 5, caption, align=Align.C, new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def bars(
        self,
        labels: Sequence[str],
        values: Sequence[float],
        *,
        maximum: float | None = None,
        value_format: Callable[[float], str] = lambda v: f"{v:g}",
        label_width: float = 65,
        colour: tuple[int, int, int] = (0, 114, 178),
    ) -> None:
        """A horizontal bar chart drawn natively (shaped text, mirrored in RTL documents).

        The same reading as `himaya.core.charts.bar_chart` on a page; native drawing because
        fpdf2 cannot shape Arabic inside SVG text.
        """
        if len(labels) != len(values):
            raise ValueError("one value per label")
        pdf = self.pdf
        top = max(maximum or 0, max(values, default=0)) or 1
        plot = pdf.epw - label_width - 18
        self._font(BODY_SIZE - 1)
        for label, value in zip(labels, values, strict=True):
            if pdf.will_page_break(7):
                pdf.add_page()
            y = pdf.get_y()
            self._font(BODY_SIZE - 1)
            length = plot * max(value, 0) / top
            pdf.set_fill_color(*colour)
            label = self._fit(label, label_width - 2)
            if self.rtl:
                right = pdf.l_margin + plot + 18
                pdf.set_xy(right, y)
                pdf.cell(label_width, 6, label, align=Align.R)
                if length:
                    pdf.rect(right - 2 - length, y + 1, length, 4, style="F")
                pdf.set_xy(right - 2 - length - 16, y)
                self._font(BODY_SIZE - 1)  # a fallback-font label must not leak into the value
                pdf.cell(15, 6, value_format(value), align=Align.R)
            else:
                pdf.set_xy(pdf.l_margin, y)
                pdf.cell(label_width, 6, label, align=Align.L)
                left = pdf.l_margin + label_width + 2
                if length:
                    pdf.rect(left, y + 1, length, 4, style="F")
                pdf.set_xy(left + length + 1, y)
                self._font(BODY_SIZE - 1)  # a fallback-font label must not leak into the value
                pdf.cell(15, 6, value_format(value), align=Align.L)
            pdf.set_xy(pdf.l_margin, y + 7)
        pdf.set_fill_color(255, 255, 255)  # the table after a chart must not inherit the bar colour
        pdf.ln(2)

    def _fit(self, text: str, width: float) -> str:
        """`text`, shortened with an ellipsis to fit `width` mm in the current font."""
        if self.pdf.get_string_width(text) <= width:
            return text
        while text and self.pdf.get_string_width(text + "…") > width:
            text = text[:-1]
        return text.rstrip() + "…"

    def spacer(self, height: float = 6) -> None:
        self.pdf.ln(height)

    def attach(self, name: str, data: bytes, *, description: str = "", mime_type: str = "application/json") -> None:
        """Embed `data` as a file attachment named `name` (stored uncompressed, so it is readable as is)."""
        self.pdf.embed_file(bytes=data, basename=name, desc=description, mime_type=mime_type, compress=False)

    def render(self) -> bytes:
        return bytes(self.pdf.output())


def _headings_style() -> object:
    from fpdf.fonts import FontFace

    return FontFace(emphasis="BOLD", fill_color=(235, 238, 242))


def embedded_file(pdf_bytes: bytes, name: str) -> bytes | None:
    """The content of the attachment `name` embedded by `Document.attach`, read without a PDF library.

    Follows the catalogue's /EmbeddedFiles name tree to the file specification and its stream.
    Returns None when there is no such attachment. Only uncompressed attachments (as
    `Document.attach` writes them) are read, which is what the offline certificate check needs.
    """
    label = re.escape(_pdf_string(name))
    entry = re.search(rb"/EmbeddedFiles\s*<<\s*/Names\s*\[[^\]]*?\(" + label + rb"\)\s*(\d+)\s+0\s+R", pdf_bytes)
    if entry is None:
        return None
    spec = _object_body(pdf_bytes, entry.group(1))
    stream_ref = re.search(rb"/EF\s*<<\s*/F\s+(\d+)\s+0\s+R", spec or b"")
    if stream_ref is None:
        return None
    found = re.search(rb"(?:^|\n)" + stream_ref.group(1) + rb"\s+0\s+obj\s*<<(.*?)>>\s*stream\r?\n", pdf_bytes, re.S)
    if found is None or b"/Filter" in found.group(1):
        return None
    length = re.search(rb"/Length\s+(\d+)", found.group(1))
    if length is None:
        return None
    return pdf_bytes[found.end() : found.end() + int(length.group(1))]


def _pdf_string(text: str) -> bytes:
    return text.encode("latin-1").replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")


def _object_body(pdf_bytes: bytes, number: bytes) -> bytes | None:
    found = re.search(rb"(?:^|\n)" + number + rb"\s+0\s+obj(.*?)endobj", pdf_bytes, re.S)
    return found.group(1) if found else None
