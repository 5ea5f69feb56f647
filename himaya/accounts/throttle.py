"""Counting failed attempts and locking out (called inside the services' transactions).

Accounts are keyed by a keyed hash of the normalised e-mail, so an unknown e-mail is throttled
exactly like a real account and lockouts reveal nothing about who has an account.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils import timezone

from himaya.accounts.models import LoginThrottle, ThrottleKind
from himaya.core import normalise
from himaya.core.crypto import get_keyring


def account_key(email: str) -> str:
    return get_keyring().blind_index(normalise.email(email or "") or (email or "").strip().lower(), purpose="login")


def limit_for(kind: str) -> int:
    base = int(settings.LOGIN_FAILURE_LIMIT)
    if kind == ThrottleKind.IP:
        return int(getattr(settings, "LOGIN_IP_FAILURE_LIMIT", base * 10))
    return base


def lockout_seconds() -> int:
    return int(settings.LOGIN_LOCKOUT_SECONDS)


def is_locked(kind: str, key: str) -> bool:
    if not key:
        return False
    now = timezone.now()
    return LoginThrottle.objects.filter(kind=kind, key=key, locked_until__gt=now).exists()


def register_failure(kind: str, key: str) -> bool:
    """Count one failure; returns True when this failure started a lockout."""
    if not key:
        return False
    now = timezone.now()
    window = dt.timedelta(seconds=lockout_seconds())
    row, _ = LoginThrottle.objects.select_for_update().get_or_create(kind=kind, key=key)
    if row.window_started + window < now:
        row.failures = 0
        row.window_started = now
    row.failures += 1
    started_lock = False
    if row.failures >= limit_for(kind) and not (row.locked_until and row.locked_until > now):
        row.locked_until = now + window
        row.failures = 0
        row.window_started = now
        started_lock = True
    row.save()
    purge_stale(now)
    return started_lock


def purge_stale(now: dt.datetime | None = None) -> int:
    """Forget counters whose window and lockout are both over (keeps the table small)."""
    now = now or timezone.now()
    window = dt.timedelta(seconds=lockout_seconds())
    stale = LoginThrottle.objects.filter(window_started__lt=now - window).exclude(locked_until__gt=now)
    return stale.delete()[0]


def reset(kind: str, key: str) -> None:
    LoginThrottle.objects.filter(kind=kind, key=key).delete()
