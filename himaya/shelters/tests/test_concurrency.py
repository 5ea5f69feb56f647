"""No double booking, under load: many clients race for the last free bed, round after round.

Each client is a thread with its own database connection. In every round all clients are
released at once (a barrier) to admit a different person into the same last bed; exactly one
may win, every other must be told the bed is gone (BedTaken), and the database must never hold
two open stays for the bed. Between rounds the winner is discharged, so the bed is free again.
Runs on SQLite in the default pass and on PostgreSQL in the PostgreSQL pass (marked `postgres`).

SQLite: the test database is normally in memory, shared between threads in "shared cache" mode,
which answers a busy writer with "table is locked" at once instead of waiting. Production SQLite
is a file (WAL, BEGIN IMMEDIATE, a busy timeout), so the race runs on a file copy of the test
database, which is what the application really meets.
"""

from __future__ import annotations

import sqlite3
import threading
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import connection, connections

from himaya.shelters import services
from himaya.shelters.models import Bed, Stay

CLIENTS = 16
ROUNDS = 20


@pytest.fixture
def file_database(transactional_db: None, tmp_path: Path) -> Iterator[None]:
    """On SQLite, move the test database from memory to a file for the duration of the test."""
    if connection.vendor != "sqlite" or not connection.is_in_memory_db():
        yield
        return
    connection.ensure_connection()
    memory = connection.connection
    path = tmp_path / "race.sqlite3"
    copy = sqlite3.connect(path)
    memory.backup(copy)
    copy.close()
    settings_dict = connection.settings_dict
    name = settings_dict["NAME"]
    settings_dict["NAME"] = str(path)
    connection.connection = None  # the in-memory connection stays open (held in `memory`)
    try:
        yield
    finally:
        connections.close_all()
        settings_dict["NAME"] = name
        connection.connection = memory


def _race(cast: Any, make_referral: Any, shelter: Any) -> tuple[int, int, Counter[str]]:
    """Run the race; returns (over-allocations seen, rounds with exactly one winner, outcomes)."""
    from himaya.shelters.tests.conftest import free_bed

    bed = free_bed(shelter)
    # Every other bed of the shelter is taken out of play: this one is "the last free bed".
    Bed.objects.filter(shelter=shelter).exclude(pk=bed.pk).update(is_closed=True)
    referrals = [make_referral() for _ in range(CLIENTS * ROUNDS)]
    outcomes: Counter[str] = Counter()
    over_allocations = 0
    clean_rounds = 0
    lock = threading.Lock()
    for round_number in range(ROUNDS):
        barrier = threading.Barrier(CLIENTS)
        winners: list[Stay] = []

        def client(
            n: int,
            round_number: int = round_number,
            barrier: threading.Barrier = barrier,
            winners: list[Stay] = winners,
        ) -> None:
            referral = referrals[round_number * CLIENTS + n]
            try:
                barrier.wait()
                stay = services.stay_admit(actor=cast.sheila, referral=referral, bed=bed)
            except services.BedTaken:
                outcome = "bed_taken"
            except Exception as error:  # any other failure is a bug the test reports
                outcome = f"error:{type(error).__name__}:{error}"
            else:
                outcome = "admitted"
                with lock:
                    winners.append(stay)
            finally:
                connections.close_all()
            with lock:
                outcomes[outcome] += 1

        threads = [threading.Thread(target=client, args=(n,)) for n in range(CLIENTS)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        open_now = Stay.objects.filter(bed=bed, ended_at__isnull=True).count()
        over_allocations += max(0, open_now - 1) + max(0, len(winners) - 1)
        if len(winners) == 1 and open_now == 1:
            clean_rounds += 1
        for stay in winners:
            services.stay_discharge(actor=cast.sheila, stay=stay, reason="family", destination="family_or_friends")
    return over_allocations, clean_rounds, outcomes


def _assert_no_double_booking(cast: Any, make_referral: Any, shelter: Any, capsys: Any) -> None:
    over_allocations, clean_rounds, outcomes = _race(cast, make_referral, shelter)
    with capsys.disabled():
        print(
            f"\n[{connection.vendor}] {CLIENTS} clients x {ROUNDS} rounds racing for the last bed: "
            f"over-allocations={over_allocations}, rounds with exactly one winner={clean_rounds}/{ROUNDS}, "
            f"outcomes={dict(outcomes)}"
        )
    assert over_allocations == 0
    assert clean_rounds == ROUNDS
    assert outcomes == {"admitted": ROUNDS, "bed_taken": ROUNDS * (CLIENTS - 1)}


@pytest.mark.django_db(transaction=True)
def test_concurrent_admissions_to_the_last_bed_leave_exactly_one_admitted(
    file_database: None, cast: Any, make_referral: Any, shelter: Any, capsys: Any
) -> None:
    if connection.vendor != "sqlite":
        pytest.skip("the PostgreSQL variant below runs in the PostgreSQL pass")
    _assert_no_double_booking(cast, make_referral, shelter, capsys)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_admissions_to_the_last_bed_leave_exactly_one_admitted_on_postgresql(
    cast: Any, make_referral: Any, shelter: Any, capsys: Any
) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL")
    _assert_no_double_booking(cast, make_referral, shelter, capsys)
