"""Referral pages: what each agency sees, the minimised fields, the actions, the directory and HSDS export."""

from __future__ import annotations

import datetime as dt
import types

from django.test import Client
from django.utils import translation

from himaya.access import policy
from himaya.accounts.testing import login
from himaya.agencies.models import AgencyService, ServiceType
from himaya.audit.models import AuditEvent
from himaya.cases.models import Case
from himaya.people.models import Person
from himaya.referrals import selectors, services
from himaya.referrals.models import Referral, ReferralState


def _page(user, url: str) -> tuple[int, str]:
    type(user).objects.filter(pk=user.pk).update(language="en")  # pages follow the user's language
    user.language = "en"
    client = Client()
    login(client, user)
    with translation.override("en"):
        response = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
    return response.status_code, response.content.decode()


def test_the_receiving_agency_sees_the_person_only_through_the_open_referral(cast, referral) -> None:
    case, person = referral.case, referral.case.person
    # Data minimisation: no access to the whole case or person record, ever.
    assert not policy.can(cast.sheila, policy.VIEW, case)
    assert not policy.can(cast.sheila, policy.VIEW, person)
    assert _page(cast.sheila, f"/cases/{case.pk}/")[0] == 404
    assert _page(cast.sheila, f"/people/{person.pk}/")[0] == 404

    services.referral_accept(actor=cast.sheila, referral=referral)
    services.referral_start(actor=cast.sheila, referral=referral)
    status, html = _page(cast.sheila, f"/referrals/{referral.pk}/")
    assert status == 200 and "Maria" in html
    services.referral_complete(actor=cast.sheila, referral=referral, outcome="Placed")

    assert not policy.can(cast.sheila, policy.VIEW, Case.objects.get(pk=case.pk))
    assert not policy.can(cast.sheila, policy.VIEW, Person.objects.get(pk=person.pk))
    status, html = _page(cast.sheila, f"/referrals/{referral.pk}/")
    assert status == 200  # the referral itself stays in the history of both agencies
    assert "Maria" not in html and "person-fields" not in html


def test_the_shelter_sees_only_what_a_shelter_needs(cast, referral) -> None:
    status, html = _page(cast.sheila, f"/referrals/{referral.pk}/")
    assert status == 200
    assert "Maria" in html and "Santos" in html  # names
    assert "Female" in html  # sex
    assert "immediate safety risk" in html  # urgent flags
    assert "P7654321" not in html  # no documents
    assert "+97333111222" not in html  # no phone
    assert "1995" not in html  # age, not the date of birth
    assert 'id="minimised-note"' in html
    read = AuditEvent.objects.filter(action="people.person.view", actor_id=cast.sheila.pk).latest("pk")
    assert "document_number" not in read.fields and "given_name_latin" in read.fields


def test_an_interpreter_sees_languages_and_first_name_only(cast, case, consent) -> None:
    ngo = cast.agencies["ngo"]
    AgencyService.objects.create(agency=ngo, service_type=ServiceType.INTERPRETATION, languages="tl")
    from himaya.accounts.models import UserRole
    from himaya.accounts.roles import Role

    UserRole.objects.create(user=cast.emil, role=Role.SERVICE_PROVIDER)
    emil = cast.emil
    emil.agency = ngo
    emil.save()
    consent(case.person, agency=ngo)
    referral = services.referral_send(
        actor=cast.bob, case=case, to_agency=ngo, service_type="interpretation", urgency="normal", reason=""
    )
    status, html = _page(emil, f"/referrals/{referral.pk}/")
    assert status == 200
    assert "Maria" in html
    assert "Santos" not in html and "Female" not in html and "P7654321" not in html


def test_the_sender_sees_everything_it_already_could(cast, referral) -> None:
    status, html = _page(cast.bob, f"/referrals/{referral.pk}/")
    assert status == 200
    assert "P7654321" in html and "Santos" in html
    assert 'id="minimised-note"' not in html


def test_another_agency_gets_a_404(cast, referral) -> None:
    assert _page(cast.pete, f"/referrals/{referral.pk}/")[0] == 404
    assert _page(cast.emil, f"/referrals/{referral.pk}/")[0] == 404
    assert _page(cast.pete, f"/referrals/new/{referral.case.pk}/")[0] == 404


def test_the_receiver_accepts_declines_and_completes_from_the_page(cast, referral) -> None:
    client = Client()
    login(client, cast.sheila)
    assert client.post(f"/referrals/{referral.pk}/decline/", {"text": ""}).status_code == 400
    assert client.post(f"/referrals/{referral.pk}/accept/").status_code == 302
    assert client.post(f"/referrals/{referral.pk}/start/").status_code == 302
    refused = client.post(f"/referrals/{referral.pk}/complete/", {"text": " "})
    assert refused.status_code == 400
    assert client.post(f"/referrals/{referral.pk}/complete/", {"text": "Placed"}).status_code == 302
    referral.refresh_from_db()
    assert referral.state == ReferralState.COMPLETED


def test_the_page_offers_only_the_allowed_actions(cast, referral) -> None:
    _, sheila_html = _page(cast.sheila, f"/referrals/{referral.pk}/")
    _, bob_html = _page(cast.bob, f"/referrals/{referral.pk}/")
    assert f"/referrals/{referral.pk}/accept/" in sheila_html and f"/referrals/{referral.pk}/cancel/" not in sheila_html
    assert f"/referrals/{referral.pk}/cancel/" in bob_html and f"/referrals/{referral.pk}/accept/" not in bob_html


