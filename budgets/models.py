"""A budget round (dorpsbudget, burgerbegroting): a fund's money, a budget per village, ideas
that the municipality reviews, one ballot per resident, and results that become grants.

The phases follow from the dates (`BudgetRound.phase`); only `budgets.services` write.
"""

import hashlib
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from budgets.constants import Feasibility, Phase, ResultRule, VotingStyle
from core.formats import money
from core.models import TimeStampedModel
from municipalities.scoping import OFFICERS, MunicipalityScopedQuerySet

MONEY = {"max_digits": 12, "decimal_places": 2}


def secret_hash(value: str) -> str:
    """What is stored of a link or a code: a keyed hash (the value itself never is)."""
    return hashlib.sha256(f"{settings.SECRET_KEY}:budgets:{value}".encode()).hexdigest()


def email_hash(email: str) -> str:
    """One ballot per address: the address, trimmed and in lower case, hashed."""
    return secret_hash(f"email:{email.strip().lower()}")


class BudgetRoundQuerySet(MunicipalityScopedQuerySet):
    audience = OFFICERS

    def public(self):
        """Rounds anyone may see: of an active municipality and started (the ideas period begun)."""
        return self.filter(municipality__is_active=True, ideas_from__lte=timezone.localdate())

    def results_published(self):
        """Public rounds whose results are published (computed when voting closed)."""
        return self.public().filter(results_at__isnull=False)

    def with_result_totals(self):
        """Per round: its villages, the ballots counted, the projects on the ballot, the chosen
        ones and what they cost. Subqueries, so the sums do not multiply over two relations."""
        villages = VillageBudget.objects.filter(round=models.OuterRef("pk")).order_by().values("round")
        projects = Project.objects.filter(round=models.OuterRef("pk"), votes__isnull=False).order_by().values("round")
        chosen = projects.filter(is_winner=True)
        return self.annotate(
            villages_count=_subquery_total(villages.annotate(n=models.Count("pk")).values("n"), 0),
            ballots_counted=_subquery_total(villages.annotate(n=models.Sum("ballots_counted")).values("n"), 0),
            projects_count=_subquery_total(projects.annotate(n=models.Count("pk")).values("n"), 0),
            chosen_count=_subquery_total(chosen.annotate(n=models.Count("pk")).values("n"), 0),
            chosen_cost=_subquery_total(
                chosen.annotate(n=models.Sum("cost_estimate")).values("n"), Decimal("0"), money=True
            ),
        )


def _subquery_total(queryset, default, *, money=False):
    field = models.DecimalField(**MONEY) if money else models.IntegerField()
    return Coalesce(models.Subquery(queryset, output_field=field), models.Value(default, output_field=field))


