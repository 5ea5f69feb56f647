"""Normalisation before blind indexing: spellings of one identifier give one form."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from himaya.core import normalise


@pytest.mark.parametrize(
    "written",
    [
        "+973 3312-3456",
        "0097333123456",
        "٣٣١٢٣٤٥٦",  # Arabic-Indic digits, local number
        "۳۳۱۲۳۴۵۶",  # Persian digits
        "+٩٧٣ ٣٣١٢ ٣٤٥٦",
        "\u200f+973 3312 3456\u200f",  # right-to-left marks from copy-pasted Arabic text
        "(+973) 33 12 34 56",
        "３３１２３４５６",  # full-width digits
        "33123456",
    ],
)
def test_it_writes_every_spelling_of_a_bahraini_mobile_as_e164(written: str) -> None:
    assert normalise.phone_e164(written, "BH") == "+97333123456"


def test_it_reads_south_asian_digits_in_foreign_numbers() -> None:
    # A worker's home number written in Devanagari or Bengali digits.
    assert normalise.phone_e164("+९१ ९८७६५ ४३२१०") == "+919876543210"
    assert normalise.phone_e164("+৮৮০ ১৭১২ ৩৪৫৬৭৮") == "+8801712345678"


@pytest.mark.parametrize("junk", ["", "   ", "abc", "12", "+", "call me"])
def test_it_gives_no_phone_for_what_is_not_a_phone_number(junk: str) -> None:
    assert normalise.phone_e164(junk) == ""


@pytest.mark.parametrize(
    "written",
    [
        "n 123-456 7",
        "N1234567",
        "N-1234567",
        "n.123.456.7",
        "N–123—456 7",
        "N\u200f1234567",
        "Ｎ１２３４５６７",
        "N１٢٣4567",
    ],
)
def test_it_writes_every_spelling_of_a_passport_number_the_same(written: str) -> None:
    assert normalise.document_number(written) == "N1234567"


def test_it_keeps_different_document_numbers_apart() -> None:
    assert normalise.document_number("N1234567") != normalise.document_number("N1234568")
    assert normalise.document_number("O1234567") != normalise.document_number("01234567")


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("مُحَمَّد", "محمد"),
        ("أحمد", "احمد"),
        ("فاطمة", "فاطمه"),
        ("مصطفى", "مصطفي"),
        ("محـــمد", "محمد"),
        ("José  GARCÍA ", "jose garcia"),
        ("Straße", "STRASSE"),
    ],
)
def test_it_folds_spelling_variants_of_names(a: str, b: str) -> None:
    assert normalise.text(a) == normalise.text(b)


def test_it_keeps_different_names_apart() -> None:
    assert normalise.text("محمد") != normalise.text("أحمد")
    assert normalise.text("Maria") != normalise.text("Mario")


def test_it_normalises_email_case_and_spacing() -> None:
    assert normalise.email("  Maria.Santos@Example.ORG ") == "maria.santos@example.org"


@given(st.text(max_size=80))
def test_document_normalisation_is_idempotent(value: str) -> None:
    once = normalise.document_number(value)
    assert normalise.document_number(once) == once
    assert once == once.strip()


@given(st.text(max_size=80))
def test_text_normalisation_is_idempotent(value: str) -> None:
    once = normalise.text(value)
    assert normalise.text(once) == once


@given(st.text(max_size=80))
def test_email_normalisation_is_idempotent(value: str) -> None:
    once = normalise.email(value)
    assert normalise.email(once) == once


@given(st.text(alphabet="0123456789٠١٢٣٤٥٦٧٨٩+ -()\u200f", max_size=24))
def test_phone_normalisation_is_idempotent(value: str) -> None:
    once = normalise.phone_e164(value)
    assert normalise.phone_e164(once) == once
    assert once == "" or once.startswith("+")


@given(st.text(max_size=40))
def test_every_decimal_digit_becomes_ascii(value: str) -> None:
    out = normalise.ascii_digits(value)
    assert all(ch.isascii() for ch in out if ch.isdecimal())
