"""Issue 16, goal 2: the statistics over every municipality, per municipality, and the facilitator overview.

    .venv/bin/python bench/statistics_pages.py --initiatives 100000             # seeds, measures, drops
    .venv/bin/python bench/statistics_pages.py --reuse --database-url URL      # a database seed.py filled

In-process with `django.test.Client` (DEBUG off), as `pages.py` does: per page, warm-up
requests, the median of the timed ones, and the queries of three more requests. Pages:

- /dashboard/statistieken/ as the superuser: every municipality this year so far (the default),
  last year (twelve whole months) and a range with edges inside a month (15 March to 14 September
  last year: the two edge months are counted fresh);
- the same page as the contact officer and the coordinator of the first municipality;
- the facilitator overview /trajecten/ as the DKK facilitator of all municipalities.

Before the pages, the roll-ups (initiatives.statistics_rollups) are built by the refresh a
Celery beat task runs (`statistics_refresh`): the seed writes with COPY, past the services, so
its data is one "everything changed" mark; the time of that first build is reported. After the
pages, one initiative changes status through the service and the page right after the change is
measured once (the page finds the mark in its scope and refreshes that month itself), then a
refresh with nothing left to count.

--reuse measures a database that `seed.py` filled (and `manage.py migrate` brought up to date)
without seeding again; --baseline leaves out everything that needs the roll-ups (to measure the
code before them).
"""

import sys
import time
from pathlib import Path

from common import (
    Clock,
    environment_lines,
    explain,
    measure,
    page_bench_parser,
    parse_page_bench,
    setup_django,
    short_sql,
    split_url,
    staff_login,
)

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/bench_stats"
GOAL_ALL_MS = 300.0


def parse_args(argv=None):
    parser = page_bench_parser(__doc__.split("\n\n")[0], default_url=DEFAULT_URL, output="statistics.md", unit="page")
    parser.add_argument("--reuse", action="store_true", help="measure the seeded database as it is (no seed)")
    parser.add_argument("--baseline", action="store_true", help="the code before the roll-ups: no refresh step")
    parser.add_argument("--label", default="", help="a name for this run in the output")
    parser.add_argument("--save", type=Path, default=None, help="also write this run's section to this file")
    return parse_page_bench(parser, argv)


def users():
    from django.contrib.auth import get_user_model

    User = get_user_model()
    return {
        "superuser": User.objects.get(username="bench-admin"),
        "contact officer": User.objects.get(username="officer-0-0"),
        "coordinator": User.objects.get(username="coordinator-0"),
        "DKK facilitator": User.objects.get(username="bench-facilitator"),
    }


def cases() -> list[tuple[str, str, str]]:
    from django.utils import timezone

    year = timezone.localdate().year - 1
    return [
        ("statistics, every municipality, this year (default)", "superuser", "/dashboard/statistieken/"),
        (
            "statistics, every municipality, last year",
            "superuser",
            f"/dashboard/statistieken/?from={year}-01-01&to={year}-12-31",
        ),
        (
            "statistics, every municipality, 15 March to 14 September last year",
            "superuser",
            f"/dashboard/statistieken/?from={year}-03-15&to={year}-09-14",
        ),
        ("statistics, own municipality, this year", "contact officer", "/dashboard/statistieken/"),
        ("statistics, own municipality, this year", "coordinator", "/dashboard/statistieken/"),
        ("facilitator overview, 50 trajectories", "DKK facilitator", "/trajecten/"),
    ]


def refresh_all(clock) -> dict:
    """The first build: every municipality and month counted (an "everything" mark, as the
    migration writes and as the seed's COPY needs)."""
    from initiatives.statistics_rollups import statistics_refresh, statistics_touch

    statistics_touch(everything=True)
    started = time.perf_counter()
    done = statistics_refresh()
    seconds = time.perf_counter() - started
    clock.say(f"roll-ups built in {seconds:.1f} s ({done} municipality-months, and their years)")
    return {"seconds": seconds, "buckets": done}


