import datetime as dt

import pytest

from himaya.clocks.workflow import Actor, Event, Facts, Stage, TransitionRefused, allowed_events, apply

COORD = Facts(actor=Actor.COORDINATOR, reasons="Credible account, consistent indicators.")
TODAY = dt.date(2026, 12, 31)


def test_a_consenting_adult_walks_the_whole_path() -> None:
    stage = Stage.IDENTIFICATION
    fr = Facts(actor=Actor.FIRST_RESPONDER, consent_to_refer=True)
    stage = apply(stage, Event.DOCUMENT, fr)
    stage = apply(stage, Event.REFER, fr)
    assert stage == Stage.RG_PENDING
    stage = apply(stage, Event.RG_POSITIVE, COORD)
    assert stage == Stage.RECOVERY_PERIOD
    after = Facts(actor=Actor.COORDINATOR, reasons=COORD.reasons, today=TODAY, recovery_period_ends=TODAY)
    stage = apply(stage, Event.CG_POSITIVE, after)
    stage = apply(stage, Event.RETURN_HOME, Facts(actor=Actor.CASE_WORKER))
    assert apply(stage, Event.CLOSE, Facts(actor=Actor.CASE_WORKER)) == Stage.CLOSED


@pytest.mark.parametrize(
    ("stage", "event", "facts", "code"),
    [
        (Stage.IDENTIFICATION, Event.DOCUMENT, Facts(actor=Actor.FIRST_RESPONDER), "adult_consent_required"),
        (
            Stage.IDENTIFICATION,
            Event.CONSENT_REFUSED,
            Facts(actor=Actor.FIRST_RESPONDER, is_child=True),
            "children_are_always_referred",
        ),
        (
            Stage.RG_PENDING,
            Event.RG_POSITIVE,
            Facts(actor=Actor.CASE_WORKER, reasons="x" * 20),
            "only_the_competent_authority_decides",
        ),
        (Stage.RG_PENDING, Event.RG_NEGATIVE, Facts(actor=Actor.COORDINATOR, reasons=" "), "decision_reasons_required"),
        (
            Stage.RG_NEGATIVE,
            Event.REQUEST_RECONSIDERATION,
            Facts(actor=Actor.COORDINATOR),
            "reconsideration_only_by_first_responder_or_support_provider",
        ),
        (
            Stage.RECOVERY_PERIOD,
            Event.CG_POSITIVE,
            Facts(
                actor=Actor.COORDINATOR,
                reasons="x" * 20,
                today=TODAY,
                recovery_period_ends=TODAY + dt.timedelta(days=1),
            ),
            "recovery_period_not_over",
        ),
        (Stage.IDENTIFICATION, Event.RG_POSITIVE, COORD, "transition_not_allowed"),
        (
            Stage.CLOSED,
            Event.DOCUMENT,
            Facts(actor=Actor.FIRST_RESPONDER, consent_to_refer=True),
            "transition_not_allowed",
        ),
    ],
)
def test_it_refuses_illegal_transitions_with_a_reason(stage: Stage, event: Event, facts: Facts, code: str) -> None:
    with pytest.raises(TransitionRefused) as err:
        apply(stage, event, facts)
    assert err.value.code == code


def test_children_skip_the_consent_gate() -> None:
    child = Facts(actor=Actor.FIRST_RESPONDER, is_child=True)
    assert apply(Stage.IDENTIFICATION, Event.DOCUMENT, child) == Stage.DOCUMENTATION


def test_an_adult_who_refuses_consent_becomes_an_anonymous_notification() -> None:
    assert (
        apply(Stage.IDENTIFICATION, Event.CONSENT_REFUSED, Facts(actor=Actor.FIRST_RESPONDER))
        == Stage.ANONYMOUS_NOTIFICATION
    )


@pytest.mark.parametrize(
    ("negative", "back_to"), [(Stage.RG_NEGATIVE, Stage.RG_PENDING), (Stage.CG_NEGATIVE, Stage.CG_PENDING)]
)
def test_a_reconsidered_negative_decision_goes_back_to_pending(negative: Stage, back_to: Stage) -> None:
    stage = apply(negative, Event.REQUEST_RECONSIDERATION, Facts(actor=Actor.SUPPORT_PROVIDER))
    assert stage == Stage.RECONSIDERATION
    facts = Facts(actor=Actor.COORDINATOR, reasons=COORD.reasons, reconsidering=negative)
    assert apply(stage, Event.RECONSIDERATION_ACCEPTED, facts) == back_to


def test_every_non_terminal_stage_has_a_way_forward() -> None:
    for stage in Stage:
        if stage != Stage.CLOSED:
            assert allowed_events(stage), stage
    assert allowed_events(Stage.CLOSED) == []
