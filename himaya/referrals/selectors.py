"""Reads of referrals and the service directory, starting from the access policy."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from himaya.access import policy
from himaya.agencies.models import AgencyService
from himaya.cases.models import Case
from himaya.referrals.models import Referral

BOXES = ("inbox", "outbox")


def require_referral_role(actor: Any) -> None:
    """Inbox and outbox belong to case staff and service providers; others get a 404 (audited)."""
    from himaya.referrals.rules import REFERRAL_ROLES

    if not policy.is_active_actor(actor) or not actor.has_role(*REFERRAL_ROLES):
        from django.http import Http404
        from django.utils.translation import gettext as _

        from himaya.audit.services import audit_record

        audit_record(
            actor=actor if policy.is_active_actor(actor) else None, action="referrals.referral.list", outcome="denied"
        )
        raise Http404(_("Not found."))


def referral_list(*, actor: Any, box: str = "", state: str = "") -> QuerySet[Referral]:
    """Referrals the actor may see: `inbox` (to their agency), `outbox` (from it), or both.
    Unanswered ones first by due time (so the overdue lead), then those being worked on, then closed."""
    within = {"inbox": Q(to_agency_id=actor.agency_id), "outbox": Q(from_agency_id=actor.agency_id)}.get(box)
    qs = policy.visible(actor, Referral, within=within).select_related("case", "from_agency", "to_agency")
    if state:
        qs = qs.filter(state=state)
    return qs.order_by("queue_rank", "answer_due_at", "pk")


def referral_get(*, actor: Any, pk: Any, action: str = policy.VIEW) -> Referral:
    """One referral the actor may see (read audited), or Http404."""
    return policy.get_for(actor, Referral, pk, action)


def case_for_referral(*, actor: Any, pk: Any) -> Case:
    """A case the actor may change (and so refer), or Http404."""
    return policy.get_for(actor, Case, pk, policy.CHANGE)


def _codes(raw: Any) -> list[str]:
    items = raw if isinstance(raw, list | tuple) else str(raw or "").split(",")
    return [str(c).strip().lower() for c in items if str(c).strip()]


def directory(*, actor: Any, service_type: str = "", language: str = "") -> QuerySet[AgencyService]:
    """Active services of agencies the actor may see, filterable by service type and language (ISO 639)."""
    from himaya.agencies.models import Agency

    agencies = policy.visible(actor, Agency).filter(is_active=True)
    qs = AgencyService.objects.filter(is_active=True, agency__in=agencies).select_related("agency")
    if service_type:
        qs = qs.filter(service_type=service_type)
    if language:
        matches = [s.pk for s in qs if language.lower() in _codes(s.languages)]
        qs = qs.filter(pk__in=matches)
    return qs.order_by("service_type", "agency__name_en", "pk")


def suggestions(
    *, actor: Any, service_type: str, person: Any, exclude_agency_id: int | None = None
) -> list[dict[str, Any]]:
    """Agencies offering `service_type`, those speaking more of the person's languages first."""
    wanted = set(_codes(getattr(person, "languages", "") if person is not None else ""))
    services = [s for s in directory(actor=actor, service_type=service_type) if s.agency_id != exclude_agency_id]
    free_beds: dict[int, int] = {}
    if service_type == "shelter":
        # A shelter operator whose registered shelters are all full is not suggested (an operator
        # with no shelter registered in Himaya has unknown capacity and is still listed).
        from himaya.shelters.selectors import free_beds_by_operator

        free_beds = free_beds_by_operator(operator_ids=[s.agency_id for s in services])
    rows: list[dict[str, Any]] = []
    for service in services:
        if free_beds.get(service.agency_id, 1) == 0:
            continue
        shared = sorted(wanted & set(_codes(service.languages)))
        rows.append(
            {
                "service": service,
                "agency": service.agency,
                "shared_languages": shared,
                "free_beds": free_beds.get(service.agency_id),
            }
        )
    rows.sort(key=lambda r: (-len(r["shared_languages"]), r["agency"].name_en))
    return rows


def may_reconsider(*, actor: Any, referral: Referral) -> bool:
    """Whether the actor, as a support provider (the receiving agency, while the referral is open), may
    ask from the referral for a negative identification decision to be reconsidered: support providers
    never see the case page, so the referral is where they ask."""
    from himaya.cases import selectors as case_selectors

    return (
        actor.agency_id == referral.to_agency_id
        and referral.is_open
        and case_selectors.may_request_reconsideration(actor=actor, case=referral.case)
    )
