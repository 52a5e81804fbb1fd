"""The residents' pages of a budget round: the round, a village's ballot, the link in the
confirmation mail, and the results. No account, no JavaScript needed."""

from functools import cached_property

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.generic import DetailView, FormView, TemplateView

from budgets.constants import PHASE_EXPLANATIONS, Feasibility, Phase, VotingStyle
from budgets.forms import BallotForm, ChoicesForm
from budgets.models import BudgetRound, Project
from budgets.results_view import results_context
from budgets.services.voting import ballot_cast, ballot_cast_paper, ballot_change, ballot_confirm, ballot_for_token
from core import ratelimit
from core.forms import add_service_error


def winners_with_progress(round):
    return (
        Project.objects.filter(round=round, is_winner=True)
        .select_related("initiative", "village_budget__village")
        .order_by("village_budget__village__name", "rank")
    )


class RoundPublicView(DetailView):
    template_name = "budgets/round_public.html"
    context_object_name = "round"

    def get_queryset(self):
        return BudgetRound.objects.public().select_related("municipality", "fund")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        round = self.object
        phase = round.current_phase
        reviewed = Project.objects.exclude(feasibility=Feasibility.PENDING).select_related("initiative")
        context.update(
            municipality=round.municipality,
            phase=phase,
            phase_explanation=PHASE_EXPLANATIONS[phase],
            phases=[(p, p.label) for p in Phase],
            village_budgets=round.villages.select_related("village").prefetch_related(
                Prefetch("projects", queryset=reviewed.order_by("initiative__title"), to_attr="reviewed")
            ),
            show_review=phase in (Phase.VOTING, Phase.COUNTING, Phase.RESULTS),
            winners=winners_with_progress(round) if phase == Phase.RESULTS else [],
        )
        return context


class VillageBallotMixin:
    """The round (public) and one of its villages; another round's village answers 404."""

    @cached_property
    def round(self):
        return get_object_or_404(BudgetRound.objects.public().select_related("municipality"), pk=self.kwargs["pk"])

    @cached_property
    def village_budget(self):
        return get_object_or_404(self.round.villages.select_related("village", "round"), pk=self.kwargs["village"])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            round=self.round,
            municipality=self.round.municipality,
            village_budget=self.village_budget,
            village=self.village_budget.village,
            is_knapsack=self.round.voting_style == VotingStyle.KNAPSACK,
            phase=self.round.current_phase,
        )
        return context


@method_decorator(never_cache, name="dispatch")
class BallotView(VillageBallotMixin, FormView):
    template_name = "budgets/ballot.html"
    form_class = BallotForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "village_budget": self.village_budget}

    def post(self, request, *args, **kwargs):
        if not self.round.is_voting:
            return self.get(request, *args, **kwargs)
        if ratelimit.is_limited("budget-ballot", request, limit=settings.BALLOT_RATE_LIMIT):
            return render(request, "initiatives/rate_limited.html", status=429)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        data = form.cleaned_data
        request = self.request
        email = data.get("email") or ""
        if email and ratelimit.is_limited(
            "budget-ballot-address", request, limit=settings.BALLOT_RATE_LIMIT_PER_ADDRESS, value=email.lower()
        ):
            return render(request, "initiatives/rate_limited.html", status=429)
        ratelimit.record("budget-ballot", request, period=3600)
        try:
            if (data.get("code") or "").strip():
                ballot_cast_paper(village_budget=self.village_budget, projects=data["projects"], code=data["code"])
                kind = "paper"
            else:
                ratelimit.record("budget-ballot-address", request, period=3600, value=email.lower())
                ballot_cast(
                    village_budget=self.village_budget,
                    projects=data["projects"],
                    email=email,
                    age_confirmed=data["age_confirmed"],
                    wants_results=data["wants_results"],
                    language=get_language() or "nl",
                )
                kind = "mail"
        except ValidationError as error:
            add_service_error(form, error)
            return self.form_invalid(form)
        url = reverse("budgets:ballot_sent", kwargs={"pk": self.round.pk, "village": self.village_budget.pk})
        return redirect(f"{url}?{kind}")


class BallotSentView(VillageBallotMixin, TemplateView):
    template_name = "budgets/ballot_sent.html"

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "by_paper": "paper" in self.request.GET}


@method_decorator(never_cache, name="dispatch")
class BallotLinkView(FormView):
    """The link in the mail: confirm the ballot, and change it until voting closes."""

    template_name = "budgets/ballot_link.html"
    form_class = ChoicesForm

    @cached_property
    def ballot(self):
        ballot = (
            ballot_for_token(self.kwargs["token"])
            .select_related("round__municipality", "village_budget__village", "village_budget__round")
            .first()
        )
        if ballot is None:
            raise Http404
        return ballot

    def get_form_kwargs(self):
        kwargs = {**super().get_form_kwargs(), "village_budget": self.ballot.village_budget}
        if self.request.method == "GET":
            kwargs["initial"] = {"projects": list(self.ballot.projects.values_list("pk", flat=True))}
        return kwargs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        ballot = self.ballot
        context.update(
            ballot=ballot,
            round=ballot.round,
            municipality=ballot.round.municipality,
            village_budget=ballot.village_budget,
            village=ballot.village_budget.village,
            is_knapsack=ballot.round.voting_style == VotingStyle.KNAPSACK,
            is_voting=ballot.round.is_voting,
            chosen=ballot.projects.select_related("initiative").order_by("initiative__title"),
        )
        return context

    def post(self, request, *args, **kwargs):
        if "confirm" in request.POST:
            try:
                ballot_confirm(ballot=self.ballot)
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            else:
                messages.success(request, _("Thank you. Your vote counts."))
            return redirect(request.path)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        try:
            ballot_change(ballot=self.ballot, projects=form.cleaned_data["projects"])
        except ValidationError as error:
            add_service_error(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("Your vote has been changed. It counts once."))
        return redirect(self.request.path)


class ResultsView(VillageBallotMixin, TemplateView):
    template_name = "budgets/results.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if self.round.results_at is not None:
            context.update(results_context(self.round, self.village_budget))
        return context
