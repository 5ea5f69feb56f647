"""Background tasks of the accounts app (django-tasks)."""

from __future__ import annotations

from django_tasks import task


@task()
def send_invitation(invitation_id: int, base_url: str, language: str) -> bool:
    """E-mail the invitation link (a fresh token is issued here, so it never sits in the task queue)."""
    from himaya.accounts.services import invitation_send

    return invitation_send(invitation_id=invitation_id, base_url=base_url, language=language)
