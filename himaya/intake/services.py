"""Writes of the intake wizard and of attachments. Each is one transaction with its audit event."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import secrets
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from himaya.access import policy
from himaya.audit.services import audit_record
from himaya.cases.models import Case, HistoricEvent, InvolvedParty
from himaya.cases.services import case_open
from himaya.core.crypto import DecryptionError, decrypt_bytes, encrypt_bytes
from himaya.intake import files, steps
from himaya.intake.models import Attachment, IntakeDraft
from himaya.people.models import Person
from himaya.people.services import person_add_document, person_create

DEFAULT_MAX_BYTES = 10 * 1024 * 1024
logger = logging.getLogger(__name__)


# --- Drafts ------------------------------------------------------------------------------------
def draft_create(*, actor: Any) -> IntakeDraft:
    """Start an intake for the actor's agency."""
    if not policy.can_create(actor, IntakeDraft):
        raise Http404(_("Not found."))
    with transaction.atomic():
        draft = IntakeDraft.objects.create(owner=actor, agency_id=actor.agency_id, current_step=1, data="")
        audit_record(actor=actor, action="intake.draft.create", obj=draft)
    return draft


def _require_open(actor: Any, draft: IntakeDraft) -> None:
    policy.require(actor, policy.CHANGE, draft)
    if draft.submitted_case_id is not None:
        raise ValidationError(_("This intake has already been submitted."))


def draft_save_step(*, actor: Any, draft: IntakeDraft, step: int, data: dict[str, Any]) -> IntakeDraft:
    """Store the validated values of one step (see himaya.intake.steps) and move the draft on."""
    _require_open(actor, draft)
    if step not in steps.TITLES or step == steps.LAST:
        raise ValidationError(_("Unknown step."))
    clean, errors = steps.check(step, data)
    if clean is None:
        raise ValidationError(errors)
    if step == 2 and clean.get("existing_person"):
        policy.get_for(actor, Person, clean["existing_person"])  # 404 unless the actor may see them
    stored = draft.steps
    stored[str(step)] = clean
    with transaction.atomic():
        draft.data = json.dumps(stored, ensure_ascii=False)
        draft.current_step = max(draft.current_step, step + 1)
        draft.save(update_fields=["data", "current_step", "updated_at"])
        audit_record(actor=actor, action="intake.draft.update", obj=draft, fields=[f"step{step}"])
    return draft


def draft_review(draft: IntakeDraft) -> tuple[dict[int, dict[str, Any]], dict[int, list[str]]]:
    """Every step re-validated from the stored draft: (values per step, errors per step)."""
    values: dict[int, dict[str, Any]] = {}
    errors: dict[int, list[str]] = {}
    for step in range(1, steps.LAST):
        clean, problems = steps.check(step, draft.step_data(step))
        if clean is None:
            errors[step] = problems
        else:
            values[step] = clean
    return values, errors


def _date(value: str) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def _occurred_at(value: str) -> dt.datetime:
    moment = dt.datetime.fromisoformat(value)
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment


def may_open_cases(user: Any) -> bool:
    """Whether `user` may submit an intake (open an NRM case): first responders and case staff."""
    return policy.can_create(user, IntakeDraft)


def draft_hand_over(*, actor: Any, draft: IntakeDraft, to: Any) -> IntakeDraft:
    """Give a draft to a colleague of the same agency who may open cases (its new owner).

    Someone who may prepare an intake but not open a case (a labour inspector, from a finding)
    hands the completed draft to a first responder, who reviews and submits it: only first
    responders refer into the NRM.
    """
    _require_open(actor, draft)
    if (
        to is None
        or to.pk == draft.owner_id
        or not to.is_active
        or to.agency_id != draft.agency_id
        or not may_open_cases(to)
    ):
        raise ValidationError({"to": _("Choose a first responder of your agency.")})
    with transaction.atomic():
        draft.owner = to
        draft.save(update_fields=["owner", "updated_at"])
        audit_record(actor=actor, action="intake.draft.hand_over", obj=draft, detail=f"to:{to.pk}")
    return draft


