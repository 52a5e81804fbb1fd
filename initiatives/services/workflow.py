"""Writes for initiatives (STYLE.md §2): every change a resident or officer makes goes here."""

from collections import defaultdict

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
    (initiative,) = initiatives_transition(
        initiatives=[initiative],
        to_status=to_status,
        actor=actor,
        by_initiator=by_initiator,
        note=note,
        ask_satisfaction=ask_satisfaction,
    )
    return initiative


@transaction.atomic
def initiatives_transition(
    *,
    initiatives: list[Initiative],
    to_status: str,
    actor=None,
    by_initiator: bool = False,
    note: str = "",
    ask_satisfaction: bool = True,
) -> list[Initiative]:
    """The same step for many initiatives at once (a budget round's winners), with the rule and
    the rows of `initiative_transition`: the rows locked in one query, a fixed number of queries
    however many they are. One that may not take the step refuses them all.

    Returns the locked initiatives (with their municipality), in the order given.
    """
    pks = [initiative.pk for initiative in initiatives]
    locked = {
        initiative.pk: initiative
        for initiative in Initiative.objects.select_for_update(of=("self",))
        .select_related("municipality")
        .filter(pk__in=pks)
        .order_by("pk")
    }
    if len(locked) != len(set(pks)):
        raise Initiative.DoesNotExist("Initiative matching query does not exist.")
    now = timezone.now()
    changes, groups = [], defaultdict(list)
    for pk in pks:
        initiative = locked[pk]
        changed, change = _step(
            initiative, to_status=to_status, actor=actor, by_initiator=by_initiator, note=note, now=now
        )
        changes.append(change)
        groups[tuple(sorted(changed.items()))].append(pk)  # the same values: one UPDATE
    for values, group in groups.items():
        Initiative.objects.filter(pk__in=group).update(**dict(values))
    StatusChange.objects.bulk_create(changes)
    result = [locked[pk] for pk in pks]
    if to_status == Status.CLOSED and (actor is not None or by_initiator) and ask_satisfaction:
        # Asked once per initiative (dedup key), also after a reopen. Not after the scheduler's
        # automatic closure: that initiator has not answered for weeks, and the closure notice
        # already invites them back; the tracking page still offers them the question.
        from initiatives.services.satisfaction import satisfaction_request

        for initiative in result:
            satisfaction_request(initiative=initiative)
    return result


def _step(
    initiative: Initiative, *, to_status: str, actor, by_initiator: bool, note: str, now
) -> tuple[dict, StatusChange]:
    """One step on a locked initiative, in memory: refused unless TRANSITIONS allows it. Returns
    the changed fields with their new values and the (unsaved) status row."""
    from_status = initiative.status
    if to_status not in TRANSITIONS.get(from_status, frozenset()):
        raise TransitionNotAllowed(
            _("An initiative that is “%(from)s” cannot become “%(to)s”.")
            % {"from": Status(from_status).label, "to": Status(to_status).label}
        )
    changed = {"status": to_status, "updated_at": now}
    if to_status in (Status.CLOSED, Status.WITHDRAWN):
        changed["closed_at"] = now
    elif from_status == Status.CLOSED:
        changed["closed_at"] = None
    if actor is not None and not by_initiator and initiative.first_response_at is None:
        changed["first_response_at"] = now
    for name, value in changed.items():
        setattr(initiative, name, value)
    change = StatusChange(
        initiative=initiative,
        from_status=from_status,
        to_status=to_status,
        actor=actor,
        by_initiator=by_initiator,
        note=note,
    )
    return changed, change


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
