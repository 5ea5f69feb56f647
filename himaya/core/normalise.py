"""Normalisation of identifiers before blind indexing (Django-free).

Two spellings of the same document or phone number must produce the same index, so they are
reduced to one canonical form first: Unicode NFKC, Arabic-Indic and Persian digits to ASCII,
separators removed, upper case.
"""

from __future__ import annotations

import re
import unicodedata

import phonenumbers

DEFAULT_REGION = "BH"
_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")
_SEPARATORS = re.compile(r"[\s\-_./\\]+")
_SPACES = re.compile(r"\s+")


def ascii_digits(value: str) -> str:
    return value.translate(_DIGITS)


def document_number(value: str) -> str:
    """'n 123-456 7' and 'N1234567' are the same passport number."""
    value = ascii_digits(unicodedata.normalize("NFKC", value))
    return _SEPARATORS.sub("", value).upper()


def phone_e164(value: str, region: str = DEFAULT_REGION) -> str:
    """E.164 form ('+97317123456'), or '' when the value is not a possible phone number."""
    value = ascii_digits(unicodedata.normalize("NFKC", value)).strip()
    if value.startswith("00"):
        value = "+" + value[2:]
    try:
        parsed = phonenumbers.parse(value, region)
    except phonenumbers.NumberParseException:
        return ""
    if not phonenumbers.is_possible_number(parsed):
        return ""
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def email(value: str) -> str:
    return unicodedata.normalize("NFKC", value).strip().lower()


def text(value: str) -> str:
    return _SPACES.sub(" ", unicodedata.normalize("NFKC", value)).strip().casefold()
