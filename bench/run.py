"""The speed benchmarks of issue 7 in one run: seed once, measure everything, write the tables.

    .venv/bin/python bench/run.py

1. seeds PostgreSQL once (`seed.py`: 100,000 initiatives over 50 municipalities and 1,000
   villages, with histories, messages, decisions, tracking links and trajectories);
2. item 1: the triage list against the Django admin changelist (`triage_list.py`);
3. item 2: the tracking page, the gallery, the statistics and the facilitator overview (`pages.py`);
4. item 4: adds open initiatives until 100,000 are open, then the reminder sweep (`reminder_sweep.py`);
5. items 3 and 5: public submissions under gunicorn and a worker's memory, by
   `bench/server.py`'s `main()` in a fresh interpreter, when that file exists (else skipped);
6. writes bench/results/<item>.md and bench/results/summary.md (every goal and its verdict),
   and drops the database unless --keep.

Items 1, 2 and 4 are in-process (`django.test.Client`, DEBUG off), median of --repeats after
--warmup requests. Progress is printed throughout.
"""

import argparse
import ast
import os
import subprocess
import sys
import time
from pathlib import Path

from common import (
    BASE_DIR,
    RESULTS_DIR,
    Clock,
    display_path,
    drop_database,
    environment_lines,
    setup_django,
    split_url,
)

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/bench"
ITEMS = {
    "1": "triage",
    "2": "pages",
    "3": "throughput",
    "4": "sweep",
    "5": "memory",
}
SERVER = BASE_DIR / "bench" / "server.py"


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description="Seed once, then measure every item of issue 7 and write bench/results/.",
        epilog="Items: 1 triage, 2 pages, 3 throughput, 4 sweep, 5 memory (3 and 5 need bench/server.py).",
    )
    parser.add_argument("--initiatives", type=int, default=100_000, help="initiatives over every status (100,000)")
    parser.add_argument(
        "--open", type=int, default=None, help="open initiatives the reminder sweep sees (default: --initiatives)"
    )
    parser.add_argument("--municipalities", type=int, default=50)
    parser.add_argument("--villages", type=int, default=1_000)
    parser.add_argument("--warmup", type=int, default=3, help="untimed requests before each page")
    parser.add_argument("--repeats", type=int, default=10, help="timed requests per page (median reported)")
    parser.add_argument("--sweep-repeats", type=int, default=3, help="same-day sweeps after the first (median)")
    parser.add_argument("--sweep-days", type=int, default=3, help="following working days the sweep runs once each")
    parser.add_argument("--keep", action="store_true", help="keep the bench database afterwards")
    parser.add_argument("--database-url", default=DEFAULT_URL, help=f"PostgreSQL only (default {DEFAULT_URL})")
    parser.add_argument(
        "--only", default="", help="comma list of items to run, by number or name (e.g. 1,2 or triage,sweep)"
    )
    parser.add_argument("--skip-server", action="store_true", help="skip items 3 and 5 (bench/server.py)")
    parser.add_argument("--server-args", default="", help="arguments passed on to bench/server.py's main()")
    parser.add_argument("--output-dir", type=Path, default=RESULTS_DIR)
    args = parser.parse_args(argv)
    if args.repeats < 10:
        print("note: the issue asks for the median of at least 10; --repeats is below that", flush=True)
    if args.repeats < 1 or args.warmup < 0:
        parser.error("--repeats must be at least 1 and --warmup at least 0")
    names = {name: number for number, name in ITEMS.items()}
    chosen = set()
    for part in filter(None, (p.strip() for p in args.only.split(","))):
        number = part if part in ITEMS else names.get(part)
        if number is None:
            parser.error(f"--only: unknown item {part!r} (use {', '.join(f'{n} {m}' for n, m in ITEMS.items())})")
        chosen.add(number)
    args.items = chosen or set(ITEMS)
    if args.skip_server:
        args.items -= {"3", "5"}
    args.open = args.initiatives if args.open is None else args.open
    return args


