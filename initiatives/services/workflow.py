"""Writes for initiatives (STYLE.md §2): every change a resident or officer makes goes here."""

from collections import defaultdict
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.constants import AuditAction
from audit.models import AuditResult
from audit.services import audit_entry, audit_log, audit_log_many
from initiatives.constants import OPEN_STATUSES, TRANSITIONS, Status
from initiatives.models import (
    Initiative,
    StatusChange,
)
from initiatives.services.common import audit_initiative, initiator_mail, mail_initiator
from initiatives.statistics_rollups import statistics_touch
from municipalities.access import require_officer
from notifications.services import mail_enqueue_many

# --- workflow -------------------------------------------------------------------------------


class TransitionNotAllowed(ValidationError):
    pass


# --- what one step does, shared by the single and the bulk transition ------------------------


def _guard(from_status: str, to_status: str) -> None:
    """TRANSITIONS is the only source of truth: any other step is refused."""
    if to_status not in TRANSITIONS.get(from_status, frozenset()):
        raise TransitionNotAllowed(
            _("An initiative that is “%(from)s” cannot become “%(to)s”.")
            % {"from": Status(from_status).label, "to": Status(to_status).label}
        )


def _step_fields(initiative: Initiative, to_status: str, *, actor, by_initiator: bool, now) -> dict:
    """The fields the step changes on `initiative`, with their new values."""
    fields = {"status": to_status, "updated_at": now}
    if to_status in (Status.CLOSED, Status.WITHDRAWN):
        fields["closed_at"] = now
    elif initiative.status == Status.CLOSED:
        fields["closed_at"] = None
    if actor is not None and not by_initiator and initiative.first_response_at is None:
        fields["first_response_at"] = now
    return fields


def _step_row(initiative: Initiative, from_status: str, *, actor, by_initiator: bool, note: str) -> StatusChange:
    """The step's row in the append-only status history (unsaved)."""
    return StatusChange(
        initiative=initiative,
        from_status=from_status,
        to_status=initiative.status,
        actor=actor,
        by_initiator=by_initiator,
        note=note,
    )


def _asks_satisfaction(to_status: str, *, actor, by_initiator: bool, ask_satisfaction: bool) -> bool:
    # Asked once per initiative (dedup key), also after a reopen. Not after the scheduler's
    # automatic closure: that initiator has not answered for weeks, and the closure notice
    # already invites them back; the tracking page still offers them the question.
    return to_status == Status.CLOSED and (actor is not None or by_initiator) and ask_satisfaction


