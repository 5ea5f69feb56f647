"""Django's PostgreSQL backend with psycopg's C loader for `timestamptz` on UTC connections.

Django registers a Python subclass of psycopg's timestamptz loader on every connection so that it
can force the time zone of the datetimes it returns. That subclass parses in Python, and every
list page loads a few timestamps per row: it was 4 % of a page's CPU. When the connection's time
zone is UTC — always, with USE_TZ and no per-database TIME_ZONE — psycopg's own C loader already
returns datetimes in `datetime.timezone.utc`, exactly what Django's loader would, so this backend
registers that one instead. Any other time zone keeps Django's behaviour unchanged.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.backends.postgresql import base
from django.db.backends.postgresql.psycopg_any import register_tzloader
from psycopg.adapt import AdaptersMap
from psycopg.pq import Format
from psycopg.types.datetime import TimestamptzLoader

TIMESTAMPTZ_OID: int = base.TIMESTAMPTZ_OID  # type: ignore[attr-defined]


class DatabaseWrapper(base.DatabaseWrapper):
    def _utc(self) -> bool:
        return self.timezone is dt.UTC and self.timezone_name == "UTC"

    def get_connection_params(self) -> dict[str, Any]:
        params: dict[str, Any] = super().get_connection_params()
        if self._utc():
            context = AdaptersMap(params["context"])
            # psycopg swaps in its C implementation of the loader when psycopg-binary is installed.
            context.register_loader("timestamptz", TimestamptzLoader)
            params["context"] = context
        return params

    def create_cursor(self, name: str | None = None) -> Any:
        loader = self.connection.adapters.get_loader(TIMESTAMPTZ_OID, Format.TEXT)
        if hasattr(loader, "timezone"):  # Django's own loader: let Django check its time zone
            return super().create_cursor(name)
        cursor: Any
        if name and self.settings_dict["OPTIONS"].get("server_side_binding") is not True:
            # As Django does for named cursors, minus its check of the (Python) loader's time zone.
            cursor = base.ServerSideCursor(  # type: ignore[attr-defined]
                self.connection, name=name, scrollable=False, withhold=self.connection.autocommit
            )
        elif name:
            cursor = self.connection.cursor(name, scrollable=False, withhold=self.connection.autocommit)
        else:
            cursor = self.connection.cursor()
        if not self._utc():  # the time zone changed since the connection opened (tests that override it)
            register_tzloader(self.timezone, cursor)
        return cursor
