"""Writes for sign-in, the second factor, profiles and staff management.

Each function is keyword-only with `actor` first, runs in one transaction and records its audit
event in that transaction. Audit events name fields and reason codes, never the values typed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.contrib.auth import authenticate, login, logout
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.http import Http404, HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from himaya.access import policy
from himaya.accounts import mfa, sessionkeys, throttle
from himaya.accounts.models import (
    CalendarPreference,
    Invitation,
    RecoveryCode,
    ThrottleKind,
    TotpDevice,
    User,
    UserRole,
)
from himaya.accounts.roles import Role
from himaya.agencies.models import Agency
from himaya.audit.services import audit_record

AUTH_BACKEND = "himaya.accounts.backends.StaffBackend"
# An unconfirmed enrolment keeps its secret this long, so reloading the page does not change it.
ENROLMENT_REUSE = dt.timedelta(minutes=15)
LANGUAGE_CODES = {code for code, _name in settings.LANGUAGES}


def invitation_ttl() -> dt.timedelta:
    return dt.timedelta(hours=int(getattr(settings, "INVITATION_TTL_HOURS", 72)))


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _user_ref(user: User | None) -> dict[str, Any]:
    if user is None:
        return {}
    return {"object_type": "accounts.user", "object_id": str(user.pk), "owner_agency_id": user.agency_id}


# --- Sign-in --------------------------------------------------------------------------------
@dataclass
class LoginOutcome:
    user: User | None = None
    reason: str = ""  # "" on success; otherwise a reason code for the audit trail (never shown)


def login_attempt(
    *, actor: None = None, request: HttpRequest, email: str, password: str, client_ip: str
) -> LoginOutcome:
    """Check an e-mail and password (the first factor).

    Unknown e-mail, wrong password, deactivated or integration account and lockout all fail the
    same way for the caller; the password hasher runs in every case (Django's ModelBackend hashes
    a dummy password for unknown accounts) so timing does not tell them apart either.
    """
    email = (email or "").strip()
    account_key = throttle.account_key(email)
    user = authenticate(request, username=email, password=password)
    known = user if user is not None else User.objects.filter(email__iexact=email).first()
    with transaction.atomic():
        if throttle.is_locked(ThrottleKind.ACCOUNT, account_key) or throttle.is_locked(ThrottleKind.IP, client_ip):
            reason = "locked"
        elif user is None:
            reason = "inactive" if known is not None and not known.is_active else "bad_credentials"
        elif user.is_integration:
            reason = "integration"
        else:
            reason = ""
        if reason:
            if reason != "locked":
                locked_account = throttle.register_failure(ThrottleKind.ACCOUNT, account_key)
                locked_ip = throttle.register_failure(ThrottleKind.IP, client_ip)
                if locked_account or locked_ip:
                    audit_record(
                        actor=None,
                        action="auth.lockout",
                        outcome="denied",
                        detail="account" if locked_account else "ip",
                        **_user_ref(known),
                    )
            audit_record(actor=None, action="auth.login", outcome="failed", detail=reason, **_user_ref(known))
            return LoginOutcome(user=None, reason=reason)
        assert user is not None
        # The success itself is audited by session_start ("auth.login").
        throttle.reset(ThrottleKind.ACCOUNT, account_key)
    return LoginOutcome(user=user)


def session_start(*, actor: User, request: HttpRequest, mfa_verified: bool, method: str = "password") -> None:
    """Sign the actor in (a new session key) and start the session clocks."""
    with transaction.atomic():
        request.session.pop(sessionkeys.PENDING_NEXT, None)
        request.session.pop(sessionkeys.MFA_VERIFIED, None)
        login(request, actor, backend=AUTH_BACKEND)
        now = int(time.time())
        request.session[sessionkeys.STARTED] = now
        request.session[sessionkeys.LAST_SEEN] = now
        if mfa_verified:
            request.session[sessionkeys.MFA_VERIFIED] = True
        audit_record(actor=actor, action="auth.login", detail=method, **_user_ref(actor))


def session_mark_verified(*, actor: User, request: HttpRequest, method: str) -> None:
    """An already signed-in session passed the second factor (new session key against fixation)."""
    with transaction.atomic():
        request.session.cycle_key()
        request.session[sessionkeys.MFA_VERIFIED] = True
        audit_record(actor=actor, action="auth.mfa.session", detail=method, **_user_ref(actor))


def session_end(*, actor: Any, request: HttpRequest, reason: str = "logout") -> None:
    """Sign out (`reason`: "logout", "idle", "absolute", "inactive", "integration")."""
    user = actor if getattr(actor, "is_authenticated", False) else None
    with transaction.atomic():
        if user is not None:
            action = "auth.logout" if reason == "logout" else "auth.session_expired"
            audit_record(actor=user, action=action, detail=reason, **_user_ref(user))
        logout(request)


# --- Second factor --------------------------------------------------------------------------
def mfa_verify(*, actor: User, code: str) -> str:
    """Check a TOTP or recovery code. Returns "totp", "recovery", "invalid" or "locked".

    A TOTP code is accepted once only (its time step is remembered); a recovery code is used up.
    """
    key = str(actor.pk)
    with transaction.atomic():
        if throttle.is_locked(ThrottleKind.MFA, key):
            audit_record(actor=actor, action="auth.mfa.verify", outcome="failed", detail="locked", **_user_ref(actor))
            return "locked"
        method = ""
        if mfa.looks_like_totp(code):
            device = TotpDevice.objects.select_for_update().filter(user=actor, confirmed_at__isnull=False).first()
            if device is not None:
                step = mfa.matching_step(device.secret, code, after=device.last_used_step)
                if step is not None:
                    device.last_used_step = step
                    device.save(update_fields=["last_used_step"])
                    method = "totp"
        elif mfa.looks_like_recovery_code(code):
            used = RecoveryCode.objects.filter(
                user=actor, code_hash=mfa.recovery_hash(actor.pk, code), used_at__isnull=True
            ).update(used_at=timezone.now())
            if used:
                method = "recovery"
        if not method:
            started = throttle.register_failure(ThrottleKind.MFA, key)
            audit_record(
                actor=actor,
                action="auth.mfa.verify",
                outcome="failed",
                detail="invalid;lockout" if started else "invalid",
                **_user_ref(actor),
            )
            return "locked" if started else "invalid"
        throttle.reset(ThrottleKind.MFA, key)
        audit_record(actor=actor, action="auth.mfa.verify", detail=method, **_user_ref(actor))
    return method


def mfa_enrol_begin(*, actor: User) -> TotpDevice:
    """Start (or resume) enrolling an authenticator app: an unconfirmed device with a new secret."""
    with transaction.atomic():
        device = TotpDevice.objects.select_for_update().filter(user=actor).first()
        if device is not None and device.is_confirmed:
            raise ValidationError(_("An authenticator app is already set up for this account."))
        if device is not None and device.created_at > timezone.now() - ENROLMENT_REUSE:
            return device
        if device is None:
            device = TotpDevice(user=actor)
        device.secret = mfa.new_secret()
        device.created_at = timezone.now()
        device.last_used_step = None
        device.save()
        audit_record(actor=actor, action="auth.mfa.enrol_begin", fields=["secret"], **_user_ref(actor))
    return device


@dataclass
class EnrolOutcome:
    status: str  # "ok", "invalid", "locked", "missing"
    recovery_codes: list[str] = field(default_factory=list)


def mfa_enrol_confirm(*, actor: User, code: str) -> EnrolOutcome:
    """Confirm the pending device with a first code; returns the 10 recovery codes (shown once)."""
    key = str(actor.pk)
    with transaction.atomic():
        if throttle.is_locked(ThrottleKind.MFA, key):
            return EnrolOutcome(status="locked")
        device = TotpDevice.objects.select_for_update().filter(user=actor, confirmed_at__isnull=True).first()
        if device is None:
            return EnrolOutcome(status="missing")
        step = mfa.matching_step(device.secret, code, after=None)
        if step is None:
            started = throttle.register_failure(ThrottleKind.MFA, key)
            audit_record(actor=actor, action="auth.mfa.enrol", outcome="failed", detail="invalid", **_user_ref(actor))
            return EnrolOutcome(status="locked" if started else "invalid")
        device.confirmed_at = timezone.now()
        device.last_used_step = step
        device.save(update_fields=["confirmed_at", "last_used_step"])
        codes = mfa.replace_recovery_codes(actor)
        throttle.reset(ThrottleKind.MFA, key)
        audit_record(actor=actor, action="auth.mfa.enrol", fields=["totp_device", "recovery_codes"], **_user_ref(actor))
    return EnrolOutcome(status="ok", recovery_codes=codes)


def _check_password(actor: User, password: str, action: str) -> None:
    if not actor.check_password(password or ""):
        audit_record(actor=actor, action=action, outcome="failed", detail="wrong_password", **_user_ref(actor))
        raise ValidationError({"password": _("Your current password is not correct.")})


def recovery_codes_regenerate(*, actor: User, password: str) -> list[str]:
    """Replace the recovery codes (the old ones stop working); password re-entry required."""
    _check_password(actor, password, "auth.mfa.recovery_codes")
    if not mfa.has_confirmed_device(actor):
        raise ValidationError(_("Set up an authenticator app first."))
    with transaction.atomic():
        codes = mfa.replace_recovery_codes(actor)
        audit_record(actor=actor, action="auth.mfa.recovery_codes", fields=["recovery_codes"], **_user_ref(actor))
    return codes


def mfa_reset(*, actor: User, password: str) -> None:
    """Remove the authenticator app and recovery codes (password re-entry required)."""
    _check_password(actor, password, "auth.mfa.reset")
    with transaction.atomic():
        TotpDevice.objects.filter(user=actor).delete()
        RecoveryCode.objects.filter(user=actor).delete()
        throttle.reset(ThrottleKind.MFA, str(actor.pk))
        audit_record(actor=actor, action="auth.mfa.reset", fields=["totp_device", "recovery_codes"], **_user_ref(actor))


# --- Profile --------------------------------------------------------------------------------
def profile_update(*, actor: User, language: str | None = None, calendar: str | None = None) -> list[str]:
    """Save the actor's language and calendar preferences; returns the names of changed fields."""
    changes: dict[str, str] = {}
    if language is not None:
        if language not in LANGUAGE_CODES:
            raise ValidationError({"language": _("Choose a language from the list.")})
        if language != actor.language:
            changes["language"] = language
    if calendar is not None:
        if calendar not in CalendarPreference.values:
            raise ValidationError({"calendar": _("Choose a calendar from the list.")})
        if calendar != actor.calendar:
            changes["calendar"] = calendar
    if not changes:
        return []
    with transaction.atomic():
        User.objects.filter(pk=actor.pk).update(**changes)
        for name, value in changes.items():
            setattr(actor, name, value)
        audit_record(actor=actor, action="accounts.profile.update", fields=list(changes), **_user_ref(actor))
    return list(changes)


