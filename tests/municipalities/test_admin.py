"""A fund's budget cannot be lowered in the admin below what it has committed and paid."""

from decimal import Decimal

import pytest
from django.contrib.auth.models import Group

from accounts.roles import COORDINATOR
from initiatives.constants import GrantStatus
from municipalities.models import Fund
from tests.core.admin_helpers import admin_url, change_form_data
from tests.initiatives.factories import GrantFactory
from tests.municipalities.factories import FundFactory, OfficerMembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def fund():
    """€ 10,000.00, of which € 3,000.00 committed and € 2,000.00 paid (a withdrawn € 4,000.00 is free)."""
    fund = FundFactory(budget=Decimal("10000.00"), max_per_initiative=Decimal("2500.00"))
    for amount, status in (("3000.00", "committed"), ("2000.00", "paid"), ("4000.00", "withdrawn")):
        GrantFactory(
            initiative__village__municipality=fund.municipality, fund=fund, amount=amount, status=GrantStatus(status)
        )
    return fund


@pytest.fixture(params=["coordinator", "superuser"])
def staff_client(request, client, fund):
    if request.param == "superuser":
        user = UserFactory(superuser=True)
    else:
        user = OfficerMembershipFactory(municipality=fund.municipality, coordinator=True).user
        user.groups.add(Group.objects.get(name=COORDINATOR))
    client.force_login(user)
    return client


def post_budget(client, fund, budget):
    url = admin_url(Fund, "change", fund.pk)
    return client.post(url, change_form_data(client.get(url), budget=budget))


def test_budget_below_what_is_committed_and_paid_is_refused(staff_client, fund):
    response = post_budget(staff_client, fund, "4999.99")

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["budget"] == [
        "Het fonds heeft al €\u00a05.000,00 toegezegd of betaald. Het budget kan niet lager zijn."
    ]
    fund.refresh_from_db()
    assert fund.budget == Decimal("10000.00")


def test_budget_down_to_what_is_committed_and_paid_is_saved(staff_client, fund):
    response = post_budget(staff_client, fund, "5000.00")

    assert response.status_code == 302
    fund.refresh_from_db()
    assert fund.budget == Decimal("5000.00")


def test_the_saved_message_needs_no_article(staff_client, fund):
    """Django's Dutch says "De fonds ... is met succes gewijzigd"; ours puts the action first."""
    response = post_budget(staff_client, fund, "6000.00")
    (shown,) = [str(message) for message in staff_client.get(response.url).context["messages"]]
    assert shown.startswith("Gewijzigd: fonds “<a href=")
    assert f">{fund}</a>”." in shown


def test_the_coordinator_sets_the_mandate_in_the_admin(staff_client, fund):
    """The mandate is explained next to the field; empty means no approval is ever needed."""
    from audit.constants import AuditAction
    from audit.models import AuditLogEntry
    from municipalities.models import Municipality

    municipality = fund.municipality
    url = admin_url(Municipality, "change", municipality.pk)
    page = staff_client.get(url)
    assert "Tot en met dit bedrag besluit een medewerker alleen" in page.content.decode()
    response = staff_client.post(url, change_form_data(page, mandate_amount="2500.00"))
    assert response.status_code == 302
    municipality.refresh_from_db()
    assert municipality.mandate_amount == Decimal("2500.00")
    assert AuditLogEntry.objects.filter(action=AuditAction.ADMIN_CHANGE, detail__contains="mandate_amount").exists()
    response = staff_client.post(url, change_form_data(staff_client.get(url), mandate_amount=""))
    municipality.refresh_from_db()
    assert municipality.mandate_amount is None
