"""Reads behind the API: tokens, the audit trail, staff lists.

Tokens are not protected objects of the access policy: they are found by their prefix during
authentication (before there is an actor) and listed by the operator at the console. Everything
else starts from the policy.
"""

from __future__ import annotations

import datetime
import hmac
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from himaya.access import policy
from himaya.accounts.models import User
from himaya.api.models import ApiToken
from himaya.api.services import TOKEN_SCHEME, secret_digest
from himaya.audit.models import AuditEvent
from himaya.audit.services import audit_record

# A fixed digest to compare against when the prefix is unknown, so both paths do the same work.
_NO_SUCH_TOKEN = secret_digest("no-such-token")


def parse_token(raw: str) -> tuple[str, str] | None:
    """Split `hmy_<prefix>_<secret>` into (prefix, secret), or None when it is not one of ours."""
    parts = raw.split("_", 2)
    if len(parts) != 3 or parts[0] != TOKEN_SCHEME or not parts[1] or not parts[2] or len(parts[1]) > 16:
        return None
    return parts[1], parts[2]


def token_resolve(raw: str) -> ApiToken | None:
    """The usable token `raw` names (not revoked, not expired, active user), or None.

    The secret is compared in constant time. Deactivating the user takes effect at once because
    the user row is read on every call.
    """
    parsed = parse_token(raw)
    if parsed is None:
        return None
    prefix, secret = parsed
    token = ApiToken.objects.select_related("user").filter(prefix=prefix).first()
    expected = token.secret_hash if token is not None else _NO_SUCH_TOKEN
    matches = hmac.compare_digest(expected.encode("ascii"), secret_digest(secret).encode("ascii"))
    if token is None or not matches:
        return None
    if not token.is_usable(timezone.now()) or not token.user.is_active:
        return None
    return token


def audit_event_list(
    *,
    actor: Any,
    action: str = "",
    actor_id: int | None = None,
    object_type: str = "",
    object_id: str = "",
    since: datetime.datetime | None = None,
    until: datetime.datetime | None = None,
) -> QuerySet[AuditEvent]:
    """Audit events the actor may browse, narrowed by the given filters. Browsing is itself audited
    (with the names of the filters used, never their values)."""
    policy.require_permission(actor, "audit.browse")
    filters = {  # public filter name -> (lookup, value)
        "action": ("action", action),
        "actor": ("actor_id", actor_id),
        "object_type": ("object_type", object_type),
        "object_id": ("object_id", object_id),
        "since": ("occurred_at__gte", since),
        "until": ("occurred_at__lt", until),
    }
    used = {name: lookup for name, lookup in filters.items() if lookup[1] not in (None, "")}
    audit_record(actor=actor, action="audit.browse", detail="filters:" + ",".join(sorted(used)))
    return policy.visible(actor, AuditEvent).filter(**dict(used.values()))


def staff_list(*, actor: Any) -> QuerySet[User]:
    """Staff accounts the actor administers (own agency; every agency for system admins)."""
    policy.require_permission(actor, "staff.manage")
    return policy.visible(actor, User).prefetch_related("roles").order_by("full_name", "pk")


def token_list_for(*, user: Any) -> QuerySet[ApiToken]:
    """Every token of `user`, newest first (for the operator's `himaya token list`)."""
    return ApiToken.objects.filter(user=user).order_by("-created_at")
