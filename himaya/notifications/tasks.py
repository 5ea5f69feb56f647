from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.utils import timezone, translation
from django_tasks import task


@task()
def send_notification_email(notification_id: int) -> None:
    """E-mail one notification in its recipient's language (references only, no personal data)."""
    from himaya.notifications.models import Notification

    note = Notification.objects.select_related("recipient").filter(pk=notification_id, emailed_at=None).first()
    if note is None or not note.recipient.is_active or note.recipient.is_integration:
        return
    with translation.override(note.recipient.language):
        text = note.text
        base = getattr(settings, "HIMAYA_BASE_URL", "")
        body = f"{text}\n\n{base}{note.url}" if note.url else text
        send_mail(subject=text[:120], message=body, from_email=None, recipient_list=[note.recipient.email])
    Notification.objects.filter(pk=note.pk).update(emailed_at=timezone.now())
