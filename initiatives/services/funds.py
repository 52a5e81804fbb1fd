"""Decisions and the initiative fund: a grant never over-commits a fund (its row is locked while
the sums are checked).
"""

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, F, Sum
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from audit.constants import AuditAction
from audit.models import AuditLogEntry
from audit.services import audit_entry
from core.formats import money
from initiatives.constants import DecisionOutcome, GrantStatus, Status
from initiatives.models import (
    Decision,
    DecisionProposal,
    Grant,
    Initiative,
    Support,
)
from initiatives.services.common import audit_initiative, initiator_mail
from initiatives.services.letters import decision_letter_schedule
from initiatives.services.workflow import initiatives_transition
from municipalities.access import require_officer
from municipalities.models import Fund
from notifications.services import mail_enqueue_many


def fund_check_grant(*, fund: Fund, initiative: Initiative, amount: Decimal, grant: Grant | None = None) -> None:
    """Raise with a plain message when `amount` from `fund` breaks one of the fund's rules.

    Call with the fund row locked: the sums below must not move until the grant is saved.
    `grant` is the grant being changed (the admin): its current amount is left out of the sums.
    """
    fund_check_grants(fund=fund, grants=[(initiative, amount)], grant=grant)


def fund_check_grants(*, fund: Fund, grants: Sequence[tuple[Initiative, Decimal]], grant: Grant | None = None) -> None:
    """`fund_check_grant` for several new grants at once (a budget round's winners): the rules
    per grant, and the fund's and each village's room for their sum. A fixed number of queries."""
    for initiative, amount in grants:
        _check_grant_terms(fund=fund, initiative=initiative, amount=amount)
    if fund.min_supporters and grant is None:  # a new grant; one already given stays
        _check_supporters(fund=fund, initiatives=[initiative for initiative, _amount in grants])
    exclude_grant = grant.pk if grant is not None else None
    taken = fund.taken(exclude_grant=exclude_grant)
    if taken + sum((amount for _initiative, amount in grants), Decimal("0")) > fund.budget:
        raise ValidationError(
            {"amount": _("The fund has %(left)s left; this is more.") % {"left": money(fund.budget - taken)}}
        )
    if fund.budget_per_village is not None:
        asked = defaultdict(Decimal)  # village -> the sum of the new grants
        for initiative, amount in grants:
            asked[initiative.village_id] += amount
        live = Grant.objects.filter(fund=fund).exclude(status=GrantStatus.WITHDRAWN).exclude(pk=exclude_grant)
        village_taken = dict(
            live.filter(initiative__village_id__in=asked)
            .values("initiative__village_id")
            .annotate(total=Sum("amount"))
            .values_list("initiative__village_id", "total")
        )
        for village_id, amount in asked.items():
            have = village_taken.get(village_id) or Decimal("0")
            if have + amount > fund.budget_per_village:
                raise ValidationError(
                    {
                        "amount": _("This village has %(left)s left in this fund this year.")
                        % {"left": money(fund.budget_per_village - have)}
                    }
                )


def _check_grant_terms(*, fund: Fund, initiative: Initiative, amount: Decimal) -> None:
    """The fund's rules for one grant on its own (no queries)."""
    if fund.municipality_id != initiative.municipality_id:
        raise ValidationError({"fund": _("Choose a fund of the initiative's own municipality.")})
    if not fund.is_open:
        raise ValidationError({"fund": _("This fund is closed.")})
    if amount <= 0:
        raise ValidationError({"amount": _("A contribution must be more than %(min)s.") % {"min": money(0)}})
    if fund.max_per_initiative is not None and amount > fund.max_per_initiative:
        raise ValidationError(
            {"amount": _("This fund gives at most %(max)s per initiative.") % {"max": money(fund.max_per_initiative)}}
        )
    if fund.min_own_share_percent:
        if initiative.total_cost <= 0:
            raise ValidationError({"amount": _("This fund needs a budget with costs to compute the own share.")})
        ceiling = (initiative.total_cost * (100 - fund.min_own_share_percent) / 100).quantize(Decimal("0.01"))
        if amount > ceiling:
            raise ValidationError(
                {
                    "amount": _("The initiators pay at least %(pct)s%% themselves, so the fund gives at most %(max)s.")
                    % {
                        "pct": number_format(fund.min_own_share_percent.normalize(), use_l10n=True),
                        "max": money(ceiling),
                    }
                }
            )


