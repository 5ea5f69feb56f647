"""Who sees and does what at the training centre.

- The catalogue (courses, sessions) is every signed-in user's to read; the public catalogue and
  verification pages read through `selectors` without an actor, showing only published fields.
- Training officers (the centre's staff) run everything: courses, sessions, rosters, certificates.
- Trainers see the sessions they train and record attendance and supervised deliveries there
  (`deliver`).
- Agency administrators (including a partner country's) nominate their own agency's staff and
  see their nominations and certificates; they cannot touch another agency's.
- Every participant sees their own nominations and certificates and takes their own tests and
  evaluations (`take`).
- Optional jurisdiction policy (`settings.HIMAYA_TRAINING_REQUIRE_FIRST_RESPONDER_CERTIFICATE`,
  off by default): recording screenings (`screen` on Case) and deciding (`decide` on Case) need a
  valid certificate of a course that `qualifies_first_responder`. It is a `condition` in the
  policy: the screening and case code keep asking the policy, not this app.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from himaya.access.policy import CHANGE, VIEW, condition, creator, permission, personal, rule
from himaya.accounts.roles import Role
from himaya.cases.models import Case
from himaya.cases.rules import DECIDE, SCREEN
from himaya.training.models import Assessment, Certificate, Course, Nomination, Session

DELIVER = "deliver"
TAKE = "take"
OFFICER = [Role.TRAINING_OFFICER]


def _every_row() -> Q:
    # Not Q(): an empty Q vanishes when OR-ed with another rule's Q (Q() | Q(x) == Q(x)).
    return Q(pk__isnull=False)


personal(Certificate, ("holder_name", "participant"))
personal(Assessment, ("score", "answers"))

permission("training.manage", roles=OFFICER)
# Aggregate coverage figures (no names): the centre, national coordinators and analysts.
permission("training.coverage", roles=[Role.TRAINING_OFFICER, Role.NRM_COORDINATOR, Role.ANALYST])
permission("training.nominate", roles=[Role.AGENCY_ADMIN, Role.TRAINING_OFFICER])
creator(Course, roles=OFFICER)
creator(Session, roles=OFFICER)


def _nominates_own_agency(actor: Any, *, participant: Any = None, **_: Any) -> bool:
    if actor.has_role(Role.TRAINING_OFFICER):
        return True
    return participant is None or participant.agency_id == actor.agency_id


creator(Nomination, roles=[Role.AGENCY_ADMIN, Role.TRAINING_OFFICER], check=_nominates_own_agency)


@rule(Course, VIEW)
def catalogue_is_for_everyone(actor: Any) -> Q:
    return _every_row()


@rule(Course, CHANGE, roles=OFFICER)
def officers_edit_courses(actor: Any) -> Q:
    return _every_row()


@rule(Session, VIEW)
def sessions_are_for_everyone(actor: Any) -> Q:
    return _every_row()


@rule(Session, CHANGE, DELIVER, roles=OFFICER)
def officers_run_sessions(actor: Any) -> Q:
    return _every_row()


def _trains(actor: Any, session_ref: str) -> Q:
    # Exists, not a join: a join through the trainers would repeat a session once per trainer.
    through = Session.trainers.through.objects.filter(session_id=OuterRef(session_ref), user_id=actor.pk)
    return Q(Exists(through))


@rule(Session, VIEW, DELIVER, roles=[Role.TRAINER])
def trainers_deliver_their_sessions(actor: Any) -> Q:
    return _trains(actor, "pk")


@rule(Nomination, VIEW, CHANGE, DELIVER, roles=OFFICER)
def officers_see_every_nomination(actor: Any) -> Q:
    return _every_row()


@rule(Nomination, VIEW, DELIVER, roles=[Role.TRAINER])
def trainers_see_their_participants(actor: Any) -> Q:
    return _trains(actor, "session_id")


@rule(Nomination, VIEW, CHANGE, roles=[Role.AGENCY_ADMIN])
def admins_see_their_agencys_nominations(actor: Any) -> Q:
    return Q(agency_id=actor.agency_id)


@rule(Nomination, VIEW, TAKE)
def participants_see_their_own(actor: Any) -> Q:
    return Q(participant_id=actor.pk)


@rule(Assessment, VIEW)
def assessments_follow_nominations(actor: Any) -> Q:
    from himaya.access import policy

    return Q(nomination__in=policy.visible(actor, Nomination).values("pk"))


@rule(Certificate, VIEW, CHANGE, roles=OFFICER)
def officers_see_every_certificate(actor: Any) -> Q:
    return _every_row()


@rule(Certificate, VIEW, roles=[Role.AGENCY_ADMIN])
def admins_see_their_agencys_certificates(actor: Any) -> Q:
    return Q(nomination__agency_id=actor.agency_id)


@rule(Certificate, VIEW)
def holders_see_their_certificates(actor: Any) -> Q:
    return Q(participant_id=actor.pk)


# --- optional jurisdiction policy ---------------------------------------------------------------


def first_responder_certificate_required() -> bool:
    return bool(getattr(settings, "HIMAYA_TRAINING_REQUIRE_FIRST_RESPONDER_CERTIFICATE", False))


def holds_first_responder_certificate(actor: Any) -> bool:
    """A valid (issued, unexpired, unrevoked) certificate of a first-responder-qualifying course."""
    return Certificate.objects.filter(
        participant_id=actor.pk,
        course__qualifies_first_responder=True,
        revoked_at__isnull=True,
        expires_on__gte=timezone.localdate(),
    ).exists()


def _qualified_if_required(actor: Any) -> bool:
    return not first_responder_certificate_required() or holds_first_responder_certificate(actor)


condition(Case, SCREEN, DECIDE, check=_qualified_if_required)
