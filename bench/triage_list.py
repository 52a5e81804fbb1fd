"""Item 1: the officers' triage list (/dashboard/) against the Django admin changelist, on PostgreSQL.

    .venv/bin/python bench/triage_list.py --initiatives 100000

On its own: recreates the database, seeds it with `seed.py` (the same data as `run.py`), measures
and drops the database unless --keep. `run.py` calls `run_cases` and `report` on its own seed.

The officer `officer-0-0` of the first municipality has `is_staff` and the
`initiatives.view_initiative` permission, so the same person opens both lists and both are
scoped to the same municipality. In-process with `django.test.Client` (DEBUG off), for every
case: warm-up requests, the median of the timed requests (`time.perf_counter()` around
`client.get`), and the SQL queries of three more requests under `CaptureQueriesContext`:

1. the list unfiltered;
2. two filters: a status and a village;
3. a text search for a word from the titles;

each on /dashboard/ and on /admin/initiatives/initiative/ with the equivalent parameters, as
the officer and (unless --no-superuser) as the superuser, who sees every municipality. With
each case, in the same rounds, an empty staff page: `bench/bare/views.py`'s `EmptyStaffPage`,
the same base template signed in as the same user behind the same access check, with no
content (the URLs are the product's plus the bench-only views: `bench.bare.urls`). The three
pages of a case are asked in turn, round after round (`common.measure_interleaved`), so a busy
moment of the shared machine slows all three alike; each case is reported as the ratio of our
list to the admin's changelist and to the empty page.
"""

from urllib.parse import urlencode

from common import (
    Clock,
    environment_lines,
    explain,
    measure_interleaved,
    page_bench_parser,
    parse_page_bench,
    run_standalone,
    short_sql,
    sql_ends,
    staff_login,
)
from seed import SEARCH_WORD

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/bench_triage"

# Goals (issue 16, goal 1): every case at most half the admin changelist's time and at most three
# times the time of an empty staff page, both measured in the same run.
GOAL_RATIO = 0.5
GOAL_EMPTY_RATIO = 3.0
EMPTY_PATH = "/bench/empty-staff-page/"
BENCH_URLCONF = "bench.bare.urls"
PLAN_FROM_MS = 20.0  # our slowest query gets its EXPLAIN ANALYZE in the report from this long


def parse_args(argv=None):
    parser = page_bench_parser(__doc__.split("\n\n")[0], default_url=DEFAULT_URL, output="triage_list.md", unit="case")
    parser.add_argument("--no-superuser", action="store_true", help="skip the superuser's cases")
    return parse_page_bench(parser, argv)


# --- measuring ---------------------------------------------------------------------------------


def facts(seeded) -> dict:
    """How many rows each case shows, for the table's data line."""
    from initiatives.constants import Status
    from initiatives.models import Initiative

    visible = Initiative.objects.filter(municipality=seeded.municipality)
    return {
        "visible": visible.count(),
        "filtered": visible.filter(status=Status.IN_CONVERSATION, village=seeded.village).count(),
        "search_hits": visible.search(SEARCH_WORD).count(),
        "all_search_hits": Initiative.objects.search(SEARCH_WORD).count(),
    }


def cases(seeded) -> list[tuple[str, str, dict, dict]]:
    """(case, goal kind, our parameters, the admin's equivalent parameters)."""
    village = seeded.village.pk
    return [
        ("unfiltered", "list", {}, {}),
        (
            "status + village",
            "list",
            {"status": "in_conversation", "village": village},
            {"status__exact": "in_conversation", "village__id__exact": village},
        ),
        (f"search “{SEARCH_WORD}”", "search", {"q": SEARCH_WORD}, {"q": SEARCH_WORD}),
    ]


