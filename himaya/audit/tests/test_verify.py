"""Every kind of tampering with the audit trail is detected, and names the first bad event."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from himaya.audit import signing, verify
from himaya.audit.checkpoints import checkpoint_create, load_checkpoint, write_checkpoint
from himaya.audit.db import triggers_paused
from himaya.audit.models import AuditChainHead, AuditEvent
from himaya.audit.services import audit_record, canonical_bytes, event_hash, micros


def _record(n: int) -> None:
    for i in range(n):
        audit_record(
            actor=None,
            action="people.person.view",
            object_type="people.person",
            object_id=str(i),
            owner_agency_id=7,
            fields=["phone", "given_name_latin"],
            detail=f"ids:{i}",
        )


def _sql(sql: str, params: list | None = None) -> None:
    with triggers_paused(connection), connection.cursor() as cursor:
        cursor.execute(sql, params or [])


@pytest.fixture
def chain(db) -> None:
    _record(10)


@pytest.fixture
def key(tmp_path: Path):
    return signing.ensure_signing_key(tmp_path / "audit.key")


def _checkpoint(tmp_path: Path, key) -> Path:
    return write_checkpoint(checkpoint_create(key=key), tmp_path / "cp.json")


def test_it_accepts_an_intact_chain(chain) -> None:
    result = verify.verify_chain()
    assert result.ok, result.problem
    assert result.events_checked == 10
    assert result.head_seq == 10


def test_it_accepts_an_empty_chain(db) -> None:
    result = verify.verify_chain()
    assert result.ok
    assert result.events_checked == 0


def test_it_detects_an_edited_field(chain) -> None:
    _sql("UPDATE audit_auditevent SET outcome = 'denied' WHERE seq = 4")
    result = verify.verify_chain()
    assert (result.problem.kind, result.problem.seq) == (verify.HASH_MISMATCH, 4)
    assert result.events_checked == 3


def test_it_detects_an_edited_timestamp(chain) -> None:
    event = AuditEvent.objects.get(seq=6)
    later = event.occurred_at.replace(microsecond=(event.occurred_at.microsecond + 1) % 1_000_000)
    with triggers_paused(connection):
        AuditEvent.objects.filter(seq=6).update(occurred_at=later)
    result = verify.verify_chain()
    assert (result.problem.kind, result.problem.seq) == (verify.HASH_MISMATCH, 6)


def test_it_detects_a_deletion_in_the_middle(chain) -> None:
    _sql("DELETE FROM audit_auditevent WHERE seq = 5")
    result = verify.verify_chain()
    assert (result.problem.kind, result.problem.seq) == (verify.MISSING_EVENT, 5)


def test_it_detects_two_events_swapped(chain) -> None:
    _sql("UPDATE audit_auditevent SET seq = -1 WHERE seq = 3")
    _sql("UPDATE audit_auditevent SET seq = 3 WHERE seq = 4")
    _sql("UPDATE audit_auditevent SET seq = 4 WHERE seq = -1")
    result = verify.verify_chain()
    assert (result.problem.kind, result.problem.seq) == (verify.BROKEN_LINK, 3)


def test_it_detects_a_truncated_tail_against_a_checkpoint(chain, tmp_path, key) -> None:
    path = _checkpoint(tmp_path, key)  # the checkpoint event itself is #11
    # The attacker removes the tail and winds the chain head back so that the chain alone looks fine.
    last = AuditEvent.objects.get(seq=8)
    _sql("DELETE FROM audit_auditevent WHERE seq > 8")
    _sql("UPDATE audit_auditchainhead SET seq = 8, hash = %s WHERE id = 1", [last.hash])
    assert verify.verify_chain().ok
    result = verify.verify_chain(checkpoints=[path], public_key=key.public_key())
    assert (result.problem.kind, result.problem.seq) == (verify.TRUNCATED, 9)


def test_it_detects_a_truncated_tail_from_the_chain_head(chain) -> None:
    _sql("DELETE FROM audit_auditevent WHERE seq > 8")
    result = verify.verify_chain()
    assert (result.problem.kind, result.problem.seq) == (verify.TRUNCATED, 9)


def test_it_detects_a_forged_insertion_at_the_end(chain) -> None:
    head = AuditChainHead.objects.get(pk=1)
    _forge(seq=head.seq + 1, prev_hash=head.hash)
    result = verify.verify_chain()
    assert (result.problem.kind, result.problem.seq) == (verify.HEAD_MISMATCH, 11)


def test_it_detects_a_rewritten_chain_against_a_checkpoint(chain, tmp_path, key) -> None:
    path = _checkpoint(tmp_path, key)
    # A forged event slipped in after #5, every later event renumbered and rehashed, head updated:
    # internally consistent, so only the signed checkpoint can tell.
    rows = list(AuditEvent.objects.filter(seq__gt=5).order_by("seq"))
    _sql("DELETE FROM audit_auditevent WHERE seq > 5")
    prev = AuditEvent.objects.get(seq=5).hash
    prev = _forge(seq=6, prev_hash=prev, action="auth.login")
    for offset, row in enumerate(rows):
        row.pk, row.seq = None, 7 + offset
        prev = _forge(seq=row.seq, prev_hash=prev, action=row.action, when=row.occurred_at)
    _sql("UPDATE audit_auditchainhead SET seq = %s, hash = %s WHERE id = 1", [6 + len(rows), prev])
    assert verify.verify_chain().ok
    result = verify.verify_chain(checkpoints=[path], public_key=key.public_key())
    assert (result.problem.kind, result.problem.seq) == (verify.REWRITTEN, 11)


def test_it_detects_a_chain_head_that_differs_from_the_last_event(chain) -> None:
    _sql("UPDATE audit_auditchainhead SET hash = %s WHERE id = 1", ["0" * 64])
    result = verify.verify_chain()
    assert (result.problem.kind, result.problem.seq) == (verify.HEAD_MISMATCH, 10)


def test_it_rejects_a_checkpoint_with_an_altered_signature(chain, tmp_path, key) -> None:
    path = _checkpoint(tmp_path, key)
    data = orjson.loads(path.read_bytes())
    data["size"] = 5  # claims a shorter log than was signed
    path.write_bytes(orjson.dumps(data))
    result = verify.verify_chain(checkpoints=[path], public_key=key.public_key())
    assert result.problem.kind == verify.CHECKPOINT_INVALID


def test_it_rejects_a_checkpoint_signed_by_another_key(chain, tmp_path, key) -> None:
    path = _checkpoint(tmp_path, key)
    other = signing.ensure_signing_key(tmp_path / "other.key")
    result = verify.verify_chain(checkpoints=[path], public_key=other.public_key())
    assert result.problem.kind == verify.CHECKPOINT_INVALID
    assert load_checkpoint(path).signature_valid(key.public_key())


def test_both_backends_hash_the_same_microseconds(db) -> None:
    event = audit_record(actor=None, action="x")
    assert verify.event_micros(seq=event.seq) == micros(event.occurred_at)
    assert micros(AuditEvent.objects.get(seq=event.seq).occurred_at) == micros(event.occurred_at)


def test_it_verifies_timestamps_at_the_very_end_of_a_second(db, monkeypatch) -> None:
    # SQLite rounds fractional seconds to milliseconds; .9997 s must not become the next second.
    import datetime as dt

    for when in (
        dt.datetime(2026, 3, 1, 9, 0, 59, 999_700, tzinfo=dt.UTC),
        dt.datetime(2026, 3, 1, 9, 1, tzinfo=dt.UTC),
    ):
        monkeypatch.setattr("himaya.audit.services.timezone.now", lambda when=when: when)
        event = audit_record(actor=None, action="x")
        assert verify.event_micros(seq=event.seq) == micros(when)
    assert verify.verify_chain().ok


def test_the_command_exits_non_zero_naming_the_first_bad_event(chain, tmp_path, settings) -> None:
    settings.HIMAYA_AUDIT_CHECKPOINT_DIR = tmp_path / "cps"
    settings.HIMAYA_AUDIT_SIGNING_KEY_FILE = tmp_path / "signing.key"
    call_command("audit_checkpoint", stdout=_Sink())
    out = _Sink()
    call_command("audit_verify", stdout=out)
    assert "Audit chain intact" in out.text
    _sql("UPDATE audit_auditevent SET detail = 'x' WHERE seq = 7")
    with pytest.raises(CommandError, match="event #7"):
        call_command("audit_verify", stdout=_Sink())


def test_the_checkpoint_command_refuses_to_sign_a_broken_chain(chain, tmp_path, settings) -> None:
    settings.HIMAYA_AUDIT_CHECKPOINT_DIR = tmp_path / "cps"
    settings.HIMAYA_AUDIT_SIGNING_KEY_FILE = tmp_path / "signing.key"
    _sql("UPDATE audit_auditevent SET detail = 'x' WHERE seq = 2")
    with pytest.raises(CommandError, match="not intact"):
        call_command("audit_checkpoint", stdout=_Sink())
    assert not (tmp_path / "cps").exists()


def test_the_checkpoint_command_needs_keys_init_in_production(db, tmp_path, settings) -> None:
    settings.HIMAYA_ENV = "production"
    settings.HIMAYA_AUDIT_SIGNING_KEY_FILE = tmp_path / "missing.key"
    with pytest.raises(CommandError, match="himaya keys init"):
        call_command("audit_checkpoint", stdout=_Sink())
    assert not (tmp_path / "missing.key").exists()


def test_the_signing_key_is_private_to_its_owner(tmp_path) -> None:
    path = tmp_path / "k" / "audit.key"
    signing.ensure_signing_key(path)
    assert path.stat().st_mode & 0o777 == 0o600


def test_the_public_key_command_prints_the_key_that_verifies(db, tmp_path, settings) -> None:
    settings.HIMAYA_AUDIT_SIGNING_KEY_FILE = tmp_path / "signing.key"
    out = _Sink()
    call_command("audit_public_key", stdout=out)
    pem = tmp_path / "public.pem"
    pem.write_text(out.text)
    key = signing.load_private_key(tmp_path / "signing.key")
    assert signing.key_id(signing.load_public_key(pem)) == signing.key_id(key)


class _Sink:
    def __init__(self) -> None:
        self.text = ""

    def write(self, s: str) -> None:
        self.text += s

    def flush(self) -> None:
        pass


def _forge(*, seq: int, prev_hash: str, action: str = "forged", when=None) -> str:
    from django.utils import timezone

    when = when or timezone.now()
    values = dict(
        seq=seq,
        actor_id=None,
        actor_agency_id=None,
        action=action,
        object_type="",
        object_id="",
        owner_agency_id=None,
        request_id="",
        fields="",
        outcome="ok",
        detail="",
    )
    digest = event_hash(canonical_bytes(occurred_us=micros(when), prev_hash=prev_hash, **values), prev_hash)
    AuditEvent.objects.create(occurred_at=when, prev_hash=prev_hash, hash=digest, **values)
    return digest
