"""The scheduler's daily work on initiatives: reminders, escalation, nudges and closure.

`reminders_run(today=...)` runs once per working day (Celery beat, initiatives.tasks). Every
mail carries a deduplication key per due event, so running it twice sends nothing twice.

Set-based, so the work does not grow with the number of open initiatives: each kind of
reminder is one query that selects what is due *and has not been mailed yet* (the outbox's
rows about the initiative are matched on the event's key in SQL), so a day with nothing new
reads no initiative into Python. What is due becomes outbox rows in one INSERT per kind, and
the closures are one bulk workflow step (`initiatives_transition_bulk`). A fixed number of
queries, however many initiatives are open or due.

An event counts as mailed when any mail of it exists for the initiative: an officer who takes
the initiative over after the reminder went out does not get it again.
"""

from collections import defaultdict
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import CharField, Exists, Func, OuterRef, Q, Subquery, Value
from django.db.models.functions import Cast, Concat, TruncDate
from django.utils import timezone

from audit.constants import AuditAction
from core.working_days import add_working_days, is_working_day, working_days_between
from initiatives.constants import OPEN_STATUSES, AgreementParty, Status
from initiatives.models import ACTIVE_STATUSES, Agreement, Initiative, StatusChange
from initiatives.services.common import initiator_mail, officer_link
from initiatives.services.workflow import initiatives_transition_bulk
from municipalities.constants import OfficerRole
from municipalities.models import OfficerMembership
from notifications.models import OutboxMail
from notifications.services import mail_enqueue_many

# What the mails need of an initiative (the rest of the row stays in the database).
MAIL_FIELDS = (
    "id",
    "municipality_id",
    "village_id",
    "assigned_officer",
    "initiator_email",
    "preferred_language",
    "first_response_due",
    "decision_due",
)


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
    return initiator_mail(initiative, template=f"initiatives/email/{template}", key=key)


# --- "mailed already", in SQL -------------------------------------------------------------------


class DateText(Func):
    """A date as Python writes it in a dedup key (YYYY-MM-DD), whatever the database's DateStyle."""

    output_field = CharField()
    template = "CAST(%(expressions)s AS TEXT)"  # SQLite keeps dates as that text already

    def as_postgresql(self, compiler, connection, **extra):
        return self.as_sql(compiler, connection, template="to_char(%(expressions)s, 'YYYY-MM-DD')", **extra)


def _key(*parts) -> Concat:
    """A dedup key built in SQL; strings are literal, expressions are the row's values."""
    expressions = [Value(part) if isinstance(part, str) else part for part in parts]
    return Concat(*expressions, output_field=CharField())


def _mailed(*parts, subject: str = "pk", whole: bool = False) -> Exists:
    """A mail about the initiative `subject` whose dedup key is the key of `parts` (`whole`), or
    starts with it (the officers' mails add ``:<user id>``). Reads the outbox's rows about the
    initiative through its (subject_type, subject_id) index."""
    key = _key(*parts)
    mails = OutboxMail.objects.filter(
        subject_type=ContentType.objects.get_for_model(Initiative), subject_id=OuterRef(subject)
    ).filter(Q(dedup_key=key) if whole else Q(dedup_key__startswith=key))
    return Exists(mails)


def _pk():
    return Cast(OuterRef("pk"), CharField())


def _date(name: str):
    return DateText(OuterRef(name))


# --- the working-day arithmetic, once per run -----------------------------------------------------


def _latest_day_waited(today: date, working_days: int) -> date:
    """The latest day after which `working_days` working days have passed on `today` (every
    earlier day has waited at least as long)."""
    day = today
    while working_days_between(day, today) < working_days:
        day -= timedelta(days=1)
    return day


def _latest_due_escalated(today: date, working_days: int) -> date:
    """The latest due date that is `working_days` working days behind on `today`."""
    day = today
    while add_working_days(day, working_days) > today:
        day -= timedelta(days=1)
    return day


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


# --- what is due ----------------------------------------------------------------------------------


