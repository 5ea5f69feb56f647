"""`{% care_plan_section case %}` on the case page: the care plan summary for those who work on it."""

from __future__ import annotations

from typing import Any

from django import template

from himaya.assistance import selectors

register = template.Library()


@register.inclusion_tag("assistance/_case_section.html", takes_context=True)
def care_plan_section(context: Any, case: Any) -> dict[str, Any]:
    request = context.get("request")
    actor = getattr(request, "user", None)
    if actor is None or not selectors.may_care(actor, case):
        return {"show": False}
    plan = selectors.care_plan(actor=actor, case=case)
    return {
        "show": True,
        "case": case,
        "plan": plan,
        "open_actions": sum(1 for g in plan for a in g["actions"] if a["action"].is_open),
        "overdue": sum(1 for g in plan for a in g["actions"] if a["overdue"]),
        "non_removal": case.stage in selectors.NON_REMOVAL_STAGES,
    }


@register.inclusion_tag("assistance/_nav.html", takes_context=True)
def care_nav(context: Any) -> dict[str, Any]:
    """Main-menu entries of the care pages the signed-in user may use (from the policy)."""
    from himaya.access import policy
    from himaya.assistance.rules import DELIVERY_ROLES, REPORTS

    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not policy.is_active_actor(user):
        return {"links": []}
    from django.urls import reverse
    from django.utils.translation import gettext as _

    links = []
    if user.has_role(*DELIVERY_ROLES):
        links.append((reverse("assistance:deliveries"), _("Care actions we deliver"), "nav-care-deliveries"))
    if selectors.may_check_non_removal(user):
        links.append((reverse("assistance:non_removal"), _("Protection from removal"), "nav-non-removal"))
    if selectors.may_see_return_requests(user):
        links.append((reverse("assistance:returns"), _("Return requests"), "nav-returns"))
    if policy.has_permission(user, REPORTS):
        links.append((reverse("assistance:reports"), _("Care reports"), "nav-care-reports"))
    return {"links": links}
