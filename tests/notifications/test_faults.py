"""The outbox against real faults: a private Redis stopped, frozen and restarted, real workers
killed in the middle of a send, two sweeps at once, a mail server that fails.

Every test runs real `celery worker` processes on the test database, so they need PostgreSQL
(an SQLite test database lives in one process). The machine's own Redis is never touched.
"""

import re
import threading
import time
from datetime import date, timedelta

import pytest
from django.db import connection, transaction
from django.db.models import F
from django.urls import reverse
from kombu import Connection

from initiatives.models import Initiative, TrackingToken
from initiatives.services.reminders import reminders_run
from initiatives.tasks import initiative_officers_notice_sweep_often
from notifications.constants import MAX_ATTEMPTS, OutboxStatus
from notifications.models import OutboxMail
from notifications.services import mail_enqueue
from notifications.tasks import outbox_sweep
from tests.initiatives.factories import InitiativeFactory
from tests.initiatives.helpers import form_data
from tests.municipalities.factories import OfficerMembershipFactory, UserFactory
from tests.villages.factories import VillageFactory

pytestmark = [
    pytest.mark.faults,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="real workers share the test database, which needs PostgreSQL (set DATABASE_URL)",
    ),
]

RECEIPT = "initiatives/email/receipt"


def all_sent() -> bool:
    return OutboxMail.objects.exists() and not OutboxMail.objects.exclude(status=OutboxStatus.SENT).exists()


def sweep_after_its_threshold():
    """The beat's sweep, once the pending mails are older than its threshold (two minutes)."""
    OutboxMail.objects.pending().update(created_at=F("created_at") - timedelta(minutes=3))
    outbox_sweep.delay()


def officers_sweep_after_its_threshold():
    """Beat's sweep of the submissions whose officers were not told, once they are older than
    its threshold (a minute)."""
    untold = Initiative.objects.filter(officers_notice_pending=True)
    untold.update(submitted_at=F("submitted_at") - timedelta(minutes=2))
    initiative_officers_notice_sweep_often.delay()


def sent(count: int):
    def check() -> bool:
        return OutboxMail.objects.filter(status=OutboxStatus.SENT).count() == count and all_sent()

    return check


def enqueue_receipt(initiative) -> OutboxMail:
    with transaction.atomic():
        mail = mail_enqueue(
            to=initiative.initiator_email,
            template=RECEIPT,
            dedup_key=f"receipt:{initiative.pk}",
            subject=initiative,
            context={"tracking_link": True},
        )
    return mail


def queue_is_drained(lab, but_unacked: int = 0) -> bool:
    """No task waits in the queue and none is being handled (kombu's Redis keys)."""
    client = lab.redis.client()
    try:
        return client.llen("celery") == 0 and client.hlen("unacked") == but_unacked
    finally:
        client.close()


def unacked_tags(lab) -> list[bytes]:
    client = lab.redis.client()
    try:
        return client.hkeys("unacked")
    finally:
        client.close()


def finished_sends(worker) -> int:
    return len(re.findall(r"notifications\.outbox_send(?:_batch)?\[[^\]]+\] succeeded", worker.output()))


def sweep_results(worker) -> list[int]:
    """How many mails each sweep handed to the worker, from the worker's log."""
    return [
        int(n)
        for n in re.findall(r"notifications\.outbox_sweep\[[^\]]+\] succeeded in [\d.]+s: (\d+)", worker.output())
    ]


