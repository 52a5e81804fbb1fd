"""Item 4: the scheduler's daily sweep (`reminders_run`) over 100,000 open initiatives on PostgreSQL.

    .venv/bin/python bench/reminder_sweep.py --initiatives 100000

On its own: recreates the database, seeds it with `seed.py` (the same generator as `run.py`:
`--initiatives` over every status and two years, relative to the bench day), then adds open
initiatives until `--initiatives` of them are open, measures and drops the database unless
--keep. `run.py` calls `run_sweep` and `report` on its own seed, after the page timings.

Measured (wall time and SQL queries):

1. warm-up: the bench day's run, rolled back (it leaves nothing behind);
2. first run: the bench day's run for real; it enqueues every reminder that is due;
3. repeats: the same day again (beat may run a job twice); the outbox's dedup keys make
   these find nothing new. Before them the enqueued mails are marked sent, as a worker
   would have done within minutes;
4. the following working days, once each (the steady state: new due events only).

Tasks are published to kombu's in-memory broker (no worker, no network): the times include
handing every mail to Celery, not rendering or sending it.
"""

import argparse
import statistics
import sys
import time
from datetime import date, datetime
from datetime import time as dtime
from pathlib import Path

from common import RESULTS_DIR, Clock, display_path, drop_database, environment_lines, setup_django, split_url

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/bench_sweep"


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--initiatives", type=int, default=100_000, help="open initiatives the sweep sees")
    parser.add_argument("--municipalities", type=int, default=50)
    parser.add_argument("--villages", type=int, default=1_000)
    parser.add_argument("--database-url", default=DEFAULT_URL, help=f"PostgreSQL only (default {DEFAULT_URL})")
    parser.add_argument(
        "--today", type=date.fromisoformat, default=date(2026, 6, 9), help="the bench day (a working day)"
    )
    parser.add_argument("--repeats", type=int, default=10, help="same-day runs after the first (median reported)")
    parser.add_argument("--days", type=int, default=5, help="following working days, one run each")
    parser.add_argument("--keep", action="store_true", help="keep the bench database afterwards")
    parser.add_argument("--output", type=Path, default=RESULTS_DIR / "reminder_sweep.md")
    args = parser.parse_args(argv)
    if args.repeats < 1 or args.days < 0:
        parser.error("--repeats must be at least 1 and --days at least 0")
    return args


# --- measuring ---------------------------------------------------------------------------------


class Rollback(Exception):
    pass


def measure(day: date, *, rollback: bool = False) -> dict:
    from collections import deque

    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    from initiatives.services.reminders import reminders_run
    from notifications import services
    from notifications.models import OutboxMail

    # Django keeps the last 9,000 queries only; closures can take more.
    connection.queries_log = deque(connection.queries_log, maxlen=None)
    publishing = []
    dispatch_all = services.mail_dispatch_all

    def timed_dispatch_all(ids):
        started = time.perf_counter()
        try:
            return dispatch_all(ids)
        finally:
            publishing.append(time.perf_counter() - started)

    services.mail_dispatch_all = timed_dispatch_all  # mail_enqueue_many hands its ids over after commit
    before = OutboxMail.objects.count()
    try:
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            try:
                if rollback:
                    with transaction.atomic():
                        counts = reminders_run(today=day)
                        raise Rollback
                counts = reminders_run(today=day)
            except Rollback:
                pass
            seconds = time.perf_counter() - started
    finally:
        services.mail_dispatch_all = dispatch_all
    return {
        "day": day,
        "seconds": seconds,
        "publishing": sum(publishing),
        "queries": len(queries),
        "new_mails": OutboxMail.objects.count() - before,
        "counts": counts,
    }


def deliver_all() -> None:
    """What the worker would have done within minutes: every pending mail sent."""
    from django.utils import timezone

    from notifications.constants import OutboxStatus
    from notifications.models import OutboxMail

    OutboxMail.objects.pending().update(status=OutboxStatus.SENT, sent_at=timezone.now(), attempts=1)


def next_working_days(day: date, count: int) -> list[date]:
    from core.working_days import add_working_days

    return [add_working_days(day, n) for n in range(1, count + 1)]


def kinds(counts: dict) -> str:
    return ", ".join(f"{key} {value:,}" for key, value in counts.items() if value) or "nothing due"


def row(label: str, run: dict, mails: str, what: str) -> str:
    return f"| {label} | {run['seconds']:.2f} s | {run['publishing']:.2f} s | {run['queries']:,} | {mails} | {what} |"


def sweep_day(today: date | None = None) -> date:
    """The bench day of `run.py`: today if it is a working day, else the next working day."""
    from django.utils import timezone

    from core.working_days import next_working_day_on_or_after

    return next_working_day_on_or_after(today or timezone.localdate())


def run_sweep(day: date, *, repeats: int = 10, days: int = 5, clock=None) -> dict:
    """Warm-up (rolled back), the first run, `repeats` same-day runs, then `days` working days."""
    from core.working_days import is_working_day
    from initiatives.models import Initiative

    clock = clock or Clock()
    if not is_working_day(day):
        sys.exit(f"{day} is not a working day: the sweep does nothing on it")
    result = {"day": day, "open": Initiative.objects.open().count()}
    result["warmup"] = warmup = measure(day, rollback=True)
    clock.say(f"warm-up (rolled back): {warmup['seconds']:.2f} s, {warmup['queries']:,} queries")
    result["first"] = first = measure(day)
    clock.say(
        f"first run: {first['seconds']:.2f} s (publishing {first['publishing']:.2f} s), "
        f"{first['queries']:,} queries, {first['new_mails']:,} mails"
    )
    deliver_all()
    result["repeats"] = []
    for n in range(repeats):
        result["repeats"].append(run := measure(day))
        clock.say(f"same day again #{n + 1}: {run['seconds']:.2f} s, {run['queries']:,} queries")
    result["days"] = []
    for following in next_working_days(day, days):
        result["days"].append(run := measure(following))
        deliver_all()
        clock.say(f"{following}: {run['seconds']:.2f} s, {run['queries']:,} queries, {run['new_mails']:,} mails")
    result["open_after"] = Initiative.objects.open().count()
    return result


