"""Issue 16, goal 5, "National scale": the same pages at 100,000 and at 1,000,000 initiatives.

    .venv/bin/python bench/scale.py                 # seeds both databases, measures, keeps them
    .venv/bin/python bench/scale.py --reuse         # measures the two databases seed.py filled

Two PostgreSQL databases of the same shape (342 municipalities and 5,000 villages, all of the
Netherlands; a village-budget round with its results in the first municipality, `seed.py
--budget-round`), one with `--small` and one with `--large` initiatives. On each, in-process
with `django.test.Client` (DEBUG off, as the other benches):

- the officers' list `/dashboard/` as the contact officer of the first municipality (unfiltered,
  a status and a village, a text search) and as the superuser (every municipality, unfiltered
  and a text search);
- the tracking page by its private link (a heavy and a typical history);
- the public gallery (unfiltered and one municipality, pages 1 and 2);
- the statistics, this year so far (own municipality as its contact officer, every municipality
  as the superuser), after the roll-ups are built as the beat task builds them;
- the budget results page of a village of the round.

Per page and database: `--warmup` untimed requests, then timed ones in `--rounds` blocks that
alternate between the two databases (a busy moment of the shared machine then slows both), the
median of all timed requests (`--rounds` × `--per-round`), and the queries of three more
requests. The goal per page: the median at the large size at most 1.2× the small size's, with
the same number of queries. Pages that miss get their slowest queries and the EXPLAIN ANALYZE of
the slowest one at the large size. Writes `bench/results/scale.md` (`--output`); a section of
it headed "## Before and after" is kept when the table is written again.
"""

import argparse
import shlex
import statistics
import sys
import time
from pathlib import Path

from common import (
    RESULTS_DIR,
    Clock,
    _get,
    environment_lines,
    explain,
    query_shape,
    setup_django,
    sql_ends,
    staff_login,
)

SMALL_URL = "postgres://postgres@127.0.0.1:5432/bench_scale_100k"
LARGE_URL = "postgres://postgres@127.0.0.1:5432/bench_scale_1m"
GOAL_RATIO = 1.2


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--small", type=int, default=100_000, help="initiatives in the small database")
    parser.add_argument("--large", type=int, default=1_000_000, help="initiatives in the large database")
    parser.add_argument("--municipalities", type=int, default=342)
    parser.add_argument("--villages", type=int, default=5_000)
    parser.add_argument("--small-url", default=SMALL_URL)
    parser.add_argument("--large-url", default=LARGE_URL)
    parser.add_argument("--reuse", action="store_true", help="measure the two seeded databases as they are")
    parser.add_argument("--seed-note", default="", help="with --reuse: how and how fast they were seeded")
    parser.add_argument("--warmup", type=int, default=3, help="untimed requests per page and database per block")
    parser.add_argument("--rounds", type=int, default=2, help="blocks per page, alternating the databases")
    parser.add_argument("--per-round", type=int, default=6, help="timed requests per block")
    parser.add_argument("--only", default="", help="comma list of page names to measure (e.g. 'officers,gallery')")
    parser.add_argument("--label", default="", help="a name for this run in the output")
    parser.add_argument("--output", type=Path, default=RESULTS_DIR / "scale.md")
    return parser.parse_args(argv)


# --- switching between the two databases ----------------------------------------------------------


class Databases:
    """The default connection pointed at one of the two databases at a time (the views use it)."""

    def __init__(self, urls: dict[str, str]):
        from common import split_url

        self.names = {label: split_url(url)[0] for label, url in urls.items()}
        self.current = None

    def use(self, label: str) -> None:
        from django.core.cache import cache
        from django.db import connection

        if self.current == label:
            return
        connection.close()
        connection.settings_dict["NAME"] = self.names[label]
        cache.clear()  # nothing one database's pages cached may serve the other's
        self.current = label


# --- what each database holds -----------------------------------------------------------------------


