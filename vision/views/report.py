"""The association's report for its board: a page, the same as a PDF, and the rows as CSV.

Who: platform admins and active facilitators (`vision.access.can_read_association_report`);
members of a progress group and officers get 403. A facilitator's report covers the
trajectories they steer: those of the municipalities their association (or one of its member
associations) supports. An admin sees every trajectory, or chooses one association.
"""

from datetime import date

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.db.models import Min, Q
from django.http import HttpResponse, QueryDict
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.generic import TemplateView

from core.csv import BOM, spreadsheet_writer
from core.pdf import render_pdf
from vision.access import can_read_association_report
from vision.forms.report import ReportFilterForm
from vision.models import Facilitator, Trajectory, facilitated_municipality_ids
from vision.report import association_report

FILTERS = ("year", "stage", "association")  # the GET names: the form's fields


@method_decorator(never_cache, name="dispatch")
class AssociationReportMixin(LoginRequiredMixin):
    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if not can_read_association_report(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def build_report(self):
        user = self.request.user
        today = timezone.localdate()
        self.today = today
        facilitator = Facilitator.objects.filter(user=user, is_active=True).select_related("association").first()
        trajectories = Trajectory.objects.visible_to(user)
        if not user.is_superuser:
            trajectories = trajectories.filter(municipality__in=facilitated_municipality_ids(user))
        first = trajectories.aggregate(first=Min("started_on"))["first"]
        years = range(today.year, (first.year if first else today.year) - 1, -1)
        data = self.request.GET if any(key in self.request.GET for key in FILTERS) else None
        self.form = ReportFilterForm(data, user=user, years=years)
        self.association = facilitator.association if facilitator and not user.is_superuser else None
        chosen = self.form.choice("association")
        if chosen is not None:
            self.association = chosen
            trajectories = trajectories.filter(
                Q(municipality__supporting_association=chosen) | Q(municipality__supporting_association__parent=chosen)
            )
        self.year, self.stage = self.form.choice("year"), self.form.choice("stage")
        self.report = association_report(self.form.filter(trajectories, today=today), today=today)
        return self.report

    def query(self) -> str:
        """The filter as chosen, so the PDF and the CSV file hold the rows on the page."""
        query = QueryDict(mutable=True)
        for key, value in (("year", self.year), ("stage", self.stage)):
            if value:
                query[key] = str(value)
        if self.request.user.is_superuser and self.form.choice("association") is not None:
            query["association"] = self.association.slug
        return query.urlencode()

    def report_context(self) -> dict:
        report = self.report
        return {
            "report": report,
            "rows": report.rows,
            "summary": report.summary,
            "association": self.association,
            "association_name": self.association.name if self.association else _("All associations"),
            "year": self.year,
            "stage_label": dict(self.form.fields["stage"].choices).get(self.stage, "") if self.stage else "",
            "today": self.today,
        }

    def filename(self, extension: str) -> str:
        parts = [self.association.short_name or self.association.name] if self.association else []
        parts += [_("report"), self.today.isoformat()]
        return f"{slugify(' '.join(parts))}.{extension}"


class AssociationReportView(AssociationReportMixin, TemplateView):
    template_name = "vision/association_report.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        self.build_report()
        context.update(self.report_context(), form=self.form, query=self.query())
        return context


class AssociationReportPdfView(AssociationReportMixin, View):
    """GET: the report as a PDF for the board, with the same rows as the page."""

    def get(self, request, *args, **kwargs):
        self.build_report()
        pdf = render_pdf("vision/association_report_pdf.html", self.report_context(), request=request)
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="{self.filename("pdf")}"'
        response["Cache-Control"] = "no-store, private"
        return response


class AssociationReportCsvView(AssociationReportMixin, View):
    """GET: one line per trajectory, for the board's own spreadsheet (core/csv.py)."""

    def get(self, request, *args, **kwargs):
        report = self.build_report()
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{self.filename("csv")}"'
        response["Cache-Control"] = "no-store, private"
        response.write(BOM)
        writer = spreadsheet_writer(response)
        writer.writerow(csv_header())
        for row in report.rows:
            writer.writerow(csv_row(row))
        return response


def csv_header() -> list[str]:
    return [
        _("Municipality"),
        _("Trajectory"),
        _("Status"),
        _("Stage number"),
        _("Current stage"),
        _("Stage started on"),
        _("Days in this stage"),
        _("Progress group complete"),
        _("Missing in the progress group"),
        _("Active members"),
        _("Meetings held"),
        _("Last meeting"),
        _("Next meeting"),
        _("Open action items"),
        _("Overdue action items"),
        _("Baseline: average (1 to 5)"),
        _("Baseline: answers"),
        _("Follow-up: average (1 to 5)"),
        _("Follow-up: answers"),
        pgettext("score", "Change"),
        _("Vision"),
        _("Vision adopted on"),
    ]


def _day(moment) -> date | None:
    return None if moment is None else timezone.localdate(moment)


def csv_row(row) -> list:
    trajectory = row.trajectory
    return [
        trajectory.municipality.name,
        trajectory.title,
        trajectory.get_status_display(),
        row.stage_number,
        row.stage_label,
        row.stage_since,
        row.days_in_stage,
        _("yes") if row.group_complete else _("no"),
        ", ".join(str(category.label) for category in row.missing_categories),
        row.active_members,
        row.meetings_held,
        _day(row.last_meeting_at),
        _day(row.next_meeting_at),
        row.open_action_items,
        row.overdue_action_items,
        row.before.average if row.before else None,
        row.before.respondents if row.before else None,
        row.after.average if row.after else None,
        row.after.respondents if row.after else None,
        row.scan_change,
        row.vision_status_label,
        row.vision_adopted_on,
    ]
