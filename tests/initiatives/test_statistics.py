"""Statistics for officers: the numbers, the scope, the period, the CSV files and the charts."""

import re
from datetime import date, datetime, timedelta
from decimal import Decimal
from xml.etree import ElementTree

import pytest
from django.urls import reverse
from django.utils import timezone

from core import charts
from core.csv import BOM, csv_safe, spreadsheet_rows
from initiatives.constants import OPEN_STATUSES, DecisionOutcome, GrantStatus, MunicipalRole, Status
from initiatives.models import OVERDUE_DECISION, OVERDUE_FIRST_RESPONSE, Theme
from initiatives.statistics import Period, submitted_in
from tests.initiatives.factories import DecisionFactory, GrantFactory, InitiativeFactory, ThemeFactory
from tests.municipalities.factories import OfficerMembershipFactory, UserFactory, two_municipalities
from tests.villages.factories import VillageFactory

pytestmark = pytest.mark.django_db

URL = reverse("initiatives:statistics")
YEAR_2026 = {"from": "2026-01-01", "to": "2026-12-31"}


def at(year, month, day, hour=12, minute=0):
    """An aware datetime in local (Europe/Amsterdam) time."""
    return timezone.make_aware(datetime(year, month, day, hour, minute))


def csv_url(table):
    return reverse("initiatives:statistics_csv", kwargs={"table": table})


