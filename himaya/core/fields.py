"""Model fields that keep personal data encrypted at rest.

`EncryptedTextField` / `EncryptedDateField` store AES-GCM ciphertext (see `crypto.py`); the ORM
sees plaintext. They cannot be filtered or ordered in SQL: exact look-ups go through a
`BlindIndexField`, which stores a keyed HMAC of the normalised source value and is filled by the
field itself just before saving.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from himaya.core import normalise
from himaya.core.crypto import get_keyring


class EncryptedMixin:
    """Encrypts on the way to the database and decrypts on the way back."""

    attname: str
    model: Any

    @property
    def crypto_context(self) -> str:
        return f"{self.model._meta.db_table}.{self.attname}"

    def to_plain_text(self, value: Any) -> str:
        return str(value)

    def from_plain_text(self, text: str) -> Any:
        return text

    def get_prep_value(self, value: Any) -> Any:
        if value is None or value == "":
            return value
        return get_keyring().encrypt(self.to_plain_text(value), context=self.crypto_context)

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        if value is None or value == "":
            return value
        return self.from_plain_text(get_keyring().decrypt(value, context=self.crypto_context))


class EncryptedTextField(EncryptedMixin, models.TextField):
    description = _("Encrypted text")

    def __init__(self, *args: Any, max_chars: int | None = None, **kwargs: Any) -> None:
        self.max_chars = max_chars
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        if self.max_chars is not None:
            kwargs["max_chars"] = self.max_chars
        return name, path, args, kwargs

    def validate(self, value: Any, model_instance: Any) -> None:
        super().validate(value, model_instance)
        if self.max_chars is not None and value and len(value) > self.max_chars:
            raise ValidationError(
                _("Ensure this value has at most %(limit)d characters."), params={"limit": self.max_chars}
            )

    def to_python(self, value: Any) -> Any:
        return value

    def formfield(self, **kwargs: Any) -> Any:
        if self.max_chars is not None:
            kwargs.setdefault("max_length", self.max_chars)
        return super().formfield(**kwargs)


class EncryptedDateField(EncryptedMixin, models.TextField):
    """A date stored as encrypted ISO text (dates of birth are identifying)."""

    description = _("Encrypted date")

    def to_plain_text(self, value: Any) -> str:
        if isinstance(value, dt.datetime):
            value = value.date()
        if isinstance(value, dt.date):
            return value.isoformat()
        return dt.date.fromisoformat(str(value)).isoformat()

    def from_plain_text(self, text: str) -> dt.date:
        return dt.date.fromisoformat(text)

    def to_python(self, value: Any) -> Any:
        if value is None or value == "" or isinstance(value, dt.date):
            return value or None
        try:
            return dt.date.fromisoformat(str(value))
        except ValueError:
            raise ValidationError(_("Enter a valid date."), code="invalid") from None

    def formfield(self, **kwargs: Any) -> Any:
        from django import forms

        kwargs.setdefault("form_class", forms.DateField)
        kwargs.setdefault("widget", forms.DateInput(attrs={"type": "date"}))
        return models.Field.formfield(self, **kwargs)


NORMALISERS: dict[str, Callable[[str], str]] = {
    "document": normalise.document_number,
    "phone": normalise.phone_e164,
    "email": normalise.email,
    "text": normalise.text,
}


class BlindIndexField(models.CharField):
    """A keyed HMAC of `source` after normalisation, for exact-match search.

    The index is recomputed from the source each time the row is saved, so it cannot drift.
    """

    def __init__(self, *args: Any, source: str = "", normaliser: str = "text", **kwargs: Any) -> None:
        self.source = source
        self.normaliser = normaliser
        kwargs.setdefault("max_length", 40)
        kwargs.setdefault("db_index", True)
        kwargs.setdefault("editable", False)
        kwargs.setdefault("blank", True)
        kwargs.setdefault("default", "")
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        kwargs["source"] = self.source
        kwargs["normaliser"] = self.normaliser
        return name, path, args, kwargs

    @property
    def purpose(self) -> str:
        # Document numbers from different tables share an index domain so they can be matched.
        return self.normaliser

    def compute(self, raw: Any) -> str:
        if raw in (None, ""):
            return ""
        normalised = NORMALISERS[self.normaliser](str(raw))
        if not normalised:
            return ""
        return get_keyring().blind_index(normalised, purpose=self.purpose)

    def pre_save(self, model_instance: Any, add: bool) -> Any:
        value = self.compute(getattr(model_instance, self.source))
        setattr(model_instance, self.attname, value)
        return value


def blind_index_for(model: type[models.Model], field_name: str, raw: str) -> str:
    """The blind index a search term would have in `model.field_name` ('' when it normalises away)."""
    field = model._meta.get_field(field_name)
    assert isinstance(field, BlindIndexField)
    return field.compute(raw)
