"""People the NRM protects: possible and confirmed victims.

Every identifying value is encrypted at rest; document number and phone are searchable only
through keyed blind indexes. Sex/gender and nationality stay in clear because statistics
aggregate them and neither identifies a person on its own.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from himaya.core.fields import BlindIndexField, EncryptedDateField, EncryptedTextField


class Gender(models.TextChoices):
    # HTCDS v2.0 prs_Gender values.
    FEMININE = "Feminine", _("Female")
    MASCULINE = "Masculine", _("Male")
    TRANSGENDER_FEMININE = "TransgenderFeminine", _("Transgender female")
    TRANSGENDER_MASCULINE = "TransgenderMasculine", _("Transgender male")
    NON_CONFORMING = "NonConforming", _("Gender non-conforming")
    UNKNOWN = "NonSpecifiedUnknown", _("Not specified / unknown")


class Person(models.Model):
    owner_agency = models.ForeignKey(
        "agencies.Agency", verbose_name=_("owning agency"), on_delete=models.PROTECT, related_name="people"
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    given_name_latin = EncryptedTextField(_("given name (Latin script)"), blank=True, max_chars=120)
    family_name_latin = EncryptedTextField(_("family name (Latin script)"), blank=True, max_chars=120)
    full_name_arabic = EncryptedTextField(_("full name (Arabic script)"), blank=True, max_chars=200)
    date_of_birth = EncryptedDateField(_("date of birth"), blank=True, null=True)
    gender = models.CharField(_("sex / gender"), max_length=24, choices=Gender.choices, default=Gender.UNKNOWN)
    nationality = models.CharField(_("nationality (ISO 3166)"), max_length=2, blank=True)
    document_number = EncryptedTextField(_("identity document number"), blank=True, max_chars=40)
    document_number_index = BlindIndexField(source="document_number", normaliser="document")
    phone = EncryptedTextField(_("phone"), blank=True, max_chars=32)
    phone_index = BlindIndexField(source="phone", normaliser="phone")

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("person")
        verbose_name_plural = _("people")

    def __str__(self) -> str:
        return f"P-{self.pk:06d}" if self.pk else "P-new"

    @property
    def reference(self) -> str:
        return str(self)

    @property
    def display_name(self) -> str:
        latin = " ".join(p for p in [self.given_name_latin, self.family_name_latin] if p)
        return " / ".join(p for p in [self.full_name_arabic, latin] if p) or self.reference

    # Field names that hold personal values (audit events list the names, never the values).
    PERSONAL_FIELDS = (
        "given_name_latin",
        "family_name_latin",
        "full_name_arabic",
        "date_of_birth",
        "document_number",
        "phone",
    )
