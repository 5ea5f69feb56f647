"""Test helper: sign a cast member in with the second factor already checked."""

from __future__ import annotations

import time
from typing import Any

from himaya.accounts import sessionkeys


def login(client: Any, user: Any) -> None:
    client.force_login(user)
    session = client.session
    now = int(time.time())
    session[sessionkeys.MFA_VERIFIED] = True
    session[sessionkeys.STARTED] = now
    session[sessionkeys.LAST_SEEN] = now
    session.save()
