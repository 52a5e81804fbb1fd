"""Meetings of a VO trajectory: invitations with a calendar file that follows the meeting,
attendance, minutes to the members, reminders two days before, and action items."""

from datetime import datetime, time, timedelta

import pytest
from django.conf import settings
from django.core import mail, signing
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from icalendar import Calendar

from audit.models import AuditLogEntry
from core.exceptions import NotAllowed
from notifications.models import OutboxMail
from notifications.services import outbox_deliver
from tests.municipalities.factories import OfficerMembershipFactory, two_municipalities
from tests.vision.factories import (
    ActionItemFactory,
    AttendanceFactory,
    FacilitatorFactory,
    MeetingFactory,
    ProgressGroupMemberFactory,
    TrajectoryFactory,
)
from vision.calendar import meeting_ics
from vision.constants import MeetingKind
from vision.models import ActionItem, Attendance, Meeting, ProgressGroupMember
from vision.services.meetings import (
    PAST_NO_INVITATIONS,
    action_item_add,
    action_item_set_done,
    action_item_update,
    meeting_invite,
    meeting_publish_minutes,
    meeting_record_attendance,
    meeting_save_minutes_draft,
    meeting_schedule,
    meeting_send_reminders,
    meeting_update,
)
from vision.tasks import meeting_reminders

pytestmark = pytest.mark.django_db

MEETING_TEMPLATES = "vision/email/meeting_"


# --- fixtures and helpers -------------------------------------------------------------------


@pytest.fixture
def tenants():
    return two_municipalities()


@pytest.fixture
def facilitator(tenants):
    return FacilitatorFactory(association=tenants.provincial)


@pytest.fixture
def trajectory(tenants, facilitator):
    return TrajectoryFactory(municipality=tenants.a, facilitator=facilitator)


@pytest.fixture
def members(trajectory):
    """Three active members with an email address."""
    return [ProgressGroupMemberFactory(trajectory=trajectory, name=name) for name in ("Anna", "Bram", "Cor")]


@pytest.fixture
def no_email_member(trajectory):
    return ProgressGroupMemberFactory(trajectory=trajectory, name="Dirk", email="")


@pytest.fixture
def left_member(trajectory):
    return ProgressGroupMemberFactory(trajectory=trajectory, name="Els", left_on=timezone.localdate() - timedelta(1))


@pytest.fixture
def actor(facilitator):
    return facilitator.user


def local(day, hour, minute=0):
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def future(days=14, hour=19, minute=30):
    return local(timezone.localdate() + timedelta(days=days), hour, minute)


def schedule(trajectory, actor, *, starts_at=None, **extra):
    starts_at = starts_at or future()
    data = {
        "kind": MeetingKind.PROGRESS_GROUP,
        "title": "Voortgangsgroep",
        "starts_at": starts_at,
        "ends_at": starts_at + timedelta(hours=2),
        "location": "Dorpshuis De Linde, Elburg",
        "agenda": "1. Opening\n2. Cases",
        **extra,
    }
    return meeting_schedule(trajectory=trajectory, actor=actor, **data)


def past_meeting(trajectory, **kwargs):
    starts_at = timezone.now().replace(microsecond=0) - timedelta(days=1)
    return MeetingFactory(trajectory=trajectory, starts_at=starts_at, ends_at=starts_at + timedelta(hours=2), **kwargs)


def meeting_url_of(meeting):
    return reverse("vision:meeting_detail", kwargs={"trajectory": meeting.trajectory_id, "meeting": meeting.pk})


def event_of(message):
    """The VEVENT of the message's calendar attachment (and the calendar's METHOD)."""
    attachments = [a for a in message.attachments if a.filename.endswith(".ics")]
    assert len(attachments) == 1
    assert attachments[0].mimetype.startswith("text/calendar")
    calendar = Calendar.from_ical(attachments[0].content)
    (event,) = calendar.walk("VEVENT")
    return calendar, event


def meeting_mails(template=None):
    rows = OutboxMail.objects.filter(template__startswith=MEETING_TEMPLATES)
    return rows.filter(template=f"vision/email/meeting_{template}") if template else rows


# --- the calendar file ----------------------------------------------------------------------


class MeetingIcsTests:
    def test_has_stable_uid_on_the_sites_host_sequence_times_in_utc_and_the_platform_as_organizer(
        self, settings, trajectory
    ):
        settings.SITE_URL = "https://dorpen.example.nl"
        settings.DEFAULT_FROM_EMAIL = "Dorpsinitiatief <noreply@dorpen.example.nl>"
        meeting = MeetingFactory(trajectory=trajectory, agenda="1. Opening", location="Dorpshuis")
        meeting.ical_sequence = 3

        calendar = Calendar.from_ical(meeting_ics(meeting))
        (event,) = calendar.walk("VEVENT")

        assert calendar["METHOD"] == "REQUEST" and calendar["VERSION"] == "2.0" and calendar["PRODID"]
        assert str(event["UID"]) == f"{meeting.ical_uid}@dorpen.example.nl"
        assert event["SEQUENCE"] == 3
        assert event.decoded("DTSTART") == meeting.starts_at
        assert event.decoded("DTSTART").utcoffset() == timedelta(0)
        assert event.decoded("DTEND") == meeting.ends_at
        assert str(event["SUMMARY"]) == meeting.title
        assert str(event["LOCATION"]) == "Dorpshuis"
        assert str(event["DESCRIPTION"]) == "1. Opening"
        assert str(event["ORGANIZER"]) == "mailto:noreply@dorpen.example.nl"
        assert "DTSTAMP" in event

    def test_download_is_a_publishable_calendar_file_of_the_same_event(self, client, actor, trajectory):
        meeting = MeetingFactory(trajectory=trajectory)
        client.force_login(actor)

        response = client.get(
            reverse("vision:meeting_ics", kwargs={"trajectory": trajectory.pk, "meeting": meeting.pk})
        )

        assert response.status_code == 200
        assert response["Content-Type"].startswith("text/calendar")
        assert "attachment" in response["Content-Disposition"]
        calendar = Calendar.from_ical(response.content)
        (event,) = calendar.walk("VEVENT")
        assert calendar["METHOD"] == "PUBLISH"
        assert str(event["UID"]).startswith(str(meeting.ical_uid))


# --- scheduling, inviting, moving -----------------------------------------------------------


