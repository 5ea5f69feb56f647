"""Seeding the demo: fictional agencies, staff in every role, and synthetic people.

Agencies and staff are fixtures (created directly, like the test cast); people are recorded
through `himaya.people.services.person_create` by each agency's first responder, so they are
encrypted, indexed and audited exactly as real records are. Running it again creates nothing
new: agencies are keyed on their code, staff on their e-mail, and an agency that already has
people gets no more. Refused in production: the demo password is public.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import random
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.utils.translation import gettext as _

from himaya.accounts.models import TotpDevice, User, UserRole
from himaya.accounts.roles import Role
from himaya.agencies.models import Agency, AgencyService
from himaya.audit.services import audit_record
from himaya.core import normalise
from himaya.demo.data import AGENCIES, DEMO_PASSWORD, AgencySpec, staff_email
from himaya.demo.names import ORIGIN_WEIGHTS, generate_name
from himaya.people.models import Gender, Person

DEFAULT_SEED = 2026
DEFAULT_PEOPLE = 60

# Shares of the synthetic people per recording agency come from AgencySpec.people.
_PASSPORT_PREFIX = {"IN": "K", "BD": "EB", "PH": "P", "NP": "PA", "ET": "EP", "LK": "N", "PK": "AB", "KE": "AK"}
_HOME_DIALLING = {
    "IN": "+91 9",
    "BD": "+880 17",
    "PH": "+63 917",
    "NP": "+977 98",
    "ET": "+251 91",
    "LK": "+94 77",
    "PK": "+92 300",
    "KE": "+254 72",
}
_HOME_DIGITS = {"IN": 9, "BD": 8, "PH": 7, "NP": 8, "ET": 7, "LK": 7, "PK": 7, "KE": 7}


@dataclass(frozen=True)
class DemoLogin:
    role: Role
    agency_code: str
    agency_name: str
    email: str
    password: str
    totp_secret: str


@dataclass
class SeedReport:
    agencies_created: int = 0
    services_created: int = 0
    staff_created: int = 0
    people_created: int = 0
    cases_created: int = 0
    logins: list[DemoLogin] = field(default_factory=list)

    @property
    def created_anything(self) -> bool:
        return bool(
            self.agencies_created
            or self.services_created
            or self.staff_created
            or self.people_created
            or self.cases_created
        )


def _rng(seed: int, *labels: str) -> random.Random:
    """A generator for one item: what it draws depends only on the seed and the item's labels."""
    return random.Random(":".join([str(seed), *labels]))  # fictional data, not security


def totp_secret_for(seed: int, email: str) -> str:
    """The demo TOTP secret of a staff account: 160 bits, base32, reproducible from the seed."""
    return base64.b32encode(_rng(seed, "totp", email).randbytes(20)).decode("ascii")


def _ensure_agency(spec: AgencySpec, parents: dict[str, Agency], report: SeedReport) -> Agency:
    agency = Agency.objects.filter(code=spec.code).first()
    if agency is None:
        agency = Agency.objects.create(
            code=spec.code,
            name_ar=spec.name_ar,
            name_en=spec.name_en,
            type=spec.type,
            parent=parents.get(spec.parent) if spec.parent else None,
            country=spec.country,
            email=spec.email,
            phone=spec.phone,
            address_ar=spec.address_ar,
            address_en=spec.address_en,
            website=spec.website,
        )
        report.agencies_created += 1
    for service in spec.services:
        _, created = AgencyService.objects.get_or_create(
            agency=agency,
            service_type=service.type,
            defaults={
                "languages": service.languages,
                "capacity_note": service.capacity,
                "opening_hours": service.hours,
            },
        )
        report.services_created += int(created)
    return agency


def _ensure_staff(spec: AgencySpec, agency: Agency, role: Role, seed: int, report: SeedReport) -> User:
    from himaya.accounts.mfa import enrol_for_fixture

    email = staff_email(spec, role)
    user = User.objects.filter(email__iexact=email).first()
    if user is None:
        name = generate_name(_rng(seed, "staff", email), spec.staff_origin)
        user = User(
            email=email,
            full_name=name.arabic if spec.staff_language == "ar" else name.latin,
            agency=agency,
            language=spec.staff_language,
        )
        user.set_password(DEMO_PASSWORD)
        user.save()
        UserRole.objects.create(user=user, role=role)
        report.staff_created += 1
    if user.mfa_required and not TotpDevice.objects.filter(user=user, confirmed_at__isnull=False).exists():
        enrol_for_fixture(user, totp_secret_for(seed, email))
    return user


