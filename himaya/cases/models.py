"""NRM cases: from the first encounter to a decision, services and closure.

A case follows the pure workflow in `himaya.clocks.workflow`; its legal clocks come from the
jurisdiction's business calendar (`himaya.clocks.business_calendar`). Free text about the person
is encrypted; codes (stage, channel, category, ISIC section) stay in clear for statistics.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from himaya.clocks.workflow import Stage
from himaya.core.fields import EncryptedTextField

STAGE_LABELS = {
    Stage.IDENTIFICATION: _("Identification"),
    Stage.DOCUMENTATION: _("Case documentation"),
    Stage.RG_PENDING: _("Reasonable grounds decision pending"),
    Stage.RG_NEGATIVE: _("Negative reasonable grounds decision"),
    Stage.RECOVERY_PERIOD: _("Recovery and reflection period"),
    Stage.CG_PENDING: _("Conclusive grounds decision pending"),
    Stage.CG_NEGATIVE: _("Negative conclusive grounds decision"),
    Stage.RECONSIDERATION: _("Reconsideration requested"),
    Stage.PROTECTION_ASSISTANCE: _("Protection and assistance"),
    Stage.REINTEGRATION: _("Local reintegration"),
    Stage.VOLUNTARY_RETURN: _("Voluntary return"),
    Stage.LABOUR_GRIEVANCE: _("Labour grievance"),
    Stage.NOT_TRAFFICKING: _("Not a trafficking case"),
    Stage.ANONYMOUS_NOTIFICATION: _("Anonymous notification"),
    Stage.CLOSED: _("Closed"),
}
STAGE_CHOICES = [(s.value, STAGE_LABELS[s]) for s in Stage]


class Channel(models.TextChoices):
    HOTLINE = "hotline", _("Hotline call")
    WALK_IN = "walk_in", _("Walk-in at the protection centre")
    LABOUR_INSPECTION = "labour_inspection", _("Labour inspection")
    POLICE = "police", _("Police")
    NGO = "ngo", _("NGO")
    EMBASSY = "embassy", _("Embassy")
    HEALTH = "health", _("Health facility")
    SELF_REFERRAL = "self_referral", _("Self-referral")
    OTHER = "other", _("Other")


class Category(models.TextChoices):
    # Bahrain's triage of every contact.
    LABOUR_DISPUTE = "labour_dispute", _("Labour dispute")
    ABUSE = "abuse", _("Abuse")
    TRAFFICKING_SUSPICION = "trafficking_suspicion", _("Trafficking suspicion")


class CaseStatus(models.TextChoices):
    # HTCDS cas_Status.
    ACTIVE = "Active", _("Active")
    FOLLOW_UP = "FollowUp", _("Follow-up")
    CLOSED = "Closed", _("Closed")
    CLOSED_REFERRED = "ClosedReferred", _("Closed (referred)")


class ExploitationType(models.TextChoices):
    # HTCDS vic_TypeOfExploitation plus forced criminality (HTCDS issue #28).
    FORCED_LABOUR = "ForcedLabour", _("Forced labour")
    SEXUAL_EXPLOITATION = "SexualExploitation", _("Sexual exploitation")
    CHILD_LABOUR = "ChildLabour", _("Child labour")
    FORCED_MARRIAGE = "ForcedMarriage", _("Forced marriage")
    SERVITUDE = "Servitude", _("Servitude")
    FORCED_MILITARY = "ForcedMilitaryByNonStateActors", _("Forced military service by non-state actors")
    ORGAN_REMOVAL = "OrganRemoval", _("Organ removal")
    FORCED_BEGGING = "ForcedBegging", _("Forced begging")
    FORCED_ADOPTION = "ForcedAdoption", _("Forced adoption")
    SURROGACY = "Surrogacy", _("Surrogacy")
    FORCED_CRIMINALITY = "ForcedCriminality", _("Forced criminality")
    OTHER = "Other", _("Other")


class IsicSection(models.TextChoices):
    A = "A", _("Agriculture, forestry and fishing")
    B = "B", _("Mining and quarrying")
    C = "C", _("Manufacturing")
    D = "D", _("Electricity, gas, steam and air conditioning supply")
    E = "E", _("Water supply; sewerage, waste management")
    F = "F", _("Construction")
    G = "G", _("Wholesale and retail trade")
    H = "H", _("Transportation and storage")
    I = "I", _("Accommodation and food service activities")  # noqa: E741
    J = "J", _("Information and communication")
    K = "K", _("Financial and insurance activities")
    L = "L", _("Real estate activities")
    M = "M", _("Professional, scientific and technical activities")
    N = "N", _("Administrative and support service activities")
    O = "O", _("Public administration and defence")  # noqa: E741
    P = "P", _("Education")
    Q = "Q", _("Human health and social work activities")
    R = "R", _("Arts, entertainment and recreation")
    S = "S", _("Other service activities")
    T = "T", _("Households as employers (domestic work)")
    U = "U", _("Extraterritorial organisations and bodies")


class Case(models.Model):
    reference = models.CharField(_("reference"), max_length=20, unique=True)
    person = models.ForeignKey(
        "people.Person", verbose_name=_("person"), null=True, blank=True, on_delete=models.PROTECT, related_name="cases"
    )
    owner_agency = models.ForeignKey(
        "agencies.Agency", verbose_name=_("owning agency"), on_delete=models.PROTECT, related_name="cases"
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="assigned_cases"
    )
    stage = models.CharField(_("stage"), max_length=32, choices=STAGE_CHOICES, default=Stage.IDENTIFICATION.value)
    status = models.CharField(_("status"), max_length=16, choices=CaseStatus.choices, default=CaseStatus.ACTIVE)
    category = models.CharField(_("category"), max_length=32, choices=Category.choices)
    is_child = models.BooleanField(_("child (under 18)"), default=False)
    industry = models.CharField(_("industry (ISIC section)"), max_length=1, choices=IsicSection.choices, blank=True)
    # Urgent flags raised at intake.
    safety_risk = models.BooleanField(_("immediate safety risk"), default=False)
    medical_urgent = models.BooleanField(_("urgent medical need"), default=False)
    child_present = models.BooleanField(_("a child is present"), default=False)
    # Legal clocks (dates in the jurisdiction's calendar).
    referred_on = models.DateField(_("referred to the NRM on"), null=True, blank=True)
    rg_due = models.DateField(_("reasonable grounds decision due"), null=True, blank=True)
    recovery_ends = models.DateField(_("recovery period ends"), null=True, blank=True)
    cg_due = models.DateField(_("conclusive grounds decision due"), null=True, blank=True)
    move_on_ends = models.DateField(_("move-on support ends"), null=True, blank=True)
    closure_reason = models.CharField(_("reason for closure"), max_length=200, blank=True)
    # The negative-decision stage a reconsideration was asked from (rg_negative or cg_negative).
    reconsidering_from = models.CharField(max_length=32, blank=True)
    # The due dates already escalated as overdue, so one overdue decision is notified once.
    rg_escalated_due = models.DateField(null=True, blank=True)
    cg_escalated_due = models.DateField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    # The person's nationality while they have an active consent to share with an embassy, else '':
    # the embassy rule's indexed pre-filter, kept in step by himaya.consent.sharing. The rule still
    # checks the consent itself, so a stale value can only hide a case, never show it.
    embassy_share_country = models.CharField(max_length=2, blank=True, default="", editable=False)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        indexes = [
            models.Index(fields=["owner_agency", "stage"], name="case_agency_stage_idx"),
            models.Index(fields=["stage", "rg_due"], name="case_stage_rg_due_idx"),
            models.Index(fields=["stage", "cg_due"], name="case_stage_cg_due_idx"),
            # The case list: an agency's newest cases first.
            models.Index(fields=["owner_agency", "-created_at", "-id"], name="case_agency_newest_idx"),
            # The home page's "my cases" (assigned to me, most recently changed first).
            models.Index(fields=["assigned_to", "-updated_at", "-id"], name="case_assignee_recent_idx"),
            # An embassy's list of its consenting nationals' cases: newest first, and per stage.
            models.Index(
                fields=["embassy_share_country", "-created_at", "-id"],
                name="case_embassy_newest_idx",
                condition=~models.Q(embassy_share_country=""),
            ),
            models.Index(
                fields=["embassy_share_country", "stage"],
                name="case_embassy_stage_idx",
                condition=~models.Q(embassy_share_country=""),
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def is_urgent(self) -> bool:
        return self.safety_risk or self.medical_urgent or self.child_present


class CaseExploitation(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="exploitation_types")
    type = models.CharField(_("type of exploitation"), max_length=40, choices=ExploitationType.choices)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["case", "type"], name="case_exploitation_unique")]

    def __str__(self) -> str:
        return self.type


class Encounter(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="encounters")
    occurred_at = models.DateTimeField(_("when"))
    channel = models.CharField(_("channel"), max_length=32, choices=Channel.choices)
    location = EncryptedTextField(_("where"), blank=True, max_chars=300)
    interpreter_language = models.CharField(_("interpreter language (ISO 639)"), max_length=3, blank=True)
    notes = EncryptedTextField(_("notes"), blank=True, max_chars=5000)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-occurred_at"]

    def __str__(self) -> str:
        return f"{self.case_id}:{self.channel}"


class HistoricEventType(models.TextChoices):
    RECRUITMENT = "Recruitment", _("Recruitment")
    TRANSIT = "Transit", _("Transit")
    EXPLOITATION = "Exploitation", _("Exploitation")


class HistoricEvent(models.Model):
    """HTCDS hte_: where and when recruitment, transit and exploitation happened."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="historic_events")
    type = models.CharField(_("type"), max_length=16, choices=HistoricEventType.choices)
    country = models.CharField(_("country (ISO 3166)"), max_length=2)
    place = EncryptedTextField(_("place"), blank=True, max_chars=200)
    date_from = models.DateField(_("from"), null=True, blank=True)
    date_to = models.DateField(_("to"), null=True, blank=True)
    description = EncryptedTextField(_("description"), blank=True, max_chars=2000)

    class Meta:
        ordering = ["date_from", "pk"]

    def __str__(self) -> str:
        return f"{self.type}:{self.country}"


