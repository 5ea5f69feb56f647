"""Verify the audit chain: every hash, every link, the chain head and the signed checkpoints.

Walks the events in `seq` order with a raw cursor in keyset chunks, recomputing each event's
hash from the pinned canonical serialisation (`services.canonical_bytes`). The timestamp is
turned into microseconds by the database itself, so both backends hash the same integers and
SQLite's text datetimes are never parsed in Python.

A hash covers the event's own fields and its stored `prev_hash`, so each chunk can be checked
on its own; the walk stops at the first problem and names that event.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from django.conf import settings
from django.db import connections
from django.utils.translation import gettext as _

from himaya.audit import signing
from himaya.audit.checkpoints import Checkpoint, CheckpointUnreadable, load_checkpoint, read_head
from himaya.audit.services import GENESIS_HASH

# Kinds of problem, each naming the first bad event (`seq`).
HASH_MISMATCH = "hash_mismatch"  # the event's content no longer matches its hash (edited)
BROKEN_LINK = "broken_link"  # prev_hash does not name the previous event (reordered, forged, spliced)
MISSING_EVENT = "missing_event"  # a gap in seq (deleted)
HEAD_MISMATCH = "head_mismatch"  # the chain-head row disagrees with the last event
TRUNCATED = "truncated"  # fewer events than a checkpoint or the head says there were
REWRITTEN = "rewritten"  # the hash at a checkpoint's size differs from the signed one
CHECKPOINT_INVALID = "checkpoint_invalid"  # unreadable file or bad signature

CHUNK = 20_000
PARALLEL_MIN = 200_000
SQLITE_MMAP = 1 << 30

# Column order = canonical_bytes order after the leading hash, so the row slice IS the payload.
_COLUMNS = (
    "hash, 1, seq, {micros}, actor_id, actor_agency_id, action, object_type, object_id, owner_agency_id,"
    " request_id, fields, outcome, detail, prev_hash"
)
# Django stores datetimes on SQLite as UTC text "YYYY-MM-DD HH:MM:SS[.ffffff]". The seconds are read
# without the fraction: SQLite rounds fractions to milliseconds, which would carry .9995 s into the next second.
_SQLITE_MICROS = (
    "(CAST(strftime('%s', substr(occurred_at, 1, 19)) AS INTEGER) * 1000000"
    " + CAST(substr(occurred_at || '.000000', 21, 6) AS INTEGER))"
)
_POSTGRES_MICROS = "(extract(epoch FROM occurred_at) * 1000000)::bigint"


@dataclass(frozen=True)
class Problem:
    kind: str
    seq: int | None
    message: str

    def __str__(self) -> str:
        where = _("event #%(seq)s") % {"seq": self.seq} if self.seq is not None else _("the log")
        return f"{self.kind} at {where}: {self.message}"


@dataclass
class VerifyResult:
    events_checked: int = 0
    seconds: float = 0.0
    head_seq: int | None = None
    head_hash: str = ""
    checkpoints_checked: int = 0
    problem: Problem | None = None
    checkpoints: list[Checkpoint] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.problem is None

    @property
    def events_per_second(self) -> float:
        return self.events_checked / self.seconds if self.seconds > 0 else 0.0


def _select_sql(vendor: str) -> str:
    if vendor == "sqlite":
        return (
            f"SELECT {_COLUMNS.format(micros=_SQLITE_MICROS)} FROM audit_auditevent"  # noqa: S608
            " WHERE seq > ? AND seq <= ? ORDER BY seq LIMIT ?"
        )
    if vendor == "postgresql":
        return (
            f"SELECT {_COLUMNS.format(micros=_POSTGRES_MICROS)} FROM audit_auditevent"  # noqa: S608
            " WHERE seq > %s AND seq <= %s ORDER BY seq LIMIT %s"
        )
    raise NotImplementedError(vendor)


def event_micros(using: str = "default", seq: int = 1) -> int | None:
    """The hashed timestamp of one event as the verifier computes it (for tests across backends)."""
    conn = connections[using]
    sql = _select_sql(conn.vendor)
    conn.ensure_connection()
    cursor = conn.connection.cursor()
    cursor.execute(sql, (seq - 1, seq, 1))
    row = cursor.fetchone()
    cursor.close()
    return int(row[3]) if row and row[2] == seq else None


def _load_checkpoints(
    paths: Iterable[Path | str], public: Ed25519PublicKey | None
) -> tuple[list[Checkpoint], Problem | None]:
    loaded: list[Checkpoint] = []
    for path in paths:
        try:
            checkpoint = load_checkpoint(path)
        except CheckpointUnreadable as exc:
            return loaded, Problem(CHECKPOINT_INVALID, None, str(exc))
        if public is None:
            return loaded, Problem(
                CHECKPOINT_INVALID,
                checkpoint.size,
                _("no public key to check the signature of %(path)s (give --public-key)") % {"path": path},
            )
        if not checkpoint.signature_valid(public):
            return loaded, Problem(
                CHECKPOINT_INVALID,
                checkpoint.size,
                _("the signature of %(path)s is not valid for this key") % {"path": path},
            )
        loaded.append(checkpoint)
    return loaded, None


def default_public_key() -> Ed25519PublicKey | None:
    path = Path(settings.HIMAYA_AUDIT_SIGNING_KEY_FILE)
    return signing.load_private_key(path).public_key() if path.exists() else None


def verify_chain(
    *,
    using: str = "default",
    checkpoints: Iterable[Path | str] = (),
    public_key: Ed25519PublicKey | None = None,
    chunk_size: int = CHUNK,
    workers: int = 1,
    parallel_min: int = PARALLEL_MIN,
) -> VerifyResult:
    """Check the whole chain; the result names the first bad event and the kind of problem.

    With `workers` > 1 and a log of at least `parallel_min` events, the events up to the chain
    head are split into contiguous ranges checked by forked processes (each hash depends only on
    its own row); the links between ranges are checked here. Not inside a transaction.
    """
    started = time.perf_counter()
    result = VerifyResult()
    paths = list(checkpoints)
    if paths and public_key is None:
        public_key = default_public_key()
    loaded, problem = _load_checkpoints(paths, public_key)
    result.checkpoints = loaded
    result.checkpoints_checked = len(loaded)
    if problem is not None:
        result.problem = problem
        result.seconds = time.perf_counter() - started
        return result
    # size -> signed head hashes; several checkpoints may share a size.
    wanted: dict[int, list[Checkpoint]] = {}
    for checkpoint in loaded:
        if checkpoint.size > 0:
            wanted.setdefault(checkpoint.size, []).append(checkpoint)

    conn = connections[using]
    head = read_head(using)
    walk = Walk(last_seq=0, prev=GENESIS_HASH)
    if workers > 1 and head is not None and head[0] >= parallel_min and _can_fork(conn):
        try:
            walk = _walk_parallel(using, head[0], workers, wanted, chunk_size)
        except OSError:  # no fork or shared memory here: check it all in this process instead
            walk = Walk(last_seq=0, prev=GENESIS_HASH)
    if walk.problem is None:
        walk = _walk(using, walk, wanted, chunk_size)
    while walk.problem is None:
        # Appends that committed while we walked: keep walking up to the new head.
        head = read_head(using)
        if head is None or head[0] <= walk.last_seq:
            break
        before = walk.last_seq
        walk = _walk(using, walk, wanted, chunk_size)
        if walk.last_seq == before:
            break

    result.events_checked = walk.checked
    if head is not None:
        result.head_seq, result.head_hash = head
    result.problem = walk.problem or _check_tail(head, walk.last_seq, walk.prev, wanted)
    result.seconds = time.perf_counter() - started
    return result


@dataclass
class Walk:
    """Where a walk through the chain got to."""

    last_seq: int
    prev: str  # hash of event `last_seq` ("" = take the first row's prev_hash, checked by the caller)
    checked: int = 0
    problem: Problem | None = None
    first_prev: str = ""
    found: dict[int, str] = field(default_factory=dict)  # checkpoint size -> stored hash


def _walk(using: str, walk: Walk, wanted: dict[int, list[Checkpoint]], chunk_size: int, stop_at: int = 2**62) -> Walk:
    """Check events after `walk.last_seq` (up to `stop_at`) in seq order; stop at the first problem."""
    conn = connections[using]
    conn.ensure_connection()
    sql = _select_sql(conn.vendor)
    cursor = conn.connection.cursor()
    dumps = orjson.dumps
    sha256 = hashlib.sha256
    last_seq, prev, checked = walk.last_seq, walk.prev, walk.checked
    first_prev = walk.first_prev
    problem: Problem | None = None
    mmap = _sqlite_mmap_on(conn)
    try:
        while problem is None:
            cursor.execute(sql, (last_seq, stop_at, chunk_size))
            rows = cursor.fetchall()
            if not rows:
                break
            if not prev:
                prev = first_prev = rows[0][14]
            expected = last_seq
            prev_b = prev.encode("ascii")
            for row in rows:
                expected += 1
                if row[2] != expected or row[14] != prev or sha256(prev_b + dumps(row[1:15])).hexdigest() != row[0]:
                    problem = _diagnose(row, expected, prev)
                    break
                prev = row[0]
                prev_b = prev.encode("ascii")
            good_until = expected - 1 if problem is not None else expected
            first_seq = last_seq + 1
            for size in sorted(s for s in wanted if first_seq <= s <= good_until):
                stored = rows[size - first_seq][0]
                walk.found[size] = stored
                rewritten = _compare(size, stored, wanted.pop(size))
                if rewritten is not None:
                    problem = rewritten
                    break
            checked += good_until - last_seq
            last_seq = good_until
    finally:
        _sqlite_mmap_off(conn, mmap)
        cursor.close()
    return Walk(last_seq=last_seq, prev=prev, checked=checked, problem=problem, first_prev=first_prev, found=walk.found)


def _compare(size: int, stored: str, signed: list[Checkpoint]) -> Problem | None:
    for checkpoint in signed:
        if stored != checkpoint.head_hash:
            return Problem(
                REWRITTEN,
                size,
                _(
                    "the hash of event #%(seq)s differs from the one signed in %(path)s; the log was rewritten "
                    "up to here"
                )
                % {"seq": size, "path": checkpoint.path or "-"},
            )
    return None


def _sqlite_mmap_on(conn: Any) -> int | None:
    # Memory-mapped reads roughly halve SQLite's page-copy cost on a long walk.
    if conn.vendor != "sqlite":
        return None
    old = conn.connection.execute("PRAGMA mmap_size").fetchone()
    conn.connection.execute(f"PRAGMA mmap_size={SQLITE_MMAP}")
    return int(old[0]) if old else 0


def _sqlite_mmap_off(conn: Any, old: int | None) -> None:
    if old is not None and conn.connection is not None:
        conn.connection.execute(f"PRAGMA mmap_size={int(old)}")


def _can_fork(conn: Any) -> bool:
    if conn.in_atomic_block or multiprocessing.current_process().daemon:
        return False
    if conn.vendor == "sqlite":
        # An in-memory database (the test suite's) is invisible to other processes.
        return not conn.is_in_memory_db()
    return conn.vendor == "postgresql"


def _range_worker(using: str, lo: int, hi: int, sizes: list[int], chunk_size: int) -> Walk:
    connections[using].close_if_unusable_or_obsolete()
    wanted: dict[int, list[Checkpoint]] = {s: [] for s in sizes}  # collect stored hashes only; the parent compares
    try:
        walk = _walk(using, Walk(last_seq=lo - 1, prev=""), wanted, chunk_size, stop_at=hi)
    finally:
        connections.close_all()
    return walk


def _walk_parallel(
    using: str, head_seq: int, workers: int, wanted: dict[int, list[Checkpoint]], chunk_size: int
) -> Walk:
    bounds = [head_seq * i // workers for i in range(workers + 1)]
    ranges = [(bounds[i] + 1, bounds[i + 1]) for i in range(workers)]
    connections.close_all()  # never share a connection across fork
    ctx = multiprocessing.get_context("fork")
    with ctx.Pool(workers) as pool:
        walks = pool.starmap(
            _range_worker,
            [(using, lo, hi, [s for s in wanted if lo <= s <= hi], chunk_size) for lo, hi in ranges],
        )
    done = Walk(last_seq=0, prev=GENESIS_HASH)
    for (lo, hi), part in zip(ranges, walks, strict=True):
        if part.checked and part.first_prev != done.prev:
            done.problem = Problem(
                BROKEN_LINK, lo, _("it does not follow the previous event (its prev_hash names another event)")
            )
            return done
        for size in sorted(part.found):
            rewritten = _compare(size, part.found[size], wanted.pop(size))
            if rewritten is not None and (part.problem is None or size < (part.problem.seq or 0)):
                done.problem = rewritten
                return done
        done.checked += part.checked
        if part.problem is not None:
            done.problem = part.problem
            return done
        if part.last_seq != hi:
            done.problem = Problem(
                MISSING_EVENT, part.last_seq + 1, _("event #%(seq)s is missing") % {"seq": part.last_seq + 1}
            )
            return done
        done.last_seq, done.prev = part.last_seq, part.prev
    return done


def _diagnose(row: Any, expected: int, prev: str) -> Problem:
    seq = row[2]
    if seq != expected:
        return Problem(
            MISSING_EVENT,
            expected,
            _("event #%(expected)s is missing (the next one is #%(seq)s)") % {"expected": expected, "seq": seq},
        )
    if row[14] != prev:
        return Problem(
            BROKEN_LINK,
            seq,
            _("it does not follow the previous event (its prev_hash names another event)"),
        )
    return Problem(HASH_MISMATCH, seq, _("its content does not match its hash (it was changed)"))


def _check_tail(
    head: tuple[int, str] | None, last_seq: int, last_hash: str, unmatched: dict[int, list[Checkpoint]]
) -> Problem | None:
    if unmatched:
        size = min(unmatched)
        return Problem(
            TRUNCATED,
            last_seq + 1,
            _("a checkpoint (%(path)s) covers %(size)s events but only %(count)s remain")
            % {"path": unmatched[size][0].path or "-", "size": size, "count": last_seq},
        )
    if head is None:
        return Problem(HEAD_MISMATCH, None, _("the chain-head row is missing"))
    head_seq, head_hash = head
    if head_seq > last_seq:
        return Problem(
            TRUNCATED,
            last_seq + 1,
            _("the chain head says there are %(head)s events but only %(count)s remain")
            % {"head": head_seq, "count": last_seq},
        )
    if head_seq < last_seq:
        return Problem(
            HEAD_MISMATCH,
            head_seq + 1,
            _("events after the chain head (#%(head)s) were inserted outside the chain") % {"head": head_seq},
        )
    if head_hash != last_hash:
        return Problem(HEAD_MISMATCH, head_seq, _("the chain-head hash differs from the last event's hash"))
    return None
