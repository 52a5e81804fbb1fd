"""Filters of the public API (django-filter): each list filters on its municipality and more."""

import django_filters

from budgets.constants import ResultRule
from budgets.models import BudgetRound, Project, VillageBudget
from initiatives.constants import DecisionOutcome, MunicipalRole, Status
from initiatives.models import Decision, Initiative
from municipalities.models import Fund
from villages.models import Village


class VillageFilter(django_filters.FilterSet):
    municipality = django_filters.CharFilter(field_name="municipality__slug", help_text="A municipality's slug.")

    class Meta:
        model = Village
        fields = ["municipality", "kind"]


class FundFilter(django_filters.FilterSet):
    municipality = django_filters.CharFilter(field_name="municipality__slug", help_text="A municipality's slug.")

    class Meta:
        model = Fund
        fields = ["municipality", "year", "is_open"]


class InitiativeFilter(django_filters.FilterSet):
    municipality = django_filters.CharFilter(field_name="municipality__slug", help_text="A municipality's slug.")
    village = django_filters.CharFilter(field_name="village__slug", help_text="A village's slug.")
    theme = django_filters.CharFilter(field_name="themes__slug", help_text="A theme's slug.", distinct=True)
    status = django_filters.ChoiceFilter(choices=Status.choices)
    municipal_role = django_filters.ChoiceFilter(choices=MunicipalRole.choices)
    submitted_after = django_filters.DateFilter(field_name="submitted_at", lookup_expr="date__gte")
    submitted_before = django_filters.DateFilter(field_name="submitted_at", lookup_expr="date__lte")

    class Meta:
        model = Initiative
        fields = ["municipality", "village", "theme", "status", "municipal_role", "is_right_to_challenge"]


class DecisionFilter(django_filters.FilterSet):
    municipality = django_filters.CharFilter(
        field_name="initiative__municipality__slug", help_text="A municipality's slug."
    )
    initiative = django_filters.CharFilter(field_name="initiative__reference", help_text="An initiative's reference.")
    outcome = django_filters.ChoiceFilter(choices=DecisionOutcome.choices)
    decided_after = django_filters.DateFilter(field_name="decided_at", lookup_expr="date__gte")
    decided_before = django_filters.DateFilter(field_name="decided_at", lookup_expr="date__lte")

    class Meta:
        model = Decision
        fields = ["municipality", "initiative", "outcome"]


class BudgetRoundFilter(django_filters.FilterSet):
    municipality = django_filters.CharFilter(field_name="municipality__slug", help_text="A municipality's slug.")
    result_rule = django_filters.ChoiceFilter(choices=ResultRule.choices)

    class Meta:
        model = BudgetRound
        fields = ["municipality", "year", "result_rule"]


class BudgetVillageFilter(django_filters.FilterSet):
    round = django_filters.NumberFilter(field_name="round_id", help_text="A budget round's id.")
    municipality = django_filters.CharFilter(field_name="round__municipality__slug", help_text="A municipality's slug.")
    village = django_filters.CharFilter(field_name="village__slug", help_text="A village's slug.")

    class Meta:
        model = VillageBudget
        fields = ["round", "municipality", "village"]


class BudgetProjectFilter(django_filters.FilterSet):
    round = django_filters.NumberFilter(field_name="round_id", help_text="A budget round's id.")
    municipality = django_filters.CharFilter(field_name="round__municipality__slug", help_text="A municipality's slug.")
    village = django_filters.CharFilter(field_name="village_budget__village__slug", help_text="A village's slug.")
    chosen = django_filters.BooleanFilter(field_name="is_winner", help_text="Only the chosen projects (or the others).")

    class Meta:
        model = Project
        fields = ["round", "municipality", "village", "chosen"]