def password_change(*, actor: User, current_password: str, new_password: str) -> None:
    """Change the actor's password after checking the current one and the password rules."""
    _check_password(actor, current_password, "auth.password.change")
    validate_password(new_password, actor)
    with transaction.atomic():
        actor.set_password(new_password)
        actor.save(update_fields=["password"])
        audit_record(actor=actor, action="auth.password.change", fields=["password"], **_user_ref(actor))


# --- Staff management -----------------------------------------------------------------------
def _is_system_admin(actor: Any) -> bool:
    return bool(actor.has_role(Role.SYSTEM_ADMIN))


def clean_roles(*, actor: User, roles: Iterable[str]) -> list[str]:
    values = sorted({str(r) for r in roles})
    if not values:
        raise ValidationError({"roles": _("Choose at least one role.")})
    valid = {r.value for r in Role}
    if any(v not in valid for v in values):
        raise ValidationError({"roles": _("Choose roles from the list.")})
    if Role.SYSTEM_ADMIN.value in values and not _is_system_admin(actor):
        raise ValidationError({"roles": _("Only a system administrator can grant the system administrator role.")})
    return values


def _require_manageable(actor: User, target: User) -> None:
    policy.require_permission(actor, "staff.manage")
    policy.require(actor, policy.CHANGE, target)
    if target.has_role(Role.SYSTEM_ADMIN) and not _is_system_admin(actor):
        raise ValidationError(_("Only a system administrator can change a system administrator's account."))
    if target.pk == actor.pk:
        raise ValidationError(_("You cannot change your own account here; ask another administrator."))