def _check_supporters(*, fund: Fund, initiatives: list[Initiative]) -> None:
    """Enough confirmed supporters from the initiative's own village, for each (one query)."""
    have = dict(
        Support.objects.confirmed()
        .filter(initiative__in=[initiative.pk for initiative in initiatives], village_id=F("initiative__village_id"))
        .values("initiative_id")
        .annotate(n=Count("pk"))
        .values_list("initiative_id", "n")
    )
    for initiative in initiatives:
        count = have.get(initiative.pk, 0)
        if count < fund.min_supporters:
            raise ValidationError(
                {
                    "fund": _(
                        "This fund asks for at least %(min)s confirmed supporters from %(village)s. "
                        "Confirmed now: %(have)s. Still needed: %(needed)s."
                    )
                    % {
                        "min": fund.min_supporters,
                        "village": initiative.village.name,
                        "have": count,
                        "needed": fund.min_supporters - count,
                    }
                }
            )


def refuse_without_approval(*, initiatives: Sequence[tuple[Initiative, Decimal | None]]) -> None:
    """An officer decides alone only within the mandate, and not while a proposal waits.

    `initiatives` are (initiative, amount) pairs. Call with the initiative rows locked, so a
    proposal and a decision cannot cross."""
    for initiative, amount in initiatives:
        municipality = initiative.municipality
        if municipality.needs_approval(amount):
            raise ValidationError(
                {
                    "amount": _("%(amount)s is more than the mandate of %(mandate)s: a coordinator approves it first.")
                    % {"amount": money(amount), "mandate": money(municipality.mandate_amount)}
                }
            )
    pks = [initiative.pk for initiative, _amount in initiatives]
    if DecisionProposal.objects.filter(initiative__in=pks).pending().exists():
        raise ValidationError(_("A proposal for this decision is waiting for approval by a coordinator."))


@dataclass(frozen=True)
class DecisionRequest:
    """One initiative to decide in `initiatives_decide`, with its public motivation and, when
    the decision gives money, its amount."""

    initiative: Initiative
    motivation: str
    amount: Decimal | None = None


@transaction.atomic
def initiative_decide(
    *,
    initiative: Initiative,
    actor,
    outcome: str,
    motivation: str,
    fund: Fund | None = None,
    amount: Decimal | None = None,
    approved_by=None,
) -> Decision:
    """Decide, with a public motivation and optionally a grant. Two officers deciding at the
    same moment cannot take a fund past its budget: the fund row is locked first.

    A grant above the municipality's mandate needs `approved_by`: the coordinator who approved
    `actor`'s proposal (initiatives.services.mandate); the audit rows then name the approver."""
    (decision,) = initiatives_decide(
        decisions=[DecisionRequest(initiative=initiative, motivation=motivation, amount=amount)],
        actor=actor,
        outcome=outcome,
        fund=fund,
        approved_by=approved_by,
    )
    return decision


