"""The statistics' roll-ups are never wrong: after each kind of change, the tables made from the
roll-ups (what the page shows) equal the tables counted fresh from the initiatives.

initiatives.statistics_rollups explains the design: every change marks its municipality's month
in its own transaction, the reader refreshes marked months before reading.
"""

from datetime import date, datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.db.models import Value
from django.db.models.functions import Concat
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from core.models import ExtraHoliday
from initiatives.constants import DecisionOutcome, MunicipalRole, Status
from initiatives.models import Initiative, Satisfaction, StatisticsChange, StatisticsRollup
from initiatives.services.duplicates import initiative_mark_duplicate
from initiatives.services.forwarding import initiative_forward
from initiatives.services.funds import grant_mark_paid, grant_withdraw, initiative_decide
from initiatives.services.officers import initiative_message_send, initiative_set_role
from initiatives.services.reminders import reminders_run
from initiatives.services.retention import retention_run
from initiatives.services.satisfaction import satisfaction_answer
from initiatives.services.supports import support_confirm, support_withdraw
from initiatives.services.workflow import initiative_transition
from initiatives.statistics import (
    COUNT,
    DAYS,
    MONEY,
    MONEY_WHOLE,
    PERCENT,
    SCORE,
    Display,
    Period,
    all_tables,
    median_of,
    submitted_in,
    tables_from,
)
from initiatives.statistics_rollups import (
    count_months,
    statistics_figures,
    statistics_refresh,
    statistics_touch,
)
from tests.initiatives.factories import InitiativeFactory, SupportFactory, ThemeFactory
from tests.initiatives.test_submission import submit
from tests.municipalities.factories import FundFactory, OfficerMembershipFactory, two_municipalities
from tests.villages.factories import VillageFactory

pytestmark = pytest.mark.django_db


def at(year, month, day, hour=12):
    return timezone.make_aware(datetime(year, month, day, hour))


def same(left: dict, right: dict) -> None:
    assert left.keys() == right.keys()
    for slug in left:
        a, b = left[slug], right[slug]
        assert a.rows == b.rows, slug
        assert a.footer == b.footer, slug
        assert a.chart == b.chart, slug
        assert a.figures == b.figures, slug


def assert_agrees(world, today=None) -> None:
    """Every scope (all, each municipality) and several periods: roll-ups == a fresh count."""
    today = today or timezone.localdate()
    periods = [
        Period.default(today),
        Period(date(2025, 1, 1), date(2026, 12, 31)),
        Period(date(2026, 3, 15), date(2026, 5, 10)),  # edges inside months: partly fresh
        Period(date(2026, 4, 1), date(2026, 4, 30)),
    ]
    scopes = [None, [world.a.pk], [world.b.pk]]
    for period in periods:
        for ids in scopes:
            initiatives = (
                Initiative.objects.all() if ids is None else Initiative.objects.filter(municipality_id__in=ids)
            )
            fresh = all_tables(submitted_in(initiatives, period), today)
            rolled = tables_from(statistics_figures(municipality_ids=ids, period=period, today=today))
            same(rolled, fresh)
    assert not StatisticsChange.objects.exists()  # the reader refreshed every mark


@pytest.fixture
def world():
    tenants = two_municipalities()
    tenants.a.first_response_working_days = 5
    tenants.a.save(update_fields=["first_response_working_days"])
    tenants.north = VillageFactory(municipality=tenants.a, name="Hulshorst")
    tenants.south = VillageFactory(municipality=tenants.a, name="Vierhouten")
    tenants.b_village = VillageFactory(municipality=tenants.b, name="Wezep")
    tenants.officer = OfficerMembershipFactory(municipality=tenants.a, coordinator=True).user
    tenants.b_officer = OfficerMembershipFactory(municipality=tenants.b).user
    tenants.green = ThemeFactory(slug="groen")
    tenants.play = ThemeFactory(slug="spelen")
    tenants.fund = FundFactory(municipality=tenants.a, year=2026)
    for i, (village, month) in enumerate(
        [(tenants.north, 3), (tenants.north, 4), (tenants.south, 4), (tenants.b_village, 5), (tenants.south, 3)]
    ):
        InitiativeFactory(
            village=village,
            municipality=village.municipality,
            submitted_at=at(2026, month, 10 + i),
            first_response_due=date(2026, month, 17 + i),
            themes=[tenants.green] if i % 2 else [tenants.green, tenants.play],
        )
    InitiativeFactory(village=tenants.north, municipality=tenants.a, submitted_at=at(2025, 11, 3), intake=True)
    return tenants


