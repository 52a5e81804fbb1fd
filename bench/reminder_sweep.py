"""The scheduler's daily sweep (`reminders_run`) over many open initiatives on PostgreSQL.

    .venv/bin/python bench/reminder_sweep.py --initiatives 100000

Creates the database if it is missing, migrates it, EMPTIES it and seeds it: municipalities
with villages, contact officers (each with a share of the villages) and a coordinator, and
open initiatives in every open status with due dates spread around the bench day, so that a
realistic share is overdue or nearly due. Then it measures (wall time and SQL queries):

1. warm-up: the bench day's run, rolled back (it leaves nothing behind);
2. first run: the bench day's run for real; it enqueues every reminder that is due;
3. repeats: the same day again (beat may run a job twice); the outbox's dedup keys make
   these find nothing new. Before them the enqueued mails are marked sent, as a worker
   would have done within minutes;
4. the following working days, once each (the steady state: new due events only).

Tasks are published to kombu's in-memory broker (no worker, no network): the times include
handing every mail to Celery, not rendering or sending it. The table goes to
bench/results/reminder_sweep.md and to stdout.
"""

import argparse
import platform
import random
import statistics
import subprocess
import sys
import time
from datetime import UTC, date, datetime, timedelta
from datetime import time as dtime
from pathlib import Path
from urllib.parse import urlsplit

from common import BASE_DIR, machine, postgres_version, prepare_database, setup_django

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/bench_sweep"
BATCH = 5_000


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--initiatives", type=int, default=100_000)
    parser.add_argument("--municipalities", type=int, default=50)
    parser.add_argument("--villages", type=int, default=1_000)
    parser.add_argument("--database-url", default=DEFAULT_URL, help=f"PostgreSQL only (default {DEFAULT_URL})")
    parser.add_argument(
        "--today", type=date.fromisoformat, default=date(2026, 6, 9), help="the bench day (a working day)"
    )
    parser.add_argument("--repeats", type=int, default=5, help="same-day runs after the first (median reported)")
    parser.add_argument("--days", type=int, default=5, help="following working days, one run each")
    parser.add_argument("--output", type=Path, default=BASE_DIR / "bench" / "results" / "reminder_sweep.md")
    return parser.parse_args()


# --- seeding -----------------------------------------------------------------------------------


