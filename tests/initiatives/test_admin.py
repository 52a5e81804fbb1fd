"""Money, decisions and status change through the services: the admin is no side door.

A coordinator sees grants and decisions in /admin/ but cannot add or change them (nor the
initiative's status); a superuser can, but the grant form keeps the fund's rules.
"""

from decimal import Decimal

import pytest
from django.contrib.auth.models import Group

from accounts.roles import COORDINATOR
from audit.constants import AuditAction
from audit.models import AuditLogEntry
from initiatives.constants import DecisionOutcome, GrantStatus, Status
from initiatives.models import Decision, Grant, Initiative
from tests.core.admin_helpers import admin_url, change_form_data
from tests.initiatives.factories import DecisionFactory, GrantFactory, InitiativeFactory
from tests.municipalities.factories import FundFactory, OfficerMembershipFactory, UserFactory
from tests.villages.factories import VillageFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def initiative():
    """Undecided, in a municipality whose fund has € 1,000.00 left of € 30,000.00."""
    initiative = InitiativeFactory(in_conversation=True, village=VillageFactory())
    fund = FundFactory(
        municipality=initiative.municipality,
        budget=Decimal("30000.00"),
        max_per_initiative=None,
        min_own_share_percent=Decimal("0"),
    )
    GrantFactory(initiative__village__municipality=initiative.municipality, fund=fund, amount=Decimal("29000.00"))
    initiative.fund = fund
    return initiative


@pytest.fixture
def coordinator_client(client, initiative):
    """A coordinator of the initiative's municipality with exactly the coordinator group's rights."""
    user = OfficerMembershipFactory(municipality=initiative.municipality, coordinator=True).user
    user.groups.add(Group.objects.get(name=COORDINATOR))
    client.force_login(user)
    return client


@pytest.fixture
def superuser_client(client):
    client.force_login(UserFactory(superuser=True))
    return client


def grant_data(initiative, amount, **extra):
    return {"initiative": initiative.pk, "fund": initiative.fund.pk, "amount": amount, "status": "committed", **extra}


def inline_grant(response, initiative, amount):
    """The initiative's change form with one new grant row in the grants inline."""
    return change_form_data(
        response,
        **{
            "grants-TOTAL_FORMS": "1",
            "grants-0-fund": str(initiative.fund.pk),
            "grants-0-amount": amount,
            "grants-0-status": GrantStatus.COMMITTED,
            "grants-0-id": "",
            "grants-0-initiative": str(initiative.pk),
        },
    )


class TestCoordinatorSeesButDoesNotEdit:
    def test_grant_cannot_be_added(self, coordinator_client, initiative):
        url = admin_url(Grant, "add")

        assert coordinator_client.get(url).status_code == 403
        assert coordinator_client.post(url, grant_data(initiative, "99999.00")).status_code == 403
        assert not Grant.objects.filter(initiative=initiative).exists()

    def test_grant_page_is_read_only_and_a_post_is_refused(self, coordinator_client, initiative):
        grant = GrantFactory(initiative=initiative, fund=initiative.fund, amount=Decimal("500.00"))
        url = admin_url(Grant, "change", grant.pk)

        page = coordinator_client.get(url)
        response = coordinator_client.post(url, grant_data(initiative, "99999.00"))

        assert page.status_code == 200
        assert 'name="_save"' not in page.content.decode()
        assert response.status_code == 403
        grant.refresh_from_db()
        assert grant.amount == Decimal("500.00")

    def test_decision_cannot_be_added_or_changed(self, coordinator_client, initiative):
        decision = DecisionFactory(initiative=initiative)
        data = {"initiative": initiative.pk, "outcome": DecisionOutcome.SUPPORTED, "motivation": "Mooi plan."}

        assert coordinator_client.get(admin_url(Decision, "add")).status_code == 403
        assert coordinator_client.post(admin_url(Decision, "add"), data).status_code == 403
        assert 'name="_save"' not in coordinator_client.get(admin_url(Decision, "change", decision.pk)).content.decode()
        assert coordinator_client.post(admin_url(Decision, "change", decision.pk), data).status_code == 403
        assert list(Decision.objects.filter(initiative=initiative)) == [decision]

    def test_grant_inline_of_the_initiative_saves_no_grant(self, coordinator_client, initiative):
        url = admin_url(Initiative, "change", initiative.pk)
        page = coordinator_client.get(url)

        response = coordinator_client.post(url, inline_grant(page, initiative, "99999.00"))

        assert page.status_code == 200
        assert response.status_code == 302  # the rest of the form saves
        assert not Grant.objects.filter(initiative=initiative).exists()
        assert not AuditLogEntry.objects.filter(action=AuditAction.GRANT_COMMIT).exists()

    def test_decision_inline_of_the_initiative_saves_no_decision(self, coordinator_client, initiative):
        url = admin_url(Initiative, "change", initiative.pk)
        page = coordinator_client.get(url)
        data = change_form_data(
            page,
            **{
                "decisions-TOTAL_FORMS": "1",
                "decisions-0-outcome": DecisionOutcome.SUPPORTED,
                "decisions-0-motivation": "Mooi plan.",
                "decisions-0-decided_at_0": "01-03-2026",
                "decisions-0-decided_at_1": "10:00:00",
                "decisions-0-initiative": str(initiative.pk),
            },
        )

        response = coordinator_client.post(url, data)

        assert response.status_code == 302
        assert not Decision.objects.filter(initiative=initiative).exists()

    def test_status_cannot_be_set(self, coordinator_client, initiative):
        url = admin_url(Initiative, "change", initiative.pk)
        page = coordinator_client.get(url)

        response = coordinator_client.post(url, change_form_data(page, status=Status.DECIDED))

        assert response.status_code == 302
        initiative.refresh_from_db()
        assert initiative.status == Status.IN_CONVERSATION


