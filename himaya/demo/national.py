"""National-scale synthetic data: hundreds of thousands of people, cases and referrals, in minutes.

The row-by-row services are far too slow for this, so the loader writes rows directly, in
batches, while keeping every invariant the services keep:

- personal fields are encrypted with the keyring and blind indexes computed, through the model
  fields themselves (`Field.pre_save` / `get_db_prep_save`, exactly what a normal save runs);
- every object gets its audit events (one create per object, plus reads of people and cases),
  hashed with `canonical_bytes` / `event_hash` / `micros` as `audit_record` does, inserted in
  seq order under the append lock, and the chain head advanced one event at a time (the head
  trigger only accepts +1 onto an existing event with that hash), so `himaya audit verify` passes;
- on PostgreSQL rows go in with COPY (psycopg's copy API); elsewhere with executemany.

It needs the demo agencies and staff (created first if missing) and refuses to run twice: the
final `demo.national.seed` audit event marks a completed load.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import sys
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Protocol

from django.db import connection, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from himaya.accounts.models import User
from himaya.accounts.roles import Role
from himaya.agencies.models import Agency, AgencyService, AgencyType
from himaya.audit.models import AuditEvent
from himaya.audit.services import APPEND_LOCK_KEY, audit_record, canonical_bytes, event_hash, micros
from himaya.cases.models import (
    Case,
    CaseExploitation,
    CaseStatus,
    Category,
    Channel,
    DecidingOrg,
    Decision,
    Encounter,
    TimelineEntry,
)
from himaya.clocks.workflow import Stage
from himaya.consent.models import Consent, Purpose
from himaya.demo.names import ORIGIN_WEIGHTS, generate_name
from himaya.people.models import Gender, Person
from himaya.referrals.models import Referral, ReferralState, Urgency

MARKER_ACTION = "demo.national.seed"
NATIONAL_PERSONS = 250_000
CASES_PER_PERSON = 0.4  # 250k people -> 100k cases
REFERRALS_PER_CASE = 5.5  # 100k cases -> ~550k referrals
PERSON_READS = 2  # views of each person's record, on average
CASE_READS = 6  # views of each case, on average
YEARS = 5

# Realistic proportions (illustrative, of the order seen in Gulf-state NRM reporting).
CHANNELS = {
    Channel.HOTLINE: 30,
    Channel.WALK_IN: 25,
    Channel.LABOUR_INSPECTION: 12,
    Channel.POLICE: 10,
    Channel.NGO: 8,
    Channel.EMBASSY: 8,
    Channel.HEALTH: 3,
    Channel.SELF_REFERRAL: 3,
    Channel.OTHER: 1,
}
CATEGORIES = {Category.LABOUR_DISPUTE: 60, Category.ABUSE: 25, Category.TRAFFICKING_SUSPICION: 15}
STAGES = {
    Stage.CLOSED: 45,
    Stage.LABOUR_GRIEVANCE: 12,
    Stage.IDENTIFICATION: 6,
    Stage.DOCUMENTATION: 5,
    Stage.RG_PENDING: 4,
    Stage.RG_NEGATIVE: 2,
    Stage.RECOVERY_PERIOD: 5,
    Stage.CG_PENDING: 3,
    Stage.CG_NEGATIVE: 1,
    Stage.PROTECTION_ASSISTANCE: 6,
    Stage.REINTEGRATION: 3,
    Stage.VOLUNTARY_RETURN: 3,
    Stage.NOT_TRAFFICKING: 3,
    Stage.ANONYMOUS_NOTIFICATION: 2,
}
EXPLOITATION = {"ForcedLabour": 55, "Servitude": 20, "SexualExploitation": 12, "ForcedBegging": 3, "Other": 10}
INDUSTRY = {"T": 45, "F": 20, "I": 10, "G": 8, "C": 7, "H": 5, "S": 5}
REFERRAL_STATES = {
    ReferralState.COMPLETED: 55,
    ReferralState.IN_PROGRESS: 12,
    ReferralState.ACCEPTED: 8,
    ReferralState.SENT: 8,
    ReferralState.DECLINED: 10,
    ReferralState.CANCELLED: 7,
}
SERVICES = {
    "shelter": 22,
    "medical": 18,
    "legal_aid": 15,
    "interpretation": 12,
    "psychosocial": 10,
    "travel_documents": 10,
    "repatriation": 6,
    "investigation": 4,
    "employment_transfer": 3,
}
OUTCOMES = {
    "shelter": "Accommodated until the case was resolved.",
    "medical": "Examined and treated; follow-up appointment given.",
    "legal_aid": "Lawyer assigned; claim for unpaid wages filed.",
    "interpretation": "Interpreter provided for the interview.",
    "psychosocial": "Counselling sessions completed.",
    "travel_documents": "Emergency travel document issued.",
    "repatriation": "Ticket arranged; returned home safely.",
    "investigation": "Statement taken; file passed to the prosecution.",
    "employment_transfer": "Transferred to a new employer.",
}
# Consent (adults; children are not asked): nearly all agree to referral to services, fewer to
# sharing with their embassy, and a few later withdraw that.
REFERRAL_CONSENT = 0.97
EMBASSY_CONSENT = 0.4
EMBASSY_WITHDRAWN = 0.05
# The language the consent was explained in (ISO 639-1), by nationality.
LANGUAGE = {"IN": "hi", "BD": "bn", "PH": "tl", "NP": "ne", "ET": "am", "LK": "si", "PK": "ur", "KE": "sw"}
CONSENT_FIELDS = "given,interpreter_used,language,purpose,recipient_agency,retention_until"
PASSPORT_PREFIX = {"IN": "K", "BD": "EB", "PH": "P", "NP": "PA", "ET": "EP", "LK": "N", "PK": "AB", "KE": "AK"}


class Stream(Protocol):
    def write(self, text: str, /) -> Any: ...

    def flush(self) -> Any: ...


class AlreadySeeded(Exception):
    pass


@dataclass
class TableStat:
    rows: int = 0
    seconds: float = 0.0

    @property
    def rate(self) -> float:
        return self.rows / self.seconds if self.seconds else 0.0


@dataclass
class NationalReport:
    persons: int = 0
    cases: int = 0
    referrals: int = 0
    events: int = 0
    seconds: float = 0.0
    tables: dict[str, TableStat] = field(default_factory=dict)

    def stat(self, name: str) -> TableStat:
        return self.tables.setdefault(name, TableStat())


def _pick(rng: random.Random, weights: dict[Any, int]) -> Any:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def already_seeded() -> bool:
    return AuditEvent.objects.filter(action=MARKER_ACTION).exists()


# --- inserting rows ----------------------------------------------------------------------------
def _columns(model: type[models.Model]) -> list[models.Field[Any, Any]]:
    # Generated columns are computed by the database, never written.
    return [f for f in model._meta.concrete_fields if not getattr(f, "generated", False)]


def _row(obj: models.Model, fields: Sequence[models.Field[Any, Any]]) -> tuple[Any, ...]:
    """The database values of `obj` as a normal INSERT would write them (encryption, indexes),
    except that back-dated auto_now timestamps set on the object are kept."""
    values = []
    for f in fields:
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            raw = getattr(obj, f.attname)
        else:
            raw = f.pre_save(obj, True)
        values.append(f.get_db_prep_save(raw, connection))
    return tuple(values)


def insert_rows(table: str, columns: Sequence[str], rows: Iterable[tuple[Any, ...]]) -> int:
    """Insert rows: COPY on PostgreSQL, executemany elsewhere. Returns the count."""
    rows = list(rows)
    if not rows:
        return 0
    qn = connection.ops.quote_name
    cols = ", ".join(qn(c) for c in columns)
    if connection.vendor == "postgresql":
        connection.ensure_connection()
        raw = connection.connection
        with raw.cursor() as cursor, cursor.copy(f"COPY {qn(table)} ({cols}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
    else:
        marks = ", ".join(["%s"] * len(columns))
        with connection.cursor() as cursor:
            cursor.executemany(f"INSERT INTO {qn(table)} ({cols}) VALUES ({marks})", rows)  # noqa: S608
    return len(rows)


def insert_objects(model: type[models.Model], objs: list[models.Model], report: NationalReport) -> None:
    fields = _columns(model)
    started = time.perf_counter()
    rows = [_row(o, fields) for o in objs]
    insert_rows(model._meta.db_table, [f.column for f in fields], rows)
    stat = report.stat(model._meta.db_table)
    stat.rows += len(objs)
    stat.seconds += time.perf_counter() - started


def _next_id(model: type[models.Model]) -> int:
    return (model._default_manager.aggregate(m=models.Max("pk"))["m"] or 0) + 1


def _reset_sequences(models_: Iterable[type[models.Model]]) -> None:
    from django.core.management.color import no_style

    statements = connection.ops.sequence_reset_sql(no_style(), list(models_))
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


# --- the audit chain ---------------------------------------------------------------------------
@dataclass(frozen=True)
class PendingEvent:
    occurred_at: dt.datetime
    actor_id: int | None
    actor_agency_id: int | None
    action: str
    object_type: str
    object_id: str
    owner_agency_id: int | None
    fields: str
    detail: str = ""


_EVENT_COLUMNS = [
    "seq",
    "occurred_at",
    "actor_id",
    "actor_agency_id",
    "action",
    "object_type",
    "object_id",
    "owner_agency_id",
    "request_id",
    "fields",
    "outcome",
    "detail",
    "prev_hash",
    "hash",
]


ADVANCE_CHUNK = 200  # head steps per transaction on PostgreSQL (see `advance_head`)


def append_events(events: list[PendingEvent], report: NationalReport) -> list[tuple[int, str]]:
    """Insert events onto the chain exactly as `audit_record` would hash them; return (seq, hash) pairs.

    Call inside the batch's transaction, with the append lock held for the whole load
    (`append_lock`). The head is read, each event hashed onto the previous and the rows inserted
    in seq order; `advance_head` then moves the head onto them once they are committed.
    """
    if not events:
        return []
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("SELECT seq, hash FROM audit_auditchainhead WHERE id = 1")
        head_seq, prev = cursor.fetchone()
        cursor.execute("SELECT COALESCE(MAX(seq), 0) FROM audit_auditevent")
        if cursor.fetchone()[0] != head_seq:
            raise RuntimeError("the audit chain head is not on the last event: run `himaya audit verify`")
    first = head_seq + 1
    rows = []
    hashes = []
    for offset, e in enumerate(events):
        seq = first + offset
        fields = ",".join(sorted(set(e.fields.split(",")) - {""}))
        payload = canonical_bytes(
            seq=seq,
            occurred_us=micros(e.occurred_at),
            actor_id=e.actor_id,
            actor_agency_id=e.actor_agency_id,
            action=e.action,
            object_type=e.object_type,
            object_id=e.object_id,
            owner_agency_id=e.owner_agency_id,
            request_id="",
            fields=fields,
            outcome="ok",
            detail=e.detail,
            prev_hash=prev,
        )
        digest = event_hash(payload, prev)
        rows.append(
            (
                seq,
                connection.ops.adapt_datetimefield_value(e.occurred_at)
                if connection.vendor != "postgresql"
                else e.occurred_at,
                e.actor_id,
                e.actor_agency_id,
                e.action,
                e.object_type,
                e.object_id,
                e.owner_agency_id,
                "",
                fields,
                "ok",
                e.detail,
                prev,
                digest,
            )
        )
        hashes.append((seq, digest))
        prev = digest
    insert_rows(AuditEvent._meta.db_table, _EVENT_COLUMNS, rows)
    stat = report.stat(AuditEvent._meta.db_table)
    stat.rows += len(events)
    stat.seconds += time.perf_counter() - started
    report.events += len(events)
    return hashes


def advance_head(hashes: list[tuple[int, str]], report: NationalReport) -> None:
    """Move the chain head onto the committed events, +1 at a time (the head trigger allows nothing else).

    On PostgreSQL a server-side loop does the steps, ADVANCE_CHUNK per transaction: each UPDATE
    of the one head row leaves a row version that only becomes prunable after commit, so one huge
    transaction would make every step walk all the earlier versions (quadratic time).
    """
    if not hashes:
        return
    started = time.perf_counter()
    if connection.vendor == "postgresql":
        for index in range(0, len(hashes), ADVANCE_CHUNK):
            chunk = hashes[index : index + ADVANCE_CHUNK]
            # A DO block takes no parameters; both bounds are integers computed here.
            lo, hi = int(chunk[0][0]), int(chunk[-1][0])
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(
                    "DO $$ DECLARE r record; BEGIN FOR r IN SELECT seq, hash FROM audit_auditevent "  # noqa: S608
                    f"WHERE seq BETWEEN {lo} AND {hi} ORDER BY seq LOOP "
                    "UPDATE audit_auditchainhead SET seq = r.seq, hash = r.hash WHERE id = 1; END LOOP; END $$"
                )
    else:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.executemany("UPDATE audit_auditchainhead SET seq = %s, hash = %s WHERE id = 1", hashes)
    report.stat("audit_auditchainhead (advance)").rows += len(hashes)
    report.stat("audit_auditchainhead (advance)").seconds += time.perf_counter() - started


@contextmanager
def append_lock() -> Iterator[None]:
    """Hold the audit append lock for the whole load (PostgreSQL), so no other append interleaves.

    `audit_record` queues on the same advisory lock; SQLite writers are serialised by the
    database lock of each batch transaction instead.
    """
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_lock(%s)", [APPEND_LOCK_KEY])
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [APPEND_LOCK_KEY])


# --- generating --------------------------------------------------------------------------------
@dataclass
class World:
    owners: list[tuple[Agency, User, User]]  # agency, its first responder, its case worker (or responder)
    owner_weights: list[int]
    providers: dict[str, list[tuple[Agency, User | None]]]
    embassies: dict[str, tuple[Agency, User | None]]
    coordinator: User | None = None  # the protection centre's NRM coordinator: the competent authority


def _world() -> World:
    def staff(agency: Agency, *roles: Role) -> User | None:
        return (
            User.objects.filter(agency=agency, is_active=True, roles__role__in=[r.value for r in roles])
            .order_by("pk")
            .first()
        )

    owners = []
    weights = []
    for agency in Agency.objects.order_by("pk"):
        responder = staff(agency, Role.FIRST_RESPONDER)
        if responder is None:
            continue
        worker = staff(agency, Role.CASE_WORKER) or responder
        owners.append((agency, responder, worker))
        weights.append(
            60
            if agency.type == AgencyType.PROTECTION_CENTRE
            else 15
            if agency.type == AgencyType.POLICE
            else 5
            if agency.type == AgencyType.NGO
            else 2
        )
    if not owners:
        raise RuntimeError(_("No agency has a first responder: run `himaya seed` first."))
    providers: dict[str, list[tuple[Agency, User | None]]] = {}
    # Embassies are referred to only for their own nationals who consent (see the loader).
    for service in (
        AgencyService.objects.select_related("agency").exclude(agency__type=AgencyType.EMBASSY).order_by("pk")
    ):
        providers.setdefault(service.service_type, []).append(
            (service.agency, staff(service.agency, Role.SERVICE_PROVIDER, Role.CASE_WORKER, Role.FIRST_RESPONDER))
        )
    embassies = {
        a.country: (a, staff(a, Role.CASE_WORKER, Role.FIRST_RESPONDER))
        for a in Agency.objects.filter(type=AgencyType.EMBASSY).order_by("pk")
    }
    coordinator = (
        User.objects.filter(
            is_active=True, roles__role=Role.NRM_COORDINATOR.value, agency__type=AgencyType.PROTECTION_CENTRE
        )
        .order_by("pk")
        .first()
    )
    return World(
        owners=owners, owner_weights=weights, providers=providers, embassies=embassies, coordinator=coordinator
    )


class Progress:
    """A plain-text progress line on stderr (one line per update, so logs stay readable)."""

    def __init__(self, total: int, stream: Stream | None) -> None:
        self.total = total
        self.stream = stream
        self.started = time.perf_counter()
        self.last = -1

    def update(self, done: int) -> None:
        if self.stream is None:
            return
        pct = int(100 * done / self.total) if self.total else 100
        if pct == self.last and done < self.total:
            return
        self.last = pct
        elapsed = time.perf_counter() - self.started
        eta = elapsed / done * (self.total - done) if done else 0.0
        bar = "#" * (pct // 4) + "." * (25 - pct // 4)
        self.stream.write(f"[{bar}] {pct:3d}%  {done:,}/{self.total:,} people  {elapsed:6.0f} s  eta {eta:5.0f} s\n")
        self.stream.flush()


def _reference_start(prefix: str, model: type[models.Model], years: Iterable[int]) -> dict[int, int]:
    start = {}
    for year in years:
        stem = f"{prefix}-{year}-"
        last = (
            model._default_manager.filter(reference__startswith=stem)
            .order_by("-reference")
            .values_list("reference", flat=True)
            .first()
        )
        start[year] = int(last.rsplit("-", 1)[1]) if last else 0
    return start


class _Timeline:
    """Timeline rows of one batch, numbered from the shared id counters."""

    def __init__(self, ids: dict[type[models.Model], int]) -> None:
        self.ids = ids
        self.rows: list[models.Model] = []

    def __call__(self, case_id: int, at: dt.datetime, actor_id: int, kind: str, **fields: Any) -> None:
        pk = self.ids[TimelineEntry]
        self.ids[TimelineEntry] += 1
        self.rows.append(TimelineEntry(pk=pk, case_id=case_id, at=at, actor_id=actor_id, kind=kind, **fields))


# The stages a case went through to reach each stage, and the decisions on the way (kind, outcome).
_PATH_TO: dict[Stage, tuple[tuple[str, Stage], ...]] = {
    Stage.DOCUMENTATION: (("document", Stage.DOCUMENTATION),),
    Stage.LABOUR_GRIEVANCE: (("route_labour", Stage.LABOUR_GRIEVANCE),),
    Stage.NOT_TRAFFICKING: (("route_not_tip", Stage.NOT_TRAFFICKING),),
    Stage.ANONYMOUS_NOTIFICATION: (("consent_refused", Stage.ANONYMOUS_NOTIFICATION),),
}
_REFERRED = (("document", Stage.DOCUMENTATION), ("refer", Stage.RG_PENDING))
_RG_POSITIVE = (*_REFERRED, ("rg:positive", Stage.RECOVERY_PERIOD))
_CG_POSITIVE = (*_RG_POSITIVE, ("start_cg", Stage.CG_PENDING), ("cg:positive", Stage.PROTECTION_ASSISTANCE))
_PATH_TO.update(
    {
        Stage.RG_PENDING: _REFERRED,
        Stage.RG_NEGATIVE: (*_REFERRED, ("rg:negative", Stage.RG_NEGATIVE)),
        Stage.RECONSIDERATION: (
            *_REFERRED,
            ("rg:negative", Stage.RG_NEGATIVE),
            ("request_reconsideration", Stage.RECONSIDERATION),
        ),
        Stage.RECOVERY_PERIOD: _RG_POSITIVE,
        Stage.CG_PENDING: (*_RG_POSITIVE, ("start_cg", Stage.CG_PENDING)),
        Stage.CG_NEGATIVE: (*_RG_POSITIVE, ("start_cg", Stage.CG_PENDING), ("cg:negative", Stage.CG_NEGATIVE)),
        Stage.PROTECTION_ASSISTANCE: _CG_POSITIVE,
        Stage.REINTEGRATION: (*_CG_POSITIVE, ("reintegrate", Stage.REINTEGRATION)),
        Stage.VOLUNTARY_RETURN: (*_CG_POSITIVE, ("return_home", Stage.VOLUNTARY_RETURN)),
        Stage.CLOSED: (*_CG_POSITIVE, ("reintegrate", Stage.REINTEGRATION), ("close", Stage.CLOSED)),
    }
)
_DECISION_REASONS = {
    "positive": "The account and the indicators recorded at screening meet the test.",
    "negative": "The indicators recorded do not show the means of trafficking.",
}


def _case_history(
    rng: random.Random,
    stage: Stage,
    case_id: int,
    opened: dt.datetime,
    responder_id: int,
    coordinator: User | None,
    timeline: _Timeline,
    decisions: list[models.Model],
    ids: dict[type[models.Model], int],
    events: list[PendingEvent],
    agency_id: int,
) -> None:
    """The case timeline's stage changes and the competent authority's decisions that led to `stage`."""
    at = opened
    previous = Stage.IDENTIFICATION
    for step, reached in _PATH_TO.get(stage, ()):
        at = at + dt.timedelta(days=rng.randint(1, 6), hours=rng.randint(0, 8))
        kind, _sep, outcome = step.partition(":")
        if outcome and coordinator is not None:
            decision_id = ids[Decision]
            ids[Decision] += 1
            decisions.append(
                Decision(
                    pk=decision_id,
                    case_id=case_id,
                    kind=kind,
                    outcome=outcome,
                    reasons=_DECISION_REASONS[outcome],
                    decided_by_id=coordinator.pk,
                    deciding_org=DecidingOrg.NON_POLICE_GOVERNMENT,
                    decided_at=at,
                )
            )
            timeline(
                case_id,
                at,
                coordinator.pk,
                "decision",
                summary=step,
                from_stage=previous.value,
                to_stage=reached.value,
                object_type="cases.decision",
                object_id=str(decision_id),
            )
            events.append(
                PendingEvent(
                    at,
                    coordinator.pk,
                    coordinator.agency_id,
                    "cases.decision.create",
                    "cases.case",
                    str(case_id),
                    agency_id,
                    "reasons,outcome,deciding_org",
                )
            )
        elif not outcome:
            timeline(
                case_id, at, responder_id, "stage", summary=step, from_stage=previous.value, to_stage=reached.value
            )
        previous = reached


def _consents(
    rng: random.Random,
    world: World,
    country: str,
    person_id: int,
    case_id: int,
    at: dt.datetime,
    now: dt.datetime,
    responder_id: int,
    agency_id: int,
    consents: list[models.Model],
    timeline: _Timeline,
    events: list[PendingEvent],
    ids: dict[type[models.Model], int],
) -> tuple[bool, bool]:
    """An adult's consents, as `consent_record` writes them (with timeline entries and audit events):
    to referral to services and, where their country has an embassy here, to sharing with it (some
    later withdrawn). Returns whether the case may be referred, and referred to the embassy."""
    wishes: list[tuple[Purpose, int | None, bool]] = [
        (Purpose.REFERRAL_TO_SERVICES, None, rng.random() < REFERRAL_CONSENT)
    ]
    if country in world.embassies:
        wishes.append((Purpose.SHARE_EMBASSY, world.embassies[country][0].pk, rng.random() < EMBASSY_CONSENT))
    refer_ok = embassy_ok = False
    for n, (purpose, recipient, given) in enumerate(wishes):
        recorded = at + dt.timedelta(minutes=10 + n)
        withdrawn = (
            min(now, recorded + dt.timedelta(days=rng.randint(5, 90)))
            if given and purpose == Purpose.SHARE_EMBASSY and rng.random() < EMBASSY_WITHDRAWN
            else None
        )
        consent_id = ids[Consent]
        ids[Consent] += 1
        consents.append(
            Consent(
                pk=consent_id,
                person_id=person_id,
                case_id=case_id,
                purpose=purpose,
                recipient_agency_id=recipient,
                given=given,
                explained_by_id=responder_id,
                language=LANGUAGE.get(country, "en"),
                interpreter_used=rng.random() < 0.6,
                recorded_at=recorded,
                withdrawn_at=withdrawn,
                withdrawn_by_id=responder_id if withdrawn else None,
            )
        )
        changes = [(recorded, "create", f"{purpose}:{'given' if given else 'refused'}", CONSENT_FIELDS)]
        if withdrawn is not None:
            changes.append((withdrawn, "withdraw", f"{purpose}:withdrawn", "withdrawn_at"))
        for when, verb, summary, fields in changes:
            timeline(
                case_id,
                when,
                responder_id,
                "consent",
                summary=summary,
                object_type="consent.consent",
                object_id=str(consent_id),
            )
            events.append(
                PendingEvent(
                    when,
                    responder_id,
                    agency_id,
                    f"consent.consent.{verb}",
                    "consent.consent",
                    str(consent_id),
                    agency_id,
                    fields,
                )
            )
        if purpose == Purpose.REFERRAL_TO_SERVICES:
            refer_ok = given
        else:
            embassy_ok = given and withdrawn is None
    return refer_ok, embassy_ok


def national_seed(
    *,
    actor: None = None,
    persons: int = NATIONAL_PERSONS,
    seed: int = 2026,
    batch: int = 5_000,
    progress: Stream | None = sys.stderr,
) -> NationalReport:
    """Load `persons` people with cases, referrals and audit events. Refuses a second run."""
    if persons < 1:
        raise ValueError(_("The number of people must be at least one."))
    if already_seeded():
        raise AlreadySeeded(_("National-scale data has already been loaded into this database."))
    from himaya.demo.services import demo_seed

    demo_seed(seed=seed, people=0, cases=0)  # agencies and staff
    world = _world()
    report = NationalReport()
    rng = random.Random(f"national:{seed}")  # fictional data, not security
    now = timezone.now()
    start = now - dt.timedelta(days=365 * YEARS)
    step = (now - start) / persons
    years = range(start.year, now.year + 1)
    case_numbers = _reference_start("C", Case, years)
    referral_numbers = _reference_start("R", Referral, years)
    ids: dict[type[models.Model], int] = {
        m: _next_id(m) for m in (Person, Case, CaseExploitation, Encounter, Referral, Decision, TimelineEntry, Consent)
    }
    service_names = [s for s in SERVICES if s in world.providers]
    service_weights = [SERVICES[s] for s in service_names]
    bar = Progress(persons, progress)
    began = time.perf_counter()
    bar.update(0)
    done = 0
    with append_lock():
        while done < persons:
            size = min(batch, persons - done)
            people: list[models.Model] = []
            cases: list[models.Model] = []
            exploitations: list[models.Model] = []
            encounters: list[models.Model] = []
            referrals: list[models.Model] = []
            decisions: list[models.Model] = []
            consents: list[models.Model] = []
            timeline = _Timeline(ids)
            events: list[PendingEvent] = []

            for index in range(done, done + size):
                at = start + step * index
                agency, responder, worker = rng.choices(world.owners, weights=world.owner_weights)[0]
                country = _pick(rng, ORIGIN_WEIGHTS)
                female = rng.random() < 0.7
                name = generate_name(rng, country, female=female)
                age = rng.choice([15, 16, 17]) if rng.random() < 0.04 else rng.randint(19, 55)
                birth = at.date() - dt.timedelta(days=age * 365 + rng.randrange(365)) if rng.random() < 0.85 else None
                pid = ids[Person]
                ids[Person] += 1
                person = Person(
                    pk=pid,
                    owner_agency_id=agency.pk,
                    created_by_id=responder.pk,
                    created_at=at,
                    updated_at=at,
                    given_name_latin=name.given_latin,
                    family_name_latin=name.family_latin,
                    full_name_arabic=name.arabic if rng.random() < 0.9 else "",
                    date_of_birth=birth,  # type: ignore[misc]
                    gender=Gender.FEMININE if female else Gender.MASCULINE,
                    nationality=country,
                    nationalities=country,
                    document_number=f"{PASSPORT_PREFIX[country]}{pid:08d}" if rng.random() < 0.67 else "",
                    phone=f"+97336{pid % 1_000_000:06d}" if rng.random() < 0.8 else "",
                )
                people.append(person)
                personal = [f for f in Person.PERSONAL_FIELDS if getattr(person, f, None)]
                events.append(
                    PendingEvent(
                        at,
                        responder.pk,
                        agency.pk,
                        "people.person.create",
                        "people.person",
                        str(pid),
                        agency.pk,
                        ",".join(personal),
                    )
                )
                for r in range(rng.randint(0, PERSON_READS * 2)):
                    events.append(
                        PendingEvent(
                            at + dt.timedelta(seconds=1 + r),
                            worker.pk,
                            agency.pk,
                            "people.person.view",
                            "people.person",
                            str(pid),
                            agency.pk,
                            "",
                        )
                    )
                if rng.random() >= CASES_PER_PERSON:
                    continue
                cid = ids[Case]
                ids[Case] += 1
                case_numbers[at.year] += 1
                category = _pick(rng, CATEGORIES)
                stage = _pick(rng, STAGES)
                if category == Category.LABOUR_DISPUTE and stage not in (Stage.LABOUR_GRIEVANCE, Stage.CLOSED):
                    stage = Stage.LABOUR_GRIEVANCE if rng.random() < 0.7 else stage
                is_child = age < 18
                if is_child and stage == Stage.ANONYMOUS_NOTIFICATION:
                    stage = Stage.DOCUMENTATION
                closed = stage == Stage.CLOSED
                referred = stage not in (
                    Stage.IDENTIFICATION,
                    Stage.DOCUMENTATION,
                    Stage.LABOUR_GRIEVANCE,
                    Stage.NOT_TRAFFICKING,
                    Stage.ANONYMOUS_NOTIFICATION,
                )
                opened = at.date()
                case = Case(
                    pk=cid,
                    reference=f"C-{at.year}-{case_numbers[at.year]:06d}",
                    person_id=None if stage == Stage.ANONYMOUS_NOTIFICATION else pid,
                    owner_agency_id=agency.pk,
                    created_by_id=responder.pk,
                    assigned_to_id=worker.pk,
                    stage=stage.value,
                    status=CaseStatus.CLOSED if closed else CaseStatus.ACTIVE,
                    category=category,
                    is_child=is_child,
                    industry=_pick(rng, INDUSTRY),
                    safety_risk=rng.random() < 0.08,
                    medical_urgent=rng.random() < 0.05,
                    child_present=rng.random() < 0.03,
                    referred_on=opened + dt.timedelta(days=3) if referred else None,
                    rg_due=opened + dt.timedelta(days=10) if referred else None,
                    recovery_ends=opened + dt.timedelta(days=60)
                    if stage in (Stage.RECOVERY_PERIOD, Stage.CG_PENDING, Stage.PROTECTION_ASSISTANCE)
                    else None,
                    closure_reason="Case resolved." if closed else "",
                    closed_at=min(now, at + dt.timedelta(days=rng.randint(20, 200))) if closed else None,
                    created_at=at,
                    updated_at=at,
                )
                cases.append(case)
                types = {_pick(rng, EXPLOITATION)}
                if category == Category.TRAFFICKING_SUSPICION and rng.random() < 0.3:
                    types.add(_pick(rng, EXPLOITATION))
                for t in sorted(types):
                    exploitations.append(CaseExploitation(pk=ids[CaseExploitation], case_id=cid, type=t))
                    ids[CaseExploitation] += 1
                encounters.append(
                    Encounter(
                        pk=ids[Encounter],
                        case_id=cid,
                        occurred_at=at,
                        channel=_pick(rng, CHANNELS),
                        location="Manama" if rng.random() < 0.5 else "",
                        interpreter_language="",
                        notes="First contact recorded." if rng.random() < 0.5 else "",
                        recorded_by_id=responder.pk,
                    )
                )
                timeline(
                    cid,
                    at,
                    responder.pk,
                    "encounter",
                    to_stage=Stage.IDENTIFICATION.value,
                    object_type="cases.encounter",
                    object_id=str(ids[Encounter]),
                )
                ids[Encounter] += 1
                case_at = at + dt.timedelta(seconds=30)
                _case_history(
                    rng, stage, cid, at, responder.pk, world.coordinator, timeline, decisions, ids, events, agency.pk
                )
                events.append(
                    PendingEvent(
                        case_at,
                        responder.pk,
                        agency.pk,
                        "cases.case.create",
                        "cases.case",
                        str(cid),
                        agency.pk,
                        "category,channel,exploitation_types,location,notes,person",
                    )
                )
                for r in range(rng.randint(0, CASE_READS * 2)):
                    events.append(
                        PendingEvent(
                            case_at + dt.timedelta(seconds=1 + r),
                            worker.pk,
                            agency.pk,
                            "cases.case.view",
                            "cases.case",
                            str(cid),
                            agency.pk,
                            "",
                        )
                    )
                # Consent, recorded at the first interview (an anonymous notification is the refusal).
                refer_ok, embassy_ok = is_child, False
                if not is_child and stage != Stage.ANONYMOUS_NOTIFICATION:
                    refer_ok, embassy_ok = _consents(
                        rng, world, country, pid, cid, at, now, responder.pk, agency.pk, consents, timeline, events, ids
                    )
                    # As himaya.consent.sharing keeps it (one case per person here).
                    case.embassy_share_country = person.embassy_share_country = country if embassy_ok else ""
                # 1..2*mean-1 referrals (mean REFERRALS_PER_CASE), only with consent to refer (children:
                # no consent gate); never to the case's own agency; to the embassy only with consent.
                count = rng.randint(1, int(REFERRALS_PER_CASE * 2) - 1) if refer_ok else 0
                for n in range(count):
                    if service_names and embassy_ok and rng.random() < 0.1:
                        to_agency, handler = world.embassies[country]
                        service = "travel_documents"
                    else:
                        for _attempt in range(5):
                            service = rng.choices(service_names, weights=service_weights)[0]
                            to_agency, handler = rng.choice(world.providers[service])
                            if to_agency.pk != agency.pk:
                                break
                    if to_agency.pk == agency.pk:
                        continue
                    state = _pick(rng, REFERRAL_STATES)
                    if closed and state in (ReferralState.SENT, ReferralState.ACCEPTED, ReferralState.IN_PROGRESS):
                        state = ReferralState.COMPLETED
                    sent = min(now, at + dt.timedelta(days=1 + n * 2, hours=rng.randint(0, 8)))
                    answered = (
                        min(now, sent + dt.timedelta(hours=rng.randint(2, 60))) if state != ReferralState.SENT else None
                    )
                    finished = state in (ReferralState.COMPLETED, ReferralState.DECLINED, ReferralState.CANCELLED)
                    rid = ids[Referral]
                    ids[Referral] += 1
                    ref_year = sent.year if sent.year in referral_numbers else at.year
                    referral_numbers[ref_year] += 1
                    referrals.append(
                        Referral(
                            pk=rid,
                            reference=f"R-{ref_year}-{referral_numbers[ref_year]:06d}",
                            case_id=cid,
                            from_agency_id=agency.pk,
                            to_agency_id=to_agency.pk,
                            service_type=service,
                            urgency=Urgency.URGENT if rng.random() < 0.1 else Urgency.NORMAL,
                            state=state,
                            reason=f"Needs {service.replace('_', ' ')}.",
                            decline_reason="No capacity this week." if state == ReferralState.DECLINED else "",
                            outcome=OUTCOMES[service] if state == ReferralState.COMPLETED else "",
                            sent_by_id=worker.pk,
                            handled_by_id=handler.pk if handler and answered else None,
                            sent_at=sent,
                            answer_due_at=sent + dt.timedelta(hours=48),
                            answered_at=answered,
                            closed_at=min(now, answered + dt.timedelta(days=rng.randint(1, 30)))
                            if finished and answered
                            else None,
                        )
                    )
                    reference = f"R-{ref_year}-{referral_numbers[ref_year]:06d}"
                    timeline(
                        cid,
                        sent,
                        worker.pk,
                        "referral",
                        summary=f"{reference}:sent",
                        object_type="referrals.referral",
                        object_id=str(rid),
                    )
                    if state != ReferralState.SENT:
                        timeline(
                            cid,
                            answered or sent,
                            handler.pk if handler else worker.pk,
                            "referral",
                            summary=f"{reference}:{state}",
                            object_type="referrals.referral",
                            object_id=str(rid),
                        )
                    events.append(
                        PendingEvent(
                            case_at + dt.timedelta(seconds=20 + n),
                            worker.pk,
                            agency.pk,
                            "referrals.referral.send",
                            "referrals.referral",
                            str(rid),
                            agency.pk,
                            "reason",
                        )
                    )
            with transaction.atomic():
                insert_objects(Person, people, report)
                insert_objects(Case, cases, report)
                insert_objects(CaseExploitation, exploitations, report)
                insert_objects(Encounter, encounters, report)
                insert_objects(Consent, consents, report)
                insert_objects(Referral, referrals, report)
                insert_objects(Decision, decisions, report)
                insert_objects(TimelineEntry, timeline.rows, report)
                hashes = append_events(events, report)
            advance_head(hashes, report)
            report.persons += len(people)
            report.cases += len(cases)
            report.referrals += len(referrals)
            done += size
            bar.update(done)
    _reset_sequences([Person, Case, CaseExploitation, Encounter, Referral, Decision, TimelineEntry, Consent])
    if connection.vendor == "postgresql" and not connection.in_atomic_block:
        # The head row was updated once per event: give back the space of its dead versions now.
        with connection.cursor() as cursor:
            cursor.execute("VACUUM FULL audit_auditchainhead")
            # Bulk-loaded tables have no statistics and no visibility map until autovacuum gets
            # round to them, as it would have on a live system: without statistics the planner
            # guesses a few thousand rows and picks plans 1000x too slow, and without the visibility
            # map an index-only scan (the capped list counts) reads the table too (10 ms, not 0.6).
            cursor.execute("VACUUM (ANALYZE)")
    with transaction.atomic():
        audit_record(
            actor=None,
            action=MARKER_ACTION,
            detail=json.dumps(
                {"seed": seed, "persons": report.persons, "cases": report.cases, "referrals": report.referrals},
                sort_keys=True,
            ),
        )
    report.seconds = time.perf_counter() - began
    return report


def timings_table(report: NationalReport) -> str:
    lines = [f"{'table':<28} {'rows':>12} {'seconds':>9} {'rows/s':>10}"]
    for name, stat in report.tables.items():
        lines.append(f"{name:<28} {stat.rows:>12,} {stat.seconds:>9.1f} {stat.rate:>10,.0f}")
    lines.append(f"{'total':<28} {'':>12} {report.seconds:>9.1f}")
    return "\n".join(lines)
