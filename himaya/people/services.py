"""Writes to person records. Each is one transaction with its audit event."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.utils.translation import gettext as _

from himaya.access import policy
from himaya.audit.services import audit_record
from himaya.core import normalise
from himaya.people.models import Person

EDITABLE_FIELDS = (
    "given_name_latin",
    "family_name_latin",
    "full_name_arabic",
    "date_of_birth",
    "gender",
    "nationality",
    "document_number",
    "phone",
)


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
    return cleaned


def person_create(*, actor: Any, **values: Any) -> Person:
    """Record a new person for the actor's agency."""
    if not policy.can_create(actor, Person):
        raise Http404(_("Not found."))
    cleaned = _clean(values)
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
    changed = [name for name, value in cleaned.items() if getattr(person, name) != value]
    if not changed:
        return person
    for name in changed:
        setattr(person, name, cleaned[name])
    person.full_clean()
    with transaction.atomic():
        person.save()
        audit_record(actor=actor, action="people.person.update", obj=person, fields=changed)
    return person
