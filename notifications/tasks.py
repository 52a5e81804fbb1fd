"""Thin adapters: take ids, call a service, own the retries (STYLE.md §7)."""

from celery import shared_task
from django.conf import settings
from django.db import DatabaseError
from django.utils import timezone

from notifications.services import (
    OutboxDeliveryError,
    digest_send,
    mail_dispatch_all,
    outbox_deliver,
    outbox_pending_ids,
)


@shared_task(bind=True, name="notifications.outbox_send", acks_late=True, max_retries=None)
def outbox_send(self, mail_id: int):
    try:
        outbox_deliver(mail_id=mail_id)
    except OutboxDeliveryError as exc:
        if exc.final:
            return "failed"
        # 30 s, 1 min, 2 min, 4 min ... between attempts (OUTBOX_RETRY_BASE_SECONDS); the
        # attempt count lives on the row.
        countdown = min(settings.OUTBOX_RETRY_BASE_SECONDS * 2 ** min(self.request.retries, 12), 3600)
        raise self.retry(countdown=countdown) from exc
    except DatabaseError as exc:  # a busy or briefly unreachable database: the row is untouched
        if self.request.retries >= 10:
            raise
        raise self.retry(countdown=min(5 * 2**self.request.retries, 600)) from exc
    return "done"


@shared_task(name="notifications.outbox_sweep")
def outbox_sweep():
    """Re-enqueue mails left pending (a broker that was down, a worker that died)."""
    return mail_dispatch_all(outbox_pending_ids())


@shared_task(name="notifications.digest_daily", acks_late=True)
def digest_daily():
    """Once a working day: the held mails of staff who chose a digest, one mail each."""
    return digest_send(today=timezone.localdate())
