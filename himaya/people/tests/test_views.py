"""People pages: need-to-know scoping, exact search on document and phone, audited reads, clear errors."""

from __future__ import annotations

from django.conf import settings
from django.test import Client
from django.urls import reverse

from himaya.accounts.testing import login
from himaya.audit.models import AuditEvent
from himaya.people.models import Person
from himaya.people.services import person_create


def _client(user) -> Client:
    """Signed in, reading English (assertions quote the English text; Arabic comes with translations)."""
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    login(client, user)
    return client


def test_another_agencys_person_is_not_found(cast) -> None:
    person = person_create(actor=cast.alice, given_name_latin="Maria")
    response = _client(cast.pete).get(reverse("people:detail", args=[person.pk]))
    assert response.status_code == 404
    assert b"Maria" not in response.content
    denial = AuditEvent.objects.filter(action="people.person.view", outcome="denied").get()
    assert (denial.actor_id, denial.object_id) == (cast.pete.pk, str(person.pk))


def test_search_by_document_finds_the_person_however_the_number_is_written(cast) -> None:
    person = person_create(actor=cast.alice, given_name_latin="Maria", document_number="N1234567")
    person_create(actor=cast.alice, given_name_latin="Other", document_number="N7654321")
    client = _client(cast.bob)
    for spelling in ("N1234567", "n 123-456 7", "N–123 456 7", " n.1234567 "):
        response = client.get(reverse("people:list"), {"document": spelling})
        assert list(response.context["page"].object_list) == [person], spelling


def test_search_by_phone_finds_the_person_with_or_without_the_country_code(cast) -> None:
    person = person_create(actor=cast.alice, given_name_latin="Maria", phone="+973 3312 3456")
    client = _client(cast.bob)
    for spelling in ("+97333123456", "0097333123456", "3312-3456"):
        response = client.get(reverse("people:list"), {"phone": spelling})
        assert list(response.context["page"].object_list) == [person], spelling


def test_search_never_reaches_another_agencys_people(cast) -> None:
    person_create(actor=cast.alice, given_name_latin="Maria", document_number="N1234567")
    response = _client(cast.pete).get(reverse("people:list"), {"document": "N1234567"})
    assert response.status_code == 200
    assert list(response.context["page"].object_list) == []
    assert "Nobody you may see has this document number, phone number or name" in response.content.decode()


def test_the_list_finds_an_exact_name_in_either_script(cast) -> None:
    person = person_create(actor=cast.alice, given_name_latin="Maria", family_name_latin="Santos")
    arabic = person_create(actor=cast.alice, full_name_arabic="فاطمة أحمد")
    client = _client(cast.bob)
    for term, expected in (("  maria   SANTOS ", person), ("فاطمه احمد", arabic)):
        response = client.get(reverse("people:list"), {"name": term})
        assert list(response.context["page"].object_list) == [expected], term
    assert list(client.get(reverse("people:list"), {"name": "Maria"}).context["page"].object_list) == []


def test_the_list_audits_the_ids_it_shows_and_never_the_values(cast) -> None:
    maria = person_create(actor=cast.alice, given_name_latin="Maria", document_number="N1234567")
    rina = person_create(actor=cast.alice, given_name_latin="Rina")
    _client(cast.bob).get(reverse("people:list"))
    event = AuditEvent.objects.get(action="people.person.list", actor_id=cast.bob.pk)
    assert set(event.detail.removeprefix("ids:").split(",")) == {str(maria.pk), str(rina.pk)}
    assert "Maria" not in event.detail and "N1234567" not in event.detail
    assert "document_number" in event.fields


def test_the_list_stops_counting_at_its_cap_and_says_to_search(cast, monkeypatch) -> None:
    from himaya.people import views

    monkeypatch.setattr(views, "LIST_CAP", 2)
    people = [person_create(actor=cast.alice, given_name_latin=name) for name in ("Ana", "Bea", "Cruz")]
    response = _client(cast.bob).get(reverse("people:list"))
    assert list(response.context["page"].object_list) == [people[2], people[1]]  # the newest two
    assert b'id="people-capped"' in response.content
    response = _client(cast.bob).get(reverse("people:list"), {"name": "Ana"})
    assert list(response.context["page"].object_list) == [people[0]]
    assert b'id="people-capped"' not in response.content


