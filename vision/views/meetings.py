"""Meetings of a trajectory and their action items (stage 4, "Bijeenkomsten", and intervisie).

Every view loads the trajectory through `TrajectoryMixin` (another association's trajectory
answers 404) and the meeting or action item from that trajectory only. Views that change
something set `needs = STEER` (only the facilitator and admins steer; members of the progress
group and officers read, and get 403) and call one service with `actor=request.user`, then
redirect (POST/redirect/GET).
"""

from functools import cached_property

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, F, Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.generic import FormView, TemplateView

from core.views import PageActionMixin, ServiceFormMixin
from vision.access import STEER, TrajectoryMixin
from vision.calendar import meeting_ics
from vision.constants import MeetingKind, RsvpAnswer
from vision.forms import meetings as forms
from vision.models import ActionItem, Attendance, Meeting
from vision.services.meetings import (
    PAST_NO_INVITATIONS,
    action_item_add,
    action_item_set_done,
    action_item_update,
    active_members,
    attendance_for_rsvp_token,
    meeting_invite,
    meeting_is_past,
    meeting_publish_minutes,
    meeting_record_attendance,
    meeting_rsvp,
    meeting_save_minutes_draft,
    meeting_schedule,
    meeting_update,
)


def meeting_url(meeting: Meeting, anchor: str = "") -> str:
    url = reverse("vision:meeting_detail", kwargs={"trajectory": meeting.trajectory_id, "meeting": meeting.pk})
    return f"{url}#{anchor}" if anchor else url


def action_items_ordered(queryset):
    """Open first, then by due date (no date last), then in the order they were added."""
    return queryset.order_by("done", F("due_date").asc(nulls_last=True), "pk")


class MeetingMixin(TrajectoryMixin):
    """Adds `self.meeting`: a meeting of this trajectory, or 404."""

    @cached_property
    def meeting(self) -> Meeting:
        meeting = get_object_or_404(
            Meeting.objects.visible_to(self.request.user).filter(trajectory=self.trajectory),
            pk=self.kwargs["meeting"],
        )
        meeting.trajectory = self.trajectory
        return meeting

    def get_context_data(self, **kwargs):
        return super().get_context_data(meeting=self.meeting, **kwargs)


# --- lists ----------------------------------------------------------------------------------


class MeetingListView(TrajectoryMixin, TemplateView):
    template_name = "vision/meeting_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        meetings = list(
            Meeting.objects.visible_to(self.request.user)
            .filter(trajectory=self.trajectory)
            .annotate(
                invited_count=Count("attendances", filter=Q(attendances__invited_at__isnull=False), distinct=True),
                present_count=Count("attendances", filter=Q(attendances__attended=True), distinct=True),
                open_action_count=Count("action_items", filter=Q(action_items__done=False), distinct=True),
            )
            .order_by("starts_at", "pk")
        )
        now = timezone.now()
        context.update(
            now=now,
            upcoming=[meeting for meeting in meetings if meeting.ends_at >= now],
            past=[meeting for meeting in meetings if meeting.ends_at < now][::-1],
        )
        return context


class ActionItemListView(TrajectoryMixin, TemplateView):
    """All action items of the trajectory, across its meetings: open first, overdue marked."""

    template_name = "vision/action_item_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        today = timezone.localdate()
        items = ActionItem.objects.visible_to(self.request.user).filter(trajectory=self.trajectory)
        counts = items.aggregate(
            open=Count("pk", filter=Q(done=False)),
            overdue=Count("pk", filter=Q(done=False, due_date__lt=today)),
            done=Count("pk", filter=Q(done=True)),
        )
        filterset = forms.ActionItemFilter(
            self.request.GET or None,
            queryset=action_items_ordered(items.select_related("owner", "meeting")),
            trajectory=self.trajectory,
            today=today,
        )
        rows = list(filterset.qs)
        for item in rows:
            item.is_overdue = not item.done and item.due_date is not None and item.due_date < today
            item.days_overdue = (today - item.due_date).days if item.is_overdue else 0
            item.done_form = forms.ActionItemDoneForm(initial={"done": "0" if item.done else "1"})
        can_manage_any = mark_manageable(rows, user=self.request.user, can_steer=self.can_steer)
        context.update(
            filter=filterset,
            items=rows,
            counts=counts,
            today=today,
            next_url=self.request.get_full_path(),
            can_manage_any=can_manage_any,
        )
        return context


