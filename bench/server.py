"""Public submissions under gunicorn against a bare insert view, and a worker's memory.

    .venv/bin/python bench/server.py

Production's stack on this machine: gunicorn (sync workers, as the Dockerfile runs it) with
DEBUG off, PostgreSQL and Redis (cache, rate limits and the Celery broker; no Celery worker
runs, so the receipts stay pending in the outbox). Plain http on loopback.

1. Throughput (`--workers 2`): wrk POSTs a valid multipart form to /initiatieven/nieuw/ (the
   real submission: form, formset, reference sequence, history, outbox rows, Celery hand-off,
   302 to the receipt page) and the same body to a bare view (bench/bare/) that only does
   `Initiative.objects.create(...)` with the required fields, against the same gunicorn,
   interleaved (real, bare, real, bare ... `--rounds`), each run after a warm-up. Checks per
   run: stored initiatives == successful answers (2xx/3xx), no errors, and every real
   submission has exactly one receipt in the outbox.
2. Profile (`--profile auto`: only when real < 0.6 x bare): pyinstrument over in-process POSTs
   of the same body (django.test.Client), and the same with the recommended fixes applied.
3. What-if (`--what-if auto`: only when the goal is missed): the throughput runs again on a
   gunicorn whose workers apply the recommended fixes as monkeypatches (bench/bare/whatif.py),
   to show before and after without touching the product's code.
4. Memory (`--workers 1 --max-requests 0`): a worker's RSS and PSS after boot, after a warm-up
   and every 1,000 requests up to 2 x `--memory-requests` of a mix of public pages and
   submissions (an http.client loop, so the count is exact).

`--variant ballots` (issue 14) runs phase 1 only, on the demo's budget round that is open for
voting: the ballot form (`POST /begroten/<round>/<village>/stemmen/`: the form, `ballot_cast` with
the ballot's rules, the ballot and its choices, the confirmation mail in the outbox, its Celery
hand-off, 302) against a bare view that only stores a ballot row (bench/bare/, `bare_ballot`),
the ballot rate limits lifted. Checks per run: stored ballots == successful answers, no errors,
and every real ballot has exactly one confirmation mail. The table goes to
bench/results/ballots.md.

The table goes to bench/results/server.md and stdout. The database is seeded with
`manage.py seed_demo` when it has no public village, and dropped at the end unless --keep.
The Redis database (not 0) is flushed at the start and at the end.
"""

import argparse
import contextlib
import http.client
import os
import platform
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from urllib.parse import urlencode, urlsplit

from common import BASE_DIR, machine, prepare_database, split_url

DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/bench_server"
DEFAULT_REDIS = "redis://127.0.0.1:6379/13"
SETTINGS = "bench.bare.settings"
SETTINGS_WHATIF = "bench.bare.settings_whatif"
SUBMIT_PATH = "/initiatieven/nieuw/"
BARE_PATH = "/bench/bare-insert/"
RECEIPT_TEMPLATE = "initiatives/email/receipt"  # initiatives/services.py, initiative_submit
BALLOT_TEMPLATE = "budgets/email/ballot_confirm"  # budgets/services/voting.py, ballot_cast
LUA = BASE_DIR / "bench" / "wrk" / "post.lua"
LIFTED_RATE_LIMIT = 1_000_000_000
GOAL_RATIO = 0.6  # issue 16, goal 4 (issue 7 asked 0.5); the ballots keep issue 14's (BALLOTS_GOAL_RATIO)
BALLOTS_GOAL_RATIO = 0.5
# The Dockerfile's access log (stdout there, a file here).
ACCESS_FORMAT = "%(t)s %(m)s %(s)s %(b)s %(M)sms"
BOUNDARY = "----benchFormBoundary7MA4YWxkTrZu0gW"
CLOCK_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def log(message: str = "") -> None:
    print(message, flush=True)


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add = parser.add_argument
    add(
        "--variant",
        choices=["submissions", "ballots"],
        default="submissions",
        help="submissions: the intake form (issue 7, with profile, what-if and memory); ballots: a budget "
        "round's ballot form against a bare ballot INSERT (issue 14, throughput only)",
    )
    add("--database-url", default=DEFAULT_DB, help=f"PostgreSQL only (default {DEFAULT_DB})")
    add("--redis-url", default=DEFAULT_REDIS, help=f"not db 0; it is FLUSHDB'd (default {DEFAULT_REDIS})")
    add("--duration", type=int, default=30, help="seconds of each measured wrk run (default 30)")
    add("--rounds", type=int, default=2, help="measured runs of each view, interleaved real/bare (default 2)")
    add("--warmup", type=int, default=5, help="seconds of wrk warm-up before each measured run (default 5)")
    add("--grace", type=int, default=3, help="seconds wrk waits for the last answers (default 3)")
    add("--connections", type=int, default=8, help="wrk connections (default 8)")
    add("--threads", type=int, default=2, help="wrk threads (default 2)")
    add("--timeout", type=int, default=10, help="wrk's timeout in seconds (default 10)")
    add("--workers", type=int, default=2, help="gunicorn workers for the throughput runs (default 2)")
    add(
        "--memory-requests",
        type=int,
        default=10_000,
        help="requests before the memory reading; the run goes on to twice as many (0 skips the phase)",
    )
    add("--profile", choices=["auto", "always", "never"], default="auto", help="auto: when the goal is missed")
    add("--profile-requests", type=int, default=300, help="in-process POSTs per profile (default 300)")
    add("--what-if", choices=["auto", "always", "never"], default="auto", help="auto: when the goal is missed")
    add("--skip-throughput", action="store_true")
    add("--keep", action="store_true", help="keep the bench database afterwards")
    add("--no-previous", action="store_true", help="leave out the previous results file's figures")
    add("--output", type=Path, help="default bench/results/server.md, with --variant ballots bench/results/ballots.md")
    args = parser.parse_args(argv)
    if args.output is None:
        args.output = BASE_DIR / "bench" / "results" / ("ballots.md" if args.variant == "ballots" else "server.md")
    if args.variant == "ballots":  # the profile, what-if and memory phases are the intake form's
        args.memory_requests, args.profile, args.what_if = 0, "never", "never"
    if min(args.duration, args.rounds, args.connections, args.threads, args.workers) < 1 or args.warmup < 0:
        parser.error("--duration, --rounds, --connections, --threads and --workers must be at least 1")
    if args.grace >= args.timeout:
        parser.error("--grace must be shorter than --timeout (wrk counts waiting connections as timeouts)")
    args.threads = min(args.threads, args.connections)
    return args


# --- tools, Redis, PostgreSQL ------------------------------------------------------------------


def find_tools(*, need_wrk: bool = True) -> dict:
    wrk = shutil.which("wrk")
    if wrk is None and need_wrk:
        sys.exit(
            "wrk is missing. Install it with:  sudo apt-get install -y wrk   (Debian/Ubuntu; macOS: brew install wrk)"
        )
    gunicorn = Path(sys.executable).parent / "gunicorn"
    if not gunicorn.exists():
        gunicorn = BASE_DIR / ".venv" / "bin" / "gunicorn"
    if not gunicorn.exists():
        sys.exit("gunicorn is missing from the venv: run `make setup` (it is a dependency in pyproject.toml)")

    def output(*command):
        done = subprocess.run(command, capture_output=True, text=True, check=False)  # noqa: S603
        return done.stdout + done.stderr

    return {
        "wrk": wrk,
        "wrk_version": output(wrk, "-v").splitlines()[0].split(" [")[0].strip() if wrk else "",
        "gunicorn": str(gunicorn),
        "gunicorn_version": output(str(gunicorn), "--version").strip(),
        "control_socket_flag": "--no-control-socket" in output(str(gunicorn), "--help"),
    }


def redis_client(url: str):
    import redis

    parts = urlsplit(url)
    if parts.scheme not in ("redis", "rediss"):
        sys.exit(f"refused: {url!r} is not a redis:// URL")
    db = parts.path.lstrip("/")
    if not db.isdigit() or int(db) == 0:
        sys.exit("refused: the bench flushes its Redis database; give it one other than 0, e.g. redis://…/13")
    client = redis.Redis.from_url(url, socket_timeout=5)
    try:
        client.ping()
    except redis.RedisError as error:
        sys.exit(f"Redis at {url} does not answer ({error}); start it or pass --redis-url")
    return client


def sql(url: str, query: str, params=()):
    import psycopg

    with psycopg.connect(url.replace("postgres://", "postgresql://", 1), autocommit=True) as conn:
        return conn.execute(query, params).fetchall()


def drop_database(url: str) -> None:
    """common.drop_database needs Django set up in this process; this bench keeps Django out of it."""
    import psycopg
    from psycopg import sql as pgsql

    name, admin = split_url(url)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(pgsql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(pgsql.Identifier(name)))
    log(f"dropped database {name}")


