"""The labour market as the regulator sees it, and the inspections that act on it.

Sources (employers, worksites, recruitment agencies, workers, wage payments, complaints,
absconding reports, permit transfers, past inspections) arrive through the importers
(`importers.py`); each imported row keeps its natural key so a re-import updates it, and the
batch that last wrote it. Identifying values about workers (permit number, name) are encrypted,
the permit number with a blind index for exact look-up; what the scoring needs (employer,
nationality, occupation code, dates, amounts) stays in plain, non-identifying columns.

The planted truth of the synthetic world (`PlantedTruth`) is its own table, written only by the
seed and read only by the benchmark: scoring never sees it.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from himaya.cases.models import IsicSection
from himaya.core.fields import BlindIndexField, EncryptedTextField


class SizeBand(models.TextChoices):
    MICRO = "micro", _("Micro (1–9 workers)")
    SMALL = "small", _("Small (10–49 workers)")
    MEDIUM = "medium", _("Medium (50–249 workers)")
    LARGE = "large", _("Large (250 workers or more)")


class Governorate(models.TextChoices):
    CAPITAL = "capital", _("Capital")
    MUHARRAQ = "muharraq", _("Muharraq")
    NORTHERN = "northern", _("Northern")
    SOUTHERN = "southern", _("Southern")


class WorksiteKind(models.TextChoices):
    OFFICE = "office", _("Office or shop")
    SITE = "site", _("Work site")
    CAMP = "labour_camp", _("Labour accommodation")
    HOUSEHOLD = "household", _("Private household")


class ComplaintType(models.TextChoices):
    UNPAID_WAGES = "unpaid_wages", _("Unpaid wages")
    PASSPORT_RETENTION = "passport_retention", _("Passport retention")
    RECRUITMENT_FEES = "recruitment_fees", _("Recruitment fees")
    EXCESSIVE_HOURS = "excessive_hours", _("Excessive hours")
    HOUSING = "housing", _("Housing")
    ABUSE = "abuse", _("Abuse")


class Outcome(models.TextChoices):
    NONE = "none", _("No action")
    ADVICE = "advice", _("Advice")
    WARNING = "warning", _("Warning")
    FINE = "fine", _("Fine")
    POLICE = "police_referral", _("Referral to the police")


class ForcedLabourIndicator(models.TextChoices):
    # ILO indicators of forced labour (SAP-FL 2012), see docs/domain: FL01–FL11.
    FL01 = "FL01", _("Abuse of vulnerability")
    FL02 = "FL02", _("Deception")
    FL03 = "FL03", _("Restriction of movement")
    FL04 = "FL04", _("Isolation")
    FL05 = "FL05", _("Physical and sexual violence")
    FL06 = "FL06", _("Intimidation and threats")
    FL07 = "FL07", _("Retention of identity documents")
    FL08 = "FL08", _("Withholding of wages")
    FL09 = "FL09", _("Debt bondage")
    FL10 = "FL10", _("Abusive working and living conditions")
    FL11 = "FL11", _("Excessive overtime")


class ImportSource(models.TextChoices):
    EMPLOYERS = "employers", _("Employers")
    WORKSITES = "worksites", _("Worksites")
    AGENCIES = "agencies", _("Recruitment agencies")
    WORKERS = "workers", _("Workers")
    WAGES = "wages", _("Wage payments")
    COMPLAINTS = "complaints", _("Complaints")
    ABSCONDING = "absconding", _("Absconding reports")
    TRANSFERS = "transfers", _("Permit transfers")
    INSPECTIONS = "inspections", _("Past inspections")


class RunStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    REJECTED = "rejected", _("Rejected")
    FAILED = "failed", _("Failed")


class ImportBatch(models.Model):
    """One file imported from one source: all its rows are written, or none."""

    source = models.CharField(_("source"), max_length=20, choices=ImportSource.choices)
    file_name = models.CharField(_("file"), max_length=255)
    stored_path = models.CharField(max_length=500, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=RunStatus.choices, default=RunStatus.QUEUED)
    total_rows = models.PositiveIntegerField(_("rows"), default=0)
    processed_rows = models.PositiveIntegerField(_("rows processed"), default=0)
    written_rows = models.PositiveIntegerField(_("rows written"), default=0)
    # Every rejected row as {"line", "field", "code", "value"}; shown translated (see importers.REASONS).
    rejections = models.JSONField(default=list, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    seconds = models.FloatField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("import batch")
        verbose_name_plural = _("import batches")

    def __str__(self) -> str:
        return f"I-{self.pk:06d}" if self.pk else "I-new"

    @property
    def progress_percent(self) -> int:
        if not self.total_rows:
            return 100 if self.status in (RunStatus.DONE, RunStatus.REJECTED) else 0
        return min(100, round(100 * self.processed_rows / self.total_rows))


class Employer(models.Model):
    cr_number = models.CharField(_("commercial registration number"), max_length=20, unique=True)
    # Household employers are private persons: the name is encrypted for everyone.
    name = EncryptedTextField(_("name"), blank=True)
    isic_section = models.CharField(_("sector (ISIC v4 section)"), max_length=1, choices=IsicSection.choices)
    size_band = models.CharField(_("size"), max_length=8, choices=SizeBand.choices)
    registered_on = models.DateField(_("registered on"), null=True, blank=True)
    batch_id = models.BigIntegerField(null=True, blank=True, db_index=True)

    class Meta:
        ordering = ["cr_number"]
        verbose_name = _("employer")
        verbose_name_plural = _("employers")

    def __str__(self) -> str:
        return self.cr_number


class Worksite(models.Model):
    site_code = models.CharField(_("site code"), max_length=20, unique=True)
    employer = models.ForeignKey(Employer, on_delete=models.CASCADE, related_name="worksites")
    governorate = models.CharField(_("governorate"), max_length=10, choices=Governorate.choices)
    kind = models.CharField(_("kind"), max_length=12, choices=WorksiteKind.choices)
    batch_id = models.BigIntegerField(null=True, blank=True, db_index=True)

    class Meta:
        ordering = ["site_code"]
        verbose_name = _("worksite")
        verbose_name_plural = _("worksites")

    def __str__(self) -> str:
        return self.site_code


class RecruitmentAgency(models.Model):
    licence_number = models.CharField(_("licence number"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=200)
    batch_id = models.BigIntegerField(null=True, blank=True, db_index=True)

    class Meta:
        ordering = ["licence_number"]
        verbose_name = _("recruitment agency")
        verbose_name_plural = _("recruitment agencies")

    def __str__(self) -> str:
        return self.licence_number


class Worker(models.Model):
    permit_number = EncryptedTextField(_("work permit number"))
    permit_index = BlindIndexField(source="permit_number", normaliser="document", unique=True)
    full_name = EncryptedTextField(_("name"), blank=True)
    # Plain, non-identifying columns the scoring reads.
    nationality = models.CharField(_("nationality"), max_length=2)
    occupation = models.CharField(_("occupation (ISCO-08)"), max_length=4)
    employer = models.ForeignKey(Employer, on_delete=models.PROTECT, related_name="workers")
    worksite = models.ForeignKey(Worksite, null=True, blank=True, on_delete=models.SET_NULL, related_name="workers")
    agency = models.ForeignKey(
        RecruitmentAgency, null=True, blank=True, on_delete=models.SET_NULL, related_name="workers"
    )
    start_date = models.DateField(_("start date"))
    contract_wage = models.DecimalField(_("contract wage"), max_digits=10, decimal_places=3)
    batch_id = models.BigIntegerField(null=True, blank=True, db_index=True)

    PERSONAL_FIELDS = ("permit_number", "full_name")

    class Meta:
        ordering = ["pk"]
        verbose_name = _("worker")
        verbose_name_plural = _("workers")

    def __str__(self) -> str:
        return f"W-{self.pk:07d}" if self.pk else "W-new"


class WagePayment(models.Model):
    # Millions of rows a year arrive in one batch: per-row foreign-key triggers would cost more than
    # the COPY itself. The importer (the only writer) checks the references set-wise instead, in
    # the same transaction, with the referenced tables locked before it reads them (importers.import_file).
    # Indexes cost the COPY dearly too: the only one is the (worker, month) primary key, which
    # also serves look-ups by worker (no surrogate id: its sequence and second index cost the
    # COPY a third of its time).
    pk = models.CompositePrimaryKey("worker_id", "month")
    worker = models.ForeignKey(
        Worker, on_delete=models.CASCADE, related_name="wages", db_constraint=False, db_index=False
    )
    employer = models.ForeignKey(
        Employer, on_delete=models.CASCADE, related_name="+", db_constraint=False, db_index=False
    )
    month = models.DateField(_("month"))  # the first day of the month paid for
    expected = models.DecimalField(_("expected"), max_digits=10, decimal_places=3)
    paid = models.DecimalField(_("paid"), max_digits=10, decimal_places=3)
    paid_on = models.DateField(_("paid on"), null=True, blank=True)
    batch_id = models.BigIntegerField(null=True, blank=True)

    class Meta:
        verbose_name = _("wage payment")
        verbose_name_plural = _("wage payments")

    def __str__(self) -> str:
        return f"{self.worker_id}:{self.month:%Y-%m}"


class WageMonths(models.Model):
    """Wage payments summarised per worker, employer and era of 48 months, as bit masks.

    Kept by the wage importer in the same transaction as the wage rows it summarises (see
    `himaya.analytics.scoring.wage_months_sql` for the meaning of the masks): the live rescore
    reads one row per worker and employer here instead of twelve wage rows.
    """

    pk = models.CompositePrimaryKey("worker_id", "employer_id", "era")
    worker = models.ForeignKey(Worker, on_delete=models.CASCADE, related_name="+", db_constraint=False, db_index=False)
    employer = models.ForeignKey(
        Employer, on_delete=models.CASCADE, related_name="+", db_constraint=False, db_index=False
    )
    era = models.SmallIntegerField()
    present = models.BigIntegerField(default=0)
    unpaid = models.BigIntegerField(default=0)
    late = models.BigIntegerField(default=0)
    under = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("wage summary")
        verbose_name_plural = _("wage summaries")

    def __str__(self) -> str:
        return f"{self.worker_id}:{self.employer_id}:{self.era}"


class Complaint(models.Model):
    reference = models.CharField(_("reference"), max_length=20, unique=True)
    employer = models.ForeignKey(Employer, on_delete=models.CASCADE, related_name="complaints")
    worker = models.ForeignKey(Worker, null=True, blank=True, on_delete=models.SET_NULL, related_name="complaints")
    type = models.CharField(_("type"), max_length=20, choices=ComplaintType.choices)
    filed_on = models.DateField(_("filed on"))
    batch_id = models.BigIntegerField(null=True, blank=True, db_index=True)

    class Meta:
        verbose_name = _("complaint")
        verbose_name_plural = _("complaints")

    def __str__(self) -> str:
        return self.reference


class AbscondingReport(models.Model):
    reference = models.CharField(_("reference"), max_length=20, unique=True)
    employer = models.ForeignKey(Employer, on_delete=models.CASCADE, related_name="absconding_reports")
    worker = models.ForeignKey(Worker, on_delete=models.CASCADE, related_name="absconding_reports")
    filed_on = models.DateField(_("filed on"))
    batch_id = models.BigIntegerField(null=True, blank=True, db_index=True)

    class Meta:
        verbose_name = _("absconding report")
        verbose_name_plural = _("absconding reports")

    def __str__(self) -> str:
        return self.reference


class PermitTransfer(models.Model):
    reference = models.CharField(_("reference"), max_length=20, unique=True)
    worker = models.ForeignKey(Worker, on_delete=models.CASCADE, related_name="transfers")
    from_employer = models.ForeignKey(Employer, on_delete=models.CASCADE, related_name="transfers_out")
    to_employer = models.ForeignKey(Employer, on_delete=models.CASCADE, related_name="transfers_in")
    transferred_on = models.DateField(_("transferred on"))
    batch_id = models.BigIntegerField(null=True, blank=True, db_index=True)

    class Meta:
        verbose_name = _("permit transfer")
        verbose_name_plural = _("permit transfers")

    def __str__(self) -> str:
        return self.reference


class PlantedTruth(models.Model):
    """Which synthetic employers were planted as exploitative. Never read by scoring or pages."""

    employer = models.OneToOneField(Employer, on_delete=models.CASCADE, related_name="+")
    pattern = models.CharField(max_length=30)

    class Meta:
        verbose_name = _("planted truth")
        verbose_name_plural = _("planted truth")

    def __str__(self) -> str:
        return f"{self.employer_id}:{self.pattern}"


class ScoringRun(models.Model):
    """One rescore of every employer with one version of the weights."""

    model_version = models.CharField(_("model version"), max_length=40)
    status = models.CharField(_("status"), max_length=10, choices=RunStatus.choices, default=RunStatus.QUEUED)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    employers_scored = models.PositiveIntegerField(_("employers scored"), default=0)
    seconds = models.FloatField(null=True, blank=True)
    error = models.CharField(max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("scoring run")
        verbose_name_plural = _("scoring runs")

    def __str__(self) -> str:
        return f"S-{self.pk:05d}" if self.pk else "S-new"


class RiskScore(models.Model):
    run = models.ForeignKey(ScoringRun, on_delete=models.CASCADE, related_name="scores")
    employer = models.ForeignKey(Employer, on_delete=models.CASCADE, related_name="risk_scores")
    score = models.FloatField(_("score"))
    rank = models.PositiveIntegerField(_("rank"))
    workers = models.PositiveIntegerField(_("workers"), default=0)
    # [{"code": "unpaid_3m", "points": 30, "value": 0.4, "count": 12, "fl": ["FL08"]}, ...]
    reasons = models.JSONField(default=list)

    class Meta:
        ordering = ["run", "rank"]
        verbose_name = _("risk score")
        verbose_name_plural = _("risk scores")
        constraints = [models.UniqueConstraint(fields=["run", "employer"], name="prevention_score_run_employer")]
        indexes = [models.Index(fields=["run", "rank"], name="prevention_score_rank")]

    def __str__(self) -> str:
        return f"{self.run_id}:{self.rank}"


class WorksiteRiskScore(models.Model):
    """A worksite's score in a run (same weights as its employer's, over the workers placed there)."""

    run = models.ForeignKey(ScoringRun, on_delete=models.CASCADE, related_name="worksite_scores")
    worksite = models.ForeignKey(Worksite, on_delete=models.CASCADE, related_name="risk_scores")
    employer = models.ForeignKey(Employer, on_delete=models.CASCADE, related_name="+", db_index=False)
    score = models.FloatField(_("score"))
    rank = models.PositiveIntegerField(_("rank"))
    workers = models.PositiveIntegerField(_("workers"), default=0)
    reasons = models.JSONField(default=list)

    class Meta:
        ordering = ["run", "rank"]
        verbose_name = _("worksite risk score")
        verbose_name_plural = _("worksite risk scores")
        constraints = [models.UniqueConstraint(fields=["run", "worksite"], name="prevention_site_score_run_worksite")]
        indexes = [models.Index(fields=["run", "employer"], name="prevention_site_score_employer")]

    def __str__(self) -> str:
        return f"{self.run_id}:{self.worksite_id}:{self.rank}"


class InspectionPlan(models.Model):
    """A queue: the top of a scoring run within a budget (inspectors × days), plus a random slice."""

    run = models.ForeignKey(ScoringRun, on_delete=models.PROTECT, related_name="plans")
    inspectors = models.PositiveSmallIntegerField(_("inspectors"))
    days = models.PositiveSmallIntegerField(_("days"))
    visits_per_day = models.PositiveSmallIntegerField(_("visits per inspector per day"), default=2)
    random_share = models.FloatField(_("random-audit share"), default=0.05)
    seed = models.BigIntegerField(default=0)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("inspection plan")
        verbose_name_plural = _("inspection plans")

    def __str__(self) -> str:
        return f"P-{self.pk:05d}" if self.pk else "P-new"

    @property
    def budget(self) -> int:
        return self.inspectors * self.days * self.visits_per_day


class InspectionReason(models.TextChoices):
    RISK = "risk", _("Risk ranking")
    RANDOM = "random", _("Random audit")
    HISTORIC = "historic", _("Imported (earlier inspection)")


class InspectionStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    ASSIGNED = "assigned", _("Assigned")
    COMPLETED = "completed", _("Completed")


class Inspection(models.Model):
    reference = models.CharField(_("reference"), max_length=20, unique=True)
    employer = models.ForeignKey(Employer, on_delete=models.PROTECT, related_name="inspections")
    plan = models.ForeignKey(InspectionPlan, null=True, blank=True, on_delete=models.PROTECT, related_name="items")
    reason = models.CharField(_("why selected"), max_length=10, choices=InspectionReason.choices)
    priority = models.PositiveIntegerField(_("priority"), default=0)
    score = models.FloatField(_("risk score"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=InspectionStatus.choices)
    inspector = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="inspections"
    )
    visited_on = models.DateField(_("visited on"), null=True, blank=True)
    # Checklist.
    indicators_observed = models.JSONField(_("ILO indicators observed"), default=list, blank=True)
    passports_held = models.BooleanField(_("passports held by the employer"), null=True, blank=True)
    wage_records_ok = models.BooleanField(_("wage records complete"), null=True, blank=True)
    housing_ok = models.BooleanField(_("housing acceptable"), null=True, blank=True)
    violation_found = models.BooleanField(_("violation found"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=16, choices=Outcome.choices, blank=True)
    notes = EncryptedTextField(_("notes"), blank=True, max_chars=5000)
    batch_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    PERSONAL_FIELDS = ("notes", "findings")

    class Meta:
        ordering = ["status", "priority", "pk"]
        verbose_name = _("inspection")
        verbose_name_plural = _("inspections")

    def __str__(self) -> str:
        return self.reference


class Finding(models.Model):
    """What an inspector found about one or more workers; may become an NRM intake draft."""

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="findings")
    workers = models.ManyToManyField(Worker, related_name="findings", blank=True)
    indicators = models.JSONField(_("ILO indicators"), default=list)
    description = EncryptedTextField(_("what was found"), max_chars=5000)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    intake_draft = models.ForeignKey(
        "intake.IntakeDraft", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    PERSONAL_FIELDS = ("description", "workers")

    class Meta:
        ordering = ["pk"]
        verbose_name = _("finding")
        verbose_name_plural = _("findings")

    def __str__(self) -> str:
        return f"F-{self.pk:06d}" if self.pk else "F-new"
