"""The results of a round: counted when voting has closed, by the round's rule per village,
and the winners decided with a grant from the round's fund, all in one transaction.

`initiatives_decide` decides all winners at once with the rules of `initiative_decide`: the
fund's row locked once, the fund's own checks on each grant and on their sum; before that the
round checks that its winners together stay within the round's total and what the fund has
left. Whatever refuses, nothing is decided, the round keeps no results, and the reason is
stored on the round (staff see it) and in the audit log; the next tick tries again.
"""

from collections import defaultdict

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.constants import AuditAction
from audit.models import AuditResult
from audit.services import audit_log
from budgets.constants import Phase, ResultRule
from budgets.models import Ballot, BallotChoice, BudgetRound, Project, VillageBudget
from budgets.rules import Candidate, equal_shares, greedy, greedy_order
from core.bulk import bulk_set
from core.formats import money
from initiatives.constants import OPEN_STATUSES, DecisionOutcome, Status
from initiatives.services.funds import DecisionRequest, initiatives_decide
from initiatives.services.workflow import initiatives_transition
from municipalities.access import is_officer_of
from municipalities.models import Fund
from notifications.models import OutboxMail
from notifications.services import mail_enqueue_many


class RoundResultsError(ValidationError):
    pass


# The step that makes an open initiative ready for a decision (TRANSITIONS allows a decision
# from intake and from a conversation).
TO_DECIDABLE = {Status.SUBMITTED: Status.INTAKE, Status.WAITING_FOR_INITIATOR: Status.IN_CONVERSATION}


def candidates_of(projects, votes) -> list[Candidate]:
    """The projects as the rules see them; `order` is the order of submission (ties)."""
    return [
        Candidate(id=p.pk, cost=p.cost_estimate, votes=votes.get(p.pk, 0), order=index)
        for index, p in enumerate(sorted(projects, key=lambda p: (p.initiative.submitted_at, p.pk)))
    ]


def village_outcome(*, round: BudgetRound, village_budget: VillageBudget, projects, votes, ballots) -> list[int]:
    """The chosen project ids of one village, in the order the rule chose them."""
    candidates = candidates_of(projects, votes)
    if round.result_rule == ResultRule.EQUAL_SHARES:
        return equal_shares(candidates, ballots, village_budget.amount)
    return greedy(candidates, village_budget.amount)


def round_count(round: BudgetRound) -> dict:
    """Votes per project, ballots per village and (for Equal Shares) each ballot's choices,
    from the counted ballots only. A fixed number of queries."""
    counted = Ballot.objects.counted().filter(round=round)
    votes = dict(
        BallotChoice.objects.filter(ballot__in=counted)
        .values("project_id")
        .annotate(n=Count("pk"))
        .values_list("project_id", "n")
    )
    ballots_per_village = dict(
        counted.values("village_budget_id").annotate(n=Count("pk")).values_list("village_budget_id", "n")
    )
    choices = defaultdict(lambda: defaultdict(list))  # village budget -> ballot -> [project]
    if round.result_rule == ResultRule.EQUAL_SHARES:
        rows = BallotChoice.objects.filter(ballot__in=counted).values_list(
            "ballot__village_budget_id", "ballot_id", "project_id"
        )
        for village_budget_id, ballot_id, project_id in rows.iterator(chunk_size=5000):
            choices[village_budget_id][ballot_id].append(project_id)
    return {"votes": votes, "ballots": ballots_per_village, "choices": choices}


def round_results_compute(*, round: BudgetRound, now=None) -> BudgetRound:
    """Count, choose, decide and publish. Idempotent: a round with results is left alone."""
    now = now or timezone.now()
    try:
        with transaction.atomic():
            return _compute(round_pk=round.pk, now=now)
    except ValidationError as error:
        message = " ".join(error.messages)
        with transaction.atomic():
            BudgetRound.objects.filter(pk=round.pk, results_at__isnull=True).update(
                results_error=message[:2000], updated_at=now
            )
            audit_log(
                actor=None,
                action=AuditAction.BUDGET_RESULTS,
                obj=round,
                municipality=round.municipality,
                result=AuditResult.REFUSED,
                detail=message[:200],
            )
        raise RoundResultsError(message) from error


