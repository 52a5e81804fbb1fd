"""Forms of a trajectory's page. They validate input only; the services in
`vision.services.trajectories` decide what is allowed and say so with a ValidationError."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import ModelMultipleChoiceField
from core.widgets import DateInput
from initiatives.models import Initiative
from villages.models import Village
from vision.constants import MemberCategory
from vision.models import StageDeliverable


class StageForm(forms.Form):
    planned_start = forms.DateField(label=_("Planned start"), required=False, widget=DateInput())
    planned_end = forms.DateField(label=_("Planned end"), required=False, widget=DateInput())
    actual_start = forms.DateField(label=_("Actual start"), required=False, widget=DateInput())
    actual_end = forms.DateField(label=_("Actual end"), required=False, widget=DateInput())
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    @classmethod
    def initial_for(cls, stage) -> dict:
        return {name: getattr(stage, name) for name in cls.base_fields}


class StageCompleteForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for completing with open deliverables"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Only needed when a required deliverable is not ticked."),
    )


class StageChecklistForm(forms.Form):
    """The checklist of one stage: tick what is done; one button saves every line."""

    done = ModelMultipleChoiceField(
        label=_("Done"),
        queryset=StageDeliverable.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    def __init__(self, *args, stage, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["done"].queryset = StageDeliverable.objects.filter(stage=stage).order_by("pk")


class ConfirmForm(forms.Form):
    """A POST with nothing to fill in (a button)."""


class MemberForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    category = forms.ChoiceField(label=_("Category"), choices=[("", "---------"), *MemberCategory.choices])
    organisation = forms.CharField(label=_("Organisation"), max_length=200, required=False)
    email = forms.EmailField(label=_("Email"), required=False)
    phone = forms.CharField(label=_("Phone"), max_length=30, required=False)
    joined_on = forms.DateField(label=_("Joined on"), required=False, widget=DateInput(), help_text=_("Empty: today."))

    @classmethod
    def initial_for(cls, member) -> dict:
        return {name: getattr(member, name) for name in cls.base_fields}


class CaseForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    government_role = forms.CharField(
        label=_("What the government did"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    initiators_role = forms.CharField(
        label=_("What the initiators did"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    lessons = forms.CharField(label=_("Lessons"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    village = forms.ModelChoiceField(label=_("Village"), queryset=Village.objects.none(), required=False)
    initiative = forms.ModelChoiceField(
        label=_("Initiative"),
        queryset=Initiative.objects.none(),
        required=False,
        help_text=_("An initiative of this municipality that the case is about."),
    )

    def __init__(self, *args, trajectory, user, case=None, **kwargs):
        super().__init__(*args, **kwargs)
        municipality = trajectory.municipality_id
        self.fields["village"].queryset = Village.objects.filter(municipality_id=municipality).order_by("name")
        # Initiatives of this municipality only. Residents' data stays with the municipality:
        # officers choose from all of them, others from the published ones (and the one linked now).
        initiatives = Initiative.objects.filter(municipality_id=municipality)
        choices = initiatives.published() | initiatives.visible_to(user)
        if case is not None and case.initiative_id:
            choices |= initiatives.filter(pk=case.initiative_id)
        self.fields["initiative"].queryset = choices.order_by("-submitted_at", "-pk")

    @classmethod
    def initial_for(cls, case) -> dict:
        return {name: getattr(case, name) for name in cls.base_fields}


class SupportCostForm(forms.Form):
    cost = forms.DecimalField(
        label=_("Cost of local tailored support (EUR)"),
        min_value=Decimal("0"),
        max_digits=12,
        decimal_places=2,
        localize=True,
    )
