"""CPU per request of the public submission and of the bare insert view, in process.

    .venv/bin/python bench/submit_cpu.py --database-url postgres://postgres@127.0.0.1:5432/bench_server

What bench/server.py measures under gunicorn (worker CPU per request), without gunicorn and
wrk: the same multipart body (`server.form_fields`, `server.multipart`) POSTed with
django.test.Client to `/initiatieven/nieuw/` and to `/bench/bare-insert/`, with CSRF checks on
(the cookie and the form token of one browser, as under wrk), production's settings
(`bench.bare.settings`, DEBUG off). `time.process_time()`, not the wall clock: on a machine
shared with other work the CPU a request costs varies much less than its time. The two views
take turns in blocks of 20 requests, so both meet the same conditions; the report gives the
median of the blocks. `--new-connection` closes the database connection after each request, as
gunicorn does with CONN_MAX_AGE=0 (a PostgreSQL connection costs about 1 ms of CPU here).

`--statements`: the CPU of each ORM statement of the submission by kind and model (queries
through `SQLCompiler.execute_sql`, `Model.save`, `QuerySet.bulk_create`; a save includes the
statements of its signals; with `--new-connection` the first query, the village's, also opens
the connection).
`--profile N`: cProfile (CPU time) over N more submissions, the functions with the most.

Needs a database that `bench/server.py --keep` left (migrated and seeded, `manage.py seed_demo`),
and Redis for the rate limit and the Celery publish (REDIS_URL, not db 0; the task messages stay
in the queue: run with a throw-away Redis database). Every request stores an initiative.
"""

import argparse
import os
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
SUBMIT_PATH = "/initiatieven/nieuw/"
BARE_PATH = "/bench/bare-insert/"
BLOCK = 20


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add = parser.add_argument
    add("--database-url", default="postgres://postgres@127.0.0.1:5432/bench_server")
    add("--redis-url", default="redis://127.0.0.1:6379/13")
    add("--requests", type=int, default=300, help="measured requests of each view (default 300)")
    add("--new-connection", action="store_true", help="a new database connection per request, as under gunicorn")
    add("--statements", action="store_true", help="CPU per ORM statement of the submission")
    add("--profile", type=int, default=0, metavar="N", help="cProfile over N more submissions")
    return parser.parse_args(argv)


def setup(args) -> None:
    """Production's settings from the environment, as bench/server.py gives them to gunicorn."""
    os.environ.update(
        DJANGO_SETTINGS_MODULE="bench.bare.settings",
        DATABASE_URL=args.database_url,
        REDIS_URL=args.redis_url,
        CELERY_BROKER_URL=args.redis_url,
        DEBUG="false",
        SECRET_KEY=os.environ.get("SECRET_KEY", "bench-submit-cpu"),
        ALLOWED_HOSTS="127.0.0.1,testserver",
        SECURE_SSL_REDIRECT="false",
        SECURE_HSTS_SECONDS="0",
        SESSION_COOKIE_SECURE="false",
        CSRF_COOKIE_SECURE="false",
        SUBMISSION_RATE_LIMIT="1000000000",  # lifted, as in bench/server.py; still read and counted
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
    )
    for path in (BASE_DIR, BASE_DIR / "bench"):
        if str(path) not in sys.path:
            sys.path.insert(0, str(path))
    import django

    django.setup()


def poster(args):
    """A function that POSTs the bench's body to a path as a new resident of one browser."""
    from django.conf import settings
    from django.db import connections
    from django.middleware.csrf import _get_new_csrf_string, _mask_cipher_secret
    from django.test import Client
    from server import form_fields, multipart, submission_target

    secret = _get_new_csrf_string()  # the csrftoken cookie; the form's token is a masked copy
    body, content_type = multipart(form_fields(_mask_cipher_secret(secret), submission_target(args.database_url)))
    client = Client(enforce_csrf_checks=True)

    def post(path):
        client.cookies.clear()  # no session: a new resident every time, as under wrk
        client.cookies[settings.CSRF_COOKIE_NAME] = secret
        response = client.generic("POST", path, body, content_type=content_type)
        if args.new_connection:
            connections.close_all()
        return response

    return post


def cpu_per_request(post, requests: int) -> dict[str, list[float]]:
    """CPU ms per request of each view, one value per block; the views take turns."""
    blocks = {SUBMIT_PATH: [], BARE_PATH: []}
    for _ in range(max(requests // BLOCK, 1)):
        for path, values in blocks.items():
            started = time.process_time()
            for _ in range(BLOCK):
                post(path)
            values.append((time.process_time() - started) / BLOCK * 1000)
    return blocks


def statements(post, requests: int) -> dict[str, float]:
    """CPU ms per submission of each ORM statement, by kind and model."""
    from django.db.models import Model, QuerySet
    from django.db.models.sql.compiler import SQLCompiler

    spent = defaultdict(float)

    def timed(owner, name, label):
        original = getattr(owner, name)

        def wrapper(self, *args, **kwargs):
            started = time.process_time()
            try:
                return original(self, *args, **kwargs)
            finally:
                spent[label(self)] += time.process_time() - started

        setattr(owner, name, wrapper)
        return original

    originals = [
        (SQLCompiler, "execute_sql", timed(SQLCompiler, "execute_sql", lambda c: f"query {c.query.model.__name__}")),
        (Model, "save", timed(Model, "save", lambda obj: f"save {type(obj).__name__}")),
        (QuerySet, "bulk_create", timed(QuerySet, "bulk_create", lambda qs: f"bulk_create {qs.model.__name__}")),
    ]
    try:
        for _ in range(requests):
            post(SUBMIT_PATH)
    finally:
        for owner, name, original in originals:
            setattr(owner, name, original)
    return {label: seconds / requests * 1000 for label, seconds in spent.items()}


def main(argv=None) -> int:
    args = parse_args(argv)
    setup(args)
    post = poster(args)
    for _ in range(BLOCK):  # warm-up: templates, connections, caches
        assert post(SUBMIT_PATH).status_code == 302, "the submission did not answer 302 (its form has errors?)"
        assert post(BARE_PATH).status_code == 201
    blocks = cpu_per_request(post, args.requests)
    real, bare = (statistics.median(blocks[path]) for path in (SUBMIT_PATH, BARE_PATH))
    connection = "a new database connection per request" if args.new_connection else "one database connection"
    print(f"CPU per request, median of {len(blocks[SUBMIT_PATH])} blocks of {BLOCK} ({connection}):")
    print(f"  real {real:.2f} ms (blocks {min(blocks[SUBMIT_PATH]):.2f}-{max(blocks[SUBMIT_PATH]):.2f})")
    print(f"  bare {bare:.2f} ms (blocks {min(blocks[BARE_PATH]):.2f}-{max(blocks[BARE_PATH]):.2f})")
    print(f"  bare / real {bare / real:.2f}")
    if args.statements:
        print("ORM statements of one submission (CPU ms; a save includes its signals' statements):")
        for label, ms in sorted(statements(post, args.requests).items(), key=lambda item: -item[1]):
            print(f"  {label:40s} {ms:6.2f}")
    if args.profile:
        import cProfile
        import pstats

        profiler = cProfile.Profile(time.process_time)
        profiler.runcall(lambda: [post(SUBMIT_PATH) for _ in range(args.profile)])
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(60)
    return 0


if __name__ == "__main__":
    sys.exit(main())
