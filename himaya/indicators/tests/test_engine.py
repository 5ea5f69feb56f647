"""Table-driven tests of the screening engine: every rule branch, adults and children."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from himaya.indicators.engine import (
    EXPLOITED_NO_MEANS,
    NOT_INDICATED,
    VICTIM,
    ScreeningError,
    evaluate,
    forced_labour_quick_check,
    load_catalogue,
    load_forced_labour,
    load_rule_set,
)

CAT = load_catalogue()
RULES = load_rule_set()


def dims(profile: str, ids: list[str]) -> dict[str, bool]:
    result = evaluate(CAT, RULES, profile, ids)
    return {code: t.positive for code, t in result.dimensions.items()}


def test_the_catalogue_has_the_ilo_counts_per_dimension() -> None:
    counts: dict[str, int] = {}
    for ind in CAT.indicators.values():
        counts[ind.dimension] = counts.get(ind.dimension, 0) + 1
    assert counts == {"DR": 10, "CR": 10, "VR": 16, "EX": 9, "CD": 15, "VD": 7}


def test_every_indicator_has_arabic_and_english_text() -> None:
    for ind in CAT.indicators.values():
        assert ind.text("ar") and ind.text("en") and ind.text("ar") != ind.text("en")


@pytest.mark.parametrize(
    ("ids", "positive"),
    [
        (["CD01", "CD02"], True),  # (a) two strong
        (["CD01", "CD05"], True),  # (b) one strong + one medium
        (["CD01", "CD15"], True),  # (b) one strong + one weak
        (["CD05", "CD06", "CD07"], True),  # (c) three medium
        (["CD05", "CD06", "CD15"], True),  # (d) two medium + one weak
        (["CD01"], False),  # one strong alone is not enough
        (["CD05", "CD06"], False),  # two medium
        (["CD05", "CD15"], False),  # one medium + one weak
        (["CD15"], False),  # weak alone never
        ([], False),
    ],
)
def test_it_applies_the_dimension_threshold(ids: list[str], positive: bool) -> None:
    assert dims("adult-labour", ids)["CD"] is positive


def test_weak_indicators_alone_never_make_a_dimension_positive() -> None:
    weak_vr = [
        i.id for i in CAT.indicators_for("adult-labour") if i.dimension == "VR" and i.grades["adult-labour"] == "W"
    ]
    assert len(weak_vr) >= 4
    assert dims("adult-labour", weak_vr)["VR"] is False


ADULT_CASES = [
    # recruitment (DR) + exploitation (EX) + coercion at destination (CD) -> victim
    (["DR01", "DR02", "EX01", "EX04", "CD01", "CD03"], VICTIM, ("DR",)),
    # coercive recruitment + exploitation + abuse of vulnerability at destination
    (["CR01", "CR03", "EX01", "EX02", "VD01", "VD02", "VD03"], VICTIM, ("CR",)),
    # vulnerability at recruitment + exploitation + coercion at destination
    (["VR01", "VR02", "VR03", "EX01", "EX03", "CD01", "CD02"], VICTIM, ("VR",)),
    # exploitation only -> labour grievance path
    (["EX01", "EX04", "EX08"], EXPLOITED_NO_MEANS, ()),
    # exploitation + destination coercion but no recruitment dimension positive
    (["EX01", "EX04", "CD01", "CD02"], EXPLOITED_NO_MEANS, ()),
    # recruitment + coercion but exploitation negative -> not indicated
    (["DR01", "DR02", "CD01", "CD02", "EX04"], NOT_INDICATED, ("DR",)),
    ([], NOT_INDICATED, ()),
]


@pytest.mark.parametrize(("ids", "outcome", "subtypes"), ADULT_CASES)
def test_it_applies_the_adult_element_rule(ids: list[str], outcome: str, subtypes: tuple[str, ...]) -> None:
    result = evaluate(CAT, RULES, "adult-labour", ids)
    assert result.outcome == outcome
    assert result.subtypes == subtypes


def test_children_do_not_need_means_at_destination() -> None:
    ids = ["DR01", "DR10", "EX01", "EX09"]  # no CD/VD indicators
    assert evaluate(CAT, RULES, "adult-labour", ids).outcome == EXPLOITED_NO_MEANS
    assert evaluate(CAT, RULES, "child-labour", ids).outcome == VICTIM


def test_child_grades_differ_from_adult_grades() -> None:
    # DR10 is weak for adults but strong for children: DR01 + DR10 is positive only for a child.
    assert dims("adult-labour", ["DR01", "DR10"])["DR"] is True  # 1 S + 1 W
    assert dims("adult-labour", ["DR10", "DR02"])["DR"] is False  # 1 W + 1 M
    assert dims("child-labour", ["DR10", "DR02"])["DR"] is True  # 1 S + 1 M


def test_it_names_unknown_indicators() -> None:
    with pytest.raises(ScreeningError) as err:
        evaluate(CAT, RULES, "adult-labour", ["DR01", "XX99", "ZZ01"])
    assert err.value.code == "unknown_indicators"
    assert err.value.items == ["XX99", "ZZ01"]


def test_it_names_indicators_outside_the_profile() -> None:
    with pytest.raises(ScreeningError) as err:
        evaluate(CAT, RULES, "child-labour", ["VR07", "EX06", "EX01"])
    assert err.value.code == "indicators_not_in_profile"
    assert err.value.items == ["EX06", "VR07"]


def test_it_refuses_an_unknown_profile() -> None:
    with pytest.raises(ScreeningError) as err:
        evaluate(CAT, RULES, "adult-organs", ["DR01"])
    assert err.value.code == "unknown_profile"


def test_reasons_are_in_the_callers_language_and_say_it_is_decision_support() -> None:
    ids = ["DR01", "DR02", "EX01", "EX04", "CD01", "CD03"]
    ar = evaluate(CAT, RULES, "adult-labour", ids, language="ar")
    en = evaluate(CAT, RULES, "adult-labour", ids, language="en")
    assert any("التجنيد بالخداع" in r for r in ar.reasons)
    assert "competent authority decides" in en.reasons[-1]
    assert "السلطة المختصة" in ar.reasons[-1]


def test_provisional_profiles_say_so() -> None:
    result = evaluate(CAT, RULES, "adult-sexual", ["CD06", "CD01"])
    assert result.dimensions["CD"].strong == 2
    assert any("provisional" in r for r in result.reasons)


def test_results_record_the_versions_used() -> None:
    result = evaluate(CAT, RULES, "adult-labour", ["EX01"])
    assert result.catalogue_version == CAT.version
    assert result.rule_set_version == RULES.version


def test_duplicates_and_case_do_not_change_the_count() -> None:
    result = evaluate(CAT, RULES, "adult-labour", ["cd01", "CD01", " CD01 "])
    assert result.dimensions["CD"].strong == 1


def test_the_forced_labour_quick_check_flags_any_single_indicator() -> None:
    _, items = load_forced_labour()
    assert len(items) == 11
    result = forced_labour_quick_check(["FL07"], items)
    assert result["any_flagged"] is True
    assert result["suggested_delphi_indicators"] == ["CD01", "CR03"]
    with pytest.raises(ScreeningError):
        forced_labour_quick_check(["FL12"], items)


ADULT_IDS = sorted(i.id for i in CAT.indicators_for("adult-labour"))
CHILD_IDS = sorted(i.id for i in CAT.indicators_for("child-labour"))
ORDER = {NOT_INDICATED: 0, EXPLOITED_NO_MEANS: 1, VICTIM: 2}


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(["adult-labour", "child-labour"]), st.data())
def test_adding_an_indicator_never_turns_a_positive_dimension_negative(profile: str, data: st.DataObject) -> None:
    pool = ADULT_IDS if profile == "adult-labour" else CHILD_IDS
    base = data.draw(st.lists(st.sampled_from(pool), max_size=12, unique=True))
    extra = data.draw(st.sampled_from(pool))
    before = evaluate(CAT, RULES, profile, base)
    after = evaluate(CAT, RULES, profile, [*base, extra])
    for code, tally in before.dimensions.items():
        if tally.positive:
            assert after.dimensions[code].positive
    assert ORDER[after.outcome] >= ORDER[before.outcome]


def test_the_engine_does_not_import_django() -> None:
    import subprocess
    import sys

    code = "import sys, himaya.indicators.engine; sys.exit('django' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0
