"""Fixtures for the outbox tests.

Unit tests run eagerly, like the rest of the suite. The fault tests get a `lab`: a private
redis-server on a free port (so they can stop, freeze and restart it without touching the
machine's Redis), real Celery worker processes that share the test database, and a mail
folder that counts what left. Everything it started is stopped, and every setting it changed
restored, when the test ends, also when it fails.
"""

import contextlib
import email
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from urllib.parse import quote

import pytest
import redis
from django.conf import settings as django_settings
from django.core.cache import cache
from django.db import connection

from config.celery import app as celery_app
from notifications import services as outbox_services
from tests.notifications import backends

BASE_DIR = Path(django_settings.BASE_DIR)
WORKER_READY_SECONDS = 30


@pytest.fixture(autouse=True)
def _broker_unblamed():
    """A broker failure in one test never makes another test skip its dispatch."""
    outbox_services._broker_failed_at = None
    yield
    outbox_services._broker_failed_at = None


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Rate-limit counters of one test never count in another."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def failing_mail_server(settings):
    settings.EMAIL_BACKEND = "tests.notifications.backends.FailingBackend"


# --- the fault lab --------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _terminate(process: subprocess.Popen, *, grace: float = 5.0) -> None:
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(grace)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(grace)


class PrivateRedis:
    """A redis-server of our own: no persistence, on a port nobody else uses."""

    def __init__(self, folder: Path):
        self.port = free_port()
        self.folder = folder
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen | None = None
        self.frozen = False

    def start(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        # The port stays ours between stop and start: the test process holds no listener on it,
        # and redis-server binds with SO_REUSEADDR.
        self.process = subprocess.Popen(  # noqa: S603 - fixed arguments
            [
                shutil.which("redis-server"),
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--daemonize",
                "no",
                "--dir",
                str(self.folder),
            ],
            stdout=open(self.folder / "redis.log", "ab"),  # noqa: SIM115 - closed with the process
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        client = redis.Redis.from_url(self.url, socket_timeout=1, socket_connect_timeout=1)
        deadline = time.monotonic() + 10
        while True:
            try:
                client.ping()
                break
            except redis.RedisError:
                if time.monotonic() > deadline or self.process.poll() is not None:
                    raise RuntimeError(f"redis-server on port {self.port} did not start") from None
                time.sleep(0.05)
            finally:
                client.close()

    def stop(self) -> None:
        """Stopped like a crash or a restart: connections closed, queued tasks gone."""
        if self.process is None:
            return
        self.thaw()
        _terminate(self.process)
        self.process.stdout and self.process.stdout.close()
        self.process = None

    def freeze(self) -> None:
        """The process lives and holds its connections but answers nothing (SIGSTOP)."""
        self.process.send_signal(signal.SIGSTOP)
        self.frozen = True

    def thaw(self) -> None:
        if self.frozen and self.process is not None:
            self.process.send_signal(signal.SIGCONT)
        self.frozen = False

    def client(self) -> redis.Redis:
        return redis.Redis.from_url(self.url, socket_timeout=5)


class Worker:
    """`celery -A config worker` in its own process, on the test database and the private Redis."""

    def __init__(self, name: str, env: dict, log: Path):
        self.name = name
        self.log = log
        self.process = subprocess.Popen(  # noqa: S603 - fixed arguments
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "config",
                "worker",
                "--pool",
                "solo",
                "-l",
                "info",
                "-n",
                f"{name}@%h",
                "--without-heartbeat",
                "--without-mingle",
                "--without-gossip",
            ],
            cwd=BASE_DIR,
            env=env,
            stdout=open(log, "ab"),  # noqa: SIM115 - closed with the process
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + WORKER_READY_SECONDS
        while " ready." not in self.output():
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"worker {name} did not start:\n{self.output()[-3000:]}")
            time.sleep(0.1)

    def output(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    def kill(self) -> None:
        """SIGKILL: no warm shutdown, no message handed back, the database connection just drops."""
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait(10)
        self.process.stdout and self.process.stdout.close()

    def stop(self) -> None:
        _terminate(self.process, grace=10)
        self.process.stdout and self.process.stdout.close()


def redis_transport_options() -> dict:
    """The broker options a process on Redis gets from the settings (this run may be on the
    filesystem broker, whose options do not apply to Redis)."""
    options = dict(django_settings.CELERY_BROKER_TRANSPORT_OPTIONS)
    if "visibility_timeout" in options:
        return options
    return {
        "visibility_timeout": 3600,
        "socket_timeout": django_settings.BROKER_SOCKET_TIMEOUT,
        "socket_connect_timeout": django_settings.CELERY_BROKER_CONNECTION_TIMEOUT,
    }


def _reset_broker_pools() -> None:
    """Forget connections to the previous broker, so the next publish uses the new URL."""
    if celery_app._pool is not None:
        with contextlib.suppress(Exception):  # the old broker may be gone already
            celery_app._pool.force_close_all()
    celery_app._pool = None
    amqp = celery_app.__dict__.get("amqp")
    if amqp is not None:
        amqp._producer_pool = None


def worker_database_url() -> str:
    db = connection.settings_dict
    user = quote(db["USER"] or "", safe="")
    password = f":{quote(db['PASSWORD'], safe='')}" if db["PASSWORD"] else ""
    host = db["HOST"] or "127.0.0.1"
    port = f":{db['PORT']}" if db["PORT"] else ""
    return f"postgres://{user}{password}@{host}{port}/{quote(db['NAME'], safe='')}"


class Lab:
    def __init__(self, folder: Path):
        self.folder = folder
        self.mail_dir = folder / "mail"
        self.mail_dir.mkdir(parents=True)
        self.redis = PrivateRedis(folder / "redis")
        self.workers: list[Worker] = []

    def worker(self, name: str = "w1", **extra_env: str) -> Worker:
        env = {
            key: value
            for key, value in os.environ.items()
            if key not in {"REDIS_URL", "CELERY_BROKER_URL", "DATABASE_URL"} and not key.startswith("PYTEST_")
        }
        env.update(
            DJANGO_SETTINGS_MODULE="config.settings.test",
            DATABASE_URL=worker_database_url(),
            CELERY_BROKER_URL=self.redis.url,
            CELERY_TASK_ALWAYS_EAGER="false",
            EMAIL_BACKEND="tests.notifications.backends.RecordingBackend",
            EMAIL_FILE_PATH=str(self.mail_dir),
            OUTBOX_RETRY_BASE_SECONDS="0",  # retry a failed send at once
            SITE_URL=django_settings.SITE_URL,
            PYTHONUNBUFFERED="1",
        )
        env.update(extra_env)
        worker = Worker(name, env, self.folder / f"worker-{name}-{len(self.workers)}.log")
        self.workers.append(worker)
        return worker

    def wait_until(self, condition, what: str, timeout: float = 30.0):
        deadline = time.monotonic() + timeout
        while True:
            result = condition()
            if result:
                return result
            if time.monotonic() > deadline:
                logs = "\n".join(f"--- {w.name} ---\n{w.output()[-2500:]}" for w in self.workers)
                raise AssertionError(f"waited {timeout:.0f} s for {what}\n{logs}")
            time.sleep(0.1)

    # the mail server
    def delivered(self) -> list[email.message.Message]:
        return [email.message_from_bytes(path.read_bytes()) for path in sorted(self.mail_dir.glob("*.eml"))]

    def recipients(self) -> Counter:
        return Counter(message["To"] for message in self.delivered())

    def mail_server_fails(self, failing: bool = True) -> None:
        flag = self.mail_dir / backends.FAIL
        flag.touch() if failing else flag.unlink(missing_ok=True)

    def mail_server_slow(self, seconds: float | None) -> None:
        flag = self.mail_dir / backends.DELAY
        flag.write_text(str(seconds)) if seconds else flag.unlink(missing_ok=True)

    def sends_started(self) -> list[str]:
        sending = self.mail_dir / backends.SENDING
        return sending.read_text().splitlines() if sending.exists() else []

    def close(self) -> None:
        for worker in self.workers:
            worker.stop()
        self.redis.stop()


@pytest.fixture
def lab(transactional_db, settings, tmp_path, monkeypatch):
    if shutil.which("redis-server") is None:
        message = "the fault tests start a private redis-server, and none is installed"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    lab = Lab(tmp_path / "lab")
    saved = {
        key: getattr(celery_app.conf, key) for key in ("broker_url", "broker_transport_options", "task_always_eager")
    }
    try:
        lab.redis.start()
        # This process publishes (the web request, the admin, the scheduler) to the private Redis.
        monkeypatch.delenv("CELERY_BROKER_URL", raising=False)  # Celery would prefer it to conf
        settings.CELERY_BROKER_URL = lab.redis.url
        celery_app.conf.broker_url = lab.redis.url
        celery_app.conf.broker_transport_options = redis_transport_options()
        celery_app.conf.task_always_eager = False
        _reset_broker_pools()
        yield lab
    finally:
        lab.close()
        for key, value in saved.items():
            setattr(celery_app.conf, key, value)
        _reset_broker_pools()
