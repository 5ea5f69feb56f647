"""The API's own URL x role matrix, checked here too (the suite-wide check lives in tests/)."""

from __future__ import annotations

from types import SimpleNamespace

from django.test import Client
from django.urls import get_resolver, reverse

from himaya.accounts.testing import login
from himaya.api.access_matrix import EXPECTATIONS
from himaya.people.services import person_create
from himaya.testing import USERS


def api_url_names() -> set[str]:
    resolver = get_resolver()
    api = resolver.namespace_dict["api"][1]
    return {f"api:{name}" for name in api.reverse_dict if isinstance(name, str)}


def test_every_expectation_names_a_real_api_url() -> None:
    # Coverage of every api: URL (other apps declare theirs in their own access_matrix.py) is
    # checked suite-wide by tests/test_url_matrix.py; here: no stale names in this app's list.
    assert set(EXPECTATIONS) <= api_url_names()
    assert {"api:me", "api:person-list", "api:person-detail", "api:schema"} <= set(EXPECTATIONS)


def test_every_role_gets_what_the_matrix_says(cast) -> None:
    world = SimpleNamespace(
        cast=cast,
        person=person_create(actor=cast.alice, given_name_latin="Maria"),
        police_person=person_create(actor=cast.pete, given_name_latin="Rina"),
        **cast.users,
    )
    clients = {"anonymous": Client()}
    for name in USERS:
        clients[name] = Client()
        login(clients[name], cast.users[name])
    mismatches = []
    for url_name, expect in EXPECTATIONS.items():
        url = reverse(url_name, kwargs=expect.kwargs(world) if expect.kwargs else None) + expect.query
        for who, client in clients.items():
            status = getattr(client, expect.method)(url).status_code
            if status != expect.expected_for(who):
                mismatches.append(f"{url_name} as {who}: {status}, expected {expect.expected_for(who)}")
    assert not mismatches, "\n".join(mismatches)
