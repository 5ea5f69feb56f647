"""Reads for the intake wizard and attachments, always starting from the access policy."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from himaya.access import policy
from himaya.cases.models import Case
from himaya.intake.models import Attachment, IntakeDraft


def draft_list(*, actor: Any) -> QuerySet[IntakeDraft]:
    """Unsubmitted drafts the actor may resume: their own, and (supervisors) their agency's."""
    return (
        policy.visible(actor, IntakeDraft, policy.CHANGE)
        .filter(submitted_case__isnull=True)
        .select_related("owner")
        .order_by("-updated_at", "-pk")
    )


def draft_get(*, actor: Any, pk: Any) -> IntakeDraft:
    """An unsubmitted draft the actor may resume, or Http404 (audited read)."""
    draft = policy.get_for(actor, IntakeDraft, pk, policy.CHANGE, audit=False)
    if draft.submitted_case_id is not None:
        raise Http404(_("Not found."))
    policy.audit_read(actor, draft)
    return draft


def may_start_intake(actor: Any) -> bool:
    return policy.can_create(actor, IntakeDraft)


def hand_over_candidates(*, actor: Any, draft: IntakeDraft) -> list[Any]:
    """Active colleagues of the draft's agency who may open cases, first responders first."""
    from himaya.accounts.models import User
    from himaya.accounts.roles import Role
    from himaya.intake.rules import INTAKE_ROLES

    users = (
        User.objects.filter(agency_id=draft.agency_id, is_active=True, roles__role__in=INTAKE_ROLES)
        .exclude(pk=draft.owner_id)
        .distinct()
        .order_by("pk")
    )
    chosen = [u for u in users if policy.can_create(u, IntakeDraft)]
    return sorted(chosen, key=lambda u: (not u.has_role(Role.FIRST_RESPONDER), str(u)))


def case_for_upload(*, actor: Any, pk: Any) -> Case:
    """A case the actor may change (to attach a file), or Http404."""
    return policy.get_for(actor, Case, pk, policy.CHANGE, audit=False)


def attachment_get(*, actor: Any, pk: Any) -> Attachment:
    return policy.get_for(actor, Attachment, pk, audit=False)  # the download itself is audited


def attachment_list(*, actor: Any, case: Case) -> QuerySet[Attachment]:
    return policy.visible(actor, Attachment).filter(case=case).order_by("-created_at", "-pk")
