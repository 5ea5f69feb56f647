"""Contract tests: real responses must match the OpenAPI schema, and the schema matches its snapshot.

After a deliberate API change, regenerate the snapshot:

    UPDATE_API_SNAPSHOT=1 .venv/bin/pytest himaya/api/tests/test_contract.py
"""

from __future__ import annotations

import copy
import json
import os
import re
from pathlib import Path
from typing import Any

import pytest
from django.utils import translation
from drf_spectacular.generators import SchemaGenerator
from jsonschema import Draft202012Validator

from himaya.accounts.testing import login
from himaya.api.models import IdempotencyRecord

SNAPSHOT = Path(__file__).with_name("openapi.json")


def generate_schema() -> dict[str, Any]:
    # English, so enum labels and descriptions do not depend on the default language.
    with translation.override("en"):
        schema = SchemaGenerator().get_schema(request=None, public=True)
    return json.loads(json.dumps(schema, default=str))


def strict_json_schema(node: Any) -> Any:
    """OpenAPI 3.0 -> JSON Schema: `nullable` becomes a null type, and objects forbid undeclared keys
    (so a field added to a response but not to the schema fails the contract)."""
    if isinstance(node, list):
        return [strict_json_schema(n) for n in node]
    if not isinstance(node, dict):
        return node
    out = {k: strict_json_schema(v) for k, v in node.items()}
    if out.pop("nullable", False):
        if "type" in out:
            out["type"] = [out["type"], "null"]
            if "enum" in out:
                out["enum"] = [*out["enum"], None]
        else:
            out = {"anyOf": [out, {"type": "null"}]}
    if "properties" in out and "additionalProperties" not in out:
        out["additionalProperties"] = False
    return out


@pytest.fixture(scope="module")
def schema(django_db_blocker) -> dict[str, Any]:
    with django_db_blocker.unblock():
        return generate_schema()


class Contract:
    def __init__(self, schema: dict[str, Any]) -> None:
        self.schema = schema
        self.components = strict_json_schema(schema["components"])
        self.checked: set[tuple[str, str, str]] = set()

    def operation_path(self, path: str) -> str:
        matches = [
            template
            for template in self.schema["paths"]
            if re.match("^" + re.sub(r"\{[^}]+\}", r"[^/]+", template) + "$", path)
        ]
        if not matches:
            raise AssertionError(f"{path} is not in the schema")
        # A literal segment wins over a parameter (`{id}/reconsideration/` before `{id}/{action}/`).
        return min(matches, key=lambda t: t.count("{"))

    def check(self, response: Any, method: str = "get") -> dict[str, Any]:
        path = response.wsgi_request.path
        template = self.operation_path(path)
        status = str(response.status_code)
        responses = self.schema["paths"][template][method]["responses"]
        assert status in responses, f"{method.upper()} {template} answered {status}, not in the schema"
        if "content" not in responses[status]:  # a declared empty answer (204 No Content)
            assert not response.content, f"{method.upper()} {path} {status} should have no body"
            self.checked.add((template, method, status))
            return {}
        declared = copy.deepcopy(responses[status]["content"]["application/json"]["schema"])
        body = response.json()
        validator = Draft202012Validator({**strict_json_schema(declared), "components": self.components})
        errors = sorted(validator.iter_errors(body), key=str)
        assert not errors, f"{method.upper()} {path} {status}: " + "; ".join(e.message for e in errors[:5])
        self.checked.add((template, method, status))
        return body


def test_the_schema_matches_the_committed_snapshot(schema) -> None:
    if os.environ.get("UPDATE_API_SNAPSHOT"):
        SNAPSHOT.write_text(json.dumps(schema, indent=2, ensure_ascii=False, sort_keys=True) + "\n", encoding="utf-8")
    committed = json.loads(SNAPSHOT.read_text(encoding="utf-8"))
    changed = sorted(
        {
            f"paths.{p}"
            for p in committed["paths"].keys() | schema["paths"].keys()
            if committed["paths"].get(p) != schema["paths"].get(p)
        }
        | {
            f"components.schemas.{c}"
            for c in committed["components"]["schemas"].keys() | schema["components"]["schemas"].keys()
            if committed["components"]["schemas"].get(c) != schema["components"]["schemas"].get(c)
        }
    )
    assert committed == schema, (
        f"The API changed ({', '.join(changed) or 'elsewhere'}): review, then UPDATE_API_SNAPSHOT=1"
    )


def test_the_schema_declares_bearer_tokens(schema) -> None:
    schemes = schema["components"]["securitySchemes"]
    assert schemes["bearerAuth"] == {**schemes["bearerAuth"], "type": "http", "scheme": "bearer"}
    for template, operations in schema["paths"].items():
        for method, operation in operations.items():
            assert {"bearerAuth": []} in operation["security"], (template, method)
            assert {} not in operation["security"], f"{method} {template} must not allow anonymous callers"


