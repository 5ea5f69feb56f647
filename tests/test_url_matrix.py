"""The URL × role matrix: every URL pattern declares who gets what, and every role gets exactly that.

Expectations live in `himaya/<app>/access_matrix.py` (format: himaya/access/matrix.py). For each URL
name, every cast member, an anonymous visitor and the deactivated user `gone` request the URL; each
request runs inside a savepoint that is rolled back, so a POST by one role does not change what the
next one sees. A URL pattern without an expectation fails here, by name.
"""

from __future__ import annotations

import importlib
import json
from collections.abc import Iterator
from typing import Any

import pytest
from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from himaya.access.matrix import EXEMPT, Expect, World, build_world
from himaya.accounts.testing import login
from himaya.testing import USERS

WHO = ["anonymous", *USERS]


def _walk(patterns: list[Any], namespace: str = "", prefix: str = "") -> Iterator[tuple[str | None, str]]:
    """(full name or None, route) for every URL pattern, recursively through includes."""
    for p in patterns:
        route = prefix + str(p.pattern)
        if isinstance(p, URLResolver):
            ns = p.namespace
            inner = f"{namespace}:{ns}" if namespace and ns else (ns or namespace)
            yield from _walk(p.url_patterns, inner, route)
        elif isinstance(p, URLPattern):
            name = f"{namespace}:{p.name}" if namespace and p.name else p.name
            yield name, route


def _is_static(route: str) -> bool:
    static = (settings.STATIC_URL or "/static/").lstrip("/")
    return route.lstrip("^/").startswith(static)


def url_patterns() -> tuple[set[str], list[str]]:
    """Named URL patterns needing an expectation, and the routes of unnamed ones."""
    names: set[str] = set()
    unnamed: list[str] = []
    for name, route in _walk(get_resolver().url_patterns):
        if _is_static(route) or (name is not None and name in EXEMPT):
            continue
        if name is None:
            unnamed.append(route)
        else:
            names.add(name)
    return names, unnamed


def collect_expectations() -> tuple[dict[str, Expect], list[str]]:
    """Every app's EXPECTATIONS, and any URL name declared by more than one app."""
    found: dict[str, Expect] = {}
    duplicates: list[str] = []
    for config in apps.get_app_configs():
        if not config.name.startswith("himaya."):
            continue
        module_name = f"{config.name}.access_matrix"
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as error:
            if error.name == module_name:
                continue
            raise
        for name, expect in getattr(module, "EXPECTATIONS", {}).items():
            if name in found:
                duplicates.append(f"{name} ({module_name})")
            found[name] = expect
    return found, duplicates


URL_NAMES, UNNAMED = url_patterns()
EXPECTATIONS, DUPLICATES = collect_expectations()


def test_every_url_pattern_declares_who_gets_what() -> None:
    missing = sorted(URL_NAMES - set(EXPECTATIONS))
    assert not missing, "URL names with no expectation in any himaya/<app>/access_matrix.py:\n" + "\n".join(missing)


def test_every_url_pattern_has_a_name() -> None:
    assert not UNNAMED, "Unnamed URL patterns cannot be declared in the matrix; name them:\n" + "\n".join(UNNAMED)


def test_no_url_is_declared_twice_or_for_a_url_that_does_not_exist() -> None:
    assert not DUPLICATES, "Declared by more than one app: " + ", ".join(DUPLICATES)
    unknown = sorted(set(EXPECTATIONS) - URL_NAMES - EXEMPT)
    assert not unknown, "Expectations for URL names that do not exist: " + ", ".join(unknown)


@pytest.fixture
def world(db: None) -> World:
    return build_world()


def _request(client: Client, url: str, expect: Expect, data: dict[str, Any]) -> Any:
    method = getattr(client, expect.method)
    if expect.method != "get" and expect.format == "json":
        return method(url, json.dumps(data), content_type="application/json")
    return method(url, data)


def _title_problem(response: Any) -> str:
    """A page's <title> must be text: markup there means a block was closed in the wrong place."""
    if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
        return ""
    html = response.content.decode(errors="replace")
    if "<title>" not in html:
        return ""
    title = html.split("<title>", 1)[1].split("</title>", 1)[0]
    return f"<title> holds markup: {title[:80]!r}" if "<" in title else ""


@pytest.mark.parametrize("url_name", sorted(URL_NAMES | set(EXPECTATIONS)))
def test_each_role_gets_what_the_matrix_declares(url_name: str, world: World) -> None:
    expect = EXPECTATIONS.get(url_name)
    if expect is None:
        pytest.fail(f"{url_name} has no expectation: declare one in its app's access_matrix.py")
    mismatches: list[str] = []
    for who in WHO:
        expected = expect.expected_for(who)
        with transaction.atomic():
            cache.clear()  # API throttles count per client address; every role starts afresh
            client = Client()
            if who != "anonymous":
                login(client, world.cast.users[who])
            url = reverse(url_name, kwargs=expect.kwargs(world) if expect.kwargs else None) + expect.query
            data = expect.data(world) if expect.data else {}
            problem = ""
            try:
                response = _request(client, url, expect, data)
                status: int | str = int(response.status_code)
                problem = _title_problem(response)
            except Exception as error:  # reported with the other roles, below
                status = f"raised {type(error).__name__}: {error}"
            transaction.set_rollback(True)
        if status != expected:
            mismatches.append(f"{who}: got {status}, expected {expected}")
        elif problem:
            mismatches.append(f"{who}: {problem}")
    assert not mismatches, f"{expect.method.upper()} {url_name}:\n" + "\n".join(mismatches)