class MeetingInviteTests:
    def test_each_member_with_email_gets_one_invitation_with_the_calendar_file(
        self, django_capture_on_commit_callbacks, trajectory, actor, members, no_email_member
    ):
        with django_capture_on_commit_callbacks(execute=True):
            meeting = schedule(trajectory, actor)
            invited = meeting_invite(meeting=meeting, members=members, actor=actor)

        assert len(invited) == 3
        rows = meeting_mails("invitation")
        assert sorted(rows.values_list("to", flat=True)) == sorted(m.email for m in members)
        assert all(row.language == "nl" for row in rows)
        assert sorted(m.to[0] for m in mail.outbox) == sorted(m.email for m in members)
        for message in mail.outbox:
            calendar, event = event_of(message)
            assert calendar["METHOD"] == "REQUEST"
            assert str(event["UID"]).startswith(f"{meeting.ical_uid}@")
            assert event["SEQUENCE"] == 0
            assert event.decoded("DTSTART") == meeting.starts_at
            assert str(event["ATTENDEE"]) == f"mailto:{message.to[0]}"
            assert meeting.title in message.body
        assert all(row.invited_at for row in Attendance.objects.filter(meeting=meeting))
        assert AuditLogEntry.objects.filter(action="meeting.invite", municipality=trajectory.municipality).count() == 1
        assert AuditLogEntry.objects.filter(action="meeting.schedule", object_id=str(meeting.pk)).exists()

    def test_inviting_twice_mails_nobody_twice(self, django_capture_on_commit_callbacks, trajectory, actor, members):
        meeting = schedule(trajectory, actor)
        with django_capture_on_commit_callbacks(execute=True):
            meeting_invite(meeting=meeting, members=members[:2], actor=actor)
        with django_capture_on_commit_callbacks(execute=True):
            again = meeting_invite(meeting=meeting, members=members, actor=actor)

        assert [a.member for a in again] == [members[2]]
        assert meeting_mails("invitation").count() == 3
        assert sorted(m.to[0] for m in mail.outbox) == sorted(m.email for m in members)

    def test_refuses_members_without_email_who_left_or_of_another_trajectory(
        self, trajectory, actor, members, no_email_member, left_member
    ):
        meeting = schedule(trajectory, actor)
        stranger = ProgressGroupMemberFactory()
        for member in (no_email_member, left_member, stranger):
            with pytest.raises(ValidationError):
                meeting_invite(meeting=meeting, members=[members[0], member], actor=actor)
        assert not Attendance.objects.filter(meeting=meeting).exists()
        assert not meeting_mails().exists()

    def test_someone_without_rights_cannot_schedule(self, trajectory, tenants):
        officer = OfficerMembershipFactory(municipality=tenants.a)
        with pytest.raises(NotAllowed):
            schedule(trajectory, officer.user)
        assert not Meeting.objects.exists()

    def test_a_mail_sent_late_carries_the_meetings_current_time(
        self, django_capture_on_commit_callbacks, trajectory, actor, members
    ):
        """The calendar file is built when the mail leaves, not when it was enqueued."""
        meeting = schedule(trajectory, actor)
        meeting_invite(meeting=meeting, members=members[:1], actor=actor)  # not sent: callbacks not run
        new_start = future(days=20)
        with django_capture_on_commit_callbacks(execute=True):
            meeting_update(meeting=meeting, actor=actor, starts_at=new_start, ends_at=new_start + timedelta(hours=1))
        invitation = meeting_mails("invitation").get()
        outbox_deliver(mail_id=invitation.pk)
        sequences = {event_of(m)[1]["SEQUENCE"] for m in mail.outbox}
        starts = {event_of(m)[1].decoded("DTSTART") for m in mail.outbox}
        assert sequences == {1} and starts == {new_start}


class MeetingRsvpTests:
    """Issue 13: the facilitator organizes (Reply-To and ORGANIZER), each member answers yes or
    no through a personal link in the mail, and the meeting page shows the answers."""

    @pytest.fixture
    def invited(self, django_capture_on_commit_callbacks, client, trajectory, actor, members):
        meeting = schedule(trajectory, actor)
        client.force_login(actor)
        url = reverse("vision:meeting_invite", kwargs={"trajectory": trajectory.pk, "meeting": meeting.pk})
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(url, {"members": [m.pk for m in members]})
        assert response.status_code == 302
        client.logout()
        return meeting

    @staticmethod
    def message_to(member):
        (message,) = [m for m in mail.outbox if m.to == [member.email]]
        return message

    @staticmethod
    def link(message, label):
        """The answer link after `label` in the mail's text, as a path with its query."""
        (line,) = [line for line in message.body.splitlines() if line.startswith(label)]
        return line.split(" ", maxsplit=len(label.split()))[-1].removeprefix(settings.SITE_URL)

    def test_mail_replies_to_the_facilitator_who_organizes_and_asks_each_member_to_answer(
        self, invited, facilitator, members
    ):
        user = facilitator.user
        for member in members:
            message = self.message_to(member)
            assert message.reply_to == [user.email]
            _, event = event_of(message)
            assert str(event["ORGANIZER"]) == f"mailto:{user.email}"
            assert str(event["ORGANIZER"].params["CN"]) == user.get_full_name()
            attendee = event["ATTENDEE"]
            assert str(attendee) == f"mailto:{member.email}"
            assert attendee.params["PARTSTAT"] == "NEEDS-ACTION" and attendee.params["RSVP"] == "TRUE"
            html = message.alternatives[0][0]
            assert "Ik kom</a>" in html and "Ik kom niet</a>" in html
            assert "antwoord=ja" in self.link(message, "Ik kom:")
            assert "antwoord=nee" in self.link(message, "Ik kom niet:")

    def test_the_link_answers_only_on_post_and_answering_again_changes_the_answer(self, client, invited, members):
        message = self.message_to(members[0])
        yes, no = self.link(message, "Ik kom:"), self.link(message, "Ik kom niet:")
        attendance = Attendance.objects.get(meeting=invited, member=members[0])

        shown = client.get(yes)  # what a mail scanner does
        assert shown.status_code == 200
        assert "Bevestig: Ik kom" in shown.content.decode()
        assert "no-store" in shown["Cache-Control"]
        attendance.refresh_from_db()
        assert attendance.rsvp == "" and attendance.rsvp_at is None

        path = yes.split("?")[0]
        assert client.post(path, {"answer": "yes"}).status_code == 302
        attendance.refresh_from_db()
        assert attendance.rsvp == "yes" and attendance.rsvp_at is not None

        assert client.get(no).status_code == 200
        assert client.post(no.split("?")[0], {"answer": "no"}).status_code == 302
        attendance.refresh_from_db()
        assert attendance.rsvp == "no"
        other = Attendance.objects.get(meeting=invited, member=members[1])
        assert other.rsvp == ""

    def test_a_wrong_or_forged_link_answers_404(self, client, invited, members):
        path = self.link(self.message_to(members[0]), "Ik kom:").split("?")[0]
        token = path.rstrip("/").rsplit("/", 1)[-1]
        for bad in (token[:-2] + ("aa" if not token.endswith("aa") else "bb"), "onzin", signing.dumps([1, 1])):
            url = reverse("vision:meeting_rsvp", kwargs={"token": bad})
            assert client.get(url).status_code == 404
            assert client.post(url, {"answer": "yes"}).status_code == 404
        assert not Attendance.objects.exclude(rsvp="").exists()

    def test_no_answer_after_the_meeting_started(self, client, invited, members):
        path = self.link(self.message_to(members[0]), "Ik kom:").split("?")[0]
        Meeting.objects.filter(pk=invited.pk).update(
            starts_at=timezone.now() - timedelta(hours=1), ends_at=timezone.now() + timedelta(hours=1)
        )
        response = client.post(path, {"answer": "yes"})
        assert response.status_code == 200
        assert not Attendance.objects.exclude(rsvp="").exists()

    def test_the_meeting_page_shows_each_members_answer(self, client, invited, actor, members):
        for member, answer in ((members[0], "yes"), (members[1], "no")):
            path = self.link(self.message_to(member), "Ik kom:").split("?")[0]
            client.post(path, {"answer": answer})
        client.force_login(actor)

        page = client.get(meeting_url_of(invited)).content.decode()

        def cell(member):
            start = page.index(f'id="rsvp-{member.pk}"')
            return page[start : page.index("</td>", start)]

        assert "Ik kom<" in cell(members[0]) or cell(members[0]).endswith("Ik kom")
        assert "Ik kom niet" in cell(members[1])
        assert "Nog geen antwoord" in cell(members[2])


