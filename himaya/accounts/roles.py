"""Roles a staff member can hold within their agency (Django-free)."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    FIRST_RESPONDER = "first_responder"
    CASE_WORKER = "case_worker"
    SUPERVISOR = "supervisor"
    NRM_COORDINATOR = "nrm_coordinator"
    SERVICE_PROVIDER = "service_provider"
    ANALYST = "analyst"
    AUDITOR = "auditor"
    AGENCY_ADMIN = "agency_admin"
    SYSTEM_ADMIN = "system_admin"
    LABOUR_INSPECTOR = "labour_inspector"
    # The regional training centre: staff who run the catalogue and issue certificates, and trainers.
    TRAINING_OFFICER = "training_officer"
    TRAINER = "trainer"


# Roles whose holders see personal data about victims; they must use MFA.
PERSONAL_DATA_ROLES = frozenset(
    {
        Role.FIRST_RESPONDER,
        Role.CASE_WORKER,
        Role.SUPERVISOR,
        Role.NRM_COORDINATOR,
        Role.SERVICE_PROVIDER,
        Role.AGENCY_ADMIN,
        Role.SYSTEM_ADMIN,
    }
)
# Auditors read the audit trail (who did what), which names staff; labour inspectors see the workers
# of the employers they inspect (prevention's own rules, not the victims' records): MFA protects both.
MFA_REQUIRED_ROLES = PERSONAL_DATA_ROLES | {Role.AUDITOR, Role.LABOUR_INSPECTOR}
# Training officers issue signed certificates and see every participant's results; trainers
# record attendance and scores: both change records other systems trust, so both use MFA.
MFA_REQUIRED_ROLES |= {Role.TRAINING_OFFICER, Role.TRAINER}
