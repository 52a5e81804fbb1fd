"""Forms for meetings and action items. They validate input only; the services in
vision/services/meetings.py decide what is allowed."""

from datetime import date, datetime

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.forms import ModelMultipleChoiceField
from core.widgets import DateInput, TimeInput
from vision.constants import MeetingKind
from vision.models import ActionItem, Attendance, Meeting, ProgressGroupMember
from vision.services.meetings import active_members, invitable_members

# Dates outside this range are typing errors.
DATE_VALIDATORS = [MinValueValidator(date(2000, 1, 1)), MaxValueValidator(date(2100, 12, 31))]


def member_label(member: ProgressGroupMember) -> str:
    parts = [member.get_category_display()]
    if member.organisation:
        parts.append(member.organisation)
    return f"{member.name} – {', '.join(parts)}"


class MeetingForm(forms.Form):
    """When, where and what. The day and two times make one start and one end in Dutch time."""

    kind = forms.ChoiceField(label=_("Kind of meeting"), choices=MeetingKind.choices, widget=forms.RadioSelect)
    title = forms.CharField(label=_("Title"), max_length=200)
    day = forms.DateField(label=_("Date"), widget=DateInput, validators=DATE_VALIDATORS)
    start_time = forms.TimeField(label=_("Start time"), widget=TimeInput)
    end_time = forms.TimeField(label=_("End time"), widget=TimeInput)
    location = forms.CharField(
        label=_("Place"),
        max_length=200,
        required=False,
        help_text=_("For example the village hall and its address, or a link to an online meeting."),
    )
    agenda = forms.CharField(
        label=_("Agenda"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("The invited members see the agenda in their invitation and in their calendar."),
    )

    @staticmethod
    def initial_for(meeting: Meeting) -> dict:
        starts_at, ends_at = timezone.localtime(meeting.starts_at), timezone.localtime(meeting.ends_at)
        return {
            "kind": meeting.kind,
            "title": meeting.title,
            "day": starts_at.date(),
            "start_time": starts_at.time().replace(second=0, microsecond=0),
            "end_time": ends_at.time().replace(second=0, microsecond=0),
            "location": meeting.location,
            "agenda": meeting.agenda,
        }

    def clean(self):
        data = super().clean()
        day, start, end = data.get("day"), data.get("start_time"), data.get("end_time")
        if day and start and end:
            if end <= start:
                self.add_error("end_time", ValidationError(_("The meeting must end after it starts.")))
            else:
                data["starts_at"] = timezone.make_aware(datetime.combine(day, start))
                data["ends_at"] = timezone.make_aware(datetime.combine(day, end))
        return data

    def meeting_data(self) -> dict:
        """What the services take."""
        data = self.cleaned_data
        return {
            "kind": data["kind"],
            "title": data["title"],
            "starts_at": data["starts_at"],
            "ends_at": data["ends_at"],
            "location": data["location"],
            "agenda": data["agenda"],
        }


class InviteForm(forms.Form):
    """The active members with an email address who are not invited yet; all ticked at first."""

    members = ModelMultipleChoiceField(
        label=_("Who do you invite?"),
        queryset=ProgressGroupMember.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one member.")},
    )

    def __init__(self, *args, meeting: Meeting, **kwargs):
        invited = Attendance.objects.filter(meeting=meeting, invited_at__isnull=False).values("member_id")
        queryset = invitable_members(meeting.trajectory).exclude(pk__in=invited)
        kwargs["initial"] = {"members": [member.pk for member in queryset], **(kwargs.get("initial") or {})}
        super().__init__(*args, **kwargs)
        field = self.fields["members"]
        field.queryset = queryset
        field.label_from_instance = member_label


class AttendanceForm(forms.Form):
    """Everyone invited, plus the active members who were not: tick who came."""

    present = ModelMultipleChoiceField(
        label=_("Who came?"),
        queryset=ProgressGroupMember.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    def __init__(self, *args, meeting: Meeting, **kwargs):
        rows = Attendance.objects.filter(meeting=meeting)
        on_the_day = active_members(meeting.trajectory, today=timezone.localdate(meeting.starts_at))
        queryset = (
            ProgressGroupMember.objects.filter(trajectory=meeting.trajectory)
            .filter(Q(pk__in=rows.values("member_id")) | Q(pk__in=on_the_day.values("pk")))
            .order_by("name", "pk")
        )
        present = list(rows.filter(attended=True).values_list("member_id", flat=True))
        kwargs["initial"] = {"present": present, **(kwargs.get("initial") or {})}
        super().__init__(*args, **kwargs)
        field = self.fields["present"]
        field.queryset = queryset
        field.label_from_instance = member_label


class MinutesForm(forms.Form):
    """One text, two buttons: "Save as draft" (`DRAFT`) or "Publish and mail" (`PUBLISH`)."""

    DRAFT, PUBLISH = "draft", "publish"

    minutes = forms.CharField(
        label=_("Minutes"),
        max_length=20000,
        required=False,  # an empty draft is allowed; publishing refuses empty minutes
        widget=forms.Textarea(attrs={"rows": 14}),
        help_text=_(
            "What was discussed and agreed. A draft is only seen by the facilitator. When you publish, "
            "everyone who was invited or came gets the minutes by email. "
            "Put action items in the list below the minutes, so they can be followed up."
        ),
    )


class ActionItemForm(forms.Form):
    description = forms.CharField(label=_("Action"), max_length=300)
    owner = forms.ModelChoiceField(
        label=_("Who does it?"),
        queryset=ProgressGroupMember.objects.none(),
        required=False,
        empty_label=_("Nobody yet"),
    )
    due_date = forms.DateField(label=_("Due date"), required=False, widget=DateInput, validators=DATE_VALIDATORS)

    def __init__(self, *args, meeting: Meeting | None = None, item: ActionItem | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        trajectory = item.trajectory if item is not None else meeting.trajectory
        members = active_members(trajectory)
        if item is not None and item.owner_id:  # the owner stays a choice, even after leaving
            members = ProgressGroupMember.objects.filter(Q(pk__in=members.values("pk")) | Q(pk=item.owner_id))
            members = members.order_by("name", "pk")
        field = self.fields["owner"]
        field.queryset = members
        field.label_from_instance = member_label

    @staticmethod
    def initial_for(item: ActionItem) -> dict:
        return {"description": item.description, "owner": item.owner_id, "due_date": item.due_date}


class ActionItemDoneForm(forms.Form):
    done = forms.TypedChoiceField(
        choices=[("1", _("Done")), ("0", _("Not done"))], coerce=lambda value: value == "1", widget=forms.HiddenInput
    )


OPEN, OVERDUE, DONE = "open", "overdue", "done"


class ActionItemFilter(django_filters.FilterSet):
    """Filters for the action items of one trajectory (the view passes the trajectory's items)."""

    state = django_filters.ChoiceFilter(
        label=_("Show"),
        choices=[(OPEN, _("Open")), (OVERDUE, _("Overdue")), (DONE, _("Done"))],
        empty_label=_("All action items"),
        method="filter_state",
    )
    owner = django_filters.ModelChoiceFilter(
        label=_("Who does it"), queryset=ProgressGroupMember.objects.none(), empty_label=_("Everyone")
    )

    class Meta:
        model = ActionItem
        fields = ["state", "owner"]

    def __init__(self, *args, trajectory, today: date, **kwargs):
        self.today = today
        super().__init__(*args, **kwargs)
        field = self.filters["owner"]
        field.queryset = ProgressGroupMember.objects.filter(trajectory=trajectory).order_by("name", "pk")
        self.form.fields["owner"].label_from_instance = member_label

    def filter_state(self, queryset, name, value):
        if value == OPEN:
            return queryset.filter(done=False)
        if value == OVERDUE:
            return queryset.filter(done=False, due_date__lt=self.today)
        if value == DONE:
            return queryset.filter(done=True)
        return queryset