class PastMeetingTests:
    """A meeting in the past is recorded, never planned with invitations."""

    def create(self, client, trajectory, day):
        return client.post(
            reverse("vision:meeting_create", kwargs={"trajectory": trajectory.pk}),
            {
                "kind": MeetingKind.PROGRESS_GROUP,
                "title": "Voortgangsgroep januari",
                "day": day.isoformat(),
                "start_time": "19:30",
                "end_time": "21:30",
            },
            follow=True,
        )

    def test_recording_a_past_meeting_goes_to_its_page_without_invitations(
        self, django_capture_on_commit_callbacks, client, actor, trajectory, members
    ):
        client.force_login(actor)

        with django_capture_on_commit_callbacks(execute=True):
            response = self.create(client, trajectory, timezone.localdate() - timedelta(days=7))

        meeting = Meeting.objects.get()
        assert response.redirect_chain[-1][0] == reverse(
            "vision:meeting_detail", kwargs={"trajectory": trajectory.pk, "meeting": meeting.pk}
        )
        (message,) = response.context["messages"]
        assert "zonder uitnodigingen" in str(message)  # Dutch, the platform's language
        assert str(message) in response.content.decode()
        assert not Attendance.objects.filter(meeting=meeting).exists()
        assert not meeting_mails().exists() and mail.outbox == []
        invite_url = reverse("vision:meeting_invite", kwargs={"trajectory": trajectory.pk, "meeting": meeting.pk})
        assert invite_url not in response.content.decode()

    def test_the_invite_form_of_a_past_meeting_says_why_and_refuses_a_post(self, client, actor, trajectory, members):
        meeting = past_meeting(trajectory)
        url = reverse("vision:meeting_invite", kwargs={"trajectory": trajectory.pk, "meeting": meeting.pk})
        client.force_login(actor)

        page = client.get(url)
        assert page.status_code == 200
        assert 'id="past-meeting"' in page.content.decode()
        assert str(PAST_NO_INVITATIONS) in page.content.decode()
        assert 'name="members"' not in page.content.decode()

        refused = client.post(url, {"members": [m.pk for m in members]})
        assert refused.status_code == 200
        assert str(PAST_NO_INVITATIONS) in refused.content.decode()
        assert not Attendance.objects.filter(meeting=meeting).exists()
        assert not meeting_mails().exists()

    def test_the_service_refuses_invitations_for_a_meeting_that_has_started(self, trajectory, actor, members):
        meeting = past_meeting(trajectory)

        with pytest.raises(ValidationError) as refused:
            meeting_invite(meeting=meeting, members=members, actor=actor)

        assert refused.value.messages == [str(PAST_NO_INVITATIONS)]

        assert not Attendance.objects.filter(meeting=meeting).exists()
        assert not meeting_mails().exists()


class MeetingMoveTests:
    @pytest.fixture
    def invited_meeting(self, django_capture_on_commit_callbacks, trajectory, actor, members):
        with django_capture_on_commit_callbacks(execute=True):
            meeting = schedule(trajectory, actor)
            meeting_invite(meeting=meeting, members=members, actor=actor)
        mail.outbox.clear()
        return meeting

    def test_moving_mails_everyone_invited_the_updated_event_with_a_higher_sequence(
        self, django_capture_on_commit_callbacks, invited_meeting, actor, members
    ):
        new_start = future(days=21, hour=20)
        with django_capture_on_commit_callbacks(execute=True):
            meeting = meeting_update(
                meeting=invited_meeting, actor=actor, starts_at=new_start, ends_at=new_start + timedelta(hours=2)
            )

        assert meeting.ical_sequence == 1
        assert meeting_mails("moved").count() == 3
        assert sorted(m.to[0] for m in mail.outbox) == sorted(m.email for m in members)
        for message in mail.outbox:
            _, event = event_of(message)
            assert str(event["UID"]).startswith(f"{invited_meeting.ical_uid}@")
            assert event["SEQUENCE"] == 1
            assert event.decoded("DTSTART") == new_start
        assert AuditLogEntry.objects.filter(action="meeting.move", object_id=str(meeting.pk)).count() == 1

    def test_a_new_place_is_a_move_too_and_each_move_mails_again(
        self, django_capture_on_commit_callbacks, invited_meeting, actor
    ):
        with django_capture_on_commit_callbacks(execute=True):
            meeting_update(meeting=invited_meeting, actor=actor, location="Gemeentehuis")
        with django_capture_on_commit_callbacks(execute=True):
            meeting = meeting_update(meeting=invited_meeting, actor=actor, location="Dorpshuis")

        assert meeting.ical_sequence == 2
        assert meeting_mails("moved").count() == 6
        assert sorted(event_of(m)[1]["SEQUENCE"] for m in mail.outbox) == [1, 1, 1, 2, 2, 2]

    def test_saving_without_a_change_mails_nobody(self, django_capture_on_commit_callbacks, invited_meeting, actor):
        same = {
            "kind": invited_meeting.kind,
            "title": invited_meeting.title,
            "starts_at": invited_meeting.starts_at,
            "ends_at": invited_meeting.ends_at,
            "location": invited_meeting.location,
            "agenda": invited_meeting.agenda,
        }
        with django_capture_on_commit_callbacks(execute=True):
            meeting = meeting_update(meeting=invited_meeting, actor=actor, **same)

        assert meeting.ical_sequence == 0
        assert mail.outbox == [] and not meeting_mails("moved").exists()
        assert not AuditLogEntry.objects.filter(action__in=["meeting.move", "meeting.update"]).exists()

    def test_a_new_title_or_agenda_is_saved_without_a_mail(
        self, django_capture_on_commit_callbacks, invited_meeting, actor
    ):
        with django_capture_on_commit_callbacks(execute=True):
            meeting = meeting_update(meeting=invited_meeting, actor=actor, title="Nieuwe titel", agenda="1. Alles")

        meeting.refresh_from_db()
        assert (meeting.title, meeting.agenda, meeting.ical_sequence) == ("Nieuwe titel", "1. Alles", 0)
        assert mail.outbox == []
        assert AuditLogEntry.objects.filter(action="meeting.update").count() == 1

    def test_a_meeting_cannot_end_before_it_starts(self, invited_meeting, actor):
        with pytest.raises(ValidationError):
            meeting_update(meeting=invited_meeting, actor=actor, ends_at=invited_meeting.starts_at)
        invited_meeting.refresh_from_db()
        assert invited_meeting.ical_sequence == 0


