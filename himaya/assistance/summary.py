"""The printable care-plan summary (PDF, Arabic or English, shaped by himaya.core.pdf)."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from himaya.assistance import selectors
from himaya.assistance.models import CareAction, CareGoal, NeedLevel
from himaya.cases.models import Case
from himaya.cases.timeline import stage_label
from himaya.core.pdf import Document


def care_plan_pdf(*, actor: Any, case: Case, language: str) -> bytes:
    """The case's care plan on paper: latest needs, goals and actions, services, the way out.

    The caller has loaded the case through `selectors.care_case_get`; every row printed comes from
    the policy's selectors and is audited as a download.
    """
    from himaya.access import policy

    history = selectors.needs_history(actor=actor, case=case)
    plan = selectors.care_plan(actor=actor, case=case)
    exit_plan = selectors.exit_plan_for(actor=actor, case=case)
    follow_ups = selectors.follow_ups_for(actor=actor, case=case)
    policy.audit_list(actor, CareGoal, [g["goal"] for g in plan], action="download")
    policy.audit_list(actor, CareAction, [a["action"] for g in plan for a in g["actions"]], action="download")

    doc = Document(
        title=_("Care plan summary"),
        subtitle=f"{case.reference} · {timezone.localdate().isoformat()}",
        language=language,
    )
    person = case.person.reference if case.person else _("Anonymous")
    doc.rows(
        [
            (_("Case"), case.reference),
            (_("Person"), person),
            (_("Stage"), stage_label(case.stage)),
            (_("Owning agency"), str(case.owner_agency)),
        ]
    )
    doc.heading(_("Needs assessment"))
    if history:
        latest = history[0]
        doc.paragraph(f"{latest.assessment.get_occasion_display()} · {latest.assessment.assessed_on.isoformat()}")
        doc.table(
            [_("Need"), _("Level"), _("Change")],
            [[str(r["label"]), str(NeedLevel(r["level"]).label), _direction(r["direction"])] for r in latest.rows],
        )
    else:
        doc.paragraph(_("No needs assessment yet."))
    doc.heading(_("Care plan"))
    if not plan:
        doc.paragraph(_("No care plan yet."))
    for g in plan:
        doc.paragraph(g["goal"].description, bold=True)
        rows = [
            [
                a["action"].get_type_display(),
                str(a["action"].responsible_agency),
                a["action"].due_on.isoformat(),
                a["action"].get_status_display(),
                str(len(a["services"])),
            ]
            for a in g["actions"]
        ]
        if rows:
            doc.table([_("Type"), _("Responsible agency"), _("Due on"), _("Status"), _("Services")], rows)
    doc.heading(_("The way out"))
    if exit_plan is None:
        doc.paragraph(_("No exit plan is recorded (voluntary return, new employer or local integration)."))
    else:
        pairs = [(_("Way out"), exit_plan.get_pathway_display())]
        if exit_plan.exited_on:
            pairs.append((_("Date of exit"), exit_plan.exited_on.isoformat()))
        if exit_plan.reception_organisation:
            pairs.append((_("Reception organisation"), exit_plan.reception_organisation))
        doc.rows(pairs)
        if follow_ups:
            doc.table(
                [_("Follow-up contacts"), _("Due on"), _("Outcome")],
                [
                    [str(f.months_after_exit), f.due_on.isoformat(), f.get_outcome_display() if f.outcome else "—"]
                    for f in follow_ups
                ],
            )
    unmet = selectors.closure_unmet(case)
    doc.heading(_("Before the case can close"))
    for message in unmet or [_("All closure criteria are met.")]:
        doc.paragraph(f"• {message}")
    return doc.render()


def _direction(code: str) -> str:
    return {
        "improved": _("better"),
        "worse": _("worse"),
        "same": _("unchanged"),
    }.get(code, _("first rating"))
