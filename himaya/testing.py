"""The cast of test users, shared by every test module (healthchecks-style).

Agencies:  epc (protection centre, labour regulator), police, shelter (NGO shelter operator),
           ngo, embassy_in (embassy of India), embassy_ph (embassy of the Philippines), partner (Jordan NRM)
Users (all MFA-enrolled with TOTP secret CAST_TOTP_SECRET unless noted; password CAST_PASSWORD):
  alice    epc      first_responder
  bob      epc      case_worker
  carol    epc      nrm_coordinator
  sam      epc      supervisor
  dora     epc      agency_admin
  adam     epc      analyst          (no personal data)
  audrey   epc      auditor
  sysop    epc      system_admin
  pete     police   first_responder  ("another agency's user")
  paula    police   agency_admin     ("the other agency's admin")
  sheila   shelter  service_provider
  emil     embassy_in  case_worker
  gone     epc      case_worker, deactivated
  ivan     immigration  case_worker  (checks protection from removal, never sees cases)
  ines     epc      labour_inspector (inspects employers on the prevention queue)
  tina     epc      training_officer (the regional training centre's staff)
  trent    ngo      trainer          (a trainer from the NGO)
  jamal    partner  agency_admin     (a partner country's agency administrator)
"""

from __future__ import annotations

from dataclasses import dataclass

from himaya.accounts.models import User, UserRole
from himaya.accounts.roles import Role
from himaya.agencies.models import Agency, AgencyType

CAST_PASSWORD = "correct horse battery staple 42"  # noqa: S105
CAST_TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"  # noqa: S105

AGENCIES = {
    "epc": ("مركز حماية العمالة الوافدة", "Expatriate Workers Protection Centre", AgencyType.PROTECTION_CENTRE, ""),
    "police": ("وحدة مكافحة الاتجار بالأشخاص", "Anti-Trafficking Police Unit", AgencyType.POLICE, ""),
    "shelter": ("دار الأمان", "Dar Al Aman Shelter", AgencyType.SHELTER_OPERATOR, ""),
    "ngo": ("جمعية حقوق العمال", "Migrant Workers Rights Society", AgencyType.NGO, ""),
    "embassy_in": ("سفارة الهند", "Embassy of India", AgencyType.EMBASSY, "IN"),
    "embassy_ph": ("سفارة الفلبين", "Embassy of the Philippines", AgencyType.EMBASSY, "PH"),
    "partner": (
        "اللجنة الوطنية لمنع الاتجار بالبشر - الأردن",
        "Jordan National Committee",
        AgencyType.PARTNER_NRM,
        "JO",
    ),
    "immigration": (
        "شؤون الجنسية والجوازات والإقامة",
        "Nationality, Passports and Residence Affairs",
        AgencyType.IMMIGRATION,
        "",
    ),
}

USERS = {
    "alice": ("epc", [Role.FIRST_RESPONDER]),
    "bob": ("epc", [Role.CASE_WORKER]),
    "carol": ("epc", [Role.NRM_COORDINATOR]),
    "sam": ("epc", [Role.SUPERVISOR]),
    "dora": ("epc", [Role.AGENCY_ADMIN]),
    "adam": ("epc", [Role.ANALYST]),
    "audrey": ("epc", [Role.AUDITOR]),
    "sysop": ("epc", [Role.SYSTEM_ADMIN]),
    "pete": ("police", [Role.FIRST_RESPONDER]),
    "paula": ("police", [Role.AGENCY_ADMIN]),
    "sheila": ("shelter", [Role.SERVICE_PROVIDER]),
    "emil": ("embassy_in", [Role.CASE_WORKER]),
    "gone": ("epc", [Role.CASE_WORKER]),
    "ivan": ("immigration", [Role.CASE_WORKER]),
    "ines": ("epc", [Role.LABOUR_INSPECTOR]),
    "tina": ("epc", [Role.TRAINING_OFFICER]),
    "trent": ("ngo", [Role.TRAINER]),
    "jamal": ("partner", [Role.AGENCY_ADMIN]),
}


@dataclass
class Cast:
    agencies: dict[str, Agency]
    users: dict[str, User]

    def __getattr__(self, name: str) -> User:
        try:
            return self.__dict__["users"][name]
        except KeyError:
            raise AttributeError(name) from None


def make_cast(*, mfa: bool = True) -> Cast:
    """Create the cast's agencies and users directly (fixtures, not user actions)."""
    agencies = {
        code: Agency.objects.create(code=code, name_ar=ar, name_en=en, type=kind, country=country)
        for code, (ar, en, kind, country) in AGENCIES.items()
    }
    users: dict[str, User] = {}
    for name, (agency_code, roles) in USERS.items():
        user = User(email=f"{name}@example.org", full_name=name.capitalize(), agency=agencies[agency_code])
        user.set_password(CAST_PASSWORD)
        user.is_active = name != "gone"
        user.save()
        UserRole.objects.bulk_create([UserRole(user=user, role=r) for r in roles])
        users[name] = user
    if mfa:
        from himaya.accounts.mfa import enrol_for_fixture

        for user in users.values():
            if user.mfa_required:
                enrol_for_fixture(user, CAST_TOTP_SECRET)
    return Cast(agencies=agencies, users=users)