class RedisDownTests:
    def test_a_submission_while_redis_is_stopped_is_stored_and_sent_once_redis_is_back(self, lab, client):
        village = VillageFactory()
        officer = OfficerMembershipFactory(municipality=village.municipality, villages=[village])
        lab.worker()
        lab.redis.stop()

        started = time.perf_counter()
        response = client.post(reverse("initiatives:submit"), form_data(village))
        answered_in = time.perf_counter() - started

        assert response.status_code == 302
        assert answered_in < 3, f"the resident waited {answered_in:.1f} s"
        initiative = Initiative.objects.get()
        # Stored: the receipt waits in the outbox, the officers' notices as the initiative's mark.
        mails = OutboxMail.objects.filter(initiative=initiative)
        assert [(mail.to, mail.status, mail.attempts) for mail in mails] == [
            ("fatima@example.nl", OutboxStatus.PENDING, 0)
        ]
        assert initiative.officers_notice_pending

        lab.redis.start()
        officers_sweep_after_its_threshold()
        sweep_after_its_threshold()
        lab.wait_until(sent(2), "the sweeps' mails to be sent")
        assert lab.recipients() == {"fatima@example.nl": 1, officer.user.email: 1}
        assert not Initiative.objects.get().officers_notice_pending
        assert set(OutboxMail.objects.values_list("attempts", flat=True)) == {1}

    def test_a_frozen_redis_costs_the_resident_one_timeout_not_one_per_mail(self, lab, client, settings):
        village = VillageFactory()
        officers = OfficerMembershipFactory.create_batch(4, municipality=village.municipality, villages=[village])
        lab.worker()
        lab.redis.freeze()  # alive, connected, silent: the case a socket timeout exists for

        started = time.perf_counter()
        response = client.post(reverse("initiatives:submit"), form_data(village))
        answered_in = time.perf_counter() - started

        assert response.status_code == 302
        # The one publish (with its one retry) times out; the receipt and the officers' notices
        # wait for the sweeps.
        assert answered_in < 3 * settings.BROKER_SOCKET_TIMEOUT, f"the resident waited {answered_in:.1f} s"
        assert OutboxMail.objects.pending().count() == 1
        assert Initiative.objects.get().officers_notice_pending

        lab.redis.thaw()  # a publish that "failed" may still arrive now: it must not send twice
        officers_sweep_after_its_threshold()
        sweep_after_its_threshold()
        lab.wait_until(sent(5), "the sweeps' mails to be sent")
        lab.wait_until(lambda: queue_is_drained(lab), "every task to be handled")
        expected = {"fatima@example.nl": 1} | {officer.user.email: 1 for officer in officers}
        assert lab.recipients() == expected


class WorkerKilledTests:
    def test_a_worker_killed_during_a_send_delivers_the_mail_once(self, lab):
        initiative = InitiativeFactory()
        lab.mail_server_slow(30)
        first = lab.worker("first")
        mail = enqueue_receipt(initiative)
        lab.wait_until(lab.sends_started, "the first worker to start sending")
        first.kill()

        mail.refresh_from_db()
        assert (mail.status, mail.attempts) == (OutboxStatus.PENDING, 0)  # its transaction died with it
        assert not TrackingToken.objects.exists()  # so did the private link it had minted
        assert lab.delivered() == []

        lab.mail_server_slow(None)
        lab.worker("second")
        sweep_after_its_threshold()
        lab.wait_until(all_sent, "the mail to be sent by the second worker")

        # The first worker's task is still unacknowledged in Redis; after the visibility timeout
        # (an hour) kombu hands it out again. Do now what kombu does then.
        lab.wait_until(lambda: unacked_tags(lab) and queue_is_drained(lab, but_unacked=1), "the second worker's acks")
        with Connection(lab.redis.url) as broker:
            for tag in unacked_tags(lab):
                broker.default_channel.qos.restore_by_tag(tag)
        second = lab.workers[-1]
        lab.wait_until(lambda: finished_sends(second) >= 2 and queue_is_drained(lab), "the redelivered task")

        assert lab.recipients() == {initiative.initiator_email: 1}
        mail.refresh_from_db()
        assert (mail.status, mail.attempts) == (OutboxStatus.SENT, 1)
        assert TrackingToken.objects.count() == 1


