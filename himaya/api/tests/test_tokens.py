"""Bearer tokens: issued at the console, checked on every request, revocable at once."""

from __future__ import annotations

import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from himaya.api.models import ApiToken
from himaya.audit.models import AuditEvent

ME = "/api/v1/me/"


def issue(email: str, *args: str) -> str:
    out = StringIO()
    call_command("token_issue", email, *args, stdout=out)
    return out.getvalue().strip().splitlines()[-1]


def test_the_last_line_of_token_issue_works_as_a_bearer_token(cast, client) -> None:
    token = issue("bob@example.org", "--name", "case system")
    response = client.get(ME, HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 200
    assert response.json()["email"] == "bob@example.org"


def test_it_stores_only_a_hash_of_the_secret(cast) -> None:
    token = issue("bob@example.org")
    secret = token.split("_", 2)[2]
    row = ApiToken.objects.get()
    assert secret not in (row.prefix, row.secret_hash, row.name)
    assert token.startswith(f"hmy_{row.prefix}_")


def test_issuing_is_audited(cast) -> None:
    issue("bob@example.org", "--days", "7")
    event = AuditEvent.objects.get(action="api.token_issue")
    token = ApiToken.objects.get()
    assert event.object_id == str(token.pk)
    assert event.owner_agency_id == cast.bob.agency_id
    assert (token.expires_at - token.created_at) == datetime.timedelta(days=7)


def test_it_refuses_a_token_for_a_deactivated_or_unknown_account(cast) -> None:
    with pytest.raises(CommandError):
        issue("gone@example.org")
    with pytest.raises(CommandError):
        issue("nobody@example.org")
    with pytest.raises(CommandError):
        issue("bob@example.org", "--days", "0")
    assert not ApiToken.objects.exists()


def test_a_wrong_secret_is_refused(cast, client) -> None:
    token = issue("bob@example.org")
    tampered = token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB")
    response = client.get(ME, HTTP_AUTHORIZATION=f"Bearer {tampered}")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "authentication_failed"


@pytest.mark.parametrize("header", ["Bearer", "Bearer a b", "Bearer hmy_nope", "Bearer not-a-token"])
def test_a_malformed_header_is_401_not_500(cast, client, header) -> None:
    response = client.get(ME, HTTP_AUTHORIZATION=header)
    assert response.status_code == 401


def test_an_expired_token_is_refused(cast, client) -> None:
    token = issue("bob@example.org")
    ApiToken.objects.update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    assert client.get(ME, HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 401


def test_a_revoked_token_stops_working_at_once(cast, client) -> None:
    token = issue("bob@example.org")
    assert client.get(ME, HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 200
    out = StringIO()
    call_command("token_revoke", ApiToken.objects.get().prefix, stdout=out)
    assert "revoked" in out.getvalue()
    assert client.get(ME, HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 401
    assert AuditEvent.objects.filter(action="api.token_revoke").count() == 1


def test_deactivating_the_account_takes_effect_at_once(cast, client) -> None:
    token = issue("bob@example.org")
    assert client.get(ME, HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 200
    cast.bob.is_active = False
    cast.bob.save()
    assert client.get(ME, HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 401


def test_use_is_recorded_at_most_once_a_minute(cast, client) -> None:
    token = issue("bob@example.org")
    for _ in range(3):
        assert client.get(ME, HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 200
    row = ApiToken.objects.get()
    assert row.last_used_at is not None
    uses = AuditEvent.objects.filter(action="api.token_use")
    assert uses.count() == 1
    assert uses.get().actor_id == cast.bob.pk

    ApiToken.objects.update(last_used_at=timezone.now() - datetime.timedelta(minutes=2))
    client.get(ME, HTTP_AUTHORIZATION=f"Bearer {token}")
    assert uses.count() == 2


def test_token_list_shows_prefixes_and_states_never_secrets(cast) -> None:
    first = issue("bob@example.org", "--name", "case system")
    issue("bob@example.org")
    call_command("token_revoke", first)
    out = StringIO()
    call_command("token_list", "bob@example.org", stdout=out)
    text = out.getvalue()
    assert "revoked" in text and "active" in text and "case system" in text
    assert first.split("_", 2)[2] not in text
