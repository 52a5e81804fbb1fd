"""Issue 14, "Speed and scale": the results of a budget round with 40,000 ballots and 400,000
votes over 50 villages, and the results page, on PostgreSQL.

    .venv/bin/python bench/budget_results.py

Recreates the database `bench_budgets`, migrates it, and seeds one municipality with 50
villages, each with a village budget, 20 projects on the ballot and 800 counted ballots of 10
choices (40,000 ballots, 400,000 votes; 5% of the voters ask for the results by mail). Then:

1. computes the results with the greedy rule (`round_results_compute`: the count, the rule per
   village, the winners decided at once with a grant each through `initiatives_decide`, the
   mails), rolled back (then `VACUUM ANALYZE`, so every run finds the tables as a real first run
   does), `--repeats` times after one warm-up: wall time (median, min, max) and queries; goal at
   most 5 s;
2. the same with the Method of Equal Shares (reported separately, no goal);
3. the results page of one village (in-process, `common.measure`) after the greedy results, with
   the ballots as seeded and again after doubling one village's ballots: its queries must not
   depend on the number of ballots.

Casting ballots under gunicorn against a bare insert view: `bench/server.py --variant ballots`
(bench/results/ballots.md).
Writes `bench/results/budget_results.md` and drops the database unless --keep.
"""

import argparse
import statistics
import sys
import time
from pathlib import Path

from common import RESULTS_DIR, Clock, drop_database, environment_lines, measure, setup_django, staff_login

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/bench_budgets"


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--villages", type=int, default=50)
    parser.add_argument("--ballots", type=int, default=40_000)
    parser.add_argument("--choices", type=int, default=10, help="projects chosen on every ballot")
    parser.add_argument("--projects", type=int, default=20, help="projects on each village's ballot")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--keep", action="store_true")
    parser.add_argument("--profile", action="store_true", help="print a profile of one greedy run")
    parser.add_argument("--output", type=Path, default=RESULTS_DIR / "budget_results.md")
    return parser.parse_args(argv)


