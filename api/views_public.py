"""The public, read-only API: open data about municipalities, villages, funds, published
initiatives and their decisions, statistics per municipality, and the results of budget rounds.
No login; a rate limit per client. Every queryset is the one the public pages use
(`Initiative.objects.published()`, active municipalities only, a round's results once they are
published)."""

from decimal import Decimal

from django.db.models import BooleanField, Count, DecimalField, ExpressionWrapper, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import generics
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import AllowAny
from rest_framework.renderers import JSONRenderer

from api import filters, serializers
from api.renderers import SpreadsheetCSVRenderer
from api.throttling import PublicClientThrottle
from budgets.models import BudgetRound, Project, VillageBudget
from initiatives.constants import OPEN_STATUSES, DecisionOutcome, GrantStatus
from initiatives.models import Decision, Grant, Initiative
from municipalities.models import Fund, Municipality
from villages.models import Village

TAKEN = (GrantStatus.COMMITTED, GrantStatus.PAID)
MONEY_FIELD = DecimalField(max_digits=12, decimal_places=2)
SUPPORTED = (DecisionOutcome.SUPPORTED, DecisionOutcome.PARTLY_SUPPORTED)


class Pagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


class PublicAPIView(generics.GenericAPIView):
    authentication_classes = []
    permission_classes = [AllowAny]
    throttle_classes = [PublicClientThrottle]
    renderer_classes = [JSONRenderer, SpreadsheetCSVRenderer]
    pagination_class = Pagination
    filter_backends = [DjangoFilterBackend]


def _granted(**outer):
    """The sum of the committed and paid grants matching `outer` (field: OuterRef name)."""
    grants = (
        Grant.objects.filter(status__in=TAKEN, **{field: OuterRef(ref) for field, ref in outer.items()})
        .order_by()
        .values(*outer)
        .annotate(total=Sum("amount"))
        .values("total")
    )
    return Coalesce(Subquery(grants, output_field=MONEY_FIELD), Value(Decimal("0"), output_field=MONEY_FIELD))


class MunicipalityList(PublicAPIView, generics.ListAPIView):
    """The municipalities on the platform (active ones only)."""

    serializer_class = serializers.MunicipalitySerializer

    def get_queryset(self):
        return Municipality.objects.active().order_by("name")


class MunicipalityDetail(PublicAPIView, generics.RetrieveAPIView):
    serializer_class = serializers.MunicipalitySerializer
    lookup_field = "slug"

    def get_queryset(self):
        return Municipality.objects.active()


class VillageList(PublicAPIView, generics.ListAPIView):
    """Villages and neighbourhoods of the active municipalities."""

    serializer_class = serializers.VillageSerializer
    filterset_class = filters.VillageFilter

    def get_queryset(self):
        return Village.objects.public().select_related("municipality").order_by("municipality__name", "name", "pk")


class FundList(PublicAPIView, generics.ListAPIView):
    """Funds with their rules, their budget and what is left of it."""

    serializer_class = serializers.FundSerializer
    filterset_class = filters.FundFilter

    def get_queryset(self):
        return (
            Fund.objects.filter(municipality__is_active=True)
            .with_totals()
            .select_related("municipality")
            .order_by("municipality__name", "-year", "name", "pk")
        )


class FundDetail(PublicAPIView, generics.RetrieveAPIView):
    serializer_class = serializers.FundSerializer
    get_queryset = FundList.get_queryset


class InitiativeList(PublicAPIView, generics.ListAPIView):
    """Published initiatives (the initiator consented, the municipality approved), without
    personal data: no name, email address or phone number, no messages."""

    serializer_class = serializers.InitiativeSerializer
    filterset_class = filters.InitiativeFilter

    def get_queryset(self):
        return (
            Initiative.objects.published()
            .select_related("village", "municipality")
            .prefetch_related("themes", "decisions")
            .order_by("-submitted_at", "-pk")
        )


class InitiativeDetail(PublicAPIView, generics.RetrieveAPIView):
    serializer_class = serializers.InitiativeSerializer
    lookup_field = "reference"
    get_queryset = InitiativeList.get_queryset


class DecisionList(PublicAPIView, generics.ListAPIView):
    """Decisions on published initiatives, with their public motivation and the money granted."""

    serializer_class = serializers.DecisionSerializer
    filterset_class = filters.DecisionFilter

    def get_queryset(self):
        return (
            Decision.objects.filter(Initiative.objects.published_q(prefix="initiative__"))
            .select_related("initiative__municipality")
            .annotate(granted=_granted(decision="pk"))
            .order_by("-decided_at", "-pk")
        )


class StatisticsList(PublicAPIView, generics.ListAPIView):
    """Figures per active municipality: initiatives, decisions and the money granted."""

    serializer_class = serializers.MunicipalityStatisticsSerializer

    def get_queryset(self):
        decisions = "initiatives__decisions"
        return (
            Municipality.objects.active()
            .annotate(
                initiatives_count=Count("initiatives", distinct=True),
                published=Count(
                    "initiatives", filter=Initiative.objects.published_q(prefix="initiatives__"), distinct=True
                ),
                open=Count("initiatives", filter=Q(initiatives__status__in=OPEN_STATUSES), distinct=True),
                supported=Count(decisions, filter=Q(**{f"{decisions}__outcome__in": SUPPORTED}), distinct=True),
                not_supported=Count(
                    decisions, filter=Q(**{f"{decisions}__outcome": DecisionOutcome.NOT_SUPPORTED}), distinct=True
                ),
                granted=_granted(initiative__municipality="pk"),
            )
            .order_by("name")
        )


# --- budget rounds (issue 14): rounds whose results are published, per village, per project ---------


class BudgetRoundList(PublicAPIView, generics.ListAPIView):
    """Budget rounds whose results are published: the budget, how residents voted, the rule, and
    the totals over the villages. Nothing of a round before its results."""

    serializer_class = serializers.BudgetRoundSerializer
    filterset_class = filters.BudgetRoundFilter

    def get_queryset(self):
        return (
            BudgetRound.objects.results_published()
            .with_result_totals()
            .select_related("municipality")
            .order_by("-results_at", "-pk")
        )


class BudgetRoundDetail(PublicAPIView, generics.RetrieveAPIView):
    serializer_class = serializers.BudgetRoundSerializer
    get_queryset = BudgetRoundList.get_queryset


class BudgetVillageList(PublicAPIView, generics.ListAPIView):
    """The results per village of the rounds with published results: the budget, the people who
    voted (turnout), the chosen projects and what they cost."""

    serializer_class = serializers.BudgetVillageSerializer
    filterset_class = filters.BudgetVillageFilter

    def get_queryset(self):
        return (
            VillageBudget.objects.filter(round__in=BudgetRound.objects.results_published())
            .with_results()
            .select_related("village__municipality")
            .order_by("-round__results_at", "round_id", "village__name", "pk")
        )


class BudgetProjectList(PublicAPIView, generics.ListAPIView):
    """The projects on the ballots of the rounds with published results: votes, place, cost and
    whether they were chosen. The title only, never who submitted the idea; the initiative's
    reference only when the initiative itself is published."""

    serializer_class = serializers.BudgetProjectSerializer
    filterset_class = filters.BudgetProjectFilter

    def get_queryset(self):
        published = Initiative.objects.published_q(prefix="initiative__")
        return (
            Project.objects.in_published_results()
            .select_related("initiative", "village_budget__village__municipality")
            .annotate(initiative_published=ExpressionWrapper(published, output_field=BooleanField()))
            .order_by("-round__results_at", "round_id", "village_budget__village__name", "rank", "pk")
        )
