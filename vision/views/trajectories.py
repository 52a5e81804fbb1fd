"""A facilitator's pages: the overview of trajectories and the page of one trajectory.

Every trajectory is found through `Trajectory.objects.visible_to(request.user)` (`TrajectoryMixin`):
another association's trajectory answers 404 like a missing one, and stages, deliverables,
members and cases are looked up within it. The facilitator (and platform admins) steer: the
views that change something have `needs = STEER` and answer 403 to everyone else. Members of the
progress group read and add cases (`needs = ADD_CASE`); officers outside the group read only.

Each change is a small form posted to its own view; `act` calls one service with the cleaned
data and `actor=request.user`, then the browser goes back to the page (POST/redirect/GET). A
form with errors is shown again in its place on the trajectory's page. The edit views answer
GET too: the page with that form filled in, so "Edit" is a plain link.
"""

from functools import cached_property
from html import escape

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.db.models import F, Prefetch
from django.shortcuts import get_object_or_404, redirect
from django.template.defaultfilters import floatformat
from django.urls import reverse
from django.utils import timezone
from django.utils.dates import MONTHS, WEEKDAYS
from django.utils.decorators import method_decorator
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.generic import FormView, ListView, TemplateView

from core.views import PageActionMixin
from vision.access import ADD_CASE, STEER, TrajectoryMixin, can_read_association_report
from vision.constants import DIA_KINDS, STAGE_ORDER, ScanKind, StageStatus, VisionStatus, category_order
from vision.forms import trajectories as forms
from vision.models import (
    Case,
    ProgressGroupMember,
    StageDeliverable,
    Trajectory,
    TrajectoryStage,
    missing_member_categories,
)
from vision.services.trajectories import (
    case_add,
    case_update,
    dia_cost_split,
    member_add,
    member_leave,
    member_update,
    stage_checklist_save,
    stage_complete,
    stage_update,
    trajectory_set_support_cost,
)

STAGE_COUNT = len(STAGE_ORDER)


def with_labels(trajectory: Trajectory) -> Trajectory:
    """Readable labels for the codes `with_overview` annotates."""
    kind, status = trajectory.latest_scan_kind, trajectory.latest_vision_status
    trajectory.latest_scan_kind_label = ScanKind(kind).label if kind else ""
    trajectory.latest_vision_status_label = VisionStatus(status).label if status else ""
    return trajectory


class LocalDates:
    """The `date` filter's "j F Y" and "l j F Y, H:i" for many dates: the names of the days and
    months translated once (formats.date_format translates them on every call)."""

    def __init__(self):
        self.months = {number: str(name) for number, name in MONTHS.items()}
        self.weekdays = {number: str(name) for number, name in WEEKDAYS.items()}

    def day(self, value) -> str:
        return f"{value.day} {self.months[value.month]} {value.year:04d}"

    def moment(self, value) -> str:
        return f"{self.weekdays[value.weekday()]} {self.day(value)}, {value.hour:02d}:{value.minute:02d}"


