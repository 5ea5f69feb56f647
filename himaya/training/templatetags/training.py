"""`{% training_nav as nav %}`: which training tabs the signed-in user gets (asks the policy)."""

from __future__ import annotations

from typing import Any

from django import template

from himaya.access import policy

register = template.Library()


@register.simple_tag(takes_context=True)
def training_nav(context: template.Context) -> dict[str, bool]:
    request: Any = context.get("request")
    user = getattr(request, "user", None)
    return {
        "manage": policy.has_permission(user, "training.manage"),
        "nominate": policy.has_permission(user, "training.nominate"),
        "coverage": policy.has_permission(user, "training.coverage"),
    }