def django_env(args, base_env: dict, static_root: str) -> dict:
    """Production's settings from the environment, for plain http on loopback."""
    env = {k: v for k, v in base_env.items() if not k.startswith(("CELERY_", "SECURE_", "DJANGO_"))}
    for key in ("STATICFILES_BACKEND", "EMAIL_BACKEND", "CONN_MAX_AGE", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE"):
        env.pop(key, None)
    env.update(
        DJANGO_SETTINGS_MODULE=SETTINGS,
        DATABASE_URL=args.database_url,
        REDIS_URL=args.redis_url,
        CELERY_BROKER_URL=args.redis_url,
        DEBUG="false",
        SECRET_KEY=args.secret_key,
        ALLOWED_HOSTS="127.0.0.1",
        # Plain http on loopback: no HTTPS redirect, no HSTS, cookies without the Secure flag.
        SECURE_SSL_REDIRECT="false",
        SECURE_HSTS_SECONDS="0",
        SESSION_COOKIE_SECURE="false",
        CSRF_COOKIE_SECURE="false",
        SUBMISSION_RATE_LIMIT=str(LIFTED_RATE_LIMIT),
        BALLOT_RATE_LIMIT=str(LIFTED_RATE_LIMIT),
        BALLOT_RATE_LIMIT_PER_ADDRESS=str(LIFTED_RATE_LIMIT),
        STATIC_ROOT=static_root,
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",  # nothing is sent anyway
        PYTHONPATH=str(BASE_DIR),
        PYTHONUNBUFFERED="1",
    )
    return env


def manage(env: dict, *command: str, echo: bool = True) -> None:
    process = subprocess.Popen(  # noqa: S603
        [sys.executable, "manage.py", *command],
        cwd=BASE_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    lines = []
    for line in process.stdout:
        lines.append(line.rstrip())
        if echo:
            log(f"    {line.rstrip()}")
    if process.wait() != 0:
        sys.exit(f"manage.py {' '.join(command)} failed:\n" + "\n".join(lines[-30:]))


def prepare_data(args, env: dict) -> dict:
    log("migrating (manage.py migrate)")
    started = time.perf_counter()
    manage(env, "migrate", "--noinput", "-v", "0")
    public = sql(
        args.database_url,
        "SELECT count(*) FROM villages_village v JOIN municipalities_municipality m ON m.id = v.municipality_id "
        "WHERE m.is_active",
    )[0][0]
    if public:
        log(f"  the database has {public} public villages: not seeding")
        seeded = "kept from an earlier run (--keep)"
    else:
        log("seeding with manage.py seed_demo (Gelderland demo data)")
        # The demo app is installed by the local and test settings only, never by production's.
        manage({**env, "DJANGO_SETTINGS_MODULE": "config.settings.local"}, "seed_demo")
        seeded = "`manage.py seed_demo`"
    log(f"  database ready ({time.perf_counter() - started:.1f} s)")
    return {"seeded": seeded, **data_summary(args.database_url)}


def data_summary(url: str) -> dict:
    municipalities, villages, officers, initiatives, published = sql(
        url,
        "SELECT (SELECT count(*) FROM municipalities_municipality WHERE is_active),"
        " (SELECT count(*) FROM villages_village v JOIN municipalities_municipality m ON m.id = v.municipality_id"
        "   WHERE m.is_active),"
        " (SELECT count(*) FROM municipalities_officermembership WHERE is_active),"
        " (SELECT count(*) FROM initiatives_initiative),"
        " (SELECT count(*) FROM initiatives_initiative i JOIN municipalities_municipality m"
        "   ON m.id = i.municipality_id WHERE i.publication_consent AND i.publication = 'approved' AND m.is_active"
        " AND i.status <> 'withdrawn')",
    )[0]
    return {
        "municipalities": municipalities,
        "villages": villages,
        "officers": officers,
        "initiatives": initiatives,
        "published": published,
    }


def collect_static(env: dict) -> None:
    log(f"collecting static files into {env['STATIC_ROOT']} (the manifest the templates need)")
    started = time.perf_counter()
    manage(env, "collectstatic", "--noinput", "-v", "0", echo=False)
    log(f"  done ({time.perf_counter() - started:.1f} s)")


# --- the machine ---------------------------------------------------------------------------------


def machine_busy(seconds: float = 1.0) -> float:
    """Per cent of all cores busy over `seconds` (while the bench's own servers are idle: others)."""

    def sample():
        fields = [int(x) for x in Path("/proc/stat").read_text().splitlines()[0].split()[1:9]]
        return fields[3] + fields[4], sum(fields)

    idle0, total0 = sample()
    time.sleep(seconds)
    idle1, total1 = sample()
    return 100.0 * (1 - (idle1 - idle0) / (total1 - total0)) if total1 > total0 else 0.0


def cpu_seconds(pids) -> float:
    total = 0
    for pid in pids:
        with contextlib.suppress(OSError, IndexError, ValueError):
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / CLOCK_TICKS


class LockSampler(threading.Thread):
    """Samples pg_stat_activity of the bench database every 20 ms: how often a backend waits for a
    lock, and in which statement."""

    def __init__(self, url: str):
        super().__init__(daemon=True)
        self.url, self.name_ = url, split_url(url)[0]
        self.samples = 0
        self.waiting = 0
        self.statements = Counter()
        self.halt = threading.Event()

    def run(self):
        import psycopg

        with psycopg.connect(self.url.replace("postgres://", "postgresql://", 1), autocommit=True) as conn:
            while not self.halt.is_set():
                rows = conn.execute(
                    "SELECT left(regexp_replace(query, '\\s+', ' ', 'g'), 90) FROM pg_stat_activity "
                    "WHERE datname = %s AND pid <> pg_backend_pid() AND wait_event_type = 'Lock'",
                    [self.name_],
                ).fetchall()
                self.samples += 1
                if rows:
                    self.waiting += 1
                    self.statements.update(row[0] for row in rows)
                self.halt.wait(0.02)

    def stop(self) -> dict:
        self.halt.set()
        self.join(timeout=5)
        return {
            "samples": self.samples,
            "waiting": self.waiting,
            "share": 100.0 * self.waiting / self.samples if self.samples else 0.0,
            "statements": self.statements.most_common(3),
        }


# --- gunicorn ------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Gunicorn:
    def __init__(
        self,
        tools: dict,
        env: dict,
        workdir: Path,
        *,
        workers: int,
        name: str,
        settings: str = SETTINGS,
        capture_output: bool = False,
    ):
        """`capture_output`: the app's own log lines (stderr of the workers) go to the error log too."""
        self.port = free_port()
        self.workers = workers
        self.settings = settings
        self.error_log = workdir / f"gunicorn-{name}.log"
        self.access_log = workdir / f"access-{name}.log"
        self.command = [
            tools["gunicorn"],
            "config.wsgi",
            "--bind",
            f"127.0.0.1:{self.port}",
            "--workers",
            str(workers),
            "--worker-class",
            "sync",
            "--max-requests",
            "0",
            "--access-logfile",
            str(self.access_log),
            "--access-logformat",
            ACCESS_FORMAT,
            "--error-logfile",
            str(self.error_log),
        ]
        if capture_output:
            self.command.append("--capture-output")
        if tools["control_socket_flag"]:
            self.command.append("--no-control-socket")  # gunicorn 27 opens ~/.gunicorn/gunicorn.ctl otherwise
        self.env = {**env, "SITE_URL": f"http://127.0.0.1:{self.port}", "DJANGO_SETTINGS_MODULE": settings}
        self.process = None

    def describe(self) -> str:
        return f"gunicorn config.wsgi --workers {self.workers} --worker-class sync --max-requests 0"

    def start(self) -> None:
        log(f"starting {self.describe()} ({self.settings}) on 127.0.0.1:{self.port}")
        started = time.perf_counter()
        self.process = subprocess.Popen(  # noqa: S603
            self.command, cwd=BASE_DIR, env=self.env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        # Booted = the master listens and every worker has imported the app (its log line comes after).
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                sys.exit(f"gunicorn exited with {self.process.returncode}:\n{self.tail()}")
            if len(self.worker_pids()) == self.workers and self._listening() and self._booted():
                break
            time.sleep(0.2)
        else:
            self.stop()
            sys.exit(f"gunicorn did not boot within 60 s:\n{self.tail()}")
        log(
            f"  gunicorn up: master {self.process.pid}, workers {self.worker_pids()} "
            f"({time.perf_counter() - started:.1f} s)"
        )

    def _listening(self) -> bool:
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", self.port), timeout=1):
            return True
        return False

    def _booted(self) -> bool:
        text = self.error_log.read_text() if self.error_log.exists() else ""
        return text.count("Booting worker with pid") >= self.workers

    def worker_pids(self) -> list[int]:
        if self.process is None:
            return []
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        if children.exists():
            return [int(pid) for pid in children.read_text().split()]
        pids = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            with contextlib.suppress(OSError, IndexError, ValueError):
                if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == self.process.pid:
                    pids.append(int(stat.parent.name))
        return pids

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def tail(self, lines: int = 30) -> str:
        if not self.error_log.exists():
            return "(no gunicorn log)"
        return "\n".join(self.error_log.read_text().splitlines()[-lines:])

    def errors_logged(self) -> list[str]:
        if not self.error_log.exists():
            return []
        return [line for line in self.error_log.read_text().splitlines() if " ERROR " in line or "Traceback" in line]

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        log(f"stopping gunicorn (master {self.process.pid})")
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=40)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


# --- HTTP helpers --------------------------------------------------------------------------------


class Client:
    """http.client with cookies for the requests the bench makes itself (gunicorn's sync workers
    close every connection; http.client opens a new one for the next request)."""

    def __init__(self, port: int):
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        self.location = ""

    def request(self, method: str, path: str, *, body=None, headers=None) -> tuple[int, dict, bytes]:
        try:
            self.conn.request(method, path, body=body, headers=headers or {})
            response = self.conn.getresponse()
        except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
            self.conn.close()  # the server closed the kept connection: once more on a new one
            self.conn.request(method, path, body=body, headers=headers or {})
            response = self.conn.getresponse()
        data = response.read()
        if response.will_close:
            self.conn.close()
        self.location = response.headers.get("Location", "")  # of the last answer
        cookies = {}
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            cookies[name.strip()] = rest.split(";", 1)[0]
        return response.status, cookies, data

    def close(self):
        self.conn.close()


def csrf_pair(client: Client) -> tuple[str, str]:
    """The csrftoken cookie and the form's csrfmiddlewaretoken, from one GET of the form."""
    status, cookies, body = client.request("GET", SUBMIT_PATH)
    if status != 200 or "csrftoken" not in cookies:
        sys.exit(f"GET {SUBMIT_PATH} answered {status} without a csrftoken cookie")
    match = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body)
    if match is None:
        sys.exit(f"no csrfmiddlewaretoken in the form at {SUBMIT_PATH}")
    return cookies["csrftoken"], match.group(1).decode()


def submission_target(url: str) -> dict:
    """The public village that most officers have in their portfolio (so officers get their mails,
    as in real use), and two themes."""
    rows = sql(
        url,
        "SELECT v.id, v.name, count(ov.id) FROM villages_village v"
        " JOIN municipalities_municipality m ON m.id = v.municipality_id"
        " LEFT JOIN municipalities_officermembership_villages ov ON ov.village_id = v.id"
        " WHERE m.is_active GROUP BY v.id, v.name ORDER BY count(ov.id) DESC, v.id LIMIT 1",
    )
    if not rows:
        sys.exit("no public village in the bench database")
    themes = [row[0] for row in sql(url, "SELECT id FROM initiatives_theme ORDER BY id LIMIT 2")]
    return {"village": rows[0][0], "village_name": rows[0][1], "village_officers": rows[0][2], "themes": themes}


def form_fields(token: str, target: dict) -> list[tuple[str, str]]:
    """What a browser sends for a filled-in form: the fields in form order, one cost line and two
    empty ones, the honeypot empty; unticked boxes (right to challenge) are absent."""
    return [
        ("csrfmiddlewaretoken", token),
        ("title", "Speeltuin bij de school opknappen"),
        ("goal", "Een veilige plek om te spelen voor de kinderen van het dorp."),
        (
            "description",
            "We vervangen de oude toestellen, leggen valdempende tegels en planten een haag. "
            "Ouders en de school helpen op twee zaterdagen mee.",
        ),
        ("target_group", "Kinderen tot 12 jaar en hun ouders"),
        ("village", str(target["village"])),
        ("organisation", ""),
        *[("themes", str(theme)) for theme in target["themes"]],
        ("help_kinds", "advice"),
        ("help_kinds", "money"),
        ("costs-TOTAL_FORMS", "3"),
        ("costs-INITIAL_FORMS", "0"),
        ("costs-MIN_NUM_FORMS", "0"),
        ("costs-MAX_NUM_FORMS", "20"),
        ("costs-0-description", "Speeltoestel met glijbaan"),
        ("costs-0-amount", "2500.00"),
        ("costs-1-description", ""),
        ("costs-1-amount", ""),
        ("costs-2-description", ""),
        ("costs-2-amount", ""),
        ("amount_requested", "2000.00"),
        ("own_contribution_money", "500.00"),
        ("own_contribution_hours", "40"),
        ("own_contribution_materials", "Tegels van de bouwmarkt, gereedschap"),
        ("support_evidence", "Handtekeningen van 45 dorpsgenoten en een avond in het dorpshuis."),
        ("permits_needed", ""),
        ("maintenance_after", "De ouderraad van de school houdt het bij."),
        ("planned_start", (date.today() + timedelta(days=60)).isoformat()),
        ("initiator_name", "Bench Bewoner"),
        ("initiator_email", "bewoner@bench.example"),
        ("initiator_phone", "06 12345678"),
        ("preferred_language", "nl"),
        ("publication_consent", "on"),
        ("privacy_acknowledged", "on"),
        ("website", ""),
    ]


def multipart(fields: list[tuple[str, str]], files=()) -> tuple[bytes, str]:
    """The body a browser sends; `files` are (file name, content type, bytes) for the attachments
    input, which is sent empty without them."""
    parts = [
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        for name, value in fields
    ]
    for filename, content_type, data in files or [("", "application/octet-stream", b"")]:  # empty, as browsers do
        parts.append(
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="attachments"; filename="{filename}"\r\n'
            f"Content-Type: {content_type}\r\n\r\n".encode()
            + data
            + b"\r\n"
        )
    parts.append(f"--{BOUNDARY}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={BOUNDARY}"


# --- throughput ----------------------------------------------------------------------------------


def run_wrk(args, tools: dict, url: str, body_file: Path, content_type: str, cookie: str, seconds: int, label: str):
    command = [
        tools["wrk"],
        "-t", str(args.threads),
        "-c", str(args.connections),
        "-d", f"{seconds + args.grace}s",
        "--timeout", f"{args.timeout}s",
        "--latency",
        "-s", str(LUA),
        url,
        "--", str(body_file), content_type, cookie or "-", str(seconds), label,
    ]  # fmt: skip
    log(f"  $ wrk {' '.join(command[1:-6])} -- <body> <type> <cookie> {seconds} {label}")
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)  # noqa: S603
    result = None
    for line in process.stdout:
        line = line.rstrip()
        if line.startswith("BENCH-RESULT"):
            result = dict(pair.split("=", 1) for pair in line.split()[1:])
        log(f"  | {line}")
    if process.wait() != 0 or result is None:
        sys.exit(f"wrk failed (exit {process.returncode}); is LuaJIT's ffi available in this wrk?")
    numbers = {k: (float(v) if "." in v else int(v)) for k, v in result.items() if k != "label"}
    numbers["success"] = numbers["s2xx"] + numbers["s3xx"]
    numbers["http_errors"] = numbers["s4xx"] + numbers["s5xx"] + numbers["sother"]
    numbers["socket_errors"] = numbers["connect"] + numbers["read"] + numbers["write"] + numbers["timeout"]
    numbers["rps"] = numbers["requests"] / numbers["window"] if numbers["window"] else 0.0
    return numbers


def mails_per_row(url: str, table: str, join: str, template: str, after_id: int, up_to_id: int) -> dict:
    """How many rows of `table` with an id in (after_id, up_to_id] have 0, 1 or more outbox rows
    of `template` (`join`: the condition that ties a mail `m` to a row `r`)."""
    rows = sql(
        url,
        f"SELECT n, count(*) FROM (SELECT r.id, count(m.id) AS n FROM {table} r"  # noqa: S608 - our own names
        f" LEFT JOIN notifications_outboxmail m ON {join} AND m.template = %s"
        " WHERE r.id > %s AND r.id <= %s GROUP BY r.id) per GROUP BY n",
        (template, after_id, up_to_id),
    )
    result = {"0": 0, "1": 0, ">1": 0}
    for n, how_many in rows:
        result["0" if n == 0 else "1" if n == 1 else ">1"] += how_many
    return result


# An outbox row about an initiative: its subject (a generic foreign key) is that initiative.
ABOUT_AN_INITIATIVE = (
    "subject_type_id = (SELECT id FROM django_content_type WHERE app_label = 'initiatives' AND model = 'initiative')"
)


def receipts_per_initiative(url: str, after_id: int, up_to_id: int) -> dict:
    """How many initiatives with an id in (after_id, up_to_id] have 0, 1 or more receipts."""
    join = f"m.subject_id = r.id AND m.{ABOUT_AN_INITIATIVE}"
    return mails_per_row(url, "initiatives_initiative", join, RECEIPT_TEMPLATE, after_id, up_to_id)


def outbox_by_template(url: str, after_id: int, up_to_id: int) -> Counter:
    """The outbox rows with an id in (after_id, up_to_id]: those a run added."""
    rows = sql(
        url,
        "SELECT template, status, count(*) FROM notifications_outboxmail WHERE id > %s AND id <= %s"
        " GROUP BY template, status",
        (after_id, up_to_id),
    )
    return Counter({(template, status): n for template, status, n in rows})


def officers_pending(url: str, variant, after_id: int, up_to_id: int) -> int:
    """How many initiatives with an id in (after_id, up_to_id] wait for the worker to tell their
    officers (`officers_notice_pending`; no worker runs here). 0 for the ballots."""
    if variant.name != "submissions":
        return 0
    (count,) = sql(
        url,
        "SELECT count(*) FROM initiatives_initiative WHERE id > %s AND id <= %s AND officers_notice_pending",
        (after_id, up_to_id),
    )[0]
    return count


class Submissions:
    """Issue 7: the public intake form against a bare INSERT of an initiative."""

    name = "submissions"
    noun = "initiatives"
    table = "initiatives_initiative"
    real_path = SUBMIT_PATH
    bare_path = BARE_PATH
    real_status = 302
    template = RECEIPT_TEMPLATE
    # An initiative's mails are about it (the outbox's generic subject).
    join = f"m.subject_id = r.id AND m.{ABOUT_AN_INITIATIVE}"

    def __init__(self, url: str):
        self.url = url
        self.target = submission_target(url)

    def request(self, client: "Client") -> tuple[bytes, str, str]:
        """The body, its content type and the cookie every request sends."""
        cookie_token, form_token = csrf_pair(client)
        body, content_type = multipart(form_fields(form_token, self.target))
        return body, content_type, f"csrftoken={cookie_token}"

    def describe_body(self, size: int) -> str:
        target = self.target
        return (
            f"form: village {target['village_name']} ({target['village_officers']} officers have it), one cost "
            f"line, {size:,} bytes multipart; the CSRF cookie and token of one GET, reused"
        )


class Ballots:
    """Issue 14: a resident's ballot by mail in an open budget round (the ballot form: its checks,
    the ballot and its choices, the confirmation mail in the outbox) against a bare INSERT of a
    ballot row."""

    name = "ballots"
    noun = "ballots"
    table = "budgets_ballot"
    real_status = 302
    template = BALLOT_TEMPLATE
    join = "m.dedup_key = 'budget-ballot-confirm:' || r.id"  # budgets.services.voting.ballot_cast

    def __init__(self, url: str):
        self.url = url
        self.target = ballot_target(url)
        round_id, village_budget_id = self.target["round"], self.target["village_budget"]
        self.real_path = f"/begroten/{round_id}/{village_budget_id}/stemmen/"
        self.bare_path = f"/bench/bare-ballot/{round_id}/{village_budget_id}/"

    def request(self, client: "Client") -> tuple[bytes, str, str]:
        status, cookies, page = client.request("GET", self.real_path)
        if status != 200 or "csrftoken" not in cookies:
            sys.exit(f"GET {self.real_path} answered {status} without a csrftoken cookie")
        match = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        if match is None:
            sys.exit(f"no csrfmiddlewaretoken on the ballot page {self.real_path} (is voting open?)")
        fields = [
            ("csrfmiddlewaretoken", match.group(1).decode()),
            *[("projects", str(project)) for project in self.target["chosen"]],
            ("age_confirmed", "on"),
            ("email", "kiezer@bench.example"),
            ("code", ""),
            ("website", ""),
        ]
        return urlencode(fields).encode(), "application/x-www-form-urlencoded", f"csrftoken={cookies['csrftoken']}"

    def describe_body(self, size: int) -> str:
        target = self.target
        return (
            f"ballot: round {target['round_name']!r}, village {target['village_name']} ({target['on_ballot']} "
            f"projects on its ballot, {len(target['chosen'])} chosen within its budget), {size:,} bytes "
            "urlencoded; the CSRF cookie and token of one GET, reused"
        )


def ballot_target(url: str) -> dict:
    """The village of an open budget round with the most projects on its ballot, and the projects
    a voter chooses there: the cheapest first while they fit in the village's budget."""
    rows = sql(
        url,
        "SELECT r.id, r.name, vb.id, v.name, vb.amount, count(p.id) FROM budgets_budgetround r"
        " JOIN municipalities_municipality m ON m.id = r.municipality_id"
        " JOIN budgets_villagebudget vb ON vb.round_id = r.id JOIN villages_village v ON v.id = vb.village_id"
        " JOIN budgets_project p ON p.village_budget_id = vb.id AND p.feasibility = 'feasible'"
        " AND p.cost_estimate IS NOT NULL"
        " WHERE m.is_active AND r.results_at IS NULL AND r.ideas_from <= current_date"
        " AND r.voting_from <= now() AND r.voting_until > now()"
        " GROUP BY r.id, r.name, vb.id, v.name, vb.amount ORDER BY count(p.id) DESC, vb.id LIMIT 1",
    )
    if not rows:
        sys.exit("no budget round with open voting in the bench database (seed_demo makes one; drop the database)")
    round_id, round_name, village_budget_id, village_name, amount, on_ballot = rows[0]
    chosen, spent = [], 0
    for project_id, cost in sql(
        url,
        "SELECT id, cost_estimate FROM budgets_project WHERE village_budget_id = %s AND feasibility = 'feasible'"
        " AND cost_estimate IS NOT NULL ORDER BY cost_estimate, id",
        (village_budget_id,),
    ):
        if spent + cost <= amount:
            chosen.append(project_id)
            spent += cost
    return {
        "round": round_id,
        "round_name": round_name,
        "village_budget": village_budget_id,
        "village_name": village_name,
        "on_ballot": on_ballot,
        "chosen": chosen,
    }


def counts(url: str, variant) -> dict:
    ((rows, max_id, outbox, outbox_max),) = sql(
        url,
        f"SELECT (SELECT count(*) FROM {variant.table}), (SELECT coalesce(max(id), 0) FROM {variant.table}),"  # noqa: S608
        " (SELECT count(*) FROM notifications_outboxmail), (SELECT coalesce(max(id), 0) FROM notifications_outboxmail)",
    )
    return {"rows": rows, "max_id": max_id, "outbox": outbox, "outbox_max": outbox_max}


def throughput(args, tools: dict, env: dict, workdir: Path, redis, *, settings: str, name: str, variant) -> dict:
    """`--rounds` x (real, bare) on one gunicorn, each measured run after a warm-up, with checks."""
    server = Gunicorn(tools, env, workdir, workers=args.workers, name=name, settings=settings)
    server.start()
    runs = []
    try:
        client = Client(server.port)
        body, content_type, cookie = variant.request(client)
        body_file = workdir / f"{variant.name}-{name}.body"
        body_file.write_bytes(body)
        log(f"  {variant.describe_body(len(body))}")
        # One of each by hand, so a broken form fails here with its errors rather than as 30 s of 200s.
        headers = {"Content-Type": content_type, "Cookie": cookie}
        status, _, page = client.request("POST", variant.real_path, body=body, headers=headers)
        if status != variant.real_status:
            errors = re.findall(rb"invalid-feedback[^>]*>\s*(?:<strong>)?([^<]+)", page)
            sys.exit(
                f"the real view answered {status}, not {variant.real_status}; form errors: {errors[:5]}\n"
                f"{server.tail()}"
            )
        status, _, _ = client.request("POST", variant.bare_path, body=body, headers={"Content-Type": content_type})
        if status != 201:
            sys.exit(f"the bare view answered {status}, not 201\n{server.tail()}")
        client.close()
        log(f"  one real ({variant.real_status}) and one bare (201) request by hand: both fine")

        for round_ in range(1, args.rounds + 1):
            for label, path, phase_cookie in (("real", variant.real_path, cookie), ("bare", variant.bare_path, "")):
                log(f"{name}, round {round_}/{args.rounds}, {label}: POST {path}")
                if args.warmup:
                    log(f"  warm-up, {args.warmup} s (rows not counted)")
                    run_wrk(args, tools, server.url(path), body_file, content_type, phase_cookie, args.warmup,
                            f"{label}-warmup")  # fmt: skip
                busy = machine_busy()
                load = os.getloadavg()[0]
                log(f"  machine busy before the run (other processes): {busy:.0f}% of all cores, load {load:.2f}")
                before, queue_before = counts(args.database_url, variant), redis.llen("celery")
                cpu_before = cpu_seconds(server.worker_pids())
                sampler = LockSampler(args.database_url)
                sampler.start()
                log(f"  measured run, {args.duration} s")
                result = run_wrk(args, tools, server.url(path), body_file, content_type, phase_cookie, args.duration,
                                 label)  # fmt: skip
                locks = sampler.stop()
                cpu = cpu_seconds(server.worker_pids()) - cpu_before
                after, queue_after = counts(args.database_url, variant), redis.llen("celery")
                result.update(
                    label=label,
                    round=round_,
                    busy=busy,
                    load=load,
                    locks=locks,
                    worker_cpu_ms=1000 * cpu / result["requests"] if result["requests"] else 0.0,
                    stored=after["rows"] - before["rows"],
                    outbox_new=after["outbox"] - before["outbox"],
                    celery_messages=queue_after - queue_before,  # kombu's Redis transport: a list per queue
                    receipts=mails_per_row(
                        args.database_url,
                        variant.table,
                        variant.join,
                        variant.template,
                        before["max_id"],
                        after["max_id"],
                    ),
                    outbox=outbox_by_template(args.database_url, before["outbox_max"], after["outbox_max"]),
                    officers_pending=officers_pending(args.database_url, variant, before["max_id"], after["max_id"]),
                )
                log(
                    f"  checks: {result['success']:,} successful answers ({result['s2xx']:,} 2xx + "
                    f"{result['s3xx']:,} 3xx), {result['stored']:,} {variant.noun} stored, {result['http_errors']} "
                    f"HTTP errors, {result['socket_errors']} socket errors/timeouts; `{variant.template}` mails per "
                    f"row {result['receipts']}; worker CPU {result['worker_cpu_ms']:.1f} ms per request; a lock wait "
                    f"in {locks['share']:.0f}% of {locks['samples']} samples"
                )
                runs.append(result)
        server_errors = server.errors_logged()
    finally:
        server.stop()
    return {
        "name": name,
        "settings": settings,
        "server": server.describe(),
        "target": variant.target,
        "body_bytes": body_file.stat().st_size,
        "body_file": body_file,
        "content_type": content_type,
        "runs": runs,
        "server_errors": server_errors,
        "totals": totals(runs),
    }


def totals(runs: list[dict]) -> dict:
    result = {}
    for label in ("real", "bare"):
        mine = [run for run in runs if run["label"] == label]
        requests = sum(run["requests"] for run in mine)
        window = sum(run["window"] for run in mine)
        result[label] = {
            "requests": requests,
            "window": window,
            "rps": requests / window if window else 0.0,
            "success": sum(run["success"] for run in mine),
            "stored": sum(run["stored"] for run in mine),
            "errors": sum(run["http_errors"] + run["socket_errors"] for run in mine),
            "receipts": {k: sum(run["receipts"][k] for run in mine) for k in ("0", "1", ">1")},
            "outbox": sum((run["outbox"] for run in mine), Counter()),
            "outbox_new": sum(run["outbox_new"] for run in mine),
            "celery_messages": sum(run["celery_messages"] for run in mine),
            "officers_pending": sum(run.get("officers_pending", 0) for run in mine),
            "worker_cpu_ms": sum(run["worker_cpu_ms"] * run["requests"] for run in mine) / requests if requests else 0,
        }
    bare = result["bare"]["rps"]
    result["ratio"] = result["real"]["rps"] / bare if bare else 0.0
    rates = {(run["round"], run["label"]): run["rps"] for run in runs}
    result["round_ratios"] = [
        rates[(r, "real")] / rates[(r, "bare")]
        for r in sorted({run["round"] for run in runs})
        if rates.get((r, "bare")) and (r, "real") in rates
    ]
    cpu = result["real"]["worker_cpu_ms"]
    result["cpu_ratio"] = result["bare"]["worker_cpu_ms"] / cpu if cpu else 0.0
    return result


# --- memory -------------------------------------------------------------------------------------------


def memory_of(pid: int) -> dict:
    values = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, rest = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            values[key] = int(rest.split()[0])
    rollup = Path(f"/proc/{pid}/smaps_rollup")
    if rollup.exists():
        for line in rollup.read_text().splitlines():
            key, _, rest = line.partition(":")
            if key in ("Pss", "Private_Clean", "Private_Dirty"):
                values[key] = int(rest.split()[0])
        values["USS"] = values.pop("Private_Clean", 0) + values.pop("Private_Dirty", 0)
    return {k: v / 1024 for k, v in values.items()}  # MiB


def page_mix(url: str) -> list[tuple[str, list[str], int]]:
    """(kind, paths, weight): public pages over several objects each, and submissions."""
    municipalities = [
        row[0] for row in sql(url, "SELECT slug FROM municipalities_municipality WHERE is_active ORDER BY id")
    ]
    villages = [
        f"/gemeenten/{m}/{v}/"
        for m, v in sql(
            url,
            "SELECT m.slug, v.slug FROM villages_village v JOIN municipalities_municipality m "
            "ON m.id = v.municipality_id WHERE m.is_active ORDER BY v.id",
        )
    ]
    published = [
        f"/initiatieven/{row[0]}/"
        for row in sql(
            url,
            "SELECT i.reference FROM initiatives_initiative i JOIN municipalities_municipality m "
            "ON m.id = i.municipality_id WHERE i.publication_consent AND i.publication = 'approved' AND m.is_active"
            " AND i.status <> 'withdrawn' "
            "AND i.reference ~ '^[0-9]{4}-[0-9]{4,6}$' ORDER BY i.id LIMIT 40",
        )
    ]
    if not (municipalities and villages and published):
        sys.exit("the memory phase needs public municipalities, villages and published initiatives")
    return [
        ("home", ["/"], 15),
        ("municipality", [f"/gemeenten/{m}/" for m in municipalities], 10),
        ("village", villages, 15),
        ("gallery", ["/initiatieven/"] + [f"/initiatieven/?municipality={m}" for m in municipalities], 15),
        ("initiative", published, 15),
        ("form", [SUBMIT_PATH], 10),
        ("privacy", ["/privacy/"], 5),
        ("submission", [SUBMIT_PATH], 5),  # POST, then GET of the receipt page: two requests
    ]


def memory(args, tools: dict, env: dict, workdir: Path) -> dict:
    target = submission_target(args.database_url)
    mix = page_mix(args.database_url)
    rng = random.Random(20261123)
    kinds = [kind for kind, _, _ in mix]
    weights = [weight for _, _, weight in mix]
    paths = {kind: paths for kind, paths, _ in mix}
    server = Gunicorn(tools, env, workdir, workers=1, name="memory")
    server.start()
    readings = []
    errors = []
    served = {kind: 0 for kind in kinds}
    served["receipt page"] = 0
    try:
        (worker,) = server.worker_pids()
        # "After boot": wait until the worker's memory stops changing (the app is imported at boot).
        previous, stable_since = None, time.monotonic()
        while time.monotonic() - stable_since < 1.0:
            now = memory_of(worker)["VmRSS"]
            if now != previous:
                previous, stable_since = now, time.monotonic()
            time.sleep(0.1)
        readings.append(("after boot (no request yet)", 0, memory_of(worker)))
        log(f"  worker {worker} after boot: {fmt_memory(readings[-1][2])}")

        client = Client(server.port)
        cookie_token, form_token = csrf_pair(client)
        body, content_type = multipart(form_fields(form_token, target))
        post_headers = {"Content-Type": content_type, "Cookie": f"csrftoken={cookie_token}"}
        done = 1  # the form GET above

        def one(kind: str, path: str) -> int:
            nonlocal done
            if kind == "submission":
                status, _, _ = client.request("POST", path, body=body, headers=post_headers)
                done += 1
                served[kind] += 1
                receipt = client.location  # the receipt page's signed link, for this browser (its CSRF cookie)
                if status != 302 or not receipt.startswith("/initiatieven/nieuw/ontvangen/?"):
                    errors.append(f"POST {path}: {status}")
                    return 1
                status, _, _ = client.request("GET", receipt, headers={"Cookie": f"csrftoken={cookie_token}"})
                done += 1
                served["receipt page"] += 1
                if status != 200:
                    errors.append(f"GET receipt page: {status}")
                return 2
            status, _, _ = client.request("GET", path)
            done += 1
            served[kind] += 1
            if status != 200:
                errors.append(f"GET {path}: {status}")
            return 1

        # Warm-up: every path of the mix once (every template, URL pattern and query compiled).
        for kind, kind_paths, _ in mix:
            for path in kind_paths[:10]:
                one(kind, path)
        readings.append((f"after warm-up ({done} requests)", 0, memory_of(worker)))
        log(f"  after warm-up, {done} requests: {fmt_memory(readings[-1][2])}")
        if errors:
            sys.exit(f"the memory phase's warm-up had errors: {errors[:10]}\n{server.tail()}")

        counted_from = done
        targets = [args.memory_requests, 2 * args.memory_requests]
        step = max(1, args.memory_requests // 10)
        next_reading = step
        started = time.perf_counter()
        while done - counted_from < targets[-1]:
            kind = rng.choices(kinds, weights)[0]
            if kind == "submission" and done - counted_from + 2 > next_reading:
                kind = "form"  # a submission is two requests: keep the readings at exact counts
            one(kind, rng.choice(paths[kind]))
            if done - counted_from >= next_reading:
                n = done - counted_from
                readings.append((f"after {n:,} requests", n, memory_of(worker)))
                elapsed = time.perf_counter() - started
                log(f"  {n:>6,} requests ({n / elapsed:.0f}/s, {len(errors)} errors): {fmt_memory(readings[-1][2])}")
                next_reading += step
        client.close()
        server_errors = server.errors_logged()
    finally:
        server.stop()
    return {
        "readings": readings,
        "by_n": {n: m for _, n, m in readings[2:]},
        "errors": errors,
        "served": served,
        "server_errors": server_errors,
        "warmup_requests": counted_from,
        "targets": targets,
        "seconds": time.perf_counter() - started,
        "mix": [(kind, len(kind_paths), weight) for kind, kind_paths, weight in mix],
    }


def fmt_memory(m: dict) -> str:
    return f"RSS {m['VmRSS']:.1f} MiB, PSS {m.get('Pss', 0):.1f} MiB, USS {m.get('USS', 0):.1f} MiB"


# --- profile ---------------------------------------------------------------------------------------

PROFILE_CODE = r"""
import sys, time
import django
django.setup()
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from pyinstrument import Profiler

body_file, content_type, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
data = open(body_file, "rb").read()
client = Client()

def post(path):
    client.cookies.clear()  # a new resident every time, as under wrk
    return client.generic("POST", path, data, content_type=content_type)

for _ in range(20):
    assert post("/initiatieven/nieuw/").status_code == 302
    assert post("/bench/bare-insert/").status_code == 201
for path, label in (("/initiatieven/nieuw/", "real"), ("/bench/bare-insert/", "bare")):
    with CaptureQueriesContext(connection) as queries:
        post(path)
    print(f"QUERIES {label} {len(queries)}")
    for q in queries.captured_queries:
        print(f"SQL {label} {float(q['time']) * 1000:.1f} {' '.join(q['sql'].split())[:150]}")
    wall, cpu = time.perf_counter(), time.process_time()
    for _ in range(n):
        post(path)
    print(f"TIME {label} {(time.perf_counter() - wall) / n * 1000:.2f} {(time.process_time() - cpu) / n * 1000:.2f}")
profiler = Profiler(interval=0.0005)
profiler.start()
for _ in range(n):
    post("/initiatieven/nieuw/")
profiler.stop()
print("PROFILE-START")
print(profiler.output_text(unicode=True, color=False, show_all=False))
print("PROFILE-END")
"""


def profile(args, env: dict, body_file: Path, content_type: str, settings: str) -> dict:
    done = subprocess.run([sys.executable, "-c", "import pyinstrument"], capture_output=True, check=False)  # noqa: S603
    if done.returncode != 0:
        log("  pyinstrument is not installed: `.venv/bin/pip install pyinstrument` (a bench-only tool); no profile")
        return {}
    log(f"profiling {args.profile_requests} in-process submissions with {settings} (pyinstrument, django.test.Client)")
    env = {**env, "DJANGO_SETTINGS_MODULE": settings, "ALLOWED_HOSTS": "127.0.0.1,testserver"}
    out = subprocess.run(  # noqa: S603
        [sys.executable, "-c", PROFILE_CODE, str(body_file), content_type, str(args.profile_requests)],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if out.returncode != 0:
        log(f"  profiling failed:\n{out.stderr[-3000:]}")
        return {}
    text = out.stdout
    result = {"settings": settings, "queries": {}, "wall_ms": {}, "cpu_ms": {}, "sql": {"real": [], "bare": []}}
    result["tree"] = text.split("PROFILE-START", 1)[1].split("PROFILE-END", 1)[0].strip()
    for line in text.splitlines():
        parts = line.split(" ", 3)
        if parts[0] == "QUERIES":
            result["queries"][parts[1]] = int(parts[2])
        elif parts[0] == "TIME":
            result["wall_ms"][parts[1]], result["cpu_ms"][parts[1]] = float(parts[2]), float(parts[3])
        elif parts[0] == "SQL":
            result["sql"][parts[1]].append((float(parts[2]), parts[3]))
    log(
        f"  in-process per request: real {result['wall_ms']['real']:.1f} ms ({result['cpu_ms']['real']:.1f} ms CPU, "
        f"{result['queries']['real']} queries), bare {result['wall_ms']['bare']:.1f} ms "
        f"({result['cpu_ms']['bare']:.1f} ms CPU, {result['queries']['bare']} queries)"
    )
    return result


# Functions of the profile whose share of the submission the report lists (pyinstrument names).
HOTSPOTS = [
    ("Initiative.full_clean", "`Initiative.full_clean()` in `initiative_submit`"),
    ("GroupedVillageField.clean", "village field of the form (choice list + lookup)"),
    ("mail_enqueue", "`mail_enqueue` (receipt + officer mail, one call each)"),
    ("mail_enqueue_many", "`mail_enqueue_many` (receipt + officer mail at once)"),
    ("_digest_user_ids", "  of which the digest preference query"),
    ("outbox_send.delay", "Celery publish after the commit"),
    ("reference_next", "`reference_next` (sequence row)"),
    ("ManyRelatedManager.set", "`themes.set()`"),
    ("_officers_to_notify", "`_officers_to_notify`"),
    ("WSGIRequest._get_post", "multipart parsing (both views)"),
    ("record", "rate limit `record` (Redis)"),
    ("is_limited", "rate limit `is_limited` (Redis)"),
]


def hotspots(tree: str) -> tuple[float, dict]:
    """Seconds per function of HOTSPOTS in a pyinstrument text tree (nested repeats counted once)."""
    pattern = re.compile(r"^([^\d\[]*?)(\d+\.\d+) (\S+)")
    lines = [(len(m.group(1)), float(m.group(2)), m.group(3)) for m in map(pattern.match, tree.splitlines()) if m]
    root = lines[0][1] if lines else 0.0
    found = {}
    for key, _ in HOTSPOTS:
        total, guard = 0.0, None
        for depth, seconds, name in lines:
            if guard is not None and depth > guard:
                continue
            guard = None
            if name == key:
                total, guard = total + seconds, depth
        found[key] = total
    return root, found


# --- report --------------------------------------------------------------------------------------


def versions(args, redis) -> dict:
    postgres = sql(args.database_url, "SHOW server_version")[0][0]
    return {"postgres": f"PostgreSQL {postgres.split()[0]}", "redis": f"Redis {redis.info('server')['redis_version']}"}


def git_commit() -> str:
    try:
        return subprocess.run(  # noqa: S603 - a fixed, read-only git call for the record
            ["git", "rev-parse", "--short", "HEAD"],  # noqa: S607
            cwd=BASE_DIR,
            capture_output=True,
            text=True,
            check=False,
        ).stdout.strip()
    except OSError:
        return ""


def ms(us) -> str:
    return f"{us / 1000:.0f} ms"


def verdict(ok: bool) -> str:
    return "met" if ok else "**missed**"


def goals(results: dict) -> list[tuple[str, str, str]]:
    rows = []
    product = results.get("product")
    if product:
        t = product["totals"]
        real, bare = t["real"], t["bare"]
        rows.append(
            (
                f"real submission ≥ {GOAL_RATIO}× the bare view (requests/s, all rounds)",
                f"{real['rps']:.1f} / {bare['rps']:.1f} = **{t['ratio']:.2f}×**",
                verdict(t["ratio"] >= GOAL_RATIO),
            )
        )
        whatif = results.get("whatif")
        if whatif:
            w = whatif["totals"]
            rows.append(
                (
                    "the same with the recommended fixes applied (what-if, not the product)",
                    f"{w['real']['rps']:.1f} / {w['bare']['rps']:.1f} = **{w['ratio']:.2f}×**",
                    f"would be {verdict(w['ratio'] >= GOAL_RATIO)}",
                )
            )
        runs = product["runs"]
        errors = sum(run["http_errors"] + run["socket_errors"] for run in runs)
        rows.append(
            (
                "0 errors (every run, both views)",
                f"{sum(r['http_errors'] for r in runs)} 4xx/5xx, {sum(r['socket_errors'] for r in runs)} socket "
                f"errors/timeouts, {len(product['server_errors'])} errors in gunicorn's log",
                verdict(errors == 0 and not product["server_errors"]),
            )
        )
        same = all(run["stored"] == run["success"] for run in runs)
        rows.append(
            (
                "stored initiatives == successful (2xx/3xx) answers, per run",
                ", ".join(f"{r['label']} {r['round']}: {r['stored']:,} = {r['success']:,}" for r in runs),
                verdict(same),
            )
        )
        receipts = real["receipts"]
        rows.append(
            (
                "each initiative of the real runs has exactly one receipt in the outbox",
                f"{receipts['1']:,} with one, {receipts['0']:,} with none, {receipts['>1']:,} with more",
                verdict(receipts["0"] == 0 and receipts[">1"] == 0 and receipts["1"] == real["stored"]),
            )
        )
    mem = results.get("memory")
    if mem:
        first = mem["by_n"].get(mem["targets"][0])
        rows.append(
            (
                f"memory of a worker after {mem['targets'][0]:,} requests (the issue sets no limit)",
                f"RSS {first['VmRSS']:.1f} MiB, PSS {first.get('Pss', 0):.1f} MiB" if first else "?",
                "reported",
            )
        )
        rows.append(
            (
                f"memory phase without errors ({sum(mem['served'].values()):,} requests)",
                f"{len(mem['errors'])} wrong answers, {len(mem['server_errors'])} errors in gunicorn's log",
                verdict(not mem["errors"] and not mem["server_errors"]),
            )
        )
    return rows


def run_table(runs: list[dict]) -> list[str]:
    lines = [
        "| Round | View | Requests/s | p50 | p90 | p99 | max | 2xx / 3xx / 4xx / 5xx | Socket errors, timeouts "
        "| Stored | Stored == successful | Worker CPU per request | Lock waits | Machine busy before (others) |",
        "|---:|---|---:|---:|---:|---:|---:|---|---:|---:|---|---:|---:|---:|",
    ]
    for r in runs:
        lines.append(
            f"| {r['round']} | {r['label']} | {r['rps']:.1f} | {ms(r['p50_us'])} | {ms(r['p90_us'])} | "
            f"{ms(r['p99_us'])} | {ms(r['max_us'])} | {r['s2xx']:,} / {r['s3xx']:,} / {r['s4xx']:,} / {r['s5xx']:,} "
            f"| {r['socket_errors']} | {r['stored']:,} | {'yes' if r['stored'] == r['success'] else '**no**'} "
            f"| {r['worker_cpu_ms']:.1f} ms | {r['locks']['share']:.0f}% | {r['busy']:.0f}% (load {r['load']:.1f}) |"
        )
    return lines


def totals_lines(t: dict) -> list[str]:
    real, bare = t["real"], t["bare"]
    return [
        f"All rounds: real {real['requests']:,} answers in {real['window']:.1f} s = **{real['rps']:.1f}/s**, "
        f"bare {bare['requests']:,} in {bare['window']:.1f} s = **{bare['rps']:.1f}/s**: real / bare = "
        f"**{t['ratio']:.2f}×** (goal ≥ {GOAL_RATIO}×; round by round "
        f"{', '.join(f'{r:.2f}×' for r in t['round_ratios'])}). Worker CPU per request: real "
        f"{real['worker_cpu_ms']:.1f} ms, "
        f"bare {bare['worker_cpu_ms']:.1f} ms (bare / real = {t['cpu_ratio']:.2f}; it depends less on the other "
        "processes than the rates do).",
    ]


def outbox_lines(t: dict) -> list[str]:
    real, bare = t["real"], t["bare"]
    lines = [
        f"Receipts of the {real['stored']:,} initiatives stored by the real runs (outbox rows with template "
        f"`{RECEIPT_TEMPLATE}`): {real['receipts']['1']:,} with exactly one, {real['receipts']['0']:,} with none, "
        f"{real['receipts']['>1']:,} with more than one. All outbox rows of those initiatives:",
        "",
        "| Template | Status | Rows |",
        "|---|---|---:|",
    ]
    lines += [f"| `{tpl}` | {status} | {n:,} |" for (tpl, status), n in sorted(real["outbox"].items())]
    lines += [
        "",
        f"New outbox rows in the real runs: {real['outbox_new']:,}; task messages added to the Celery queue in Redis: "
        f"{real['celery_messages']:,} (one per submission after its commit: `initiatives.officers_notify`, which "
        f"writes the officers' notices and hands them to the worker with the receipt). Initiatives of the real runs "
        f"still marked for that task (`officers_notice_pending`, no worker runs here): {real['officers_pending']:,}. "
        f"The bare runs added {bare['outbox_new']} outbox rows and {bare['celery_messages']} messages.",
    ]
    return lines


def header(args, argv, tools, data, vers, results) -> list[str]:
    command = ("python bench/server.py " + " ".join(argv)).strip()
    runs = [run for key in ("product", "whatif") if results.get(key) for run in results[key]["runs"]]
    lines = [
        "# Public submissions under gunicorn, and a worker's memory",
        "",
        f"- Command: `{command}` (from the repository root, `.venv/bin/python`)",
        f"- Date: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, commit {git_commit() or '?'} (plus working-tree changes)",
        f"- Machine: {machine()}; Python {platform.python_version()}",
        f"- Servers on the same machine: {vers['postgres']}, {vers['redis']} (db {urlsplit(args.redis_url).path[1:]}: "
        f"cache, rate limits and Celery broker; flushed before and after), {tools['gunicorn_version']}; load from "
        f"{tools['wrk_version']} and a Python http.client loop. Load tool and servers share the cores.",
        "- Settings: `bench.bare.settings` = production's `config.settings.base`, read from the environment, plus "
        "one URL (the bare view; `config/urls.py` is unchanged): DEBUG=false, a random SECRET_KEY, "
        "ALLOWED_HOSTS=127.0.0.1; for plain http on loopback SECURE_SSL_REDIRECT=false, SECURE_HSTS_SECONDS=0, "
        "SESSION_COOKIE_SECURE=false, CSRF_COOKIE_SECURE=false; CONN_MAX_AGE at its default 0 (a new PostgreSQL "
        "connection per request, as docker-compose runs it); static files collected with production's "
        "CompressedManifestStaticFilesStorage; gunicorn's access log to a file, in the Dockerfile's format.",
        f"- **The submission rate limit is lifted for the run**: SUBMISSION_RATE_LIMIT={LIFTED_RATE_LIMIT:_} "
        "(default 10 per hour per address); its Redis counter is still read and incremented on every submission.",
        "- No Celery worker runs: every mail stays `pending` in the outbox, the officers of each new initiative "
        "are not told yet (that is the worker's task), and the task messages wait in Redis.",
        f"- Data: {data['seeded']}: {data['municipalities']} active municipalities, {data['villages']} public "
        f"villages, {data['officers']} officers, {data['initiatives']:,} initiatives before the run "
        f"({data['published']} public).",
    ]
    if runs:
        busy = [run["busy"] for run in runs]
        load = [run["load"] for run in runs]
        quiet = max(busy) < 20
        lines.append(
            f"- {'The machine was quiet' if quiet else 'The machine was shared'}: other processes used "
            f"{span(busy, '.0f')}% of all cores in the second before each measured run (load average, the bench's "
            f"own processes included, {span(load, '.1f')}). Real and bare runs are interleaved so that both meet the "
            "same conditions"
            + (
                "."
                if quiet
                else "; absolute rates are lower than on an idle machine, and the worker CPU per request depends "
                "less on the others than the rates do."
            )
        )
    return lines


def span(values, spec: str) -> str:
    low, high = format(min(values), spec), format(max(values), spec)
    return low if low == high else f"{low}–{high}"


def report(args, argv, tools, data, vers, results) -> str:
    lines = header(args, argv, tools, data, vers, results)
    lines += ["", "## Goals", "", "| Goal | Result | Verdict |", "|---|---|---|"]
    lines += [f"| {goal} | {result} | {mark} |" for goal, result, mark in goals(results)]
    lines.append("")
    product = results.get("product")
    if product:
        target = product["target"]
        lines += [
            "## Submission throughput",
            "",
            f"`{product['server']}` (bound to 127.0.0.1; 2 cores). Both views against the same gunicorn in the same "
            f"run, interleaved: real, bare, real, bare … ({args.rounds} rounds); each measured run after a "
            f"{args.warmup} s wrk warm-up whose rows are not counted (counts are taken just before and after each "
            f"measured run). wrk `-t {args.threads} -c {args.connections} --latency --timeout {args.timeout}s -s "
            f"bench/wrk/post.lua`: the script sends for {args.duration} s, then stops sending and lets wrk wait up "
            f"to {args.grace} s more, so every request it sent is answered and counted (wrk on its own drops the "
            "requests in flight when it stops, and the server still stores them). Requests/s = answers / (last "
            "answer − first request). The body is the multipart form a browser sends for a filled-in form "
            f"({product['body_bytes']:,} bytes: village {target['village_name']}, which {target['village_officers']} "
            "officer(s) have in their portfolio, two themes, help with advice and money, one cost line and two "
            "empty ones, the empty file input and the empty honeypot), with the csrftoken cookie and form token of "
            "one GET of the form in every request. Every request is a new resident without a session; gunicorn's "
            "sync workers close each connection, so wrk connects anew each time.",
            "",
            "- **real**: `POST /initiatieven/nieuw/`, the product's view: rate-limit check, form and formset "
            "validation, `initiative_submit` (reference sequence row lock, initiative marked for its officers' "
            "notices, themes, cost line, history row, the receipt in the outbox), after the commit one task on "
            "Redis for the worker (`initiatives.officers_notify`: the officers' notices, then those mails and the "
            "receipt sent), 302 to the receipt page's signed link for that browser (not followed; no session).",
            "- **bare**: `POST /bench/bare-insert/` (bench/bare/views.py), csrf-exempt: "
            "`Initiative.objects.create(...)` with the required fields from the same POST (one village lookup, "
            "one INSERT), 201; no form, history, mail or session. The middleware stack is the product's.",
            "- The issue's “2xx” is read as *successful (2xx/3xx)*: the real view answers 302 (post/redirect/get).",
            "- Worker CPU per request: user + system time of the gunicorn workers (/proc) over the run / answers. "
            "Lock waits: share of 20 ms samples of `pg_stat_activity` in which a backend of the bench database "
            "waited for a lock.",
            "",
            "### The product as it is",
            "",
            *run_table(product["runs"]),
            "",
            *totals_lines(product["totals"]),
            "",
            *outbox_lines(product["totals"]),
            "",
        ]
        if product["server_errors"]:
            lines += ["Errors in gunicorn's log:", "", "```", *product["server_errors"][:20], "```", ""]
        waits = [run["locks"] for run in product["runs"] if run["label"] == "real"]
        statements = sum((Counter(dict(w["statements"])) for w in waits), Counter()).most_common(2)
        if statements:
            lines += [
                "Statements that waited for a lock during the real runs (samples): "
                + "; ".join(f"`{s}…` ({n})" for s, n in statements),
                "",
            ]
    whatif = results.get("whatif")
    if whatif:
        lines += [
            "### With the recommended fixes applied (what-if)",
            "",
            "The same runs on a second gunicorn whose workers apply fixes 1–4 under “Profile” as monkeypatches "
            "at start-up (`bench.bare.settings_whatif` installs `bench/bare/whatif.py`; the product's code is "
            "untouched; a fix the product already has changes nothing). An experiment to show the effect, not the "
            "product.",
            "",
            *run_table(whatif["runs"]),
            "",
            *totals_lines(whatif["totals"]),
            "",
            *outbox_lines(whatif["totals"]),
            "",
        ]
    lines += profile_section(args, results)
    lines += memory_section(results.get("memory"))
    lines += results.get("previous", [])
    lines.append("")
    return "\n".join(lines)


def ballot_report(args, argv, tools, data, vers, results) -> str:
    """bench/results/ballots.md: issue 14's ballots under gunicorn against the bare ballot INSERT."""
    command = ("python bench/server.py " + " ".join(argv)).strip()
    product = results["product"]
    runs, t, target = product["runs"], product["totals"], product["target"]
    real, bare = t["real"], t["bare"]
    busy, load = [run["busy"] for run in runs], [run["load"] for run in runs]
    errors = sum(run["http_errors"] + run["socket_errors"] for run in runs)
    mails = real["receipts"]
    lines = [
        "# Ballots under gunicorn (issue 14)",
        "",
        f"- Command: `{command}` (from the repository root, `.venv/bin/python`)",
        f"- Date: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, commit {git_commit() or '?'} (plus working-tree changes)",
        f"- Machine: {machine()}; Python {platform.python_version()}",
        f"- Servers on the same machine: {vers['postgres']}, {vers['redis']} (db {urlsplit(args.redis_url).path[1:]}: "
        f"cache, rate limits and Celery broker; flushed before and after), {tools['gunicorn_version']}; load from "
        f"{tools['wrk_version']}. Load tool and servers share the cores.",
        "- Settings: `bench.bare.settings` = production's `config.settings.base` from the environment plus the "
        "bench's bare URLs (`config/urls.py` is unchanged), DEBUG=false, plain http on loopback, CONN_MAX_AGE 0, "
        "as in bench/results/server.md.",
        f"- **The ballot rate limits are lifted for the run**: BALLOT_RATE_LIMIT and BALLOT_RATE_LIMIT_PER_ADDRESS="
        f"{LIFTED_RATE_LIMIT:_} (defaults 30 per client and 5 per address per hour); their Redis counters are "
        "still read and incremented on every ballot.",
        "- No Celery worker runs: the confirmation mails stay `pending` in the outbox, their task messages wait "
        "in Redis.",
        f"- Data: {data['seeded']}: {data['municipalities']} active municipalities, {data['villages']} public "
        f"villages; the demo's budget round {target['round_name']!r}, open for voting.",
        f"- Load average (1 min, the bench's own processes included) {span(load, '.1f')} before the measured "
        f"runs; other processes used {span(busy, '.0f')}% of all cores in the second before each. Real and bare "
        "runs are interleaved so that both meet the same conditions.",
        "",
        "## Result",
        "",
        "| Check | Result | Verdict |",
        "|---|---|---|",
        f"| real ballot / bare ballot INSERT (requests/s, all rounds; issue 14: reported) | {real['rps']:.1f} / "
        f"{bare['rps']:.1f} = **{t['ratio']:.2f}×** (round by round "
        f"{', '.join(f'{r:.2f}×' for r in t['round_ratios'])}) | reported |",
        f"| 0 errors (every run, both views) | {sum(r['http_errors'] for r in runs)} 4xx/5xx, "
        f"{sum(r['socket_errors'] for r in runs)} socket errors/timeouts, {len(product['server_errors'])} errors in "
        f"gunicorn's log | {verdict(errors == 0 and not product['server_errors'])} |",
        "| stored ballots == successful (2xx/3xx) answers, per run | "
        + ", ".join(f"{r['label']} {r['round']}: {r['stored']:,} = {r['success']:,}" for r in runs)
        + f" | {verdict(all(run['stored'] == run['success'] for run in runs))} |",
        f"| each ballot of the real runs has exactly one confirmation mail in the outbox | {mails['1']:,} with one, "
        f"{mails['0']:,} with none, {mails['>1']:,} with more | "
        f"{verdict(mails['0'] == 0 and mails['>1'] == 0 and mails['1'] == real['stored'])} |",
        "",
        "## Ballot throughput",
        "",
        f"`{product['server']}` (bound to 127.0.0.1; 2 cores). Both views against the same gunicorn in the same "
        f"run, interleaved: real, bare, real, bare … ({args.rounds} rounds); each measured run after a "
        f"{args.warmup} s wrk warm-up whose rows are not counted. wrk `-t {args.threads} -c {args.connections} "
        f"--latency --timeout {args.timeout}s -s bench/wrk/post.lua` sends for {args.duration} s, then waits up "
        f"to {args.grace} s for the answers in flight, so every request sent is answered and counted. "
        "Requests/s = answers / (last answer − first request). The body is what a browser sends for the "
        f"filled-in ballot form ({product['body_bytes']:,} bytes, urlencoded: village {target['village_name']} "
        f"with {target['on_ballot']} projects on its ballot, the {len(target['chosen'])} cheapest chosen within "
        "its budget, age confirmed, an e-mail address, empty code and honeypot), with the csrftoken cookie and "
        "form token of one GET of the ballot page in every request. Every request is a new voter without a "
        "session.",
        "",
        "- **real**: `POST /begroten/<round>/<village>/stemmen/`, the product's view: the round and village "
        "lookups, the ballot's rate-limit checks and counters (Redis), the form (the village's projects on the "
        "ballot), `ballot_cast` (phase, age, the ballot's rules: projects of this ballot within the budget; the "
        "ballot row, its choices, the confirmation mail in the outbox), after the commit the mail handed to "
        "Celery on Redis, 302 to the page that says the mail is on its way (not followed).",
        "- **bare**: `POST /bench/bare-ballot/<round>/<village>/` (bench/bare/views.py, not in the product's "
        "URLs), csrf-exempt: one lookup of the village's budget in the round and `Ballot.objects.create(...)` "
        "with the address from the same POST, 201; no form, choices, checks, mail or rate limit. The middleware "
        "stack is the product's.",
        "- The same address in every request: the product stores a new unconfirmed ballot each time (a later "
        "confirmed one replaces an earlier one only when its link is opened), each with its own mail.",
        "",
        *run_table(runs),
        "",
        f"All rounds: real {real['requests']:,} answers in {real['window']:.1f} s = **{real['rps']:.1f}/s**, "
        f"bare {bare['requests']:,} in {bare['window']:.1f} s = **{bare['rps']:.1f}/s**: real / bare = "
        f"**{t['ratio']:.2f}×**. Worker CPU per request: real {real['worker_cpu_ms']:.1f} ms, bare "
        f"{bare['worker_cpu_ms']:.1f} ms (bare / real = {t['cpu_ratio']:.2f}; it depends less on the other "
        "processes than the rates do).",
        "",
        "Outbox rows the real runs added:",
        "",
        "| Template | Status | Rows |",
        "|---|---|---:|",
        *[f"| `{tpl}` | {status} | {n:,} |" for (tpl, status), n in sorted(real["outbox"].items())],
        "",
        f"New outbox rows in the real runs: {real['outbox_new']:,}; task messages added to the Celery queue in "
        f"Redis: {real['celery_messages']:,}. The bare runs added {bare['outbox_new']} outbox rows and "
        f"{bare['celery_messages']} messages.",
        "",
    ]
    if product["server_errors"]:
        lines += ["Errors in gunicorn's log:", "", "```", *product["server_errors"][:20], "```", ""]
    lines += results.get("previous", [])
    lines.append("")
    return "\n".join(lines)


def profile_section(args, results) -> list[str]:
    before, after = results.get("profile"), results.get("profile_whatif")
    if not before:
        return []
    lines = [
        "## Profile",
        "",
        f"pyinstrument over {args.profile_requests} in-process POSTs of the same body (`django.test.Client`, cookies "
        "cleared before each, same settings and databases, after 20 warm-up POSTs of each view), then the same with "
        "the what-if patches. In-process time per request (no gunicorn, no network; wall time depends on what else "
        "runs on the machine, CPU time less so):",
        "",
        "| Code | View | Wall per request | CPU per request | SQL queries |",
        "|---|---|---:|---:|---:|",
    ]
    for name, prof in (("product", before), ("what-if", after)):
        if prof:
            for view in ("real", "bare"):
                lines.append(
                    f"| {name} | {view} | {prof['wall_ms'][view]:.1f} ms | {prof['cpu_ms'][view]:.1f} ms "
                    f"| {prof['queries'][view]} |"
                )
    root, spots = hotspots(before["tree"])
    root_after, spots_after = hotspots(after["tree"]) if after else (0.0, {})
    lines += [
        "",
        "Share of the real submission's time (pyinstrument, wall) spent in:",
        "",
        "| Where | Product | What-if |",
        "|---|---:|---:|",
    ]
    for key, label in HOTSPOTS:
        share = 100 * spots[key] / root if root else 0
        share_after = f"{100 * spots_after.get(key, 0) / root_after:.1f}%" if root_after else "—"
        lines.append(f"| {label} | {share:.1f}% | {share_after} |")
    product, whatif = results.get("product"), results.get("whatif")
    lock_before = lock_after = "?"
    if product:
        reals = [run["locks"] for run in product["runs"] if run["label"] == "real"]
        lock_before = f"{sum(w['waiting'] for w in reals) * 100 / max(1, sum(w['samples'] for w in reals)):.0f}%"
    if whatif:
        reals = [run["locks"] for run in whatif["runs"] if run["label"] == "real"]
        lock_after = f"{sum(w['waiting'] for w in reals) * 100 / max(1, sum(w['samples'] for w in reals)):.0f}%"
    q_before, q_after = before["queries"]["real"], (after or before)["queries"]["real"]
    lines += [
        "",
        "### Findings and recommended fixes (product code: for its owners)",
        "",
        f"The real submission makes {q_before} SQL queries against the bare view's {before['queries']['bare']}, and "
        f"costs {before['cpu_ms']['real'] / max(before['cpu_ms']['bare'], 0.01):.1f}× its CPU in-process. Where it "
        "goes, and what to change:",
        "",
        *fixes_1_to_4(before, lock_before),
        "",
        f"With 1–4 applied (the what-if): {q_after} queries per real submission"
        + (
            f", lock waits in {lock_after} of the samples, real / bare {whatif['totals']['ratio']:.2f}× under "
            f"gunicorn (product: {product['totals']['ratio']:.2f}×)."
            if whatif and product
            else " (not run under gunicorn: `--what-if never`)."
        ),
        "",
    ]
    left = {key: 100 * spots_after.get(key, 0) / root_after for key, _ in HOTSPOTS} if root_after else {}
    if whatif:
        w = whatif["totals"]
        cost = w["real"]["worker_cpu_ms"] / w["bare"]["worker_cpu_ms"] if w["bare"]["worker_cpu_ms"] else 0
        reached = w["ratio"] >= GOAL_RATIO
        lines += [
            f"With 1–4 the real submission still costs {cost:.1f}× the bare view's worker CPU "
            f"({w['real']['worker_cpu_ms']:.1f} against {w['bare']['worker_cpu_ms']:.1f} ms per request under "
            "gunicorn)"
            + (
                "; that is enough here."
                if reached
                else f"; {GOAL_RATIO}× needs it at about {1 / GOAL_RATIO:.0f}× (the fixed costs of both views, "
                "the PostgreSQL connection and the middleware, count in its favour). That takes work off the "
                "request path, not only fewer queries:"
            ),
            "",
        ]
    if left:
        lines += [
            f"5. **Celery publish in the request** ({left['outbox_send.delay']:.1f}% of the what-if profile): "
            "`notifications/services.py`: after the commit, `_dispatch` (from `mail_enqueue`) or `mail_dispatch_all` "
            "(from `mail_enqueue_many`) publishes every mail to Redis separately, with its own round trips. "
            "One task per commit for all of its mail ids (`mail_enqueue_many` already collects them; an "
            "`outbox_send_many` task in `notifications/tasks.py`) halves it for a submission; leaving new mails "
            "to the outbox sweep (`OUTBOX_SWEEP_SECONDS`, 120 s) would remove it, at the cost of a slower receipt.",
            "6. **The receipt page's session** (`initiatives/views.py`, `InitiativeSubmitView.post`: "
            "`request.session[SUBMITTED_SESSION_KEY] = initiative.pk`): every submission writes a new "
            "`django_session` row in a second transaction with its own COMMIT (an fsync), after an existence "
            "check. A signed, short-lived id in the redirect URL (`django.core.signing.dumps(pk, salt=…)`, "
            "checked with `max_age` in `InitiativeSubmittedView`) needs no row and no COMMIT.",
            f"7. **Smaller ones**: `reference_next` ({left['reference_next']:.1f}%) is three statements and a "
            "savepoint where one atomic increment would do (`ReferenceSequence.objects.filter(year=year)"
            ".update(last_number=F('last_number') + 1)` and one read, or a single UPDATE … RETURNING; the row "
            "created only when it updates nothing); "
            f"`initiative.themes.set()` ({left['ManyRelatedManager.set']:.1f}%) reads the existing links of a new "
            "initiative before it inserts (`Initiative.themes.through.objects.bulk_create` is one query); "
            f"`_officers_to_notify` and the digest preference query ({left['_officers_to_notify']:.1f}% + "
            f"{left['_digest_user_ids']:.1f}%) could be one query; the rate limit makes three Redis round trips "
            f"({left['record'] + left['is_limited']:.1f}%; one pipeline with INCR and EXPIRE would do).",
            "",
        ]
    lines += [
        "For all requests, not the ratio: `CONN_MAX_AGE=0` (docker-compose's default) opens a PostgreSQL "
        "connection per request in both views; CONN_MAX_AGE=60 with CONN_HEALTH_CHECKS=True is a deployment "
        "setting that removes that fixed cost (and makes the ratio look worse, since the bare view is mostly "
        "fixed cost).",
        "",
        "The queries of one real submission, product code (SQL shortened):",
        "",
    ]
    lines += [f"- `{q}`" for _, q in before["sql"]["real"]]
    lines += ["", "pyinstrument, product code:", "", "```", before["tree"], "```", ""]
    if after:
        lines += ["pyinstrument, with the what-if patches:", "", "```", after["tree"], "```", ""]
    return lines


def fixes_1_to_4(before: dict, lock_before: str) -> list[str]:
    """Items 1-4 of the findings; an item the product's code already has is marked done, judged
    by the SQL of one real submission and the lock waits (so a later run never recommends a fix
    that is in)."""
    queries = [q for _, q in before["sql"]["real"]]
    checks = sum('AS "_check"' in q for q in queries)
    exists = sum(  # Model.full_clean's checks, not the session's
        q.startswith(('SELECT 1 AS "a" FROM "villages_', 'SELECT 1 AS "a" FROM "municipalities_',
                      'SELECT 1 AS "a" FROM "initiatives_'))
        for q in queries
    )  # fmt: skip
    village_reads = sum(q.startswith('SELECT "villages_village"."id"') for q in queries)
    outbox_inserts = sum(q.startswith('INSERT INTO "notifications_outboxmail"') for q in queries)
    waits = float(lock_before.rstrip("%")) if lock_before.rstrip("%").replace(".", "").isdigit() else 100.0
    done = "already in the product's code: "
    return [
        (
            "1. **`initiatives/services.py`, `initiative_submit`: `initiative.full_clean()`** validates what the "
            "form has already validated, with queries: one per foreign key (village, municipality), one for the "
            "unique reference, and each of the three CHECK constraints (`total_cost`, `amount_requested`, "
            "`own_contribution_money` ≥ 0) as `SAVEPOINT`, a `_check` query and `RELEASE` "
            f"({checks} constraint checks and {exists} existence checks in one submission here). Django's "
            "`Q.check()` for a constraint also builds a query that annotates every field of the model, which is "
            "most of the CPU. Fix: `initiative.full_clean(exclude=[<the foreign keys>], validate_unique=False, "
            "validate_constraints=False)` (or no `full_clean`): the form checked the input, the reference comes from "
            "the locked sequence, and PostgreSQL enforces the unique and CHECK constraints on the INSERT anyway."
            if checks or exists
            else f"1. ~~`initiative.full_clean()` with queries~~ — {done}no constraint or existence check among the "
            "submission's queries."
        ),
        (
            "2. **`initiatives/forms.py`, `GroupedVillageField`**: `TypedChoiceField.validate()` walks the choices, "
            "so every POST runs `village_choices()` (every public village with its municipality: 28 here, about "
            "1,000 on a full platform) before `clean()` looks the village up again. Fix: `def valid_value(self, "
            "value): return True` on the field (its `clean()` is the real check) — one query and a list of every "
            "village less."
            if village_reads > 1
            else f"2. ~~the village field walks every village~~ — {done}one village query per submission."
        ),
        (
            "3. **`initiatives/services.py`, `initiative_submit` → `notifications/services.py`, `mail_enqueue`**: "
            "each mail is a `get_or_create` (SELECT, SAVEPOINT, INSERT, RELEASE) plus, for officers, a digest "
            "preference query. The dedup keys of a brand-new initiative cannot exist yet. Fix: collect the receipt "
            "and the officers' mails and store them with `mail_enqueue_many` (one INSERT … ON CONFLICT DO NOTHING, "
            "one SELECT of the ids, one digest query for all), which also hands them to Celery after the commit."
            if outbox_inserts > 1
            else f"3. ~~one `get_or_create` per mail~~ — {done}the submission's mails are one INSERT."
        ),
        (
            "4. **`initiatives/services.py`, `reference_next` inside `initiative_submit`'s transaction**: the "
            "sequence row is locked `FOR UPDATE` at the start of the submission and stays locked until its COMMIT, "
            f"so concurrent submissions queue behind each other (a lock wait in {lock_before} of the samples during "
            "the real runs, in `INSERT INTO initiatives_referencesequence … ON CONFLICT DO NOTHING`). Fix: take the "
            "number in its own short transaction before the submission's (call `reference_next` before the "
            "`atomic` block; a submission that then fails leaves a gap in the numbers), or use a PostgreSQL "
            "sequence per year."
            if waits >= 1
            else f"4. ~~submissions wait for the reference sequence's lock~~ — lock waits in {lock_before} of the "
            "samples."
        ),
    ]


def previous_run(path: Path) -> list[str]:
    """The command, date, load, goal table, throughput totals and in-process table of the results
    file this run replaces, so that a run after a change shows before and after."""
    if not path.exists():
        return []
    lines = path.read_text().splitlines()
    cut = next((i for i, line in enumerate(lines) if line.startswith("## The previous run")), len(lines))
    lines = lines[:cut]  # never the previous run's own previous run

    def table(starts: str) -> list[str]:
        begin = next((i for i, line in enumerate(lines) if line.startswith(starts)), None)
        if begin is None:
            return []
        while begin < len(lines) and not lines[begin].startswith("|"):
            begin += 1
        end = begin
        while end < len(lines) and lines[end].startswith("|"):
            end += 1
        return [*lines[begin:end], ""]

    head = [line for line in lines[:20] if line.startswith(("- Command:", "- Date:", "- The machine was"))]
    if not head:
        return []
    totals = [line for line in lines if line.startswith("All rounds:")]
    return [
        "## The previous run, for comparison",
        "",
        "From the results file this run replaced (`--no-previous` leaves this out):",
        "",
        *head,
        "",
        *table("## Goals"),
        *[f"- {name}: {line}" for name, line in zip(("product", "what-if"), totals, strict=False)],
        "" if totals else "",
        *table("| Code | View | Wall per request"),
    ]


def memory_section(mem) -> list[str]:
    if not mem:
        return []
    readings = mem["readings"]
    first_target, second_target = mem["targets"]
    warm = readings[1][2]
    at_first, at_second = mem["by_n"].get(first_target), mem["by_n"].get(second_target)
    total = sum(weight for _, _, weight in mem["mix"])
    lines = [
        "## Memory of one gunicorn worker",
        "",
        "`gunicorn config.wsgi --workers 1 --worker-class sync --max-requests 0` (no recycling: the one worker takes "
        "every request), driven by one http.client loop (exact counts; gunicorn closes each connection, the client "
        "connects anew). Memory from `/proc/<worker>/status` (VmRSS) and `/proc/<worker>/smaps_rollup` (PSS; USS = "
        "private clean + private dirty). “After boot” is the worker with the app imported (gunicorn imports it in "
        "each worker at boot) and no request yet; the warm-up requests every path of the mix once (up to 10 per "
        f"kind, {mem['warmup_requests']} requests, not counted below).",
        "",
        "The mix (weighted random, fixed seed): "
        + ", ".join(
            f"{kind} {weight * 100 / total:.0f}% ({n} path{'s' if n != 1 else ''})" for kind, n, weight in mem["mix"]
        )
        + ". A submission is the POST (302 to the receipt page's signed link) plus the GET of that link with the "
        "same CSRF cookie. "
        "Served: "
        + ", ".join(f"{kind} {n:,}" for kind, n in mem["served"].items())
        + f"; {len(mem['errors'])} wrong answers. {second_target:,} requests took {mem['seconds']:.0f} s.",
        "",
        "| Point | Requests after warm-up | RSS | PSS | USS |",
        "|---|---:|---:|---:|---:|",
    ]
    for label, n, m in readings:
        lines.append(
            f"| {label} | {n:,} | {m['VmRSS']:.1f} MiB | {m.get('Pss', 0):.1f} MiB | {m.get('USS', 0):.1f} MiB |"
        )
    if at_first and at_second:
        growth_first = at_first["VmRSS"] - warm["VmRSS"]
        growth_second = at_second["VmRSS"] - at_first["VmRSS"]
        lines += [
            "",
            f"RSS after {first_target:,} requests: **{at_first['VmRSS']:.1f} MiB** ({growth_first:+.1f} MiB since the "
            f"warm-up, {at_first['VmRSS'] - readings[0][2]['VmRSS']:+.1f} MiB since boot). From {first_target:,} to "
            f"{second_target:,} requests: **{growth_second:+.1f} MiB** ({growth_second * 1024 / first_target:.2f} KiB "
            "per request). Peak RSS (VmHWM) "
            f"{at_second.get('VmHWM', 0):.1f} MiB.",
        ]
    if mem["errors"] or mem["server_errors"]:
        lines += ["", "Errors:", "", "```", *(mem["errors"][:10] + mem["server_errors"][:10]), "```"]
    lines.append("")
    return lines


# --- main ----------------------------------------------------------------------------------------


def main(argv=None) -> int:
    global GOAL_RATIO
    argv = list(sys.argv[1:] if argv is None else argv)
    args = parse_args(argv)
    if args.variant == "ballots":
        GOAL_RATIO = BALLOTS_GOAL_RATIO
    args.secret_key = uuid.uuid4().hex + uuid.uuid4().hex
    base_env = dict(os.environ)
    split_url(args.database_url)  # refuses anything but a PostgreSQL bench database
    tools = find_tools()
    redis = redis_client(args.redis_url)
    workdir = Path(tempfile.mkdtemp(prefix="bench-server-"))
    env = django_env(args, base_env, str(workdir / "static"))
    results = {}
    started = time.perf_counter()
    try:
        redis.flushdb()
        log(f"flushed Redis {args.redis_url}")
        prepare_database(args.database_url)
        data = prepare_data(args, env)
        vers = versions(args, redis)
        log(f"{vers['postgres']}, {vers['redis']}, {tools['gunicorn_version']}, {tools['wrk_version']}")
        collect_static(env)
        ratio = None
        variant = (Ballots if args.variant == "ballots" else Submissions)(args.database_url)
        if not args.skip_throughput:
            log(f"throughput: the product's {variant.name} against the bare view")
            product = results["product"] = throughput(args, tools, env, workdir, redis, settings=SETTINGS,
                                                      name="product", variant=variant)  # fmt: skip
            ratio = product["totals"]["ratio"]
            log(f"real / bare = {ratio:.2f}×" + ("" if args.variant == "ballots" else f" (goal ≥ {GOAL_RATIO}×)"))
            missed = ratio < GOAL_RATIO
            if args.profile == "always" or (args.profile == "auto" and missed):
                body, content_type = product["body_file"], product["content_type"]
                results["profile"] = profile(args, env, body, content_type, SETTINGS)
                results["profile_whatif"] = profile(args, env, body, content_type, SETTINGS_WHATIF)
            if args.what_if == "always" or (args.what_if == "auto" and missed):
                log("throughput again with the recommended fixes applied as patches (what-if)")
                results["whatif"] = throughput(args, tools, env, workdir, redis, settings=SETTINGS_WHATIF,
                                               name="what-if", variant=variant)  # fmt: skip
                log(f"what-if: real / bare = {results['whatif']['totals']['ratio']:.2f}×")
        if args.memory_requests:
            log(f"memory: one worker, {2 * args.memory_requests:,} requests after a warm-up")
            results["memory"] = memory(args, tools, env, workdir)
        if not args.no_previous:
            results["previous"] = previous_run(args.output)
        write = ballot_report if args.variant == "ballots" else report
        table = write(args, argv, tools, data, vers, results)
    finally:
        with contextlib.suppress(Exception):
            redis.flushdb()
            log(f"flushed Redis {args.redis_url}")
        if not args.keep:
            drop_database(args.database_url)
        shutil.rmtree(workdir, ignore_errors=True)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(table)
    log()
    log(table)
    where = args.output.relative_to(BASE_DIR) if args.output.is_relative_to(BASE_DIR) else args.output
    log(f"written to {where} ({time.perf_counter() - started:.0f} s in all)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