@method_decorator(never_cache, name="dispatch")
class TrajectoryListView(LoginRequiredMixin, ListView):
    """Every trajectory the user may see, each with where it stands; a fixed number of queries."""

    template_name = "vision/trajectory_list.html"
    context_object_name = "trajectories"

    def get_queryset(self):
        user = self.request.user
        return (
            Trajectory.objects.visible_to(user)
            .with_access_flags(user)
            # The fields a card shows and the names it needs, not every column of the municipality
            # (33) and of the facilitator's account: fewer values to read and convert per card.
            .only("pk", "municipality_id", "kind", "title", "facilitator_id", "status", "current_stage", "started_on")
            .annotate(
                municipality_name=F("municipality__name"),
                facilitator_first_name=F("facilitator__user__first_name"),
                facilitator_last_name=F("facilitator__user__last_name"),
                facilitator_username=F("facilitator__user__username"),
            )
            .order_by("municipality__name", "-started_on", "pk")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # What `with_overview` annotates and the progress group's missing categories, in one query.
        trajectories = context["trajectories"].overview_list()
        for trajectory in trajectories:
            with_labels(trajectory)
        self.card_texts(trajectories)
        context.update(
            trajectories=trajectories,
            cards=cards_html(trajectories),
            stage_count=STAGE_COUNT,
            # Whoever steers one of these is a facilitator or an admin: no query needed then.
            can_read_report=any(t.user_can_steer for t in trajectories)
            or can_read_association_report(self.request.user),
        )
        return context

    @staticmethod
    def card_texts(trajectories) -> None:
        """Each card's link, counted phrases and dates, made here once (the same words and
        formats as the templates' tags, with the same messages in the catalogue)."""
        link = reverse("vision:trajectory_detail", kwargs={"trajectory": 0})
        head, tail = link.rsplit("/0/", 1)
        stage_text = gettext("Stage %(number)s of %(total)s")
        dates = LocalDates()
        # get_FOO_display() builds its dictionary of (lazily translated) choices on every call.
        kinds, statuses, stages = (
            {value: str(label) for value, label in Trajectory._meta.get_field(name).flatchoices}
            for name in ("kind", "status", "current_stage")
        )
        for trajectory in trajectories:
            trajectory.detail_url = f"{head}/{trajectory.pk}/{tail}"
            trajectory.kind_label = kinds.get(trajectory.kind, trajectory.kind)
            trajectory.status_label = statuses.get(trajectory.status, trajectory.status)
            trajectory.stage_label = stages.get(trajectory.current_stage, trajectory.current_stage)
            trajectory.stage_text = stage_text % {"number": trajectory.stage_number, "total": STAGE_COUNT}
            opened = trajectory.open_action_items
            trajectory.open_text = ngettext("%(counter)s open", "%(counter)s open", opened) % {"counter": opened}
            overdue = trajectory.overdue_action_items
            trajectory.overdue_text = ngettext("%(counter)s overdue", "%(counter)s overdue", overdue) % {
                "counter": overdue
            }
            trajectory.missing_text = ", ".join(str(category.label) for category in trajectory.missing_categories)
            if trajectory.next_meeting_at:
                trajectory.next_meeting_text = dates.moment(timezone.localtime(trajectory.next_meeting_at))
            if trajectory.latest_scan_id:
                trajectory.scan_opened_text = dates.day(trajectory.latest_scan_opened_on)
                if trajectory.latest_scan_score is not None:
                    trajectory.scan_score_text = gettext("average %(score)s of 5") % {
                        "score": floatformat(trajectory.latest_scan_score, 1)
                    }


def cards_html(trajectories) -> SafeString:
    """The overview's cards as HTML, made here in one string, not by a template loop: with 50
    cards the loop's lookups, escaping and localisation of about 35 values a card took most of
    the page's time (bench/results/statistics.md). The texts come from `card_texts`; every one
    goes through `escape` (the standard library's, which Django's `escape` calls); ids and
    counts are plain digits, as the template wrote them under `{% localize off %}`.
    """
    e = escape
    status_label, member_label, read_only_label = (
        e(gettext("Status")),
        e(gettext("Member of the progress group")),
        e(gettext("Read only")),
    )
    next_meeting_label, none_planned_label, action_items_label = (
        e(gettext("Next meeting")),
        e(gettext("None planned")),
        e(gettext("Action items")),
    )
    group_label, not_complete_label, missing_label, complete_label = (
        e(gettext("Progress group")),
        e(gettext("Not complete.")),
        e(gettext("Missing:")),
        e(gettext("Complete")),
    )
    scan_label, no_answers_label, no_scan_label = (
        e(gettext("Latest scan")),
        e(gettext("no answers yet")),
        e(gettext("No scan yet")),
    )
    vision_label, not_written_label, facilitator_label, nobody_label = (
        e(gettext("Vision")),
        e(gettext("Not written yet")),
        e(gettext("Facilitator")),
        e(gettext("Nobody yet")),
    )
    badges = {
        "member": f'<span class="badge text-bg-light border border-secondary" data-member>{member_label}</span>',
        "read": f'<span class="badge text-bg-light border border-secondary" data-read-only>{read_only_label}</span>',
    }
    parts = []
    for t in trajectories:
        pk = int(t.pk)
        badge = "" if t.user_can_steer else badges["member" if t.user_is_member else "read"]
        if t.next_meeting_at:
            meeting = f'{e(t.next_meeting_title)}<br><span class="text-body-secondary">{e(t.next_meeting_text)}</span>'
        else:
            meeting = none_planned_label
        actions = e(t.open_text)
        if t.overdue_action_items:
            actions += (
                ', <span class="badge bg-danger-subtle text-danger-emphasis border border-danger" '
                f'data-overdue="{int(t.overdue_action_items)}">{e(t.overdue_text)}</span>'
            )
        if t.missing_categories:
            group = f'no"><strong>{not_complete_label}</strong> {missing_label} {e(t.missing_text)}'
        else:
            group = f'yes"><span aria-hidden="true">✓</span> {complete_label}'
        if t.latest_scan_id:
            score = e(t.scan_score_text) if t.latest_scan_score is not None else no_answers_label
            scan = f"{e(t.latest_scan_kind_label)}, {e(t.scan_opened_text)}: {score}"
        else:
            scan = no_scan_label
        vision = e(t.latest_vision_status_label) if t.latest_vision_status_label else not_written_label
        # str(Facilitator): the full name, else the username.
        full_name = f"{t.facilitator_first_name} {t.facilitator_last_name}".strip()
        facilitator = e(full_name or t.facilitator_username) if t.facilitator_id else nobody_label
        stage_text = e(t.stage_text)
        parts.append(
            f'<li class="col">\n<article class="card h-100" aria-labelledby="trajectory-{pk}-title" '
            f'data-trajectory="{pk}">\n<div class="card-body">\n'
            f'<p class="mb-1 text-body-secondary">{e(t.municipality_name)} · {e(t.kind_label)}</p>\n'
            f'<h2 class="h5 card-title" id="trajectory-{pk}-title"><a href="{e(t.detail_url)}">{e(t.title)}</a></h2>\n'
            f'<p class="mb-2"><span class="badge status-badge">{status_label}: {e(t.status_label)}</span> {badge}</p>\n'
            f'<div class="stage-progress mb-3">\n<label class="d-block mb-1" for="stage-progress-{pk}">'
            f"<strong>{stage_text}</strong>: {e(t.stage_label)}</label>\n"
            f'<progress class="w-100" id="stage-progress-{pk}" max="{STAGE_COUNT}" value="{int(t.stage_number)}">'
            f"{stage_text}</progress>\n</div>\n"
            '<dl class="row mb-0">\n'
            f'<dt class="col-sm-5">{next_meeting_label}</dt>\n<dd class="col-sm-7">{meeting}</dd>\n'
            f'<dt class="col-sm-5">{action_items_label}</dt>\n<dd class="col-sm-7">{actions}</dd>\n'
            f'<dt class="col-sm-5">{group_label}</dt>\n<dd class="col-sm-7" data-group-complete="{group}</dd>\n'
            f'<dt class="col-sm-5">{scan_label}</dt>\n<dd class="col-sm-7">{scan}</dd>\n'
            f'<dt class="col-sm-5">{vision_label}</dt>\n<dd class="col-sm-7">{vision}</dd>\n'
            f'<dt class="col-sm-5">{facilitator_label}</dt>\n<dd class="col-sm-7 mb-0">{facilitator}</dd>\n'
            "</dl>\n</div>\n</article>\n</li>\n"
        )
    return mark_safe("".join(parts))  # noqa: S308 - every text went through escape()


class TrajectoryPageMixin(TrajectoryMixin):
    """Renders the page of `self.trajectory`; a form view's form takes its place on it."""

    template_name = "vision/trajectory_detail.html"
    form_name = ""  # which form of the page this view handles (and the form's prefix)

    def page_context(self, form=None) -> dict:
        trajectory = self.trajectory
        today = timezone.localdate()
        summary = with_labels(Trajectory.objects.filter(pk=trajectory.pk).with_overview().get())
        stages = list(
            TrajectoryStage.objects.filter(trajectory=trajectory)
            .order_by("order")
            .prefetch_related(
                Prefetch("deliverables", queryset=StageDeliverable.objects.select_related("done_by").order_by("pk"))
            )
        )
        members = list(ProgressGroupMember.objects.filter(trajectory=trajectory).order_by(category_order(), "name"))
        active = [member for member in members if member.left_on is None]
        cases = list(Case.objects.filter(trajectory=trajectory).select_related("village", "initiative"))
        bound = {self.form_name: form} if form is not None else {}

        for stage in stages:
            stage.is_current = stage.stage == trajectory.current_stage and stage.status != StageStatus.COMPLETED
            stage.is_last = stage is stages[-1]
            deliverables = stage.deliverables.all()
            stage.deliverable_count = len(deliverables)
            stage.done_count = sum(1 for d in deliverables if d.done)
            stage.open_required = [d for d in deliverables if d.required and not d.done]
            stage.edit_form = bound.get("stage") if self._is(stage, "stage") else None
            stage.complete_form = None
            if self._is(stage, "complete"):
                stage.complete_form = bound["complete"]
            elif self.can_steer and stage.is_current:
                stage.complete_form = forms.StageCompleteForm(prefix="complete")

        context = {
            "summary": summary,
            "stages": stages,
            "stage_count": STAGE_COUNT,
            "active_members": active,
            "former_members": [member for member in members if member.left_on is not None],
            "missing_categories": missing_member_categories({member.category for member in active}),
            "cases": cases,
            "today": today,
            "is_dia": trajectory.kind in DIA_KINDS,
            "has_errors": bool(form is not None and form.errors),
        }
        if context["is_dia"] and trajectory.local_support_cost is not None:
            context["programme_part"], context["municipality_part"] = dia_cost_split(trajectory.local_support_cost)
        if self.can_add_case:
            context.update(
                case_form_open=self.form_name == "case",
                editing_case=getattr(self, "case", None) if self.form_name == "case" else None,
                case_form=bound["case"]
                if "case" in bound
                else forms.CaseForm(prefix="case", trajectory=trajectory, user=self.request.user),
            )
        if self.can_steer:
            context.update(
                member_form_open=self.form_name == "member",
                editing_member=getattr(self, "member", None) if self.form_name == "member" else None,
                member_form=bound["member"] if "member" in bound else forms.MemberForm(prefix="member"),
                cost_form=bound["cost"]
                if "cost" in bound
                else forms.SupportCostForm(prefix="cost", initial={"cost": trajectory.local_support_cost}),
            )
        return context

    def _is(self, stage, name) -> bool:
        return self.form_name == name and getattr(self, "stage", None) is not None and self.stage.pk == stage.pk


@method_decorator(never_cache, name="dispatch")
class TrajectoryDetailView(TrajectoryPageMixin, TemplateView):
    """Stages with their checklists, the progress group, cases, costs and summaries."""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(self.page_context())
        return context


@method_decorator(never_cache, name="dispatch")
class TrajectoryFormView(PageActionMixin, TrajectoryPageMixin, FormView):
    """One change on the page. Subclasses name the form and `act` (one service)."""

    http_method_names = View.http_method_names  # the edit views answer GET; the others say "post"
    needs = STEER
    errors_as_message = False  # a button without fields: a refusal is a message on the page

    def get_prefix(self):
        return self.form_name

    def get_page_url(self):
        return reverse("vision:trajectory_detail", kwargs={"trajectory": self.trajectory.pk})

    def get_page_context(self, form):
        return self.page_context(form=form)

    def form_invalid(self, form):
        if self.errors_as_message:
            for error in form.non_field_errors():
                messages.error(self.request, error)
            return redirect(self.get_success_url())
        return super().form_invalid(form)


# --- stages ------------------------------------------------------------------------------------


class StageMixin:
    @cached_property
    def stage(self) -> TrajectoryStage:
        return get_object_or_404(
            TrajectoryStage.objects.filter(trajectory=self.trajectory).select_related("trajectory__municipality"),
            pk=self.kwargs["stage"],
        )


class StageEditView(StageMixin, TrajectoryFormView):
    form_class = forms.StageForm
    form_name = "stage"
    success_message = _("The stage has been saved.")

    @property
    def anchor(self):
        return f"stage-{self.stage.pk}"

    def get_initial(self):
        return forms.StageForm.initial_for(self.stage)

    def act(self, data):
        stage_update(stage=self.stage, actor=self.request.user, **data)


class StageCompleteView(StageMixin, TrajectoryFormView):
    http_method_names = ["post"]
    form_class = forms.StageCompleteForm
    form_name = "complete"
    anchor = "stages"
    success_message = _("The stage has been completed and the next stage has started.")

    def act(self, data):
        stage_complete(stage=self.stage, actor=self.request.user, reason=data["reason"])


class StageChecklistView(StageMixin, TrajectoryFormView):
    """The whole checklist of a stage: one form, one button, one service call."""

    http_method_names = ["post"]
    form_class = forms.StageChecklistForm
    form_name = "checklist"
    errors_as_message = True

    @property
    def anchor(self):
        return f"stage-{self.stage.pk}"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "stage": self.stage}

    def form_invalid(self, form):
        for errors in form.errors.values():
            for error in errors:
                messages.error(self.request, error)
        return redirect(self.get_success_url())

    def act(self, data):
        changed = stage_checklist_save(stage=self.stage, done=data["done"], actor=self.request.user)
        self.success_message = _("The checklist has been saved.") if changed else _("The checklist has not changed.")


