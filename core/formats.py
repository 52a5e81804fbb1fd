"""Numbers and dates as a person reads them in the active language: one place for all pages,
messages and mails."""

from decimal import Decimal

from django.utils import formats
from django.utils.translation import get_language

# The officer's pages write every date and every moment in one of these two formats.
DATE_FORMAT = "j F Y"
DATETIME_FORMAT = "j F Y, H:i"


def money(value, *, decimals: int = 2) -> str:
    """An amount in euro in the active language: "€ 5.000,00" in Dutch, "€5,000.00" in English.

    The space after the sign does not break, so an amount stays on one line. None gives "–".
    """
    if value is None:
        return "–"
    number = formats.number_format(Decimal(value), decimal_pos=decimals, use_l10n=True, force_grouping=True)
    if (get_language() or "").startswith("en"):
        return f"€{number}"
    return f"€\u00a0{number}"
