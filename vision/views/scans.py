"""Scans: the facilitator's pages (open, results, close, send a new link) and the member's form,
reached by a personal link without an account."""

import io
from decimal import ROUND_HALF_UP, Decimal

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.defaultfilters import floatformat
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.generic import TemplateView

from core.charts import grouped_bar_chart, horizontal_bar_chart
from core.csv import BOM, spreadsheet_writer
from core.forms import add_service_error
from vision.access import STEER, TrajectoryMixin
from vision.constants import ScanItem, ScanKind
from vision.forms.scans import ScanOpenForm, ScanResponseForm
from vision.models import Scan, ScanInvitation
from vision.services.scans import (
    MIN_CATEGORY_ANSWERS,
    ScanNotOpen,
    scan_close,
    scan_comments,
    scan_comparison,
    scan_invitations_for_token,
    scan_members_to_invite,
    scan_open,
    scan_remind,
    scan_reopen,
    scan_results_per_category,
    scan_results_per_item,
    scan_submit,
)


class ScanListView(TrajectoryMixin, TemplateView):
    template_name = "vision/scan_list.html"

    def get_context_data(self, open_form=None, **kwargs):
        context = super().get_context_data(**kwargs)
        scans = list(
            Scan.objects.visible_to(self.request.user)
            .filter(trajectory=self.trajectory)
            .annotate(
                invited=Count("invitations", distinct=True),
                answered=Count("invitations", filter=Q(invitations__used_at__isnull=False), distinct=True),
            )
            .order_by("-opened_on", "-pk")
        )
        open_scan = next((scan for scan in scans if scan.closed_on is None), None)
        has_baseline = any(scan.kind == ScanKind.BASELINE for scan in scans)
        if open_form is None:
            open_form = ScanOpenForm(
                prefix="open", initial={"kind": ScanKind.FOLLOW_UP if has_baseline else ScanKind.BASELINE}
            )
        context.update(
            scans=scans,
            open_scan=open_scan,
            open_form=open_form if self.can_steer and open_scan is None else None,
            members_to_invite=scan_members_to_invite(self.trajectory, timezone.localdate()).count()
            if self.can_steer and open_scan is None
            else None,
        )
        return context


class ScanOpenView(ScanListView):
    needs = STEER
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        form = ScanOpenForm(request.POST, prefix="open")
        if form.is_valid():
            try:
                scan = scan_open(
                    trajectory=self.trajectory,
                    kind=form.cleaned_data["kind"],
                    closes_on=form.cleaned_data["closes_on"],
                    actor=request.user,
                )
            except ValidationError as error:
                add_service_error(form, error)
            else:
                invited = scan.invitations.count()
                messages.success(
                    request,
                    ngettext(
                        "The scan is open. %(count)s member gets a personal link by email.",
                        "The scan is open. %(count)s members get their personal link by email.",
                        invited,
                    )
                    % {"count": invited},
                )
                return redirect("vision:scan_detail", trajectory=self.trajectory.pk, scan=scan.pk)
        return self.render_to_response(self.get_context_data(open_form=form))


class ScanMixin(TrajectoryMixin):
    def get_scan(self) -> Scan:
        return get_object_or_404(
            Scan.objects.visible_to(self.request.user).filter(trajectory=self.trajectory), pk=self.kwargs["scan"]
        )


class ScanDetailView(ScanMixin, TemplateView):
    """Who answered (not what), results per item and per member category, before/after."""

    template_name = "vision/scan_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        scan = self.get_scan()
        invitations = list(
            ScanInvitation.objects.visible_to(self.request.user)
            .filter(scan=scan)
            .select_related("member")
            .order_by("member__category", "member__name", "pk")
        )
        results = scan_results_per_item(scan)
        answered = sum(1 for invitation in invitations if invitation.used_at)
        per_category = scan_results_per_category(scan)
        comparison = scan_comparison(self.trajectory)
        context.update(
            scan=scan,
            invitations=invitations,
            answered=answered,
            accepts_answers=scan.accepts_answers(timezone.localdate()),
            results=results,
            results_chart=horizontal_bar_chart(
                [(r.label, r.average or 0) for r in results],
                title=_("Average score per item (1 to 5)"),
                chart_id="scan-results",
                description=_("The same figures are in the table next to the chart."),
                value_format=one_decimal,
            )
            if answered
            else "",
            item_labels=[item.label for item in ScanItem],
            category_rows=_category_rows(per_category),
            category_columns=per_category.categories,
            hidden_categories=per_category.hidden,
            min_category_answers=MIN_CATEGORY_ANSWERS,
            comments=scan_comments(scan),
            comparison=comparison,
            comparison_chart=_comparison_chart(comparison) if comparison else "",
            comparison_rows=_comparison_rows(comparison) if comparison else [],
        )
        return context


