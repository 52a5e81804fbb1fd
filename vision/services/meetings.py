"""Meetings of a trajectory: scheduling, invitations with a calendar file, attendance, minutes,
action items, and the reminder two days before (STYLE.md §2).

Mails go through the outbox. Their dedup keys say what makes a mail new:
- an invitation or a "meeting moved" mail names the meeting's `ical_sequence`, so a moved
  meeting mails again and an unchanged one never twice;
- a reminder names the sequence too: a meeting moved after its reminder is reminded again;
- the minutes name a fingerprint of their text: corrected minutes reach the members again.
The calendar file itself is built when the mail leaves (vision/mails.py), from the meeting
as it is then.
"""

import hashlib
from collections.abc import Iterable
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from audit.constants import AuditAction
from audit.services import audit_log
from notifications.services import mail_enqueue
from vision.access import require_action_item_manager, require_steerer
from vision.constants import RsvpAnswer
from vision.models import ActionItem, Attendance, Meeting, ProgressGroupMember, Trajectory

# Services check again what the views check (vision.access.can_steer_trajectory).
EDIT_REFUSED = gettext_lazy("Only the facilitator and the progress group can change this trajectory's meetings.")

TEMPLATE_INVITATION = "vision/email/meeting_invitation"
TEMPLATE_MOVED = "vision/email/meeting_moved"
TEMPLATE_REMINDER = "vision/email/meeting_reminder"
TEMPLATE_MINUTES = "vision/email/meeting_minutes"

REMINDER_DAYS_BEFORE = 2

# What makes a meeting "moved": its time or its place. A new title or agenda mails nobody.
MOVE_FIELDS = ("starts_at", "ends_at", "location")
MEETING_FIELDS = ("kind", "title", *MOVE_FIELDS, "agenda")


def _audit(actor, action: str, obj, trajectory: Trajectory, detail: str = ""):
    audit_log(actor=actor, action=action, obj=obj, municipality=trajectory.municipality, detail=detail)


# --- reads the forms and the services share ------------------------------------------------


def active_members(trajectory: Trajectory, *, today: date | None = None) -> QuerySet:
    """The members of the progress group today (joined, not left)."""
    today = today or timezone.localdate()
    return (
        ProgressGroupMember.objects.filter(trajectory=trajectory)
        .filter(Q(joined_on__isnull=True) | Q(joined_on__lte=today))
        .filter(Q(left_on__isnull=True) | Q(left_on__gt=today))
        .order_by("name", "pk")
    )


def invitable_members(trajectory: Trajectory, *, today: date | None = None) -> QuerySet:
    """Who can get an invitation: active members with an email address."""
    return active_members(trajectory, today=today).exclude(email="")


def _recipients(meeting: Meeting) -> list[Attendance]:
    """Invited members with an email address, with the member loaded."""
    return list(
        Attendance.objects.filter(meeting=meeting, invited_at__isnull=False)
        .exclude(member__email="")
        .select_related("member")
        .order_by("member__name", "pk")
    )


def _mail_member(*, member: ProgressGroupMember, meeting: Meeting, template: str, key: str):
    # Members have no language of their own: they get the platform's language.
    return mail_enqueue(
        to=member.email,
        template=template,
        dedup_key=key,
        language=settings.LANGUAGE_CODE,
        context={"meeting": meeting.pk, "member": member.pk},
    )


# --- meetings -------------------------------------------------------------------------------


PAST_NO_INVITATIONS = gettext_lazy(
    "This meeting is in the past, so you cannot send invitations for it. "
    "You can still record who came and write the minutes."
)


def meeting_is_past(meeting: Meeting, *, now: datetime | None = None) -> bool:
    """A meeting that has started is in the past for invitations: nobody is invited to it any more."""
    return meeting.starts_at <= (now or timezone.now())


def _to_minute(moment: datetime) -> datetime:
    """Meetings are planned to the minute (as calendars show them)."""
    return moment.replace(second=0, microsecond=0)


