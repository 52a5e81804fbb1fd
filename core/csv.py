"""CSV cells a spreadsheet will not run as formulas (OWASP: CSV injection)."""

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(value):
    """A cell for csv.writer: text that a spreadsheet would read as a formula gets a leading
    apostrophe; None becomes an empty cell; numbers, dates and other values stay as they are
    (a negative number is not a formula)."""
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value