def seed(args, rng: random.Random) -> dict:
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from initiatives.constants import AgreementParty, AgreementRole, Status
    from initiatives.models import Agreement, Initiative, StatusChange
    from municipalities.constants import OfficerRole
    from municipalities.models import Municipality, OfficerMembership
    from villages.models import Village

    User = get_user_model()
    unusable = make_password(None)  # officers of the bench never log in
    started = time.perf_counter()

    def progress(what):
        print(f"  {what} ({time.perf_counter() - started:.1f} s)", flush=True)

    call_command("migrate", verbosity=0)
    call_command("flush", interactive=False, verbosity=0)
    progress("migrated and emptied")

    today = args.today
    now = timezone.make_aware(datetime.combine(today, dtime(7, 30)))
    municipalities = Municipality.objects.bulk_create(
        Municipality(
            name=f"Gemeente {m}",
            slug=f"gemeente-{m}",
            cbs_code=f"GM{m:04d}",
            contact_email=f"initiatieven@gemeente-{m}.nl",
            first_response_working_days=5,
            decision_term_weeks=8,
        )
        for m in range(args.municipalities)
    )
    villages = Village.objects.bulk_create(
        Village(name=f"Dorp {v}", slug=f"dorp-{v}", municipality=municipalities[v % len(municipalities)])
        for v in range(args.villages)
    )
    villages_of = {m.pk: [v for v in villages if v.municipality_id == m.pk] for m in municipalities}

    # Three contact officers per municipality share 90% of its villages; a coordinator.
    users = User.objects.bulk_create(
        User(username=f"officer-{m}-{k}", email=f"officer-{m}-{k}@bench.example", password=unusable)
        for m in range(len(municipalities))
        for k in range(4)
    )
    memberships, portfolio = [], []
    officers_of = {}
    for index, municipality in enumerate(municipalities):
        staff = users[index * 4 : index * 4 + 4]
        officers_of[municipality.pk] = staff[:3]
        for k, user in enumerate(staff):
            role = OfficerRole.COORDINATOR if k == 3 else OfficerRole.CONTACT_OFFICER
            memberships.append(OfficerMembership(user=user, municipality=municipality, role=role, job_title="bench"))
    memberships = OfficerMembership.objects.bulk_create(memberships)
    through = OfficerMembership.villages.through
    for membership in memberships:
        if membership.role != OfficerRole.CONTACT_OFFICER:
            continue
        k = int(membership.user.username.rsplit("-", 1)[1])
        for n, village in enumerate(villages_of[membership.municipality_id]):
            if n % 10 != 9 and n % 3 == k:  # every tenth village has nobody: all officers hear of it
                portfolio.append(through(officermembership_id=membership.pk, village_id=village.pk))
    through.objects.bulk_create(portfolio)
    progress(f"{len(municipalities)} municipalities, {len(villages)} villages, {len(users)} officers")

    # Open initiatives. Submitted (10%): the last 14 days, no answer yet, so about half are
    # past their first-response day. The others (answered): submitted 1 to 120 days ago, 70%
    # assigned to an officer; the decision term (8 weeks) ends from 64 days ago to 8 weeks
    # ahead. Waiting for the initiator (10%): since 1 to 44 days (after 30 working days, about 42, it is closed).
    waiting_since = {}
    created = 0
    for start in range(0, args.initiatives, BATCH):
        rows = []
        for n in range(start, min(start + BATCH, args.initiatives)):
            village = villages[rng.randrange(len(villages))]
            draw = rng.random()
            status = (
                Status.SUBMITTED
                if draw < 0.10
                else Status.INTAKE
                if draw < 0.35
                else Status.IN_CONVERSATION
                if draw < 0.90
                else Status.WAITING_FOR_INITIATOR
            )
            if status == Status.SUBMITTED:
                submitted = now - timedelta(days=rng.randint(0, 14), hours=rng.randint(0, 9))
                answered, officer = None, None
            else:
                submitted = now - timedelta(days=rng.randint(1, 120), hours=rng.randint(0, 9))
                answered = submitted + timedelta(days=2)
                officer = rng.choice(officers_of[village.municipality_id]) if rng.random() < 0.7 else None
            rows.append(
                Initiative(
                    reference=f"B{n:08d}",
                    title="Bench-initiatief",
                    goal="-",
                    description="-",
                    village_id=village.pk,
                    municipality_id=village.municipality_id,
                    initiator_name="Bewoner",
                    initiator_email="" if n % 20 == 0 else f"bewoner{n}@bench.example",
                    status=status,
                    assigned_officer=officer,
                    submitted_at=submitted,
                    first_response_due=submitted.date() + timedelta(days=7),
                    first_response_at=answered,
                    decision_due=submitted.date() + timedelta(weeks=8),
                )
            )
        for initiative in Initiative.objects.bulk_create(rows):
            if initiative.status == Status.WAITING_FOR_INITIATOR:
                waiting_since[initiative.pk] = now - timedelta(days=rng.randint(1, 44))
        created += len(rows)
        progress(f"initiatives {created:,}/{args.initiatives:,}")

    # The history row the waiting rules read; created_at is normally "now", here the past.
    created_at = StatusChange._meta.get_field("created_at")
    created_at.auto_now_add = False
    try:
        StatusChange.objects.bulk_create(
            (
                StatusChange(
                    initiative_id=pk,
                    from_status=Status.IN_CONVERSATION,
                    to_status=Status.WAITING_FOR_INITIATOR,
                    created_at=since,
                )
                for pk, since in waiting_since.items()
            ),
            batch_size=BATCH,
        )
    finally:
        created_at.auto_now_add = True
    progress(f"{len(waiting_since):,} waiting-for-initiator histories")

    # Agreements of initiatives in conversation: due in 0 to 60 days, one in three the initiator's.
    conversation = list(
        Initiative.objects.filter(status=Status.IN_CONVERSATION)
        .order_by("pk")
        .values_list("pk", flat=True)[: args.initiatives // 20]
    )
    Agreement.objects.bulk_create(
        (
            Agreement(
                initiative_id=pk,
                party=AgreementParty.INITIATOR if n % 3 == 0 else AgreementParty.MUNICIPALITY,
                role=AgreementRole.FACILITATE,
                description="-",
                due_date=today + timedelta(days=rng.randint(0, 60)),
            )
            for n, pk in enumerate(conversation)
        ),
        batch_size=BATCH,
    )
    progress(f"{len(conversation):,} agreements")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # planner statistics, as autovacuum keeps them in production
    progress("ANALYZE")
    return {"seconds": time.perf_counter() - started, "waiting": len(waiting_since), "agreements": len(conversation)}


# --- measuring ---------------------------------------------------------------------------------


class Rollback(Exception):
    pass


def measure(day: date, *, rollback: bool = False) -> dict:
    from collections import deque

    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    from initiatives.reminders import reminders_run
    from notifications import services
    from notifications.models import OutboxMail

    # Django keeps the last 9,000 queries only; closures can take more.
    connection.queries_log = deque(connection.queries_log, maxlen=None)
    publishing = []
    dispatch_all = services._dispatch_all

    def timed_dispatch_all(ids):
        started = time.perf_counter()
        try:
            return dispatch_all(ids)
        finally:
            publishing.append(time.perf_counter() - started)

    services._dispatch_all = timed_dispatch_all  # mail_enqueue_many hands its ids over after commit
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
        services._dispatch_all = dispatch_all
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
    from initiatives.deadlines import add_working_days

    return [add_working_days(day, n) for n in range(1, count + 1)]


def kinds(counts: dict) -> str:
    return ", ".join(f"{key} {value:,}" for key, value in counts.items() if value) or "nothing due"


def row(label: str, run: dict, mails: str, what: str) -> str:
    return f"| {label} | {run['seconds']:.2f} s | {run['publishing']:.2f} s | {run['queries']:,} | {mails} | {what} |"


def report(args, seeded: dict, warmup: dict, first: dict, repeats: list[dict], days: list[dict]) -> str:
    from initiatives.models import Initiative

    command = "python bench/reminder_sweep.py " + " ".join(sys.argv[1:])
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
    median = statistics.median(r["seconds"] for r in repeats)
    repeat_queries = ", ".join(sorted({f"{r['queries']:,}" for r in repeats}))
    lines = [
        "# Reminder sweep (`reminders_run`) on PostgreSQL",
        "",
        f"- Command: `{command}` (from the repository root, `.venv/bin/python`)",
        f"- Date: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, commit {commit or '?'} (plus working-tree changes)",
        f"- Machine: {machine()}; {postgres_version()} on the same machine; Python {platform.python_version()}",
        f"- Data: {args.initiatives:,} open initiatives, {args.municipalities} municipalities, "
        f"{args.villages:,} villages, 3 contact officers + 1 coordinator per municipality, "
        f"{seeded['waiting']:,} waiting for the initiator, {seeded['agreements']:,} open agreements; "
        f"bench day {args.today:%A %Y-%m-%d}",
        f"- Seeding took {seeded['seconds']:.0f} s. Tasks go to kombu's in-memory broker (no worker, no "
        'network): the wall time includes handing each mail to Celery after the commit ("publishing"), '
        "not rendering or sending it.",
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
        f"Open initiatives after the last run: {Initiative.objects.open().count():,}.",
        "",
    ]
    return "\n".join(lines)


def main():
    args = parse_args()
    prepare_database(args.database_url)
    setup_django(args.database_url)
    from initiatives.deadlines import is_working_day

    if not is_working_day(args.today):
        sys.exit(f"{args.today} is not a working day: the sweep does nothing on it")
    rng = random.Random(20260609)  # the same data on every run

    print(f"seeding {args.initiatives:,} open initiatives into {urlsplit(args.database_url).path.lstrip('/')}")
    seeded = seed(args, rng)
    print(f"seeded in {seeded['seconds']:.1f} s")

    warmup = measure(args.today, rollback=True)
    print(f"warm-up (rolled back): {warmup['seconds']:.2f} s, {warmup['queries']:,} queries")
    first = measure(args.today)
    print(
        f"first run: {first['seconds']:.2f} s (publishing {first['publishing']:.2f} s), "
        f"{first['queries']:,} queries, {first['new_mails']:,} mails"
    )
    deliver_all()
    repeats = []
    for n in range(args.repeats):
        repeats.append(measure(args.today))
        print(f"same day again #{n + 1}: {repeats[-1]['seconds']:.2f} s, {repeats[-1]['queries']:,} queries")
    days = []
    for day in next_working_days(args.today, args.days):
        days.append(measure(day))
        deliver_all()
        run = days[-1]
        print(f"{day}: {run['seconds']:.2f} s, {run['queries']:,} queries, {run['new_mails']:,} mails")

    table = report(args, seeded, warmup, first, repeats, days)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(table)
    print()
    print(table)
    print(f"written to {args.output.relative_to(BASE_DIR) if args.output.is_relative_to(BASE_DIR) else args.output}")


if __name__ == "__main__":
    main()
