"""Budget round services: ideas in, review, ballots (over budget refused, a changed ballot
counts once, voided ballots excluded, paper codes), results (greedy and Equal Shares, ties,
never over the fund), and the idempotent tick."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from audit.constants import AuditAction
from audit.models import AuditLogEntry
from budgets.constants import Feasibility, ResultRule
from budgets.models import Ballot, BudgetRound, PaperCode, Project
from budgets.services.results import RoundResultsError, round_results_compute
from budgets.services.rounds import project_review, round_collect_ideas, rounds_tick
from budgets.services.voting import (
    VotingClosed,
    ballot_cast,
    ballot_cast_paper,
    ballot_change,
    ballot_confirm,
    ballot_for_token,
    ballot_token_issue,
    ballot_void,
    paper_codes_create,
)
from initiatives.constants import DecisionOutcome, GrantStatus, Status
from initiatives.models import Grant
from initiatives.services.funds import initiative_decide
from initiatives.services.workflow import initiative_transition
from notifications.models import OutboxMail
from tests.budgets.factories import BallotFactory, BudgetRoundFactory, ProjectFactory, VillageBudgetFactory
from tests.initiatives.factories import InitiativeFactory
from tests.initiatives.helpers import decision_rows
from tests.municipalities.factories import OfficerMembershipFactory
from tests.villages.factories import VillageOrganisationFactory

pytestmark = pytest.mark.django_db
D = Decimal


def _officer(round):
    return OfficerMembershipFactory(municipality=round.municipality).user


def _close(round):
    BudgetRound.objects.filter(pk=round.pk).update(
        voting_from=timezone.now() - timedelta(days=10), voting_until=timezone.now() - timedelta(minutes=5)
    )
    round.refresh_from_db()
    return round


class IdeasTests:
    def test_initiatives_of_the_rounds_villages_in_the_period_enter_once(self):
        village_budget = VillageBudgetFactory(round=BudgetRoundFactory(review=True))
        round = village_budget.round
        inside = InitiativeFactory(village=village_budget.village, submitted_at=timezone.now() - timedelta(days=40))
        InitiativeFactory(village=village_budget.village, submitted_at=timezone.now() - timedelta(days=10))  # late
        InitiativeFactory(submitted_at=timezone.now() - timedelta(days=40))  # another village
        InitiativeFactory(
            village=village_budget.village, withdrawn=True, submitted_at=timezone.now() - timedelta(days=40)
        )
        assert round_collect_ideas(round=round) == 1
        assert round_collect_ideas(round=round) == 0
        assert list(round.projects.values_list("initiative", flat=True)) == [inside.pk]

    def test_review_feasible_needs_a_cost_within_the_village_budget_and_a_reason(self):
        project = ProjectFactory(pending=True, village_budget__round=BudgetRoundFactory(review=True))
        officer = _officer(project.round)
        with pytest.raises(ValidationError):
            project_review(project=project, actor=officer, feasible=True, reason="", cost_estimate=D(100))
        with pytest.raises(ValidationError):
            project_review(project=project, actor=officer, feasible=True, reason="Kan", cost_estimate=D(99999))
        project_review(project=project, actor=officer, feasible=True, reason="Kan", cost_estimate=D(3000))
        project.refresh_from_db()
        assert project.feasibility == Feasibility.FEASIBLE and project.cost_estimate == D(3000)
        assert project.initiative.status == Status.INTAKE  # reviewing it took it in
        assert AuditLogEntry.objects.filter(action=AuditAction.BUDGET_PROJECT_REVIEW, actor=officer).exists()

    def test_review_not_feasible_drops_the_cost_and_is_refused_once_voting_started(self):
        project = ProjectFactory(village_budget__round=BudgetRoundFactory(review=True))
        officer = _officer(project.round)
        project_review(project=project, actor=officer, feasible=False, reason="Niet op gemeentegrond")
        project.refresh_from_db()
        assert project.feasibility == Feasibility.NOT_FEASIBLE and project.cost_estimate is None
        voting = ProjectFactory()
        with pytest.raises(ValidationError):
            project_review(project=voting, actor=_officer(voting.round), feasible=False, reason="Te laat")


class BallotTests:
    def test_a_ballot_over_the_budget_is_refused_with_a_clear_message(self):
        village_budget = VillageBudgetFactory(amount=D(6000))
        a = ProjectFactory(village_budget=village_budget, cost_estimate=D(4000))
        b = ProjectFactory(village_budget=village_budget, cost_estimate=D(3000))
        with pytest.raises(ValidationError) as refused:
            ballot_cast(village_budget=village_budget, projects=[a, b], email="an@example.nl", age_confirmed=True)
        assert "meer dan het budget" in str(refused.value) or "more than the budget" in str(refused.value)
        assert not Ballot.objects.exists()

    def test_approval_allows_at_most_n_projects(self):
        village_budget = VillageBudgetFactory(round=BudgetRoundFactory(approval=True))
        projects = [ProjectFactory(village_budget=village_budget, cost_estimate=D(100)) for _ in range(3)]
        with pytest.raises(ValidationError):
            ballot_cast(village_budget=village_budget, projects=projects, email="an@example.nl", age_confirmed=True)
        ballot_cast(village_budget=village_budget, projects=projects[:2], email="an@example.nl", age_confirmed=True)

    def test_projects_of_another_village_or_not_feasible_are_refused(self):
        village_budget = VillageBudgetFactory()
        other = ProjectFactory(village_budget=VillageBudgetFactory(round=village_budget.round))
        pending = ProjectFactory(village_budget=village_budget, pending=True)
        for projects in ([other], [pending], []):
            with pytest.raises(ValidationError):
                ballot_cast(village_budget=village_budget, projects=projects, email="a@example.nl", age_confirmed=True)

    def test_age_must_be_declared_and_voting_open(self):
        project = ProjectFactory()
        with pytest.raises(ValidationError):
            ballot_cast(
                village_budget=project.village_budget, projects=[project], email="a@example.nl", age_confirmed=False
            )
        closed = ProjectFactory(village_budget__round=BudgetRoundFactory(closed=True))
        with pytest.raises(VotingClosed):
            ballot_cast(
                village_budget=closed.village_budget, projects=[closed], email="a@example.nl", age_confirmed=True
            )

    def test_a_ballot_counts_after_the_link_and_the_mail_holds_no_link(self, django_capture_on_commit_callbacks):
        project = ProjectFactory()
        ballot = ballot_cast(
            village_budget=project.village_budget, projects=[project], email="An@Example.nl", age_confirmed=True
        )
        assert not ballot.is_counted
        mail = OutboxMail.objects.get(template="budgets/email/ballot_confirm")
        assert mail.to == "An@Example.nl" and "token" not in str(mail.context)
        token = ballot_token_issue(ballot)
        assert ballot_for_token(token).get() == ballot
        assert token not in Ballot.objects.get(pk=ballot.pk).token_hash
        ballot_confirm(ballot=ballot)
        ballot_confirm(ballot=ballot)  # twice changes nothing
        assert Ballot.objects.counted().count() == 1

    def test_a_second_confirmed_ballot_of_the_same_address_replaces_the_first(self):
        village_budget = VillageBudgetFactory()
        a = ProjectFactory(village_budget=village_budget)
        b = ProjectFactory(village_budget=village_budget)
        first = ballot_cast(village_budget=village_budget, projects=[a], email="piet@example.nl", age_confirmed=True)
        ballot_confirm(ballot=first)
        second = ballot_cast(village_budget=village_budget, projects=[b], email=" PIET@example.nl", age_confirmed=True)
        ballot_confirm(ballot=second)
        counted = Ballot.objects.counted()
        assert list(counted) == [second]
        assert list(counted.get().projects.all()) == [b]

    def test_a_changed_ballot_counts_once(self):
        village_budget = VillageBudgetFactory()
        a = ProjectFactory(village_budget=village_budget)
        b = ProjectFactory(village_budget=village_budget)
        ballot = ballot_cast(village_budget=village_budget, projects=[a], email="kees@example.nl", age_confirmed=True)
        ballot_confirm(ballot=ballot)
        ballot_change(ballot=ballot, projects=[b])
        ballot_change(ballot=ballot, projects=[a, b])
        assert Ballot.objects.counted().count() == 1
        assert set(ballot.projects.all()) == {a, b}

    def test_a_ballot_cannot_change_after_voting_closed(self):
        project = ProjectFactory()
        ballot = BallotFactory(village_budget=project.village_budget, choices=[project])
        _close(project.round)
        with pytest.raises(VotingClosed):
            ballot_change(ballot=ballot, projects=[project])

    def test_voided_ballots_are_excluded_with_a_reason_in_the_audit_log(self):
        project = ProjectFactory()
        ballot = BallotFactory(village_budget=project.village_budget, choices=[project])
        officer = _officer(project.round)
        with pytest.raises(ValidationError):
            ballot_void(ballot=ballot, actor=officer, reason=" ")
        ballot_void(ballot=ballot, actor=officer, reason="Dubbel: ook op papier")
        assert not Ballot.objects.counted().exists()
        entry = AuditLogEntry.objects.get(action=AuditAction.BUDGET_BALLOT_VOID)
        assert entry.actor == officer and "Dubbel" in entry.detail

    def test_an_officer_of_another_municipality_cannot_void(self):
        from core.exceptions import NotAllowed

        ballot = BallotFactory()
        with pytest.raises(NotAllowed):
            ballot_void(ballot=ballot, actor=OfficerMembershipFactory().user, reason="Nee")


class PaperTests:
    def test_codes_are_single_use_stored_hashed_and_for_one_village(self):
        project = ProjectFactory()
        village_budget = project.village_budget
        officer = _officer(project.round)
        codes = paper_codes_create(village_budget=village_budget, count=3, actor=officer)
        assert len(set(codes)) == 3 and PaperCode.objects.count() == 3
        assert not PaperCode.objects.filter(code_hash__in=[c.replace("-", "") for c in codes]).exists()
        ballot = ballot_cast_paper(village_budget=village_budget, projects=[project], code=codes[0].lower())
        assert ballot.is_counted
        with pytest.raises(ValidationError):
            ballot_cast_paper(village_budget=village_budget, projects=[project], code=codes[0])
        other = VillageBudgetFactory(round=project.round)
        with pytest.raises(ValidationError):
            ballot_cast_paper(village_budget=other, projects=[], code=codes[1])
        ballot_cast_paper(village_budget=village_budget, projects=[project], code=codes[1], actor=officer)
        assert AuditLogEntry.objects.filter(action=AuditAction.BUDGET_PAPER_BALLOT, actor=officer).count() == 1
        assert Ballot.objects.counted().count() == 2

    def test_an_unknown_code_is_refused(self):
        project = ProjectFactory()
        with pytest.raises(ValidationError):
            ballot_cast_paper(village_budget=project.village_budget, projects=[project], code="ABCDE-FGHJK")


def _vote(village_budget, *projects, n=1):
    for _ in range(n):
        BallotFactory(village_budget=village_budget, choices=list(projects))


class ResultsTests:
    def test_greedy_winners_become_decisions_with_grants_in_one_go(self, django_capture_on_commit_callbacks):
        village_budget = VillageBudgetFactory(amount=D(10000))
        round = village_budget.round
        a = ProjectFactory(village_budget=village_budget, cost_estimate=D(6000))
        b = ProjectFactory(village_budget=village_budget, cost_estimate=D(5000))
        c = ProjectFactory(village_budget=village_budget, cost_estimate=D(4000))
        _vote(village_budget, a, b, n=3)
        _vote(village_budget, c, n=2)
        _vote(village_budget, a, n=1)
        voided = BallotFactory(village_budget=village_budget, choices=[b, c], voided_at=timezone.now())
        assert voided.voided_at
        _close(round)
        round_results_compute(round=round)
        a.refresh_from_db(), b.refresh_from_db(), c.refresh_from_db()
        assert (a.votes, b.votes, c.votes) == (4, 3, 2)
        assert [a.is_winner, b.is_winner, c.is_winner] == [True, False, True]
        grants = Grant.objects.filter(fund=round.fund)
        assert sorted(grants.values_list("amount", flat=True)) == [D(4000), D(6000)]
        assert all(g.status == GrantStatus.COMMITTED for g in grants)
        assert a.initiative.decisions.get().outcome == DecisionOutcome.SUPPORTED
        a.initiative.refresh_from_db()
        assert a.initiative.status == Status.DECIDED
        village_budget.refresh_from_db()
        assert village_budget.ballots_counted == 6
        round.refresh_from_db()
        assert round.results_at is not None
        # Idempotent: a second run changes nothing.
        round_results_compute(round=round)
        assert Grant.objects.filter(fund=round.fund).count() == 2
        assert OutboxMail.objects.filter(template="budgets/email/results_initiator").count() == 3

    def test_a_winner_above_the_mandate_needs_no_second_approval(self):
        """The round's budgets were approved when it was set up; the residents chose within them."""
        village_budget = VillageBudgetFactory(amount=D(10000))
        round = village_budget.round
        round.municipality.mandate_amount = D(1000)
        round.municipality.save(update_fields=["mandate_amount"])
        a = ProjectFactory(village_budget=village_budget, cost_estimate=D(6000))
        _vote(village_budget, a, n=2)
        _close(round)
        round_results_compute(round=round)
        decision = a.initiative.decisions.get()
        assert decision.grants.get().amount == D(6000)
        assert decision.approved_by == round.created_by

    def test_equal_shares_per_village(self):
        village_budget = VillageBudgetFactory(
            amount=D(150), round=BudgetRoundFactory(result_rule=ResultRule.EQUAL_SHARES)
        )
        p1 = ProjectFactory(village_budget=village_budget, cost_estimate=D(100))
        p2 = ProjectFactory(village_budget=village_budget, cost_estimate=D(50))
        p3 = ProjectFactory(village_budget=village_budget, cost_estimate=D(50))
        BallotFactory(village_budget=village_budget, choices=[p1, p2])
        BallotFactory(village_budget=village_budget, choices=[p1])
        BallotFactory(village_budget=village_budget, choices=[p3])
        round = _close(village_budget.round)
        round_results_compute(round=round)
        winners = set(Project.objects.filter(is_winner=True))
        assert winners == {p1, p3}

    def test_never_over_what_the_fund_has_left(self):
        village_budget = VillageBudgetFactory(amount=D(10000))
        round = village_budget.round
        a = ProjectFactory(village_budget=village_budget, cost_estimate=D(6000))
        _vote(village_budget, a, n=2)
        from tests.initiatives.factories import GrantFactory

        GrantFactory(fund=round.fund, amount=D(45000), initiative=InitiativeFactory(village=village_budget.village))
        _close(round)
        with pytest.raises(RoundResultsError):
            round_results_compute(round=round)
        round.refresh_from_db()
        assert round.results_at is None
        assert round.results_error
        assert not Grant.objects.filter(initiative=a.initiative).exists()
        assert not a.initiative.decisions.exists()
        assert AuditLogEntry.objects.filter(action=AuditAction.BUDGET_RESULTS, result="refused").exists()

    def test_not_before_voting_closed(self):
        project = ProjectFactory()
        with pytest.raises(RoundResultsError):
            round_results_compute(round=project.round)

    def test_results_mail_to_voters_who_asked(self):
        project = ProjectFactory()
        BallotFactory(village_budget=project.village_budget, choices=[project], wants_results=True)
        BallotFactory(village_budget=project.village_budget, choices=[project])
        round_results_compute(round=_close(project.round))
        assert OutboxMail.objects.filter(template="budgets/email/results_voter").count() == 1
        assert not Ballot.objects.exclude(email="").exists()  # the addresses are gone


