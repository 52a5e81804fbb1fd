"""Amounts in euro read the same everywhere, in the notation of the active language."""

from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import translation

from core.formats import money

NBSP = "\u00a0"


@pytest.mark.parametrize(
    ("language", "value", "expected"),
    [
        ("nl", Decimal("5000"), f"€{NBSP}5.000,00"),
        ("nl", Decimal("1234567.891"), f"€{NBSP}1.234.567,89"),
        ("nl", Decimal("0.5"), f"€{NBSP}0,50"),
        ("en", Decimal("5000"), "€5,000.00"),
        ("en", Decimal("1800.5"), "€1,800.50"),
    ],
)
def test_money_in_the_active_language(language, value, expected):
    with translation.override(language):
        assert money(value) == expected


def test_money_without_cents_and_without_a_value():
    with translation.override("nl"):
        assert money(Decimal("2500"), decimals=0) == f"€{NBSP}2.500"
        assert money(None) == "–"


def test_template_filter_is_the_same_helper():
    with translation.override("nl"):
        rendered = Template("{% load core_formats %}{{ amount|money }}").render(Context({"amount": Decimal("5000")}))
    assert rendered == f"€{NBSP}5.000,00"
