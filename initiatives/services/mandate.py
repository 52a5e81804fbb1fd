"""The mandate and four eyes: a contribution above the municipality's mandate is first a proposal.

The officer proposes (`decision_propose`): nothing is decided or committed, the fund's rules are
only checked as a preview, and the coordinators of the municipality get a mail. A coordinator
other than the proposer approves (`proposal_approve`: `initiative_decide` runs with the
proposal's data, under the fund's row lock and with its checks) or sends it back with a reason
(`proposal_send_back`: the proposer gets a mail). The proposer may withdraw a waiting proposal
(`proposal_withdraw`). The initiator hears nothing until the decision itself. Every step is
audited.
"""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.constants import AuditAction
from core.exceptions import NotAllowed
from core.formats import money
from initiatives.constants import TRANSITIONS, DecisionOutcome, ProposalStatus, Status
from initiatives.models import Decision, DecisionProposal, Initiative
from initiatives.services.common import audit_initiative, officer_link
from initiatives.services.funds import fund_check_grant, initiative_decide
from municipalities.access import coordinators_of, require_coordinator, require_officer
from municipalities.models import Fund
from notifications.services import mail_enqueue


def _name(user) -> str:
    return user.get_full_name() or user.get_username()


def _mail_staff(user, *, proposal: DecisionProposal, template: str, key: str, context: dict) -> None:
    if user.email:
        initiative = proposal.initiative
        mail_enqueue(
            to=user.email,
            template=template,
            dedup_key=f"{key}:{proposal.pk}:{user.pk}",
            subject=initiative,
            recipient=user,
            link=officer_link(initiative),
            context={
                "officer_name": user.get_full_name(),
                "amount": money(proposal.amount),
                "fund_name": str(proposal.fund),
                **context,
            },
        )


@transaction.atomic
def decision_propose(
    *,
    initiative: Initiative,
    actor,
    outcome: str,
    motivation: str,
    fund: Fund | None,
    amount: Decimal | None,
) -> DecisionProposal:
    """Store a decision with a contribution above the mandate, for a coordinator to approve."""
    require_officer(actor, initiative.municipality_id)
    if not motivation.strip():
        raise ValidationError({"motivation": _("Explain the decision: the initiator and the public read it.")})
    if outcome == DecisionOutcome.NOT_SUPPORTED:
        raise ValidationError({"fund": _("A decision that does not support the initiative gives no money.")})
    if fund is None or amount is None:
        raise ValidationError({"amount": _("Choose a fund and an amount together.")})
    initiative = Initiative.objects.select_for_update().select_related("municipality").get(pk=initiative.pk)
    municipality = initiative.municipality
    if not municipality.needs_approval(amount):
        raise ValidationError({"amount": _("This amount is within the mandate: you decide it yourself.")})
    if Status.DECIDED not in TRANSITIONS.get(initiative.status, ()):
        raise ValidationError(
            _("An initiative that is “%(status)s” cannot be decided.") % {"status": Status(initiative.status).label}
        )
    if DecisionProposal.objects.filter(initiative=initiative).pending().exists():
        raise ValidationError(_("A proposal for this decision is waiting for approval by a coordinator."))
    # A preview: would it fit the fund now? Nothing is committed (or locked) until a coordinator
    # approves; then `initiative_decide` locks the fund and checks again.
    fund = Fund.objects.get(pk=fund.pk)
    fund_check_grant(fund=fund, initiative=initiative, amount=amount)
    approvers = [m.user for m in coordinators_of(municipality.pk) if m.user_id != actor.pk]
    if not approvers:
        raise ValidationError(
            _(
                "Nobody can approve this: your municipality has no other active coordinator. "
                "Ask the functional administrator to add one."
            )
        )
    proposal = DecisionProposal(
        initiative=initiative, outcome=outcome, motivation=motivation, fund=fund, amount=amount, proposed_by=actor
    )
    proposal.full_clean()
    proposal.save()
    audit_initiative(
        actor, AuditAction.DECISION_PROPOSE, initiative, obj=proposal, detail=f"fund={fund.pk} amount={amount}"
    )
    for user in approvers:
        _mail_staff(
            user,
            proposal=proposal,
            template="initiatives/email/proposal_waiting",
            key="proposal",
            context={"by_name": _name(actor), "mandate": money(municipality.mandate_amount)},
        )
    return proposal


