"""The policy's core guarantees: default deny, scope by agency, 404 outside scope, audited reads."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404

from himaya.access import policy
from himaya.audit.models import AuditEvent
from himaya.people.models import Person
from himaya.people.services import person_create
from himaya.testing import make_cast


@pytest.fixture
def world(db):
    cast = make_cast(mfa=False)
    epc_person = person_create(actor=cast.alice, given_name_latin="Maria", document_number="P1234567")
    police_person = person_create(actor=cast.pete, given_name_latin="Rina", phone="+97333123456")
    return cast, epc_person, police_person


def test_it_denies_by_default_for_models_without_rules(world) -> None:
    cast, *_ = world
    from himaya.access.models import BreakGlassGrant

    assert policy.scope_q(cast.alice, BreakGlassGrant) is None
    assert list(policy.visible(cast.sysop, BreakGlassGrant)) == []


def test_it_sees_nothing_when_anonymous_or_deactivated(world) -> None:
    cast, *_ = world
    assert list(policy.visible(AnonymousUser(), Person)) == []
    assert list(policy.visible(None, Person)) == []
    assert list(policy.visible(cast.gone, Person)) == []


def test_it_scopes_people_to_the_owning_agency(world) -> None:
    cast, epc_person, police_person = world
    assert list(policy.visible(cast.bob, Person)) == [epc_person]
    assert list(policy.visible(cast.pete, Person)) == [police_person]


def test_roles_without_need_to_know_see_no_personal_data(world) -> None:
    cast, *_ = world
    for name in ("adam", "audrey", "dora", "sysop"):
        assert not policy.visible(cast.users[name], Person).exists(), name


def test_it_answers_404_and_audits_the_denial_outside_scope(world) -> None:
    cast, _, police_person = world
    with pytest.raises(Http404):
        policy.get_for(cast.alice, Person, police_person.pk)
    event = AuditEvent.objects.order_by("-seq").first()
    assert event is not None
    assert (event.action, event.outcome, event.object_id) == ("people.person.view", "denied", str(police_person.pk))


def test_it_audits_a_read_with_field_names_not_values(world) -> None:
    cast, epc_person, _ = world
    policy.get_for(cast.bob, Person, epc_person.pk)
    event = AuditEvent.objects.order_by("-seq").first()
    assert event is not None
    assert event.action == "people.person.view"
    assert event.outcome == "ok"
    assert "document_number" in event.fields
    assert "P1234567" not in f"{event.fields}{event.detail}"


def test_a_garbage_primary_key_is_a_404_not_a_500(world) -> None:
    cast, *_ = world
    with pytest.raises(Http404):
        policy.get_for(cast.bob, Person, "not-a-number")


def test_change_requires_a_change_rule(world) -> None:
    cast, epc_person, _ = world
    assert policy.can(cast.bob, policy.CHANGE, epc_person)
    assert not policy.can(cast.pete, policy.CHANGE, epc_person)
    with pytest.raises(Http404):
        policy.require(cast.pete, policy.CHANGE, epc_person)


def test_only_declared_roles_may_create(world) -> None:
    cast, *_ = world
    assert policy.can_create(cast.alice, Person)
    assert not policy.can_create(cast.adam, Person)
    assert not policy.can_create(cast.gone, Person)


def test_permissions_are_declared_per_role(world) -> None:
    cast, *_ = world
    assert policy.has_permission(cast.audrey, "audit.browse")
    assert not policy.has_permission(cast.alice, "audit.browse")
    assert not policy.has_permission(cast.audrey, "no.such.permission")


def test_a_narrowing_term_already_in_the_scope_union_stands_alone() -> None:
    from django.db.models import Q

    mine, theirs = Q(to_agency_id=9), Q(from_agency_id=9)
    assert policy._absorbs(theirs | mine, mine)  # (A or B) and A is A
    assert policy._absorbs((theirs | Q(pk__in=[1])) | mine, mine)  # any union holding the term
    assert policy._absorbs(mine, mine)
    assert not policy._absorbs(theirs | Q(to_agency_id=8), mine)  # another agency's term
    assert not policy._absorbs(theirs & mine, mine)  # an intersection keeps both
    assert not policy._absorbs(~(theirs | mine), mine)  # nor may a negated union be dropped
    assert not policy._absorbs(theirs | Q(to_agency_id=9, state="sent"), mine)  # a narrower term is not it
