"""Himaya template helpers: policy-aware navigation, dates with the Hijri calendar, country and
language names in the reader's language.

    {% load himaya %}
    {% permitted "audit.browse" as can_browse_audit %}
    {% nav_flags as nav %}
    {% date_with_hijri person.created_at "DATETIME_FORMAT" %}
    {{ some_date|hijri }}
"""

from __future__ import annotations

import datetime as dt
import gettext as gettext_module
import time
from functools import lru_cache
from typing import Any

import pycountry
from django import template
from django.template.loader import get_template
from django.utils import formats, timezone, translation
from django.utils.safestring import SafeString

from himaya.access import policy
from himaya.core.html import format_html

register = template.Library()

HIJRI_PREFERENCE = "gregorian_hijri"


# --- Choice labels -----------------------------------------------------------------------------
@lru_cache(maxsize=512)
def _choice_labels(label: str, field_name: str, language: str | None) -> dict[str, str]:
    from django.apps import apps

    field = apps.get_model(label)._meta.get_field(field_name)
    return {str(value): str(text) for value, text in field.flatchoices}


@register.filter
def label(obj: Any, field_name: str) -> Any:
    """`{{ case|label:"stage" }}`: the translated label of a choice field's value.

    The same text as `get_stage_display`, looked up in a dictionary kept per model, field and
    language: Django's `get_FOO_display` hashes every (lazy, so translated-on-hash) choice on each
    call, which dominated the rendering of long lists.
    """
    value = getattr(obj, field_name)
    return _choice_labels(obj._meta.label, field_name, translation.get_language()).get(str(value), value)


_BADGE_CLASS = {
    "closed": "text-bg-secondary",
    "rg_negative": "text-bg-danger",
    "cg_negative": "text-bg-danger",
    "rg_pending": "text-bg-warning",
    "cg_pending": "text-bg-warning",
    "reconsideration": "text-bg-warning",
}


@register.simple_tag
def stage_badge(stage: str, label: Any) -> SafeString:
    """A case stage as a coloured badge (a tag, not an include: it is drawn on every row of lists)."""
    return format_html(
        '<span class="badge rounded-pill {}" data-stage="{}">{}</span>',
        _BADGE_CLASS.get(str(stage), "text-bg-info"),
        stage,
        label,
    )


# --- Policy ----------------------------------------------------------------------------------
@register.simple_tag(takes_context=True)
def permitted(context: template.Context, name: str) -> bool:
    """Whether the signed-in user holds the non-object permission `name` (see access/rules.py)."""
    return policy.has_permission(_user(context), name)


@register.simple_tag(takes_context=True)
def nav_flags(context: template.Context) -> dict[str, bool]:
    """Which main-menu entries the user may use; each comes from the access policy."""
    from himaya.cases.models import Case
    from himaya.people.models import Person
    from himaya.referrals.models import Referral

    user = _user(context)
    if not policy.is_active_actor(user):
        return {}
    request = context.get("request")
    if request is not None and _second_factor_pending(request, user):
        # Between the password and the second factor the menu shows nothing it would refuse.
        return {}
    return {
        "people": _has_rule_for(user, Person),
        "cases": _has_rule_for(user, Case),
        "intake": policy.can_create(user, Case),
        "referrals": _has_rule_for(user, Referral),
        "agencies": True,
        "break_glass": policy.has_permission(user, "break_glass.use"),
        "staff": policy.has_permission(user, "staff.manage"),
        "audit": policy.has_permission(user, "audit.browse"),
        "break_glass_log": policy.has_permission(user, "audit.break_glass"),
        "shelters": policy.has_permission(user, "shelters.national"),
        "shelter_staff": _works_in_a_shelter(user),
    }


# The main menu is the same for every page of a section, for a given user, roles and language, yet
# drawing it asks the policy a dozen questions (two of them queries) and renders ~20 links. It is
# kept per process for MENU_SECONDS. Only links are cached: every page still asks the policy
# itself, so a stale menu can show a link that then answers 404, never data. Roles, agency,
# language and the second-factor state are part of the key, so a change there shows at once; what
# can lag by up to MENU_SECONDS is what depends on data rather than roles: working in a shelter
# (which shelter page the menu links to) and policy conditions such as a required certificate.
MENU_SECONDS = 60.0
MENU_ENTRIES = 4096
_menus: dict[tuple[Any, ...], tuple[float, SafeString]] = {}


@register.simple_tag(takes_context=True)
def main_menu(context: template.Context) -> SafeString:
    """The main menu's entries (`partials/_menu.html`) for the signed-in user."""
    request = context.get("request")
    user = _user(context)
    if request is None or not policy.is_active_actor(user):
        return SafeString("")
    match = getattr(request, "resolver_match", None)
    here = match.namespace if match is not None else ""
    pending = _second_factor_pending(request, user)
    key = (user.pk, user.agency_id, user.role_set, translation.get_language(), here, pending)
    now = time.monotonic()
    hit = _menus.get(key)
    if hit is not None and hit[0] > now:
        return hit[1]
    html = SafeString(get_template("partials/_menu.html").render({"user": user, "request": request, "here": here}))
    if len(_menus) >= MENU_ENTRIES:
        _menus.clear()
    _menus[key] = (now + MENU_SECONDS, html)
    return html


