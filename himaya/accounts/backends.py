"""Sign-in backend: Django's ModelBackend, but a page request loads its user in one query.

Every signed-in request needs the user, their agency (the navbar and the access policy name it) and
their roles (the policy's first question). ModelBackend.get_user loads the user alone and the other
two follow as two more queries; here the agency is joined and the roles come along as a sub-select,
so `user.agency` and `user.role_set` cost nothing more. Authentication itself is unchanged.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.db import connection
from django.db.models.expressions import RawSQL

from himaya.accounts.models import User, UserRole
from himaya.accounts.roles import Role

ROLE_SEPARATOR = ","


def _roles_subselect() -> RawSQL:
    roles, users = UserRole._meta.db_table, User._meta.db_table
    if connection.vendor == "postgresql":
        aggregate = f"string_agg(r.role, '{ROLE_SEPARATOR}')"
    else:
        aggregate = f"group_concat(r.role, '{ROLE_SEPARATOR}')"
    sql = f'(SELECT {aggregate} FROM "{roles}" r WHERE r.user_id = "{users}"."id")'  # noqa: S608 (names from _meta)
    return RawSQL(sql, ())  # noqa: S611


def with_roles(user: User, codes: str | None) -> User:
    user._role_cache = frozenset(Role(c) for c in (codes or "").split(ROLE_SEPARATOR) if c)
    return user


class StaffBackend(ModelBackend):
    def get_user(self, user_id: Any) -> User | None:
        try:
            found = (
                User._default_manager.select_related("agency")
                .annotate(role_codes=_roles_subselect())
                .filter(pk=user_id)
                .first()
            )
        except (ValueError, TypeError):
            return None
        if found is None or not self.user_can_authenticate(found):
            return None
        return with_roles(found, found.role_codes)  # type: ignore[attr-defined]
