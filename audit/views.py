"""The municipality's audit log for its coordinators (read only), at /dashboard/logboek/."""

import django_filters
from django import forms
from django.contrib.auth import get_user_model
from django.utils.decorators import method_decorator
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django_filters.views import FilterView

from audit.constants import AuditAction
from audit.describe import describe
from audit.models import AuditLogEntry, AuditResult
from core.widgets import DateInput
from municipalities.access import CoordinatorRequiredMixin


class PersonChoiceField(forms.ModelChoiceField):
    """People by their name (the username only when the name is empty)."""

    def label_from_instance(self, obj):
        return obj.get_full_name() or obj.get_username()


class PersonFilter(django_filters.ModelChoiceFilter):
    field_class = PersonChoiceField


class AuditLogFilter(django_filters.FilterSet):
    action = django_filters.ChoiceFilter(label=gettext_lazy("Action"), empty_label=gettext_lazy("All actions"))
    actor = PersonFilter(
        label=gettext_lazy("By"),
        queryset=get_user_model().objects.none(),
        empty_label=gettext_lazy("Everyone"),
    )
    date_from = django_filters.DateFilter(
        label=gettext_lazy("From"), field_name="created_at", lookup_expr="date__gte", widget=DateInput
    )
    date_to = django_filters.DateFilter(
        label=gettext_lazy("To (inclusive)"), field_name="created_at", lookup_expr="date__lte", widget=DateInput
    )

    class Meta:
        model = AuditLogEntry
        fields = ["action", "actor", "date_from", "date_to"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Choices come from the scoped log itself: one query each, never another municipality's.
        log = self.queryset.order_by()
        # Shown by label (an action no longer in AuditAction keeps its code), in the order of the labels.
        labels = dict(AuditAction.choices)
        actions = log.values_list("action", flat=True).distinct().order_by("action")
        choices = [(action, labels.get(action, action)) for action in actions]
        self.filters["action"].extra["choices"] = sorted(choices, key=lambda choice: str(choice[1]).lower())
        self.filters["actor"].queryset = (
            get_user_model()
            .objects.filter(pk__in=log.filter(actor__isnull=False).values("actor_id"))
            .order_by("first_name", "last_name", "username")
        )


@method_decorator(never_cache, name="dispatch")
class AuditLogView(CoordinatorRequiredMixin, FilterView):
    """The municipality's audit log, newest first: read only."""

    filterset_class = AuditLogFilter
    template_name = "audit/audit_log.html"
    paginate_by = 50
    context_object_name = "entries"

    def get_queryset(self):
        entries = AuditLogEntry.objects.visible_to(self.request.user)
        return entries.select_related("actor").order_by("-created_at", "-pk")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["entries"] = describe(context["entries"])  # names and details in words
        context["refused"] = AuditResult.REFUSED
        return context