def heading(clock: Clock, text: str) -> None:
    print(f"\n== [{clock.elapsed:6.1f} s] {text}", flush=True)


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    print(f"  written to {display_path(path)}", flush=True)


# --- items 3 and 5 ----------------------------------------------------------------------------


def server_available() -> str | None:
    """None when bench/server.py exists with a `main`; otherwise why it is skipped."""
    if not SERVER.exists():
        return "bench/server.py does not exist (yet)"
    try:
        tree = ast.parse(SERVER.read_text())
    except SyntaxError as error:
        return f"bench/server.py does not parse: {error}"
    if not any(isinstance(node, ast.FunctionDef) and node.name == "main" for node in tree.body):
        return "bench/server.py has no main()"
    return None


def run_server(args, clock: Clock) -> dict:
    """`server.main([...])` in a fresh interpreter: it sets Django up on its own database, which one
    process cannot do twice (this one is set up on the in-process bench database)."""
    import shlex

    why = server_available()
    if why:
        print(f"  skipped: {why}", flush=True)
        return {"status": "skipped", "why": why}
    argv = shlex.split(args.server_args)
    if not any(arg == "--output" or arg.startswith("--output=") for arg in argv):
        argv += ["--output", str(args.output_dir / "server.md")]
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE")}
    code = (
        "import sys; sys.path.insert(0, 'bench'); import server; "
        "result = server.main(sys.argv[1:]); sys.exit(result if isinstance(result, int) else 0)"
    )
    print(f"  server.main({argv!r}) in a fresh interpreter", flush=True)
    started = time.perf_counter()
    completed = subprocess.run([sys.executable, "-c", code, *argv], cwd=BASE_DIR, env=env, check=False)  # noqa: S603
    seconds = time.perf_counter() - started
    clock.say(f"bench/server.py finished with exit code {completed.returncode} in {seconds:.0f} s")
    return {
        "status": "ran" if completed.returncode == 0 else "failed",
        "code": completed.returncode,
        "seconds": seconds,
        "goals": server_goals(args.output_dir / "server.md") if completed.returncode == 0 else [],
    }


def server_goals(path: Path) -> list[tuple[str, str, str]]:
    """The rows of the "## Goals" table server.py (and scale.py, scale_out.py) writes: (goal, result, verdict)."""
    if not path.exists():
        return []
    rows, inside = [], False
    for line in path.read_text().splitlines():
        if line.startswith("## "):
            inside = line.strip() == "## Goals"
            continue
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        header = cells[0] == "Goal" or cells[0].startswith("---")
        if inside and line.startswith("|") and len(cells) == 3 and not header:
            rows.append(tuple(cells))
    return rows


# --- the summary ------------------------------------------------------------------------------


def load_line() -> str:
    if not hasattr(os, "getloadavg"):
        return "load average unknown"
    one, five, fifteen = os.getloadavg()
    return f"load average at the end {one:.1f} / {five:.1f} / {fifteen:.1f} on {os.cpu_count()} cores"


def verdict(met) -> str:
    return "–" if met is None else ("met" if met else "**missed**")


# Issue 16's goals 5 and 6 take their own runs (a million initiatives; two servers, two workers and
# an S3 server): the summary copies the verdicts of their latest committed results.
SEPARATE = {
    "5 (issue 16)": "scale.md",
    "6 (issue 16)": "scale_out.md",
}


def result_header(path: Path) -> str:
    """When a committed result file was measured, from its first "- Date:" line (its command is in
    the file)."""
    for line in path.read_text().splitlines():
        if line.startswith("- Date: "):
            return "measured " + line.removeprefix("- Date: ").split(" (")[0]
    return "no date"


