"""A village for staff: its plans (dorpsvisie, development plan, execution plans) with their
actions (what, how, when, by whom), and the initiatives that carry them out.

The village is found through `Village.objects.visible_to(request.user)` (officers, DKK
facilitators, progress-group members of the municipality): any other answers 404. Only
officers of the village's municipality link an initiative to a plan action.
"""

from functools import cached_property

from django import forms
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.generic import FormView, TemplateView

from core.views import PageActionMixin
from initiatives.models import Initiative
from municipalities.access import is_officer_of
from villages.constants import PlanKind
from villages.models import PlanAction, Village, VillagePlan
from villages.services import plan_action_link_initiative

PLAN_KIND_ORDER = {kind: position for position, kind in enumerate(PlanKind)}


class PlanActionLinkForm(forms.Form):
    action = forms.ModelChoiceField(label=_("Plan action"), queryset=PlanAction.objects.none())
    initiative = forms.ModelChoiceField(label=_("Initiative"), queryset=Initiative.objects.none())

    def __init__(self, *args, village, user, **kwargs):
        super().__init__(*args, **kwargs)
        action = self.fields["action"]
        action.queryset = PlanAction.objects.filter(plan__village=village).select_related("plan")
        action.label_from_instance = lambda item: f"{item.plan.title}: {item.what}"
        initiative = self.fields["initiative"]
        initiative.queryset = (
            Initiative.objects.visible_to(user)
            .filter(municipality_id=village.municipality_id)
            .select_related("village")
            .order_by("-submitted_at", "-pk")
        )
        initiative.label_from_instance = lambda item: f"{item.reference} {item.title} ({item.village.name})"


class StaffVillageMixin(LoginRequiredMixin):
    template_name = "villages/staff_village.html"

    @cached_property
    def village(self) -> Village:
        return get_object_or_404(
            Village.objects.visible_to(self.request.user).select_related("municipality"), pk=self.kwargs["village"]
        )

    @cached_property
    def can_link(self) -> bool:
        return is_officer_of(self.request.user, self.village.municipality_id)

    def page_context(self, form=None) -> dict:
        village = self.village
        # Residents' initiatives stay with the municipality: others see the published ones only.
        initiatives = Initiative.objects.all() if self.can_link else Initiative.objects.published()
        plans = sorted(
            VillagePlan.objects.filter(village=village).prefetch_related(
                Prefetch(
                    "actions",
                    queryset=PlanAction.objects.order_by("when", "pk").prefetch_related(
                        Prefetch("initiatives", queryset=initiatives.order_by("reference"))
                    ),
                )
            ),
            key=lambda plan: (PLAN_KIND_ORDER.get(plan.kind, 99), -plan.year, plan.pk),
        )
        context = {
            "village": village,
            "municipality": village.municipality,
            "plans": plans,
            "can_link": self.can_link,
            "has_errors": bool(form is not None and form.errors),
        }
        if self.can_link and any(plan.actions.all() for plan in plans):
            initial = {"action": self.request.GET.get("actie")} if form is None else None
            context["link_form"] = (
                form
                if form is not None
                else PlanActionLinkForm(prefix="link", village=village, user=self.request.user, initial=initial)
            )
        return context


@method_decorator(never_cache, name="dispatch")
class StaffVillageView(StaffVillageMixin, TemplateView):
    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(self.page_context())
        return context


@method_decorator(never_cache, name="dispatch")
class PlanActionLinkView(PageActionMixin, StaffVillageMixin, FormView):
    form_class = PlanActionLinkForm
    prefix = "link"
    success_message = _("The initiative has been linked to the plan action.")

    def post(self, request, *args, **kwargs):
        if not self.can_link:  # also answers 404 first for a village out of sight
            raise PermissionDenied
        return super().post(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "village": self.village, "user": self.request.user}

    def get_page_url(self):
        return reverse("initiatives:village_plans", kwargs={"village": self.village.pk})

    def get_page_context(self, form):
        return self.page_context(form=form)

    def act(self, data):
        action = data["action"]
        plan_action_link_initiative(action=action, initiative=data["initiative"], actor=self.request.user)
        self.anchor = f"action-{action.pk}"
