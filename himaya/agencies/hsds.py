"""The agency directory as Open Referral HSDS 3.0 JSON: organizations and their services.

Public directory data only (names, contacts, services, languages, opening hours): never anything
about the people referred.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Any

from himaya.agencies.models import Agency, AgencyService

HSDS_VERSION = "3.0"
# Stable ids: UUIDv5 of the agency code (and service type) in a Himaya namespace.
NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://himaya.example/hsds")


def organization_id(agency: Agency) -> str:
    return str(uuid.uuid5(NAMESPACE, f"organization:{agency.code}"))


def service_id(service: AgencyService) -> str:
    return str(uuid.uuid5(NAMESPACE, f"service:{service.agency.code}:{service.service_type}"))


def organization(agency: Agency) -> dict[str, Any]:
    return {
        "id": organization_id(agency),
        "name": agency.name,
        "alternate_name": agency.name_en if agency.name != agency.name_en else agency.name_ar,
        "description": str(agency.get_type_display()),
        "email": agency.email or None,
        "website": agency.website or None,
        "phones": [{"number": agency.phone}] if agency.phone else [],
    }


def service(svc: AgencyService) -> dict[str, Any]:
    return {
        "id": service_id(svc),
        "organization_id": organization_id(svc.agency),
        "name": str(svc.get_service_type_display()),
        "description": svc.capacity_note or "",
        "status": "active" if svc.is_active else "inactive",
        "languages": [{"language": code} for code in svc.language_codes],
        "schedules": [{"description": svc.opening_hours}] if svc.opening_hours else [],
    }


def export(agencies: Iterable[Agency], services: Iterable[AgencyService]) -> dict[str, Any]:
    """HSDS 3.0 shape: {"organizations": [...], "services": [...]}."""
    return {
        "hsds_version": HSDS_VERSION,
        "organizations": [organization(a) for a in agencies],
        "services": [service(s) for s in services],
    }