def fixtures(clock) -> dict:
    """Users, the followed initiatives (private links minted again: only hashes are stored), the
    budget round; built the same way in both databases."""
    from django.contrib.auth import get_user_model

    from budgets.models import BudgetRound
    from initiatives.models import Initiative, StatusChange
    from initiatives.services.submission import tracking_token_issue
    from municipalities.models import Municipality
    from villages.models import Village

    User = get_user_model()
    first = Municipality.objects.order_by("pk").first()
    # seed.followed_initiatives: the heavy one asks 4,000 of 6,800 (the generator asks 60% of a
    # multiple of 50, never that), the typical one is written right after it.
    heavy = Initiative.objects.get(municipality=first, total_cost=6800, amount_requested=4000)
    typical = Initiative.objects.get(pk=heavy.pk + 1)
    round = BudgetRound.objects.filter(results_at__isnull=False).order_by("pk").first()
    if round is None:
        sys.exit("refused: no budget round with results; seed with `bench/seed.py --budget-round`")
    village_budget = round.villages.order_by("pk").first()
    data = {
        "officer": User.objects.get(username="officer-0-0"),
        "superuser": User.objects.get(username="bench-admin"),
        "municipality": first,
        "village": Village.objects.filter(municipality=first).order_by("pk").first(),
        "heavy": heavy,
        "heavy_changes": StatusChange.objects.filter(initiative=heavy).count(),
        "typical": typical,
        "heavy_token": tracking_token_issue(initiative=heavy),
        "typical_token": tracking_token_issue(initiative=typical),
        "round": round,
        "village_budget": village_budget,
        "initiatives": Initiative.objects.count(),
        "status_changes": StatusChange.objects.count(),
        "municipalities": Municipality.objects.count(),
        "villages": Village.objects.count(),
        "ballots": round.ballots.count(),
    }
    clock.say(
        f"{data['initiatives']:,} initiatives, {data['status_changes']:,} status changes, "
        f"{data['municipalities']} municipalities, {data['villages']:,} villages; round {round.pk} "
        f"with {data['ballots']:,} ballots"
    )
    return data


def build_rollups(clock) -> float:
    """The statistics' roll-ups as the beat task builds them after an "everything" mark (the
    seed writes with COPY, past the services that mark what changed)."""
    from initiatives.statistics_rollups import statistics_refresh, statistics_touch

    statistics_touch(everything=True)
    started = time.perf_counter()
    statistics_refresh()
    seconds = time.perf_counter() - started
    clock.say(f"statistics roll-ups built in {seconds:.1f} s")
    return seconds


def cases(data: dict) -> list[tuple[str, str, str, str, str]]:
    """(page name, page, case, as whom, URL); the URLs are the same in both databases except the
    private links, which `url_of` fills in per database."""
    from django.urls import reverse

    municipality = data["municipality"].slug
    village = data["village"].pk
    round, village_budget = data["round"].pk, data["village_budget"].pk
    return [
        ("officers", "officers' list", "unfiltered", "officer", "/dashboard/"),
        (
            "officers",
            "officers' list",
            "in conversation + a village",
            "officer",
            f"/dashboard/?status=in_conversation&village={village}",
        ),
        ("officers", "officers' list", "text search “speeltuin”", "officer", "/dashboard/?q=speeltuin"),
        ("officers", "officers' list", "unfiltered, every municipality", "superuser", "/dashboard/"),
        (
            "officers",
            "officers' list",
            "text search “speeltuin”, every municipality",
            "superuser",
            "/dashboard/?q=speeltuin",
        ),
        ("tracking", "tracking page", "heavy history", "anonymous", "heavy"),
        ("tracking", "tracking page", "typical", "anonymous", "typical"),
        ("gallery", "public gallery", "unfiltered", "anonymous", "/initiatieven/"),
        ("gallery", "public gallery", "page 2", "anonymous", "/initiatieven/?page=2"),
        ("gallery", "public gallery", "one municipality", "anonymous", f"/initiatieven/?municipality={municipality}"),
        (
            "gallery",
            "public gallery",
            "one municipality, page 2",
            "anonymous",
            f"/initiatieven/?municipality={municipality}&page=2",
        ),
        ("statistics", "statistics", "this year, own municipality", "officer", "/dashboard/statistieken/"),
        ("statistics", "statistics", "this year, every municipality", "superuser", "/dashboard/statistieken/"),
        (
            "budget",
            "budget results",
            "one village",
            "anonymous",
            reverse("budgets:results", kwargs={"pk": round, "village": village_budget}),
        ),
    ]


def url_of(url: str, data: dict) -> str:
    if url in ("heavy", "typical"):
        return f"/initiatieven/volg/{data[url + '_token']}/"
    return url


def public_url(url: str) -> str:
    return "/initiatieven/volg/<token>/" if url in ("heavy", "typical") else url


# --- measuring ------------------------------------------------------------------------------------