# --- the progress group ------------------------------------------------------------------------


class MemberMixin:
    @cached_property
    def member(self) -> ProgressGroupMember:
        return get_object_or_404(
            ProgressGroupMember.objects.filter(trajectory=self.trajectory).select_related("trajectory__municipality"),
            pk=self.kwargs["member"],
        )


class MemberAddView(TrajectoryFormView):
    form_class = forms.MemberForm
    form_name = "member"
    anchor = "progress-group"
    success_message = _("The member has been added to the progress group.")

    def act(self, data):
        member_add(trajectory=self.trajectory, actor=self.request.user, **data)


class MemberEditView(MemberMixin, TrajectoryFormView):
    form_class = forms.MemberForm
    form_name = "member"
    anchor = "progress-group"
    success_message = _("The member has been saved.")

    def get_initial(self):
        return forms.MemberForm.initial_for(self.member)

    def act(self, data):
        member_update(member=self.member, actor=self.request.user, **data)


class MemberLeaveView(MemberMixin, TrajectoryFormView):
    http_method_names = ["post"]
    form_class = forms.ConfirmForm
    form_name = "leave"
    anchor = "progress-group"
    errors_as_message = True
    success_message = _("The member has left the progress group.")

    def act(self, data):
        member_leave(member=self.member, actor=self.request.user)


