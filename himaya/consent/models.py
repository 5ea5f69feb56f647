"""Consent per purpose and recipient (HTCDS con_Consent), recorded with who explained it and how.

The access policy reads these records: a share that needs consent is refused without it, and a
withdrawal revokes the recipient's access from the next request.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Purpose(models.TextChoices):
    REFERRAL_TO_SERVICES = "referral_services", _("Referral to services")
    SHARE_LAW_ENFORCEMENT = "share_law_enforcement", _("Sharing with police and prosecution")
    SHARE_EMBASSY = "share_embassy", _("Sharing with the embassy")
    ANONYMISED_STATISTICS = "anonymised_statistics", _("Use in anonymised statistics")
    DATA_RETENTION = "data_retention", _("Keeping the data for the retention period")


class Consent(models.Model):
    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="consents")
    case = models.ForeignKey("cases.Case", null=True, blank=True, on_delete=models.CASCADE, related_name="consents")
    purpose = models.CharField(_("purpose"), max_length=32, choices=Purpose.choices)
    # Blank recipient: any agency the purpose covers (e.g. all service providers).
    recipient_agency = models.ForeignKey(
        "agencies.Agency", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    given = models.BooleanField(_("consent given"))
    explained_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    language = models.CharField(_("language of the explanation (ISO 639)"), max_length=3)
    interpreter_used = models.BooleanField(_("through an interpreter"), default=False)
    recorded_at = models.DateTimeField()
    retention_until = models.DateField(_("keep data until"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-recorded_at"]
        indexes = [
            models.Index(fields=["person", "purpose"], name="consent_person_purpose_idx"),
            # The embassy rule's probe, one per row an embassy's page reads (consent/rules.py).
            models.Index(
                fields=["person", "recipient_agency"],
                condition=models.Q(purpose=Purpose.SHARE_EMBASSY, given=True, withdrawn_at__isnull=True),
                name="consent_embassy_share_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person_id}:{self.purpose}:{'yes' if self.given else 'no'}"

    @property
    def is_active(self) -> bool:
        return self.given and self.withdrawn_at is None
