"""`himaya bench certificates`: certificate PDF render time and public verification page latency.

Runs in a child process on a scratch SQLite database and key directory (never the real data):
builds the cast, a course, a delivered session and an issued certificate through the services,
then times `certificate_pdf` (Arabic and English), the offline signature check, and GET requests
to the public verification page through Django's test client (no network; the throttle is lifted
for the run). Prints median, p95 and max in milliseconds.
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser


def _summary(label: str, samples: list[float], cpu: list[float] | None = None) -> str:
    ordered = sorted(samples)
    p95 = ordered[max(0, round(0.95 * len(ordered)) - 1)]
    line = (
        f"{label}: n={len(ordered)} median={statistics.median(ordered) * 1000:.1f} ms "
        f"p95={p95 * 1000:.1f} ms max={ordered[-1] * 1000:.1f} ms"
    )
    if cpu:
        # CPU time of this process: on a shared machine the wall-clock figures include waiting.
        line += f" (CPU median={statistics.median(cpu) * 1000:.1f} ms)"
    return line


class Command(BaseCommand):
    help = "Benchmark certificate PDF rendering and the public verification page (scratch database)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--renders", type=int, default=40, help="PDF renders per language.")
        parser.add_argument("--requests", type=int, default=400, help="Verification page requests.")
        parser.add_argument("--worker", action="store_true", help="(internal) run inside the scratch database")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["renders"] < 1 or options["requests"] < 1:
            raise CommandError("--renders and --requests must be at least 1")
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
            "HIMAYA_TRAINING_VERIFY_PER_MINUTE": "1000000000",
        }
        try:
            argv = [sys.executable, "-m", "django", "bench_certificates", "--worker"]
            argv += ["--renders", str(options["renders"]), "--requests", str(options["requests"])]
            code = subprocess.call(argv, env=env, cwd=str(settings.BASE_DIR))  # noqa: S603
            if code != 0:
                raise CommandError(f"benchmark worker failed (exit {code})")
        finally:
            shutil.rmtree(scratch, ignore_errors=True)

    def _work(self, options: dict[str, Any]) -> None:
        from django.test import Client
        from django.utils import timezone

        from himaya.core.keys import init_keys
        from himaya.testing import make_cast
        from himaya.training import documents, services, signing
        from himaya.training.testing import complete, make_course, make_session, start_session

        init_keys()
        call_command("migrate", verbosity=0)
        cast = make_cast(mfa=False)
        course = make_course(cast.tina)
        session = make_session(cast.tina, course, trainers=[cast.trent])
        nomination = services.nomination_create(actor=cast.dora, session=session, participant=cast.alice)
        start_session(session)
        nomination.refresh_from_db()
        complete(officer=cast.tina, trainer=cast.trent, nomination=nomination)
        certificate = services.certificate_issue(actor=cast.tina, nomination=nomination)

        documents.certificate_pdf(certificate, language="ar")  # warm the font caches
        for language in ("ar", "en"):
            samples, cpu = [], []
            for _ in range(options["renders"]):
                started, started_cpu = time.perf_counter(), time.process_time()
                pdf = documents.certificate_pdf(certificate, language=language)
                samples.append(time.perf_counter() - started)
                cpu.append(time.process_time() - started_cpu)
            label = f"certificate PDF render ({language}, {len(pdf) // 1024} KiB)"
            self.stdout.write(_summary(label, samples, cpu))

        public = signing.signing_key().public_key()
        samples = []
        today = timezone.localdate()
        for _ in range(options["renders"]):
            started = time.perf_counter()
            result = signing.verify_pdf(pdf, public, today=today)
            samples.append(time.perf_counter() - started)
            if not result.ok:
                raise CommandError(result.reason)
        self.stdout.write(_summary("offline verification of the PDF", samples))

        client = Client(HTTP_HOST="127.0.0.1")
        url = f"/training/verify/{certificate.token}/"
        client.get(url)
        samples = []
        for i in range(options["requests"]):
            started = time.perf_counter()
            response = client.get(url, HTTP_ACCEPT_LANGUAGE="ar" if i % 2 else "en")
            samples.append(time.perf_counter() - started)
            if response.status_code != 200:
                raise CommandError(f"verification page answered {response.status_code}")
        self.stdout.write(_summary("public verification page (GET, in-process)", samples))
