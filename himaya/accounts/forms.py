"""Forms for the accounts pages. They only parse input; the services decide and write."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth.password_validation import password_validators_help_text_html
from django.utils.translation import gettext_lazy as _

from himaya.accounts.models import ROLE_CHOICES, CalendarPreference
from himaya.accounts.roles import Role
from himaya.agencies.models import Agency

# Long enough for any passphrase the validators accept; bounds the hashing work per request.
PASSWORD_INPUT_MAX = 1024


def _password(label: Any, autocomplete: str) -> forms.CharField:
    return forms.CharField(
        label=label,
        strip=False,
        max_length=PASSWORD_INPUT_MAX,
        widget=forms.PasswordInput(attrs={"autocomplete": autocomplete, "class": "form-control"}),
    )


class LoginForm(forms.Form):
    email = forms.CharField(
        label=_("E-mail"),
        max_length=254,
        widget=forms.EmailInput(
            attrs={"autocomplete": "username", "autofocus": True, "class": "form-control", "dir": "ltr"}
        ),
    )
    password = _password(_("Password"), "current-password")


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code"),
        max_length=64,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "text",
                "autofocus": True,
                "class": "form-control",
                "dir": "ltr",
                "spellcheck": "false",
            }
        ),
    )


class PreferencesForm(forms.Form):
    language = forms.ChoiceField(
        label=_("Language"), choices=settings.LANGUAGES, widget=forms.Select(attrs={"class": "form-select"})
    )
    calendar = forms.ChoiceField(
        label=_("Calendar"), choices=CalendarPreference.choices, widget=forms.Select(attrs={"class": "form-select"})
    )


class PasswordConfirmForm(forms.Form):
    password = _password(_("Your current password"), "current-password")


class PasswordChangeForm(forms.Form):
    current_password = _password(_("Current password"), "current-password")
    new_password1 = _password(_("New password"), "new-password")
    new_password2 = _password(_("New password again"), "new-password")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["new_password1"].help_text = password_validators_help_text_html()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("new_password1") and data.get("new_password1") != data.get("new_password2"):
            self.add_error("new_password2", _("The two new passwords do not match."))
        return data


def role_choices_for(actor: Any) -> list[tuple[str, Any]]:
    if actor.has_role(Role.SYSTEM_ADMIN):
        return list(ROLE_CHOICES)
    return [(value, label) for value, label in ROLE_CHOICES if value != Role.SYSTEM_ADMIN.value]


class RolesForm(forms.Form):
    roles = forms.MultipleChoiceField(
        label=_("Roles"),
        choices=ROLE_CHOICES,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
        required=True,
        error_messages={"required": _("Choose at least one role.")},
    )

    def __init__(self, *args: Any, actor: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["roles"]
        assert isinstance(field, forms.MultipleChoiceField)
        field.choices = role_choices_for(actor)


class InviteForm(RolesForm):
    email = forms.EmailField(
        label=_("E-mail"), max_length=254, widget=forms.EmailInput(attrs={"class": "form-control", "dir": "ltr"})
    )
    full_name = forms.CharField(
        label=_("Full name"), max_length=200, widget=forms.TextInput(attrs={"class": "form-control"})
    )
    agency = forms.ModelChoiceField(
        label=_("Agency"), queryset=Agency.objects.none(), widget=forms.Select(attrs={"class": "form-select"})
    )
    field_order = ["email", "full_name", "agency", "roles"]

    def __init__(self, *args: Any, actor: Any, agencies: Any, **kwargs: Any) -> None:
        super().__init__(*args, actor=actor, **kwargs)
        field = self.fields["agency"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = agencies
        field.initial = actor.agency_id
        if not actor.has_role(Role.SYSTEM_ADMIN):
            del self.fields["agency"]


class AcceptInvitationForm(forms.Form):
    full_name = forms.CharField(
        label=_("Full name"), max_length=200, widget=forms.TextInput(attrs={"class": "form-control"})
    )
    password1 = _password(_("Choose a password"), "new-password")
    password2 = _password(_("Password again"), "new-password")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["password1"].help_text = password_validators_help_text_html()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("password1") and data.get("password1") != data.get("password2"):
            self.add_error("password2", _("The two passwords do not match."))
        return data
