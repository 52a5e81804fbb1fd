"""The coordinators' audit log: their own municipality's lines, newest first, filtered, read only."""

from datetime import datetime

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from audit.constants import AuditAction
from audit.models import AuditLogEntry, AuditResult
from initiatives.constants import DecisionOutcome, MunicipalRole
from tests.municipalities.factories import OfficerMembershipFactory, UserFactory, two_municipalities

pytestmark = pytest.mark.django_db

URL = reverse("audit:log")


def entry(*, municipality, actor=None, action="initiative.assign", at=None, **fields):
    """An audit line; `at` (local) moves its time, which the model itself never changes."""
    line = AuditLogEntry.objects.create(
        actor=actor,
        actor_label=actor.get_username() if actor else "system",
        action=action,
        object_type="initiatives.initiative",
        object_id="1",
        object_repr="2026-0001 Speeltuin",
        municipality=municipality,
        origin="192.0.2.10",
        **fields,
    )
    if at is not None:
        AuditLogEntry.objects.filter(pk=line.pk).update(created_at=timezone.make_aware(at))
        line.refresh_from_db()
    return line


@pytest.fixture
def world():
    tenants = two_municipalities()
    tenants.coordinator = OfficerMembershipFactory(municipality=tenants.a, coordinator=True).user
    tenants.officer = OfficerMembershipFactory(municipality=tenants.a).user
    tenants.b_coordinator = OfficerMembershipFactory(municipality=tenants.b, coordinator=True).user
    return tenants


def listed(response):
    return list(response.context["entries"])


class TestAccess:
    def test_anonymous_goes_to_login(self, client):
        response = client.get(URL)

        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))

    def test_user_without_membership_is_refused(self, client):
        client.force_login(UserFactory(staff=True))

        assert client.get(URL).status_code == 403

    def test_contact_officer_is_refused(self, client, world):
        client.force_login(world.officer)

        assert client.get(URL).status_code == 403

    def test_coordinator_may_read(self, client, world):
        client.force_login(world.coordinator)

        assert client.get(URL).status_code == 200

    def test_superuser_may_read(self, client, world):
        client.force_login(UserFactory(superuser=True))

        assert client.get(URL).status_code == 200

    def test_nothing_can_be_written(self, client, world):
        client.force_login(world.coordinator)

        assert client.post(URL, {"action": "x"}).status_code == 405
        assert AuditLogEntry.objects.count() == 0


class TestList:
    def test_own_municipality_only_newest_first(self, client, world):
        older = entry(municipality=world.a, actor=world.officer, at=datetime(2026, 3, 1, 9))
        newer = entry(municipality=world.a, actor=world.officer, at=datetime(2026, 3, 2, 9))
        entry(municipality=world.b, actor=world.b_coordinator)
        entry(municipality=None, actor=None, action="system.cleanup")
        client.force_login(world.coordinator)

        response = client.get(URL)

        assert listed(response) == [newer, older]

    def test_b_sees_none_of_a(self, client, world):
        entry(municipality=world.a, actor=world.officer)
        mine = entry(municipality=world.b, actor=world.b_coordinator)
        client.force_login(world.b_coordinator)

        assert listed(client.get(URL)) == [mine]

    def test_columns_show_the_facts(self, client, world):
        line = entry(
            municipality=world.a,
            actor=world.officer,
            result=AuditResult.REFUSED,
            detail="status submitted -> decided",
        )
        client.force_login(world.coordinator)

        html = client.get(URL).content.decode()

        assert line.action in html
        assert line.object_repr in html
        assert "192.0.2.10" in html
        assert "status submitted -&gt; decided" in html
        assert (world.officer.get_full_name() or world.officer.get_username()) in html

    def test_actor_that_is_gone_keeps_its_label(self, client, world):
        gone = UserFactory(username="vertrokken.ambtenaar")
        entry(municipality=world.a, actor=gone)
        gone.delete()
        client.force_login(world.coordinator)

        response = client.get(URL)

        assert listed(response)[0].actor is None
        assert "vertrokken.ambtenaar" in response.content.decode()

    def test_fifty_per_page(self, client, world):
        for _ in range(55):
            entry(municipality=world.a, actor=world.officer)
        client.force_login(world.coordinator)

        first, second = client.get(URL), client.get(URL, {"page": 2})

        assert len(listed(first)) == 50
        assert len(listed(second)) == 5
        assert first.context["paginator"].count == 55

    def test_page_links_keep_the_filters(self, client, world):
        for _ in range(51):
            entry(municipality=world.a, actor=world.officer, action="grant.pay")
        client.force_login(world.coordinator)

        html = client.get(URL, {"action": "grant.pay"}).content.decode()

        assert "?action=grant.pay&amp;page=2" in html

    def test_fixed_number_of_queries(self, client, world, django_assert_max_num_queries):
        client.force_login(world.coordinator)
        officers = [OfficerMembershipFactory(municipality=world.a).user for _ in range(3)]
        for officer in officers:
            entry(municipality=world.a, actor=officer)
        with django_assert_max_num_queries(9):
            assert client.get(URL).status_code == 200
        for index in range(40):
            entry(municipality=world.a, actor=UserFactory(), action=f"action.{index}")
        with django_assert_max_num_queries(9):
            response = client.get(URL)
        assert len(listed(response)) == 43