# --- one initiative --------------------------------------------------------------------------


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
    Many initiatives at once: `initiatives_transition_bulk`, the same step in a fixed number
    of queries.
    """
    initiative = Initiative.objects.select_for_update().get(pk=initiative.pk)
    from_status = initiative.status
    _guard(from_status, to_status)
    fields = _step_fields(initiative, to_status, actor=actor, by_initiator=by_initiator, now=timezone.now())
    for name, value in fields.items():
        setattr(initiative, name, value)
    initiative.save(update_fields=list(fields))
    _step_row(initiative, from_status, actor=actor, by_initiator=by_initiator, note=note).save()
    if _asks_satisfaction(to_status, actor=actor, by_initiator=by_initiator, ask_satisfaction=ask_satisfaction):
        from initiatives.services.satisfaction import satisfaction_request

        satisfaction_request(initiative=initiative)
    return initiative


# --- many initiatives ------------------------------------------------------------------------


@dataclass
class BulkTransition:
    """What `initiatives_transition_bulk` did: the initiatives it moved (with their new
    status, in id order) and those whose status did not allow the step (left as they were)."""

    changed: list[Initiative] = field(default_factory=list)
    refused: list[Initiative] = field(default_factory=list)
    status_changes: list[StatusChange] = field(default_factory=list)


def _status_key(initiative: Initiative, change: StatusChange) -> str:
    return f"status:{change.pk}"


def _steps_apply(initiatives: list[Initiative], to_status: str, *, actor, by_initiator: bool, note: str):
    """The guarded step on many locked initiatives: their fields (one UPDATE per set of values)
    and their status history rows (one INSERT). Returns the saved status rows, in order."""
    now = timezone.now()
    groups = defaultdict(list)  # the same fields and values: one UPDATE
    rows = []
    for initiative in initiatives:
        from_status = initiative.status
        fields = _step_fields(initiative, to_status, actor=actor, by_initiator=by_initiator, now=now)
        for name, value in fields.items():
            setattr(initiative, name, value)
        groups[tuple(fields.items())].append(initiative.pk)
        rows.append(_step_row(initiative, from_status, actor=actor, by_initiator=by_initiator, note=note))
    # Whatever must follow every status change belongs here for many initiatives at once (the
    # scheduler's closures and a budget round's winners come through here), as in
    # `initiative_transition` for one.
    for fields, ids in groups.items():
        Initiative.objects.filter(pk__in=ids).update(**dict(fields))
    statistics_touch(initiatives=initiatives)  # an UPDATE sends no signal (statistics_rollups)
    return StatusChange.objects.bulk_create(rows)


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
    """`initiative_transition` for many initiatives at once (a budget round's winners): the same
    guard, fields, status rows and satisfaction question in a fixed number of queries. One that
    may not take the step refuses them all. No audit line and no status mail: the caller writes
    its own, as `initiative_decide` does.

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
    result = [locked[pk] for pk in pks]
    for initiative in result:
        _guard(initiative.status, to_status)
    _steps_apply(result, to_status, actor=actor, by_initiator=by_initiator, note=note)
    if _asks_satisfaction(to_status, actor=actor, by_initiator=by_initiator, ask_satisfaction=ask_satisfaction):
        from initiatives.services.satisfaction import satisfaction_mails

        mail_enqueue_many(satisfaction_mails(result))
    return result


@transaction.atomic
def initiatives_transition_bulk(
    *,
    initiatives,
    to_status: str,
    actor=None,
    by_initiator: bool = False,
    note: str = "",
    ask_satisfaction: bool = True,
    action: str = AuditAction.INITIATIVE_STATUS,
    mail_template: str | None = "initiatives/email/status_changed",
    mail_key=_status_key,
    skip_refused: bool = False,
) -> BulkTransition:
    """The same workflow step for many initiatives, in a fixed number of queries however many.

    Every bulk status change goes through here (the scheduler's automatic closure does).
    Per initiative it does what `initiative_transition` does (the same guard, fields, status
    history row and satisfaction question) and what `initiative_change_status` adds: an audit
    line (`action`, detail "-> <status>") and a mail to the initiator (`mail_template`, None
    for none; `mail_key(initiative, status_change)` its dedup key, by default the one
    `initiative_change_status` uses). Access is the caller's business.

    `initiatives`: a QuerySet or a list of initiatives (or ids); they are locked, read again
    and guarded. A step the status does not allow raises TransitionNotAllowed and changes
    nothing; with `skip_refused` those initiatives are left alone and returned as refused
    (an initiator answered between the caller's query and the lock, say).
    Queries: the lock, one UPDATE per kind of change (at most six), the status history, the
    audit lines, and the mails (`mail_enqueue_many`; the satisfaction question one more).
    """
    if isinstance(initiatives, models.QuerySet):
        chosen = Q(pk__in=initiatives.order_by().values("pk"))
    else:
        chosen = Q(pk__in=[getattr(initiative, "pk", initiative) for initiative in initiatives])
    result = BulkTransition()
    locked = list(Initiative.objects.select_for_update().filter(chosen).order_by("pk"))
    for initiative in locked:
        try:
            _guard(initiative.status, to_status)
        except TransitionNotAllowed:
            if not skip_refused:
                raise
            result.refused.append(initiative)
            continue
        result.changed.append(initiative)
    if not result.changed:
        return result
    result.status_changes = _steps_apply(result.changed, to_status, actor=actor, by_initiator=by_initiator, note=note)
    audit_log_many(
        [
            audit_entry(
                actor=actor,
                action=action,
                obj=initiative,
                municipality_id=initiative.municipality_id,
                detail=f"-> {to_status}",
            )
            for initiative in result.changed
        ]
    )
    mails = []
    if mail_template:
        for initiative, change in zip(result.changed, result.status_changes, strict=True):
            mails.append(initiator_mail(initiative, template=mail_template, key=mail_key(initiative, change)))
    if _asks_satisfaction(to_status, actor=actor, by_initiator=by_initiator, ask_satisfaction=ask_satisfaction):
        from initiatives.services.satisfaction import satisfaction_mails

        mails += satisfaction_mails(result.changed)
    mail_enqueue_many([mail for mail in mails if mail is not None])
    return result


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
