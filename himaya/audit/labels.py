"""Readable, translated names for audit action codes ("people.person.view" → "Person — viewed").

The code stays the record (it is hashed and filterable); the label is only for reading. Codes
named `<app>.<model>.<verb>` are labelled from the model's verbose name and the verb, so new
actions read sensibly without a new entry here; a few system actions have their own label.
"""

from __future__ import annotations

from django.apps import apps
from django.utils.text import capfirst
from django.utils.translation import pgettext_lazy

# The "audit action" context keeps these short words apart from the same words elsewhere in the UI.

VERBS = {
    "view": pgettext_lazy("audit action", "viewed"),
    "list": pgettext_lazy("audit action", "listed"),
    "create": pgettext_lazy("audit action", "created"),
    "update": pgettext_lazy("audit action", "changed"),
    "delete": pgettext_lazy("audit action", "deleted"),
    "download": pgettext_lazy("audit action", "downloaded"),
    "withdraw": pgettext_lazy("audit action", "withdrawn"),
    "submit": pgettext_lazy("audit action", "submitted"),
    "assign": pgettext_lazy("audit action", "assigned"),
    "escalate": pgettext_lazy("audit action", "escalated"),
    "send": pgettext_lazy("audit action", "sent"),
    "accept": pgettext_lazy("audit action", "accepted"),
    "decline": pgettext_lazy("audit action", "declined"),
    "start": pgettext_lazy("audit action", "started"),
    "complete": pgettext_lazy("audit action", "completed"),
    "cancel": pgettext_lazy("audit action", "cancelled"),
    "refer": pgettext_lazy("audit action", "referred to the NRM"),
    "change": pgettext_lazy("audit action", "changed"),
    "decide": pgettext_lazy("audit action", "decided"),
    "reconsideration": pgettext_lazy("audit action", "reconsideration asked"),
}

