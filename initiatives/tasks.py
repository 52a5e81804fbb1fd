"""Thin adapters for the scheduler (STYLE.md §7)."""

from celery import shared_task
from django.utils import timezone

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
