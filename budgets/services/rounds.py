"""Writes for budget rounds before the vote: ideas enter the round, officers review them, and
the mails of the round (opening, reminder). The scheduler's tick runs every step once."""

from datetime import timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.constants import AuditAction
from audit.services import audit_log
from budgets.constants import REMINDER_DAYS_BEFORE_CLOSE, Feasibility, Phase
from budgets.models import Ballot, BudgetRound, Project
from core.formats import money
from initiatives.constants import OPEN_STATUSES, Status
from initiatives.models import Initiative
from initiatives.services.workflow import initiative_transition
from municipalities.access import require_officer
from notifications.services import mail_enqueue
from villages.models import VillageOrganisation

BEFORE_VOTING = (Phase.ANNOUNCED, Phase.IDEAS, Phase.REVIEW)


def round_ideas(round: BudgetRound):
    """The initiatives that belong in the round: of one of its villages, submitted in the ideas
    period, not withdrawn."""
    return Initiative.objects.filter(
        village__budgets__round=round,
        submitted_at__date__gte=round.ideas_from,
        submitted_at__date__lte=round.ideas_until,
    ).exclude(status=Status.WITHDRAWN)


@transaction.atomic
def round_collect_ideas(*, round: BudgetRound) -> int:
    """Let the round's new ideas in (those already in stay as they are); returns how many."""
    budgets = {vb.village_id: vb for vb in round.villages.all()}
    known = set(round.projects.values_list("initiative_id", flat=True))
    new = [
        Project(round=round, village_budget=budgets[initiative.village_id], initiative=initiative)
        for initiative in round_ideas(round).only("pk", "village_id")
        if initiative.pk not in known
    ]
    Project.objects.bulk_create(new, ignore_conflicts=True)
    return len(new)


@transaction.atomic
def project_review(
    *, project: Project, actor, feasible: bool, reason: str, cost_estimate: Decimal | None = None
) -> Project:
    """An officer says whether an idea is feasible, why (public) and what it costs."""
    project = (
        Project.objects.select_for_update().select_related("round", "village_budget", "initiative").get(pk=project.pk)
    )
    require_officer(actor, project.round.municipality_id)
    if project.round.phase() not in BEFORE_VOTING:
        raise ValidationError(_("Voting has started: the review can no longer change."))
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Give a reason: residents read it.")})
    if feasible:
        if cost_estimate is None or cost_estimate <= 0:
            raise ValidationError({"cost_estimate": _("A feasible idea needs a cost estimate.")})
        if cost_estimate > project.village_budget.amount:
            raise ValidationError(
                {
                    "cost_estimate": _("This is more than the village's budget of %(budget)s.")
                    % {"budget": money(project.village_budget.amount)}
                }
            )
        fund = project.round.fund
        if fund.max_per_initiative is not None and cost_estimate > fund.max_per_initiative:
            raise ValidationError(
                {
                    "cost_estimate": _("This fund gives at most %(max)s per initiative.")
                    % {"max": money(fund.max_per_initiative)}
                }
            )
        if project.initiative.status not in OPEN_STATUSES:
            raise ValidationError(
                _("This initiative already has a decision or is closed, so it cannot be on the ballot.")
            )
    if project.initiative.status == Status.SUBMITTED:
        # Reviewing it is taking it in: the initiative moves to intake (its first response).
        initiative_transition(initiative=project.initiative, to_status=Status.INTAKE, actor=actor)
    project.feasibility = Feasibility.FEASIBLE if feasible else Feasibility.NOT_FEASIBLE
    project.review_reason = reason.strip()
    project.cost_estimate = cost_estimate if feasible else None
    project.reviewed_by, project.reviewed_at = actor, timezone.now()
    project.full_clean()
    project.save(
        update_fields=["feasibility", "review_reason", "cost_estimate", "reviewed_by", "reviewed_at", "updated_at"]
    )
    audit_log(
        actor=actor,
        action=AuditAction.BUDGET_PROJECT_REVIEW,
        obj=project,
        municipality=project.round.municipality,
        detail=f"{project.feasibility} cost={project.cost_estimate or 0}",
    )
    return project


def round_mail_opened(*, round: BudgetRound, now) -> int:
    """Tell the organisations of the round's villages that the round has opened (once)."""
    locked = BudgetRound.objects.select_for_update().get(pk=round.pk)
    if locked.opened_mail_sent_at is not None:
        return 0
    sent = 0
    organisations = VillageOrganisation.objects.filter(village__budgets__round=round).exclude(contact_email="")
    for organisation in organisations.select_related("village"):
        mail = mail_enqueue(
            to=organisation.contact_email,
            template="budgets/email/round_opened",
            dedup_key=f"budget-round-opened:{round.pk}:{organisation.pk}",
            subject=round,
            context={"round": round.pk, "organisation": organisation.pk},
        )
        sent += mail is not None
    locked.opened_mail_sent_at = now
    locked.save(update_fields=["opened_mail_sent_at", "updated_at"])
    return sent


def round_mail_reminder(*, round: BudgetRound, now) -> int:
    """Before voting closes: a reminder to everyone who started a ballot but did not confirm it
    (and has no confirmed ballot in this round)."""
    locked = BudgetRound.objects.select_for_update().get(pk=round.pk)
    if locked.reminder_sent_at is not None:
        return 0
    confirmed = Ballot.objects.filter(round=round, confirmed_at__isnull=False).values("email_hash")
    waiting = (
        Ballot.objects.filter(round=round, confirmed_at__isnull=True, voided_at__isnull=True)
        .exclude(email="")
        .exclude(email_hash__in=confirmed)
        .order_by("email_hash", "-created_at")
    )
    sent, seen = 0, set()
    for ballot in waiting:
        if ballot.email_hash in seen:
            continue  # the latest ballot of each address
        seen.add(ballot.email_hash)
        mail = mail_enqueue(
            to=ballot.email,
            template="budgets/email/ballot_reminder",
            dedup_key=f"budget-reminder:{round.pk}:{ballot.email_hash}",
            language=ballot.language,
            subject=round,
            context={"round": round.pk, "ballot": ballot.pk},
        )
        sent += mail is not None
    locked.reminder_sent_at = now
    locked.save(update_fields=["reminder_sent_at", "updated_at"])
    return sent


def rounds_tick(*, now=None) -> dict:
    """The scheduler's step for every round that has no results yet. Safe to run twice."""
    from budgets.services.results import RoundResultsError, round_results_compute

    now = now or timezone.now()
    done = {"ideas": 0, "opened": 0, "reminders": 0, "results": 0, "failed": 0}
    rounds = BudgetRound.objects.filter(results_at__isnull=True, municipality__is_active=True).select_related(
        "fund", "municipality"
    )
    for round in rounds:
        phase = round.phase(now)
        if phase in (Phase.IDEAS, Phase.REVIEW):
            done["ideas"] += round_collect_ideas(round=round)
        if phase != Phase.ANNOUNCED and round.opened_mail_sent_at is None:
            with transaction.atomic():
                done["opened"] += round_mail_opened(round=round, now=now)
        close_soon = round.voting_until - timedelta(days=REMINDER_DAYS_BEFORE_CLOSE)
        if phase == Phase.VOTING and now >= close_soon and round.reminder_sent_at is None:
            with transaction.atomic():
                done["reminders"] += round_mail_reminder(round=round, now=now)
        if phase == Phase.COUNTING:
            try:
                round_results_compute(round=round, now=now)
                done["results"] += 1
            except RoundResultsError:
                done["failed"] += 1
    return done