def run_cases(seeded, *, warmup: int = 3, repeats: int = 10, superuser: bool = True, clock=None) -> list[dict]:
    from django.test import Client, override_settings

    clock = clock or Clock()
    users = [("officer", seeded.officer)]
    if superuser:
        users.append(("superuser", seeded.superuser))
    results = []
    with override_settings(ROOT_URLCONF=BENCH_URLCONF):  # the product's URLs plus the empty staff page
        for who, user in users:
            client = Client()
            staff_login(client, user)
            for case, kind, ours, admin in cases(seeded):
                row = {"who": who, "case": case, "kind": kind}
                sides = (
                    ("ours", "/dashboard/", ours),
                    ("admin", "/admin/initiatives/initiative/", admin),
                    ("empty", EMPTY_PATH, {}),
                )
                urls = [f"{path}?{urlencode(params)}" if params else path for _side, path, params in sides]
                measured = measure_interleaved(client, urls, warmup=warmup, repeats=repeats)
                for (side, _path, _params), m in zip(sides, measured, strict=True):
                    row[side] = m
                    if side == "ours" and m["slowest"] and m["slowest"][0][0] >= PLAN_FROM_MS:
                        m["plan"] = explain(m["slowest_sql"])
                    clock.say(
                        f"{who:9} {case:20} {side:5} median {m['median']:7.1f} ms "
                        f"(min {m['min']:.1f}, max {m['max']:.1f}), {m['queries']} queries, SQL {m['sql_ms']:.1f} ms"
                    )
                ratio, empty_ratio = ratios(row)
                clock.say(f"{who:9} {case:20} ours/admin {ratio:.2f}×, ours/empty {empty_ratio:.2f}×")
                results.append(row)
    return results


# --- report ------------------------------------------------------------------------------------


def ratios(row: dict) -> tuple[float, float]:
    """(our list / the admin changelist, our list / the empty staff page), medians of one run."""
    ours = row["ours"]["median"]
    return ours / row["admin"]["median"], ours / row["empty"]["median"]


def verdicts(row: dict) -> tuple[float, float, str, str]:
    ratio, empty_ratio = ratios(row)
    ratio_ok = "met" if ratio <= GOAL_RATIO else "**missed**"
    empty_ok = "met" if empty_ratio <= GOAL_EMPTY_RATIO else "**missed**"
    return ratio, empty_ratio, ratio_ok, empty_ok


def goals(results: list[dict]) -> list[dict]:
    """Every goal of item 1 with its verdict, for the summary."""
    rows = []
    for row in results:
        ratio, empty_ratio, _ratio_ok, _empty_ok = verdicts(row)
        ours, admin, empty = row["ours"]["median"], row["admin"]["median"], row["empty"]["median"]
        rows.append(
            {
                "what": f"triage list, {row['who']}, {row['case']}",
                "goal": f"≤ {GOAL_RATIO}× admin and ≤ {GOAL_EMPTY_RATIO:g}× empty staff page",
                "result": f"{ours:.1f} ms, {ratio:.2f}× admin ({admin:.1f} ms), {empty_ratio:.2f}× empty page "
                f"({empty:.1f} ms), {row['ours']['queries']} queries",
                "met": ratio <= GOAL_RATIO and empty_ratio <= GOAL_EMPTY_RATIO,
            }
        )
    return rows


