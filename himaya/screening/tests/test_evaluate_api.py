"""The stateless evaluation endpoint, the catalogue and the ILO-11 quick check."""

from __future__ import annotations

import json
from typing import Any

import pytest

from himaya.accounts.testing import login

pytestmark = pytest.mark.django_db

URL = "/api/v1/screening/evaluate"
ADULT_VICTIM = ["DR01", "DR02", "EX01", "EX02", "CD01", "CD02"]


def post(client: Any, body: dict[str, Any], headers: dict[str, str], url: str = URL, **extra: str) -> Any:
    return client.post(url, json.dumps(body), content_type="application/json", **headers, **extra)


@pytest.mark.parametrize(
    ("profile", "ids", "outcome"),
    [
        ("adult-labour", ADULT_VICTIM, "victim"),
        ("adult-labour", ["EX01", "EX02", "DR02"], "exploited_no_means"),
        ("adult-labour", ["DR02"], "not_indicated"),
        ("adult-labour", [], "not_indicated"),
        # A child needs no means: recruitment and exploitation are enough.
        ("child-labour", ["DR01", "DR02", "EX01", "EX02"], "victim"),
        ("adult-labour", ["DR01", "DR02", "EX01", "EX02"], "exploited_no_means"),
    ],
)
def test_it_evaluates_every_outcome(cast, client, bearer, profile, ids, outcome) -> None:
    response = post(client, {"profile": profile, "indicators": ids}, bearer(cast.bob), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"outcome", "dimensions", "reasons", "catalogue_version", "rule_set_version"}
    assert body["outcome"] == outcome
    assert set(body["dimensions"]) == {"DR", "CR", "VR", "EX", "CD", "VD"}
    assert body["dimensions"]["DR"].keys() == {"strong", "medium", "weak", "positive"}
    assert body["reasons"][-1].startswith("Decision support")
    assert body["catalogue_version"] and body["rule_set_version"]


def test_it_counts_per_dimension(cast, client, bearer) -> None:
    body = post(client, {"profile": "adult-labour", "indicators": ADULT_VICTIM}, bearer(cast.bob)).json()
    assert body["dimensions"]["DR"] == {"strong": 1, "medium": 1, "weak": 0, "positive": True}
    assert body["dimensions"]["CD"] == {"strong": 2, "medium": 0, "weak": 0, "positive": True}
    assert body["dimensions"]["VR"] == {"strong": 0, "medium": 0, "weak": 0, "positive": False}


def test_it_gives_reasons_in_arabic_when_asked(cast, client, bearer) -> None:
    response = post(
        client, {"profile": "adult-labour", "indicators": ADULT_VICTIM}, bearer(cast.bob), HTTP_ACCEPT_LANGUAGE="ar"
    )
    reasons = " ".join(response.json()["reasons"])
    assert "الاستغلال" in reasons and "Exploitation" not in reasons


def test_it_falls_back_to_the_callers_saved_language(cast, client, bearer) -> None:
    cast.bob.language = "en"
    cast.bob.save(update_fields=["language"])
    reasons = post(client, {"profile": "adult-labour", "indicators": ["EX01"]}, bearer(cast.bob)).json()["reasons"]
    assert "Exploitation" in " ".join(reasons)


def test_it_names_unknown_indicators(cast, client, bearer) -> None:
    response = post(
        client,
        {"profile": "adult-labour", "indicators": ["DR01", "ZZ99", "XX01"]},
        bearer(cast.bob),
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid"
    assert "XX01" in error["fields"]["indicators"][0] and "ZZ99" in error["fields"]["indicators"][0]


def test_it_names_indicators_outside_the_profile(cast, client, bearer) -> None:
    # EX06 is on the adult list but not on the child-labour list.
    response = post(client, {"profile": "child-labour", "indicators": ["EX01", "EX06"]}, bearer(cast.bob))
    assert response.status_code == 400
    message = response.json()["error"]["fields"]["indicators"][0]
    assert "EX06" in message and "EX01" not in message


def test_it_names_an_unknown_profile(cast, client, bearer) -> None:
    response = post(client, {"profile": "adult-fishing", "indicators": ["DR01"]}, bearer(cast.bob))
    assert response.status_code == 400
    assert "adult-fishing" in response.json()["error"]["fields"]["profile"][0]


def test_it_refuses_a_malformed_body(cast, client, bearer) -> None:
    response = post(client, {"profile": "adult-labour", "indicators": "DR01"}, bearer(cast.bob))
    assert response.status_code == 400
    assert "indicators" in response.json()["error"]["fields"]


def test_it_needs_a_signed_in_caller(client) -> None:
    response = post(client, {"profile": "adult-labour", "indicators": ["DR01"]}, {})
    assert response.status_code == 401
    assert client.get("/api/v1/screening/catalogue").status_code == 401
    assert post(client, {"indicators": ["FL01"]}, {}, url="/api/v1/screening/forced-labour").status_code == 401


def test_a_browser_session_may_evaluate(cast, client) -> None:
    login(client, cast.adam)  # an analyst: no personal data here, so any signed-in member may
    response = post(client, {"profile": "adult-labour", "indicators": ["DR01"]}, {})
    assert response.status_code == 200


def test_the_catalogue_lists_the_profile_in_the_callers_language(cast, client, bearer) -> None:
    response = client.get(
        "/api/v1/screening/catalogue", {"profile": "child-labour"}, **bearer(cast.bob), HTTP_ACCEPT_LANGUAGE="ar"
    )
    assert response.status_code == 200
    body = response.json()
    assert body["profile"]["name"] == "child-labour" and body["profile"]["child"] is True
    ids = [i["id"] for d in body["dimensions"] for i in d["indicators"]]
    assert "EX01" in ids and "EX06" not in ids
    exploitation = next(d for d in body["dimensions"] if d["code"] == "EX")
    assert exploitation["label"] == "الاستغلال"


def test_the_catalogue_refuses_an_unknown_profile(cast, client, bearer) -> None:
    response = client.get("/api/v1/screening/catalogue", {"profile": "nope"}, **bearer(cast.bob))
    assert response.status_code == 400
    assert "nope" in response.json()["error"]["fields"]["profile"][0]


def test_the_forced_labour_check_suggests_delphi_indicators(cast, client, bearer) -> None:
    url = "/api/v1/screening/forced-labour"
    response = post(client, {"indicators": ["FL07"]}, bearer(cast.bob), url=url, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    body = response.json()
    assert body["any_flagged"] is True
    assert body["flagged"] == [{"id": "FL07", "text": "Retention of identity documents"}]
    assert body["suggested_delphi_indicators"] == ["CD01", "CR03"]
    bad = post(client, {"indicators": ["FL99"]}, bearer(cast.bob), url=url)
    assert bad.status_code == 400 and "FL99" in bad.json()["error"]["fields"]["indicators"][0]


def test_an_integration_account_may_evaluate(cast, client, bearer) -> None:
    from himaya.accounts.models import User

    robot = User.objects.create(
        email="robot@example.org", full_name="Hotline system", agency=cast.agencies["epc"], is_integration=True
    )
    response = post(client, {"profile": "adult-labour", "indicators": ["EX01", "EX02"]}, bearer(robot))
    assert response.status_code == 200
    assert response.json()["outcome"] == "exploited_no_means"
