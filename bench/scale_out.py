"""More than one machine, on one machine: two web servers, two Celery workers, one beat.

    .venv/bin/python bench/scale_out.py                       # 5,000 submissions (issue 16, goal 6)
    .venv/bin/python bench/scale_out.py --submissions 200     # a quick run

Two gunicorns (two ports), two `celery worker`s and one `celery beat` share one PostgreSQL
database, one Redis database (Celery's broker, the cache, the rate limits) and one S3-compatible
bucket (moto's standalone server from the development packages). Nothing else is shared: every
process has a MEDIA_ROOT of its own (its "local disk", which must stay empty) and each worker
writes the mails it sends into a folder of its own (`bench.bare.mail`: one file per message).

1. Submissions: `--submissions` real multipart intake forms, each by a resident of its own and
   with a PDF attachment of its own, round-robin over the two web servers from `--clients`
   threads (the CSRF cookie and token of one GET, reused on both servers). After each, the
   receipt page is opened on the OTHER web server with the signed link the first one gave.
2. Mid-run, once `--kill-at` of the submissions are in and worker 1 has sent mails, worker 1
   gets SIGKILL: its whole process group (the main process and its pool), mid-send, as a
   machine that dies. Worker 2, beat and the web servers go on.
3. The bench waits until no mail of the run is pending and every initiative's officers were
   told (each submission's `initiatives.officers_notify` task writes their notices and hands
   them to the workers with the receipt). What the killed worker held comes back through
   beat's sweeps (every OUTBOX_SWEEP_SECONDS: mails pending for two minutes, and submissions
   whose officers were not told after a minute).
4. The killed worker's task messages are still unacknowledged in Redis; kombu hands them out
   again after the visibility timeout (an hour). The bench does that now (`restore_by_tag`)
   and waits until worker 2 has handled them: they must send nothing.
5. Read-back: for every submission, the tracking link from its receipt mail is opened on the
   web server that did not take the submission, then the attachment link on that page; the
   bytes must be those sent.
6. Checks: each submission stored once; exactly one receipt per initiative in the outbox and
   exactly one receipt mail per resident across both workers' folders; every mail of the run
   sent once (no two mails with the same recipient and subject; mail files == sent rows);
   attachments in the bucket, no file on any process's disk; no errors in any log.

Results in bench/results/scale_out.md (`--output`) with the machine, the load and the command.
PostgreSQL only, a database whose name contains `bench` (default `bench_scaleout`: created,
seeded with `manage.py seed_demo`, dropped at the end unless --keep); Redis db 12 by default
(not 0; FLUSHDB at the start and the end).
"""

import argparse
import contextlib
import email
import email.policy
import hashlib
import http.client
import json
import os
import random
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

from common import BASE_DIR, environment_lines, prepare_database, split_url
from server import (
    ABOUT_AN_INITIATIVE,
    LIFTED_RATE_LIMIT,
    SUBMIT_PATH,
    Client,
    Gunicorn,
    collect_static,
    csrf_pair,
    django_env,
    drop_database,
    find_tools,
    form_fields,
    free_port,
    log,
    machine_busy,
    multipart,
    prepare_data,
    receipts_per_initiative,
    redis_client,
    sql,
    submission_target,
    versions,
)

DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/bench_scaleout"
DEFAULT_REDIS = "redis://127.0.0.1:6379/12"
BUCKET = "bench-scaleout"
MAIL_BACKEND = "bench.bare.mail.FilePerMessageBackend"
SEPARATOR = b"\n" + b"-" * 79 + b"\n"  # bench/bare/mail.py: the end of a complete message
RECEIPT_PAGE = "/initiatieven/nieuw/ontvangen/"
REFERENCE = re.compile(r"\b(\d{4}-\d{4,6})\b")
TRACKING = re.compile(r"/initiatieven/volg/([A-Za-z0-9_-]+)/")
SENT_TASK = re.compile(r"notifications\.outbox_send\[[^\]]+\] succeeded")
# A mail in hand: a single send, or a batch (the submission's receipt with its officers' notices).
RECEIVED = re.compile(r"Task notifications\.outbox_send(?:_batch)?\[([^\]]+)\] received")
FINISHED = re.compile(r"Task notifications\.outbox_send(?:_batch)?\[([^\]]+)\] (?:succeeded|retry|raised)")


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add = parser.add_argument
    add("--submissions", type=int, default=5000, help="intake forms sent, over both web servers (default 5000)")
    add("--clients", type=int, default=8, help="threads sending them at once (default 8)")
    add("--web-workers", type=int, default=2, help="sync workers per gunicorn (default 2)")
    add("--concurrency", type=int, default=2, help="pool processes per Celery worker (default 2, as docker-compose)")
    add("--kill-at", type=float, default=0.5, help="share of the submissions after which worker 1 is killed (0: never)")
    add(
        "--kill-wait",
        type=float,
        default=120.0,
        help="seconds to wait for worker 1 to have a mail in hand (default 120)",
    )
    add("--sweep-seconds", type=float, default=120.0, help="OUTBOX_SWEEP_SECONDS for beat (default 120, the product's)")
    add("--attachment-bytes", type=int, default=16_384, help="random bytes in each PDF attachment (default 16384)")
    add("--mail-timeout", type=int, default=3600, help="seconds to wait for the last mail (default 3600)")
    add("--progress", type=float, default=10.0, help="seconds between progress lines (default 10)")
    add("--database-url", default=DEFAULT_DB, help=f"PostgreSQL only (default {DEFAULT_DB})")
    add("--redis-url", default=DEFAULT_REDIS, help=f"not db 0; it is FLUSHDB'd (default {DEFAULT_REDIS})")
    add("--keep", action="store_true", help="keep the bench database afterwards")
    add("--output", type=Path, default=BASE_DIR / "bench" / "results" / "scale_out.md")
    args = parser.parse_args(argv)
    if min(args.submissions, args.clients, args.web_workers, args.concurrency) < 1:
        parser.error("--submissions, --clients, --web-workers and --concurrency must be at least 1")
    if not 0 <= args.kill_at < 1:
        parser.error("--kill-at is a share: 0 (no kill) up to below 1")
    return args


# --- the processes --------------------------------------------------------------------------------


def venv_tool(name: str) -> str:
    for folder in (Path(sys.executable).parent, BASE_DIR / ".venv" / "bin"):
        if (folder / name).exists():
            return str(folder / name)
    sys.exit(f"{name} is missing from the venv: run `make setup` (it is in the development packages)")


