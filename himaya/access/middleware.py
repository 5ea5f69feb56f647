"""Per-request memo of access decisions for requests that change nothing (see policy.decisions_memoised)."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from himaya.access import policy

SAFE_METHODS = frozenset({"GET", "HEAD"})


class PolicyMemoMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method not in SAFE_METHODS:
            return self.get_response(request)
        with policy.decisions_memoised():
            return self.get_response(request)
