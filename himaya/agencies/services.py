"""Writes to the agency directory. Each is one transaction with its audit event."""

from __future__ import annotations

import re
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from himaya.access import policy
from himaya.agencies.models import Agency, AgencyService, ServiceType
from himaya.audit.services import audit_record

AGENCY_EDITABLE_FIELDS = ("name_ar", "name_en", "email", "phone", "address_ar", "address_en", "website")
SERVICE_FIELDS = ("languages", "capacity_note", "opening_hours", "is_active")
LANGUAGE_CODE = re.compile(r"^[a-z]{2,3}$")


def _strip(values: dict[str, Any]) -> dict[str, Any]:
    return {k: (" ".join(v.split()) if isinstance(v, str) else v) for k, v in values.items()}


def agency_update(*, actor: Any, agency: Agency, **values: Any) -> Agency:
    """Change an agency's names and contact details (its administrators, or a system administrator)."""
    policy.require(actor, policy.CHANGE, agency)
    unknown = set(values) - set(AGENCY_EDITABLE_FIELDS)
    if unknown:
        raise ValidationError(_("Unknown fields: %(fields)s") % {"fields": ", ".join(sorted(unknown))})
    cleaned = _strip(values)
    for name in ("name_ar", "name_en"):
        if name in cleaned and not cleaned[name]:
            raise ValidationError({name: _("An agency needs a name in Arabic and in English.")})
    changed = [name for name, value in cleaned.items() if getattr(agency, name) != value]
    if not changed:
        return agency
    for name in changed:
        setattr(agency, name, cleaned[name])
    agency.full_clean()
    with transaction.atomic():
        agency.save(update_fields=changed)
        audit_record(actor=actor, action="agencies.agency.update", obj=agency, fields=changed)
    return agency


def normalise_languages(raw: str) -> str:
    """'AR, en ,hi' → 'ar,en,hi'; an unknown shape raises a ValidationError."""
    codes: list[str] = []
    for part in re.split(r"[,\s،]+", raw or ""):
        code = part.strip().lower()
        if not code:
            continue
        if not LANGUAGE_CODE.match(code):
            raise ValidationError({"languages": _("Use ISO 639 language codes separated by commas, e.g. ar,en,hi.")})
        if code not in codes:
            codes.append(code)
    return ",".join(codes)


def agency_service_set(
    *,
    actor: Any,
    agency: Agency,
    service_type: str,
    languages: str = "",
    capacity_note: str = "",
    opening_hours: str = "",
    is_active: bool = True,
) -> AgencyService:
    """Add the service to the agency, or change it if the agency already offers it."""
    policy.require(actor, policy.CHANGE, agency)
    if service_type not in ServiceType.values:
        raise ValidationError({"service_type": _("Choose a service from the list.")})
    values = _strip(
        {
            "languages": normalise_languages(languages),
            "capacity_note": capacity_note,
            "opening_hours": opening_hours,
            "is_active": bool(is_active),
        }
    )
    with transaction.atomic():
        service = AgencyService.objects.select_for_update().filter(agency=agency, service_type=service_type).first()
        if service is None:
            service = AgencyService(agency=agency, service_type=service_type, **values)
            service.full_clean()
            service.save()
            action, changed = "agencies.service.add", [k for k, v in values.items() if v not in ("", None)]
        else:
            changed = [k for k, v in values.items() if getattr(service, k) != v]
            if not changed:
                return service
            for k in changed:
                setattr(service, k, values[k])
            service.full_clean()
            service.save(update_fields=changed)
            action = "agencies.service.update"
        audit_record(
            actor=actor,
            action=action,
            object_type=AgencyService._meta.label_lower,
            object_id=str(service.pk),
            fields=changed,
            detail=f"agency:{agency.pk},service:{service_type}",
        )
    return service


def agency_service_remove(*, actor: Any, service: AgencyService) -> None:
    """Remove a service from its agency's directory entry."""
    agency = service.agency
    policy.require(actor, policy.CHANGE, agency)
    with transaction.atomic():
        pk = service.pk
        service.delete()
        audit_record(
            actor=actor,
            action="agencies.service.remove",
            object_type=AgencyService._meta.label_lower,
            object_id=str(pk),
            detail=f"agency:{agency.pk},service:{service.service_type}",
        )