def staff_invite(
    *,
    actor: User,
    email: str,
    full_name: str,
    roles: Iterable[str],
    agency: Agency | None = None,
    base_url: str,
    language: str | None = None,
) -> Invitation:
    """Invite someone by e-mail to join an agency with the given roles; the e-mail goes out as a task."""
    policy.require_permission(actor, "staff.manage")
    target_agency = agency if agency is not None else actor.agency
    if target_agency.pk != actor.agency_id and not _is_system_admin(actor):
        raise Http404(_("Not found."))
    if not target_agency.is_active:
        raise ValidationError({"agency": _("This agency is not active.")})
    role_values = clean_roles(actor=actor, roles=roles)
    email = (email or "").strip().lower()
    full_name = (full_name or "").strip()
    if not email:
        raise ValidationError({"email": _("Enter an e-mail address.")})
    if not full_name:
        raise ValidationError({"full_name": _("Enter the person's full name.")})
    if User.objects.filter(email__iexact=email).exists():
        raise ValidationError(
            {
                "email": _(
                    "This e-mail address cannot be invited. "
                    "If the person already has an account, ask their agency administrator."
                )
            }
        )
    now = timezone.now()
    with transaction.atomic():
        # A new invitation replaces any earlier one for the same address.
        Invitation.objects.filter(email__iexact=email, accepted_at__isnull=True, revoked_at__isnull=True).update(
            revoked_at=now
        )
        invitation = Invitation.objects.create(
            email=email,
            full_name=full_name,
            agency=target_agency,
            roles=role_values,
            invited_by=actor,
            expires_at=now + invitation_ttl(),
        )
        audit_record(
            actor=actor,
            action="accounts.invitation.create",
            object_type="accounts.invitation",
            object_id=str(invitation.pk),
            owner_agency_id=target_agency.pk,
            fields=["email", "full_name", "roles"],
            detail="roles:" + ",".join(role_values),
        )
        from himaya.accounts.tasks import send_invitation

        # Enqueued in the same transaction (the database task queue commits with the invitation).
        send_invitation.enqueue(invitation.pk, base_url, language or translation.get_language() or "ar")
    return invitation


