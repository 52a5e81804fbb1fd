"""Thin adapters for the scheduler (STYLE.md §7)."""

from celery import shared_task
from django.utils import timezone

from initiatives.pending_uploads import pending_uploads_purge
from initiatives.services.reminders import reminders_run
from initiatives.services.retention import retention_run


@shared_task(name="initiatives.reminders_daily", acks_late=True)
def reminders_daily():
    """Once a working day: reminders, escalation, nudges and closure. Safe to run twice."""
    return reminders_run(today=timezone.localdate())


@shared_task(name="initiatives.retention_daily", acks_late=True)
def retention_daily():
    """Once a day: remove initiators' personal data after the retention term. Safe to run twice."""
    return retention_run(now=timezone.now())


@shared_task(name="initiatives.pending_uploads_purge", acks_late=True)
def pending_uploads_purge_hourly():
    """Every hour: delete files kept for forms that were never sent (older than a day). Safe to run twice."""
    return pending_uploads_purge(now=timezone.now())
