"""The session store reads sessions with plain SQL and behaves as Django's database store."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.sessions.models import Session
from django.utils import timezone

from himaya.accounts.sessions import SessionStore

pytestmark = pytest.mark.django_db


def test_a_saved_session_loads_back() -> None:
    store = SessionStore()
    store["answer"] = 42
    store.create()
    loaded = SessionStore(session_key=store.session_key)
    assert loaded["answer"] == 42
    assert loaded.session_key == store.session_key
    row = loaded._get_session_from_db()
    assert row.expire_date == Session.objects.get(session_key=store.session_key).expire_date
    assert timezone.is_aware(row.expire_date)


def test_an_expired_or_unknown_session_loads_empty_and_gets_a_new_key() -> None:
    store = SessionStore()
    store["answer"] = 42
    store.create()
    Session.objects.filter(session_key=store.session_key).update(expire_date=timezone.now() - dt.timedelta(seconds=1))
    expired = SessionStore(session_key=store.session_key)
    assert expired.get("answer") is None and expired.session_key is None
    unknown = SessionStore(session_key="x" * 32)
    assert unknown.load() == {} and unknown.session_key is None


def test_a_session_about_to_expire_still_loads() -> None:
    store = SessionStore()
    store["answer"] = 42
    store.create()
    Session.objects.filter(session_key=store.session_key).update(expire_date=timezone.now() + dt.timedelta(seconds=30))
    assert SessionStore(session_key=store.session_key)["answer"] == 42


def test_a_page_request_reads_its_session_in_one_statement(client, cast, django_assert_num_queries) -> None:
    from himaya.accounts.testing import login

    login(client, cast.bob)
    store = SessionStore(session_key=client.session.session_key)
    with django_assert_num_queries(1):
        assert store.load()
