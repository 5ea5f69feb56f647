from django import template

from himaya.audit.labels import action_label

register = template.Library()


@register.filter(name="action_label")
def action_label_filter(code: str) -> str:
    return action_label(code)
