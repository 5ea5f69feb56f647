"""`himaya` console command: a thin wrapper over Django's management commands.

`himaya audit verify` runs the `audit_verify` command, `himaya keys rotate` runs `keys_rotate`,
`himaya token issue x@y` runs `token_issue x@y`; a single word (`himaya seed`) runs that command.
"""

from __future__ import annotations

import os
import sys


def resolve(argv: list[str], available: set[str]) -> list[str]:
    """Map `himaya <group> <verb> args…` onto a management command name plus its arguments."""
    if len(argv) >= 2 and f"{argv[0]}_{argv[1]}" in available:
        return [f"{argv[0]}_{argv[1]}", *argv[2:]]
    return argv


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django
    from django.core.management import execute_from_command_line, get_commands

    django.setup()
    args = resolve(sys.argv[1:], set(get_commands()))
    execute_from_command_line(["himaya", *args])


if __name__ == "__main__":
    main()
