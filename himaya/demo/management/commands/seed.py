"""`himaya seed`: load the fictional demo agencies, staff and people (idempotent)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from himaya.cases.summaries import refresh_stage_counts
from himaya.demo.services import DEFAULT_PEOPLE, DEFAULT_SEED, demo_seed
from himaya.demo.table import logins_table, mfa_hint


class Command(BaseCommand):
    help = "Create the demo agencies, staff (MFA enrolled) and synthetic people; a second run creates nothing."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="random seed (same seed, same data)")
        parser.add_argument("--people", type=int, default=DEFAULT_PEOPLE, help="synthetic people to create")
        parser.add_argument(
            "--scale",
            choices=["demo", "national"],
            default="demo",
            help="demo: agencies, staff, people and cases through the services; national: bulk load at country scale",
        )
        parser.add_argument(
            "--persons",
            type=int,
            default=None,
            help="national scale: people to load (default 250000, with ~100k cases and ~500k referrals)",
        )
        parser.add_argument("--cases", type=int, default=None, help="demo scale: cases to open (default 60)")
        parser.add_argument("--quiet-logins", action="store_true", help="do not print the logins table")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["people"] < 0:
            raise CommandError(_("--people must be zero or more."))
        if options["scale"] == "national":
            self._national(options)
            return
        if options["cases"] is not None and options["cases"] < 0:
            raise CommandError(_("--cases must be zero or more."))
        try:
            report = demo_seed(seed=options["seed"], people=options["people"], cases=options["cases"])
        except ImproperlyConfigured as exc:
            raise CommandError(str(exc)) from exc
        if report.created_anything:
            self.stdout.write(
                self.style.SUCCESS(
                    _("Seeded: %(agencies)d agencies, %(services)d services, %(staff)d staff, %(people)d people.")
                    % {
                        "agencies": report.agencies_created,
                        "services": report.services_created,
                        "staff": report.staff_created,
                        "people": report.people_created,
                    }
                )
            )
            if report.cases_created:
                self.stdout.write(_("Opened %(cases)d demo cases.") % {"cases": report.cases_created})
                refresh_stage_counts()  # the dashboards' counts
        else:
            self.stdout.write(_("Demo data already present: nothing created."))
        if not options["quiet_logins"]:
            self.stdout.write("")
            self.stdout.write(logins_table(report.logins))
            self.stdout.write("")
            self.stdout.write(mfa_hint())

    def _national(self, options: dict[str, Any]) -> None:
        from himaya.demo.national import NATIONAL_PERSONS, AlreadySeeded, national_seed, timings_table

        persons = NATIONAL_PERSONS if options["persons"] is None else options["persons"]
        if persons < 1:
            raise CommandError(_("--persons must be at least one."))
        try:
            report = national_seed(seed=options["seed"], persons=persons, progress=self.stderr)
        except AlreadySeeded as exc:
            raise CommandError(str(exc)) from exc
        except ImproperlyConfigured as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            self.style.SUCCESS(
                _("Loaded %(persons)s people, %(cases)s cases, %(referrals)s referrals, %(events)s audit events.")
                % {
                    "persons": f"{report.persons:,}",
                    "cases": f"{report.cases:,}",
                    "referrals": f"{report.referrals:,}",
                    "events": f"{report.events:,}",
                }
            )
        )
        self.stdout.write(timings_table(report))
        refresh_stage_counts()  # the dashboards' counts
