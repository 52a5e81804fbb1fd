"""The officers' dashboard: counters, filters, sorting, pages, CSV export and bulk assignment.

Every test also guards the tenant wall: an officer of one municipality never sees, counts,
exports or assigns an initiative of another.
"""

from datetime import datetime, timedelta
from decimal import Decimal

import pytest
from django.contrib import messages
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditLogEntry
from core.csv import BOM, spreadsheet_rows
from initiatives.constants import GrantStatus, Status
from initiatives.models import Initiative
from tests.initiatives.factories import (
    DecisionProposalFactory,
    GrantFactory,
    InitiativeFactory,
    MessageFactory,
    ThemeFactory,
)
from tests.municipalities.factories import FundFactory, OfficerMembershipFactory, UserFactory
from tests.villages.factories import VillageFactory

pytestmark = pytest.mark.django_db

DASHBOARD = "/dashboard/"
EXPORT = "/dashboard/export.csv"
BULK = "/dashboard/toewijzen/"


@pytest.fixture
def stranger():
    """An officer of another municipality."""
    return OfficerMembershipFactory()


@pytest.fixture
def village(officer):
    return VillageFactory(municipality=officer.municipality)


@pytest.fixture
def other_village(stranger):
    return VillageFactory(municipality=stranger.municipality)


@pytest.fixture
def officer_client(client, officer):
    client.force_login(officer.user)
    return client


def listed(response) -> list[int]:
    return [initiative.pk for initiative in response.context["initiatives"]]


def csv_rows(response) -> list[list[str]]:
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith(BOM)
    return spreadsheet_rows(body)


def local(year, month, day, hour=12, minute=0):
    return timezone.make_aware(datetime(year, month, day, hour, minute))


class DashboardUrlTests:
    def test_url_names(self):
        assert reverse("initiatives:dashboard") == DASHBOARD
        assert reverse("initiatives:dashboard_export") == EXPORT
        assert reverse("initiatives:bulk_assign") == BULK


class DashboardAccessTests:
    @pytest.mark.parametrize("url", [DASHBOARD, EXPORT])
    def test_anonymous_is_sent_to_login(self, client, url):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))

    def test_anonymous_cannot_bulk_assign(self, client):
        response = client.post(BULK, {})
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))

    @pytest.mark.parametrize("url", [DASHBOARD, EXPORT])
    def test_logged_in_non_officer_is_refused(self, client, url):
        client.force_login(UserFactory(staff=True))
        assert client.get(url).status_code == 403

    def test_non_officer_cannot_bulk_assign(self, client):
        client.force_login(UserFactory())
        assert client.post(BULK, {}).status_code == 403

    def test_inactive_officer_is_refused(self, client):
        membership = OfficerMembershipFactory(is_active=False)
        client.force_login(membership.user)
        assert client.get(DASHBOARD).status_code == 403

    def test_officer_sees_the_dashboard(self, officer_client, officer):
        response = officer_client.get(DASHBOARD)
        assert response.status_code == 200
        assert response.context["municipality"] == officer.municipality
        assert response["Cache-Control"].startswith("max-age=0")

    def test_coordinator_sees_the_dashboard(self, client):
        coordinator = OfficerMembershipFactory(coordinator=True)
        client.force_login(coordinator.user)
        assert client.get(DASHBOARD).status_code == 200

    def test_superuser_sees_every_municipality(self, client, village, other_village):
        mine = InitiativeFactory(village=village)
        theirs = InitiativeFactory(village=other_village)
        client.force_login(UserFactory(superuser=True))
        response = client.get(DASHBOARD)
        assert response.status_code == 200
        assert set(listed(response)) == {mine.pk, theirs.pk}
        assert response.context["municipality"] is None

    def test_bulk_assign_answers_post_only(self, officer_client):
        assert officer_client.get(BULK).status_code == 405


class DashboardScopingTests:
    @pytest.fixture
    def theirs(self, other_village):
        return InitiativeFactory(village=other_village, title="Speeltuin elders", reference="2026-9999")

    def test_list_shows_only_own_municipality(self, officer_client, village, theirs):
        mine = InitiativeFactory(village=village)
        response = officer_client.get(DASHBOARD)
        assert listed(response) == [mine.pk]
        assert theirs.reference.encode() not in response.content

    def test_search_never_reaches_another_municipality(self, officer_client, theirs):
        for text in (theirs.reference, "Speeltuin"):
            assert listed(officer_client.get(DASHBOARD, {"q": text})) == []

    def test_counters_ignore_another_municipality(self, officer_client, officer, stranger, other_village):
        today = timezone.localdate()
        InitiativeFactory(village=other_village, first_response_due=today - timedelta(days=3))
        InitiativeFactory(village=other_village, waiting=True, decision_due=today - timedelta(days=1))
        InitiativeFactory(village=other_village, assigned_officer=officer.user)  # wrongly pointed at us
        InitiativeFactory(village=other_village, publication_pending=True)
        theirs_for_me = {"initiative__village": other_village, "initiative__assigned_officer": officer.user}
        MessageFactory(**theirs_for_me, from_initiator=True)
        DecisionProposalFactory(initiative__village=other_village)
        counts = {c["key"]: c["count"] for c in officer_client.get(DASHBOARD).context["counters"]}
        assert counts == {
            "new_unassigned": 0,
            "mine": 0,
            "first_response_overdue": 0,
            "decision_overdue": 0,
            "waiting": 0,
            "new_replies": 0,
            "publication_review": 0,
            "approval": 0,
        }

    def test_csv_never_contains_another_municipality(self, officer_client, village, theirs):
        mine = InitiativeFactory(village=village)
        rows = csv_rows(officer_client.get(EXPORT))
        assert [row[0] for row in rows[1:]] == [mine.reference]

    def test_choices_come_from_own_municipality(self, officer_client, officer, village, colleague, stranger):
        other_village = VillageFactory(municipality=stranger.municipality)
        own_fund = FundFactory(municipality=officer.municipality)
        other_fund = FundFactory(municipality=stranger.municipality)
        form = officer_client.get(DASHBOARD).context["filter"].form
        assert list(form.fields["village"].choices)[1:] == [(str(village.pk), village.name)]
        assert str(other_village.pk) not in dict(form.fields["village"].choices)
        assert list(form.fields["fund"].choices)[1:] == [(str(own_fund.pk), str(own_fund))]
        assert str(other_fund.pk) not in dict(form.fields["fund"].choices)
        officer_values = [value for value, _label in form.fields["officer"].choices]
        assert str(colleague.user_id) in officer_values
        assert str(officer.user_id) in officer_values
        assert str(stranger.user_id) not in officer_values

    def test_filtering_on_another_municipalitys_village_shows_nothing(self, officer_client, theirs):
        response = officer_client.get(DASHBOARD, {"village": theirs.village_id})
        assert response.status_code == 200
        assert listed(response) == []
        assert "village" in response.context["filter"].form.errors

    def test_inactive_colleague_is_not_a_choice(self, officer_client, officer):
        gone = OfficerMembershipFactory(municipality=officer.municipality, is_active=False)
        form = officer_client.get(DASHBOARD).context["filter"].form
        assert str(gone.user_id) not in [value for value, _label in form.fields["officer"].choices]


