"""Notification texts for referrals (parameters are references and dates only)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from himaya.notifications.messages import register

VERBS = {
    "referral.sent": _("New referral %(reference)s for case %(case)s: answer due %(due)s."),
    "referral.accepted": _("Referral %(reference)s (case %(case)s) was accepted."),
    "referral.declined": _("Referral %(reference)s (case %(case)s) was declined."),
    "referral.in_progress": _("Work has started on referral %(reference)s (case %(case)s)."),
    "referral.completed": _("Referral %(reference)s (case %(case)s) was completed."),
    "referral.cancelled": _("Referral %(reference)s (case %(case)s) was cancelled by the sender."),
    "referral.overdue": _("Referral %(reference)s (case %(case)s) is overdue: no answer since %(due)s."),
}

for verb, text in VERBS.items():
    register(verb, text)
