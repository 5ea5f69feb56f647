"""Saved indicator screenings of a case: what was ticked, what the engine said, and which
catalogue and rule-set versions said it (so a later correction of the data never rewrites history).

The outcome is decision support: the competent authority decides.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from himaya.core.fields import EncryptedTextField


class Outcome(models.TextChoices):
    VICTIM = "victim", _("Indicators point to a possible victim of trafficking")
    EXPLOITED_NO_MEANS = "exploited_no_means", _("Exploitation without the other elements (labour grievance)")
    NOT_INDICATED = "not_indicated", _("Not indicated")


class Screening(models.Model):
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="screenings")
    profile = models.CharField(_("profile"), max_length=32)
    # Indicator codes (e.g. "DR01,EX03"), comma-separated, in the order ticked.
    indicators = models.CharField(_("indicators"), max_length=1000, blank=True)
    # ILO forced-labour indicator codes (FL01…FL11) flagged in the quick check.
    forced_labour = models.CharField(_("forced-labour indicators"), max_length=200, blank=True)
    outcome = models.CharField(_("outcome"), max_length=32, choices=Outcome.choices)
    # {"DR": {"strong": 1, "medium": 0, "weak": 0, "positive": false}, ...}
    dimensions = models.JSONField(_("dimension tallies"), default=dict)
    catalogue_version = models.CharField(_("catalogue version"), max_length=40)
    rule_set_version = models.CharField(_("rule set version"), max_length=40)
    performed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    performed_at = models.DateTimeField(_("performed at"), db_index=True)
    note = EncryptedTextField(_("note"), blank=True, max_chars=5000)

    class Meta:
        ordering = ["-performed_at", "-pk"]
        verbose_name = _("screening")
        verbose_name_plural = _("screenings")

    def __str__(self) -> str:
        return f"S-{self.pk:06d}" if self.pk else "S-new"

    @property
    def reference(self) -> str:
        return str(self)

    @property
    def owner_agency_id(self) -> int | None:
        # The audit chain files events under the owning agency of the case.
        return self.case.owner_agency_id if self.case_id else None

    @property
    def indicator_list(self) -> list[str]:
        return [i for i in self.indicators.split(",") if i]

    @property
    def forced_labour_list(self) -> list[str]:
        return [i for i in self.forced_labour.split(",") if i]