class DashboardFilterTests:
    def test_status_is_multiple_choice(self, officer_client, village):
        submitted = InitiativeFactory(village=village)
        waiting = InitiativeFactory(village=village, waiting=True)
        InitiativeFactory(village=village, in_conversation=True)
        response = officer_client.get(DASHBOARD, {"status": [Status.SUBMITTED, Status.WAITING_FOR_INITIATOR]})
        assert set(listed(response)) == {submitted.pk, waiting.pk}

    def test_village(self, officer_client, officer, village):
        here = InitiativeFactory(village=village)
        InitiativeFactory(village=VillageFactory(municipality=officer.municipality))
        assert listed(officer_client.get(DASHBOARD, {"village": village.pk})) == [here.pk]

    def test_theme(self, officer_client, village):
        theme = ThemeFactory(slug="spelen")
        with_theme = InitiativeFactory(village=village, themes=[theme, ThemeFactory()])
        InitiativeFactory(village=village, themes=[ThemeFactory()])
        assert listed(officer_client.get(DASHBOARD, {"theme": "spelen"})) == [with_theme.pk]

    @pytest.mark.parametrize("kind", ["advice", "money", "permits", "space", "network", "process"])
    def test_kind_of_help(self, officer_client, village, kind):
        flags = {f"asks_{k}": False for k in ("advice", "money", "permits", "space", "network", "process")}
        InitiativeFactory(village=village, **flags)
        asking = InitiativeFactory(village=village, **{**flags, f"asks_{kind}": True})
        assert listed(officer_client.get(DASHBOARD, {"help": kind})) == [asking.pk]

    def test_assigned_to_me_unassigned_or_a_colleague(self, officer_client, officer, colleague, village):
        mine = InitiativeFactory(village=village, assigned_officer=officer.user)
        theirs = InitiativeFactory(village=village, assigned_officer=colleague.user)
        nobodys = InitiativeFactory(village=village, assigned_officer=None)
        assert listed(officer_client.get(DASHBOARD, {"officer": "me"})) == [mine.pk]
        assert listed(officer_client.get(DASHBOARD, {"officer": "unassigned"})) == [nobodys.pk]
        assert listed(officer_client.get(DASHBOARD, {"officer": colleague.user_id})) == [theirs.pk]

    def test_another_municipalitys_officer_is_no_choice(self, officer_client, stranger, village):
        InitiativeFactory(village=village, assigned_officer=stranger.user)
        response = officer_client.get(DASHBOARD, {"officer": stranger.user_id})
        assert response.status_code == 200
        assert listed(response) == []
        assert "officer" in response.context["filter"].form.errors

    def test_overdue_first_response(self, officer_client, village):
        today = timezone.localdate()
        yesterday = today - timedelta(days=1)
        overdue = InitiativeFactory(village=village, first_response_due=yesterday)
        overdue_in_intake = InitiativeFactory(village=village, status=Status.INTAKE, first_response_due=yesterday)
        InitiativeFactory(village=village, first_response_due=today)  # due today: not yet late
        InitiativeFactory(village=village, responded=True, first_response_due=yesterday)
        InitiativeFactory(village=village, withdrawn=True, first_response_due=yesterday)
        InitiativeFactory(village=village, status=Status.CLOSED, first_response_due=yesterday)
        InitiativeFactory(village=village, first_response_due=None)
        response = officer_client.get(DASHBOARD, {"overdue": "first_response"})
        assert set(listed(response)) == {overdue.pk, overdue_in_intake.pk}

    def test_overdue_decision(self, officer_client, village):
        today = timezone.localdate()
        yesterday = today - timedelta(days=1)
        late = [
            InitiativeFactory(village=village, status=status, decision_due=yesterday)
            for status in (Status.SUBMITTED, Status.INTAKE, Status.IN_CONVERSATION, Status.WAITING_FOR_INITIATOR)
        ]
        InitiativeFactory(village=village, in_conversation=True, decision_due=today)
        InitiativeFactory(village=village, decided=True, decision_due=yesterday)
        InitiativeFactory(village=village, closed=True, decision_due=yesterday)
        InitiativeFactory(village=village, withdrawn=True, decision_due=yesterday)
        response = officer_client.get(DASHBOARD, {"overdue": "decision"})
        assert set(listed(response)) == {i.pk for i in late}

    def test_overdue_rows_are_marked_with_text(self, officer_client, village):
        yesterday = timezone.localdate() - timedelta(days=1)
        InitiativeFactory(village=village, first_response_due=yesterday, decision_due=yesterday)
        content = officer_client.get(DASHBOARD).content.decode()
        assert 'data-overdue="first_response"' in content
        assert 'data-overdue="decision"' in content

    def test_submitted_date_range_uses_local_days(self, officer_client, village):
        before = InitiativeFactory(village=village, submitted_at=local(2026, 1, 9, 23, 59))
        first = InitiativeFactory(village=village, submitted_at=local(2026, 1, 10, 0, 1))
        last = InitiativeFactory(village=village, submitted_at=local(2026, 1, 20, 23, 30))
        after = InitiativeFactory(village=village, submitted_at=local(2026, 1, 21, 0, 30))
        response = officer_client.get(DASHBOARD, {"submitted_from": "2026-01-10", "submitted_to": "2026-01-20"})
        assert set(listed(response)) == {first.pk, last.pk}
        assert set(listed(officer_client.get(DASHBOARD, {"submitted_to": "2026-01-09"}))) == {before.pk}
        assert set(listed(officer_client.get(DASHBOARD, {"submitted_from": "2026-01-21"}))) == {after.pk}

    def test_fund(self, officer_client, officer, village):
        fund = FundFactory(municipality=officer.municipality)
        other_fund = FundFactory(municipality=officer.municipality)
        granted = InitiativeFactory(village=village, decided=True)
        GrantFactory(initiative=granted, fund=fund)
        GrantFactory(initiative=granted, fund=fund, amount=Decimal("100.00"))  # two grants: still one row
        GrantFactory(initiative=InitiativeFactory(village=village, decided=True), fund=other_fund)
        withdrawn = InitiativeFactory(village=village, decided=True)
        GrantFactory(initiative=withdrawn, fund=fund, status=GrantStatus.WITHDRAWN)
        InitiativeFactory(village=village)
        assert listed(officer_client.get(DASHBOARD, {"fund": fund.pk})) == [granted.pk]

    @pytest.mark.parametrize(
        "text",
        ["2025-0777", "2025-07", "speeltuin", "Speeltuin", "speel", "Nieuwe speel", "Vries", "fatima@example.nl"],
    )
    def test_text_search(self, officer_client, village, text):
        found = InitiativeFactory(
            village=village,
            reference="2025-0777",
            title="Nieuwe speeltuin bij het dorpshuis",
            initiator_name="Fatima de Vries",
            initiator_email="fatima@example.nl",
        )
        InitiativeFactory(
            village=village,
            reference="2026-0100",
            title="Jeu de boules baan",
            initiator_name="Jan Bakker",
            initiator_email="jan@example.nl",
        )
        assert listed(officer_client.get(DASHBOARD, {"q": text})) == [found.pk]

    @pytest.mark.parametrize(("text", "found"), [("ab-12", True), ("AB-1234", True), ("ab-13", False), ("ab_1", False)])
    def test_a_reference_is_found_by_its_start_whatever_the_case(self, officer_client, village, text, found):
        initiative = InitiativeFactory(
            village=village,
            reference="AB-1234",
            title="Bankje",
            initiator_name="Jan Bakker",
            initiator_email="jan@example.nl",
        )
        assert listed(officer_client.get(DASHBOARD, {"q": text})) == ([initiative.pk] if found else [])

    def test_filters_combine(self, officer_client, officer, village):
        match = InitiativeFactory(village=village, waiting=True, assigned_officer=officer.user, title="Bankje")
        InitiativeFactory(village=village, waiting=True, title="Bankje")
        InitiativeFactory(village=village, assigned_officer=officer.user, title="Bankje")
        params = {"status": Status.WAITING_FOR_INITIATOR, "officer": "me", "q": "bankje", "village": village.pk}
        assert listed(officer_client.get(DASHBOARD, params)) == [match.pk]


