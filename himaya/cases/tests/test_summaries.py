"""Dashboard counts from the summary table: the same numbers as a live count, through the same policy."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

from django.core.cache import cache
from django.core.management import call_command
from django.db.models import Count
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from himaya.access import policy
from himaya.accounts.testing import login
from himaya.cases import selectors, services, summaries
from himaya.cases.models import Case, SummaryRefresh

REASONS = "Credible account of deception and passport retention."


def _live(actor: Any) -> dict[str, int]:
    return dict(policy.visible(actor, Case).order_by().values_list("stage").annotate(n=Count("pk")))


def _world(cast: Any, open_case: Any, referred_case: Any) -> None:
    open_case(cast.alice)  # EPC, identification
    open_case(cast.pete)  # police, not referred: the coordinator must not count it
    referred_case(cast.alice)
    police = referred_case(cast.pete)
    services.decision_record(
        actor=cast.carol, case=police, kind="rg", outcome="negative", reasons=REASONS, deciding_org="Police"
    )
    grievance = open_case(cast.pete)
    grievance = services.case_transition(actor=cast.pete, case=grievance, event="route_labour")
    services.case_close(actor=cast.pete, case=grievance, reason="Wages paid")  # closed, never referred


def test_the_summary_gives_each_actor_the_same_counts_as_a_live_count(cast, open_case, referred_case, clock) -> None:
    _world(cast, open_case, referred_case)
    summaries.refresh_stage_counts()
    for actor in (cast.carol, cast.sam, cast.alice, cast.pete):
        counts, counted_at = summaries.stage_counts(actor=actor)
        assert counted_at is not None, actor
        assert counts == _live(actor), actor
    carol, _ = summaries.stage_counts(actor=cast.carol)
    assert carol.get("rg_negative") == 1 and carol.get("rg_pending") == 1
    assert carol.get("identification") == 1  # her own agency's only, not the police's unreferred case


def test_a_stale_summary_is_not_used_and_asks_for_a_rebuild(
    cast, open_case, referred_case, clock, settings, django_capture_on_commit_callbacks
) -> None:
    settings.HIMAYA_SUMMARY_MAX_AGE = 60
    cache.clear()
    summaries.refresh_stage_counts()
    SummaryRefresh.objects.update(refreshed_at=timezone.now() - dt.timedelta(minutes=5))
    referred_case(cast.alice)  # a new case the stale summary does not know

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        counts, counted_at = summaries.stage_counts(actor=cast.carol)

    assert counted_at is None
    assert counts == _live(cast.carol)
    assert counts.get("rg_pending") == 1
    assert len(callbacks) == 1  # a rebuild is queued once the request commits


def test_a_never_built_summary_counts_live(cast, open_case, clock) -> None:
    open_case(cast.alice)
    counts, counted_at = summaries.stage_counts(actor=cast.alice)
    assert counted_at is None and counts == {"identification": 1}


def test_an_embassy_scope_cannot_be_summarised(cast) -> None:
    # Embassies see cases of consenting nationals: a per-person rule with no summary form.
    assert policy.summary_q(cast.emil, Case) is None
    assert policy.summary_q(cast.carol, Case) is not None
    assert policy.summary_q(cast.adam, Case) is None  # analysts see no case at all


def test_the_overview_page_says_when_it_counted(cast, client, referred_case, clock) -> None:
    referred_case(cast.alice)
    call_command("cases_summarise", stdout=io.StringIO())
    cast.carol.language = "en"
    cast.carol.save(update_fields=["language"])
    login(client, cast.carol)
    html = client.get("/cases/overview/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Counted at" in html
    assert selectors.overview(actor=cast.carol)["counts"]["rg_pending"] == 1


def test_the_refresh_task_rebuilds_the_counts(cast, open_case, clock) -> None:
    from himaya.cases.tasks import refresh_case_summaries

    open_case(cast.alice)
    assert refresh_case_summaries.call() >= 1
    assert SummaryRefresh.objects.get(name=summaries.STAGE_COUNTS).rows >= 1
    assert DBTaskResult.objects.count() == 0  # called directly, nothing queued


def test_the_overview_lists_the_decisions_that_fell_due_first_across_both_clocks(
    cast, referred_case, clock, monkeypatch
) -> None:
    # Read per clock stage off the (stage, due date) index and merged by the decision's own due
    # date: a conclusive decision is ranked by its CG date, not by the RG date it once had.
    day = dt.date
    rows = {
        "a": ("rg_pending", day(2026, 12, 1), None),
        "b": ("cg_pending", day(2026, 11, 1), day(2026, 12, 3)),
        "c": ("recovery_period", day(2026, 10, 1), day(2026, 11, 20)),
        "d": ("rg_pending", day(2026, 12, 10), None),
        "e": ("cg_pending", day(2026, 10, 5), day(2026, 12, 14)),
    }
    refs = {}
    for name, (stage, rg_due, cg_due) in rows.items():
        case = referred_case(cast.pete)
        Case.objects.filter(pk=case.pk).update(stage=stage, rg_due=rg_due, cg_due=cg_due)
        refs[case.pk] = name
    monkeypatch.setattr(selectors, "OVERVIEW_ROWS", 2)
    data = selectors.overview(actor=cast.carol, on=day(2026, 12, 8))  # a Tuesday
    assert [refs[c.pk] for c in data["overdue"]] == ["c", "a"] and data["more_overdue"]
    assert [refs[c.pk] for c in data["due_this_week"]] == ["d", "e"] and not data["more_due"]
    # The lists follow the policy, not the clock alone: another agency's first responder sees none.
    assert selectors.overview(actor=cast.alice, on=day(2026, 12, 8))["overdue"] == []
