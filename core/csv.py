"""CSV files that open correctly in Dutch spreadsheet software, and cells that cannot run as formulas.

Excel and LibreOffice with Dutch regional settings expect a semicolon between fields and a
decimal comma, and read UTF-8 only after a byte-order mark. So every export here is: UTF-8 with
BOM, `;` as separator, amounts as `1234,56` (no thousands separator: a spreadsheet reads that
as a number it can add up), dates as ISO 8601 (`2026-05-11`, which every spreadsheet reads as a
date whatever its language). Text that a spreadsheet would read as a formula gets a leading
apostrophe (OWASP: CSV injection).
"""

import csv
from decimal import Decimal

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
BOM = "\ufeff"
DELIMITER = ";"


def csv_safe(value):
    """A cell for csv.writer: text that a spreadsheet would read as a formula gets a leading
    apostrophe; None becomes an empty cell; numbers get a decimal comma; dates and other values
    stay as they are (a negative number is not a formula)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return value
    if isinstance(value, (Decimal, float)):
        return str(value).replace(".", ",")
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def spreadsheet_writer(file):
    """A csv.writer for Dutch spreadsheets (write `BOM` first); `writerow` makes every cell safe."""
    return _SafeWriter(csv.writer(file, delimiter=DELIMITER))


class _SafeWriter:
    def __init__(self, writer):
        self._writer = writer

    def writerow(self, row):
        return self._writer.writerow([csv_safe(cell) for cell in row])


def spreadsheet_rows(text: str) -> list[list[str]]:
    """Read such a file back (for tests and imports): the BOM dropped, split on `;`."""
    return list(csv.reader(text.removeprefix(BOM).splitlines(), delimiter=DELIMITER))
