"""Notifications are personal to each signed-in user: everyone may open their own list and mark it read."""

from __future__ import annotations

from himaya.access.matrix import Expect
from himaya.testing import USERS

EVERYONE = set(USERS) - {"gone"}

EXPECTATIONS = {
    "notifications:list": Expect(ok=EVERYONE),
    "notifications:mark_read": Expect(method="post", data=lambda w: {"all": "1"}, ok=EVERYONE, ok_status=302),
}