def _for_mail(queryset):
    return queryset.select_related("assigned_officer").only(*MAIL_FIELDS).order_by("pk")


def _response_due(today: date) -> tuple[list, list]:
    """First response overdue: the handler hears it; two working days later, the coordinator.
    (overdue, escalated), each not mailed for its due date yet."""
    overdue = Initiative.objects.overdue_first_response(today)
    reminded = _mailed("response-overdue:", _pk(), ":", _date("first_response_due"), ":")
    escalate_until = _latest_due_escalated(today, settings.REMINDER_ESCALATE_AFTER_WORKING_DAYS)
    escalated = _mailed("escalation:", _pk(), ":", _date("first_response_due"), ":")
    return (
        list(_for_mail(overdue.exclude(reminded))),
        list(_for_mail(overdue.filter(first_response_due__lte=escalate_until).exclude(escalated))),
    )


def _decision_due(today: date) -> tuple[list, list]:
    """The decision term nearly passed: a warning to the handler; on the last working day
    before it ends, the initiator hears that it takes longer (Awb 4:14). (warnings, delays)."""
    horizon = add_working_days(today, settings.REMINDER_DECISION_WARNING_WORKING_DAYS)
    open_ = Initiative.objects.filter(status__in=OPEN_STATUSES)
    warned = _mailed("decision-warning:", _pk(), ":", _date("decision_due"), ":")
    told = _mailed("decision-delay:", _pk(), ":", _date("decision_due"), whole=True)
    return (
        list(_for_mail(open_.filter(decision_due__gte=today, decision_due__lte=horizon).exclude(warned))),
        list(
            _for_mail(
                open_.filter(decision_due__gte=today, decision_due__lte=add_working_days(today, 1))
                .exclude(initiator_email="")
                .exclude(told)
            )
        ),
    )


def _agreements_due(today: date) -> list:
    horizon = add_working_days(today, settings.REMINDER_AGREEMENT_WARNING_WORKING_DAYS)
    reminded = _mailed(
        "agreement-due:", _pk(), ":", _date("due_date"), subject="initiative_id"
    )  # the initiator's key is whole, the officers' add ":<user id>"
    agreements = (
        Agreement.objects.filter(
            done=False, due_date__gte=today, due_date__lte=horizon, initiative__status__in=ACTIVE_STATUSES
        )
        .exclude(party=AgreementParty.INITIATOR, initiative__initiator_email="")
        .exclude(reminded)
        .select_related("initiative__assigned_officer")
        .only("id", "party", "due_date", *(f"initiative__{name}" for name in MAIL_FIELDS))
        .order_by("pk")
    )
    return list(agreements)


def _waiting(today: date):
    """Waiting for the initiator: a friendly nudge after 10 working days, closed after 30.
    (the status changes into waiting that are due a nudge, a queryset of the initiatives to close).

    Waiting since: the latest status change into "waiting for the initiator"."""
    # Local days after which 10 and 30 working days have passed; a start on or before such a
    # day is a moment before the start of the next.
    nudge_before = _start_of(_latest_day_waited(today, settings.WAITING_NUDGE_AFTER_WORKING_DAYS) + timedelta(days=1))
    close_before = _start_of(_latest_day_waited(today, settings.WAITING_CLOSE_AFTER_WORKING_DAYS) + timedelta(days=1))
    into_waiting = StatusChange.objects.filter(to_status=Status.WAITING_FOR_INITIATOR)
    later = into_waiting.filter(initiative=OuterRef("initiative_id"), created_at__gt=OuterRef("created_at"))
    nudged = _mailed(
        "waiting-nudge:",
        Cast(OuterRef("initiative_id"), CharField()),
        ":",
        DateText(OuterRef("started")),
        subject="initiative_id",
        whole=True,
    )
    nudges = (
        into_waiting.filter(
            created_at__gte=close_before,
            created_at__lt=nudge_before,
            initiative__status=Status.WAITING_FOR_INITIATOR,
        )
        .exclude(initiative__initiator_email="")
        .exclude(Exists(later))
        .annotate(started=TruncDate("created_at"))
        .exclude(nudged)
        .select_related("initiative")
        .only("id", "initiative_id", *(f"initiative__{name}" for name in MAIL_FIELDS if name != "assigned_officer"))
        .order_by("initiative_id")
    )
    since = into_waiting.filter(initiative=OuterRef("pk")).order_by("-created_at").values("created_at")[:1]
    to_close = (
        Initiative.objects.filter(status=Status.WAITING_FOR_INITIATOR)
        .annotate(waiting_since=Subquery(since))
        .filter(waiting_since__lt=close_before)
    )
    return list(nudges), to_close