def _lock(proposal: DecisionProposal) -> DecisionProposal:
    """The proposal row locked: two coordinators handling it at once are served one after the other."""
    return (
        DecisionProposal.objects.select_for_update(of=("self",))
        .select_related("initiative__municipality", "fund", "proposed_by")
        .get(pk=proposal.pk)
    )


def _require_pending(proposal: DecisionProposal) -> None:
    if not proposal.is_pending:
        raise ValidationError(_("This proposal has already been handled."))


def _require_reviewer(proposal: DecisionProposal, actor) -> None:
    """A coordinator of the municipality, never the proposer (four eyes)."""
    require_coordinator(actor, proposal.initiative.municipality_id)
    if proposal.proposed_by_id == actor.pk:
        raise NotAllowed(_("You made this proposal yourself: another coordinator approves it or sends it back."))


@transaction.atomic
def proposal_approve(*, proposal: DecisionProposal, actor) -> Decision:
    """Decide as proposed. The fund is locked and checked again now: if it no longer has room,
    nothing changes and the proposal keeps waiting."""
    proposal = _lock(proposal)
    _require_reviewer(proposal, actor)
    _require_pending(proposal)
    try:
        decision = initiative_decide(
            initiative=proposal.initiative,
            actor=proposal.proposed_by,
            outcome=proposal.outcome,
            motivation=proposal.motivation,
            fund=proposal.fund,
            amount=proposal.amount,
            approved_by=actor,
        )
    except ValidationError as error:
        raise ValidationError(
            _("Not approved, the proposal keeps waiting: %(reason)s") % {"reason": " ".join(error.messages)}
        ) from error
    proposal.status, proposal.reviewed_by, proposal.reviewed_at = ProposalStatus.APPROVED, actor, timezone.now()
    proposal.decision = decision
    proposal.save(update_fields=["status", "reviewed_by", "reviewed_at", "decision"])
    audit_initiative(
        actor,
        AuditAction.DECISION_APPROVE,
        proposal.initiative,
        obj=proposal,
        detail=f"fund={proposal.fund_id} amount={proposal.amount}",
    )
    _mail_staff(
        proposal.proposed_by,
        proposal=proposal,
        template="initiatives/email/proposal_approved",
        key="proposal-approved",
        context={"by_name": _name(actor)},
    )
    return decision


@transaction.atomic
def proposal_send_back(*, proposal: DecisionProposal, actor, reason: str) -> DecisionProposal:
    """Not approved: the proposer reads the reason (mail and page) and may decide or propose again."""
    proposal = _lock(proposal)
    _require_reviewer(proposal, actor)
    _require_pending(proposal)
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Say why you send the proposal back: the officer reads it.")})
    proposal.status, proposal.reviewed_by, proposal.reviewed_at = ProposalStatus.SENT_BACK, actor, timezone.now()
    proposal.reason = reason
    proposal.full_clean()
    proposal.save(update_fields=["status", "reviewed_by", "reviewed_at", "reason"])
    audit_initiative(actor, AuditAction.DECISION_SEND_BACK, proposal.initiative, obj=proposal, detail=reason[:200])
    _mail_staff(
        proposal.proposed_by,
        proposal=proposal,
        template="initiatives/email/proposal_sent_back",
        key="proposal-sent-back",
        context={"by_name": _name(actor), "reason": reason},
    )
    return proposal


@transaction.atomic
def proposal_withdraw(*, proposal: DecisionProposal, actor) -> DecisionProposal:
    """The proposer takes a waiting proposal back (to change it, or to decide otherwise)."""
    proposal = _lock(proposal)
    require_officer(actor, proposal.initiative.municipality_id)
    if proposal.proposed_by_id != actor.pk:
        raise NotAllowed(_("Only the officer who made the proposal can withdraw it."))
    _require_pending(proposal)
    proposal.status, proposal.reviewed_by, proposal.reviewed_at = ProposalStatus.WITHDRAWN, actor, timezone.now()
    proposal.save(update_fields=["status", "reviewed_by", "reviewed_at"])
    audit_initiative(actor, AuditAction.DECISION_PROPOSAL_WITHDRAW, proposal.initiative, obj=proposal)
    return proposal