# --- one meeting ----------------------------------------------------------------------------


class MeetingPageMixin(MeetingMixin):
    """The meeting's page, with its small forms; a refused form is shown on it with its errors."""

    template_name = "vision/meeting_detail.html"

    def page_context(self, bound: dict | None = None) -> dict:
        """The page's context, with `bound` forms (name -> form with errors) in place of empty ones."""
        bound = bound or {}
        meeting = self.meeting
        now = timezone.now()
        today = timezone.localdate()
        attendances = list(
            Attendance.objects.filter(meeting=meeting).select_related("member").order_by("member__name", "pk")
        )
        items = list(action_items_ordered(meeting.action_items.select_related("owner")))
        for item in items:
            item.is_overdue = not item.done and item.due_date is not None and item.due_date < today
            item.done_form = forms.ActionItemDoneForm(initial={"done": "0" if item.done else "1"})
        started = meeting.starts_at <= now
        invited_ids = {row.member_id for row in attendances if row.invited_at}
        members = list(active_members(self.trajectory))
        context = {
            **self.access_context(),
            "meeting": meeting,
            "attendances": attendances,
            "invited_count": len(invited_ids),
            "present_count": sum(1 for row in attendances if row.attended),
            "not_invited": [m for m in members if m.pk not in invited_ids and m.email],
            "without_email": [m for m in members if m.pk not in invited_ids and not m.email],
            "action_items": items,
            "can_manage_any": mark_manageable(items, user=self.request.user, can_steer=self.can_steer),
            "started": started,
            "has_errors": bool(bound),
            "next_url": meeting_url(meeting, "actions"),
        }
        if self.can_steer:
            if started:
                context["attendance_form"] = bound.get("attendance") or forms.AttendanceForm(meeting=meeting)
            context["action_item_form"] = bound.get("action_item") or forms.ActionItemForm(meeting=meeting)
        return context


@method_decorator(never_cache, name="dispatch")
class MeetingDetailView(MeetingPageMixin, View):
    def get(self, request, *args, **kwargs):
        return render(request, self.template_name, self.page_context())


class MeetingIcsView(MeetingMixin, View):
    """The meeting as a calendar file to download (METHOD:PUBLISH, the invitation's UID)."""

    def get(self, request, *args, **kwargs):
        meeting = self.meeting
        response = HttpResponse(meeting_ics(meeting, method="PUBLISH"), content_type="text/calendar; charset=utf-8")
        day = timezone.localtime(meeting.starts_at).date().isoformat()
        response["Content-Disposition"] = f'attachment; filename="bijeenkomst-{day}.ics"'
        response["Cache-Control"] = "no-store, private"
        return response


class MeetingCreateView(ServiceFormMixin, TrajectoryMixin, FormView):
    needs = STEER
    template_name = "vision/meeting_form.html"
    form_class = forms.MeetingForm
    success_message = gettext_lazy("The meeting has been scheduled. Now choose who you invite.")

    def get_initial(self):
        kind = self.request.GET.get("kind")
        return {"kind": kind} if kind in MeetingKind.values else {}

    def service_data(self, form):
        return form.meeting_data()

    def act(self, data):
        self.created = meeting_schedule(trajectory=self.trajectory, actor=self.request.user, **data)
        if meeting_is_past(self.created):
            self.success_message = _(
                "The meeting is in the past, so it has been recorded without invitations. "
                "You can now record who came and write the minutes."
            )

    def get_success_url(self):
        if meeting_is_past(self.created):
            return meeting_url(self.created)
        return reverse("vision:meeting_invite", kwargs={"trajectory": self.trajectory.pk, "meeting": self.created.pk})


class MeetingEditView(ServiceFormMixin, MeetingMixin, FormView):
    needs = STEER
    template_name = "vision/meeting_form.html"
    form_class = forms.MeetingForm

    def get_initial(self):
        return forms.MeetingForm.initial_for(self.meeting)

    def service_data(self, form):
        return form.meeting_data()

    def act(self, data):
        before = self.meeting.ical_sequence
        meeting = meeting_update(meeting=self.meeting, actor=self.request.user, **data)
        if meeting.ical_sequence != before:
            self.success_message = _("The meeting has moved. Everyone invited gets an updated invitation.")
        else:
            self.success_message = _("The meeting has been saved.")

    def get_success_url(self):
        return meeting_url(self.meeting)