class DashboardCounterTests:
    @pytest.fixture
    def initiatives(self, officer, colleague, village):
        today = timezone.localdate()
        yesterday = today - timedelta(days=1)
        InitiativeFactory(village=village, first_response_due=today)  # new, unassigned
        InitiativeFactory(village=village, first_response_due=yesterday)  # new, unassigned, late answer
        InitiativeFactory(village=village, first_response_due=today, assigned_officer=colleague.user)
        InitiativeFactory(village=village, intake=True, assigned_officer=officer.user, decision_due=yesterday)
        InitiativeFactory(village=village, waiting=True, assigned_officer=officer.user)
        InitiativeFactory(village=village, waiting=True)
        InitiativeFactory(village=village, decided=True, assigned_officer=officer.user)
        InitiativeFactory(village=village, closed=True, assigned_officer=officer.user)  # done: not "mine"
        InitiativeFactory(village=village, withdrawn=True, first_response_due=yesterday)
        # The publication review: only a consenting, not withdrawn one that nobody reviewed waits.
        handled = {"intake": True, "assigned_officer": colleague.user}
        InitiativeFactory(village=village, publication_pending=True, **handled)  # waits for review
        InitiativeFactory(village=village, publication_pending=True, publication_consent=False, **handled)
        InitiativeFactory(village=village, publication_hidden=True, **handled)
        InitiativeFactory(village=village, publication_pending=True, withdrawn=True)
        # New replies: the initiator wrote on one of mine (never opened), and on one of a colleague.
        on_time = {"village": village, "first_response_due": today}
        MessageFactory(initiative=InitiativeFactory(waiting=True, **on_time), from_initiator=True)
        replied = InitiativeFactory(intake=True, assigned_officer=officer.user, **on_time)
        MessageFactory(initiative=replied, from_initiator=True)
        MessageFactory(initiative=InitiativeFactory(assigned_officer=colleague.user, **on_time), from_initiator=True)
        return replied

    def test_values(self, officer_client, initiatives):
        counters = officer_client.get(DASHBOARD).context["counters"]
        assert {c["key"]: c["count"] for c in counters} == {
            "new_unassigned": 2,
            "mine": 4,
            "first_response_overdue": 1,
            "decision_overdue": 1,
            "waiting": 3,
            "new_replies": 1,
            "publication_review": 1,
            "approval": 0,
        }

    def test_each_counter_links_to_the_same_initiatives(self, officer_client, initiatives):
        for counter in officer_client.get(DASHBOARD).context["counters"]:
            assert counter["url"].startswith(DASHBOARD + "?")
            response = officer_client.get(counter["url"])
            assert response.context["paginator"].count == counter["count"], counter["key"]
            assert f'href="{counter["url"].replace("&", "&amp;")}"' in response.content.decode()

    def test_counters_take_one_query(self, officer, colleague, initiatives, django_assert_num_queries):
        today = timezone.localdate()
        with django_assert_num_queries(1):
            Initiative.objects.visible_to(officer.user).dashboard_counters(user=officer.user, today=today)

    def test_a_counter_beyond_the_limit_says_more_than(self, officer_client, initiatives, monkeypatch):
        from initiatives.views import dashboard

        monkeypatch.setattr(dashboard, "COUNTER_UP_TO", 2)  # "waiting" has 3, "new_unassigned" 2
        response = officer_client.get(DASHBOARD)
        counters = {c["key"]: c for c in response.context["counters"]}
        assert counters["waiting"]["more_than"] == 2
        assert counters["new_unassigned"]["more_than"] is None
        assert counters["new_unassigned"]["count"] == 2
        page = response.content.decode()
        assert '<span aria-hidden="true">2+</span><span class="visually-hidden">Meer dan 2</span>' in page


