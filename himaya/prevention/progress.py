"""A text progress bar for the command line (one line, redrawn)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

PHASES = {"checking": _("Checking"), "preparing": _("Preparing"), "writing": _("Writing")}


class Bar:
    def __init__(self, out: Any, width: int = 30) -> None:
        self.out = out
        self.width = width
        self.last = ("", -1)

    def __call__(self, phase: str, done: int, total: int) -> None:
        percent = 100 if not total else min(100, int(100 * done / total))
        if (phase, percent) == self.last:
            return
        self.last = (phase, percent)
        filled = self.width * percent // 100
        label = str(PHASES.get(phase, phase))
        self.out.write(f"\r{label:<10} [{'#' * filled}{'.' * (self.width - filled)}] {percent:3d}% {done}/{total}")
        if percent == 100:
            self.out.write("\n")
        self.out.flush()