def wait_for(condition, what: str, timeout: float, process=None, tail=None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            sys.exit(f"{what}: the process exited with {process.returncode}\n{tail() if tail else ''}")
        if condition():
            return
        time.sleep(0.2)
    sys.exit(f"{what}: not within {timeout:.0f} s\n{tail() if tail else ''}")


class MotoS3:
    """moto's standalone S3-compatible server, in memory, and the bucket."""

    def __init__(self, workdir: Path):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = workdir / "moto.log"
        self.process = None

    def start(self) -> None:
        log(f"starting moto_server on {self.url} (an S3-compatible server in memory)")
        with open(self.log, "wb") as out:
            self.process = subprocess.Popen(  # noqa: S603
                [venv_tool("moto_server"), "-H", "127.0.0.1", "-p", str(self.port)],
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

        def listening():
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", self.port), timeout=1):
                return True
            return False

        wait_for(listening, "moto_server", 60, self.process, lambda: self.log.read_text()[-2000:])
        self.client().create_bucket(Bucket=BUCKET)
        log(f"  bucket {BUCKET} made (private, as the product needs it)")

    def env(self) -> dict:
        return {
            "AWS_STORAGE_BUCKET_NAME": BUCKET,
            "AWS_S3_ENDPOINT_URL": self.url,
            "AWS_S3_REGION_NAME": "us-east-1",
            "AWS_S3_ACCESS_KEY_ID": "bench",
            "AWS_S3_SECRET_ACCESS_KEY": "bench-secret",
            "AWS_S3_ADDRESSING_STYLE": "path",
        }

    def client(self):
        import boto3

        return boto3.client(
            "s3",
            endpoint_url=self.url,
            region_name="us-east-1",
            aws_access_key_id="bench",
            aws_secret_access_key="bench-secret",  # noqa: S106 - moto accepts any key
        )

    def objects(self, prefix: str) -> tuple[int, int]:
        """(objects, bytes) under `prefix` in the bucket."""
        count = size = 0
        for page in self.client().get_paginator("list_objects_v2").paginate(Bucket=BUCKET, Prefix=prefix):
            for item in page.get("Contents", []):
                count += 1
                size += item["Size"]
        return count, size

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


class CeleryProcess:
    """`celery worker` or `celery beat` in a process group of its own (so a kill takes the pool too)."""

    def __init__(self, name: str, arguments: list[str], env: dict, home: Path, ready: str):
        self.name = name
        self.command = [venv_tool("celery"), "-A", "config", *arguments]
        self.env = env
        self.log = home / f"{name}.log"
        self.ready = ready
        self.process = None
        self.ended = False  # its group is gone: never signal that group id again

    def describe(self) -> str:
        return "celery -A config " + " ".join(self.command[3:])

    def start(self) -> None:
        log(f"starting {self.name}: {self.describe()}")
        started = time.perf_counter()
        with open(self.log, "wb") as out:
            self.process = subprocess.Popen(  # noqa: S603
                self.command, cwd=BASE_DIR, env=self.env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
            )
        wait_for(lambda: self.ready in self.output(), self.name, 120, self.process, self.tail)
        log(f"  {self.name} up: pid {self.process.pid} ({time.perf_counter() - started:.1f} s)")

    def output(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    def tail(self, lines: int = 30) -> str:
        return "\n".join(self.output().splitlines()[-lines:])

    def pids(self) -> list[int]:
        if self.process is None:
            return []
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        with contextlib.suppress(OSError):
            return [self.process.pid, *(int(pid) for pid in children.read_text().split())]
        return [self.process.pid]

    def kill(self) -> list[int]:
        """SIGKILL to the whole group: the main process and its pool, as when the machine dies."""
        pids = self.pids()
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()
        self.ended = True
        return pids

    def stop(self) -> None:
        if self.process is None or self.ended:
            return
        self.ended = True
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)  # a warm shutdown
            try:
                self.process.wait(60)
            except subprocess.TimeoutExpired:
                log(f"  {self.name} did not stop within 60 s: SIGKILL")
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.process.pid, signal.SIGKILL)  # whatever of its group is left
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(10)

    def errors(self) -> list[str]:
        return [line for line in self.output().splitlines() if "ERROR/" in line or "CRITICAL/" in line]


def outbox_of_initiatives(url: str, first: int, last: int) -> Counter:
    """The outbox rows about the initiatives with an id in (first, last], by template and status
    (by their subject: the officers' notices are written after the initiative, by the worker)."""
    rows = sql(
        url,
        f"SELECT template, status, count(*) FROM notifications_outboxmail WHERE {ABOUT_AN_INITIATIVE}"  # noqa: S608
        " AND subject_id > %s AND subject_id <= %s GROUP BY template, status",
        (first, last),
    )
    return Counter({(template, status): count for template, status, count in rows})


class InHand:
    """Follows a worker's log: the `outbox_send` and `outbox_send_batch` tasks it has received
    and not finished."""

    def __init__(self, path: Path):
        self.path, self.offset, self.tasks = path, 0, set()

    def poll(self) -> set[str]:
        with open(self.path, "rb") as stream:
            stream.seek(self.offset)
            data = stream.read()
        complete = data.rfind(b"\n") + 1  # whole lines only
        self.offset += complete
        for line in data[:complete].decode(errors="replace").splitlines():
            if received := RECEIVED.search(line):
                self.tasks.add(received.group(1))
            elif finished := FINISHED.search(line):
                self.tasks.discard(finished.group(1))
        return self.tasks


def home(workdir: Path, name: str) -> Path:
    """A process's own "machine": its MEDIA_ROOT (and a worker's mail folder) live here."""
    folder = workdir / name
    (folder / "media").mkdir(parents=True, exist_ok=True)
    return folder


def files_under(folder: Path) -> list[str]:
    return sorted(str(path.relative_to(folder)) for path in folder.rglob("*") if path.is_file())


# --- submissions --------------------------------------------------------------------------------


def resident(i: int) -> str:
    return f"bewoner-{i:05d}@bench.example"


def attachment(i: int, size: int) -> bytes:
    """A PDF (by its first bytes, which is what the form checks) that only submission `i` has."""
    noise = random.Random(i).randbytes(size)
    return b"%PDF-1.4\n% bench scale-out submission " + str(i).encode() + b"\n" + noise + b"\n%%EOF\n"


def post_once(port: int, path: str, body: bytes, headers: dict) -> tuple[int, dict, str]:
    """One POST on a new connection, never repeated (Client retries once on a closed connection,
    which for a POST could store a submission twice)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    try:
        conn.request("POST", path, body=body, headers=headers)
        response = conn.getresponse()
        response.read()
        cookies = {}
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            cookies[name.strip()] = rest.split(";", 1)[0]
        return response.status, cookies, response.headers.get("Location", "")
    finally:
        conn.close()


class Submissions:
    """Sends the intake forms from a thread pool; the monitor reads `done` while it runs."""

    def __init__(self, args, servers: list[Gunicorn], target: dict):
        self.args, self.servers, self.target = args, servers, target
        self.local = threading.local()
        self.lock = threading.Lock()
        self.results: dict[int, dict] = {}
        self.done = 0

    def tokens(self, server: Gunicorn) -> tuple[str, str]:
        if not hasattr(self.local, "pair"):
            client = Client(server.port)
            self.local.pair = csrf_pair(client)  # from whichever server this thread meets first
            client.close()
        return self.local.pair

    def one(self, i: int) -> None:
        index = i % 2
        server, other = self.servers[index], self.servers[1 - index]
        cookie_token, form_token = self.tokens(server)
        data = attachment(i, self.args.attachment_bytes)
        replace = {"title": f"Speeltuin bij de school opknappen ({i})", "initiator_email": resident(i),
                   "initiator_name": f"Bewoner {i}"}  # fmt: skip
        fields = [(name, replace.get(name, value)) for name, value in form_fields(form_token, self.target)]
        body, content_type = multipart(fields, files=[(f"begroting-{i}.pdf", "application/pdf", data)])
        record = {"i": i, "server": index, "sha256": hashlib.sha256(data).hexdigest(), "size": len(data)}
        started = time.perf_counter()
        try:
            status, cookies, location = post_once(
                server.port, SUBMIT_PATH, body, {"Content-Type": content_type, "Cookie": f"csrftoken={cookie_token}"}
            )
            record.update(status=status, seconds=time.perf_counter() - started)
            if status == 302 and location.startswith(RECEIPT_PAGE):
                # The receipt page on the other server: the signed link of the first one, in the same
                # browser (its CSRF cookie).
                client = Client(other.port)
                page_status, _, page = client.request(
                    "GET", location, headers={"Cookie": f"csrftoken={cookies.get('csrftoken', cookie_token)}"}
                )
                client.close()
                match = re.search(rb"<strong>(\d{4}-\d{4,6})</strong>", page)
                record.update(receipt_page=page_status, reference=match.group(1).decode() if match else None)
        except (OSError, http.client.HTTPException) as error:
            record.update(status=None, error=f"{type(error).__name__}: {error}", seconds=time.perf_counter() - started)
        with self.lock:
            self.results[i] = record
            self.done += 1

    def run(self) -> float:
        started = time.perf_counter()
        self.one(0)  # one by hand first: a broken form stops here, not after thousands of answers
        if self.results[0].get("status") != 302 or not self.results[0].get("reference"):
            sys.exit(f"the first submission went wrong: {self.results[0]}\n{self.servers[0].tail()}")
        with ThreadPoolExecutor(max_workers=self.args.clients) as pool:
            for future in [pool.submit(self.one, i) for i in range(1, self.args.submissions)]:
                future.result()
        return time.perf_counter() - started


# --- the broker and the outbox ---------------------------------------------------------------------


def unacked(redis) -> dict[str, tuple[str, str, str]]:
    """kombu's Redis transport: every delivered, not yet acknowledged message, by delivery tag,
    with its task name, arguments and task id."""
    found = {}
    for tag, raw in redis.hgetall("unacked").items():
        with contextlib.suppress(ValueError, KeyError, TypeError, IndexError):
            headers = json.loads(raw)[0]["headers"]
            found[tag.decode()] = (headers.get("task", "?"), headers.get("argsrepr", ""), headers.get("id", ""))
    return found


def mail_id(task: str, argsrepr: str) -> int | None:
    match = re.search(r"\d+", argsrepr) if task == "notifications.outbox_send" else None
    return int(match.group()) if match else None


def mails_in_broker(redis) -> set[int]:
    """The mail ids of every outbox_send message in Redis: queued or unacknowledged."""
    ids = set()
    for raw in redis.lrange("celery", 0, -1):
        with contextlib.suppress(ValueError, KeyError, TypeError):
            headers = json.loads(raw)["headers"]
            ids.add(mail_id(headers.get("task", ""), headers.get("argsrepr", "")))
    ids.update(mail_id(task, argsrepr) for task, argsrepr, _task_id in unacked(redis).values())
    ids.discard(None)
    return ids


def restore(redis_url: str, tags) -> None:
    """What kombu does with an unacknowledged message after the visibility timeout: back in the queue."""
    from kombu import Connection

    with Connection(redis_url) as broker:
        for tag in tags:
            broker.default_channel.qos.restore_by_tag(tag)


def outbox_statuses(url: str, after_id: int) -> Counter:
    rows = sql(
        url,
        f"SELECT status, count(*) FROM notifications_outboxmail WHERE {ABOUT_AN_INITIATIVE}"  # noqa: S608 - constants
        " AND subject_id > %s GROUP BY status",
        (after_id,),
    )
    return Counter(dict(rows))


def mail_files(folder: Path) -> int:
    with contextlib.suppress(FileNotFoundError):
        return sum(1 for entry in os.scandir(folder) if entry.name.endswith(".eml"))
    return 0


def read_mails(folder: Path, worker: str) -> list[dict]:
    mails = []
    for path in sorted(folder.glob("*.eml")):
        raw = path.read_bytes()
        complete = raw.endswith(SEPARATOR)
        mail = {
            "worker": worker,
            "file": path.name,
            "complete": complete,
            "to": "",
            "subject": "",
            "message_id": "",
            "token": None,
        }
        try:
            message = email.message_from_bytes(raw[: -len(SEPARATOR)] if complete else raw, policy=email.policy.default)
            mail["to"], mail["subject"] = str(message["To"] or ""), str(message["Subject"] or "")
            mail["message_id"] = str(message["Message-ID"] or "")
            body = message.get_body(("plain",))
            text = body.get_content() if body is not None else ""
            match = TRACKING.search(text)
            mail["token"] = match.group(1) if match else None
        except Exception as error:  # noqa: BLE001 - a broken file is counted, not fatal
            mail["error"] = f"{type(error).__name__}: {error}"
        mails.append(mail)
    return mails


def access_counts(server: Gunicorn) -> Counter:
    """Answers by method and status from gunicorn's access log (the Dockerfile's format: no paths)."""
    counts = Counter()
    if server.access_log.exists():
        for line in server.access_log.read_text().splitlines():
            parts = line.split("] ", 1)[-1].split()
            if len(parts) >= 2:
                counts[f"{parts[0]} {parts[1]}"] += 1
    return counts


# --- read-back -----------------------------------------------------------------------------------


def read_back(record: dict, token: str, servers: list[Gunicorn]) -> dict:
    """The tracking page on the server that did not take the submission, then its attachment."""
    other = servers[1 - record["server"]]
    client = Client(other.port)
    try:
        status, _, page = client.request("GET", f"/initiatieven/volg/{token}/")
        if status != 200:
            return {"ok": False, "why": f"tracking page {status}"}
        match = re.search(rb'href="(/initiatieven/volg/[^"/]+/bijlagen/\d+/)"', page)
        if match is None:
            return {"ok": False, "why": "no attachment link on the tracking page"}
        status, _, data = client.request("GET", match.group(1).decode())
        if status != 200:
            return {"ok": False, "why": f"attachment {status}"}
        if hashlib.sha256(data).hexdigest() != record["sha256"]:
            return {"ok": False, "why": f"other bytes ({len(data)} instead of {record['size']})"}
        return {"ok": True, "bytes": len(data)}
    except (OSError, http.client.HTTPException) as error:
        return {"ok": False, "why": f"{type(error).__name__}: {error}"}
    finally:
        client.close()


# --- the run -------------------------------------------------------------------------------------


class Run:
    def __init__(self, args, env: dict, workdir: Path, redis, moto: MotoS3):
        self.args, self.env, self.workdir, self.redis, self.moto = args, env, workdir, redis, moto
        self.facts: dict = {"events": []}
        self.servers: list[Gunicorn] = []
        self.workers: list[CeleryProcess] = []
        self.beat = None

    def event(self, text: str) -> None:
        elapsed = time.perf_counter() - self.started if hasattr(self, "started") else 0.0
        self.facts["events"].append((elapsed, text))
        log(f"[{elapsed:6.0f} s] {text}")

    def start_processes(self, tools: dict) -> None:
        for name in ("web-a", "web-b"):
            env = {**self.env, "MEDIA_ROOT": str(home(self.workdir, name) / "media")}
            server = Gunicorn(
                tools, env, self.workdir / name, workers=self.args.web_workers, name=name, capture_output=True
            )
            server.start()
            self.servers.append(server)
        site_url = self.servers[0].url("")  # the links in the mails: the load balancer's address in real life
        for n in (1, 2):
            folder = home(self.workdir, f"worker-{n}")
            env = {**self.env, "MEDIA_ROOT": str(folder / "media"), "EMAIL_BACKEND": MAIL_BACKEND,
                   "EMAIL_FILE_PATH": str(folder / "mail"), "SITE_URL": site_url}  # fmt: skip
            (folder / "mail").mkdir(exist_ok=True)
            worker = CeleryProcess(
                f"worker-{n}",
                ["worker", "-l", "info", "--concurrency", str(self.args.concurrency), "-n", f"worker{n}@%h"],
                env,
                folder,
                ready=" ready.",  # "worker1@host ready."
            )
            worker.start()
            self.workers.append(worker)
        folder = home(self.workdir, "beat")
        env = {**self.env, "MEDIA_ROOT": str(folder / "media"), "SITE_URL": site_url}
        self.beat = CeleryProcess(
            "beat", ["beat", "-l", "info", "--schedule", str(folder / "celerybeat-schedule")], env, folder,
            ready="beat: Starting",
        )  # fmt: skip
        self.beat.start()

    def stop_processes(self) -> None:
        for process in [*self.workers, self.beat]:
            if process is not None:
                process.stop()
        for server in self.servers:
            server.stop()

    def progress(self, submissions: Submissions, started: float) -> str:
        statuses = outbox_statuses(self.args.database_url, self.before["max_id"])
        files = [mail_files(worker.log.parent / "mail") for worker in self.workers]
        elapsed = time.perf_counter() - started
        return (
            f"submissions {submissions.done:,}/{self.args.submissions:,} ({submissions.done / elapsed:.1f}/s); "
            f"outbox: {statuses.get('pending', 0):,} pending, {statuses.get('sent', 0):,} sent"
            + (f", {statuses['held']:,} held" if statuses.get("held") else "")
            + f"; mail files: worker 1 {files[0]:,}, worker 2 {files[1]:,}; queue {self.redis.llen('celery'):,}, "
            f"unacked {self.redis.hlen('unacked')}; load {os.getloadavg()[0]:.1f}"
        )

    def monitor(self, submissions: Submissions, halt: threading.Event) -> None:
        """Progress lines, and the kill of worker 1 once `--kill-at` of the submissions are in, at
        a moment it has a mail in hand (a task received and not finished, by its log)."""
        started = time.perf_counter()
        last = started
        killed = not self.args.kill_at
        in_hand = InHand(self.workers[0].log)
        due_since = None
        while not halt.wait(0.5 if due_since is None else 0.01):
            if not killed and submissions.done >= self.args.kill_at * self.args.submissions:
                due_since = due_since or time.perf_counter()
                waited_out = time.perf_counter() - due_since > self.args.kill_wait
                if in_hand.poll() or waited_out:
                    self.kill_worker(submissions, in_hand=set(in_hand.tasks))
                    killed, due_since = True, None
            if time.perf_counter() - last >= self.args.progress:
                last = time.perf_counter()
                log("  " + self.progress(submissions, started))

    def kill_worker(self, submissions: Submissions, in_hand: set[str]) -> None:
        worker = self.workers[0]
        pids = worker.kill()  # first: the figures below are taken just after
        when, at = datetime.now(UTC), time.perf_counter() - self.started
        held = unacked(self.redis)  # worker 2's messages in hand are in it too; what stays is worker 1's
        by_task = {task_id: mail_id(task, argsrepr) for task, argsrepr, task_id in held.values()}
        before = {
            "in_hand": {task_id: by_task.get(task_id) for task_id in in_hand},
            "submissions": submissions.done,
            "mails_worker_1": mail_files(worker.log.parent / "mail"),
            "mails_worker_2": mail_files(self.workers[1].log.parent / "mail"),
            "outbox": outbox_statuses(self.args.database_url, self.before["max_id"]),
            "queue": self.redis.llen("celery"),
            "load": os.getloadavg()[0],
            "pids": pids,
            "unacked_after": held,
            "at": at,
            "when": when,
        }
        self.facts["kill"] = before
        mails = ", ".join(str(mail) for mail in before["in_hand"].values())
        self.event(
            f"SIGKILL to worker 1's process group (pids {', '.join(map(str, pids))}) after {before['submissions']:,} "
            f"submissions; it had written {before['mails_worker_1']:,} mails; `outbox_send` tasks in its hands by its "
            f"log: {len(in_hand)}{f' (mails {mails})' if mails else ''}; unacknowledged messages in Redis: {len(held)}"
        )
        before["orphans"] = self.orphans(before["when"])
        if before["orphans"]:
            self.event(
                f"{len(before['orphans'])} mails pending from before the kill have no message in Redis at all "
                f"(ids {', '.join(map(str, sorted(before['orphans'])))}): only the outbox row is left"
            )

    def orphans(self, killed_at: datetime) -> set[int]:
        """Mails written before the kill, still pending, whose task message is neither queued nor
        unacknowledged in Redis, twice 4 s apart (a live worker may be between taking a message and
        recording it)."""

        def check():
            pending = {
                row[0]
                for row in sql(
                    self.args.database_url,
                    f"SELECT id FROM notifications_outboxmail WHERE {ABOUT_AN_INITIATIVE}"  # noqa: S608 - constants
                    " AND subject_id > %s AND status = 'pending' AND created_at < %s - interval '2 seconds'",
                    (self.before["max_id"], killed_at),
                )
            }
            return pending - mails_in_broker(self.redis)

        first = check()
        time.sleep(4)
        return first & check() if first else set()

    def wait_for_mails(self, submissions: Submissions) -> None:
        started = time.perf_counter()
        last = started
        while True:
            statuses = outbox_statuses(self.args.database_url, self.before["max_id"])
            # The officers' notices of an initiative are written by its task (or the sweep) first.
            (untold,) = sql(
                self.args.database_url,
                "SELECT count(*) FROM initiatives_initiative WHERE id > %s AND officers_notice_pending",
                (self.before["max_id"],),
            )[0]
            if statuses.get("pending", 0) == 0 and untold == 0:
                break
            if time.perf_counter() - started > self.args.mail_timeout:
                self.event(
                    f"gave up waiting after {self.args.mail_timeout} s: {statuses.get('pending')} mails pending, "
                    f"{untold} initiatives whose officers were not told"
                )
                self.facts["mail_timeout"] = True
                return
            if time.perf_counter() - last >= self.args.progress:
                last = time.perf_counter()
                log("  " + self.progress(submissions, self.started))
            time.sleep(1)
        self.event("no mail of the run is pending any more, and every initiative's officers were told")

    def quiet(self, timeout: float = 300) -> dict[str, tuple[str, str]]:
        """Waits until the queue is empty and the unacknowledged set stays the same for 5 s."""
        deadline = time.monotonic() + timeout
        previous, since = None, time.monotonic()
        while time.monotonic() < deadline:
            now = (self.redis.llen("celery"), frozenset(unacked(self.redis)))
            if now != previous:
                previous, since = now, time.monotonic()
            elif now[0] == 0 and time.monotonic() - since >= 5:
                break
            time.sleep(0.5)
        return unacked(self.redis)

    def redeliver(self) -> None:
        """The killed worker's messages, back in the queue as kombu does after the visibility timeout."""
        kill = self.facts.get("kill")
        if not kill:
            return
        left = self.quiet()
        tags = [tag for tag in left if tag in kill["unacked_after"]]
        self.facts["redelivered"] = {"tags": tags, "tasks": [left[tag] for tag in tags]}
        survivor = self.workers[1]
        sends_before = len(SENT_TASK.findall(survivor.output()))
        files_before = mail_files(survivor.log.parent / "mail")
        if tags:
            self.event(
                f"restoring the killed worker's {len(tags)} unacknowledged messages (as kombu does after an hour)"
            )
            restore(self.args.redis_url, tags)
            deadline = time.monotonic() + 300
            while time.monotonic() < deadline:
                if self.redis.llen("celery") == 0 and not set(tags) & set(unacked(self.redis)):
                    break
                time.sleep(0.5)
            time.sleep(2)
        else:
            self.event("the killed worker left no unacknowledged message")
        self.facts["redelivered"].update(
            sends=len(SENT_TASK.findall(survivor.output())) - sends_before,
            new_files=mail_files(survivor.log.parent / "mail") - files_before,
        )
        self.event(
            f"worker 2 handled the redelivered tasks ({self.facts['redelivered']['sends']}) and wrote "
            f"{self.facts['redelivered']['new_files']} mails for them"
        )

    def execute(self, tools: dict) -> dict:
        args = self.args
        self.started = time.perf_counter()
        self.before = counts_now(args.database_url)
        self.facts["before"] = self.before
        self.facts["start"] = datetime.now(UTC)
        self.facts["busy_before"] = machine_busy()
        self.facts["load_before"] = os.getloadavg()
        target = submission_target(args.database_url)
        self.facts["target"] = target
        self.start_processes(tools)
        self.event(f"{len(self.servers)} web servers, {len(self.workers)} workers and beat are up")

        submissions = Submissions(args, self.servers, target)
        halt = threading.Event()
        monitor = threading.Thread(target=self.monitor, args=(submissions, halt), daemon=True)
        self.event(f"sending {args.submissions:,} submissions from {args.clients} threads, round-robin over both")
        monitor.start()
        try:
            seconds = submissions.run()
        finally:
            halt.set()
            monitor.join(timeout=30)
        self.facts["submit_seconds"] = seconds
        self.facts["submitted_at"] = datetime.now(UTC)
        self.facts["load_submitting"] = os.getloadavg()
        self.event(f"all submissions answered in {seconds:.0f} s ({args.submissions / seconds:.1f}/s)")
        if args.kill_at and "kill" not in self.facts:
            # The last form went in before worker 1 had a mail in hand: kill it now, while mails flow.
            self.kill_worker(submissions, in_hand=set(InHand(self.workers[0].log).poll()))
        self.wait_for_mails(submissions)
        self.facts["mails_done_at"] = time.perf_counter() - self.started
        self.redeliver()
        self.facts["load_end"] = os.getloadavg()
        self.facts["submissions"] = submissions.results
        self.facts["access"] = [access_counts(server) for server in self.servers]
        self.facts["after"] = counts_now(args.database_url)

        # Read-back from the other server, with the tracking link of each receipt mail.
        mails = [m for n, worker in enumerate(self.workers, 1) for m in read_mails(worker.log.parent / "mail", f"{n}")]
        self.facts["mails"] = mails
        tokens = {m["to"]: m["token"] for m in mails if m["token"] and m["to"].endswith("@bench.example")}
        self.event(f"reading {len(tokens):,} attachments back through the other web server")
        results = {}

        def check(i):
            record = submissions.results[i]
            token = tokens.get(resident(i))
            results[i] = read_back(record, token, self.servers) if token else {"ok": False, "why": "no receipt mail"}

        read_started = time.perf_counter()
        with ThreadPoolExecutor(max_workers=args.clients) as pool:
            for n, _ in enumerate(pool.map(check, sorted(submissions.results)), 1):
                if n % 500 == 0:
                    log(f"  read back {n:,}/{len(submissions.results):,}")
        self.facts["read_back"] = results
        self.facts["read_seconds"] = time.perf_counter() - read_started
        self.event(f"read back: {sum(r['ok'] for r in results.values()):,} of {len(results):,} identical")
        self.facts["server_errors"] = {f"web-{'ab'[n]}": s.errors_logged() for n, s in enumerate(self.servers)}
        self.facts["worker_logs"] = {w.name: w.output() for w in self.workers}
        self.facts["warnings"] = [
            re.sub(r"\d+", "N", re.split(r" WARNING[ /]", line, maxsplit=1)[1])[:160]
            for process in [*self.servers, *self.workers, self.beat]
            for line in (
                process.error_log.read_text(errors="replace") if isinstance(process, Gunicorn) else process.output()
            ).splitlines()
            if re.search(r" WARNING[ /]", line)
        ]
        self.facts["worker_errors"] = {w.name: w.errors() for w in [*self.workers, self.beat]}
        self.facts["describe"] = {
            "web": self.servers[0].describe(),
            "worker": self.workers[0].describe(),
            "beat": self.beat.describe(),
        }
        return self.facts


