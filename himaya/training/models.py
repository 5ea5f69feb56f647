"""The regional training centre: courses, sessions, nominations, attendance, assessments,
evaluations and signed certificates.

Participants are staff accounts (of any agency, including partner-country agencies): what is
recorded here is about their training, not about victims, so no personal data of victims lives in
this app. The certificate keeps the holder's name as printed at issue, because a certificate must
keep saying what it said even if the account is renamed later.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


def _arabic() -> bool:
    return (get_language() or "ar").startswith("ar")


class Level(models.TextChoices):
    AWARENESS = "awareness", _("Awareness")
    PRACTITIONER = "practitioner", _("Practitioner")
    TRAINING_OF_TRAINERS = "tot", _("Training of trainers")


class Course(models.Model):
    code = models.SlugField(_("code"), max_length=40, unique=True)
    title_ar = models.CharField(_("title (Arabic)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200)
    summary_ar = models.TextField(_("summary (Arabic)"), blank=True)
    summary_en = models.TextField(_("summary (English)"), blank=True)
    level = models.CharField(_("level"), max_length=16, choices=Level.choices)
    prerequisites = models.ManyToManyField(
        "self", verbose_name=_("prerequisites"), symmetrical=False, blank=True, related_name="required_by"
    )
    validity_months = models.PositiveSmallIntegerField(_("certificate valid for (months)"), default=24)
    # Certification rules (himaya/training/certification.py applies them).
    attendance_threshold = models.PositiveSmallIntegerField(_("attendance needed (percentage of days)"), default=80)
    pass_mark = models.PositiveSmallIntegerField(_("post-test pass mark (percentage)"), default=70)
    requires_supervised_delivery = models.BooleanField(_("needs a supervised delivery"), default=False)
    # A certificate of this course counts as the first-responder qualification a jurisdiction may require.
    qualifies_first_responder = models.BooleanField(_("qualifies as first-responder training"), default=False)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["level", "code"]

    def __str__(self) -> str:
        return self.title

    @property
    def title(self) -> str:
        return self.title_ar if _arabic() else self.title_en

    @property
    def summary(self) -> str:
        return self.summary_ar if _arabic() else self.summary_en


class CourseModule(models.Model):
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="modules")
    position = models.PositiveSmallIntegerField(default=1)
    title_ar = models.CharField(_("title (Arabic)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200)
    outcomes_ar = models.TextField(_("learning outcomes (Arabic)"), blank=True)
    outcomes_en = models.TextField(_("learning outcomes (English)"), blank=True)

    class Meta:
        ordering = ["course", "position"]

    def __str__(self) -> str:
        return self.title

    @property
    def title(self) -> str:
        return self.title_ar if _arabic() else self.title_en

    @property
    def outcomes(self) -> str:
        return self.outcomes_ar if _arabic() else self.outcomes_en


class Question(models.Model):
    """One multiple-choice question in a course's bank; the same bank serves the pre- and post-test."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveSmallIntegerField(default=1)
    text_ar = models.CharField(_("question (Arabic)"), max_length=500)
    text_en = models.CharField(_("question (English)"), max_length=500)
    # [["option ar", "option en"], ...]
    options = models.JSONField(_("options"))
    correct = models.PositiveSmallIntegerField(_("correct option (from 0)"))
    points = models.PositiveSmallIntegerField(_("points"), default=1)

    class Meta:
        ordering = ["course", "position"]

    def __str__(self) -> str:
        return self.text

    @property
    def text(self) -> str:
        return self.text_ar if _arabic() else self.text_en

    def option_labels(self) -> list[str]:
        index = 0 if _arabic() else 1
        return [str(pair[index]) for pair in self.options]


class SessionLanguage(models.TextChoices):
    ARABIC = "ar", _("Arabic")
    ENGLISH = "en", _("English")
    BOTH = "ar-en", _("Arabic and English")


