"""Writes for initiatives (STYLE.md §2): every change a resident or officer makes goes here."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.constants import AuditAction
from audit.models import AuditResult
from audit.services import audit_log
from initiatives.constants import OPEN_STATUSES, TRANSITIONS, Status
from initiatives.models import (
    Initiative,
    StatusChange,
)
from initiatives.services.common import audit_initiative, mail_initiator
from municipalities.access import require_officer

# --- workflow -------------------------------------------------------------------------------


class TransitionNotAllowed(ValidationError):
    pass


@transaction.atomic
def initiative_transition(
    *,
    initiative: Initiative,
    to_status: str,
    actor=None,
    by_initiator: bool = False,
    note: str = "",
    ask_satisfaction: bool = True,
) -> Initiative:
    """Apply one workflow step (TRANSITIONS is the only source of truth) and record it.

    `ask_satisfaction=False` closes without the satisfaction question (a duplicate: its
    initiator's plan goes on in the other initiative, nothing was handled yet to rate).
    """
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
    if to_status == Status.CLOSED and (actor is not None or by_initiator) and ask_satisfaction:
        # Asked once per initiative (dedup key), also after a reopen. Not after the scheduler's
        # automatic closure: that initiator has not answered for weeks, and the closure notice
        # already invites them back; the tracking page still offers them the question.
        from initiatives.services.satisfaction import satisfaction_request

        satisfaction_request(initiative=initiative)
    return initiative


@transaction.atomic
def initiative_restart(*, initiative: Initiative, actor, note: str = "") -> Initiative:
    """Start the handling again from "submitted": only for a forwarded initiative, which counts
    from its receipt by the competent municipality (Awb 2:3). Not a step of TRANSITIONS: the
    receiving municipality has not done anything yet, whatever the sender did. Open statuses
    only; the status history keeps the steps before.
    """
    initiative = Initiative.objects.select_for_update().get(pk=initiative.pk)
    if initiative.status not in OPEN_STATUSES:
        raise TransitionNotAllowed(
            _("An initiative that is “%(from)s” cannot start again.") % {"from": Status(initiative.status).label}
        )
    if initiative.status == Status.SUBMITTED:
        return initiative
    StatusChange.objects.create(
        initiative=initiative, from_status=initiative.status, to_status=Status.SUBMITTED, actor=actor, note=note
    )
    initiative.status = Status.SUBMITTED
    initiative.save(update_fields=["status", "updated_at"])
    return initiative


def initiative_change_status(*, initiative: Initiative, to_status: str, actor, note: str = "") -> Initiative:
    """An officer moves the initiative on; the initiator is told in plain words.

    A refused step is audited too, outside the transaction that the refusal rolls back.
    """
    require_officer(actor, initiative.municipality_id)
    try:
        with transaction.atomic():
            initiative = initiative_transition(initiative=initiative, to_status=to_status, actor=actor, note=note)
            audit_initiative(actor, AuditAction.INITIATIVE_STATUS, initiative, detail=f"-> {to_status}")
            change = initiative.status_changes.last()
            mail_initiator(initiative, template="initiatives/email/status_changed", key=f"status:{change.pk}")
    except TransitionNotAllowed:
        audit_log(
            actor=actor,
            action=AuditAction.INITIATIVE_STATUS,
            obj=initiative,
            municipality=initiative.municipality,
            result=AuditResult.REFUSED,
            detail=f"{initiative.status} -> {to_status}",
        )
        raise
    return initiative
