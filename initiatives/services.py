"""Writes for initiatives (STYLE.md §2): every change a resident or officer makes goes here."""

import secrets
import uuid
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from municipalities.models import OfficerMembership
from notifications.services import mail_enqueue

from .constants import TRANSITIONS, IntakeChannel, MessageKind, Status
from .deadlines import initiative_due_dates
from .models import (
    Attachment,
    CostLine,
    Initiative,
    Message,
    ReferenceSequence,
    StatusChange,
    TrackingToken,
    tracking_token_hash,
)


@transaction.atomic
def reference_next(*, year: int) -> str:
    """The next human-readable reference for `year`, e.g. ``2026-0042``; safe under concurrency.

    The year's row is created if missing (a no-op when another transaction just did) and then
    locked, so two submissions can never take the same number.
    """
    ReferenceSequence.objects.bulk_create([ReferenceSequence(year=year)], ignore_conflicts=True)
    sequence = ReferenceSequence.objects.select_for_update().get(year=year)
    sequence.last_number += 1
    sequence.save(update_fields=["last_number"])
    return f"{year}-{sequence.last_number:04d}"


# --- tracking links -----------------------------------------------------------------------


def tracking_token_issue(*, initiative: Initiative) -> str:
    """A new private link for `initiative`; only its hash is stored."""
    token = secrets.token_urlsafe(32)  # 32 random bytes
    TrackingToken.objects.create(initiative=initiative, token_hash=tracking_token_hash(token))
    return token


# --- workflow -------------------------------------------------------------------------------


class TransitionNotAllowed(ValidationError):
    pass


@transaction.atomic
def initiative_transition(
    *, initiative: Initiative, to_status: str, actor=None, by_initiator: bool = False, note: str = ""
) -> Initiative:
    """Apply one workflow step (TRANSITIONS is the only source of truth) and record it."""
    initiative = Initiative.objects.select_for_update().get(pk=initiative.pk)
    from_status = initiative.status
    if to_status not in TRANSITIONS.get(from_status, frozenset()):
        raise TransitionNotAllowed(
            _("An initiative that is “%(from)s” cannot become “%(to)s”.")
            % {"from": Status(from_status).label, "to": Status(to_status).label}
        )
    now = timezone.now()
    initiative.status = to_status
    fields = ["status", "updated_at"]
    if to_status in (Status.CLOSED, Status.WITHDRAWN):
        initiative.closed_at = now
        fields.append("closed_at")
    elif from_status == Status.CLOSED:
        initiative.closed_at = None
        fields.append("closed_at")
    if actor is not None and not by_initiator and initiative.first_response_at is None:
        initiative.first_response_at = now
        fields.append("first_response_at")
    initiative.save(update_fields=fields)
    StatusChange.objects.create(
        initiative=initiative,
        from_status=from_status,
        to_status=to_status,
        actor=actor,
        by_initiator=by_initiator,
        note=note,
    )
    return initiative


# --- submission -----------------------------------------------------------------------------


def officers_for_village(village) -> list[OfficerMembership]:
    """The officers with `village` in their portfolio: who residents of that village deal with."""
    return list(
        OfficerMembership.objects.filter(municipality_id=village.municipality_id, is_active=True, villages=village)
        .select_related("user")
        .order_by("role", "user__last_name")
    )


def _officers_to_notify(initiative: Initiative) -> list[OfficerMembership]:
    """The village's officers; when nobody has the village, every officer of the municipality."""
    return officers_for_village(initiative.village) or list(
        OfficerMembership.objects.filter(municipality_id=initiative.municipality_id, is_active=True).select_related(
            "user"
        )
    )


def _save_attachments(*, initiative, files, message=None):
    for upload in files:
        Attachment.objects.create(
            initiative=initiative,
            message=message,
            file=upload.file,
            original_name=upload.name,
            content_type=upload.content_type,
            size=upload.size,
        )


