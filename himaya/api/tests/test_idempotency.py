"""Idempotency-Key: a retried write is answered from the first outcome, never done twice."""

from __future__ import annotations

import datetime
import hashlib
import json

from django.utils import timezone

from himaya.accounts.testing import login
from himaya.api.models import IdempotencyRecord, IdempotencyState
from himaya.people import services as people_services
from himaya.people.models import Person

PEOPLE = "/api/v1/people/"


def post(client, headers, body, key="key-1"):
    return client.post(PEOPLE, json.dumps(body), content_type="application/json", HTTP_IDEMPOTENCY_KEY=key, **headers)


def test_a_retry_with_the_same_key_and_body_replays_the_first_response(cast, client, bearer) -> None:
    headers = bearer(cast.alice)
    first = post(client, headers, {"given_name_latin": "Ana"})
    again = post(client, headers, {"given_name_latin": "Ana"})
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first
    assert Person.objects.count() == 1


def test_the_same_key_with_another_body_is_422(cast, client, bearer) -> None:
    headers = bearer(cast.alice)
    post(client, headers, {"given_name_latin": "Ana"})
    other = post(client, headers, {"given_name_latin": "Anna"})
    assert other.status_code == 422
    assert other.json()["error"]["code"] == "idempotency_key_reused"
    assert Person.objects.count() == 1


def test_a_duplicate_while_the_first_is_running_is_409(cast, client, bearer) -> None:
    headers = bearer(cast.alice)
    body = json.dumps({"given_name_latin": "Ana"}).encode()
    IdempotencyRecord.objects.create(
        user_id=cast.alice.pk,
        key="key-1",
        method_path=f"POST {PEOPLE}",
        request_hash=hashlib.sha256(body).hexdigest(),
        state=IdempotencyState.IN_FLIGHT,
    )
    response = post(client, headers, {"given_name_latin": "Ana"})
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "request_in_progress"
    assert not Person.objects.exists()


def test_a_retry_arriving_while_the_first_request_runs_is_409(cast, client, bearer, monkeypatch) -> None:
    headers = bearer(cast.alice)
    real_create = people_services.person_create
    answers = []

    def create_while_a_retry_arrives(**kwargs):
        answers.append(post(client, headers, {"given_name_latin": "Ana"}))
        return real_create(**kwargs)

    monkeypatch.setattr(people_services, "person_create", create_while_a_retry_arrives)
    first = post(client, headers, {"given_name_latin": "Ana"})
    assert first.status_code == 201
    assert answers[0].status_code == 409
    assert Person.objects.count() == 1
    # Once the first finished, a retry gets its answer.
    assert post(client, headers, {"given_name_latin": "Ana"}).json() == first.json()


def test_keys_belong_to_one_caller(cast, client, bearer) -> None:
    post(client, bearer(cast.alice), {"given_name_latin": "Ana"})
    response = post(client, bearer(cast.bob), {"given_name_latin": "Ana"})
    assert response.status_code == 201
    assert "Idempotent-Replayed" not in response
    assert Person.objects.count() == 2


def test_a_key_longer_than_200_characters_is_400(cast, client, bearer) -> None:
    response = post(client, bearer(cast.alice), {"given_name_latin": "Ana"}, key="k" * 201)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_idempotency_key"
    assert not Person.objects.exists()


def test_a_key_is_forgotten_after_24_hours(cast, client, bearer) -> None:
    headers = bearer(cast.alice)
    post(client, headers, {"given_name_latin": "Ana"})
    IdempotencyRecord.objects.update(created_at=timezone.now() - datetime.timedelta(hours=25))
    again = post(client, headers, {"given_name_latin": "Ana"})
    assert again.status_code == 201
    assert "Idempotent-Replayed" not in again
    assert Person.objects.count() == 2


def test_the_stored_response_is_encrypted(cast, client, bearer) -> None:
    post(client, bearer(cast.alice), {"given_name_latin": "Anastasia"})
    record = IdempotencyRecord.objects.get()
    assert record.state == IdempotencyState.DONE
    assert "Anastasia" not in record.response_body


def test_a_refused_request_is_not_remembered(cast, client, bearer) -> None:
    response = post(client, {"HTTP_AUTHORIZATION": "Bearer hmy_bad_token"}, {"given_name_latin": "Ana"})
    assert response.status_code == 401
    assert not IdempotencyRecord.objects.exists()


def test_an_invalid_request_is_replayed_as_invalid(cast, client, bearer) -> None:
    headers = bearer(cast.alice)
    first = post(client, headers, {"phone": "12"})
    again = post(client, headers, {"phone": "12"})
    assert first.status_code == again.status_code == 400
    assert again.json()["error"] == first.json()["error"]


def test_session_callers_are_covered_too(cast, client) -> None:
    login(client, cast.alice)
    first = post(client, {}, {"given_name_latin": "Ana"})
    again = post(client, {}, {"given_name_latin": "Ana"})
    assert (first.status_code, again.status_code) == (201, 201)
    assert again["Idempotent-Replayed"] == "true"
    assert Person.objects.count() == 1