def read_csv(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    body = response.content.decode("utf-8")
    assert body.startswith(BOM)
    return spreadsheet_rows(body)


@pytest.fixture
def world():
    """Municipality A (norm: 5 working days) with two villages; municipality B with one."""
    tenants = two_municipalities()
    tenants.a.first_response_working_days = 5
    tenants.a.save(update_fields=["first_response_working_days"])
    tenants.north = VillageFactory(municipality=tenants.a, name="Hulshorst")
    tenants.south = VillageFactory(municipality=tenants.a, name="Vierhouten")
    tenants.b_village = VillageFactory(municipality=tenants.b, name="Wezep")
    tenants.officer = OfficerMembershipFactory(municipality=tenants.a).user
    tenants.coordinator = OfficerMembershipFactory(municipality=tenants.a, coordinator=True).user
    return tenants


@pytest.fixture
def known(world):
    """A small, known data set in 2026 for municipality A, and noise in B and outside the period.

    Working days to the first response (local dates; 2026 has Good Friday 3 April and Easter
    Monday 6 April):
      easter:   Thu 2 Apr  -> Tue 7 Apr   1 (Fri and Mon are holidays, then a weekend)
      same_day: Mon 2 Mar  -> Mon 2 Mar   0
      late:     Fri 6 Mar  -> Mon 16 Mar  6 (over the norm of 5)
      boundary: Wed 11 Mar -> Wed 18 Mar  5 (exactly the norm)
      midnight: Mon 2 Mar 23:30 -> Tue 3 Mar 00:30 local: 1 (in UTC both fall on 2 March)
    Sorted: 0 1 1 5 6: median 1, within the norm 4 of 5.
    """
    nature, play = ThemeFactory(slug="natuur", order=1), ThemeFactory(slug="spelen", order=2)
    north, south = world.north, world.south
    data = {
        "easter": InitiativeFactory(
            village=north,
            status=Status.DECIDED,
            submitted_at=at(2026, 4, 2, 16),
            first_response_at=at(2026, 4, 7, 9),
            municipal_role=MunicipalRole.FACILITATE,
            themes=[nature, play],
        ),
        "same_day": InitiativeFactory(
            village=north,
            status=Status.INTAKE,
            submitted_at=at(2026, 3, 2, 9),
            first_response_at=at(2026, 3, 2, 15),
            municipal_role=MunicipalRole.FACILITATE,
            themes=[nature],
        ),
        "late": InitiativeFactory(
            village=south,
            status=Status.DECIDED,
            submitted_at=at(2026, 3, 6, 10),
            first_response_at=at(2026, 3, 16, 10),
            municipal_role=MunicipalRole.LET_GO,
            themes=[play],
        ),
        "boundary": InitiativeFactory(
            village=south,
            status=Status.DECIDED,
            submitted_at=at(2026, 3, 11, 10),
            first_response_at=at(2026, 3, 18, 17),
        ),
        "midnight": InitiativeFactory(
            village=north,
            status=Status.IN_CONVERSATION,
            submitted_at=at(2026, 3, 2, 23, 30),
            first_response_at=at(2026, 3, 3, 0, 30),
        ),
        "waiting": InitiativeFactory(village=north, status=Status.SUBMITTED, submitted_at=at(2026, 6, 1, 10)),
        "withdrawn": InitiativeFactory(village=south, status=Status.WITHDRAWN, submitted_at=at(2026, 6, 2, 10)),
    }
    # Decisions: "easter" was first not supported, then (reopened) supported: only the latest counts.
    DecisionFactory(initiative=data["easter"], outcome=DecisionOutcome.NOT_SUPPORTED, decided_at=at(2026, 5, 1))
    easter_decision = DecisionFactory(
        initiative=data["easter"], outcome=DecisionOutcome.SUPPORTED, decided_at=at(2026, 6, 1)
    )
    DecisionFactory(initiative=data["late"], outcome=DecisionOutcome.PARTLY_SUPPORTED, decided_at=at(2026, 5, 1))
    DecisionFactory(initiative=data["boundary"], outcome=DecisionOutcome.NOT_SUPPORTED, decided_at=at(2026, 5, 1))
    # Grants: north 1000 committed + 500 paid; south 2000 paid; a withdrawn grant never counts.
    GrantFactory(initiative=data["easter"], decision=easter_decision, amount=Decimal("1000.00"))
    GrantFactory(initiative=data["same_day"], amount=Decimal("500.00"), status=GrantStatus.PAID)
    GrantFactory(initiative=data["late"], amount=Decimal("2000.00"), status=GrantStatus.PAID)
    GrantFactory(initiative=data["boundary"], amount=Decimal("750.00"), status=GrantStatus.WITHDRAWN)
    # Noise: municipality B in the period, and A outside it (2025 and 2027).
    b_initiative = InitiativeFactory(
        village=world.b_village,
        status=Status.DECIDED,
        submitted_at=at(2026, 3, 2, 10),
        first_response_at=at(2026, 5, 2, 10),
        municipal_role=MunicipalRole.REGULATE,
        themes=[nature],
    )
    DecisionFactory(initiative=b_initiative, outcome=DecisionOutcome.NOT_SUPPORTED)
    GrantFactory(initiative=b_initiative, amount=Decimal("9999.00"))
    InitiativeFactory(village=north, status=Status.DECIDED, submitted_at=at(2025, 12, 31, 23, 30))
    InitiativeFactory(village=north, status=Status.DECIDED, submitted_at=at(2027, 1, 1, 0, 30))
    return data


def parse_svg(svg):
    return ElementTree.fromstring(svg)  # noqa: S314 - our own output, not untrusted input


def tables_of(response):
    return {table.slug: table for table in response.context["tables"]}


def column(table, index=1):
    return {row[0]: row[index] for row in table.rows}


class TestNumbers:
    def test_status_theme_village_and_roles(self, client, world, known):
        client.force_login(world.officer)

        response = client.get(URL, YEAR_2026)

        assert response.status_code == 200
        tables = tables_of(response)
        statuses = column(tables["status"])
        assert statuses[Status.DECIDED.label] == 3
        assert statuses[Status.INTAKE.label] == 1
        assert statuses[Status.SUBMITTED.label] == 1
        assert statuses[Status.CLOSED.label] == 0
        assert tables["status"].footer[0][1] == 7
        themes = column(tables["theme"])
        nature, play = (Theme.objects.get(slug=slug).name_nl for slug in ("natuur", "spelen"))
        assert [themes[nature], themes[play]] == [2, 2]
        assert tables["theme"].rows[-1][1] == 4  # no theme, always last
        assert column(tables["village"]) == {"Hulshorst": 4, "Vierhouten": 3}
        roles = column(tables["roles"])
        assert roles[MunicipalRole.FACILITATE.label] == 2
        assert roles[MunicipalRole.LET_GO.label] == 1
        assert roles[MunicipalRole.REGULATE.label] == 0  # B's initiative never counts
        assert tables["roles"].rows[-1][1] == 4  # not recorded
        assert response.context["figures"]["total"] == 7

    def test_median_and_share_within_the_norm_in_working_days(self, client, world, known):
        client.force_login(world.officer)

        table = tables_of(client.get(URL, YEAR_2026))["response"]

        assert len(table.rows) == 1
        name, norm, responded, median, within, overdue, within_share, waiting = table.rows[0]
        # "waiting" (due 8 June 2026) is past its norm without a first response: it counts as late;
        # "withdrawn" owes none and does not count.
        assert (name, norm, responded, median, within, overdue, waiting) == (world.a.name, 5, 5, 1, 4, 1, 0)
        assert within_share == pytest.approx(4 / 6)
        assert table.figures == {
            "median": 1,
            "within_share": pytest.approx(4 / 6),
            "counted": 6,
            "first_response_overdue": 1,
        }
        assert [value for _label, value in table.chart] == [4, 1, 1, 0]

    def test_even_number_of_responses_gives_the_mean_of_the_middle_two(self, client, world):
        InitiativeFactory(village=world.north, submitted_at=at(2026, 3, 2, 9), first_response_at=at(2026, 3, 3, 9))
        InitiativeFactory(village=world.north, submitted_at=at(2026, 3, 2, 9), first_response_at=at(2026, 3, 5, 9))
        client.force_login(world.officer)

        table = tables_of(client.get(URL, YEAR_2026))["response"]

        assert table.figures["median"] == 2  # 1 and 3 working days
        InitiativeFactory(village=world.north, submitted_at=at(2026, 3, 2, 9), first_response_at=at(2026, 3, 4, 9))
        InitiativeFactory(village=world.north, submitted_at=at(2026, 3, 2, 9), first_response_at=at(2026, 3, 4, 9))
        assert tables_of(client.get(URL, YEAR_2026))["response"].figures["median"] == 2
        InitiativeFactory(village=world.north, submitted_at=at(2026, 3, 2, 9), first_response_at=at(2026, 3, 6, 9))
        InitiativeFactory(village=world.north, submitted_at=at(2026, 3, 2, 9), first_response_at=at(2026, 3, 6, 9))
        assert tables_of(client.get(URL, YEAR_2026))["response"].figures["median"] == 2.5

    def test_share_supported_uses_the_latest_decision(self, client, world, known):
        client.force_login(world.officer)

        table = tables_of(client.get(URL, YEAR_2026))["support"]

        outcomes = column(table)
        assert outcomes[DecisionOutcome.SUPPORTED.label] == 1  # easter: its latest decision
        assert outcomes[DecisionOutcome.PARTLY_SUPPORTED.label] == 1
        assert outcomes[DecisionOutcome.NOT_SUPPORTED.label] == 1  # boundary only; not B's
        assert table.figures["decided"] == 3
        assert table.figures["supported_share"] == pytest.approx(2 / 3)

    def test_fund_money_committed_and_paid_per_village(self, client, world, known):
        client.force_login(world.officer)

        table = tables_of(client.get(URL, YEAR_2026))["funds"]

        assert table.rows == [
            ["Hulshorst", Decimal("1000.00"), Decimal("500.00"), Decimal("1500.00")],
            ["Vierhouten", Decimal("0"), Decimal("2000.00"), Decimal("2000.00")],
        ]
        assert table.footer[0][1:] == [Decimal("1000.00"), Decimal("2500.00"), Decimal("3500.00")]

    def test_nothing_in_the_period_shows_empty_tables_not_an_error(self, client, world):
        client.force_login(world.officer)

        response = client.get(URL, YEAR_2026)

        assert response.status_code == 200
        tables = tables_of(response)
        assert tables["village"].rows == [] and tables["funds"].rows == [] and tables["theme"].rows == []
        assert tables["response"].figures == {
            "median": None,
            "within_share": None,
            "counted": 0,
            "first_response_overdue": 0,
        }
        assert tables["support"].figures["supported_share"] is None


class TestScope:
    def test_officer_of_b_never_counts_a(self, client, world, known):
        client.force_login(OfficerMembershipFactory(municipality=world.b).user)

        tables = tables_of(client.get(URL, YEAR_2026))

        assert tables["status"].footer[0][1] == 1
        assert column(tables["village"]) == {"Wezep": 1}
        assert tables["funds"].footer[0][1:] == [Decimal("9999.00"), Decimal("0"), Decimal("9999.00")]

    def test_officer_cannot_choose_another_municipality(self, client, world, known):
        client.force_login(world.officer)

        tables = tables_of(client.get(URL, {**YEAR_2026, "municipality": world.b.slug}))

        assert tables["status"].footer[0][1] == 7
        assert "Wezep" not in column(tables["village"])

    def test_superuser_sees_all_or_chooses_one(self, client, world, known):
        client.force_login(UserFactory(superuser=True))

        everything = tables_of(client.get(URL, YEAR_2026))
        only_b = tables_of(client.get(URL, {**YEAR_2026, "municipality": world.b.slug}))

        assert everything["status"].footer[0][1] == 8
        assert len(everything["response"].rows) == 2  # one row per municipality, and a total
        assert everything["response"].footer[0][2] == 6
        assert "Wezep (Oldebroek)" in column(everything["village"])
        assert only_b["status"].footer[0][1] == 1

    def test_unknown_municipality_is_a_form_error(self, client, world, known):
        client.force_login(UserFactory(superuser=True))

        response = client.get(URL, {**YEAR_2026, "municipality": "nowhere"})

        assert response.status_code == 200
        assert "municipality" in response.context["form"].errors


class TestManyVillages:
    """Over several municipalities the page shows the top villages and adds up the others (at
    national scale 5,000 rows and bars); the CSV file and a municipality's own page have all."""

    @pytest.fixture(autouse=True)
    def two_on_the_page(self, monkeypatch):
        monkeypatch.setattr("initiatives.statistics.TOP_VILLAGES", 2)

    def test_every_municipality_shows_the_top_and_adds_up_the_rest(self, client, world, known):
        client.force_login(UserFactory(superuser=True))

        response = client.get(URL, YEAR_2026)

        tables = tables_of(response)
        village = tables["village"]
        assert len(village.rows) == 3  # every village stays in the table (and its CSV file)
        assert village.page_rows == [
            [f"Hulshorst ({world.a.name})", 4],
            [f"Vierhouten ({world.a.name})", 3],
            ["1 ander dorp", 1],
        ]
        assert village.footer == [["Totaal", 8]]
        assert [label for label, _n in village.chart] == [f"Hulshorst ({world.a.name})", f"Vierhouten ({world.a.name})"]
        funds = tables["funds"]  # over several municipalities: the most money first
        assert [row[3] for row in funds.rows] == [Decimal("9999.00"), Decimal("2000.00"), Decimal("1500.00")]
        assert funds.page_rows[-1] == ["1 ander dorp", Decimal("1000.00"), Decimal("500.00"), Decimal("1500.00")]
        assert len(funds.chart) == 2
        html = response.content.decode()
        assert html.count("Alleen de bovenste 2 dorpen staan hier; de laatste rij telt de andere 1 bij elkaar op.") == 2
        assert '<th scope="row" class="fw-normal">1 ander dorp</th><td class="text-end">1</td>' in html
        assert 'id="chart-village"' in html and 'id="chart-funds"' in html

    def test_the_csv_file_has_every_village(self, client, world, known):
        client.force_login(UserFactory(superuser=True))

        villages = read_csv(client.get(csv_url("village"), YEAR_2026))
        funds = read_csv(client.get(csv_url("funds"), YEAR_2026))

        assert [row[1] for row in villages[1:]] == ["4", "3", "1", "8"]
        assert [row[3] for row in funds[1:]] == ["9999,00", "2000,00", "1500,00", "13499,00"]

    def test_one_municipality_shows_all_of_its_villages(self, client, world, known):
        client.force_login(UserFactory(superuser=True))

        chosen = tables_of(client.get(URL, {**YEAR_2026, "municipality": world.a.slug}))
        client.force_login(world.officer)
        own = tables_of(client.get(URL, YEAR_2026))

        for tables in (chosen, own):
            assert tables["village"].page_rows == [["Hulshorst", 4], ["Vierhouten", 3]]
            assert tables["village"].top_note == ""
            assert [row[0] for row in tables["funds"].page_rows] == ["Hulshorst", "Vierhouten"]  # by name
            assert len(tables["funds"].chart) == 2


class TestPeriod:
    def test_local_dates_decide_and_both_ends_are_included(self, world):
        before = InitiativeFactory(village=world.north, submitted_at=at(2025, 12, 31, 23, 59))
        first = InitiativeFactory(village=world.north, submitted_at=at(2026, 1, 1, 0, 1))
        last = InitiativeFactory(village=world.north, submitted_at=at(2026, 1, 31, 23, 59))
        after = InitiativeFactory(village=world.north, submitted_at=at(2026, 2, 1, 0, 0))

        found = set(submitted_in(world.north.initiatives.all(), Period(date(2026, 1, 1), date(2026, 1, 31))))

        assert found == {first, last}
        assert before not in found and after not in found

    def test_period_from_the_query(self, client, world, known):
        client.force_login(world.officer)

        response = client.get(URL, {"from": "2026-03-01", "to": "2026-03-31"})

        assert response.context["period"] == Period(date(2026, 3, 1), date(2026, 3, 31))
        assert tables_of(response)["status"].footer[0][1] == 4  # same_day, late, boundary, midnight

    def test_default_is_this_year_until_today(self, client, world):
        client.force_login(world.officer)

        response = client.get(URL)

        today = timezone.localdate()
        assert response.context["period"] == Period(date(today.year, 1, 1), today)
        assert not response.context["form"].errors

    @pytest.mark.parametrize(
        "params",
        [
            {"from": "yesterday"},
            {"from": "2026-13-45", "to": "x"},
            {"from": "2026-05-01", "to": "2026-04-01"},
            {"from": "1066-10-14"},
            {"to": "9999-12-31"},
        ],
    )
    def test_bad_dates_are_form_errors_and_the_default_period(self, client, world, params):
        client.force_login(world.officer)

        response = client.get(URL, params)

        assert response.status_code == 200
        assert response.context["form"].errors
        assert response.context["period"] == Period.default()

    def test_csv_links_keep_the_period(self, client, world, known):
        client.force_login(world.officer)

        response = client.get(URL, {"from": "2026-03-01", "to": "2026-03-31"})

        assert response.context["csv_query"] == "from=2026-03-01&to=2026-03-31"
        assert f"{csv_url('status')}?from=2026-03-01&amp;to=2026-03-31" in response.content.decode()


class TestCsv:
    @pytest.fixture(autouse=True)
    def _login(self, client, world, known):
        client.force_login(world.officer)

    def test_status(self, client):
        rows = read_csv(client.get(csv_url("status"), YEAR_2026))

        assert len(rows[0]) == 2
        assert len(rows) == 1 + len(Status) + 1
        assert rows[1 + list(Status).index(Status.DECIDED)][1] == "3"
        assert rows[-1][1] == "7"

    def test_theme(self, client):
        rows = read_csv(client.get(csv_url("theme"), YEAR_2026))

        assert [row[1] for row in rows[1:]] == ["2", "2", "4"]

    def test_village(self, client):
        rows = read_csv(client.get(csv_url("village"), YEAR_2026))

        assert rows[1:3] == [["Hulshorst", "4"], ["Vierhouten", "3"]]
        assert rows[-1][1] == "7"

    def test_response(self, client):
        rows = read_csv(client.get(csv_url("response"), YEAR_2026))

        assert len(rows[0]) == 8
        assert rows[1] == [rows[1][0], "5", "5", "1", "4", "1", "66,7", "0"]

    def test_support(self, client):
        rows = read_csv(client.get(csv_url("support"), YEAR_2026))

        assert [row[1:] for row in rows[1:]] == [
            ["1", "33,3"],
            ["1", "33,3"],
            ["1", "33,3"],
            ["2", "66,7"],
            ["3", "100,0"],
        ]

    def test_funds(self, client):
        rows = read_csv(client.get(csv_url("funds"), YEAR_2026))

        assert len(rows[0]) == 4
        assert rows[1:] == [
            ["Hulshorst", "1000,00", "500,00", "1500,00"],
            ["Vierhouten", "0,00", "2000,00", "2000,00"],
            [rows[3][0], "1000,00", "2500,00", "3500,00"],
        ]

    def test_roles(self, client):
        rows = read_csv(client.get(csv_url("roles"), YEAR_2026))

        assert len(rows) == 1 + len(MunicipalRole) + 1 + 1
        assert [row[1] for row in rows[1:]] == ["1", "2", "0", "0", "0", "4", "7"]

    def test_period_applies(self, client):
        rows = read_csv(client.get(csv_url("status"), {"from": "2026-06-01", "to": "2026-06-30"}))

        assert rows[-1][1] == "2"

    def test_bad_params_still_give_a_file(self, client):
        rows = read_csv(client.get(csv_url("status"), {"from": "nonsense"}))

        assert len(rows) == 1 + len(Status) + 1

    def test_unknown_table_is_404(self, client):
        assert client.get(csv_url("salaries")).status_code == 404

    def test_formulas_are_neutralised(self, client, world):
        village = VillageFactory(municipality=world.a, name='=HYPERLINK("http://evil.example","x")')
        InitiativeFactory(village=village, submitted_at=at(2026, 2, 2))

        rows = read_csv(client.get(csv_url("village"), YEAR_2026))

        assert ["'" + village.name, "1"] in rows

    @pytest.mark.parametrize("cell", ["=1+1", "+31", "-2", "@SUM(A1)", "\tx"])
    def test_csv_safe(self, cell):
        assert csv_safe(cell) == "'" + cell

    def test_csv_safe_leaves_plain_values(self):
        assert csv_safe("Hulshorst") == "Hulshorst"
        assert csv_safe(3) == 3
        assert csv_safe("") == ""


class TestAccess:
    def test_anonymous_goes_to_login(self, client):
        response = client.get(URL)

        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))

    def test_anonymous_csv_goes_to_login(self, client):
        assert client.get(csv_url("status")).status_code == 302

    def test_user_without_membership_is_refused(self, client):
        client.force_login(UserFactory(staff=True))

        assert client.get(URL).status_code == 403
        assert client.get(csv_url("status")).status_code == 403

    def test_inactive_membership_is_refused(self, client, world):
        client.force_login(OfficerMembershipFactory(municipality=world.a, is_active=False).user)

        assert client.get(URL).status_code == 403

    @pytest.mark.parametrize("who", ["officer", "coordinator"])
    def test_officers_and_coordinators(self, client, world, who):
        client.force_login(getattr(world, who))

        response = client.get(URL)

        assert response.status_code == 200
        assert response.context["may_read_audit_log"] is (who == "coordinator")

    def test_read_only(self, client, world):
        client.force_login(world.coordinator)

        assert client.post(URL).status_code == 405


