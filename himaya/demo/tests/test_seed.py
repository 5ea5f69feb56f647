"""`himaya seed` / `himaya demo`: fictional data a demo visitor can sign in to, created once."""

from __future__ import annotations

import datetime as dt
import io
import random
import re

import pyotp
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation

from himaya.accounts import mfa
from himaya.accounts.models import User
from himaya.accounts.roles import Role
from himaya.agencies.models import Agency, AgencyService, AgencyType
from himaya.audit.models import AuditEvent
from himaya.audit.verify import verify_chain
from himaya.demo.data import DEMO_PASSWORD
from himaya.demo.names import NAME_PARTS, generate_name
from himaya.demo.services import demo_seed, person_values
from himaya.people.models import Person

NEW_YEAR = dt.date(2026, 1, 1)
ARABIC = re.compile(r"[\u0600-\u06FF]")
EMBASSY_COUNTRIES = {"IN", "BD", "PH", "NP", "ET", "LK", "PK", "KE"}


@pytest.fixture(autouse=True)
def _english():
    """Command output is asserted in English (commands otherwise speak the default language, Arabic)."""
    with translation.override("en"):
        yield


def seed(*args: str) -> str:
    out = io.StringIO()
    call_command("seed", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def seeded(db):
    return demo_seed(seed=7, people=12)


def test_it_models_the_referral_network(seeded):
    epc = Agency.objects.get(code="epc")
    assert epc.type == AgencyType.PROTECTION_CENTRE
    assert epc.parent is not None and epc.parent.type == AgencyType.LABOUR_REGULATOR
    assert set(Agency.objects.filter(type=AgencyType.EMBASSY).values_list("country", flat=True)) == EMBASSY_COUNTRIES
    assert Agency.objects.get(type=AgencyType.PARTNER_NRM).country == "JO"
    for kind in AgencyType.values:
        assert Agency.objects.filter(type=kind).exists(), kind
    assert Agency.objects.filter(type=AgencyType.SHELTER_OPERATOR).count() == 2
    assert Agency.objects.filter(type=AgencyType.NGO).count() == 3
    for agency in Agency.objects.all():
        assert ARABIC.search(agency.name_ar) and not ARABIC.search(agency.name_en)
        assert agency.address_ar and agency.address_en and agency.phone and agency.email
        assert AgencyService.objects.filter(agency=agency).exists(), agency.code


def test_it_gives_the_protection_centre_someone_in_every_role(seeded):
    roles = set(User.objects.filter(agency__code="epc").values_list("roles__role", flat=True))
    assert roles == {r.value for r in Role}
    for code in ("police-atu", "shelter-aman", "ngo-mwcs", "emb-in"):
        assert User.objects.filter(agency__code=code, roles__role=Role.CASE_WORKER).exists(), code
        assert User.objects.filter(agency__code=code, roles__role=Role.AGENCY_ADMIN).exists(), code


def test_every_printed_login_signs_in_with_its_password_and_totp_secret(seeded):
    assert len(seeded.logins) == User.objects.count()
    secrets = [x.totp_secret for x in seeded.logins if x.totp_secret]
    assert len(set(secrets)) == len(secrets)
    for login in seeded.logins:
        user = User.objects.get(email=login.email)
        assert login.password == DEMO_PASSWORD and user.check_password(login.password)
        if user.mfa_required:
            device = mfa.confirmed_device(user)
            assert device is not None
            assert mfa.matching_step(device.secret, pyotp.TOTP(login.totp_secret).now(), after=None) is not None
        else:
            assert login.totp_secret == ""


def test_it_records_synthetic_people_through_the_first_responders(seeded):
    people = list(Person.objects.select_related("owner_agency", "created_by"))
    assert len(people) == 12
    for person in people:
        assert person.created_by.has_role(Role.FIRST_RESPONDER)
        assert person.created_by.agency_id == person.owner_agency_id
        assert person.nationality in EMBASSY_COUNTRIES
        assert person.given_name_latin and not ARABIC.search(person.given_name_latin)
        assert not person.full_name_arabic or ARABIC.search(person.full_name_arabic)
    assert AuditEvent.objects.filter(action="people.person.create").count() == 12


def test_a_second_run_creates_nothing_new(seeded):
    counts = (Agency.objects.count(), AgencyService.objects.count(), User.objects.count(), Person.objects.count())
    events = AuditEvent.objects.count()
    again = demo_seed(seed=99, people=12)
    assert not again.created_anything
    assert (
        Agency.objects.count(),
        AgencyService.objects.count(),
        User.objects.count(),
        Person.objects.count(),
    ) == counts
    assert AuditEvent.objects.count() == events
    assert [x.totp_secret for x in again.logins] == [x.totp_secret for x in seeded.logins]


def test_seeding_leaves_an_intact_audit_chain(seeded):
    assert AuditEvent.objects.filter(action="demo.seed").count() == 1
    assert verify_chain().ok


def test_the_same_seed_gives_the_same_people():
    first = [person_values(random.Random(f"5:{i}"), today=NEW_YEAR) for i in range(20)]
    again = [person_values(random.Random(f"5:{i}"), today=NEW_YEAR) for i in range(20)]
    other = [person_values(random.Random(f"6:{i}"), today=NEW_YEAR) for i in range(20)]
    assert first == again
    assert first != other


def test_names_are_assembled_from_parts_in_both_scripts():
    rng = random.Random(1)
    for country, parts in NAME_PARTS.items():
        for part in (*parts.female, *parts.male, *parts.family):
            assert not ARABIC.search(part[0]) and ARABIC.search(part[1]), (country, part)
        name = generate_name(rng, country, female=True)
        assert (name.given_latin, name.given_arabic) in parts.female
        assert (name.family_latin, name.family_arabic) in parts.family


def test_the_seed_command_prints_the_logins_table(db):
    output = seed("--seed", "3", "--people", "0")
    assert "Seeded:" in output
    assert "coordinator@epc.example" in output
    assert DEMO_PASSWORD in output
    assert "oathtool --totp -b" in output
    assert "nothing created" in seed("--people", "0")


def test_it_refuses_to_seed_production(db, settings):
    settings.HIMAYA_ENV = "production"
    with pytest.raises(CommandError, match="production"):
        seed()
    assert not Agency.objects.exists()


def test_the_demo_command_refuses_outside_the_demo_environment(db):
    with pytest.raises(CommandError, match="himaya demo"):
        call_command("demo", "--no-serve", stdout=io.StringIO())


@pytest.fixture
def demo_env(db, settings, monkeypatch, tmp_path):
    from himaya.core.crypto import reset_keyring_cache

    settings.HIMAYA_ENV = "demo"
    settings.HIMAYA_KEYRING_FILE = tmp_path / "keys" / "keyring.json"
    settings.HIMAYA_AUDIT_SIGNING_KEY_FILE = tmp_path / "keys" / "audit-signing.key"
    monkeypatch.setenv("PORT", "8123")
    reset_keyring_cache()
    yield tmp_path
    reset_keyring_cache()


def test_the_demo_command_prepares_keys_data_and_prints_the_url(demo_env):
    out = io.StringIO()
    call_command("demo", "--no-serve", "--people", "3", stdout=out)
    output = out.getvalue()
    assert (demo_env / "keys" / "keyring.json").exists()
    assert (demo_env / "keys" / "audit-signing.key").exists()
    assert "http://127.0.0.1:8123/" in output
    assert "responder@epc.example" in output
    assert Person.objects.count() == 3
