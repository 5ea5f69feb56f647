"""Arabic is the default language: every user-facing string has an Arabic translation.

The catalogue is locale/ar/LC_MESSAGES/django.po, compiled to django.mo (committed, because
air-gapped installs have no gettext). After adding or changing a string, run

    .venv/bin/python manage.py makemessages -l ar --ignore=.venv --ignore=var --ignore=test-artifacts --no-obsolete

translate the new entries (and remove their `#, fuzzy` flags), then

    .venv/bin/python manage.py compilemessages -l ar --ignore=.venv
"""

from __future__ import annotations

import ast
import gettext
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

ROOT = Path(settings.BASE_DIR)
PO = ROOT / "locale" / "ar" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")
ARABIC_LETTER = re.compile(r"[\u0621-\u064A]")
PLACEHOLDER = re.compile(r"%\(\w+\)[-#0 +]*\d*(?:\.\d+)?[sdifrox]|%[sd]|\{\w*\}")
# Directories makemessages walks (the rest of the checkout holds no translatable strings).
SOURCES = ["config", "himaya", "templates", "static"]


@dataclass
class Entry:
    msgid: str
    msgctxt: str | None = None
    plural: str | None = None
    msgstr: dict[int | None, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)
    line: int = 0

    @property
    def key(self) -> str:
        return f"{self.msgctxt}\x04{self.msgid}" if self.msgctxt is not None else self.msgid


def parse_po(path: Path) -> list[Entry]:
    """The entries of a .po file (obsolete `#~` entries are skipped; the header is included)."""
    entries: list[Entry] = []
    cur: Entry | None = None
    target: tuple[str, int | None] | None = None
    flags: set[str] = set()
    keyword = re.compile(r'^(msgctxt|msgid_plural|msgid|msgstr)(?:\[(\d+)\])? (".*")$')
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line:
            cur, target, flags = None, None, set()
            continue
        if line.startswith("#,"):
            flags |= {flag.strip() for flag in line[2:].split(",")}
            continue
        if line.startswith("#"):
            continue
        match = keyword.match(line)
        if match:
            word, index, text = match.group(1), match.group(2), ast.literal_eval(match.group(3))
            if cur is None:  # entries are separated by blank lines
                cur = Entry(msgid="", flags=flags, line=number)
                entries.append(cur)
            assert cur is not None, f"{path}:{number}: {word} outside an entry"
            if word == "msgctxt":
                cur.msgctxt, target = text, ("msgctxt", None)
            elif word == "msgid":
                cur.msgid, target = text, ("msgid", None)
            elif word == "msgid_plural":
                cur.plural, target = text, ("plural", None)
            else:
                slot = int(index) if index is not None else None
                cur.msgstr[slot] = text
                target = ("msgstr", slot)
            continue
        assert line.startswith('"') and cur is not None and target is not None, f"{path}:{number}: {raw!r}"
        text = ast.literal_eval(line)
        if target[0] == "msgstr":
            cur.msgstr[target[1]] += text
        elif target[0] == "msgctxt":
            cur.msgctxt = (cur.msgctxt or "") + text
        elif target[0] == "msgid":
            cur.msgid += text
        else:
            cur.plural = (cur.plural or "") + text
    return entries


def messages(entries: list[Entry]) -> list[Entry]:
    return [e for e in entries if e.msgid]


def placeholders(text: str) -> set[str]:
    return {m.group(0) for m in PLACEHOLDER.finditer(text)}


