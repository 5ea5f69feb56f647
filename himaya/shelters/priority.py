"""Waiting-list priority (Django-free): children first, then urgent safety, then the rest.

Lower numbers go first; ties are broken by the time the entry was added (first come, first
served). A child is anyone the case marks as a child or who needs a children's room.
"""

from __future__ import annotations

CHILD = 0
URGENT_SAFETY = 1
HIGH = 2
NORMAL = 3


def waiting_priority(*, is_child: bool, safety_risk: bool, urgency: str) -> int:
    """The priority rank of a person waiting for a bed."""
    if is_child:
        return CHILD
    if safety_risk or urgency == "urgent":
        return URGENT_SAFETY
    if urgency == "high":
        return HIGH
    return NORMAL
