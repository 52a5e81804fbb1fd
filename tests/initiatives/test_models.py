"""Rules the models and the database keep, whoever writes the row."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from initiatives.constants import Status
from initiatives.models import StatusChange
from tests.initiatives.factories import CostLineFactory, GrantFactory, InitiativeFactory, StatusChangeFactory
from tests.municipalities.factories import FundFactory, MunicipalityFactory
from tests.villages.factories import VillageFactory

pytestmark = pytest.mark.django_db


class TestInitiativeClean:
    def test_refuses_a_village_of_another_municipality(self):
        initiative = InitiativeFactory.build(village=VillageFactory(), municipality=MunicipalityFactory())

        with pytest.raises(ValidationError) as error:
            initiative.clean()

        assert "village" in error.value.message_dict

    def test_accepts_the_village_of_its_own_municipality(self):
        InitiativeFactory().clean()


class TestGrantClean:
    def test_refuses_a_fund_of_another_municipality(self):
        grant = GrantFactory.build(initiative=InitiativeFactory(decided=True), fund=FundFactory())

        with pytest.raises(ValidationError) as error:
            grant.clean()

        assert "fund" in error.value.message_dict

    def test_accepts_a_fund_of_the_initiatives_municipality(self):
        GrantFactory().clean()


class TestFundClean:
    def test_refuses_a_maximum_per_initiative_above_the_budget(self):
        fund = FundFactory.build(budget=Decimal("1000.00"), max_per_initiative=Decimal("1500.00"))

        with pytest.raises(ValidationError) as error:
            fund.clean()

        assert "max_per_initiative" in error.value.message_dict

    def test_accepts_a_maximum_equal_to_the_budget(self):
        FundFactory.build(budget=Decimal("1000.00"), max_per_initiative=Decimal("1000.00")).clean()


class TestDatabaseConstraints:
    @pytest.mark.parametrize(
        ("factory", "field", "value"),
        [
            (InitiativeFactory, "amount_requested", Decimal("-1.00")),
            (InitiativeFactory, "own_contribution_money", Decimal("-0.01")),
            (CostLineFactory, "amount", Decimal("-5.00")),
            (FundFactory, "budget", Decimal("-100.00")),
            (GrantFactory, "amount", Decimal("0.00")),
            (GrantFactory, "amount", Decimal("-10.00")),
        ],
    )
    def test_refuse_negative_amounts(self, factory, field, value):
        with pytest.raises(IntegrityError), transaction.atomic():
            factory(**{field: value})

    def test_cbs_code_is_unique(self):
        MunicipalityFactory(cbs_code="GM0302")

        with pytest.raises(IntegrityError), transaction.atomic():
            MunicipalityFactory(cbs_code="GM0302")

    def test_cbs_code_must_look_like_one(self):
        municipality = MunicipalityFactory.build(cbs_code="0302")

        with pytest.raises(ValidationError) as error:
            municipality.full_clean()

        assert "cbs_code" in error.value.message_dict


class TestStatusChangeIsAppendOnly:
    def test_cannot_be_changed(self):
        change = StatusChangeFactory(to_status=Status.INTAKE)
        change.to_status = Status.CLOSED

        with pytest.raises(ValidationError):
            change.save()

        assert StatusChange.objects.get(pk=change.pk).to_status == Status.INTAKE

    def test_cannot_be_deleted(self):
        change = StatusChangeFactory()

        with pytest.raises(ValidationError):
            change.delete()

        assert StatusChange.objects.filter(pk=change.pk).exists()
