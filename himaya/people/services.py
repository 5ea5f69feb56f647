"""Writes to person records. Each is one transaction with its audit event."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from himaya.access import policy
from himaya.audit.services import audit_record
from himaya.consent.sharing import embassy_share_sync
from himaya.core import normalise
from himaya.people.models import DocumentType, IdentityDocument, Person, PersonAlias

EDITABLE_FIELDS = (
    "given_name_latin",
    "family_name_latin",
    "full_name_arabic",
    "date_of_birth",
    "gender",
    "nationality",
    "document_number",
    "phone",
    "nationalities",
    "primary_language",
    "other_languages",
    "birth_year",
    "birth_year_estimated",
    "guardian_name",
    "guardian_contact",
    "best_interest_note",
    "address",
)


def _codes(value: Any, *, length: tuple[int, ...], upper: bool) -> str:
    """'ph, in' / ['PH', 'IN'] -> 'PH,IN' (deduplicated, order kept); ValueError on a malformed code."""
    items = value.split(",") if isinstance(value, str) else list(value or [])
    out: list[str] = []
    for item in items:
        code = str(item).strip()
        code = code.upper() if upper else code.lower()
        if not code:
            continue
        if len(code) not in length or not code.isascii() or not code.isalpha():
            raise ValueError(code)
        if code not in out:
            out.append(code)
    return ",".join(out)


def _clean(values: dict[str, Any]) -> dict[str, Any]:
    unknown = set(values) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValidationError(_("Unknown fields: %(fields)s") % {"fields": ", ".join(sorted(unknown))})
    cleaned = dict(values)
    phone = (cleaned.get("phone") or "").strip()
    if phone:
        e164 = normalise.phone_e164(phone)
        if not e164:
            raise ValidationError({"phone": _("Enter a phone number with its country code, e.g. +973 3312 3456.")})
        cleaned["phone"] = e164
    if cleaned.get("nationality"):
        cleaned["nationality"] = str(cleaned["nationality"]).upper()
    if "nationalities" in cleaned:
        try:
            cleaned["nationalities"] = _codes(cleaned["nationalities"], length=(2,), upper=True)
        except ValueError:
            raise ValidationError({"nationalities": _("Use ISO 3166 country codes, e.g. PH,IN.")}) from None
    for name in ("primary_language", "other_languages"):
        if name in cleaned:
            try:
                cleaned[name] = _codes(cleaned[name], length=(2, 3), upper=False)
            except ValueError:
                raise ValidationError({name: _("Use ISO 639 language codes, e.g. ar,en,hi.")}) from None
    if "," in cleaned.get("primary_language", ""):
        raise ValidationError({"primary_language": _("Give one primary language.")})
    if cleaned.get("birth_year") not in (None, ""):
        year = str(cleaned["birth_year"]).strip()
        if not (year.isdigit() and len(year) == 4 and 1900 <= int(year) <= timezone.localdate().year):
            raise ValidationError({"birth_year": _("Enter a year of birth between 1900 and this year.")})
        cleaned["birth_year"] = year
    elif "birth_year" in cleaned:
        cleaned["birth_year"] = ""
    if cleaned.get("date_of_birth") and cleaned.get("birth_year"):
        raise ValidationError(_("Give either the date of birth or an estimated year of birth, not both."))
    return cleaned


def _with_primary_nationality(cleaned: dict[str, Any], current: str = "") -> None:
    """Keep `nationality` (the primary) first in `nationalities`, and fill it from the list if missing."""
    if "nationalities" not in cleaned and "nationality" not in cleaned:
        return
    codes = [c for c in (cleaned.get("nationalities", current) or "").split(",") if c]
    primary = cleaned.get("nationality") or (codes[0] if codes else "")
    if primary:
        codes = [primary, *[c for c in codes if c != primary]]
        cleaned["nationality"] = primary
    if "nationalities" in cleaned or codes:
        cleaned["nationalities"] = ",".join(codes)


def person_create(*, actor: Any, **values: Any) -> Person:
    """Record a new person for the actor's agency."""
    if not policy.can_create(actor, Person):
        raise Http404(_("Not found."))
    cleaned = _clean(values)
    _with_primary_nationality(cleaned)
    person = Person(owner_agency_id=actor.agency_id, created_by=actor, **cleaned)
    person.full_clean()
    if not any(cleaned.get(f) for f in ("given_name_latin", "family_name_latin", "full_name_arabic")):
        raise ValidationError(_("Give at least one name, in Arabic or Latin script."))
    with transaction.atomic():
        person.save()
        audit_record(
            actor=actor, action="people.person.create", obj=person, fields=[k for k, v in cleaned.items() if v]
        )
    return person


def person_update(*, actor: Any, person: Person, **values: Any) -> Person:
    """Change a person's details; only the names of changed fields are audited."""
    policy.require(actor, policy.CHANGE, person)
    cleaned = _clean(values)
    _with_primary_nationality(cleaned, person.nationalities)
    changed = [name for name, value in cleaned.items() if getattr(person, name) != value]
    if not changed:
        return person
    for name in changed:
        setattr(person, name, cleaned[name])
    person.full_clean()
    with transaction.atomic():
        person.save()
        # Which embassy may see the person and their cases (and the save above wrote this object's
        # copy of the pre-filter, which a consent recorded since it was loaded may have changed).
        embassy_share_sync(person.pk)
        audit_record(actor=actor, action="people.person.update", obj=person, fields=changed)
    return person


def person_add_alias(*, actor: Any, person: Person, name: str) -> PersonAlias:
    """Record another name the person is known by (searchable by exact name)."""
    policy.require(actor, policy.CHANGE, person)
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("Enter the name.")})
    if len(name) > 200:
        raise ValidationError({"name": _("Ensure this value has at most %(limit)d characters.") % {"limit": 200}})
    with transaction.atomic():
        alias = PersonAlias.objects.create(person=person, name=name)
        audit_record(actor=actor, action="people.alias.create", obj=person, fields=["aliases"])
    return alias


def person_add_document(
    *,
    actor: Any,
    person: Person,
    type: str,
    number: str,
    issuing_country: str = "",
    expires_on: Any = None,
) -> IdentityDocument:
    """Record an identity document; its number is searchable like Person.document_number."""
    policy.require(actor, policy.CHANGE, person)
    number = (number or "").strip()
    errors: dict[str, str] = {}
    if type not in DocumentType.values:
        errors["type"] = _("Choose the type of document.")
    if not normalise.document_number(number):
        errors["number"] = _("Enter the document number.")
    elif len(number) > 40:
        errors["number"] = _("Ensure this value has at most %(limit)d characters.") % {"limit": 40}
    country = (issuing_country or "").strip().upper()
    if country and (len(country) != 2 or not country.isalpha()):
        errors["issuing_country"] = _("Use an ISO 3166 country code, e.g. PH.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        document = IdentityDocument.objects.create(
            person=person, type=type, number=number, issuing_country=country, expires_on=expires_on or None
        )
        audit_record(actor=actor, action="people.document.create", obj=person, fields=["documents"])
    return document
