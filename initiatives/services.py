"""Writes for initiatives (STYLE.md §2): every change a resident or officer makes goes here."""

import secrets
import uuid
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.models import AuditResult
from audit.services import audit_log
from municipalities.models import Fund, OfficerMembership
from notifications.models import OutboxMail
from notifications.services import mail_enqueue, mail_enqueue_many

from .constants import TRANSITIONS, DecisionOutcome, GrantStatus, IntakeChannel, MessageKind, Status
from .deadlines import initiative_due_dates
from .models import (
    Agreement,
    Attachment,
    CostLine,
    Decision,
    Grant,
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
    if to_status == Status.CLOSED and (actor is not None or by_initiator):
        # Asked once per initiative (dedup key), also after a reopen. Not after the scheduler's
        # automatic closure: that initiator has not answered for weeks, and the closure notice
        # already invites them back; the tracking page still offers them the question.
        from .satisfaction import satisfaction_request

        satisfaction_request(initiative=initiative)
    return initiative


# --- submission -----------------------------------------------------------------------------


def _mail_initiator(initiative: Initiative, *, template: str, key: str, context=None):
    """Every mail to the initiator carries a fresh private link; no address, no mail."""
    if not initiative.initiator_email:
        return None
    return mail_enqueue(
        to=initiative.initiator_email,
        template=template,
        dedup_key=key,
        language=initiative.preferred_language,
        initiative=initiative,
        context={"tracking_link": True, **(context or {})},
    )


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
    # The form checked every field, the related rows come from it and the reference from the
    # locked sequence: check the values, but leave the related rows, uniqueness and the CHECK
    # constraints to PostgreSQL on the INSERT (each was a query here: bench/results/server.md).
    initiative.full_clean(
        exclude=["village", "municipality", "organisation", "registered_by"],
        validate_unique=False,
        validate_constraints=False,
    )
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
    if registered_by is not None:
        audit_log(
            actor=registered_by, action="initiative.register", obj=initiative, municipality=initiative.municipality
        )
    # The receipt and the officers' notices in one INSERT (a new initiative has no mails yet).
    mails = [
        OutboxMail(
            to=officer.user.email,
            template="initiatives/email/officer_new",
            dedup_key=f"officer-new:{initiative.pk}:{officer.user_id}",
            initiative=initiative,
            recipient=officer.user,
            context={"officer_name": officer.user.get_full_name()},
        )
        for officer in _officers_to_notify(initiative)
        if officer.user_id != getattr(registered_by, "pk", None)
    ]
    if initiative.initiator_email:
        mails.insert(
            0,
            OutboxMail(
                to=initiative.initiator_email,
                template="initiatives/email/receipt",
                dedup_key=f"receipt:{initiative.pk}",
                language=initiative.preferred_language,
                initiative=initiative,
                context={"tracking_link": True},
            ),
        )
    mail_enqueue_many(mails)
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
                recipient=user,
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


# --- the officer's actions ------------------------------------------------------------------
# Each takes the acting user; callers pass an initiative from `visible_to(actor)`, and every
# service checks again that the actor is an officer of the initiative's municipality.


class NotAllowed(ValidationError):
    pass


def _require_officer(actor, initiative: Initiative) -> None:
    if getattr(actor, "is_superuser", False):
        return
    allowed = OfficerMembership.objects.filter(
        user=actor, municipality_id=initiative.municipality_id, is_active=True
    ).exists()
    if not allowed:
        raise NotAllowed(_("Only officers of this municipality can do this."))


def _audit(actor, action: str, initiative: Initiative, detail: str = "", obj=None):
    audit_log(actor=actor, action=action, obj=obj or initiative, municipality=initiative.municipality, detail=detail)


def initiative_change_status(*, initiative: Initiative, to_status: str, actor, note: str = "") -> Initiative:
    """An officer moves the initiative on; the initiator is told in plain words.

    A refused step is audited too, outside the transaction that the refusal rolls back.
    """
    _require_officer(actor, initiative)
    try:
        with transaction.atomic():
            initiative = initiative_transition(initiative=initiative, to_status=to_status, actor=actor, note=note)
            _audit(actor, "initiative.status", initiative, detail=f"-> {to_status}")
            change = initiative.status_changes.last()
            _mail_initiator(initiative, template="initiatives/email/status_changed", key=f"status:{change.pk}")
    except TransitionNotAllowed:
        audit_log(
            actor=actor,
            action="initiative.status",
            obj=initiative,
            municipality=initiative.municipality,
            result=AuditResult.REFUSED,
            detail=f"{initiative.status} -> {to_status}",
        )
        raise
    return initiative


@transaction.atomic
def initiative_assign(*, initiative: Initiative, officer, actor) -> Initiative:
    """Give the initiative to `officer` (a user); they hear about it unless they took it themselves."""
    _require_officer(actor, initiative)
    membership = OfficerMembership.objects.filter(
        user=officer, municipality_id=initiative.municipality_id, is_active=True
    ).first()
    if membership is None:
        raise NotAllowed(_("You can only assign an officer of this municipality."))
    initiative = Initiative.objects.select_for_update().get(pk=initiative.pk)
    if initiative.assigned_officer_id == officer.pk:
        return initiative
    initiative.assigned_officer = officer
    initiative.save(update_fields=["assigned_officer", "updated_at"])
    _audit(actor, "initiative.assign", initiative, detail=f"officer={officer.pk}")
    if officer.pk != actor.pk and officer.email:
        mail_enqueue(
            to=officer.email,
            template="initiatives/email/officer_assigned",
            recipient=officer,
            dedup_key=f"assigned:{initiative.pk}:{officer.pk}:{uuid.uuid4().hex[:8]}",
            initiative=initiative,
            context={"officer_name": officer.get_full_name(), "by_name": actor.get_full_name()},
        )
    return initiative


@transaction.atomic
def initiative_bulk_assign(*, initiatives, officer, actor) -> int:
    """Assign many at once, all or nothing; each is its own audited change. Returns how many changed."""
    changed = 0
    for initiative in initiatives:
        before = initiative.assigned_officer_id
        if initiative_assign(initiative=initiative, officer=officer, actor=actor).assigned_officer_id != before:
            changed += 1
    return changed


def _record_first_response(initiative: Initiative) -> None:
    if initiative.first_response_at is None:
        Initiative.objects.filter(pk=initiative.pk, first_response_at__isnull=True).update(
            first_response_at=timezone.now()
        )


@transaction.atomic
def initiative_message_send(*, initiative: Initiative, body: str, actor, internal: bool = False, files=()) -> Message:
    """A message to the initiator (mailed, shown on their page) or an internal note (never shown)."""
    _require_officer(actor, initiative)
    kind = MessageKind.INTERNAL_NOTE if internal else MessageKind.TO_INITIATOR
    message = Message.objects.create(initiative=initiative, kind=kind, author=actor, body=body)
    _save_attachments(initiative=initiative, files=files, message=message)
    if not internal:
        _record_first_response(initiative)
        _mail_initiator(initiative, template="initiatives/email/officer_message", key=f"message:{message.pk}")
    _audit(actor, "initiative.note" if internal else "initiative.message", initiative, obj=message)
    return message


@transaction.atomic
def initiative_set_role(*, initiative: Initiative, role: str, explanation: str, actor) -> Initiative:
    """The municipality's rung on the overheidsparticipatietrap for this initiative, said out loud."""
    _require_officer(actor, initiative)
    initiative.municipal_role = role
    initiative.municipal_role_explanation = explanation
    initiative.full_clean(validate_unique=False, validate_constraints=False)
    initiative.save(update_fields=["municipal_role", "municipal_role_explanation", "updated_at"])
    _audit(actor, "initiative.role", initiative, detail=role)
    return initiative


@transaction.atomic
def agreement_add(
    *, initiative: Initiative, actor, party: str, role: str, description: str, due_date=None, partner_name: str = ""
) -> Agreement:
    _require_officer(actor, initiative)
    agreement = Agreement(
        initiative=initiative,
        party=party,
        role=role,
        description=description,
        due_date=due_date,
        partner_name=partner_name,
        created_by=actor,
    )
    agreement.full_clean()
    agreement.save()
    _audit(actor, "agreement.add", initiative, obj=agreement)
    return agreement


@transaction.atomic
def agreement_set_done(*, agreement: Agreement, actor, done: bool = True) -> Agreement:
    _require_officer(actor, agreement.initiative)
    agreement.done = done
    agreement.done_at = timezone.now() if done else None
    agreement.save(update_fields=["done", "done_at", "updated_at"])
    _audit(actor, "agreement.done" if done else "agreement.reopen", agreement.initiative, obj=agreement)
    return agreement


# --- decisions and the fund -----------------------------------------------------------------


def fund_check_grant(*, fund: Fund, initiative: Initiative, amount: Decimal) -> None:
    """Raise with a plain message when `amount` from `fund` breaks one of the fund's rules.

    Call with the fund row locked: the sums below must not move until the grant is saved.
    """
    if fund.municipality_id != initiative.municipality_id:
        raise ValidationError({"fund": _("Choose a fund of the initiative's own municipality.")})
    if not fund.is_open:
        raise ValidationError({"fund": _("This fund is closed.")})
    if amount <= 0:
        raise ValidationError({"amount": _("A contribution must be more than € 0.")})
    if fund.max_per_initiative is not None and amount > fund.max_per_initiative:
        raise ValidationError(
            {"amount": _("This fund gives at most € %(max)s per initiative.") % {"max": fund.max_per_initiative}}
        )
    if fund.min_own_share_percent:
        if initiative.total_cost <= 0:
            raise ValidationError({"amount": _("This fund needs a budget with costs to compute the own share.")})
        ceiling = (initiative.total_cost * (100 - fund.min_own_share_percent) / 100).quantize(Decimal("0.01"))
        if amount > ceiling:
            raise ValidationError(
                {
                    "amount": _(
                        "The initiators pay at least %(pct)s%% themselves, so the fund gives at most € %(max)s."
                    )
                    % {"pct": fund.min_own_share_percent.normalize(), "max": ceiling}
                }
            )
    live = Grant.objects.filter(fund=fund).exclude(status=GrantStatus.WITHDRAWN)
    taken = live.aggregate(total=Sum("amount"))["total"] or Decimal("0")
    if taken + amount > fund.budget:
        raise ValidationError(
            {"amount": _("The fund has € %(left)s left; this is more.") % {"left": fund.budget - taken}}
        )
    if fund.budget_per_village is not None:
        village_taken = live.filter(initiative__village_id=initiative.village_id).aggregate(total=Sum("amount"))[
            "total"
        ] or Decimal("0")
        if village_taken + amount > fund.budget_per_village:
            raise ValidationError(
                {
                    "amount": _("This village has € %(left)s left in this fund this year.")
                    % {"left": fund.budget_per_village - village_taken}
                }
            )


@transaction.atomic
def initiative_decide(
    *,
    initiative: Initiative,
    actor,
    outcome: str,
    motivation: str,
    fund: Fund | None = None,
    amount: Decimal | None = None,
) -> Decision:
    """Decide, with a public motivation and optionally a grant. Two officers deciding at the
    same moment cannot take a fund past its budget: the fund row is locked first."""
    _require_officer(actor, initiative)
    if not motivation.strip():
        raise ValidationError({"motivation": _("Explain the decision: the initiator and the public read it.")})
    if outcome == DecisionOutcome.NOT_SUPPORTED and fund is not None:
        raise ValidationError({"fund": _("A decision that does not support the initiative gives no money.")})
    if (fund is None) != (amount is None):
        raise ValidationError({"amount": _("Choose a fund and an amount together.")})
    if fund is not None:
        fund = Fund.objects.select_for_update().get(pk=fund.pk)
        fund_check_grant(fund=fund, initiative=initiative, amount=amount)
    initiative = initiative_transition(initiative=initiative, to_status=Status.DECIDED, actor=actor)
    decision = Decision.objects.create(initiative=initiative, outcome=outcome, motivation=motivation, decided_by=actor)
    Initiative.objects.filter(pk=initiative.pk).update(decided_at=decision.decided_at)
    if fund is not None:
        grant = Grant.objects.create(initiative=initiative, decision=decision, fund=fund, amount=amount)
        _audit(actor, "grant.commit", initiative, obj=grant, detail=f"fund={fund.pk} amount={amount}")
    _audit(actor, "initiative.decide", initiative, obj=decision, detail=outcome)
    _mail_initiator(initiative, template="initiatives/email/decision", key=f"decision:{decision.pk}")
    return decision


@transaction.atomic
def grant_mark_paid(*, grant: Grant, actor) -> Grant:
    grant = Grant.objects.select_for_update().select_related("initiative__municipality").get(pk=grant.pk)
    _require_officer(actor, grant.initiative)
    if grant.status != GrantStatus.COMMITTED:
        raise ValidationError(_("Only a committed contribution can be marked as paid."))
    grant.status, grant.paid_at = GrantStatus.PAID, timezone.now()
    grant.save(update_fields=["status", "paid_at", "updated_at"])
    _audit(actor, "grant.paid", grant.initiative, obj=grant)
    return grant


@transaction.atomic
def grant_withdraw(*, grant: Grant, actor, reason: str = "") -> Grant:
    grant = Grant.objects.select_for_update().select_related("initiative__municipality").get(pk=grant.pk)
    _require_officer(actor, grant.initiative)
    if grant.status == GrantStatus.WITHDRAWN:
        raise ValidationError(_("This contribution was already withdrawn."))
    grant.status, grant.withdrawn_at = GrantStatus.WITHDRAWN, timezone.now()
    grant.save(update_fields=["status", "withdrawn_at", "updated_at"])
    _audit(actor, "grant.withdraw", grant.initiative, obj=grant, detail=reason[:200])
    return grant
