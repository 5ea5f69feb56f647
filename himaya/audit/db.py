"""Database-level protection of the audit trail: triggers that make it append-only.

The application only ever INSERTs events and advances the chain head by one. The triggers make
the database itself refuse everything else, so that a bug, a stray `manage.py shell` or an
SQL console cannot quietly edit or remove history:

- UPDATE and DELETE on `audit_auditevent` are refused (and TRUNCATE on PostgreSQL);
- the chain-head row (pk=1) cannot be deleted (nor the table truncated);
- the chain head can only move forward by exactly one, onto an event that exists with that hash.

A database superuser can still drop the triggers; that is what the hash chain and the signed
checkpoints (kept off the server) are for. The SQL here is installed by migration 0003; changing
it needs a new migration that reinstalls it.

`triggers_paused()` drops and recreates the triggers around deliberate maintenance: the test
suite's flush between transactional tests, and tests that simulate tampering.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from django.db import connection as default_connection
from django.db import transaction

from himaya.audit.services import GENESIS_HASH

EVENT_TABLE = "audit_auditevent"
HEAD_TABLE = "audit_auditchainhead"
REFUSAL = "audit trail is append-only"

SQLITE_INSTALL = [
    f"""CREATE TRIGGER IF NOT EXISTS audit_event_no_update BEFORE UPDATE ON {EVENT_TABLE}
    BEGIN SELECT RAISE(ABORT, '{REFUSAL}: UPDATE refused'); END""",
    f"""CREATE TRIGGER IF NOT EXISTS audit_event_no_delete BEFORE DELETE ON {EVENT_TABLE}
    BEGIN SELECT RAISE(ABORT, '{REFUSAL}: DELETE refused'); END""",
    f"""CREATE TRIGGER IF NOT EXISTS audit_head_no_delete BEFORE DELETE ON {HEAD_TABLE} WHEN OLD.id = 1
    BEGIN SELECT RAISE(ABORT, '{REFUSAL}: the chain head cannot be deleted'); END""",
    f"""CREATE TRIGGER IF NOT EXISTS audit_head_forward_only BEFORE UPDATE ON {HEAD_TABLE}
    WHEN NEW.id <> OLD.id OR NEW.seq <> OLD.seq + 1
      OR NOT EXISTS (SELECT 1 FROM {EVENT_TABLE} e WHERE e.seq = NEW.seq AND e.hash = NEW.hash)
    BEGIN SELECT RAISE(ABORT, '{REFUSAL}: the chain head only advances onto the next event'); END""",  # noqa: S608
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS audit_event_no_update",
    "DROP TRIGGER IF EXISTS audit_event_no_delete",
    "DROP TRIGGER IF EXISTS audit_head_no_delete",
    "DROP TRIGGER IF EXISTS audit_head_forward_only",
]

POSTGRES_INSTALL = [
    f"""CREATE OR REPLACE FUNCTION himaya_audit_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      RAISE EXCEPTION '{REFUSAL}: % refused on %', TG_OP, TG_TABLE_NAME USING ERRCODE = 'restrict_violation';
    END $$""",
    f"""CREATE OR REPLACE FUNCTION himaya_audit_head_guard() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_OP = 'DELETE' THEN
        IF OLD.id = 1 THEN
          RAISE EXCEPTION '{REFUSAL}: the chain head cannot be deleted' USING ERRCODE = 'restrict_violation';
        END IF;
        RETURN OLD;
      END IF;
      IF NEW.id <> OLD.id OR NEW.seq <> OLD.seq + 1 OR NOT EXISTS (
          SELECT 1 FROM {EVENT_TABLE} e WHERE e.seq = NEW.seq AND e.hash = NEW.hash) THEN
        RAISE EXCEPTION '{REFUSAL}: the chain head only advances onto the next event'
          USING ERRCODE = 'restrict_violation';
      END IF;
      RETURN NEW;
    END $$""",  # noqa: S608
    f"""CREATE TRIGGER audit_event_no_update_delete BEFORE UPDATE OR DELETE ON {EVENT_TABLE}
    FOR EACH ROW EXECUTE FUNCTION himaya_audit_refuse()""",
    f"""CREATE TRIGGER audit_event_no_truncate BEFORE TRUNCATE ON {EVENT_TABLE}
    FOR EACH STATEMENT EXECUTE FUNCTION himaya_audit_refuse()""",
    f"""CREATE TRIGGER audit_head_guard BEFORE UPDATE OR DELETE ON {HEAD_TABLE}
    FOR EACH ROW EXECUTE FUNCTION himaya_audit_head_guard()""",
    f"""CREATE TRIGGER audit_head_no_truncate BEFORE TRUNCATE ON {HEAD_TABLE}
    FOR EACH STATEMENT EXECUTE FUNCTION himaya_audit_refuse()""",
]
POSTGRES_DROP = [
    f"DROP TRIGGER IF EXISTS audit_event_no_update_delete ON {EVENT_TABLE}",
    f"DROP TRIGGER IF EXISTS audit_event_no_truncate ON {EVENT_TABLE}",
    f"DROP TRIGGER IF EXISTS audit_head_guard ON {HEAD_TABLE}",
    f"DROP TRIGGER IF EXISTS audit_head_no_truncate ON {HEAD_TABLE}",
]
POSTGRES_DROP_FUNCTIONS = [
    "DROP FUNCTION IF EXISTS himaya_audit_refuse()",
    "DROP FUNCTION IF EXISTS himaya_audit_head_guard()",
]


def _statements(connection: Any, install: bool) -> list[str]:
    vendor = connection.vendor
    if vendor == "sqlite":
        return SQLITE_INSTALL if install else SQLITE_DROP
    if vendor == "postgresql":
        # Drop first so that installing twice (e.g. after a pause) never fails.
        return [*POSTGRES_DROP, *POSTGRES_INSTALL] if install else POSTGRES_DROP
    raise NotImplementedError(f"audit triggers are not written for {vendor}")


def install_triggers(connection: Any = default_connection) -> None:
    """Create (or re-create) the append-only triggers."""
    with connection.cursor() as cursor:
        for sql in _statements(connection, install=True):
            cursor.execute(sql)


def drop_triggers(connection: Any = default_connection, *, functions: bool = False) -> None:
    with connection.cursor() as cursor:
        for sql in _statements(connection, install=False):
            cursor.execute(sql)
        if functions and connection.vendor == "postgresql":
            for sql in POSTGRES_DROP_FUNCTIONS:
                cursor.execute(sql)


def triggers_installed(connection: Any = default_connection) -> bool:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'audit_%%'")
            return bool(cursor.fetchone()[0] == len(SQLITE_DROP))
        cursor.execute(
            "SELECT count(*) FROM pg_trigger WHERE tgname LIKE 'audit_%%' AND NOT tgisinternal"
            " AND tgrelid IN (%s::regclass, %s::regclass)",
            [EVENT_TABLE, HEAD_TABLE],
        )
        return bool(cursor.fetchone()[0] == len(POSTGRES_DROP))


@contextmanager
def triggers_paused(connection: Any = default_connection) -> Iterator[None]:
    """Drop the append-only triggers for the block, and always put them back.

    For deliberate maintenance only (the test suite's flush, tamper simulations). Runs in one
    transaction where the database allows it, so other sessions never see the log unprotected
    (PostgreSQL and SQLite both roll back DDL).
    """
    with transaction.atomic(using=connection.alias):
        drop_triggers(connection)
        try:
            yield
        finally:
            install_triggers(connection)


def ensure_chain_head(connection: Any = default_connection) -> None:
    """Recreate the chain-head row (genesis) if it is missing, e.g. after a test flush."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {HEAD_TABLE} WHERE id = 1")  # noqa: S608
        if cursor.fetchone()[0] == 0:
            cursor.execute(
                f"INSERT INTO {HEAD_TABLE} (id, seq, hash) VALUES (1, 0, %s)",  # noqa: S608
                [GENESIS_HASH],
            )


