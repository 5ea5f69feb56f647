"""Model fields that keep personal data encrypted at rest.

`EncryptedTextField` / `EncryptedDateField` store AES-GCM ciphertext (see `crypto.py`); the ORM
sees plaintext. They cannot be filtered or ordered in SQL: exact look-ups go through a
`BlindIndexField`, which stores a keyed HMAC of the normalised source value and is filled by the
field itself just before saving.

SQL look-ups on an encrypted column raise `EncryptedLookupError` instead of silently matching
nothing. Only `isnull` and "is empty" (`field=""`, stored in clear as '') are allowed.

The associated data of every value is `<db_table>.<field name>` (or the field's `context=`), so
renaming a table or an encrypted field makes its values unreadable unless `context=` keeps the
old name. Ordering by an encrypted field is not refused but orders by ciphertext: meaningless.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.core.exceptions import FieldError, ValidationError
from django.db import models
from django.db.models.lookups import Exact, IsNull
from django.utils.translation import gettext_lazy as _

from himaya.core import normalise
from himaya.core.crypto import get_keyring


class EncryptedLookupError(FieldError):
    """A SQL look-up on ciphertext was asked for; it could never match."""


def _lookup_refused(field: Any, lookup_name: str) -> EncryptedLookupError:
    model = getattr(field, "model", None)
    if model is None:
        return EncryptedLookupError(f"{field.name} is encrypted: the SQL look-up {lookup_name!r} cannot work")
    where = f"{model._meta.label}.{field.name}"
    index = next(
        (f.name for f in model._meta.fields if isinstance(f, BlindIndexField) and f.source == field.name), None
    )
    if index:
        hint = f"search the blind index instead: filter({index}=blind_index_for({model.__name__}, {index!r}, term))"
    else:
        hint = "it has no blind index; add a BlindIndexField(source=...) if exact search is needed"
    return EncryptedLookupError(
        f"{where} is encrypted: the SQL look-up {lookup_name!r} cannot work on ciphertext; {hint}. "
        "Only 'isnull' and an exact match on '' (empty) are allowed."
    )


class EncryptedEmptyExact(Exact):
    """`field=""` (no value, stored in clear as '') is the only exact match that can work."""

    def get_prep_lookup(self) -> Any:
        if self.rhs is None:  # Django turns `field=None` into `isnull` right after this
            return None
        if isinstance(self.rhs, str) and self.rhs == "":
            return ""
        raise _lookup_refused(self.lhs.output_field, "exact")


class EncryptedMixin:
    """Encrypts on the way to the database and decrypts on the way back."""

    attname: str
    name: str
    model: Any
    _context_override: str | None = None

    @property
    def crypto_context(self) -> str:
        """Associated data binding a ciphertext to its column (and table)."""
        if self._context_override:
            return self._context_override
        return f"{self.model._meta.db_table}.{self.attname}"

    def get_lookup(self, lookup_name: str) -> Any:
        if lookup_name == "isnull":
            return IsNull
        if lookup_name == "exact":
            return EncryptedEmptyExact
        raise _lookup_refused(self, lookup_name)

    def get_transform(self, lookup_name: str) -> Any:
        raise _lookup_refused(self, lookup_name)

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
            return self.empty_value(value)
        return self.from_plain_text(get_keyring().decrypt(value, context=self.crypto_context))

    def empty_value(self, value: Any) -> Any:
        return value


class EncryptedTextField(EncryptedMixin, models.TextField):
    description = _("Encrypted text")

    def __init__(self, *args: Any, max_chars: int | None = None, context: str | None = None, **kwargs: Any) -> None:
        self.max_chars = max_chars
        self._context_override = context
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        if self.max_chars is not None:
            kwargs["max_chars"] = self.max_chars
        if self._context_override:
            kwargs["context"] = self._context_override
        return name, path, args, kwargs

    def validate(self, value: Any, model_instance: Any) -> None:
        super().validate(value, model_instance)
        if self.max_chars is not None and value and len(value) > self.max_chars:
            raise ValidationError(
                _("Ensure this value has at most %(limit)d characters."), params={"limit": self.max_chars}
            )

    def to_python(self, value: Any) -> Any:
        return value

    def formfield(self, **kwargs: Any) -> Any:  # type: ignore[override]
        if self.max_chars is not None:
            kwargs.setdefault("max_length", self.max_chars)
        return super().formfield(**kwargs)


class EncryptedDateField(EncryptedMixin, models.TextField):
    """A date stored as encrypted ISO text (dates of birth are identifying)."""

    description = _("Encrypted date")

    def __init__(self, *args: Any, context: str | None = None, **kwargs: Any) -> None:
        self._context_override = context
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        if self._context_override:
            kwargs["context"] = self._context_override
        return name, path, args, kwargs

    def empty_value(self, value: Any) -> Any:
        return None

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

    def formfield(self, **kwargs: Any) -> Any:  # type: ignore[override]
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
