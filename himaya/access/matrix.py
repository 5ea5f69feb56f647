"""The URL × role matrix: every URL pattern must declare who gets what.

Each app declares its expectations in `himaya/<app>/access_matrix.py`:

    from himaya.access.matrix import Expect
    EXPECTATIONS = {
        "people:detail": Expect(kwargs=lambda w: {"pk": w.person.pk}, ok={"alice", "bob", "carol"}),
        "people:create": Expect(method="post", data=lambda w: {...}, ok={"alice"}, ok_status=302),
        "api:person-list": Expect(ok={...}, api=True),
    }

`w` is the matrix world: the cast (`w.cast`, `w.alice`, …) plus a few shared objects built by
`build_world` (a person owned by the EPC, one owned by the police). For each expectation the test
requests the URL as every cast member, as anonymous, and as the deactivated user `gone`:

- cast members in `ok` must get `ok_status` (200 unless stated);
- every other signed-in member must get `others` (404: out of scope looks like "not there");
- anonymous and the deactivated user must get `anonymous` (302 to sign-in for pages, 401/403 for API).

A URL pattern with no declared expectation fails the suite (`tests/test_url_matrix.py`).
Each request runs inside a rolled-back savepoint, so POSTs do not leak into the next role.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

Factory = Callable[[Any], dict[str, Any]]


@dataclass
class Expect:
    ok: set[str] = field(default_factory=set)
    kwargs: Factory | None = None
    method: str = "get"
    data: Factory | None = None
    ok_status: int = 200
    others: int = 404
    # None: 302 for pages, 401 for the API (`api=True`), 200 for public pages (`public=True`).
    anonymous: int | None = None
    api: bool = False
    public: bool = False
    # Status for a signed-in user overriding the defaults, e.g. {"pete": 403}.
    special: dict[str, int] = field(default_factory=dict)
    # Query string appended to the URL (e.g. "?q=...").
    query: str = ""
    format: str = "multipart"  # or "json" for API posts

    def expected_for(self, who: str) -> int:
        if who in self.special:
            return self.special[who]
        if who in ("anonymous", "gone"):
            if self.anonymous is not None:
                return self.anonymous
            if self.public:
                return self.ok_status
            return 401 if self.api else 302
        if self.public or who in self.ok:
            return self.ok_status
        return self.others


# URL names that need no expectation: Django's own machinery with no data behind it.
EXEMPT = {"set_language"}


@dataclass
class World:
    """The matrix world: the cast, a person owned by the EPC and one owned by the police.

    `w.alice` etc. are the cast's users; `w.person` is the EPC's person, `w.police_person` the police's.
    """

    cast: Any
    person: Any
    police_person: Any

    def __getattr__(self, name: str) -> Any:
        cast = self.__dict__.get("cast")
        if cast is None:
            raise AttributeError(name)
        return getattr(cast, name)


def build_world(cast: Any = None) -> World:
    """Build the matrix world (in the test database): the cast unless given, and two people
    recorded through the people service by alice (EPC) and pete (police)."""
    from himaya.people.services import person_create
    from himaya.testing import make_cast

    cast = cast if cast is not None else make_cast()
    person = person_create(
        actor=cast.alice,
        given_name_latin="Maria",
        family_name_latin="Matrix",
        document_number="P1234567",
        phone="+97333123456",
        nationality="PH",
        gender="Feminine",
    )
    police_person = person_create(actor=cast.pete, given_name_latin="Rina", nationality="IN")
    world = World(cast=cast, person=person, police_person=police_person)
    # Referrals: the shelter agency offers a shelter service (the referral matrix refers to it).
    from himaya.agencies.models import AgencyService, ServiceType

    AgencyService.objects.get_or_create(
        agency=cast.agencies["shelter"], service_type=ServiceType.SHELTER, defaults={"languages": "ar,en,tl"}
    )
    return world
