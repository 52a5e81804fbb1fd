"""The staff API: a municipality's own systems (a case system, say) read its initiatives and
change status or record a decision, with an API key of that municipality.

Writes go through the dashboard's services (`initiative_change_status`, `initiative_decide`), so
every rule of the workflow, the funds and the mails holds, and each write is audited under the
key's name. Another municipality's initiative answers 404 like a missing one.
"""

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, generics, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from api import filters, serializers
from api.authentication import KEYWORD, ApiKeyAuthentication
from api.throttling import ApiKeyThrottle
from api.views_public import Pagination
from core.exceptions import NotAllowed
from initiatives.models import Initiative
from initiatives.services.funds import initiative_decide
from initiatives.services.workflow import initiative_change_status
from municipalities.models import Fund


class ApiKeyScheme(OpenApiAuthenticationExtension):
    target_class = "api.authentication.ApiKeyAuthentication"
    name = "ApiKey"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": f"{KEYWORD} <key>: a key of one municipality, made in the admin.",
        }


def _refusal(error: ValidationError):
    """A service's refusal as an API answer: 403 for who may not, 400 for what may not."""
    messages = error.message_dict if hasattr(error, "error_dict") else {"detail": error.messages}
    if isinstance(error, NotAllowed):
        return exceptions.PermissionDenied(messages)
    return exceptions.ValidationError(messages)


class StaffAPIView(generics.GenericAPIView):
    authentication_classes = [ApiKeyAuthentication]
    permission_classes = [IsAuthenticated]
    throttle_classes = [ApiKeyThrottle]
    renderer_classes = [JSONRenderer]
    pagination_class = Pagination
    serializer_class = serializers.StaffInitiativeSerializer
    lookup_field = "reference"

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema generator has no key
            return Initiative.objects.none()
        return (
            Initiative.objects.filter(municipality=self.request.auth.municipality)
            .select_related("village", "municipality")
            .prefetch_related("themes", "decisions")
            .order_by("-submitted_at", "-pk")
        )


class StaffInitiativeList(StaffAPIView, generics.ListAPIView):
    """All initiatives of the key's municipality, published or not, with the initiator's contact details."""

    filter_backends = [DjangoFilterBackend]
    filterset_class = filters.InitiativeFilter


class StaffInitiativeDetail(StaffAPIView, generics.RetrieveAPIView):
    pass


class StaffInitiativeStatus(StaffAPIView):
    @extend_schema(request=serializers.StatusChangeSerializer, responses=serializers.StaffInitiativeSerializer)
    def post(self, request, reference):
        """Move the initiative on (the workflow's rules hold); the initiator gets the usual mail."""
        initiative = self.get_object()
        form = serializers.StatusChangeSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        try:
            initiative_change_status(
                initiative=initiative,
                to_status=form.validated_data["status"],
                actor=request.user,
                note=form.validated_data["note"],
            )
        except ValidationError as error:
            raise _refusal(error) from error
        return Response(self.get_serializer(self.get_object()).data)


class StaffInitiativeDecision(StaffAPIView):
    @extend_schema(request=serializers.DecisionCreateSerializer, responses={201: serializers.StaffDecisionSerializer})
    def post(self, request, reference):
        """Record the decision with its public motivation and, optionally, a grant from a fund of
        the municipality (the fund's budget and rules hold); the letter and the mail follow."""
        initiative = self.get_object()
        form = serializers.DecisionCreateSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        data = form.validated_data
        fund = None
        if data["fund"] is not None:
            fund = get_object_or_404(Fund.objects.filter(municipality=request.auth.municipality), pk=data["fund"])
        try:
            decision = initiative_decide(
                initiative=initiative,
                actor=request.user,
                outcome=data["outcome"],
                motivation=data["motivation"],
                fund=fund,
                amount=data["amount"],
            )
        except ValidationError as error:
            raise _refusal(error) from error
        return Response(serializers.StaffDecisionSerializer(decision).data, status=status.HTTP_201_CREATED)
