"""The training API answers as its schema says, scoped by the same policy as the pages."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core.cache import cache

from himaya.api.services import token_issue
from himaya.api.tests import test_contract as contract_module
from himaya.training import services
from himaya.training.testing import complete, start_session


@pytest.fixture(autouse=True)
def _fresh_throttle_cache() -> None:
    cache.clear()


def bearer(user: Any) -> dict[str, str]:
    _, plaintext = token_issue(actor=None, user=user, name="test")
    return {"HTTP_AUTHORIZATION": f"Bearer {plaintext}"}


def post(client: Any, path: str, body: dict[str, Any], headers: dict[str, str]) -> Any:
    return client.post(path, json.dumps(body), content_type="application/json", **headers)


def test_the_training_api_is_scoped_and_answers_as_its_schema_says(centre, client) -> None:
    c = centre.cast
    contract = contract_module.Contract(contract_module.generate_schema())
    dora, paula, alice, tina = (bearer(u) for u in (c.dora, c.paula, c.alice, c.tina))
    session = centre.session

    courses = contract.check(client.get("/api/v1/training/courses/", **alice))
    assert [row["code"] for row in courses["results"]] == ["frt-101"]
    assert courses["results"][0]["modules"][0]["title_en"] == "Indicators of trafficking"
    listing = contract.check(client.get("/api/v1/training/sessions/", **alice))
    assert [row["id"] for row in listing["results"]] == [session.pk]
    contract.check(client.get(f"/api/v1/training/sessions/{session.pk}/", **alice))
    contract.check(client.get("/api/v1/training/sessions/999999/", **alice))  # 404
    contract.check(client.get("/api/v1/training/sessions/"))  # 401

    path = f"/api/v1/training/sessions/{session.pk}/nominations/"
    made = contract.check(post(client, path, {"participant": c.alice.pk}, dora), "post")
    assert made["status"] == "enrolled"
    contract.check(post(client, path, {"participant": c.alice.pk}, paula), "post")  # 400: not paula's staff
    contract.check(post(client, path, {"participant": c.bob.pk}, alice), "post")  # 404: not a nominator
    contract.check(post(client, path, {"participant": c.alice.pk}, dora), "post")  # 400: already nominated
    assert [r["participant"] for r in contract.check(client.get(path, **dora))["results"]] == [c.alice.pk]
    assert contract.check(client.get(path, **paula))["results"] == []  # another agency's nomination

    nomination = session.nominations.get()
    start_session(session)
    nomination.refresh_from_db()
    complete(officer=c.tina, trainer=c.trent, nomination=nomination)
    certificate = services.certificate_issue(actor=c.tina, nomination=nomination)
    verified = contract.check(client.get(f"/api/v1/training/verify/{certificate.token}/", **paula))
    assert verified == {
        "status": "valid",
        "holder": "Alice",
        "course_ar": centre.course.title_ar,
        "course_en": centre.course.title_en,
        "issued_on": certificate.issued_on.isoformat(),
        "expires_on": certificate.expires_on.isoformat(),
    }
    contract.check(client.get("/api/v1/training/verify/not-a-token/", **tina))  # 404

    ours = {(t, m) for t, ops in contract.schema["paths"].items() if t.startswith("/api/v1/training/") for m in ops}
    exercised = {(t, m) for t, m, s in contract.checked if s.startswith("2")}
    assert ours <= exercised
    assert {s for _, _, s in contract.checked} >= {"200", "201", "400", "401", "404"}
