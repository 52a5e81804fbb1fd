"""Thin adapters for the scheduler (STYLE.md §7): the services own the rules and idempotency."""

from celery import shared_task
from django.utils import timezone

from vision.services.meetings import meeting_send_reminders


@shared_task(name="vision.tasks.meeting_reminders")
def meeting_reminders():
    """Remind the invited members of meetings that start in two days. Safe to run more than
    once a day: the outbox's dedup keys send each reminder once."""
    return meeting_send_reminders(today=timezone.localdate())