def separate_runs(output_dir: Path) -> list[str]:
    lines = ["", "## Measured in runs of their own", ""]
    table = ["", "| Goal | Check | Result | Verdict |", "|---|---|---|---|"]
    for number, name in SEPARATE.items():
        path = output_dir / name
        rows = server_goals(path)
        if not rows:
            lines.append(f"- Goal {number}: no result committed yet ([{name}]({name})).")
            continue
        lines.append(f"- Goal {number}: [{name}]({name}), {result_header(path)}.")
        table += [f"| {number} | {goal} | {result} | {ok} |" for goal, result, ok in rows]
    return lines + table


def summary(args, seeded, done: dict, command: str, seconds: float, phases: list, env: list[str]) -> str:
    lines = [
        "# Speed (issues 7 and 16): one run of `bench/run.py`",
        "",
        f"- Command: `{command}` (from the repository root, `.venv/bin/python`)",
        *env,
        f"- The whole run took {seconds / 60:.1f} minutes ({seconds:.0f} s): "
        + ", ".join(f"{name} {secs:.0f} s" for name, secs in phases[:-1])
        + f"; {phases[-1][0]}: {phases[-1][1]:.0f} s (PostgreSQL's not counted); "
        + load_line()
        + ".",
    ]
    if seeded is not None:
        lines.append(f"- Data: {seeded.data_line()}")
    lines += [
        "- Items 1, 2 and 4 are measured in-process (`django.test.Client`, DEBUG off, PostgreSQL on the same "
        f"machine), the median of {args.repeats} requests after {args.warmup} warm-up ones; the tables "
        "have min/max, query counts, SQL time and the slowest queries.",
        "",
        "| Item | What | Goal | Result | Verdict |",
        "|---|---|---|---|---|",
    ]
    files = {
        "1": "triage_list.md",
        "2": "pages.md",
        "4": "reminder_sweep.md",
    }
    for number in ("1", "2", "4"):
        if number not in done:
            link = f"[{files[number]}]({files[number]})"
            lines.append(
                f"| {number} | {ITEMS[number]} | | not run this time (`--only`) | see {link} of an earlier run |"
            )
            continue
        for goal in done[number]:
            result = goal["result"] + (" — **slow**" if goal.get("slow") else "")
            lines.append(f"| {number} | {goal['what']} | {goal['goal']} | {result} | {verdict(goal['met'])} |")
    server = done.get("server")
    committed = args.output_dir / "server.md"
    if server is not None and server.get("goals"):
        for goal, result, ok in server["goals"]:
            lines.append(f"| 3, 5 | under gunicorn ([server.md](server.md)) | {goal} | {result} | {ok} |")
    elif server is None and server_goals(committed):
        where = f"under gunicorn ([server.md](server.md), not this run: {result_header(committed)})"
        for goal, result, ok in server_goals(committed):
            lines.append(f"| 3, 5 | {where} | {goal} | {result} | {ok} |")
    else:
        for number in ("3", "5"):
            if server is None:
                why = "skipped (`--skip-server`)" if args.skip_server else "not run this time (`--only`)"
            elif server["status"] == "skipped":
                why = f"skipped: {server['why']}"
            elif server["status"] == "failed":
                why = f"bench/server.py failed (exit code {server['code']})"
            else:
                why = "measured by bench/server.py: see [server.md](server.md) for its goals and verdicts"
            lines.append(f"| {number} | {ITEMS[number]} (gunicorn) | see server.md | {why} | – |")
    lines += separate_runs(args.output_dir)
    lines += [
        "",
        "Tables: "
        + ", ".join(f"[{f}]({f})" for f in (*files.values(), "server.md", "statistics.md", *SEPARATE.values()))
        + ".",
    ]
    slow = [goal for goal in done.get("2", []) if goal.get("slow")]
    missed = {number: [goal for goal in done.get(number, []) if goal["met"] is False] for number in ("1", "2", "4")}
    if any(missed.values()) or slow:
        lines += ["", "## What is slow", ""]
        for number, goals in missed.items():
            if goals:
                link = f"[{files[number]}]({files[number]})"
                lines.append(
                    f"- Item {number}: {len(goals)} of {len(done[number])} goals missed "
                    f"({'; '.join(goal['what'] for goal in goals)}); see {link}."
                )
        for goal in slow:
            lines.append(f"- Item 2: {goal['what']}: {goal['result']} ([pages.md](pages.md), “What looks slow”).")
    lines.append("")
    return "\n".join(lines)


