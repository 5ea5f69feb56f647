"""`himaya bench web` refuses to measure what would not mean anything."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command
from django.db import connection


@pytest.mark.django_db
def test_it_refuses_sqlite_and_an_empty_database() -> None:
    if connection.vendor == "sqlite":
        with pytest.raises(CommandError, match="PostgreSQL"):
            call_command("bench_web")
    with pytest.raises(CommandError, match="load national-scale data first"):
        call_command("bench_web", "--allow-sqlite")
