"""An initiative's deadlines: the municipality's norms counted in working days."""

from datetime import date, datetime
from types import SimpleNamespace
from zoneinfo import ZoneInfo

from initiatives.deadlines import initiative_due_dates

AMSTERDAM = ZoneInfo("Europe/Amsterdam")


class TestInitiativeDueDates:
    def municipality(self, days=5, weeks=8):
        return SimpleNamespace(first_response_working_days=days, decision_term_weeks=weeks)

    def test_submitted_on_friday_evening(self):
        submitted = datetime(2026, 11, 20, 21, 30, tzinfo=AMSTERDAM)
        first, decision = initiative_due_dates(municipality=self.municipality(), submitted_at=submitted)
        assert first == date(2026, 11, 27)
        assert decision == date(2027, 1, 15)  # 8 weeks later, a Friday

    def test_local_date_counts_not_utc(self):
        # 23:30 UTC on Thursday is already Friday in Amsterdam.
        submitted = datetime(2026, 11, 19, 23, 30, tzinfo=ZoneInfo("UTC"))
        first, _ = initiative_due_dates(municipality=self.municipality(), submitted_at=submitted)
        assert first == date(2026, 11, 27)

    def test_decision_term_ending_on_a_holiday_moves_to_the_next_working_day(self):
        # 2 weeks after Mon 13 April 2026 is King's Day (Mon 27 April).
        submitted = datetime(2026, 4, 13, 10, 0, tzinfo=AMSTERDAM)
        _, decision = initiative_due_dates(municipality=self.municipality(weeks=2), submitted_at=submitted)
        assert decision == date(2026, 4, 28)

    def test_norms_come_from_the_municipality(self):
        submitted = datetime(2026, 11, 23, 9, 0, tzinfo=AMSTERDAM)  # Monday
        first, decision = initiative_due_dates(municipality=self.municipality(days=10, weeks=2), submitted_at=submitted)
        assert first == date(2026, 12, 7)
        assert decision == date(2026, 12, 7)

    def test_first_response_skips_ascension_day_and_the_decreed_friday(self):
        # Mon 11 May 2026: Thu 14 May is Ascension Day, Fri 15 May a day of the Royal Decree for 2026.
        submitted = datetime(2026, 5, 11, 10, 0, tzinfo=AMSTERDAM)
        first, _ = initiative_due_dates(municipality=self.municipality(days=5), submitted_at=submitted)
        assert first == date(2026, 5, 20)
