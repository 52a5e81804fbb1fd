"""Decisions and the initiative fund: a grant never over-commits a fund (its row is locked while
the sums are checked).
"""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from audit.constants import AuditAction
from core.formats import money
from initiatives.constants import DecisionOutcome, GrantStatus, Status
from initiatives.models import (
    Decision,
    DecisionProposal,
    Grant,
    Initiative,
    Support,
)
from initiatives.services.common import audit_initiative, mail_initiator
from initiatives.services.letters import decision_letter_schedule
from initiatives.services.workflow import initiative_transition
from municipalities.access import require_officer
from municipalities.models import Fund


def fund_check_grant(*, fund: Fund, initiative: Initiative, amount: Decimal, grant: Grant | None = None) -> None:
    """Raise with a plain message when `amount` from `fund` breaks one of the fund's rules.

    Call with the fund row locked: the sums below must not move until the grant is saved.
    `grant` is the grant being changed (the admin): its current amount is left out of the sums.
    """
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
    if fund.min_supporters and grant is None:  # a new grant; one already given stays
        have = Support.objects.confirmed().filter(initiative=initiative, village_id=initiative.village_id).count()
        if have < fund.min_supporters:
            raise ValidationError(
                {
                    "fund": _(
                        "This fund asks for at least %(min)s confirmed supporters from %(village)s. "
                        "Confirmed now: %(have)s. Still needed: %(needed)s."
                    )
                    % {
                        "min": fund.min_supporters,
                        "village": initiative.village.name,
                        "have": have,
                        "needed": fund.min_supporters - have,
                    }
                }
            )
    exclude_grant = grant.pk if grant is not None else None
    taken = fund.taken(exclude_grant=exclude_grant)
    if taken + amount > fund.budget:
        raise ValidationError(
            {"amount": _("The fund has %(left)s left; this is more.") % {"left": money(fund.budget - taken)}}
        )
    if fund.budget_per_village is not None:
        live = Grant.objects.filter(fund=fund).exclude(status=GrantStatus.WITHDRAWN).exclude(pk=exclude_grant)
        village_taken = live.filter(initiative__village_id=initiative.village_id).aggregate(total=Sum("amount"))[
            "total"
        ] or Decimal("0")
        if village_taken + amount > fund.budget_per_village:
            raise ValidationError(
                {
                    "amount": _("This village has %(left)s left in this fund this year.")
                    % {"left": money(fund.budget_per_village - village_taken)}
                }
            )


def refuse_without_approval(*, initiative: Initiative, amount: Decimal | None) -> None:
    """An officer decides alone only within the mandate, and not while a proposal waits.

    Call with the initiative row locked, so a proposal and a decision cannot cross."""
    municipality = initiative.municipality
    if municipality.needs_approval(amount):
        raise ValidationError(
            {
                "amount": _("%(amount)s is more than the mandate of %(mandate)s: a coordinator approves it first.")
                % {"amount": money(amount), "mandate": money(municipality.mandate_amount)}
            }
        )
    if DecisionProposal.objects.filter(initiative=initiative).pending().exists():
        raise ValidationError(_("A proposal for this decision is waiting for approval by a coordinator."))


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
    require_officer(approved_by or actor, initiative.municipality_id)
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
    if approved_by is None:
        refuse_without_approval(initiative=initiative, amount=amount)
    decision = Decision.objects.create(
        initiative=initiative, outcome=outcome, motivation=motivation, decided_by=actor, approved_by=approved_by
    )
    Initiative.objects.filter(pk=initiative.pk).update(decided_at=decision.decided_at)
    if fund is not None:
        grant = Grant.objects.create(initiative=initiative, decision=decision, fund=fund, amount=amount)
        audit_initiative(
            approved_by or actor,
            AuditAction.GRANT_COMMIT,
            initiative,
            obj=grant,
            detail=f"fund={fund.pk} amount={amount}",
        )
    audit_initiative(approved_by or actor, AuditAction.INITIATIVE_DECIDE, initiative, obj=decision, detail=outcome)
    decision_letter_schedule(decision)  # the letter (PDF) is made after the commit, before the mail leaves
    mail_initiator(
        initiative,
        template="initiatives/email/decision",
        key=f"decision:{decision.pk}",
        context={"decision_id": decision.pk},
    )
    return decision


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
