"""`reverse` for templates, remembered: the same URL pattern is resolved once per process.

Django's `reverse` walks the resolver, quotes and checks the pattern on every call; pages call it
dozens of times (the menu, a link per row of a list) and it was about a tenth of a page's CPU.
`reverse_cached` resolves each (view name, arguments' shape) once: integer arguments become
placeholders (reverse with sentinel numbers, then substitute), other arguments are part of the key.
A pattern for which the substitution would not give exactly what `reverse` gives (checked when it
is first seen) is always reversed directly. The cache is bounded and keyed on the URLconf and the
script prefix, so tests that swap URLconfs get their own entries.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.core.signals import setting_changed
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse

MAX_ENTRIES = 4096
_SENTINEL_BASE = 987_654_320_000
# key -> list of literal parts between integer slots (len = slots + 1), or None: reverse directly.
_TEMPLATES: dict[tuple[Any, ...], list[str] | None] = {}


def _is_slot(value: Any) -> bool:
    return type(value) is int and value >= 0


def reverse_cached(
    view_name: str, args: Sequence[Any] = (), kwargs: dict[str, Any] | None = None, current_app: str | None = None
) -> str:
    kwargs = kwargs or {}
    if not isinstance(view_name, str):
        return reverse(view_name, args=args, kwargs=kwargs, current_app=current_app)
    arg_shape = tuple(None if _is_slot(a) else a for a in args)
    kw_names = tuple(sorted(kwargs))
    kw_shape = tuple(None if _is_slot(kwargs[k]) else kwargs[k] for k in kw_names)
    try:
        key = (
            view_name,
            arg_shape,
            kw_names,
            kw_shape,
            current_app,
            get_urlconf() or settings.ROOT_URLCONF,
            get_script_prefix(),
        )
        known = key in _TEMPLATES
    except TypeError:  # an unhashable argument
        return reverse(view_name, args=args, kwargs=kwargs, current_app=current_app)
    values = [a for a in args if _is_slot(a)] + [kwargs[k] for k in kw_names if _is_slot(kwargs[k])]
    if not known:
        url = reverse(view_name, args=args, kwargs=kwargs, current_app=current_app)
        if len(_TEMPLATES) < MAX_ENTRIES:
            _TEMPLATES[key] = _learn(view_name, args, kwargs, kw_names, current_app, values, url)
        return url
    parts = _TEMPLATES[key]
    if parts is None:
        return reverse(view_name, args=args, kwargs=kwargs, current_app=current_app)
    out = [parts[0]]
    for value, part in zip(values, parts[1:], strict=True):
        out.append(str(value))
        out.append(part)
    return "".join(out)


def _learn(
    view_name: str,
    args: Sequence[Any],
    kwargs: dict[str, Any],
    kw_names: tuple[str, ...],
    current_app: str | None,
    values: list[int],
    url: str,
) -> list[str] | None:
    """The literal parts around each integer argument, or None when substituting is not exact."""
    if not values:
        return [url]
    sentinels = iter(range(_SENTINEL_BASE, _SENTINEL_BASE + len(values)))
    s_args = [next(sentinels) if _is_slot(a) else a for a in args]
    s_kwargs = {k: (next(sentinels) if _is_slot(kwargs[k]) else kwargs[k]) for k in kw_names}
    try:
        sample = reverse(view_name, args=s_args, kwargs=s_kwargs, current_app=current_app)
    except (NoReverseMatch, ValueError, TypeError):  # a pattern the sentinels do not fit: reverse directly
        return None
    parts: list[str] = []
    rest = sample
    for i in range(len(values)):
        marker = str(_SENTINEL_BASE + i)
        if rest.count(marker) != 1 or sample.count(marker) != 1:
            return None
        head, rest = rest.split(marker, 1)
        parts.append(head)
    parts.append(rest)
    rebuilt = parts[0] + "".join(str(v) + p for v, p in zip(values, parts[1:], strict=True))
    return parts if rebuilt == url else None


def clear() -> None:
    _TEMPLATES.clear()


def _on_setting_changed(*, setting: str, **_: Any) -> None:
    if setting in ("ROOT_URLCONF", "FORCE_SCRIPT_NAME"):
        clear()


setting_changed.connect(_on_setting_changed)
