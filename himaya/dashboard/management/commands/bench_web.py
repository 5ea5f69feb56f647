"""`himaya bench web`: the real pages and API under open-loop load, served the production way.

It starts gunicorn on a loopback port with the production settings (HIMAYA_ENV=production, DEBUG off,
behind a pretend TLS proxy: `X-Forwarded-Proto: https` with SECURE_PROXY_SSL_HEADER), signs staff in
(sessions with the second factor passed, and a bearer token for the API), then drives a mix of

- the case list with filters (coordinators and case workers),
- a case page (a case the actor may see),
- the referral inbox (shelters, health, NGOs),
- the coordinator dashboard (the NRM overview),
- screening evaluate (POST /api/v1/screening/evaluate),

at a steady rate (default 50 requests/s), prints p50/p95 per page, then raises the rate step by
step to find the highest rate at which every page's p95 stays within the limit (default 100 ms),
and ends with `worst p95 at 50 rps: N ms`. Every request goes through the access policy, is
audited and decrypts what it shows, exactly as for staff. Run it on PostgreSQL loaded with
`himaya seed --scale national` (see benchmarks/web.sh); it refuses an empty database.
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from typing import Any

import orjson
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

from himaya.core import loadgen

PAGES = ("case list", "case page", "referral inbox", "coordinator dashboard", "screening evaluate")
INDICATOR_SETS = (
    ["DR01", "DR02", "EX01", "EX04", "CD01", "CD03"],
    ["EX01", "EX04", "EX07"],
    ["DR08", "VR06"],
    ["CR03", "CR05", "EX01", "EX02", "VD01", "VD03", "CD14"],
)
FILTERS = ("", "?stage=rg_pending", "?urgent=on", "?overdue=on", "?category=trafficking_suspicion", "?stage=closed")


@dataclass
class Actor:
    email: str
    cookie: str
    case_ids: list[int]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _session_cookie(user: Any) -> str:
    """A signed-in session with the second factor passed, exactly as the sign-in flow leaves it."""
    from django.test import Client

    from himaya.accounts.testing import login

    client = Client()
    login(client, user)
    return str(client.cookies[settings.SESSION_COOKIE_NAME].value)


class Command(BaseCommand):
    help = "Open-loop load test of the main pages and API under gunicorn (run on national-scale PostgreSQL data)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--rate", type=float, default=50.0, help="Steady rate in requests/s (default 50).")
        parser.add_argument("--seconds", type=float, default=30.0, help="Length of the steady run (default 30 s).")
        parser.add_argument("--step-seconds", type=float, default=15.0, help="Length of each step of the ramp.")
        parser.add_argument("--rates", default="60,80,100,120,140,160,180,200", help="Rates of the ramp, ascending.")
        parser.add_argument("--limit-ms", type=float, default=100.0, help="p95 limit that ends the ramp.")
        parser.add_argument("--workers", type=int, default=3, help="gunicorn workers (README: --workers 3).")
        parser.add_argument("--threads", type=int, default=1, help="gunicorn threads per worker (1: sync workers).")
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument("--allow-sqlite", action="store_true", help="Run on SQLite anyway (not comparable).")
        parser.add_argument("--min-cases", type=int, default=50_000, help="Refuse a database with fewer cases.")

    def handle(self, *args: Any, **options: Any) -> None:
        if connection.vendor != "postgresql" and not options["allow_sqlite"]:
            raise CommandError("Run the web benchmark on PostgreSQL (DATABASE_URL=postgres://…): benchmarks/web.sh.")
        from himaya.cases.models import Case
        from himaya.people.models import Person
        from himaya.referrals.models import Referral

        scale = {"people": Person.objects.count(), "cases": Case.objects.count(), "referrals": Referral.objects.count()}
        if scale["cases"] < options["min_cases"]:
            raise CommandError(
                f"Only {scale['cases']:,} cases here; load national-scale data first "
                "(`himaya seed --scale national`) or lower --min-cases."
            )
        self.stdout.write(
            f"data: {scale['people']:,} people, {scale['cases']:,} cases, {scale['referrals']:,} referrals "
            f"({connection.vendor})"
        )
        rng = random.Random(options["seed"])
        pickers = self._prepare(rng)
        from himaya.cases.summaries import refresh_stage_counts

        refresh_stage_counts()  # as the periodic task would have; the worker below keeps it fresh
        port = _free_port()
        server = self._start_server(port, options)
        worker = self._start_worker()
        try:
            gen = loadgen.LoadGenerator("127.0.0.1", port, pickers, seed=options["seed"])
            self.stdout.write("warm-up: 10 s at 20 requests/s")
            loadgen.run(gen, 20, 10)
            cpu_before = self._cpu()
            steady = loadgen.run(gen, options["rate"], options["seconds"])
            cpu_after = self._cpu()
            self._report(f"steady {options['rate']:g} requests/s for {options['seconds']:g} s", steady)
            self._report_cpu(cpu_before, cpu_after, steady.sent)
            best = steady.rate if steady.worst_p95() <= options["limit_ms"] and not steady.error_count() else 0.0
            for rate in [float(r) for r in options["rates"].split(",") if r.strip()]:
                step = loadgen.run(gen, rate, options["step_seconds"])
                worst = step.worst_p95()
                ok = worst <= options["limit_ms"] and not step.error_count()
                self.stdout.write(
                    f"ramp {rate:>5g} requests/s: achieved {step.achieved_rate:6.1f}/s, worst p95 {worst:7.1f} ms, "
                    f"errors {step.error_count()}  {'ok' if ok else 'over the limit'}"
                )
                if not ok:
                    self._report(f"first step over {options['limit_ms']:g} ms ({rate:g} requests/s)", step)
                    break
                best = rate
            self.stdout.write(f"highest rate with every p95 <= {options['limit_ms']:g} ms: {best:g} requests/s")
            self.stdout.write(f"worst p95 at {options['rate']:g} rps: {steady.worst_p95():.0f} ms")
        finally:
            self._stop_server(server)
            self._stop_server(worker)

    # --- set-up ---------------------------------------------------------------------------------
    def _prepare(self, rng: random.Random) -> Any:
        from himaya.accounts.models import User
        from himaya.accounts.roles import Role
        from himaya.api.services import token_issue
        from himaya.cases import selectors as case_selectors

        def users(role: Role, limit: int) -> list[Any]:
            found = [u for u in User.objects.filter(is_active=True).select_related("agency") if u.has_role(role)]
            found.sort(key=lambda u: u.email)
            return found[:limit]

        coordinators = users(Role.NRM_COORDINATOR, 3)
        workers = users(Role.CASE_WORKER, 12) + users(Role.FIRST_RESPONDER, 6)
        providers = users(Role.SERVICE_PROVIDER, 10)
        if not coordinators or not workers or not providers:
            raise CommandError("The demo staff are missing: run `himaya seed` first.")

        def actor(user: Any) -> Actor:
            # Cases this user may open: a sample of the newest few thousand visible to them.
            ids = list(case_selectors.case_list(actor=user).values_list("pk", flat=True)[:2000])
            return Actor(email=user.email, cookie=_session_cookie(user), case_ids=ids)

        listers = [actor(u) for u in coordinators + workers]
        listers = [a for a in listers if a.case_ids]
        inbox = [actor(u) for u in providers]
        dash = [a for a in listers if a.email in {u.email for u in coordinators}]
        _, token = token_issue(actor=None, user=coordinators[0], name="himaya bench web", days=1)
        self.stdout.write(
            f"actors: {len(listers)} case staff (of whom {len(dash)} coordinators), {len(inbox)} service providers; "
            "1 API token"
        )
        proxy = (("X-Forwarded-Proto", "https"), ("Accept-Language", "ar"))

        def page(name: str, who: Actor, path: str) -> loadgen.Request:
            cookie = f"{settings.SESSION_COOKIE_NAME}={who.cookie}"
            return loadgen.Request(name, "GET", path, (*proxy, ("Cookie", cookie)))

        bodies = [orjson.dumps({"profile": "adult-labour", "indicators": s}) for s in INDICATOR_SETS]

        def pick(r: random.Random) -> loadgen.Request:
            kind = r.choice(PAGES)
            if kind == "case list":
                return page(kind, r.choice(listers), "/cases/" + r.choice(FILTERS))
            if kind == "case page":
                who = r.choice(listers)
                return page(kind, who, f"/cases/{r.choice(who.case_ids)}/")
            if kind == "referral inbox":
                return page(kind, r.choice(inbox), "/referrals/inbox/")
            if kind == "coordinator dashboard":
                return page(kind, r.choice(dash), "/cases/overview/")
            headers = (*proxy, ("Authorization", f"Bearer {token}"), ("Content-Type", "application/json"))
            return loadgen.Request(kind, "POST", "/api/v1/screening/evaluate", headers, r.choice(bodies))

        return pick

    def _start_server(self, port: int, options: dict[str, Any]) -> subprocess.Popen[bytes]:
        gunicorn = shutil.which("gunicorn", path=os.path.dirname(sys.executable)) or shutil.which("gunicorn")
        if not gunicorn:
            raise CommandError("gunicorn is not installed (it is in requirements.txt).")
        env = {
            **os.environ,
            "HIMAYA_ENV": "production",
            "DEBUG": "false",
            # Sessions were signed here: the server must share this process's key.
            "SECRET_KEY": settings.SECRET_KEY,
            "ALLOWED_HOSTS": "127.0.0.1",
            "SECURE_PROXY_SSL_HEADER": "1",
            "SECURE_HSTS_PRELOAD": "true",
            # The per-user API throttle is for one person's client; the benchmark's single token
            # stands for many integrations.
            "API_THROTTLE_USER": "1000000/minute",
            "HIMAYA_KEYRING_FILE": str(settings.HIMAYA_KEYRING_FILE),
            "HIMAYA_AUDIT_SIGNING_KEY_FILE": str(settings.HIMAYA_AUDIT_SIGNING_KEY_FILE),
        }
        if settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"):
            env["SQLITE_PATH"] = str(settings.DATABASES["default"]["NAME"])
        cmd = [gunicorn, "config.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", str(options["workers"])]
        if options["threads"] > 1:
            cmd += ["--worker-class", "gthread", "--threads", str(options["threads"])]
        cmd += ["--log-level", "warning", "--keep-alive", "5"]
        self.stdout.write(" ".join(["server:", *cmd[1:]]))
        proc = subprocess.Popen(cmd, env=env, cwd=str(settings.BASE_DIR), start_new_session=True)  # noqa: S603
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                raise CommandError(f"gunicorn exited with {proc.returncode}")
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                    return proc
            except OSError:
                time.sleep(0.2)
        self._stop_server(proc)
        raise CommandError("gunicorn did not start within 30 s")

    def _start_worker(self) -> subprocess.Popen[bytes]:
        """The background worker production runs beside the web server (README: `himaya db_worker`)."""
        env = {**os.environ, "HIMAYA_ENV": "production", "SECRET_KEY": settings.SECRET_KEY}
        cmd = [sys.executable, "manage.py", "db_worker"]
        return subprocess.Popen(  # noqa: S603
            cmd, env=env, cwd=str(settings.BASE_DIR), start_new_session=True, stdout=subprocess.DEVNULL
        )

    def _stop_server(self, proc: subprocess.Popen[bytes]) -> None:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)

    # --- report ---------------------------------------------------------------------------------
    @staticmethod
    def _cpu() -> dict[str, float]:
        """CPU seconds so far of the web server, the database and this process (the load generator)."""
        used = loadgen.cpu_by_command(["gunicorn", "postgres"])
        used["generator"] = loadgen.process_cpu_seconds(os.getpid())
        return used

    def _report_cpu(self, before: dict[str, float], after: dict[str, float], requests: int) -> None:
        """Where the two cores went during the steady phase, in CPU milliseconds per request."""
        per = {k: (after[k] - before[k]) * 1000 / max(requests, 1) for k in before}
        self.stdout.write(
            f"  CPU per request: web server {per['gunicorn']:.1f} ms, PostgreSQL {per['postgres']:.1f} ms, "
            f"load generator {per['generator']:.1f} ms"
        )

    def _report(self, title: str, result: loadgen.RunResult) -> None:
        self.stdout.write(
            f"{title}: sent {result.sent}, achieved {result.achieved_rate:.1f} requests/s, "
            f"generator late starts {result.late_starts}"
        )
        self.stdout.write(f"  {'page':<24} {'n':>6} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} {'errors':>7}")
        for name in PAGES:
            stats = result.pages.get(name)
            if stats is None:
                continue
            lat = stats.latencies_ms
            self.stdout.write(
                f"  {name:<24} {len(lat):>6} {stats.p(50):>8.1f} {stats.p(95):>8.1f} "
                f"{max(lat, default=0):>8.1f} {stats.errors:>7}"
                + (f"  statuses {stats.statuses} failures {stats.failures}" if stats.errors else "")
            )
