"""PDF documents: Arabic and English text is real text in the embedded Noto fonts, RTL layout,
QR codes, attachments readable without a PDF library."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import zlib

import pytest

from himaya.core.pdf import Document, embedded_file, is_rtl

ARABIC_TITLE = "شهادة حضور دورة تدريبية"
ARABIC_NAME = "مريم حسن"


def _streams(pdf: bytes) -> list[bytes]:
    out = []
    for match in re.finditer(rb"<<(.*?)>>\s*stream\r?\n", pdf, re.S):
        header = match.group(1)
        length = re.search(rb"/Length\s+(\d+)", header)
        if length is None:
            continue
        data = pdf[match.end() : match.end() + int(length.group(1))]
        if b"/FlateDecode" in header:
            try:
                data = zlib.decompress(data)
            except zlib.error:
                continue
        out.append(data)
    return out


def _mapped_characters(pdf: bytes) -> set[str]:
    """Every character the embedded fonts' ToUnicode maps can produce: what a text extractor sees."""
    chars: set[str] = set()
    for stream in _streams(pdf):
        if b"begincmap" not in stream:
            continue
        for hexes in re.findall(rb"<[0-9A-Fa-f]+>\s*<([0-9A-Fa-f]+)>", stream):
            text = bytes.fromhex(hexes.decode()).decode("utf-16-be", errors="ignore")
            chars.update(text)
    return chars


def _pdftotext(pdf: bytes, tmp_path) -> str:
    if shutil.which("pdftotext") is None:
        if os.environ.get("CI") == "true":
            pytest.fail("pdftotext (poppler-utils) is required in CI")
        pytest.skip("pdftotext (poppler-utils) is not installed")
    path = tmp_path / "doc.pdf"
    path.write_bytes(pdf)
    return subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(path), "-"], check=True, capture_output=True, text=True
    ).stdout


def _arabic_document() -> bytes:
    doc = Document(title=ARABIC_TITLE, language="ar", subtitle="مركز التدريب")
    doc.paragraph(f"يشهد المركز بأن {ARABIC_NAME} (Maria Santos) حضرت الدورة.")
    doc.rows([("الاسم", ARABIC_NAME), ("الرقم", "CERT-2026-0042")])
    doc.table(["الجهة", "العدد"], [["الشرطة", "12"], ["EPC", "3"]], numeric=[1])
    doc.qr("https://himaya.example/verify/abc", caption="امسح للتحقق")
    return doc.render()


def test_it_recognises_right_to_left_languages():
    assert is_rtl("ar") and is_rtl("ar-BH")
    assert not is_rtl("en") and not is_rtl("fr")


def test_it_renders_an_arabic_document_with_arabic_and_latin_glyphs_embedded():
    pdf = _arabic_document()
    assert pdf.startswith(b"%PDF-")
    assert b"/Lang (ar)" in pdf
    assert re.search(rb"/BaseFont /[A-Z]{6}\+NotoSansArabic", pdf)
    assert re.search(rb"/BaseFont /[A-Z]{6}\+NotoSans\s", pdf)  # the Latin fallback for "Maria Santos"
    chars = _mapped_characters(pdf)
    for needed in set(ARABIC_NAME + "MariaSntos012346") - {" "}:
        assert needed in chars, needed


def test_it_puts_the_document_title_in_the_metadata():
    pdf = Document(title="Annual summary", language="en").render()
    assert b"/Title (Annual summary)" in pdf or b"Annual summary" in pdf.replace(b"\x00", b"")


def test_it_extracts_arabic_text_in_reading_order(tmp_path):
    text = _pdftotext(_arabic_document(), tmp_path)
    # pdftotext wraps RTL runs in directional marks; compare the letters.
    plain = re.sub("[\u200e\u200f\u202a-\u202e]", "", text)
    assert ARABIC_NAME in plain
    assert "مركز التدريب" in plain
    assert "Maria Santos" in plain
    assert "CERT-2026-0042" in plain


def test_it_extracts_english_text_with_an_arabic_name(tmp_path):
    doc = Document(title="Certificate of attendance", language="en")
    doc.paragraph(f"This certifies that {ARABIC_NAME} attended.")
    doc.rows([("Course", "Identifying victims of trafficking")])
    text = re.sub("[\u200e\u200f\u202a-\u202e]", "", _pdftotext(doc.render(), tmp_path))
    assert "Certificate of attendance" in text
    assert "Identifying victims of trafficking" in text
    assert ARABIC_NAME in text


def test_it_embeds_a_qr_code_image():
    pdf = _arabic_document()
    assert b"/Subtype /Image" in pdf


def test_it_reads_back_an_attachment_without_a_pdf_library():
    doc = Document(title="x", language="en")
    payload = b'{"id": "C-1", "name": "(Maria) \\\\ Santos"}'
    doc.attach("payload.json", payload, description="signed payload")
    pdf = doc.render()
    assert embedded_file(pdf, "payload.json") == payload
    assert embedded_file(pdf, "other.json") is None
    assert embedded_file(b"not a pdf", "payload.json") is None


def test_it_wraps_a_long_table_onto_a_second_page():
    doc = Document(title="Long", language="en")
    doc.table(["Agency", "Trained"], [[f"Agency {i}", str(i)] for i in range(120)], numeric=[1])
    assert doc.pdf.page_no() >= 2


def test_it_draws_a_bar_chart_with_shaped_labels(tmp_path):
    doc = Document(title="Chart", language="ar")
    doc.bars(["الشرطة", "EPC"], [3, 5], value_format=lambda v: f"{v:.0f}%")
    pdf = doc.render()
    text = re.sub("[\u200e\u200f\u202a-\u202e]", "", _pdftotext(pdf, tmp_path))
    assert "الشرطة" in text and "5%" in text


def test_it_refuses_a_chart_with_a_value_missing():
    with pytest.raises(ValueError):
        Document(title="Chart", language="en").bars(["a", "b"], [1])


def _sample(language: str, name: str) -> bytes:
    import datetime as dt

    doc = Document(
        title=ARABIC_TITLE if language == "ar" else "Certificate of attendance",
        language=language,
        creation_date=dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
    )
    doc.paragraph(name, size=18, bold=True)
    doc.rows([("Level / المستوى", "Practitioner"), ("Number", "HTC-2026-000001")])
    doc.table(["Agency", "الجهة"], [["EPC", "١٢"]])
    return doc.render()


def test_the_cached_fonts_embed_exactly_what_fpdf_loading_each_font_embeds(monkeypatch):
    """Fonts are parsed once per process; every document must still get its own, complete subset:
    byte for byte what loading the font files afresh for that document gives."""
    from himaya.core import pdf as module

    # A first document warms the caches and uses glyphs the next one does not: none may leak.
    _sample("en", "Dmitri Ωμέγα " + ARABIC_NAME)
    cached = [_sample("ar", ARABIC_NAME), _sample("en", "Alice Smith")]

    def fresh(pdf, family, style):
        pdf.add_font(family, style, str(module.FONT_DIR / module._FONT_FILES[(family, style)]))

    monkeypatch.setattr(module, "_add_font", fresh)
    assert cached == [_sample("ar", ARABIC_NAME), _sample("en", "Alice Smith")]
