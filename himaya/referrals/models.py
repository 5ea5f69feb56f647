"""Closed-loop referrals between agencies: sent → accepted/declined → in progress → completed/cancelled."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from himaya.agencies.models import ServiceType
from himaya.core.fields import EncryptedTextField


class Urgency(models.TextChoices):
    URGENT = "urgent", _("Urgent")
    HIGH = "high", _("High")
    NORMAL = "normal", _("Normal")


class ReferralState(models.TextChoices):
    SENT = "sent", _("Sent")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    IN_PROGRESS = "in_progress", _("In progress")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")


OPEN_STATES = (ReferralState.SENT, ReferralState.ACCEPTED, ReferralState.IN_PROGRESS)


class Referral(models.Model):
    reference = models.CharField(_("reference"), max_length=20, unique=True)
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="referrals")
    from_agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="referrals_out")
    to_agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="referrals_in")
    service_type = models.CharField(_("service"), max_length=32, choices=ServiceType.choices)
    urgency = models.CharField(_("urgency"), max_length=8, choices=Urgency.choices, default=Urgency.NORMAL)
    state = models.CharField(_("state"), max_length=16, choices=ReferralState.choices, default=ReferralState.SENT)
    reason = EncryptedTextField(_("what is needed"), blank=True, max_chars=3000)
    decline_reason = EncryptedTextField(_("reason for declining"), blank=True, max_chars=2000)
    outcome = EncryptedTextField(_("outcome"), blank=True, max_chars=3000)
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    sent_at = models.DateTimeField(db_index=True)
    answer_due_at = models.DateTimeField(_("answer due"))
    answered_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True)
    # Where the referral stands in a work queue, computed by the database from the state: 0 waits for
    # an answer, 1 is being worked on, 2 is closed. Inboxes and outboxes sort on (rank, due time), so
    # unanswered referrals come first, the overdue ones leading, from an index instead of a sort of
    # every referral an agency ever had.
    queue_rank = models.GeneratedField(
        expression=models.Case(
            models.When(state="sent", then=models.Value(0)),
            models.When(state__in=["accepted", "in_progress"], then=models.Value(1)),
            default=models.Value(2),
        ),
        output_field=models.SmallIntegerField(),
        db_persist=True,
    )

    class Meta:
        ordering = ["-sent_at", "-pk"]
        indexes = [
            models.Index(fields=["to_agency", "state"], name="referral_inbox_idx"),
            models.Index(fields=["from_agency", "state"], name="referral_outbox_idx"),
            models.Index(fields=["to_agency", "queue_rank", "answer_due_at", "id"], name="referral_inbox_queue_idx"),
            models.Index(fields=["from_agency", "queue_rank", "answer_due_at", "id"], name="referral_outbox_queue_idx"),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES

    @property
    def is_overdue(self) -> bool:
        """Still unanswered past its answer deadline."""
        return self.state == ReferralState.SENT and self.answer_due_at < timezone.now()


class ReferralEvent(models.Model):
    """Every state change, visible to both agencies (the loop closes back to the sender)."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField()
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    from_state = models.CharField(max_length=16, blank=True)
    to_state = models.CharField(max_length=16)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.referral_id}:{self.to_state}"

    @property
    def from_label(self) -> str:
        return str(ReferralState(self.from_state).label) if self.from_state in ReferralState.values else ""

    @property
    def to_label(self) -> str:
        return str(ReferralState(self.to_state).label) if self.to_state in ReferralState.values else self.to_state
