"""Himaya settings: one readable module, driven by environment variables.

Secure by default: DEBUG is off, cookies are secure and HSTS is on unless HIMAYA_ENV says
this is the local demo or the test suite. Secrets can come from `NAME_FILE` (Docker/K8s secrets).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env(name: str, default: str = "") -> str:
    """Read NAME, or the contents of the file named by NAME_FILE."""
    file_name = os.environ.get(f"{name}_FILE")
    if file_name:
        return Path(file_name).read_text(encoding="utf-8").strip()
    return os.environ.get(name, default)


def envbool(name: str, default: bool) -> bool:
    value = env(name, "")
    if value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def envint(name: str, default: int) -> int:
    value = env(name, "")
    return int(value) if value.strip() else default


# "production" (default), "demo" (local demo over plain HTTP) or "test" (the suite).
HIMAYA_ENV = env("HIMAYA_ENV", "test" if "pytest" in sys.modules else "production")
IS_PRODUCTION = HIMAYA_ENV == "production"
VAR_DIR = Path(env("HIMAYA_VAR_DIR", str(BASE_DIR / "var")))

DEBUG = envbool("DEBUG", False)
SECRET_KEY = env("SECRET_KEY", "")
# `himaya check` refuses to pass a production deployment without its own SECRET_KEY.
SECRET_KEY_MISSING = not SECRET_KEY
if not SECRET_KEY:
    SECRET_KEY = (
        ("unset-" + os.urandom(32).hex()) if IS_PRODUCTION else f"insecure-{HIMAYA_ENV}-key-never-in-production"
    )

ALLOWED_HOSTS = [h for h in env("ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h]
CSRF_TRUSTED_ORIGINS = [o for o in env("CSRF_TRUSTED_ORIGINS", "").split(",") if o]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "django_tasks",
    "django_tasks_db",
    "himaya.core",
    "himaya.audit",
    "himaya.agencies",
    "himaya.accounts",
    "himaya.access",
    "himaya.people",
    "himaya.cases",
    "himaya.consent",
    "himaya.referrals",
    "himaya.notifications",
    "himaya.screening",
    "himaya.intake",
    "himaya.prevention",
    "himaya.shelters",
    "himaya.api",
    "himaya.dashboard",
    "himaya.demo",
    "himaya.assistance",
    "himaya.training",
]

MIDDLEWARE = [
    "himaya.core.middleware.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "himaya.core.middleware.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "himaya.access.middleware.PolicyMemoMiddleware",
    "himaya.accounts.middleware.SessionPolicyMiddleware",
    "himaya.accounts.middleware.UserLanguageMiddleware",
    "himaya.accounts.middleware.MfaRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "himaya.api.idempotency.IdempotencyMiddleware",
]

# Django's form renderer, with the plain widgets written in Python (himaya/core/forms.py).
FORM_RENDERER = "himaya.core.forms.Renderer"
ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "himaya.core.context_processors.himaya",
            ],
            # `{% url %}` with reverse remembered per pattern (same syntax and output).
            "builtins": ["himaya.core.templatetags.urls_cached"],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
# SQLite is the embedded default; PostgreSQL (DATABASE_URL=postgres://…) is production.
DATABASE_URL = env("DATABASE_URL", "")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=envint("DB_CONN_MAX_AGE", 60))}
    if env("DATABASE_TEST_NAME"):
        # Lets several suites run side by side on one PostgreSQL server.
        DATABASES["default"]["TEST"] = {"NAME": env("DATABASE_TEST_NAME")}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": env("SQLITE_PATH", str(VAR_DIR / "himaya.sqlite3")),
        }
    }
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    DATABASES["default"]["OPTIONS"] = {
        # IMMEDIATE takes the write lock at BEGIN, so concurrent writers queue instead of failing
        # on a lock upgrade; the audit chain relies on that serialisation.
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
    }
    DATABASES["default"]["TEST"] = {"NAME": env("SQLITE_TEST_PATH", "")} if env("SQLITE_TEST_PATH") else {}
elif DATABASES["default"]["ENGINE"].endswith("postgresql"):
    # Django's backend, loading timestamps with psycopg's C loader (himaya/core/postgresql/base.py).
    DATABASES["default"]["ENGINE"] = "himaya.core.postgresql"
    DATABASES["default"]["OPTIONS"] = {
        # Parameters travel apart from the SQL (server-side binding), so psycopg can prepare a
        # statement it has run `DB_PREPARE_THRESHOLD` times on this connection: PostgreSQL then
        # stops re-planning the same policy-filtered queries on every request. Behind a pooler in
        # transaction mode older than PgBouncer 1.21, set DB_PREPARE_THRESHOLD=0 (no prepared statements).
        "server_side_binding": envbool("DB_SERVER_SIDE_BINDING", True),
        "prepare_threshold": envint("DB_PREPARE_THRESHOLD", 5) or None,
    }
    if not envbool("DB_JIT", False):
        # PostgreSQL's JIT compiles any query its planner costs above jit_above_cost: for a page's
        # query that is 10-15 ms of compiling to save a millisecond (an embassy's case count took
        # 46 ms, 14 of them JIT). Web requests are short queries; analytics reads go to DuckDB.
        DATABASES["default"]["OPTIONS"]["options"] = "-c jit=off"

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache ----------------------------------------------------------------------------------
REDIS_URL = env("REDIS_URL", "")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Authentication -------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
# ModelBackend, loading a request's user with its agency and roles in one query.
AUTHENTICATION_BACKENDS = ["himaya.accounts.backends.StaffBackend"]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "dashboard:home"
LOGOUT_REDIRECT_URL = "accounts:login"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
# NIST SP 800-63B: length and a blocklist, no composition rules.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "himaya.accounts.passwords.MaximumLengthValidator"},
]
if HIMAYA_ENV == "test":
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *PASSWORD_HASHERS]

LOGIN_FAILURE_LIMIT = envint("LOGIN_FAILURE_LIMIT", 5)
LOGIN_LOCKOUT_SECONDS = envint("LOGIN_LOCKOUT_SECONDS", 15 * 60)
SESSION_IDLE_TIMEOUT = envint("SESSION_IDLE_TIMEOUT", 30 * 60)
SESSION_ABSOLUTE_TIMEOUT = envint("SESSION_ABSOLUTE_TIMEOUT", 10 * 60 * 60)
SESSION_COOKIE_AGE = SESSION_ABSOLUTE_TIMEOUT
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
# Django's database sessions, read with one plain SELECT instead of an ORM query (accounts/sessions.py).
SESSION_ENGINE = "himaya.accounts.sessions"
# Only for the local demo: MFA codes are still checked, but `himaya check` refuses this flag.
MFA_DEMO_BYPASS = envbool("MFA_DEMO_BYPASS", False)
BREAK_GLASS_MINUTES = envint("BREAK_GLASS_MINUTES", 60)
API_TOKEN_DAYS = envint("API_TOKEN_DAYS", 90)

# --- Security headers -----------------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
_secure_transport = envbool("SECURE_TRANSPORT", IS_PRODUCTION)
SESSION_COOKIE_SECURE = _secure_transport
CSRF_COOKIE_SECURE = _secure_transport
LANGUAGE_COOKIE_SECURE = _secure_transport
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", _secure_transport)
SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", 31_536_000 if _secure_transport else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = _secure_transport
SECURE_HSTS_PRELOAD = envbool("SECURE_HSTS_PRELOAD", False)
# The reverse proxies in front (himaya/core/clientip.py): by default none, and only REMOTE_ADDR
# identifies the client; `HIMAYA_PROXY_HOPS=1` behind one nginx, or `HIMAYA_TRUSTED_PROXIES` with
# the proxies' addresses/networks, makes the throttles read the client from X-Forwarded-For.
HIMAYA_PROXY_HOPS = envint("HIMAYA_PROXY_HOPS", 0)
try:
    from himaya.core.clientip import parse_networks

    HIMAYA_TRUSTED_PROXIES = parse_networks(env("HIMAYA_TRUSTED_PROXIES", ""))
except ValueError as _error:
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured(f"HIMAYA_TRUSTED_PROXIES: {_error}") from None
if env("SECURE_PROXY_SSL_HEADER", ""):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Everything is served from this origin: no CDN, no inline script.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
    "connect-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'; object-src 'none'"
)

# --- Internationalisation -------------------------------------------------------------------
LANGUAGE_CODE = "ar"
LANGUAGES = [("ar", _("Arabic")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["config.formats"]
TIME_ZONE = env("TIME_ZONE", "Asia/Bahrain")
USE_I18N = True
USE_TZ = True

# --- Static files (vendored; never a CDN) ---------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(env("STATIC_ROOT", str(VAR_DIR / "static")))
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = not IS_PRODUCTION

# --- Himaya keys (separate from SECRET_KEY) -------------------------------------------------
# The keyring holds the data-encryption keys and the blind-index key; the audit signing key
# signs checkpoints. Both live outside the database and outside the settings.
HIMAYA_KEYRING_FILE = Path(env("HIMAYA_KEYRING_FILE", str(VAR_DIR / "keys" / "keyring.json")))
HIMAYA_AUDIT_SIGNING_KEY_FILE = Path(env("HIMAYA_AUDIT_SIGNING_KEY_FILE", str(VAR_DIR / "keys" / "audit-signing.key")))
HIMAYA_AUDIT_CHECKPOINT_DIR = Path(env("HIMAYA_AUDIT_CHECKPOINT_DIR", str(VAR_DIR / "checkpoints")))

# --- NRM jurisdiction: working week, holidays and legal clocks (himaya/clocks/data/<code>.json) ---
HIMAYA_JURISDICTION = env("HIMAYA_JURISDICTION", "BH")
HIMAYA_BASE_URL = env("HIMAYA_BASE_URL", "")
# Dashboards count from summary tables rebuilt by a task; older than this (seconds), they count live.
HIMAYA_SUMMARY_MAX_AGE = envint("HIMAYA_SUMMARY_MAX_AGE", 300)
# Training centre: certificate-signing key (own file), optional first-responder qualification rule.
HIMAYA_CERTIFICATE_SIGNING_KEY_FILE = Path(
    env("HIMAYA_CERTIFICATE_SIGNING_KEY_FILE", str(VAR_DIR / "keys" / "certificate-signing.key"))
)
# When true, only staff with a valid first-responder certificate may record screenings or decide.
HIMAYA_TRAINING_REQUIRE_FIRST_RESPONDER_CERTIFICATE = envbool(
    "HIMAYA_TRAINING_REQUIRE_FIRST_RESPONDER_CERTIFICATE", False
)
HIMAYA_TRAINING_VERIFY_PER_MINUTE = envint("HIMAYA_TRAINING_VERIFY_PER_MINUTE", 30)
# Follow-up contacts after a person leaves assistance, in months after the exit (closure criteria).
# A bad value stops the start-up rather than silently closing cases on the wrong schedule.
try:
    from himaya.assistance.closure import parse_follow_up_months

    HIMAYA_FOLLOW_UP_MONTHS = parse_follow_up_months(env("HIMAYA_FOLLOW_UP_MONTHS", "1,3,6"))
except ValueError as _error:
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured(f"HIMAYA_FOLLOW_UP_MONTHS: {_error}") from None

# --- API ------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "himaya.api.authentication.BearerTokenAuthentication",
        "himaya.api.authentication.MfaSessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "himaya.api.pagination.CappedPageNumberPagination",
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "himaya.api.errors.exception_handler",
    "DEFAULT_THROTTLE_CLASSES": [
        "himaya.api.throttling.ClientAnonRateThrottle",
        "himaya.api.throttling.ClientUserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env("API_THROTTLE_ANON", "30/minute"),
        "user": env("API_THROTTLE_USER", "1200/minute"),
    },
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "UNAUTHENTICATED_USER": None,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Himaya API",
    "DESCRIPTION": "National Referral Mechanism against human trafficking.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Several models have an `outcome` or `state` field; give each enum a stable, readable name.
    "ENUM_NAME_OVERRIDES": {
        "DecisionOutcomeEnum": "himaya.cases.models.DecisionOutcome",
        "ReferralStateEnum": "himaya.referrals.models.ReferralState",
        "AuditOutcomeEnum": "himaya.audit.models.Outcome",
        "CareActionTypeEnum": "himaya.assistance.models.ActionType",
        "CareActionStatusEnum": "himaya.assistance.models.ActionStatus",
        "LabourClaimKindEnum": "himaya.assistance.models.ClaimKind",
        "LabourClaimStatusEnum": "himaya.assistance.models.ClaimStatus",
        "FollowUpOutcomeEnum": "himaya.assistance.models.FollowUpOutcome",
        "NeedDomainEnum": "himaya.assistance.models.DOMAIN_CHOICES",
        "NeedLevelEnum": "himaya.assistance.models.NeedLevel",
        "TrainingLevelEnum": "himaya.training.models.Level",
        "NeedsOccasionEnum": "himaya.assistance.models.Occasion",
        "ExitPathwayEnum": "himaya.assistance.models.Pathway",
        "HearingStatusEnum": "himaya.assistance.models.HearingStatus",
        # Names the schema had before other apps brought their own "type", "status" and "kind" fields.
        "TypeEnum": "himaya.agencies.models.AgencyType",
        "StatusEnum": "himaya.cases.models.CaseStatus",
        "KindEnum": "himaya.cases.models.DecisionKind",
        "AbsenceReasonEnum": "himaya.shelters.models.AbsenceReason",
        "DischargeReasonEnum": "himaya.shelters.models.DischargeReason",
        "LanguageEnum": [("ar", "العربية"), ("en", "English")],
        "NominationStatusEnum": "himaya.training.models.NominationStatus",
        "SessionLanguageEnum": "himaya.training.models.SessionLanguage",
        "CertificateStatusEnum": "himaya.training.api.CERTIFICATE_STATUSES",
    },
}

# --- Background tasks and e-mail ------------------------------------------------------------
TASKS = {
    "default": {
        "BACKEND": env("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}
EMAIL_BACKEND = env(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if not IS_PRODUCTION
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = env("EMAIL_HOST", "localhost")
EMAIL_PORT = envint("EMAIL_PORT", 25)
EMAIL_HOST_USER = env("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = envbool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "himaya@localhost")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "WARNING")},
}