# initiatives.statistics_rollups: a view after changes refreshes the marked months (the marks,
# the lock, eight counting queries, the month and year roll-ups replaced, the marks deleted) and
# reads the year roll-ups; a view without changes only reads. A period that does not hold whole
# years reads the month roll-ups too (one query) and counts its edge months fresh (eight).
REFRESHING_VIEW = 28  # one more on a process's first refresh (a cold lookup)
READING_VIEW = 11
MONTHS_AND_EDGES = 1 + 8


class TestPage:
    def test_every_chart_has_a_table_and_a_csv_link(self, client, world, known):
        client.force_login(world.officer)

        html = client.get(URL, YEAR_2026).content.decode()

        for slug in ("status", "theme", "village", "response", "support", "funds", "roles"):
            assert f'id="chart-{slug}"' in html
            assert reverse("initiatives:statistics_csv", kwargs={"table": slug}) in html
        assert html.count("<caption id=") == 7  # each names its scroll box
        assert html.count('role="img"') == 7
        assert 'scope="row"' in html and 'scope="col"' in html
        assert "style=" not in html.split('<main id="main"')[1]

    def test_queries_do_not_grow_with_the_number_of_initiatives(self, client, world, django_assert_max_num_queries):
        theme = ThemeFactory(slug="groen")
        client.force_login(world.coordinator)

        def add(count):
            for initiative in InitiativeFactory.create_batch(
                count,
                village=world.north,
                status=Status.DECIDED,
                submitted_at=at(2026, 3, 2, 10),
                first_response_at=at(2026, 3, 4, 10),
                municipal_role=MunicipalRole.FACILITATE,
                themes=[theme],
            ):
                GrantFactory(initiative=initiative, decision=DecisionFactory(initiative=initiative))

        # Neither a refreshing nor a reading view grows with the number of initiatives.
        # One query loads the session's verified app (django-otp's OTPMiddleware, two-step login).
        add(5)
        with django_assert_max_num_queries(REFRESHING_VIEW):
            assert client.get(URL, YEAR_2026).status_code == 200
        with django_assert_max_num_queries(READING_VIEW):
            assert client.get(URL, YEAR_2026).status_code == 200
        add(95)
        with django_assert_max_num_queries(REFRESHING_VIEW):
            assert client.get(URL, YEAR_2026).status_code == 200
        with django_assert_max_num_queries(READING_VIEW) as captured:
            response = client.get(URL, YEAR_2026)
        assert response.status_code == 200
        assert response.context["figures"]["total"] == 100
        assert len(captured.captured_queries) <= READING_VIEW


