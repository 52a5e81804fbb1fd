from datetime import date

import pytest

from core.working_days import add_working_days, dutch_holidays, easter_sunday, is_working_day, working_days_between


class TestDutchHolidays:
    @pytest.mark.parametrize(
        ("year", "expected"),
        [
            (
                2025,
                {
                    date(2025, 1, 1),
                    date(2025, 4, 18),  # Good Friday
                    date(2025, 4, 21),  # Easter Monday
                    date(2025, 4, 26),  # King's Day on Saturday: 27 April is a Sunday
                    date(2025, 5, 5),
                    date(2025, 5, 29),  # Ascension
                    date(2025, 6, 9),  # Whit Monday
                    date(2025, 12, 25),
                    date(2025, 12, 26),
                },
            ),
            (
                2026,
                {
                    date(2026, 1, 1),
                    date(2026, 4, 3),
                    date(2026, 4, 6),
                    date(2026, 4, 27),
                    date(2026, 5, 5),
                    date(2026, 5, 14),
                    date(2026, 5, 25),
                    date(2026, 12, 25),
                    date(2026, 12, 26),
                },
            ),
            (
                2027,
                {
                    date(2027, 1, 1),
                    date(2027, 3, 26),
                    date(2027, 3, 29),
                    date(2027, 4, 27),
                    date(2027, 5, 5),
                    date(2027, 5, 6),
                    date(2027, 5, 17),
                    date(2027, 12, 25),
                    date(2027, 12, 26),
                },
            ),
        ],
    )
    def test_holidays_per_year(self, year, expected):
        assert dutch_holidays(year) == expected

    def test_easter_known_dates(self):
        assert easter_sunday(2024) == date(2024, 3, 31)
        assert easter_sunday(2038) == date(2038, 4, 25)  # latest possible date in this century

    def test_weekend_and_holidays_are_not_working_days(self):
        assert not is_working_day(date(2026, 11, 21))  # Saturday
        assert not is_working_day(date(2026, 11, 22))  # Sunday
        assert not is_working_day(date(2026, 4, 27))  # King's Day, a Monday
        assert is_working_day(date(2026, 11, 23))


class TestAddWorkingDays:
    def test_friday_plus_five_is_next_friday(self):
        assert add_working_days(date(2026, 11, 20), 5) == date(2026, 11, 27)

    def test_friday_before_kings_day_skips_the_holiday(self):
        # Fri 24 April 2026; Mon 27 April is King's Day.
        assert add_working_days(date(2026, 4, 24), 1) == date(2026, 4, 28)
        assert add_working_days(date(2026, 4, 24), 5) == date(2026, 5, 4)
        # One more lands past Liberation Day (Tue 5 May).
        assert add_working_days(date(2026, 4, 24), 6) == date(2026, 5, 6)

    def test_new_years_eve_crosses_into_the_next_year(self):
        # Thu 31 Dec 2026; Fri 1 Jan 2027 is a holiday.
        assert add_working_days(date(2026, 12, 31), 1) == date(2027, 1, 4)
        assert add_working_days(date(2026, 12, 31), 5) == date(2027, 1, 8)

    def test_christmas_week(self):
        # Thu 24 Dec 2026; 25 (Fri) and 26 (Sat) are holidays.
        assert add_working_days(date(2026, 12, 24), 1) == date(2026, 12, 28)

    def test_zero_days_is_the_same_day(self):
        assert add_working_days(date(2026, 11, 21), 0) == date(2026, 11, 21)

    def test_working_days_between_is_the_inverse(self):
        start = date(2026, 4, 24)
        for n in range(0, 30):
            assert working_days_between(start, add_working_days(start, n)) == n
