"""`himaya bench pages`: what one request of each `himaya bench web` page costs, without load.

The open-loop web benchmark measures latency under load, which on a shared machine mixes the
application's own cost with everyone else's CPU. This command serves the same mix in-process
(Django's WSGI handler, no HTTP server, one request at a time), signed in as the same staff, and
prints per page the mean and median wall-clock time, the CPU time of this process (the Python
side: middleware, policy, audit, decryption, templates) and the number of SQL statements. Those
figures are robust to contention and are what to compare before and after a change.
`--profile FILE` also writes a cProfile dump of the timed requests (`python -m pstats FILE`).

Every request goes through the same middleware, access policy and audit as under gunicorn.
It is a developer tool: run it on a scratch database (it appends audit events like real reads).
"""

from __future__ import annotations

import cProfile
import random
import statistics
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from himaya.core import loadgen
from himaya.dashboard.management.commands.bench_web import PAGES
from himaya.dashboard.management.commands.bench_web import Command as BenchWeb


def _meta(request: loadgen.Request) -> dict[str, str]:
    meta = {"HTTP_HOST": "127.0.0.1", "SERVER_NAME": "127.0.0.1"}
    for name, value in request.headers:
        if name.lower() == "content-type":
            meta["CONTENT_TYPE"] = value
        else:
            meta["HTTP_" + name.upper().replace("-", "_")] = value
    return meta


class Command(BaseCommand):
    help = "Per-page cost (ms, CPU ms, SQL statements) of the `bench web` mix, in-process and without load."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--requests", type=int, default=40, help="Timed requests per page (default 40).")
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument("--profile", default="", help="Write a cProfile dump of the timed requests here.")
        parser.add_argument("--page", action="append", choices=PAGES, help="Only this page (repeatable).")

    def handle(self, *args: Any, **options: Any) -> None:
        rng = random.Random(options["seed"])
        bench = BenchWeb(stdout=self.stdout, stderr=self.stderr)  # type: ignore[arg-type]
        pick = bench._prepare(rng)
        per_page: dict[str, list[loadgen.Request]] = {name: [] for name in options["page"] or PAGES}
        wanted = options["requests"]
        while any(len(v) < wanted for v in per_page.values()):
            request = pick(rng)
            if request.page in per_page and len(per_page[request.page]) < wanted:
                per_page[request.page].append(request)
        client = Client(enforce_csrf_checks=False)

        def send(request: loadgen.Request) -> int:
            extra = _meta(request)
            client.cookies.clear()  # each request carries its own session cookie in the headers
            if request.method == "POST":
                content_type = extra.pop("CONTENT_TYPE", "application/octet-stream")
                response = client.post(request.path, data=request.body, content_type=content_type, **extra)  # type: ignore[arg-type]
            else:
                response = client.get(request.path, **extra)  # type: ignore[arg-type]
            return int(response.status_code)

        # Warm-up: templates, translations, URL resolvers, connections.
        for requests in per_page.values():
            for request in requests[:5]:
                send(request)

        # CPU time, not wall time: on a shared machine waits for the CPU or the database are not our cost.
        profiler = cProfile.Profile(time.process_time) if options["profile"] else None
        self.stdout.write(f"{'page':<24} {'n':>4} {'mean ms':>8} {'p50 ms':>8} {'cpu ms':>8} {'queries':>8}  statuses")
        total_wall: list[float] = []
        total_cpu: list[float] = []
        for name, requests in per_page.items():
            walls: list[float] = []
            cpus: list[float] = []
            statuses: dict[int, int] = {}
            for request in requests:
                if profiler is not None:
                    profiler.enable()
                wall0, cpu0 = time.perf_counter(), time.process_time()
                status = send(request)
                walls.append((time.perf_counter() - wall0) * 1000)
                cpus.append((time.process_time() - cpu0) * 1000)
                if profiler is not None:
                    profiler.disable()
                statuses[status] = statuses.get(status, 0) + 1
            # Statement counts in a separate pass: capturing queries has a cost of its own.
            counts = []
            for request in requests:
                with CaptureQueriesContext(connection) as captured:
                    send(request)
                counts.append(len(captured.captured_queries))
            total_wall += walls
            total_cpu += cpus
            self.stdout.write(
                f"{name:<24} {len(walls):>4} {statistics.fmean(walls):>8.1f} {statistics.median(walls):>8.1f} "
                f"{statistics.fmean(cpus):>8.1f} {statistics.fmean(counts):>8.1f}  {statuses}"
            )
        self.stdout.write(
            f"{'mix (equal parts)':<24} {len(total_wall):>4} {statistics.fmean(total_wall):>8.1f} "
            f"{statistics.median(total_wall):>8.1f} {statistics.fmean(total_cpu):>8.1f}"
        )
        if profiler is not None:
            profiler.dump_stats(options["profile"])
            self.stdout.write(f"profile written to {options['profile']}")
