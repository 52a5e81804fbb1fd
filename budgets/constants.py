"""Village budgets (dorpsbudget, burgerbegroting): the choices a budget round is made of."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class VotingStyle(models.TextChoices):
    KNAPSACK = "knapsack", _("Choose projects within the budget")
    APPROVAL = "approval", _("Choose at most a number of projects")


class ResultRule(models.TextChoices):
    GREEDY = "greedy", _("Most votes first, while the budget lasts")
    EQUAL_SHARES = "equal_shares", _("Method of Equal Shares")


class Feasibility(models.TextChoices):
    PENDING = "pending", _("Not reviewed yet")
    FEASIBLE = "feasible", _("Feasible")
    NOT_FEASIBLE = "not_feasible", _("Not feasible")


class Phase(models.TextChoices):
    """Where a round is, read from its dates (and whether its results are published)."""

    ANNOUNCED = "announced", _("Announced")
    IDEAS = "ideas", _("Ideas")
    REVIEW = "review", _("Review")
    VOTING = "voting", _("Voting")
    COUNTING = "counting", _("Counting")
    RESULTS = "results", _("Results")


PHASE_EXPLANATIONS = {
    Phase.ANNOUNCED: _("The round has not started yet."),
    Phase.IDEAS: _("Residents submit ideas for their village."),
    Phase.REVIEW: _("The municipality checks whether each idea is feasible and what it costs."),
    Phase.VOTING: _("Residents vote for the ideas of their village."),
    Phase.COUNTING: _("Voting is closed. The results follow soon."),
    Phase.RESULTS: _("The results are known."),
}

# How many days before voting closes the reminder goes to voters who did not confirm yet.
REMINDER_DAYS_BEFORE_CLOSE = 2
# A paper voting code: this many characters from an alphabet without look-alikes (0/O, 1/I/L).
PAPER_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
PAPER_CODE_LENGTH = 10
MAX_PAPER_CODES_PER_BATCH = 500