# --- the run ----------------------------------------------------------------------------------


def main(argv=None):  # noqa: C901, PLR0915 - the phases in order
    args = parse_args(argv)
    name, _admin = split_url(args.database_url)
    command = ("python bench/run.py " + " ".join(argv if argv is not None else sys.argv[1:])).strip()
    clock = Clock()
    phases = []
    started, cpu_started = time.perf_counter(), time.process_time()

    def phase_done(label, since):
        phases.append((label, time.perf_counter() - since))

    in_process = args.items & {"1", "2", "4"}
    print(f"bench/run.py: items {', '.join(f'{n} {ITEMS[n]}' for n in sorted(args.items))}", flush=True)
    done, seeded, env = {}, None, None
    try:
        if in_process:
            setup_django(args.database_url)
            heading(clock, f"seeding {args.initiatives:,} initiatives into {name}")
            since = time.perf_counter()
            from seed import seed

            seeded = seed(
                args.database_url,
                initiatives=args.initiatives,
                municipalities=args.municipalities,
                villages=args.villages,
                clock=clock,
            )
            phase_done("seeding", since)
            env = environment_lines()

        if "1" in args.items:
            import triage_list

            heading(clock, "item 1: the triage list against the admin changelist")
            since = time.perf_counter()
            results = triage_list.run_cases(seeded, warmup=args.warmup, repeats=args.repeats, clock=clock)
            text = triage_list.report(seeded, results, command=command, warmup=args.warmup, repeats=args.repeats)
            write(args.output_dir / "triage_list.md", text)
            done["1"] = triage_list.goals(results)
            phase_done("item 1", since)

        if "2" in args.items:
            import pages

            heading(clock, "item 2: tracking page, gallery, statistics, facilitator overview")
            since = time.perf_counter()
            results = pages.run_pages(seeded, warmup=args.warmup, repeats=args.repeats, clock=clock)
            text = pages.report(seeded, results, command=command, warmup=args.warmup, repeats=args.repeats)
            write(args.output_dir / "pages.md", text)
            done["2"] = pages.goals(results)
            phase_done("item 2", since)

        if "4" in args.items:
            import reminder_sweep
            from seed import add_open_initiatives

            heading(clock, f"item 4: the reminder sweep over {args.open:,} open initiatives")
            since = time.perf_counter()
            added = add_open_initiatives(seeded, args.open, clock)
            clock.say(f"{added:,} open initiatives added; {seeded.rows['open']:,} open")
            phase_done("adding open initiatives", since)
            since = time.perf_counter()
            result = reminder_sweep.run_sweep(
                reminder_sweep.sweep_day(), repeats=args.sweep_repeats, days=args.sweep_days, clock=clock
            )
            path = args.output_dir / "reminder_sweep.md"
            before = reminder_sweep.kept_sections(path)
            write(path, reminder_sweep.report(seeded, result, command=command, before=before))
            done["4"] = reminder_sweep.goals(result)
            phase_done("item 4", since)
    finally:
        if in_process and not args.keep:
            drop_database(args.database_url)

    if args.items & {"3", "5"}:
        heading(clock, "items 3 and 5: under gunicorn (bench/server.py)")
        since = time.perf_counter()
        done["server"] = run_server(args, clock)
        phase_done("items 3 and 5", since)

    seconds = time.perf_counter() - started
    phases.append(("CPU time of this process", time.process_time() - cpu_started))
    heading(clock, "summary")
    text = summary(args, seeded, done, command, seconds, phases, env or environment_lines(with_postgres=False))
    write(args.output_dir / "summary.md", text)
    print()
    print(text)
    print(f"bench/run.py took {seconds / 60:.1f} minutes", flush=True)


if __name__ == "__main__":
    main()
