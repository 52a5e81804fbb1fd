"""What every bench script needs: a PostgreSQL bench database, Django set up against it, a
login that passes two-factor authentication, the in-process measurement of a page, progress
lines and a line about the machine for the results tables."""

import os
import platform
import re
import statistics
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit

BASE_DIR = Path(__file__).resolve().parent.parent
RESULTS_DIR = BASE_DIR / "bench" / "results"


# --- the bench database ------------------------------------------------------------------------


def split_url(url: str) -> tuple[str, str]:
    """(database name, URL of the maintenance database); refuses anything but a PostgreSQL
    database whose name says it is a bench database (the bench empties it)."""
    parts = urlsplit(url)
    if parts.scheme not in ("postgres", "postgresql", "pgsql"):
        sys.exit(f"refused: {parts.scheme or url!r} is not PostgreSQL; this bench measures PostgreSQL only")
    name = parts.path.lstrip("/")
    if "bench" not in name:
        sys.exit(f"refused: the bench empties its database; give it one whose name contains 'bench' (not {name!r})")
    admin = parts._replace(path="/postgres").geturl().replace("postgres://", "postgresql://", 1)
    return name, admin


def prepare_database(url: str) -> None:
    """Create the bench database when it does not exist yet."""
    import psycopg
    from psycopg import sql

    name, admin = split_url(url)
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
            print(f"created database {name}", flush=True)


def recreate_database(url: str) -> None:
    """Drop the bench database (closing whatever is connected to it) and create it empty.

    An empty database that is then migrated holds exactly what the migrations put in it (the
    standard checklist of the VO stages, for one); `flush` would empty those tables too.
    """
    import psycopg
    from django.db import connections
    from psycopg import sql

    connections.close_all()
    name, admin = split_url(url)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def drop_database(url: str) -> None:
    import psycopg
    from django.db import connections
    from psycopg import sql

    connections.close_all()
    name, admin = split_url(url)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
    print(f"dropped database {name}", flush=True)


def setup_django(url: str) -> None:
    """Production's code paths (DEBUG off) on the bench database; tasks go to an in-memory broker."""
    os.environ["DATABASE_URL"] = url
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.test"
    os.environ["DEBUG"] = "false"
    os.environ["ALLOWED_HOSTS"] = "localhost,127.0.0.1,testserver"
    os.environ["CELERY_TASK_ALWAYS_EAGER"] = "false"
    os.environ["CELERY_BROKER_URL"] = "memory://localhost/"
    os.environ.pop("REDIS_URL", None)
    if str(BASE_DIR) not in sys.path:
        sys.path.insert(0, str(BASE_DIR))
    import logging

    import django

    django.setup()
    # django-axes logs every login at INFO; the bench logs in a few test clients with force_login.
    logging.getLogger("axes").setLevel(logging.WARNING)


# --- progress ----------------------------------------------------------------------------------


class Clock:
    """Progress lines with the seconds since the clock started."""

    def __init__(self):
        self.started = time.perf_counter()

    @property
    def elapsed(self) -> float:
        return time.perf_counter() - self.started

    def say(self, what: str, indent: int = 2) -> None:
        print(f"{' ' * indent}[{self.elapsed:6.1f} s] {what}", flush=True)


# --- logging in --------------------------------------------------------------------------------


def staff_login(client, user) -> None:
    """Log `user` in on the test client, two-factor authentication included.

    `force_login`, and when django-otp is installed, a confirmed TOTP device for the user and
    its id in the session, exactly as `django_otp.login` stores it after a valid code: the
    session is then OTP-verified, so staff pages answer 200 instead of sending to the code
    form. The device is made once per user (get_or_create).
    """
    from django.conf import settings

    client.force_login(user)
    if "django_otp" not in settings.INSTALLED_APPS:
        return
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device, _created = TOTPDevice.objects.get_or_create(user=user, name="bench", defaults={"confirmed": True})
    if not device.confirmed:
        device.confirmed = True
        device.save(update_fields=["confirmed"])
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()


# --- measuring one page ------------------------------------------------------------------------

_LITERALS = re.compile(r"'(?:[^']|'')*'|\b\d+(?:\.\d+)?\b")


def query_shape(sql: str) -> str:
    """The SQL without its literal values: repeated shapes are a query per row."""
    return _LITERALS.sub("?", " ".join(sql.split()))


def _get(client, url: str):
    response = client.get(url)
    if response.status_code != 200:
        where = f" (to {response['Location']})" if response.has_header("Location") else ""
        sys.exit(
            f"refused: {url} answered {response.status_code}{where}, not 200: the bench would measure an "
            "error page or a redirect, not the page"
        )
    return response


