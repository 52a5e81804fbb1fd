from django import template

from core.formats import money as format_money

register = template.Library()


@register.filter
def money(value, decimals=2):
    """`{{ grant.amount|money }}`: "€ 5.000,00" in Dutch, "€5,000.00" in English (core.formats.money)."""
    return format_money(value, decimals=int(decimals))