def goals(result: dict) -> list[dict]:
    """Item 4 has no numeric goal: its figures, for the summary."""
    first, repeats = result["first"], result["repeats"]
    median = statistics.median(r["seconds"] for r in repeats)
    steady = result["days"]
    return [
        {
            "what": f"reminder sweep over {result['open']:,} open initiatives, first run",
            "goal": "time and query count (no number set)",
            "result": f"{first['seconds']:.2f} s, {first['queries']:,} queries, {first['new_mails']:,} mails",
            "met": None,
        },
        {
            "what": "reminder sweep, same day again (nothing new)",
            "goal": "time and query count (no number set)",
            "result": f"{median:.2f} s median of {len(repeats)}, {repeats[0]['queries']:,} queries",
            "met": None,
        },
    ] + (
        [
            {
                "what": f"reminder sweep, next {len(steady)} working days",
                "goal": "time and query count (no number set)",
                "result": f"{min(r['seconds'] for r in steady):.2f}–{max(r['seconds'] for r in steady):.2f} s, "
                f"{min(r['queries'] for r in steady):,}–{max(r['queries'] for r in steady):,} queries "
                "(closures cost queries per initiative)",
                "met": None,
            }
        ]
        if steady
        else []
    )


def report(seeded, result: dict, *, command: str) -> str:
    warmup, first, repeats, days = result["warmup"], result["first"], result["repeats"], result["days"]
    median = statistics.median(r["seconds"] for r in repeats)
    repeat_queries = ", ".join(sorted({f"{r['queries']:,}" for r in repeats}))
    lines = [
        "# Item 4: the reminder sweep (`reminders_run`) on PostgreSQL",
        "",
        f"- Command: `{command}` (from the repository root, `.venv/bin/python`)",
        *environment_lines(),
        f"- Data: {seeded.data_line()}",
        f"- The sweep sees {result['open']:,} open initiatives; bench day {result['day']:%A %Y-%m-%d}, "
        f"the data dated relative to {seeded.now:%Y-%m-%d %H:%M} UTC.",
        "- Tasks go to kombu's in-memory broker (no worker, no network): the wall time includes handing each "
        'mail to Celery after the commit ("publishing"), not rendering or sending it.',
        "",
        "| Run | Wall time | of which publishing | SQL queries | Mails enqueued | What it did |",
        "|---|---:|---:|---:|---:|---|",
        row(f"Warm-up ({warmup['day']}, rolled back)", warmup, "(none kept)", "the first run's work, undone"),
        row(f"First run ({first['day']})", first, f"{first['new_mails']:,}", kinds(first["counts"])),
        f"| Same day again, median of {len(repeats)} | {median:.2f} s "
        f"(min {min(r['seconds'] for r in repeats):.2f}, max {max(r['seconds'] for r in repeats):.2f}) "
        f"| {statistics.median(r['publishing'] for r in repeats):.2f} s "
        f"| {repeat_queries} | {sum(r['new_mails'] for r in repeats):,} "
        "| every reminder deduplicated (the first run's mails marked sent before) |",
    ]
    for run in days:
        lines.append(row(f"Next working day {run['day']}", run, f"{run['new_mails']:,}", kinds(run["counts"])))
    lines += [
        "",
        "The counts per kind are the mails waiting to be sent after the run, per kind; `closed` "
        "is the number of initiatives closed after 30 working days without an answer (each "
        "closure is one workflow step with its history, audit row and mail, so it costs queries "
        "per initiative; every reminder kind costs a fixed number of queries per 500 mails).",
        f"Open initiatives after the last run: {result['open_after']:,}.",
        "",
    ]
    return "\n".join(lines)


def main(argv=None):
    from seed import add_open_initiatives, seed

    args = parse_args(argv)
    name, _admin = split_url(args.database_url)
    setup_django(args.database_url)
    from django.utils import timezone

    from core.working_days import is_working_day

    if not is_working_day(args.today):
        sys.exit(f"{args.today} is not a working day: the sweep does nothing on it")
    clock = Clock()
    try:
        print(f"seeding {args.initiatives:,} initiatives into {name}, relative to {args.today}", flush=True)
        now = timezone.make_aware(datetime.combine(args.today, dtime(7, 30)))
        seeded = seed(
            args.database_url,
            initiatives=args.initiatives,
            municipalities=args.municipalities,
            villages=args.villages,
            now=now,
            clock=clock,
        )
        add_open_initiatives(seeded, args.initiatives, clock)
        print(f"seeded in {clock.elapsed:.1f} s; {seeded.rows['open']:,} open; measuring", flush=True)
        result = run_sweep(args.today, repeats=args.repeats, days=args.days, clock=clock)
        command = "python bench/reminder_sweep.py " + " ".join(argv if argv is not None else sys.argv[1:])
        table = report(seeded, result, command=command.strip())
    finally:
        if not args.keep:
            drop_database(args.database_url)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(table)
    print()
    print(table)
    print(f"written to {display_path(args.output)}")


if __name__ == "__main__":
    main()
