"""Notification texts, translated at display time in the reader's language.

Apps register their verbs here with `register(verb, text)`; parameters are references and dates,
never personal values, so a notification e-mail leaks nothing if it is read by someone else.
"""

from __future__ import annotations

from typing import Any

from django.utils.functional import Promise

_MESSAGES: dict[str, str | Promise] = {}


def register(verb: str, text: str | Promise) -> None:
    _MESSAGES[verb] = text


def render(verb: str, params: dict[str, Any]) -> str:
    template = _MESSAGES.get(verb)
    if template is None:
        return verb
    try:
        return str(template) % params
    except (KeyError, TypeError, ValueError):
        return str(template)