def _phone(rng: random.Random, country: str) -> str:
    """A mobile number: local (Bahrain-style) for most, the home country's for some, none for a few."""
    roll = rng.random()
    if roll < 0.15:
        return ""
    for _attempt in range(20):
        if roll < 0.8:
            candidate = f"+973 3{rng.choice('3456789')}{rng.randrange(10**6):06d}"
        else:
            digits = _HOME_DIGITS[country]
            candidate = f"{_HOME_DIALLING[country]}{rng.randrange(10**digits):0{digits}d}"
        if normalise.phone_e164(candidate):
            return candidate
    return ""


def person_values(rng: random.Random, *, today: dt.date) -> dict[str, Any]:
    """One synthetic person's details, as a first responder would record them."""
    country = rng.choices(list(ORIGIN_WEIGHTS), weights=list(ORIGIN_WEIGHTS.values()))[0]
    female = rng.random() < 0.7  # most identified victims in the region are women domestic workers
    name = generate_name(rng, country, female=female)
    age = rng.choice([16, 17]) if rng.random() < 0.05 else rng.randint(19, 52)
    birth = today - dt.timedelta(days=age * 365 + rng.randrange(365))
    values: dict[str, Any] = {
        "gender": Gender.FEMININE if female else Gender.MASCULINE,
        "nationality": country,
        "given_name_latin": name.given_latin,
        "family_name_latin": name.family_latin,
        "full_name_arabic": name.arabic if rng.random() < 0.9 else "",
        # Employers often hold the passport: a third of people have no document to show.
        "document_number": (f"{_PASSPORT_PREFIX[country]}{rng.randrange(10**7):07d}" if rng.random() < 0.67 else ""),
        "phone": _phone(rng, country),
    }
    if rng.random() < 0.85:  # some people do not know or give their date of birth
        values["date_of_birth"] = birth
    return values


def _people_shares(total: int) -> dict[str, int]:
    weights = {spec.code: spec.people for spec in AGENCIES if spec.people}
    whole = sum(weights.values())
    shares = {code: total * w // whole for code, w in weights.items()}
    first = next(iter(shares))
    shares[first] += total - sum(shares.values())
    return shares


def demo_seed(
    *, actor: None = None, seed: int = DEFAULT_SEED, people: int = DEFAULT_PEOPLE, cases: int | None = None
) -> SeedReport:
    """Create whatever of the demo data is missing; return what was created and the demo logins."""
    if settings.HIMAYA_ENV == "production":
        raise ImproperlyConfigured(_("The demo data has a public password and is never seeded in production."))
    if people < 0:
        raise ValueError(_("The number of people must be zero or more."))
    report = SeedReport()
    today = dt.date.today()
    shares = _people_shares(people)
    with transaction.atomic():
        agencies: dict[str, Agency] = {}
        users: dict[tuple[str, Role], User] = {}
        for spec in AGENCIES:
            agencies[spec.code] = agency = _ensure_agency(spec, agencies, report)
            for role in spec.roles:
                users[(spec.code, role)] = _ensure_staff(spec, agency, role, seed, report)
        for code, count in shares.items():
            agency = agencies[code]
            if count == 0 or Person.objects.filter(owner_agency=agency).exists():
                continue
            from himaya.people.services import person_create

            responder = users[(code, Role.FIRST_RESPONDER)]
            for index in range(count):
                person_create(actor=responder, **person_values(_rng(seed, "person", code, str(index)), today=today))
                report.people_created += 1
        from himaya.demo.cases import DEFAULT_CASES, demo_cases

        report.cases_created = demo_cases(seed=seed, count=DEFAULT_CASES if cases is None else cases)
        from himaya.assistance.demo import demo_care

        demo_care(seed=seed)  # needs, care plans, services, legal claims, the way out
        from himaya.shelters.demo import demo_shelters

        demo_shelters(seed=seed)  # shelters, rooms and beds; residents from accepted shelter referrals
        from himaya.training.demo import demo_training

        demo_training(seed=seed)
        if report.created_anything:
            audit_record(
                actor=None,
                action="demo.seed",
                detail=json.dumps(
                    {
                        "seed": seed,
                        "agencies": report.agencies_created,
                        "services": report.services_created,
                        "staff": report.staff_created,
                        "people": report.people_created,
                        "cases": report.cases_created,
                    },
                    sort_keys=True,
                ),
            )
    report.logins = demo_logins()
    return report


def demo_logins() -> list[DemoLogin]:
    """The demo accounts that exist, in the order of the agency list, with their TOTP secrets."""
    logins = []
    for spec in AGENCIES:
        for role in spec.roles:
            user = User.objects.select_related("agency").filter(email__iexact=staff_email(spec, role)).first()
            if user is None:
                continue
            device = TotpDevice.objects.filter(user=user).first()
            logins.append(
                DemoLogin(
                    role=role,
                    agency_code=spec.code,
                    agency_name=user.agency.name_en,
                    email=user.email,
                    password=DEMO_PASSWORD,
                    totp_secret=device.secret if device else "",
                )
            )
    return logins