def counts_now(url: str) -> dict:
    ((initiatives, max_id, outbox),) = sql(
        url,
        "SELECT (SELECT count(*) FROM initiatives_initiative), (SELECT coalesce(max(id), 0) FROM "
        "initiatives_initiative), (SELECT count(*) FROM notifications_outboxmail)",
    )
    return {"initiatives": initiatives, "max_id": max_id, "outbox": outbox}


# --- the checks ----------------------------------------------------------------------------------


def checks(args, facts: dict, moto: MotoS3, workdir: Path) -> dict:
    url, first, last = args.database_url, facts["before"]["max_id"], facts["after"]["max_id"]
    n = args.submissions
    results = facts["submissions"]
    c = {}
    c["answers"] = Counter(str(r.get("status")) for r in results.values())
    c["per_server"] = Counter("ab"[r["server"]] for r in results.values() if r.get("status") == 302)
    c["errors"] = [r["error"] for r in results.values() if r.get("error")][:10]
    c["receipt_pages"] = Counter(str(r.get("receipt_page")) for r in results.values() if r.get("status") == 302)
    latencies = {
        side: sorted(r["seconds"] for r in results.values() if r["server"] == index and r.get("status") == 302)
        for index, side in enumerate("ab")
    }
    c["latency"] = {side: percentiles(values) for side, values in latencies.items()}

    # Stored once: one initiative per resident, with the reference its receipt page showed.
    stored = sql(
        url,
        "SELECT initiator_email, count(*), min(reference) FROM initiatives_initiative WHERE id > %s AND id <= %s"
        " GROUP BY initiator_email",
        (first, last),
    )
    per_resident = {email_: (count, reference) for email_, count, reference in stored}
    c["stored"] = sum(count for count, _ in per_resident.values())
    c["stored_once"] = sum(1 for i in range(n) if per_resident.get(resident(i), (0,))[0] == 1)
    c["stored_twice"] = sum(1 for count, _ in per_resident.values() if count > 1)
    c["not_stored"] = sum(1 for i in range(n) if resident(i) not in per_resident)
    c["strangers"] = sum(1 for key in per_resident if not key.endswith("@bench.example"))
    c["reference_matches"] = sum(
        1
        for i, r in results.items()
        if r.get("reference") and per_resident.get(resident(i), (0, None))[1] == r["reference"]
    )

    # The outbox: exactly one receipt row per initiative; every row of the run sent once.
    c["receipt_rows"] = receipts_per_initiative(url, first, last)
    c["outbox"] = outbox_of_initiatives(url, first, last)
    c["attempts"] = Counter(
        {
            (status, attempts): count
            for status, attempts, count in sql(
                url,
                f"SELECT status, attempts, count(*) FROM notifications_outboxmail WHERE {ABOUT_AN_INITIATIVE}"  # noqa: S608
                " AND subject_id > %s AND subject_id <= %s GROUP BY status, attempts",
                (first, last),
            )
        }
    )
    c["sent_since_start"] = sql(
        url, "SELECT count(*) FROM notifications_outboxmail WHERE sent_at >= %s", (facts["start"],)
    )[0][0]
    # Mails sent meanwhile that are not about the run's initiatives (e.g. queued by seed_demo).
    c["others_sent"] = sql(
        url,
        "SELECT template, count(*) FROM notifications_outboxmail WHERE sent_at >= %s"  # noqa: S608 - constants
        f" AND NOT coalesce({ABOUT_AN_INITIATIVE} AND subject_id > %s AND subject_id <= %s, false)"
        " GROUP BY template ORDER BY template",
        (facts["start"], first, last),
    )
    ((sent_first, sent_last, run_sent),) = sql(
        url,
        "SELECT min(sent_at), max(sent_at), count(*) FROM notifications_outboxmail"  # noqa: S608 - constants
        f" WHERE {ABOUT_AN_INITIATIVE}"
        " AND subject_id > %s AND subject_id <= %s AND status = 'sent'",
        (first, last),
    )
    c["run_sent"], c["sent_span"] = run_sent, (sent_last - sent_first).total_seconds() if sent_first else 0.0
    c["last_mail_after"] = (sent_last - facts["submitted_at"]).total_seconds() if sent_last else 0.0

    # The mail files: exactly one receipt per resident, no mail twice, files == sent rows.
    mails = facts["mails"]
    complete = [m for m in mails if m["complete"] and "error" not in m]
    c["mail_files"] = Counter(m["worker"] for m in complete)
    c["partial_files"] = [m["file"] for m in mails if not m["complete"] or "error" in m]
    pairs = Counter((m["to"], m["subject"]) for m in complete)
    c["sent_twice"] = [f"{to}: {subject} ({count}×)" for (to, subject), count in pairs.items() if count > 1]
    # A copy sent again after a worker died before its commit carries the first's Message-ID.
    ids = {}
    for m in complete:
        ids.setdefault((m["to"], m["subject"]), set()).add(m["message_id"])
    c["twice_same_id"] = sum(1 for pair, count in pairs.items() if count > 1 and len(ids[pair]) == 1)
    receipts = Counter(m["to"] for m in complete if m["to"].endswith("@bench.example"))
    c["receipt_mails"] = {
        "1": sum(1 for i in range(n) if receipts[resident(i)] == 1),
        "0": sum(1 for i in range(n) if receipts[resident(i)] == 0),
        ">1": sum(1 for i in range(n) if receipts[resident(i)] > 1),
    }
    c["receipt_by_worker"] = Counter(m["worker"] for m in complete if m["to"].endswith("@bench.example"))
    subject_refs = {m["to"]: REFERENCE.search(m["subject"]) for m in complete if m["to"].endswith("@bench.example")}
    c["receipt_reference_matches"] = sum(
        1
        for i in range(n)
        if subject_refs.get(resident(i))
        and subject_refs[resident(i)].group(1) == per_resident.get(resident(i), (0, ""))[1]
    )

    # What the killed worker held: its unacknowledged messages (those still there when all was sent)
    # and the mails whose message was nowhere in Redis just after the kill; what became of them.
    kill = facts.get("kill")
    if kill:
        redelivered = facts.get("redelivered", {})
        held = {mail_id(task, argsrepr) for task, argsrepr, _task_id in redelivered.get("tasks", [])} - {None}
        orphans = set(kill.get("orphans", ()))
        in_hand = {mail for mail in kill["in_hand"].values() if mail is not None}
        touched = sorted(held | orphans | in_hand)
        c["killed_held"] = []
        for mail in touched:
            ((status, attempts, template, to, subject_id, created, sent),) = sql(
                url,
                'SELECT status, attempts, template, "to", subject_id, created_at, sent_at'
                " FROM notifications_outboxmail WHERE id = %s",
                (mail,),
            )
            reference = sql(url, "SELECT reference FROM initiatives_initiative WHERE id = %s", (subject_id,))[0][0]
            files = [m["worker"] for m in complete if m["to"] == to and reference in m["subject"]]
            c["killed_held"].append(
                {
                    "id": mail,
                    "how": (
                        ("in its hands; " if mail in in_hand else "")
                        + (
                            "unacknowledged in Redis"
                            if mail in held
                            else "nowhere in Redis"
                            if mail in orphans
                            else "?"
                        )
                    ),
                    "template": template,
                    "status": status,
                    "attempts": attempts,
                    "sent_after_kill": (sent - kill["when"]).total_seconds() if sent else None,
                    "waited": (sent - created).total_seconds() if sent else None,
                    "files": files,
                }
            )
        log_1 = facts["worker_logs"]["worker-1"]
        received = set(re.findall(r"notifications\.outbox_send\[([^\]]+)\] received", log_1))
        finished = set(re.findall(r"notifications\.outbox_send\[([^\]]+)\] succeeded", log_1))
        c["worker_1_unfinished"] = len(received - finished)
        c["sweeps"] = [
            int(found)
            for name in ("worker-1", "worker-2")
            for found in re.findall(
                r"notifications\.outbox_sweep\[[^\]]+\] succeeded in [\d.]+s: (\d+)", facts["worker_logs"][name]
            )
        ]

    # Attachments: read back from the other server; in the bucket; on no process's disk.
    read = facts["read_back"]
    c["read_ok"] = sum(1 for r in read.values() if r["ok"])
    c["read_failures"] = Counter(r["why"] for r in read.values() if not r["ok"])
    c["read_bytes"] = sum(r.get("bytes", 0) for r in read.values())
    c["bucket_attachments"] = moto.objects("private/attachments/")
    c["bucket_pending"] = moto.objects("private/pending/")
    c["local_files"] = {
        name: files_under(workdir / name / "media") for name in ("web-a", "web-b", "worker-1", "worker-2", "beat")
    }
    return c


