"""The indicator catalogues and rule sets, loaded once per process from himaya/indicators/data.

Each data file names its version; `catalogue(version)` / `rule_set(version)` pick one (default:
the engine's default files), so a saved screening can be re-read against the data it was made with.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

from django.utils.translation import get_language

from himaya.indicators import engine


@lru_cache(maxsize=1)
def _files() -> dict[str, dict[str, Path]]:
    found: dict[str, dict[str, Path]] = {"catalogue": {}, "rule_set": {}}
    for path in sorted(engine.DATA_DIR.glob("*.json")):
        raw = json.loads(path.read_text(encoding="utf-8"))
        if "rule_set" in raw:
            found["rule_set"][raw["version"]] = path
        elif "profiles" in raw:
            found["catalogue"][raw["version"]] = path
    return found


@lru_cache(maxsize=8)
def catalogue(version: str | None = None) -> engine.Catalogue:
    """The catalogue with this version (default: the current one); ScreeningError if unknown."""
    if version is None:
        return engine.load_catalogue()
    path = _files()["catalogue"].get(version)
    if path is None:
        raise engine.ScreeningError("unknown_catalogue_version", [version])
    return engine.load_catalogue(path)


@lru_cache(maxsize=8)
def rule_set(version: str | None = None) -> engine.RuleSet:
    """The rule set with this version (default: the current one); ScreeningError if unknown."""
    if version is None:
        return engine.load_rule_set()
    path = _files()["rule_set"].get(version)
    if path is None:
        raise engine.ScreeningError("unknown_rule_set_version", [version])
    return engine.load_rule_set(path)


@lru_cache(maxsize=1)
def forced_labour() -> tuple[str, dict[str, engine.ForcedLabourIndicator]]:
    return engine.load_forced_labour()


def engine_language(language: str | None = None) -> str:
    """The engine's language ("ar" or "en") for a Django language code (default: the active one)."""
    code = (language or get_language() or "ar").lower()
    return "en" if code.startswith("en") else "ar"


def default_profile(*, is_child: bool, sexual: bool = False) -> str:
    """The profile a case starts with: children get a child profile (means are not required)."""
    if is_child:
        return "child-sexual" if sexual else "child-labour"
    return "adult-sexual" if sexual else "adult-labour"


def evaluate(profile: str, indicators: list[str], language: str | None = None) -> engine.Evaluation:
    """Evaluate with the current catalogue and rule set; raises engine.ScreeningError on bad input."""
    return engine.evaluate(catalogue(), rule_set(), profile, indicators, engine_language(language))


def error_field(error: engine.ScreeningError) -> str:
    """The input field a ScreeningError is about."""
    return "profile" if error.code == "unknown_profile" else "indicators"


def error_message(error: engine.ScreeningError) -> str:
    """A translated message naming what was wrong (codes only: no personal values)."""
    from django.utils.translation import gettext as _

    items = ", ".join(error.items)
    messages = {
        "unknown_profile": _("Unknown profile: %(items)s"),
        "unknown_indicators": _("Unknown indicators: %(items)s"),
        "indicators_not_in_profile": _("Indicators not in this profile's list: %(items)s"),
        "unknown_catalogue_version": _("Unknown catalogue version: %(items)s"),
        "unknown_rule_set_version": _("Unknown rule set version: %(items)s"),
    }
    template = messages.get(error.code, _("The screening could not be evaluated: %(items)s"))
    return template % {"items": items}