class TestFilters:
    def test_by_action(self, client, world):
        paid = entry(municipality=world.a, actor=world.officer, action="grant.pay")
        entry(municipality=world.a, actor=world.officer, action="initiative.assign")
        client.force_login(world.coordinator)

        assert listed(client.get(URL, {"action": "grant.pay"})) == [paid]

    def test_action_choices_come_from_the_own_log_only(self, client, world):
        entry(municipality=world.a, actor=world.officer, action="grant.pay")
        entry(municipality=world.b, actor=world.b_coordinator, action="secret.b.action")
        client.force_login(world.coordinator)

        response = client.get(URL)

        choices = [value for value, _label in response.context["filter"].form.fields["action"].choices]
        assert "grant.pay" in choices
        assert "secret.b.action" not in choices

    def test_by_actor(self, client, world):
        mine = entry(municipality=world.a, actor=world.officer)
        entry(municipality=world.a, actor=world.coordinator)
        client.force_login(world.coordinator)

        assert listed(client.get(URL, {"actor": world.officer.pk})) == [mine]

    def test_actor_of_another_municipality_cannot_be_chosen(self, client, world):
        entry(municipality=world.a, actor=world.officer)
        entry(municipality=world.b, actor=world.b_coordinator)
        client.force_login(world.coordinator)

        response = client.get(URL, {"actor": world.b_coordinator.pk})

        assert response.status_code == 200
        assert "actor" in response.context["filter"].form.errors
        assert listed(response) == []

    def test_by_date_range_in_local_dates(self, client, world):
        entry(municipality=world.a, actor=world.officer, at=datetime(2026, 2, 28, 23, 30))
        first = entry(municipality=world.a, actor=world.officer, at=datetime(2026, 3, 1, 0, 30))
        last = entry(municipality=world.a, actor=world.officer, at=datetime(2026, 3, 31, 23, 30))
        entry(municipality=world.a, actor=world.officer, at=datetime(2026, 4, 1, 0, 30))
        client.force_login(world.coordinator)

        response = client.get(URL, {"date_from": "2026-03-01", "date_to": "2026-03-31"})

        assert listed(response) == [last, first]

    def test_bad_filter_values_are_form_errors_not_crashes(self, client, world):
        entry(municipality=world.a, actor=world.officer)
        client.force_login(world.coordinator)

        response = client.get(URL, {"date_from": "gisteren", "actor": "abc", "action": "nope", "page": "1"})

        assert response.status_code == 200
        assert response.context["filter"].form.errors

    def test_page_out_of_range_is_404(self, client, world):
        client.force_login(world.coordinator)

        assert client.get(URL, {"page": 7}).status_code == 404


class TestInWords:
    """The log reads as sentences: names instead of ids, labels instead of stored values."""

    @pytest.fixture
    def story(self, world):
        from decimal import Decimal

        from initiatives.services.funds import initiative_decide
        from initiatives.services.officers import initiative_assign, initiative_set_role
        from tests.initiatives.factories import InitiativeFactory
        from tests.municipalities.factories import FundFactory

        officer = world.officer
        initiative = InitiativeFactory(
            in_conversation=True,
            village__municipality=world.a,
            total_cost=Decimal("4000.00"),
            title="Een nieuwe speeltuin met een klimrek en een zandbak achter het dorpshuis van Hulshorst",
        )
        fund = FundFactory(
            municipality=world.a, name="Leefbaarheidsfonds", year=2026, budget=Decimal("10000"), min_own_share_percent=0
        )
        initiative_assign(initiative=initiative, officer=officer, actor=world.coordinator)
        initiative_set_role(initiative=initiative, role="faciliteren", explanation="", actor=officer)
        initiative_decide(
            initiative=initiative,
            actor=officer,
            outcome=DecisionOutcome.SUPPORTED,
            motivation="Mooi plan",
            fund=fund,
            amount=Decimal("1800.00"),
        )
        return initiative

    def page(self, client, world, **params):
        client.force_login(world.coordinator)
        return client.get(URL, params)

    def rows(self, response):
        return {(entry.get_action_display(), entry.detail_text) for entry in response.context["entries"]}

    def test_details_name_people_funds_and_labels(self, client, world, story):
        response = self.page(client, world)
        name = world.officer.get_full_name()
        rows = self.rows(response)
        assert ("Initiatief toegewezen", f"toegewezen aan {name}") in rows
        assert ("Bijdrage toegezegd", "€\u00a01.800,00 uit Leefbaarheidsfonds 2026") in rows
        with translation.override("nl"):
            assert (str(AuditAction.INITIATIVE_DECIDE.label), str(DecisionOutcome.SUPPORTED.label)) in rows
            assert (str(AuditAction.INITIATIVE_ROLE.label), str(MunicipalRole.FACILITATE.label)) in rows
        body = response.content.decode()
        for raw in ("officer=", "fund=", "amount=", "->", "supported", "faciliteren<"):
            assert raw not in body

    def test_rows_about_a_part_of_an_initiative_name_the_whole_initiative(self, client, world, story):
        response = self.page(client, world)
        objects = {entry.object_text for entry in response.context["entries"]}
        assert objects == {str(story)}  # the grant and the decision too, not "2026-0001: 1800.00"
        assert story.title in response.content.decode()

    def test_the_actor_filter_offers_names(self, client, world, story):
        form = self.page(client, world).context["filter"].form
        labels = {label for _value, label in form.fields["actor"].choices}
        assert world.officer.get_full_name() in labels
        assert world.officer.get_username() not in labels

    def test_a_row_without_a_person_says_the_platform_did_it(self, client, world):
        entry(municipality=world.a, action="initiative.auto_close")
        response = self.page(client, world)
        assert listed(response)[0].actor_text == "Het platform (automatisch)"
        assert ">system<" not in response.content.decode()