def a_initiative(world, **kwargs):
    kwargs.setdefault("submitted_at", at(2026, 4, 20))
    kwargs.setdefault("first_response_due", date(2026, 4, 27))
    return InitiativeFactory(village=world.north, municipality=world.a, **kwargs)


TODAY = date(2026, 6, 1)


class TestEveryKindOfChange:
    """Each test changes something through the product's own service, then compares."""

    @pytest.fixture(autouse=True)
    def _built(self, world):
        assert_agrees(world, TODAY)  # the roll-ups exist before the change

    def test_submit(self, world):
        Initiative.objects.update(reference=Concat(Value("X-"), "reference"))  # the service numbers from 0001
        submit(world.south, themes=[world.play])
        submit(world.b_village)
        assert_agrees(world, TODAY)
        assert_agrees(world)  # this year, the current month included

    def test_every_status_transition(self, world):
        initiative = a_initiative(world)
        for to_status in (
            Status.INTAKE,
            Status.IN_CONVERSATION,
            Status.WAITING_FOR_INITIATOR,
            Status.IN_CONVERSATION,
            Status.DECIDED,
            Status.IN_PROGRESS,
            Status.REALISED,
            Status.CLOSED,
            Status.IN_CONVERSATION,
            Status.WITHDRAWN,
        ):
            initiative = initiative_transition(initiative=initiative, to_status=to_status, actor=world.officer)
            assert_agrees(world, TODAY)

    def test_automatic_closure_by_the_reminder_sweep(self, world, settings):
        initiative = a_initiative(world, status=Status.WAITING_FOR_INITIATOR, first_response_at=at(2026, 4, 21))
        initiative.status_changes.create(to_status=Status.WAITING_FOR_INITIATOR, from_status=Status.IN_CONVERSATION)
        initiative.status_changes.update(created_at=at(2026, 4, 21))
        assert_agrees(world, TODAY)
        reminders_run(today=date(2026, 6, 15))
        initiative.refresh_from_db()
        assert initiative.status == Status.CLOSED
        assert_agrees(world, TODAY)

    def test_first_response_by_a_message(self, world):
        initiative = a_initiative(world, status=Status.INTAKE)
        assert_agrees(world, TODAY)
        initiative_message_send(initiative=initiative, body="Dank je, we bellen je.", actor=world.officer)
        assert Initiative.objects.get(pk=initiative.pk).first_response_at is not None
        assert_agrees(world, TODAY)

    def test_decision_grant_paid_and_withdrawn(self, world):
        initiative = a_initiative(
            world, status=Status.IN_CONVERSATION, first_response_at=at(2026, 4, 22), total_cost=Decimal("2000.00")
        )
        decision = initiative_decide(
            initiative=initiative,
            actor=world.officer,
            outcome=DecisionOutcome.SUPPORTED,
            motivation="Goed plan.",
            fund=world.fund,
            amount=Decimal("500.00"),
        )
        assert_agrees(world, TODAY)
        grant = decision.grants.get()
        grant_mark_paid(grant=grant, actor=world.officer)
        assert_agrees(world, TODAY)
        grant.refresh_from_db()
        grant_withdraw(grant=grant, actor=world.officer, reason="Niet doorgegaan.")
        assert_agrees(world, TODAY)
        initiative.refresh_from_db()
        initiative_transition(initiative=initiative, to_status=Status.IN_CONVERSATION, actor=world.officer)
        initiative.refresh_from_db()
        initiative_decide(
            initiative=initiative, actor=world.officer, outcome=DecisionOutcome.NOT_SUPPORTED, motivation="Toch niet."
        )
        assert_agrees(world, TODAY)  # the latest decision counts

    def test_support_confirmed_and_withdrawn(self, world):
        initiative = a_initiative(world)
        support = SupportFactory(initiative=initiative)
        support_confirm(support=support)
        assert_agrees(world, TODAY)
        support_withdraw(support=support)
        assert_agrees(world, TODAY)

    def test_satisfaction_answer_and_retention(self, world):
        initiative = a_initiative(world, status=Status.CLOSED, closed_at=at(2026, 5, 1))
        satisfaction_answer(initiative=initiative, score=4, comment="Fijn geholpen.")
        assert_agrees(world, TODAY)
        Initiative.objects.filter(pk=initiative.pk).update(closed_at=at(2020, 1, 1))  # long ago
        assert retention_run(now=timezone.now()) >= 1
        assert Satisfaction.objects.get(initiative=initiative).comment == ""
        assert_agrees(world, TODAY)

    def test_forwarding_to_another_municipality(self, world):
        initiative = Initiative.objects.filter(municipality=world.a, submitted_at__month=4).first()
        initiative_forward(initiative=initiative, village=world.b_village, actor=world.officer)
        assert Initiative.objects.get(pk=initiative.pk).municipality == world.b
        assert_agrees(world, TODAY)

    def test_duplicate_marking(self, world):
        initiative, original = Initiative.objects.filter(municipality=world.a, submitted_at__year=2026)[:2]
        initiative_mark_duplicate(initiative=initiative, original=original, actor=world.officer)
        assert_agrees(world, TODAY)

    def test_role_themes_and_deletion(self, world):
        initiative = Initiative.objects.filter(municipality=world.a, submitted_at__year=2026).first()
        initiative_set_role(
            initiative=initiative, role=MunicipalRole.FACILITATE, explanation="We helpen mee.", actor=world.officer
        )
        assert_agrees(world, TODAY)
        initiative.themes.remove(world.green)
        assert_agrees(world, TODAY)
        world.play.initiatives.add(*Initiative.objects.filter(municipality=world.b))
        assert_agrees(world, TODAY)
        world.play.delete()
        assert_agrees(world, TODAY)
        initiative.delete()
        assert_agrees(world, TODAY)

    def test_a_new_extra_holiday_counts_the_working_days_again(self, world):
        a_initiative(world, first_response_at=at(2026, 4, 24), status=Status.INTAKE)
        assert_agrees(world, TODAY)
        ExtraHoliday.objects.create(date=date(2026, 4, 22), description="Extra vrije dag")
        assert_agrees(world, TODAY)

    def test_a_new_norm_and_new_names_count_at_once(self, world):
        world.a.first_response_working_days = 1
        world.a.name = "Zeewolde"
        world.a.save()
        world.north.name = "Noord"
        world.north.save()
        assert_agrees(world, TODAY)

    def test_time_passing_makes_initiatives_overdue(self, world):
        a_initiative(world, first_response_due=date(2026, 6, 10))
        assert_agrees(world, date(2026, 6, 1))
        assert_agrees(world, date(2026, 6, 11))  # the same roll-ups, another day


