"""Item 4 (issue 16, goal 3): the scheduler's daily sweep (`reminders_run`) over 100,000 open
initiatives on PostgreSQL.

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
    parser.add_argument("--profile", action="store_true", help="profile one more same-day run (pyinstrument)")
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
    from notifications import services, tasks
    from notifications.models import OutboxMail

    # Django keeps the last 9,000 queries only; closures can take more.
    connection.queries_log = deque(connection.queries_log, maxlen=None)
    publishing = []
    published = []  # tasks handed to the broker: one per mail, or one per batch of mails
    dispatch_all = services.mail_dispatch_all

    def timed_dispatch_all(ids):
        started = time.perf_counter()
        try:
            return dispatch_all(ids)
        finally:
            publishing.append(time.perf_counter() - started)

    def counting(task):
        delay = task.delay

        def counted_delay(*args, **kwargs):
            published.append(task.name)
            return delay(*args, **kwargs)

        return delay, counted_delay

    counted = [task for task in (tasks.outbox_send, getattr(tasks, "outbox_send_batch", None)) if task]
    originals = {}
    for task in counted:
        originals[task], task.delay = counting(task)
    services.mail_dispatch_all = timed_dispatch_all  # mail_enqueue_many hands its ids over after commit
    before = OutboxMail.objects.count()
    try:
        with CaptureQueriesContext(connection) as queries:
            started, cpu_started = time.perf_counter(), time.process_time()
            try:
                if rollback:
                    with transaction.atomic():
                        counts = reminders_run(today=day)
                        raise Rollback
                counts = reminders_run(today=day)
            except Rollback:
                pass
            seconds, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    finally:
        services.mail_dispatch_all = dispatch_all
        for task, delay in originals.items():
            task.delay = delay
    return {
        "day": day,
        "seconds": seconds,
        "cpu": cpu,
        "sql": sum(float(query["time"]) for query in queries.captured_queries),
        "publishing": sum(publishing),
        "tasks": len(published),
        "queries": len(queries),
        "new_mails": OutboxMail.objects.count() - before,
        "counts": counts,
    }


def vacuum_analyze() -> None:
    """What autovacuum does within minutes of a run that wrote and updated this many rows."""
    from django.db import connection

    with connection.cursor() as cursor:
        for table in ("notifications_outboxmail", "initiatives_initiative", "initiatives_statuschange"):
            cursor.execute(f"VACUUM ANALYZE {table}")


def profile(day: date) -> str:
    """A pyinstrument profile of one same-day run (product code only), or why there is none."""
    try:
        from pyinstrument import Profiler
    except ImportError:
        return "(pyinstrument is not installed: `.venv/bin/pip install pyinstrument`, a bench-only tool)"
    from initiatives.services.reminders import reminders_run

    profiler = Profiler(interval=0.001)
    profiler.start()
    reminders_run(today=day)
    profiler.stop()
    return profiler.output_text(unicode=False, color=False, show_all=False)


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
    return (
        f"| {label} | {run['seconds']:.2f} s | {run['cpu']:.2f} s | {run['sql']:.2f} s | {run['publishing']:.2f} s "
        f"| {run['tasks']:,} | {run['queries']:,} | {mails} | {what} |"
    )


def sweep_day(today: date | None = None) -> date:
    """The bench day of `run.py`: today if it is a working day, else the next working day."""
    from django.utils import timezone

    from core.working_days import next_working_day_on_or_after

    return next_working_day_on_or_after(today or timezone.localdate())


def run_sweep(day: date, *, repeats: int = 10, days: int = 5, clock=None, with_profile: bool = False) -> dict:
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
        f"first run: {first['seconds']:.2f} s (publishing {first['publishing']:.2f} s, {first['tasks']:,} tasks), "
        f"{first['queries']:,} queries, {first['new_mails']:,} mails"
    )
    deliver_all()
    result["cold"] = cold = measure(day)
    clock.say(f"same day again, before autovacuum: {cold['seconds']:.2f} s, {cold['queries']:,} queries")
    vacuum_analyze()
    result["repeats"] = []
    for n in range(repeats):
        result["repeats"].append(run := measure(day))
        clock.say(f"same day again #{n + 1}: {run['seconds']:.2f} s, {run['queries']:,} queries")
    if with_profile:
        result["profile"] = profile(day)
        clock.say("profiled one more same-day run")
    result["days"] = []
    for following in next_working_days(day, days):
        result["days"].append(run := measure(following))
        deliver_all()
        vacuum_analyze()
        clock.say(
            f"{following}: {run['seconds']:.2f} s, {run['queries']:,} queries, {run['new_mails']:,} mails, "
            f"{run['tasks']:,} tasks"
        )
    result["open_after"] = Initiative.objects.open().count()
    return result


# Goal 3 of issue 16.
NOTHING_TO_SEND_SECONDS = 1.0
NOTHING_TO_SEND_QUERIES = 20


def _touched(run: dict) -> int:
    return sum(run["counts"].values())


def goals(result: dict) -> list[dict]:
    """Goal 3 of issue 16, for the summary."""
    first, repeats = result["first"], result["repeats"]
    median = statistics.median(r["seconds"] for r in repeats)
    most = max(r["queries"] for r in repeats)
    busy = [first, *result["days"]]
    low, high = min(r["queries"] for r in busy), max(r["queries"] for r in busy)
    return [
        {
            "what": f"reminder sweep over {result['open']:,} open initiatives, nothing to send (same day again)",
            "goal": f"≤ {NOTHING_TO_SEND_SECONDS:g} s and ≤ {NOTHING_TO_SEND_QUERIES} queries",
            "result": f"{median:.2f} s median of {len(repeats)}, {most:,} queries",
            "met": median <= NOTHING_TO_SEND_SECONDS and most <= NOTHING_TO_SEND_QUERIES,
        },
        {
            "what": f"reminder sweep, first run and next {len(result['days'])} working days",
            "goal": "queries independent of the initiatives touched",
            "result": f"{low:,}–{high:,} queries for {min(map(_touched, busy)):,}–{max(map(_touched, busy)):,} "
            f"mails and closures; first run {first['seconds']:.2f} s",
            "met": high - low <= 5 and high <= 40,
        },
    ]


def report(seeded, result: dict, *, command: str, before: str = "") -> str:
    warmup, first, cold, repeats, days = (
        result["warmup"],
        result["first"],
        result["cold"],
        result["repeats"],
        result["days"],
    )
    median = statistics.median(r["seconds"] for r in repeats)
    repeat_queries = ", ".join(sorted({f"{r['queries']:,}" for r in repeats}))
    lines = [
        "# Item 4 / issue 16 goal 3: the reminder sweep (`reminders_run`) on PostgreSQL",
        "",
        f"- Command: `{command}` (from the repository root, `.venv/bin/python`)",
        *environment_lines(),
        f"- Data: {seeded.data_line()}",
        f"- The sweep sees {result['open']:,} open initiatives; bench day {result['day']:%A %Y-%m-%d}, "
        f"the data dated relative to {seeded.now:%Y-%m-%d %H:%M} UTC.",
        "- Tasks go to kombu's in-memory broker (no worker, no network): the wall time includes handing the "
        'mails to Celery after the commit ("publishing"; "tasks" is how many tasks that took), not rendering '
        "or sending them. CPU is this process's (Python); SQL is the time the queries took as seen from "
        "Python. After each run every mail is marked sent, as a worker would have done; from the second "
        "same-day run on, and after each following day, the tables the run wrote are VACUUM ANALYZEd (what "
        "autovacuum does within minutes of such a run).",
        "",
        "| Run | Wall time | CPU | SQL | of which publishing | Tasks | SQL queries | Mails enqueued | What it did |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---|",
        row(f"Warm-up ({warmup['day']}, rolled back)", warmup, "(none kept)", "the first run's work, undone"),
        row(f"First run ({first['day']})", first, f"{first['new_mails']:,}", kinds(first["counts"])),
        row("Same day again, before autovacuum", cold, f"{cold['new_mails']:,}", "nothing new"),
        f"| Same day again, median of {len(repeats)} | {median:.2f} s "
        f"(min {min(r['seconds'] for r in repeats):.2f}, max {max(r['seconds'] for r in repeats):.2f}) "
        f"| {statistics.median(r['cpu'] for r in repeats):.2f} s "
        f"| {statistics.median(r['sql'] for r in repeats):.2f} s "
        f"| {statistics.median(r['publishing'] for r in repeats):.2f} s | {sum(r['tasks'] for r in repeats):,} "
        f"| {repeat_queries} | {sum(r['new_mails'] for r in repeats):,} "
        "| every reminder deduplicated (the first run's mails marked sent before) |",
    ]
    for run in days:
        lines.append(row(f"Next working day {run['day']}", run, f"{run['new_mails']:,}", kinds(run["counts"])))
    lines += [
        "",
        "The counts per kind are the mails waiting to be sent after the run, per kind; `closed` "
        "is the number of initiatives closed after 30 working days without an answer (one bulk "
        "workflow step for all of them: status history, audit line and closure notice each).",
        f"Open initiatives after the last run: {result['open_after']:,}.",
        "",
        "## Verdict (issue 16, goal 3)",
        "",
    ]
    for goal in goals(result):
        verdict = "met" if goal["met"] else "**missed**"
        lines.append(f"- {goal['what']}: goal {goal['goal']}; {goal['result']}: {verdict}.")
    lines.append("")
    if result.get("profile"):
        lines += ["## Profile of one more same-day run (pyinstrument)", "", "```", result["profile"].strip(), "```", ""]
    if before:
        lines += [before.rstrip(), ""]
    return "\n".join(lines)


BEFORE_HEADING = "## Before and after"


def kept_sections(path: Path) -> str:
    """The hand-written comparison at the end of the results file, kept when the table is written again."""
    if not path.exists():
        return ""
    text = path.read_text()
    return text[text.index(BEFORE_HEADING) :] if BEFORE_HEADING in text else ""


def main(argv=None):
    from seed import add_open_initiatives, seed

    args = parse_args(argv)
    name, _admin = split_url(args.database_url)
    setup_django(args.database_url)
    from django.utils import timezone

    from core.working_days import dutch_holidays

    # The calendar without the database (it does not exist yet); run_sweep checks the decreed days too.
    if args.today.weekday() >= 5 or args.today in dutch_holidays(args.today.year):
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
        result = run_sweep(args.today, repeats=args.repeats, days=args.days, clock=clock, with_profile=args.profile)
        command = "python bench/reminder_sweep.py " + " ".join(argv if argv is not None else sys.argv[1:])
        table = report(seeded, result, command=command.strip(), before=kept_sections(args.output))
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