def percentiles(values: list[float]) -> dict:
    if not values:
        return {}
    pick = lambda q: values[min(len(values) - 1, int(q * len(values)))]  # noqa: E731
    return {"p50": pick(0.5), "p90": pick(0.9), "p99": pick(0.99), "max": values[-1], "mean": statistics.fmean(values)}


# --- the report ------------------------------------------------------------------------------------


def verdict(ok: bool) -> str:
    return "met" if ok else "**missed**"


def report(args, argv, tools, data, vers, facts, c) -> tuple[str, bool]:
    n = args.submissions
    kill = facts.get("kill")
    redelivered = facts.get("redelivered", {})
    sent_rows = sum(count for (template, status), count in c["outbox"].items() if status == "sent")
    files = sum(c["mail_files"].values())
    failures = sum(len(v) for v in facts["server_errors"].values()) + sum(
        len(v) for v in facts["worker_errors"].values()
    )
    goal_rows = [
        (
            f"{n:,} submissions spread over both web servers",
            f"{c['per_server']['a']:,} on web A + {c['per_server']['b']:,} on web B answered 302; other answers: "
            + (", ".join(f"{k}: {v}" for k, v in c["answers"].items() if k != "302") or "none"),
            c["answers"].get("302", 0) == n and min(c["per_server"]["a"], c["per_server"]["b"]) > 0,
        ),
        (
            "each stored once",
            f"{c['stored']:,} initiatives stored: {c['stored_once']:,} residents with exactly one, "
            f"{c['stored_twice']} with more, {c['not_stored']} with none",
            c["stored"] == n and c["stored_once"] == n,
        ),
        (
            "the receipt page on the other web server (its signed link: one SECRET_KEY)",
            f"{c['receipt_pages'].get('200', 0):,} of {n:,} answered 200 with the submission's reference "
            f"({c['reference_matches']:,} match the database)",
            c["reference_matches"] == n,
        ),
        (
            "each with exactly one receipt in the outbox",
            f"{c['receipt_rows']['1']:,} with one, {c['receipt_rows']['0']} with none, "
            f"{c['receipt_rows']['>1']} with more",
            c["receipt_rows"]["1"] == n,
        ),
        (
            "each with exactly one receipt mail sent, across both workers",
            f"{c['receipt_mails']['1']:,} residents got one, {c['receipt_mails']['0']} none, "
            f"{c['receipt_mails']['>1']} more than one (worker 1: {c['receipt_by_worker'].get('1', 0):,}, "
            f"worker 2: {c['receipt_by_worker'].get('2', 0):,}); the reference in its subject matches for "
            f"{c['receipt_reference_matches']:,}",
            c["receipt_mails"]["1"] == n and c["receipt_reference_matches"] == n,
        ),
        (
            "attachments readable from the other web server",
            f"{c['read_ok']:,} of {n:,} identical ({c['read_bytes'] / 1024 / 1024:.1f} MiB), read through the "
            "tracking link of the receipt mail on the server that did not take the submission"
            + ("; " + ", ".join(f"{why}: {k}" for why, k in c["read_failures"].items()) if c["read_failures"] else ""),
            c["read_ok"] == n,
        ),
        (
            "files in the shared bucket only",
            f"{c['bucket_attachments'][0]:,} attachments in the bucket ({c['bucket_attachments'][1] / 1024 / 1024:.1f} "
            f"MiB), {c['bucket_pending'][0]} kept uploads; files on the processes' own disks: "
            f"{sum(len(v) for v in c['local_files'].values())}",
            c["bucket_attachments"][0] == n and not any(c["local_files"].values()),
        ),
    ]
    if kill:
        goal_rows += [
            (
                "worker killed mid-run: nothing lost",
                f"SIGKILL after {kill['submissions']:,} submissions, with {kill['outbox'].get('pending', 0):,} mails "
                f"pending and worker 1 at {kill['mails_worker_1']:,} mails sent; afterwards every mail of the run "
                f"sent: {c['outbox_sent_line']}",
                c["all_sent"],
            ),
            (
                "nothing sent twice",
                f"{len(c['sent_twice'])} recipient+subject pairs with more than one mail"
                + (
                    f" ({c['twice_same_id']} of them with one Message-ID: the same message again)"
                    if c["sent_twice"]
                    else ""
                )
                + f"; {files:,} complete mail files == {c['sent_since_start']:,} rows sent during the run"
                + (
                    " (of them not about the run's initiatives: "
                    + ", ".join(f"`{template}` {count}" for template, count in c["others_sent"])
                    + ")"
                    if c["others_sent"]
                    else ""
                )
                + "; every sent row sent in one attempt "
                f"({c['attempts_one']:,} of {sent_rows:,}); the killed worker's {len(redelivered.get('tags', []))} "
                f"unacknowledged tasks, handed out again, sent {redelivered.get('new_files', 0)}",
                not c["sent_twice"]
                and files == c["sent_since_start"]
                and c["attempts_one"] == sent_rows
                and redelivered.get("new_files", 0) == 0,
            ),
        ]
    else:
        goal_rows.append(
            (
                "every mail sent once (no worker killed: --kill-at 0)",
                f"{len(c['sent_twice'])} pairs twice; {files:,} files == {c['sent_since_start']:,} rows sent",
                c["all_sent"] and not c["sent_twice"] and files == c["sent_since_start"],
            )
        )
    goal_rows.append(
        (
            "no errors in any log",
            f"{failures} ERROR lines (gunicorn A, B, worker 1, 2, beat); {len(c['partial_files'])} unfinished "
            "mail files",
            failures == 0,
        )
    )
    all_met = all(ok for _, _, ok in goal_rows)

    load = lambda triple: f"{triple[0]:.1f} / {triple[1]:.1f} / {triple[2]:.1f}"  # noqa: E731
    lines = [
        "# More than one machine: two web servers, two workers, one beat",
        "",
        f"- Command: `python bench/scale_out.py{' ' + ' '.join(argv) if argv else ''}` (from the repository root, "
        "`.venv/bin/python`)",
        *environment_lines(with_postgres=False),
        f"- Servers on the same machine: {vers['postgres']}, {vers['redis']} (db {args.redis_url.rsplit('/', 1)[-1]}: "
        f"Celery's broker, the cache, the rate limits; flushed before and after), moto {tools['moto']} (S3-compatible, "
        f"in memory; bucket `{BUCKET}`), {tools['gunicorn_version']}, Celery {tools['celery']}. The load comes from "
        "Python threads (http.client) in the bench's own process. Everything shares the same cores.",
        f"- Load average (1 / 5 / 15 min): {load(facts['load_before'])} before the run (other processes used "
        f"{facts['busy_before']:.0f}% of all cores in the second before it), {load(facts['load_submitting'])} when "
        f"the last submission was answered, {load(facts['load_end'])} at the end. The machine is shared with other "
        "work: rates are lower than on an idle machine; the checks do not depend on them.",
        f"- Data: {data['seeded']}: {data['municipalities']} active municipalities, {data['villages']} public "
        f"villages, {data['officers']} officers, {data['initiatives']} initiatives before the run. Every submission "
        f"is for {facts['target']['village_name']} ({facts['target']['village_officers']} officer(s) have it in their "
        "portfolio: a receipt plus an officer's mail per initiative).",
        "- Settings: `bench.bare.settings` = production's `config.settings.base`, everything from the environment, "
        "the same for every process: DEBUG=false, one random SECRET_KEY, the same DATABASE_URL, REDIS_URL and AWS_* "
        "for all; plain http on loopback (SECURE_SSL_REDIRECT=false, SECURE_HSTS_SECONDS=0, insecure cookies); "
        f"**the submission rate limit lifted** (SUBMISSION_RATE_LIMIT={LIFTED_RATE_LIMIT:_}; its Redis counter is "
        f"still read and written); OUTBOX_SWEEP_SECONDS={args.sweep_seconds:g}; static files collected once with "
        "production's manifest storage (an image has them built in).",
        "",
        "## What runs",
        "",
        "| Process | Command | Of its own |",
        "|---|---|---|",
        f"| web A, web B | `{facts['describe']['web']}`, each on its own port | MEDIA_ROOT (must stay empty) |",
        f"| worker 1, worker 2 | `{facts['describe']['worker']}` with `-n worker1@%h` / `-n worker2@%h` | MEDIA_ROOT; "
        f"the mails it sends (`EMAIL_BACKEND={MAIL_BACKEND}`: one file per message in its own folder) |",
        f"| beat, **once** | `{facts['describe']['beat']}` | MEDIA_ROOT; its schedule file |",
        "| shared | PostgreSQL (data, sessions, the outbox), Redis (broker, cache, rate limits), the bucket "
        "(attachments, kept uploads, letters, logos) | |",
        "",
        "## Goals",
        "",
        "| Goal | Result | Verdict |",
        "|---|---|---|",
        *[f"| {goal} | {result} | {verdict(ok)} |" for goal, result, ok in goal_rows],
        "",
        "## The run",
        "",
        f"Each submission is the multipart form a browser sends (the fields of `bench/server.py`'s `form_fields`, a "
        f"resident of its own, `bewoner-NNNNN@bench.example`, and one PDF attachment of {args.attachment_bytes:,} "
        f"random bytes plus a header that only that submission has), POSTed once on a new connection to web A (even "
        f"numbers) or web B (odd), from {args.clients} threads; the CSRF cookie and token come from one GET per "
        "thread on either server and are used on both. After a 302 the receipt page is opened on the other server "
        "with the signed link (and the CSRF cookie) the first one gave.",
        "",
        f"- Submissions: {n:,} in {facts['submit_seconds']:.0f} s (**{n / facts['submit_seconds']:.1f}/s** over both "
        "servers). POST to 302, per server: "
        + "; ".join(
            f"web {side.upper()} p50 {lat['p50'] * 1000:.0f} ms, p90 {lat['p90'] * 1000:.0f} ms, p99 "
            f"{lat['p99'] * 1000:.0f} ms, max {lat['max'] * 1000:.0f} ms"
            for side, lat in c["latency"].items()
            if lat
        )
        + ".",
        "- gunicorn's access logs (method and status): "
        + "; ".join(
            f"web {'AB'[k]}: " + ", ".join(f"{key} {value:,}" for key, value in sorted(counts.items()))
            for k, counts in enumerate(facts["access"])
        )
        + ".",
        f"- Mails of the run: {c['run_sent']:,} sent in {c['sent_span']:.0f} s from the first to the last "
        f"(worker 1: {c['mail_files'].get('1', 0):,} files, worker 2: {c['mail_files'].get('2', 0):,}); the last "
        + (
            f"one {c['last_mail_after']:.0f} s after the last submission was answered."
            if c["last_mail_after"] >= 0.5
            else "one before the last submission's receipt page had been read."
        ),
        "",
        "Outbox rows of the run's initiatives:",
        "",
        "| Template | Status | Rows |",
        "|---|---|---:|",
        *[f"| `{template}` | {status} | {count:,} |" for (template, status), count in sorted(c["outbox"].items())],
        "",
        "By status and attempts: "
        + ", ".join(
            f"{status} after {attempts} attempt(s): {count:,}"
            for (status, attempts), count in sorted(c["attempts"].items())
        )
        + ".",
        "",
    ]
    if kill:
        held = c.get("killed_held", [])
        orphans = [mail for mail in held if mail["how"] == "nowhere in Redis"]
        sweeps = [n for n in c.get("sweeps", []) if n]
        lines += [
            "## The killed worker",
            "",
            f"After {kill['submissions']:,} of {n:,} submissions ({kill['at']:.0f} s into the run, load "
            f"{kill['load']:.1f}), worker 1's process group got SIGKILL: pids {', '.join(map(str, kill['pids']))} (the "
            f"main process and its pool of {args.concurrency}). Worker 1 had written {kill['mails_worker_1']:,} mails, "
            f"worker 2 {kill['mails_worker_2']:,}; the outbox had {kill['outbox'].get('pending', 0):,} mails pending "
            f"and {kill['outbox'].get('sent', 0):,} sent; {kill['queue']:,} task messages waited in the queue. "
            f"Worker 1's log shows `outbox_send` tasks received and not finished: {c['worker_1_unfinished']}.",
            "",
            "What brings a dead worker's mails back:",
            "",
            "- `outbox_deliver` sends inside the transaction that holds the row's lock, so a process that dies "
            "before its commit leaves the row `pending`, its attempt uncounted (PostgreSQL rolls the transaction back "
            "and drops the lock when the connection goes), and a mail server that never got the whole message "
            "delivers nothing.",
            "- `outbox_send` acknowledges late (`CELERY_TASK_ACKS_LATE`, `acks_late=True`): a message the worker had "
            "recorded stays in Redis as unacknowledged, and kombu's Redis transport hands it out again after the "
            "visibility timeout (`visibility_timeout` 3600 s in `config/settings/base.py`).",
            "- A message can also be gone from Redis altogether: kombu takes it off the queue with BRPOP and only then "
            "records it as unacknowledged (a second command); a worker that dies in between, or with the reply still "
            "unread in its socket, takes the message with it. The outbox row is then the only trace."
            + (
                f" **That happened here**: {len(orphans)} mail(s) pending from before the kill had no message in "
                "Redis at all, 4 s and 8 s after it."
                if orphans
                else " It did not happen in this run (no pending mail without a message after the kill)."
            ),
            "- Both are covered by beat's outbox sweep (`notifications.outbox_sweep`, every OUTBOX_SWEEP_SECONDS): it "
            "hands every mail pending for more than two minutes to the workers again (here to worker 2). "
            "**Without beat a mail lost from Redis would stay pending**: beat has to run, once. A mail still queued "
            "when the sweep comes gets a second message; the row lock and the status check make that a no-op. "
            + (
                f"Mails the sweeps handed over again here: {sum(sweeps):,} ({len(sweeps)} of "
                f"{len(c.get('sweeps', []))} sweeps found any)."
                if c.get("sweeps")
                else "No sweep ran during the run."
            ),
            f"- Messages the killed worker left unacknowledged in Redis: {len(redelivered.get('tags', []))}. Once "
            "everything was sent the bench did what kombu does after the visibility timeout (`restore_by_tag`): "
            f"worker 2 handled {redelivered.get('sends', 0)} of them as tasks and wrote "
            f"{redelivered.get('new_files', 0)} mails for them.",
            "",
        ]
        if held:
            lines += [
                "The mails worker 1 had taken and what became of them (mail files: which worker's folder has it):",
                "",
                "| Mail | Its message after the kill | Template | Status | Attempts | Sent, after the kill "
                "| Pending for | Mail files |",
                "|---:|---|---|---|---:|---:|---:|---|",
                *[
                    f"| {m['id']} | {m['how']} | `{m['template']}` | {m['status']} | {m['attempts']} | "
                    + (f"{m['sent_after_kill']:.0f} s | {m['waited']:.0f} s" if m["waited"] is not None else "– | –")
                    + " | "
                    + (", ".join(f"worker {w}" for w in m["files"]) or "none")
                    + " |"
                    for m in held
                ],
                "",
            ]
    lines += [
        "## Timeline",
        "",
        *[f"- {seconds:.0f} s: {text}" for seconds, text in facts["events"]],
        "",
    ]
    if facts["warnings"]:
        lines += [
            f"Warnings in the logs ({len(facts['warnings'])}), by text:",
            "",
            *[f"- {count}× `{text}`" for text, count in Counter(facts["warnings"]).most_common(10)],
            "",
        ]
    problems = (
        c["errors"]
        + c["sent_twice"][:10]
        + c["partial_files"][:10]
        + [line for v in facts["server_errors"].values() for line in v[:5]]
        + [line for v in facts["worker_errors"].values() for line in v[:5]]
    )
    if problems:
        lines += ["## Problems", "", "```", *problems[:40], "```", ""]
    return "\n".join(lines), all_met


