"""How meeting mails get their context at send time (registered for "vision/email/meeting_").

The outbox row holds only ids. The meeting is read when the mail leaves, so an invitation
sent late still carries the meeting's current time, place and SEQUENCE in its calendar file.
"""

from django.conf import settings
from django.urls import reverse

from notifications.builders import Built, register
from vision.calendar import meeting_ics_attachment
from vision.models import Attendance, Meeting, ProgressGroupMember
from vision.services.meetings import TEMPLATE_MINUTES, meeting_is_past, rsvp_token

# Mails that carry the calendar file: everything but the minutes.
WITH_CALENDAR = {"vision/email/meeting_invitation", "vision/email/meeting_moved", "vision/email/meeting_reminder"}


def meeting_contact(meeting: Meeting) -> dict:
    """Who a member can reach with questions: the trajectory's facilitator, else the municipality."""
    trajectory = meeting.trajectory
    facilitator = trajectory.facilitator
    if facilitator is not None and facilitator.is_active:
        user = facilitator.user
        return {"name": user.get_full_name() or user.get_username(), "email": user.email, "phone": facilitator.phone}
    municipality = trajectory.municipality
    return {"name": municipality.name, "email": municipality.contact_email, "phone": municipality.contact_phone}


def meeting_organizer(meeting: Meeting) -> tuple[str, str] | None:
    """(name, email) of the trajectory's active facilitator: the invitation's organizer, to whom
    answers go. None without one (the platform then organizes)."""
    facilitator = meeting.trajectory.facilitator
    if facilitator is None or not facilitator.is_active or not facilitator.user.email:
        return None
    user = facilitator.user
    return user.get_full_name() or user.get_username(), user.email


def rsvp_urls(attendance: Attendance) -> dict:
    """The member's two answer links ("I will come" / "I will not come")."""
    url = settings.SITE_URL + reverse("vision:meeting_rsvp", kwargs={"token": rsvp_token(attendance)})
    return {"yes": f"{url}?antwoord=ja", "no": f"{url}?antwoord=nee"}


@register("vision/email/meeting_")
def build_meeting_mail(mail) -> Built:
    meeting = Meeting.objects.select_related("trajectory__municipality", "trajectory__facilitator__user").get(
        pk=mail.context["meeting"]
    )
    member = ProgressGroupMember.objects.get(pk=mail.context["member"])
    built = Built(
        context={
            "meeting": meeting,
            "member": member,
            "trajectory": meeting.trajectory,
            "municipality": meeting.trajectory.municipality,
            "contact": meeting_contact(meeting),
        }
    )
    if member.user_id:
        built.context["meeting_url"] = settings.SITE_URL + reverse(
            "vision:meeting_detail", kwargs={"trajectory": meeting.trajectory_id, "meeting": meeting.pk}
        )
    contact = built.context["contact"]
    if contact["email"]:
        built.reply_to = [contact["email"]]
    if mail.template in WITH_CALENDAR:
        built.attachments.append(
            meeting_ics_attachment(meeting, attendees=[(member.name, mail.to)], organizer=meeting_organizer(meeting))
        )
        attendance = Attendance.objects.filter(meeting=meeting, member=member, invited_at__isnull=False).first()
        if attendance is not None and not meeting_is_past(meeting):
            built.context["rsvp_urls"] = rsvp_urls(attendance)
    elif mail.template == TEMPLATE_MINUTES:
        built.context["action_items"] = list(meeting.action_items.select_related("owner").order_by("due_date", "pk"))
    return built