@transaction.atomic
def meeting_schedule(
    *,
    trajectory: Trajectory,
    actor,
    kind: str,
    title: str,
    starts_at: datetime,
    ends_at: datetime,
    location: str = "",
    agenda: str = "",
) -> Meeting:
    """Plan a meeting, or record one held already: a meeting in the past takes no invitations
    (`meeting_invite` refuses them)."""
    require_steerer(actor, trajectory, EDIT_REFUSED)
    meeting = Meeting(
        trajectory=trajectory,
        kind=kind,
        title=title.strip(),
        starts_at=_to_minute(starts_at),
        ends_at=_to_minute(ends_at),
        location=location.strip(),
        agenda=agenda.strip(),
    )
    meeting.full_clean()
    meeting.save()
    _audit(actor, AuditAction.MEETING_SCHEDULE, meeting, trajectory)
    return meeting


@transaction.atomic
def meeting_update(*, meeting: Meeting, actor, **changes) -> Meeting:
    """Change a meeting. When its time or place changes it has moved: SEQUENCE goes up and
    everyone invited gets a mail with the updated calendar file (same UID). Saving without a
    change writes nothing and mails nobody."""
    require_steerer(actor, meeting.trajectory, EDIT_REFUSED)
    unknown = set(changes) - set(MEETING_FIELDS)
    if unknown:
        raise TypeError(f"meeting_update() got unexpected fields: {', '.join(sorted(unknown))}")
    meeting = Meeting.objects.select_for_update().select_related("trajectory__municipality").get(pk=meeting.pk)
    for field in ("title", "location", "agenda"):
        if field in changes:
            changes[field] = changes[field].strip()
    for field in ("starts_at", "ends_at"):
        if field in changes:
            changes[field] = _to_minute(changes[field])
    changed = [field for field in MEETING_FIELDS if field in changes and getattr(meeting, field) != changes[field]]
    if not changed:
        return meeting
    for field in changed:
        setattr(meeting, field, changes[field])
    moved = any(field in MOVE_FIELDS for field in changed)
    if moved:
        meeting.ical_sequence += 1
    meeting.full_clean()
    meeting.save(update_fields=[*changed, *(["ical_sequence"] if moved else []), "updated_at"])
    _audit(
        actor,
        AuditAction.MEETING_MOVE if moved else AuditAction.MEETING_UPDATE,
        meeting,
        meeting.trajectory,
        detail=",".join(changed),
    )
    if moved:
        for attendance in _recipients(meeting):
            _mail_member(
                member=attendance.member,
                meeting=meeting,
                template=TEMPLATE_MOVED,
                key=f"meeting-moved:{meeting.pk}:{attendance.member_id}:{meeting.ical_sequence}",
            )
    return meeting


@transaction.atomic
def meeting_invite(*, meeting: Meeting, members: Iterable[ProgressGroupMember], actor) -> list[Attendance]:
    """Invite `members` (active, with an email address): each gets a mail with the calendar file.

    A meeting in the past (it has started) takes no invitations: it is only recorded.

    A member who is already invited is not invited again. Returns the new invitations.
    """
    require_steerer(actor, meeting.trajectory, EDIT_REFUSED)
    meeting = Meeting.objects.select_for_update().select_related("trajectory__municipality").get(pk=meeting.pk)
    if meeting_is_past(meeting):
        raise ValidationError(PAST_NO_INVITATIONS)
    wanted = {member.pk for member in members}
    allowed = set(invitable_members(meeting.trajectory).filter(pk__in=wanted).values_list("pk", flat=True))
    if wanted - allowed:
        raise ValidationError(
            {"members": _("Only active members of this progress group with an email address can be invited.")}
        )
    existing = {row.member_id: row for row in Attendance.objects.filter(meeting=meeting, member_id__in=wanted)}
    now = timezone.now()
    invited = []
    for member in ProgressGroupMember.objects.filter(pk__in=wanted).order_by("name", "pk"):
        attendance = existing.get(member.pk)
        if attendance is None:
            attendance = Attendance(meeting=meeting, member=member, invited_at=now)
            attendance.full_clean()
            attendance.save()
        elif attendance.invited_at is None:
            attendance.invited_at = now
            attendance.save(update_fields=["invited_at"])
        else:
            continue
        invited.append(attendance)
        _mail_member(
            member=member,
            meeting=meeting,
            template=TEMPLATE_INVITATION,
            key=f"meeting-invitation:{meeting.pk}:{member.pk}:{meeting.ical_sequence}",
        )
    if invited:
        _audit(actor, AuditAction.MEETING_INVITE, meeting, meeting.trajectory, detail=f"{len(invited)} invited")
    return invited


