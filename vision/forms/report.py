"""The filter of the association's report: a year, a stage and, for platform admins, an association."""

from datetime import date

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from villages.models import Association
from vision.constants import Stage, TrajectoryStatus


class ReportFilterForm(forms.Form):
    """GET `year`, `stage` and (admins only) `association`; anything invalid counts as not chosen."""

    year = forms.TypedChoiceField(label=_("Year"), required=False, coerce=int, empty_value=None)
    stage = forms.ChoiceField(label=_("Current stage"), required=False)

    def __init__(self, *args, user, years, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [("", _("All years"))] + [(year, str(year)) for year in years]
        self.fields["stage"].choices = [("", _("All stages"))] + [
            (stage.value, f"{number}. {stage.label}") for number, stage in enumerate(Stage, 1)
        ]
        if user.is_superuser:
            self.fields["association"] = forms.ModelChoiceField(
                label=_("Association"),
                queryset=Association.objects.filter(
                    Q(municipalities__isnull=False) | Q(children__municipalities__isnull=False)
                ).distinct(),
                to_field_name="slug",
                required=False,
                empty_label=_("All associations"),
            )

    def choice(self, name):
        if not self.is_bound:
            return None
        self.is_valid()  # an invalid field is left out of cleaned_data: as if not chosen
        return self.cleaned_data.get(name) or None

    def filter(self, trajectories, *, today: date):
        """`trajectories` narrowed to the chosen year and stage."""
        year, stage = self.choice("year"), self.choice("stage")
        if stage:
            trajectories = trajectories.filter(current_stage=stage)
        if year:
            ran = Q(started_on__lte=date(year, 12, 31)) & (Q(ended_on__isnull=True) | Q(ended_on__gte=date(year, 1, 1)))
            if year == today.year:  # planned without a start date: they belong to this year
                ran |= Q(started_on__isnull=True, status=TrajectoryStatus.PLANNED)
            trajectories = trajectories.filter(ran)
        return trajectories
