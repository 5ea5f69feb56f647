"""Encrypted model fields: what the database holds, what the application reads, what SQL refuses."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from hypothesis import given
from hypothesis import strategies as st

from himaya.core.crypto import DecryptionError, get_keyring
from himaya.core.fields import EncryptedLookupError, blind_index_for
from himaya.people.models import Person
from himaya.people.selectors import person_list
from himaya.people.services import person_create

# Distinctive values: none of them may appear anywhere in a database dump.
ALICE_PERSON = {
    "given_name_latin": "Rosalinda",
    "family_name_latin": "Quisumbing-Dagohoy",
    "full_name_arabic": "روزاليندا كيسومبينغ",
    "date_of_birth": dt.date(1987, 11, 23),
    "document_number": "P7719046Q",
    "phone": "+973 3987 1542",
}
SECRETS = [
    "Rosalinda",
    "ROSALINDA",
    "Quisumbing",
    "Dagohoy",
    "روزاليندا",
    "كيسومبينغ",
    "1987-11-23",
    "23/11/1987",
    "19871123",
    "P7719046Q",
    "7719046",
    "+97339871542",
    "39871542",
    "3987 1542",
]


def _raw(pk: int, column: str) -> Any:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {connection.ops.quote_name(column)} FROM people_person WHERE id = %s", [pk])  # noqa: S608
        return cursor.fetchone()[0]


def _write_raw(pk: int, column: str, value: Any) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE people_person SET {connection.ops.quote_name(column)} = %s WHERE id = %s", [value, pk])  # noqa: S608


def _dump() -> str:
    """Every row of every table as text, as someone holding a database dump would see it."""
    if connection.vendor == "sqlite":
        return "\n".join(connection.connection.iterdump())
    parts = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            quoted = connection.ops.quote_name(table)
            parts.append(f"-- {table}")
            cursor.execute(f"SELECT t::text FROM {quoted} AS t")  # noqa: S608
            parts.extend(row[0] for row in cursor.fetchall())
    return "\n".join(parts)


def _person(cast: Any, **values: Any) -> Person:
    return Person.objects.create(owner_agency=cast.agencies["epc"], created_by=cast.alice, **values)


@pytest.mark.django_db
def test_a_database_dump_holds_no_readable_personal_value(cast: Any) -> None:
    person = person_create(actor=cast.alice, **ALICE_PERSON)
    person_create(actor=cast.alice, given_name_latin="Rosalinda", phone="٣٣١٢٣٤٥٦", document_number="n 771-9046 q")
    dump = _dump()
    assert "people_person" in dump and _raw(person.pk, "phone") in dump  # the dump did see the rows
    leaked = [value for value in SECRETS if value.lower() in dump.lower()]
    assert leaked == []
    # … while the application reads them back.
    again = Person.objects.get(pk=person.pk)
    assert again.given_name_latin == "Rosalinda"
    assert again.date_of_birth == dt.date(1987, 11, 23)
    assert again.phone == "+97339871542"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "values",
    [
        {"given_name_latin": "Maria", "family_name_latin": "Santos"},
        {"full_name_arabic": "فاطمة الزهراء بنت محمد آل خليفة"},
        {"given_name_latin": "Priya 🙏🏽 👩‍👧 Devi"},
        {"full_name_arabic": "ن" * 5000, "given_name_latin": "L" * 20_000},
        {"date_of_birth": dt.date(2001, 2, 28), "given_name_latin": "Ana"},
        {"date_of_birth": dt.date(1, 1, 1), "given_name_latin": "Zero"},
    ],
)
def test_it_round_trips_values_through_the_database(cast: Any, values: dict[str, Any]) -> None:
    person = _person(cast, **values)
    again = Person.objects.get(pk=person.pk)
    for name, value in values.items():
        assert getattr(again, name) == value
        raw = _raw(person.pk, name)
        assert raw.startswith("hx1.")
        assert str(value) not in raw


@pytest.mark.django_db
def test_empty_values_stay_empty_and_null_dates_stay_null(cast: Any) -> None:
    person = _person(cast, given_name_latin="Maria")
    again = Person.objects.get(pk=person.pk)
    assert again.phone == ""
    assert again.date_of_birth is None
    assert _raw(person.pk, "phone") == ""
    assert _raw(person.pk, "date_of_birth") is None
    assert again.phone_index == ""


@pytest.mark.django_db
def test_a_value_moved_to_another_column_does_not_decrypt(cast: Any) -> None:
    person = _person(cast, given_name_latin="Maria", family_name_latin="Santos")
    _write_raw(person.pk, "family_name_latin", _raw(person.pk, "given_name_latin"))
    with pytest.raises(DecryptionError):
        Person.objects.get(pk=person.pk)


@pytest.mark.django_db
def test_a_tampered_value_in_the_database_does_not_decrypt(cast: Any) -> None:
    person = _person(cast, phone="+97333123456")
    token = _raw(person.pk, "phone")
    body = token.split(".", 2)[2]
    # Change one base64 character in the middle of the ciphertext.
    i = len(body) // 2
    tampered = token[: -len(body)] + body[:i] + ("A" if body[i] != "A" else "B") + body[i + 1 :]
    _write_raw(person.pk, "phone", tampered)
    with pytest.raises(DecryptionError):
        Person.objects.get(pk=person.pk)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("lookup", "value"),
    [
        ("phone", "+97333123456"),
        ("phone__exact", "+97333123456"),
        ("given_name_latin__icontains", "mar"),
        ("given_name_latin__contains", "Mar"),
        ("given_name_latin__startswith", "M"),
        ("given_name_latin__in", ["Maria"]),
        ("date_of_birth__gt", dt.date(2000, 1, 1)),
        ("date_of_birth__year", 1990),
        ("document_number__iexact", "n1"),
    ],
)
def test_it_refuses_sql_lookups_on_ciphertext(cast: Any, lookup: str, value: Any) -> None:
    with pytest.raises(EncryptedLookupError, match="encrypted"):
        Person.objects.filter(**{lookup: value})


@pytest.mark.django_db
def test_the_refusal_points_to_the_blind_index() -> None:
    with pytest.raises(EncryptedLookupError, match="phone_index"):
        Person.objects.filter(phone="+97333123456")
    with pytest.raises(EncryptedLookupError, match="no blind index"):
        Person.objects.filter(given_name_latin="Maria")


@pytest.mark.django_db
def test_it_allows_isnull_and_empty_lookups(cast: Any) -> None:
    with_phone = _person(cast, given_name_latin="A", phone="+97333123456", date_of_birth=dt.date(1990, 1, 1))
    without = _person(cast, given_name_latin="B")
    assert list(Person.objects.filter(phone="")) == [without]
    assert list(Person.objects.exclude(phone="")) == [with_phone]
    assert list(Person.objects.filter(date_of_birth__isnull=True)) == [without]
    assert list(Person.objects.filter(date_of_birth=None)) == [without]


@pytest.mark.django_db
def test_blind_index_search_finds_every_spelling(cast: Any) -> None:
    person = person_create(
        actor=cast.alice, given_name_latin="Maria", phone="+973 3312-3456", document_number="N1234567"
    )
    for phone in ("+973 3312-3456", "0097333123456", "٣٣١٢٣٤٥٦"):
        assert list(person_list(actor=cast.alice, phone=phone)) == [person], phone
    for document in ("n 123-456 7", "N1234567"):
        assert list(person_list(actor=cast.alice, document=document)) == [person], document
    assert list(person_list(actor=cast.alice, document="N1234568")) == []


@pytest.mark.django_db
def test_blind_index_follows_a_changed_value(cast: Any) -> None:
    person = _person(cast, given_name_latin="A", phone="+97333123456")
    person.phone = "+97339000000"
    person.save()
    assert person.phone_index == blind_index_for(Person, "phone_index", "+97339000000")
    person.phone = ""
    person.save()
    assert _raw(person.pk, "phone_index") == ""


@pytest.mark.django_db
def test_document_and_phone_indexes_differ_for_the_same_digits(cast: Any) -> None:
    # Different purposes: a phone number's index cannot be matched against document numbers.
    assert blind_index_for(Person, "phone_index", "33123456") != blind_index_for(
        Person, "document_number_index", "+97333123456"
    )
    keyring = get_keyring()
    assert keyring.blind_index("97333123456", purpose="phone") != keyring.blind_index("97333123456", purpose="document")


@given(st.text(max_size=300))
def test_an_encrypted_text_field_gives_back_what_it_was_given(value: str) -> None:
    field = Person._meta.get_field("full_name_arabic")
    stored = field.get_prep_value(value)
    assert value == "" or stored.startswith("hx1.")
    assert field.from_db_value(stored, None, connection) == value


@given(st.dates() | st.none())
def test_an_encrypted_date_field_gives_back_what_it_was_given(value: dt.date | None) -> None:
    field = Person._meta.get_field("date_of_birth")
    stored = field.get_prep_value(value)
    assert value is None or value.isoformat() not in stored
    assert field.from_db_value(stored, None, connection) == value