@transaction.atomic
def initiative_submit(
    *,
    data: dict,
    cost_lines: list[dict],
    files=(),
    channel: str = IntakeChannel.WEB,
    registered_by=None,
    submitted_at=None,
) -> Initiative:
    """Store a new initiative with everything the resident gave, then (after commit) mail.

    `data` holds the Initiative fields (with `village` and `themes`); `files` are checked
    uploads (see `initiatives.forms.CheckedUpload`). Nothing is mailed before the commit.
    """
    data = dict(data)
    themes = data.pop("themes", [])
    village = data["village"]
    if not village.municipality.is_active:
        raise ValidationError({"village": _("This municipality does not accept initiatives on this platform.")})
    submitted_at = submitted_at or timezone.now()
    first_response_due, decision_due = initiative_due_dates(
        municipality=village.municipality, submitted_at=submitted_at
    )
    initiative = Initiative(
        **data,
        municipality=village.municipality,
        reference=reference_next(year=timezone.localtime(submitted_at).year),
        status=Status.SUBMITTED,
        submitted_at=submitted_at,
        first_response_due=first_response_due,
        decision_due=decision_due,
        intake_channel=channel,
        registered_by=registered_by,
        total_cost=sum((line["amount"] for line in cost_lines), Decimal("0")),
    )
    if channel == IntakeChannel.WEB:
        initiative.privacy_acknowledged_at = submitted_at
    initiative.full_clean()
    initiative.save()
    initiative.themes.set(themes)
    CostLine.objects.bulk_create(
        [CostLine(initiative=initiative, description=line["description"], amount=line["amount"]) for line in cost_lines]
    )
    _save_attachments(initiative=initiative, files=files)
    StatusChange.objects.create(
        initiative=initiative,
        from_status="",
        to_status=Status.SUBMITTED,
        actor=registered_by,
        by_initiator=registered_by is None,
    )
    mail_enqueue(
        to=initiative.initiator_email,
        template="initiatives/email/receipt",
        dedup_key=f"receipt:{initiative.pk}",
        language=initiative.preferred_language,
        initiative=initiative,
        context={"tracking_link": True},
    )
    for officer in _officers_to_notify(initiative):
        mail_enqueue(
            to=officer.user.email,
            template="initiatives/email/officer_new",
            dedup_key=f"officer-new:{initiative.pk}:{officer.user_id}",
            initiative=initiative,
            context={"officer_name": officer.user.get_full_name()},
        )
    return initiative


# --- the initiator's own actions (through the tracking link) --------------------------------


def _notify_handler(initiative: Initiative, *, template: str, key: str):
    recipients = (
        [initiative.assigned_officer]
        if initiative.assigned_officer
        else [o.user for o in _officers_to_notify(initiative)]
    )
    for user in recipients:
        if user.email:
            mail_enqueue(
                to=user.email,
                template=template,
                dedup_key=f"{key}:{user.pk}",
                initiative=initiative,
                context={"officer_name": user.get_full_name()},
            )


@transaction.atomic
def initiative_reply(*, initiative: Initiative, body: str, files=()) -> Message:
    """A message from the initiator; a waiting initiative goes back into conversation."""
    message = Message.objects.create(initiative=initiative, kind=MessageKind.FROM_INITIATOR, body=body)
    _save_attachments(initiative=initiative, files=files, message=message)
    if initiative.status == Status.WAITING_FOR_INITIATOR:
        initiative_transition(initiative=initiative, to_status=Status.IN_CONVERSATION, by_initiator=True)
    _notify_handler(initiative, template="initiatives/email/officer_reply", key=f"reply:{message.pk}")
    return message


@transaction.atomic
def initiative_withdraw(*, initiative: Initiative, reason: str = "") -> Initiative:
    initiative = initiative_transition(
        initiative=initiative, to_status=Status.WITHDRAWN, by_initiator=True, note=reason
    )
    _notify_handler(initiative, template="initiatives/email/officer_withdrawn", key=f"withdrawn:{initiative.pk}")
    return initiative


def lost_link_request(*, email: str) -> None:
    """Mail fresh links for every initiative of `email`. Says nothing about whether any exist."""
    email = email.strip()
    initiatives = list(
        Initiative.objects.filter(initiator_email__iexact=email)
        .order_by("-submitted_at")
        .values_list("pk", "preferred_language")[:20]
    )
    if not initiatives:
        return
    with transaction.atomic():
        mail_enqueue(
            to=email,
            template="initiatives/email/lost_link",
            dedup_key=f"lost-link:{uuid.uuid4().hex}",
            language=initiatives[0][1],
            context={"tracking_links_for": [pk for pk, _lang in initiatives]},
        )
