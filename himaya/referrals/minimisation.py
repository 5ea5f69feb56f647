"""Data minimisation: what a receiving agency sees of a referred person, per service type.

The receiving agency gets only what its service needs; the sending agency sees everything it
already could. Change this mapping (not the templates) to widen or narrow what a service sees.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from himaya.agencies.models import ServiceType

# Every field a referral page can show about the person and the case, in display order.
FIELD_LABELS: dict[str, Promise] = {
    "given_name_latin": _("Given name (Latin script)"),
    "family_name_latin": _("Family name (Latin script)"),
    "full_name_arabic": _("Full name (Arabic script)"),
    "gender": _("Sex / gender"),
    "age": _("Age"),
    "date_of_birth": _("Date of birth"),
    "nationality": _("Nationality"),
    "languages": _("Languages"),
    "is_child": _("Child (under 18)"),
    "urgent_flags": _("Urgent needs"),
    "document_number": _("Identity document number"),
    "phone": _("Phone"),
    "case_stage": _("Case stage"),
}
ALL_FIELDS = frozenset(FIELD_LABELS)
NAMES = frozenset({"given_name_latin", "family_name_latin", "full_name_arabic"})

MINIMISATION: dict[str, frozenset[str]] = {
    ServiceType.SHELTER: NAMES | {"gender", "age", "languages", "is_child", "urgent_flags"},
    ServiceType.MEDICAL: NAMES | {"gender", "age", "date_of_birth", "languages", "is_child", "urgent_flags"},
    ServiceType.PSYCHOSOCIAL: frozenset({"given_name_latin", "gender", "age", "languages", "is_child", "urgent_flags"}),
    ServiceType.LEGAL_AID: NAMES | {"nationality", "languages", "is_child", "document_number", "phone", "case_stage"},
    ServiceType.INTERPRETATION: frozenset({"given_name_latin", "languages"}),
    ServiceType.INVESTIGATION: ALL_FIELDS,
    ServiceType.TRAVEL_DOCUMENTS: NAMES | {"gender", "date_of_birth", "nationality", "document_number"},
    ServiceType.REPATRIATION: NAMES
    | {"gender", "date_of_birth", "nationality", "languages", "document_number", "phone", "is_child"},
    ServiceType.EMPLOYMENT_TRANSFER: NAMES | {"nationality", "languages", "document_number", "phone"},
    ServiceType.OTHER: frozenset({"given_name_latin", "languages"}),
}

# Person fields whose values are personal (a read of them is audited by name).
PERSON_VALUE_FIELDS = (
    "given_name_latin",
    "family_name_latin",
    "full_name_arabic",
    "date_of_birth",
    "document_number",
    "phone",
)


def fields_for(service_type: str) -> frozenset[str]:
    """The fields a receiving agency sees for this service (unknown services: the names only)."""
    return MINIMISATION.get(service_type, frozenset({"given_name_latin"}))


def _age(born: dt.date | None) -> int | None:
    if born is None:
        return None
    today = timezone.localdate()
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


def _value(name: str, case: Any, person: Any) -> Any:
    if name == "age":
        return _age(getattr(person, "date_of_birth", None))
    if name == "languages":
        raw = getattr(person, "languages", "") or ""
        return ", ".join(
            str(c).strip() for c in (raw if isinstance(raw, list | tuple) else str(raw).split(",")) if str(c).strip()
        )
    if name == "gender":
        return person.get_gender_display()
    if name == "is_child":
        return _("Yes") if case.is_child else _("No")
    if name == "urgent_flags":
        flags = [
            label
            for flag, label in (
                ("safety_risk", _("immediate safety risk")),
                ("medical_urgent", _("urgent medical need")),
                ("child_present", _("a child is present")),
            )
            if getattr(case, flag)
        ]
        return ", ".join(str(f) for f in flags)
    if name == "case_stage":
        return case.get_stage_display()
    return getattr(person, name, "")


def person_rows(*, case: Any, person: Any, fields: frozenset[str]) -> list[tuple[str, Any]]:
    """(label, value) rows for the given fields, in display order."""
    return [(str(FIELD_LABELS[n]), _value(n, case, person)) for n in FIELD_LABELS if n in fields]


def audited_fields(fields: frozenset[str]) -> list[str]:
    """The personal-value field names among `fields` (for the audit event; `age` reads date_of_birth)."""
    names = set(fields) & set(PERSON_VALUE_FIELDS)
    if "age" in fields:
        names.add("date_of_birth")
    return sorted(names)
