"""DRF's rate throttles, keyed on the client address the deployment's proxy settings give
(`himaya.core.clientip`), not on DRF's own reading of X-Forwarded-For (which, unconfigured, takes
the whole header as the client wrote it)."""

from __future__ import annotations

from typing import Any

from rest_framework.throttling import AnonRateThrottle, UserRateThrottle

from himaya.core.clientip import client_ip


class ClientAnonRateThrottle(AnonRateThrottle):
    def get_ident(self, request: Any) -> str:
        return client_ip(request)


class ClientUserRateThrottle(UserRateThrottle):
    def get_ident(self, request: Any) -> str:
        return client_ip(request)
