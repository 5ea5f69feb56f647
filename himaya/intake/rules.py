"""Who may resume an intake draft, and who may see a case's attachments.

A draft is its author's; a supervisor of the same agency may open it too (to finish an intake
a colleague started). Attachments follow their case: whoever may see the case (under any rule
on Case, including referral and consent rules) may see its attachments.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from himaya.access import policy
from himaya.access.policy import CHANGE, VIEW, creator, personal, rule
from himaya.accounts.roles import Role
from himaya.cases.models import Case
from himaya.intake.models import Attachment, IntakeDraft

INTAKE_ROLES = [Role.FIRST_RESPONDER, Role.CASE_WORKER, Role.SUPERVISOR, Role.NRM_COORDINATOR]

personal(IntakeDraft, IntakeDraft.PERSONAL_FIELDS)
personal(Attachment, Attachment.PERSONAL_FIELDS)


@rule(IntakeDraft, VIEW, CHANGE, roles=INTAKE_ROLES)
def own_drafts(actor: Any) -> Q:
    return Q(owner_id=actor.pk, agency_id=actor.agency_id)


@rule(IntakeDraft, VIEW, CHANGE, roles=[Role.SUPERVISOR])
def supervisor_resumes_agency_drafts(actor: Any) -> Q:
    return Q(agency_id=actor.agency_id)


creator(IntakeDraft, roles=INTAKE_ROLES, check=lambda actor, **_: policy.can_create(actor, Case))


@rule(Attachment, VIEW)
def attachments_follow_their_case(actor: Any) -> Q | None:
    if policy.scope_q(actor, Case) is None:
        return None
    return Q(case__in=policy.visible(actor, Case).values("pk"))


@rule(Attachment, CHANGE)
def attachments_added_by_case_editors(actor: Any) -> Q | None:
    if policy.scope_q(actor, Case, CHANGE) is None:
        return None
    return Q(case__in=policy.visible(actor, Case, CHANGE).values("pk"))