def measure_case(dbs, clients, data, case, args) -> dict:
    """Timed blocks alternating between the databases, then the queries of three requests each."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    _name, _page, _case, who, url = case
    labels = list(data)
    times = {label: [] for label in labels}
    for block in range(args.rounds):
        order = labels if block % 2 == 0 else labels[::-1]
        for label in order:
            dbs.use(label)
            client, target = clients[label][who], url_of(url, data[label])
            for _ in range(args.warmup):
                _get(client, target)
            for _ in range(args.per_round):
                started = time.perf_counter()
                _get(client, target)
                times[label].append((time.perf_counter() - started) * 1000)
    result = {}
    for label in labels:
        dbs.use(label)
        client, target = clients[label][who], url_of(url, data[label])
        _get(client, target)
        sql_times = []
        for _ in range(3):
            with CaptureQueriesContext(connection) as queries:
                _get(client, target)
            captured = queries.captured_queries
            sql_times.append(sum(float(q["time"]) for q in captured) * 1000)
        ordered = sorted(captured, key=lambda q: float(q["time"]), reverse=True)
        result[label] = {
            "median": statistics.median(times[label]),
            "min": min(times[label]),
            "max": max(times[label]),
            "queries": len(captured),
            "shapes": [query_shape(q["sql"]) for q in captured],
            "sql_ms": statistics.median(sql_times),
            "slowest": [(float(q["time"]) * 1000, q["sql"]) for q in ordered[:3]],
        }
    return result


def run(args, clock) -> dict:
    from django.test import Client
    from seed import seed

    urls = {"small": args.small_url, "large": args.large_url}
    sizes = {"small": args.small, "large": args.large}
    dbs = Databases(urls)
    seeds, data, clients, rollups = {}, {}, {}, {}
    for label, url in urls.items():
        if not args.reuse:
            print(f"seeding {sizes[label]:,} initiatives into {dbs.names[label]}", flush=True)
            dbs.use(label)
            seeded = seed(
                url,
                initiatives=sizes[label],
                municipalities=args.municipalities,
                villages=args.villages,
                clock=clock,
                budget_round=True,
            )
            seeds[label] = seeded.seconds
        dbs.use(label)
        data[label] = fixtures(clock)
        rollups[label] = build_rollups(clock)
        clients[label] = {"anonymous": Client()}
        for who in ("officer", "superuser"):
            clients[label][who] = Client()
            staff_login(clients[label][who], data[label][who])
    wanted = {name.strip() for name in args.only.split(",") if name.strip()}
    results = []
    for case in cases(data["small"]):
        if wanted and case[0] not in wanted:
            continue
        m = measure_case(dbs, clients, data, case, args)
        small, large = m["small"], m["large"]
        ratio = large["median"] / small["median"] if small["median"] else 0
        row = {"case": case, "small": small, "large": large, "ratio": ratio}
        row["time_met"] = ratio <= GOAL_RATIO
        row["queries_met"] = small["queries"] == large["queries"]
        if not (row["time_met"] and row["queries_met"]) and large["slowest"]:
            dbs.use("large")
            row["plan"] = explain(large["slowest"][0][1], limit=18)
        results.append(row)
        clock.say(
            f"{case[1]:15} {case[2]:32} {case[3]:10} {small['median']:7.1f} ms → {large['median']:7.1f} ms "
            f"({ratio:.2f}×), queries {small['queries']} → {large['queries']}"
        )
    return {"results": results, "data": data, "seeds": seeds, "rollups": rollups, "names": dbs.names}


# --- the record -----------------------------------------------------------------------------------


def verdict(row) -> str:
    parts = []
    parts.append("met" if row["time_met"] else f"**missed** ({row['ratio']:.2f}×)")
    if not row["queries_met"]:
        parts.append(f"**queries differ** ({row['small']['queries']} → {row['large']['queries']})")
    return ", ".join(parts)


def query_differences(row) -> list[str]:
    from collections import Counter

    small, large = Counter(row["small"]["shapes"]), Counter(row["large"]["shapes"])
    lines = []
    for shape in sorted(set(small) | set(large)):
        if small[shape] != large[shape]:
            lines.append(f"  - {small[shape]}× → {large[shape]}×: `{sql_ends(shape, 200, 100)}`")
    return lines


def report(run_result, args, command: str) -> str:
    data, results = run_result["data"], run_result["results"]
    small, large = data["small"], data["large"]
    names = run_result["names"]
    lines = [
        "## Goals",
        "",
        f"Of the run below ({args.label or 'Run'}); `bench/run.py` copies this table into `summary.md`.",
        "",
        "| Goal | Result | Verdict |",
        "|---|---|---|",
    ]
    for row in results:
        _name, page, case, who, _url = row["case"]
        s, g = row["small"], row["large"]
        lines.append(
            f"| {page}, {case}, as {who}: ≤ 1.2× and the same queries at {large['initiatives']:,} "
            f"| {s['median']:.1f} → {g['median']:.1f} ms ({row['ratio']:.2f}×), queries {s['queries']} → "
            f"{g['queries']} | {verdict(row)} |"
        )
    lines += [
        "",
        f"## {args.label or 'Run'}",
        "",
        f"- Command: `` {command} `` (from the repository root, `.venv/bin/python`)",
        *environment_lines(),
        f"- Data: `{names['small']}` {small['initiatives']:,} initiatives ({small['status_changes']:,} status "
        f"changes) and `{names['large']}` {large['initiatives']:,} initiatives ({large['status_changes']:,} status "
        f"changes), each {large['municipalities']} municipalities and {large['villages']:,} villages, seeded by "
        f"`bench/seed.py --budget-round` (same generator, same shape); a budget round in the first municipality "
        f"with {large['round'].villages.count()} villages and {large['ballots']:,} ballots, its results computed "
        "by `round_results_compute`.",
    ]
    if run_result["seeds"]:
        lines.append(
            "- Seeded in this run: "
            + ", ".join(f"`{names[k]}` {v:.0f} s" for k, v in run_result["seeds"].items())
            + "."
        )
    if args.seed_note:
        lines.append(f"- Seeds: {args.seed_note}")
    lines += [
        "- Statistics roll-ups built first (`statistics_touch(everything=True)` + `statistics_refresh()`): "
        + ", ".join(f"`{names[k]}` {v:.1f} s" for k, v in run_result["rollups"].items())
        + ".",
        f"- Method: in-process `django.test.Client` (DEBUG off, staff OTP-verified), per page and database "
        f"{args.rounds} blocks alternating between the databases, each {args.warmup} warm-up and "
        f"{args.per_round} timed requests: the median of {args.rounds * args.per_round} timed requests; "
        "queries from three more (SQL ms their median). Goal: large ≤ 1.2× small, the same number of queries.",
        "",
        f"| Page | Case | As | {small['initiatives']:,}: median (min–max) | {large['initiatives']:,}: median "
        "(min–max) | Ratio | Queries | SQL ms | Verdict |",
        "|---|---|---|---:|---:|---:|---:|---:|---|",
    ]
    for row in results:
        _name, page, case, who, _url = row["case"]
        s, g = row["small"], row["large"]
        lines.append(
            f"| {page} | {case} | {who} | {s['median']:.1f} ms ({s['min']:.0f}–{s['max']:.0f}) "
            f"| {g['median']:.1f} ms ({g['min']:.0f}–{g['max']:.0f}) | {row['ratio']:.2f}× "
            f"| {s['queries']} → {g['queries']} | {s['sql_ms']:.1f} → {g['sql_ms']:.1f} | {verdict(row)} |"
        )
    met = sum(row["time_met"] and row["queries_met"] for row in results)
    lines += ["", f"{met} of {len(results)} cases meet the goal.", ""]
    missed = [row for row in results if not (row["time_met"] and row["queries_met"])]
    if missed:
        lines += ["### What misses, at the large size", ""]
    for row in missed:
        _name, page, case, who, url = row["case"]
        g = row["large"]
        lines.append(
            f"- **{page}, {case}, as {who}** (`{public_url(url)}`): {g['median']:.1f} ms, {g['queries']} queries "
            f"taking {g['sql_ms']:.1f} ms. Slowest queries:"
        )
        for ms, sql in g["slowest"]:
            lines.append(f"  - {ms:.1f} ms: `{sql_ends(sql)}`")
        if not row["queries_met"]:
            lines.append("  - queries that differ between the sizes (count at small → large):")
            lines += query_differences(row)
        if row.get("plan"):
            lines += ["  - EXPLAIN ANALYZE of the slowest:", "", "    ```", *(f"    {p}" for p in row["plan"])]
            lines += ["    ```", ""]
    lines.append("")
    return "\n".join(lines)


def write(text: str, output: Path) -> None:
    """The new run on top; a "## Before and after" section already in the file is kept."""
    kept = ""
    if output.exists():
        old = output.read_text(encoding="utf-8")
        marker = "\n## Before and after"
        if marker in old:
            kept = old[old.index(marker) :]
    header = [
        "# National scale (issue 16, goal 5)",
        "",
        "The officers' list, the tracking page, the gallery, the statistics and the budget results page at "
        "100,000 and at 1,000,000 initiatives over 342 municipalities and 5,000 villages: each within 1.2× of "
        "its time at 100,000, with the same number of queries. `bench/scale.py`.",
        "",
    ]
    output.write_text("\n".join(header) + "\n" + text + kept, encoding="utf-8")


def main(argv=None):
    args = parse_args(argv)
    setup_django(args.small_url)
    clock = Clock()
    command = shlex.join(["python", "bench/scale.py", *(argv if argv is not None else sys.argv[1:])])
    result = run(args, clock)
    text = report(result, args, command.strip())
    print(text)
    write(text, args.output)
    print(f"written to {args.output}")


if __name__ == "__main__":
    main()
