"""Himaya's deployment checks, registered with Django's check framework (tag: deploy).

They run with `manage.py check --deploy` and `himaya check`. In production (HIMAYA_ENV=production)
a broken safety setting is an error; elsewhere (the local demo, the test suite) the same finding is
a warning, so `himaya check` can be run on a laptop to see what production would refuse.
Messages name settings and files, never a secret's value.
"""

from __future__ import annotations

import stat
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, Warning, register
from django.utils.translation import gettext as _

# Fallback keys that must never reach production (see config/settings.py and Django's template).
_DEFAULT_SECRET_PREFIXES = ("insecure-", "unset-", "django-insecure")


def _is_production() -> bool:
    return getattr(settings, "HIMAYA_ENV", "production") == "production"


def _finding(msg: str, *, hint: str, id_suffix: str) -> CheckMessage:
    """An Error in production, a Warning elsewhere; ids are himaya.E0xx / himaya.W0xx accordingly."""
    if _is_production():
        return Error(msg, hint=hint, id=f"himaya.E{id_suffix}")
    return Warning(msg, hint=hint, id=f"himaya.W{id_suffix}")


def _key_file_messages(path: Path, *, what: str, id_base: int, hint_create: str) -> list[CheckMessage]:
    """Present, readable, a regular file, and private to its owner (mode 0600 or stricter)."""
    if not path.exists():
        return [
            Error(
                _("The %(what)s %(path)s does not exist.") % {"what": what, "path": path},
                hint=hint_create,
                id=f"himaya.E{id_base:03d}",
            )
        ]
    if not path.is_file():
        return [
            Error(
                _("The %(what)s %(path)s is not a regular file.") % {"what": what, "path": path},
                hint=hint_create,
                id=f"himaya.E{id_base:03d}",
            )
        ]
    try:
        with path.open("rb") as handle:
            handle.read(1)
    except OSError as exc:
        return [
            Error(
                _("The %(what)s %(path)s cannot be read (%(error)s).")
                % {"what": what, "path": path, "error": exc.strerror},
                hint=_("Run Himaya as the user that owns the key files."),
                id=f"himaya.E{id_base + 1:03d}",
            )
        ]
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & 0o077:
        return [
            _finding(
                _("The %(what)s %(path)s is accessible to other users (mode %(mode)o).")
                % {"what": what, "path": path, "mode": mode},
                hint=f"chmod 600 {path}",
                id_suffix=f"{id_base + 2:03d}",
            )
        ]
    return []


