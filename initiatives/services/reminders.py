"""The scheduler's daily work on initiatives: reminders, escalation, nudges and closure.

`reminders_run(today=...)` runs once per working day (Celery beat, initiatives.tasks). Every
mail carries a deduplication key per due event, so running it twice sends nothing twice.
Each kind of reminder costs a fixed number of queries, however many initiatives are open;
only the closures (one workflow step each, with history) cost queries per closed initiative.
"""

from collections import defaultdict
from datetime import date, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import OuterRef, Subquery

from audit.constants import AuditAction
from audit.services import audit_log
from core.working_days import add_working_days, is_working_day, local_date, working_days_between
from initiatives.constants import OPEN_STATUSES, AgreementParty, Status
from initiatives.models import ACTIVE_STATUSES, Agreement, Initiative, StatusChange
from initiatives.services.common import officer_link
from initiatives.services.workflow import initiative_transition
from municipalities.constants import OfficerRole
from municipalities.models import OfficerMembership
from notifications.models import OutboxMail
from notifications.services import mail_enqueue_many


class Officers:
    """Who handles what, loaded once for all municipalities involved (two queries)."""

    def __init__(self, municipality_ids):
        self.by_village = defaultdict(list)
        self.by_municipality = defaultdict(list)
        self.coordinators = defaultdict(list)
        memberships = (
            OfficerMembership.objects.filter(municipality_id__in=set(municipality_ids), is_active=True)
            .select_related("user")
            .prefetch_related("villages")
        )
        for membership in memberships:
            user = membership.user
            if not user.email:
                continue
            self.by_municipality[membership.municipality_id].append(user)
            if membership.role == OfficerRole.COORDINATOR:
                self.coordinators[membership.municipality_id].append(user)
            for village in membership.villages.all():
                self.by_village[village.pk].append(user)

    def handlers(self, initiative):
        """The assigned officer; otherwise the village's officers; otherwise all of the municipality."""
        if initiative.assigned_officer_id and initiative.assigned_officer.email:
            return [initiative.assigned_officer]
        return self.by_village.get(initiative.village_id) or self.by_municipality.get(initiative.municipality_id, [])


def _officer_mail(user, initiative, template, key) -> OutboxMail:
    return OutboxMail.about(
        to=user.email,
        template=f"initiatives/email/{template}",
        dedup_key=f"{key}:{user.pk}",
        subject=initiative,
        recipient_id=user.pk,
        language=settings.LANGUAGE_CODE,
        context={"officer_name": user.get_full_name(), "link": officer_link(initiative)},
    )


def _initiator_mail(initiative, template, key) -> OutboxMail | None:
    if not initiative.initiator_email:
        return None
    return OutboxMail.about(
        to=initiative.initiator_email,
        template=f"initiatives/email/{template}",
        dedup_key=key,
        subject=initiative,
        language=initiative.preferred_language,
        context={"tracking_link": True},
    )


def _response_mails(today: date) -> list[OutboxMail]:
    """First response overdue: the handler hears it; two working days later, the coordinator."""
    overdue = list(Initiative.objects.overdue_first_response(today).select_related("assigned_officer"))
    officers = Officers(i.municipality_id for i in overdue)
    mails = []
    for initiative in overdue:
        due = initiative.first_response_due
        for user in officers.handlers(initiative):
            mails.append(
                _officer_mail(user, initiative, "first_response_overdue", f"response-overdue:{initiative.pk}:{due}")
            )
        if add_working_days(due, settings.REMINDER_ESCALATE_AFTER_WORKING_DAYS) <= today:
            for user in officers.coordinators.get(initiative.municipality_id, []):
                mails.append(
                    _officer_mail(user, initiative, "first_response_escalation", f"escalation:{initiative.pk}:{due}")
                )
    return mails