def invitation_send(*, actor: None = None, invitation_id: int, base_url: str, language: str) -> bool:
    """Issue a fresh link token and e-mail it (run by the task). The token is never stored in clear."""
    with transaction.atomic():
        invitation = Invitation.objects.select_for_update().filter(pk=invitation_id).first()
        if invitation is None or not invitation.is_pending:
            return False
        token = secrets.token_urlsafe(32)
        invitation.token_hash = token_hash(token)
        invitation.sent_at = timezone.now()
        invitation.save(update_fields=["token_hash", "sent_at"])
        audit_record(
            actor=None,
            action="accounts.invitation.send",
            object_type="accounts.invitation",
            object_id=str(invitation.pk),
            owner_agency_id=invitation.agency_id,
        )
        link = base_url.rstrip("/") + reverse("accounts:invite_accept", kwargs={"token": token})
        lang = language if language in LANGUAGE_CODES else settings.LANGUAGE_CODE
        with translation.override(lang):
            context = {"invitation": invitation, "link": link, "agency": invitation.agency}
            subject = render_to_string("accounts/email/invitation_subject.txt", context).strip()
            body = render_to_string("accounts/email/invitation.txt", context)
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [invitation.email])
    return True


def invitation_for_token(token: str) -> Invitation | None:
    if not token or len(token) > 128:
        return None
    invitation = Invitation.objects.select_related("agency").filter(token_hash=token_hash(token)).first()
    if invitation is None or not invitation.is_pending:
        return None
    return invitation