# --- attendance and minutes -----------------------------------------------------------------


class AttendanceTests:
    def test_records_who_came_and_who_did_not_including_someone_not_invited(self, trajectory, actor, members):
        meeting = past_meeting(trajectory)
        for member in members[:2]:
            AttendanceFactory(meeting=meeting, member=member)

        meeting_record_attendance(meeting=meeting, present=[members[0], members[2]], actor=actor)

        rows = {row.member_id: row for row in Attendance.objects.filter(meeting=meeting)}
        assert rows[members[0].pk].attended is True
        assert rows[members[1].pk].attended is False
        assert rows[members[2].pk].attended is True and rows[members[2].pk].invited_at is None
        assert AuditLogEntry.objects.filter(action="meeting.attendance", municipality=trajectory.municipality).exists()

    def test_not_before_the_meeting_starts(self, trajectory, actor, members):
        meeting = MeetingFactory(trajectory=trajectory)
        with pytest.raises(ValidationError):
            meeting_record_attendance(meeting=meeting, present=members, actor=actor)

    def test_through_the_page(self, client, actor, trajectory, members):
        meeting = past_meeting(trajectory)
        AttendanceFactory(meeting=meeting, member=members[0])
        client.force_login(actor)

        response = client.post(
            reverse("vision:meeting_attendance", kwargs={"trajectory": trajectory.pk, "meeting": meeting.pk}),
            {"present": [members[0].pk, members[1].pk]},
        )

        assert response.status_code == 302
        assert set(Attendance.objects.filter(meeting=meeting, attended=True).values_list("member", flat=True)) == {
            members[0].pk,
            members[1].pk,
        }


class MinutesTests:
    def test_published_minutes_are_mailed_to_the_invited_members(
        self, django_capture_on_commit_callbacks, trajectory, actor, members, no_email_member
    ):
        meeting = past_meeting(trajectory)
        for member in [*members[:2], no_email_member]:
            AttendanceFactory(meeting=meeting, member=member)
        ActionItemFactory(trajectory=trajectory, meeting=meeting, description="Cases verzamelen", owner=members[0])

        with django_capture_on_commit_callbacks(execute=True):
            meeting_publish_minutes(meeting=meeting, minutes="Besloten: twee Vliegwiel-avonden.", actor=actor)

        meeting.refresh_from_db()
        assert meeting.minutes_published_at is not None
        assert sorted(m.to[0] for m in mail.outbox) == sorted(m.email for m in members[:2])
        for message in mail.outbox:
            assert "Besloten: twee Vliegwiel-avonden." in message.body
            assert "Cases verzamelen" in message.body
            assert not [a for a in message.attachments if a.filename.endswith(".ics")]
        assert AuditLogEntry.objects.filter(action="meeting.minutes", municipality=trajectory.municipality).exists()

    def test_publishing_the_same_text_again_mails_nobody_but_a_correction_mails_again(
        self, django_capture_on_commit_callbacks, trajectory, actor, members
    ):
        meeting = past_meeting(trajectory)
        AttendanceFactory(meeting=meeting, member=members[0])
        with django_capture_on_commit_callbacks(execute=True):
            meeting_publish_minutes(meeting=meeting, minutes="Versie 1", actor=actor)
        with django_capture_on_commit_callbacks(execute=True):
            meeting_publish_minutes(meeting=meeting, minutes="Versie 1", actor=actor)
        assert len(mail.outbox) == 1

        with django_capture_on_commit_callbacks(execute=True):
            meeting_publish_minutes(meeting=meeting, minutes="Versie 2", actor=actor)
        assert len(mail.outbox) == 2 and "Versie 2" in mail.outbox[1].body

    def test_not_before_the_meeting(self, trajectory, actor):
        meeting = MeetingFactory(trajectory=trajectory)
        with pytest.raises(ValidationError):
            meeting_publish_minutes(meeting=meeting, minutes="Te vroeg", actor=actor)
        meeting.refresh_from_db()
        assert meeting.minutes_published_at is None

    def test_through_the_page(self, django_capture_on_commit_callbacks, client, actor, trajectory, members):
        meeting = past_meeting(trajectory)
        AttendanceFactory(meeting=meeting, member=members[0])
        client.force_login(actor)
        url = reverse("vision:meeting_minutes", kwargs={"trajectory": trajectory.pk, "meeting": meeting.pk})

        assert client.get(url).status_code == 200
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(url, {"minutes": "Afspraken gemaakt."})

        assert response.status_code == 302
        meeting.refresh_from_db()
        assert meeting.minutes == "Afspraken gemaakt." and meeting.minutes_published_at
        assert [m.to[0] for m in mail.outbox] == [members[0].email]