class ResultsAtOnceTests:
    """The winners are decided all at once (`initiatives_decide`), with the rows that deciding
    them one by one (`initiative_decide` with the round's coordinator as approver) leaves."""

    def test_the_winners_get_the_rows_of_a_decision_one_by_one(self, django_capture_on_commit_callbacks):
        village_budget = VillageBudgetFactory(amount=D(10000))
        round = village_budget.round
        winners = [
            ProjectFactory(village_budget=village_budget, cost_estimate=D(3000)),
            ProjectFactory(village_budget=village_budget, cost_estimate=D(2000), initiative__waiting=True),
            ProjectFactory(
                village_budget=village_budget, cost_estimate=D("1500.50"), initiative__preferred_language="en"
            ),
        ]
        _vote(village_budget, *winners, n=2)
        _close(round)
        with django_capture_on_commit_callbacks():
            round_results_compute(round=round)
        coordinator = round.created_by
        for project in winners:
            initiative = project.initiative  # as it was before the results
            project.refresh_from_db()  # the amount as stored: 3000.00
            twin = InitiativeFactory(
                village=initiative.village,
                status=initiative.status,
                first_response_at=initiative.first_response_at,
                initiator_email=initiative.initiator_email,
                preferred_language=initiative.preferred_language,
                total_cost=initiative.total_cost,
            )
            twin = initiative_transition(
                initiative=twin,
                to_status={Status.SUBMITTED: Status.INTAKE, Status.WAITING_FOR_INITIATOR: Status.IN_CONVERSATION}[
                    twin.status
                ],
                actor=coordinator,
            )
            initiative_decide(
                initiative=twin,
                actor=coordinator,
                outcome=DecisionOutcome.SUPPORTED,
                motivation=initiative.decisions.get().motivation,
                fund=round.fund,
                amount=project.cost_estimate,
                approved_by=coordinator,
            )
            assert decision_rows(initiative) == decision_rows(twin)
        rows = decision_rows(winners[1].initiative)
        assert [change[:2] for change in rows["status_changes"]] == [
            (Status.WAITING_FOR_INITIATOR, Status.IN_CONVERSATION),
            (Status.IN_CONVERSATION, Status.DECIDED),
        ]
        assert rows["grants"] == [(round.fund_id, D(2000), GrantStatus.COMMITTED, "decision-0", None, None)]

    def test_the_queries_do_not_grow_with_the_number_of_winners(self, django_assert_max_num_queries):
        def round_with(winners):
            village_budget = VillageBudgetFactory(amount=D(100000))
            projects = [ProjectFactory(village_budget=village_budget, cost_estimate=D(1000)) for _ in range(winners)]
            _vote(village_budget, *projects, n=2)
            BallotFactory(village_budget=village_budget, choices=projects[:1], wants_results=True)
            return _close(village_budget.round)

        few, many = round_with(2), round_with(12)
        with django_assert_max_num_queries(60) as two:
            round_results_compute(round=few)
        with django_assert_max_num_queries(len(two.captured_queries)):
            round_results_compute(round=many)
        assert Project.objects.filter(round=many, is_winner=True).count() == 12
        assert Grant.objects.filter(fund=many.fund).count() == 12


