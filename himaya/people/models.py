"""People the NRM protects: possible and confirmed victims.

Every identifying value is encrypted at rest; document number and phone are searchable only
through keyed blind indexes. Sex/gender and nationality stay in clear because statistics
aggregate them and neither identifies a person on its own.
"""

from __future__ import annotations

import datetime as dt

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

    # Extended identity (issue 3 §1). `nationality` stays the primary one; `nationalities` lists
    # every nationality (ISO 3166 alpha-2, comma-separated, primary first).
    nationalities = models.CharField(_("nationalities (ISO 3166)"), max_length=60, blank=True)
    primary_language = models.CharField(_("primary language (ISO 639)"), max_length=3, blank=True)
    other_languages = models.CharField(_("other languages (ISO 639)"), max_length=60, blank=True)
    # When the date of birth is not known: an estimated year of birth (encrypted, it narrows who
    # the person is) and whether it is an estimate.
    birth_year = EncryptedTextField(_("year of birth"), blank=True, max_chars=4)
    birth_year_estimated = models.BooleanField(_("year of birth is an estimate"), default=False)
    guardian_name = EncryptedTextField(_("guardian or representative"), blank=True, max_chars=200)
    guardian_contact = EncryptedTextField(_("guardian's contact"), blank=True, max_chars=200)
    best_interest_note = EncryptedTextField(_("best-interest note"), blank=True, max_chars=5000)
    address = EncryptedTextField(_("contact address"), blank=True, max_chars=500)
    # Exact-name search: one index per script, so cross-script resolution can be added later.
    name_latin_index = BlindIndexField(source="full_name_latin", normaliser="text")
    name_arabic_index = BlindIndexField(source="full_name_arabic", normaliser="text")
    # The nationality while the person has an active consent to share with an embassy, else '':
    # the embassy rule's indexed pre-filter, kept in step by himaya.consent.sharing. The rule still
    # checks the nationality and the consent itself, so a stale value can only hide a person.
    embassy_share_country = models.CharField(max_length=2, blank=True, default="", editable=False)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("person")
        verbose_name_plural = _("people")
        # The people list, newest first: an agency's own (most staff), and anyone's for scopes that
        # are a union (an embassy's own agency or its consenting nationals). Without them the list
        # sorted every visible person (0.35-0.9 s with 900,000 people loaded).
        indexes = [
            models.Index(fields=["owner_agency", "-created_at", "-id"], name="person_agency_newest_idx"),
            models.Index(fields=["-created_at", "-id"], name="person_newest_idx"),
            # An embassy's consenting nationals, newest first (and counted) without reading everyone.
            models.Index(
                fields=["embassy_share_country", "-created_at", "-id"],
                name="person_embassy_newest_idx",
                condition=~models.Q(embassy_share_country=""),
            ),
        ]

    def __str__(self) -> str:
        return f"P-{self.pk:06d}" if self.pk else "P-new"

    @property
    def reference(self) -> str:
        return str(self)

    @property
    def full_name_latin(self) -> str:
        return " ".join(p for p in [self.given_name_latin, self.family_name_latin] if p)

    @property
    def nationality_list(self) -> list[str]:
        codes = [c for c in (self.nationalities or "").split(",") if c]
        if self.nationality and self.nationality not in codes:
            codes.insert(0, self.nationality)
        return codes

    @property
    def other_language_list(self) -> list[str]:
        return [c for c in (self.other_languages or "").split(",") if c]

    def age_on(self, on: dt.date) -> int | None:
        """Age in whole years on `on` (from the date of birth, else the estimated year of birth)."""
        if self.date_of_birth:
            dob = self.date_of_birth
            return on.year - dob.year - ((on.month, on.day) < (dob.month, dob.day))
        if self.birth_year:
            # With only a year, assume the birthday has passed (the youngest the person can be).
            return on.year - int(self.birth_year) - 1 if int(self.birth_year) < on.year else 0
        return None

    def is_minor(self, on: dt.date | None = None) -> bool:
        """Under 18 on `on` (default today). Unknown age is not a minor; an estimate counts."""
        from django.utils import timezone

        age = self.age_on(on or timezone.localdate())
        return age is not None and age < 18

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
        "birth_year",
        "guardian_name",
        "guardian_contact",
        "best_interest_note",
        "address",
        "aliases",
        "documents",
    )


class PersonAlias(models.Model):
    """Another name a person is known by (spelling, former name, name in another script)."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="aliases")
    name = EncryptedTextField(_("name"), max_chars=200)
    name_index = BlindIndexField(source="name", normaliser="text")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("alias")
        verbose_name_plural = _("aliases")

    def __str__(self) -> str:
        return f"{self.person_id}:alias:{self.pk}"


class DocumentType(models.TextChoices):
    PASSPORT = "passport", _("Passport")
    NATIONAL_ID = "national_id", _("National identity card")
    WORK_PERMIT = "work_permit", _("Work or residence permit")
    OTHER = "other", _("Other document")


class IdentityDocument(models.Model):
    """An identity document; its number shares the "document" index domain with Person.document_number."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="documents")
    type = models.CharField(_("document type"), max_length=16, choices=DocumentType.choices)
    number = EncryptedTextField(_("document number"), max_chars=40)
    number_index = BlindIndexField(source="number", normaliser="document")
    issuing_country = models.CharField(_("issuing country (ISO 3166)"), max_length=2, blank=True)
    expires_on = models.DateField(_("expires on"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("identity document")
        verbose_name_plural = _("identity documents")

    def __str__(self) -> str:
        return f"{self.person_id}:{self.type}:{self.pk}"