class ConcurrentSweepTests:
    def test_two_sweeps_at_the_same_moment_send_each_mail_once(self, lab):
        initiatives = InitiativeFactory.create_batch(8)
        OutboxMail.objects.bulk_create(  # pending rows whose dispatch was lost
            OutboxMail.about(to=f"bewoner{n}@example.nl", template=RECEIPT, dedup_key=f"lost:{n}", subject=initiative)
            for n, initiative in enumerate(initiatives)
        )
        lab.mail_server_slow(0.2)  # long enough for both workers to reach the same rows
        workers = [lab.worker("left"), lab.worker("right")]

        OutboxMail.objects.update(created_at=F("created_at") - timedelta(minutes=3))
        barrier = threading.Barrier(2)

        def sweep():
            barrier.wait()
            outbox_sweep.delay()

        threads = [threading.Thread(target=sweep) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

        lab.wait_until(all_sent, "all mails to be sent", timeout=40)
        lab.wait_until(lambda: queue_is_drained(lab), "every task to be handled", timeout=40)
        assert lab.recipients() == {f"bewoner{n}@example.nl": 1 for n in range(8)}
        assert set(OutboxMail.objects.values_list("attempts", flat=True)) == {1}
        # Both sweeps found (some of) the same mails and both workers sent: the race was real.
        assert sum(sum(sweep_results(worker)) for worker in workers) > 8
        assert all(finished_sends(worker) for worker in workers)


class FailingMailServerTests:
    def test_attempts_are_counted_then_failed_and_the_admin_retry_sends_once(self, lab, client):
        initiative = InitiativeFactory()
        lab.mail_server_fails()
        lab.worker()
        mail = enqueue_receipt(initiative)

        lab.wait_until(
            lambda: OutboxMail.objects.filter(pk=mail.pk, status=OutboxStatus.FAILED).exists(),
            "the mail to fail after its last attempt",
        )
        mail.refresh_from_db()
        assert mail.attempts == MAX_ATTEMPTS
        assert "421 mail server not available" in mail.last_error
        assert lab.delivered() == []
        assert not TrackingToken.objects.exists()  # no private link of a mail that never left

        lab.mail_server_fails(False)
        client.force_login(UserFactory(superuser=True))
        response = client.post(
            reverse("admin:notifications_outboxmail_changelist"),
            {"action": "retry", "_selected_action": [mail.pk], "index": 0},
        )
        assert response.status_code == 302
        lab.wait_until(all_sent, "the retried mail to be sent")
        lab.wait_until(lambda: queue_is_drained(lab), "every task to be handled")
        assert lab.recipients() == {initiative.initiator_email: 1}
        mail.refresh_from_db()
        assert mail.attempts == 1


class RemindersTests:
    def test_reminders_over_two_weeks_are_delivered_once_each(self, lab):
        officer = OfficerMembershipFactory()
        coordinator = OfficerMembershipFactory(municipality=officer.municipality, coordinator=True)
        # Due on Friday 24 April 2026; Monday 27 April is King's Day.
        InitiativeFactory(
            village__municipality=officer.municipality,
            assigned_officer=officer.user,
            first_response_due=date(2026, 4, 24),
            decision_due=date(2026, 8, 1),
        )
        lab.worker()
        new_keys = {}
        for offset in range(14):
            day = date(2026, 4, 20) + timedelta(days=offset)
            before = set(OutboxMail.objects.values_list("dedup_key", flat=True))
            reminders_run(today=day)
            reminders_run(today=day)  # beat may run a day's job twice
            if added := set(OutboxMail.objects.values_list("dedup_key", flat=True)) - before:
                new_keys[day] = [key.split(":")[0] for key in added]

        assert new_keys == {date(2026, 4, 28): ["response-overdue"], date(2026, 4, 29): ["escalation"]}
        lab.wait_until(all_sent, "the reminders to be sent")
        lab.wait_until(lambda: queue_is_drained(lab), "every task to be handled")
        assert lab.recipients() == {officer.user.email: 1, coordinator.user.email: 1}
