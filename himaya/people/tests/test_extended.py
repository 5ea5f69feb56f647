"""The extended person record: aliases, documents, nationalities, languages, estimated age, minors."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from himaya.audit.models import AuditEvent
from himaya.people.models import Person
from himaya.people.selectors import person_list
from himaya.people.services import person_add_alias, person_add_document, person_create, person_update


def test_search_finds_a_person_by_any_of_their_documents_however_written(cast) -> None:
    person = person_create(actor=cast.alice, given_name_latin="Maria", document_number="N1234567")
    person_add_document(actor=cast.alice, person=person, type="work_permit", number="WP-000-991", issuing_country="bh")
    person_create(actor=cast.alice, given_name_latin="Other", document_number="X1")
    for spelling in ("n 123-456 7", "wp000991", "WP ٠٠٠ ٩٩١"):
        assert list(person_list(actor=cast.bob, document=spelling)) == [person], spelling
    assert list(person_list(actor=cast.pete, document="WP000991")) == []


def test_search_finds_a_person_by_an_alias_or_phone_in_other_spellings(cast) -> None:
    person = person_create(actor=cast.alice, full_name_arabic="مريم", phone="+973 3312 3456")
    person_add_alias(actor=cast.alice, person=person, name="Mariam Al-Sayed")
    for name in ("mariam al-sayed", "  MARIAM   AL-SAYED"):
        assert list(person_list(actor=cast.bob, name=name)) == [person], name
    for phone in ("0097333123456", "٣٣١٢٣٤٥٦", "+973 3312-3456"):
        assert list(person_list(actor=cast.bob, phone=phone)) == [person], phone


def test_aliases_and_documents_are_encrypted_and_audited_by_name_only(cast) -> None:
    person = person_create(actor=cast.alice, given_name_latin="Maria")
    person_add_alias(actor=cast.alice, person=person, name="Secret Alias")
    person_add_document(actor=cast.alice, person=person, type="passport", number="P7777777")
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM people_personalias")
        assert "Secret" not in cursor.fetchone()[0]
        cursor.execute("SELECT number FROM people_identitydocument")
        assert "P7777777" not in cursor.fetchone()[0]
    events = AuditEvent.objects.filter(action__in=["people.alias.create", "people.document.create"])
    assert sorted(e.fields for e in events) == ["aliases", "documents"]
    assert not any("Secret" in e.detail or "P7777777" in e.detail for e in events)


def test_another_agency_cannot_add_aliases_or_documents(cast) -> None:
    person = person_create(actor=cast.alice, given_name_latin="Maria")
    from django.http import Http404

    with pytest.raises(Http404):
        person_add_alias(actor=cast.pete, person=person, name="X")
    with pytest.raises(Http404):
        person_add_document(actor=cast.pete, person=person, type="passport", number="P1")


def test_nationalities_keep_the_primary_first_and_languages_are_iso_codes(cast) -> None:
    person = person_create(
        actor=cast.alice, given_name_latin="Ana", nationality="ph", nationalities=["IN", "PH"], other_languages="EN, tl"
    )
    assert (person.nationality, person.nationalities, person.other_languages) == ("PH", "PH,IN", "en,tl")
    with pytest.raises(ValidationError):
        person_create(actor=cast.alice, given_name_latin="Ana", primary_language="english!")
    with pytest.raises(ValidationError):
        person_create(actor=cast.alice, given_name_latin="Ana", nationalities="Philippines")


def test_a_person_is_a_minor_by_date_of_birth_or_estimated_year(cast) -> None:
    on = dt.date(2026, 6, 1)
    child = person_create(actor=cast.alice, given_name_latin="A", date_of_birth=dt.date(2008, 6, 2))
    adult = person_create(actor=cast.alice, given_name_latin="B", date_of_birth=dt.date(2008, 6, 1))
    estimated = person_create(actor=cast.alice, given_name_latin="C", birth_year="2009", birth_year_estimated=True)
    unknown = person_create(actor=cast.alice, given_name_latin="D")
    assert child.is_minor(on=on) and not adult.is_minor(on=on)
    assert estimated.is_minor(on=on) and not unknown.is_minor(on=on)
    with pytest.raises(ValidationError):
        person_create(actor=cast.alice, given_name_latin="E", date_of_birth=dt.date(2000, 1, 1), birth_year="2000")


def test_guardian_best_interest_and_address_are_stored_encrypted(cast) -> None:
    person = person_create(actor=cast.alice, given_name_latin="A", birth_year="2012")
    person_update(
        actor=cast.alice,
        person=person,
        guardian_name="Uncle Ravi",
        best_interest_note="Wants to return home",
        address="Flat 3, Road 12",
    )
    stored = Person.objects.get(pk=person.pk)
    assert (stored.guardian_name, stored.address) == ("Uncle Ravi", "Flat 3, Road 12")
    with connection.cursor() as cursor:
        cursor.execute("SELECT guardian_name, address FROM people_person WHERE id = %s", [person.pk])
        assert not any("Ravi" in v or "Road" in v for v in cursor.fetchone())
    event = AuditEvent.objects.filter(action="people.person.update").get()
    assert event.fields == "address,best_interest_note,guardian_name"


def test_the_record_page_shows_documents_aliases_and_the_minor_flag(cast) -> None:
    from django.conf import settings
    from django.test import Client
    from django.urls import reverse

    from himaya.accounts.testing import login

    person = person_create(actor=cast.alice, given_name_latin="Amal", birth_year="2014", birth_year_estimated=True)
    person_add_document(actor=cast.alice, person=person, type="passport", number="P5550001", issuing_country="LK")
    person_add_alias(actor=cast.alice, person=person, name="Amala")
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    login(client, cast.bob)
    page = client.get(reverse("people:detail", args=[person.pk])).content.decode()
    assert "P5550001" in page and "Amala" in page and 'id="person-minor"' in page
    assert "Born about 2014 (estimate)" in page


def _page_client(user):  # type: ignore[no-untyped-def]
    from django.conf import settings
    from django.test import Client

    from himaya.accounts.testing import login

    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    login(client, user)
    return client


def test_documents_and_aliases_are_added_from_the_record_page(cast) -> None:
    from django.urls import reverse

    person = person_create(actor=cast.alice, given_name_latin="Maria")
    client = _page_client(cast.bob)
    url = reverse("people:document_add", args=[person.pk])
    assert client.post(url, {"type": "passport", "number": "EC-1234 567", "issuing_country": "PH"}).status_code == 302
    assert client.post(reverse("people:alias_add", args=[person.pk]), {"name": "Mary"}).status_code == 302
    assert list(person_list(actor=cast.bob, document="ec1234567")) == [person]
    assert list(person_list(actor=cast.bob, name="MARY")) == [person]
    refused = client.post(url, {"type": "passport", "number": "--"})
    assert refused.status_code == 400 and "Enter the document number." in refused.content.decode()
    assert person.documents.count() == 1


def test_the_edit_form_saves_the_extended_details(cast) -> None:
    from django.urls import reverse

    person = person_create(actor=cast.alice, given_name_latin="Maria", nationality="PH")
    client = _page_client(cast.bob)
    assert client.get(reverse("people:edit", args=[person.pk])).status_code == 200
    response = client.post(
        reverse("people:edit", args=[person.pk]),
        {
            "given_name_latin": "Maria",
            "gender": "Feminine",
            "nationality": "PH",
            "other_nationalities": ["ES"],
            "birth_year": "2010",
            "birth_year_estimated": "on",
            "primary_language": "tl",
            "other_languages": ["en"],
            "guardian_name": "Aunt Rosa",
        },
    )
    assert response.status_code == 302
    person.refresh_from_db()
    assert (person.nationalities, person.birth_year, person.primary_language) == ("PH,ES", "2010", "tl")
    assert person.birth_year_estimated and person.guardian_name == "Aunt Rosa" and person.is_minor()
    both = client.post(
        reverse("people:edit", args=[person.pk]),
        {"given_name_latin": "Maria", "gender": "Feminine", "birth_year": "2010", "date_of_birth": "2010-01-01"},
    )
    assert both.status_code == 400
    assert "either the date of birth or an estimated year of birth" in both.content.decode()


def test_the_migration_fills_name_indexes_of_people_recorded_before_them(cast) -> None:
    import importlib

    from django.apps import apps

    person = person_create(actor=cast.alice, given_name_latin="Old", family_name_latin="Record")
    Person.objects.filter(pk=person.pk).update(name_latin_index="", name_arabic_index="")
    assert list(person_list(actor=cast.bob, name="old record")) == []
    importlib.import_module("himaya.people.migrations.0003_fill_name_indexes").fill(apps, None)
    assert list(person_list(actor=cast.bob, name="old record")) == [person]


def test_the_api_records_extended_details_and_searches_by_name(cast) -> None:
    import json

    client = _page_client(cast.alice)
    body = {
        "given_name_latin": "Joy",
        "family_name_latin": "Reyes",
        "nationality": "PH",
        "nationalities": "ph,es",
        "birth_year": "2011",
        "birth_year_estimated": True,
        "other_languages": "en,tl",
    }
    created = client.post("/api/v1/people/", json.dumps(body), content_type="application/json")
    assert created.status_code == 201, created.content
    data = created.json()
    assert (data["nationalities"], data["birth_year"], data["other_languages"]) == ("PH,ES", "2011", "en,tl")
    found = client.get("/api/v1/people/", {"name": "joy  reyes"}).json()
    assert [row["id"] for row in found["results"]] == [data["id"]]
    bad = client.post(
        "/api/v1/people/", json.dumps({"given_name_latin": "X", "birth_year": "20x1"}), content_type="application/json"
    )
    assert bad.status_code == 400
