"""A resident's own writes: submitting an initiative (from the form or by an officer from a phone
call or letter), replying on the tracking page, withdrawing, asking for a lost link.
"""

import logging
import secrets
import uuid
from datetime import timedelta
from decimal import Decimal

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.constants import AuditAction
from audit.services import audit_log
from core.formats import money
from initiatives.constants import IntakeChannel, MessageKind, Status
from initiatives.deadlines import initiative_due_dates
from initiatives.models import (
    CostLine,
    Initiative,
    LostLinkRequest,
    Message,
    ReferenceSequence,
    StatusChange,
    Theme,
    TrackingToken,
    tracking_token_hash,
)
from initiatives.services.common import (
    initiator_mail,
    notify_handler,
    officer_link,
    officers_to_notify,
    save_attachments,
)
from initiatives.services.officers import initiative_assign
from initiatives.services.publication import publication_at_submission, publication_audit_submission
from initiatives.services.workflow import initiative_transition
from notifications.constants import OutboxStatus
from notifications.models import OutboxMail
from notifications.services import (
    DIGEST_RELATED,
    mail_dispatch_all,
    mail_enqueue,
    mail_enqueue_many,
    publish,
    wants_digest,
)

logger = logging.getLogger(__name__)


def reference_next(*, year: int) -> str:
    """The next human-readable reference for `year`, e.g. ``2026-0042``; safe under concurrency.

    One statement: the year's row is created with number 1, or its number goes up by one
    (INSERT … ON CONFLICT DO UPDATE … RETURNING, on PostgreSQL and SQLite alike). The row stays
    locked until the surrounding transaction ends, so two submissions can never take the same
    number and a submission that fails leaves no gap; call it as late in the transaction as
    possible (bench/results/server.md: the lock waits).
    """
    table = connection.ops.quote_name(ReferenceSequence._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (year, last_number) VALUES (%s, 1) "  # noqa: S608 - the model's own table
            f"ON CONFLICT (year) DO UPDATE SET last_number = {table}.last_number + 1 RETURNING last_number",
            [year],
        )
        (number,) = cursor.fetchone()
    return f"{year}-{number:04d}"


def themes_link(initiative: Initiative, theme_ids: list[int]) -> set[int]:
    """Link a new initiative to the themes of `theme_ids` that exist; returns the ids linked.

    One statement that checks and writes (INSERT … SELECT … RETURNING, on PostgreSQL and
    SQLite alike): the form does not read the themes first (`initiatives.forms.ThemesField`).
    A new initiative has no themes yet, and the m2m signal is not needed (saving the initiative
    marked its month for the statistics).
    """
    through = Initiative.themes.through._meta
    quote = connection.ops.quote_name
    columns = [quote(through.get_field(name).column) for name in ("initiative", "theme")]
    theme_table, theme_id = quote(Theme._meta.db_table), quote(Theme._meta.pk.column)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {quote(through.db_table)} ({columns[0]}, {columns[1]}) "  # noqa: S608 - the models' own tables
            f"SELECT %s, {theme_id} FROM {theme_table} WHERE {theme_id} IN ({', '.join(['%s'] * len(theme_ids))}) "
            f"RETURNING {columns[1]}",
            [initiative.pk, *theme_ids],
        )
        return {row[0] for row in cursor.fetchall()}


def tracking_token_issue(*, initiative: Initiative) -> str:
    """A new private link for `initiative`; only its hash is stored."""
    token = secrets.token_urlsafe(32)  # 32 random bytes
    TrackingToken.objects.create(initiative=initiative, token_hash=tracking_token_hash(token))
    return token