def _category_rows(per_category) -> list[dict]:
    """Rows per item, one column per shown category (the template shows a matrix)."""
    return [
        {"label": item.label, "averages": [column["averages"][index] for column in per_category.categories]}
        for index, item in enumerate(ScanItem)
    ]


def _comparison_rows(comparison) -> list[dict]:
    """Rounded to one decimal first, so the change is the difference of the figures shown."""
    rows = []
    for label, before, after in comparison.rows:
        before, after = rounded(before), rounded(after)
        change = None if before is None or after is None else after - before
        rows.append({"label": label, "before": before, "after": after, "change": change})
    return rows


def _comparison_chart(comparison):
    return grouped_bar_chart(
        [(row["label"], row["before"], row["after"]) for row in _comparison_rows(comparison)],
        series=(comparison.before.get_kind_display(), comparison.after.get_kind_display()),
        title=_("Average score per item: before and after"),
        chart_id="scan-comparison",
        description=_("For each item, the first bar is the baseline and the second bar the follow-up."),
        value_format=one_decimal,
        maximum=5,
    )


class ScanExportView(ScanMixin, View):
    """GET: the results as a CSV file for the council (core/csv.py: Dutch spreadsheets).

    The same figures as the results page, with the same privacy: averages per item, how many
    scores and "don't know", and a column per member category only for the categories the page
    breaks down; the hidden ones are named in a note. No comments and no names.
    """

    def get(self, request, *args, **kwargs):
        scan = self.get_scan()
        results = scan_results_per_item(scan)
        per_category = scan_results_per_category(scan)
        buffer = io.StringIO()
        buffer.write(BOM)
        writer = spreadsheet_writer(buffer)
        writer.writerow(
            [_("Item"), _("Average (1 to 5)"), _("Scores"), _("Don't know")]
            + [
                ngettext("%(category)s (%(count)s answer)", "%(category)s (%(count)s answers)", column["respondents"])
                % {"category": column["label"], "count": column["respondents"]}
                for column in per_category.categories
            ]
        )
        for index, row in enumerate(results):
            writer.writerow(
                [row.label, rounded(row.average), row.answers, row.dont_know]
                + [rounded(column["averages"][index]) for column in per_category.categories]
            )
        if per_category.hidden:
            writer.writerow([])
            writer.writerow(
                [
                    ngettext(
                        "Categories with fewer than %(count)s answer are not shown separately, so nobody's scores"
                        " can be traced: %(categories)s. Their answers do count in the averages per item.",
                        "Categories with fewer than %(count)s answers are not shown separately, so nobody's scores"
                        " can be traced: %(categories)s. Their answers do count in the averages per item.",
                        MIN_CATEGORY_ANSWERS,
                    )
                    % {
                        "count": MIN_CATEGORY_ANSWERS,
                        "categories": ", ".join(category["label"] for category in per_category.hidden),
                    }
                ]
            )
        response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
        filename = f"{_('scan')}-{scan.kind}-{scan.opened_on.isoformat()}.csv"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        response["Cache-Control"] = "no-store, private"
        return response


class ScanReopenView(ScanMixin, View):
    """POST: a member who has not answered gets a new link; the old one stops working."""

    needs = STEER
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        scan = self.get_scan()
        invitation = get_object_or_404(
            ScanInvitation.objects.visible_to(request.user).filter(scan=scan).select_related("member"),
            pk=kwargs["invitation"],
        )
        try:
            scan_reopen(invitation=invitation, actor=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request, _("%(name)s gets a new personal link by email.") % {"name": invitation.member.name}
            )
        return redirect("vision:scan_detail", trajectory=self.trajectory.pk, scan=scan.pk)


