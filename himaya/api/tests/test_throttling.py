"""The API throttles key on the client address the proxy settings give, not on a header the
client can write."""

from __future__ import annotations

from django.test import RequestFactory

from himaya.api.throttling import ClientAnonRateThrottle


def test_the_api_throttle_ignores_a_forwarded_header_it_was_not_told_to_trust(settings):
    request = RequestFactory().get("/api/v1/me/", REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR="203.0.113.9")
    settings.HIMAYA_PROXY_HOPS = 0
    assert ClientAnonRateThrottle().get_ident(request) == "10.0.0.5"
    settings.HIMAYA_PROXY_HOPS = 1
    assert ClientAnonRateThrottle().get_ident(request) == "203.0.113.9"