# --- the member's answer (RSVP) through the links in the invitation -------------------------

RSVP_SALT = "vision.meeting-rsvp"
RSVP_CLOSED = gettext_lazy("This meeting has started, so you can no longer answer the invitation.")


def rsvp_token(attendance: Attendance) -> str:
    """The member's personal answer link: signed, so nothing secret is stored. It names the
    invitation and its member; it works until the invitation is removed."""
    return signing.dumps([attendance.pk, attendance.member_id], salt=RSVP_SALT, compress=True)


def attendance_for_rsvp_token(token: str) -> QuerySet:
    """The invitation (at most one) the answer link belongs to; none for a wrong or forged link."""
    try:
        attendance_id, member_id = signing.loads(token, salt=RSVP_SALT)
    except (signing.BadSignature, ValueError, TypeError):
        return Attendance.objects.none()
    return Attendance.objects.filter(pk=attendance_id, member_id=member_id, invited_at__isnull=False)


@transaction.atomic
def meeting_rsvp(*, attendance: Attendance, answer: str) -> Attendance:
    """Record the member's yes or no (with its time); answering again changes the answer.
    Once the meeting has started the answer is closed: then attendance is recorded instead."""
    if answer not in RsvpAnswer.values:
        raise ValidationError({"answer": _("Choose whether you will come.")})
    attendance = Attendance.objects.select_for_update().select_related("meeting").get(pk=attendance.pk)
    if meeting_is_past(attendance.meeting):
        raise ValidationError(RSVP_CLOSED)
    attendance.rsvp = answer
    attendance.rsvp_at = timezone.now()
    attendance.save(update_fields=["rsvp", "rsvp_at"])
    return attendance


def _require_started(meeting: Meeting, message: str) -> None:
    if meeting.starts_at > timezone.now():
        raise ValidationError(message)


@transaction.atomic
def meeting_record_attendance(*, meeting: Meeting, present: Iterable[ProgressGroupMember], actor) -> Meeting:
    """Record who came: `present` attended, every other invited member did not.

    A member who came without an invitation gets an attendance row of their own.
    """
    require_steerer(actor, meeting.trajectory, EDIT_REFUSED)
    meeting = Meeting.objects.select_for_update().select_related("trajectory__municipality").get(pk=meeting.pk)
    _require_started(meeting, _("You can record who came once the meeting has started."))
    present_ids = {member.pk for member in present}
    members = ProgressGroupMember.objects.filter(trajectory=meeting.trajectory, pk__in=present_ids)
    if len(present_ids) != members.count():
        raise ValidationError({"present": _("Choose members of this progress group.")})
    rows = {row.member_id: row for row in Attendance.objects.filter(meeting=meeting)}
    changed = 0
    for member_id, row in rows.items():
        attended = member_id in present_ids
        if row.attended is not attended:
            row.attended = attended
            row.save(update_fields=["attended"])
            changed += 1
    for member_id in present_ids - set(rows):
        Attendance.objects.create(meeting=meeting, member_id=member_id, attended=True)
        changed += 1
    if changed:
        _audit(actor, AuditAction.MEETING_ATTENDANCE, meeting, meeting.trajectory, detail=f"{len(present_ids)} present")
    return meeting


