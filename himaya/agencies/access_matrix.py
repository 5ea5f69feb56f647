"""Who gets what on every agency-directory URL (see himaya/access/matrix.py for the format)."""

from __future__ import annotations

from typing import Any

from himaya.access.matrix import Expect
from himaya.testing import USERS

EVERYONE = set(USERS) - {"gone"}
# The EPC's own administrator and the system administrator edit the EPC's entry.
EPC_EDITORS = {"dora", "sysop"}


def _epc(w: Any) -> dict[str, Any]:
    return {"pk": w.cast.agencies["epc"].pk}


def _epc_service(w: Any) -> dict[str, Any]:
    from himaya.agencies.models import AgencyService, ServiceType

    epc = w.cast.agencies["epc"]
    service, _ = AgencyService.objects.get_or_create(
        agency=epc, service_type=ServiceType.INTERPRETATION, defaults={"languages": "ar,en"}
    )
    return {"pk": epc.pk, "service_pk": service.pk}


def _agency_data(w: Any) -> dict[str, Any]:
    epc = w.cast.agencies["epc"]
    return {"name_ar": epc.name_ar, "name_en": epc.name_en, "phone": "+973 1700 0000"}


EXPECTATIONS = {
    "agencies:list": Expect(ok=EVERYONE),
    "agencies:detail": Expect(kwargs=_epc, ok=EVERYONE),
    "agencies:edit": Expect(method="post", kwargs=_epc, data=_agency_data, ok=EPC_EDITORS, ok_status=302),
    "agencies:service_add": Expect(
        method="post",
        kwargs=_epc,
        data=lambda w: {"service_type": "legal_aid", "languages": "ar,en", "is_active": "on"},
        ok=EPC_EDITORS,
        ok_status=302,
    ),
    "agencies:service_edit": Expect(kwargs=_epc_service, ok=EPC_EDITORS),
    "agencies:service_remove": Expect(method="post", kwargs=_epc_service, ok=EPC_EDITORS, ok_status=302),
}
