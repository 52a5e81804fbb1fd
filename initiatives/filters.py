import django_filters
from django.utils.translation import gettext_lazy as _

from municipalities.models import Municipality
from villages.models import Village

from .constants import Status
from .models import Initiative, Theme


class PublicInitiativeFilter(django_filters.FilterSet):
    """The public gallery's filters; only published initiatives reach it."""

    municipality = django_filters.ModelChoiceFilter(
        label=_("Municipality"),
        queryset=Municipality.objects.active(),
        to_field_name="slug",
        empty_label=_("All municipalities"),
    )
    village = django_filters.ModelChoiceFilter(
        label=_("Village"),
        queryset=Village.objects.public().select_related("municipality"),
        empty_label=_("All villages"),
    )
    theme = django_filters.ModelChoiceFilter(
        label=_("Theme"),
        field_name="themes",
        queryset=Theme.objects.all(),
        to_field_name="slug",
        empty_label=_("All themes"),
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"),
        choices=[(s.value, s.label) for s in Status if s != Status.WITHDRAWN],
        empty_label=_("All statuses"),
    )

    class Meta:
        model = Initiative
        fields = ["municipality", "village", "theme", "status"]