class ScanRemindView(ScanMixin, View):
    """POST: a reminder, with the same personal link, to every member who has not answered."""

    needs = STEER
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        scan = self.get_scan()
        try:
            reminded = scan_remind(scan=scan, actor=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                ngettext(
                    "%(count)s member who has not answered yet gets a reminder by email, with the same link.",
                    "%(count)s members who have not answered yet get a reminder by email, with the same link.",
                    reminded,
                )
                % {"count": reminded},
            )
        return redirect("vision:scan_detail", trajectory=self.trajectory.pk, scan=scan.pk)


class ScanCloseView(ScanMixin, View):
    """POST: a closed scan takes no more answers."""

    needs = STEER
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        scan = self.get_scan()
        try:
            scan_close(scan=scan, actor=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The scan is closed. Personal links no longer work."))
        return redirect("vision:scan_detail", trajectory=self.trajectory.pk, scan=scan.pk)


@method_decorator(never_cache, name="dispatch")
class ScanLinkMixin:
    """Finds the invitation by its personal link; an unknown or replaced link answers 404."""

    def dispatch(self, request, *args, **kwargs):
        self.invitation = get_object_or_404(
            scan_invitations_for_token(kwargs["token"]).select_related("scan__trajectory__municipality", "member")
        )
        self.scan = self.invitation.scan
        response = super().dispatch(request, *args, **kwargs)
        response["Cache-Control"] = "no-store, private"
        response["X-Robots-Tag"] = "noindex, nofollow"
        return response

    def page_context(self, **extra) -> dict:
        trajectory = self.scan.trajectory
        return {
            "invitation": self.invitation,
            "scan": self.scan,
            "trajectory": trajectory,
            "municipality": trajectory.municipality,
            **extra,
        }


class ScanRespondView(ScanLinkMixin, TemplateView):
    template_name = "vision/scan_respond.html"

    def get(self, request, *args, **kwargs):
        return self.answer_page() or self.render_form(ScanResponseForm())

    def post(self, request, *args, **kwargs):
        refusal = self.answer_page()
        if refusal is not None:
            return refusal
        form = ScanResponseForm(request.POST)
        if not form.is_valid():
            return self.render_form(form)
        try:
            scan_submit(invitation=self.invitation, scores=form.scores())
        except ScanNotOpen:
            self.invitation.refresh_from_db()
            self.scan.refresh_from_db()
            return self.answer_page() or self.render_form(form)
        except ValidationError as error:
            add_service_error(form, error)
            return self.render_form(form)
        return redirect("vision:scan_thanks", token=kwargs["token"])

    def answer_page(self):
        """The friendly page for a closed scan (by hand or past its closing date) or a used link,
        or None when the form may show."""
        if not self.scan.accepts_answers(timezone.localdate()):
            return self.response_class(
                request=self.request, template="vision/scan_closed.html", context=self.page_context()
            )
        if self.invitation.used_at is not None:
            return self.response_class(
                request=self.request, template="vision/scan_answered.html", context=self.page_context()
            )
        return None

    def render_form(self, form):
        return self.render_to_response(self.page_context(form=form, errors=_form_errors(form)))


def _form_errors(form) -> list[dict]:
    """The error summary: each error links to the field (the first radio button of a group)."""
    errors = [{"text": error, "href": ""} for error in form.non_field_errors()]
    for name, field_errors in form.errors.items():
        if name == "__all__":
            continue
        bound = form[name]
        target = f"{bound.auto_id}_0" if name.startswith("score_") else bound.auto_id
        errors += [{"text": f"{bound.label}: {error}", "href": f"#{target}"} for error in field_errors]
    return errors


class ScanThanksView(ScanLinkMixin, TemplateView):
    template_name = "vision/scan_thanks.html"

    def get(self, request, *args, **kwargs):
        if self.invitation.used_at is None:
            return redirect("vision:scan_respond", token=kwargs["token"])
        return self.render_to_response(self.page_context())


def one_decimal(value) -> str:
    """A score as the tables show it: rounded half up to one decimal, in the page's language."""
    return "–" if value is None else floatformat(value, 1)


def rounded(value) -> Decimal | None:
    return None if value is None else Decimal(str(value)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
