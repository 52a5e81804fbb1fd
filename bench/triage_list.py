"""The officers' triage list (/dashboard/) against the Django admin changelist, on PostgreSQL.

    .venv/bin/python bench/triage_list.py --initiatives 100000

Creates the database if it is missing, migrates it, EMPTIES it and seeds it (bulk, with
progress): municipalities with villages, three contact officers each, a superuser, and
initiatives over every status and two years of submission dates, each with a status change
and a message. The first officer of the first municipality is given `is_staff` and the
`initiatives.view_initiative` permission, so the same person opens both lists and both are
scoped to the same municipality.

Then, in-process with `django.test.Client` (DEBUG off), for every case: warm-up requests,
then the median of the timed requests (`time.perf_counter()` around `client.get`), and the
SQL queries of one more request under `CaptureQueriesContext` (outside the timed ones):

1. the list unfiltered;
2. two filters: a status and a village;
3. a text search for a word from the titles;

each on /dashboard/ and on /admin/initiatives/initiative/ with the equivalent parameters, as
the officer and (unless --no-superuser) as the superuser, who sees every municipality. The
table goes to bench/results/triage_list.md and to stdout. The database is dropped at the end
unless --keep.
"""

import argparse
import platform
import random
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlencode, urlsplit

from common import BASE_DIR, drop_database, machine, postgres_version, prepare_database, setup_django

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/bench_triage"
BATCH = 5_000
SEARCH_WORD = "speeltuin"

# Goals of the issue: our list at most a quarter of the admin's time, at most 30 ms, search 50 ms.
GOAL_RATIO = 0.25
GOAL_MS = 30.0
GOAL_SEARCH_MS = 50.0

# Title words: one of these starts every title (SEARCH_WORD in about 1 title in 16).
SUBJECTS = [
    "Speeltuin",
    "Dorpshuis",
    "Moestuin",
    "Bankjes",
    "Jeu-de-boulesbaan",
    "Beweegroute",
    "Buurtkamer",
    "Pluktuin",
    "Wandelpad",
    "Zonnepanelen",
    "Repaircafé",
    "Kerstmarkt",
    "Hondenlosloopveld",
    "AED-kast",
    "Voedselbos",
    "Dorpskrant",
]
PLACES = ["bij de school", "aan de dijk", "achter de kerk", "op het plein", "bij de sporthal", "in het park"]
WHAT = ["opknappen", "aanleggen", "vernieuwen", "uitbreiden", "starten", "verduurzamen"]

# Status shares over all initiatives (a platform that has run for two years).
STATUS_SHARES = [
    ("submitted", 0.05),
    ("intake", 0.10),
    ("in_conversation", 0.20),
    ("waiting_for_initiator", 0.05),
    ("decided", 0.10),
    ("in_progress", 0.10),
    ("realised", 0.10),
    ("closed", 0.25),
    ("withdrawn", 0.05),
]


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--initiatives", type=int, default=100_000)
    parser.add_argument("--municipalities", type=int, default=50)
    parser.add_argument("--villages", type=int, default=1_000)
    parser.add_argument("--warmup", type=int, default=3, help="untimed requests before each case")
    parser.add_argument("--repeats", type=int, default=10, help="timed requests per case (median reported)")
    parser.add_argument("--no-superuser", action="store_true", help="skip the superuser's cases")
    parser.add_argument("--keep", action="store_true", help="keep the bench database afterwards")
    parser.add_argument("--database-url", default=DEFAULT_URL, help=f"PostgreSQL only (default {DEFAULT_URL})")
    parser.add_argument("--output", type=Path, default=BASE_DIR / "bench" / "results" / "triage_list.md")
    args = parser.parse_args()
    if args.repeats < 1 or args.warmup < 0:
        parser.error("--repeats must be at least 1 and --warmup at least 0")
    return args


# --- seeding -----------------------------------------------------------------------------------


