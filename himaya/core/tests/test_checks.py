"""`himaya check`: a production deployment passes only when keys, secrets and transport are right."""

from __future__ import annotations

import io
import os
import secrets
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.utils import translation

from himaya.audit.signing import ensure_signing_key
from himaya.core import checks
from himaya.core.crypto import Keyring


@pytest.fixture(autouse=True)
def _english():
    """Command output is asserted in English (commands otherwise speak the default language, Arabic)."""
    with translation.override("en"):
        yield


def run_check() -> str:
    out = io.StringIO()
    call_command("himaya_check", stdout=out, stderr=out)
    return out.getvalue()


def failing_check() -> str:
    with pytest.raises(SystemCheckError) as excinfo:
        run_check()
    return str(excinfo.value)


@pytest.fixture
def production(db, settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """A production configuration as a careful operator would set it up, on PostgreSQL."""
    keys = tmp_path / "keys"
    Keyring.generate().save(keys / "keyring.json")
    ensure_signing_key(keys / "audit-signing.key")
    settings.HIMAYA_ENV = "production"
    settings.HIMAYA_KEYRING_FILE = keys / "keyring.json"
    settings.HIMAYA_AUDIT_SIGNING_KEY_FILE = keys / "audit-signing.key"
    settings.DEBUG = False
    settings.SECRET_KEY = secrets.token_urlsafe(50)
    settings.SECRET_KEY_MISSING = False
    settings.ALLOWED_HOSTS = ["himaya.nrm.example"]
    settings.MFA_DEMO_BYPASS = False
    settings.SESSION_COOKIE_SECURE = True
    settings.CSRF_COOKIE_SECURE = True
    settings.LANGUAGE_COOKIE_SECURE = True
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_HSTS_SECONDS = 31_536_000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    settings.SECURE_HSTS_PRELOAD = True
    monkeypatch.setattr(checks, "_database_vendor", lambda: "postgresql")
    return settings


def test_it_passes_a_well_configured_production_deployment(production):
    assert "himaya check passed" in run_check()


def test_it_refuses_debug_in_production(production):
    production.DEBUG = True
    assert "himaya.E031" in failing_check()


def test_it_refuses_the_mfa_demo_bypass_in_production(production):
    production.MFA_DEMO_BYPASS = True
    assert "himaya.E032" in failing_check()


def test_it_refuses_any_host(production):
    production.ALLOWED_HOSTS = ["*"]
    assert "himaya.E033" in failing_check()


def test_it_refuses_a_missing_secret_key(production):
    production.SECRET_KEY_MISSING = True
    production.SECRET_KEY = "insecure-production-key-never-in-production" + "x" * 20
    report = failing_check()
    assert "himaya.E021" in report
    assert production.SECRET_KEY not in report


def test_it_refuses_a_missing_keyring(production, tmp_path: Path):
    production.HIMAYA_KEYRING_FILE = tmp_path / "nowhere" / "keyring.json"
    report = failing_check()
    assert "himaya.E001" in report
    assert "himaya keys init" in report


def test_it_refuses_a_keyring_other_users_can_read(production):
    os.chmod(production.HIMAYA_KEYRING_FILE, 0o644)
    assert "himaya.E003" in failing_check()


def test_it_refuses_a_file_that_is_not_a_keyring(production):
    Path(production.HIMAYA_KEYRING_FILE).write_text("not json", encoding="utf-8")
    assert "himaya.E004" in failing_check()


def test_it_refuses_a_missing_audit_signing_key(production):
    Path(production.HIMAYA_AUDIT_SIGNING_KEY_FILE).unlink()
    assert "himaya.E011" in failing_check()


def test_it_refuses_plain_http_cookies_and_no_hsts_in_production(production):
    production.SESSION_COOKIE_SECURE = False
    production.SECURE_HSTS_SECONDS = 0
    report = failing_check()
    assert "himaya.E041" in report
    assert "SESSION_COOKIE_SECURE" in report
    assert "SECURE_HSTS_SECONDS" in report


def test_it_fails_production_on_sqlite_with_a_warning(production, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(checks, "_database_vendor", lambda: "sqlite")
    assert "himaya.W051" in failing_check()


def test_it_fails_production_on_a_django_deploy_warning(production):
    production.SECURE_HSTS_PRELOAD = False
    assert "security.W021" in failing_check()


def test_it_only_warns_outside_production(production):
    production.HIMAYA_ENV = "demo"
    production.DEBUG = True
    production.SESSION_COOKIE_SECURE = False
    output = run_check()
    assert "himaya.W031" in output
    assert "himaya.W001" in output
    assert "himaya check passed" in output


def test_it_still_refuses_a_missing_keyring_outside_production(production, tmp_path: Path):
    production.HIMAYA_ENV = "demo"
    production.HIMAYA_KEYRING_FILE = tmp_path / "missing.json"
    assert "himaya.E001" in failing_check()


def test_it_refuses_a_production_database_with_active_demo_accounts(production):
    from himaya.demo.services import demo_seed

    production.HIMAYA_ENV = "demo"
    demo_seed(seed=1, people=0)
    production.HIMAYA_ENV = "production"
    assert "himaya.E061" in failing_check()


def test_a_production_database_without_demo_accounts_passes(production, cast):
    assert "himaya check passed" in run_check()
