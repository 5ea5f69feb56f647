"""Password rules follow NIST SP 800-63B: length and a blocklist, no composition rules."""

from __future__ import annotations

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.urls import reverse

from himaya.accounts.testing import login
from himaya.testing import CAST_PASSWORD


def test_it_refuses_a_short_password(cast) -> None:
    with pytest.raises(ValidationError) as exc:
        validate_password("short pass", cast.bob)
    assert "password_too_short" in {e.code for e in exc.value.error_list}


def test_it_refuses_a_common_password(cast) -> None:
    with pytest.raises(ValidationError) as exc:
        validate_password("qwerty123456", cast.bob)
    assert "password_too_common" in {e.code for e in exc.value.error_list}


def test_it_accepts_a_long_passphrase_without_composition_rules(cast) -> None:
    validate_password("purple elephants dance quietly at midnight " * 2, cast.bob)  # 88 chars, lowercase only
    validate_password("x" * 12 + "abcdefghij" * 5, cast.bob)


def test_it_refuses_an_absurdly_long_password(cast) -> None:
    with pytest.raises(ValidationError) as exc:
        validate_password("long passphrase " * 20, cast.bob)  # 320 characters
    assert "password_too_long" in {e.code for e in exc.value.error_list}


def test_the_profile_page_changes_the_password_with_the_rules(client, cast) -> None:
    login(client, cast.bob)
    url = reverse("accounts:password_change")
    short = client.post(url, {"current_password": CAST_PASSWORD, "new_password1": "tiny", "new_password2": "tiny"})
    assert short.status_code == 400
    assert "too short" in short.content.decode()
    wrong = client.post(
        url,
        {
            "current_password": "not my password",
            "new_password1": "a fine new passphrase",
            "new_password2": "a fine new passphrase",
        },
    )
    assert wrong.status_code == 400
    cast.bob.refresh_from_db()
    assert cast.bob.check_password(CAST_PASSWORD)
    ok = client.post(
        url,
        {
            "current_password": CAST_PASSWORD,
            "new_password1": "a fine new passphrase",
            "new_password2": "a fine new passphrase",
        },
    )
    assert ok.status_code == 302
    cast.bob.refresh_from_db()
    assert cast.bob.check_password("a fine new passphrase")
    # The session survives its own password change.
    assert client.get(reverse("accounts:profile")).status_code == 200