def seed(args, rng: random.Random) -> dict:
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password
    from django.contrib.auth.models import Permission
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from initiatives.constants import MessageKind, Status
    from initiatives.models import Initiative, Message, StatusChange
    from municipalities.constants import OfficerRole
    from municipalities.models import Municipality, OfficerMembership
    from villages.models import Village

    User = get_user_model()
    unusable = make_password(None)  # the bench logs in with force_login
    started = time.perf_counter()

    def progress(what):
        print(f"  {what} ({time.perf_counter() - started:.1f} s)", flush=True)

    call_command("migrate", verbosity=0)
    progress("migrated")
    call_command("flush", interactive=False, verbosity=0)
    progress("emptied")

    now = timezone.now()
    municipalities = Municipality.objects.bulk_create(
        Municipality(
            name=f"Gemeente {m:02d}",
            slug=f"gemeente-{m}",
            cbs_code=f"GM{m:04d}",
            contact_email=f"initiatieven@gemeente-{m}.nl",
            first_response_working_days=5,
            decision_term_weeks=8,
        )
        for m in range(args.municipalities)
    )
    villages = Village.objects.bulk_create(
        Village(name=f"Dorp {v:04d}", slug=f"dorp-{v}", municipality=municipalities[v % len(municipalities)])
        for v in range(args.villages)
    )
    users = User.objects.bulk_create(
        User(
            username=f"officer-{m}-{k}",
            first_name=f"Ambtenaar {k}",
            last_name=f"Gemeente {m:02d}",
            email=f"officer-{m}-{k}@bench.example",
            password=unusable,
        )
        for m in range(len(municipalities))
        for k in range(3)
    )
    officers_of = {m.pk: users[i * 3 : i * 3 + 3] for i, m in enumerate(municipalities)}
    OfficerMembership.objects.bulk_create(
        OfficerMembership(user=user, municipality=m, role=OfficerRole.CONTACT_OFFICER, job_title="bench")
        for m in municipalities
        for user in officers_of[m.pk]
    )
    officer = officers_of[municipalities[0].pk][0]
    officer.is_staff = True  # the same person opens the admin, with view permission only
    officer.save(update_fields=["is_staff"])
    officer.user_permissions.add(
        Permission.objects.get(content_type__app_label="initiatives", codename="view_initiative")
    )
    superuser = User.objects.create_superuser("bench-admin", "admin@bench.example", None)
    progress(f"{len(municipalities)} municipalities, {len(villages):,} villages, {len(users)} officers, 1 superuser")

    statuses = [status for status, _ in STATUS_SHARES]
    weights = [share for _, share in STATUS_SHARES]
    decided = {"decided", "in_progress", "realised", "closed"}
    created = 0
    for start in range(0, args.initiatives, BATCH):
        rows = []
        for n in range(start, min(start + BATCH, args.initiatives)):
            village = villages[rng.randrange(len(villages))]
            status = rng.choices(statuses, weights)[0]
            # Open ones are recent; the others spread over two years.
            age = rng.randint(0, 30) if status in ("submitted", "intake") else rng.randint(5, 730)
            submitted = now - timedelta(days=age, minutes=rng.randint(0, 600))
            answered = None if status == "submitted" or rng.random() < 0.1 else submitted + timedelta(days=3)
            assigned = rng.choice(officers_of[village.municipality_id]) if status != "submitted" else None
            rows.append(
                Initiative(
                    reference=f"B{n:08d}",
                    title=f"{rng.choice(SUBJECTS)} {rng.choice(PLACES)} {rng.choice(WHAT)}",
                    goal="Meer ontmoeting in het dorp.",
                    description="Bewoners willen samen iets doen voor het dorp.",
                    village_id=village.pk,
                    municipality_id=village.municipality_id,
                    initiator_name=f"Bewoner {n}",
                    initiator_email=f"bewoner{n}@bench.example",
                    status=status,
                    assigned_officer=assigned,
                    submitted_at=submitted,
                    first_response_due=submitted.date() + timedelta(days=7),
                    first_response_at=answered,
                    decision_due=submitted.date() + timedelta(weeks=8),
                    decided_at=submitted + timedelta(weeks=6) if status in decided else None,
                    closed_at=submitted + timedelta(weeks=20) if status in ("closed", "withdrawn") else None,
                    publication_consent=n % 2 == 0,
                )
            )
        initiatives = Initiative.objects.bulk_create(rows)
        # One history row and one message per initiative (the list must not pay for them).
        StatusChange.objects.bulk_create(
            StatusChange(initiative_id=i.pk, from_status=Status.SUBMITTED, to_status=i.status, actor=i.assigned_officer)
            for i in initiatives
            if i.status != Status.SUBMITTED
        )
        StatusChange.objects.bulk_create(
            StatusChange(initiative_id=i.pk, from_status="", to_status=Status.SUBMITTED, by_initiator=True)
            for i in initiatives
            if i.status == Status.SUBMITTED
        )
        Message.objects.bulk_create(
            Message(
                initiative_id=i.pk,
                kind=MessageKind.FROM_INITIATOR,
                body="Wanneer hoor ik iets over ons initiatief?",
                created_at=i.submitted_at + timedelta(days=1),
            )
            for i in initiatives
        )
        created += len(rows)
        progress(f"initiatives {created:,}/{args.initiatives:,} (with a status change and a message each)")

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")  # planner statistics and visibility map, as autovacuum keeps them
    progress("VACUUM ANALYZE")

    municipality = municipalities[0]
    village = Village.objects.filter(municipality=municipality).order_by("pk").first()
    visible = Initiative.objects.filter(municipality=municipality)
    return {
        "seconds": time.perf_counter() - started,
        "officer": officer,
        "superuser": superuser,
        "municipality": municipality,
        "village": village,
        "visible": visible.count(),
        "filtered": visible.filter(status=Status.IN_CONVERSATION, village=village).count(),
        "search_hits": visible.search(SEARCH_WORD).count(),
        "all_search_hits": Initiative.objects.search(SEARCH_WORD).count(),
    }


