"""Agencies that take part in the national referral mechanism."""

from __future__ import annotations

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class AgencyType(models.TextChoices):
    LABOUR_REGULATOR = "labour_regulator", _("Labour market regulator")
    PROTECTION_CENTRE = "protection_centre", _("Expatriate workers protection centre")
    POLICE = "police", _("Police / anti-trafficking unit")
    PROSECUTION = "prosecution", _("Public prosecution")
    IMMIGRATION = "immigration", _("Immigration / interior")
    HEALTH = "health", _("Health")
    SOCIAL_DEVELOPMENT = "social_development", _("Social development")
    SHELTER_OPERATOR = "shelter_operator", _("Shelter operator")
    NGO = "ngo", _("Non-governmental organisation")
    EMBASSY = "embassy", _("Embassy")
    INTERNATIONAL_ORG = "international_org", _("International organisation")
    PARTNER_NRM = "partner_nrm", _("Partner-country NRM")


class ServiceType(models.TextChoices):
    SHELTER = "shelter", _("Shelter")
    MEDICAL = "medical", _("Medical care")
    PSYCHOSOCIAL = "psychosocial", _("Psychosocial support")
    LEGAL_AID = "legal_aid", _("Legal aid")
    INTERPRETATION = "interpretation", _("Interpretation")
    INVESTIGATION = "investigation", _("Investigation")
    TRAVEL_DOCUMENTS = "travel_documents", _("Travel documents")
    REPATRIATION = "repatriation", _("Repatriation assistance")
    EMPLOYMENT_TRANSFER = "employment_transfer", _("Employment transfer")
    OTHER = "other", _("Other")


class Agency(models.Model):
    code = models.SlugField(_("code"), max_length=40, unique=True)
    name_ar = models.CharField(_("name (Arabic)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)
    type = models.CharField(_("type"), max_length=32, choices=AgencyType.choices)
    parent = models.ForeignKey(
        "self", verbose_name=_("part of"), null=True, blank=True, on_delete=models.PROTECT, related_name="units"
    )
    # Embassies: the country they represent. Partner NRMs: the partner country. Others: blank.
    country = models.CharField(_("country (ISO 3166)"), max_length=2, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    address_ar = models.CharField(_("address (Arabic)"), max_length=300, blank=True)
    address_en = models.CharField(_("address (English)"), max_length=300, blank=True)
    website = models.URLField(_("website"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name_en"]
        verbose_name = _("agency")
        verbose_name_plural = _("agencies")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(type="embassy") | ~models.Q(country=""),
                name="agency_embassy_has_country",
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return self.name_ar if (get_language() or "ar").startswith("ar") else self.name_en

    @property
    def address(self) -> str:
        return self.address_ar if (get_language() or "ar").startswith("ar") else self.address_en


class AgencyService(models.Model):
    """A service an agency offers; referrals are matched against these."""

    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="services")
    service_type = models.CharField(_("service"), max_length=32, choices=ServiceType.choices)
    languages = models.CharField(
        _("languages (ISO 639, comma-separated)"), max_length=200, blank=True, help_text=_("e.g. ar,en,hi,ur")
    )
    capacity_note = models.CharField(_("capacity"), max_length=200, blank=True)
    opening_hours = models.CharField(_("opening hours"), max_length=200, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["agency_id", "service_type"]
        constraints = [models.UniqueConstraint(fields=["agency", "service_type"], name="agency_service_unique")]

    def __str__(self) -> str:
        return f"{self.agency} · {self.get_service_type_display()}"

    @property
    def language_codes(self) -> list[str]:
        return [c.strip() for c in self.languages.split(",") if c.strip()]