def _decision_mails(today: date) -> list[OutboxMail]:
    """The decision term nearly passed: a warning to the handler; on the last working day
    before it ends, the initiator hears that it takes longer (Awb 4:14)."""
    horizon = add_working_days(today, settings.REMINDER_DECISION_WARNING_WORKING_DAYS)
    candidates = list(
        Initiative.objects.filter(
            status__in=OPEN_STATUSES, decision_due__gte=today, decision_due__lte=horizon
        ).select_related("assigned_officer")
    )
    officers = Officers(i.municipality_id for i in candidates)
    mails = []
    for initiative in candidates:
        due = initiative.decision_due
        for user in officers.handlers(initiative):
            mails.append(_officer_mail(user, initiative, "decision_warning", f"decision-warning:{initiative.pk}:{due}"))
        if add_working_days(today, 1) >= due:
            mails.append(_initiator_mail(initiative, "decision_delay", f"decision-delay:{initiative.pk}:{due}"))
    return [mail for mail in mails if mail]


def _agreement_mails(today: date) -> list[OutboxMail]:
    horizon = add_working_days(today, settings.REMINDER_AGREEMENT_WARNING_WORKING_DAYS)
    agreements = list(
        Agreement.objects.filter(
            done=False, due_date__gte=today, due_date__lte=horizon, initiative__status__in=ACTIVE_STATUSES
        ).select_related("initiative__assigned_officer")
    )
    officers = Officers(a.initiative.municipality_id for a in agreements)
    mails = []
    for agreement in agreements:
        initiative = agreement.initiative
        key = f"agreement-due:{agreement.pk}:{agreement.due_date}"
        if agreement.party == AgreementParty.INITIATOR:
            mail = _initiator_mail(initiative, "agreement_due", key)
            mails += [mail] if mail else []
        else:
            mails += [_officer_mail(user, initiative, "agreement_due", key) for user in officers.handlers(initiative)]
    return mails


def _waiting(today: date) -> tuple[list[OutboxMail], list[Initiative]]:
    """Waiting for the initiator: a friendly nudge after 10 working days, closed after 30."""
    since = StatusChange.objects.filter(initiative=OuterRef("pk"), to_status=Status.WAITING_FOR_INITIATOR).order_by(
        "-created_at"
    )
    # 10 working days take at least 12 calendar days: a cheap filter before the exact count.
    candidates = (
        Initiative.objects.filter(status=Status.WAITING_FOR_INITIATOR)
        .annotate(waiting_since=Subquery(since.values("created_at")[:1]))
        .filter(waiting_since__date__lte=today - timedelta(days=12))
    )
    mails, to_close = [], []
    for initiative in candidates:
        started = local_date(initiative.waiting_since)
        waited = working_days_between(started, today)
        if waited >= settings.WAITING_CLOSE_AFTER_WORKING_DAYS:
            to_close.append(initiative)
        elif waited >= settings.WAITING_NUDGE_AFTER_WORKING_DAYS:
            mails.append(_initiator_mail(initiative, "waiting_nudge", f"waiting-nudge:{initiative.pk}:{started}"))
    return [mail for mail in mails if mail], to_close


def reminders_run(*, today: date) -> dict[str, int]:
    """Everything the scheduler does for initiatives on `today`; nothing on weekends and holidays."""
    if not is_working_day(today):
        return {}
    waiting_mails, to_close = _waiting(today)
    with transaction.atomic():
        counts = {
            "first_response": mail_enqueue_many(_response_mails(today)),
            "decision": mail_enqueue_many(_decision_mails(today)),
            "agreements": mail_enqueue_many(_agreement_mails(today)),
            "waiting_nudges": mail_enqueue_many(waiting_mails),
        }
    closed = 0
    for initiative in to_close:
        with transaction.atomic():
            initiative = initiative_transition(
                initiative=initiative,
                to_status=Status.CLOSED,
                note=f"Closed after {settings.WAITING_CLOSE_AFTER_WORKING_DAYS} working days without an answer.",
            )
            audit_log(
                actor=None,
                action=AuditAction.INITIATIVE_AUTO_CLOSE,
                obj=initiative,
                municipality=initiative.municipality,
            )
            mail = _initiator_mail(initiative, "waiting_closed", f"waiting-closed:{initiative.pk}:{today}")
            mail_enqueue_many([mail] if mail else [])
            closed += 1
    counts["closed"] = closed
    return counts
