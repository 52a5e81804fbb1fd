"""How the votes of one village become its chosen projects. Pure functions: no database.

Two rules, both on the village's budget:

- **Most votes first** (`greedy`): the projects in order of votes; each one that still fits in
  what is left of the budget is chosen, one that does not fit is passed over and the next one is
  tried. Ties (the same number of votes) go to the cheaper project, since it leaves more for the
  others; then to the idea that was submitted first (`Candidate.order`).
- **Method of Equal Shares** (`equal_shares`), as published at equalshares.net (computation,
  approval ballots): the budget is split equally over the voters; a project is chosen when its
  supporters can pay for it from their shares, the one with the highest effective vote count
  (its cost divided by the largest payment of one supporter) first; supporters pay equally, or
  all they have left. Then the "add1" completion: raise every voter's share by one euro at a
  time while the outcome still fits the budget. What is then still left goes, most votes first,
  to projects that fit (the published utilitarian completion). Ties: the cheaper project, then
  the one with more supporters, then the idea submitted first.

The rule on the shares computes in floating point, as the published implementation does; two
effective vote counts within a billionth of each other are a tie (the tie rule decides). What
is spent is checked against the budget in exact amounts.
"""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction


@dataclass(frozen=True)
class Candidate:
    id: int
    cost: Decimal
    votes: int = 0
    order: int = 0  # lower is earlier: the idea submitted first wins a tie


def greedy_order(candidates: Iterable[Candidate]) -> list[Candidate]:
    """The ranking of the "most votes first" rule, ties by cost and then by order."""
    return sorted(candidates, key=lambda c: (-c.votes, c.cost, c.order, c.id))


def greedy(candidates: Iterable[Candidate], budget: Decimal, *, chosen: Sequence[int] = ()) -> list[int]:
    """Most votes first while the budget lasts; `chosen` are already in (their cost is spent)."""
    candidates = list(candidates)
    by_id = {c.id: c for c in candidates}
    winners = list(chosen)
    left = Fraction(budget) - sum((Fraction(by_id[i].cost) for i in winners), Fraction(0))
    for candidate in greedy_order(candidates):
        if candidate.id in winners or candidate.votes <= 0:
            continue
        if Fraction(candidate.cost) <= left:
            winners.append(candidate.id)
            left -= Fraction(candidate.cost)
    return winners


def _tie_break(tied: list[Candidate], approvers: Mapping[int, Sequence[int]]) -> Candidate:
    return min(tied, key=lambda c: (c.cost, -len(approvers[c.id]), c.order, c.id))


# Floating point, as the published implementation computes: two effective vote counts this
# close are a tie (then the tie rule decides), and a sum of shares this close to a cost pays it.
EPSILON = 1e-9


def equal_shares_fixed_budget(
    candidates: Sequence[Candidate], approvers: Mapping[int, Sequence[int]], voters: Sequence[int], budget
) -> list[int]:
    """MES with the budget `budget` split equally over `voters` (approval ballots)."""
    if not voters:
        return []
    share = float(budget) / len(voters)
    money = dict.fromkeys(voters, share)
    by_id = {c.id: c for c in candidates}
    cost = {c.id: float(c.cost) for c in candidates}
    # candidate -> its effective vote count last time (it can only go down as voters spend)
    remaining = {c.id: float(len(approvers[c.id])) for c in candidates if c.cost > 0 and approvers[c.id]}
    winners = []
    while True:
        best_count = 0.0
        tied: list[Candidate] = []
        for cid in sorted(remaining, key=lambda i: remaining[i], reverse=True):
            if remaining[cid] < best_count * (1 - EPSILON):
                break  # it cannot beat the best any more
            wallets = sorted(money[i] for i in approvers[cid])
            if sum(wallets) < cost[cid] * (1 - EPSILON):
                del remaining[cid]  # not affordable, now or later
                continue
            paid, left = 0.0, len(wallets)
            count = None
            for wallet in wallets:
                payment = (cost[cid] - paid) / left
                if payment > wallet and left > 1:
                    paid += wallet  # this voter pays all they have left
                    left -= 1
                    continue
                count = cost[cid] / payment
                break
            remaining[cid] = count
            if count > best_count * (1 + EPSILON):
                best_count, tied = count, [by_id[cid]]
            elif count >= best_count * (1 - EPSILON):
                tied.append(by_id[cid])
        if not tied:
            return winners
        best = _tie_break(tied, approvers)
        winners.append(best.id)
        del remaining[best.id]
        payment = cost[best.id] / best_count
        for voter in approvers[best.id]:
            money[voter] = max(money[voter] - payment, 0.0)


def _cost(winners, by_id) -> Fraction:
    return sum((Fraction(by_id[i].cost) for i in winners), Fraction(0))


def equal_shares(
    candidates: Iterable[Candidate], ballots: Mapping[int, Iterable[int]], budget: Decimal, *, complete: bool = True
) -> list[int]:
    """MES with the add1 completion (and, with `complete`, most votes first for what is left).

    `ballots` maps a voter to the candidates they chose."""
    candidates = list(candidates)
    by_id = {c.id: c for c in candidates}
    voters = sorted(ballots)
    approvers: dict[int, list[int]] = {c.id: [] for c in candidates}
    for voter in voters:
        for cid in ballots[voter]:
            if cid in approvers:
                approvers[cid].append(voter)
    total = Fraction(budget)
    winners = equal_shares_fixed_budget(candidates, approvers, voters, total)
    if voters:
        # add1: whole euros per voter, one more each time, while the outcome fits the budget.
        per_voter = int(total / len(voters))

        # Only projects someone chose can be added by raising the shares; every share at least
        # the dearest project makes each of them affordable, so the loop ends.
        def open_ones():
            spent = _cost(winners, by_id)
            return [
                c for c in candidates if approvers[c.id] and c.id not in winners and spent + Fraction(c.cost) <= total
            ]

        while open_ones():
            per_voter += 1
            attempt = equal_shares_fixed_budget(candidates, approvers, voters, Fraction(per_voter * len(voters)))
            if _cost(attempt, by_id) > total:
                break
            winners = attempt
    if complete:
        winners = greedy(candidates, budget, chosen=winners)
    return winners
