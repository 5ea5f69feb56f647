"""The audit URL x role matrix (the suite-wide check lives in tests/)."""

from __future__ import annotations

from django.db import transaction
from django.test import Client
from django.urls import get_resolver, reverse

from himaya.access.matrix import build_world
from himaya.accounts.testing import login
from himaya.audit.access_matrix import EXPECTATIONS
from himaya.testing import USERS


def test_every_audit_url_declares_who_gets_what() -> None:
    audit = get_resolver().namespace_dict["audit"][1]
    assert {f"audit:{name}" for name in audit.reverse_dict if isinstance(name, str)} == set(EXPECTATIONS)


def test_every_role_gets_what_the_matrix_says(cast) -> None:
    world = build_world(cast)
    mismatches = []
    for url_name, expect in EXPECTATIONS.items():
        for who in ["anonymous", *USERS]:
            with transaction.atomic():
                client = Client()
                if who != "anonymous":
                    login(client, cast.users[who])
                url = reverse(url_name, kwargs=expect.kwargs(world) if expect.kwargs else None) + expect.query
                status = getattr(client, expect.method)(url).status_code
                transaction.set_rollback(True)
            if status != expect.expected_for(who):
                mismatches.append(f"{url_name} as {who}: {status}, expected {expect.expected_for(who)}")
    assert not mismatches, "\n".join(mismatches)