# --- measuring ---------------------------------------------------------------------------------


def measure(client, url: str, args) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(args.warmup):
        response = client.get(url)
        if response.status_code != 200:
            sys.exit(f"{url} answered {response.status_code}, not 200: the bench would measure an error page")
    times = []
    for _ in range(args.repeats):
        started = time.perf_counter()
        client.get(url)
        times.append((time.perf_counter() - started) * 1000)
    with CaptureQueriesContext(connection) as queries:  # one more request, outside the timed ones
        client.get(url)
    slowest = sorted(queries.captured_queries, key=lambda q: float(q["time"]), reverse=True)[:3]
    return {
        "url": url,
        "median": statistics.median(times),
        "min": min(times),
        "max": max(times),
        "queries": len(queries),
        "sql_ms": sum(float(q["time"]) for q in queries.captured_queries) * 1000,
        "slowest": [(float(q["time"]) * 1000, " ".join(q["sql"].split())) for q in slowest],
    }


def cases(seeded: dict) -> list[tuple[str, str, dict, dict]]:
    """(case, goal kind, our parameters, the admin's equivalent parameters)."""
    village = seeded["village"].pk
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


def run_cases(args, seeded: dict) -> list[dict]:
    from django.test import Client

    users = [("officer", seeded["officer"])]
    if not args.no_superuser:
        users.append(("superuser", seeded["superuser"]))
    results = []
    for who, user in users:
        client = Client()
        client.force_login(user)
        for case, kind, ours, admin in cases(seeded):
            row = {"who": who, "case": case, "kind": kind}
            for side, path, params in (
                ("ours", "/dashboard/", ours),
                ("admin", "/admin/initiatives/initiative/", admin),
            ):
                url = f"{path}?{urlencode(params)}" if params else path
                row[side] = measure(client, url, args)
                m = row[side]
                print(
                    f"  {who:9} {case:20} {side:5} median {m['median']:7.1f} ms "
                    f"(min {m['min']:.1f}, max {m['max']:.1f}), {m['queries']} queries, SQL {m['sql_ms']:.1f} ms",
                    flush=True,
                )
            results.append(row)
    return results


# --- report ------------------------------------------------------------------------------------


def verdicts(row: dict) -> tuple[float, str, str]:
    ours, admin = row["ours"]["median"], row["admin"]["median"]
    ratio = ours / admin
    limit = GOAL_SEARCH_MS if row["kind"] == "search" else GOAL_MS
    ratio_ok = "met" if ratio <= GOAL_RATIO else "**missed**"
    time_ok = f"{'met' if ours <= limit else '**missed**'} (≤ {limit:.0f} ms)"
    return ratio, ratio_ok, time_ok