def test_opening_a_record_is_audited_as_a_read(cast) -> None:
    person = person_create(actor=cast.alice, given_name_latin="Maria")
    response = _client(cast.bob).get(reverse("people:detail", args=[person.pk]))
    assert response.status_code == 200 and "Maria" in response.content.decode()
    event = AuditEvent.objects.get(action="people.person.view", actor_id=cast.bob.pk)
    assert (event.outcome, event.object_id, event.owner_agency_id) == ("ok", str(person.pk), cast.alice.agency_id)


def test_recording_a_person_saves_it_for_the_users_agency(cast) -> None:
    response = _client(cast.pete).post(
        reverse("people:create"),
        {"given_name_latin": "Ana", "gender": "Feminine", "nationality": "PH", "phone": "+63 917 123 4567"},
    )
    person = Person.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("people:detail", args=[person.pk])
    assert person.owner_agency == cast.agencies["police"]
    assert (person.given_name_latin, person.nationality, person.phone) == ("Ana", "PH", "+639171234567")
    assert AuditEvent.objects.filter(action="people.person.create", object_id=str(person.pk)).exists()


def test_a_person_without_any_name_is_refused_with_a_clear_error(cast) -> None:
    response = _client(cast.alice).post(reverse("people:create"), {"gender": "Feminine", "document_number": "N1"})
    assert response.status_code == 400
    assert "Give at least one name, in Arabic or Latin script." in response.content.decode()
    assert not Person.objects.exists()


def test_a_bad_phone_number_is_shown_beside_the_field_not_a_500(cast) -> None:
    response = _client(cast.alice).post(
        reverse("people:create"), {"given_name_latin": "Ana", "gender": "Feminine", "phone": "12"}
    )
    assert response.status_code == 400
    assert response.context["form"].errors["phone"] == [
        "Enter a phone number with its country code, e.g. +973 3312 3456."
    ]
    assert not Person.objects.exists()


def test_a_future_date_of_birth_is_refused(cast) -> None:
    response = _client(cast.alice).post(
        reverse("people:create"), {"given_name_latin": "Ana", "gender": "Feminine", "date_of_birth": "2999-01-01"}
    )
    assert response.status_code == 400
    assert not Person.objects.exists()


def test_editing_saves_and_audits_only_the_changed_field_names(cast) -> None:
    person = person_create(actor=cast.alice, given_name_latin="Maria", document_number="N1234567")
    client = _client(cast.bob)
    assert client.get(reverse("people:edit", args=[person.pk])).status_code == 200
    response = client.post(
        reverse("people:edit", args=[person.pk]),
        {
            "given_name_latin": "Maria",
            "family_name_latin": "Santos",
            "gender": "Feminine",
            "document_number": "N1234567",
        },
    )
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.family_name_latin == "Santos"
    event = AuditEvent.objects.get(action="people.person.update")
    assert set(event.fields.split(",")) == {"family_name_latin", "gender"}
    assert "Santos" not in event.detail


def test_another_agency_cannot_edit_and_nothing_changes(cast) -> None:
    person = person_create(actor=cast.alice, given_name_latin="Maria")
    response = _client(cast.pete).post(
        reverse("people:edit", args=[person.pk]), {"given_name_latin": "Hacked", "gender": "Feminine"}
    )
    assert response.status_code == 404
    person.refresh_from_db()
    assert person.given_name_latin == "Maria"


def test_roles_without_need_to_know_have_no_people_pages(cast) -> None:
    person = person_create(actor=cast.alice, given_name_latin="Maria")
    for name in ("adam", "audrey", "dora", "sysop"):
        client = _client(cast.users[name])
        assert client.get(reverse("people:list")).status_code == 404, name
        assert client.get(reverse("people:detail", args=[person.pk])).status_code == 404, name
        assert client.get(reverse("people:create")).status_code == 404, name
