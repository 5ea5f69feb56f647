"""The main menu is cached per user, agency, roles, language and section, and shows what the policy allows."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

from himaya.accounts.models import UserRole
from himaya.accounts.roles import Role
from himaya.accounts.testing import login
from himaya.core.templatetags import himaya


def _menu(client: Client, url: str) -> str:
    html = client.get(url).content.decode()
    return html[html.index('<ul class="navbar-nav me-auto">') : html.index("</ul>", html.index("navbar-nav me-auto"))]


def test_the_menu_is_drawn_once_per_section_and_follows_role_changes(cast) -> None:
    client = Client()
    login(client, cast.bob)
    first = _menu(client, reverse("cases:list"))
    assert 'id="nav-cases"' in first and 'aria-current="page" href="/cases/"' in first.replace("active", "")
    assert len(himaya._menus) == 1
    assert _menu(client, reverse("cases:list")) == first  # served from the cache
    assert len(himaya._menus) == 1
    home = _menu(client, reverse("dashboard:home"))  # another section: its own entry, another active link
    assert len(himaya._menus) == 2 and home != first
    UserRole.objects.filter(user=cast.bob).delete()
    UserRole.objects.create(user=cast.bob, role=Role.ANALYST)
    after = _menu(client, reverse("dashboard:home"))
    assert 'id="nav-cases"' not in after and 'id="nav-intake"' not in after


def test_the_menu_follows_the_language(cast) -> None:
    client = Client()
    login(client, cast.bob)
    client.cookies["django_language"] = "ar"
    arabic = _menu(client, reverse("cases:list"))
    client.cookies["django_language"] = "en"
    english = _menu(client, reverse("cases:list"))
    assert "الحالات" in arabic and "Cases" in english and arabic != english