def test_it_translates_every_string_into_arabic_without_fuzzy_entries() -> None:
    entries = parse_po(PO)
    header = next(e for e in entries if not e.msgid)
    assert "Language: ar\n" in header.msgstr[None]
    assert "Plural-Forms: nplurals=6;" in header.msgstr[None]
    problems = []
    for e in messages(entries):
        expected_slots = set(range(6)) if e.plural is not None else {None}
        if set(e.msgstr) != expected_slots:
            problems.append(f"line {e.line}: {e.msgid!r} has forms {sorted(e.msgstr, key=str)}")
        if "fuzzy" in e.flags:
            problems.append(f"line {e.line}: {e.msgid!r} is fuzzy")
        for slot, text in e.msgstr.items():
            if not text.strip():
                problems.append(f"line {e.line}: {e.msgid!r} form {slot} is empty")
            elif not ARABIC_LETTER.search(text):
                problems.append(f"line {e.line}: {e.msgid!r} form {slot} has no Arabic: {text!r}")
    assert messages(entries), "the catalogue is empty"
    assert not problems, "\n".join(problems)


def test_it_keeps_every_placeholder_of_the_english_string() -> None:
    problems = []
    for e in messages(parse_po(PO)):
        wanted = placeholders(e.msgid) | placeholders(e.plural or "")
        for slot, text in e.msgstr.items():
            found = placeholders(text)
            if found - wanted:
                problems.append(f"{e.msgid!r} form {slot}: unknown placeholders {sorted(found - wanted)}")
            # Forms 0, 1 and 2 stand for exactly 0, 1 and 2, so Arabic may spell the number out
            # ("no code", "one minute", "two minutes"); every other form must show it.
            if slot not in (0, 1, 2) and wanted - found:
                problems.append(f"{e.msgid!r} form {slot}: lost placeholders {sorted(wanted - found)}")
    assert not problems, "\n".join(problems)


def test_the_committed_mo_matches_the_po() -> None:
    with MO.open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)._catalog  # type: ignore[attr-defined]
    expected: dict[object, str] = {}
    for e in messages(parse_po(PO)):
        if e.plural is None:
            expected[e.key] = e.msgstr[None]
        else:
            for slot, text in e.msgstr.items():
                expected[(e.key, slot)] = text
    compiled = {k: v for k, v in compiled.items() if k != ""}
    missing = sorted(str(k) for k in expected.keys() - compiled.keys())
    stale = sorted(str(k) for k in compiled.keys() - expected.keys())
    changed = sorted(str(k) for k in expected.keys() & compiled.keys() if expected[k] != compiled[k])
    assert not (missing or stale or changed), (
        "django.mo is out of date; run `manage.py compilemessages -l ar --ignore=.venv`.\n"
        f"missing: {missing[:10]}\nstale: {stale[:10]}\nchanged: {changed[:10]}"
    )


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="GNU gettext (xgettext) is not installed")
def test_no_string_in_the_code_is_missing_from_the_catalogue(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # makemessages writes next to the sources it walks, so run it over a copy of them.
    for name in SOURCES:
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    (tmp_path / "locale").mkdir()
    monkeypatch.chdir(tmp_path)
    call_command("makemessages", locale=["ar"], verbosity=0, no_obsolete=True)
    extracted = {e.key: e for e in messages(parse_po(tmp_path / "locale" / "ar" / "LC_MESSAGES" / "django.po"))}
    catalogue = {e.key for e in messages(parse_po(PO))}
    missing = sorted(set(extracted) - catalogue)
    assert extracted, "makemessages found no strings"
    assert not missing, "Strings not in locale/ar/LC_MESSAGES/django.po (run makemessages and translate):\n" + (
        "\n".join(repr(m) for m in missing)
    )


@pytest.mark.django_db
def test_the_sign_in_page_is_arabic_and_right_to_left_by_default() -> None:
    page = Client().get(reverse("accounts:login"), HTTP_ACCEPT_LANGUAGE="ar").content.decode()
    assert 'dir="rtl"' in page and 'lang="ar"' in page
    assert "تسجيل الدخول" in page
    assert "Sign in" not in page


@pytest.mark.django_db
def test_the_sign_in_page_is_english_and_left_to_right_when_asked() -> None:
    page = Client().get(reverse("accounts:login"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'dir="ltr"' in page and 'lang="en"' in page
    assert "Sign in" in page
    assert "تسجيل الدخول" not in page
