import importlib
from datetime import date

import pytest
from django.apps import apps
from django.contrib.auth.models import Permission
from django.db import connection
from django.urls import reverse

from core import working_days
from core.models import ExtraHoliday
from core.working_days import (
    add_working_days,
    clear_extra_holidays_cache,
    dutch_holidays,
    easter_sunday,
    extra_holidays,
    is_working_day,
    working_days_between,
)
from tests.municipalities.factories import UserFactory

seed_migration = importlib.import_module("core.migrations.0002_extra_holidays")

# The days the Royal Decrees for 2026, 2027 and 2028 make equal to general holidays.
DECREED = {date(2026, 1, 2), date(2026, 5, 15), date(2027, 5, 7), date(2028, 4, 28), date(2028, 5, 26)}


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


class TestDecreedDays:
    """Days a Royal Decree makes equal to general holidays: data (core.ExtraHoliday), not code."""

    def test_ascension_week_2026_skips_thursday_and_the_decreed_friday(self):
        # Mon 11 May 2026 + 5: Thu 14 May is Ascension Day, Fri 15 May a decreed day.
        assert add_working_days(date(2026, 5, 11), 5) == date(2026, 5, 20)
        assert working_days_between(date(2026, 5, 11), date(2026, 5, 20)) == 5

    def test_the_migration_seeds_exactly_the_decreed_days(self):
        assert {day for day, _ in seed_migration.DECREED} == DECREED

    @pytest.mark.django_db
    def test_each_seeded_day_read_from_the_database_is_not_a_working_day(self):
        ExtraHoliday.objects.all().delete()  # an earlier transactional test may have flushed the rows
        seed_migration.add_decreed(apps, connection.schema_editor())
        clear_extra_holidays_cache()

        assert set(ExtraHoliday.objects.values_list("date", flat=True)) == DECREED
        assert extra_holidays() == DECREED
        for day in DECREED:
            assert day.weekday() == 4  # all Fridays: without the decree they would be working days
            assert not is_working_day(day), day

    @pytest.mark.django_db
    def test_read_once_per_process_not_per_call(self, django_assert_num_queries):
        clear_extra_holidays_cache()
        with django_assert_num_queries(1):
            add_working_days(date(2026, 5, 11), 5)
        with django_assert_num_queries(0):
            for start in range(1, 28):
                add_working_days(date(2026, 5, start), 20)
                working_days_between(date(2026, 5, start), date(2026, 7, 1))

    @pytest.mark.django_db
    def test_other_processes_read_the_rows_again_after_the_maximum_age(self, monkeypatch, django_assert_num_queries):
        ExtraHoliday.objects.create(date=date(2026, 5, 19), description="Test")  # clears this process's cache
        working_days.cache_extra_holidays(DECREED)  # what another process still remembers
        assert working_days_between(date(2026, 5, 11), date(2026, 5, 20)) == 5

        monkeypatch.setattr(working_days, "EXTRA_HOLIDAYS_MAX_AGE", 0)
        with django_assert_num_queries(1):
            assert not is_working_day(date(2026, 5, 19))
        assert working_days_between(date(2026, 5, 11), date(2026, 5, 20)) == 4  # the cached count is gone too


@pytest.mark.django_db
class TestExtraHolidayAdmin:
    def add_url(self):
        return reverse("admin:core_extraholiday_add")

    def test_a_day_added_in_the_admin_counts_in_the_next_computation(self, client):
        client.force_login(UserFactory(superuser=True))
        assert add_working_days(date(2026, 5, 11), 5) == date(2026, 5, 20)
        assert working_days_between(date(2026, 5, 11), date(2026, 5, 20)) == 5  # now cached

        response = client.post(self.add_url(), {"date": "2026-05-19", "description": "Extra dag (test)"})

        assert response.status_code == 302
        assert ExtraHoliday.objects.filter(date=date(2026, 5, 19)).exists()
        assert not is_working_day(date(2026, 5, 19))
        assert add_working_days(date(2026, 5, 11), 5) == date(2026, 5, 21)
        assert working_days_between(date(2026, 5, 11), date(2026, 5, 20)) == 4

    def test_a_day_deleted_in_the_admin_is_a_working_day_again(self, client):
        client.force_login(UserFactory(superuser=True))
        holiday = ExtraHoliday.objects.create(date=date(2026, 5, 19), description="Vergissing")
        assert add_working_days(date(2026, 5, 11), 5) == date(2026, 5, 21)

        url = reverse("admin:core_extraholiday_delete", args=[holiday.pk])
        response = client.post(url, {"post": "yes"})

        assert response.status_code == 302
        assert is_working_day(date(2026, 5, 19))
        assert add_working_days(date(2026, 5, 11), 5) == date(2026, 5, 20)

    def test_staff_without_the_model_permission_cannot_add_a_day(self, client):
        client.force_login(UserFactory(staff=True))

        response = client.post(self.add_url(), {"date": "2026-05-19", "description": "Extra dag (test)"})

        assert response.status_code == 403
        assert not ExtraHoliday.objects.filter(date=date(2026, 5, 19)).exists()
        assert is_working_day(date(2026, 5, 19))

    def test_staff_with_the_model_permission_can_add_a_day(self, client):
        user = UserFactory(staff=True)
        user.user_permissions.add(Permission.objects.get(content_type__app_label="core", codename="add_extraholiday"))
        client.force_login(user)

        response = client.post(self.add_url(), {"date": "2026-05-19", "description": "Extra dag (test)"})

        assert response.status_code == 302
        assert not is_working_day(date(2026, 5, 19))