@pytest.mark.skipif(connection.vendor != "postgresql", reason="a PostgreSQL storage parameter; CI runs this on it")
def test_ballot_pages_keep_room_to_clear_the_addresses_in_place():
    """budgets 0003: clearing every address after the results is a HOT update (no index entries)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT reloptions FROM pg_class WHERE relname = 'budgets_ballot'")
        assert "fillfactor=50" in cursor.fetchone()[0]


class TickTests:
    def test_the_tick_opens_reminds_and_computes_each_once(self):
        village_budget = VillageBudgetFactory(round=BudgetRoundFactory(ideas=True))
        VillageOrganisationFactory(village=village_budget.village)
        round = village_budget.round
        assert rounds_tick()["opened"] == 1
        assert rounds_tick()["opened"] == 0
        # Voting, two days before it closes: a reminder to an unconfirmed voter.
        BudgetRound.objects.filter(pk=round.pk).update(
            ideas_from=timezone.localdate() - timedelta(days=60),
            ideas_until=timezone.localdate() - timedelta(days=30),
            voting_from=timezone.now() - timedelta(days=5),
            voting_until=timezone.now() + timedelta(days=1),
        )
        project = ProjectFactory(village_budget=village_budget)
        BallotFactory(village_budget=village_budget, choices=[project], unconfirmed=True, email="laat@example.nl")
        BallotFactory(village_budget=village_budget, choices=[project])
        assert rounds_tick()["reminders"] == 1
        assert rounds_tick()["reminders"] == 0
        _close(round)
        assert rounds_tick()["results"] == 1
        assert rounds_tick()["results"] == 0
        assert Grant.objects.filter(initiative=project.initiative).count() == 1
