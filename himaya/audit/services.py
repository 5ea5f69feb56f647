"""Writing audit events. Call `audit_record` inside the transaction of the action it records."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable
from typing import Any

import orjson
from django.db import connection, models, transaction
from django.utils import timezone

from himaya.audit.models import AuditEvent
from himaya.core.context import current_request_id

GENESIS_HASH = hashlib.sha256(b"himaya-audit-genesis-v1").hexdigest()
EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
# PostgreSQL advisory lock that serialises appends ("himaya-audit" as a 63-bit number).
APPEND_LOCK_KEY = int.from_bytes(hashlib.sha256(b"himaya-audit-append").digest()[:8], "big") >> 1


# Raw SQL: an append is on the path of every audited request. On PostgreSQL it is one statement
# (the plpgsql function `himaya_audit_append`, installed by migration audit 0004, see db.py); on
# SQLite three, inside the caller's write transaction.
_APPEND_SQL = (
    "SELECT event_id, event_seq, event_prev_hash, event_hash "
    "FROM himaya_audit_append(%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)"
)
_HEAD_SQL = "SELECT seq, hash FROM audit_auditchainhead WHERE id = 1"
_INSERT_SQL = (
    "INSERT INTO audit_auditevent (seq, occurred_at, actor_id, actor_agency_id, action, object_type, object_id, "
    "owner_agency_id, request_id, fields, outcome, detail, prev_hash, hash) "
    "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s) RETURNING id"
)
_ADVANCE_SQL = "UPDATE audit_auditchainhead SET seq = %s, hash = %s WHERE id = 1"


def micros(when: dt.datetime) -> int:
    """Microseconds since the epoch: the timestamp form that is hashed (backend-independent)."""
    if timezone.is_naive(when):
        when = when.replace(tzinfo=dt.UTC)
    delta = when - EPOCH
    return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds


def canonical_bytes(
    *,
    seq: int,
    occurred_us: int,
    actor_id: int | None,
    actor_agency_id: int | None,
    action: str,
    object_type: str,
    object_id: str,
    owner_agency_id: int | None,
    request_id: str,
    fields: str,
    outcome: str,
    detail: str,
    prev_hash: str,
) -> bytes:
    """The pinned serialisation every event's hash covers (a JSON array, fixed order, v1)."""
    return orjson.dumps(
        [
            1,
            seq,
            occurred_us,
            actor_id,
            actor_agency_id,
            action,
            object_type,
            object_id,
            owner_agency_id,
            request_id,
            fields,
            outcome,
            detail,
            prev_hash,
        ]
    )


def canonical_middle(
    *,
    occurred_us: int,
    actor_id: int | None,
    actor_agency_id: int | None,
    action: str,
    object_type: str,
    object_id: str,
    owner_agency_id: int | None,
    request_id: str,
    fields: str,
    outcome: str,
    detail: str,
) -> bytes:
    """`canonical_bytes` without its version, sequence number and previous hash (and brackets).

    `canonical_bytes(seq=s, prev_hash=h, **rest)` is exactly
    `b"[1," + str(s) + b"," + canonical_middle(**rest) + b"," + b'"' + h + b'"]'` (h is hex): the
    PostgreSQL append function splices the head's values in under the append lock.
    """
    return orjson.dumps(
        [
            occurred_us,
            actor_id,
            actor_agency_id,
            action,
            object_type,
            object_id,
            owner_agency_id,
            request_id,
            fields,
            outcome,
            detail,
        ]
    )[1:-1]


def event_hash(payload: bytes, prev_hash: str) -> str:
    return hashlib.sha256(prev_hash.encode("ascii") + payload).hexdigest()


def _object_ref(obj: models.Model | None) -> tuple[str, str, int | None]:
    if obj is None:
        return "", "", None
    owner = getattr(obj, "owner_agency_id", None)
    return obj._meta.label_lower, str(obj.pk), owner


