"""Sign-in, second factor, profile and staff-management pages. Thin: forms parse, services write."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST

from himaya.accounts import mfa, selectors, services, sessionkeys
from himaya.accounts.forms import (
    AcceptInvitationForm,
    CodeForm,
    InviteForm,
    LoginForm,
    PasswordChangeForm,
    PasswordConfirmForm,
    PreferencesForm,
    RolesForm,
)
from himaya.accounts.models import User
from himaya.accounts.roles import Role
from himaya.agencies.models import Agency
from himaya.core.clientip import client_ip

GENERIC_LOGIN_ERROR = gettext_lazy(
    "The e-mail address or password is not correct, or the account cannot sign in right now."
)


def _home() -> str:
    return reverse(settings.LOGIN_REDIRECT_URL)


def _safe_next(request: HttpRequest, candidate: str | None) -> str:
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return ""


def _client_ip(request: HttpRequest) -> str:
    return client_ip(request)


def _signed_in(request: HttpRequest) -> User | None:
    """The signed-in user (after the password, possibly before the second factor)."""
    return request.user if request.user.is_authenticated else None  # type: ignore[return-value]


def _login_redirect() -> HttpResponseRedirect:
    return HttpResponseRedirect(reverse("accounts:login"))


# --- Sign-in --------------------------------------------------------------------------------
@sensitive_post_parameters("password")
@csrf_protect
@never_cache
@require_http_methods(["GET", "POST"])
def login_view(request: HttpRequest) -> HttpResponse:
    next_url = _safe_next(request, request.POST.get("next") or request.GET.get("next"))
    form = LoginForm(request.POST or None)
    error = ""
    if request.method == "POST":
        if form.is_valid():
            outcome = services.login_attempt(
                request=request,
                email=form.cleaned_data["email"],
                password=form.cleaned_data["password"],
                client_ip=_client_ip(request),
            )
            user = outcome.user
            if user is not None:
                # Signed in with the password; MfaRequiredMiddleware keeps every page closed until the
                # second factor marks the session (sessionkeys.MFA_VERIFIED).
                services.session_start(actor=user, request=request, mfa_verified=False)
                if mfa.needs_second_factor(user):
                    request.session[sessionkeys.PENDING_NEXT] = next_url
                    target = "accounts:mfa_verify" if mfa.has_confirmed_device(user) else "accounts:mfa_setup"
                    return HttpResponseRedirect(reverse(target))
                return HttpResponseRedirect(next_url or _home())
        error = str(GENERIC_LOGIN_ERROR)
    notice = ""
    if request.GET.get("expired"):
        notice = _("Your session has ended. Please sign in again.")
    return render(
        request,
        "accounts/login.html",
        {"form": form, "error": error, "notice": notice, "next": next_url},
        status=200,
    )


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    services.session_end(actor=request.user, request=request, reason="logout")
    messages.info(request, _("You have signed out."))
    return HttpResponseRedirect(reverse(settings.LOGOUT_REDIRECT_URL))


def _finish_second_factor(request: HttpRequest, user: User, method: str) -> str:
    """Mark the session as having passed the second factor; returns where to go next."""
    next_url = _safe_next(request, request.session.pop(sessionkeys.PENDING_NEXT, "") or request.GET.get("next"))
    services.session_mark_verified(actor=user, request=request, method=method)
    return next_url or _home()


def _too_many_attempts() -> str:
    minutes = max(1, int(settings.LOGIN_LOCKOUT_SECONDS) // 60)
    return ngettext(
        "Too many wrong codes. Wait %(minutes)d minute and try again.",
        "Too many wrong codes. Wait %(minutes)d minutes and try again.",
        minutes,
    ) % {"minutes": minutes}


@sensitive_post_parameters("code")
@csrf_protect
@never_cache
@require_http_methods(["GET", "POST"])
def mfa_verify_view(request: HttpRequest) -> HttpResponse:
    user = _signed_in(request)
    if user is None:
        return _login_redirect()
    if request.session.get(sessionkeys.MFA_VERIFIED):
        return HttpResponseRedirect(_safe_next(request, request.GET.get("next")) or _home())
    if not mfa.has_confirmed_device(user):
        return HttpResponseRedirect(reverse("accounts:mfa_setup"))
    form = CodeForm(request.POST or None)
    error = ""
    if request.method == "POST":
        if form.is_valid():
            result = services.mfa_verify(actor=user, code=form.cleaned_data["code"])
            if result in ("totp", "recovery"):
                target = _finish_second_factor(request, user, result)
                if result == "recovery":
                    left = mfa.remaining_recovery_codes(user)
                    messages.warning(
                        request,
                        ngettext(
                            "You used a recovery code. %(count)d recovery code is left; make new ones in your profile.",
                            "You used a recovery code. %(count)d recovery codes are left; "
                            "make new ones in your profile.",
                            left,
                        )
                        % {"count": left},
                    )
                return HttpResponseRedirect(target)
            error = _too_many_attempts() if result == "locked" else _("That code is not correct or was already used.")
        else:
            error = _("Enter the 6-digit code from your authenticator app, or a recovery code.")
    return render(request, "accounts/mfa_verify.html", {"form": form, "error": error})


@sensitive_post_parameters("code")
@csrf_protect
@never_cache
@require_http_methods(["GET", "POST"])
def mfa_setup_view(request: HttpRequest) -> HttpResponse:
    user = _signed_in(request)
    if user is None:
        return _login_redirect()
    if mfa.has_confirmed_device(user):
        if request.session.get(sessionkeys.MFA_VERIFIED):
            return HttpResponseRedirect(reverse("accounts:profile"))
        return HttpResponseRedirect(reverse("accounts:mfa_verify"))
    form = CodeForm(request.POST or None)
    error = ""
    if request.method == "POST":
        if form.is_valid():
            outcome = services.mfa_enrol_confirm(actor=user, code=form.cleaned_data["code"])
            if outcome.status == "ok":
                target = _finish_second_factor(request, user, "enrol")
                return render(
                    request,
                    "accounts/recovery_codes.html",
                    {"codes": outcome.recovery_codes, "continue_url": target, "first_time": True},
                )
            if outcome.status == "locked":
                error = _too_many_attempts()
            elif outcome.status == "invalid":
                error = _("That code is not correct. Check the time on your phone and try the newest code.")
        else:
            error = _("Enter the 6-digit code from your authenticator app.")
    device = services.mfa_enrol_begin(actor=user)
    uri = mfa.provisioning_uri(user, device.secret)
    context = {
        "form": form,
        "error": error,
        "secret": device.secret,
        "secret_grouped": mfa.group_secret(device.secret),
        "qr": mfa.qr_svg(uri, title=_("QR code for your authenticator app")),
        "required": user.mfa_required,
    }
    return render(request, "accounts/mfa_setup.html", context)


# --- Profile --------------------------------------------------------------------------------
def _set_language_cookie(response: HttpResponse, language: str) -> None:
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,  # type: ignore[arg-type]
    )


def _profile_context(request: HttpRequest, **forms: Any) -> dict[str, Any]:
    user: User = request.user  # type: ignore[assignment]
    device = mfa.confirmed_device(user)
    return {
        "profile_user": user,
        "preferences_form": forms.get("preferences_form")
        or PreferencesForm(initial={"language": user.language, "calendar": user.calendar}),
        "password_form": forms.get("password_form") or PasswordChangeForm(),
        "recovery_form": forms.get("recovery_form") or PasswordConfirmForm(prefix="recovery"),
        "reset_form": forms.get("reset_form") or PasswordConfirmForm(prefix="reset"),
        "device": device,
        "recovery_left": mfa.remaining_recovery_codes(user) if device else 0,
    }


def _apply_errors(form: Any, exc: ValidationError, default_field: str | None = None) -> None:
    if hasattr(exc, "error_dict"):
        for name, errors in exc.error_dict.items():
            form.add_error(name if name in form.fields else default_field, errors)
    else:
        form.add_error(default_field, exc.messages)


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def profile_view(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    if request.method == "POST":
        form = PreferencesForm(request.POST)
        if form.is_valid():
            try:
                services.profile_update(
                    actor=user, language=form.cleaned_data["language"], calendar=form.cleaned_data["calendar"]
                )
            except ValidationError as exc:
                _apply_errors(form, exc)
            else:
                messages.success(request, _("Your preferences were saved."))
                response = HttpResponseRedirect(reverse("accounts:profile"))
                _set_language_cookie(response, user.language)
                return response
        return render(request, "accounts/profile.html", _profile_context(request, preferences_form=form), status=400)
    return render(request, "accounts/profile.html", _profile_context(request))


@login_required
@sensitive_post_parameters("current_password", "new_password1", "new_password2")
@never_cache
@require_POST
def password_change_view(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    form = PasswordChangeForm(request.POST)
    if form.is_valid():
        try:
            services.password_change(
                actor=user,
                current_password=form.cleaned_data["current_password"],
                new_password=form.cleaned_data["new_password1"],
            )
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                form.add_error("current_password", exc.error_dict.get("password", []))
            else:
                form.add_error("new_password1", exc.messages)
        else:
            update_session_auth_hash(request, user)
            messages.success(request, _("Your password was changed."))
            return HttpResponseRedirect(reverse("accounts:profile"))
    return render(request, "accounts/profile.html", _profile_context(request, password_form=form), status=400)


@login_required
@sensitive_post_parameters("recovery-password")
@never_cache
@require_POST
def recovery_codes_view(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    form = PasswordConfirmForm(request.POST, prefix="recovery")
    if form.is_valid():
        try:
            codes = services.recovery_codes_regenerate(actor=user, password=form.cleaned_data["password"])
        except ValidationError as exc:
            _apply_errors(form, exc, "password")
        else:
            return render(
                request,
                "accounts/recovery_codes.html",
                {"codes": codes, "continue_url": reverse("accounts:profile"), "first_time": False},
            )
    return render(request, "accounts/profile.html", _profile_context(request, recovery_form=form), status=400)


@login_required
@sensitive_post_parameters("reset-password")
@never_cache
@require_POST
def mfa_reset_view(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    form = PasswordConfirmForm(request.POST, prefix="reset")
    if form.is_valid():
        try:
            services.mfa_reset(actor=user, password=form.cleaned_data["password"])
        except ValidationError as exc:
            _apply_errors(form, exc, "password")
        else:
            request.session.pop(sessionkeys.MFA_VERIFIED, None)
            if user.mfa_required:
                messages.info(request, _("Your authenticator app was removed. Set up a new one now."))
                return HttpResponseRedirect(reverse("accounts:mfa_setup"))
            messages.success(request, _("Your authenticator app was removed."))
            return HttpResponseRedirect(reverse("accounts:profile"))
    return render(request, "accounts/profile.html", _profile_context(request, reset_form=form), status=400)


# --- Staff management -----------------------------------------------------------------------
def _actor(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


@login_required
@never_cache
def staff_list_view(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    is_sysadmin = actor.has_role(Role.SYSTEM_ADMIN)
    agency = None
    agency_code = (request.GET.get("agency") or "").strip()
    if is_sysadmin and agency_code:
        agency = Agency.objects.filter(code=agency_code).first()
    search = (request.GET.get("q") or "").strip()[:100]
    staff = selectors.staff_list(actor, agency=agency, search=search)
    page = Paginator(staff, 50).get_page(request.GET.get("page"))
    invitations = selectors.pending_invitations(actor, agency=agency)
    return render(
        request,
        "accounts/staff_list.html",
        {
            "page": page,
            "invitations": invitations,
            "search": search,
            "is_sysadmin": is_sysadmin,
            "agencies": selectors.agencies_for_invite(actor) if is_sysadmin else [],
            "agency": agency,
        },
    )


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def staff_invite_view(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    selectors.pending_invitations(actor)  # 404 without staff.manage
    agencies = selectors.agencies_for_invite(actor)
    form = InviteForm(request.POST or None, actor=actor, agencies=agencies)
    if request.method == "POST" and form.is_valid():
        try:
            services.staff_invite(
                actor=actor,
                email=form.cleaned_data["email"],
                full_name=form.cleaned_data["full_name"],
                roles=form.cleaned_data["roles"],
                agency=form.cleaned_data.get("agency"),
                # Links in e-mails use the configured public address when there is one.
                base_url=getattr(settings, "HIMAYA_BASE_URL", "") or request.build_absolute_uri("/"),
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, _("The invitation was sent."))
            return HttpResponseRedirect(reverse("accounts:staff"))
    status = 400 if request.method == "POST" else 200
    return render(request, "accounts/staff_invite.html", {"form": form}, status=status)


@login_required
@never_cache
def staff_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _actor(request)
    member = selectors.staff_member(actor, pk)
    form = RolesForm(actor=actor, initial={"roles": [r.value for r in member.role_set]})
    return _render_detail(request, member, form)


def _render_detail(request: HttpRequest, member: User, form: RolesForm, status: int = 200) -> HttpResponse:
    actor = _actor(request)
    locked = member.pk == actor.pk or (member.has_role(Role.SYSTEM_ADMIN) and not actor.has_role(Role.SYSTEM_ADMIN))
    return render(
        request,
        "accounts/staff_detail.html",
        {
            "member": member,
            "form": form,
            "has_device": mfa.has_confirmed_device(member),
            "can_change": not locked,
        },
        status=status,
    )


def _staff_action(request: HttpRequest, pk: int, action: Any, done: str) -> HttpResponse:
    actor = _actor(request)
    member = selectors.staff_member(actor, pk)
    try:
        action(actor=actor, target=member)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, done)
    return HttpResponseRedirect(reverse("accounts:staff_detail", kwargs={"pk": member.pk}))


@login_required
@require_POST
def staff_roles_view(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _actor(request)
    member = selectors.staff_member(actor, pk)
    form = RolesForm(request.POST, actor=actor)
    if form.is_valid():
        try:
            services.staff_set_roles(actor=actor, target=member, roles=form.cleaned_data["roles"])
        except ValidationError as exc:
            _apply_errors(form, exc, "roles")
        else:
            messages.success(request, _("The roles were saved."))
            return HttpResponseRedirect(reverse("accounts:staff_detail", kwargs={"pk": member.pk}))
    return _render_detail(request, member, form, status=400)


@login_required
@require_POST
def staff_deactivate_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _staff_action(
        request, pk, services.staff_deactivate, _("The account was deactivated. It is signed out on its next request.")
    )


@login_required
@require_POST
def staff_reactivate_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _staff_action(request, pk, services.staff_reactivate, _("The account was reactivated."))


@login_required
@require_POST
def staff_mfa_reset_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _staff_action(
        request,
        pk,
        services.staff_mfa_reset,
        _("The authenticator app was removed. The person sets up a new one at their next sign-in."),
    )


@login_required
@require_POST
def invitation_revoke_view(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _actor(request)
    invitation = selectors.invitation_for(actor, pk)
    services.invitation_revoke(actor=actor, invitation=invitation)
    messages.success(request, _("The invitation was withdrawn."))
    return HttpResponseRedirect(reverse("accounts:staff"))


# --- Invitations ------------------------------------------------------------------------------
@sensitive_post_parameters("password1", "password2")
@csrf_protect
@never_cache
@require_http_methods(["GET", "POST"])
def invite_accept_view(request: HttpRequest, token: str) -> HttpResponse:
    invitation = services.invitation_for_token(token)
    if invitation is None:
        return render(request, "accounts/invite_invalid.html", status=404)
    if request.user.is_authenticated:
        return render(request, "accounts/invite_signed_in.html", status=200)
    form = AcceptInvitationForm(request.POST or None, initial={"full_name": invitation.full_name})
    if request.method == "POST" and form.is_valid():
        try:
            user = services.invitation_accept(
                token=token, full_name=form.cleaned_data["full_name"], password=form.cleaned_data["password1"]
            )
        except ValidationError as exc:
            form.add_error("password1", exc.messages)
        except Http404:
            return render(request, "accounts/invite_invalid.html", status=404)
        else:
            services.session_start(actor=user, request=request, mfa_verified=False, method="invitation")
            if user.mfa_required:
                messages.info(request, _("Welcome. Set up your authenticator app to finish."))
                return HttpResponseRedirect(reverse("accounts:mfa_setup"))
            messages.success(request, _("Welcome to Himaya."))
            return HttpResponseRedirect(_home())
    status = 400 if request.method == "POST" else 200
    return render(request, "accounts/invite_accept.html", {"form": form, "invitation": invitation}, status=status)