# --- cases -------------------------------------------------------------------------------------


class CaseFormMixin:
    form_class = forms.CaseForm
    form_name = "case"
    anchor = "cases"

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "trajectory": self.trajectory,
            "user": self.request.user,
            "case": getattr(self, "case", None),
        }


class CaseAddView(CaseFormMixin, TrajectoryFormView):
    needs = ADD_CASE  # members of the progress group add cases too; changing one is steering
    success_message = _("The case has been added.")

    def act(self, data):
        case_add(trajectory=self.trajectory, actor=self.request.user, **data)


class CaseEditView(CaseFormMixin, TrajectoryFormView):
    success_message = _("The case has been saved.")

    @cached_property
    def case(self) -> Case:
        return get_object_or_404(
            Case.objects.filter(trajectory=self.trajectory).select_related("trajectory__municipality"),
            pk=self.kwargs["case"],
        )

    def get_initial(self):
        return forms.CaseForm.initial_for(self.case)

    def act(self, data):
        case_update(case=self.case, actor=self.request.user, **data)


# --- Democratie in Actie ------------------------------------------------------------------------


class TrajectoryCostView(TrajectoryFormView):
    http_method_names = ["post"]
    form_class = forms.SupportCostForm
    form_name = "cost"
    anchor = "costs"
    success_message = _("The cost of local support has been saved.")

    def act(self, data):
        trajectory_set_support_cost(trajectory=self.trajectory, cost=data["cost"], actor=self.request.user)
