"""Writes for the API: issuing and revoking tokens. Each is one transaction with its audit event."""

from __future__ import annotations

import datetime
import hashlib
import secrets
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from himaya.api.models import ApiToken
from himaya.audit.services import audit_record

TOKEN_SCHEME = "hmy"  # noqa: S105 (the visible part of every token, not a secret)


def secret_digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def token_issue(*, actor: Any, user: Any, name: str = "", days: int | None = None) -> tuple[ApiToken, str]:
    """Create a token for `user` and return it with its only plaintext copy, `hmy_<prefix>_<secret>`.

    `actor` is the staff member issuing it, or None for the operator at the console.
    """
    lifetime = settings.API_TOKEN_DAYS if days is None else days
    if lifetime < 1:
        raise ValidationError({"days": _("A token must live at least one day.")})
    if not user.is_active:
        raise ValidationError(_("This account is deactivated."))
    if len(name) > 100:
        raise ValidationError({"name": _("Ensure this value has at most %(limit)d characters.") % {"limit": 100}})
    secret = secrets.token_urlsafe(32)
    now = timezone.now()
    with transaction.atomic():
        prefix = secrets.token_hex(6)
        while ApiToken.objects.filter(prefix=prefix).exists():  # 48 bits: practically never loops
            prefix = secrets.token_hex(6)
        token = ApiToken.objects.create(
            user=user,
            name=name,
            prefix=prefix,
            secret_hash=secret_digest(secret),
            created_at=now,
            expires_at=now + datetime.timedelta(days=lifetime),
        )
        audit_record(
            actor=actor,
            action="api.token_issue",
            obj=token,
            owner_agency_id=user.agency_id,
            detail=f"user:{user.pk} prefix:{prefix} days:{lifetime}",
        )
    return token, f"{TOKEN_SCHEME}_{prefix}_{secret}"


def token_revoke(*, actor: Any, token: ApiToken) -> ApiToken:
    """Revoke a token at once; revoking twice changes nothing."""
    if token.revoked_at is not None:
        return token
    with transaction.atomic():
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit_record(
            actor=actor,
            action="api.token_revoke",
            obj=token,
            owner_agency_id=token.user.agency_id,
            detail=f"user:{token.user_id} prefix:{token.prefix}",
        )
    return token


def token_touch(*, token: ApiToken) -> None:
    """Note that a token was used: last_used_at plus one "api.token_use" event, at most once a minute.

    A conditional UPDATE decides which request does it, so concurrent requests never both write
    (and the audit chain's lock is taken once a minute per token, not on every request).
    """
    now = timezone.now()
    stale = now - datetime.timedelta(seconds=60)
    if token.last_used_at is not None and token.last_used_at >= stale:
        return  # the common case: no write at all (SQLite would serialise every request on it)
    with transaction.atomic():
        touched = (
            ApiToken.objects.filter(pk=token.pk)
            .filter(Q(last_used_at__isnull=True) | Q(last_used_at__lt=stale))
            .update(last_used_at=now)
        )
        if touched:
            token.last_used_at = now
            audit_record(
                actor=token.user,
                action="api.token_use",
                obj=token,
                owner_agency_id=token.user.agency_id,
                detail=f"prefix:{token.prefix}",
            )