class DashboardSortingTests:
    @pytest.fixture
    def three(self, officer, colleague, village):
        return [
            InitiativeFactory(village=village, reference="2026-0002", title="Bankje", assigned_officer=None),
            InitiativeFactory(village=village, reference="2026-0003", title="Akker", assigned_officer=officer.user),
            InitiativeFactory(village=village, reference="2026-0001", title="Cafe", assigned_officer=colleague.user),
        ]

    def test_default_is_newest_first(self, officer_client, village):
        old = InitiativeFactory(village=village, submitted_at=timezone.now() - timedelta(days=30))
        new = InitiativeFactory(village=village, submitted_at=timezone.now() - timedelta(days=1))
        response = officer_client.get(DASHBOARD)
        assert listed(response) == [new.pk, old.pk]
        assert 'aria-sort="descending"' in response.content.decode()

    @pytest.mark.parametrize(
        ("sort", "expected"),
        [
            ("reference", ["2026-0001", "2026-0002", "2026-0003"]),
            ("-reference", ["2026-0003", "2026-0002", "2026-0001"]),
            ("title", ["2026-0003", "2026-0002", "2026-0001"]),
        ],
    )
    def test_sort_by_column(self, officer_client, three, sort, expected):
        response = officer_client.get(DASHBOARD, {"sort": sort})
        assert [i.reference for i in response.context["initiatives"]] == expected

    def test_sorted_column_has_aria_sort_and_toggles(self, officer_client, three):
        response = officer_client.get(DASHBOARD, {"sort": "reference", "status": "submitted"})
        columns = {c["param"]: c for c in response.context["columns"]}
        assert columns["reference"]["direction"] == "ascending"
        assert columns["reference"]["next"] == "-reference"
        assert columns["title"]["direction"] is None
        content = response.content.decode()
        assert 'aria-sort="ascending"' in content
        assert 'href="?sort=-reference&amp;status=submitted"' in content

    def test_status_sorts_in_the_order_of_the_workflow(self, officer_client, village):
        for status in (Status.WAITING_FOR_INITIATOR, Status.CLOSED, Status.SUBMITTED, Status.DECIDED, Status.INTAKE):
            InitiativeFactory(village=village, status=status)
        workflow = [Status.SUBMITTED, Status.INTAKE, Status.WAITING_FOR_INITIATOR, Status.DECIDED, Status.CLOSED]
        response = officer_client.get(DASHBOARD, {"sort": "status"})
        assert [i.status for i in response.context["initiatives"]] == workflow
        response = officer_client.get(DASHBOARD, {"sort": "-status"})
        assert [i.status for i in response.context["initiatives"]] == workflow[::-1]

    @pytest.mark.parametrize(
        "sort", ["village", "status", "submitted", "first_response_due", "decision_due", "officer", "-officer"]
    )
    def test_every_column_sorts(self, officer_client, three, sort):
        response = officer_client.get(DASHBOARD, {"sort": sort})
        assert response.status_code == 200
        assert len(listed(response)) == 3
        assert response.context["filter"].form.errors == {}


class DashboardPaginationTests:
    def test_25_per_page_and_links_keep_the_filters(self, officer_client, village):
        InitiativeFactory.create_batch(30, village=village, waiting=True)
        InitiativeFactory.create_batch(2, village=village)
        params = {"status": Status.WAITING_FOR_INITIATOR, "sort": "reference"}
        first = officer_client.get(DASHBOARD, params)
        assert len(listed(first)) == 25
        assert first.context["paginator"].count == 30
        content = first.content.decode()
        assert 'href="?status=waiting_for_initiator&amp;sort=reference&amp;page=2"' in content
        second = officer_client.get(DASHBOARD, {**params, "page": 2})
        assert len(listed(second)) == 5
        assert not set(listed(first)) & set(listed(second))
        assert 'href="?status=waiting_for_initiator&amp;sort=reference&amp;page=1"' in second.content.decode()

    def test_sorting_and_export_links_drop_the_page(self, officer_client, village):
        InitiativeFactory.create_batch(26, village=village)
        content = officer_client.get(DASHBOARD, {"page": 2, "help": "money"}).content.decode()
        assert 'href="/dashboard/export.csv?help=money"' in content
        assert 'href="?help=money&amp;sort=reference"' in content


