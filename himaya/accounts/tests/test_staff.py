"""Staff management by agency administrators, and the invitation flow end to end."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from himaya.accounts import mfa
from himaya.accounts.models import Invitation, User
from himaya.accounts.roles import Role
from himaya.accounts.services import staff_invite, staff_set_roles
from himaya.accounts.testing import login
from himaya.accounts.tests.helpers import actions, codes_on_page, secret_on_page, totp_now

GOOD_PASSWORD = "a long and lovely passphrase"


def test_an_agency_admin_lists_only_their_agencys_staff(client, cast) -> None:
    login(client, cast.dora)
    page = client.get(reverse("accounts:staff")).content.decode()
    assert "bob@example.org" in page and "gone@example.org" in page
    assert "pete@example.org" not in page and "paula@example.org" not in page


def test_a_system_admin_sees_every_agency(client, cast) -> None:
    login(client, cast.sysop)
    page = client.get(reverse("accounts:staff")).content.decode()
    assert "bob@example.org" in page and "pete@example.org" in page
    police = client.get(reverse("accounts:staff") + "?agency=police").content.decode()
    assert "pete@example.org" in police and "bob@example.org" not in police


def test_staff_without_the_permission_get_404(client, cast) -> None:
    login(client, cast.bob)
    assert client.get(reverse("accounts:staff")).status_code == 404
    assert client.get(reverse("accounts:staff_invite")).status_code == 404


def test_another_agencys_admin_gets_404_and_changes_nothing(client, cast) -> None:
    login(client, cast.paula)
    assert client.get(reverse("accounts:staff_detail", kwargs={"pk": cast.bob.pk})).status_code == 404
    assert client.post(reverse("accounts:staff_deactivate", kwargs={"pk": cast.bob.pk})).status_code == 404
    response = client.post(reverse("accounts:staff_roles", kwargs={"pk": cast.bob.pk}), {"roles": ["analyst"]})
    assert response.status_code == 404
    cast.bob.refresh_from_db()
    assert cast.bob.is_active and cast.bob.role_set == {Role.CASE_WORKER}
    assert ("accounts.user.change", "denied") in actions(actor_id=cast.paula.pk)


def test_an_agency_admin_cannot_grant_system_admin(client, cast) -> None:
    login(client, cast.dora)
    url = reverse("accounts:staff_roles", kwargs={"pk": cast.bob.pk})
    response = client.post(url, {"roles": ["case_worker", "system_admin"]})
    assert response.status_code == 400
    assert User.objects.get(pk=cast.bob.pk).role_set == {Role.CASE_WORKER}
    with pytest.raises(ValidationError):
        staff_set_roles(actor=cast.dora, target=cast.bob, roles=["system_admin"])
    with pytest.raises(ValidationError):
        staff_invite(
            actor=cast.dora, email="x@example.org", full_name="X", roles=["system_admin"], base_url="http://testserver"
        )
    assert not Invitation.objects.exists()


def test_an_agency_admin_cannot_change_a_system_admin_or_themselves(client, cast) -> None:
    login(client, cast.dora)
    client.post(reverse("accounts:staff_deactivate", kwargs={"pk": cast.sysop.pk}))
    client.post(reverse("accounts:staff_deactivate", kwargs={"pk": cast.dora.pk}))
    assert User.objects.get(pk=cast.sysop.pk).is_active
    assert User.objects.get(pk=cast.dora.pk).is_active


def test_an_admin_changes_roles_deactivates_and_reactivates(client, cast) -> None:
    login(client, cast.dora)
    detail = reverse("accounts:staff_detail", kwargs={"pk": cast.bob.pk})
    assert client.get(detail).status_code == 200
    client.post(reverse("accounts:staff_roles", kwargs={"pk": cast.bob.pk}), {"roles": ["case_worker", "supervisor"]})
    assert User.objects.get(pk=cast.bob.pk).role_set == {Role.CASE_WORKER, Role.SUPERVISOR}
    client.post(reverse("accounts:staff_deactivate", kwargs={"pk": cast.bob.pk}))
    assert not User.objects.get(pk=cast.bob.pk).is_active
    client.post(reverse("accounts:staff_reactivate", kwargs={"pk": cast.bob.pk}))
    assert User.objects.get(pk=cast.bob.pk).is_active
    assert [a for a, _ in actions(actor_id=cast.dora.pk) if a.startswith("accounts.staff")] == [
        "accounts.staff.roles",
        "accounts.staff.deactivate",
        "accounts.staff.reactivate",
    ]


def test_an_admin_removes_a_lost_authenticator(client, cast) -> None:
    login(client, cast.dora)
    client.post(reverse("accounts:staff_mfa_reset", kwargs={"pk": cast.bob.pk}))
    assert not mfa.has_confirmed_device(cast.bob)
    bob = Client()
    bob.post(reverse("accounts:login"), {"email": cast.bob.email, "password": "correct horse battery staple 42"})
    assert bob.get(reverse("accounts:mfa_setup")).status_code == 200


def _link_from_mail() -> str:
    assert len(mail.outbox) == 1
    match = re.search(r"http://testserver(/accounts/invite/[^\s]+/)", mail.outbox[0].body)
    assert match, mail.outbox[0].body
    return match.group(1)


def test_the_invitation_flow_end_to_end(client, cast) -> None:
    login(client, cast.dora)
    response = client.post(
        reverse("accounts:staff_invite"),
        {"email": "Newcomer@Example.org", "full_name": "New Comer", "roles": ["case_worker"]},
    )
    assert response.status_code == 302
    link = _link_from_mail()
    invitation = Invitation.objects.get()
    assert invitation.token_hash and link.split("/")[-2] not in invitation.token_hash  # only the hash is kept
    assert mail.outbox[0].to == ["newcomer@example.org"]

    invitee = Client()
    page = invitee.get(link)
    assert page.status_code == 200 and "New Comer" in page.content.decode()
    weak = invitee.post(link, {"full_name": "New Comer", "password1": "short", "password2": "short"})
    assert weak.status_code == 400 and not User.objects.filter(email="newcomer@example.org").exists()
    created = invitee.post(link, {"full_name": "New Comer", "password1": GOOD_PASSWORD, "password2": GOOD_PASSWORD})
    assert created["Location"] == reverse("accounts:mfa_setup")
    assert invitee.get(reverse("dashboard:home")).status_code == 302  # MFA first
    secret = secret_on_page(invitee.get(reverse("accounts:mfa_setup")))
    assert len(codes_on_page(invitee.post(reverse("accounts:mfa_setup"), {"code": totp_now(secret)}))) == 10
    assert invitee.get(reverse("dashboard:home")).status_code == 200

    user = User.objects.get(email="newcomer@example.org")
    assert (user.agency, user.role_set, user.invited_by) == (cast.agencies["epc"], {Role.CASE_WORKER}, cast.dora)
    assert Client().get(link).status_code == 404  # the link works once
    assert ("accounts.invitation.create", "ok") in actions(actor_id=cast.dora.pk)
    assert ("accounts.invitation.accept", "ok") in actions(actor_id=user.pk)


def test_a_system_admin_invites_into_another_agency(client, cast) -> None:
    login(client, cast.sysop)
    response = client.post(
        reverse("accounts:staff_invite"),
        {
            "email": "officer@example.org",
            "full_name": "Officer",
            "roles": ["first_responder"],
            "agency": cast.agencies["police"].pk,
        },
    )
    assert response.status_code == 302
    assert Invitation.objects.get().agency == cast.agencies["police"]


def test_an_agency_admin_cannot_invite_into_another_agency(cast) -> None:
    from django.http import Http404

    with pytest.raises(Http404):
        staff_invite(
            actor=cast.dora,
            email="x@example.org",
            full_name="X",
            roles=["case_worker"],
            agency=cast.agencies["police"],
            base_url="http://testserver",
        )


def test_an_existing_email_cannot_be_invited(client, cast) -> None:
    login(client, cast.dora)
    response = client.post(
        reverse("accounts:staff_invite"), {"email": "BOB@example.org", "full_name": "Bob", "roles": ["case_worker"]}
    )
    assert response.status_code == 400
    assert not Invitation.objects.exists() and not mail.outbox


def test_a_withdrawn_invitation_link_no_longer_works(client, cast) -> None:
    login(client, cast.dora)
    client.post(
        reverse("accounts:staff_invite"), {"email": "late@example.org", "full_name": "Late", "roles": ["analyst"]}
    )
    link = _link_from_mail()
    client.post(reverse("accounts:invitation_revoke", kwargs={"pk": Invitation.objects.get().pk}))
    assert Client().get(link).status_code == 404


def test_the_navbar_partial_offers_staff_only_to_staff_managers(rf, cast) -> None:
    from django.template.loader import render_to_string

    def render(user):
        request = rf.get("/")
        request.user = user
        return render_to_string("accounts/_nav_user.html", {"user": user}, request=request)

    assert reverse("accounts:staff") in render(cast.dora)
    assert reverse("accounts:staff") not in render(cast.bob)
    assert reverse("accounts:logout") in render(cast.bob)
