"""The printable discharge summary (PDF, Arabic or English, shaped by HarfBuzz via core.pdf)."""

from __future__ import annotations

from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, override

from himaya.core.pdf import Document
from himaya.referrals import minimisation
from himaya.shelters.models import Stay


def discharge_summary(stay: Stay, *, language: str) -> bytes:
    """The discharge summary of an ended stay: who, where, how long, why and where to; the fields
    a shelter sees of the person (the shelter minimisation), never the case file."""
    with override(language):
        doc = Document(
            title=_("Discharge summary"),
            subtitle=f"{stay.shelter.name} · {stay.reference}",
            language=language,
        )
        rows = minimisation.person_rows(case=stay.case, person=stay.person, fields=minimisation.fields_for("shelter"))
        doc.heading(_("The resident"))
        doc.rows([(label, str(value or "—")) for label, value in rows])
        doc.heading(_("Stay"))

        def when(value: object) -> str:
            return formats.date_format(timezone.localtime(value), "DATETIME_FORMAT") if value else "—"  # type: ignore[arg-type]

        doc.rows(
            [
                (_("Shelter"), stay.shelter.name),
                (_("Case"), stay.case.reference),
                (_("Referral"), stay.referral.reference),
                (_("Admitted"), when(stay.admitted_at)),
                (_("Emergency admission"), _("Yes") if stay.is_emergency else _("No")),
                (_("Left"), when(stay.ended_at)),
                (_("Length of stay"), ngettext("%(days)d day", "%(days)d days", stay.days) % {"days": stay.days}),
                (_("Reason for leaving"), stay.get_discharge_reason_display() or "—"),
                (_("Destination"), stay.get_destination_display() or "—"),
            ]
        )
        absences = list(stay.absences.all())
        if absences:
            doc.heading(_("Absences"))
            doc.table(
                [_("Reason"), _("Left"), _("Came back")],
                [[a.get_reason_display(), when(a.left_at), when(a.returned_at)] for a in absences],
            )
        if stay.discharge_note:
            doc.heading(_("Note"))
            doc.paragraph(stay.discharge_note)
        doc.paragraph(
            _("Printed %(when)s. Confidential: personal data of a person under protection.")
            % {"when": when(timezone.now())},
            size=9,
        )
        return doc.render()