class MinutesDraftTests:
    """Minutes are saved as a draft first (only the facilitator sees it), then published and
    mailed; a correction keeps the first publication date and says when it was corrected."""

    def urls(self, meeting):
        kwargs = {"trajectory": meeting.trajectory_id, "meeting": meeting.pk}
        return reverse("vision:meeting_minutes", kwargs=kwargs), reverse("vision:meeting_detail", kwargs=kwargs)

    def test_a_draft_mails_nobody_and_only_the_facilitator_sees_it(
        self, django_capture_on_commit_callbacks, client, actor, trajectory, members
    ):
        meeting = past_meeting(trajectory)
        AttendanceFactory(meeting=meeting, member=members[0])
        reader = ProgressGroupMemberFactory(trajectory=trajectory, with_account=True)
        minutes_url, detail_url = self.urls(meeting)
        client.force_login(actor)

        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(minutes_url, {"minutes": "Concept: nog niet af.", "action": "draft"})

        assert response.status_code == 302
        meeting.refresh_from_db()
        assert (meeting.minutes_draft, meeting.minutes, meeting.minutes_published_at) == (
            "Concept: nog niet af.",
            "",
            None,
        )
        assert meeting.minutes_draft_saved_at is not None
        assert mail.outbox == [] and not meeting_mails("minutes").exists()
        # The form goes on with the draft.
        assert client.get(minutes_url).context["form"].initial["minutes"] == "Concept: nog niet af."
        page = client.get(detail_url).content.decode()
        assert 'id="minutes-draft"' in page and "Concept: nog niet af." in page

        client.force_login(reader.user)
        page = client.get(detail_url).content.decode()
        assert "Concept: nog niet af." not in page and 'id="minutes-draft"' not in page

    def test_publishing_the_draft_mails_it_and_members_read_it(
        self, django_capture_on_commit_callbacks, client, actor, trajectory, members
    ):
        meeting = past_meeting(trajectory, minutes_draft="Concept", minutes_draft_saved_at=timezone.now())
        AttendanceFactory(meeting=meeting, member=members[0])
        reader = ProgressGroupMemberFactory(trajectory=trajectory, with_account=True)
        minutes_url, detail_url = self.urls(meeting)
        client.force_login(actor)

        with django_capture_on_commit_callbacks(execute=True):
            client.post(minutes_url, {"minutes": "Definitief verslag.", "action": "publish"})

        meeting.refresh_from_db()
        assert (meeting.minutes, meeting.minutes_draft, meeting.minutes_draft_saved_at) == (
            "Definitief verslag.",
            "",
            None,
        )
        assert meeting.minutes_published_at is not None and meeting.minutes_corrected_at is None
        assert [m.to[0] for m in mail.outbox] == [members[0].email]
        client.force_login(reader.user)
        assert "Definitief verslag." in client.get(detail_url).content.decode()

    def test_a_draft_correction_leaves_the_published_minutes_for_the_members(self, client, actor, trajectory, members):
        meeting = past_meeting(trajectory)
        meeting_publish_minutes(meeting=meeting, minutes="Versie 1", actor=actor)
        reader = ProgressGroupMemberFactory(trajectory=trajectory, with_account=True)

        meeting_save_minutes_draft(meeting=meeting, minutes="Versie 2 in concept", actor=actor)

        meeting.refresh_from_db()
        assert (meeting.minutes, meeting.minutes_draft) == ("Versie 1", "Versie 2 in concept")
        client.force_login(reader.user)
        page = client.get(self.urls(meeting)[1]).content.decode()
        assert "Versie 1" in page and "Versie 2 in concept" not in page

    def test_a_correction_keeps_the_first_publication_date_and_says_corrected_on(
        self, django_capture_on_commit_callbacks, client, actor, trajectory, members
    ):
        meeting = past_meeting(trajectory)
        AttendanceFactory(meeting=meeting, member=members[0])
        with django_capture_on_commit_callbacks(execute=True):
            meeting_publish_minutes(meeting=meeting, minutes="Versie 1", actor=actor)
        first = timezone.now() - timedelta(days=3)
        Meeting.objects.filter(pk=meeting.pk).update(minutes_published_at=first)
        minutes_url, detail_url = self.urls(meeting)
        client.force_login(actor)

        with django_capture_on_commit_callbacks(execute=True):
            client.post(minutes_url, {"minutes": "Versie 2", "action": "publish"})

        meeting.refresh_from_db()
        assert meeting.minutes == "Versie 2"
        assert meeting.minutes_published_at == first
        assert meeting.minutes_corrected_at is not None and meeting.minutes_corrected_at > first
        assert len(mail.outbox) == 2 and "Versie 2" in mail.outbox[1].body
        with translation.override("nl"):
            corrected = date_format(timezone.localtime(meeting.minutes_corrected_at), "j F Y, H:i")
            published = date_format(timezone.localtime(first), "j F Y, H:i")
        line = client.get(detail_url).content.decode().split('id="minutes-published">', 1)[1].split("</p>", 1)[0]
        assert published in line and f"Gecorrigeerd op {corrected}." in line

    def test_a_draft_and_publishing_are_for_the_facilitator_only(self, trajectory, members):
        meeting = past_meeting(trajectory)
        reader = ProgressGroupMemberFactory(trajectory=trajectory, with_account=True)
        with pytest.raises(NotAllowed):
            meeting_save_minutes_draft(meeting=meeting, minutes="Van een lid", actor=reader.user)
        meeting.refresh_from_db()
        assert meeting.minutes_draft == ""


# --- reminders ------------------------------------------------------------------------------


class ReminderTests:
    @pytest.fixture
    def today(self):
        return timezone.localdate()

    def invite(self, trajectory, members, starts_at):
        meeting = MeetingFactory(trajectory=trajectory, starts_at=starts_at, ends_at=starts_at + timedelta(hours=2))
        for member in members:
            AttendanceFactory(meeting=meeting, member=member)
        return meeting

    def test_invited_members_are_reminded_once_two_days_before(
        self, django_capture_on_commit_callbacks, trajectory, members, today
    ):
        in_two_days = self.invite(trajectory, members[:2], local(today + timedelta(days=2), 19, 30))
        just_after_midnight = self.invite(trajectory, members[2:], local(today + timedelta(days=2), 0, 30))

        with django_capture_on_commit_callbacks(execute=True):
            assert meeting_send_reminders(today=today) == 3
        with django_capture_on_commit_callbacks(execute=True):
            assert meeting_send_reminders(today=today) == 0

        reminders = meeting_mails("reminder")
        assert reminders.count() == 3
        assert sorted(m.to[0] for m in mail.outbox) == sorted(m.email for m in members)
        events = {event_of(m)[1].decoded("DTSTART") for m in mail.outbox}
        assert events == {in_two_days.starts_at, just_after_midnight.starts_at}
        assert AuditLogEntry.objects.filter(action="meeting.remind").count() == 2

    def test_no_reminder_on_other_days_nor_for_members_not_invited_or_gone(
        self, trajectory, members, left_member, no_email_member, today
    ):
        self.invite(trajectory, members[:1], local(today + timedelta(days=1), 19))
        self.invite(trajectory, members[:1], local(today + timedelta(days=3), 0, 30))
        self.invite(trajectory, members[:1], local(today + timedelta(days=1), 23, 30))
        two_days = self.invite(trajectory, [left_member, no_email_member], local(today + timedelta(days=2), 19))
        Attendance.objects.create(meeting=two_days, member=members[1])  # present, never invited

        assert meeting_send_reminders(today=today) == 0
        assert not meeting_mails().exists()

    def test_a_meeting_moved_after_its_reminder_is_reminded_again(self, trajectory, actor, members, today):
        meeting = self.invite(trajectory, members[:1], local(today + timedelta(days=2), 19))
        meeting_send_reminders(today=today)
        meeting_update(meeting=meeting, actor=actor, starts_at=local(today + timedelta(days=2), 20))
        meeting_send_reminders(today=today)

        assert meeting_mails("reminder").count() == 2

    def test_the_scheduled_task_runs_the_reminders(self, trajectory, members, today):
        self.invite(trajectory, members, local(today + timedelta(days=2), 19))
        assert meeting_reminders.delay().get() == 3


# --- action items ---------------------------------------------------------------------------