class MeetingInviteView(ServiceFormMixin, MeetingMixin, FormView):
    needs = STEER
    template_name = "vision/meeting_invite.html"
    form_class = forms.InviteForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "meeting": self.meeting}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        members = list(active_members(self.trajectory))
        invited = list(
            Attendance.objects.filter(meeting=self.meeting, invited_at__isnull=False)
            .select_related("member")
            .order_by("member__name", "pk")
        )
        invited_ids = {row.member_id for row in invited}
        context.update(
            is_past=meeting_is_past(self.meeting),
            past_message=PAST_NO_INVITATIONS,
            invited=invited,
            without_email=[member for member in members if not member.email and member.pk not in invited_ids],
        )
        return context

    def act(self, data):
        invited = meeting_invite(meeting=self.meeting, members=data["members"], actor=self.request.user)
        self.success_message = ngettext(
            "%(count)s invitation is being sent.", "%(count)s invitations are being sent.", len(invited)
        ) % {"count": len(invited)}

    def get_success_url(self):
        return meeting_url(self.meeting, "invited")


class MeetingMinutesView(ServiceFormMixin, MeetingMixin, FormView):
    """Write the minutes: save them as a draft, or publish and mail them (the button says which)."""

    needs = STEER
    template_name = "vision/meeting_minutes.html"
    form_class = forms.MinutesForm

    def get_initial(self):
        meeting = self.meeting
        return {"minutes": meeting.minutes_draft or meeting.minutes}

    def get_context_data(self, **kwargs):
        return super().get_context_data(started=self.meeting.starts_at <= timezone.now(), **kwargs)

    def act(self, data):
        meeting, actor = self.meeting, self.request.user
        if self.request.POST.get("action") == forms.MinutesForm.DRAFT:
            meeting_save_minutes_draft(meeting=meeting, minutes=data["minutes"], actor=actor)
            self.success_message = _("The minutes have been saved as a draft. Only you see them; nobody got a mail.")
        else:
            meeting_publish_minutes(meeting=meeting, minutes=data["minutes"], actor=actor)
            self.success_message = _("The minutes have been published and mailed to the members.")

    def get_success_url(self):
        return meeting_url(self.meeting, "minutes")


@method_decorator(never_cache, name="dispatch")
class MeetingActionView(PageActionMixin, MeetingPageMixin, FormView):
    """A form on the meeting's page: POST only; a refusal shows the page with the form's errors."""

    needs = STEER
    name = ""  # the form's name on the page

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "meeting": self.meeting}

    def get_page_url(self):
        return meeting_url(self.meeting)

    def get_page_context(self, form):
        return self.page_context({self.name: form})


class MeetingAttendanceView(MeetingActionView):
    form_class = forms.AttendanceForm
    name, anchor = "attendance", "invited"
    success_message = gettext_lazy("Attendance has been saved.")

    def act(self, data):
        meeting_record_attendance(meeting=self.meeting, present=data["present"], actor=self.request.user)


class ActionItemAddView(MeetingActionView):
    form_class = forms.ActionItemForm
    name, anchor = "action_item", "actions"
    success_message = gettext_lazy("The action item has been added.")

    def act(self, data):
        action_item_add(meeting=self.meeting, actor=self.request.user, **data)


def owns_item(user, item: ActionItem) -> bool:
    """The user is the item's owner, a current member with this account (`can_manage_action_item`
    without the steering part, which the views know already: no query per item)."""
    owner = item.owner
    return owner is not None and owner.user_id == user.pk and owner.left_on is None


def mark_manageable(items, *, user, can_steer: bool) -> bool:
    """Sets `can_manage` on each item; True when the user may change at least one of them."""
    for item in items:
        item.can_manage = can_steer or owns_item(user, item)
    return any(item.can_manage for item in items)


