"""`himaya shelters import FILE.json`: register shelters, rooms and beds (idempotent).

The file: {"shelters": [{"code", "operator" (agency code), "name_ar", "name_en", "address_ar",
"address_en", "accessibility": [codes], "rooms": [{"name", "group", "beds": N}]}]}. Bad input
changes nothing and lists every problem.
"""

from __future__ import annotations

import json
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from himaya.shelters.services import facilities_import


class Command(BaseCommand):
    help = "Create or update shelters, rooms and beds from a JSON file (a second run changes nothing)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            with open(options["path"], encoding="utf-8") as handle:
                data = json.load(handle)
        except (OSError, ValueError) as error:
            raise CommandError(
                _("Cannot read %(path)s: %(error)s") % {"path": options["path"], "error": error}
            ) from None
        try:
            counts = facilities_import(actor=None, data=data)
        except ValidationError as error:
            raise CommandError("\n".join(error.messages)) from None
        self.stdout.write(
            self.style.SUCCESS(_("Shelters created: %(shelters)d, rooms: %(rooms)d, beds: %(beds)d.") % counts)
        )
