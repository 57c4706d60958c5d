"""`{{ value|yuan }}`: a yuan amount as `sharing.money.format_yuan` writes it."""

from django import template

from sharing.money import format_yuan

register = template.Library()


@register.filter
def yuan(value) -> str:
    if value in (None, ""):
        return "—"
    return format_yuan(value)