@transaction.atomic
def initiatives_decide(
    *,
    decisions: Sequence[DecisionRequest],
    actor,
    outcome: str,
    fund: Fund | None = None,
    approved_by=None,
) -> list[Decision]:
    """`initiative_decide` for many initiatives at once (a budget round's winners), with the
    same rules and rows: the fund's row locked once and its rules applied to each grant and to
    their sum, then per initiative the step to "decided", the decision, the grant, the audit
    rows, the letter and the initiator's mail. A fixed number of queries, however many there
    are; one that is refused refuses them all. Returns the decisions in the order given."""
    for municipality_id in dict.fromkeys(request.initiative.municipality_id for request in decisions):
        require_officer(approved_by or actor, municipality_id)
    for request in decisions:
        if not request.motivation.strip():
            raise ValidationError({"motivation": _("Explain the decision: the initiator and the public read it.")})
        if outcome == DecisionOutcome.NOT_SUPPORTED and fund is not None:
            raise ValidationError({"fund": _("A decision that does not support the initiative gives no money.")})
        if (fund is None) != (request.amount is None):
            raise ValidationError({"amount": _("Choose a fund and an amount together.")})
    if fund is not None:
        fund = Fund.objects.select_for_update().get(pk=fund.pk)
        fund_check_grants(fund=fund, grants=[(request.initiative, request.amount) for request in decisions])
    initiatives = initiatives_transition(
        initiatives=[request.initiative for request in decisions], to_status=Status.DECIDED, actor=actor
    )
    if approved_by is None:
        amounts = [request.amount for request in decisions]
        refuse_without_approval(initiatives=list(zip(initiatives, amounts, strict=True)))
    now = timezone.now()
    rows = Decision.objects.bulk_create(
        Decision(
            initiative=initiative,
            outcome=outcome,
            motivation=request.motivation,
            decided_by=actor,
            approved_by=approved_by,
            decided_at=now,
        )
        for initiative, request in zip(initiatives, decisions, strict=True)
    )
    Initiative.objects.filter(pk__in=[initiative.pk for initiative in initiatives]).update(decided_at=now)
    grants = []
    if fund is not None:
        grants = Grant.objects.bulk_create(
            Grant(initiative=decision.initiative, decision=decision, fund=fund, amount=request.amount)
            for decision, request in zip(rows, decisions, strict=True)
        )
    lines = []
    for index, decision in enumerate(rows):
        initiative = decision.initiative
        if grants:
            lines.append(
                audit_entry(
                    actor=approved_by or actor,
                    action=AuditAction.GRANT_COMMIT,
                    obj=grants[index],
                    municipality=initiative.municipality,
                    detail=f"fund={fund.pk} amount={grants[index].amount}",
                )
            )
        lines.append(
            audit_entry(
                actor=approved_by or actor,
                action=AuditAction.INITIATIVE_DECIDE,
                obj=decision,
                municipality=initiative.municipality,
                detail=outcome,
            )
        )
    AuditLogEntry.objects.bulk_create(lines)
    for decision in rows:
        decision_letter_schedule(decision)  # the letter (PDF) is made after the commit, before the mail leaves
    mail_enqueue_many(
        [
            mail
            for decision in rows
            if (
                mail := initiator_mail(
                    decision.initiative,
                    template="initiatives/email/decision",
                    key=f"decision:{decision.pk}",
                    context={"decision_id": decision.pk},
                )
            )
        ]
    )
    return rows


@transaction.atomic
def grant_mark_paid(*, grant: Grant, actor) -> Grant:
    grant = Grant.objects.select_for_update().select_related("initiative__municipality").get(pk=grant.pk)
    require_officer(actor, grant.initiative.municipality_id)
    if grant.status != GrantStatus.COMMITTED:
        raise ValidationError(_("Only a committed contribution can be marked as paid."))
    grant.status, grant.paid_at = GrantStatus.PAID, timezone.now()
    grant.save(update_fields=["status", "paid_at", "updated_at"])
    audit_initiative(actor, AuditAction.GRANT_PAID, grant.initiative, obj=grant)
    return grant


@transaction.atomic
def grant_withdraw(*, grant: Grant, actor, reason: str = "") -> Grant:
    grant = Grant.objects.select_for_update().select_related("initiative__municipality").get(pk=grant.pk)
    require_officer(actor, grant.initiative.municipality_id)
    if grant.status == GrantStatus.WITHDRAWN:
        raise ValidationError(_("This contribution was already withdrawn."))
    grant.status, grant.withdrawn_at = GrantStatus.WITHDRAWN, timezone.now()
    grant.save(update_fields=["status", "withdrawn_at", "updated_at"])
    audit_initiative(actor, AuditAction.GRANT_WITHDRAW, grant.initiative, obj=grant, detail=reason[:200])
    return grant