def invitation_accept(*, actor: None = None, token: str, full_name: str, password: str) -> User:
    """Create the invitee's account from a valid invitation (they enrol MFA next)."""
    invitation = invitation_for_token(token)
    if invitation is None:
        raise Http404(_("This invitation link is not valid or has expired."))
    full_name = (full_name or "").strip() or invitation.full_name
    user = User(email=invitation.email, full_name=full_name, agency=invitation.agency, invited_by=invitation.invited_by)
    validate_password(password, user)
    try:
        return _invitation_accept(invitation, user, password)
    except IntegrityError:  # the address was taken meanwhile
        raise Http404(_("This invitation link is not valid or has expired.")) from None


def _invitation_accept(invitation: Invitation, user: User, password: str) -> User:
    with transaction.atomic():
        locked = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if not locked.is_pending or User.objects.filter(email__iexact=invitation.email).exists():
            raise Http404(_("This invitation link is not valid or has expired."))
        user.set_password(password)
        user.save()
        UserRole.objects.bulk_create([UserRole(user=user, role=r) for r in locked.roles])
        locked.accepted_at = timezone.now()
        locked.accepted_user = user
        locked.token_hash = ""
        locked.save(update_fields=["accepted_at", "accepted_user", "token_hash"])
        audit_record(
            actor=user,
            action="accounts.invitation.accept",
            object_type="accounts.invitation",
            object_id=str(locked.pk),
            owner_agency_id=locked.agency_id,
            fields=["full_name", "password"],
        )
    return user


def invitation_revoke(*, actor: User, invitation: Invitation) -> None:
    policy.require_permission(actor, "staff.manage")
    if invitation.agency_id != actor.agency_id and not _is_system_admin(actor):
        raise Http404(_("Not found."))
    with transaction.atomic():
        Invitation.objects.filter(pk=invitation.pk, accepted_at__isnull=True, revoked_at__isnull=True).update(
            revoked_at=timezone.now(), token_hash=""
        )
        audit_record(
            actor=actor,
            action="accounts.invitation.revoke",
            object_type="accounts.invitation",
            object_id=str(invitation.pk),
            owner_agency_id=invitation.agency_id,
        )


def staff_deactivate(*, actor: User, target: User) -> None:
    """Deactivate an account: it is signed out on its next request and cannot sign in."""
    _require_manageable(actor, target)
    if not target.is_active:
        return
    with transaction.atomic():
        target.is_active = False
        target.deactivated_at = timezone.now()
        target.save(update_fields=["is_active", "deactivated_at"])
        audit_record(actor=actor, action="accounts.staff.deactivate", fields=["is_active"], **_user_ref(target))


def staff_reactivate(*, actor: User, target: User) -> None:
    _require_manageable(actor, target)
    if target.is_active:
        return
    with transaction.atomic():
        target.is_active = True
        target.deactivated_at = None
        target.save(update_fields=["is_active", "deactivated_at"])
        audit_record(actor=actor, action="accounts.staff.reactivate", fields=["is_active"], **_user_ref(target))


def staff_set_roles(*, actor: User, target: User, roles: Iterable[str]) -> list[str]:
    """Replace the target's roles; takes effect on their next request."""
    _require_manageable(actor, target)
    wanted = set(clean_roles(actor=actor, roles=roles))
    current = {r.value for r in target.role_set}
    added, removed = sorted(wanted - current), sorted(current - wanted)
    if not added and not removed:
        return sorted(wanted)
    with transaction.atomic():
        UserRole.objects.filter(user=target, role__in=removed).delete()
        UserRole.objects.bulk_create([UserRole(user=target, role=r) for r in added])
        target._role_cache = frozenset(Role(r) for r in wanted)
        audit_record(
            actor=actor,
            action="accounts.staff.roles",
            fields=["roles"],
            detail=f"added:{','.join(added)};removed:{','.join(removed)}",
            **_user_ref(target),
        )
    return sorted(wanted)


def staff_mfa_reset(*, actor: User, target: User) -> None:
    """Remove a staff member's authenticator app (lost phone); they must enrol again at next sign-in."""
    _require_manageable(actor, target)
    with transaction.atomic():
        TotpDevice.objects.filter(user=target).delete()
        RecoveryCode.objects.filter(user=target).delete()
        throttle.reset(ThrottleKind.MFA, str(target.pk))
        audit_record(
            actor=actor,
            action="accounts.staff.mfa_reset",
            fields=["totp_device", "recovery_codes"],
            **_user_ref(target),
        )
