"""What the public API shows. Initiatives carry only what their public page shows: never the
initiator's name, email address or phone number, and no messages (tests/api/test_public.py checks)."""

from decimal import Decimal

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from budgets.models import BudgetRound, Project, VillageBudget
from initiatives.constants import DecisionOutcome, Status
from initiatives.models import Decision, Initiative
from municipalities.models import Fund, Municipality
from villages.models import Village

MONEY = {"max_digits": 12, "decimal_places": 2, "coerce_to_string": True}


class MunicipalitySerializer(serializers.ModelSerializer):
    class Meta:
        model = Municipality
        fields = [
            "slug",
            "name",
            "cbs_code",
            "province",
            "website",
            "role_statement",
            "first_response_working_days",
            "decision_term_weeks",
        ]


class VillageSerializer(serializers.ModelSerializer):
    municipality = serializers.SlugRelatedField(slug_field="slug", read_only=True)

    class Meta:
        model = Village
        fields = ["slug", "name", "kind", "municipality", "population", "description"]


class FundSerializer(serializers.ModelSerializer):
    municipality = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    committed = serializers.DecimalField(read_only=True, help_text="Committed grants, not paid yet.", **MONEY)
    paid = serializers.DecimalField(read_only=True, help_text="Paid grants.", **MONEY)
    remaining = serializers.DecimalField(
        read_only=True, help_text="The budget minus the committed and paid grants.", **MONEY
    )

    class Meta:
        model = Fund
        fields = [
            "id",
            "municipality",
            "name",
            "year",
            "is_open",
            "budget",
            "committed",
            "paid",
            "remaining",
            "max_per_initiative",
            "min_own_share_percent",
            "budget_per_village",
            "submit_weeks_before_start",
            "min_supporters",
            "description",
            "grant_conditions",
        ]


class DecisionSerializer(serializers.ModelSerializer):
    initiative = serializers.SlugRelatedField(slug_field="reference", read_only=True)
    municipality = serializers.CharField(source="initiative.municipality.slug", read_only=True)
    granted = serializers.DecimalField(
        read_only=True, help_text="The committed and paid grants of this decision.", **MONEY
    )

    class Meta:
        model = Decision
        fields = ["id", "initiative", "municipality", "outcome", "motivation", "decided_at", "granted"]


class PublicDecisionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Decision
        fields = ["outcome", "motivation", "decided_at"]


class InitiativeSerializer(serializers.ModelSerializer):
    municipality = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    village = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    village_name = serializers.CharField(source="village.name", read_only=True)
    themes = serializers.SlugRelatedField(slug_field="slug", many=True, read_only=True)
    decisions = PublicDecisionSerializer(many=True, read_only=True)

    class Meta:
        model = Initiative
        fields = [
            "reference",
            "title",
            "goal",
            "description",
            "target_group",
            "municipality",
            "village",
            "village_name",
            "themes",
            "status",
            "municipal_role",
            "is_right_to_challenge",
            "submitted_at",
            "decisions",
        ]


class MunicipalityStatisticsSerializer(serializers.Serializer):
    municipality = serializers.CharField(source="slug")
    name = serializers.CharField()
    initiatives = serializers.IntegerField(
        source="initiatives_count", help_text="Initiatives submitted, published or not."
    )
    published = serializers.IntegerField(help_text="Initiatives on the public pages.")
    open = serializers.IntegerField(help_text="Initiatives still being handled.")
    supported = serializers.IntegerField(help_text="Decisions: supported or partly supported.")
    not_supported = serializers.IntegerField(help_text="Decisions: not supported.")
    granted = serializers.DecimalField(help_text="Committed and paid grants, all funds.", **MONEY)


# --- budget rounds (issue 14): only rounds whose results are published ----------------------------


class BudgetRoundSerializer(serializers.ModelSerializer):
    municipality = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    villages = serializers.IntegerField(source="villages_count", read_only=True, help_text="Villages with a budget.")
    ballots_counted = serializers.IntegerField(read_only=True, help_text="Counted ballots, all villages.")
    projects = serializers.IntegerField(source="projects_count", read_only=True, help_text="Projects on the ballots.")
    chosen = serializers.IntegerField(source="chosen_count", read_only=True, help_text="Projects chosen.")
    chosen_cost = serializers.DecimalField(
        read_only=True, help_text="What the chosen projects cost: granted from the fund.", **MONEY
    )

    class Meta:
        model = BudgetRound
        fields = [
            "id",
            "municipality",
            "name",
            "year",
            "description",
            "total",
            "voting_style",
            "max_choices",
            "minimum_age",
            "result_rule",
            "voting_from",
            "voting_until",
            "results_at",
            "villages",
            "ballots_counted",
            "projects",
            "chosen",
            "chosen_cost",
        ]


