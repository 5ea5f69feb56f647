"""Normalisation of identifiers before blind indexing (Django-free).

Two spellings of the same document or phone number must produce the same index, so they are
reduced to one canonical form first: Unicode NFKC, every script's decimal digits to ASCII
(Arabic-Indic, Persian, Devanagari, Bengali…), invisible formatting marks (RTL/LTR marks,
zero-width joiners) and separators removed, upper case.

Every normaliser is idempotent: normalising a normalised value changes nothing. Changing a
normaliser changes the index of existing rows, which must then be recomputed (re-save the rows).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

import phonenumbers

DEFAULT_REGION = "BH"
_SPACES = re.compile(r"\s+")
# Arabic script folding as in Lucene's ArabicNormalizer (plus the Persian yeh): hamza-carrying
# alefs to bare alef, teh marbuta to heh, alef maqsura and Persian yeh to yeh; tatweel and
# short-vowel marks removed, as are Latin/Greek/Cyrillic combining accents.
_ARABIC_FOLD = str.maketrans({"آ": "ا", "أ": "ا", "إ": "ا", "ٱ": "ا", "ة": "ه", "ى": "ي", "ی": "ي", "ـ": None})
_MARKS = re.compile("[\u0300-\u036f\u064b-\u065f\u0670]")


def ascii_digits(value: str) -> str:
    """Any Unicode decimal digit ('٣', '۳', '३', '৩', '３') as its ASCII digit."""
    out = []
    for ch in value:
        if not ch.isascii():
            digit = unicodedata.decimal(ch, None)
            if digit is not None:
                out.append(str(digit))
                continue
        out.append(ch)
    return "".join(out)


def _invisible(ch: str) -> bool:
    return unicodedata.category(ch) == "Cf"  # LRM/RLM, ALM, ZWJ/ZWNJ, soft hyphen, BOM…


def _clean(value: str) -> str:
    value = unicodedata.normalize("NFKC", value)
    return ascii_digits("".join(ch for ch in value if not _invisible(ch)))


def _fixed_point(fn: Callable[[str], str], value: str) -> str:
    # Case mapping can produce text that NFKC rewrites again; a few rounds reach the fixed point.
    for _ in range(4):
        nxt = fn(value)
        if nxt == value:
            break
        value = nxt
    return value


def _document_once(value: str) -> str:
    value = unicodedata.normalize("NFKC", _clean(value).upper())
    return "".join(ch for ch in ascii_digits(value) if ch.isalnum())


def document_number(value: str) -> str:
    """'n 123-456 7', 'N–123 456 7' and 'N1234567' are the same passport number.

    Only letters and digits count: spaces, dashes of every kind, dots, slashes and the like go.
    """
    return _fixed_point(_document_once, _document_once(value))


def phone_e164(value: str, region: str = DEFAULT_REGION) -> str:
    """E.164 form ('+97317123456'), or '' when the value is not a possible phone number.

    '+973 3312-3456', '0097333123456' and '٣٣١٢٣٤٥٦' (region BH) are all '+97333123456'.
    """
    value = _clean(value).strip()
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
    return _fixed_point(lambda v: _clean(v).strip().lower(), _clean(value).strip().lower())


def _text_once(value: str) -> str:
    value = _clean(value).translate(_ARABIC_FOLD)
    value = unicodedata.normalize("NFKC", _MARKS.sub("", unicodedata.normalize("NFD", value)))
    value = unicodedata.normalize("NFKC", value.casefold())
    return _SPACES.sub(" ", value).strip()


def text(value: str) -> str:
    """Free text such as a name: case, accents, Arabic spelling variants and spacing folded."""
    return _fixed_point(_text_once, _text_once(value))