def draft_submit(*, actor: Any, draft: IntakeDraft) -> Case:
    """Create (or link) the person, open the case, add its events and parties: all or nothing."""
    _require_open(actor, draft)
    if not may_open_cases(actor):
        raise ValidationError(
            _("Only a first responder opens an NRM case: hand this draft to a first responder of your agency.")
        )
    values, errors = draft_review(draft)
    if errors:
        raise ValidationError(
            [_("Step %(step)d: %(error)s") % {"step": step, "error": e} for step, errs in errors.items() for e in errs]
        )
    encounter, who, situation, history, risks = (values[i] for i in range(1, 6))
    occurred_at = _occurred_at(encounter["occurred_at"])
    with transaction.atomic():
        if who.get("existing_person"):
            person = policy.get_for(actor, Person, who["existing_person"])
        else:
            birth_year = ""
            if who.get("estimated_age") not in (None, ""):
                birth_year = str(occurred_at.date().year - int(who["estimated_age"]))
            primary = who.get("nationality") or ""
            person = person_create(
                actor=actor,
                full_name_arabic=who.get("full_name_arabic", ""),
                given_name_latin=who.get("given_name_latin", ""),
                family_name_latin=who.get("family_name_latin", ""),
                gender=who.get("gender") or "NonSpecifiedUnknown",
                date_of_birth=_date(who.get("date_of_birth", "")),
                birth_year=birth_year,
                birth_year_estimated=bool(birth_year),
                nationality=primary,
                nationalities=[primary, *(who.get("other_nationalities") or [])] if primary else [],
                primary_language=who.get("primary_language", ""),
                other_languages=who.get("other_languages") or [],
                document_number=who.get("document_number", ""),
                phone=who.get("phone", ""),
            )
            if who.get("document_number"):
                person_add_document(
                    actor=actor,
                    person=person,
                    type=who["document_type"],
                    number=who["document_number"],
                    issuing_country=who.get("document_country", ""),
                )
        case = case_open(
            actor=actor,
            person=person,
            category=situation["category"],
            channel=encounter["channel"],
            occurred_at=occurred_at,
            is_child=person.is_minor(on=occurred_at.date()),
            location=encounter.get("location", ""),
            interpreter_language=encounter.get("interpreter_language", ""),
            notes=risks.get("notes", ""),
            industry=situation.get("industry", ""),
            exploitation_types=situation.get("exploitation_types") or [],
            safety_risk=bool(risks.get("safety_risk")),
            medical_urgent=bool(risks.get("medical_urgent")),
            child_present=bool(risks.get("child_present")),
        )
        events = [
            HistoricEvent(
                case=case,
                type=row["type"],
                country=row["country"],
                place=row.get("place", ""),
                date_from=_date(row.get("date_from", "")),
                date_to=_date(row.get("date_to", "")),
            )
            for row in history.get("events", [])
        ]
        for event in events:
            event.save()
        if events:
            audit_record(
                actor=actor, action="cases.historic_event.create", obj=case, fields=["historic_events", "place"]
            )
        parties = [
            InvolvedParty(
                case=case,
                role=row["role"],
                name=row.get("name", ""),
                organisation=row.get("organisation", ""),
                phone=row.get("phone", ""),
                nationality=row.get("nationality", ""),
            )
            for row in history.get("parties", [])
        ]
        for party in parties:
            party.save()
        if parties:
            audit_record(
                actor=actor, action="cases.party.create", obj=case, fields=["parties", "name", "organisation", "phone"]
            )
        draft.submitted_case = case
        draft.submitted_at = timezone.now()
        draft.data = ""  # the values now live in the case and the person record
        draft.current_step = steps.LAST
        draft.save(update_fields=["submitted_case", "submitted_at", "data", "current_step", "updated_at"])
        audit_record(actor=actor, action="intake.draft.submit", obj=draft, fields=["submitted_case"])
    return case


def draft_discard(*, actor: Any, draft: IntakeDraft) -> None:
    """Delete an unsubmitted draft (its author or a supervisor)."""
    _require_open(actor, draft)
    with transaction.atomic():
        audit_record(actor=actor, action="intake.draft.delete", obj=draft)
        draft.delete()


# --- Attachments -------------------------------------------------------------------------------
def attachment_dir() -> Path:
    return Path(getattr(settings, "HIMAYA_ATTACHMENT_DIR", settings.VAR_DIR / "attachments"))


def max_bytes() -> int:
    return int(getattr(settings, "HIMAYA_ATTACHMENT_MAX_BYTES", DEFAULT_MAX_BYTES))


REFUSALS = {
    "empty": gettext_lazy("The file is empty."),
    "too_large": gettext_lazy("The file is too large (at most %(mb)s MB)."),
    "type": gettext_lazy("Only PDF, JPEG and PNG files can be attached."),
    "mismatch": gettext_lazy("The file's content does not match its type or name."),
    "malformed": gettext_lazy("The file is damaged and cannot be attached."),
}


def _refusal(code: str) -> str:
    message = str(REFUSALS.get(code, REFUSALS["malformed"]))
    if code == "too_large":
        return message % {"mb": f"{max_bytes() / (1024 * 1024):g}"}
    return message


def attachment_add(*, actor: Any, case: Case, name: str, content: bytes, declared_type: str = "") -> Attachment:
    """Check the file by its content, strip its metadata, encrypt it to disk, record and audit it."""
    policy.require(actor, policy.CHANGE, case)
    name = (name or "").replace("\\", "/").rsplit("/", 1)[-1].strip()[:255] or "file"
    try:
        kind, clean = files.clean_upload(content, declared_type=declared_type, max_bytes=max_bytes())
        if not files.name_matches(name, kind):
            raise files.FileRefused("mismatch")
    except files.FileRefused as refused:
        raise ValidationError({"file": _refusal(refused.code)}) from None
    storage_name = secrets.token_hex(20)
    folder = attachment_dir()
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    path = folder / storage_name
    blob = encrypt_bytes(clean, context=f"intake.attachment:{storage_name}")
    try:
        with transaction.atomic():
            with open(path, "xb") as fh:
                fh.write(blob)
            attachment = Attachment.objects.create(
                case=case,
                uploaded_by=actor,
                original_name=name,
                content_type=kind,
                size=len(clean),
                sha256=hashlib.sha256(clean).hexdigest(),
                storage_name=storage_name,
            )
            audit_record(
                actor=actor, action="cases.attachment.create", obj=attachment, fields=["original_name", "content"]
            )
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return attachment


def attachment_content(*, actor: Any, attachment: Attachment) -> bytes:
    """The decrypted content, for a download; the download is audited."""
    policy.require(actor, policy.VIEW, attachment)
    try:
        blob = (attachment_dir() / attachment.storage_name).read_bytes()
        content = decrypt_bytes(blob, context=f"intake.attachment:{attachment.storage_name}")
    except (FileNotFoundError, DecryptionError):
        logger.error("attachment %s is missing or fails authentication", attachment.pk)
        raise Http404(_("Not found.")) from None
    with transaction.atomic():
        audit_record(
            actor=actor, action="cases.attachment.download", obj=attachment, fields=["original_name", "content"]
        )
    return content