def after_one_change(client, url, clock) -> dict:
    """One status change through the service; the page right after it, then the refresh."""
    from django.db import transaction

    from initiatives.constants import Status
    from initiatives.models import Initiative
    from initiatives.services.workflow import initiative_transition
    from initiatives.statistics_rollups import statistics_refresh

    initiative = (
        Initiative.objects.filter(status=Status.SUBMITTED).select_related("municipality").order_by("-pk").first()
    )
    officer = initiative.municipality.officers.filter(is_active=True).first().user
    with transaction.atomic():
        initiative_transition(initiative=initiative, actor=officer, to_status=Status.INTAKE)
    started = time.perf_counter()
    response = client.get(url)
    page_ms = (time.perf_counter() - started) * 1000
    assert response.status_code == 200
    started = time.perf_counter()
    done = statistics_refresh()
    refresh_ms = (time.perf_counter() - started) * 1000
    clock.say(f"after one change: page {page_ms:.1f} ms (it refreshed the month); refresh after it {refresh_ms:.1f} ms")
    return {"page_ms": page_ms, "refresh_ms": refresh_ms, "buckets": done}


def run(args, clock) -> dict:
    from django.test import Client

    who = users()
    clients = {}
    results = []
    build = None if args.baseline else refresh_all(clock)
    for what, as_whom, url in cases():
        if as_whom not in clients:
            clients[as_whom] = Client()
            staff_login(clients[as_whom], who[as_whom])
        m = measure(clients[as_whom], url, warmup=args.warmup, repeats=args.repeats)
        if m["slowest"] and m["slowest"][0][0] >= 10:
            m["plan"] = explain(m["slowest_sql"])
        results.append({"what": what, "who": as_whom, **m})
        clock.say(
            f"{what:70} {as_whom:16} median {m['median']:7.1f} ms (min {m['min']:.1f}, max {m['max']:.1f}), "
            f"{m['queries']} queries, SQL {m['sql_ms']:.1f} ms, {m['kb']:.0f} KB"
        )
    change = None if args.baseline else after_one_change(clients["superuser"], cases()[0][2], clock)
    return {"pages": results, "build": build, "change": change}


def report(results, *, command, data, args) -> str:
    lines = [
        f"## {args.label or 'Run'}",
        "",
        f"- Command: `{command}` (from the repository root, `.venv/bin/python`)",
        *environment_lines(),
        f"- Data: {data}",
        f"- Method: in-process `django.test.Client` (DEBUG off), {args.warmup} warm-up requests, then the median "
        f"of {args.repeats} timed requests; queries and SQL time from three more requests.",
    ]
    if results["build"]:
        b = results["build"]
        lines.append(
            f'- First build of the roll-ups (`statistics_refresh` after an "everything" mark): {b["seconds"]:.1f} s '
            f"({b['buckets']:,} municipality-months and their years)."
        )
    if results["change"]:
        c = results["change"]
        lines.append(
            f"- After one status change: the page right after it {c['page_ms']:.1f} ms (it refreshes the changed "
            f"month itself), then a refresh with nothing marked {c['refresh_ms']:.1f} ms."
        )
    lines += [
        "",
        "| Page | As | Median (min–max) | Queries | SQL | Page size |",
        "|---|---|---:|---:|---:|---:|",
    ]
    for r in results["pages"]:
        lines.append(
            f"| {r['what']} | {r['who']} | {r['median']:.1f} ms ({r['min']:.1f}–{r['max']:.1f}) | {r['queries']} "
            f"| {r['sql_ms']:.1f} ms | {r['kb']:.0f} KB |"
        )
    lines += ["", "Slowest queries (last counted request):", ""]
    for r in results["pages"]:
        lines.append(f"- {r['what']}, {r['who']}:")
        for ms, sql in r["slowest"]:
            lines.append(f"  - {ms:.1f} ms: `{short_sql(sql, 200)}`")
    lines.append("")
    return "\n".join(lines)


def main(argv=None):
    args = parse_args(argv)
    clock = Clock()
    name, _admin = split_url(args.database_url)
    setup_django(args.database_url)
    command = "python bench/statistics_pages.py " + " ".join(argv if argv is not None else sys.argv[1:])
    if args.reuse:
        from initiatives.models import Initiative

        data = f"{Initiative.objects.count():,} initiatives already in `{name}` (seeded by `bench/seed.py`)"
    else:
        from common import drop_database
        from seed import seed

        seeded = seed(
            args.database_url,
            initiatives=args.initiatives,
            municipalities=args.municipalities,
            villages=args.villages,
            clock=clock,
        )
        data = seeded.data_line()
    try:
        results = run(args, clock)
        # Before the drop: the report asks the database for PostgreSQL's version.
        text = report(results, command=command.strip(), data=data, args=args)
    finally:
        if not args.reuse and not args.keep:
            drop_database(args.database_url)
    print(text)
    if args.save:
        args.save.write_text(text)  # bench/results/statistics.md gathers the runs with their verdicts


if __name__ == "__main__":
    main()
