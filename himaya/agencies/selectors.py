"""Reads of the agency directory, starting from the access policy."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.utils.translation import get_language

from himaya.access import policy
from himaya.agencies.models import Agency, AgencyService


def agency_list(*, actor: Any, search: str = "", type: str = "") -> QuerySet[Agency]:
    """Agencies the actor may see; `search` matches the Arabic or English name, `type` the agency type."""
    qs = policy.visible(actor, Agency)
    search = " ".join(search.split())
    if search:
        qs = qs.filter(Q(name_ar__icontains=search) | Q(name_en__icontains=search) | Q(code__iexact=search))
    if type:
        qs = qs.filter(type=type)
    by_name = "name_ar" if (get_language() or "ar").startswith("ar") else "name_en"
    return qs.prefetch_related(
        Prefetch("services", queryset=AgencyService.objects.filter(is_active=True), to_attr="active_services")
    ).order_by(by_name, "pk")


def agency_get(*, actor: Any, pk: Any, action: str = policy.VIEW) -> Agency:
    """One agency the actor may `action` (view, or change for its administrators); Http404 otherwise."""
    return policy.get_for(actor, Agency, pk, action)


def agency_services(*, agency: Agency, include_inactive: bool = False) -> QuerySet[AgencyService]:
    qs = agency.services.all()
    return qs if include_inactive else qs.filter(is_active=True)


def service_get(*, actor: Any, agency_pk: Any, pk: Any) -> AgencyService:
    """A service of an agency the actor may change, or Http404."""
    from django.http import Http404
    from django.utils.translation import gettext as _

    agency = agency_get(actor=actor, pk=agency_pk, action=policy.CHANGE)
    service = AgencyService.objects.filter(agency=agency, pk=pk).first()
    if service is None:
        raise Http404(_("Not found."))
    return service
