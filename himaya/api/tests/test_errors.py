"""Every API error has one JSON shape, in the caller's language; never an HTML page, never a 500 page."""

from __future__ import annotations

import json

import pytest
from rest_framework.throttling import UserRateThrottle

from himaya.people import selectors


def assert_error_shape(response, status: int, code: str) -> dict:
    assert response.status_code == status
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"error", "request_id"}
    assert body["error"]["code"] == code
    assert body["error"]["message"]
    assert body["request_id"] == response["X-Request-ID"]
    return body


def test_an_unknown_api_url_is_a_json_404(cast, client, bearer) -> None:
    assert_error_shape(client.get("/api/v1/no-such-thing/", **bearer(cast.bob)), 404, "not_found")


def test_an_unknown_url_is_a_json_404_for_anonymous_callers_too(db, client) -> None:
    assert_error_shape(client.get("/api/v2/"), 404, "not_found")


def test_a_method_that_is_not_allowed_is_405(cast, client, bearer, people) -> None:
    response = client.delete(f"/api/v1/people/{people['maria'].pk}/", **bearer(cast.bob))
    assert_error_shape(response, 405, "method_not_allowed")


def test_service_validation_errors_come_back_per_field(cast, client, bearer) -> None:
    response = client.post(
        "/api/v1/people/",
        json.dumps({"given_name_latin": "Ana", "phone": "12"}),
        content_type="application/json",
        **bearer(cast.alice),
    )
    body = assert_error_shape(response, 400, "invalid")
    assert list(body["error"]["fields"]) == ["phone"]


def test_a_validation_error_without_a_field_goes_under_non_field_errors(cast, client, bearer) -> None:
    response = client.post("/api/v1/people/", "{}", content_type="application/json", **bearer(cast.alice))
    body = assert_error_shape(response, 400, "invalid")
    assert list(body["error"]["fields"]) == ["non_field_errors"]


def test_malformed_json_is_a_400(cast, client, bearer) -> None:
    response = client.post("/api/v1/people/", "{not json", content_type="application/json", **bearer(cast.alice))
    assert_error_shape(response, 400, "parse_error")


def test_messages_follow_the_accept_language_header(cast, client, bearer) -> None:
    headers = bearer(cast.bob)
    english = client.get("/api/v1/no-such-thing/", HTTP_ACCEPT_LANGUAGE="en", **headers).json()
    assert english["error"]["message"] == "Not found."
    anonymous_ar = client.get("/api/v1/me/", HTTP_ACCEPT_LANGUAGE="ar").json()
    anonymous_en = client.get("/api/v1/me/", HTTP_ACCEPT_LANGUAGE="en").json()
    assert anonymous_en["error"]["message"] == "Authentication credentials were not provided."
    assert anonymous_ar["error"]["message"] != anonymous_en["error"]["message"]


def test_without_accept_language_a_token_caller_gets_their_own_language(cast, client, bearer) -> None:
    cast.bob.language = "en"
    cast.bob.save()
    body = client.get("/api/v1/no-such-person/", **bearer(cast.bob)).json()
    response = client.get("/api/v1/people/999999/", **bearer(cast.bob))
    assert response.json()["error"]["message"] == "Not found."
    assert response["Content-Language"] == "en"
    assert body["error"]["code"] == "not_found"


def test_throttling_answers_429_with_retry_after(cast, client, bearer, monkeypatch) -> None:
    monkeypatch.setattr(UserRateThrottle, "THROTTLE_RATES", {"user": "2/minute", "anon": "2/minute"})
    headers = bearer(cast.bob)
    for _ in range(2):
        assert client.get("/api/v1/me/", **headers).status_code == 200
    response = client.get("/api/v1/me/", **headers)
    assert_error_shape(response, 429, "throttled")
    assert int(response["Retry-After"]) >= 1


def test_an_unexpected_error_is_a_json_500_without_details(cast, client, bearer, monkeypatch) -> None:
    def explode(**kwargs):
        raise RuntimeError("secret internals")

    monkeypatch.setattr(selectors, "person_list", explode)
    response = client.get("/api/v1/people/", **bearer(cast.bob))
    body = assert_error_shape(response, 500, "server_error")
    assert "secret internals" not in json.dumps(body)


@pytest.mark.parametrize("who", ["adam", "audrey"])
def test_roles_that_may_not_create_people_get_404(cast, client, bearer, who) -> None:
    response = client.post(
        "/api/v1/people/",
        json.dumps({"given_name_latin": "Ana"}),
        content_type="application/json",
        **bearer(cast.users[who]),
    )
    assert_error_shape(response, 404, "not_found")