def _works_in_a_shelter(user: Any) -> bool:
    from himaya.shelters.selectors import my_shelters

    return my_shelters(actor=user).exists()


def _second_factor_pending(request: Any, user: Any) -> bool:
    from himaya.accounts import mfa, sessionkeys

    session = getattr(request, "session", None)
    if session is None or session.get(sessionkeys.MFA_VERIFIED):
        return False
    return bool(user.mfa_required or mfa.has_confirmed_device(user))


def _has_rule_for(user: Any, model: Any) -> bool:
    return any(r.q_for(user) is not None for r in policy.rules_for(model, policy.VIEW))


def _user(context: template.Context) -> Any:
    user = context.get("user")
    if user is None and context.get("request") is not None:
        user = getattr(context["request"], "user", None)
    return user


# --- Dates -----------------------------------------------------------------------------------
def _as_date(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    if isinstance(value, dt.date):
        return value
    return None


def hijri_text(value: Any, language: str | None = None) -> str:
    """'19 Jumada al-Akhirah 1448 AH' / '19 جمادى الآخرة 1448 هـ' (Umm al-Qura), or '' if out of range."""
    day = _as_date(value)
    if day is None:
        return ""
    return _hijri_day((language or translation.get_language() or "ar").startswith("ar"), day)


@lru_cache(maxsize=8192)
def _hijri_day(arabic: bool, day: dt.date) -> str:
    # Pages show the same few hundred days over and over: convert each once per process.
    from hijridate import Gregorian

    try:
        h = Gregorian(day.year, day.month, day.day).to_hijri()
    except (OverflowError, ValueError):
        return ""  # the Umm al-Qura tables cover 1343–1500 AH (1924–2077)
    if arabic:
        return f"{h.day} {h.month_name('ar')} {h.year} {h.notation('ar')}"
    return f"{h.day} {h.month_name('en')} {h.year} {h.notation('en')}"


@register.filter
def hijri(value: Any) -> str:
    """The Umm al-Qura Hijri date of a date or datetime (local time), in the current language."""
    return hijri_text(value)


@register.simple_tag(takes_context=True)
def date_with_hijri(context: template.Context, value: Any, fmt: str = "DATE_FORMAT") -> SafeString | str:
    """The localised Gregorian date, with the Hijri date beside it when the user prefers both."""
    return date_html(value, _user(context), fmt)


DATE_ONLY_FORMATS = frozenset({"DATE_FORMAT", "SHORT_DATE_FORMAT"})


def date_html(value: Any, user: Any, fmt: str = "DATE_FORMAT") -> SafeString | str:
    """`{% date_with_hijri %}` for views that build list rows in Python."""
    if value in (None, ""):
        return ""
    if isinstance(value, dt.datetime):
        shown = timezone.localtime(value) if timezone.is_aware(value) else value
        if fmt in DATE_ONLY_FORMATS:  # a day's text, whatever the time: the cached one
            gregorian = _date_text(shown.date(), fmt, translation.get_language())
        else:
            gregorian = formats.date_format(shown, fmt)
    else:
        gregorian = _date_text(value, fmt, translation.get_language())
    iso = value.isoformat() if isinstance(value, dt.date) else ""
    if getattr(user, "calendar", "") == HIJRI_PREFERENCE:
        h = hijri_text(value)
        if h:
            return format_html(
                '<time datetime="{}">{}</time> <span class="text-body-secondary small hijri">({})</span>',
                iso,
                gregorian,
                h,
            )
    return format_html('<time datetime="{}">{}</time>', iso, gregorian)


@lru_cache(maxsize=8192)
def _date_text(day: Any, fmt: str, language: str | None) -> str:
    """A date (not a datetime) in the language's format: the same days recur on every page."""
    return str(formats.date_format(day, fmt))


# --- Countries and languages -----------------------------------------------------------------
@lru_cache(maxsize=4)
def _country_translation(language: str) -> gettext_module.NullTranslations:
    try:
        return gettext_module.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[language])
    except OSError:
        return gettext_module.NullTranslations()


def country_name(code: str, language: str | None = None) -> str:
    """The country's name in the current language (ISO 3166 alpha-2), or the code if unknown."""
    code = (code or "").strip().upper()
    if not code:
        return ""
    country = pycountry.countries.get(alpha_2=code)
    if country is None:
        return code
    lang = (language or translation.get_language() or "ar").split("-")[0]
    name = getattr(country, "common_name", None) or country.name
    return _country_translation(lang).gettext(name)


def country_choices(language: str | None = None) -> list[tuple[str, str]]:
    """(code, name) for every ISO 3166 country, sorted by name in the current language."""
    rows = [(c.alpha_2, country_name(c.alpha_2, language)) for c in pycountry.countries]
    return sorted(rows, key=lambda r: r[1])


@register.filter(name="country")
def country_filter(code: str) -> str:
    return country_name(code)


@register.filter
def language_name(code: str) -> str:
    """An ISO 639 language code's name in the current language ('hi' → 'Hindi' / 'الهندية')."""
    code = (code or "").strip().lower()
    if not code:
        return ""
    try:
        return str(translation.get_language_info(code)["name_translated"])
    except KeyError:
        pass
    language = pycountry.languages.get(alpha_2=code) if len(code) == 2 else pycountry.languages.get(alpha_3=code)
    return language.name if language is not None else code
