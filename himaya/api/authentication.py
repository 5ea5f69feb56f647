"""How API clients prove who they are: a bearer token, or a browser session that passed MFA."""

from __future__ import annotations

from typing import Any

from django.utils import translation
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, SessionAuthentication, get_authorization_header
from rest_framework.request import Request

from himaya.accounts import sessionkeys
from himaya.accounts.mfa import needs_second_factor
from himaya.api.selectors import token_resolve
from himaya.api.services import token_touch


def bearer_token_of(header: bytes) -> str | None:
    """The token in an `Authorization: Bearer <token>` header, "" when malformed, None when not Bearer."""
    parts = header.split()
    if not parts or parts[0].lower() != b"bearer":
        return None
    if len(parts) != 2:
        return ""
    try:
        return parts[1].decode("ascii")
    except UnicodeDecodeError:
        return ""


class BearerTokenAuthentication(BaseAuthentication):
    """`Authorization: Bearer hmy_<prefix>_<secret>` (tokens come from `himaya token issue`)."""

    keyword = "Bearer"

    def authenticate(self, request: Request) -> tuple[Any, Any] | None:
        raw = bearer_token_of(get_authorization_header(request))
        if raw is None:
            return None
        token = token_resolve(raw) if raw else None
        if token is None:
            raise exceptions.AuthenticationFailed(_("Invalid, expired or revoked token."))
        token_touch(token=token)
        if "HTTP_ACCEPT_LANGUAGE" not in request.META and token.user.language:
            # No language asked for: answer in the one the staff member chose.
            translation.activate(token.user.language)
            request._request.LANGUAGE_CODE = translation.get_language()  # type: ignore[attr-defined]
        return token.user, token

    def authenticate_header(self, request: Request) -> str:
        # Makes DRF answer 401 (not 403) to unauthenticated requests.
        return f'{self.keyword} realm="api"'


class MfaSessionAuthentication(SessionAuthentication):
    """A signed-in browser session (with CSRF), accepted only once the second factor was checked
    (or when the account neither needs nor has one).

    Integration accounts never use sessions, only tokens.
    """

    def authenticate(self, request: Request) -> tuple[Any, Any] | None:
        result = super().authenticate(request)
        if result is None:
            return None
        user = result[0]
        if getattr(user, "is_integration", False):
            return None
        session = getattr(request._request, "session", None)
        verified = bool(session is not None and session.get(sessionkeys.MFA_VERIFIED))
        if not verified and needs_second_factor(user):
            # Same gate as the pages: whoever enrolled a second factor must have passed it.
            return None
        return result