class BudgetVillageSerializer(serializers.ModelSerializer):
    """A village's results in a round: what its results page shows, and the turnout."""

    round = serializers.PrimaryKeyRelatedField(read_only=True)
    municipality = serializers.CharField(source="village.municipality.slug", read_only=True)
    village = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    village_name = serializers.CharField(source="village.name", read_only=True)
    budget = serializers.DecimalField(source="amount", read_only=True, **MONEY)
    ballots_counted = serializers.IntegerField(read_only=True, help_text="Counted ballots: the people who voted.")
    population = serializers.IntegerField(
        source="village.population", read_only=True, allow_null=True, help_text="Inhabitants, when known."
    )
    turnout_percent = serializers.SerializerMethodField(
        help_text="Counted ballots per 100 inhabitants, when the population is known."
    )
    chosen = serializers.IntegerField(source="chosen_count", read_only=True, help_text="Projects chosen.")
    chosen_cost = serializers.DecimalField(read_only=True, help_text="What the chosen projects cost.", **MONEY)
    left = serializers.SerializerMethodField(help_text="The budget minus what the chosen projects cost.")

    class Meta:
        model = VillageBudget
        fields = [
            "id",
            "round",
            "municipality",
            "village",
            "village_name",
            "budget",
            "ballots_counted",
            "population",
            "turnout_percent",
            "chosen",
            "chosen_cost",
            "left",
        ]

    @extend_schema_field(serializers.DecimalField(max_digits=7, decimal_places=1, allow_null=True))
    def get_turnout_percent(self, village_budget) -> str | None:
        population = village_budget.village.population
        if not population:
            return None
        return str((Decimal(village_budget.ballots_counted) * 100 / population).quantize(Decimal("0.1")))

    @extend_schema_field(serializers.DecimalField(**MONEY))
    def get_left(self, village_budget) -> str:
        return str((village_budget.amount - village_budget.chosen_cost).quantize(Decimal("0.01")))


class BudgetProjectSerializer(serializers.ModelSerializer):
    """A project on a village's ballot with its votes: its title, never who submitted it."""

    round = serializers.PrimaryKeyRelatedField(read_only=True)
    municipality = serializers.CharField(source="village_budget.village.municipality.slug", read_only=True)
    village = serializers.CharField(source="village_budget.village.slug", read_only=True)
    title = serializers.CharField(source="initiative.title", read_only=True)
    initiative = serializers.SerializerMethodField(
        help_text="The initiative's reference when it is published (see /api/v1/initiatives/), else null."
    )
    cost = serializers.DecimalField(
        source="cost_estimate", read_only=True, help_text="The municipality's estimate.", **MONEY
    )
    rank = serializers.IntegerField(
        read_only=True, allow_null=True, help_text="Place in the village by votes (ties by cost)."
    )
    chosen = serializers.BooleanField(source="is_winner", read_only=True)

    class Meta:
        model = Project
        fields = ["id", "round", "municipality", "village", "title", "initiative", "cost", "votes", "rank", "chosen"]

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_initiative(self, project) -> str | None:
        return project.initiative.reference if project.initiative_published else None


# --- the staff API: the municipality's own systems, with an API key ------------------------------


class StaffInitiativeSerializer(InitiativeSerializer):
    """Everything the dashboard shows of an initiative of the key's municipality, contact details included."""

    class Meta(InitiativeSerializer.Meta):
        fields = [
            *InitiativeSerializer.Meta.fields,
            "initiator_name",
            "initiator_email",
            "initiator_phone",
            "publication",
            "amount_requested",
            "own_contribution_money",
            "own_contribution_hours",
            "total_cost",
            "first_response_due",
            "decision_due",
            "decided_at",
            "closed_at",
        ]


class StatusChangeSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=Status.choices, help_text="The new status (the workflow's rules hold).")
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)


class DecisionCreateSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=DecisionOutcome.choices)
    motivation = serializers.CharField(max_length=5000, help_text="Public: the initiator and everyone read it.")
    fund = serializers.IntegerField(required=False, allow_null=True, default=None, help_text="A fund's id.")
    amount = serializers.DecimalField(
        max_digits=12, decimal_places=2, required=False, allow_null=True, default=None, coerce_to_string=True
    )


class StaffDecisionSerializer(serializers.ModelSerializer):
    initiative = serializers.SlugRelatedField(slug_field="reference", read_only=True)

    class Meta:
        model = Decision
        fields = ["id", "initiative", "outcome", "motivation", "decided_at"]
