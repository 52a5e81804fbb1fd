"""The Dutch working-day calendar: weekends and the general holidays of the Algemene termijnenwet.

The holidays are computed per year (Easter-based ones included), so no calendar needs updating.
The days a Royal Decree makes equal to them (art. 3 lid 2) are data: `core.ExtraHoliday` rows,
which a platform admin adds in the admin when a new decree appears."""

import time
from datetime import date, datetime, timedelta
from functools import lru_cache

from django.utils import timezone

from core.models import ExtraHoliday

# Other processes (web workers, the Celery worker) see a changed row after at most this long.
EXTRA_HOLIDAYS_MAX_AGE = 3600  # seconds

_extra_holidays: tuple[frozenset[date], float] | None = None  # (days, time.monotonic() when read)


def easter_sunday(year: int) -> date:
    """Gregorian Easter (anonymous Gregorian algorithm, Meeus/Jones/Butcher)."""
    a = year % 19
    b, c = divmod(year, 100)
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    x = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * x) // 451
    month, day = divmod(h + x - 7 * m + 114, 31)
    return date(year, month, day + 1)


@lru_cache(maxsize=64)
def dutch_holidays(year: int) -> frozenset[date]:
    """The general holidays of the Algemene termijnenwet (art. 3) for `year`."""
    easter = easter_sunday(year)
    kings_day = date(year, 4, 27)
    if kings_day.weekday() == 6:  # a Sunday: King's Day moves to the 26th
        kings_day = date(year, 4, 26)
    return frozenset(
        {
            date(year, 1, 1),  # New Year's Day
            easter - timedelta(days=2),  # Good Friday
            easter + timedelta(days=1),  # Easter Monday
            kings_day,
            date(year, 5, 5),  # Liberation Day
            easter + timedelta(days=39),  # Ascension Day
            easter + timedelta(days=50),  # Whit Monday
            date(year, 12, 25),  # Christmas Day
            date(year, 12, 26),  # Boxing Day
        }
    )


def extra_holidays() -> frozenset[date]:
    """The days a Royal Decree makes equal to general holidays (the `core.ExtraHoliday` rows).

    One query per process, not per call: the days are kept until a row is saved or deleted
    (the signals in `CoreConfig.ready` clear them in that process) or EXTRA_HOLIDAYS_MAX_AGE
    has passed (for the other processes)."""
    cached = _extra_holidays
    if cached is not None and time.monotonic() - cached[1] < EXTRA_HOLIDAYS_MAX_AGE:
        return cached[0]
    days = frozenset(ExtraHoliday.objects.values_list("date", flat=True))
    if cached is not None and cached[0] != days:
        working_days_between.cache_clear()
    cache_extra_holidays(days)
    return days


def cache_extra_holidays(days) -> None:
    """Keep `days` as the extra holidays of this process (from now on, for EXTRA_HOLIDAYS_MAX_AGE)."""
    global _extra_holidays
    _extra_holidays = (frozenset(days), time.monotonic())


def clear_extra_holidays_cache() -> None:
    """Forget the extra holidays and every count made with them; the next computation reads the rows."""
    global _extra_holidays
    _extra_holidays = None
    working_days_between.cache_clear()


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in dutch_holidays(day.year) and day not in extra_holidays()


def add_working_days(start: date, days: int) -> date:
    """The date `days` working days after `start` (start itself never counts)."""
    current = start
    remaining = days
    while remaining > 0:
        current += timedelta(days=1)
        if is_working_day(current):
            remaining -= 1
    return current


def next_working_day_on_or_after(day: date) -> date:
    while not is_working_day(day):
        day += timedelta(days=1)
    return day


@lru_cache(maxsize=16384)
def working_days_between(start: date, end: date) -> int:
    """Working days after `start` up to and including `end` (0 when end <= start).

    Cached: the statistics ask it for every initiative, mostly for the same few thousand pairs."""
    count = 0
    current = start
    while current < end:
        current += timedelta(days=1)
        if is_working_day(current):
            count += 1
    return count


def local_date(moment: datetime) -> date:
    return timezone.localtime(moment).date()