class DashboardExportTests:
    def test_columns_and_values(self, officer_client, officer, village):
        initiative = InitiativeFactory(
            village=village,
            reference="2026-0042",
            title="Bankjes langs het fietspad",
            submitted_at=local(2026, 2, 3, 23, 30),
            first_response_due=datetime(2026, 2, 10).date(),
            decision_due=datetime(2026, 3, 31).date(),
            assigned_officer=officer.user,
            amount_requested=Decimal("1250.50"),
            total_cost=Decimal("2000.00"),
            waiting=True,
        )
        response = officer_client.get(EXPORT)
        assert response.status_code == 200
        assert response.streaming
        assert response["Content-Type"].startswith("text/csv")
        assert response["Content-Disposition"].startswith("attachment;")
        header, row = csv_rows(response)
        assert len(header) == 10
        assert row == [
            "2026-0042",
            "Bankjes langs het fietspad",
            village.name,
            str(Status.WAITING_FOR_INITIATOR.label),
            "2026-02-03",
            "2026-02-10",
            "2026-03-31",
            officer.user.get_full_name(),
            "1250,50",
            "2000,00",
        ]
        assert initiative.initiator_email not in row  # no personal data of the initiator

    def test_uses_the_same_filters_and_sorting(self, officer_client, officer, village):
        InitiativeFactory(village=village, reference="2026-0002", assigned_officer=officer.user)
        InitiativeFactory(village=village, reference="2026-0001", assigned_officer=officer.user)
        InitiativeFactory(village=village, reference="2026-0003")
        rows = csv_rows(officer_client.get(EXPORT, {"officer": "me", "sort": "reference"}))
        assert [row[0] for row in rows[1:]] == ["2026-0001", "2026-0002"]

    @pytest.mark.parametrize("title", ['=HYPERLINK("http://x")', "+31 6 1234", "-2+3", "@SUM(A1)", "\tTab"])
    def test_formulas_are_neutralised(self, officer_client, village, title):
        InitiativeFactory(village=village, title=title)
        _header, row = csv_rows(officer_client.get(EXPORT))
        assert row[1] == f"'{title}"

    def test_a_formula_in_the_village_name_too(self, officer_client, officer):
        village = VillageFactory(municipality=officer.municipality, name="=cmd|' /C calc'!A0")
        InitiativeFactory(village=village)
        _header, row = csv_rows(officer_client.get(EXPORT))
        assert row[2].startswith("'=")

    def test_invalid_filters_export_nothing(self, officer_client, village):
        InitiativeFactory(village=village)
        response = officer_client.get(EXPORT, {"village": "not-a-number"})
        assert response.status_code == 200
        assert len(csv_rows(response)) == 1  # the header only

    def test_streams_many_rows(self, officer_client, village):
        InitiativeFactory.create_batch(30, village=village)
        assert len(csv_rows(officer_client.get(EXPORT))) == 31


class DashboardBulkAssignTests:
    def test_assigns_and_returns_to_the_same_list(self, officer_client, officer, colleague, village):
        first, second = InitiativeFactory.create_batch(2, village=village)
        untouched = InitiativeFactory(village=village)
        querystring = f"status=submitted&village={village.pk}&sort=-reference&page=2"
        response = officer_client.post(
            BULK, {"initiatives": [first.pk, second.pk], "officer": colleague.user_id, "querystring": querystring}
        )
        assert response.status_code == 302
        assert response.url == f"{DASHBOARD}?{querystring}"
        for initiative in (first, second):
            initiative.refresh_from_db()
            assert initiative.assigned_officer == colleague.user
        untouched.refresh_from_db()
        assert untouched.assigned_officer is None
        assert [m.level for m in get_messages(response.wsgi_request)] == [messages.SUCCESS]
        assert AuditLogEntry.objects.filter(action="initiative.assign").count() == 2

    def test_the_page_offers_the_form(self, officer_client, colleague, village):
        initiative = InitiativeFactory(village=village)
        response = officer_client.get(DASHBOARD, {"status": "submitted"})
        content = response.content.decode()
        assert f'action="{BULK}"' in content
        assert f'name="initiatives" value="{initiative.pk}"' in content
        assert f'for="select-{initiative.pk}"' in content
        assert 'value="status=submitted"' in content  # the filters travel with the form
        officer_values = [value for value, _label in response.context["bulk_form"].fields["officer"].choices]
        assert colleague.user_id in officer_values

    def test_refuses_an_officer_of_another_municipality(self, officer_client, stranger, village):
        initiative = InitiativeFactory(village=village)
        response = officer_client.post(BULK, {"initiatives": [initiative.pk], "officer": stranger.user_id})
        assert response.status_code == 302
        assert response.url == DASHBOARD
        initiative.refresh_from_db()
        assert initiative.assigned_officer is None
        assert [m.level for m in get_messages(response.wsgi_request)] == [messages.ERROR]

    def test_refuses_initiatives_of_another_municipality(self, officer_client, colleague, village, other_village):
        mine = InitiativeFactory(village=village)
        theirs = InitiativeFactory(village=other_village)
        response = officer_client.post(BULK, {"initiatives": [mine.pk, theirs.pk], "officer": colleague.user_id})
        assert response.status_code == 302
        for initiative in (mine, theirs):
            initiative.refresh_from_db()
            assert initiative.assigned_officer is None  # nothing at all changed
        assert [m.level for m in get_messages(response.wsgi_request)] == [messages.ERROR]

    def test_only_another_municipalitys_initiative_changes_nothing(self, officer_client, officer, other_village):
        theirs = InitiativeFactory(village=other_village)
        officer_client.post(BULK, {"initiatives": [theirs.pk], "officer": officer.user_id})
        theirs.refresh_from_db()
        assert theirs.assigned_officer is None

    def test_nothing_selected(self, officer_client, colleague):
        response = officer_client.post(BULK, {"officer": colleague.user_id, "querystring": "officer=me"})
        assert response.url == f"{DASHBOARD}?officer=me"
        assert [m.level for m in get_messages(response.wsgi_request)] == [messages.ERROR]

    @pytest.mark.parametrize(
        "data",
        [
            {"initiatives": ["abc"], "officer": "1"},
            {"initiatives": ["1"], "officer": "x"},
            {"initiatives": ["1"], "officer": ""},
            {"querystring": "a=1\r\nLocation: http://evil.example/"},
            {"querystring": "http://evil.example/"},
        ],
    )
    def test_garbage_is_refused_without_error(self, officer_client, data):
        response = officer_client.post(BULK, data)
        assert response.status_code == 302
        assert response.url.startswith(DASHBOARD)
        assert "\n" not in response.url

    def test_an_officer_deactivated_after_the_choices_were_read_is_refused(self, officer, colleague, village):
        from initiatives.views.dashboard import BulkAssignForm

        initiative = InitiativeFactory(village=village)
        choices = [(str(colleague.user_id), "Colleague")]
        colleague.is_active = False
        colleague.save(update_fields=["is_active"])
        data = {"initiatives": [initiative.pk], "officer": str(colleague.user_id)}
        form = BulkAssignForm(data, user=officer.user, officer_choices=choices)
        assert not form.is_valid()
        assert "officer" in form.errors

    def test_superuser_assignment_is_all_or_nothing(self, client, stranger, village, other_village):
        # Their initiative comes first and could be assigned; ours cannot get their officer.
        theirs = InitiativeFactory(village=other_village, submitted_at=timezone.now() - timedelta(days=1))
        mine = InitiativeFactory(village=village, submitted_at=timezone.now() - timedelta(days=5))
        client.force_login(UserFactory(superuser=True))
        response = client.post(BULK, {"initiatives": [theirs.pk, mine.pk], "officer": stranger.user_id})
        assert response.status_code == 302
        for initiative in (theirs, mine):
            initiative.refresh_from_db()
            assert initiative.assigned_officer is None
        assert [m.level for m in get_messages(response.wsgi_request)] == [messages.ERROR]


