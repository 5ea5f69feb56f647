"""Idempotency-Key for POST, PUT and PATCH under /api/, and JSON errors for the whole /api/ prefix.

Why a middleware and not a DRF mixin: it covers every API write, present and future, without each
view opting in. DRF authenticates inside the view, so the middleware resolves the caller itself,
cheaply and without side effects: the bearer token's row (no last-used update, no audit), or the
session user once MFA was passed. A request whose caller cannot be resolved goes through untouched;
the view then refuses it (401), and nothing is recorded.

For a known caller and key:
- first time: an in-flight record is inserted and committed *before* the view runs, so a
  concurrent duplicate sees it (409); the view's response is then stored (encrypted) and replayed
  to later retries with `Idempotent-Replayed: true`;
- same key, different body, method or path: 422;
- responses that say "try again" (401, 403, 409, 429, 5xx) are not stored: the record is dropped
  so the client can retry with the same key.
Records live 24 hours.
"""

from __future__ import annotations

import datetime
import hashlib
import logging
from collections.abc import Callable

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import RequestDataTooBig
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from himaya.accounts import sessionkeys
from himaya.accounts.mfa import needs_second_factor
from himaya.api.errors import as_api_error, error_response, is_api_request
from himaya.api.models import IdempotencyRecord, IdempotencyState
from himaya.core.crypto import get_keyring

logger = logging.getLogger("himaya.api")

HEADER = "Idempotency-Key"
MAX_KEY_LENGTH = 200
LIFETIME = datetime.timedelta(hours=24)
# An in-flight record this old belongs to a request that died (worker killed): it may be retried.
ABANDONED_AFTER = datetime.timedelta(minutes=10)
PURGE_EVERY = datetime.timedelta(minutes=5)
METHODS = {"POST", "PUT", "PATCH"}
NOT_STORED = {401, 403, 409, 429}
CRYPTO_CONTEXT = "api_idempotencyrecord.response_body"


def resolve_user_id(request: HttpRequest) -> int | None:
    """Who is calling, without side effects; None when the view is going to refuse the request anyway."""
    from himaya.api.authentication import bearer_token_of
    from himaya.api.selectors import token_resolve

    raw = bearer_token_of(request.META.get("HTTP_AUTHORIZATION", "").encode("iso-8859-1", "replace"))
    if raw is not None:
        token = token_resolve(raw) if raw else None
        return token.user_id if token is not None else None
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not user.is_active or getattr(user, "is_integration", False):
        return None
    if not request.session.get(sessionkeys.MFA_VERIFIED) and needs_second_factor(user):
        return None
    return int(user.pk)


_last_purge: datetime.datetime | None = None


def purge_expired(now: datetime.datetime) -> None:
    """Drop records older than 24 hours, at most every few minutes per process (no cron job needed)."""
    global _last_purge
    if _last_purge is not None and now - _last_purge < PURGE_EVERY:
        return
    _last_purge = now
    IdempotencyRecord.objects.filter(created_at__lt=now - LIFETIME).delete()


class IdempotencyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not is_api_request(request):
            return self.get_response(request)
        response = self.handle(request)
        if getattr(request, "user", AnonymousUser()) is None:
            # DRF's UNAUTHENTICATED_USER = None leaves `request.user = None` behind; the outer
            # middleware (security headers, session policy) expect a user object.
            request.user = AnonymousUser()
        response = as_api_error(request, response)
        # API answers (replays included) carry personal data: never keep them in a shared cache.
        response.setdefault("Cache-Control", "no-store")
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        # DRF views turn their exceptions into responses; this catches anything else under /api/.
        if not is_api_request(request):
            return None
        from himaya.api.errors import default_messages

        logger.exception("Unhandled API error", exc_info=exception)
        return error_response(500, "server_error", default_messages()["server_error"], request=request)

    def handle(self, request: HttpRequest) -> HttpResponse:
        key = request.headers.get(HEADER)
        if key is None or request.method not in METHODS:
            return self.get_response(request)
        user_id = resolve_user_id(request)
        if user_id is None:
            return self.get_response(request)
        key = key.strip()
        if not key or len(key) > MAX_KEY_LENGTH or not key.isprintable():
            message = _("The Idempotency-Key header must be 1 to %(limit)d printable characters.") % {
                "limit": MAX_KEY_LENGTH
            }
            return error_response(400, "invalid_idempotency_key", message, request=request)

        method_path = f"{request.method} {request.get_full_path()}"[:500]
        try:
            request_hash = hashlib.sha256(request.body).hexdigest()
        except RequestDataTooBig:
            return error_response(413, "too_large", _("The request body is too large."), request=request)
        record, created = self.claim(user_id, key, method_path, request_hash)
        if not created:
            return self.answer_repeat(request, record, method_path, request_hash)

        try:
            response = self.get_response(request)
        except Exception:
            IdempotencyRecord.objects.filter(pk=record.pk).delete()
            raise
        self.settle(record, response)
        return response

    @staticmethod
    def claim(user_id: int, key: str, method_path: str, request_hash: str) -> tuple[IdempotencyRecord, bool]:
        """Insert the in-flight record in its own committed transaction; or return the existing one."""
        now = timezone.now()
        purge_expired(now)
        # This key's own record when it expired, or when its request died without an answer.
        IdempotencyRecord.objects.filter(user_id=user_id, key=key).filter(
            Q(created_at__lt=now - LIFETIME) | Q(state=IdempotencyState.IN_FLIGHT, created_at__lt=now - ABANDONED_AFTER)
        ).delete()
        try:
            with transaction.atomic():
                record = IdempotencyRecord.objects.create(
                    user_id=user_id, key=key, method_path=method_path, request_hash=request_hash, created_at=now
                )
            return record, True
        except IntegrityError:
            existing = IdempotencyRecord.objects.filter(user_id=user_id, key=key).first()
            if existing is None:  # finished and dropped in between: one more try
                with transaction.atomic():
                    record = IdempotencyRecord.objects.create(
                        user_id=user_id, key=key, method_path=method_path, request_hash=request_hash, created_at=now
                    )
                return record, True
            return existing, False

    @staticmethod
    def answer_repeat(
        request: HttpRequest, record: IdempotencyRecord, method_path: str, request_hash: str
    ) -> HttpResponse:
        if record.method_path != method_path or record.request_hash != request_hash:
            return error_response(
                422,
                "idempotency_key_reused",
                _("This Idempotency-Key was already used for a different request."),
                request=request,
            )
        if record.state != IdempotencyState.DONE or record.status_code is None:
            return error_response(
                409,
                "request_in_progress",
                _("A request with this Idempotency-Key is still being processed. Try again shortly."),
                request=request,
            )
        body = get_keyring().decrypt(record.response_body, context=CRYPTO_CONTEXT) if record.response_body else ""
        replay = HttpResponse(body.encode("utf-8"), status=record.status_code, content_type=record.content_type)
        replay["Idempotent-Replayed"] = "true"
        return replay

    @staticmethod
    def settle(record: IdempotencyRecord, response: HttpResponse) -> None:
        status = response.status_code
        storable = not response.streaming and status < 500 and status not in NOT_STORED
        if not storable:
            IdempotencyRecord.objects.filter(pk=record.pk).delete()
            return
        try:
            body = response.content.decode("utf-8")
        except UnicodeDecodeError:
            IdempotencyRecord.objects.filter(pk=record.pk).delete()
            return
        IdempotencyRecord.objects.filter(pk=record.pk).update(
            state=IdempotencyState.DONE,
            status_code=status,
            response_body=get_keyring().encrypt(body, context=CRYPTO_CONTEXT) if body else "",
            content_type=response.get("Content-Type", "application/json")[:100],
        )
