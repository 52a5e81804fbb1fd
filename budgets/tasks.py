"""Thin adapters for the scheduler (STYLE.md §7)."""

from celery import shared_task
from django.utils import timezone

from budgets.models import BudgetRound
from budgets.services.results import RoundResultsError, round_results_compute
from budgets.services.rounds import rounds_tick


@shared_task(name="budgets.rounds_tick", acks_late=True)
def rounds_tick_often():
    """Every few minutes: ideas in, opening mail, reminder, results at closing. Safe to run twice."""
    return rounds_tick(now=timezone.now())


@shared_task(name="budgets.round_results", acks_late=True)
def round_results(round_id: int):
    """The results of one round once voting has closed. Safe to run twice: a round with
    results is left alone; one that fails keeps its reason and the tick tries again."""
    round = BudgetRound.objects.filter(pk=round_id, results_at__isnull=True).first()
    if round is None:
        return "done"
    try:
        round_results_compute(round=round, now=timezone.now())
    except RoundResultsError as error:
        return f"failed: {error.messages[0]}"
    return "published"