class DashboardBadInputTests:
    @pytest.mark.parametrize(
        "params",
        [
            {"submitted_from": "gisteren"},
            {"submitted_to": "2026-02-30"},
            {"submitted_from": "0001-01-01"},
            {"submitted_to": "9999-12-31"},
            {"village": "abc"},
            {"village": "99999999"},
            {"village": "99999999999999999999999"},
            {"fund": "x"},
            {"theme": "bestaat-niet"},
            {"theme": "a\x00b"},
            {"officer": "12345"},
            {"officer": "x"},
            {"status": "nope"},
            {"help": "everything"},
            {"overdue": "always"},
            {"sort": "initiator_email"},
            {"sort": "reference,,-title,"},
            {"page": "abc"},
            {"page": "999"},
            {"page": "-1"},
            {"q": "x" * 500},
            {"q": "a\x00b"},
            {"q": "'\"():&|! <*>"},
        ],
    )
    @pytest.mark.parametrize("url", [DASHBOARD, EXPORT])
    def test_answers_200(self, officer_client, village, url, params):
        InitiativeFactory(village=village)
        response = officer_client.get(url, params)
        assert response.status_code == 200
        if url == EXPORT:
            csv_rows(response)  # the stream itself does not break either

    def test_an_invalid_filter_is_named_in_the_error_summary(self, officer_client):
        response = officer_client.get(DASHBOARD, {"submitted_from": "gisteren"})
        assert "submitted_from" in response.context["filter"].form.errors
        assert b'href="#id_submitted_from"' in response.content


class DashboardRowTests:
    def test_row_shows_badge_dates_and_links_to_the_initiative(self, officer_client, officer, village):
        initiative = InitiativeFactory(village=village, waiting=True, assigned_officer=officer.user)
        content = officer_client.get(DASHBOARD).content.decode()
        assert "badge status-badge status-waiting_for_initiator" in content
        assert "<caption id=" in content  # named caption of the scroll box (core/templatetags/tables.py)
        assert 'scope="col"' in content
        assert f'href="{reverse("initiatives:officer_detail", kwargs={"pk": initiative.pk})}"' in content

    def test_texts_in_a_row_are_escaped(self, officer_client, officer, village):
        InitiativeFactory(village=village, title='<script>alert("x")</script> & co', assigned_officer=officer.user)
        content = officer_client.get(DASHBOARD).content.decode()
        assert "<script>alert" not in content
        assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; co" in content


