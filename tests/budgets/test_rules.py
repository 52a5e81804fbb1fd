"""The two result rules on hand-made examples and on the examples of the Method of Equal
Shares' published description (equalshares.net)."""

from decimal import Decimal

from budgets.rules import Candidate, equal_shares, equal_shares_fixed_budget, greedy

D = Decimal


class GreedyTests:
    def test_most_votes_first_while_the_budget_lasts(self):
        candidates = [Candidate(1, D(6000), 50), Candidate(2, D(3000), 40), Candidate(3, D(2000), 30)]
        assert greedy(candidates, D(10000)) == [1, 2]

    def test_a_project_that_does_not_fit_is_skipped_and_the_next_one_tried(self):
        candidates = [Candidate(1, D(6000), 50), Candidate(2, D(5000), 40), Candidate(3, D(4000), 30)]
        assert greedy(candidates, D(10000)) == [1, 3]

    def test_on_equal_votes_the_cheaper_project_goes_first(self):
        candidates = [Candidate(1, D(6000), 20, order=0), Candidate(2, D(5000), 20, order=1)]
        assert greedy(candidates, D(6000)) == [2]

    def test_on_equal_votes_and_cost_the_idea_submitted_first_goes_first(self):
        candidates = [Candidate(1, D(5000), 20, order=1), Candidate(2, D(5000), 20, order=0)]
        assert greedy(candidates, D(6000)) == [2]

    def test_projects_without_votes_are_never_chosen(self):
        assert greedy([Candidate(1, D(100), 0)], D(1000)) == []

    def test_exactly_the_budget_fits(self):
        assert greedy([Candidate(1, D("4999.99"), 3), Candidate(2, D("5000.01"), 2)], D(10000)) == [1, 2]


class EqualSharesTests:
    def test_the_example_of_the_published_implementation(self):
        """equalshares.net, computation: three voters, p1 (100, v1 and v2), p2 (50, v1),
        p3 (50, v3), budget 150: p1 and p3."""
        candidates = [Candidate(1, D(100)), Candidate(2, D(50)), Candidate(3, D(50))]
        ballots = {1: [1, 2], 2: [1], 3: [3]}
        assert equal_shares(candidates, ballots, D(150), complete=False) == [1, 3]

    def test_proportional_where_most_votes_first_is_not(self):
        """equalshares.net's motivating example: 51% want 10 red projects, 49% want 10 blue
        ones, the money suffices for 10. Most votes first takes the 10 red; Equal Shares 5 and 5."""
        red = [Candidate(i, D(100), 51, order=i) for i in range(10)]
        blue = [Candidate(10 + i, D(100), 49, order=10 + i) for i in range(10)]
        ballots = {voter: list(range(10)) for voter in range(51)}
        ballots.update({voter: list(range(10, 20)) for voter in range(51, 100)})
        assert sorted(greedy(red + blue, D(1000))) == list(range(10))
        chosen = equal_shares(red + blue, ballots, D(1000))
        assert sorted(chosen) == [0, 1, 2, 3, 4, 10, 11, 12, 13, 14]

    def test_fixed_budget_leaves_money_the_add1_completion_spends(self):
        red = [Candidate(i, D(100)) for i in range(10)]
        blue = [Candidate(10 + i, D(100)) for i in range(10)]
        approvers = {c.id: (list(range(51)) if c.id < 10 else list(range(51, 100))) for c in red + blue}
        fixed = equal_shares_fixed_budget(red + blue, approvers, list(range(100)), D(1000))
        assert len([c for c in fixed if c < 10]) == 5 and len([c for c in fixed if c >= 10]) == 4

    def test_ties_go_to_the_cheaper_project(self):
        candidates = [Candidate(1, D(60), order=0), Candidate(2, D(40), order=1)]
        ballots = {1: [1, 2], 2: [1, 2]}
        # Both have an effective vote count of 2; the cheaper one first, then no money for the other.
        assert equal_shares(candidates, ballots, D(60), complete=False)[0] == 2

    def test_never_over_the_budget(self):
        candidates = [Candidate(i, D(300 + 10 * i), votes=5) for i in range(8)]
        ballots = {voter: [i for i in range(8) if (voter + i) % 3] for voter in range(7)}
        chosen = equal_shares(candidates, ballots, D(1000))
        assert sum(c.cost for c in candidates if c.id in chosen) <= D(1000)

    def test_no_voters_chooses_nothing(self):
        assert equal_shares([Candidate(1, D(10))], {}, D(100)) == []