def test_the_inbox_lists_overdue_referrals_first(cast, referral, make_case, person, shelter, consent) -> None:
    later = services.referral_send(
        actor=cast.bob, case=make_case(person), to_agency=shelter, service_type="shelter", urgency="normal", reason=""
    )
    Referral.objects.filter(pk=later.pk).update(answer_due_at=later.sent_at - dt.timedelta(hours=1))
    assert [r.pk for r in selectors.referral_list(actor=cast.sheila, box="inbox")] == [later.pk, referral.pk]
    status, html = _page(cast.sheila, "/referrals/inbox/")
    assert status == 200
    assert html.index(later.reference) < html.index(referral.reference)
    assert "Overdue by" in html
    assert _page(cast.bob, "/referrals/inbox/")[1].count("R-") == 0
    assert referral.reference in _page(cast.bob, "/referrals/outbox/")[1]


def test_the_boxes_hold_exactly_the_visible_referrals_to_and_from_the_agency(cast, referral) -> None:
    for actor in (cast.sheila, cast.bob):
        visible = policy.visible(actor, Referral)
        inbox = selectors.referral_list(actor=actor, box="inbox")
        outbox = selectors.referral_list(actor=actor, box="outbox")
        assert set(inbox) == set(visible.filter(to_agency_id=actor.agency_id))
        assert set(outbox) == set(visible.filter(from_agency_id=actor.agency_id))
        assert set(inbox) | set(outbox) == set(selectors.referral_list(actor=actor))
        assert " OR " not in str(inbox.query)  # the scope's union collapsed to the box's own term
    assert list(selectors.referral_list(actor=cast.sheila, box="inbox")) == [referral]
    assert list(selectors.referral_list(actor=cast.bob, box="inbox")) == []
    assert list(selectors.referral_list(actor=cast.bob, box="outbox")) == [referral]


def test_the_inbox_is_not_for_administrators(cast) -> None:
    assert _page(cast.dora, "/referrals/inbox/")[0] == 404


def test_the_send_form_refers_and_suggests_agencies(cast, case, shelter, consent) -> None:
    status, html = _page(cast.bob, f"/referrals/new/{case.pk}/?service_type=shelter")
    assert status == 200 and 'id="referral-suggestions"' in html and "Dar Al Aman" in html

    client = Client()
    login(client, cast.bob)
    data = {"service_type": "shelter", "to_agency": shelter.pk, "urgency": "urgent", "reason": "Tonight"}
    refused = client.post(f"/referrals/new/{case.pk}/", data)
    assert refused.status_code == 400 and not Referral.objects.exists()  # no consent yet
    consent(case.person, agency=shelter)
    assert client.post(f"/referrals/new/{case.pk}/", data).status_code == 302
    assert Referral.objects.get().to_agency == shelter


def test_suggestions_put_agencies_speaking_the_persons_language_first(cast, shelter) -> None:
    ngo = cast.agencies["ngo"]
    AgencyService.objects.create(agency=ngo, service_type=ServiceType.SHELTER, languages="ar,en")
    someone = types.SimpleNamespace(languages="tl,en")
    rows = selectors.suggestions(actor=cast.bob, service_type="shelter", person=someone)
    assert [r["agency"] for r in rows] == [shelter, ngo]
    assert rows[0]["shared_languages"] == ["en", "tl"]


def test_the_directory_filters_by_service_and_language(cast, shelter) -> None:
    AgencyService.objects.create(agency=cast.agencies["ngo"], service_type=ServiceType.LEGAL_AID, languages="hi")
    _, html = _page(cast.adam, "/referrals/directory/?language=tl")
    assert "Dar Al Aman" in html and "Migrant Workers Rights Society" not in html
    _, html = _page(cast.adam, "/referrals/directory/?service_type=legal_aid")
    assert "Migrant Workers Rights Society" in html and "Dar Al Aman" not in html
    assert _page(cast.adam, "/referrals/directory/?language=not-a-code")[0] == 400


def test_the_hsds_export_has_the_open_referral_shape(cast, shelter) -> None:
    client = Client()
    login(client, cast.adam)
    body = client.get("/referrals/directory/hsds.json").json()
    org = next(o for o in body["organizations"] if o["name"] in ("Dar Al Aman Shelter", "دار الأمان"))
    assert {"id", "name", "description", "email", "website"} <= set(org)
    service = next(s for s in body["services"] if s["organization_id"] == org["id"])
    assert {"id", "organization_id", "name", "description", "languages", "schedules"} <= set(service)
    assert service["languages"] == [{"language": "ar"}, {"language": "en"}, {"language": "tl"}]
    assert service["schedules"] == [{"description": "24/7"}]
    assert len({o["id"] for o in body["organizations"]}) == len(body["organizations"])


def test_the_hsds_export_needs_a_signed_in_user(cast) -> None:
    assert Client().get("/referrals/directory/hsds.json").status_code == 302


def test_the_pages_render_right_to_left_in_arabic(cast, referral) -> None:
    client = Client()
    login(client, cast.sheila)  # Arabic is the default language
    for url in (f"/referrals/{referral.pk}/", "/referrals/inbox/", "/referrals/directory/"):
        html = client.get(url).content.decode()
        assert 'dir="rtl"' in html and referral.to_agency.name_ar in html