def report(args, seeded: dict, results: list[dict]) -> str:
    command = "python bench/triage_list.py " + " ".join(sys.argv[1:])
    try:
        commit = subprocess.run(  # noqa: S603 - a fixed git call for the record
            ["git", "rev-parse", "--short", "HEAD"],  # noqa: S607
            cwd=BASE_DIR,
            capture_output=True,
            text=True,
            check=False,
        ).stdout.strip()
    except OSError:
        commit = "?"
    lines = [
        "# The officers' triage list (/dashboard/) against the Django admin changelist",
        "",
        f"- Command: `{command}` (from the repository root, `.venv/bin/python`)",
        f"- Date: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, commit {commit or '?'} (plus working-tree changes)",
        f"- Machine: {machine()}; {postgres_version()} on the same machine; Python {platform.python_version()}",
        f"- Data: {args.initiatives:,} initiatives over every status and two years (each with a status change "
        f"and a message), {args.municipalities} municipalities, {args.villages:,} villages, 3 officers per "
        f"municipality. The officer sees {seeded['municipality'].name}: {seeded['visible']:,} initiatives, "
        f"{seeded['filtered']:,} in conversation in {seeded['village'].name}, {seeded['search_hits']:,} found by "
        f"“{SEARCH_WORD}” ({seeded['all_search_hits']:,} for the superuser). Seeding took "
        f"{seeded['seconds']:.0f} s.",
        f"- Method: in-process `django.test.Client` (DEBUG off, `force_login`), {args.warmup} warm-up requests, "
        f"then the median of {args.repeats} timed requests (`time.perf_counter()` around `client.get`, the "
        "whole middleware stack and template rendering included, no network); queries counted on one more "
        "request under `CaptureQueriesContext`. The admin is `InitiativeAdmin` as it is (`list_select_related`, "
        "scoped `get_queryset`, its list filters and date hierarchy); the officer has `is_staff` and "
        "`initiatives.view_initiative` only, so both lists show the same municipality's rows.",
        f"- Goals: ours ≤ {GOAL_RATIO}× the admin's time, ≤ {GOAL_MS:.0f} ms median, text search "
        f"≤ {GOAL_SEARCH_MS:.0f} ms. The superuser rows (all {args.initiatives:,} initiatives) are for information; "
        "the goals are judged on them too.",
        "",
        "| User | Case | Ours, median (min–max) | Admin, median (min–max) | Ratio | Queries ours / admin "
        f"| ≤ {GOAL_RATIO}× | Time goal |",
        "|---|---|---:|---:|---:|---:|---|---|",
    ]
    for row in results:
        ours, admin = row["ours"], row["admin"]
        ratio, ratio_ok, time_ok = verdicts(row)
        lines.append(
            f"| {row['who']} | {row['case']} | {ours['median']:.1f} ms ({ours['min']:.1f}–{ours['max']:.1f}) "
            f"| {admin['median']:.1f} ms ({admin['min']:.1f}–{admin['max']:.1f}) | {ratio:.2f}× "
            f"| {ours['queries']} / {admin['queries']} | {ratio_ok} | {time_ok} |"
        )
    lines += [
        "",
        "## The slowest queries of each case",
        "",
        "From the counted request (query time as Django measures it, SQL shortened).",
        "",
    ]
    for row in results:
        for side in ("ours", "admin"):
            m = row[side]
            lines.append(
                f"- {row['who']}, {row['case']}, {side} (`{m['url']}`): {m['queries']} queries, "
                f"{m['sql_ms']:.1f} ms in SQL"
            )
            for ms, sql in m["slowest"]:
                lines.append(f"  - {ms:.1f} ms: `{sql[:220]}{'…' if len(sql) > 220 else ''}`")
    lines.append("")
    return "\n".join(lines)


def main():
    args = parse_args()
    prepare_database(args.database_url)
    setup_django(args.database_url)
    rng = random.Random(20260609)  # the same data on every run
    try:
        print(f"seeding {args.initiatives:,} initiatives into {urlsplit(args.database_url).path.lstrip('/')}")
        seeded = seed(args, rng)
        print(
            f"seeded in {seeded['seconds']:.1f} s; the officer sees {seeded['visible']:,} initiatives; measuring",
            flush=True,
        )
        results = run_cases(args, seeded)
        table = report(args, seeded, results)
    finally:
        if not args.keep:
            drop_database(args.database_url)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(table)
    print()
    print(table)
    print(f"written to {args.output.relative_to(BASE_DIR) if args.output.is_relative_to(BASE_DIR) else args.output}")


if __name__ == "__main__":
    main()
