"""What the public API shows. Initiatives carry only what their public page shows: never the
initiator's name, email address or phone number, and no messages (tests/api/test_public.py checks)."""

from rest_framework import serializers

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
