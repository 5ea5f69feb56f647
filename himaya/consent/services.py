"""Writes to consent records: each one transaction with its audit event (and a timeline entry
when it belongs to a case). Who explained it is the actor; when is now."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from himaya.access import policy
from himaya.agencies.models import Agency, AgencyType
from himaya.audit.services import audit_record
from himaya.cases.models import Case
from himaya.cases.services import timeline_add
from himaya.consent.models import Consent, Purpose
from himaya.consent.sharing import embassy_share_sync
from himaya.people.models import Person

LANGUAGE_RE = re.compile(r"^[a-z]{2,3}$")


def consent_record(
    *,
    actor: Any,
    person: Person,
    case: Case | None = None,
    purpose: str,
    recipient_agency: Agency | None = None,
    given: bool,
    language: str,
    interpreter_used: bool = False,
    retention_until: dt.date | None = None,
) -> Consent:
    """Record the person's decision (given or refused) for one purpose and recipient.

    The actor must be allowed to change the person (404 otherwise) and, if given, see the case.
    A new decision for the same purpose and recipient supersedes the earlier active one (which
    is marked withdrawn), so the latest decision is the one the consent gate reads.
    Children: the consent gate does not apply to them, but recording their (or their guardian's)
    view is still allowed.
    """
    policy.require(actor, policy.CHANGE, person)
    errors: dict[str, str] = {}
    if case is not None:
        policy.require(actor, policy.VIEW, case)
        if case.person_id != person.pk:
            errors["case"] = _("This case is not about this person.")
    if purpose not in Purpose.values:
        errors["purpose"] = _("Choose a purpose.")
    if recipient_agency is not None:
        if not recipient_agency.is_active:
            errors["recipient_agency"] = _("This agency is not active.")
        elif purpose == Purpose.SHARE_EMBASSY and recipient_agency.type != AgencyType.EMBASSY:
            errors["recipient_agency"] = _("Sharing with the embassy needs an embassy as the recipient.")
    language = (language or "").strip().lower()
    if not LANGUAGE_RE.match(language):
        errors["language"] = _("Give the language of the explanation as an ISO 639 code, e.g. ar, en, hi.")
    if retention_until is not None and retention_until < timezone.localdate():
        errors["retention_until"] = _("The retention date cannot be in the past.")
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    with transaction.atomic():
        superseded = Consent.objects.select_for_update().filter(
            person=person,
            purpose=purpose,
            recipient_agency=recipient_agency,
            given=True,
            withdrawn_at__isnull=True,
        )
        superseded_ids = list(superseded.values_list("pk", flat=True))
        if superseded_ids:
            Consent.objects.filter(pk__in=superseded_ids).update(withdrawn_at=now, withdrawn_by=actor)
        consent = Consent.objects.create(
            person=person,
            case=case,
            purpose=purpose,
            recipient_agency=recipient_agency,
            given=bool(given),
            explained_by=actor,
            language=language,
            interpreter_used=bool(interpreter_used),
            recorded_at=now,
            retention_until=retention_until,
        )
        if purpose == Purpose.SHARE_EMBASSY:
            embassy_share_sync(person.pk)
        if case is not None:
            timeline_add(
                case=case,
                actor=actor,
                kind="consent",
                summary=f"{purpose}:{'given' if given else 'refused'}",
                obj=consent,
            )
        audit_record(
            actor=actor,
            action="consent.consent.create",
            obj=consent,
            owner_agency_id=person.owner_agency_id,
            fields=["purpose", "recipient_agency", "given", "language", "interpreter_used", "retention_until"],
            detail=f"superseded:{','.join(map(str, superseded_ids))}" if superseded_ids else "",
        )
    return consent


def consent_withdraw(*, actor: Any, consent: Consent) -> Consent:
    """The person withdraws a consent: from the next request, access that relied on it ends.

    The actor must be allowed to change the person (404 otherwise). Withdrawing twice, or
    withdrawing a refusal, is refused with a clear error.
    """
    policy.require(actor, policy.CHANGE, consent)
    if consent.withdrawn_at is not None:
        raise ValidationError(_("This consent has already been withdrawn."))
    if not consent.given:
        raise ValidationError(_("This is a refusal: there is no consent to withdraw."))
    with transaction.atomic():
        consent.withdrawn_at = timezone.now()
        consent.withdrawn_by = actor
        consent.save(update_fields=["withdrawn_at", "withdrawn_by"])
        if consent.purpose == Purpose.SHARE_EMBASSY:
            embassy_share_sync(consent.person_id)
        if consent.case is not None:
            timeline_add(
                case=consent.case, actor=actor, kind="consent", summary=f"{consent.purpose}:withdrawn", obj=consent
            )
        audit_record(
            actor=actor,
            action="consent.consent.withdraw",
            obj=consent,
            owner_agency_id=consent.person.owner_agency_id,
            fields=["withdrawn_at"],
        )
    return consent
