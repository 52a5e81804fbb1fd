import io
from datetime import date
from decimal import Decimal

import pytest

from core.csv import BOM, csv_safe, spreadsheet_rows, spreadsheet_writer


@pytest.mark.parametrize("text", ["=SUM(A1:A9)", "+31 6", "-2+3", "@cmd", "\tx", "\rx"])
def test_text_a_spreadsheet_would_run_gets_an_apostrophe(text):
    assert csv_safe(text) == "'" + text


@pytest.mark.parametrize("value", [12, -3, date(2026, 12, 4), "Speeltuin", True])
def test_other_values_stay_as_they_are(value):
    assert csv_safe(value) == value


@pytest.mark.parametrize(
    ("value", "cell"), [(Decimal("-2.50"), "-2,50"), (Decimal("1250.00"), "1250,00"), (0.5, "0,5")]
)
def test_amounts_get_a_decimal_comma_and_no_thousands_separator(value, cell):
    assert csv_safe(value) == cell


def test_none_is_an_empty_cell():
    assert csv_safe(None) == ""


def test_a_file_for_dutch_spreadsheets_reads_back_cell_for_cell():
    out = io.StringIO()
    out.write(BOM)
    writer = spreadsheet_writer(out)
    writer.writerow(["Naam; met puntkomma", Decimal("12.5"), "=1+1", None, date(2026, 5, 11)])
    text = out.getvalue()
    assert text.startswith("\ufeff")
    assert ";" in text.splitlines()[0]
    assert spreadsheet_rows(text) == [["Naam; met puntkomma", "12,5", "'=1+1", "", "2026-05-11"]]
