"""The mail context of budget rounds at send time (registered in BudgetsConfig.ready).

A ballot mail gets a fresh private link when it leaves: the link itself is never stored, in the
outbox or elsewhere; the ballot keeps only its hash (and an older link stops working)."""

from django.conf import settings
from django.urls import reverse

from budgets.models import Ballot, BudgetRound, Project, VillageBudget
from budgets.services.voting import ballot_token_issue
from notifications.builders import Built, register
from villages.models import VillageOrganisation


def _url(name, **kwargs) -> str:
    return settings.SITE_URL + reverse(name, kwargs=kwargs)


@register("budgets/email/")
def build_budget_mail(mail) -> Built:
    context = mail.context
    round = BudgetRound.objects.select_related("municipality", "fund").get(pk=context["round"])
    built = Built(context={"round": round, "municipality": round.municipality})
    built.context["round_url"] = _url("budgets:round_public", pk=round.pk)
    if round.municipality.contact_email:
        built.reply_to = [round.municipality.contact_email]
    if "ballot" in context:
        ballot = Ballot.objects.select_related("village_budget__village").get(pk=context["ballot"])
        built.context["ballot"] = ballot
        built.context["village"] = ballot.village_budget.village
        built.context["ballot_url"] = _url("budgets:ballot_link", token=ballot_token_issue(ballot))
    if "organisation" in context:
        organisation = VillageOrganisation.objects.select_related("village").get(pk=context["organisation"])
        built.context["organisation"] = organisation
        built.context["village"] = organisation.village
        built.context["submit_url"] = _url("initiatives:submit")
    if "project" in context:
        project = Project.objects.select_related("initiative", "village_budget__village").get(pk=context["project"])
        built.context["project"] = project
        built.context["village"] = project.village_budget.village
        built.context["results_url"] = _url("budgets:results", pk=round.pk, village=project.village_budget_id)
    if "village_budget" in context:
        village_budget = VillageBudget.objects.select_related("village").get(pk=context["village_budget"])
        built.context["village"] = village_budget.village
        built.context["results_url"] = _url("budgets:results", pk=round.pk, village=village_budget.pk)
    return built
