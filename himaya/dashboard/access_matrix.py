"""Who gets what on the home page (see himaya/access/matrix.py for the format)."""

from __future__ import annotations

from himaya.access.matrix import Expect
from himaya.testing import USERS

EVERYONE = set(USERS) - {"gone"}

EXPECTATIONS = {
    # Every signed-in member has a home page; what it shows depends on their roles.
    "dashboard:home": Expect(ok=EVERYONE),
}
