"""The reminder sweep's queries on a kept bench database: their plans (EXPLAIN ANALYZE) and a profile.

    .venv/bin/python bench/reminder_sweep.py --keep         # keeps postgres://…/bench_sweep
    .venv/bin/python bench/sweep_plans.py --database-url postgres://postgres@127.0.0.1:5432/bench_sweep \
        --today 2026-06-16 --profile --explain

Runs `reminders_run(today=...)` once inside a transaction that is rolled back (the database is
left as it was), with `CaptureQueriesContext`, then prints:

- the run's wall time, this process's CPU time, the number of queries and their SQL time;
- with `--profile`, a pyinstrument profile of the run (a bench-only tool: `.venv/bin/pip install
  pyinstrument`);
- with `--explain`, `EXPLAIN (ANALYZE, BUFFERS)` of every SELECT of the run (FOR UPDATE left
  out), its execution time and its plan; `--only TEXT` keeps the queries whose SQL contains TEXT.

This is how the sweep was profiled for issue 16 (goal 3): the day after the bench's last day
repeats nothing, so it shows the cost of a day with nothing to send.
"""

import argparse
import sys
import time
from datetime import date

from common import setup_django, split_url


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", required=True, help="a kept bench database (PostgreSQL, name with 'bench')")
    parser.add_argument("--today", type=date.fromisoformat, required=True, help="the day the sweep runs for")
    parser.add_argument("--profile", action="store_true", help="a pyinstrument profile of the run")
    parser.add_argument("--explain", action="store_true", help="EXPLAIN (ANALYZE, BUFFERS) of every SELECT")
    parser.add_argument("--only", default="", help="explain only the queries whose SQL contains this text")
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    split_url(args.database_url)  # PostgreSQL and a bench database only
    setup_django(args.database_url)
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    from initiatives.services.reminders import reminders_run

    profiler = None
    if args.profile:
        try:
            from pyinstrument import Profiler
        except ImportError:
            sys.exit("pyinstrument is not installed: `.venv/bin/pip install pyinstrument` (a bench-only tool)")
        profiler = Profiler(interval=0.001)
    with CaptureQueriesContext(connection) as queries:
        if profiler:
            profiler.start()
        started, cpu_started = time.perf_counter(), time.process_time()
        with transaction.atomic():
            counts = reminders_run(today=args.today)
            transaction.set_rollback(True)
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu_started
        if profiler:
            profiler.stop()
    sql = sum(float(query["time"]) for query in queries.captured_queries)
    print(f"{args.today}: {seconds:.2f} s wall, {cpu:.2f} s CPU, {len(queries)} queries, {sql:.2f} s SQL; {counts}")
    if profiler:
        print(profiler.output_text(unicode=False, color=False, show_all=False))
    if not args.explain:
        return
    with connection.cursor() as cursor:
        for number, query in enumerate(queries.captured_queries, 1):
            text = query["sql"]
            if not text.startswith("SELECT") or args.only not in text:
                continue
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + text.replace(" FOR UPDATE", ""))
            plan = [row[0] for row in cursor.fetchall()]
            took = next((line for line in plan if line.startswith("Execution Time")), "")
            print(f"\n=== query {number} ({float(query['time']) * 1000:.0f} ms in the run; {took})\n{text}\n")
            print("\n".join(plan))


if __name__ == "__main__":
    main()