class Session(models.Model):
    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="sessions")
    starts_on = models.DateField(_("first day"))
    ends_on = models.DateField(_("last day"))
    venue = models.CharField(_("venue"), max_length=200, blank=True)
    online = models.BooleanField(_("online"), default=False)
    language = models.CharField(_("language"), max_length=5, choices=SessionLanguage.choices)
    capacity = models.PositiveSmallIntegerField(_("places"))
    trainers = models.ManyToManyField(settings.AUTH_USER_MODEL, verbose_name=_("trainers"), related_name="+")
    partners = models.CharField(_("partner organisations"), max_length=300, blank=True)
    published = models.BooleanField(_("in the public catalogue"), default=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancellation_reason = models.TextField(_("reason for the cancellation"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["starts_on", "pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(ends_on__gte=models.F("starts_on")), name="session_dates")
        ]

    def __str__(self) -> str:
        return f"{self.course.code} {self.starts_on:%Y-%m-%d}"

    def days(self) -> list[dt.date]:
        count = (self.ends_on - self.starts_on).days + 1
        return [self.starts_on + dt.timedelta(days=i) for i in range(count)]

    @property
    def is_open(self) -> bool:
        return self.cancelled_at is None and self.starts_on > timezone.localdate()


class NominationStatus(models.TextChoices):
    ENROLLED = "enrolled", _("Enrolled")
    WAITLISTED = "waitlisted", _("On the waiting list")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Nomination(models.Model):
    session = models.ForeignKey(Session, on_delete=models.PROTECT, related_name="nominations")
    participant = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="nominations")
    # The participant's agency at nomination: coverage is counted for the agency that sent them.
    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="+")
    nominated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    nominated_at = models.DateTimeField()
    status = models.CharField(_("status"), max_length=16, choices=NominationStatus.choices)
    # Trainers of trainers: the supervised delivery the course's rules ask for.
    supervised_delivery_on = models.DateField(_("supervised delivery on"), null=True, blank=True)
    supervised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["nominated_at", "pk"]
        constraints = [models.UniqueConstraint(fields=["session", "participant"], name="nomination_once_per_session")]

    def __str__(self) -> str:
        return f"{self.session_id}:{self.participant_id}:{self.status}"


class Attendance(models.Model):
    nomination = models.ForeignKey(Nomination, on_delete=models.CASCADE, related_name="attendance")
    day = models.DateField()
    present = models.BooleanField()
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["day"]
        constraints = [models.UniqueConstraint(fields=["nomination", "day"], name="attendance_once_per_day")]

    def __str__(self) -> str:
        return f"{self.nomination_id}:{self.day}:{self.present}"


class AssessmentKind(models.TextChoices):
    PRE = "pre", _("Pre-test")
    POST = "post", _("Post-test")


class Assessment(models.Model):
    nomination = models.ForeignKey(Nomination, on_delete=models.CASCADE, related_name="assessments")
    kind = models.CharField(_("test"), max_length=4, choices=AssessmentKind.choices)
    answers = models.JSONField(default=dict)  # {question id: chosen option}
    score = models.PositiveSmallIntegerField(_("score (percentage)"))
    taken_at = models.DateTimeField()

    class Meta:
        ordering = ["taken_at"]
        constraints = [models.UniqueConstraint(fields=["nomination", "kind"], name="assessment_once_per_kind")]

    def __str__(self) -> str:
        return f"{self.nomination_id}:{self.kind}:{self.score}"


class Evaluation(models.Model):
    """The participant's evaluation of the session (one each)."""

    nomination = models.OneToOneField(Nomination, on_delete=models.CASCADE, related_name="evaluation")
    rating = models.PositiveSmallIntegerField(_("overall rating (1 to 5)"))
    relevance = models.PositiveSmallIntegerField(_("relevance to my work (1 to 5)"))
    comment = models.TextField(_("comments"), blank=True)
    submitted_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.nomination_id}:{self.rating}"


class Certificate(models.Model):
    number = models.CharField(max_length=32, unique=True)
    # The public verification page's address: unguessable, says nothing by itself.
    token = models.CharField(max_length=43, unique=True)
    nomination = models.OneToOneField(Nomination, on_delete=models.PROTECT, related_name="certificate")
    participant = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="certificates")
    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="certificates")
    holder_name = models.CharField(max_length=200)
    issued_on = models.DateField()
    expires_on = models.DateField()
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    renews = models.OneToOneField("self", null=True, blank=True, on_delete=models.PROTECT, related_name="renewed_by")
    # The signed payload (canonical JSON) and its Ed25519 signature, as embedded in the PDF.
    payload = models.TextField()
    signature = models.CharField(max_length=128)
    key_id = models.CharField(max_length=16)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    revocation_reason = models.TextField(blank=True)
    # When the latest expiry reminder went out (CertificateReminder keeps one row per threshold).
    reminder_sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-issued_on", "-pk"]

    def __str__(self) -> str:
        return self.number

    def status_on(self, day: dt.date) -> str:
        if self.revoked_at is not None:
            return "revoked"
        if day > self.expires_on:
            return "expired"
        return "valid"

    @property
    def status(self) -> str:
        return self.status_on(timezone.localdate())


class CertificateReminder(models.Model):
    """One expiry reminder sent for a certificate at one threshold (e.g. 90 or 30 days before).

    The unique constraint makes the daily run idempotent: a certificate gets at most one reminder
    per threshold, however often the command runs.
    """

    certificate = models.ForeignKey(Certificate, on_delete=models.CASCADE, related_name="reminders")
    threshold_days = models.PositiveSmallIntegerField()
    sent_at = models.DateTimeField()

    class Meta:
        ordering = ["sent_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["certificate", "threshold_days"], name="certificate_reminder_once")
        ]

    def __str__(self) -> str:
        return f"{self.certificate_id}:{self.threshold_days}"
