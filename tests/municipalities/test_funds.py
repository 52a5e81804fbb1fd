"""A fund's totals are counted in one place (FundQuerySet.with_totals): the fund page, the grant
check and the budget check agree."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from initiatives.constants import GrantStatus
from municipalities.models import GRANT_COMMITTED, GRANT_PAID, Fund
from tests.initiatives.factories import GrantFactory
from tests.municipalities.factories import FundFactory

pytestmark = pytest.mark.django_db


def test_grant_statuses_named_here_are_those_of_the_grants():
    assert (GRANT_COMMITTED, GRANT_PAID) == (GrantStatus.COMMITTED, GrantStatus.PAID)
    assert set(GrantStatus) == {GrantStatus.COMMITTED, GrantStatus.PAID, GrantStatus.WITHDRAWN}


def test_totals_count_committed_and_paid_not_withdrawn():
    fund = FundFactory(budget=Decimal("10000.00"))
    for amount, status in (("1000.00", GrantStatus.COMMITTED), ("2000.00", GrantStatus.PAID)):
        GrantFactory(initiative__village__municipality=fund.municipality, fund=fund, amount=amount, status=status)
    GrantFactory(
        initiative__village__municipality=fund.municipality, fund=fund, amount="4000.00", status=GrantStatus.WITHDRAWN
    )
    FundFactory(municipality=fund.municipality)  # a fund without grants counts zero

    totals = {row.pk: row for row in Fund.objects.with_totals()}

    row = totals[fund.pk]
    assert (row.committed, row.paid, row.taken, row.remaining) == (
        Decimal("1000.00"),
        Decimal("2000.00"),
        Decimal("3000.00"),
        Decimal("7000.00"),
    )
    assert fund.taken() == Decimal("3000.00")
    assert {row.taken for pk, row in totals.items() if pk != fund.pk} == {Decimal("0")}


def test_budget_below_what_is_taken_is_refused():
    fund = FundFactory(budget=Decimal("10000.00"), max_per_initiative=None)
    GrantFactory(initiative__village__municipality=fund.municipality, fund=fund, amount="3000.00")

    fund.budget = Decimal("2999.99")
    with pytest.raises(ValidationError) as refused:
        fund.full_clean()
    fund.budget = Decimal("3000.00")
    fund.full_clean()

    assert "budget" in refused.value.message_dict
