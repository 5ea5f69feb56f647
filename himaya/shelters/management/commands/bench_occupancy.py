"""`himaya bench occupancy`: how fast the occupancy board and the national view render at national
scale (default 40 shelters, 4,000 beds, 200,000 historic stays), on a scratch database.

Never touches the real data: the measurement runs in a child process whose only database is a
scratch one (a temporary SQLite file, or a PostgreSQL database created and dropped here). The
scratch data is bulk-inserted (people, cases and referrals for the residents, then the stays);
the timed requests go through Django's test client, the whole stack from URL routing and the
access policy to template rendering, signed in as a shelter's staff member.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

DEFAULT_POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/postgres"
GROUPS = ["women", "women", "women", "men", "men", "children_with_carer", "boys", "girls"]


class Command(BaseCommand):
    help = "Benchmark the occupancy board at national scale on a scratch database (never the real one)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--shelters", type=int, default=40)
        parser.add_argument("--beds", type=int, default=4000, help="Beds in all (spread over the shelters).")
        parser.add_argument("--stays", type=int, default=200_000, help="Historic (ended) stays.")
        parser.add_argument("--occupancy", type=float, default=0.85, help="Share of beds occupied now.")
        parser.add_argument("--requests", type=int, default=200, help="Timed board requests.")
        parser.add_argument("--database", choices=["sqlite", "postgresql"], default="sqlite")
        parser.add_argument(
            "--postgres-url", default="", help=f"Server for the scratch database ({DEFAULT_POSTGRES_URL})."
        )
        parser.add_argument("--worker", action="store_true", help="(internal) run inside the scratch database")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["shelters"] < 1 or options["beds"] < options["shelters"] or options["requests"] < 1:
            raise CommandError("need at least one shelter, one bed per shelter and one request")
        if not 0 <= options["occupancy"] <= 1:
            raise CommandError("--occupancy is a share between 0 and 1")
        if options["worker"]:
            self._work(options)
            return
        scratch = tempfile.mkdtemp(prefix="himaya-bench-")
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "HIMAYA_VAR_DIR": scratch,
            "HIMAYA_ENV": "demo",
            "SQLITE_PATH": os.path.join(scratch, "bench.sqlite3"),
            "DATABASE_URL": "",
        }
        dbname = server_url = ""
        try:
            if options["database"] == "postgresql":
                server_url = options["postgres_url"] or _default_server()
                dbname = f"himaya_bench_occ_{os.getpid()}"
                _admin(server_url, f'CREATE DATABASE "{dbname}"')
                env["DATABASE_URL"] = _with_database(server_url, dbname)
            argv = [sys.executable, "-m", "django", "bench_occupancy", "--worker"]
            for name in ("shelters", "beds", "stays", "occupancy", "requests", "database"):
                argv += [f"--{name}", str(options[name])]
            code = subprocess.call(argv, env=env, cwd=str(settings.BASE_DIR))  # noqa: S603
            if code != 0:
                raise CommandError(f"benchmark worker failed (exit {code})")
        finally:
            if dbname:
                _admin(server_url, f'DROP DATABASE IF EXISTS "{dbname}" WITH (FORCE)')
            shutil.rmtree(scratch, ignore_errors=True)

    def _work(self, options: dict[str, Any]) -> None:
        tag = f"[{connection.vendor}]"

        def say(line: str) -> None:
            self.stdout.write(line)
            self.stdout.flush()

        import io

        call_command("keys_init", stdout=io.StringIO())
        call_command("migrate", verbosity=0)
        started = time.perf_counter()
        staff, shelters, counts = _build(options)
        say(
            f"{tag} build: {counts['shelters']} shelters, {counts['beds']:,} beds, {counts['open']:,} residents now, "
            f"{counts['historic']:,} historic stays in {time.perf_counter() - started:.1f} s"
        )
        from django.test import Client

        from himaya.accounts.testing import login

        client = Client(HTTP_HOST="127.0.0.1")
        login(client, staff)
        rng = random.Random(11)
        for label, url_of in (
            ("board page", lambda pk: f"/shelters/{pk}/board/"),
            ("board refresh (htmx)", lambda pk: f"/shelters/{pk}/board/live/"),
        ):
            timings = _time(client, [url_of(rng.choice(shelters)) for _ in range(options["requests"])])
            where = f"100 beds, random shelter of {len(shelters)}"
            figures = f"p50 {_ms(timings, 50)} ms, p95 {_ms(timings, 95)} ms"
            say(f"{tag} {label} ({where}): {len(timings)} requests, {figures}")
        national = _time(client, ["/shelters/national/"] * max(1, options["requests"] // 4))
        say(f"{tag} national view: {len(national)} requests, p50 {_ms(national, 50)} ms, p95 {_ms(national, 95)} ms")
        report = _time(client, ["/shelters/reports/?days=90"] * max(1, options["requests"] // 20))
        say(f"{tag} 90-day report: {len(report)} requests, p50 {_ms(report, 50)} ms, p95 {_ms(report, 95)} ms")


def _time(client: Any, urls: list[str]) -> list[float]:
    timings = []
    for url in urls:
        t0 = time.perf_counter()
        response = client.get(url)
        timings.append(time.perf_counter() - t0)
        if response.status_code != 200:
            raise CommandError(f"{url} answered {response.status_code}")
    return timings


def _build(options: dict[str, Any]) -> tuple[Any, list[int], dict[str, int]]:
    """Bulk-insert the scratch country: one operator per ten shelters, rooms of ten beds, a person,
    case and referral per resident and per historic stay's owner (historic stays share them)."""
    from django.utils import timezone

    from himaya.accounts.models import User, UserRole
    from himaya.accounts.roles import Role
    from himaya.agencies.models import Agency, AgencyType
    from himaya.cases.models import Case
    from himaya.people.models import Person
    from himaya.referrals.models import Referral
    from himaya.shelters.models import Bed, Room, Shelter, Stay

    rng = random.Random(7)
    now = timezone.now()
    epc = Agency.objects.create(
        code="epc", name_ar="المركز", name_en="Protection centre", type=AgencyType.PROTECTION_CENTRE
    )
    responder = User.objects.create(email="responder@bench.example", full_name="Responder", agency=epc)
    operators = [
        Agency.objects.create(
            code=f"operator-{n}", name_ar=f"مشغل {n}", name_en=f"Operator {n}", type=AgencyType.SHELTER_OPERATOR
        )
        for n in range((options["shelters"] + 9) // 10)
    ]
    staff = User.objects.create(email="staff@bench.example", full_name="Staff", agency=operators[0])
    UserRole.objects.bulk_create(
        [UserRole(user=staff, role=Role.SERVICE_PROVIDER), UserRole(user=staff, role=Role.SUPERVISOR)]
    )
    from himaya.accounts.mfa import enrol_for_fixture

    enrol_for_fixture(staff, "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")
    shelters = Shelter.objects.bulk_create(
        [
            Shelter(
                operator=operators[n // 10],
                code=f"shelter-{n}",
                name_ar=f"دار {n}",
                name_en=f"Shelter {n}",
                accessibility="wheelchair",
            )
            for n in range(options["shelters"])
        ]
    )
    per_shelter = options["beds"] // len(shelters)
    rooms = Room.objects.bulk_create(
        [
            Room(shelter=s, name=f"R{r}", group=GROUPS[r % len(GROUPS)])
            for s in shelters
            for r in range((per_shelter + 9) // 10)
        ]
    )
    beds: list[Bed] = []
    for shelter in shelters:
        mine = [r for r in rooms if r.shelter_id == shelter.pk]
        beds += [Bed(room=mine[b // 10], shelter=shelter, label=str(b + 1)) for b in range(per_shelter)]
    beds = Bed.objects.bulk_create(beds, batch_size=2000)
    room_group = {r.pk: r.group for r in rooms}
    occupied = rng.sample(beds, int(len(beds) * options["occupancy"]))
    owners = len(occupied) + 1000
    people = Person.objects.bulk_create(
        [
            Person(owner_agency=epc, created_by=responder, given_name_latin=f"Resident {n}", gender="Feminine")
            for n in range(owners)
        ],
        batch_size=2000,
    )
    cases = Case.objects.bulk_create(
        [
            Case(reference=f"C-B{n:07d}", person=p, owner_agency=epc, created_by=responder, category="abuse")
            for n, p in enumerate(people)
        ],
        batch_size=2000,
    )
    shelter_of_operator = {o.pk: [s for s in shelters if s.operator_id == o.pk] for o in operators}
    referrals = Referral.objects.bulk_create(
        [
            Referral(
                reference=f"R-B{n:07d}",
                case=c,
                from_agency=epc,
                to_agency=operators[n % len(operators)],
                service_type="shelter",
                state="in_progress",
                sent_by=responder,
                sent_at=now - dt.timedelta(days=400),
                answer_due_at=now - dt.timedelta(days=399),
            )
            for n, c in enumerate(cases)
        ],
        batch_size=2000,
    )
    open_stays = [
        Stay(
            shelter_id=bed.shelter_id,
            bed=bed,
            person_id=people[n].pk,
            case_id=referrals[n].case_id,
            referral=referrals[n],
            group=room_group[bed.room_id],
            admitted_at=now - dt.timedelta(days=rng.randint(0, 90)),
            admitted_by=staff,
        )
        for n, bed in enumerate(occupied)
    ]
    Stay.objects.bulk_create(open_stays, batch_size=2000)
    historic: list[Stay] = []
    for _ in range(options["stays"]):
        owner = rng.randrange(len(referrals))
        referral = referrals[owner]
        bed = beds[rng.randrange(len(beds))]
        start = now - dt.timedelta(days=rng.randint(91, 3650), hours=rng.randint(0, 23))
        historic.append(
            Stay(
                shelter_id=bed.shelter_id,
                bed=bed,
                person_id=people[owner].pk,
                case_id=referral.case_id,
                referral=referral,
                group=room_group[bed.room_id],
                admitted_at=start,
                admitted_by=staff,
                ended_at=start + dt.timedelta(days=rng.randint(1, 90)),
                end_kind="discharge",
                discharge_reason=rng.choice(["voluntary_return", "new_employer", "family"]),
                destination="country_of_origin",
            )
        )
        if len(historic) >= 5000:
            Stay.objects.bulk_create(historic)
            historic = []
    Stay.objects.bulk_create(historic)
    board_shelters = [s.pk for s in shelter_of_operator[operators[0].pk]]
    return (
        staff,
        board_shelters,
        {"shelters": len(shelters), "beds": len(beds), "open": len(open_stays), "historic": options["stays"]},
    )


def _ms(values: list[float], pct: int) -> str:
    if not values:
        return "-"
    if len(values) == 1:
        return f"{values[0] * 1000:.1f}"
    return f"{statistics.quantiles(values, n=100, method='inclusive')[pct - 1] * 1000:.1f}"


def _default_server() -> str:
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql://")):
        return _with_database(url, "postgres")
    return DEFAULT_POSTGRES_URL


def _admin(url: str, sql: str) -> None:
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(sql.encode())


def _with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, parts.fragment))
