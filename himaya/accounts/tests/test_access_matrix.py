"""The accounts URL x role matrix (the suite-wide check lives in tests/)."""

from __future__ import annotations

from types import SimpleNamespace

from django.db import transaction
from django.test import Client
from django.urls import get_resolver, reverse

from himaya.accounts.access_matrix import EXPECTATIONS
from himaya.accounts.testing import login
from himaya.testing import USERS


def accounts_url_names() -> set[str]:
    accounts = get_resolver().namespace_dict["accounts"][1]
    return {f"accounts:{name}" for name in accounts.reverse_dict if isinstance(name, str)}


def test_every_accounts_url_declares_who_gets_what() -> None:
    assert accounts_url_names() == set(EXPECTATIONS)


def test_every_role_gets_what_the_matrix_says(cast) -> None:
    world = SimpleNamespace(cast=cast, **cast.users)
    who_all = ["anonymous", *USERS]
    mismatches = []
    for url_name, expect in EXPECTATIONS.items():
        for who in who_all:
            with transaction.atomic():
                client = Client()
                if who != "anonymous":
                    login(client, cast.users[who])
                url = reverse(url_name, kwargs=expect.kwargs(world) if expect.kwargs else None) + expect.query
                data = expect.data(world) if expect.data else {}
                status = getattr(client, expect.method)(url, data).status_code
                transaction.set_rollback(True)
            if status != expect.expected_for(who):
                mismatches.append(f"{url_name} as {who}: {status}, expected {expect.expected_for(who)}")
    assert not mismatches, "\n".join(mismatches)
