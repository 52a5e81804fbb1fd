"""Public pages about a municipality: its role in its own words, fund rules, norms, contacts."""

from django.db.models import Count, Prefetch, Q
from django.views.generic import DetailView

from initiatives.models import Initiative
from villages.models import Village

from .models import Fund, Municipality, OfficerMembership


class MunicipalityDetailView(DetailView):
    template_name = "municipalities/municipality_detail.html"
    context_object_name = "municipality"

    def get_queryset(self):
        return Municipality.objects.active().prefetch_related(
            Prefetch("funds", queryset=Fund.objects.open().order_by("-year", "name"), to_attr="open_funds"),
            Prefetch(
                "villages",
                queryset=Village.objects.annotate(
                    published_count=Count(
                        "initiatives",
                        filter=Q(initiatives__publication_consent=True) & ~Q(initiatives__status="withdrawn"),
                    )
                ).prefetch_related(
                    Prefetch(
                        "officers",
                        queryset=OfficerMembership.objects.filter(is_active=True).select_related("user"),
                        to_attr="active_officers",
                    )
                ),
                to_attr="village_list",
            ),
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["recent_initiatives"] = (
            Initiative.objects.published()
            .filter(municipality=self.object)
            .select_related("village")
            .order_by("-submitted_at")[:6]
        )
        return context
