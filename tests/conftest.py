"""Suite-wide handling of the `browser` and `postgres` markers.

On a laptop without Chromium or PostgreSQL those tests are skipped, with a notice at the end of
the run. Under CI (CI=true) they must run: a missing Chromium stops the run with an error, and
the `postgres` tests are left to the PostgreSQL pass of .ci/run (DATABASE_URL=postgres://…),
where a missing server fails the run.

The hook sees every collected test (this conftest is loaded whenever tests/ is collected, as it
is by `make test`).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.conf import settings

CI = os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}
CHROMIUM = Path(os.environ.get("HIMAYA_CHROMIUM", "/usr/bin/chromium"))

_notices: list[str] = []


def chromium_problem() -> str:
    """Why the browser tests cannot run here, or '' when they can."""
    if not (CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK)):
        return f"Chromium not found at {CHROMIUM} (Debian: apt-get install chromium fonts-noto-core)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "Playwright for Python is not installed (pip install -r requirements.txt)"
    return ""


def on_postgres() -> bool:
    return "postgresql" in str(settings.DATABASES["default"]["ENGINE"])


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    browser = [item for item in items if item.get_closest_marker("browser")]
    postgres = [item for item in items if item.get_closest_marker("postgres")]

    problem = chromium_problem() if browser else ""
    if problem:
        if CI:
            raise pytest.UsageError(
                f"CI=true and {len(browser)} browser test(s) must run, but: {problem}. "
                "`.ci/run` installs it; on a laptop, unset CI to skip them."
            )
        skip = pytest.mark.skip(reason=f"browser test: {problem}")
        for item in browser:
            item.add_marker(skip)
        _notices.append(f"{len(browser)} browser test(s) SKIPPED: {problem}.")

    if postgres and not on_postgres():
        if CI:
            # .ci/run runs the suite a second time on PostgreSQL, where these run.
            keep = [item for item in items if not item.get_closest_marker("postgres")]
            config.hook.pytest_deselected(items=postgres)
            items[:] = keep
            _notices.append(f"{len(postgres)} PostgreSQL-only test(s) left to the PostgreSQL pass of .ci/run.")
        else:
            skip = pytest.mark.skip(reason="needs PostgreSQL: set DATABASE_URL=postgres://…")
            for item in postgres:
                item.add_marker(skip)
            _notices.append(
                f"{len(postgres)} PostgreSQL-only test(s) SKIPPED: run with "
                "DATABASE_URL=postgres://postgres@127.0.0.1:5432/test to include them."
            )


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if _notices:
        terminalreporter.section("himaya: not run here", sep="-", yellow=True)
        for notice in _notices:
            terminalreporter.write_line(notice, yellow=True)
