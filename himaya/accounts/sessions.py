"""Django's database session engine, reading a session with one prepared statement.

Every page request loads its session first. Django builds that query through the ORM each time
(`Session.objects.get(session_key=…, expire_date__gt=now)`), and compiling it cost more than
running it. This store runs the same SELECT as plain SQL; saving, expiry and deletion are Django's.

    SESSION_ENGINE = "himaya.accounts.sessions"
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.contrib.sessions.backends import db
from django.db import connections, router
from django.utils import timezone


class SessionStore(db.SessionStore):
    def _get_session_from_db(self) -> Any:
        key = self.session_key
        if not key:
            self._session_key = None
            return None
        model = self.model
        opts = model._meta
        sql = (
            f'SELECT "{opts.get_field("session_data").column}", "{opts.get_field("expire_date").column}" '  # noqa: S608
            f'FROM "{opts.db_table}" WHERE "{opts.get_field("session_key").column}" = %s AND '
            f'"{opts.get_field("expire_date").column}" > %s'
        )
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
