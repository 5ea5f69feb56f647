from __future__ import annotations

from typing import Any

from django import template

from himaya.access import policy

register = template.Library()


@register.simple_tag(takes_context=True)
def prevention_nav(context: template.Context) -> str:
    """Where the prevention menu entry leads for this user ('' when it has none)."""
    from django.urls import reverse

    from himaya.prevention import selectors

    user: Any = context.get("user")
    if not policy.is_active_actor(user):
        return ""
    if selectors.may_see_aggregates(user):
        return reverse("prevention:home")
    if selectors.may_inspect(user):
        return reverse("prevention:queue")
    return ""


@register.filter
def percent(value: Any) -> str:
    if value is None or value == "":
        return "—"
    return f"{round(100 * float(value))} %"
