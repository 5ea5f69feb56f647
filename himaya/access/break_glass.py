"""Break-glass: a coordinator opens one out-of-scope record by giving a reason."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone

from himaya.access.models import BreakGlassGrant
from himaya.accounts.roles import Role


def active_grant_q(actor: Any, model: type[models.Model]) -> Q | None:
    if not actor.has_role(Role.NRM_COORDINATOR):
        return None
    ids = list(
        BreakGlassGrant.objects.filter(
            actor=actor,
            object_type=model._meta.label_lower,
            expires_at__gt=timezone.now(),
            revoked_at__isnull=True,
        ).values_list("object_id", flat=True)
    )
    if not ids:
        return None
    return Q(pk__in=ids)


def break_glass_open(*, actor: Any, model: type[models.Model], pk: Any, reason: str) -> BreakGlassGrant:
    """Grant `actor` time-limited view access to one record outside their scope.

    Only NRM coordinators may break glass; the reason is mandatory. The grant and the reason are
    audited with the owning agency, so that agency sees who opened its record.
    """
    from django.core.exceptions import ValidationError
    from django.http import Http404
    from django.utils.translation import gettext as _

    from himaya.access.policy import BREAK_GLASS_MODELS, is_active_actor
    from himaya.audit.services import audit_record

    reason = (reason or "").strip()
    if not is_active_actor(actor) or not actor.has_role(Role.NRM_COORDINATOR) or model not in BREAK_GLASS_MODELS:
        raise Http404(_("Not found."))
    if len(reason) < 10:
        raise ValidationError(_("Give the reason for opening this record (at least 10 characters)."))
    with transaction.atomic():
        obj = model._default_manager.filter(pk=pk).first()
        if obj is None:
            raise Http404(_("Not found."))
        now = timezone.now()
        grant = BreakGlassGrant.objects.create(
            actor=actor,
            object_type=model._meta.label_lower,
            object_id=str(obj.pk),
            owner_agency_id=obj.owner_agency_id,  # type: ignore[attr-defined]
            reason=reason,
            granted_at=now,
            expires_at=now + dt.timedelta(minutes=settings.BREAK_GLASS_MINUTES),
        )
        audit_record(actor=actor, action="break_glass.open", obj=obj, detail=f"grant:{grant.pk}")
    return grant