def seed(args, clock):
    import random
    from datetime import timedelta
    from decimal import Decimal

    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from budgets.constants import Feasibility
    from budgets.models import Ballot, BallotChoice, BudgetRound, Project, VillageBudget, email_hash
    from initiatives.models import Initiative
    from municipalities.constants import OfficerRole
    from municipalities.models import Fund, Municipality, OfficerMembership
    from villages.models import Village

    rng = random.Random(14)
    now = timezone.now()
    municipality = Municipality.objects.create(name="Benchgemeente", slug="bench", cbs_code="GM9999")
    coordinator = get_user_model().objects.create(username="coordinator", is_staff=True)
    OfficerMembership.objects.create(user=coordinator, municipality=municipality, role=OfficerRole.COORDINATOR)
    per_village = Decimal("100000")
    fund = Fund.objects.create(
        municipality=municipality, name="Dorpsbudgetten", year=now.year, budget=per_village * args.villages
    )
    round = BudgetRound.objects.create(
        municipality=municipality,
        fund=fund,
        name="Dorpsbudget",
        year=now.year,
        total=per_village * args.villages,
        ideas_from=(now - timedelta(days=90)).date(),
        ideas_until=(now - timedelta(days=60)).date(),
        voting_from=now - timedelta(days=30),
        voting_until=now - timedelta(minutes=1),
        created_by=coordinator,
    )
    villages = Village.objects.bulk_create(
        Village(name=f"Dorp {n}", slug=f"dorp-{n}", municipality=municipality) for n in range(args.villages)
    )
    budgets = VillageBudget.objects.bulk_create(
        VillageBudget(round=round, village=village, amount=per_village) for village in villages
    )
    initiatives = Initiative.objects.bulk_create(
        Initiative(
            reference=f"2026-{n:05d}",
            title=f"Project {n}",
            goal="Een mooier dorp.",
            description="Wat we willen doen.",
            village=village,
            municipality=municipality,
            initiator_name="Bewoner",
            initiator_email=f"initiatief{n}@example.nl",
            status="intake",  # reviewed ideas are taken in (`project_review`)
            submitted_at=now - timedelta(days=70),
        )
        for n, village in enumerate(v for v in villages for _ in range(args.projects))
    )
    projects = Project.objects.bulk_create(
        Project(
            round=round,
            village_budget=budgets[index // args.projects],
            initiative=initiative,
            feasibility=Feasibility.FEASIBLE,
            review_reason="Haalbaar.",
            cost_estimate=Decimal(rng.randrange(5_000, 40_000, 500)),
        )
        for index, initiative in enumerate(initiatives)
    )
    clock.say(f"{len(villages)} villages, {len(projects)} projects")
    per = args.ballots // args.villages
    by_village = [projects[i * args.projects : (i + 1) * args.projects] for i in range(args.villages)]
    for index, budget in enumerate(budgets):
        ballots = Ballot.objects.bulk_create(
            (
                Ballot(
                    round=round,
                    village_budget=budget,
                    email=f"kiezer{index}-{n}@example.nl",
                    email_hash=email_hash(f"kiezer{index}-{n}@example.nl"),
                    confirmed_at=now - timedelta(days=1),
                    wants_results=rng.random() < 0.05,
                )
                for n in range(per)
            ),
            batch_size=2000,
        )
        weights = [1 + (k % 7) for k in range(args.projects)]  # some projects are more popular
        choices = []
        for ballot in ballots:
            chosen = set()
            while len(chosen) < args.choices:
                chosen.add(rng.choices(range(args.projects), weights)[0])
            choices += [BallotChoice(ballot=ballot, project=by_village[index][k]) for k in chosen]
        BallotChoice.objects.bulk_create(choices, batch_size=5000)
    clock.say(f"{Ballot.objects.count()} ballots, {BallotChoice.objects.count()} votes")
    return round


class Rollback(Exception):
    pass


class QueryCounter:
    """Counts the queries of a block (CaptureQueriesContext keeps only the last 9,000)."""

    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


def vacuum():
    """After a rolled-back run: its rows are dead tuples (40,000 ballot rows, for one, whose
    addresses the service clears). Without a VACUUM the next run finds a bloated table and no room
    for in-place updates, and each run is slower than the one before; a real round is computed
    once, on a table without them."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")


def compute(round, rule, repeats, profile=False):
    from django.db import connection, transaction

    from budgets.models import BudgetRound, Project
    from budgets.services.results import round_results_compute

    BudgetRound.objects.filter(pk=round.pk).update(result_rule=rule)
    times, queries, winners = [], 0, 0
    for attempt in range(repeats + 1):
        counter = QueryCounter()
        try:
            with transaction.atomic():
                started = time.perf_counter()
                with connection.execute_wrapper(counter):
                    if profile and attempt == 1:
                        import cProfile
                        import pstats

                        profiler = cProfile.Profile()
                        profiler.runcall(round_results_compute, round=BudgetRound.objects.get(pk=round.pk))
                        pstats.Stats(profiler).sort_stats("cumulative").print_stats(35)
                    else:
                        round_results_compute(round=BudgetRound.objects.get(pk=round.pk))
                elapsed = time.perf_counter() - started
                winners = Project.objects.filter(round=round, is_winner=True).count()
                raise Rollback
        except Rollback:
            pass
        vacuum()
        if attempt:  # the first one warms up
            times.append(elapsed)
            queries = counter.count
    return {
        "median": statistics.median(times),
        "min": min(times),
        "max": max(times),
        "queries": queries,
        "winners": winners,
    }


def choose(round, rule, repeats):
    """Only the count and the rule per village (no writes): what the ballots decide."""
    from budgets.models import BudgetRound, Project
    from budgets.services.results import round_count, village_outcome

    BudgetRound.objects.filter(pk=round.pk).update(result_rule=rule)
    round = BudgetRound.objects.get(pk=round.pk)
    times = []
    for _attempt in range(repeats + 1):
        started = time.perf_counter()
        count = round_count(round)
        projects = list(Project.objects.on_ballot().filter(round=round).select_related("initiative"))
        chosen = 0
        for village_budget in round.villages.all():
            mine = [p for p in projects if p.village_budget_id == village_budget.pk]
            chosen += len(
                village_outcome(
                    round=round,
                    village_budget=village_budget,
                    projects=mine,
                    votes=count["votes"],
                    ballots=count["choices"][village_budget.pk],
                )
            )
        times.append(time.perf_counter() - started)
    times = times[1:]
    return {"median": statistics.median(times), "min": min(times), "max": max(times), "winners": chosen}


def results_page(round, clock):
    from django.test import Client
    from django.urls import reverse

    from budgets.models import Ballot, BallotChoice, BudgetRound
    from budgets.services.results import round_results_compute

    round_results_compute(round=BudgetRound.objects.get(pk=round.pk))
    village_budget = round.villages.order_by("pk").first()
    client = Client()
    url = reverse("budgets:results", kwargs={"pk": round.pk, "village": village_budget.pk})
    before = measure(client, url)
    # Double that village's ballots (copies of its own): the page must ask the same.
    ballots = list(Ballot.objects.filter(village_budget=village_budget))
    copies = []
    for ballot in ballots:
        ballot.pk, ballot.email, ballot.email_hash = None, "", ""
        copies.append(ballot)
    Ballot.objects.bulk_create(copies, batch_size=2000)
    round_page = measure(client, reverse("budgets:round_public", kwargs={"pk": round.pk}))
    after = measure(client, url)
    staff = Client()
    staff_login(staff, round.created_by)
    staff_page = measure(staff, reverse("budgets:round_detail", kwargs={"pk": round.pk}))
    clock.say(f"results page: {before['queries']} queries, then {after['queries']} with twice the ballots")
    return before, after, round_page, staff_page, BallotChoice.objects.count()


def main(argv=None):
    args = parse_args(argv)
    setup_django(args.database_url)
    from common import recreate_database
    from django.core.management import call_command

    clock = Clock()
    print("Budget round results", flush=True)
    recreate_database(args.database_url)
    call_command("migrate", verbosity=0)
    clock.say("migrated")
    round = seed(args, clock)
    greedy = compute(round, "greedy", args.repeats, profile=args.profile)
    clock.say(f"greedy: {greedy['median']:.2f} s, {greedy['queries']} queries, {greedy['winners']} winners")
    shares = compute(round, "equal_shares", args.repeats)
    clock.say(f"equal shares: {shares['median']:.2f} s, {shares['queries']} queries, {shares['winners']} winners")
    greedy_choice = choose(round, "greedy", args.repeats)
    shares_choice = choose(round, "equal_shares", args.repeats)
    clock.say(f"choosing only: greedy {greedy_choice['median']:.2f} s, equal shares {shares_choice['median']:.2f} s")
    from budgets.models import BudgetRound

    BudgetRound.objects.filter(pk=round.pk).update(result_rule="greedy")
    before, after, round_page, staff_page, votes = results_page(round, clock)
    lines = [
        "# Budget round results (issue 14)",
        "",
        f"Command: `.venv/bin/python bench/budget_results.py` ({' '.join(sys.argv[1:]) or 'defaults'})",
        "",
        *environment_lines(),
        "",
        f"Seeded: {args.villages} villages, {args.projects} projects each, {args.ballots} ballots of "
        f"{args.choices} choices ({args.ballots * args.choices} votes), 5% ask for the results by mail.",
        "",
        "| computing the results | median | min | max | queries | winners | goal |",
        "|---|---|---|---|---|---|---|",
        f"| most votes first (greedy) | {greedy['median']:.2f} s | {greedy['min']:.2f} s | {greedy['max']:.2f} s "
        f"| {greedy['queries']} | {greedy['winners']} | ≤ 5 s: {'met' if greedy['median'] <= 5 else 'NOT met'} |",
        f"| Method of Equal Shares | {shares['median']:.2f} s | {shares['min']:.2f} s | {shares['max']:.2f} s "
        f"| {shares['queries']} | {shares['winners']} | none |",
        "",
        "| of which counting and choosing (no writes) | median | min | max | winners | |",
        "|---|---|---|---|---|---|",
        f"| most votes first (greedy) | {greedy_choice['median']:.2f} s | {greedy_choice['min']:.2f} s "
        f"| {greedy_choice['max']:.2f} s | {greedy_choice['winners']} | ≤ 5 s: "
        f"{'met' if greedy_choice['median'] <= 5 else 'NOT met'} |",
        f"| Method of Equal Shares | {shares_choice['median']:.2f} s | {shares_choice['min']:.2f} s "
        f"| {shares_choice['max']:.2f} s | {shares_choice['winners']} | |",
        "",
        "Each run is the whole service (`round_results_compute`) in a transaction that is rolled back",
        "(then `VACUUM ANALYZE`, not timed, so that no run meets the dead rows of the one before):",
        "the count, the rule per village, the winners decided at once through `initiatives_decide`",
        "(the rules and rows of `initiative_decide`: the fund's row locked once, its checks on each",
        "grant and on their sum; per winner the status steps, the decision, the committed grant, two",
        "audit rows, the letter task and the initiator's mail), votes, places and winners written with",
        "`core.bulk.bulk_set`, the results mails into the outbox, the voters' addresses cleared.",
        "",
        "| page | median | queries | SQL ms |",
        "|---|---|---|---|",
        f"| results of one village | {before['median']:.1f} ms | {before['queries']} | {before['sql_ms']:.1f} |",
        f"| the same, twice the ballots in that village | {after['median']:.1f} ms | {after['queries']} "
        f"| {after['sql_ms']:.1f} |",
        f"| the round's public page | {round_page['median']:.1f} ms | {round_page['queries']} "
        f"| {round_page['sql_ms']:.1f} |",
        f"| the round's staff page (turnout) | {staff_page['median']:.1f} ms | {staff_page['queries']} "
        f"| {staff_page['sql_ms']:.1f} |",
        "",
        f"The results page asks {before['queries']} queries with the ballots as seeded and {after['queries']} with",
        "twice as many: it reads the stored results, never the ballots.",
        "",
        "Casting ballots under gunicorn against a bare insert view: bench/results/ballots.md",
        "(`bench/server.py --variant ballots`).",
        "",
    ]
    args.output.write_text("\n".join(lines), encoding="utf-8")
    print(f"wrote {args.output}", flush=True)
    if not args.keep:
        drop_database(args.database_url)
    return 0


if __name__ == "__main__":
    sys.exit(main())