# Path prefixes whose operations are exercised against the schema by their app's own contract test
# (same `Contract` class), which asserts that every one of them was exercised.
CONTRACT_TESTED_ELSEWHERE = {
    "/api/v1/cases/": "himaya/cases/tests/test_api.py",
    "/api/v1/assistance/": "himaya/assistance/tests/test_api.py",
    "/api/v1/prevention/": "himaya/prevention/tests/test_api.py",
    "/api/v1/shelters/": "himaya/shelters/tests/test_api.py",
    "/api/v1/training/": "himaya/training/tests/test_api.py",
}


def test_every_operation_responds_as_its_schema_says(schema, cast, client, bearer, people) -> None:
    contract = Contract(schema)
    bob, alice, audrey, dora = (bearer(u) for u in (cast.bob, cast.alice, cast.audrey, cast.dora))
    maria, rina = people["maria"], people["rina"]
    epc = cast.agencies["epc"]
    epc.services.create(service_type="shelter", languages="ar,en,hi")

    contract.check(client.get("/api/v1/me/", **bob))
    contract.check(client.get("/api/v1/me/"))  # 401
    contract.check(client.get("/api/v1/agencies/", **bob))
    contract.check(client.get(f"/api/v1/agencies/{epc.pk}/", **bob))
    contract.check(client.get("/api/v1/agencies/999999/", **bob))  # 404
    contract.check(client.get("/api/v1/people/", **bob))
    contract.check(client.get("/api/v1/people/", {"document": "x" * 41}, **bob))  # 400
    contract.check(client.get(f"/api/v1/people/{maria.pk}/", **bob))
    contract.check(client.get(f"/api/v1/people/{rina.pk}/", **bob))  # 404

    def send(method: str, path: str, body: dict[str, Any], headers: dict[str, str], **extra: str) -> Any:
        call = getattr(client, method)
        return call(path, json.dumps(body), content_type="application/json", **headers, **extra)

    contract.check(send("post", "/api/v1/people/", {"full_name_arabic": "سارة", "gender": "Feminine"}, alice), "post")
    contract.check(send("post", "/api/v1/people/", {"phone": "1"}, alice), "post")  # 400
    contract.check(send("post", "/api/v1/people/", {"given_name_latin": "A"}, alice, HTTP_IDEMPOTENCY_KEY="k"), "post")
    contract.check(send("post", "/api/v1/people/", {"given_name_latin": "B"}, alice, HTTP_IDEMPOTENCY_KEY="k"), "post")
    IdempotencyRecord.objects.filter(key="k").update(state="in_flight")
    contract.check(send("post", "/api/v1/people/", {"given_name_latin": "A"}, alice, HTTP_IDEMPOTENCY_KEY="k"), "post")
    contract.check(send("patch", f"/api/v1/people/{maria.pk}/", {"nationality": "IN"}, bob), "patch")
    contract.check(send("patch", f"/api/v1/people/{maria.pk}/", {"date_of_birth": "1990-13-01"}, bob), "patch")
    contract.check(send("patch", f"/api/v1/people/{rina.pk}/", {"nationality": "IN"}, bob), "patch")  # 404

    contract.check(client.get("/api/v1/audit/events/", **audrey))
    contract.check(client.get("/api/v1/audit/events/", {"since": "never"}, **audrey))  # 400
    contract.check(client.get("/api/v1/audit/events/", **bob))  # 404
    contract.check(client.get("/api/v1/staff/", **dora))
    contract.check(client.get("/api/v1/staff/", **bob))  # 404

    # Intake drafts (himaya/intake/api.py): start, save steps, read, list, submit.
    draft = send("post", "/api/v1/intake/drafts/", {}, alice)
    contract.check(draft, "post")
    draft_id = draft.json()["id"]
    contract.check(send("post", "/api/v1/intake/drafts/", {}, audrey), "post")  # 404
    intake_steps = {
        1: {"occurred_at": "2026-01-05T10:00", "channel": "hotline", "interpreter_language": "tl"},
        2: {"given_name_latin": "Liza", "gender": "Feminine", "document_type": "passport", "document_number": "P1"},
        3: {"category": "trafficking_suspicion", "exploitation_types": ["ForcedLabour"], "industry": "T"},
        4: {"events": [{"type": "Recruitment", "country": "PH"}], "parties": [{"role": "Exploiter", "name": "X"}]},
        5: {"safety_risk": True},
    }
    contract.check(send("put", f"/api/v1/intake/drafts/{draft_id}/steps/1/", {"channel": "x"}, alice), "put")  # 400
    for number, values in intake_steps.items():
        contract.check(send("put", f"/api/v1/intake/drafts/{draft_id}/steps/{number}/", values, alice), "put")
    contract.check(client.get("/api/v1/intake/drafts/", **alice))
    contract.check(client.get(f"/api/v1/intake/drafts/{draft_id}/", **alice))
    contract.check(client.get(f"/api/v1/intake/drafts/{draft_id}/", **bob))  # 404: not bob's
    contract.check(send("post", f"/api/v1/intake/drafts/{draft_id}/submit/", {}, alice), "post")
    contract.check(client.get("/api/v1/people/", {"name": "liza"}, **alice))

    # Screening (himaya/screening/api.py) and consent (himaya/consent/api.py).
    evaluate = {"profile": "adult-labour", "indicators": ["DR01", "DR02", "EX01", "EX02", "CD01", "CD02"]}
    contract.check(send("post", "/api/v1/screening/evaluate", evaluate, bob), "post")
    contract.check(send("post", "/api/v1/screening/evaluate", {"profile": "x", "indicators": []}, bob), "post")  # 400
    contract.check(client.get("/api/v1/screening/catalogue", {"profile": "child-labour"}, **bob))
    contract.check(client.get("/api/v1/screening/catalogue", {"profile": "x"}, **bob))  # 400
    contract.check(send("post", "/api/v1/screening/forced-labour", {"indicators": ["FL07"]}, bob), "post")
    consent_body = {"purpose": "referral_services", "given": True, "language": "ar"}
    consent = send("post", f"/api/v1/people/{maria.pk}/consents/", consent_body, bob)
    contract.check(consent, "post")
    contract.check(client.get(f"/api/v1/people/{maria.pk}/consents/", **bob))
    contract.check(client.get(f"/api/v1/people/{rina.pk}/consents/", **bob))  # 404
    contract.check(send("post", f"/api/v1/consents/{consent.json()['id']}/withdraw/", {}, bob), "post")

    # Referrals (himaya/referrals/api.py): send, inbox, read, answer, work, close.
    from django.utils import timezone

    from himaya.cases.services import case_open
    from himaya.consent.models import Consent

    shelter = cast.agencies["shelter"]
    shelter.services.create(service_type="shelter", languages="ar,en")
    lina = people["lina"]
    Consent.objects.create(
        person=lina,
        purpose="referral_services",
        recipient_agency=shelter,
        given=True,
        explained_by=cast.bob,
        language="ar",
        recorded_at=timezone.now(),
    )
    referred = case_open(actor=cast.bob, person=lina, category="abuse", channel="walk_in", occurred_at=timezone.now())
    sheila = bearer(cast.sheila)
    to_shelter = {"case": referred.pk, "to_agency": shelter.pk, "service_type": "shelter", "urgency": "urgent"}
    contract.check(send("post", "/api/v1/referrals/", {**to_shelter, "service_type": "medical"}, bob), "post")  # 400
    referral_id = contract.check(send("post", "/api/v1/referrals/", to_shelter, bob), "post")["id"]
    contract.check(client.get("/api/v1/referrals/", {"box": "inbox"}, **sheila))
    contract.check(client.get(f"/api/v1/referrals/{referral_id}/", **bob))
    contract.check(send("post", f"/api/v1/referrals/{referral_id}/decline/", {}, sheila), "post")  # 400: no reason
    contract.check(send("post", f"/api/v1/referrals/{referral_id}/accept/", {}, sheila), "post")
    # The support provider asks, through its referral, for a negative RG decision to be reconsidered.
    from himaya.cases.services import case_transition, decision_record

    Consent.objects.create(
        person=lina,
        purpose="referral_services",
        given=True,
        explained_by=cast.bob,
        language="ar",
        recorded_at=timezone.now(),
    )
    nrm = case_transition(
        actor=cast.bob, case=case_transition(actor=cast.bob, case=referred, event="document"), event="refer"
    )
    decision_record(
        actor=cast.carol, case=nrm, kind="rg", outcome="negative", reasons="No means were used.", deciding_org="Other"
    )
    ask = f"/api/v1/referrals/{referral_id}/reconsideration/"
    contract.check(send("post", ask, {"reasons": "short"}, sheila), "post")  # 400
    contract.check(send("post", ask, {"reasons": "The shelter heard a new account."}, bob), "post")  # 404
    asked = send("post", ask, {"reasons": "The shelter heard a new account."}, sheila)
    assert asked.status_code == 200, asked.content
    contract.check(asked, "post")

    # Browser sessions get the same shapes.
    login(client, cast.bob)
    contract.check(client.get("/api/v1/people/"))

    successes = {(t, m) for t, m, s in contract.checked if s.startswith("2")}
    declared = {
        (t, m) for t, ops in schema["paths"].items() for m in ops if not t.startswith(tuple(CONTRACT_TESTED_ELSEWHERE))
    }
    assert successes == declared, f"operations never exercised: {declared - successes}"
    assert {s for _, _, s in contract.checked} >= {"200", "201", "400", "401", "404", "409", "422"}


def test_the_schema_and_docs_need_a_signed_in_caller(cast, client, bearer) -> None:
    assert client.get("/api/v1/schema/").status_code == 401
    assert client.get("/api/v1/docs/").status_code == 401
    response = client.get("/api/v1/schema/", {"format": "json"}, **bearer(cast.bob))
    assert response.status_code == 200
    assert "/api/v1/people/" in response.json()["paths"]


def test_the_docs_page_loads_swagger_from_our_own_static_files(cast, client) -> None:
    login(client, cast.bob)
    response = client.get("/api/v1/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    scripts = re.findall(r"<script([^>]*)>", html)
    assert scripts and all("src=" in attributes for attributes in scripts), "no inline script (CSP)"
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/" in html
    assert "http://" not in html and "https://" not in html
    script = client.get("/api/v1/docs/", {"script": ""})
    assert script.status_code == 200
    assert "/api/v1/schema/" in script.content.decode()