class PartyRole(models.TextChoices):
    EMPLOYER = "Exploiter", _("Employer / exploiter")
    RECRUITER = "RecruiterOrIntermediary", _("Recruiter or intermediary")
    BROKER = "BrokerTravelAgent", _("Broker or travel agent")
    TRANSPORTER = "Transporter", _("Transporter")
    OTHER = "Other", _("Other")


class InvolvedParty(models.Model):
    """People and businesses involved (HTCDS per_); the prosecution module extends these."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="parties")
    role = models.CharField(_("role"), max_length=32, choices=PartyRole.choices)
    name = EncryptedTextField(_("name"), blank=True, max_chars=200)
    organisation = EncryptedTextField(_("business or organisation"), blank=True, max_chars=200)
    registration_number = models.CharField(_("commercial registration number"), max_length=40, blank=True)
    phone = EncryptedTextField(_("phone"), blank=True, max_chars=32)
    nationality = models.CharField(_("nationality (ISO 3166)"), max_length=2, blank=True)
    notes = EncryptedTextField(_("notes"), blank=True, max_chars=2000)

    def __str__(self) -> str:
        return f"{self.case_id}:{self.role}"


class DecisionKind(models.TextChoices):
    REASONABLE_GROUNDS = "rg", _("Reasonable grounds")
    CONCLUSIVE_GROUNDS = "cg", _("Conclusive grounds")
    RECONSIDERATION = "reconsideration", _("Reconsideration")


class DecisionOutcome(models.TextChoices):
    POSITIVE = "positive", _("Positive")
    NEGATIVE = "negative", _("Negative")


class DecidingOrg(models.TextChoices):
    # HTCDS vic_TraffickingStatusDecisionMakingOrg.
    POLICE = "Police", _("Police")
    NGO = "NGO", _("NGO")
    COURT_OR_PROSECUTION = "CourtOrProsecution", _("Court or prosecution")
    NON_POLICE_GOVERNMENT = "NonPoliceGovernmentalOrganization", _("Non-police government organisation")
    OTHER = "Other", _("Other")


class Decision(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="decisions")
    kind = models.CharField(_("decision"), max_length=16, choices=DecisionKind.choices)
    outcome = models.CharField(_("outcome"), max_length=10, choices=DecisionOutcome.choices)
    reasons = EncryptedTextField(_("reasons"), max_chars=5000)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    deciding_org = models.CharField(_("deciding organisation type"), max_length=40, choices=DecidingOrg.choices)
    decided_at = models.DateTimeField()

    class Meta:
        ordering = ["-decided_at"]

    def __str__(self) -> str:
        return f"{self.case_id}:{self.kind}:{self.outcome}"


class TimelineEntry(models.Model):
    """What happened on a case, in order (stage changes, screenings, decisions, referrals, consents, notes)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="timeline")
    at = models.DateTimeField(db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=32)  # stage, screening, decision, referral, consent, note, encounter
    from_stage = models.CharField(max_length=32, blank=True)
    to_stage = models.CharField(max_length=32, blank=True)
    # A translatable message id and its non-personal parameters; personal text lives in the linked record.
    summary = models.CharField(max_length=200, blank=True)
    object_type = models.CharField(max_length=64, blank=True)
    object_id = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.case_id}:{self.kind}"