class ActionItemTests:
    def test_added_from_a_meeting_for_a_member(self, trajectory, actor, members):
        meeting = past_meeting(trajectory)
        due = timezone.localdate() + timedelta(days=7)

        item = action_item_add(
            meeting=meeting, actor=actor, description="Wethouder uitnodigen", owner=members[0], due_date=due
        )

        assert (item.trajectory, item.meeting, item.owner, item.due_date, item.done) == (
            trajectory,
            meeting,
            members[0],
            due,
            False,
        )
        assert AuditLogEntry.objects.filter(action="action_item.add", municipality=trajectory.municipality).exists()

    def test_owner_must_be_a_member_of_this_group(self, trajectory, actor):
        meeting = past_meeting(trajectory)
        with pytest.raises(ValidationError):
            action_item_add(meeting=meeting, actor=actor, description="X", owner=ProgressGroupMemberFactory())

    def test_done_and_open_again(self, trajectory, actor):
        item = ActionItemFactory(trajectory=trajectory)
        action_item_set_done(item=item, done=True, actor=actor)
        item.refresh_from_db()
        assert item.done and item.done_at
        action_item_set_done(item=item, done=False, actor=actor)
        item.refresh_from_db()
        assert not item.done and item.done_at is None
        actions = list(AuditLogEntry.objects.filter(object_id=str(item.pk)).values_list("action", flat=True))
        assert sorted(actions) == ["action_item.done", "action_item.reopen"]

    def test_list_shows_every_meetings_items_open_first_and_marks_overdue(self, client, actor, trajectory, members):
        today = timezone.localdate()
        first, second = past_meeting(trajectory), MeetingFactory(trajectory=trajectory)
        done = ActionItemFactory(trajectory=trajectory, meeting=first, done=True, due_date=today - timedelta(30))
        overdue = ActionItemFactory(trajectory=trajectory, meeting=first, due_date=today - timedelta(3))
        later = ActionItemFactory(trajectory=trajectory, meeting=second, due_date=today + timedelta(3))
        undated = ActionItemFactory(trajectory=trajectory, meeting=second, due_date=None, owner=members[0])
        ActionItemFactory(trajectory=TrajectoryFactory(municipality=trajectory.municipality))  # another trajectory
        client.force_login(actor)

        response = client.get(reverse("vision:action_item_list", kwargs={"trajectory": trajectory.pk}))

        assert response.status_code == 200
        items = response.context["items"]
        assert items == [overdue, later, undated, done]
        assert [item.is_overdue for item in items] == [True, False, False, False]
        assert response.context["counts"] == {"open": 3, "overdue": 1, "done": 1}

        overdue_only = client.get(
            reverse("vision:action_item_list", kwargs={"trajectory": trajectory.pk}), {"state": "overdue"}
        )
        assert overdue_only.context["items"] == [overdue]

    def test_toggle_through_the_page_returns_to_where_it_came_from(self, client, actor, trajectory):
        item = ActionItemFactory(trajectory=trajectory)
        client.force_login(actor)
        list_url = reverse("vision:action_item_list", kwargs={"trajectory": trajectory.pk})
        url = reverse("vision:action_item_done", kwargs={"trajectory": trajectory.pk, "item": item.pk})

        response = client.post(url, {"done": "1", "next": f"{list_url}?state=open"})
        assert response.status_code == 302 and response["Location"] == f"{list_url}?state=open"
        item.refresh_from_db()
        assert item.done

        response = client.post(url, {"done": "0", "next": "https://elders.example.com/"})
        assert response["Location"] == list_url
        item.refresh_from_db()
        assert not item.done

    def test_add_through_the_meeting_page_and_errors_stay_on_the_page(self, client, actor, trajectory, members):
        meeting = past_meeting(trajectory)
        client.force_login(actor)
        url = reverse("vision:action_item_add", kwargs={"trajectory": trajectory.pk, "meeting": meeting.pk})

        response = client.post(url, {"description": "", "owner": members[0].pk})
        assert response.status_code == 200
        assert response.context["action_item_form"].errors
        assert not ActionItem.objects.exists()

        response = client.post(
            url, {"description": "Zaal reserveren", "owner": members[0].pk, "due_date": "2030-01-31"}
        )
        assert response.status_code == 302
        item = ActionItem.objects.get()
        assert (item.meeting, item.owner, str(item.due_date)) == (meeting, members[0], "2030-01-31")


# --- the pages ------------------------------------------------------------------------------


class MeetingPageTests:
    def test_schedule_through_the_page_then_choose_who_to_invite(self, client, actor, trajectory, members):
        client.force_login(actor)
        day = timezone.localdate() + timedelta(days=10)
        response = client.post(
            reverse("vision:meeting_create", kwargs={"trajectory": trajectory.pk}),
            {
                "kind": MeetingKind.ACTIVE_RESIDENTS,
                "title": "Vliegwiel 1",
                "day": day.isoformat(),
                "start_time": "19:30",
                "end_time": "21:30",
                "location": "Dorpshuis",
                "agenda": "",
            },
        )

        meeting = Meeting.objects.get()
        assert response.status_code == 302
        assert response["Location"] == reverse(
            "vision:meeting_invite", kwargs={"trajectory": trajectory.pk, "meeting": meeting.pk}
        )
        assert meeting.starts_at == local(day, 19, 30) and meeting.ends_at == local(day, 21, 30)
        assert meeting.kind == MeetingKind.ACTIVE_RESIDENTS

        invite_page = client.get(response["Location"])
        assert invite_page.status_code == 200
        assert set(invite_page.context["form"].initial["members"]) == {m.pk for m in members}

    def test_end_before_start_is_refused_with_the_form_shown_again(self, client, actor, trajectory):
        client.force_login(actor)
        response = client.post(
            reverse("vision:meeting_create", kwargs={"trajectory": trajectory.pk}),
            {
                "kind": MeetingKind.INTERVISION,
                "title": "X",
                "day": "2030-05-01",
                "start_time": "20:00",
                "end_time": "19:00",
            },
        )
        assert response.status_code == 200
        assert "end_time" in response.context["form"].errors
        assert not Meeting.objects.exists()

    def test_invite_by_default_everyone_then_move_through_the_edit_page(
        self, django_capture_on_commit_callbacks, client, actor, trajectory, members, no_email_member
    ):
        starts_at = future(days=9, hour=14)
        meeting = MeetingFactory(trajectory=trajectory, starts_at=starts_at, ends_at=starts_at + timedelta(hours=2))
        client.force_login(actor)
        invite_url = reverse("vision:meeting_invite", kwargs={"trajectory": trajectory.pk, "meeting": meeting.pk})
        initial = client.get(invite_url).context["form"].initial["members"]

        with django_capture_on_commit_callbacks(execute=True):
            client.post(invite_url, {"members": initial})
        assert len(mail.outbox) == 3

        edit_url = reverse("vision:meeting_edit", kwargs={"trajectory": trajectory.pk, "meeting": meeting.pk})
        data = client.get(edit_url).context["form"].initial
        data = {key: value.isoformat() if hasattr(value, "isoformat") else value for key, value in data.items()}
        with django_capture_on_commit_callbacks(execute=True):
            unchanged = client.post(
                edit_url, {**data, "start_time": data["start_time"][:5], "end_time": data["end_time"][:5]}
            )
        assert unchanged.status_code == 302 and len(mail.outbox) == 3

        with django_capture_on_commit_callbacks(execute=True):
            client.post(edit_url, {**data, "start_time": "10:00", "end_time": "11:00"})
        meeting.refresh_from_db()
        assert meeting.ical_sequence == 1 and timezone.localtime(meeting.starts_at).hour == 10
        moved = mail.outbox[3:]
        assert len(moved) == 3 and {event_of(m)[1]["SEQUENCE"] for m in moved} == {1}

    def test_detail_page_shows_the_meeting_its_members_and_action_items(self, client, actor, trajectory, members):
        meeting = past_meeting(trajectory)
        AttendanceFactory(meeting=meeting, member=members[0], attended=True)
        item = ActionItemFactory(trajectory=trajectory, meeting=meeting, owner=members[0])
        client.force_login(actor)

        response = client.get(
            reverse("vision:meeting_detail", kwargs={"trajectory": trajectory.pk, "meeting": meeting.pk})
        )

        assert response.status_code == 200
        assert response.context["meeting"] == meeting
        assert [row.member for row in response.context["attendances"]] == [members[0]]
        assert response.context["action_items"] == [item]
        assert response.context["attendance_form"] and response.context["action_item_form"]
        assert response.context["present_count"] == 1

    def test_meeting_list_splits_coming_up_and_held(self, client, actor, trajectory):
        held, coming = past_meeting(trajectory), MeetingFactory(trajectory=trajectory)
        client.force_login(actor)
        response = client.get(reverse("vision:meeting_list", kwargs={"trajectory": trajectory.pk}))
        assert response.status_code == 200
        assert response.context["upcoming"] == [coming] and response.context["past"] == [held]

    def test_a_meeting_of_another_visible_trajectory_is_not_found_through_this_one(
        self, client, actor, trajectory, tenants
    ):
        other = TrajectoryFactory(municipality=tenants.a)
        meeting = MeetingFactory(trajectory=other)
        client.force_login(actor)
        url = reverse("vision:meeting_detail", kwargs={"trajectory": trajectory.pk, "meeting": meeting.pk})
        assert client.get(url).status_code == 404

    def test_a_member_with_an_account_reads_but_does_not_tick_action_items(self, client, trajectory):
        """Issue 12: ticking someone else's action item is steering, for the facilitator (issue 13:
        the owner ticks their own, ActionItemOwnerTests)."""
        member = ProgressGroupMemberFactory(trajectory=trajectory, with_account=True)
        item = ActionItemFactory(trajectory=trajectory)
        client.force_login(member.user)
        assert client.get(reverse("vision:action_item_list", kwargs={"trajectory": trajectory.pk})).status_code == 200
        url = reverse("vision:action_item_done", kwargs={"trajectory": trajectory.pk, "item": item.pk})
        assert client.post(url, {"done": "1"}).status_code == 403
        item.refresh_from_db()
        assert not item.done


