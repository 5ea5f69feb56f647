"""Consent per purpose and recipient, and what it opens: embassies see their nationals only with it."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404

from himaya.access import policy
from himaya.accounts.testing import login
from himaya.audit.models import AuditEvent
from himaya.cases.models import Case, TimelineEntry
from himaya.consent.models import Consent, Purpose
from himaya.consent.selectors import consent_active, consents_for
from himaya.consent.services import consent_record, consent_withdraw
from himaya.people.models import Person

pytestmark = pytest.mark.django_db

POINTS = {
    "explained_purpose": "on",
    "explained_use": "on",
    "explained_research": "on",
    "explained_access": "on",
    "explained_retention": "on",
    "explained_withdrawal": "on",
}


def share_with_embassy(cast, case, recipient=None, given=True):
    return consent_record(
        actor=cast.bob,
        person=case.person,
        case=case,
        purpose=Purpose.SHARE_EMBASSY,
        recipient_agency=recipient,
        given=given,
        language="hi",
    )


def test_an_embassy_sees_its_national_only_with_consent(cast, client, national_case) -> None:
    case = national_case("IN")
    login(client, cast.emil)
    assert client.get(f"/people/{case.person_id}/").status_code == 404
    assert not policy.can(cast.emil, policy.VIEW, case)
    share_with_embassy(cast, case, recipient=cast.agencies["embassy_in"])
    assert client.get(f"/people/{case.person_id}/").status_code == 200
    assert policy.can(cast.emil, policy.VIEW, case)
    assert policy.visible(cast.emil, Case).filter(pk=case.pk).exists()
    # Seeing is not changing.
    assert not policy.can(cast.emil, policy.CHANGE, case.person)


def test_a_consent_naming_no_recipient_covers_the_embassy(cast, national_case) -> None:
    case = national_case("IN")
    share_with_embassy(cast, case, recipient=None)
    assert policy.can(cast.emil, policy.VIEW, case.person)


def test_an_embassy_never_sees_another_countrys_national(cast, national_case) -> None:
    case = national_case("PH")
    share_with_embassy(cast, case, recipient=None)
    assert not policy.can(cast.emil, policy.VIEW, case.person)
    assert not policy.can(cast.emil, policy.VIEW, case)


def test_a_consent_naming_another_embassy_does_not_open_the_record(cast, national_case) -> None:
    case = national_case("IN")
    share_with_embassy(cast, case, recipient=cast.agencies["embassy_ph"])
    assert not policy.can(cast.emil, policy.VIEW, case.person)
    assert not policy.can(cast.emil, policy.VIEW, case)


def test_a_refusal_or_another_purpose_does_not_open_the_record(cast, national_case) -> None:
    case = national_case("IN")
    share_with_embassy(cast, case, given=False)
    consent_record(actor=cast.bob, person=case.person, purpose=Purpose.REFERRAL_TO_SERVICES, given=True, language="hi")
    assert not policy.can(cast.emil, policy.VIEW, case.person)


def test_withdrawal_revokes_access_on_the_next_request(cast, client, national_case) -> None:
    case = national_case("IN")
    consent = share_with_embassy(cast, case, recipient=cast.agencies["embassy_in"])
    login(client, cast.emil)
    assert client.get(f"/people/{case.person_id}/").status_code == 200
    consent_withdraw(actor=cast.bob, consent=consent)
    assert client.get(f"/people/{case.person_id}/").status_code == 404
    assert client.get(f"/consent/person/{case.person_id}/").status_code == 404
    assert not policy.can(cast.emil, policy.VIEW, case)


def test_consent_active_reads_purpose_recipient_and_withdrawal(cast, national_case) -> None:
    case = national_case("IN")
    person, epc, police = case.person, cast.agencies["epc"], cast.agencies["police"]
    assert not consent_active(person=person, purpose=Purpose.SHARE_LAW_ENFORCEMENT)
    named = consent_record(
        actor=cast.bob,
        person=person,
        purpose=Purpose.SHARE_LAW_ENFORCEMENT,
        recipient_agency=police,
        given=True,
        language="en",
    )
    assert consent_active(person=person, purpose=Purpose.SHARE_LAW_ENFORCEMENT, recipient_agency=police)
    assert not consent_active(person=person, purpose=Purpose.SHARE_LAW_ENFORCEMENT, recipient_agency=epc)
    assert not consent_active(person=person, purpose=Purpose.SHARE_LAW_ENFORCEMENT)
    consent_record(actor=cast.bob, person=person, purpose=Purpose.SHARE_LAW_ENFORCEMENT, given=True, language="en")
    assert consent_active(person=person.pk, purpose=Purpose.SHARE_LAW_ENFORCEMENT, recipient_agency=epc.pk)
    consent_withdraw(actor=cast.bob, consent=named)
    assert consent_active(person=person, purpose=Purpose.SHARE_LAW_ENFORCEMENT, recipient_agency=police)  # blank one


def test_a_later_refusal_supersedes_the_consent(cast, national_case) -> None:
    case = national_case("IN")
    first = share_with_embassy(cast, case, recipient=None)
    share_with_embassy(cast, case, recipient=None, given=False)
    first.refresh_from_db()
    assert first.withdrawn_at is not None
    assert not consent_active(person=case.person, purpose=Purpose.SHARE_EMBASSY)
    assert not policy.can(cast.emil, policy.VIEW, case.person)


def test_recording_is_audited_and_on_the_case_timeline(cast, national_case) -> None:
    case = national_case("IN")
    consent = share_with_embassy(cast, case)
    assert consent.explained_by == cast.bob and consent.recorded_at is not None
    assert TimelineEntry.objects.filter(case=case, kind="consent", object_id=str(consent.pk)).exists()
    event = AuditEvent.objects.get(action="consent.consent.create", object_id=str(consent.pk))
    assert event.owner_agency_id == case.person.owner_agency_id
    consent_withdraw(actor=cast.bob, consent=consent)
    assert AuditEvent.objects.filter(action="consent.consent.withdraw", object_id=str(consent.pk)).exists()


def test_bad_input_is_refused_and_changes_nothing(cast, national_case) -> None:
    case = national_case("IN")
    person = case.person
    with pytest.raises(ValidationError) as error:
        consent_record(
            actor=cast.bob,
            person=person,
            purpose="sell_data",
            given=True,
            language="english",
            retention_until=dt.date(2000, 1, 1),
        )
    assert {"purpose", "language", "retention_until"} <= set(error.value.message_dict)
    with pytest.raises(ValidationError) as error:
        consent_record(
            actor=cast.bob,
            person=person,
            purpose=Purpose.SHARE_EMBASSY,
            recipient_agency=cast.agencies["police"],
            given=True,
            language="hi",
        )
    assert "recipient_agency" in error.value.message_dict
    assert not Consent.objects.exists()


def test_only_those_who_may_change_the_person_record_or_withdraw(cast, national_case) -> None:
    case = national_case("IN")
    consent = share_with_embassy(cast, case)
    for outsider in (cast.pete, cast.emil, cast.adam):
        with pytest.raises(Http404):
            consent_record(actor=outsider, person=case.person, purpose=Purpose.SHARE_EMBASSY, given=True, language="hi")
        with pytest.raises(Http404):
            consent_withdraw(actor=outsider, consent=consent)
    with pytest.raises(ValidationError):
        consent_withdraw(actor=cast.bob, consent=consent_withdraw(actor=cast.bob, consent=consent))


def test_consent_records_are_visible_to_whoever_sees_the_person(cast, national_case) -> None:
    case = national_case("IN")
    share_with_embassy(cast, case, recipient=cast.agencies["embassy_in"])
    assert consents_for(actor=cast.emil, person=case.person).count() == 1
    with pytest.raises(Http404):
        consents_for(actor=cast.pete, person=case.person)
    assert not policy.visible(cast.pete, Consent).exists()


def test_the_page_lists_consents_and_records_only_after_every_point_is_ticked(cast, client, national_case) -> None:
    case = national_case("IN")
    login(client, cast.bob)
    client.cookies["django_language"] = "en"
    url = f"/consent/person/{case.person_id}/"
    page = client.get(url)
    assert page.status_code == 200
    assert "How long the data will be kept" in page.content.decode()
    form = {"purpose": "share_embassy", "given": "yes", "language": "hi", "recipient_agency": ""}
    missing = client.post(url, {**form, **{k: v for k, v in POINTS.items() if k != "explained_retention"}})
    assert missing.status_code == 400
    assert "Tick each point once you have explained it." in missing.content.decode()
    assert not Consent.objects.exists()
    done = client.post(url, {**form, **POINTS, "interpreter_used": "on"})
    assert done.status_code == 302
    consent = Consent.objects.get()
    assert consent.is_active and consent.interpreter_used and consent.language == "hi"
    assert "Withdraw" in client.get(url).content.decode()
    withdrawn = client.post(f"/consent/{consent.pk}/withdraw/")
    assert withdrawn.status_code == 302
    consent.refresh_from_db()
    assert consent.withdrawn_by == cast.bob


def test_the_embassy_sees_the_panel_but_cannot_record(cast, client, national_case) -> None:
    case = national_case("IN")
    consent = share_with_embassy(cast, case, recipient=cast.agencies["embassy_in"])
    login(client, cast.emil)
    url = f"/consent/person/{case.person_id}/"
    page = client.get(url)
    assert page.status_code == 200 and 'id="consent-form"' not in page.content.decode()
    assert client.post(url, {"purpose": "share_embassy", "given": "no", "language": "hi", **POINTS}).status_code == 404
    assert client.post(f"/consent/{consent.pk}/withdraw/").status_code == 404
    assert Consent.objects.get().is_active


def test_the_api_lists_records_and_withdraws(cast, client, bearer, national_case) -> None:
    case = national_case("IN")
    bob = bearer(cast.bob)
    url = f"/api/v1/people/{case.person_id}/consents/"
    body = {
        "purpose": "share_embassy",
        "given": True,
        "language": "hi",
        "case": case.pk,
        "recipient_agency": cast.agencies["embassy_in"].pk,
    }
    created = client.post(url, json.dumps(body), content_type="application/json", **bob)
    assert created.status_code == 201 and created.json()["active"] is True
    listed = client.get(url, **bob).json()["results"]
    assert [c["id"] for c in listed] == [created.json()["id"]]
    bad = client.post(url, json.dumps({**body, "language": "english!"}), content_type="application/json", **bob)
    assert bad.status_code == 400 and "language" in bad.json()["error"]["fields"]
    assert client.get(url, **bearer(cast.pete)).status_code == 404
    withdraw = f"/api/v1/consents/{created.json()['id']}/withdraw/"
    assert client.post(withdraw, **bearer(cast.emil)).status_code == 404
    done = client.post(withdraw, **bob)
    assert done.status_code == 200 and done.json()["active"] is False
    again = client.post(withdraw, **bob)
    assert again.status_code == 400
    assert Person.objects.filter(pk=case.person_id).exists()


# --- Case.embassy_share_country, the embassy rule's pre-filter (himaya.consent.sharing) -----------
def _shared(case: Case) -> str:
    return Case.objects.values_list("embassy_share_country", flat=True).get(pk=case.pk)


def _person_shared(case: Case) -> str:
    return Person.objects.values_list("embassy_share_country", flat=True).get(pk=case.person_id)


def test_the_case_carries_the_embassy_share_only_while_a_consent_is_active(cast, national_case) -> None:
    case = national_case("IN")
    assert _shared(case) == ""
    share_with_embassy(cast, case, given=False)
    assert _shared(case) == ""
    consent = share_with_embassy(cast, case, recipient=cast.agencies["embassy_in"])
    assert (_shared(case), _person_shared(case)) == ("IN", "IN")
    assert policy.visible(cast.emil, Person).filter(pk=case.person_id).exists()
    consent_record(actor=cast.bob, person=case.person, purpose=Purpose.REFERRAL_TO_SERVICES, given=True, language="hi")
    assert (_shared(case), _person_shared(case)) == ("IN", "IN")
    consent_withdraw(actor=cast.bob, consent=consent)
    assert (_shared(case), _person_shared(case)) == ("", "")
    assert not policy.visible(cast.emil, Case).filter(pk=case.pk).exists()
    assert not policy.visible(cast.emil, Person).filter(pk=case.person_id).exists()


def test_a_new_case_and_a_new_nationality_follow_the_persons_consent(cast, national_case) -> None:
    from himaya.cases.services import case_open
    from himaya.people.services import person_update

    first = national_case("IN")
    share_with_embassy(cast, first, recipient=None)
    second = case_open(
        actor=cast.alice, person=first.person, category="abuse", channel="hotline", occurred_at=first.created_at
    )
    assert _shared(second) == "IN"
    assert set(policy.visible(cast.emil, Case).values_list("pk", flat=True)) >= {first.pk, second.pk}
    person_update(actor=cast.alice, person=first.person, nationality="PH")
    assert (_shared(first), _shared(second), _person_shared(first)) == ("PH", "PH", "PH")
    assert not policy.visible(cast.emil, Case).filter(pk__in=[first.pk, second.pk]).exists()
    assert not policy.visible(cast.emil, Person).filter(pk=first.person_id).exists()


def test_saving_a_copy_loaded_before_the_consent_keeps_the_person_shared(cast, national_case) -> None:
    from himaya.people.services import person_update

    case = national_case("IN")
    loaded = Person.objects.get(pk=case.person_id)  # another request's copy, loaded before the consent
    share_with_embassy(cast, case, recipient=None)
    person_update(actor=cast.alice, person=loaded, given_name_latin="Ravi Kumar")
    assert _person_shared(case) == "IN"
    assert policy.visible(cast.emil, Person).filter(pk=case.person_id).exists()


def test_a_stale_pre_filter_never_shows_a_case_and_the_rebuild_mends_it(cast, national_case) -> None:
    from himaya.consent.sharing import embassy_share_rebuild

    hidden, shown = national_case("IN"), national_case("IN")
    consent = share_with_embassy(cast, shown, recipient=None)
    # As if a write had bypassed the services: the column says shared, no consent does.
    Case.objects.filter(pk=hidden.pk).update(embassy_share_country="IN")
    assert not policy.can(cast.emil, policy.VIEW, hidden)
    assert not policy.visible(cast.emil, Case).filter(pk=hidden.pk).exists()
    # And the other way round: the consent was withdrawn behind the column's back.
    Consent.objects.filter(pk=consent.pk).update(withdrawn_at=consent.recorded_at)
    assert not policy.visible(cast.emil, Case).filter(pk=shown.pk).exists()
    assert embassy_share_rebuild() == 3  # both cases, and the person of the withdrawn consent
    assert (_shared(hidden), _shared(shown), _person_shared(shown)) == ("", "", "")
    assert embassy_share_rebuild() == 0


def test_a_stale_person_pre_filter_never_shows_a_person_and_the_rebuild_mends_it(cast, national_case) -> None:
    from himaya.consent.sharing import embassy_share_rebuild

    hidden, shown, moved = national_case("IN"), national_case("IN"), national_case("IN")
    share_with_embassy(cast, shown, recipient=None)
    share_with_embassy(cast, moved, recipient=None)
    Person.objects.filter(pk=hidden.person_id).update(embassy_share_country="IN")  # no consent says so
    Person.objects.filter(pk=moved.person_id).update(nationality="PH")  # behind the column's back
    visible = set(policy.visible(cast.emil, Person).values_list("pk", flat=True))
    assert shown.person_id in visible and not visible & {hidden.person_id, moved.person_id}
    assert not policy.can(cast.emil, policy.VIEW, Person.objects.get(pk=hidden.person_id))
    assert embassy_share_rebuild() == 3  # hidden's person cleared; moved's person and case now PH
    assert (_person_shared(hidden), _person_shared(shown), _person_shared(moved)) == ("", "IN", "PH")
    assert embassy_share_rebuild() == 0