SYSTEM = {
    "auth.login": pgettext_lazy("audit action", "Sign-in"),
    "auth.lockout": pgettext_lazy("audit action", "Account locked after failed sign-ins"),
    "auth.logout": pgettext_lazy("audit action", "Sign-out"),
    "auth.session_expired": pgettext_lazy("audit action", "Session expired"),
    "auth.mfa.verify": pgettext_lazy("audit action", "Second factor checked"),
    "auth.mfa.session": pgettext_lazy("audit action", "Second factor passed for the session"),
    "auth.mfa.enrol_begin": pgettext_lazy("audit action", "Authenticator enrolment started"),
    "auth.mfa.enrol": pgettext_lazy("audit action", "Authenticator enrolled"),
    "auth.mfa.reset": pgettext_lazy("audit action", "Authenticator removed"),
    "auth.mfa.recovery_codes": pgettext_lazy("audit action", "Recovery codes renewed"),
    "auth.password.change": pgettext_lazy("audit action", "Password changed"),
    "audit.browse": pgettext_lazy("audit action", "Audit log browsed"),
    "audit.checkpoint": pgettext_lazy("audit action", "Audit checkpoint signed"),
    "keys.rotate": pgettext_lazy("audit action", "Encryption keys rotated"),
    "break_glass.open": pgettext_lazy("audit action", "Record opened by break-glass"),
    "api.token_issue": pgettext_lazy("audit action", "API token issued"),
    "api.token_revoke": pgettext_lazy("audit action", "API token revoked"),
    "api.token_use": pgettext_lazy("audit action", "API token used"),
    "accounts.staff.deactivate": pgettext_lazy("audit action", "Staff account deactivated"),
    "accounts.staff.reactivate": pgettext_lazy("audit action", "Staff account reactivated"),
    "accounts.staff.roles": pgettext_lazy("audit action", "Staff roles changed"),
    "accounts.staff.mfa_reset": pgettext_lazy("audit action", "Staff authenticator removed"),
    "accounts.profile.update": pgettext_lazy("audit action", "Profile changed"),
    "accounts.invitation.create": pgettext_lazy("audit action", "Staff invited"),
    "accounts.invitation.send": pgettext_lazy("audit action", "Invitation e-mailed"),
    "accounts.invitation.accept": pgettext_lazy("audit action", "Invitation accepted"),
    "accounts.invitation.revoke": pgettext_lazy("audit action", "Invitation revoked"),
    "cases.case.request_reconsideration": pgettext_lazy("audit action", "Reconsideration requested"),
    "cases.decision.rg": pgettext_lazy("audit action", "Reasonable grounds decision"),
    "cases.decision.cg": pgettext_lazy("audit action", "Conclusive grounds decision"),
    "cases.decision.reconsideration": pgettext_lazy("audit action", "Reconsideration decision"),
    "intake.draft.create": pgettext_lazy("audit action", "Intake draft started"),
    "intake.draft.update": pgettext_lazy("audit action", "Intake draft saved"),
    "intake.draft.submit": pgettext_lazy("audit action", "Intake submitted"),
    "intake.draft.delete": pgettext_lazy("audit action", "Intake draft discarded"),
    "intake.draft.hand_over": pgettext_lazy("audit action", "Intake draft handed to a first responder"),
    "cases.note.create": pgettext_lazy("audit action", "Case note added"),
    "cases.party.create": pgettext_lazy("audit action", "Person involved recorded"),
    "cases.historic_event.create": pgettext_lazy("audit action", "Historic event recorded"),
    "people.alias.create": pgettext_lazy("audit action", "Alias added"),
    "people.document.create": pgettext_lazy("audit action", "Identity document added"),
    "agencies.service.remove": pgettext_lazy("audit action", "Agency service removed"),
    "demo.seed": pgettext_lazy("audit action", "Demo data seeded"),
    "training.certificate.revoke": pgettext_lazy("audit action", "Training certificate revoked"),
    "training.certificate.remind": pgettext_lazy("audit action", "Certificate expiry reminder e-mailed"),
    "training.certificate.verify": pgettext_lazy("audit action", "Training certificate verified"),
    "training.summary.download": pgettext_lazy("audit action", "Annual training summary downloaded"),
    "cases.attachment.create": pgettext_lazy("audit action", "Attachment uploaded"),
    "cases.attachment.download": pgettext_lazy("audit action", "Attachment downloaded"),
    "assistance.nonremoval.check": pgettext_lazy("audit action", "Protection from removal checked"),
    "assistance.non_removal_check": pgettext_lazy("audit action", "Protection from removal check refused"),
    "assistance.reports.view": pgettext_lazy("audit action", "Care reports viewed"),
    "prevention.manage": pgettext_lazy("audit action", "Prevention management (imports, scoring, plans)"),
    "prevention.aggregates": pgettext_lazy("audit action", "Prevention dashboard and fairness report"),
    "prevention.queue": pgettext_lazy("audit action", "Inspection queue"),
    "shelters.stay.admit": pgettext_lazy("audit action", "Admitted to a shelter"),
    "shelters.stay.admit_emergency": pgettext_lazy("audit action", "Emergency shelter placement"),
    "shelters.stay.review": pgettext_lazy("audit action", "Emergency admission reviewed"),
    "shelters.stay.transfer": pgettext_lazy("audit action", "Transferred to another shelter"),
    "shelters.stay.discharge": pgettext_lazy("audit action", "Discharged from a shelter"),
    "shelters.absence.return": pgettext_lazy("audit action", "Back from an absence"),
    "shelters.bed.close": pgettext_lazy("audit action", "Bed closed for maintenance"),
    "shelters.bed.reopen": pgettext_lazy("audit action", "Bed reopened"),
    "shelters.shelter.staff": pgettext_lazy("audit action", "Shelter staff pages"),
    "shelters.shelter.import": pgettext_lazy("audit action", "Shelters imported"),
    "shelters.shelter.create": pgettext_lazy("audit action", "Shelter created"),
    "shelters.shelter.update": pgettext_lazy("audit action", "Shelter and its capacity changed"),
    "shelters.shelter.close": pgettext_lazy("audit action", "Shelter closed"),
    "shelters.shelter.reopen": pgettext_lazy("audit action", "Shelter reopened"),
    "shelters.room.create": pgettext_lazy("audit action", "Shelter room added"),
    "shelters.room.update": pgettext_lazy("audit action", "Shelter room or its beds changed"),
    "shelters.bed.update": pgettext_lazy("audit action", "Bed relabelled"),
    "shelters.bed.retire": pgettext_lazy("audit action", "Bed retired"),
    "shelters.waitingentry.withdraw": pgettext_lazy("audit action", "Taken off the shelter waiting list"),
    "shelters.waitingentry.reprioritise": pgettext_lazy("audit action", "Waiting-list priority changed"),
    "shelters.absence.escalate": pgettext_lazy("audit action", "Overdue absence notified"),
    "assistance.courtappointment.update": pgettext_lazy("audit action", "Court support appointment updated"),
    "assistance.compensation.update": pgettext_lazy("audit action", "Compensation payment recorded"),
}


def action_label(code: str) -> str:
    """A translated label for an audit action code; the code itself when nothing better is known."""
    if code in SYSTEM:
        return str(SYSTEM[code])
    parts = code.split(".")
    if len(parts) == 3 and parts[2] in VERBS:
        try:
            model = apps.get_model(parts[0], parts[1])
        except (LookupError, ValueError):
            return code
        return f"{capfirst(model._meta.verbose_name)} — {VERBS[parts[2]]}"
    if len(parts) == 3 and parts[0] == "cases" and parts[1] == "case":
        # Workflow events (cases.case.document, cases.case.route_labour, …).
        from himaya.cases.models import Case

        return f"{capfirst(Case._meta.verbose_name)} — {parts[2].replace('_', ' ')}"
    return code