class CaseNote(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = EncryptedTextField(_("note"), max_chars=5000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.case_id}:note"


class CaseStageCount(models.Model):
    """Summary: how many cases each agency holds per stage (and whether they were referred into the NRM).

    Derived data for dashboards, rebuilt by `himaya cases summarise` / the `refresh_case_summaries`
    task (see summaries.py): a live COUNT over every case grows with the data, this table does not.
    Holds counts only, no personal data. Its columns are those the Case view rules' `summary` forms
    filter on.
    """

    owner_agency = models.ForeignKey("agencies.Agency", on_delete=models.CASCADE, related_name="+")
    stage = models.CharField(max_length=32)
    referred = models.BooleanField()
    n = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["owner_agency", "stage", "referred"], name="case_stage_count_unique")
        ]

    def __str__(self) -> str:
        return f"{self.owner_agency_id}/{self.stage}/{self.referred}: {self.n}"


class SummaryRefresh(models.Model):
    """When each summary table was last rebuilt (one row per summary)."""

    name = models.CharField(max_length=40, unique=True)
    refreshed_at = models.DateTimeField()
    rows = models.PositiveIntegerField(default=0)
    seconds = models.FloatField(default=0)

    def __str__(self) -> str:
        return f"{self.name} at {self.refreshed_at:%Y-%m-%d %H:%M:%S}"
