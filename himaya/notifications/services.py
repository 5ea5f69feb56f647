"""Creating and reading notifications."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.db import transaction
from django.utils import timezone

from himaya.notifications.models import Notification


def notify(
    *, recipients: Iterable[Any], verb: str, params: dict[str, Any] | None = None, url: str = "", email: bool = True
) -> list[Notification]:
    """Notify each active recipient in-app, and by e-mail once the surrounding transaction commits."""
    from himaya.notifications.tasks import send_notification_email

    notes = [
        Notification(recipient=r, verb=verb, params=params or {}, url=url)
        for r in {r.pk: r for r in recipients if r is not None and r.is_active}.values()
    ]
    created = Notification.objects.bulk_create(notes)
    if email:
        for note in created:
            transaction.on_commit(_enqueue_email(send_notification_email, note.pk))
    return created


def _enqueue_email(task: Any, pk: int) -> Callable[[], None]:
    def enqueue() -> None:
        task.enqueue(pk)

    return enqueue


def notification_mark_read(*, actor: Any, notification_ids: Iterable[int]) -> int:
    """Mark the actor's own notifications read (others' ids are ignored)."""
    return Notification.objects.filter(recipient=actor, pk__in=list(notification_ids), read_at=None).update(
        read_at=timezone.now()
    )


def unread_for(actor: Any) -> list[Notification]:
    return list(Notification.objects.filter(recipient=actor, read_at=None)[:20])