class ActionItemOwnerTests:
    """Issue 13: the facilitator and the item's owner (a member with an account) edit and close
    an action item; a new item cannot be due in the past."""

    def item_urls(self, item):
        kwargs = {"trajectory": item.trajectory_id, "item": item.pk}
        return reverse("vision:action_item_edit", kwargs=kwargs), reverse("vision:action_item_done", kwargs=kwargs)

    @pytest.fixture
    def owner(self, trajectory):
        return ProgressGroupMemberFactory(trajectory=trajectory, name="Sanne", with_account=True)

    def test_a_due_date_in_the_past_is_refused_for_a_new_item(self, client, actor, trajectory, members):
        meeting = past_meeting(trajectory)
        client.force_login(actor)
        yesterday = timezone.localdate() - timedelta(days=1)

        response = client.post(
            reverse("vision:action_item_add", kwargs={"trajectory": trajectory.pk, "meeting": meeting.pk}),
            {"description": "Flyer maken", "owner": members[0].pk, "due_date": yesterday.isoformat()},
        )

        assert response.status_code == 200
        assert "due_date" in response.context["action_item_form"].errors
        assert not ActionItem.objects.exists()
        with pytest.raises(ValidationError) as refused:
            action_item_add(meeting=meeting, actor=actor, description="Flyer", due_date=yesterday)
        assert "due_date" in refused.value.error_dict
        # Today is fine.
        action_item_add(meeting=meeting, actor=actor, description="Flyer", due_date=timezone.localdate())

    def test_the_owner_edits_and_closes_their_own_item_through_the_pages(self, client, trajectory, owner, members):
        meeting = past_meeting(trajectory)
        own = ActionItemFactory(trajectory=trajectory, meeting=meeting, owner=owner, description="Zaal regelen")
        other = ActionItemFactory(trajectory=trajectory, meeting=meeting, owner=members[0], description="Koffie")
        edit_url, done_url = self.item_urls(own)
        client.force_login(owner.user)

        page = client.get(meeting_url_of(meeting)).content.decode()
        assert edit_url in page and done_url in page
        assert self.item_urls(other)[0] not in page and self.item_urls(other)[1] not in page
        assert client.get(edit_url).status_code == 200

        new_due = timezone.localdate() + timedelta(days=30)
        response = client.post(
            edit_url, {"description": "Zaal regelen in De Linde", "owner": owner.pk, "due_date": new_due.isoformat()}
        )
        assert response.status_code == 302
        own.refresh_from_db()
        assert (own.description, own.due_date) == ("Zaal regelen in De Linde", new_due)
        assert AuditLogEntry.objects.filter(action="action_item.update", object_id=str(own.pk)).exists()

        assert client.post(done_url, {"done": "1"}).status_code == 302
        own.refresh_from_db()
        assert own.done and own.done_at is not None

    def test_a_member_who_does_not_own_the_item_or_left_the_group_is_refused(self, client, trajectory, owner, members):
        item = ActionItemFactory(trajectory=trajectory, owner=members[0], description="Koffie")
        edit_url, done_url = self.item_urls(item)
        client.force_login(owner.user)

        assert client.get(edit_url).status_code == 403
        assert client.post(edit_url, {"description": "Thee"}).status_code == 403
        assert client.post(done_url, {"done": "1"}).status_code == 403
        with pytest.raises(NotAllowed):
            action_item_update(item=item, actor=owner.user, description="Thee")
        with pytest.raises(NotAllowed):
            action_item_set_done(item=item, done=True, actor=owner.user)

        # An owner who has left the group no longer changes their item.
        own = ActionItemFactory(trajectory=trajectory, owner=owner)
        ProgressGroupMember.objects.filter(pk=owner.pk).update(left_on=timezone.localdate())
        assert client.post(self.item_urls(own)[1], {"done": "1"}).status_code in (403, 404)
        item.refresh_from_db()
        own.refresh_from_db()
        assert (item.description, item.done, own.done) == ("Koffie", False, False)

    def test_the_facilitator_edits_any_item_and_a_due_date_cannot_move_into_the_past(
        self, client, actor, trajectory, members
    ):
        overdue = timezone.localdate() - timedelta(days=5)
        item = ActionItemFactory(trajectory=trajectory, owner=members[0], due_date=overdue)
        edit_url, _done_url = self.item_urls(item)
        client.force_login(actor)

        # Keeping the overdue date while changing the owner is fine.
        response = client.post(
            edit_url, {"description": item.description, "owner": members[1].pk, "due_date": overdue.isoformat()}
        )
        assert response.status_code == 302
        item.refresh_from_db()
        assert (item.owner, item.due_date) == (members[1], overdue)

        earlier = overdue - timedelta(days=1)
        refused = client.post(
            edit_url, {"description": item.description, "owner": members[1].pk, "due_date": earlier.isoformat()}
        )
        assert refused.status_code == 200 and "due_date" in refused.context["form"].errors
        item.refresh_from_db()
        assert item.due_date == overdue