@register(Tags.security, deploy=True)
def check_keyring(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    path = Path(settings.HIMAYA_KEYRING_FILE)
    messages = _key_file_messages(
        path,
        what=_("data-encryption keyring"),
        id_base=1,
        hint_create=_("Create it with `himaya keys init` (and back it up), or point HIMAYA_KEYRING_FILE at it."),
    )
    if messages:
        return messages
    from himaya.core.crypto import Keyring

    try:
        Keyring.load(path)
    except Exception as exc:  # any parse failure means the data cannot be decrypted
        return [
            Error(
                _("The data-encryption keyring %(path)s is not a valid keyring (%(error)s).")
                % {"path": path, "error": type(exc).__name__},
                hint=_("Restore the keyring from its backup."),
                id="himaya.E004",
            )
        ]
    return []


@register(Tags.security, deploy=True)
def check_audit_signing_key(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    path = Path(settings.HIMAYA_AUDIT_SIGNING_KEY_FILE)
    messages = _key_file_messages(
        path,
        what=_("audit signing key"),
        id_base=11,
        hint_create=_("Create it with `himaya keys init`, or point HIMAYA_AUDIT_SIGNING_KEY_FILE at it."),
    )
    if messages:
        return messages
    try:
        from himaya.audit.signing import load_private_key
    except ImportError:  # pragma: no cover - the audit app ships signing
        return []
    try:
        load_private_key(path)
    except Exception as exc:
        return [
            Error(
                _("The audit signing key %(path)s is not a usable Ed25519 private key (%(error)s).")
                % {"path": path, "error": type(exc).__name__},
                hint=_("Restore it from its backup; never replace it silently, old checkpoints name its public key."),
                id="himaya.E014",
            )
        ]
    return []


@register(Tags.security, deploy=True)
def check_secret_key(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    secret = str(getattr(settings, "SECRET_KEY", ""))
    if getattr(settings, "SECRET_KEY_MISSING", False) or not secret or secret.startswith(_DEFAULT_SECRET_PREFIXES):
        return [
            _finding(
                _("SECRET_KEY is not set (a built-in placeholder is in use)."),
                hint=_(
                    "Set SECRET_KEY (or SECRET_KEY_FILE) to a long random value, e.g. "
                    "`python -c 'import secrets; print(secrets.token_urlsafe(50))'`."
                ),
                id_suffix="021",
            )
        ]
    return []


@register(Tags.security, deploy=True)
def check_debug_and_bypass(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    messages: list[CheckMessage] = []
    if settings.DEBUG:
        messages.append(
            _finding(
                _("DEBUG is on: error pages would show settings and personal data."),
                hint=_("Unset DEBUG."),
                id_suffix="031",
            )
        )
    if getattr(settings, "MFA_DEMO_BYPASS", False):
        messages.append(
            _finding(
                _("MFA_DEMO_BYPASS is on."),
                hint=_("Unset MFA_DEMO_BYPASS: it exists only for the local demo."),
                id_suffix="032",
            )
        )
    hosts = list(getattr(settings, "ALLOWED_HOSTS", []))
    if "*" in hosts or any(h.strip() == "*" for h in hosts):
        messages.append(
            _finding(
                _("ALLOWED_HOSTS accepts any host ('*')."),
                hint=_("Set ALLOWED_HOSTS to the host names Himaya is served under."),
                id_suffix="033",
            )
        )
    return messages


@register(Tags.security, deploy=True)
def check_transport_security(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """Production must be served over TLS only: secure cookies and HSTS."""
    if not _is_production():
        return []
    required: list[tuple[str, Callable[[Any], bool]]] = [
        ("SESSION_COOKIE_SECURE", bool),
        ("CSRF_COOKIE_SECURE", bool),
        ("LANGUAGE_COOKIE_SECURE", bool),
        ("SECURE_HSTS_SECONDS", lambda v: bool(v) and int(v) >= 31_536_000),
    ]
    off = [name for name, ok in required if not ok(getattr(settings, name, None))]
    if off:
        return [
            Error(
                _("Transport security is off in production: %(settings)s.") % {"settings": ", ".join(off)},
                hint=_(
                    "Do not set SECURE_TRANSPORT=false in production; serve Himaya behind TLS "
                    "(and SECURE_HSTS_SECONDS at least one year)."
                ),
                id="himaya.E041",
            )
        ]
    return []


def _database_vendor() -> str:
    from django.db import connections

    return str(connections["default"].vendor)


@register(Tags.database, deploy=True)
def check_database_engine(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    if _is_production() and _database_vendor() != "postgresql":
        return [
            Warning(
                _("Production is running on SQLite, not PostgreSQL."),
                hint=_("Set DATABASE_URL=postgres://… ; SQLite is meant for the demo and small trials."),
                id="himaya.W051",
            )
        ]
    return []


@register(Tags.security, deploy=True)
def check_environment(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    env = getattr(settings, "HIMAYA_ENV", "production")
    if env != "production":
        return [
            Warning(
                _("HIMAYA_ENV is %(env)r: this is not a production configuration.") % {"env": env},
                hint=_("A real deployment runs with HIMAYA_ENV unset (or 'production')."),
                id="himaya.W001",
            )
        ]
    return []


@register(Tags.security, deploy=True)
def check_no_demo_accounts(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """The demo's accounts have a published password: they must never be active in production."""
    if not _is_production():
        return []
    from django.db import DatabaseError

    from himaya.accounts.models import User
    from himaya.demo.data import EMAIL_DOMAIN

    try:
        count = User.objects.filter(email__iendswith=f".{EMAIL_DOMAIN}", is_active=True).count()
    except DatabaseError:  # not migrated yet, or the database is down: other checks say so
        return []
    if count:
        return [
            Error(
                _("%(count)d active account(s) have demo e-mail addresses (…@….%(domain)s) and a public password.")
                % {"count": count, "domain": EMAIL_DOMAIN},
                hint=_("This database was seeded with the demo data: do not use it in production."),
                id="himaya.E061",
            )
        ]
    return []
