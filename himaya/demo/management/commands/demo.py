"""`himaya demo`: keys, migrations, demo data, then the site on http://127.0.0.1:8000/.

Only for a laptop: plain HTTP on the loopback address, DEBUG on, a public demo password.
`himaya demo` sets HIMAYA_ENV=demo before the settings are read (see himaya/cli.py).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from himaya.demo.services import DEFAULT_PEOPLE, DEFAULT_SEED, demo_seed
from himaya.demo.table import logins_table, mfa_hint

HOST = "127.0.0.1"


def default_port() -> int:
    raw = os.environ.get("PORT", "").strip()
    return int(raw) if raw.isdigit() else 8000


class Command(BaseCommand):
    help = "Run the local demo: create keys, migrate, seed, and serve on 127.0.0.1 (PORT= overrides 8000)."
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--port", type=int, default=None, help="port on 127.0.0.1 (default: $PORT or 8000)")
        parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
        parser.add_argument("--people", type=int, default=DEFAULT_PEOPLE)
        parser.add_argument("--no-serve", action="store_true", help="prepare everything but do not start the server")

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.HIMAYA_ENV != "demo":
            raise CommandError(
                _(
                    "The demo runs with HIMAYA_ENV=demo: start it with `himaya demo` "
                    "(this process has HIMAYA_ENV=%(env)s)."
                )
                % {"env": settings.HIMAYA_ENV}
            )
        port = options["port"] or default_port()
        if not 0 < port < 65536:
            raise CommandError(_("Port %(port)d is not a valid TCP port.") % {"port": port})
        db_name = settings.DATABASES["default"]["NAME"]
        if settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"):
            Path(str(db_name)).parent.mkdir(parents=True, exist_ok=True)

        self.stdout.write(self.style.MIGRATE_HEADING(_("1/3 Keys")))
        call_command("keys_init", stdout=self.stdout, stderr=self.stderr)
        self.stdout.write(self.style.MIGRATE_HEADING(_("2/3 Database")))
        call_command("migrate", interactive=False, verbosity=0, stdout=self.stdout, stderr=self.stderr)
        engine = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
        self.stdout.write(_("Database migrated: %(engine)s %(name)s") % {"engine": engine, "name": db_name})
        self.stdout.write(self.style.MIGRATE_HEADING(_("3/3 Demo data")))
        report = demo_seed(seed=options["seed"], people=options["people"])
        if report.created_anything:
            self.stdout.write(
                _("Seeded %(agencies)d agencies, %(staff)d staff, %(people)d people.")
                % {"agencies": report.agencies_created, "staff": report.staff_created, "people": report.people_created}
            )
            if report.cases_created:
                self.stdout.write(_("Opened %(cases)d demo cases.") % {"cases": report.cases_created})
        else:
            self.stdout.write(_("Demo data already present: nothing created."))

        url = f"http://{HOST}:{port}/"
        self.stdout.write("")
        self.stdout.write(logins_table(report.logins))
        self.stdout.write("")
        self.stdout.write(mfa_hint())
        self.stdout.write("")
        self.stdout.write(
            self.style.SUCCESS(_("Himaya demo: %(url)s  (sign in with any e-mail above; Ctrl-C stops)") % {"url": url})
        )
        self.stdout.write(
            _("E-mails (invitations, notifications) are sent by the worker: in another terminal run %(command)s")
            % {"command": "HIMAYA_ENV=demo .venv/bin/himaya db_worker"}
        )
        if options["no_serve"]:
            return
        call_command("runserver", f"{HOST}:{port}", use_reloader=False, skip_checks=True)
