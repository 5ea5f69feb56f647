"""Care after identification: needs assessments, the care plan, services delivered, legal
assistance, and the way out (voluntary return, employer transfer, local integration) with its
follow-up contacts.

Everything hangs off a case. Free text about the person is encrypted; codes (domains, levels,
types, statuses, pathways), dates, amounts and currencies stay in clear for statistics.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from himaya.assistance import needs
from himaya.core.fields import EncryptedTextField

DOMAIN_LABELS = {
    needs.SAFETY: _("Safety"),
    needs.MEDICAL: _("Medical"),
    needs.MENTAL_HEALTH: _("Mental health"),
    needs.LEGAL: _("Legal"),
    needs.DOCUMENTS: _("Documents"),
    needs.FAMILY_CONTACT: _("Family contact"),
    needs.FINANCES: _("Finances"),
    needs.EDUCATION: _("Education"),
    needs.LIVELIHOOD: _("Livelihood"),
}
DOMAIN_CHOICES = [(d, DOMAIN_LABELS[d]) for d in needs.DOMAINS]


class NeedLevel(models.IntegerChoices):
    NONE = needs.NONE, _("No need")
    LOW = needs.LOW, _("Low")
    MEDIUM = needs.MEDIUM, _("Medium")
    HIGH = needs.HIGH, _("High")
    CRITICAL = needs.CRITICAL, _("Critical")


class Occasion(models.TextChoices):
    FIRST_CONTACT = "first_contact", _("First contact")
    ADMISSION = "admission", _("Admission to a shelter")
    REVIEW = "review", _("Review")
    BEFORE_EXIT = "before_exit", _("Before exit")


class NeedsAssessment(models.Model):
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="needs_assessments")
    occasion = models.CharField(_("occasion"), max_length=16, choices=Occasion.choices)
    assessed_on = models.DateField(_("assessed on"))
    assessed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-assessed_on", "-pk"]
        verbose_name = _("needs assessment")
        verbose_name_plural = _("needs assessments")

    def __str__(self) -> str:
        return f"{self.case_id}:{self.assessed_on}"


class NeedRating(models.Model):
    assessment = models.ForeignKey(NeedsAssessment, on_delete=models.CASCADE, related_name="ratings")
    domain = models.CharField(_("need"), max_length=16, choices=DOMAIN_CHOICES)
    level = models.PositiveSmallIntegerField(_("level"), choices=NeedLevel.choices)
    note = EncryptedTextField(_("note"), blank=True, max_chars=2000)

    class Meta:
        ordering = ["assessment_id", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "domain"], name="need_rating_one_per_domain"),
            models.CheckConstraint(condition=models.Q(level__lte=needs.CRITICAL), name="need_rating_level_range"),
        ]

    def __str__(self) -> str:
        return f"{self.domain}:{self.level}"


class ActionType(models.TextChoices):
    # HTCDS support-plan types, then the care types Himaya adds.
    EDUCATION = "Education", _("Education")
    FINANCIAL = "Financial", _("Financial")
    HEALTH = "Health", _("Health")
    REHABILITATION = "LabourSexualExploitationRehabilitation", _("Labour / sexual exploitation rehabilitation")
    LEGAL = "Legal", _("Legal")
    LIVELIHOOD = "Livelihood", _("Livelihood")
    RIGHTS_TRAINING = "RightsBasedTraining", _("Rights-based training")
    SOCIAL_CARE = "SocialCare", _("Social care")
    MEDICAL = "medical", _("Medical")
    PSYCHOSOCIAL = "psychosocial", _("Psychosocial")
    INTERPRETATION = "interpretation", _("Interpretation")
    RELIGIOUS = "religious", _("Religious")
    FAMILY_CONTACT = "family_contact", _("Family contact")


class ActionStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


OPEN_ACTION_STATUSES = (ActionStatus.PLANNED, ActionStatus.IN_PROGRESS)


class CareGoal(models.Model):
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="care_goals")
    description = EncryptedTextField(_("goal"), max_chars=1000)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("care goal")
        verbose_name_plural = _("care goals")

    def __str__(self) -> str:
        return f"{self.case_id}:goal:{self.pk}"


class CareAction(models.Model):
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="care_actions")
    goal = models.ForeignKey(CareGoal, on_delete=models.PROTECT, related_name="actions")
    type = models.CharField(_("type"), max_length=40, choices=ActionType.choices)
    description = EncryptedTextField(_("what will be done"), blank=True, max_chars=2000)
    responsible_agency = models.ForeignKey(
        "agencies.Agency", verbose_name=_("responsible agency"), on_delete=models.PROTECT, related_name="care_actions"
    )
    # Delivered by another agency: through this referral (himaya.referrals), never a copy of it.
    referral = models.ForeignKey(
        "referrals.Referral", null=True, blank=True, on_delete=models.PROTECT, related_name="care_actions"
    )
    due_on = models.DateField(_("due on"))
    status = models.CharField(_("status"), max_length=16, choices=ActionStatus.choices, default=ActionStatus.PLANNED)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    # The due date already escalated as overdue, so one overdue action is notified once.
    escalated_due = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["due_on", "pk"]
        verbose_name = _("care action")
        verbose_name_plural = _("care actions")
        indexes = [models.Index(fields=["status", "due_on"], name="care_action_status_due_idx")]

    def __str__(self) -> str:
        return f"{self.case_id}:{self.type}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_ACTION_STATUSES


class ServiceDelivery(models.Model):
    """A service given to the person: who, when, how long, in which language, with what outcome."""

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="services_delivered")
    action = models.ForeignKey(CareAction, on_delete=models.PROTECT, related_name="deliveries")
    type = models.CharField(_("type"), max_length=40, choices=ActionType.choices)
    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="+")
    delivered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    delivered_at = models.DateTimeField(_("delivered at"))
    duration_minutes = models.PositiveIntegerField(_("duration (minutes)"), validators=[MinValueValidator(1)])
    language = models.CharField(_("language (ISO 639)"), max_length=3)
    interpreter_used = models.BooleanField(_("through an interpreter"), default=False)
    outcome = EncryptedTextField(_("outcome"), max_chars=3000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-delivered_at", "-pk"]
        verbose_name = _("service delivered")
        verbose_name_plural = _("services delivered")
        constraints = [
            models.CheckConstraint(condition=models.Q(duration_minutes__gte=1), name="service_duration_positive")
        ]

    def __str__(self) -> str:
        return f"{self.case_id}:{self.type}:{self.delivered_at:%Y-%m-%d}"


# --- Legal assistance -------------------------------------------------------------------------
class LegalCounselling(models.Model):
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="legal_counselling")
    held_on = models.DateField(_("held on"))
    counsellor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="+")
    language = models.CharField(_("language (ISO 639)"), max_length=3)
    interpreter_used = models.BooleanField(_("through an interpreter"), default=False)
    summary = EncryptedTextField(_("advice given"), max_chars=3000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-held_on", "-pk"]
        verbose_name = _("legal counselling session")
        verbose_name_plural = _("legal counselling sessions")

    def __str__(self) -> str:
        return f"{self.case_id}:counselling:{self.held_on}"


class ClaimKind(models.TextChoices):
    UNPAID_WAGES = "unpaid_wages", _("Unpaid wages")
    END_OF_SERVICE = "end_of_service", _("End-of-service dues")
    RECRUITMENT_FEES = "recruitment_fees", _("Recruitment fees to reimburse")


class ClaimStatus(models.TextChoices):
    PREPARED = "prepared", _("Prepared")
    FILED = "filed", _("Filed")
    SETTLED = "settled", _("Settled")
    AWARDED = "awarded", _("Awarded")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", _("Withdrawn")


OPEN_CLAIM_STATUSES = (ClaimStatus.PREPARED, ClaimStatus.FILED)


class LabourClaim(models.Model):
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="labour_claims")
    # The employer or recruiter recorded at intake (ready for the prosecution module).
    party = models.ForeignKey(
        "cases.InvolvedParty", verbose_name=_("against"), on_delete=models.PROTECT, related_name="labour_claims"
    )
    kind = models.CharField(_("claim"), max_length=20, choices=ClaimKind.choices)
    amount = models.DecimalField(_("amount claimed"), max_digits=12, decimal_places=3)
    currency = models.CharField(_("currency (ISO 4217)"), max_length=3)
    period_from = models.DateField(_("from"), null=True, blank=True)
    period_to = models.DateField(_("to"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=ClaimStatus.choices, default=ClaimStatus.PREPARED)
    filed_on = models.DateField(_("filed on"), null=True, blank=True)
    notes = EncryptedTextField(_("notes"), blank=True, max_chars=3000)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("labour claim")
        verbose_name_plural = _("labour claims")
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gt=Decimal("0")), name="labour_claim_amount_positive")
        ]

    def __str__(self) -> str:
        return f"{self.case_id}:{self.kind}:{self.amount} {self.currency}"


class HearingStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    HELD = "held", _("Held")
    POSTPONED = "postponed", _("Postponed")
    CANCELLED = "cancelled", _("Cancelled")


class CourtAppointment(models.Model):
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="court_appointments")
    claim = models.ForeignKey(LabourClaim, null=True, blank=True, on_delete=models.PROTECT, related_name="hearings")
    at = models.DateTimeField(_("when"))
    court = models.CharField(_("court"), max_length=200)
    purpose = EncryptedTextField(_("purpose"), blank=True, max_chars=1000)
    escort = models.BooleanField(_("escorted"), default=False)
    interpreter_language = models.CharField(_("interpreter language (ISO 639)"), max_length=3, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=HearingStatus.choices, default=HearingStatus.SCHEDULED
    )
    outcome = EncryptedTextField(_("outcome"), blank=True, max_chars=2000)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("court support appointment")
        verbose_name_plural = _("court support appointments")

    def __str__(self) -> str:
        return f"{self.case_id}:court:{self.at:%Y-%m-%d}"


class Compensation(models.Model):
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="compensation")
    claim = models.ForeignKey(LabourClaim, null=True, blank=True, on_delete=models.PROTECT, related_name="awards")
    awarded_amount = models.DecimalField(_("amount awarded"), max_digits=12, decimal_places=3)
    currency = models.CharField(_("currency (ISO 4217)"), max_length=3)
    awarded_on = models.DateField(_("awarded on"))
    paid_amount = models.DecimalField(_("amount paid"), max_digits=12, decimal_places=3, default=Decimal("0"))
    paid_on = models.DateField(_("paid on"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["awarded_on", "pk"]
        verbose_name = _("compensation")
        verbose_name_plural = _("compensation")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(awarded_amount__gt=Decimal("0"))
                & models.Q(paid_amount__gte=Decimal("0"))
                & models.Q(paid_amount__lte=models.F("awarded_amount")),
                name="compensation_amounts_consistent",
            )
        ]

    def __str__(self) -> str:
        return f"{self.case_id}:{self.awarded_amount} {self.currency}"

    @property
    def is_paid(self) -> bool:
        return self.paid_amount >= self.awarded_amount

    @property
    def outstanding(self) -> Decimal:
        return self.awarded_amount - self.paid_amount


class LegalDocument(models.Model):
    """An encrypted attachment of the case (himaya.intake) filed with a claim."""

    claim = models.ForeignKey(LabourClaim, on_delete=models.CASCADE, related_name="documents")
    attachment = models.ForeignKey("intake.Attachment", on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["claim", "attachment"], name="legal_document_once")]

    def __str__(self) -> str:
        return f"{self.claim_id}:{self.attachment_id}"


# --- The way out ------------------------------------------------------------------------------
class Pathway(models.TextChoices):
    VOLUNTARY_RETURN = "voluntary_return", _("Voluntary return")
    EMPLOYER_TRANSFER = "employer_transfer", _("Transfer to a new employer")
    LOCAL_INTEGRATION = "local_integration", _("Local integration")


class ExitPlan(models.Model):
    """How the person leaves assistance; one per case. Fields apply by pathway."""

    case = models.OneToOneField("cases.Case", on_delete=models.PROTECT, related_name="exit_plan")
    pathway = models.CharField(_("pathway"), max_length=20, choices=Pathway.choices)
    # Voluntary return: the travel document comes from the embassy through a referral.
    travel_document_referral = models.ForeignKey(
        "referrals.Referral", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    exit_clearance_on = models.DateField(_("exit clearance granted on"), null=True, blank=True)
    ticket_booked_on = models.DateField(_("ticket booked on"), null=True, blank=True)
    escort_arranged = models.BooleanField(_("escort arranged"), default=False)
    reception_organisation = models.CharField(
        _("reception organisation in the country of origin"), max_length=200, blank=True
    )
    reintegration_plan = EncryptedTextField(_("reintegration plan"), blank=True, max_chars=4000)
    # Employer transfer.
    work_permit_transferred_on = models.DateField(_("work permit transferred on"), null=True, blank=True)
    new_employer = EncryptedTextField(_("new employer"), blank=True, max_chars=200)
    # Local integration.
    integration_plan = EncryptedTextField(_("integration plan"), blank=True, max_chars=4000)
    # The day the person left: left the country, started with the new employer, or moved out.
    exited_on = models.DateField(_("date of exit"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("exit plan")
        verbose_name_plural = _("exit plans")

    def __str__(self) -> str:
        return f"{self.case_id}:{self.pathway}"


class FollowUpOutcome(models.TextChoices):
    SAFE = "safe", _("Safe and well")
    NEEDS_SUPPORT = "needs_support", _("Needs support")
    AT_RISK = "at_risk", _("At risk again")
    UNREACHABLE = "unreachable", _("Could not be reached")


class FollowUp(models.Model):
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="follow_ups")
    months_after_exit = models.PositiveSmallIntegerField(_("months after exit"))
    due_on = models.DateField(_("due on"))
    done_on = models.DateField(_("contacted on"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=16, choices=FollowUpOutcome.choices, blank=True)
    note = EncryptedTextField(_("note"), blank=True, max_chars=2000)
    contacted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["due_on", "pk"]
        verbose_name = _("follow-up contact")
        verbose_name_plural = _("follow-up contacts")
        constraints = [
            models.UniqueConstraint(fields=["case", "months_after_exit"], name="follow_up_once_per_month"),
            models.CheckConstraint(
                condition=models.Q(done_on__isnull=True) | ~models.Q(outcome=""), name="follow_up_done_has_outcome"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case_id}:+{self.months_after_exit}m"