class TestSuperuserKeepsTheFundsRules:
    def test_grant_above_what_is_left_is_refused(self, superuser_client, initiative):
        response = superuser_client.post(admin_url(Grant, "add"), grant_data(initiative, "99999.00"))

        assert response.status_code == 200
        assert response.context["adminform"].form.errors["amount"] == [
            "Het fonds heeft nog €\u00a01.000,00 over. Dit bedrag is hoger."
        ]
        assert not Grant.objects.filter(initiative=initiative).exists()

    def test_grant_within_what_is_left_is_saved(self, superuser_client, initiative):
        response = superuser_client.post(admin_url(Grant, "add"), grant_data(initiative, "1000.00"))

        assert response.status_code == 302
        assert Grant.objects.get(initiative=initiative).amount == Decimal("1000.00")

    def test_grant_above_the_maximum_per_initiative_is_refused(self, superuser_client, initiative):
        initiative.fund.max_per_initiative = Decimal("400.00")
        initiative.fund.save()

        response = superuser_client.post(admin_url(Grant, "add"), grant_data(initiative, "500.00"))

        assert response.status_code == 200
        assert response.context["adminform"].form.errors["amount"] == [
            "Dit fonds geeft maximaal €\u00a0400,00 per initiatief."
        ]

    def test_grant_from_a_fund_of_another_municipality_is_refused(self, superuser_client, initiative):
        other = FundFactory(max_per_initiative=None, min_own_share_percent=Decimal("0"))

        response = superuser_client.post(admin_url(Grant, "add"), grant_data(initiative, "100.00", fund=other.pk))

        assert response.status_code == 200
        assert "fund" in response.context["adminform"].form.errors
        assert not Grant.objects.filter(initiative=initiative).exists()

    def test_grant_raised_above_what_is_left_is_refused_its_own_amount_left_out(self, superuser_client, initiative):
        grant = GrantFactory(initiative=initiative, fund=initiative.fund, amount=Decimal("500.00"))  # € 500 left
        url = admin_url(Grant, "change", grant.pk)

        raised = superuser_client.post(url, grant_data(initiative, "1000.00"))  # 500 + the 500 it had
        too_much = superuser_client.post(url, grant_data(initiative, "1000.01"))

        assert raised.status_code == 302
        assert too_much.status_code == 200
        assert "amount" in too_much.context["adminform"].form.errors
        grant.refresh_from_db()
        assert grant.amount == Decimal("1000.00")

    def test_withdrawn_grant_cannot_come_back_past_the_budget(self, superuser_client, initiative):
        grant = GrantFactory(
            initiative=initiative, fund=initiative.fund, amount=Decimal("5000.00"), status=GrantStatus.WITHDRAWN
        )

        response = superuser_client.post(
            admin_url(Grant, "change", grant.pk), grant_data(initiative, "5000.00", status=GrantStatus.COMMITTED)
        )

        assert response.status_code == 200
        grant.refresh_from_db()
        assert grant.status == GrantStatus.WITHDRAWN

    def test_grant_inline_of_the_initiative_keeps_the_rule(self, superuser_client, initiative):
        url = admin_url(Initiative, "change", initiative.pk)
        page = superuser_client.get(url)

        refused = superuser_client.post(url, inline_grant(page, initiative, "99999.00"))
        saved = superuser_client.post(url, inline_grant(page, initiative, "750.00"))

        assert refused.status_code == 200
        errors = refused.context["inline_admin_formsets"]
        grants = next(formset for formset in errors if formset.formset.model is Grant)
        assert grants.formset.errors[0]["amount"] == ["Het fonds heeft nog €\u00a01.000,00 over. Dit bedrag is hoger."]
        assert saved.status_code == 302
        assert Grant.objects.get(initiative=initiative).amount == Decimal("750.00")
