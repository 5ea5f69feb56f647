"""The append path: the PostgreSQL one-statement append hashes exactly what verification checks."""

from __future__ import annotations

import orjson
import pytest
from django.db import connection

from himaya.audit.models import AuditEvent
from himaya.audit.services import audit_record, canonical_bytes, canonical_middle, event_hash, micros
from himaya.audit.verify import verify_chain

CASES = [
    {
        "occurred_us": 1_764_000_000_123_456,
        "actor_id": 7,
        "actor_agency_id": 3,
        "action": "cases.case.view",
        "object_type": "cases.case",
        "object_id": "545",
        "owner_agency_id": 10,
        "request_id": "abc123def456",
        "fields": "person,summary",
        "outcome": "ok",
        "detail": "ids:1,2,3",
    },
    {
        "occurred_us": 0,
        "actor_id": None,
        "actor_agency_id": None,
        "action": "people.person.list",
        "object_type": "",
        "object_id": "",
        "owner_agency_id": None,
        "request_id": "",
        "fields": "",
        "outcome": "denied",
        "detail": 'quote " backslash \\ newline \n عربي \u2028 emoji \U0001f600',
    },
]


@pytest.mark.parametrize("values", CASES)
def test_the_spliced_serialisation_is_the_canonical_one(values):
    prev = "ab" * 32
    for seq in (1, 42, 10**12):
        spliced = b"[1," + str(seq).encode() + b"," + canonical_middle(**values) + b"," + orjson.dumps(prev) + b"]"
        assert spliced == canonical_bytes(seq=seq, prev_hash=prev, **values)


@pytest.mark.django_db
def test_appended_events_chain_and_verify(cast):
    before = AuditEvent.objects.order_by("-seq").first()
    first = audit_record(actor=cast.alice, action="cases.case.view", object_type="cases.case", object_id="1")
    second = audit_record(
        actor=None, action="people.person.list", fields=["given_name", "family_name"], detail="ids:1,2 — عربي"
    )
    assert second.seq == first.seq + 1
    assert second.prev_hash == first.hash
    if before is not None:
        assert first.prev_hash == before.hash
    for event in (first, second):
        stored = AuditEvent.objects.get(seq=event.seq)
        assert (stored.id, stored.hash, stored.prev_hash) == (event.id, event.hash, event.prev_hash)
        payload = canonical_bytes(
            seq=stored.seq,
            occurred_us=micros(stored.occurred_at),
            actor_id=stored.actor_id,
            actor_agency_id=stored.actor_agency_id,
            action=stored.action,
            object_type=stored.object_type,
            object_id=stored.object_id,
            owner_agency_id=stored.owner_agency_id,
            request_id=stored.request_id,
            fields=stored.fields,
            outcome=stored.outcome,
            detail=stored.detail,
            prev_hash=stored.prev_hash,
        )
        assert stored.hash == event_hash(payload, stored.prev_hash), connection.vendor
    assert verify_chain().ok
