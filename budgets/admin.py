"""Coordinators set up a budget round here: fund, year, total, phases, the voting style and
the result rule, and a budget per village. Scoped to their municipality like every admin page."""

from django import forms
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from budgets.models import BudgetRound, VillageBudget
from core.admin import ScopedModelAdmin, ScopedTabularInline
from core.formats import money
from municipalities.constants import OfficerRole
from municipalities.models import Municipality


class VillageBudgetFormSet(forms.BaseInlineFormSet):
    def clean(self):
        super().clean()
        if self.instance.pk and self.instance.results_at and self.has_changed():
            raise ValidationError(_("The results are published: the village budgets can no longer change."))
        for form in self.deleted_forms:
            if form.instance.pk and form.instance.ballots.exists():
                message = _("%(village)s already has ballots: it cannot leave the round.")
                raise ValidationError(message % {"village": form.instance.village})
        total = sum(
            (
                form.cleaned_data.get("amount") or 0
                for form in self.forms
                if form.cleaned_data and not form.cleaned_data.get("DELETE")
            ),
            start=0,
        )
        if self.instance.total is not None and total > self.instance.total:
            raise ValidationError(
                _("The village budgets add up to %(sum)s, more than the round's total of %(total)s.")
                % {"sum": money(total), "total": money(self.instance.total)}
            )
        municipality_id = getattr(self.instance.fund, "municipality_id", None) if self.instance.fund_id else None
        for form in self.forms:
            village = form.cleaned_data.get("village") if form.cleaned_data else None
            if village is not None and municipality_id and village.municipality_id != municipality_id:
                form.add_error("village", _("Choose a village of the fund's municipality."))


class VillageBudgetInline(ScopedTabularInline):
    model = VillageBudget
    formset = VillageBudgetFormSet
    fields = ("village", "amount")  # a plain list: a municipality has a handful of villages
    extra = 2


class BudgetRoundForm(forms.ModelForm):
    class Meta:
        model = BudgetRound
        fields = (
            "fund",
            "name",
            "year",
            "description",
            "total",
            "ideas_from",
            "ideas_until",
            "voting_from",
            "voting_until",
            "voting_style",
            "max_choices",
            "minimum_age",
            "result_rule",
            "created_by",
        )

    def clean(self):
        cleaned = super().clean()
        fund = cleaned.get("fund")
        if fund is not None:
            if self.instance.pk and self.instance.results_at and fund.pk != self.instance.fund_id:
                raise ValidationError({"fund": _("The results are published: the fund can no longer change.")})
            self.instance.municipality = fund.municipality
        return cleaned


@admin.register(BudgetRound)
class BudgetRoundAdmin(ScopedModelAdmin):
    form = BudgetRoundForm
    inlines = [VillageBudgetInline]
    list_display = ("name", "year", "municipality", "total", "voting_from", "voting_until", "results_at")
    list_filter = ("year", ("municipality", admin.RelatedOnlyFieldListFilter))
    list_select_related = ("municipality",)
    search_fields = ("name", "municipality__name")
    readonly_fields = ("results_at", "results_error", "created_at", "updated_at")
    fieldsets = (
        (None, {"fields": ("fund", "name", "year", "description", "total")}),
        (_("Phases"), {"fields": ("ideas_from", "ideas_until", "voting_from", "voting_until")}),
        (_("Voting"), {"fields": ("voting_style", "max_choices", "minimum_age", "result_rule")}),
        (_("Results"), {"fields": ("created_by", "results_at", "results_error", "created_at", "updated_at")}),
    )

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "created_by":
            # Coordinators of the municipalities this user may see (the decisions are theirs).
            municipalities = Municipality.objects.visible_to(request.user).values("pk")
            kwargs["queryset"] = get_user_model().objects.filter(
                officer_membership__role=OfficerRole.COORDINATOR,
                officer_membership__is_active=True,
                officer_membership__municipality__in=municipalities,
            )
            kwargs["required"] = False
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        if obj.created_by_id is None:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)
