"""Needs assessment domains and levels, and the change between two assessments (Django-free)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

SAFETY = "safety"
MEDICAL = "medical"
MENTAL_HEALTH = "mental_health"
LEGAL = "legal"
DOCUMENTS = "documents"
FAMILY_CONTACT = "family_contact"
FINANCES = "finances"
EDUCATION = "education"
LIVELIHOOD = "livelihood"
DOMAINS = (SAFETY, MEDICAL, MENTAL_HEALTH, LEGAL, DOCUMENTS, FAMILY_CONTACT, FINANCES, EDUCATION, LIVELIHOOD)

NONE, LOW, MEDIUM, HIGH, CRITICAL = 0, 1, 2, 3, 4
LEVELS = (NONE, LOW, MEDIUM, HIGH, CRITICAL)

IMPROVED = "improved"
WORSE = "worse"
SAME = "same"
NEW = "new"


@dataclass(frozen=True)
class Change:
    domain: str
    before: int | None
    after: int
    direction: str  # improved (need went down), worse, same, new (not rated before)


def changes(before: Mapping[str, int] | None, after: Mapping[str, int]) -> list[Change]:
    """Per domain (in the standard order), how the need moved from `before` to `after`.

    Domains not rated in `after` are left out; a lower level is an improvement.
    """
    previous = before or {}
    out: list[Change] = []
    for domain in DOMAINS:
        if domain not in after:
            continue
        now = after[domain]
        was = previous.get(domain)
        if was is None:
            direction = NEW
        elif now < was:
            direction = IMPROVED
        elif now > was:
            direction = WORSE
        else:
            direction = SAME
        out.append(Change(domain=domain, before=was, after=now, direction=direction))
    return out


def priority_domains(levels: Mapping[str, int]) -> list[str]:
    """Domains rated high or critical, most severe first (ties in the standard order)."""
    severe = [d for d in DOMAINS if levels.get(d, NONE) >= HIGH]
    return sorted(severe, key=lambda d: -levels[d])
