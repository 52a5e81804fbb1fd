"""Rules the models and the database keep, whoever writes the row."""

import itertools
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from initiatives.constants import GrantStatus, Status
from initiatives.models import OVERDUE_DECISION, OVERDUE_FIRST_RESPONSE, Initiative, StatusChange
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


class TestOverdue:
    """The overdue rule in SQL (the dashboard, its filter, the reminders) and in Python (the
    officer's page of one initiative) say the same for every status and date."""

    TODAY = date(2026, 5, 12)

    @pytest.fixture
    def initiatives(self):
        village = VillageFactory()
        days = [None, self.TODAY - timedelta(days=1), self.TODAY, self.TODAY + timedelta(days=1)]
        answered = [None, timezone.now()]
        rows = [
            InitiativeFactory.build(
                village=village,
                status=status,
                first_response_due=first_due,
                first_response_at=first_at,
                decision_due=decision_due,
                decided_at=decided_at,
            )
            for status, first_due, first_at, decision_due, decided_at in itertools.product(
                Status, days, answered, days, answered
            )
        ]
        return Initiative.objects.bulk_create(rows)

    @pytest.mark.parametrize("kind", [OVERDUE_FIRST_RESPONSE, OVERDUE_DECISION])
    def test_the_queryset_and_the_method_agree(self, initiatives, kind):
        in_sql = set(Initiative.objects.overdue(kind, self.TODAY).values_list("pk", flat=True))
        in_python = {i.pk for i in Initiative.objects.all() if kind in i.overdue_kinds(self.TODAY)}

        assert in_sql == in_python
        assert in_sql and len(in_sql) < len(initiatives)  # both answers occur

    def test_the_list_annotations_agree_with_the_method(self, initiatives):
        for initiative in Initiative.objects.with_list_annotations(self.TODAY):
            kinds = initiative.overdue_kinds(self.TODAY)
            assert bool(initiative.is_first_response_overdue) == (OVERDUE_FIRST_RESPONSE in kinds)
            assert bool(initiative.is_decision_overdue) == (OVERDUE_DECISION in kinds)

    def test_examples(self):
        yesterday = self.TODAY - timedelta(days=1)
        late = InitiativeFactory.build(status=Status.SUBMITTED, first_response_due=yesterday, decision_due=yesterday)
        assert late.overdue_kinds(self.TODAY) == {OVERDUE_FIRST_RESPONSE, OVERDUE_DECISION}
        due_today = InitiativeFactory.build(first_response_due=self.TODAY, decision_due=self.TODAY)
        assert due_today.overdue_kinds(self.TODAY) == set()
        answered = InitiativeFactory.build(
            status=Status.DECIDED, first_response_due=yesterday, first_response_at=timezone.now()
        )
        assert answered.overdue_kinds(self.TODAY) == set()
        withdrawn = InitiativeFactory.build(status=Status.WITHDRAWN, first_response_due=yesterday)
        assert withdrawn.overdue_kinds(self.TODAY) == set()
        reopened_after_its_decision = InitiativeFactory.build(
            status=Status.IN_CONVERSATION, decision_due=yesterday, decided_at=timezone.now()
        )
        assert reopened_after_its_decision.overdue_kinds(self.TODAY) == set()


class TestGrantIsActive:
    @pytest.mark.parametrize(
        ("status", "active"), [(GrantStatus.COMMITTED, True), (GrantStatus.PAID, True), (GrantStatus.WITHDRAWN, False)]
    )
    def test_only_a_withdrawn_grant_does_not_count(self, status, active):
        assert GrantFactory.build(status=status).is_active is active


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
