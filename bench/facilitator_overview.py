"""Issue 16, goal 2: the facilitator overview /trajecten/, before and after, in alternating pairs.

    git archive 8253d7e | tar -x -C /tmp/overview_before          # the code before, once
    (cd /tmp/overview_before && ln -s /work/<worktree>/.venv .venv && \
        .venv/bin/python manage.py compilemessages -l nl --ignore=.venv)
    .venv/bin/python bench/facilitator_overview.py --before /tmp/overview_before \
        --database-url postgres://postgres@127.0.0.1:5432/bench_fac   # a database seed.py filled

Two worker processes, each with Django set up from its own code (this tree and `--before`)
against the same database (DEBUG off, `config.settings.test` as `common.setup_django`), each
signed in as the DKK facilitator of every municipality (`bench-facilitator`, OTP-verified as
`common.staff_login` does). The driver asks them in turn, pair after pair: `--warmup` untimed
requests, then the median of `--repeats` timed ones (`time.perf_counter()` around
`client.get`: middleware, view, SQL, templates; no network). Per pair the ratio after/before;
the order within a pair alternates (before first, then after first), so a busy moment of the
shared machine does not always fall on the same side. The load average is read before every
pair. `--floor` adds the empty staff page (`bench/bare/views.py`, as `officer-0-0`) in the
after worker: what any signed-in page costs before it shows anything.
"""

import argparse
import contextlib
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
URL = "/trajecten/"


def serve(code: Path, database_url: str) -> None:
    """The worker: Django from `code`, then one JSON line per command read from stdin."""
    sys.path.insert(0, str(code))
    os.chdir(code)
    os.environ.update(
        DATABASE_URL=database_url,
        DJANGO_SETTINGS_MODULE="config.settings.test",
        DEBUG="false",
        ALLOWED_HOSTS="localhost,127.0.0.1,testserver",
        CELERY_TASK_ALWAYS_EAGER="false",
        CELERY_BROKER_URL="memory://localhost/",
    )
    os.environ.pop("REDIS_URL", None)
    import logging

    import django

    django.setup()
    logging.getLogger("axes").setLevel(logging.WARNING)
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, override_settings

    def login(username):
        client = Client()
        user = get_user_model().objects.get(username=username)
        client.force_login(user)
        if "django_otp" in settings.INSTALLED_APPS:
            from django_otp import DEVICE_ID_SESSION_KEY
            from django_otp.plugins.otp_totp.models import TOTPDevice

            device, _ = TOTPDevice.objects.get_or_create(user=user, name="bench", defaults={"confirmed": True})
            session = client.session
            session[DEVICE_ID_SESSION_KEY] = device.persistent_id
            session.save()
        return client

    clients = {
        "overview": (login("bench-facilitator"), URL),
        "floor": (login("officer-0-0"), "/bench/empty-staff-page/"),
    }

    def get(client, url):
        response = client.get(url)
        if response.status_code != 200:
            raise SystemExit(f"{url} answered {response.status_code}")
        return response

    print(json.dumps({"ready": True}), flush=True)
    for line in sys.stdin:
        command = json.loads(line)
        client, url = clients[command.get("page", "overview")]
        floor = command.get("page") == "floor"
        with override_settings(ROOT_URLCONF="bench.bare.urls") if floor else contextlib.nullcontext():
            for _ in range(command["warmup"]):
                get(client, url)
            times = []
            for _ in range(command["repeats"]):
                started = time.perf_counter()
                get(client, url)
                times.append((time.perf_counter() - started) * 1000)
            with CaptureQueriesContext(connection) as queries:
                response = get(client, url)
        print(
            json.dumps(
                {
                    "median": statistics.median(times),
                    "min": min(times),
                    "max": max(times),
                    "queries": len(queries.captured_queries),
                    "sql_ms": sum(float(q["time"]) for q in queries.captured_queries) * 1000,
                    "cards": response.content.count(b"data-trajectory="),
                    "kb": len(response.content) / 1024,
                }
            ),
            flush=True,
        )


class Worker:
    def __init__(self, code: Path, database_url: str):
        self.process = subprocess.Popen(  # noqa: S603 - our own interpreter and script
            [
                sys.executable,
                str(HERE / "facilitator_overview.py"),
                "--serve",
                str(code),
                "--database-url",
                database_url,
            ],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        self.read()

    def read(self) -> dict:
        line = self.process.stdout.readline()
        if not line:
            raise SystemExit("a worker stopped")
        return json.loads(line)

    def ask(self, **command) -> dict:
        self.process.stdin.write(json.dumps(command) + "\n")
        self.process.stdin.flush()
        return self.read()

    def close(self):
        self.process.stdin.close()
        self.process.wait()


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--serve", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--before", type=Path, help="a git archive of the code before (8253d7e)")
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/bench_fac")
    parser.add_argument("--pairs", type=int, default=7)
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--repeats", type=int, default=15)
    parser.add_argument("--floor", action="store_true", help="also the empty staff page, in the after worker")
    args = parser.parse_args(argv)
    if "bench" not in args.database_url.rsplit("/", 1)[-1]:
        raise SystemExit("a bench database only (its name contains 'bench')")
    if args.serve:
        return serve(args.serve, args.database_url)
    if args.before is None:
        raise SystemExit("--before: the folder with the code before")
    after = Worker(HERE.parent, args.database_url)
    before = Worker(args.before.resolve(), args.database_url)
    command = dict(warmup=args.warmup, repeats=args.repeats)
    ratios = []
    print(
        f"{time.strftime('%Y-%m-%d %H:%M:%S', time.gmtime())} UTC, {URL}, {args.pairs} pairs, {args.warmup} "
        f"warm-up and {args.repeats} timed requests each",
        flush=True,
    )
    try:
        for number in range(1, args.pairs + 1):
            load = os.getloadavg()
            if number % 2:
                b, a = before.ask(**command), after.ask(**command)
            else:
                a, b = after.ask(**command), before.ask(**command)
            floor = after.ask(page="floor", **command) if args.floor else None
            ratio = a["median"] / b["median"]
            ratios.append(ratio)
            print(
                f"pair {number} (load {load[0]:.1f}/{load[1]:.1f}, {'before' if number % 2 else 'after'} first): "
                f"before {b['median']:.1f} ms ({b['queries']} queries, SQL {b['sql_ms']:.1f} ms, {b['cards']} cards), "
                f"after {a['median']:.1f} ms ({a['queries']} queries, SQL {a['sql_ms']:.1f} ms, {a['cards']} cards)"
                + (f", empty staff page {floor['median']:.1f} ms" if floor else "")
                + f": {ratio:.2f}",
                flush=True,
            )
    finally:
        after.close()
        before.close()
    print(
        f"ratios {', '.join(f'{r:.2f}' for r in ratios)}; median {statistics.median(ratios):.2f}, "
        f"highest {max(ratios):.2f}; load now {os.getloadavg()[0]:.1f}",
        flush=True,
    )


if __name__ == "__main__":
    main()
