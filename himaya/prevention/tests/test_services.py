"""Scoring runs, the budgeted queue with a random slice, inspections, findings to intake, access."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils import timezone

from himaya.accounts.testing import login
from himaya.intake.models import IntakeDraft
from himaya.prevention import selectors, services
from himaya.prevention.management.commands.seed_prevention import seed
from himaya.prevention.models import Inspection, InspectionReason, PlantedTruth, RiskScore, RunStatus


@pytest.fixture
def scored(cast):
    seed("tiny", seed=5)
    run = services.scoring_run_create(actor=cast.sam)
    return services.scoring_run_execute(run.pk)


def test_a_scoring_run_stores_every_employer_with_its_model_version_and_reasons(scored) -> None:
    assert scored.status == RunStatus.DONE and scored.model_version == "2026.1"
    scores = list(RiskScore.objects.filter(run=scored).order_by("rank"))
    assert len(scores) == 80 and [s.rank for s in scores] == list(range(1, 81))
    top = scores[0]
    assert top.score == sum(r["points"] for r in top.reasons) > 0
    assert PlantedTruth.objects.exists()  # kept apart: scoring never reads it


def test_the_plan_fills_the_budget_with_the_top_and_a_random_slice(cast, scored) -> None:
    plan = services.plan_create(
        actor=cast.sam, run=scored, inspectors=2, days=2, visits_per_day=5, random_share=0.2, seed=9
    )
    items = list(plan.items.order_by("priority"))
    risk = [i for i in items if i.reason == InspectionReason.RISK]
    randomly = [i for i in items if i.reason == InspectionReason.RANDOM]
    assert len(randomly) == 4
    positive = RiskScore.objects.filter(run=scored, score__gt=0).count()
    assert len(risk) == min(16, positive)
    top = list(
        RiskScore.objects.filter(run=scored, score__gt=0)
        .order_by("rank")
        .values_list("employer_id", flat=True)[: len(risk)]
    )
    assert [i.employer_id for i in risk] == top
    assert not {i.employer_id for i in randomly} & set(top)


def test_only_a_regulator_supervisor_plans(cast, scored) -> None:
    for who in (cast.adam, cast.ines, cast.paula, cast.pete):
        with pytest.raises(Http404):
            services.plan_create(actor=who, run=scored, inspectors=1, days=1)


def _assigned(cast, scored) -> Inspection:
    plan = services.plan_create(
        actor=cast.sam, run=scored, inspectors=1, days=1, visits_per_day=1, random_share=0, seed=1
    )
    inspection = plan.items.get()
    return services.inspection_assign(actor=cast.sam, inspection=inspection, inspector=cast.ines)


def test_an_inspector_sees_only_her_queue_and_the_workers_she_inspects(cast, scored) -> None:
    inspection = _assigned(cast, scored)
    services.plan_create(actor=cast.sam, run=scored, inspectors=1, days=1, visits_per_day=3, random_share=0, seed=2)
    assert list(selectors.queue(actor=cast.ines)) == [inspection]
    assert selectors.queue(actor=cast.sam).count() == 4
    workers = selectors.inspection_workers(actor=cast.ines, inspection=inspection)
    assert workers.exists() and all(w.employer_id == inspection.employer_id for w in workers)
    assert not selectors.queue(actor=cast.adam).exists()  # analysts: aggregates only


def test_the_visit_is_recorded_once_by_the_assigned_inspector(cast, scored) -> None:
    inspection = _assigned(cast, scored)
    values = dict(
        visited_on=timezone.localdate(),
        indicators_observed=["FL07", "FL08"],
        passports_held=True,
        wage_records_ok=False,
        housing_ok=None,
        violation_found=True,
        outcome="fine",
    )
    with pytest.raises(ValidationError):
        services.inspection_record(actor=cast.sam, inspection=inspection, **values)
    with pytest.raises(ValidationError):
        services.inspection_record(actor=cast.ines, inspection=inspection, **{**values, "violation_found": False})
    done = services.inspection_record(actor=cast.ines, inspection=inspection, **values)
    assert done.status == "completed" and done.indicators_observed == ["FL07", "FL08"]
    with pytest.raises(ValidationError):
        services.inspection_record(actor=cast.ines, inspection=done, **values)
    row = selectors.hit_rates_over_time()[0]
    assert (row["risk_done"], row["risk_hits"], row["risk_rate"]) == (1, 1, 1.0)


def test_a_finding_opens_a_prefilled_intake_draft_in_the_wizard(cast, scored, client) -> None:
    inspection = _assigned(cast, scored)
    worker = selectors.inspection_workers(actor=cast.ines, inspection=inspection).first()
    finding = services.finding_add(
        actor=cast.ines,
        inspection=inspection,
        workers=[worker],
        indicators=["FL07", "FL08"],
        description="Passports kept in the manager's safe; no pay since June.",
    )
    login(client, cast.ines)
    response = client.post(f"/prevention/findings/{finding.pk}/intake/")
    draft = IntakeDraft.objects.get(owner=cast.ines)
    assert response.status_code == 302 and response["Location"] == f"/intake/{draft.pk}/step/1/"
    assert draft.steps["1"]["channel"] == "labour_inspection"
    assert draft.steps["2"]["given_name_latin"] == worker.full_name.split(" ")[0]
    assert draft.steps["3"]["category"] == "trafficking_suspicion" and draft.steps["3"]["industry"]
    assert inspection.employer.cr_number in draft.steps["4"]["parties"][0]["organisation"]
    assert "FL07" in draft.steps["5"]["notes"]
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert '<option value="labour_inspection" selected>' in page.content.decode()
    finding.refresh_from_db()
    with pytest.raises(ValidationError):
        services.finding_to_intake(actor=cast.ines, finding=finding)


def test_a_finding_needs_workers_of_the_inspected_employer(cast, scored) -> None:
    from himaya.prevention.models import Worker

    inspection = _assigned(cast, scored)
    stranger = Worker.objects.exclude(employer_id=inspection.employer_id).first()
    with pytest.raises(ValidationError):
        services.finding_add(
            actor=cast.ines, inspection=inspection, workers=[stranger], indicators=["FL07"], description="x"
        )


def test_the_fairness_report_covers_sectors_and_nationalities(cast, scored) -> None:
    report = selectors.fairness_report(run=scored)
    assert report["k"] == 2
    assert sum(r["flagged"] for r in report["sectors"]) == 2
    assert {r["group"] for r in report["nationalities"]} >= {"IN"}


def test_the_dashboard_pages_show_aggregates_in_arabic(cast, scored, client) -> None:
    login(client, cast.adam)
    response = client.get("/prevention/", HTTP_ACCEPT_LANGUAGE="ar")
    assert response.status_code == 200
    fairness = client.get("/prevention/fairness/")
    assert fairness.status_code == 200 and "fairness-sectors" in fairness.content.decode()
    assert client.get(f"/prevention/scoring/{scored.pk}/").status_code == 404  # no employer rows for analysts


def test_the_run_page_explains_scores(cast, scored, client) -> None:
    login(client, cast.sam)
    page = client.get(f"/prevention/scoring/{scored.pk}/").content.decode()
    assert "ranking" in page and "+" in page


def test_killed_or_failed_runs_leave_no_partial_ranking(cast, scored, monkeypatch) -> None:
    from himaya.analytics import scoring

    run = services.scoring_run_create(actor=cast.sam)

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(scoring, "rescore", broken)
    with pytest.raises(RuntimeError):
        services.scoring_run_execute(run.pk)
    run.refresh_from_db()
    assert run.status == RunStatus.FAILED and not RiskScore.objects.filter(run=run).exists()


def test_dates_of_the_tiny_world_are_in_the_past(scored) -> None:
    assert not Inspection.objects.filter(visited_on__gt=dt.date.today()).exists()


def test_reading_the_queue_and_an_inspection_is_audited(cast, scored, client) -> None:
    from himaya.audit.models import AuditEvent

    inspection = _assigned(cast, scored)
    login(client, cast.ines)
    client.get("/prevention/queue/")
    client.get(f"/prevention/inspections/{inspection.pk}/")
    actions = set(AuditEvent.objects.filter(actor_id=cast.ines.pk).values_list("action", flat=True))
    assert {"prevention.inspection.list", "prevention.inspection.view", "prevention.worker.list"} <= actions


def test_a_refused_page_is_a_404_and_audited(cast, client) -> None:
    from himaya.audit.models import AuditEvent

    login(client, cast.adam)
    assert client.get("/prevention/imports/").status_code == 404
    denial = AuditEvent.objects.get(actor_id=cast.adam.pk, action="prevention.manage")
    assert denial.outcome == "denied"


def test_the_centre_supervisor_submits_the_inspectors_draft_as_an_nrm_case(cast, scored) -> None:
    from himaya.intake.services import draft_submit

    inspection = _assigned(cast, scored)
    worker = selectors.inspection_workers(actor=cast.ines, inspection=inspection).first()
    finding = services.finding_add(
        actor=cast.ines, inspection=inspection, workers=[worker], indicators=["FL07"], description="Passports held."
    )
    draft = services.finding_to_intake(actor=cast.ines, finding=finding)
    case = draft_submit(actor=cast.sam, draft=draft)
    assert case.category == "trafficking_suspicion" and case.industry == inspection.employer.isic_section
    assert case.encounters.get().channel == "labour_inspection"
    assert case.parties.get().role == "Exploiter"


def test_the_inspector_hands_the_intake_to_a_first_responder_who_opens_the_case(cast, scored, client) -> None:
    """Only first responders refer into the NRM: the inspector prepares the intake and hands it over."""
    from himaya.intake import services as intake_services

    inspection = _assigned(cast, scored)
    worker = selectors.inspection_workers(actor=cast.ines, inspection=inspection).first()
    finding = services.finding_add(
        actor=cast.ines, inspection=inspection, workers=[worker], indicators=["FL07"], description="Passports held."
    )
    draft = services.finding_to_intake(actor=cast.ines, finding=finding)
    login(client, cast.ines)
    drafts = client.get("/intake/drafts/")  # the breadcrumb of the wizard leads to his drafts
    assert drafts.status_code == 200 and f"/intake/{draft.pk}/step/" in drafts.content.decode()
    review = client.get(f"/intake/{draft.pk}/step/6/")
    page = review.content.decode()
    assert review.status_code == 200 and 'id="intake-hand-over"' in page and 'id="intake-submit"' not in page
    assert f'<option value="{cast.alice.pk}">' in page  # a first responder of the centre
    assert f'value="{cast.pete.pk}"' not in page and f'value="{cast.adam.pk}"' not in page
    # Submitting himself is refused with a clear message, and nothing is opened.
    refused = client.post(f"/intake/{draft.pk}/step/6/")
    assert refused.status_code == 400 and 'id="intake-submit-errors"' in refused.content.decode()
    with pytest.raises(ValidationError):
        intake_services.draft_submit(actor=cast.ines, draft=draft)
    # Only a colleague of the agency who may open cases can receive it.
    for wrong in (cast.pete, cast.adam, cast.ines):
        with pytest.raises(ValidationError):
            intake_services.draft_hand_over(actor=cast.ines, draft=draft, to=wrong)
    response = client.post(f"/intake/{draft.pk}/hand-over/", {"to": str(cast.alice.pk)})
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.owner_id == cast.alice.pk and draft.submitted_case_id is None
    assert client.get(f"/intake/{draft.pk}/step/1/").status_code == 404  # no longer the inspector's
    assert client.get("/intake/drafts/").status_code == 404  # nothing left that he may resume
    case = intake_services.draft_submit(actor=cast.alice, draft=draft)
    assert case.encounters.get().channel == "labour_inspection"
    from himaya.audit.models import AuditEvent

    assert AuditEvent.objects.filter(actor_id=cast.ines.pk, action="intake.draft.hand_over").exists()


def test_each_worksite_is_scored_with_the_run_and_shown_beside_its_employer(cast, scored, client) -> None:
    from himaya.prevention.models import Worksite, WorksiteRiskScore

    sites = list(WorksiteRiskScore.objects.filter(run=scored))
    staffed = Worksite.objects.filter(workers__isnull=False).distinct().count()
    assert len(sites) == staffed > 0
    assert all(s.score == sum(r["points"] for r in s.reasons) for s in sites)
    assert all(s.employer_id == s.worksite.employer_id for s in sites)
    inspection = _assigned(cast, scored)
    login(client, cast.ines)
    page = client.get(f"/prevention/inspections/{inspection.pk}/").content.decode()
    assert 'id="worksite-scores"' in page
    for site in WorksiteRiskScore.objects.filter(run=scored, employer_id=inspection.employer_id):
        assert site.worksite.site_code in page
