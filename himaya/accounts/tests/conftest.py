from __future__ import annotations

import pytest
from django.urls import NoReverseMatch, reverse


@pytest.fixture(autouse=True)
def _dashboard_home(settings):
    """Use a stand-in dashboard page until the real one exists (redirect target after sign-in)."""
    try:
        reverse("dashboard:home")
    except NoReverseMatch:
        settings.ROOT_URLCONF = "himaya.accounts.tests.urls"
    yield


@pytest.fixture(autouse=True)
def _immediate_tasks(settings):
    # Invitation e-mails are sent by a task: run it at once (django_tasks resets on setting_changed).
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    yield