# --- who may do what ------------------------------------------------------------------------

# name -> (extra kwargs needed, methods to try: GET pages and POST actions)
URLS = {
    "vision:meeting_list": ((), ["get"]),
    "vision:action_item_list": ((), ["get"]),
    "vision:meeting_create": ((), ["get", "post"]),
    "vision:meeting_detail": (("meeting",), ["get"]),
    "vision:meeting_ics": (("meeting",), ["get"]),
    "vision:meeting_edit": (("meeting",), ["get", "post"]),
    "vision:meeting_invite": (("meeting",), ["get", "post"]),
    "vision:meeting_attendance": (("meeting",), ["post"]),
    "vision:meeting_minutes": (("meeting",), ["get", "post"]),
    "vision:action_item_add": (("meeting",), ["post"]),
    "vision:action_item_done": (("item",), ["post"]),
    "vision:action_item_edit": (("item",), ["get", "post"]),
}
POST_URLS = [name for name, (_, methods) in URLS.items() if "post" in methods]
READ_URLS = ["vision:meeting_list", "vision:action_item_list", "vision:meeting_detail", "vision:meeting_ics"]


@pytest.fixture
def world(trajectory, members):
    """A held meeting with an invited member and an action item: something for every URL."""
    meeting = past_meeting(trajectory)
    AttendanceFactory(meeting=meeting, member=members[0])
    item = ActionItemFactory(trajectory=trajectory, meeting=meeting, owner=members[0])
    return {"trajectory": trajectory, "meeting": meeting, "item": item, "member": members[0], "guest": members[1]}


def url_for(name, world):
    extra, _ = URLS[name]
    kwargs = {"trajectory": world["trajectory"].pk, **{key: world[key].pk for key in extra}}
    return reverse(name, kwargs=kwargs)


def post_data(name, world):
    day = (timezone.localdate() + timedelta(days=5)).isoformat()
    return {
        "vision:meeting_create": {
            "kind": "progress_group",
            "title": "T",
            "day": day,
            "start_time": "10:00",
            "end_time": "11:00",
        },
        "vision:meeting_edit": {
            "kind": "progress_group",
            "title": "T",
            "day": day,
            "start_time": "10:00",
            "end_time": "11:00",
        },
        "vision:meeting_invite": {"members": [world["guest"].pk]},
        "vision:meeting_attendance": {"present": [world["member"].pk]},
        "vision:meeting_minutes": {"minutes": "Verslag"},
        "vision:action_item_add": {"description": "Iets doen"},
        "vision:action_item_done": {"done": "1"},
        "vision:action_item_edit": {"description": "Iets anders doen"},
    }[name]


def snapshot(world):
    meeting = Meeting.objects.get(pk=world["meeting"].pk)
    return (
        Meeting.objects.count(),
        ActionItem.objects.count(),
        ActionItem.objects.filter(done=True).count(),
        meeting.ical_sequence,
        meeting.minutes,
        list(Attendance.objects.order_by("pk").values_list("attended", "invited_at")),
        OutboxMail.objects.count(),
    )


class AccessTests:
    @pytest.mark.parametrize("name", list(URLS))
    def test_anonymous_is_sent_to_log_in(self, client, world, name):
        for method in URLS[name][1]:
            response = getattr(client, method)(url_for(name, world))
            assert response.status_code == 302
            assert response["Location"].startswith(reverse("login"))

    @pytest.mark.parametrize("name", list(URLS))
    def test_another_associations_facilitator_finds_nothing(self, client, tenants, world, name):
        stranger = FacilitatorFactory(association=tenants.other)
        client.force_login(stranger.user)
        before = snapshot(world)
        for method in URLS[name][1]:
            kwargs = {"data": post_data(name, world)} if method == "post" else {}
            assert getattr(client, method)(url_for(name, world), **kwargs).status_code == 404
        assert snapshot(world) == before

    @pytest.mark.parametrize("name", POST_URLS)
    def test_an_officer_reads_but_every_change_is_refused(self, client, tenants, world, name):
        officer = OfficerMembershipFactory(municipality=tenants.a)
        client.force_login(officer.user)
        before = snapshot(world)
        assert client.post(url_for(name, world), post_data(name, world)).status_code == 403
        assert snapshot(world) == before

    @pytest.mark.parametrize("name", READ_URLS)
    def test_an_officer_can_read(self, client, tenants, world, name):
        officer = OfficerMembershipFactory(municipality=tenants.a)
        client.force_login(officer.user)
        response = client.get(url_for(name, world))
        assert response.status_code == 200
        if response.context is not None:
            assert response.context["can_steer"] is False

    @pytest.mark.parametrize("name", POST_URLS)
    def test_the_facilitator_can_do_every_change(self, client, actor, world, name):
        client.force_login(actor)
        if name == "vision:meeting_invite":  # invitations are for a meeting still to come
            Meeting.objects.filter(pk=world["meeting"].pk).update(starts_at=future(), ends_at=future(hour=21))
        assert client.post(url_for(name, world), post_data(name, world)).status_code == 302


# --- a fixed number of queries --------------------------------------------------------------


def count_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def add_meeting_with_everything(trajectory):
    meeting = past_meeting(trajectory)
    for _ in range(2):
        attendance = AttendanceFactory(meeting=meeting, attended=True)
        ActionItemFactory(trajectory=trajectory, meeting=meeting, owner=attendance.member)
    return meeting


class QueryCountTests:
    def test_meeting_list_does_not_grow_with_meetings(self, client, actor, trajectory):
        client.force_login(actor)
        url = reverse("vision:meeting_list", kwargs={"trajectory": trajectory.pk})
        add_meeting_with_everything(trajectory)
        one = count_queries(client, url)
        for _ in range(4):
            add_meeting_with_everything(trajectory)
        MeetingFactory(trajectory=trajectory)
        assert count_queries(client, url) == one

    def test_action_item_list_does_not_grow_with_items(self, client, actor, trajectory):
        client.force_login(actor)
        url = reverse("vision:action_item_list", kwargs={"trajectory": trajectory.pk})
        add_meeting_with_everything(trajectory)
        one = count_queries(client, url)
        for _ in range(4):
            add_meeting_with_everything(trajectory)
        ActionItemFactory(trajectory=trajectory, due_date=timezone.localdate() - timedelta(days=2))
        assert count_queries(client, url) == one

    def test_meeting_page_does_not_grow_with_members_and_items(self, client, actor, trajectory):
        client.force_login(actor)
        meeting = add_meeting_with_everything(trajectory)
        url = reverse("vision:meeting_detail", kwargs={"trajectory": trajectory.pk, "meeting": meeting.pk})
        one = count_queries(client, url)
        for _ in range(5):
            attendance = AttendanceFactory(meeting=meeting, attended=False)
            ActionItemFactory(trajectory=trajectory, meeting=meeting, owner=attendance.member)
        assert count_queries(client, url) == one
