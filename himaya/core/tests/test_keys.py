"""Key management: `himaya keys init`, `keys rotate` (re-encryption, resumable, retire) and `keys status`."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from himaya.audit.models import AuditEvent
from himaya.core import keys
from himaya.core.crypto import Keyring, get_keyring, reset_keyring_cache
from himaya.people.models import Person
from himaya.people.services import person_create

ENCRYPTED = ("given_name_latin", "family_name_latin", "full_name_arabic", "date_of_birth", "document_number", "phone")


@pytest.fixture
def keyring_file(settings: Any, tmp_path: Path) -> Iterator[Path]:
    """A keyring of this test's own (rotation rewrites it), with the suite's keys so existing rows read."""
    path = tmp_path / "keys" / "keyring.json"
    Keyring.load(settings.HIMAYA_KEYRING_FILE).save(path)
    settings.HIMAYA_KEYRING_FILE = path
    reset_keyring_cache()
    yield path
    reset_keyring_cache()


def _raw_rows() -> list[tuple[Any, ...]]:
    cols = ", ".join(connection.ops.quote_name(c) for c in ("id", *ENCRYPTED, "updated_at"))
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {cols} FROM people_person ORDER BY id")  # noqa: S608
        return list(cursor.fetchall())


def _key_ids() -> set[str | None]:
    return {Keyring.key_id_of(v) for row in _raw_rows() for v in row[1:-1] if v}


def _plain() -> list[tuple[Any, ...]]:
    return [tuple(getattr(p, f) for f in ("pk", *ENCRYPTED)) for p in Person.objects.order_by("pk")]


def _people(cast: Any, n: int) -> list[Person]:
    return [
        person_create(
            actor=cast.alice,
            given_name_latin=f"Maria{i}",
            full_name_arabic=f"ماريا {i}",
            date_of_birth=dt.date(1990, 1, 1) + dt.timedelta(days=i),
            document_number=f"N{1000000 + i}",
            phone=f"+9733312{3000 + i}",
        )
        for i in range(n)
    ]


def _rotate(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("keys_rotate", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_init_creates_both_keys_owner_only_and_never_replaces_them(settings: Any, tmp_path: Path) -> None:
    settings.HIMAYA_KEYRING_FILE = tmp_path / "etc" / "keys" / "keyring.json"
    settings.HIMAYA_AUDIT_SIGNING_KEY_FILE = tmp_path / "etc" / "keys" / "audit-signing.key"
    out = io.StringIO()
    call_command("keys_init", stdout=out)
    text = out.getvalue()
    assert str(settings.HIMAYA_KEYRING_FILE) in text
    assert str(settings.HIMAYA_AUDIT_SIGNING_KEY_FILE) in text
    assert "Back up" in text
    for path in (settings.HIMAYA_KEYRING_FILE, settings.HIMAYA_AUDIT_SIGNING_KEY_FILE):
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(settings.HIMAYA_KEYRING_FILE.parent.stat().st_mode) == 0o700
    before = (settings.HIMAYA_KEYRING_FILE.read_bytes(), settings.HIMAYA_AUDIT_SIGNING_KEY_FILE.read_bytes())
    out = io.StringIO()
    call_command("keys_init", stdout=out)
    assert "already present" in out.getvalue()
    after = (settings.HIMAYA_KEYRING_FILE.read_bytes(), settings.HIMAYA_AUDIT_SIGNING_KEY_FILE.read_bytes())
    assert after == before
    reset_keyring_cache()


def test_init_refuses_a_corrupt_keyring(settings: Any, tmp_path: Path) -> None:
    settings.HIMAYA_KEYRING_FILE = tmp_path / "keyring.json"
    settings.HIMAYA_KEYRING_FILE.write_text("{not json")
    with pytest.raises(CommandError, match="malformed"):
        call_command("keys_init", stdout=io.StringIO())
    assert settings.HIMAYA_KEYRING_FILE.read_text() == "{not json"


def test_init_refuses_a_corrupt_signing_key(settings: Any, tmp_path: Path) -> None:
    settings.HIMAYA_KEYRING_FILE = tmp_path / "keyring.json"
    settings.HIMAYA_AUDIT_SIGNING_KEY_FILE = tmp_path / "audit-signing.key"
    settings.HIMAYA_AUDIT_SIGNING_KEY_FILE.write_text("garbage")
    with pytest.raises(CommandError, match="not a valid key"):
        call_command("keys_init", stdout=io.StringIO())
    assert settings.HIMAYA_AUDIT_SIGNING_KEY_FILE.read_text() == "garbage"
    reset_keyring_cache()


def test_init_warns_about_a_keyring_others_can_read(settings: Any, tmp_path: Path) -> None:
    settings.HIMAYA_KEYRING_FILE = tmp_path / "keyring.json"
    settings.HIMAYA_AUDIT_SIGNING_KEY_FILE = tmp_path / "audit-signing.key"
    Keyring.generate().save(settings.HIMAYA_KEYRING_FILE)
    settings.HIMAYA_KEYRING_FILE.chmod(0o644)
    out = io.StringIO()
    call_command("keys_init", stdout=out)
    assert "accessible to other users" in out.getvalue()
    reset_keyring_cache()


def test_it_finds_every_encrypted_column_through_the_app_registry() -> None:
    found = {em.label: sorted(f.name for f in em.fields) for em in keys.encrypted_models()}
    assert set(ENCRYPTED) <= set(found["people.person"])
    # Every app's encrypted columns are found, not only the ones this test knows by name.
    assert {"accounts.totpdevice", "cases.encounter", "cases.decision", "intake.intakedraft"} <= set(found)


@pytest.mark.django_db
def test_rotation_re_encrypts_every_value_under_the_new_key(cast: Any, keyring_file: Path) -> None:
    _people(cast, 7)
    plain_before = _plain()
    rows_before = _raw_rows()
    assert _key_ids() == {"k1"}

    out, err = _rotate("--batch-size", "3")

    assert Keyring.load(keyring_file).active == "k2"
    assert set(Keyring.load(keyring_file).data_keys) == {"k1", "k2"}
    assert _key_ids() == {"k2"}
    assert _plain() == plain_before
    rows_after = _raw_rows()
    # Every ciphertext changed; updated_at did not (a rotation does not change what a record says).
    for before, after in zip(rows_before, rows_after, strict=True):
        assert all(a != b for a, b in zip(before[1:-1], after[1:-1], strict=True) if b)
        assert before[-1] == after[-1]
    assert "people.person: 35 value(s) in 7 row(s) re-encrypted" in out
    assert "k2: 35" in out
    assert "people.person  7/7  100.0%" in err
    assert "rows/s" in err


@pytest.mark.django_db
def test_a_second_run_changes_nothing(cast: Any, keyring_file: Path) -> None:
    _people(cast, 4)
    _rotate()
    rows = _raw_rows()
    out, _ = _rotate("--reencrypt-only")
    assert _raw_rows() == rows
    assert Keyring.load(keyring_file).active == "k2"
    assert "people.person: 0 value(s) in 0 row(s) re-encrypted" in out


@pytest.mark.django_db
def test_an_interrupted_rotation_is_finished_by_reencrypt_only(cast: Any, keyring_file: Path) -> None:
    _people(cast, 5)
    plain_before = _plain()
    keys.activate_new_key()  # the keyring is written first…
    person_create(actor=cast.alice, given_name_latin="Late")  # …so new writes already use k2
    assert _key_ids() == {"k1", "k2"}
    out, _ = _rotate("--reencrypt-only", "--batch-size", "2")
    assert _key_ids() == {"k2"}
    assert _plain()[: len(plain_before)] == plain_before
    assert "people.person: 25 value(s) in 5 row(s) re-encrypted" in out


@pytest.mark.django_db
def test_a_key_still_in_use_cannot_be_retired(cast: Any, keyring_file: Path) -> None:
    _people(cast, 2)
    keys.activate_new_key()
    with pytest.raises(keys.KeyInUseError, match="k1"):
        keys.retire_key("k1")
    assert "k1" in Keyring.load(keyring_file).data_keys
    assert _key_ids() == {"k1"}
    assert Person.objects.count() == 2  # still readable


@pytest.mark.django_db
def test_the_active_key_cannot_be_retired(cast: Any, keyring_file: Path) -> None:
    with pytest.raises(CommandError, match="active key"):
        call_command("keys_rotate", "--reencrypt-only", "--retire", "k1", stdout=io.StringIO(), stderr=io.StringIO())
    assert Keyring.load(keyring_file).active == "k1"


@pytest.mark.django_db
def test_rotate_then_retire_removes_the_old_key_and_values_still_read(cast: Any, keyring_file: Path) -> None:
    from himaya.accounts.models import TotpDevice

    _people(cast, 3)
    plain_before = _plain()
    secrets_before = sorted(TotpDevice.objects.values_list("pk", "secret"))
    assert secrets_before  # the cast's authenticator secrets are encrypted too
    out, _ = _rotate("--retire", "k1")
    keyring = Keyring.load(keyring_file)
    assert set(keyring.data_keys) == {"k2"}
    assert keyring.retired == ("k1",)
    assert "Retired key k1." in out
    assert _plain() == plain_before
    assert sorted(TotpDevice.objects.values_list("pk", "secret")) == secrets_before
    _rotate()
    assert Keyring.load(keyring_file).active == "k3"  # k1 is never reused


@pytest.mark.django_db
def test_a_refused_retirement_fails_the_command_after_re_encrypting(cast: Any, keyring_file: Path) -> None:
    _people(cast, 2)
    person = Person.objects.first()
    assert person is not None
    # One value that can no longer be decrypted keeps k1 in use.
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE people_person SET phone = %s WHERE id = %s",
            ["hx1.k1.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", person.pk],
        )
    out = io.StringIO()
    with pytest.raises(CommandError, match="still encrypts 1 value"):
        call_command("keys_rotate", "--retire", "k1", stdout=out, stderr=io.StringIO())
    assert "could not be decrypted" in out.getvalue()
    assert f"ids {person.pk}" in out.getvalue()
    assert "k1" in Keyring.load(keyring_file).data_keys
    assert _key_ids() == {"k1", "k2"}
    event = AuditEvent.objects.filter(action="keys.rotate").get()
    assert event.outcome == "failed"


@pytest.mark.django_db
def test_rotation_is_audited_with_counts_and_no_values(cast: Any, keyring_file: Path) -> None:
    _people(cast, 3)
    _rotate()
    event = AuditEvent.objects.filter(action="keys.rotate").get()
    assert event.actor_id is None
    assert event.outcome == "ok"
    detail = json.loads(event.detail)
    assert detail["activated"] == "k2"
    assert detail["reencrypted"]["people.person"] == 15
    assert set(detail["values_per_key"]) == {"k2"}
    values = [str(getattr(p, name)) for p in Person.objects.all() for name in ENCRYPTED if getattr(p, name)]
    assert len(values) == 15
    assert [v for v in values if v in event.detail] == []


@pytest.mark.django_db
def test_status_counts_values_per_key_per_model(cast: Any, keyring_file: Path) -> None:
    _people(cast, 2)
    keys.activate_new_key()
    person_create(actor=cast.alice, given_name_latin="New", phone="+97333999999")
    out = io.StringIO()
    call_command("keys_status", stdout=out)
    text = out.getvalue()
    assert "Active key: k2" in text
    assert re.search(r"^people\.person +k1: 10  k2: 2$", text, re.MULTILINE)
    assert "Values still under older keys: k1" in text


@pytest.mark.django_db
def test_status_flags_values_under_a_key_the_keyring_lacks(cast: Any, keyring_file: Path) -> None:
    person = person_create(actor=cast.alice, given_name_latin="Maria")
    with connection.cursor() as cursor:
        cursor.execute("UPDATE people_person SET phone = %s WHERE id = %s", ["hx1.k9.AAAA", person.pk])
    out = io.StringIO()
    call_command("keys_status", stdout=out)
    assert "not in the keyring (unreadable): k9" in out.getvalue()


def test_batch_size_must_be_positive(keyring_file: Path) -> None:
    with pytest.raises(CommandError, match="batch-size"):
        call_command("keys_rotate", "--batch-size", "0", stdout=io.StringIO(), stderr=io.StringIO())
    assert Keyring.load(keyring_file).active == "k1"


def test_the_progress_line_is_plain_text() -> None:
    stream = io.StringIO()
    ticks = iter([0.0, 4.0])
    progress = keys.Progress("people.person", stream, clock=lambda: next(ticks))
    progress(12000, 250000)
    assert stream.getvalue() == "people.person  12000/250000  4.8%  3000 rows/s\n"


@pytest.mark.django_db
def test_get_keyring_sees_the_rotation_in_a_running_process(cast: Any, keyring_file: Path) -> None:
    assert get_keyring().active == "k1"
    _rotate()
    assert get_keyring().active == "k2"
