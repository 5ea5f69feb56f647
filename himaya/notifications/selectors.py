"""Reads of the signed-in user's own notifications (nobody reads anyone else's)."""

from __future__ import annotations

from functools import cache
from typing import Any

from django.db import connection
from django.db.models import QuerySet

from himaya.notifications.models import Notification


def my_notifications(*, actor: Any, unread_only: bool = False) -> QuerySet[Notification]:
    qs = Notification.objects.filter(recipient_id=actor.pk)
    if unread_only:
        qs = qs.filter(read_at__isnull=True)
    return qs.order_by("-created_at", "-pk")


@cache
def _unread_sql() -> str:
    opts = Notification._meta
    recipient, read_at = opts.get_field("recipient").column, opts.get_field("read_at").column
    return f'SELECT COUNT(*) FROM "{opts.db_table}" WHERE "{recipient}" = %s AND "{read_at}" IS NULL'  # noqa: S608


def unread_count(*, actor: Any) -> int:
    """The navbar's badge, drawn on every page: the same count as
    `my_notifications(actor=actor, unread_only=True).count()`, as one plain statement (compiling the
    ORM query cost more than running it, on the index `notification_unread_idx`)."""
    if not getattr(actor, "is_authenticated", False):
        return 0
    with connection.cursor() as cursor:
        cursor.execute(_unread_sql(), [actor.pk])
        row = cursor.fetchone()
    return int(row[0])