def _compute(*, round_pk: int, now) -> BudgetRound:
    round = BudgetRound.objects.select_for_update(of=("self",)).select_related("fund", "municipality").get(pk=round_pk)
    if round.results_at is not None:
        return round
    if round.phase(now) != Phase.COUNTING:
        raise ValidationError(_("Voting has not closed yet."))
    actor = round.created_by
    if actor is None or not is_officer_of(actor, round.municipality_id):
        raise ValidationError(
            _("The round needs a responsible coordinator of the municipality. Choose one in the round's set-up.")
        )
    count = round_count(round)
    projects = list(
        Project.objects.on_ballot()
        .filter(round=round, initiative__status__in=OPEN_STATUSES)
        .select_related("initiative", "village_budget__village")
    )
    by_village = defaultdict(list)
    for project in projects:
        by_village[project.village_budget_id].append(project)
    village_budgets = list(round.villages.select_related("village"))
    winners: list[Project] = []
    for village_budget in village_budgets:
        mine = by_village[village_budget.pk]
        chosen = village_outcome(
            round=round,
            village_budget=village_budget,
            projects=mine,
            votes=count["votes"],
            ballots=count["choices"][village_budget.pk],
        )
        ranking = greedy_order(candidates_of(mine, count["votes"]))
        rank = {candidate.id: place for place, candidate in enumerate(ranking, start=1)}
        for project in mine:
            project.votes = count["votes"].get(project.pk, 0)
            project.is_winner = project.pk in chosen
            project.rank = rank[project.pk]
            if project.is_winner:
                winners.append(project)
        village_budget.ballots_counted = count["ballots"].get(village_budget.pk, 0)
    total = sum((p.cost_estimate for p in winners), start=0)
    if total > round.total:
        raise ValidationError(
            _("The chosen projects cost %(total)s, more than the round's budget of %(budget)s.")
            % {"total": money(total), "budget": money(round.total)}
        )
    fund = Fund.objects.select_for_update().get(pk=round.fund_id)
    left = fund.budget - fund.taken()
    if total > left:
        raise ValidationError(
            _("The chosen projects cost %(total)s, but the fund has %(left)s left.")
            % {"total": money(total), "left": money(left)}
        )
    _decide_winners(round=round, winners=winners, fund=fund, actor=actor)
    bulk_set(projects, ["votes", "is_winner", "rank"])
    bulk_set(village_budgets, ["ballots_counted"])
    round.results_at, round.results_error = now, ""
    round.save(update_fields=["results_at", "results_error", "updated_at"])
    audit_log(
        actor=actor,
        action=AuditAction.BUDGET_RESULTS,
        obj=round,
        municipality=round.municipality,
        detail=f"winners={len(winners)} amount={total}",
    )
    _mail_results(round, projects)
    # Privacy (AVG): the addresses were needed to confirm ballots and to send the results; once
    # those mails are in the outbox (which keeps its own copy until sent), they go.
    Ballot.objects.filter(round=round).exclude(email="").update(email="")
    return round


def _decide_winners(*, round: BudgetRound, winners: list[Project], fund: Fund, actor) -> None:
    """Every winner a decision with a grant, all at once (`initiatives_decide`: the fund's rules
    on each grant and on their sum, a fixed number of queries however many winners). The
    round's coordinator decides and approves: the money was approved when the round's budgets
    were set, and the residents choose within them, so a winner above the municipality's
    mandate needs no second approval."""
    if not winners:
        return
    steps = defaultdict(list)  # the step that makes an open initiative ready for a decision
    for project in winners:
        step = TO_DECIDABLE.get(project.initiative.status)
        if step is not None:
            steps[step].append(project.initiative)
    for step, initiatives in steps.items():
        initiatives_transition(initiatives=initiatives, to_status=step, actor=actor)
    initiatives_decide(
        decisions=[
            DecisionRequest(
                initiative=project.initiative,
                motivation=_(
                    "Chosen by the residents of %(village)s in “%(round)s” with %(votes)s votes. "
                    "The contribution is the municipality's cost estimate."
                )
                % {"village": project.village_budget.village.name, "round": round, "votes": project.votes},
                amount=project.cost_estimate,
            )
            for project in winners
        ],
        actor=actor,
        outcome=DecisionOutcome.SUPPORTED,
        fund=fund,
        approved_by=actor,
    )


def _mail_results(round: BudgetRound, projects: list[Project]) -> None:
    """The results to every initiator in the round and to the voters who asked for them; a
    fixed number of queries per 500 mails, however many voters asked."""
    mails = [
        OutboxMail.about(
            to=project.initiative.initiator_email,
            template="budgets/email/results_initiator",
            dedup_key=f"budget-results-initiator:{project.pk}",
            language=project.initiative.preferred_language,
            subject=round,
            context={"round": round.pk, "project": project.pk},
        )
        for project in projects
        if project.initiative.initiator_email
    ]
    voters = (
        Ballot.objects.counted()
        .filter(round=round, wants_results=True)
        .exclude(email="")
        .values_list("pk", "email", "language", "village_budget_id")
    )
    mails += [
        OutboxMail.about(
            to=email,
            template="budgets/email/results_voter",
            dedup_key=f"budget-results-voter:{ballot_pk}",
            language=language,
            subject=round,
            context={"round": round.pk, "village_budget": village_budget_id},
        )
        for ballot_pk, email, language, village_budget_id in voters.iterator(chunk_size=5000)
    ]
    mail_enqueue_many(mails)
