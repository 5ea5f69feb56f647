"""Session policy, the user's language, and the second-factor gate for every page."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils import translation

from himaya.accounts import sessionkeys

API_PREFIX = "/api/"
# How often LAST_SEEN is rewritten (seconds): saves a session write on every request.
LAST_SEEN_RESOLUTION = 15


def _is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def redirect_to(request: HttpRequest, url: str) -> HttpResponse:
    """A redirect that also works for htmx requests (they follow `HX-Redirect` with a full page load)."""
    if _is_htmx(request):
        response = HttpResponse(status=204)
        response["HX-Redirect"] = url
        return response
    return HttpResponseRedirect(url)


class SessionPolicyMiddleware:
    """Idle and absolute session timeouts; integration accounts never keep a page session.

    Deactivated accounts need nothing here: StaffBackend.get_user, like Django's ModelBackend,
    refuses inactive users, so their next request is anonymous.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            reason = self._expired(request, user)
            if reason:
                from himaya.accounts.services import session_end

                session_end(actor=user, request=request, reason=reason)
                if request.path.startswith(API_PREFIX):
                    return self.get_response(request)
                login_url = reverse(settings.LOGIN_URL) + "?" + urlencode({"expired": "1"})
                return redirect_to(request, login_url)
        return self.get_response(request)

    @staticmethod
    def _expired(request: HttpRequest, user: Any) -> str:
        if user.is_integration:
            return "integration"
        session = request.session
        now = int(time.time())
        started = session.get(sessionkeys.STARTED)
        last_seen = session.get(sessionkeys.LAST_SEEN)
        if not isinstance(started, int) or not isinstance(last_seen, int):
            # Only sessions created outside the sign-in views (force_login) lack the clocks.
            session[sessionkeys.STARTED] = session[sessionkeys.LAST_SEEN] = now
            return ""
        if now - started > int(settings.SESSION_ABSOLUTE_TIMEOUT):
            return "absolute"
        if now - last_seen > int(settings.SESSION_IDLE_TIMEOUT):
            return "idle"
        if now - last_seen >= LAST_SEEN_RESOLUTION:
            session[sessionkeys.LAST_SEEN] = now
        return ""


class UserLanguageMiddleware:
    """A signed-in user without a language cookie gets their saved language; switching language
    with the navbar (`set_language`) saves the choice as their preference."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user: Any = getattr(request, "user", None)
        signed_in = user is not None and user.is_authenticated
        if signed_in and settings.LANGUAGE_COOKIE_NAME not in request.COOKIES:
            language = user.language if user.language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
            translation.activate(language)
            request.LANGUAGE_CODE = language  # type: ignore[attr-defined]
        response = self.get_response(request)
        if signed_in and request.method == "POST" and request.path == reverse("set_language"):
            cookie = response.cookies.get(settings.LANGUAGE_COOKIE_NAME)
            chosen = cookie.value if cookie is not None else ""
            if chosen and chosen != user.language and chosen in dict(settings.LANGUAGES):
                from himaya.accounts.services import profile_update

                profile_update(actor=user, language=chosen)
        return response


class MfaRequiredMiddleware:
    """Pages need a session that passed the second factor, for everyone who needs one.

    Open without it: sign-in, sign-out, the MFA pages, invitations, language switching. The API
    (/api/) is left to its own authentication classes (MfaSessionAuthentication checks the flag).
    """

    OPEN_VIEWS = frozenset(
        {
            "accounts:login",
            "accounts:logout",
            "accounts:mfa_verify",
            "accounts:mfa_setup",
            "accounts:invite_accept",
            "set_language",
        }
    )

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view_func: Callable[..., Any], view_args: Any, view_kwargs: Any
    ) -> HttpResponse | None:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        if request.path.startswith(API_PREFIX) or request.path.startswith(settings.STATIC_URL):
            return None
        match = request.resolver_match
        if match is not None and match.view_name in self.OPEN_VIEWS:
            return None
        if request.session.get(sessionkeys.MFA_VERIFIED):
            return None
        from himaya.accounts import mfa

        if user.mfa_required:
            target = "accounts:mfa_verify" if mfa.has_confirmed_device(user) else "accounts:mfa_setup"
        elif mfa.has_confirmed_device(user):
            target = "accounts:mfa_verify"
        else:
            return None
        url = reverse(target)
        if request.method == "GET" and not _is_htmx(request):
            url += "?" + urlencode({"next": request.get_full_path()})
        return redirect_to(request, url)
