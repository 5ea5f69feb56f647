"""Intake drafts (the six-step wizard) and encrypted case attachments.

A draft holds what the first responder has typed so far as encrypted JSON: drafts are personal
data, and nothing is lost when the browser closes. Attachment contents are AES-GCM encrypted
files on disk; only metadata needed to serve them (type, size, digest) stays in clear.
"""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from himaya.core.fields import EncryptedTextField

STEPS = 6


class IntakeDraft(models.Model):
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="intake_drafts")
    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="intake_drafts")
    current_step = models.PositiveSmallIntegerField(_("current step"), default=1)
    data = EncryptedTextField(_("draft data"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_case = models.ForeignKey(
        "cases.Case", null=True, blank=True, on_delete=models.PROTECT, related_name="intake_drafts"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)

    PERSONAL_FIELDS = ("data",)

    class Meta:
        ordering = ["-updated_at", "-pk"]
        verbose_name = _("intake draft")
        verbose_name_plural = _("intake drafts")

    def __str__(self) -> str:
        return f"D-{self.pk:06d}" if self.pk else "D-new"

    @property
    def reference(self) -> str:
        return str(self)

    @property
    def owner_agency_id(self) -> int:
        return self.agency_id

    @property
    def steps(self) -> dict[str, Any]:
        if not self.data:
            return {}
        loaded = json.loads(self.data)
        return loaded if isinstance(loaded, dict) else {}

    def step_data(self, step: int) -> dict[str, Any] | None:
        value = self.steps.get(str(step))
        return value if isinstance(value, dict) else None


class Attachment(models.Model):
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="attachments")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    original_name = EncryptedTextField(_("file name"), max_chars=255)
    content_type = models.CharField(_("content type"), max_length=40)
    size = models.PositiveIntegerField(_("size in bytes"))
    sha256 = models.CharField(_("SHA-256 of the stored (cleaned) content"), max_length=64)
    storage_name = models.CharField(max_length=80, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    PERSONAL_FIELDS = ("original_name", "content")

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return f"A-{self.pk:06d}" if self.pk else "A-new"

    @property
    def owner_agency_id(self) -> int:
        return self.case.owner_agency_id
