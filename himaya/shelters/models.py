"""Shelters, their rooms and beds, and the stays of the people they shelter.

No double booking is a database fact, not a convention: a partial unique index allows one open
stay per bed and one open stay per person (SQLite and PostgreSQL both enforce partial indexes).
The services also lock the bed row on PostgreSQL, so the loser of a race is told the bed is gone
before it even tries to insert. Free text about a resident is encrypted; codes stay in clear for
the occupancy statistics.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from himaya.core.fields import EncryptedTextField


class Group(models.TextChoices):
    """Who a room is for: capacity is counted per group."""

    WOMEN = "women", _("Women")
    MEN = "men", _("Men")
    CHILDREN_WITH_CARER = "children_with_carer", _("Children with a carer")
    BOYS = "boys", _("Boys (unaccompanied)")
    GIRLS = "girls", _("Girls (unaccompanied)")


CHILD_GROUPS = (Group.CHILDREN_WITH_CARER, Group.BOYS, Group.GIRLS)


class Accessibility(models.TextChoices):
    WHEELCHAIR = "wheelchair", _("Wheelchair accessible")
    STEP_FREE = "step_free", _("Step-free entrance")
    ACCESSIBLE_BATHROOM = "accessible_bathroom", _("Accessible bathroom")
    GROUND_FLOOR_ROOMS = "ground_floor_rooms", _("Ground-floor rooms")
    MEDICAL_ROOM = "medical_room", _("Medical room on site")
    SIGN_LANGUAGE = "sign_language", _("Staff who sign")


class Shelter(models.Model):
    operator = models.ForeignKey(
        "agencies.Agency", verbose_name=_("operator"), on_delete=models.PROTECT, related_name="shelters"
    )
    code = models.SlugField(_("code"), max_length=40, unique=True)
    name_ar = models.CharField(_("name (Arabic)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)
    address_ar = models.CharField(_("address (Arabic)"), max_length=300, blank=True)
    address_en = models.CharField(_("address (English)"), max_length=300, blank=True)
    # Accessibility codes (Accessibility values), comma-separated.
    accessibility = models.CharField(_("accessibility"), max_length=200, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name_en", "pk"]
        verbose_name = _("shelter")
        verbose_name_plural = _("shelters")

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return self.name_ar if (get_language() or "ar").startswith("ar") else self.name_en

    @property
    def address(self) -> str:
        return self.address_ar if (get_language() or "ar").startswith("ar") else self.address_en

    @property
    def accessibility_codes(self) -> list[str]:
        return [c for c in self.accessibility.split(",") if c]

    @property
    def accessibility_labels(self) -> list[str]:
        return [str(Accessibility(c).label) for c in self.accessibility_codes if c in Accessibility.values]


class Room(models.Model):
    shelter = models.ForeignKey(Shelter, on_delete=models.CASCADE, related_name="rooms")
    name = models.CharField(_("room"), max_length=60)
    group = models.CharField(_("for"), max_length=24, choices=Group.choices)
    # Accessibility codes (Accessibility values) of this room, comma-separated.
    accessibility = models.CharField(_("accessibility"), max_length=200, blank=True)

    class Meta:
        ordering = ["shelter_id", "name"]
        verbose_name = _("room")
        verbose_name_plural = _("rooms")
        constraints = [models.UniqueConstraint(fields=["shelter", "name"], name="room_name_unique_in_shelter")]

    def __str__(self) -> str:
        return self.name

    @property
    def accessibility_codes(self) -> list[str]:
        return [c for c in self.accessibility.split(",") if c]

    @property
    def accessibility_labels(self) -> list[str]:
        return [str(Accessibility(c).label) for c in self.accessibility_codes if c in Accessibility.values]


class BedQuerySet(models.QuerySet["Bed"]):
    def in_service(self) -> BedQuerySet:
        """Beds not retired (a retired bed keeps its history but is no longer counted or booked)."""
        return self.filter(retired_at__isnull=True)


class Bed(models.Model):
    room = models.ForeignKey(Room, on_delete=models.CASCADE, related_name="beds")
    # Denormalised from the room so occupancy queries need no join.
    shelter = models.ForeignKey(Shelter, on_delete=models.CASCADE, related_name="beds")
    label = models.CharField(_("bed"), max_length=20)
    # Closed for maintenance (the open BedClosure says why and since when).
    is_closed = models.BooleanField(_("closed"), default=False)
    # Retired: taken out of the shelter for good (capacity reduced); never while someone sleeps in it.
    retired_at = models.DateTimeField(_("retired"), null=True, blank=True)
    retired_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    objects = BedQuerySet.as_manager()

    class Meta:
        ordering = ["shelter_id", "room__name", "label"]
        verbose_name = _("bed")
        verbose_name_plural = _("beds")
        constraints = [
            # Labels are unique among the room's beds in service (a retired bed's label may be reused).
            models.UniqueConstraint(
                fields=["room", "label"], condition=Q(retired_at__isnull=True), name="bed_label_unique_in_room"
            )
        ]
        indexes = [models.Index(fields=["shelter", "is_closed"], name="bed_shelter_closed_idx")]

    def __str__(self) -> str:
        return f"{self.room.name} · {self.label}"


class BedClosure(models.Model):
    """A bed closed for maintenance, with the reason; reopened later."""

    bed = models.ForeignKey(Bed, on_delete=models.CASCADE, related_name="closures")
    reason = models.CharField(_("reason"), max_length=200)
    closed_at = models.DateTimeField()
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reopened_at = models.DateTimeField(null=True, blank=True)
    reopened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-closed_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["bed"], condition=Q(reopened_at__isnull=True), name="bed_one_open_closure")
        ]

    def __str__(self) -> str:
        return f"{self.bed_id}:{self.reason}"


class DischargeReason(models.TextChoices):
    VOLUNTARY_RETURN = "voluntary_return", _("Voluntary return to the country of origin")
    NEW_EMPLOYER = "new_employer", _("Transfer to a new employer")
    LOCAL_INTEGRATION = "local_integration", _("Local integration")
    FAMILY = "family", _("Reunited with family")
    OTHER_ACCOMMODATION = "other_accommodation", _("Moved to other accommodation")
    LEFT_VOLUNTARILY = "left_voluntarily", _("Left of their own choice")
    BREACH_OF_RULES = "breach_of_rules", _("Asked to leave (breach of house rules)")
    OTHER = "other", _("Other")


class Destination(models.TextChoices):
    COUNTRY_OF_ORIGIN = "country_of_origin", _("Country of origin")
    EMPLOYER_ACCOMMODATION = "employer_accommodation", _("Employer's accommodation")
    FAMILY_OR_FRIENDS = "family_or_friends", _("Family or friends")
    INDEPENDENT = "independent", _("Independent housing")
    HOSPITAL = "hospital", _("Hospital or care facility")
    DETENTION = "detention", _("Police or immigration custody")
    UNKNOWN = "unknown", _("Not known")
    OTHER = "other", _("Other")


class EndKind(models.TextChoices):
    DISCHARGE = "discharge", _("Discharged")
    TRANSFER = "transfer", _("Moved to another bed or shelter")


class Stay(models.Model):
    """One person in one bed, from admission until discharge or transfer (ended_at is null while open)."""

    shelter = models.ForeignKey(Shelter, on_delete=models.PROTECT, related_name="stays")
    bed = models.ForeignKey(Bed, on_delete=models.PROTECT, related_name="stays")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="stays")
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="stays")
    referral = models.ForeignKey("referrals.Referral", on_delete=models.PROTECT, related_name="stays")
    group = models.CharField(_("group"), max_length=24, choices=Group.choices)
    admitted_at = models.DateTimeField(_("admitted"))
    admitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    # An emergency admission: the referral was created with it, and the shelter reviews it afterwards.
    is_emergency = models.BooleanField(_("emergency admission"), default=False)
    needs_review = models.BooleanField(_("flagged for review"), default=False)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    transferred_from = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="transferred_to"
    )
    ended_at = models.DateTimeField(_("left"), null=True, blank=True)
    end_kind = models.CharField(max_length=16, choices=EndKind.choices, blank=True)
    discharge_reason = models.CharField(_("reason"), max_length=32, choices=DischargeReason.choices, blank=True)
    destination = models.CharField(_("destination"), max_length=32, choices=Destination.choices, blank=True)
    discharge_note = EncryptedTextField(_("discharge note"), blank=True, max_chars=3000)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-admitted_at", "-pk"]
        verbose_name = _("shelter stay")
        verbose_name_plural = _("shelter stays")
        constraints = [
            # THE double-booking guard: at most one open stay per bed, and per person.
            models.UniqueConstraint(fields=["bed"], condition=Q(ended_at__isnull=True), name="stay_one_open_per_bed"),
            models.UniqueConstraint(
                fields=["person"], condition=Q(ended_at__isnull=True), name="stay_one_open_per_person"
            ),
            models.CheckConstraint(
                condition=Q(ended_at__isnull=True) | Q(ended_at__gte=F("admitted_at")), name="stay_ends_after_it_starts"
            ),
        ]
        indexes = [
            models.Index(fields=["shelter", "ended_at"], name="stay_shelter_open_idx"),
            models.Index(fields=["shelter", "admitted_at"], name="stay_shelter_admitted_idx"),
        ]

    def __str__(self) -> str:
        return f"S-{self.pk:06d}" if self.pk else "S-new"

    @property
    def reference(self) -> str:
        return str(self)

    @property
    def is_open(self) -> bool:
        return self.ended_at is None

    @property
    def days(self) -> int:
        end = self.ended_at or timezone.now()
        return max(0, (end - self.admitted_at).days)


class AbsenceReason(models.TextChoices):
    HOSPITAL = "hospital", _("Hospital stay")
    COURT = "court", _("Court or prosecution appointment")
    FAMILY_VISIT = "family_visit", _("Family visit")
    OTHER = "other", _("Other")


class Absence(models.Model):
    """A temporary absence: the resident keeps the bed (the stay stays open)."""

    stay = models.ForeignKey(Stay, on_delete=models.CASCADE, related_name="absences")
    reason = models.CharField(_("reason"), max_length=16, choices=AbsenceReason.choices)
    left_at = models.DateTimeField(_("left"))
    expected_back = models.DateTimeField(_("expected back"))
    returned_at = models.DateTimeField(_("came back"), null=True, blank=True)
    note = EncryptedTextField(_("note"), blank=True, max_chars=1000)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    # When the shelter's staff were told the resident is overdue (once per absence).
    escalated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-left_at", "-pk"]
        verbose_name = _("absence")
        verbose_name_plural = _("absences")
        constraints = [
            models.UniqueConstraint(fields=["stay"], condition=Q(returned_at__isnull=True), name="absence_one_open"),
            models.CheckConstraint(condition=Q(expected_back__gte=F("left_at")), name="absence_back_after_leaving"),
        ]

    def __str__(self) -> str:
        return f"{self.stay_id}:{self.reason}"

    @property
    def is_overdue(self) -> bool:
        return self.returned_at is None and self.expected_back < timezone.now()


# The waiting-list ranks of himaya/shelters/priority.py, as staff choose them when re-prioritising.
PRIORITY_CHOICES = [
    (0, _("Child")),
    (1, _("Urgent safety")),
    (2, _("High")),
    (3, _("Normal")),
]
PRIORITY_LABELS = dict(PRIORITY_CHOICES)


class WaitingResolution(models.TextChoices):
    ADMITTED = "admitted", _("Admitted")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class WaitingEntry(models.Model):
    """An accepted shelter referral waiting for a bed; lower priority numbers go first."""

    referral = models.ForeignKey("referrals.Referral", on_delete=models.PROTECT, related_name="waiting_entries")
    operator = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="+")
    group = models.CharField(_("group"), max_length=24, choices=Group.choices)
    priority = models.PositiveSmallIntegerField(_("priority"))
    added_at = models.DateTimeField()
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolution = models.CharField(max_length=16, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Why the entry was withdrawn (free text about the person: encrypted).
    withdraw_reason = EncryptedTextField(_("reason for withdrawing"), blank=True, max_chars=1000)

    class Meta:
        ordering = ["priority", "added_at", "pk"]
        verbose_name = _("waiting-list entry")
        verbose_name_plural = _("waiting-list entries")
        constraints = [
            models.UniqueConstraint(
                fields=["referral"], condition=Q(resolved_at__isnull=True), name="waiting_one_open_per_referral"
            )
        ]

    def __str__(self) -> str:
        return f"{self.referral_id}:{self.priority}"

    @property
    def priority_label(self) -> str:
        return str(PRIORITY_LABELS.get(self.priority, self.priority))
