"""Reads of person records, always starting from the access policy."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from himaya.access import policy
from himaya.core.fields import blind_index_for
from himaya.people.models import IdentityDocument, Person, PersonAlias


def person_list(
    *, actor: Any, document: str = "", phone: str = "", nationality: str = "", name: str = ""
) -> QuerySet[Person]:
    """People the actor may see, optionally narrowed by exact document number (any of the person's
    documents), phone or name (in either script, or an alias), all through blind indexes."""
    qs = policy.visible(actor, Person)
    # Each search is the union of index lookups (one per place the value may be kept), then the
    # scope: written as OR, PostgreSQL could not use the indexes under it and read every visible
    # person (0.3-0.7 s with 1.1 million people loaded; the union: under a millisecond).
    if document:
        qs = qs.filter(pk__in=document_holders(document))
    if name:
        index = blind_index_for(Person, "name_latin_index", name) or "-"
        qs = qs.filter(
            pk__in=Person.objects.filter(name_latin_index=index)
            .order_by()
            .values("pk")
            .union(
                Person.objects.filter(name_arabic_index=index).order_by().values("pk"),
                PersonAlias.objects.filter(name_index=index).order_by().values("person_id"),
            )
        )
    if phone:
        qs = qs.filter(phone_index=blind_index_for(Person, "phone_index", phone) or "-")
    if nationality:
        qs = qs.filter(nationality=nationality.upper())
    return qs.order_by("-created_at", "-pk")


def document_holders(document: str) -> QuerySet[Any]:
    """Ids of the people who hold this document number, on their record or among their identity
    documents (exact match through the blind indexes; no scope: callers apply theirs)."""
    index = blind_index_for(Person, "document_number_index", document) or "-"
    return (
        Person.objects.filter(document_number_index=index)
        .order_by()
        .values("pk")
        .union(IdentityDocument.objects.filter(number_index=index).order_by().values("person_id"))
    )


def person_get(*, actor: Any, pk: Any) -> Person:
    """One person, or Http404 when outside the actor's scope. The read is audited."""
    return policy.get_for(actor, Person, pk)


def may_use_people_pages(actor: Any) -> bool:
    """Whether any rule (or break-glass grant) lets the actor see people at all."""
    return policy.scope_q(actor, Person) is not None


def active_break_glass_grant(*, actor: Any, person: Person) -> Any:
    """The actor's live break-glass grant on this person, if the record is open to them that way."""
    from django.utils import timezone

    from himaya.access.models import BreakGlassGrant

    if not policy.is_active_actor(actor):
        return None
    return (
        BreakGlassGrant.objects.filter(
            actor=actor,
            object_type=Person._meta.label_lower,
            object_id=str(person.pk),
            expires_at__gt=timezone.now(),
            revoked_at__isnull=True,
        )
        .order_by("-expires_at")
        .first()
    )
