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