def report(seeded, results: list[dict], *, command: str, warmup: int, repeats: int) -> str:
    known = facts(seeded)
    lines = [
        "# Item 1: the officers' triage list (/dashboard/) against the Django admin changelist",
        "",
        f"- Command: `{command}` (from the repository root, `.venv/bin/python`)",
        *environment_lines(),
        f"- Data: {seeded.data_line()}",
        f"- The officer sees {seeded.municipality.name}: {known['visible']:,} initiatives, {known['filtered']:,} "
        f"in conversation in {seeded.village.name}, {known['search_hits']:,} found by “{SEARCH_WORD}” "
        f"({known['all_search_hits']:,} for the superuser).",
        f"- Method: in-process `django.test.Client` (DEBUG off, `force_login`, OTP-verified session when "
        f"django-otp is installed). Per case three pages: our list, the admin changelist and the empty staff "
        f"page (`bench/bare/views.py`: the same base template, signed in as the same user, behind the same "
        f"access check, no content); {warmup} warm-up requests of each, then {repeats} rounds that ask each "
        "page once in turn (interleaved, so a busy moment of the shared machine slows all three alike), the "
        "median of each page's timed requests (`time.perf_counter()` around `client.get`, the whole "
        "middleware stack and template rendering included, no network); queries counted on three more "
        "requests under `CaptureQueriesContext` (the SQL time is their median). The admin is "
        "`InitiativeAdmin` as it is (`list_select_related`, scoped `get_queryset`, its list filters and "
        "date hierarchy); the officer has `is_staff` and `initiatives.view_initiative` only, so both lists "
        "show the same municipality's rows. The superuser is the platform admin: every municipality.",
        f"- Goals (issue 16, goal 1): every case ≤ {GOAL_RATIO}× the admin changelist's time and "
        f"≤ {GOAL_EMPTY_RATIO:g}× the empty staff page's time, measured in the same run.",
        "",
        "| User | Case | Ours, median (min–max) | Admin, median (min–max) | Empty page, median (min–max) "
        f"| Ours / admin | Ours / empty | Queries ours / admin / empty | ≤ {GOAL_RATIO}× admin "
        f"| ≤ {GOAL_EMPTY_RATIO:g}× empty |",
        "|---|---|---:|---:|---:|---:|---:|---:|---|---|",
    ]
    for row in results:
        ours, admin, empty = row["ours"], row["admin"], row["empty"]
        ratio, empty_ratio, ratio_ok, empty_ok = verdicts(row)
        lines.append(
            f"| {row['who']} | {row['case']} | {ours['median']:.1f} ms ({ours['min']:.1f}–{ours['max']:.1f}) "
            f"| {admin['median']:.1f} ms ({admin['min']:.1f}–{admin['max']:.1f}) "
            f"| {empty['median']:.1f} ms ({empty['min']:.1f}–{empty['max']:.1f}) | {ratio:.2f}× "
            f"| {empty_ratio:.2f}× | {ours['queries']} / {admin['queries']} / {empty['queries']} "
            f"| {ratio_ok} | {empty_ok} |"
        )
    lines += [
        "",
        "## Where the time goes",
        "",
        "SQL is the time Django measured for the queries (median of the three counted requests); the rest of "
        "the median is Python: middleware, view, forms and template rendering.",
        "",
        "| User | Case | Side | Median | SQL | Rest | Page size |",
        "|---|---|---|---:|---:|---:|---:|",
    ]
    for row in results:
        for side in ("ours", "admin", "empty"):
            m = row[side]
            lines.append(
                f"| {row['who']} | {row['case']} | {side} | {m['median']:.1f} ms | {m['sql_ms']:.1f} ms "
                f"| {max(m['median'] - m['sql_ms'], 0):.1f} ms | {m['kb']:.0f} KB |"
            )
    lines += [
        "",
        "## The slowest queries of each case",
        "",
        "From the last counted request (query time as Django measures it, SQL shortened).",
        "",
    ]
    for row in results:
        for side in ("ours", "admin"):
            m = row[side]
            lines.append(
                f"- {row['who']}, {row['case']}, {side} (`{m['url']}`): {m['queries']} queries, "
                f"{m['sql_ms']:.1f} ms in SQL"
            )
            for k, (ms, sql) in enumerate(m["slowest"]):
                lines.append(f"  - {ms:.1f} ms: `{sql_ends(sql) if k == 0 else short_sql(sql)}`")
            for n, shape in m["repeated"]:
                lines.append(f"  - repeated {n}×: `{short_sql(shape, 160)}`")
            if m.get("plan"):
                lines += ["  - plan of the slowest (EXPLAIN ANALYZE, run once more after the timings):", ""]
                lines += ["    ```", *(f"    {line}" for line in m["plan"]), "    ```", ""]
    lines.append("")
    return "\n".join(lines)


def main(argv=None):
    args = parse_args(argv)
    run_standalone(
        args,
        argv,
        script="triage_list.py",
        measure=lambda seeded, clock: run_cases(
            seeded, warmup=args.warmup, repeats=args.repeats, superuser=not args.no_superuser, clock=clock
        ),
        report=lambda seeded, results, command: report(
            seeded, results, command=command, warmup=args.warmup, repeats=args.repeats
        ),
    )


if __name__ == "__main__":
    main()
