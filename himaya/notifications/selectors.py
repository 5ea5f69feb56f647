"""Reads of the signed-in user's own notifications (nobody reads anyone else's)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from himaya.notifications.models import Notification


def my_notifications(*, actor: Any, unread_only: bool = False) -> QuerySet[Notification]:
    qs = Notification.objects.filter(recipient_id=actor.pk)
    if unread_only:
        qs = qs.filter(read_at__isnull=True)
    return qs.order_by("-created_at", "-pk")


def unread_count(*, actor: Any) -> int:
    if not getattr(actor, "is_authenticated", False):
        return 0
    return Notification.objects.filter(recipient_id=actor.pk, read_at__isnull=True).count()