# --- main ----------------------------------------------------------------------------------------


def main(argv=None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    args = parse_args(argv)
    args.secret_key = uuid.uuid4().hex + uuid.uuid4().hex
    split_url(args.database_url)  # refuses anything but a PostgreSQL bench database
    tools = find_tools(need_wrk=False)
    tools["celery"] = subprocess.run(  # noqa: S603
        [venv_tool("celery"), "--version"], capture_output=True, text=True, check=False
    ).stdout.split()[0]
    import moto

    tools["moto"] = moto.__version__
    redis = redis_client(args.redis_url)
    workdir = Path(tempfile.mkdtemp(prefix="bench-scaleout-"))
    moto_s3 = MotoS3(workdir)
    started = time.perf_counter()
    run = None
    try:
        redis.flushdb()
        log(f"flushed Redis {args.redis_url}")
        moto_s3.start()
        env = {
            **django_env(args, dict(os.environ), str(workdir / "static")),
            **moto_s3.env(),
            "OUTBOX_SWEEP_SECONDS": str(args.sweep_seconds),
            "MEDIA_ROOT": str(home(workdir, "setup") / "media"),
        }
        prepare_database(args.database_url)
        data = prepare_data(args, env)
        vers = versions(args, redis)
        collect_static(env)
        env.pop("MEDIA_ROOT")
        run = Run(args, env, workdir, redis, moto_s3)
        facts = run.execute(tools)
        run.stop_processes()
        c = checks(args, facts, moto_s3, workdir)
        statuses = Counter()
        for (_template, status), count in c["outbox"].items():
            statuses[status] += count
        c["all_sent"] = (
            statuses.get("pending", 0) == 0 and statuses.get("failed", 0) == 0 and not facts.get("mail_timeout")
        )
        c["outbox_sent_line"] = ", ".join(f"{count:,} {status}" for status, count in sorted(statuses.items()))
        c["attempts_one"] = sum(
            count for (status, attempts), count in c["attempts"].items() if status == "sent" and attempts == 1
        )
        table, all_met = report(args, argv, tools, data, vers, facts, c)
    finally:
        if run is not None:
            run.stop_processes()
        moto_s3.stop()
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
    log(
        f"written to {where} ({time.perf_counter() - started:.0f} s in all); "
        f"every goal {'met' if all_met else 'NOT met'}"
    )
    return 0 if all_met else 1


if __name__ == "__main__":
    sys.exit(main())
