"""The certificate and annual summary PDFs carry their text in both languages."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest

from himaya.training import documents, selectors, services
from himaya.training.testing import complete, start_session


@pytest.fixture
def certificate(centre):
    c = centre.cast
    nomination = services.nomination_create(actor=c.dora, session=centre.session, participant=c.alice)
    start_session(centre.session)
    nomination.refresh_from_db()
    complete(officer=c.tina, trainer=c.trent, nomination=nomination)
    return services.certificate_issue(actor=c.tina, nomination=nomination)


def _text(pdf: bytes, tmp_path) -> str:
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    path = tmp_path / "doc.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(["pdftotext", str(path), "-"], check=True, capture_output=True, text=True).stdout
    return re.sub("[\u200e\u200f\u202a-\u202e]", "", out)


@pytest.mark.parametrize("language", ["ar", "en"])
def test_the_certificate_pdf_reads_in_its_language(certificate, tmp_path, language):
    pdf = documents.certificate_pdf(certificate, language=language)
    text = _text(pdf, tmp_path)
    assert "Alice" in text and certificate.number in text
    assert certificate.expires_on.isoformat() in text
    title = certificate.course.title_ar if language == "ar" else certificate.course.title_en
    assert title.split()[0] in text


def test_the_annual_summary_pdf_lists_the_coverage(certificate, tmp_path):
    figures = selectors.coverage(actor=certificate.issued_by)
    text = _text(documents.annual_summary_pdf(figures, year=figures["year"], language="en"), tmp_path)
    assert "Expatriate Workers Protection Centre" in text
    assert "Sessions delivered" in text
