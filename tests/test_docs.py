"""The README stays truthful: it opens with the two commands, documents every setting read from
the environment, and names only `himaya` commands that exist."""

from __future__ import annotations

import re
from pathlib import Path

from django.core.management import get_commands

from himaya.cli import ALIASES, resolve

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_the_readme_opens_with_the_two_commands():
    assert README.startswith("```sh\nmake demo\nmake test\n```\n")


def test_every_environment_variable_in_the_settings_is_documented():
    settings_source = (ROOT / "config" / "settings.py").read_text(encoding="utf-8")
    names = set(re.findall(r"\benv(?:bool|int)?\(\s*\"([A-Z][A-Z0-9_]*)\"", settings_source))
    assert "SECRET_KEY" in names and "DATABASE_URL" in names
    documented = set(re.findall(r"^\| `([A-Z][A-Z0-9_]*)`(?: / `([A-Z][A-Z0-9_]*)`)?", README, re.M))
    documented_names = {n for pair in documented for n in pair if n}
    assert sorted(names - documented_names) == []


def test_every_himaya_command_the_readme_names_exists():
    available = set(get_commands())
    mentioned = set(re.findall(r"`himaya ((?:[a-z_][a-z_-]*)(?: [a-z][a-z-]*)*)", README))
    assert len(mentioned) > 10
    missing = []
    for phrase in mentioned:
        words = phrase.split()
        name = resolve(words, available)[0]
        if name not in available and ALIASES.get(name) not in available:
            missing.append(phrase)
    assert sorted(missing) == []