DASHBOARD = reverse("initiatives:dashboard")


class TestAgreesWithTheDashboard:
    """One world, read through both pages: the figures they share are the same figures.

    The dashboard counts an initiative whose first response is overdue and still missing; the
    statistics count it as late (not within the norm) from the same day, by the same rule.
    """

    @pytest.fixture
    def today(self):
        return timezone.localdate()

    @pytest.fixture
    def mixed(self, world, today):
        def day(offset, hour=12):
            moment = today + timedelta(days=offset)
            return timezone.make_aware(datetime(moment.year, moment.month, moment.day, hour))

        def make(village=world.north, *, submitted, first_response_due, decision_due, **kwargs):
            return InitiativeFactory(
                village=village,
                submitted_at=day(submitted, 9),
                first_response_due=today + timedelta(days=first_response_due),
                decision_due=today + timedelta(days=decision_due),
                **kwargs,
            )

        made = {
            # Answered: on time (the same day, 0 working days) and late (20 calendar days on).
            "answered_on_time": make(
                submitted=-30, first_response_due=-23, decision_due=20, status=Status.INTAKE, first_response_at=day(-30)
            ),
            "answered_late": make(
                submitted=-60,
                first_response_due=-53,
                decision_due=20,
                status=Status.IN_CONVERSATION,
                first_response_at=day(-40),
            ),
            # No first response and past the norm: late, from the day after the due date.
            "unanswered_overdue": make(submitted=-20, first_response_due=-5, decision_due=30),
            "unanswered_overdue_since_today": make(
                submitted=-8, first_response_due=-1, decision_due=30, status=Status.WAITING_FOR_INITIATOR
            ),
            "decided_without_response": make(
                submitted=-90, first_response_due=-83, decision_due=-40, status=Status.DECIDED, decided_at=day(-45)
            ),
            # No first response, still within the norm: not counted either way yet.
            "unanswered_due_today": make(submitted=-7, first_response_due=0, decision_due=40),
            "unanswered_new": make(submitted=0, first_response_due=7, decision_due=56),
            # Decisions: on time, late, and overdue while still undecided.
            "decided_on_time": make(
                submitted=-100,
                first_response_due=-93,
                decision_due=-30,
                status=Status.DECIDED,
                first_response_at=day(-99),
                decided_at=day(-35),
            ),
            "decided_late": make(
                submitted=-120,
                first_response_due=-113,
                decision_due=-60,
                status=Status.DECIDED,
                first_response_at=day(-119),
                decided_at=day(-50),
            ),
            "decision_overdue": make(
                world.south,
                submitted=-80,
                first_response_due=-73,
                decision_due=-3,
                status=Status.IN_CONVERSATION,
                first_response_at=day(-80),
            ),
            # Closed and withdrawn owe nothing, even without a first response.
            "closed": make(submitted=-200, first_response_due=-193, decision_due=-100, status=Status.CLOSED),
            "withdrawn": make(
                world.south, submitted=-50, first_response_due=-43, decision_due=-10, status=Status.WITHDRAWN
            ),
        }
        # Municipality B: overdue in every way, never counted for A's officer.
        make(world.b_village, submitted=-30, first_response_due=-20, decision_due=-2)
        make(world.b_village, submitted=-30, first_response_due=-20, decision_due=-2, status=Status.INTAKE)
        return made

    def test_statistics_and_dashboard_counters_agree(self, client, world, mixed, today, django_assert_max_num_queries):
        client.force_login(world.officer)
        period = {"from": (today - timedelta(days=365)).isoformat(), "to": today.isoformat()}

        # The first view after changes refreshes the roll-ups; the period's edge months count fresh.
        with django_assert_max_num_queries(REFRESHING_VIEW + MONTHS_AND_EDGES):
            statistics_page = client.get(URL, period)
        dashboard = client.get(DASHBOARD)

        assert statistics_page.status_code == dashboard.status_code == 200
        counters = {counter["key"]: counter["count"] for counter in dashboard.context["counters"]}
        tables = tables_of(statistics_page)
        response, statuses = tables["response"], column(tables["status"])

        def listed(params):
            return client.get(DASHBOARD, params).context["paginator"].count

        # First responses overdue and still missing: the same three initiatives on both pages.
        assert counters["first_response_overdue"] == 3
        assert response.figures["first_response_overdue"] == counters["first_response_overdue"]
        assert listed({"overdue": OVERDUE_FIRST_RESPONSE}) == counters["first_response_overdue"]
        [(name, norm, responded, _median, within, overdue, within_share, waiting)] = response.rows
        assert (name, norm, responded, within, overdue, waiting) == (world.a.name, 5, 5, 4, 3, 2)
        # Within the norm: 4 (all answered but answered_late) of 5 answered + 3 overdue.
        assert response.figures["counted"] == 8
        assert within_share == response.figures["within_share"] == pytest.approx(4 / 8)
        assert [value for _label, value in response.chart] == [4, 1, 3, 2]
        html = statistics_page.content.decode()
        assert statistics_page.context["figures"]["within_share"] == "50%"
        assert "van 8 initiatieven met een eerste reactie of met de norm voorbij" in html
        assert "Norm voorbij, nog geen eerste reactie" in html

        # Decisions overdue: the one undecided initiative past its term (the statistics page
        # reports no decision term; its outcomes count only decided initiatives).
        assert counters["decision_overdue"] == listed({"overdue": OVERDUE_DECISION}) == 1
        assert tables["support"].figures["decided"] == 0  # no Decision rows in this world

        # Open and waiting counts, and the total: the same initiatives.
        assert counters["waiting"] == statuses[Status.WAITING_FOR_INITIATOR.label] == 1
        open_statuses = [status for status in Status if status in OPEN_STATUSES]
        assert sum(statuses[status.label] for status in open_statuses) == 7
        assert listed({"status": [status.value for status in open_statuses]}) == 7
        assert counters["new_unassigned"] == statuses[Status.SUBMITTED.label] == 3  # none assigned here
        assert listed({}) == tables["status"].figures["total"] == len(mixed)

    def test_overdue_from_the_day_after_the_due_date(self, client, world, today):
        due_today = InitiativeFactory(
            village=world.north, submitted_at=timezone.now() - timedelta(days=7), first_response_due=today
        )
        client.force_login(world.officer)
        period = {"from": (today - timedelta(days=30)).isoformat(), "to": today.isoformat()}

        figures = tables_of(client.get(URL, period))["response"].figures
        counters = {c["key"]: c["count"] for c in client.get(DASHBOARD).context["counters"]}

        assert figures["first_response_overdue"] == counters["first_response_overdue"] == 0
        assert figures["within_share"] is None and figures["counted"] == 0
        due_today.first_response_due = today - timedelta(days=1)
        due_today.save(update_fields=["first_response_due"])

        figures = tables_of(client.get(URL, period))["response"].figures
        counters = {c["key"]: c["count"] for c in client.get(DASHBOARD).context["counters"]}

        assert figures["first_response_overdue"] == counters["first_response_overdue"] == 1
        assert figures["within_share"] == 0 and figures["counted"] == 1


