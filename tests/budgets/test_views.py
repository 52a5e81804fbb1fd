"""The budget round's pages: the ballot without JavaScript (over budget refused with a clear
message, a paper code), the link in the mail, the results page, and the officers' pages."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone

from accounts.roles import COORDINATOR
from budgets.constants import Feasibility
from budgets.models import Ballot, BudgetRound, PaperCode, VillageBudget
from budgets.services.results import round_results_compute
from budgets.services.voting import ballot_token_issue, paper_codes_create
from notifications.models import OutboxMail
from tests.budgets.factories import BallotFactory, BudgetRoundFactory, ProjectFactory, VillageBudgetFactory
from tests.municipalities.factories import FundFactory, OfficerMembershipFactory
from tests.villages.factories import VillageFactory

pytestmark = pytest.mark.django_db
D = Decimal


def ballot_url(village_budget):
    return reverse("budgets:ballot", kwargs={"pk": village_budget.round_id, "village": village_budget.pk})


@pytest.fixture
def village_budget():
    village_budget = VillageBudgetFactory(amount=D(6000))
    ProjectFactory(village_budget=village_budget, cost_estimate=D(4000), initiative__title="Speeltuin")
    ProjectFactory(village_budget=village_budget, cost_estimate=D(3000), initiative__title="Bankjes")
    ProjectFactory(village_budget=village_budget, pending=True, initiative__title="Nog niet bekeken")
    return village_budget


class BallotPageTests:
    def test_the_ballot_lists_feasible_projects_with_their_cost_and_no_counts(self, client, village_budget):
        BallotFactory(village_budget=village_budget, choices=list(village_budget.projects.all()[:1]))
        page = client.get(ballot_url(village_budget)).content.decode()
        assert "Speeltuin" in page and "Bankjes" in page and "Nog niet bekeken" not in page
        assert "4.000,00" in page and 'data-budget="6000.00"' in page
        assert "js/budget.js" in page and "<script>" not in page

    def test_over_budget_is_refused_with_a_clear_message(self, client, village_budget):
        projects = [str(p.pk) for p in village_budget.projects.filter(feasibility=Feasibility.FEASIBLE)]
        response = client.post(
            ballot_url(village_budget), {"projects": projects, "email": "a@example.nl", "age_confirmed": "on"}
        )
        assert response.status_code == 200
        text = response.content.decode()
        assert "meer dan het budget" in text and "7.000,00" in text
        assert not Ballot.objects.exists()

    def test_a_vote_by_mail_and_the_link_confirms_and_changes_it(self, client, village_budget):
        speeltuin = village_budget.projects.get(initiative__title="Speeltuin")
        bankjes = village_budget.projects.get(initiative__title="Bankjes")
        response = client.post(
            ballot_url(village_budget),
            {"projects": [speeltuin.pk], "email": "an@example.nl", "age_confirmed": "on", "wants_results": "on"},
        )
        assert response.status_code == 302 and "verstuurd" in response["Location"]
        assert "mail" in client.get(response["Location"]).content.decode().lower()
        ballot = Ballot.objects.get()
        assert OutboxMail.objects.filter(template="budgets/email/ballot_confirm", to="an@example.nl").exists()
        link = reverse("budgets:ballot_link", kwargs={"token": ballot_token_issue(ballot)})
        assert "Bevestig" in client.get(link).content.decode()
        client.post(link, {"confirm": "1"})
        assert Ballot.objects.counted().count() == 1
        client.post(link, {"projects": [bankjes.pk]})
        assert list(Ballot.objects.counted().get().projects.all()) == [bankjes]

    def test_a_paper_code_instead_of_an_email_address(self, client, village_budget):
        officer = OfficerMembershipFactory(municipality=village_budget.round.municipality).user
        (code,) = paper_codes_create(village_budget=village_budget, count=1, actor=officer)
        speeltuin = village_budget.projects.get(initiative__title="Speeltuin")
        response = client.post(
            ballot_url(village_budget), {"projects": [speeltuin.pk], "code": code, "age_confirmed": "on"}
        )
        assert response.status_code == 302
        assert Ballot.objects.counted().get().paper_code is not None

    def test_the_ballot_in_english(self, client, village_budget):
        from django.conf import settings

        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        page = client.get(ballot_url(village_budget)).content.decode()
        assert "Choose projects" in page and "Send my vote" in page and '<html lang="en">' in page

    def test_neither_email_nor_code_is_refused(self, client, village_budget):
        speeltuin = village_budget.projects.get(initiative__title="Speeltuin")
        response = client.post(ballot_url(village_budget), {"projects": [speeltuin.pk], "age_confirmed": "on"})
        assert response.status_code == 200 and not Ballot.objects.exists()

    def test_outside_voting_the_page_says_when_and_has_no_form(self, client):
        village_budget = VillageBudgetFactory(round=BudgetRoundFactory(review=True))
        page = client.get(ballot_url(village_budget)).content.decode()
        assert '<form method="post" novalidate>' not in page


class ResultsPageTests:
    def test_results_table_chart_and_turnout(self, client, village_budget):
        speeltuin = village_budget.projects.get(initiative__title="Speeltuin")
        BallotFactory(village_budget=village_budget, choices=[speeltuin])
        round = village_budget.round
        BudgetRound.objects.filter(pk=round.pk).update(
            voting_from=timezone.now() - timedelta(days=9), voting_until=timezone.now() - timedelta(minutes=1)
        )
        url = reverse("budgets:results", kwargs={"pk": round.pk, "village": village_budget.pk})
        assert "nog niet bekend" in client.get(url).content.decode()
        round_results_compute(round=BudgetRound.objects.get(pk=round.pk))
        page = client.get(url).content.decode()
        assert 'role="img"' in page and "<caption>" in page and "1 persoon heeft gestemd" in page
        public = client.get(reverse("budgets:round_public", kwargs={"pk": round.pk})).content.decode()
        assert "Speeltuin" in public and "Besloten" in public  # the winner's progress


class StaffPageTests:
    def test_the_round_page_shows_turnout_per_village(self, client, village_budget):
        BallotFactory(village_budget=village_budget, choices=list(village_budget.projects.all()[:1]))
        BallotFactory(village_budget=village_budget, unconfirmed=True)
        officer = OfficerMembershipFactory(municipality=village_budget.round.municipality).user
        client.force_login(officer)
        page = client.get(reverse("budgets:round_detail", kwargs={"pk": village_budget.round_id})).content.decode()
        assert re.search(r">\s*1\s*</td>\s*<td[^>]*>\s*1\s*</td>", page)

    def test_paper_codes_are_printed_once(self, client, village_budget):
        officer = OfficerMembershipFactory(municipality=village_budget.round.municipality).user
        client.force_login(officer)
        url = reverse("budgets:paper_codes", kwargs={"pk": village_budget.round_id, "village": village_budget.pk})
        page = client.post(url, {"count": 4}).content.decode()
        assert len(re.findall(r'class="paper-code">[A-Z0-9]{5}-[A-Z0-9]{5}<', page)) == 4
        assert PaperCode.objects.count() == 4

    def test_an_officer_enters_a_paper_ballot(self, client, village_budget):
        officer = OfficerMembershipFactory(municipality=village_budget.round.municipality).user
        (code,) = paper_codes_create(village_budget=village_budget, count=1, actor=officer)
        client.force_login(officer)
        url = reverse("budgets:paper_ballot", kwargs={"pk": village_budget.round_id, "village": village_budget.pk})
        speeltuin = village_budget.projects.get(initiative__title="Speeltuin")
        assert client.post(url, {"code": code, "projects": [speeltuin.pk]}).status_code == 302
        assert Ballot.objects.counted().get().entered_by == officer

    def test_review_and_void(self, client):
        village_budget = VillageBudgetFactory(round=BudgetRoundFactory(review=True))
        project = ProjectFactory(village_budget=village_budget, pending=True)
        officer = OfficerMembershipFactory(municipality=village_budget.round.municipality).user
        client.force_login(officer)
        url = reverse("budgets:project_review", kwargs={"pk": village_budget.round_id, "project": project.pk})
        client.post(url, {"feasible": "yes", "reason": "Kan", "cost_estimate": "2500"})
        project.refresh_from_db()
        assert project.feasibility == Feasibility.FEASIBLE and project.cost_estimate == D(2500)
        ballot = BallotFactory(village_budget=village_budget)
        void = reverse("budgets:ballot_void", kwargs={"pk": village_budget.round_id, "ballot": ballot.pk})
        client.post(void, {"reason": "Dubbel"})
        ballot.refresh_from_db()
        assert ballot.voided_at and ballot.void_reason == "Dubbel"


class AdminTests:
    def test_a_coordinator_sets_up_a_round_with_two_villages(self, client):
        coordinator = OfficerMembershipFactory(coordinator=True).user
        coordinator.groups.add(Group.objects.get(name=COORDINATOR))
        municipality = coordinator.officer_membership.municipality
        fund = FundFactory(municipality=municipality, year=2027, budget=D(50000))
        first, second = VillageFactory(municipality=municipality), VillageFactory(municipality=municipality)
        client.force_login(coordinator)
        data = {
            "fund": fund.pk,
            "name": "Dorpsbudget",
            "year": 2027,
            "description": "",
            "total": "20000",
            "ideas_from": "2027-01-01",
            "ideas_until": "2027-02-01",
            "voting_from_0": "2027-03-01",
            "voting_from_1": "09:00",
            "voting_until_0": "2027-03-15",
            "voting_until_1": "17:00",
            "voting_style": "knapsack",
            "max_choices": "",
            "minimum_age": "16",
            "result_rule": "greedy",
            "created_by": "",
            "villages-TOTAL_FORMS": "2",
            "villages-INITIAL_FORMS": "0",
            "villages-MIN_NUM_FORMS": "0",
            "villages-MAX_NUM_FORMS": "1000",
            "villages-0-village": first.pk,
            "villages-0-amount": "12000",
            "villages-1-village": second.pk,
            "villages-1-amount": "9000",
        }
        url = reverse("admin:budgets_budgetround_add")
        response = client.post(url, data)
        assert response.status_code == 200 and "meer dan het totaal" in response.content.decode()
        data["villages-1-amount"] = "8000"
        response = client.post(url, data)
        assert response.status_code == 302, response.content.decode()[:3000]
        round = BudgetRound.objects.get()
        assert round.municipality == municipality and round.created_by == coordinator
        assert VillageBudget.objects.filter(round=round).count() == 2

    def test_a_coordinator_cannot_use_another_municipalitys_fund(self, client):
        coordinator = OfficerMembershipFactory(coordinator=True).user
        coordinator.groups.add(Group.objects.get(name=COORDINATOR))
        client.force_login(coordinator)
        response = client.get(reverse("admin:budgets_budgetround_changelist"))
        assert response.status_code == 200
        other = BudgetRoundFactory()
        change = reverse("admin:budgets_budgetround_change", args=[other.pk])
        assert client.get(change).status_code == 302  # not one of theirs: back to the index


class AdminGuardTests:
    def test_a_village_with_ballots_cannot_leave_the_round(self, client):
        coordinator = OfficerMembershipFactory(coordinator=True).user
        coordinator.groups.add(Group.objects.get(name=COORDINATOR))
        municipality = coordinator.officer_membership.municipality
        village_budget = VillageBudgetFactory(round__fund__municipality=municipality)
        BallotFactory(village_budget=village_budget)
        client.force_login(coordinator)
        round = village_budget.round
        url = reverse("admin:budgets_budgetround_change", args=[round.pk])
        from tests.core.admin_helpers import change_form_data

        data = change_form_data(client.get(url), **{"villages-0-DELETE": "on"})
        response = client.post(url, data)
        assert response.status_code == 200 and "al gestemd" in response.content.decode()
        assert VillageBudget.objects.filter(pk=village_budget.pk).exists()


class MunicipalityPageTests:
    def test_the_municipality_page_links_to_its_rounds(self, client, village_budget):
        round = village_budget.round
        url = reverse("initiatives:municipality", kwargs={"slug": round.municipality.slug})
        page = client.get(url).content.decode()
        assert reverse("budgets:round_public", kwargs={"pk": round.pk}) in page and "Stemmen kan tot en met" in page
        BudgetRound.objects.filter(pk=round.pk).update(
            ideas_from=timezone.localdate() + timedelta(days=1), ideas_until=timezone.localdate() + timedelta(days=2)
        )
        assert reverse("budgets:round_public", kwargs={"pk": round.pk}) not in client.get(url).content.decode()