def measure(client, url: str, *, warmup: int = 3, repeats: int = 10, counted: int = 3, slowest: int = 3) -> dict:
    """Server time of `url` in-process: `warmup` untimed requests, then `repeats` timed ones
    (`time.perf_counter()` around `client.get`: middleware, view, SQL and template rendering,
    no network), then `counted` more under `CaptureQueriesContext` for the queries: their
    number and slowest ones from the last, the SQL time as the median of the `counted`
    (one request's SQL time jumps when the machine is busy).

    Every request must answer 200 (a redirect or an error page stops the bench).
    """
    return measure_interleaved(client, [url], warmup=warmup, repeats=repeats, counted=counted, slowest=slowest)[0]


def measure_interleaved(
    client, urls: list[str], *, warmup: int = 3, repeats: int = 10, counted: int = 3, slowest: int = 3
) -> list[dict]:
    """`measure` for several pages at once, their timed requests interleaved: round 1 asks
    each URL once, then round 2, and so on. On a machine that others share, a busy second then
    slows every page alike, so the ratios between them hold better than when one page's ten
    requests come after the other's. Returns one `measure` dict per URL, in order."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for url in urls:
        for _ in range(warmup):
            _get(client, url)
    times = {url: [] for url in urls}
    for _ in range(repeats):
        for url in urls:
            started = time.perf_counter()
            _get(client, url)
            times[url].append((time.perf_counter() - started) * 1000)
    results = []
    for url in urls:
        sql_times = []
        for _ in range(max(counted, 1)):
            with CaptureQueriesContext(connection) as queries:
                response = _get(client, url)
            captured = queries.captured_queries
            sql_times.append(sum(float(q["time"]) for q in captured) * 1000)
        ordered = sorted(captured, key=lambda q: float(q["time"]), reverse=True)[:slowest]
        shapes = Counter(query_shape(q["sql"]) for q in captured)
        results.append(
            {
                "url": url,
                "median": statistics.median(times[url]),
                "min": min(times[url]),
                "max": max(times[url]),
                "queries": len(captured),
                "sql_ms": statistics.median(sql_times),
                "slowest": [(float(q["time"]) * 1000, " ".join(q["sql"].split())) for q in ordered],
                "slowest_sql": ordered[0]["sql"] if ordered else "",
                "repeated": [(n, shape) for shape, n in shapes.most_common() if n >= 3],
                "kb": len(response.content) / 1024,
            }
        )
    return results


_PLAIN_COLUMN = re.compile(r'^"\w+"\."\w+"( AS "\w+")?$')


def _split_top_level(text: str) -> list[str]:
    parts, depth, current = [], 0, []
    for char in text:
        depth += (char == "(") - (char == ")")
        if char == "," and depth == 0:
            parts.append("".join(current).strip())
            current = []
        else:
            current.append(char)
    parts.append("".join(current).strip())
    return parts


def _columns_collapsed(sql: str) -> str:
    """`SELECT "t"."a", "t"."b", …, <expression> AS "x" FROM …` as `SELECT …, <expression> AS "x"
    FROM …`: plain columns say little, the expressions, FROM, WHERE and ORDER BY say what it does."""
    start = sql.find("SELECT ")
    if start < 0:
        return sql
    begin = start + len("SELECT ")
    depth = 0
    for i in range(begin, len(sql)):
        depth += (sql[i] == "(") - (sql[i] == ")")
        if depth == 0 and sql.startswith(" FROM ", i):
            columns = _split_top_level(sql[begin:i])
            distinct = columns[0].startswith("DISTINCT ")
            if distinct:
                columns[0] = columns[0][len("DISTINCT ") :]
            kept = []
            for column in columns:
                if _PLAIN_COLUMN.match(column):
                    if not kept or kept[-1] != "…":
                        kept.append("…")
                else:
                    kept.append(column)
            if len(kept) == len(columns):
                return sql
            return f"{sql[:begin]}{'DISTINCT ' if distinct else ''}{', '.join(kept)}{sql[i:]}"
    return sql


def sql_ends(sql: str, head: int = 260, tail: int = 160) -> str:
    """The start and the end of a query (its ORDER BY and LIMIT), columns collapsed."""
    sql = _columns_collapsed(" ".join(sql.split()))
    if len(sql) > head + tail + 5:
        sql = f"{sql[:head]} … {sql[-tail:]}"
    return sql.replace("`", "'")


_DECLARE = re.compile(r"^\s*DECLARE .*? CURSOR WITH(?:OUT)? HOLD FOR (SELECT .*)$", re.S)


def explain(sql: str, limit: int = 14) -> list[str]:
    """`EXPLAIN ANALYZE` of a captured SELECT, one line per plan node (indented as the tree):
    where the rows come from, which index, how they are sorted, how long each step took."""
    from django.db import DatabaseError, connection

    match = _DECLARE.match(sql)
    query = match.group(1) if match else sql
    if not query.lstrip().upper().startswith(("SELECT", "WITH")):
        return []
    try:
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + query)
            plan = cursor.fetchone()[0]
    except DatabaseError as error:
        return [f"(no plan: {error})"]
    if isinstance(plan, str):
        import json

        plan = json.loads(plan)
    lines = []

    def walk(node, depth):
        label = node["Node Type"]
        if node.get("Relation Name"):
            label += f" on {node['Relation Name']}"
        if node.get("Index Name"):
            label += f" using {node['Index Name']}"
        if node.get("Sort Method"):
            label += f" ({node['Sort Method']}, key {', '.join(node.get('Sort Key', []))})"
        if node.get("Filter"):
            label += f" filter {node['Filter'][:80]}"
        loops = node.get("Actual Loops", 1)
        label += f": {node.get('Actual Rows', 0):,} rows" + (f" × {loops:,} loops" if loops > 1 else "")
        label += f", {node.get('Actual Total Time', 0):.1f} ms"
        lines.append("  " * depth + label)
        for child in node.get("Plans", []):
            walk(child, depth + 1)

    walk(plan[0]["Plan"], 0)
    more = len(lines) - limit
    return lines[:limit] + ([f"… {more} more nodes"] if more > 0 else [])


def short_sql(sql: str, limit: int = 220) -> str:
    sql = _columns_collapsed(sql)
    return f"{sql[:limit]}{'…' if len(sql) > limit else ''}".replace("`", "'")


# --- the record --------------------------------------------------------------------------------


def machine() -> str:
    cpu = "?"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    memory = "?"
    meminfo = Path("/proc/meminfo")
    if meminfo.exists():
        kib = int(meminfo.read_text().split()[1])
        memory = f"{kib / 1024 / 1024:.1f} GiB RAM"
    return f"{os.cpu_count()} cores ({cpu}), {memory}, {platform.system()} {platform.release()}"


def postgres_version() -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        return f"PostgreSQL {cursor.fetchone()[0]}"


def git_commit() -> str:
    try:
        return (
            subprocess.run(  # noqa: S603 - a fixed git call for the record
                ["git", "rev-parse", "--short", "HEAD"],  # noqa: S607
                cwd=BASE_DIR,
                capture_output=True,
                text=True,
                check=False,
            ).stdout.strip()
            or "?"
        )
    except OSError:
        return "?"


def environment_lines(*, with_postgres: bool = True) -> list[str]:
    """The date, commit and machine lines every results file starts with."""
    from datetime import UTC, datetime

    database = f"; {postgres_version()} on the same machine" if with_postgres else ""
    load = ""
    if hasattr(os, "getloadavg"):
        one, five, _fifteen = os.getloadavg()
        load = f"; load average {one:.1f} (1 min) / {five:.1f} (5 min) when this line was written"
        if five > (os.cpu_count() or 1) * 0.75:
            load += " (**other processes shared the CPUs**: times are higher than on an idle machine)"
    return [
        f"- Date: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, commit {git_commit()} (plus working-tree changes)",
        f"- Machine: {machine()}{database}; Python {platform.python_version()}{load}",
    ]


def display_path(path: Path) -> str:
    return str(path.relative_to(BASE_DIR) if path.is_relative_to(BASE_DIR) else path)


def run_standalone(args, argv, *, script: str, measure, report) -> None:
    """A single bench script on its own: seed its database, measure, write and print its table,
    and drop the database unless --keep. `measure(seeded, clock)` returns the results and
    `report(seeded, results, command)` the markdown table."""
    from seed import seed

    name, _admin = split_url(args.database_url)
    setup_django(args.database_url)
    clock = Clock()
    try:
        print(f"seeding {args.initiatives:,} initiatives into {name}", flush=True)
        seeded = seed(
            args.database_url,
            initiatives=args.initiatives,
            municipalities=args.municipalities,
            villages=args.villages,
            clock=clock,
        )
        print(f"seeded in {seeded.seconds:.1f} s; measuring", flush=True)
        results = measure(seeded, clock)
        command = f"python bench/{script} " + " ".join(argv if argv is not None else sys.argv[1:])
        table = report(seeded, results, command.strip())
    finally:
        if not args.keep:
            drop_database(args.database_url)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(table)
    print()
    print(table)
    print(f"written to {display_path(args.output)}")


def page_bench_parser(description: str, *, default_url: str, output: str, unit: str):
    """The options every in-process page bench takes; a script adds its own before `parse_page_bench`."""
    import argparse

    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--initiatives", type=int, default=100_000)
    parser.add_argument("--municipalities", type=int, default=50)
    parser.add_argument("--villages", type=int, default=1_000)
    parser.add_argument("--warmup", type=int, default=3, help=f"untimed requests before each {unit}")
    parser.add_argument("--repeats", type=int, default=10, help=f"timed requests per {unit} (median reported)")
    parser.add_argument("--keep", action="store_true", help="keep the bench database afterwards")
    parser.add_argument("--database-url", default=default_url, help=f"PostgreSQL only (default {default_url})")
    parser.add_argument("--output", type=Path, default=RESULTS_DIR / output)
    return parser


def parse_page_bench(parser, argv=None):
    args = parser.parse_args(argv)
    if args.repeats < 1 or args.warmup < 0:
        parser.error("--repeats must be at least 1 and --warmup at least 0")
    return args