class ActionItemMixin(TrajectoryMixin):
    """Adds `self.item`: an action item of this trajectory that the user may change.

    Those who steer find every item of the trajectory (404 for another's or a missing one).
    Anyone else finds only the items they own as a current member; every other item answers
    403, as a steering page does to them.
    """

    @cached_property
    def item(self) -> ActionItem:
        items = ActionItem.objects.visible_to(self.request.user).filter(trajectory=self.trajectory)
        if self.can_steer:
            item = get_object_or_404(items.select_related("owner"), pk=self.kwargs["item"])
        else:
            owned = items.filter(owner__user=self.request.user, owner__left_on__isnull=True)
            item = owned.select_related("owner").filter(pk=self.kwargs["item"]).first()
            if item is None:
                raise PermissionDenied
        item.trajectory = self.trajectory
        return item

    def get(self, request, *args, **kwargs):
        self.item  # noqa: B018 - may the user change it? (404 or 403 first)
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        self.item  # noqa: B018 - may the user change it? (404 or 403 first)
        return super().post(request, *args, **kwargs)

    def get_success_url(self):
        target = self.request.POST.get("next") or self.request.GET.get("next", "")
        if url_has_allowed_host_and_scheme(target, {self.request.get_host()}, self.request.is_secure()):
            return target
        return reverse("vision:action_item_list", kwargs={"trajectory": self.trajectory.pk})


class ActionItemDoneView(ServiceFormMixin, ActionItemMixin, FormView):
    """Mark an action item done or open again; back to the page it was done from."""

    http_method_names = ["post"]
    form_class = forms.ActionItemDoneForm

    def act(self, data):
        done = data["done"]
        action_item_set_done(item=self.item, done=done, actor=self.request.user)
        self.success_message = (
            _("The action item is marked as done.") if done else _("The action item is marked as open again.")
        )

    def form_invalid(self, form):
        messages.error(self.request, _("The action item could not be changed. Please try again."))
        return redirect(self.get_success_url())


@method_decorator(never_cache, name="dispatch")
class ActionItemEditView(ServiceFormMixin, ActionItemMixin, FormView):
    """Change an action item: what, who and when; it can be closed from here too."""

    template_name = "vision/action_item_form.html"
    form_class = forms.ActionItemForm
    success_message = gettext_lazy("The action item has been saved.")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "item": self.item}

    def get_initial(self):
        return forms.ActionItemForm.initial_for(self.item)

    def get_context_data(self, **kwargs):
        next_url = self.get_success_url()
        return super().get_context_data(item=self.item, next_url=next_url, **kwargs)

    def act(self, data):
        action_item_update(item=self.item, actor=self.request.user, **data)


# --- the member's answer link (no account) ----------------------------------------------------

# The link in the mail says which answer was clicked, in Dutch as the mail's URLs are.
RSVP_LINK_ANSWERS = {"ja": RsvpAnswer.YES, "nee": RsvpAnswer.NO}


@method_decorator(never_cache, name="dispatch")
class MeetingRsvpView(TemplateView):
    """The member's answer to an invitation through the personal link in the mail, without an
    account. A GET only shows the question with a button (mail scanners open links); the POST
    records the answer. A wrong or forged link answers 404."""

    template_name = "vision/meeting_rsvp.html"

    def dispatch(self, request, *args, **kwargs):
        self.attendance = get_object_or_404(
            attendance_for_rsvp_token(kwargs["token"]).select_related("meeting__trajectory__municipality", "member")
        )
        self.meeting = self.attendance.meeting
        response = super().dispatch(request, *args, **kwargs)
        response["Cache-Control"] = "no-store, private"
        response["X-Robots-Tag"] = "noindex, nofollow"
        return response

    def get_context_data(self, **kwargs):
        trajectory = self.meeting.trajectory
        chosen = RSVP_LINK_ANSWERS.get(self.request.GET.get("antwoord", ""))
        return super().get_context_data(
            attendance=self.attendance,
            meeting=self.meeting,
            trajectory=trajectory,
            municipality=trajectory.municipality,
            member=self.attendance.member,
            started=meeting_is_past(self.meeting),
            chosen=chosen,
            chosen_label=RsvpAnswer(chosen).label if chosen else "",
            answers=RsvpAnswer.choices,
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        try:
            meeting_rsvp(attendance=self.attendance, answer=request.POST.get("answer", ""))
        except ValidationError as error:
            return self.render_to_response(self.get_context_data(error=" ".join(error.messages)))
        messages.success(request, _("Thank you. Your answer has been saved."))
        return redirect(request.path)
