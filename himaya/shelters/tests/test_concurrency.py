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


RETIRE_ROUNDS = 10


def _race_retirement(cast: Any, make_referral: Any, shelter: Any) -> tuple[int, Counter[str]]:
    """Each round: clients admit into the last free bed while its manager retires it (directly, or by
    lowering the capacity). Returns (rounds ending with an open stay in a retired bed, outcomes)."""
    from himaya.accounts.models import User, UserRole
    from himaya.accounts.roles import Role
    from himaya.shelters.models import Stay
    from himaya.shelters.selectors import capacity_of
    from himaya.shelters.tests.conftest import free_bed

    manager = User.objects.create(email="mona@example.org", full_name="Mona", agency=shelter.operator)
    UserRole.objects.create(user=manager, role=Role.SUPERVISOR)
    clients = CLIENTS // 2
    referrals = [make_referral() for _ in range(clients * RETIRE_ROUNDS)]
    outcomes: Counter[str] = Counter()
    broken = 0
    lock = threading.Lock()
    for round_number in range(RETIRE_ROUNDS):
        services.room_create(actor=manager, shelter=shelter, name=f"R{round_number}", group="men", beds=1)
        bed = free_bed(shelter, "men")
        barrier = threading.Barrier(clients + 1)

        def admit(
            n: int, bed: Any = bed, barrier: threading.Barrier = barrier, round_number: int = round_number
        ) -> None:
            try:
                barrier.wait()
                services.stay_admit(actor=cast.sheila, referral=referrals[round_number * clients + n], bed=bed)
                outcome = "admitted"
            except services.BedTaken:
                outcome = "bed_taken"
            except Exception as error:
                outcome = f"error:{type(error).__name__}:{error}"
            finally:
                connections.close_all()
            with lock:
                outcomes[outcome] += 1

        def retire(bed: Any = bed, barrier: threading.Barrier = barrier, round_number: int = round_number) -> None:
            from django.core.exceptions import ValidationError

            try:
                barrier.wait()
                if round_number % 2:
                    services.bed_retire(actor=manager, bed=bed)
                else:
                    services.shelter_update(
                        actor=manager,
                        shelter=shelter,
                        name_ar=shelter.name_ar,
                        name_en=shelter.name_en,
                        capacity={"men": capacity_of(shelter)["men"] - 1},
                    )
                outcome = "retired"
            except ValidationError:
                outcome = "retire_refused"
            except Exception as error:
                outcome = f"error:{type(error).__name__}:{error}"
            finally:
                connections.close_all()
            with lock:
                outcomes[outcome] += 1

        threads = [threading.Thread(target=admit, args=(n,)) for n in range(clients)]
        threads.append(threading.Thread(target=retire))
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        retired_with_resident = Stay.objects.filter(
            ended_at__isnull=True, bed__retired_at__isnull=False, bed__shelter=shelter
        ).count()
        open_in_bed = Stay.objects.filter(bed=bed, ended_at__isnull=True).count()
        if retired_with_resident or open_in_bed > 1:
            broken += 1
    return broken, outcomes


def _assert_retiring_never_strands_a_resident(cast: Any, make_referral: Any, shelter: Any, capsys: Any) -> None:
    broken, outcomes = _race_retirement(cast, make_referral, shelter)
    with capsys.disabled():
        print(
            f"\n[{connection.vendor}] {CLIENTS // 2} admissions x {RETIRE_ROUNDS} rounds racing a bed's retirement: "
            f"rounds with a resident in a retired bed or two in one bed={broken}, outcomes={dict(outcomes)}"
        )
    assert broken == 0
    assert not [o for o in outcomes if o.startswith("error")], outcomes
    # Each round has exactly one winner: an admission (the retiring is refused) or the retiring.
    assert outcomes["admitted"] + outcomes["retired"] == RETIRE_ROUNDS
    assert outcomes["retire_refused"] == outcomes["admitted"]


@pytest.mark.django_db(transaction=True)
def test_retiring_a_bed_races_admissions_without_stranding_anyone(
    file_database: None, cast: Any, make_referral: Any, shelter: Any, capsys: Any
) -> None:
    if connection.vendor != "sqlite":
        pytest.skip("the PostgreSQL variant below runs in the PostgreSQL pass")
    _assert_retiring_never_strands_a_resident(cast, make_referral, shelter, capsys)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_retiring_a_bed_races_admissions_without_stranding_anyone_on_postgresql(
    cast: Any, make_referral: Any, shelter: Any, capsys: Any
) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL")
    _assert_retiring_never_strands_a_resident(cast, make_referral, shelter, capsys)
