"""Officers' statistics (with charts and CSV files) and the coordinators' audit log.

Both pages only read. Statistics start from `Initiative.objects.visible_to(user)`, the audit
log from `AuditLogEntry.objects.visible_to(user)`: another municipality's data never counts.
"""

from datetime import date

from django import forms
from django.http import Http404, HttpResponse, QueryDict
from django.utils.decorators import method_decorator
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.generic import TemplateView

from core import charts
from core.csv import BOM, spreadsheet_writer
from core.gc_pause import gc_paused
from core.widgets import DateInput, FastSelect
from initiatives.statistics import MONEY_WHOLE, PERCENT, TABLES, Display, Period, display, tables_from
from initiatives.statistics_rollups import statistics_figures
from municipalities.access import OfficerRequiredMixin
from municipalities.models import Municipality
from municipalities.scoping import OFFICERS, visible_municipality_q

EARLIEST, LATEST = date(2000, 1, 1), date(2100, 12, 31)


class StatisticsForm(forms.Form):
    """The period (GET `from`, `to`) and, for whoever sees several municipalities, one of them."""

    def __init__(self, *args, user, **kwargs):
        default = Period.default()
        kwargs.setdefault("initial", {"from": default.start, "to": default.end})
        super().__init__(*args, **kwargs)
        # `from` is a Python keyword: the fields are added here, under the names of the URL.
        self.fields["from"] = forms.DateField(label=gettext_lazy("From"), required=False, widget=DateInput)
        self.fields["to"] = forms.DateField(label=gettext_lazy("To (inclusive)"), required=False, widget=DateInput)
        if user.is_superuser:
            self.fields["municipality"] = forms.ModelChoiceField(
                label=gettext_lazy("Municipality"),
                queryset=Municipality.objects.visible_to(user).only("slug", "name"),  # not 33 columns x 342
                to_field_name="slug",
                required=False,
                empty_label=gettext_lazy("All municipalities"),
                widget=FastSelect,  # 342 options: one template per option took a tenth of the page
            )

    def clean(self):
        cleaned = super().clean()
        for name in ("from", "to"):
            day = cleaned.get(name)
            if day and not EARLIEST <= day <= LATEST:
                self.add_error(name, _("Choose a date between 2000 and 2100."))
        start, end = cleaned.get("from"), cleaned.get("to")
        if start and end and start > end:
            self.add_error("to", _("The end date cannot be before the start date."))
        return cleaned

    def scope(self) -> tuple[Period, Municipality | None]:
        """The chosen period and municipality; the defaults for anything missing or invalid."""
        default = Period.default()
        if not self.is_bound or not self.is_valid():
            return default, None
        start = self.cleaned_data.get("from") or default.start
        end = self.cleaned_data.get("to") or max(default.end, start)
        if start > end:  # only a start date, later than today
            end = start
        return Period(start, end), self.cleaned_data.get("municipality")


class StatisticsScopeMixin(OfficerRequiredMixin):
    def get_scope(self):
        """The figures of the chosen period and municipalities, from the roll-ups
        (initiatives.statistics_rollups: the same figures as a fresh count)."""
        data = self.request.GET if any(key in self.request.GET for key in ("from", "to", "municipality")) else None
        self.form = StatisticsForm(data, user=self.request.user)
        self.period, self.municipality = self.form.scope()
        return statistics_figures(municipality_ids=self.municipality_ids(), period=self.period)

    def municipality_ids(self) -> list[int] | None:
        """The municipalities whose initiatives the user sees as an officer (None: every one)."""
        if self.municipality is not None:
            return [self.municipality.pk]
        q = visible_municipality_q(self.request.user, OFFICERS, path="pk")
        return None if q is None else list(Municipality.objects.filter(q).values_list("pk", flat=True))


@method_decorator(never_cache, name="dispatch")
class StatisticsView(StatisticsScopeMixin, TemplateView):
    template_name = "initiatives/officer/statistics.html"

    def get(self, request, *args, **kwargs):
        """The figures and the page made with the cycle collector paused (core/gc_pause.py: over
        every municipality its runs took a quarter to a third of the page's CPU)."""
        with gc_paused():
            response = super().get(request, *args, **kwargs)
            response.render()
        return response

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        tables = tables_from(self.get_scope())
        show = Display()
        for table in tables.values():
            table.chart_svg = charts.horizontal_bar_chart(
                table.chart,
                title=table.title,
                chart_id=f"chart-{table.slug}",
                description=_("The table with this chart gives the same figures."),
                value_format=lambda value, kind=table.chart_kind: show(value, kind),
            )
        context.update(
            form=self.form,
            period=self.period,
            chosen_municipality=self.municipality,
            tables=list(tables.values()),
            figures={
                "total": tables["status"].figures["total"],
                "median": tables["response"].figures["median"],
                "within_share": display(tables["response"].figures["within_share"], PERCENT),
                "within_counted": tables["response"].figures["counted"],
                "supported_share": display(tables["support"].figures["supported_share"], PERCENT),
                "granted": display(tables["funds"].figures["granted"], MONEY_WHOLE),
                "satisfied_share": display(tables["satisfaction"].figures["satisfied_share"], PERCENT),
                "satisfaction_answers": tables["satisfaction"].figures["answers"],
            },
            csv_query=self.csv_query(),
            may_read_audit_log=self.request.user.is_superuser
            or (self.membership is not None and self.membership.is_coordinator),
        )
        return context

    def csv_query(self):
        """The period and municipality as shown, so each CSV file holds the figures on the page."""
        query = QueryDict(mutable=True)
        query["from"], query["to"] = self.period.start.isoformat(), self.period.end.isoformat()
        if self.municipality is not None:
            query["municipality"] = self.municipality.slug
        return query.urlencode()


@method_decorator(never_cache, name="dispatch")
class StatisticsCsvView(StatisticsScopeMixin, View):
    def get(self, request, table):
        if table not in TABLES:
            raise Http404
        rows = tables_from(self.get_scope(), only=table)[table].csv_rows()
        label = slugify(_("statistics"))
        filename = f"{label}-{table}-{self.period.start:%Y%m%d}-{self.period.end:%Y%m%d}.csv"
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        response.write(BOM)  # so spreadsheets read the accents right (core/csv.py)
        writer = spreadsheet_writer(response)
        for row in rows:
            writer.writerow(row)
        return response


# The audit log --------------------------------------------------------------------------------
