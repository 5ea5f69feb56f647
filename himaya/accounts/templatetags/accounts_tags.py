"""Template helpers for the accounts pages and the navbar."""

from __future__ import annotations

from typing import Any

from django import template

from himaya.access import policy

register = template.Library()


@register.filter
def can_manage_staff(user: Any) -> bool:
    """True when the user may open staff management (`staff.manage`)."""
    return policy.has_permission(user, "staff.manage")