def initiative_money_check(*, asks_money: bool, amount_requested, cost_lines: list[dict]) -> None:
    """Money asked needs a budget: at least one cost line, an amount, and no more than the lines add up to.

    Raises a ValidationError keyed to the form's fields (the missing cost lines above the form).
    """
    total = sum((line["amount"] for line in cost_lines), Decimal("0"))
    requested = amount_requested or Decimal("0")
    errors: dict[str, list[str]] = {}
    if asks_money and not cost_lines:
        errors.setdefault(NON_FIELD_ERRORS, []).append(
            _("You ask for money: add at least one cost line with an amount.")
        )
    if asks_money and cost_lines and requested <= 0:
        errors.setdefault("amount_requested", []).append(_("Fill in how much money you ask."))
    if cost_lines and requested > total:
        errors.setdefault("amount_requested", []).append(
            _("You ask more than the total of your cost lines (%(total)s).") % {"total": money(total)}
        )
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def initiative_submit(
    *,
    data: dict,
    cost_lines: list[dict],
    files=(),
    channel: str = IntakeChannel.WEB,
    registered_by=None,
    handler=None,
    submitted_at=None,
) -> Initiative:
    """Store a new initiative with everything the resident gave, then (after commit) mail.

    `data` holds the Initiative fields (with `village` and `themes`); `files` are checked
    uploads (see `initiatives.forms.CheckedUpload`). Nothing is mailed before the commit.
    The money rule (`initiative_money_check`) holds here too, whoever calls.
    `handler` (an officer of the municipality, for an application an officer registers) is
    assigned in the same transaction, as `initiative_assign` does it.
    """
    data = dict(data)
    themes = data.pop("themes", [])
    village = data["village"]
    if not village.municipality.is_active:
        raise ValidationError({"village": _("This municipality does not accept initiatives on this platform.")})
    initiative_money_check(
        asks_money=data.get("asks_money", False),
        amount_requested=data.get("amount_requested"),
        cost_lines=cost_lines,
    )
    submitted_at = submitted_at or timezone.now()
    first_response_due, decision_due = initiative_due_dates(
        municipality=village.municipality, submitted_at=submitted_at
    )
    initiative = Initiative(
        **data,
        municipality=village.municipality,
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
    publication_at_submission(initiative, now=submitted_at)
    # The officers hear of it from the worker (`initiative_officers_notify`), after the commit.
    initiative.officers_notice_pending = True
    # The form checked every field, the related rows come from it and the reference from the
    # locked sequence: check the values, but leave the related rows, uniqueness and the CHECK
    # constraints to PostgreSQL on the INSERT (each was a query here: bench/results/server.md).
    initiative.full_clean(
        exclude=["reference", "village", "municipality", "organisation", "registered_by"],
        validate_unique=False,
        validate_constraints=False,
    )
    # The number last: its row stays locked until the commit, so everything that can be done
    # before it is (the writes below are all INSERTs; bench/results/server.md: the lock waits).
    initiative.reference = reference_next(year=timezone.localtime(submitted_at).year)
    initiative.save()
    theme_ids = list(dict.fromkeys(getattr(theme, "pk", theme) for theme in themes))
    if theme_ids and themes_link(initiative, theme_ids) != set(theme_ids):
        # A theme removed since the page was loaded: nothing is stored, the form says so.
        raise ValidationError({"themes": _("One of the themes you chose no longer exists. Choose again.")})
    CostLine.objects.bulk_create(
        [CostLine(initiative=initiative, description=line["description"], amount=line["amount"]) for line in cost_lines]
    )
    save_attachments(initiative=initiative, files=files)
    StatusChange.objects.create(
        initiative=initiative,
        from_status="",
        to_status=Status.SUBMITTED,
        actor=registered_by,
        by_initiator=registered_by is None,
    )
    if registered_by is not None:
        audit_log(
            actor=registered_by,
            action=AuditAction.INITIATIVE_REGISTER,
            obj=initiative,
            municipality=initiative.municipality,
        )
    publication_audit_submission(initiative)
    receipt = initiator_mail(initiative, template="initiatives/email/receipt", key=f"receipt:{initiative.pk}")
    receipts = [receipt] if receipt is not None else []
    mail_enqueue_many(receipts, new_keys=True, dispatch=False)
    # One task after the commit: the officers' notices, then the receipt with them.
    receipt_ids = [mail.pk for mail in receipts if mail.status == OutboxStatus.PENDING]
    transaction.on_commit(lambda: _submission_dispatch(initiative.pk, receipt_ids))
    if handler is not None:
        initiative = initiative_assign(initiative=initiative, officer=handler, actor=registered_by)
    return initiative


def _submission_dispatch(initiative_id: int, mail_ids: list[int]) -> None:
    from initiatives.tasks import initiative_officers_notify_task

    publish(initiative_officers_notify_task, initiative_id, mail_ids, what=f"the notices of initiative {initiative_id}")


def initiative_officers_notify(*, initiative_id: int, mail_ids=()) -> int:
    """The worker's half of a submission: tell the village's officers (`officers_to_notify`) of
    the new initiative, then hand their mails and `mail_ids` (the receipt) to the worker in one
    go. Safe to run twice and beside the sweep: the initiative's row is locked while its mark
    is read and cleared, so the notices are written once. Returns how many officers it told.

    The officer who registered a phone or paper application knows it already, and an officer
    assigned meanwhile (the handler of such an application) heard it from the assignment.
    """
    with transaction.atomic():
        initiative = (
            Initiative.objects.select_for_update(of=("self",))
            .select_related("village")
            .filter(pk=initiative_id, officers_notice_pending=True)
            .first()
        )
        officers, mails = [], []
        if initiative is not None:
            knows = {initiative.registered_by_id, initiative.assigned_officer_id}
            officers = [o for o in officers_to_notify(initiative, related=[DIGEST_RELATED]) if o.user_id not in knows]
            mails = [
                OutboxMail.about(
                    to=officer.user.email,
                    template="initiatives/email/officer_new",
                    dedup_key=f"officer-new:{initiative.pk}:{officer.user_id}",
                    subject=initiative,
                    recipient=officer.user,
                    context={"officer_name": officer.user.get_full_name(), "link": officer_link(initiative)},
                )
                for officer in officers
            ]
            # New keys: they are written once, in the transaction that clears the mark.
            mail_enqueue_many(
                mails,
                new_keys=True,
                digest_user_ids={officer.user_id for officer in officers if wants_digest(officer.user)},
                dispatch=False,
            )
            Initiative.objects.filter(pk=initiative.pk).update(officers_notice_pending=False)
        ids = [*mail_ids, *(mail.pk for mail in mails if mail.status == OutboxStatus.PENDING)]
        if ids:
            transaction.on_commit(lambda: mail_dispatch_all(ids))
    return len(officers)


OFFICERS_NOTICE_SWEEP_AFTER = timedelta(minutes=1)


def initiative_officers_notice_sweep(*, now) -> int:
    """Tell the officers of the submissions the broker never took (older than a minute); their
    receipts are the outbox sweep's. Returns how many initiatives."""
    stale = Initiative.objects.filter(
        officers_notice_pending=True, submitted_at__lt=now - OFFICERS_NOTICE_SWEEP_AFTER
    ).order_by("submitted_at")
    ids = list(stale.values_list("pk", flat=True))
    for initiative_id in ids:
        initiative_officers_notify(initiative_id=initiative_id)
    return len(ids)


@transaction.atomic
def initiative_reply(*, initiative: Initiative, body: str, files=()) -> Message:
    """A message from the initiator; a waiting initiative goes back into conversation."""
    message = Message.objects.create(initiative=initiative, kind=MessageKind.FROM_INITIATOR, body=body)
    save_attachments(initiative=initiative, files=files, message=message)
    if initiative.status == Status.WAITING_FOR_INITIATOR:
        initiative_transition(initiative=initiative, to_status=Status.IN_CONVERSATION, by_initiator=True)
    notify_handler(initiative, template="initiatives/email/officer_reply", key=f"reply:{message.pk}")
    return message


@transaction.atomic
def initiative_withdraw(*, initiative: Initiative, reason: str = "") -> Initiative:
    initiative = initiative_transition(
        initiative=initiative, to_status=Status.WITHDRAWN, by_initiator=True, note=reason
    )
    notify_handler(initiative, template="initiatives/email/officer_withdrawn", key=f"withdrawn:{initiative.pk}")
    return initiative


@transaction.atomic
def lost_link_request(*, email: str) -> LostLinkRequest:
    """Ask for fresh links for every initiative of `email`; the worker answers.

    The same work for every address (one row, one task after the commit): neither the answer
    nor its time says whether the address is known. `lost_link_answer` does the look-up.
    """
    request = LostLinkRequest(email=email.strip())
    request.full_clean()
    request.save()
    transaction.on_commit(lambda: _lost_link_dispatch(request.pk))
    return request


def _lost_link_dispatch(request_id: int) -> None:
    from initiatives.tasks import lost_link_answer_task

    try:
        lost_link_answer_task.delay(request_id)
    except Exception:  # noqa: BLE001 - the row is safe in the database
        logger.warning("lost link: could not enqueue request %s; the sweep answers it", request_id, exc_info=True)


def lost_link_answer(*, request_id: int) -> bool:
    """The worker's half: mail fresh links for every initiative of the request's address (none
    for an unknown one) and forget the address. Safe to run twice: the row is deleted in the
    transaction that queues the mail, so only one run sends. Returns whether a mail was queued.
    """
    with transaction.atomic():
        request = LostLinkRequest.objects.select_for_update().filter(pk=request_id).first()
        if request is None:
            return False
        request.delete()
        initiatives = list(
            Initiative.objects.filter(initiator_email__iexact=request.email)
            .order_by("-submitted_at")
            .values_list("pk", "preferred_language")[:20]
        )
        if not initiatives:
            return False
        mail_enqueue(
            to=request.email,
            template="initiatives/email/lost_link",
            dedup_key=f"lost-link:{uuid.uuid4().hex}",
            language=initiatives[0][1],
            context={"tracking_links_for": [pk for pk, _lang in initiatives]},
        )
    return True


LOST_LINK_SWEEP_AFTER = timedelta(minutes=1)


def lost_link_sweep(*, now) -> int:
    """Answer the requests the broker never took (older than a minute). Returns how many."""
    stale = LostLinkRequest.objects.filter(created_at__lt=now - LOST_LINK_SWEEP_AFTER).order_by("pk")
    ids = list(stale.values_list("pk", flat=True))
    for request_id in ids:
        lost_link_answer(request_id=request_id)
    return len(ids)
