"""How scan scores read in tables: one decimal, a dash when nobody answered."""

from django import template
from django.template.defaultfilters import floatformat

register = template.Library()


@register.filter
def score(value) -> str:
    return "–" if value is None else floatformat(value, 1)