def audit_record(
    *,
    actor: Any,
    action: str,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str = "",
    owner_agency_id: int | None = None,
    fields: Iterable[str] = (),
    outcome: str = "ok",
    detail: str = "",
    request_id: str | None = None,
) -> AuditEvent:
    """Append one event to the chain.

    `actor` is a user, or None for the system (commands, tasks). Only field *names* go in
    `fields`; `detail` must never hold personal values.
    """
    if obj is not None:
        object_type, object_id, owner = _object_ref(obj)
        owner_agency_id = owner_agency_id if owner_agency_id is not None else owner
    actor_id = getattr(actor, "pk", None) if actor is not None else None
    actor_agency_id = getattr(actor, "agency_id", None) if actor is not None else None
    field_names = ",".join(sorted(set(fields)))
    rid = request_id if request_id is not None else current_request_id()
    now = timezone.now()
    append = _append_postgresql if connection.vendor == "postgresql" else _append_sqlite
    event_id, seq, head_hash, digest = append(
        now=now,
        actor_id=actor_id,
        actor_agency_id=actor_agency_id,
        action=action,
        object_type=object_type,
        object_id=object_id,
        owner_agency_id=owner_agency_id,
        request_id=rid,
        fields=field_names,
        outcome=outcome,
        detail=detail,
    )
    event = AuditEvent(
        id=event_id,
        seq=seq,
        occurred_at=now,
        actor_id=actor_id,
        actor_agency_id=actor_agency_id,
        action=action,
        object_type=object_type,
        object_id=object_id,
        owner_agency_id=owner_agency_id,
        request_id=rid,
        fields=field_names,
        outcome=outcome,
        detail=detail,
        prev_hash=head_hash,
        hash=digest,
    )
    event._state.adding = False
    return event


def _append_postgresql(*, now: dt.datetime, **values: Any) -> tuple[int, int, str, str]:
    """One statement: lock, read the head, hash, insert, advance (atomic on its own or in the caller's
    transaction, which then holds the append lock until it ends, as before)."""
    middle = canonical_middle(occurred_us=micros(now), **values)
    with connection.cursor() as cursor:
        cursor.execute(
            _APPEND_SQL,
            [
                APPEND_LOCK_KEY,
                now,
                values["actor_id"],
                values["actor_agency_id"],
                values["action"],
                values["object_type"],
                values["object_id"],
                values["owner_agency_id"],
                values["request_id"],
                values["fields"],
                values["outcome"],
                values["detail"],
                middle,
            ],
        )
        event_id, seq, head_hash, digest = cursor.fetchone()
    return int(event_id), int(seq), str(head_hash), str(digest)


def _append_sqlite(*, now: dt.datetime, **values: Any) -> tuple[int, int, str, str]:
    # No savepoint: if the append fails, the action it records must not commit either.
    # Transactions are BEGIN IMMEDIATE (settings), so this writer already holds the write lock.
    with transaction.atomic(savepoint=False), connection.cursor() as cursor:
        cursor.execute(_HEAD_SQL)
        head_seq, head_hash = cursor.fetchone()
        seq = head_seq + 1
        payload = canonical_bytes(seq=seq, occurred_us=micros(now), prev_hash=head_hash, **values)
        digest = event_hash(payload, head_hash)
        cursor.execute(
            _INSERT_SQL,
            [
                seq,
                connection.ops.adapt_datetimefield_value(now),
                values["actor_id"],
                values["actor_agency_id"],
                values["action"],
                values["object_type"],
                values["object_id"],
                values["owner_agency_id"],
                values["request_id"],
                values["fields"],
                values["outcome"],
                values["detail"],
                head_hash,
                digest,
            ],
        )
        (event_id,) = cursor.fetchone()
        cursor.execute(_ADVANCE_SQL, [seq, digest])
    return int(event_id), seq, str(head_hash), digest


def audit_browse_record(*, actor: Any, what: str, filters: Iterable[str] = (), seq: int | None = None) -> AuditEvent:
    """Record that `actor` browsed the audit log: which page, which filter *names*, which event."""
    with transaction.atomic():
        return audit_record(
            actor=actor,
            action="audit.browse",
            object_type="audit.auditevent" if seq is not None else "",
            object_id=str(seq) if seq is not None else "",
            fields=filters,
            detail=what,
        )
