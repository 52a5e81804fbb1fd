"""Thin adapters: take ids, call a service, own the retries (STYLE.md §7)."""

import logging

from celery import shared_task
from django.db import DatabaseError
from django.utils import timezone

from notifications.services import (
    OutboxDeliveryError,
    digest_send,
    mail_dispatch_all,
    outbox_deliver,
    outbox_deliver_batch,
    outbox_pending_ids,
    retry_countdown,
)

logger = logging.getLogger(__name__)


@shared_task(bind=True, name="notifications.outbox_send", acks_late=True, max_retries=None)
def outbox_send(self, mail_id: int):
    try:
        outbox_deliver(mail_id=mail_id)
    except OutboxDeliveryError as exc:
        if exc.final:
            return "failed"
        # 30 s, 1 min, 2 min, 4 min ... between attempts (OUTBOX_RETRY_BASE_SECONDS); the
        # attempt count lives on the row.
        raise self.retry(countdown=retry_countdown(exc.attempts)) from exc
    except DatabaseError as exc:  # a busy or briefly unreachable database: the row is untouched
        if self.request.retries >= 10:
            raise
        raise self.retry(countdown=min(5 * 2**self.request.retries, 600)) from exc
    return "done"


@shared_task(bind=True, name="notifications.outbox_send_batch", acks_late=True, max_retries=None)
def outbox_send_batch(self, mail_ids: list[int]):
    """Many mails in one task (the scheduler's reminders, the sweep). Safe to run twice and
    beside an overlapping batch: each mail is claimed (SKIP LOCKED) and sent at most once.
    A mail that fails goes on alone, with the retries of `outbox_send`."""
    try:
        failures = outbox_deliver_batch(mail_ids=mail_ids)
    except DatabaseError as exc:  # a busy database: what was sent is committed, the rest untouched
        if self.request.retries >= 10:
            raise
        raise self.retry(countdown=min(5 * 2**self.request.retries, 600)) from exc
    for failure in failures:
        if failure.final:
            continue
        try:
            outbox_send.apply_async((failure.mail_id,), countdown=retry_countdown(failure.attempts))
        except Exception:  # noqa: BLE001 - the row stays pending: the sweep sends it
            logger.warning("outbox: could not enqueue the retry of mail %s", failure.mail_id, exc_info=True)
    return "done"


@shared_task(name="notifications.outbox_sweep")
def outbox_sweep():
    """Re-enqueue mails left pending (a broker that was down, a worker that died)."""
    return mail_dispatch_all(outbox_pending_ids())


@shared_task(name="notifications.digest_daily", acks_late=True)
def digest_daily():
    """Once a working day: the held mails of staff who chose a digest, one mail each."""
    return digest_send(today=timezone.localdate())
