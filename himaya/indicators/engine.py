"""Trafficking-indicator screening engine (Django-free).

The catalogue (which indicators exist, their dimension, and their strength per profile) and the
rule set (when a dimension is positive, which dimensions make up the legal elements) are versioned
data files, so a jurisdiction can correct them without a release. The engine only counts and
combines. Its output is decision support: the competent authority decides.

Outcomes:
- ``victim``: the element rule holds (adults: recruitment AND exploitation AND coercion/abuse of
  vulnerability at destination; children: recruitment AND exploitation — means are not required);
- ``exploited_no_means``: exploitation is positive but the element rule does not hold (labour
  grievance path);
- ``not_indicated``: otherwise.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

DATA_DIR = Path(__file__).resolve().parent / "data"
DEFAULT_CATALOGUE = DATA_DIR / "ilo_ec_2009.json"
DEFAULT_RULE_SET = DATA_DIR / "rules_delphi_2009.json"
FORCED_LABOUR_CATALOGUE = DATA_DIR / "ilo_forced_labour_2012.json"

STRONG, MEDIUM, WEAK = "S", "M", "W"
VICTIM = "victim"
EXPLOITED_NO_MEANS = "exploited_no_means"
NOT_INDICATED = "not_indicated"
LANGUAGES = ("en", "ar")


class ScreeningError(ValueError):
    """Input the engine cannot evaluate; `code` and `items` say what was wrong."""

    def __init__(self, code: str, items: Iterable[str] = ()) -> None:
        self.code = code
        self.items = sorted(set(items))
        super().__init__(f"{code}: {', '.join(self.items)}" if self.items else code)


def _text(texts: Mapping[str, str], language: str) -> str:
    return texts.get(language) or texts.get("en") or next(iter(texts.values()), "")


@dataclass(frozen=True)
class Indicator:
    id: str
    dimension: str
    texts: Mapping[str, str]
    grades: Mapping[str, str]  # profile -> S/M/W (absent: not in that profile's list)

    def text(self, language: str = "en") -> str:
        return _text(self.texts, language)


@dataclass(frozen=True)
class Profile:
    name: str
    child: bool
    provisional: bool
    labels: Mapping[str, str]

    def label(self, language: str = "en") -> str:
        return _text(self.labels, language)


@dataclass(frozen=True)
class Catalogue:
    name: str
    version: str
    profiles: Mapping[str, Profile]
    dimensions: Mapping[str, Mapping[str, str]]  # code -> {lang: label}
    indicators: Mapping[str, Indicator]

    def dimension_label(self, code: str, language: str = "en") -> str:
        return _text(self.dimensions[code], language)

    def indicators_for(self, profile: str) -> list[Indicator]:
        self.profile(profile)
        return [i for i in self.indicators.values() if profile in i.grades]

    def profile(self, name: str) -> Profile:
        try:
            return self.profiles[name]
        except KeyError:
            raise ScreeningError("unknown_profile", [name]) from None

    @classmethod
    def from_dict(cls, raw: Mapping[str, Any]) -> Catalogue:
        profiles = {
            name: Profile(name=name, child=bool(p["child"]), provisional=bool(p.get("provisional")), labels=p["label"])
            for name, p in raw["profiles"].items()
        }
        dimensions = dict(raw["dimensions"])
        indicators: dict[str, Indicator] = {}
        for item in raw["indicators"]:
            if item["dimension"] not in dimensions:
                raise ValueError(f"indicator {item['id']} has unknown dimension {item['dimension']}")
            bad = {g for g in item["grades"].values() if g not in (STRONG, MEDIUM, WEAK)}
            if bad or set(item["grades"]) - set(profiles):
                raise ValueError(f"indicator {item['id']} has invalid grades {item['grades']}")
            indicators[item["id"]] = Indicator(
                id=item["id"], dimension=item["dimension"], texts=item["text"], grades=item["grades"]
            )
        return cls(
            name=raw["catalogue"],
            version=raw["version"],
            profiles=profiles,
            dimensions=dimensions,
            indicators=indicators,
        )


@dataclass(frozen=True)
class Threshold:
    strong: int = 0
    medium: int = 0
    weak: int = 0
    medium_or_weak: int = 0

    def met(self, s: int, m: int, w: int) -> bool:
        return s >= self.strong and m >= self.medium and w >= self.weak and (m + w) >= self.medium_or_weak


@dataclass(frozen=True)
class RuleSet:
    name: str
    version: str
    positive_any_of: tuple[Threshold, ...]
    adult_groups: tuple[tuple[str, ...], ...]
    child_groups: tuple[tuple[str, ...], ...]
    exploitation_dimension: str
    reasons: Mapping[str, Mapping[str, str]]

    @classmethod
    def from_dict(cls, raw: Mapping[str, Any]) -> RuleSet:
        return cls(
            name=raw["rule_set"],
            version=raw["version"],
            positive_any_of=tuple(Threshold(**t) for t in raw["dimension_positive_any_of"]),
            adult_groups=tuple(tuple(g) for g in raw["element_rules"]["adult"]["all_of"]),
            child_groups=tuple(tuple(g) for g in raw["element_rules"]["child"]["all_of"]),
            exploitation_dimension=raw["exploitation_dimension"],
            reasons=raw["reasons"],
        )

    def dimension_positive(self, s: int, m: int, w: int) -> bool:
        return any(t.met(s, m, w) for t in self.positive_any_of)

    def reason(self, code: str, language: str, **params: Any) -> str:
        return _text(self.reasons[code], language).format(**params)


@dataclass(frozen=True)
class DimensionTally:
    strong: int
    medium: int
    weak: int
    positive: bool

    def as_dict(self) -> dict[str, Any]:
        return {"strong": self.strong, "medium": self.medium, "weak": self.weak, "positive": self.positive}


@dataclass(frozen=True)
class Evaluation:
    outcome: str
    profile: str
    dimensions: Mapping[str, DimensionTally]
    reasons: tuple[str, ...]
    subtypes: tuple[str, ...]  # positive recruitment dimensions, e.g. ("DR", "CR")
    catalogue_version: str
    rule_set_version: str
    indicators: tuple[str, ...] = field(default=())

    def as_dict(self) -> dict[str, Any]:
        return {
            "outcome": self.outcome,
            "profile": self.profile,
            "dimensions": {code: t.as_dict() for code, t in self.dimensions.items()},
            "reasons": list(self.reasons),
            "subtypes": list(self.subtypes),
            "catalogue_version": self.catalogue_version,
            "rule_set_version": self.rule_set_version,
        }


def evaluate(
    catalogue: Catalogue, rule_set: RuleSet, profile: str, indicator_ids: Iterable[str], language: str = "en"
) -> Evaluation:
    """Count indicators per dimension, decide which dimensions are positive, then apply the element rule.

    Raises ScreeningError naming the unknown profile, unknown ids, or ids not in the profile's list.
    """
    prof = catalogue.profile(profile)
    ids = list(dict.fromkeys(i.strip().upper() for i in indicator_ids))
    unknown = [i for i in ids if i not in catalogue.indicators]
    if unknown:
        raise ScreeningError("unknown_indicators", unknown)
    outside = [i for i in ids if profile not in catalogue.indicators[i].grades]
    if outside:
        raise ScreeningError("indicators_not_in_profile", outside)

    counts = {code: {STRONG: 0, MEDIUM: 0, WEAK: 0} for code in catalogue.dimensions}
    for iid in ids:
        ind = catalogue.indicators[iid]
        counts[ind.dimension][ind.grades[profile]] += 1
    tallies = {
        code: DimensionTally(
            strong=c[STRONG],
            medium=c[MEDIUM],
            weak=c[WEAK],
            positive=rule_set.dimension_positive(c[STRONG], c[MEDIUM], c[WEAK]),
        )
        for code, c in counts.items()
    }

    reasons: list[str] = []
    for code, t in tallies.items():
        if t.strong + t.medium + t.weak == 0:
            continue
        key = "dimension_positive" if t.positive else "dimension_negative"
        reasons.append(
            rule_set.reason(
                key,
                language,
                dimension=catalogue.dimension_label(code, language),
                strong=t.strong,
                medium=t.medium,
                weak=t.weak,
            )
        )

    groups = rule_set.child_groups if prof.child else rule_set.adult_groups
    missing = [g for g in groups if not any(tallies[d].positive for d in g)]
    recruitment = groups[0]
    subtypes = tuple(d for d in recruitment if tallies[d].positive)
    subtype_text = ", ".join(catalogue.dimension_label(d, language) for d in subtypes)

    if not missing:
        outcome = VICTIM
        reasons.append(
            rule_set.reason("outcome_child_victim" if prof.child else "outcome_victim", language, subtype=subtype_text)
        )
    else:
        for g in missing:
            labels = ", ".join(catalogue.dimension_label(d, language) for d in g)
            reasons.append(rule_set.reason("group_missing", language, dimensions=labels))
        if tallies[rule_set.exploitation_dimension].positive:
            outcome = EXPLOITED_NO_MEANS
            reasons.append(rule_set.reason("outcome_exploited_no_means", language))
        else:
            outcome = NOT_INDICATED
            reasons.append(rule_set.reason("outcome_not_indicated", language))
    if prof.provisional:
        reasons.append(rule_set.reason("provisional_profile", language))
    reasons.append(rule_set.reason("decision_support", language))
    return Evaluation(
        outcome=outcome,
        profile=profile,
        dimensions=tallies,
        reasons=tuple(reasons),
        subtypes=subtypes,
        catalogue_version=catalogue.version,
        rule_set_version=rule_set.version,
        indicators=tuple(ids),
    )


def load_catalogue(path: Path = DEFAULT_CATALOGUE) -> Catalogue:
    return Catalogue.from_dict(json.loads(path.read_text(encoding="utf-8")))


def load_rule_set(path: Path = DEFAULT_RULE_SET) -> RuleSet:
    return RuleSet.from_dict(json.loads(path.read_text(encoding="utf-8")))


@dataclass(frozen=True)
class ForcedLabourIndicator:
    id: str
    texts: Mapping[str, str]
    delphi: tuple[str, ...]

    def text(self, language: str = "en") -> str:
        return _text(self.texts, language)


def load_forced_labour(path: Path = FORCED_LABOUR_CATALOGUE) -> tuple[str, dict[str, ForcedLabourIndicator]]:
    raw = json.loads(path.read_text(encoding="utf-8"))
    items = {
        i["id"]: ForcedLabourIndicator(id=i["id"], texts=i["text"], delphi=tuple(i["delphi"]))
        for i in raw["indicators"]
    }
    return raw["version"], items


def forced_labour_quick_check(ids: Iterable[str], items: Mapping[str, ForcedLabourIndicator]) -> dict[str, Any]:
    """The ILO 11 have no score: any one may suffice. Returns what was flagged and the Delphi ids it suggests."""
    flagged = list(dict.fromkeys(i.strip().upper() for i in ids))
    unknown = [i for i in flagged if i not in items]
    if unknown:
        raise ScreeningError("unknown_indicators", unknown)
    suggested = sorted({d for i in flagged for d in items[i].delphi})
    return {"flagged": flagged, "any_flagged": bool(flagged), "suggested_delphi_indicators": suggested}
