"""Thin adapters for the scheduler (STYLE.md §7)."""

from celery import shared_task
from django.db import DatabaseError
from django.utils import timezone

from initiatives.pending_uploads import pending_uploads_purge
from initiatives.services.letters import decision_letter_ensure
from initiatives.services.reminders import reminders_run
from initiatives.services.retention import retention_run
from initiatives.services.submission import (
    initiative_officers_notice_sweep,
    initiative_officers_notify,
    lost_link_answer,
    lost_link_sweep,
)
from initiatives.statistics_rollups import statistics_refresh


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


@shared_task(bind=True, name="initiatives.lost_link_answer", acks_late=True, max_retries=5)
def lost_link_answer_task(self, request_id: int):
    """A resident asked for their links again: look the address up and queue the mail. Safe to run twice."""
    try:
        return lost_link_answer(request_id=request_id)
    except DatabaseError as exc:  # a busy database: the row is untouched (and the sweep is there too)
        raise self.retry(countdown=min(5 * 2**self.request.retries, 300)) from exc


@shared_task(name="initiatives.lost_link_sweep", acks_late=True)
def lost_link_sweep_often():
    """Every few minutes: answer lost-link requests the broker never took. Safe to run twice."""
    return lost_link_sweep(now=timezone.now())


@shared_task(bind=True, name="initiatives.officers_notify", acks_late=True, max_retries=5)
def initiative_officers_notify_task(self, initiative_id: int, mail_ids: list[int]):
    """After a submission: tell the village's officers, then send their mails and the receipt.
    Safe to run twice: the notices are written once (and the sweep is there too)."""
    try:
        return initiative_officers_notify(initiative_id=initiative_id, mail_ids=mail_ids)
    except DatabaseError as exc:  # a busy database: nothing was written
        raise self.retry(countdown=min(5 * 2**self.request.retries, 300)) from exc


@shared_task(name="initiatives.officers_notice_sweep", acks_late=True)
def initiative_officers_notice_sweep_often():
    """Every few minutes: tell the officers of submissions whose task the broker never took."""
    return initiative_officers_notice_sweep(now=timezone.now())


@shared_task(bind=True, name="initiatives.decision_letter_make", acks_late=True, max_retries=5)
def decision_letter_make(self, decision_id: int):
    """After a decision: make its letter (PDF). Safe to run twice: a letter is made only once.
    A failure is retried a few times; after that the mail or the first download makes it."""
    try:
        decision = decision_letter_ensure(decision_id=decision_id)
    except Exception as exc:  # noqa: BLE001 - rendering or storage; the decision itself is untouched
        raise self.retry(countdown=min(30 * 2**self.request.retries, 1800)) from exc
    return "made" if decision is not None and decision.letter else "none"


@shared_task(name="initiatives.statistics_refresh", acks_late=True)
def statistics_refresh_often():
    """Every minute: count the statistics' marked months again (initiatives.statistics_rollups).
    Safe to run twice: a second run at the same time finds the lock taken and does nothing."""
    return statistics_refresh()
