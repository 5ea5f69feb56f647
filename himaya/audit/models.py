"""The audit trail: append-only, hash-chained events.

An event records who did what to which object, never the personal values themselves. Each event's
hash covers its canonical serialisation and the previous event's hash; the single
`AuditChainHead` row serialises appends so that concurrent writers cannot fork the chain.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Outcome(models.TextChoices):
    OK = "ok", _("Allowed")
    DENIED = "denied", _("Denied")
    FAILED = "failed", _("Failed")


class AuditEvent(models.Model):
    seq = models.BigIntegerField(unique=True)
    occurred_at = models.DateTimeField(db_index=True)
    actor_id = models.BigIntegerField(null=True, blank=True)
    actor_agency_id = models.BigIntegerField(null=True, blank=True)
    action = models.CharField(max_length=64, db_index=True)
    object_type = models.CharField(max_length=64, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    # The agency that owns the object, so it can see who opened its records (break-glass).
    owner_agency_id = models.BigIntegerField(null=True, blank=True)
    request_id = models.CharField(max_length=64, blank=True)
    fields = models.TextField(blank=True, help_text="Comma-separated names of the fields involved")
    outcome = models.CharField(max_length=8, choices=Outcome.choices, default=Outcome.OK)
    detail = models.TextField(blank=True, help_text="Non-personal context: a reason code, record ids shown")
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    class Meta:
        ordering = ["-seq"]
        # The log is browsed newest first, a page at a time (keyset on seq): each filter an auditor
        # uses has an index that yields its events in that order, so a page reads about a page of
        # rows however long the log. With one-column indexes PostgreSQL walked the whole log for a
        # rare value (9 million events: a staff member's events 6 s, the denied ones 63 s).
        indexes = [
            models.Index(fields=["object_type", "object_id"], name="audit_object_idx"),
            models.Index(fields=["actor_id", "-seq"], name="audit_actor_seq_idx"),
            models.Index(fields=["actor_agency_id", "-seq"], name="audit_actor_agency_seq_idx"),
            models.Index(fields=["owner_agency_id", "-seq"], name="audit_owner_agency_seq_idx"),
            # Denied and failed attempts: few, and what an auditor looks for first.
            models.Index(fields=["-seq"], condition=~models.Q(outcome=Outcome.OK), name="audit_exception_seq_idx"),
        ]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action}"


class AuditChainHead(models.Model):
    """One row (pk=1): the last sequence number and hash. Appends lock it."""

    seq = models.BigIntegerField(default=0)
    hash = models.CharField(max_length=64)

    def __str__(self) -> str:
        return f"head #{self.seq}"