class BudgetRound(TimeStampedModel):
    municipality = models.ForeignKey(
        "municipalities.Municipality",
        verbose_name=_("municipality"),
        on_delete=models.PROTECT,
        related_name="budget_rounds",
        editable=False,
        help_text=_("Always the fund's municipality."),
    )
    fund = models.ForeignKey(
        "municipalities.Fund", verbose_name=_("fund"), on_delete=models.PROTECT, related_name="budget_rounds"
    )
    name = models.CharField(_("name"), max_length=200)
    year = models.PositiveSmallIntegerField(_("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    description = models.TextField(_("explanation for residents"), max_length=5000, blank=True)
    total = models.DecimalField(_("total budget"), validators=[MinValueValidator(Decimal("0.01"))], **MONEY)
    ideas_from = models.DateField(_("ideas from"))
    ideas_until = models.DateField(
        _("ideas until"), help_text=_("Initiatives submitted in this period enter the round.")
    )
    voting_from = models.DateTimeField(_("voting opens"))
    voting_until = models.DateTimeField(_("voting closes"))
    voting_style = models.CharField(
        _("how residents vote"), max_length=10, choices=VotingStyle.choices, default=VotingStyle.KNAPSACK
    )
    max_choices = models.PositiveSmallIntegerField(
        _("at most this many projects"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(50)],
        help_text=_("Only for the style “choose at most a number of projects”."),
    )
    minimum_age = models.PositiveSmallIntegerField(
        _("minimum age"),
        default=16,
        validators=[MinValueValidator(0), MaxValueValidator(99)],
        help_text=_("Voters declare themselves that they are this old and live in the village."),
    )
    result_rule = models.CharField(
        _("rule for the results"), max_length=12, choices=ResultRule.choices, default=ResultRule.GREEDY
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("responsible coordinator"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_(
            "The decisions on the winning projects are recorded in this person's name. Empty: the person who "
            "sets up the round."
        ),
    )
    # Written by the services only.
    opened_mail_sent_at = models.DateTimeField(_("opening mail sent at"), null=True, blank=True, editable=False)
    reminder_sent_at = models.DateTimeField(_("reminder sent at"), null=True, blank=True, editable=False)
    results_at = models.DateTimeField(_("results published at"), null=True, blank=True, editable=False)
    results_error = models.TextField(_("why the results could not be published"), blank=True, editable=False)

    objects = BudgetRoundQuerySet.as_manager()

    class Meta:
        ordering = ["-year", "-voting_until", "name"]
        verbose_name = _("budget round")
        verbose_name_plural = _("budget rounds")
        constraints = [
            models.CheckConstraint(condition=models.Q(total__gt=0), name="budget_round_total_positive"),
            models.CheckConstraint(
                condition=models.Q(ideas_until__gte=models.F("ideas_from")), name="budget_round_ideas_in_order"
            ),
            models.CheckConstraint(
                condition=models.Q(voting_until__gt=models.F("voting_from")), name="budget_round_voting_in_order"
            ),
            models.CheckConstraint(
                condition=~models.Q(voting_style=VotingStyle.APPROVAL) | models.Q(max_choices__isnull=False),
                name="budget_round_approval_has_max",
            ),
        ]

    def __str__(self):
        return f"{self.name} {self.year}"

    def clean(self):
        errors = {}
        if self.fund_id:
            if self.fund.year != self.year:
                errors["year"] = _("Choose the year of the fund.")
            if self.total is not None and self.total > self.fund.budget:
                errors["total"] = _("The fund has a budget of %(budget)s; the round cannot spend more.") % {
                    "budget": money(self.fund.budget)
                }
        if self.ideas_from and self.ideas_until and self.ideas_until < self.ideas_from:
            errors["ideas_until"] = _("The ideas period ends after it starts.")
        if self.voting_from and self.voting_until and self.voting_until <= self.voting_from:
            errors["voting_until"] = _("Voting closes after it opens.")
        if self.ideas_until and self.voting_from and timezone.localdate(self.voting_from) <= self.ideas_until:
            errors["voting_from"] = _("Voting opens after the ideas period, so the ideas can be reviewed first.")
        if self.voting_style == VotingStyle.APPROVAL and not self.max_choices:
            errors["max_choices"] = _("Say how many projects a voter may choose.")
        if errors:
            raise ValidationError(errors)

    def phase(self, now=None) -> str:
        now = now or timezone.now()
        today = timezone.localdate(now)
        if self.results_at is not None:
            return Phase.RESULTS
        if today < self.ideas_from:
            return Phase.ANNOUNCED
        if today <= self.ideas_until:
            return Phase.IDEAS
        if now < self.voting_from:
            return Phase.REVIEW
        if now < self.voting_until:
            return Phase.VOTING
        return Phase.COUNTING

    @property
    def current_phase(self) -> Phase:
        return Phase(self.phase())

    @property
    def is_voting(self) -> bool:
        return self.phase() == Phase.VOTING


class RoundChildQuerySet(MunicipalityScopedQuerySet):
    municipality_path = "round__municipality"
    audience = OFFICERS


class VillageBudgetQuerySet(RoundChildQuerySet):
    def with_results(self):
        """Per village: the chosen projects and what they cost (as its results page shows)."""
        chosen = models.Q(projects__is_winner=True, projects__votes__isnull=False)
        return self.annotate(
            chosen_count=models.Count("projects", filter=chosen),
            chosen_cost=Coalesce(
                models.Sum("projects__cost_estimate", filter=chosen),
                models.Value(Decimal("0"), output_field=models.DecimalField(**MONEY)),
            ),
        )


class VillageBudget(models.Model):
    """The part of a round's total for one village (or a group of villages under one name)."""

    round = models.ForeignKey(BudgetRound, verbose_name=_("round"), on_delete=models.CASCADE, related_name="villages")
    village = models.ForeignKey(
        "villages.Village", verbose_name=_("village"), on_delete=models.PROTECT, related_name="budgets"
    )
    amount = models.DecimalField(_("budget"), validators=[MinValueValidator(Decimal("0.01"))], **MONEY)
    # Written when the results are computed.
    ballots_counted = models.PositiveIntegerField(_("ballots counted"), default=0, editable=False)

    objects = VillageBudgetQuerySet.as_manager()

    class Meta:
        ordering = ["round", "village__name"]
        verbose_name = _("village budget")
        verbose_name_plural = _("village budgets")
        constraints = [
            models.UniqueConstraint(fields=["round", "village"], name="village_budget_once_per_round"),
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="village_budget_positive"),
        ]

    def __str__(self):
        return f"{self.village} ({money(self.amount)})"

    def clean(self):
        if self.round_id and self.village_id and self.village.municipality_id != self.round.fund.municipality_id:
            raise ValidationError({"village": _("Choose a village of the fund's municipality.")})


class ProjectQuerySet(RoundChildQuerySet):
    def on_ballot(self):
        return self.filter(feasibility=Feasibility.FEASIBLE, cost_estimate__isnull=False)

    def in_published_results(self):
        """The projects of rounds with published results, as their results pages show them."""
        return self.filter(round__in=BudgetRound.objects.results_published(), votes__isnull=False)


class Project(TimeStampedModel):
    """An initiative that entered a round: the municipality's review and, later, its votes."""

    round = models.ForeignKey(BudgetRound, verbose_name=_("round"), on_delete=models.CASCADE, related_name="projects")
    village_budget = models.ForeignKey(
        VillageBudget, verbose_name=_("village"), on_delete=models.CASCADE, related_name="projects"
    )
    initiative = models.ForeignKey(
        "initiatives.Initiative", verbose_name=_("initiative"), on_delete=models.PROTECT, related_name="round_entries"
    )
    feasibility = models.CharField(
        _("feasible"), max_length=12, choices=Feasibility.choices, default=Feasibility.PENDING
    )
    review_reason = models.TextField(_("reason (public)"), max_length=2000, blank=True)
    cost_estimate = models.DecimalField(
        _("cost estimate of the municipality"), null=True, blank=True, validators=[MinValueValidator(0)], **MONEY
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    # Written when the results are computed.
    votes = models.PositiveIntegerField(_("votes"), null=True, blank=True)
    is_winner = models.BooleanField(_("chosen"), default=False)
    rank = models.PositiveIntegerField(_("place"), null=True, blank=True)

    objects = ProjectQuerySet.as_manager()

    class Meta:
        ordering = ["village_budget", "pk"]
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        constraints = [
            models.UniqueConstraint(fields=["round", "initiative"], name="project_once_per_round"),
            models.CheckConstraint(
                condition=~models.Q(feasibility="feasible") | models.Q(cost_estimate__gt=0),
                name="project_feasible_has_cost",
            ),
        ]

    def __str__(self):
        return str(self.initiative)


class BallotQuerySet(RoundChildQuerySet):
    def counted(self):
        """The ballots that count: confirmed, not replaced by a later one, not voided."""
        return self.filter(confirmed_at__isnull=False, replaced_at__isnull=True, voided_at__isnull=True)


class Ballot(models.Model):
    """One resident's choice in one village. By e-mail it counts once the link in the mail is
    opened; a later confirmed ballot of the same address replaces it. A paper ballot (a code)
    counts at once."""

    round = models.ForeignKey(
        BudgetRound, verbose_name=_("budget round"), on_delete=models.CASCADE, related_name="ballots"
    )
    village_budget = models.ForeignKey(
        VillageBudget, verbose_name=_("village budget"), on_delete=models.CASCADE, related_name="ballots"
    )
    projects = models.ManyToManyField(
        Project, verbose_name=_("projects"), through="BallotChoice", related_name="ballots"
    )
    email = models.EmailField(_("email"), blank=True)
    email_hash = models.CharField(_("e-mail hash"), max_length=64, blank=True, db_index=True)
    language = models.CharField(_("language"), max_length=2, default="nl")
    wants_results = models.BooleanField(_("mail me the results"), default=False)
    token_hash = models.CharField(_("token hash"), max_length=64, blank=True, db_index=True)
    paper_code = models.OneToOneField(
        "PaperCode",
        verbose_name=_("paper code"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="ballot",
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("entered by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("cast at"), default=timezone.now)
    changed_at = models.DateTimeField(_("changed at"), null=True, blank=True)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    replaced_at = models.DateTimeField(_("replaced at"), null=True, blank=True)
    voided_at = models.DateTimeField(_("voided at"), null=True, blank=True)
    voided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("voided by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    void_reason = models.CharField(_("reason"), max_length=300, blank=True)

    objects = BallotQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("ballot")
        verbose_name_plural = _("ballots")
        indexes = [models.Index(fields=["village_budget", "confirmed_at"], name="ballot_village_confirmed")]
        constraints = [
            # One counting ballot per address per round (the database holds the line too).
            models.UniqueConstraint(
                fields=["round", "email_hash"],
                condition=models.Q(confirmed_at__isnull=False, replaced_at__isnull=True) & ~models.Q(email_hash=""),
                name="ballot_one_confirmed_per_address",
            ),
        ]

    def __str__(self):
        return _("Ballot %(number)s") % {"number": self.pk}

    @property
    def is_counted(self) -> bool:
        return self.confirmed_at is not None and self.replaced_at is None and self.voided_at is None

    @property
    def masked_email(self) -> str:
        """For staff lists: enough to recognise, not the whole address."""
        if not self.email:
            return ""
        name, _at, domain = self.email.partition("@")
        return f"{name[:2]}…@{domain}"


class BallotChoice(models.Model):
    ballot = models.ForeignKey(Ballot, verbose_name=_("ballot"), on_delete=models.CASCADE, related_name="choices")
    project = models.ForeignKey(Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="choices")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["ballot", "project"], name="ballot_choice_once")]

    def __str__(self):
        return f"{self.ballot_id}: {self.project_id}"


class PaperCodeQuerySet(MunicipalityScopedQuerySet):
    municipality_path = "village_budget__round__municipality"
    audience = OFFICERS


class PaperCode(models.Model):
    """A single-use code printed on a paper ballot for one village; only its hash is stored."""

    village_budget = models.ForeignKey(
        VillageBudget, verbose_name=_("village budget"), on_delete=models.CASCADE, related_name="paper_codes"
    )
    code_hash = models.CharField(_("code hash"), max_length=64, unique=True)
    batch = models.PositiveIntegerField(_("batch"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)

    objects = PaperCodeQuerySet.as_manager()

    class Meta:
        ordering = ["batch", "pk"]
        verbose_name = _("paper voting code")
        verbose_name_plural = _("paper voting codes")

    def __str__(self):
        return _("Code %(number)s") % {"number": self.pk}


def municipality_rounds_section(municipality) -> dict | None:
    """The municipality's public page lists its budget rounds of the last year (registered with
    initiatives.public_sections): one query."""
    since = timezone.now() - timedelta(days=365)
    rounds = list(
        BudgetRound.objects.public()
        .filter(municipality=municipality)
        .filter(models.Q(results_at__isnull=True) | models.Q(results_at__gte=since))
        .order_by("-voting_until")
    )
    if not rounds:
        return None
    return {"template": "budgets/includes/municipality_rounds.html", "context": {"rounds": rounds}}
