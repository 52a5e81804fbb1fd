"""The officers' pages of a budget round: the round with its turnout per village, reviewing
ideas, paper voting codes, paper ballots, voiding a ballot, and the results.

Every view starts from `BudgetRound.objects.visible_to(request.user)`: another municipality's
round answers 404 like a missing one; its villages, projects and ballots are looked up under it.
"""

from functools import cached_property

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import FormView, ListView, TemplateView

from budgets.constants import PHASE_EXPLANATIONS, Feasibility, Phase, VotingStyle
from budgets.forms import PaperBallotForm, PaperCodesForm, ReviewForm, VoidForm
from budgets.models import Ballot, BudgetRound
from budgets.services.results import RoundResultsError, round_results_compute
from budgets.services.rounds import round_collect_ideas
from budgets.services.voting import ballot_cast_paper, ballot_void, paper_codes_create
from core.forms import add_service_error
from core.views import ServiceFormMixin
from initiatives.constants import Status
from municipalities.access import OfficerRequiredMixin
from municipalities.models import Fund


class RoundListView(OfficerRequiredMixin, ListView):
    template_name = "budgets/staff/round_list.html"
    context_object_name = "rounds"

    def get_queryset(self):
        return BudgetRound.objects.visible_to(self.request.user).select_related("municipality", "fund")


class RoundMixin(OfficerRequiredMixin):
    @cached_property
    def round(self):
        rounds = BudgetRound.objects.visible_to(self.request.user).select_related("municipality", "fund")
        return get_object_or_404(rounds, pk=self.kwargs["pk"])

    @cached_property
    def village_budget(self):
        return get_object_or_404(self.round.villages.select_related("village", "round"), pk=self.kwargs["village"])

    def round_url(self, anchor=""):
        url = reverse("budgets:round_detail", kwargs={"pk": self.round.pk})
        return f"{url}#{anchor}" if anchor else url

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "round": self.round}


class RoundDetailView(RoundMixin, TemplateView):
    template_name = "budgets/staff/round_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        round = self.round
        phase = round.current_phase
        counted = Q(
            ballots__confirmed_at__isnull=False, ballots__replaced_at__isnull=True, ballots__voided_at__isnull=True
        )
        waiting = Q(ballots__confirmed_at__isnull=True, ballots__voided_at__isnull=True)
        village_budgets = round.villages.select_related("village").annotate(
            counted=Count("ballots", filter=counted), waiting=Count("ballots", filter=waiting)
        )
        projects = round.projects.select_related("initiative", "village_budget__village").order_by(
            "village_budget__village__name", "initiative__title"
        )
        context.update(
            phase=phase,
            phase_explanation=PHASE_EXPLANATIONS[phase],
            fund=Fund.objects.with_totals().get(pk=round.fund_id),
            village_budgets=village_budgets,
            projects=projects,
            can_review=phase in (Phase.ANNOUNCED, Phase.IDEAS, Phase.REVIEW),
            can_compute=phase == Phase.COUNTING,
            voting_open=phase == Phase.VOTING,
            is_knapsack=round.voting_style == VotingStyle.KNAPSACK,
            Feasibility=Feasibility,
            in_progress=Status.IN_PROGRESS,
            realised=Status.REALISED,
        )
        return context


class CollectIdeasView(RoundMixin, View):
    def post(self, request, *args, **kwargs):
        added = round_collect_ideas(round=self.round)
        messages.success(request, _("%(count)s new ideas entered the round.") % {"count": added})
        return redirect(self.round_url("ideas"))


class ComputeResultsView(RoundMixin, View):
    def post(self, request, *args, **kwargs):
        try:
            round_results_compute(round=self.round)
        except RoundResultsError as error:
            messages.error(request, error.messages[0])
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The results are published and the chosen projects have their grants."))
        return redirect(self.round_url())


class ProjectReviewView(RoundMixin, ServiceFormMixin, FormView):
    template_name = "budgets/staff/project_review.html"
    form_class = ReviewForm
    success_message = gettext_lazy("The review is saved.")

    @cached_property
    def project(self):
        projects = self.round.projects.select_related("initiative", "village_budget__village")
        return get_object_or_404(projects, pk=self.kwargs["project"])

    def get_initial(self):
        project = self.project
        if project.feasibility == Feasibility.PENDING:
            return {"cost_estimate": project.initiative.amount_requested or None}
        return {
            "feasible": "yes" if project.feasibility == Feasibility.FEASIBLE else "no",
            "reason": project.review_reason,
            "cost_estimate": project.cost_estimate,
        }

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "project": self.project}

    def act(self, data):
        from budgets.services.rounds import project_review

        project_review(
            project=self.project,
            actor=self.request.user,
            feasible=data["feasible"],
            reason=data["reason"],
            cost_estimate=data["cost_estimate"],
        )

    def get_success_url(self):
        return self.round_url("ideas")


class PaperCodesView(RoundMixin, FormView):
    """GET: how many codes; POST: make them and show the page to print (once: only hashes are kept)."""

    template_name = "budgets/staff/paper_codes.html"
    form_class = PaperCodesForm

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "village_budget": self.village_budget}

    def form_valid(self, form):
        try:
            codes = paper_codes_create(
                village_budget=self.village_budget, count=form.cleaned_data["count"], actor=self.request.user
            )
        except ValidationError as error:
            add_service_error(form, error)
            return self.form_invalid(form)
        context = {
            "round": self.round,
            "village_budget": self.village_budget,
            "codes": codes,
            "ballot_url": self.request.build_absolute_uri(
                reverse("budgets:ballot", kwargs={"pk": self.round.pk, "village": self.village_budget.pk})
            ),
        }
        response = render(self.request, "budgets/staff/paper_codes_print.html", context)
        response["Cache-Control"] = "no-store"
        return response


class PaperBallotView(RoundMixin, ServiceFormMixin, FormView):
    template_name = "budgets/staff/paper_ballot.html"
    form_class = PaperBallotForm
    success_message = gettext_lazy("The paper ballot is counted.")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "village_budget": self.village_budget}

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "village_budget": self.village_budget,
            "is_knapsack": self.round.voting_style == VotingStyle.KNAPSACK,
        }

    def act(self, data):
        ballot_cast_paper(
            village_budget=self.village_budget, projects=data["projects"], code=data["code"], actor=self.request.user
        )

    def get_success_url(self):
        return self.request.path


class BallotListView(RoundMixin, TemplateView):
    template_name = "budgets/staff/ballot_list.html"
    per_page = 100

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        ballots = (
            Ballot.objects.filter(round=self.round)
            .select_related("village_budget__village", "voided_by")
            .annotate(choice_count=Count("choices"))
            .order_by("-created_at", "-pk")
        )
        context["page_obj"] = Paginator(ballots, self.per_page).get_page(self.request.GET.get("page"))
        context["void_form"] = kwargs.get("void_form") or VoidForm()
        return context


class BallotVoidView(RoundMixin, View):
    def post(self, request, *args, **kwargs):
        ballot = get_object_or_404(Ballot.objects.filter(round=self.round), pk=self.kwargs["ballot"])
        form = VoidForm(request.POST)
        if form.is_valid():
            try:
                ballot_void(ballot=ballot, actor=request.user, reason=form.cleaned_data["reason"])
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            else:
                messages.success(request, _("The ballot is voided and no longer counts."))
        else:
            messages.error(request, _("Give the reason for voiding this ballot."))
        return redirect(reverse("budgets:ballot_list", kwargs={"pk": self.round.pk}))