class DashboardQueryCountTests:
    @pytest.mark.parametrize("rows", [10, 300])
    def test_queries_do_not_grow_with_rows(
        self, officer_client, officer, colleague, village, rows, django_assert_max_num_queries
    ):
        theme = ThemeFactory()
        villages = [village, VillageFactory(municipality=officer.municipality)]
        for n in range(rows):
            InitiativeFactory(
                village=villages[n % 2],
                assigned_officer=[None, officer.user, colleague.user][n % 3],
                themes=[theme] if n % 5 == 0 else None,
            )
        with django_assert_max_num_queries(QUERY_BUDGET):
            response = officer_client.get(DASHBOARD, {"sort": "officer"})
        assert response.status_code == 200
        with django_assert_max_num_queries(QUERY_BUDGET):
            response = officer_client.get(DASHBOARD, {"q": "a", "status": "submitted", "page": 2})
        assert response.status_code == 200
        with django_assert_max_num_queries(QUERY_BUDGET):
            response = officer_client.get(EXPORT)
            assert len(csv_rows(response)) == rows + 1

    @pytest.mark.parametrize("municipalities", [1, 4])
    def test_a_platform_admins_queries_do_not_grow_with_municipalities(
        self, client, municipalities, django_assert_max_num_queries
    ):
        for _ in range(municipalities):
            membership = OfficerMembershipFactory()
            FundFactory(municipality=membership.municipality)
            for village in VillageFactory.create_batch(3, municipality=membership.municipality):
                InitiativeFactory.create_batch(10, village=village, assigned_officer=membership.user)
        client.force_login(UserFactory(is_superuser=True, is_staff=True))
        with django_assert_max_num_queries(QUERY_BUDGET):
            response = client.get(DASHBOARD)
        assert response.status_code == 200
        with django_assert_max_num_queries(QUERY_BUDGET):
            assert client.get(DASHBOARD, {"q": "a", "page": 2}).status_code == 200


QUERY_BUDGET = 11


class DashboardCountEstimateTests:
    """A list longer than EXACT_COUNT_UP_TO shows the database's estimate and says so (issue 16)."""

    @pytest.fixture
    def estimate(self, monkeypatch):
        from core import pagination
        from initiatives.views import dashboard

        monkeypatch.setattr(dashboard, "EXACT_COUNT_UP_TO", 3)
        monkeypatch.setattr(dashboard.DashboardView, "paginate_by", 2)
        monkeypatch.setattr(pagination, "planner_estimate", lambda queryset, ids=None: 640)
        # On PostgreSQL the count's statement asks for the estimate itself: 640 there too.
        monkeypatch.setattr(
            pagination,
            "planner_estimate_sql",
            lambda ids, connection: ("%s::bigint", (640,)) if connection.vendor == "postgresql" else None,
        )

    def test_up_to_the_limit_the_count_is_exact_without_a_note(self, officer_client, village, estimate):
        InitiativeFactory.create_batch(3, village=village)
        response = officer_client.get(DASHBOARD)
        content = response.content.decode()
        assert response.context["paginator"].count == 3
        assert "3 initiatieven gevonden" in content
        assert "Pagina 1 van 2." in content
        assert "data-count-estimate" not in content
        assert "Ongeveer" not in content

    @pytest.mark.parametrize(
        ("language", "found", "pages"),
        [
            ("nl", "Ongeveer 640 initiatieven gevonden.", "Pagina 1 van ongeveer 320"),
            ("en", "About 640 initiatives found.", "Page 1 of about 320"),
        ],
    )
    def test_beyond_the_limit_the_page_says_it_is_an_estimate(
        self, officer_client, village, estimate, language, found, pages
    ):
        InitiativeFactory.create_batch(4, village=village)
        response = officer_client.get(DASHBOARD, HTTP_ACCEPT_LANGUAGE=language)
        content = response.content.decode()
        assert response.context["paginator"].count_is_estimate
        assert found in content
        assert "data-count-estimate" in content
        assert pages in content

    def test_a_filter_that_narrows_it_down_counts_exactly(self, officer_client, village, estimate):
        InitiativeFactory.create_batch(4, village=village)
        waiting = InitiativeFactory.create_batch(2, village=village, waiting=True)
        response = officer_client.get(DASHBOARD, {"status": Status.WAITING_FOR_INITIATOR})
        assert not response.context["paginator"].count_is_estimate
        assert set(listed(response)) == {initiative.pk for initiative in waiting}
        assert "data-count-estimate" not in response.content.decode()

    def test_the_pages_follow_the_rows_not_the_estimate(self, officer_client, village, estimate):
        made = InitiativeFactory.create_batch(5, village=village)
        seen = []
        for number in (1, 2, 3):
            response = officer_client.get(DASHBOARD, {"page": number})
            seen += listed(response)
        assert sorted(seen) == sorted(initiative.pk for initiative in made)
        assert 'rel="next"' not in response.content.decode()  # page 3 is the last, whatever the estimate
        # A page past the end shows the real last page, counted exactly.
        response = officer_client.get(DASHBOARD, {"page": 200})
        assert response.context["page_obj"].number == 3
        assert not response.context["paginator"].count_is_estimate

    def test_the_queries_stay_few(self, officer_client, village, estimate, django_assert_max_num_queries):
        InitiativeFactory.create_batch(6, village=village)
        with django_assert_max_num_queries(QUERY_BUDGET):
            response = officer_client.get(DASHBOARD, {"page": 2})
        assert response.context["paginator"].count_is_estimate

    def test_a_search_of_every_municipality_takes_the_planners_estimate_first(self, client, village, estimate):
        """The platform admin's search: with the planner expecting far more hits than the limit
        (640 against 3), they are not counted (PostgreSQL; elsewhere the count is exact)."""
        from django.db import connection

        InitiativeFactory.create_batch(3, village=village, title="Speeltuin bij de kerk")
        client.force_login(UserFactory(is_superuser=True, is_staff=True))
        response = client.get(DASHBOARD, {"q": "speeltuin"})
        postgresql = connection.vendor == "postgresql"
        assert response.context["paginator"].count == (640 if postgresql else 3)
        assert response.context["paginator"].count_is_estimate is postgresql
        assert len(listed(response)) == 2

    def test_an_officers_search_is_counted(self, officer_client, village, estimate):
        """An officer's hits are a list of ids of their own municipalities: counted exactly."""
        InitiativeFactory.create_batch(3, village=village, title="Speeltuin bij de kerk")
        response = officer_client.get(DASHBOARD, {"q": "speeltuin"})
        assert response.context["paginator"].count == 3
        assert not response.context["paginator"].count_is_estimate


