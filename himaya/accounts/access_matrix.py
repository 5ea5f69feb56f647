"""Who gets what on every accounts URL (see himaya/access/matrix.py for the format)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from himaya.access.matrix import Expect
from himaya.testing import CAST_PASSWORD, USERS

ACTIVE = {name for name in USERS if name != "gone"}
ADMINS_OF_EPC = {"dora", "sysop"}
STAFF_MANAGERS = {"dora", "paula", "jamal", "sysop"}  # jamal: the partner agency's admin
NEW_PASSWORD = "a brand new passphrase for the matrix"  # noqa: S105


def _invitation(w: Any) -> dict[str, Any]:
    from himaya.accounts.models import Invitation

    invitation = Invitation.objects.create(
        email="matrix-invitee@example.org",
        full_name="Matrix Invitee",
        agency=w.cast.agencies["epc"],
        roles=["case_worker"],
        invited_by=w.cast.dora,
        token_hash="0" * 64,
        expires_at=timezone.now() + dt.timedelta(days=1),
    )
    return {"pk": invitation.pk}


EXPECTATIONS = {
    # Sign-in pages are open to all; signed-in users who already passed MFA are sent on (302).
    "accounts:login": Expect(public=True),
    "accounts:mfa_verify": Expect(public=True, ok_status=302),
    # Users with an authenticator app are sent to their profile; adam (analyst) has none and may enrol.
    "accounts:mfa_setup": Expect(public=True, ok_status=302, special={"adam": 200}),
    "accounts:invite_accept": Expect(public=True, kwargs=lambda w: {"token": "not-a-real-token"}, ok_status=404),
    # Everyone manages their own profile.
    "accounts:profile": Expect(ok=ACTIVE),
    "accounts:recovery_codes": Expect(
        method="post",
        ok=ACTIVE,
        data=lambda w: {"recovery-password": CAST_PASSWORD},
        special={"adam": 400},  # no authenticator app: nothing to make codes for
    ),
    # Staff management: agency administrators (own agency) and system administrators.
    "accounts:staff": Expect(ok=STAFF_MANAGERS),
    "accounts:staff_invite": Expect(ok=STAFF_MANAGERS),
    "accounts:staff_detail": Expect(kwargs=lambda w: {"pk": w.cast.bob.pk}, ok=ADMINS_OF_EPC),
    "accounts:staff_roles": Expect(
        method="post",
        kwargs=lambda w: {"pk": w.cast.bob.pk},
        data=lambda w: {"roles": ["case_worker", "supervisor"]},
        ok=ADMINS_OF_EPC,
        ok_status=302,
    ),
    "accounts:staff_deactivate": Expect(
        method="post", kwargs=lambda w: {"pk": w.cast.bob.pk}, ok=ADMINS_OF_EPC, ok_status=302
    ),
    "accounts:staff_reactivate": Expect(
        method="post", kwargs=lambda w: {"pk": w.cast.gone.pk}, ok=ADMINS_OF_EPC, ok_status=302
    ),
    "accounts:staff_mfa_reset": Expect(
        method="post", kwargs=lambda w: {"pk": w.cast.bob.pk}, ok=ADMINS_OF_EPC, ok_status=302
    ),
    "accounts:invitation_revoke": Expect(method="post", kwargs=_invitation, ok=ADMINS_OF_EPC, ok_status=302),
    # Last: these rotate or end the session (a matrix that reuses one client per user should run them last).
    "accounts:password_change": Expect(
        method="post",
        ok=ACTIVE,
        ok_status=302,
        data=lambda w: {
            "current_password": CAST_PASSWORD,
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        },
    ),
    "accounts:mfa_reset": Expect(
        method="post", ok=ACTIVE, ok_status=302, data=lambda w: {"reset-password": CAST_PASSWORD}
    ),
    "accounts:logout": Expect(method="post", ok=ACTIVE, ok_status=302),
}