class TestSetBasedWrites:
    def test_an_update_without_a_mark_is_the_callers_duty(self, world):
        """QuerySet.update sends no signal: statistics_touch is the hook for such writes."""
        assert_agrees(world, TODAY)
        initiatives = Initiative.objects.filter(municipality=world.a, status=Status.SUBMITTED)
        initiatives.update(status=Status.CLOSED)
        statistics_touch(initiatives=initiatives.model.objects.filter(municipality=world.a))
        assert_agrees(world, TODAY)

    def test_touch_by_municipality_and_everything(self, world):
        assert_agrees(world, TODAY)
        statistics_touch(municipality_ids=[world.b.pk])
        assert StatisticsChange.objects.filter(municipality_id=world.b.pk, month=None).exists()
        assert_agrees(world, TODAY)
        statistics_touch(everything=True)
        assert_agrees(world, TODAY)


class TestRefresh:
    def test_refresh_replaces_only_marked_months_and_removes_empty_ones(self, world):
        statistics_refresh()
        before = {(r.municipality_id, r.month, r.whole_year): r.refreshed_at for r in StatisticsRollup.objects.all()}
        assert (world.b.pk, date(2026, 5, 1), False) in before
        assert (world.b.pk, date(2026, 1, 1), True) in before
        Initiative.objects.get(municipality=world.b).delete()
        assert statistics_refresh() == 0
        after = {(r.municipality_id, r.month, r.whole_year): r.refreshed_at for r in StatisticsRollup.objects.all()}
        assert after == {key: when for key, when in before.items() if key[0] != world.b.pk}

    def test_a_refresh_that_finds_another_running_leaves_the_reader_counting_fresh(self, world, monkeypatch):
        from initiatives import statistics_rollups

        statistics_refresh()
        a_initiative(world)
        monkeypatch.setattr(statistics_rollups, "_try_lock", lambda: False)
        assert statistics_refresh() is None
        assert StatisticsChange.objects.exists()
        period = Period(date(2026, 1, 1), date(2026, 12, 31))
        fresh = all_tables(submitted_in(Initiative.objects.all(), period), TODAY)
        same(tables_from(statistics_figures(municipality_ids=None, period=period, today=TODAY)), fresh)

    def test_reading_clean_roll_ups_costs_a_fixed_number_of_queries(self, world):
        period = Period(date(2026, 1, 1), date(2026, 12, 31))
        statistics_figures(municipality_ids=None, period=period)
        with CaptureQueriesContext(connection) as queries:
            statistics_figures(municipality_ids=None, period=period)
        assert len(queries.captured_queries) == 2  # the marks, the year roll-ups

    def test_a_range_inside_the_year_reads_months_and_counts_edges_fresh(self, world):
        statistics_refresh()
        with CaptureQueriesContext(connection) as queries:
            statistics_figures(municipality_ids=None, period=Period(date(2026, 3, 15), date(2026, 5, 10)))
        assert len(queries.captured_queries) == 3 + 8  # marks, years, months; the edge months fresh

    def test_count_months_splits_by_local_month(self, world):
        a_initiative(world, submitted_at=timezone.make_aware(datetime(2026, 4, 30, 23, 30)))  # local April
        blobs = count_months(None)
        assert blobs[world.a.pk, date(2026, 4, 1)]["last"] == "2026-04-30"


