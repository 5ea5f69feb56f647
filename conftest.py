"""Suite-wide fixtures: a throwaway keyring, and the cast of users (see himaya/testing.py)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings

from himaya.core.crypto import Keyring, reset_keyring_cache


@pytest.fixture(scope="session", autouse=True)
def _test_keyring(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    keys = tmp_path_factory.mktemp("keys")
    path = keys / "keyring.json"
    Keyring.generate().save(path)
    settings.HIMAYA_KEYRING_FILE = path
    settings.HIMAYA_AUDIT_SIGNING_KEY_FILE = keys / "audit-signing.key"
    settings.HIMAYA_AUDIT_CHECKPOINT_DIR = keys / "checkpoints"
    settings.HIMAYA_CERTIFICATE_SIGNING_KEY_FILE = keys / "certificate-signing.key"
    reset_keyring_cache()
    yield path
    reset_keyring_cache()


@pytest.fixture
def cast(db):
    from himaya.testing import make_cast

    return make_cast()


@pytest.fixture(scope="session", autouse=True)
def _audit_flush_pauses_triggers() -> Iterator[None]:
    """The audit log is append-only in the database; let transactional tests' flush clear it.

    Each flush pauses the triggers, clears the tables, restores them and recreates the chain head.
    """
    from himaya.audit.db import flush_pauses_triggers

    with flush_pauses_triggers():
        yield


@pytest.fixture(autouse=True)
def _english_outside_requests() -> Iterator[None]:
    """Code run outside a request (management commands, tasks) speaks English in tests.

    Arabic is the default language (settings.LANGUAGE_CODE), so without this `call_command` output
    would be Arabic; tests assert the English source strings. Pages still follow the request
    (user preference, cookie, Accept-Language); tests/test_translations.py checks the Arabic.
    """
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def _fresh_caches() -> None:
    """Each test starts with no cached menus or figures: ids are reused once a test's rows are
    rolled back, and a figure cached by one test is not another test's data."""
    from django.core.cache import cache

    from himaya.core.templatetags import himaya

    himaya._menus.clear()
    cache.clear()