class TestChart:
    DATA = [("Hulshorst", 4), ("Vierhouten", 0), ("Elspeet", 2)]

    def chart(self, data=None, **kwargs):
        kwargs = {"title": "Initiatieven per dorp", "chart_id": "chart-village", **kwargs}
        return charts.horizontal_bar_chart(self.DATA if data is None else data, **kwargs)

    def test_is_well_formed_accessible_svg(self):
        svg = self.chart(description="De tabel geeft dezelfde cijfers.")

        root = parse_svg(svg)
        ns = "{http://www.w3.org/2000/svg}"
        assert root.tag == f"{ns}svg"
        assert root.get("role") == "img"
        assert root.get("aria-labelledby") == "chart-village-title chart-village-desc"
        assert root.find(f"{ns}title").get("id") == "chart-village-title"
        assert root.find(f"{ns}title").text == "Initiatieven per dorp"
        assert root.find(f"{ns}desc").get("id") == "chart-village-desc"
        assert re.fullmatch(r"0 0 \d+ \d+", root.get("viewBox"))
        assert root.get("width") == "100%"
        assert "style=" not in svg and "<script" not in svg

    def test_labels_and_values_are_text(self):
        root = parse_svg(self.chart())

        texts = [element.text for element in root.iter("{http://www.w3.org/2000/svg}text")]
        assert texts == ["Hulshorst", "4", "Vierhouten", "0", "Elspeet", "2"]

    def test_bars_scale_to_the_largest_value_and_zero_draws_no_bar(self):
        root = parse_svg(self.chart())

        widths = [float(rect.get("width")) for rect in root.iter("{http://www.w3.org/2000/svg}rect")]
        assert len(widths) == 2  # no bar for 0
        assert widths[1] == pytest.approx(widths[0] / 2)

    def test_all_zero_values(self):
        root = parse_svg(self.chart([("a", 0), ("b", 0)]))

        assert list(root.iter("{http://www.w3.org/2000/svg}rect")) == []
        assert [t.text for t in root.iter("{http://www.w3.org/2000/svg}text")] == ["a", "0", "b", "0"]

    def test_empty_data_gives_nothing(self):
        assert self.chart([]) == ""

    def test_labels_and_titles_are_escaped(self):
        svg = self.chart([("<script>alert(1)</script>", 1), ('"quoted" & more', 2)], title="<b>x</b>")

        assert "<script>" not in svg and "<b>" not in svg
        assert "&lt;script&gt;" in svg
        assert "&quot;quoted&quot; &amp; more" in svg
        parse_svg(svg)

    def test_long_labels_are_shortened(self):
        label = "Een heel erg lange naam van een thema die niet in de grafiek past " * 2

        root = parse_svg(self.chart([(label, 1)]))

        shown = next(root.iter("{http://www.w3.org/2000/svg}text")).text
        assert shown.endswith("…") and len(shown) < len(label)

    def test_value_format(self):
        svg = self.chart([("Hulshorst", Decimal("1500.00"))], value_format=lambda v: f"€ {v:.0f}")

        assert "€ 1500" in svg

    def test_bad_id_is_refused(self):
        with pytest.raises(ValueError):
            self.chart(chart_id='x" onload="alert(1)')

    @pytest.mark.parametrize("colour", [charts.BAR_COLOUR, charts.TEXT_COLOUR, charts.AXIS_COLOUR])
    def test_colours_have_enough_contrast_against_white(self, colour):
        def luminance(hex_colour):
            channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
            linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
            return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

        assert (1.05) / (luminance(colour) + 0.05) >= 3
