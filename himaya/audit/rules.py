"""Audit-log permissions beyond those in himaya/access/rules.py (autodiscovered by the access app)."""

from __future__ import annotations

from himaya.access.policy import permission
from himaya.accounts.roles import Role

# Who opened our agency's records by breaking glass: agency admins and supervisors, and auditors.
permission("audit.break_glass", roles=[Role.AUDITOR, Role.AGENCY_ADMIN, Role.SUPERVISOR])