# --- the run ----------------------------------------------------------------------------------------


def reminders_run(*, today: date) -> dict[str, int]:
    """Everything the scheduler does for initiatives on `today`; nothing on weekends and holidays."""
    if not is_working_day(today):
        return {}
    with transaction.atomic():
        overdue, escalated = _response_due(today)
        warnings, delays = _decision_due(today)
        agreements = _agreements_due(today)
        nudges, to_close = _waiting(today)
        involved = [i.municipality_id for i in (*overdue, *escalated, *warnings)]
        involved += [a.initiative.municipality_id for a in agreements if a.party != AgreementParty.INITIATOR]
        officers = Officers(involved) if involved else None

        response_mails = []
        for initiative in overdue:
            key = f"response-overdue:{initiative.pk}:{initiative.first_response_due}"
            response_mails += [
                _officer_mail(user, initiative, "first_response_overdue", key) for user in officers.handlers(initiative)
            ]
        for initiative in escalated:
            key = f"escalation:{initiative.pk}:{initiative.first_response_due}"
            response_mails += [
                _officer_mail(user, initiative, "first_response_escalation", key)
                for user in officers.coordinators.get(initiative.municipality_id, [])
            ]
        decision_mails = []
        for initiative in warnings:
            key = f"decision-warning:{initiative.pk}:{initiative.decision_due}"
            decision_mails += [
                _officer_mail(user, initiative, "decision_warning", key) for user in officers.handlers(initiative)
            ]
        for initiative in delays:
            key = f"decision-delay:{initiative.pk}:{initiative.decision_due}"
            decision_mails.append(_initiator_mail(initiative, "decision_delay", key))
        agreement_mails = []
        for agreement in agreements:
            initiative = agreement.initiative
            key = f"agreement-due:{agreement.pk}:{agreement.due_date}"
            if agreement.party == AgreementParty.INITIATOR:
                agreement_mails.append(_initiator_mail(initiative, "agreement_due", key))
            else:
                agreement_mails += [
                    _officer_mail(user, initiative, "agreement_due", key) for user in officers.handlers(initiative)
                ]
        nudge_mails = []
        for change in nudges:  # the status change into waiting, with its local day (`started`)
            key = f"waiting-nudge:{change.initiative_id}:{change.started}"
            nudge_mails.append(_initiator_mail(change.initiative, "waiting_nudge", key))
        counts = {
            kind: mail_enqueue_many([mail for mail in mails if mail is not None])
            for kind, mails in (
                ("first_response", response_mails),
                ("decision", decision_mails),
                ("agreements", agreement_mails),
                ("waiting_nudges", nudge_mails),
            )
        }
    # The closures in a transaction of their own: one bulk workflow step, with the status
    # history, an audit line and the closure notice for each. An initiative whose initiator
    # answered meanwhile is no longer waiting: the step skips it.
    closing = initiatives_transition_bulk(
        initiatives=to_close,
        to_status=Status.CLOSED,
        note=f"Closed after {settings.WAITING_CLOSE_AFTER_WORKING_DAYS} working days without an answer.",
        action=AuditAction.INITIATIVE_AUTO_CLOSE,
        mail_template="initiatives/email/waiting_closed",
        mail_key=lambda initiative, change: f"waiting-closed:{initiative.pk}:{today}",
        skip_refused=True,
    )
    counts["closed"] = len(closing.changed)
    return counts
