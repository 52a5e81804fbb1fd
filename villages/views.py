"""Public page of a village: its organisations, village hall and public initiatives."""

from django.shortcuts import get_object_or_404
from django.views.generic import DetailView

from initiatives.models import Initiative
from initiatives.services import officers_for_village
from municipalities.models import Municipality

from .models import Village


class VillageDetailView(DetailView):
    template_name = "villages/village_detail.html"
    context_object_name = "village"

    def get_object(self, queryset=None):
        municipality = get_object_or_404(Municipality.objects.active(), slug=self.kwargs["municipality"])
        return get_object_or_404(
            Village.objects.filter(municipality=municipality).select_related("municipality"), slug=self.kwargs["slug"]
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        village = self.object
        context["municipality"] = village.municipality
        context["organisations"] = village.organisations.order_by("kind", "name")
        context["officers"] = officers_for_village(village)
        context["initiatives"] = (
            Initiative.objects.published()
            .filter(village=village)
            .prefetch_related("themes")
            .order_by("-submitted_at")[:20]
        )
        return context
