from datetime import date
from decimal import Decimal

import pytest

from core.csv import csv_safe


@pytest.mark.parametrize("text", ["=SUM(A1:A9)", "+31 6", "-2+3", "@cmd", "\tx", "\rx"])
def test_text_a_spreadsheet_would_run_gets_an_apostrophe(text):
    assert csv_safe(text) == "'" + text


@pytest.mark.parametrize("value", [12, Decimal("-2.50"), -3, date(2026, 12, 4), "Speeltuin"])
def test_other_values_stay_as_they_are(value):
    assert csv_safe(value) == value


def test_none_is_an_empty_cell():
    assert csv_safe(None) == ""
