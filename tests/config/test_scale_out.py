"""Running on more than one machine (README): web servers and workers keep nothing of their own.

With REDIS_URL set, everything two machines must agree on lives in PostgreSQL or Redis (the files
in the bucket: test_storage_settings.py); a worker that dies gives its task back; and the shipped
stacks run the scheduler (beat) in exactly one process. The settings are read in a fresh process,
as a server reads them at start. Measured with real processes by bench/scale_out.py."""

import json
import os
import re
import subprocess
import sys

import yaml
from django.conf import settings

PRINT_SHARED = """
import json
from config.settings import base as s
print(json.dumps({
    "cache": s.CACHES["default"],
    "broker": s.CELERY_BROKER_URL,
    "session_engine": getattr(s, "SESSION_ENGINE", "django.contrib.sessions.backends.db"),
    "axes_handler": getattr(s, "AXES_HANDLER", "axes.handlers.database.AxesDatabaseHandler"),
    "acks_late": s.CELERY_TASK_ACKS_LATE,
    "reject_on_worker_lost": s.CELERY_TASK_REJECT_ON_WORKER_LOST,
    "prefetch": s.CELERY_WORKER_PREFETCH_MULTIPLIER,
    "transport": s.CELERY_BROKER_TRANSPORT_OPTIONS,
    "sweep": s.CELERY_BEAT_SCHEDULE["outbox-sweep"],
}))
"""
REDIS = "redis://redis:6379/0"


def settings_with(env: dict) -> dict:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("REDIS_", "CELERY_", "OUTBOX_"))}
    result = subprocess.run(  # noqa: S603 - our own interpreter and a fixed script
        [sys.executable, "-c", PRINT_SHARED],
        env={**clean, "SECRET_KEY": "x", **env},
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_with_redis_the_rate_limits_the_broker_and_the_sessions_are_shared_by_every_process():
    shared = settings_with({"REDIS_URL": REDIS})

    # Rate limits count in the cache: one count for all web servers, not one per process.
    assert shared["cache"] == {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS}
    # Mails a web server hands over reach a worker on another machine.
    assert shared["broker"] == REDIS
    # A resident who submits on one server sees the receipt page from another; lockouts count everywhere.
    assert shared["session_engine"] == "django.contrib.sessions.backends.db"
    assert shared["axes_handler"] == "axes.handlers.database.AxesDatabaseHandler"


def test_without_redis_the_state_stays_in_one_machine():
    """The embedded defaults are for one machine only (README: REDIS_URL is required for more)."""
    alone = settings_with({})

    assert alone["cache"]["BACKEND"] == "django.core.cache.backends.locmem.LocMemCache"
    assert alone["broker"].startswith("filesystem://")


def test_a_worker_that_dies_gives_its_tasks_back_and_the_outbox_sweep_catches_the_rest():
    shared = settings_with({"REDIS_URL": REDIS})

    # Acknowledged after the task, not before: a message a dead worker held is handed out again.
    assert shared["acks_late"] is True
    assert shared["reject_on_worker_lost"] is True
    # One message per pool process at a time: a dead worker takes as few messages with it as possible.
    assert shared["prefetch"] == 1
    assert shared["transport"]["visibility_timeout"] >= 3600
    # Messages lost with a worker are resent from the outbox by beat's sweep, every two minutes.
    assert shared["sweep"]["task"] == "notifications.outbox_sweep"
    assert shared["sweep"]["schedule"] <= 120


def _compose_commands() -> dict[str, str]:
    compose = yaml.safe_load((settings.BASE_DIR / "docker-compose.yml").read_text())
    return {name: str(service.get("command", "")) for name, service in compose["services"].items()}


def _procfile_commands() -> dict[str, str]:
    lines = (settings.BASE_DIR / "Procfile").read_text().splitlines()
    return dict(line.split(":", 1) for line in lines if line.strip() and not line.startswith("#"))


def test_the_shipped_stacks_run_beat_in_exactly_one_process():
    for commands in (_compose_commands(), _procfile_commands()):
        beats = [name for name, command in commands.items() if re.search(r"celery .*\bbeat\b", command)]
        assert beats == ["beat"], commands
        # A worker with an embedded scheduler (-B) would be a second beat as soon as there are two workers.
        workers = [command for command in commands.values() if re.search(r"celery .*\bworker\b", command)]
        assert workers and not any(re.search(r"\s(-B|--beat)\b", command) for command in workers)

    compose = yaml.safe_load((settings.BASE_DIR / "docker-compose.yml").read_text())
    assert compose["services"]["beat"].get("deploy", {}).get("replicas", 1) == 1