def minutes_fingerprint(minutes: str) -> str:
    return hashlib.sha256(minutes.encode()).hexdigest()[:16]


@transaction.atomic
def meeting_save_minutes_draft(*, meeting: Meeting, minutes: str, actor) -> Meeting:
    """Keep the minutes as a draft: only those who steer see it; nobody gets a mail.

    Published minutes stay as they are until the draft is published (as a correction).
    """
    require_steerer(actor, meeting.trajectory, EDIT_REFUSED)
    meeting = Meeting.objects.select_for_update().select_related("trajectory__municipality").get(pk=meeting.pk)
    _require_started(meeting, _("You can write minutes once the meeting has started."))
    minutes = minutes.strip()
    if minutes == meeting.minutes_draft:
        return meeting
    meeting.minutes_draft = minutes
    meeting.minutes_draft_saved_at = timezone.now() if minutes else None
    meeting.full_clean()
    meeting.save(update_fields=["minutes_draft", "minutes_draft_saved_at", "updated_at"])
    _audit(actor, AuditAction.MEETING_UPDATE, meeting, meeting.trajectory, detail="minutes_draft")
    return meeting


@transaction.atomic
def meeting_publish_minutes(*, meeting: Meeting, minutes: str, actor) -> Meeting:
    """Publish the minutes and mail them to everyone invited or present; a draft is gone then.

    The first publication keeps its date; publishing other text later is a correction
    (`minutes_corrected_at`), mailed again. Publishing the same text again mails nobody.
    """
    require_steerer(actor, meeting.trajectory, EDIT_REFUSED)
    meeting = Meeting.objects.select_for_update().select_related("trajectory__municipality").get(pk=meeting.pk)
    _require_started(meeting, _("You can publish minutes once the meeting has started."))
    minutes = minutes.strip()
    if not minutes:
        raise ValidationError({"minutes": _("Write the minutes first.")})
    draft_fields = ["minutes_draft", "minutes_draft_saved_at"]
    had_draft = bool(meeting.minutes_draft)
    meeting.minutes_draft, meeting.minutes_draft_saved_at = "", None
    if meeting.minutes == minutes and meeting.minutes_published_at is not None:
        if had_draft:
            meeting.save(update_fields=[*draft_fields, "updated_at"])
        return meeting
    now = timezone.now()
    fields = ["minutes", *draft_fields, "updated_at"]
    if meeting.minutes_published_at is None:
        meeting.minutes_published_at = now
        fields.append("minutes_published_at")
    else:
        meeting.minutes_corrected_at = now
        fields.append("minutes_corrected_at")
    meeting.minutes = minutes
    meeting.full_clean()
    meeting.save(update_fields=fields)
    _audit(
        actor,
        AuditAction.MEETING_MINUTES,
        meeting,
        meeting.trajectory,
        detail="corrected" if "minutes_corrected_at" in fields else "",
    )
    fingerprint = minutes_fingerprint(minutes)
    recipients = (
        Attendance.objects.filter(meeting=meeting)
        .filter(Q(invited_at__isnull=False) | Q(attended=True))
        .exclude(member__email="")
        .select_related("member")
    )
    for attendance in recipients:
        _mail_member(
            member=attendance.member,
            meeting=meeting,
            template=TEMPLATE_MINUTES,
            key=f"meeting-minutes:{meeting.pk}:{attendance.member_id}:{fingerprint}",
        )
    return meeting


