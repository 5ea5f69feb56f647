"""The database itself refuses to change or remove audit history."""

from __future__ import annotations

import threading

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, connections, transaction

from himaya.audit import db as audit_db
from himaya.audit.models import AuditChainHead, AuditEvent
from himaya.audit.services import GENESIS_HASH, audit_record
from himaya.audit.verify import verify_chain


def _refused(sql: str, params: list | None = None) -> bool:
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, params or [])
    except DatabaseError as exc:
        return "append-only" in str(exc)
    return False


@pytest.fixture
def event(db) -> AuditEvent:
    audit_record(actor=None, action="first")
    return audit_record(actor=None, action="second")


def test_it_refuses_to_update_an_event(event) -> None:
    assert _refused("UPDATE audit_auditevent SET action = 'x' WHERE seq = 1")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(seq=2).update(outcome="denied")
    assert AuditEvent.objects.get(seq=1).action == "first"


def test_it_refuses_to_delete_an_event(event) -> None:
    assert _refused("DELETE FROM audit_auditevent WHERE seq = 1")
    with pytest.raises(DatabaseError), transaction.atomic():
        event.delete()
    assert AuditEvent.objects.count() == 2


def test_it_refuses_to_delete_the_chain_head(event) -> None:
    assert _refused("DELETE FROM audit_auditchainhead WHERE id = 1")
    assert AuditChainHead.objects.filter(pk=1).exists()


def test_the_chain_head_only_moves_forward_onto_the_next_event(event) -> None:
    assert _refused(
        "UPDATE audit_auditchainhead SET seq = 1, hash = %s WHERE id = 1", [AuditEvent.objects.get(seq=1).hash]
    )
    assert _refused("UPDATE audit_auditchainhead SET seq = 3, hash = %s WHERE id = 1", ["f" * 64])
    assert AuditChainHead.objects.get(pk=1).seq == 2


@pytest.mark.postgres
def test_it_refuses_to_truncate_the_log_on_postgresql(event) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("TRUNCATE exists on PostgreSQL only")
    assert _refused("TRUNCATE audit_auditevent")
    assert _refused("TRUNCATE audit_auditchainhead")


def test_paused_triggers_come_back_even_after_an_error(event) -> None:
    with pytest.raises(RuntimeError), audit_db.triggers_paused(connection):
        raise RuntimeError("boom")
    assert audit_db.triggers_installed(connection)
    assert _refused("DELETE FROM audit_auditevent")


@pytest.mark.django_db(transaction=True)
def test_a_flush_clears_the_log_and_restores_protection_and_genesis() -> None:
    audit_record(actor=None, action="before.flush")
    call_command("flush", interactive=False, verbosity=0)
    head = AuditChainHead.objects.get(pk=1)
    assert (head.seq, head.hash) == (0, GENESIS_HASH)
    assert audit_db.triggers_installed(connection)
    assert audit_record(actor=None, action="after.flush").seq == 1
    assert verify_chain().ok


@pytest.mark.django_db(transaction=True)
def test_transactional_tests_start_from_an_intact_chain() -> None:
    assert verify_chain().ok
    assert audit_record(actor=None, action="committed").seq == AuditChainHead.objects.get(pk=1).seq


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_appenders_never_fork_the_chain() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (row locks across connections)")
    errors: list[BaseException] = []
    start = threading.Barrier(4)

    def writer(n: int) -> None:
        try:
            start.wait()
            for i in range(40):
                audit_record(actor=None, action=f"writer.{n}", object_id=str(i))
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    result = verify_chain()
    assert result.ok, result.problem
    assert result.events_checked == 160
    assert sorted(AuditEvent.objects.values_list("seq", flat=True)) == list(range(1, 161))
    assert AuditEvent.objects.values("prev_hash").distinct().count() == 160


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_parallel_verification_names_the_same_first_bad_event() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("the test database must be visible to forked workers (PostgreSQL)")
    for i in range(30):
        audit_record(actor=None, action="parallel", object_id=str(i))
    assert verify_chain(workers=3, parallel_min=1).ok
    with audit_db.triggers_paused(connection), connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditevent SET detail = 'x' WHERE seq = 25")
        cursor.execute("DELETE FROM audit_auditevent WHERE seq = 11")
    for workers in (1, 3):
        result = verify_chain(workers=workers, parallel_min=1)
        assert (result.problem.kind, result.problem.seq) == ("missing_event", 11), workers
