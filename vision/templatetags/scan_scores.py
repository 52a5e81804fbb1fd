"""How scan scores read in tables: one decimal, a dash when nobody answered."""

from django import template
from django.template.defaultfilters import floatformat

register = template.Library()


@register.filter
def score(value) -> str:
    return "–" if value is None else floatformat(value, 1)


@register.filter
def score_change(value) -> str:
    """A change of score with its sign: +0,4, -0,3 or 0,0; a dash when there is nothing to compare."""
    if value is None:
        return "–"
    shown = floatformat(value, 1)
    return f"+{shown}" if value > 0 else shown
