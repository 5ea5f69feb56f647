"""`embassy_share_country` on Case and Person, the embassy rules' indexed pre-filter, kept in step
with consent.

The embassy rule (`himaya.consent.rules`) lets an embassy see its nationals' cases when an active
`share_embassy` consent names it or no recipient. Checked alone, that consent is a probe on every
case row the list reads: an embassy's filtered list (say its closed cases) probed 30,000 rows to
find 1,000 with 250,000 people registered. The case therefore carries the person's nationality
while the person has an active consent to share with an embassy ('' otherwise), under a partial
index, and the rule reads `embassy_share_country = <the embassy's country> AND <the probe>`.
The person carries the same column for the embassy's people list (a count of an embassy's
consenting nationals read the whole register: 70-170 ms with 250,000 people).

The probe stays the authority: a value left stale can only hide a case from an embassy, never show
it one. The services that can change the fact call `embassy_share_sync` in their own transaction:
recording or withdrawing a consent, changing a person's details, opening a case for a person.
"""

from __future__ import annotations

from django.db.models import Exists, F, OuterRef, Q, Subquery

from himaya.cases.models import Case
from himaya.consent.models import Consent, Purpose
from himaya.people.models import Person


def _active_share(person: object) -> Q:
    return Q(person_id=person, purpose=Purpose.SHARE_EMBASSY, given=True, withdrawn_at__isnull=True)


def embassy_share_sync(person_id: int | None) -> None:
    """Set `embassy_share_country` on the person and every case of theirs from their current consents."""
    if person_id is None:
        return
    nationality = Person.objects.filter(pk=person_id).values_list("nationality", flat=True).first() or ""
    shared = nationality if Consent.objects.filter(_active_share(person_id)).exists() else ""
    Person.objects.filter(pk=person_id).exclude(embassy_share_country=shared).update(embassy_share_country=shared)
    Case.objects.filter(person_id=person_id).exclude(embassy_share_country=shared).update(embassy_share_country=shared)


def embassy_share_rebuild() -> int:
    """Recompute the column for every person and case (after a bulk load or a restore); returns the
    rows changed."""
    own = Consent.objects.filter(_active_share(OuterRef("pk")))
    cleared = Person.objects.exclude(embassy_share_country="").exclude(Exists(own)).update(embassy_share_country="")
    people = Person.objects.filter(Exists(own)).exclude(embassy_share_country=F("nationality"))
    changed = cleared + people.update(embassy_share_country=F("nationality"))
    active = Consent.objects.filter(_active_share(OuterRef("person_id")))
    nationality = Person.objects.filter(pk=OuterRef("person_id")).values("nationality")[:1]
    cleared = Case.objects.exclude(embassy_share_country="").exclude(Exists(active)).update(embassy_share_country="")
    shared = Case.objects.filter(Exists(active)).exclude(embassy_share_country=Subquery(nationality))
    return changed + cleared + shared.update(embassy_share_country=Subquery(nationality))
