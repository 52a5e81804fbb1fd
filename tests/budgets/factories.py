from datetime import timedelta
from decimal import Decimal

import factory
from django.utils import timezone

from budgets.constants import Feasibility, ResultRule, VotingStyle
from budgets.models import Ballot, BallotChoice, BudgetRound, Project, VillageBudget, email_hash
from tests.initiatives.factories import InitiativeFactory
from tests.municipalities.factories import FundFactory, OfficerMembershipFactory
from tests.villages.factories import VillageFactory


def _today():
    return timezone.localdate()


class BudgetRoundFactory(factory.django.DjangoModelFactory):
    """A round whose voting is open now; Traits for the other phases: `BudgetRoundFactory(closed=True)`."""

    fund = factory.SubFactory(
        FundFactory,
        year=factory.LazyFunction(lambda: timezone.localdate().year),
        budget=Decimal("50000.00"),
        max_per_initiative=None,
        min_own_share_percent=Decimal("0"),
    )
    municipality = factory.SelfAttribute("fund.municipality")
    name = factory.Sequence(lambda n: f"Dorpsbudget {n}")
    year = factory.SelfAttribute("fund.year")
    total = Decimal("20000.00")
    ideas_from = factory.LazyFunction(lambda: _today() - timedelta(days=60))
    ideas_until = factory.LazyFunction(lambda: _today() - timedelta(days=30))
    voting_from = factory.LazyFunction(lambda: timezone.now() - timedelta(days=5))
    voting_until = factory.LazyFunction(lambda: timezone.now() + timedelta(days=10))
    voting_style = VotingStyle.KNAPSACK
    result_rule = ResultRule.GREEDY
    created_by = factory.LazyAttribute(
        lambda o: OfficerMembershipFactory(municipality=o.municipality, coordinator=True).user
    )

    class Meta:
        model = BudgetRound

    class Params:
        ideas = factory.Trait(
            ideas_from=factory.LazyFunction(lambda: _today() - timedelta(days=10)),
            ideas_until=factory.LazyFunction(lambda: _today() + timedelta(days=10)),
            voting_from=factory.LazyFunction(lambda: timezone.now() + timedelta(days=30)),
            voting_until=factory.LazyFunction(lambda: timezone.now() + timedelta(days=45)),
        )
        review = factory.Trait(
            voting_from=factory.LazyFunction(lambda: timezone.now() + timedelta(days=5)),
            voting_until=factory.LazyFunction(lambda: timezone.now() + timedelta(days=20)),
        )
        closed = factory.Trait(
            voting_from=factory.LazyFunction(lambda: timezone.now() - timedelta(days=15)),
            voting_until=factory.LazyFunction(lambda: timezone.now() - timedelta(hours=1)),
        )
        approval = factory.Trait(voting_style=VotingStyle.APPROVAL, max_choices=2)


class VillageBudgetFactory(factory.django.DjangoModelFactory):
    round = factory.SubFactory(BudgetRoundFactory)
    village = factory.SubFactory(VillageFactory, municipality=factory.SelfAttribute("..round.municipality"))
    amount = Decimal("10000.00")

    class Meta:
        model = VillageBudget


class ProjectFactory(factory.django.DjangoModelFactory):
    """An idea on the ballot (feasible, with a cost estimate); `ProjectFactory(pending=True)` before review."""

    village_budget = factory.SubFactory(VillageBudgetFactory)
    round = factory.SelfAttribute("village_budget.round")
    initiative = factory.SubFactory(
        InitiativeFactory,
        village=factory.SelfAttribute("..village_budget.village"),
        submitted_at=factory.LazyFunction(lambda: timezone.now() - timedelta(days=40)),
    )
    feasibility = Feasibility.FEASIBLE
    review_reason = "Dit kan de gemeente uitvoeren."
    cost_estimate = Decimal("4000.00")

    class Meta:
        model = Project

    class Params:
        pending = factory.Trait(feasibility=Feasibility.PENDING, review_reason="", cost_estimate=None)


class BallotFactory(factory.django.DjangoModelFactory):
    """A counted ballot by e-mail; pass `choices=[project, ...]`."""

    village_budget = factory.SubFactory(VillageBudgetFactory)
    round = factory.SelfAttribute("village_budget.round")
    email = factory.Sequence(lambda n: f"kiezer{n}@example.nl")
    email_hash = factory.LazyAttribute(lambda o: email_hash(o.email))
    confirmed_at = factory.LazyFunction(timezone.now)

    class Meta:
        model = Ballot
        skip_postgeneration_save = True

    class Params:
        unconfirmed = factory.Trait(confirmed_at=None)

    @factory.post_generation
    def choices(self, create, extracted, **kwargs):
        for project in extracted or ():
            BallotChoice.objects.create(ballot=self, project=project)
