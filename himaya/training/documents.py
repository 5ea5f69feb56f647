"""PDF documents of the training centre: the signed certificate and the annual coverage summary."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import override

from himaya.core.pdf import Document
from himaya.training import signing
from himaya.training.models import Certificate, Level

CENTRE_NAME = {
    "ar": "المركز الإقليمي للتدريب وبناء القدرات في مجال مكافحة الاتجار بالأشخاص",
    "en": "Regional Centre for Training and Capacity Building in Combating Trafficking in Persons",
}


def certificate_pdf(certificate: Certificate, *, language: str) -> bytes:
    """The certificate in Arabic or English, with its QR code and the signed payload embedded.

    The visible text is made from the same signed payload that is embedded, so what a reader sees
    is what `himaya certificate verify` checks.
    """
    import json

    language = "ar" if language.startswith("ar") else "en"
    payload = json.loads(certificate.payload)
    with override(language):
        doc = Document(
            title=_("Certificate of completion"),
            subtitle=CENTRE_NAME[language],
            language=language,
            landscape=False,
            creation_date=dt.datetime.combine(certificate.issued_on, dt.time(), tzinfo=dt.UTC),
        )
        doc.spacer(6)
        doc.paragraph(_("This is to certify that"), centred=True)
        doc.paragraph(payload["holder"], centred=True, size=18, bold=True)
        doc.paragraph(_("has completed the course"), centred=True)
        course_title = payload["course_ar"] if language == "ar" else payload["course_en"]
        doc.paragraph(course_title, centred=True, size=15, bold=True)
        level = Level(certificate.course.level).label
        doc.spacer(4)
        doc.rows(
            [
                (_("Level"), str(level)),
                (_("Certificate number"), payload["number"]),
                (_("Issued on"), payload["issued_on"]),
                (_("Valid until"), payload["expires_on"]),
            ]
        )
        doc.spacer(2)
        doc.qr(payload["verify_url"], caption=_("Scan to check this certificate: valid, expired or revoked."))
        doc.paragraph(
            _(
                "This certificate is signed electronically (Ed25519, key %(key)s). Anyone with the "
                "centre's public key can check it offline with the command:"
            )
            % {"key": payload["key_id"]},
            size=8,
            centred=True,
        )
        doc.paragraph("himaya certificate verify <file.pdf>", size=8, centred=True)
        doc.attach(
            signing.ATTACHMENT,
            signing.envelope(certificate.payload, certificate.signature),
            description="Signed certificate data (Ed25519)",
        )
        return doc.render()


def annual_summary_pdf(figures: dict[str, Any], *, year: int, language: str) -> bytes:
    """The year's coverage summary (the dashboard's figures) with tables and bar charts."""
    language = "ar" if language.startswith("ar") else "en"
    with override(language):
        doc = Document(
            title=_("Training and capacity building: annual summary %(year)d") % {"year": year},
            subtitle=CENTRE_NAME[language],
            language=language,
        )
        totals = figures["totals"]
        doc.rows(
            [
                (_("Sessions delivered"), str(totals["sessions_delivered"])),
                (_("Participants certified"), str(totals["certified"])),
                (_("Certified trainers"), str(totals["trainers"])),
                (_("Certificates expiring in 90 days"), str(totals["expiring"])),
            ]
        )
        doc.heading(_("Front-line staff trained, by agency"))
        agencies = figures["agencies"]
        doc.bars(
            [row["agency"] for row in agencies],
            [row["percent"] for row in agencies],
            maximum=100,
            value_format=lambda v: f"{v:.0f}%",
        )
        doc.table(
            [_("Agency"), _("Front-line staff"), _("Trained"), _("Share")],
            [[r["agency"], str(r["staff"]), str(r["trained"]), f"{r['percent']}%"] for r in agencies],
            widths=[3, 1, 1, 1],
            numeric=[1, 2, 3],
        )
        doc.heading(_("Front-line staff trained, by role"))
        doc.table(
            [_("Role"), _("Front-line staff"), _("Trained"), _("Share")],
            [[r["role"], str(r["staff"]), str(r["trained"]), f"{r['percent']}%"] for r in figures["roles"]],
            widths=[3, 1, 1, 1],
            numeric=[1, 2, 3],
        )
        doc.heading(_("Trainer pool, by agency and country"))
        doc.table(
            [_("Agency"), _("Country"), _("Certified trainers")],
            [[r["agency"], r["country"], str(r["trainers"])] for r in figures["trainers"]],
            widths=[3, 1, 1],
            numeric=[2],
        )
        doc.heading(_("Score gain per course (post-test minus pre-test)"))
        doc.table(
            [_("Course"), _("Sessions"), _("Pre-test"), _("Post-test"), _("Gain")],
            [
                [r["course"], str(r["sessions"]), _pct(r["pre"]), _pct(r["post"]), _gain(r["gain"])]
                for r in figures["courses"]
            ],
            widths=[3, 1, 1, 1, 1],
            numeric=[1, 2, 3, 4],
        )
        doc.heading(_("Participants' evaluations per course"))
        doc.table(
            [_("Course"), _("Responses"), _("Overall rating (1 to 5)"), _("Relevance (1 to 5)")],
            [
                [r["course"], str(r["evaluations"]), _rating(r["rating"]), _rating(r["relevance"])]
                for r in figures["courses"]
            ],
            widths=[3, 1, 1, 1],
            numeric=[1, 2, 3],
        )
        return doc.render()


def _rating(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}"


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value:.0f}%"


def _gain(value: float | None) -> str:
    return "—" if value is None else f"{value:+.0f}"