class TestDisplay:
    @pytest.mark.parametrize("language", ["nl", "en"])
    def test_same_text_as_django_number_format_and_money(self, language):
        from django.utils.formats import number_format

        from core.formats import money

        def reference(value, kind):
            if value is None:
                return "–"
            if kind == COUNT:
                return number_format(value, force_grouping=True)
            if kind in (MONEY, MONEY_WHOLE):
                return money(value, decimals=2 if kind == MONEY else 0)
            if kind == PERCENT:
                return number_format(round(value * 100), force_grouping=True) + "%"
            if kind == DAYS:
                return number_format(value, decimal_pos=0 if value == int(value) else 1)
            return number_format(value, decimal_pos=1)

        values = {
            COUNT: [0, 1, -5, 999, 1000, 1234567, -1234, None],
            PERCENT: [0, 0.5, 0.005, 0.995, 1, 12.3456, None],
            MONEY: [
                Decimal("0"),
                Decimal("0.004"),
                Decimal("-0.004"),
                Decimal("-0"),
                Decimal("0.01"),
                Decimal("999.999"),
                Decimal("1234.567"),
                Decimal("-1000.5"),
                Decimal("12345678.90"),
                Decimal("1E+3"),
                Decimal("5E+20"),
                12,
            ],
            MONEY_WHOLE: [Decimal("1234.99"), Decimal("0.5"), Decimal("0.05"), Decimal("-7.9"), Decimal("1000000")],
            DAYS: [2, 2.0, 2.5, 1234.5],
            SCORE: [3.0, 4.25, 1],
        }
        with translation.override(language):
            show = Display()
            for kind, shown in values.items():
                for value in shown:
                    assert show(value, kind) == reference(value, kind), (kind, value)


@pytest.mark.parametrize(
    "values", [[], [3], [1, 2], [5, 1, 3], [2, 2, 4, 4], [0, 0, 0, 9], [7, 1, 1, 2, 30, 2], list(range(11))]
)
def test_median_of_counts_is_statistics_median(values):
    import statistics
    from collections import Counter

    assert median_of(Counter(values)) == (statistics.median(values) if values else None)
