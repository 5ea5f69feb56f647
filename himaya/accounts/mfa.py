"""The second factor: TOTP (RFC 6238, 30-second steps, 6 digits) and single-use recovery codes.

Helpers here compute and compare; the writes that users cause (enrol, verify, reset) live in
`services.py` with their audit events.
"""

from __future__ import annotations

import hmac
import secrets
import time
from typing import Any

import pyotp
import segno
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from himaya.accounts.models import RecoveryCode, TotpDevice, User
from himaya.core.crypto import get_keyring

ISSUER = "Himaya"
STEP_SECONDS = 30
DIGITS = 6
# Codes from the previous and the next time step are accepted (clock drift).
DRIFT_STEPS = 1
RECOVERY_CODE_COUNT = 10
# 16 characters from a 31-letter alphabet without look-alikes: ~79 bits per code.
RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
RECOVERY_LENGTH = 16


def new_secret() -> str:
    return pyotp.random_base32(length=32)


def current_step(now: float | None = None) -> int:
    return int((time.time() if now is None else now) // STEP_SECONDS)


def code_at_step(secret: str, step: int) -> str:
    return pyotp.TOTP(secret, digits=DIGITS, interval=STEP_SECONDS).at(step * STEP_SECONDS)


def normalise_code(raw: str) -> str:
    return "".join(ch for ch in (raw or "").strip().lower() if ch.isalnum())


def looks_like_totp(raw: str) -> bool:
    code = normalise_code(raw)
    return len(code) == DIGITS and code.isdigit()


def matching_step(secret: str, code: str, *, after: int | None, now: float | None = None) -> int | None:
    """The time step whose code equals `code` (within the drift window and later than `after`), else None."""
    code = normalise_code(code)
    if len(code) != DIGITS or not code.isdigit():
        return None
    here = current_step(now)
    found: int | None = None
    for step in range(here - DRIFT_STEPS, here + DRIFT_STEPS + 1):
        # Compare every candidate (no early exit) in constant time.
        if hmac.compare_digest(code_at_step(secret, step), code) and (after is None or step > after):
            found = step if found is None else found
    return found


def provisioning_uri(user: User, secret: str) -> str:
    return pyotp.TOTP(secret, digits=DIGITS, interval=STEP_SECONDS).provisioning_uri(
        name=user.email, issuer_name=ISSUER
    )


def qr_svg(uri: str, *, title: str) -> SafeString:
    """An inline SVG QR code (no script, no style attribute: safe under the CSP)."""
    svg = segno.make(uri, error="m").svg_inline(
        scale=4, border=4, dark="#000", light="#fff", title=title, svgclass="mfa-qr", lineclass=None
    )
    # segno escapes the title; the rest is generated markup.
    return mark_safe(svg)  # noqa: S308


def group_secret(secret: str) -> SafeString:
    """The secret in groups of four for reading aloud or typing (display only)."""
    groups = [secret[i : i + 4] for i in range(0, len(secret), 4)]
    return format_html("{}", " ".join(groups))


# --- Recovery codes ---------------------------------------------------------------------------
def new_recovery_code() -> str:
    raw = "".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(RECOVERY_LENGTH))
    return "-".join(raw[i : i + 4] for i in range(0, RECOVERY_LENGTH, 4))


def recovery_hash(user_id: int, code: str) -> str:
    """Keyed hash (the keyring's index key, outside the database) bound to the user."""
    return get_keyring().blind_index(f"{user_id}:{normalise_code(code)}", purpose="recovery_code")


def looks_like_recovery_code(raw: str) -> bool:
    code = normalise_code(raw)
    return len(code) == RECOVERY_LENGTH and all(ch in RECOVERY_ALPHABET for ch in code)


def replace_recovery_codes(user: User) -> list[str]:
    """Delete the user's codes and create RECOVERY_CODE_COUNT new ones; returns them (shown once)."""
    codes = [new_recovery_code() for _ in range(RECOVERY_CODE_COUNT)]
    RecoveryCode.objects.filter(user=user).delete()
    RecoveryCode.objects.bulk_create([RecoveryCode(user=user, code_hash=recovery_hash(user.pk, c)) for c in codes])
    return codes


def remaining_recovery_codes(user: User) -> int:
    return RecoveryCode.objects.filter(user=user, used_at__isnull=True).count()


def confirmed_device(user: Any) -> TotpDevice | None:
    if user is None or getattr(user, "pk", None) is None:
        return None
    return TotpDevice.objects.filter(user_id=user.pk, confirmed_at__isnull=False).first()


def has_confirmed_device(user: Any) -> bool:
    return TotpDevice.objects.filter(user_id=user.pk, confirmed_at__isnull=False).exists()


def needs_second_factor(user: Any) -> bool:
    """MFA is checked for everyone whose roles require it, and for anyone who enrolled voluntarily."""
    return bool(user.mfa_required) or has_confirmed_device(user)


def enrol_for_fixture(user: User, secret: str) -> TotpDevice:
    """Test/demo fixtures only: a confirmed TOTP device with a known secret (not a user action)."""
    device, _ = TotpDevice.objects.update_or_create(
        user=user, defaults={"secret": secret, "confirmed_at": timezone.now(), "last_used_step": None}
    )
    return device
