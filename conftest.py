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
    reset_keyring_cache()
    yield path
    reset_keyring_cache()


@pytest.fixture
def cast(db):
    from himaya.testing import make_cast

    return make_cast()
