"""The `{% url %}` tag, with `reverse` remembered per pattern (himaya/core/urlcache.py).

Installed as a template builtin (settings TEMPLATES OPTIONS "builtins"), so it replaces Django's
`{% url %}` everywhere with the same syntax and output.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.template import defaulttags
from django.urls import NoReverseMatch
from django.utils.html import conditional_escape

from himaya.core.urlcache import reverse_cached

register = template.Library()


class CachedURLNode(defaulttags.URLNode):
    def render(self, context: Any) -> Any:
        args = [arg.resolve(context) for arg in self.args]
        kwargs = {k: v.resolve(context) for k, v in self.kwargs.items()}
        view_name = self.view_name.resolve(context)
        try:
            current_app = context.request.current_app
        except AttributeError:
            try:
                current_app = context.request.resolver_match.namespace
            except AttributeError:
                current_app = None
        url = ""
        try:
            url = reverse_cached(view_name, args, kwargs, current_app)
        except NoReverseMatch:
            if self.asvar is None:
                raise
        if self.asvar:
            context[self.asvar] = url
            return ""
        return conditional_escape(url) if context.autoescape else url


@register.tag
def url(parser: Any, token: Any) -> CachedURLNode:
    node = defaulttags.url(parser, token)
    node.__class__ = CachedURLNode
    return node  # type: ignore[return-value]
