"""`himaya` console command: a thin wrapper over Django's management commands.

`himaya audit verify` runs the `audit_verify` command, `himaya keys rotate` runs `keys_rotate`,
`himaya token issue x@y` runs `token_issue x@y`, `himaya audit public-key` runs
`audit_public_key`; a single word (`himaya seed`) runs that command.
`himaya check` runs `himaya_check` (Django's deploy checks plus Himaya's); `himaya demo` runs the
local demo with HIMAYA_ENV=demo and DEBUG on, set before the settings are read.
"""

from __future__ import annotations

import os
import sys

# Words whose Himaya command has a different name from Django's command of the same word.
ALIASES = {"check": "himaya_check"}


def resolve(argv: list[str], available: set[str]) -> list[str]:
    """Map `himaya <group> <verb> args…` onto a management command name plus its arguments."""
    for words in (3, 2):  # the longest match wins: `audit public-key` before `audit public`
        if len(argv) >= words and not any(a.startswith("-") for a in argv[:words]):
            name = "_".join(argv[:words]).replace("-", "_")
            if name in available:
                return [name, *argv[words:]]
    if argv and argv[0] in ALIASES and ALIASES[argv[0]] in available:
        return [ALIASES[argv[0]], *argv[1:]]
    return argv


def prepare_environment(argv: list[str], environ: dict[str, str] | os._Environ[str]) -> None:
    """`himaya demo` is the local demo over plain HTTP: say so before Django reads the settings."""
    if argv[:1] == ["demo"]:
        environ.setdefault("HIMAYA_ENV", "demo")
        environ.setdefault("DEBUG", "true")


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    prepare_environment(sys.argv[1:], os.environ)
    import django
    from django.core.management import execute_from_command_line, get_commands

    django.setup()
    args = resolve(sys.argv[1:], set(get_commands()))
    execute_from_command_line(["himaya", *args])


if __name__ == "__main__":
    main()
