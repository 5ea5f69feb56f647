"""The PostgreSQL backend loads timestamps in C and still returns aware UTC datetimes, as Django does."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.db.backends.postgresql.psycopg_any import BaseTzLoader

from himaya.accounts.models import User

pytestmark = pytest.mark.django_db


def _postgresql() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("the PostgreSQL backend (runs in the PostgreSQL suite)")


def test_timestamps_load_through_the_c_loader_as_utc(cast) -> None:
    _postgresql()
    with connection.cursor() as cursor:
        cursor.execute("SELECT %s::timestamptz, '2026-01-01 10:00:00+03'::timestamptz", [cast.bob.date_joined])
        stored, literal = cursor.fetchone()
        loader = cursor.cursor.adapters.get_loader(1184, 0)
    assert not issubclass(loader, BaseTzLoader)  # not Django's Python loader
    assert loader.__module__ == "psycopg_binary._psycopg"  # psycopg's C one
    assert stored == cast.bob.date_joined and stored.tzinfo is dt.UTC
    assert literal == dt.datetime(2026, 1, 1, 7, 0, tzinfo=dt.UTC) and literal.tzinfo is dt.UTC
    reloaded = User.objects.get(pk=cast.bob.pk)
    assert reloaded.date_joined == cast.bob.date_joined and reloaded.date_joined.tzinfo is dt.UTC


def test_named_cursors_still_work(cast) -> None:
    _postgresql()
    emails = [u.email for u in User.objects.order_by("pk").iterator(chunk_size=2)]
    assert cast.bob.email in emails and len(emails) == User.objects.count()