def _start_of_day(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def meeting_send_reminders(*, today: date) -> int:
    """Remind the invited members of every meeting that starts in two days. Safe to run twice
    (or more) a day: each member gets one reminder per meeting, or one more if it moved.

    Returns the number of reminders enqueued.
    """
    day = today + timedelta(days=REMINDER_DAYS_BEFORE)
    meetings = (
        Meeting.objects.filter(starts_at__gte=_start_of_day(day), starts_at__lt=_start_of_day(day + timedelta(days=1)))
        .select_related("trajectory__municipality")
        .order_by("starts_at", "pk")
    )
    total = 0
    for meeting in meetings:
        with transaction.atomic():
            sent = 0
            still_members = set(active_members(meeting.trajectory, today=today).values_list("pk", flat=True))
            for attendance in _recipients(meeting):
                if attendance.member_id not in still_members:
                    continue
                mail = _mail_member(
                    member=attendance.member,
                    meeting=meeting,
                    template=TEMPLATE_REMINDER,
                    key=f"meeting-reminder:{meeting.pk}:{attendance.member_id}:{meeting.ical_sequence}",
                )
                sent += mail is not None
            if sent:
                _audit(None, AuditAction.MEETING_REMIND, meeting, meeting.trajectory, detail=f"{sent} reminded")
        total += sent
    return total


# --- action items --------------------------------------------------------------------------


ITEM_REFUSED = gettext_lazy("Only the facilitator and the owner of this action item can change it.")


def _check_owner(trajectory: Trajectory, owner: ProgressGroupMember | None) -> None:
    if owner is not None and owner.trajectory_id != trajectory.pk:
        raise ValidationError({"owner": _("Choose a member of this progress group.")})


@transaction.atomic
def action_item_add(
    *, meeting: Meeting, actor, description: str, owner: ProgressGroupMember | None = None, due_date=None
) -> ActionItem:
    """A new action item from a meeting; its due date is today or later."""
    trajectory = meeting.trajectory
    require_steerer(actor, trajectory, EDIT_REFUSED)
    _check_owner(trajectory, owner)
    if due_date is not None and due_date < timezone.localdate():
        raise ValidationError({"due_date": _("The due date is in the past. Choose today or a later date.")})
    item = ActionItem(
        trajectory=trajectory, meeting=meeting, description=description.strip(), owner=owner, due_date=due_date
    )
    item.full_clean()
    item.save()
    _audit(actor, AuditAction.ACTION_ITEM_ADD, item, trajectory)
    return item


ITEM_FIELDS = ("description", "owner", "due_date")


@transaction.atomic
def action_item_update(
    *, item: ActionItem, actor, description: str, owner: ProgressGroupMember | None = None, due_date=None
) -> ActionItem:
    """Change what an action item says, who does it and when: the facilitator, or its owner.

    A due date that moves into the past is refused; an unchanged (overdue) one may stay.
    """
    item = (
        ActionItem.objects.select_for_update(of=("self",))
        .select_related("trajectory__municipality", "owner")
        .get(pk=item.pk)
    )
    require_action_item_manager(actor, item, ITEM_REFUSED)
    _check_owner(item.trajectory, owner)
    if due_date is not None and due_date != item.due_date and due_date < timezone.localdate():
        raise ValidationError({"due_date": _("The due date is in the past. Choose today or a later date.")})
    changes = {"description": description.strip(), "owner": owner, "due_date": due_date}
    changed = [field for field in ITEM_FIELDS if getattr(item, field) != changes[field]]
    if not changed:
        return item
    for field in changed:
        setattr(item, field, changes[field])
    item.full_clean()
    item.save(update_fields=[*changed, "updated_at"])
    _audit(actor, AuditAction.ACTION_ITEM_UPDATE, item, item.trajectory, detail=",".join(changed))
    return item


@transaction.atomic
def action_item_set_done(*, item: ActionItem, done: bool, actor) -> ActionItem:
    """Close an action item (or open it again): the facilitator, or its owner."""
    item = (
        ActionItem.objects.select_for_update(of=("self",))
        .select_related("trajectory__municipality", "owner")
        .get(pk=item.pk)
    )
    require_action_item_manager(actor, item, ITEM_REFUSED)
    if item.done is done:
        return item
    item.done = done
    item.done_at = timezone.now() if done else None
    item.save(update_fields=["done", "done_at", "updated_at"])
    _audit(actor, AuditAction.ACTION_ITEM_DONE if done else AuditAction.ACTION_ITEM_REOPEN, item, item.trajectory)
    return item
