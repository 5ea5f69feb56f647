"""Django's database session engine, reading a session with one prepared statement.

Every page request loads its session first. Django builds that query through the ORM each time
(`Session.objects.get(session_key=…, expire_date__gt=now)`), and compiling it cost more than
running it. This store runs the same SELECT as plain SQL; saving, expiry and deletion are Django's.

    SESSION_ENGINE = "himaya.accounts.sessions"
"""

from __future__ import annotations

import datetime as dt
from functools import cache
from typing import Any

from django.conf import settings
from django.contrib.sessions.backends import db
from django.db import connections, router
from django.utils import timezone


@cache
def _select(model: type[Any]) -> str:
    """The session SELECT, written once per process from the model's table and column names."""
    opts = model._meta
    data, expires, key = (opts.get_field(name).column for name in ("session_data", "expire_date", "session_key"))
    return f'SELECT "{data}", "{expires}" FROM "{opts.db_table}" WHERE "{key}" = %s AND "{expires}" > %s'  # noqa: S608


class SessionStore(db.SessionStore):
    def _get_session_from_db(self) -> Any:
        key = self.session_key
        if not key:
            self._session_key = None
            return None
        model = self.model
        sql = _select(model)
        connection = connections[router.db_for_read(model)]
        with connection.cursor() as cursor:
            cursor.execute(sql, [key, connection.ops.adapt_datetimefield_value(timezone.now())])
            row = cursor.fetchone()
        if row is None:
            self._session_key = None
            return None
        expire_date = row[1]
        if settings.USE_TZ and timezone.is_naive(expire_date):  # SQLite stores UTC without an offset
            expire_date = timezone.make_aware(expire_date, dt.UTC)
        return model(session_key=key, session_data=row[0], expire_date=expire_date)
