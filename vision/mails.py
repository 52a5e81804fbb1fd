"""How meeting mails get their context at send time (registered for "vision/email/meeting_").

The outbox row holds only ids. The meeting is read when the mail leaves, so an invitation
sent late still carries the meeting's current time, place and SEQUENCE in its calendar file.
"""

from django.conf import settings
from django.urls import reverse

from notifications.builders import Built, register
from vision.calendar import meeting_ics_attachment
from vision.models import Meeting, ProgressGroupMember
from vision.services.meetings import TEMPLATE_MINUTES

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
    if mail.template in WITH_CALENDAR:
        built.attachments.append(meeting_ics_attachment(meeting, attendees=[(member.name, mail.to)]))
    elif mail.template == TEMPLATE_MINUTES:
        built.context["action_items"] = list(meeting.action_items.select_related("owner").order_by("due_date", "pk"))
    return built