@contextmanager
def flush_pauses_triggers() -> Iterator[None]:
    """While active, `manage.py flush` (and so TransactionTestCase teardown) may clear the log.

    Used by the test suite only (see conftest.py): a flush pauses the triggers, flushes, puts the
    triggers back and recreates the genesis chain head. Outside it, flushing the log is refused.
    """
    from django.db.backends.base.operations import BaseDatabaseOperations

    original = BaseDatabaseOperations.execute_sql_flush

    def execute_sql_flush(self: BaseDatabaseOperations, sql_list: Iterable[str]) -> None:
        conn = self.connection
        if conn.vendor not in ("sqlite", "postgresql"):
            original(self, sql_list)
            return
        with triggers_paused(conn):
            original(self, sql_list)
            ensure_chain_head(conn)

    BaseDatabaseOperations.execute_sql_flush = execute_sql_flush  # type: ignore[method-assign]
    try:
        yield
    finally:
        BaseDatabaseOperations.execute_sql_flush = original  # type: ignore[method-assign]


# --- One-statement append (PostgreSQL) ---------------------------------------------------------
# An append is on the path of every audited request. On PostgreSQL it is one function call: take
# the append lock, read the head with a fresh snapshot (each statement of a plpgsql function takes
# its own in READ COMMITTED), hash, insert the event and advance the head, in one round trip and
# atomic as one statement. The hash is the same as `services.event_hash(canonical_bytes(...))`:
# Python sends the canonical serialisation of everything except the sequence number and the
# previous hash (`services.canonical_middle`), the function splices those two in
# (`[1,<seq>,<middle>,"<prev_hash>"]`), so the pinned format stays defined in one place and
# `himaya audit verify` checks it in Python. The append-only triggers still guard the tables.
APPEND_FUNCTION = "himaya_audit_append"
POSTGRES_APPEND_INSTALL = f"""
CREATE OR REPLACE FUNCTION {APPEND_FUNCTION}(
    lock_key bigint, at timestamptz, p_actor_id bigint, p_actor_agency_id bigint, p_action text,
    p_object_type text, p_object_id text, p_owner_agency_id bigint, p_request_id text, p_fields text,
    p_outcome text, p_detail text, middle bytea,
    OUT event_id bigint, OUT event_seq bigint, OUT event_prev_hash text, OUT event_hash text
) LANGUAGE plpgsql VOLATILE AS $$
BEGIN
  PERFORM pg_advisory_xact_lock(lock_key);
  SELECT seq + 1, hash INTO event_seq, event_prev_hash FROM {HEAD_TABLE} WHERE id = 1;
  IF event_seq IS NULL THEN
    RAISE EXCEPTION 'audit chain head is missing';
  END IF;
  event_hash := encode(sha256(
      convert_to(event_prev_hash || '[1,' || event_seq::text || ',', 'UTF8') || middle
      || convert_to(',"' || event_prev_hash || '"]', 'UTF8')), 'hex');
  INSERT INTO {EVENT_TABLE} (seq, occurred_at, actor_id, actor_agency_id, action, object_type, object_id,
      owner_agency_id, request_id, fields, outcome, detail, prev_hash, hash)
    VALUES (event_seq, at, p_actor_id, p_actor_agency_id, p_action, p_object_type, p_object_id,
      p_owner_agency_id, p_request_id, p_fields, p_outcome, p_detail, event_prev_hash, event_hash)
    RETURNING id INTO event_id;
  UPDATE {HEAD_TABLE} SET seq = event_seq, hash = event_hash WHERE id = 1;
END $$"""  # noqa: S608
POSTGRES_APPEND_DROP = (
    f"DROP FUNCTION IF EXISTS {APPEND_FUNCTION}(bigint, timestamptz, bigint, bigint, text, text, text, bigint, "
    "text, text, text, text, bytea)"
)