class TestRowTexts:
    """The list's cells are worked out in Python (speed); they must read as the template filters did."""

    @pytest.mark.parametrize("language", ["nl", "en"])
    def test_dates_match_the_date_filter_in_the_officer_pages_format(self, language):
        from django.utils import translation
        from django.utils.dateformat import format as date_format

        from core.formats import DATE_FORMAT
        from initiatives.views.dashboard import date_formatter

        moments = [
            timezone.make_aware(datetime(2026, month, 1 + month, 23, 30)) for month in range(1, 13)
        ]  # late evening UTC+1/+2: the local date can differ from the UTC one
        with translation.override(language):
            short = date_formatter()
            for moment in moments:
                assert short(moment) == date_format(timezone.localtime(moment), DATE_FORMAT)
                assert short(moment.date()) == date_format(moment.date(), DATE_FORMAT)
            assert short(None) == "–"
            if language == "nl":
                assert short(datetime(2026, 3, 4).date()) == "4 maart 2026"

    def test_links_match_reverse(self):
        from initiatives.views.dashboard import url_maker

        make = url_maker("initiatives:officer_detail", "pk")
        for pk in (1, 42, 987654321, 10**12):
            assert make(pk) == reverse("initiatives:officer_detail", kwargs={"pk": pk})

    def test_rows_show_status_officer_and_dates(self, officer_client, officer, village):
        from django.utils import translation

        with translation.override("en"):
            mine = InitiativeFactory(village=village, status=Status.INTAKE, assigned_officer=officer.user)
            InitiativeFactory(village=village, status=Status.SUBMITTED, assigned_officer=None)
            response = officer_client.get(DASHBOARD, HTTP_ACCEPT_LANGUAGE="en")
        rows = {row.pk: row for row in response.context["initiatives"]}
        row = rows[mine.pk]
        assert row.status_label == Status.INTAKE.label
        assert row.officer_name == (officer.user.get_full_name() or officer.user.get_username())
        assert row.list_url == reverse("initiatives:officer_detail", kwargs={"pk": mine.pk})
        assert row.list_url in response.content.decode()

    def test_names_of_an_officer_who_left_and_of_a_village_outside_the_list(
        self, officer_client, officer, colleague, village, django_assert_max_num_queries
    ):
        """The rows take the names of the village and the officer from the filter's lists; what
        is not on them (no longer an officer, a village since moved to another municipality) is
        read from the database."""
        moved = VillageFactory(name="Verhuisd")
        left = UserFactory(first_name="Oud", last_name="Collega")
        initiatives = [
            InitiativeFactory(village=village, assigned_officer=colleague.user),
            InitiativeFactory(village=village, assigned_officer=left),
            InitiativeFactory(village=village, assigned_officer=officer.user),
            InitiativeFactory(village=village, assigned_officer=None),
        ]
        Initiative.objects.filter(pk=initiatives[3].pk).update(village=moved)
        colleague.user.first_name, colleague.user.last_name, colleague.user.username = "", "", "collega-1"
        colleague.user.save()
        with django_assert_max_num_queries(QUERY_BUDGET + 2):  # one for the officers, one for the villages
            response = officer_client.get(DASHBOARD, {"sort": "officer"})
        rows = {row.pk: row for row in response.context["initiatives"]}
        assert [rows[i.pk].officer_name for i in initiatives] == [
            "collega-1",
            "Oud Collega",
            officer.user.get_full_name() or officer.user.get_username(),
            "",
        ]
        assert [rows[i.pk].village_name for i in initiatives] == [village.name] * 3 + ["Verhuisd"]
        content = response.content.decode()
        assert "Oud Collega" in content
        assert "Verhuisd" in content


class NewRepliesTests:
    def test_a_reply_is_new_until_the_officer_opens_the_initiative_and_new_again_after_the_next(
        self, officer_client, officer, village
    ):
        initiative = InitiativeFactory(village=village, intake=True, assigned_officer=officer.user)
        quiet = InitiativeFactory(village=village, intake=True, assigned_officer=officer.user)

        def marked():
            response = officer_client.get(DASHBOARD)
            counters = {c["key"]: c["count"] for c in response.context["counters"]}
            rows = [i.pk for i in response.context["initiatives"] if i.has_new_reply]
            return rows, counters["new_replies"], response.content.decode().count("data-new-reply")

        assert marked() == ([], 0, 0)
        MessageFactory(initiative=initiative, from_initiator=True)
        MessageFactory(initiative=quiet)  # the officer's own message is no new reply
        assert marked() == ([initiative.pk], 1, 1)
        assert listed(officer_client.get(DASHBOARD, {"new_replies": "1"})) == [initiative.pk]

        officer_client.get(reverse("initiatives:officer_detail", args=[initiative.pk]))
        assert marked() == ([], 0, 0)
        MessageFactory(initiative=initiative, from_initiator=True)
        assert marked() == ([initiative.pk], 1, 1)

    def test_what_one_officer_read_is_still_new_to_a_colleague(self, officer_client, officer, colleague, village):
        initiative = InitiativeFactory(village=village, assigned_officer=officer.user)
        MessageFactory(initiative=initiative, from_initiator=True)
        officer_client.get(reverse("initiatives:officer_detail", args=[initiative.pk]))
        assert not Initiative.objects.with_new_replies(officer.user).get().has_new_reply
        assert Initiative.objects.with_new_replies(colleague.user).get().has_new_reply

    def test_the_list_costs_no_query_per_row(self, officer_client, officer, village, django_assert_max_num_queries):
        for _ in range(3):
            MessageFactory(initiative__village=village, initiative__assigned_officer=officer.user, from_initiator=True)
        with django_assert_max_num_queries(12) as few:
            officer_client.get(DASHBOARD)
        MessageFactory.create_batch(10, initiative__village=village, from_initiator=True)
        with django_assert_max_num_queries(len(few.captured_queries)):
            officer_client.get(DASHBOARD)
