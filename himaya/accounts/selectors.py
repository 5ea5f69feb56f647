"""Reads for staff management; every query starts from the access policy."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, Q, QuerySet

from himaya.access import policy
from himaya.accounts.models import Invitation, User, UserRole
from himaya.accounts.roles import Role
from himaya.agencies.models import Agency


def staff_list(actor: Any, *, agency: Agency | None = None, search: str = "") -> QuerySet[User]:
    """Staff the actor may manage (their agency's; every agency's for a system administrator)."""
    policy.require_permission(actor, "staff.manage")
    qs = policy.visible(actor, User, policy.CHANGE).select_related("agency")
    if agency is not None:
        qs = qs.filter(agency=agency)
    search = (search or "").strip()
    if search:
        qs = qs.filter(Q(full_name__icontains=search) | Q(email__icontains=search))
    return qs.prefetch_related(Prefetch("roles", queryset=UserRole.objects.order_by("role"))).order_by(
        "-is_active", "full_name"
    )


def staff_member(actor: Any, pk: Any) -> User:
    """One manageable staff member, or Http404 (outside the actor's scope looks like "not there")."""
    policy.require_permission(actor, "staff.manage")
    return policy.get_for(actor, User, pk, policy.CHANGE)


def pending_invitations(actor: Any, *, agency: Agency | None = None) -> QuerySet[Invitation]:
    policy.require_permission(actor, "staff.manage")
    from django.utils import timezone

    qs = Invitation.objects.select_related("agency", "invited_by").filter(
        accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=timezone.now()
    )
    if not actor.has_role(Role.SYSTEM_ADMIN):
        qs = qs.filter(agency_id=actor.agency_id)
    if agency is not None:
        qs = qs.filter(agency=agency)
    return qs


def invitation_for(actor: Any, pk: Any) -> Invitation:
    from django.http import Http404
    from django.utils.translation import gettext as _

    invitation = pending_invitations(actor).filter(pk=pk).first() if str(pk).isdigit() else None
    if invitation is None:
        raise Http404(_("Not found."))
    return invitation


def agencies_for_invite(actor: Any) -> QuerySet[Agency]:
    """The agencies the actor may invite into."""
    if actor.has_role(Role.SYSTEM_ADMIN):
        return Agency.objects.filter(is_active=True).order_by("name_en")
    return Agency.objects.filter(pk=actor.agency_id)
