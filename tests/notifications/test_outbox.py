"""The outbox, task by task: stored with the change that causes it, sent after the commit,
sent once, retried and failed visibly, swept when the broker lost it."""

import threading
import time
from datetime import timedelta

import pytest
from django.core import mail as outbox
from django.db import connection, connections, transaction
from django.urls import reverse
from django.utils import timezone
from kombu.exceptions import OperationalError

from initiatives.models import Initiative, TrackingToken
from notifications import services
from notifications.constants import MAX_ATTEMPTS, OutboxStatus
from notifications.models import OutboxMail
from notifications.services import (
    mail_enqueue,
    mail_enqueue_many,
    outbox_deliver,
    outbox_pending_ids,
    outbox_retry,
)
from notifications.tasks import outbox_send, outbox_send_batch, outbox_sweep
from tests.initiatives.factories import InitiativeFactory
from tests.initiatives.helpers import form_data
from tests.municipalities.factories import OfficerMembershipFactory, UserFactory
from tests.villages.factories import VillageFactory

pytestmark = pytest.mark.django_db

RECEIPT = "initiatives/email/receipt"


@pytest.fixture
def initiative():
    return InitiativeFactory(initiator_email="fatima@example.nl")


def receipt(initiative, key=None) -> OutboxMail | None:
    return mail_enqueue(
        to=initiative.initiator_email,
        template=RECEIPT,
        dedup_key=key or f"receipt:{initiative.pk}",
        subject=initiative,
        context={"tracking_link": True},
    )


def stored_receipt(initiative, **fields) -> OutboxMail:
    """A row as the outbox holds it, without a dispatch (one whose dispatch got lost)."""
    return OutboxMail.objects.create(
        to=initiative.initiator_email,
        template=RECEIPT,
        dedup_key=f"receipt:{initiative.pk}",
        subject=initiative,
        context={"tracking_link": True},
        **fields,
    )


@pytest.fixture
def broker_down(monkeypatch):
    """Publishing raises what kombu raises when Redis refuses the connection."""
    calls = []

    def refuse(*args, **kwargs):
        calls.append(args)
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(outbox_send, "delay", refuse)
    monkeypatch.setattr(outbox_send_batch, "delay", refuse)
    return calls


class MailEnqueueTests:
    def test_nothing_is_sent_before_the_commit(self, initiative, django_capture_on_commit_callbacks):
        with django_capture_on_commit_callbacks(execute=False) as callbacks, transaction.atomic():
            mail = receipt(initiative)
        assert outbox.outbox == []
        assert OutboxMail.objects.get().status == OutboxStatus.PENDING

        for callback in callbacks:  # the commit
            callback()
        assert [message.to for message in outbox.outbox] == [["fatima@example.nl"]]
        mail.refresh_from_db()
        assert (mail.status, mail.attempts) == (OutboxStatus.SENT, 1)
        assert mail.sent_at is not None

    def test_a_rolled_back_change_stores_and_sends_nothing(self, initiative, django_capture_on_commit_callbacks):
        with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError), transaction.atomic():
            receipt(initiative)
            raise RuntimeError("the change that caused the mail failed")
        assert not OutboxMail.objects.exists()
        assert outbox.outbox == []

    def test_the_same_dedup_key_is_stored_and_sent_once(self, initiative, django_capture_on_commit_callbacks):
        with django_capture_on_commit_callbacks(execute=True):
            first = receipt(initiative)
            second = receipt(initiative)
        assert first is not None and second is None
        assert OutboxMail.objects.count() == 1
        assert len(outbox.outbox) == 1

    def test_many_mails_are_stored_once_per_key(self, initiative, django_capture_on_commit_callbacks):
        def batch():
            return [
                OutboxMail.about(
                    to=f"officer{n}@example.nl", template=RECEIPT, dedup_key=f"batch:{n}", subject=initiative
                )
                for n in range(3)
            ]

        with django_capture_on_commit_callbacks(execute=True):
            assert mail_enqueue_many(batch()) == 3
        with django_capture_on_commit_callbacks(execute=True):
            assert mail_enqueue_many(batch()) == 0  # all sent already
        assert len(outbox.outbox) == 3


class OutboxDeliverTests:
    def test_delivering_twice_sends_one_mail(self, initiative):
        mail = stored_receipt(initiative)
        outbox_deliver(mail_id=mail.pk)
        outbox_deliver(mail_id=mail.pk)
        assert len(outbox.outbox) == 1
        mail.refresh_from_db()
        assert (mail.status, mail.attempts) == (OutboxStatus.SENT, 1)
        assert TrackingToken.objects.count() == 1  # one private link, minted when it left

    def test_a_mail_sent_again_after_a_lost_commit_is_the_same_message(self, initiative, settings, monkeypatch):
        """A worker that dies after the mail server took the message and before its commit leaves
        the row pending, and it is sent again: with the same Message-ID, the sender's domain on
        every machine, so mail programs that drop duplicates show it once."""
        settings.DEFAULT_FROM_EMAIL = "Dorpsinitiatief <noreply@dorpen.example>"
        mail = stored_receipt(initiative)

        def dies_before_its_commit(self, *args, **kwargs):
            raise KeyboardInterrupt  # what is left of a killed worker: the transaction never commits

        with monkeypatch.context() as patched:
            patched.setattr(OutboxMail, "save", dies_before_its_commit)
            with pytest.raises(KeyboardInterrupt):
                outbox_deliver(mail_id=mail.pk)
        mail.refresh_from_db()
        assert mail.status == OutboxStatus.PENDING
        outbox_deliver(mail_id=mail.pk)
        first, second = (message.message()["Message-ID"] for message in outbox.outbox)
        assert first == second == f"<outbox.{mail.pk}.{int(mail.created_at.timestamp())}@dorpen.example>"
        other = stored_receipt(InitiativeFactory(initiator_email="piet@example.nl"))
        outbox_deliver(mail_id=other.pk)
        assert outbox.outbox[-1].message()["Message-ID"] != first

    def test_a_failing_mail_server_counts_attempts_until_the_mail_is_failed(self, initiative, failing_mail_server):
        mail = stored_receipt(initiative)
        for attempt in range(1, MAX_ATTEMPTS + 1):
            with pytest.raises(services.OutboxDeliveryError) as error:
                outbox_deliver(mail_id=mail.pk)
            mail.refresh_from_db()
            assert mail.attempts == attempt
            assert error.value.final is (attempt == MAX_ATTEMPTS)
        assert mail.status == OutboxStatus.FAILED
        assert mail.last_error == "SMTPException: 421 mail server not available"
        assert not TrackingToken.objects.exists()  # the links of mails that never left are rolled back

        outbox_deliver(mail_id=mail.pk)  # a failed mail is not tried again by itself
        mail.refresh_from_db()
        assert mail.attempts == MAX_ATTEMPTS

    def test_the_task_retries_until_the_last_attempt(self, initiative, failing_mail_server):
        mail = stored_receipt(initiative)
        outbox_send.delay(mail.pk)  # eager: every retry runs at once
        mail.refresh_from_db()
        assert (mail.status, mail.attempts) == (OutboxStatus.FAILED, MAX_ATTEMPTS)

    def test_a_mail_that_no_longer_exists_is_skipped(self):
        assert outbox_deliver(mail_id=987654) is None
        assert outbox_send.delay(987654).get() == "done"


class BatchTests:
    """Many mails go to the worker as one task per OUTBOX_BATCH_SIZE; each is still sent once."""

    def rows(self, initiative, n=3) -> list[int]:
        return [
            OutboxMail.objects.create(
                to=f"bewoner{k}@example.nl", template=RECEIPT, dedup_key=f"batch:{k}", subject=initiative
            ).pk
            for k in range(n)
        ]

    def test_many_mails_go_to_the_worker_in_batches(
        self, initiative, settings, monkeypatch, django_capture_on_commit_callbacks
    ):
        settings.OUTBOX_BATCH_SIZE = 10
        published = []
        monkeypatch.setattr(outbox_send_batch, "delay", published.append)
        monkeypatch.setattr(outbox_send, "delay", published.append)
        mails = [
            OutboxMail.about(to=f"officer{n}@example.nl", template=RECEIPT, dedup_key=f"batch:{n}", subject=initiative)
            for n in range(25)
        ]
        with django_capture_on_commit_callbacks(execute=True):
            assert mail_enqueue_many(mails) == 25
        assert [len(batch) for batch in published] == [10, 10, 5]
        every_mail = sorted(OutboxMail.objects.values_list("pk", flat=True))
        assert sorted(pk for batch in published for pk in batch) == every_mail

    def test_a_batch_task_that_runs_twice_sends_each_mail_once(self, initiative):
        ids = self.rows(initiative)
        outbox_send_batch.delay(ids)
        outbox_send_batch.delay(ids)  # acks_late: a worker that died after sending runs it again
        assert sorted(m.to[0] for m in outbox.outbox) == [f"bewoner{k}@example.nl" for k in range(3)]
        assert set(OutboxMail.objects.values_list("status", "attempts")) == {(OutboxStatus.SENT, 1)}

    def test_overlapping_batches_send_each_mail_once(self, initiative):
        first, second, third = self.rows(initiative)
        outbox_send_batch.delay([first, second])
        outbox_send_batch.delay([second, third])
        outbox_send.delay(third)
        assert len(outbox.outbox) == 3

    def test_a_failing_mail_goes_on_alone_with_its_retries(self, initiative, settings, monkeypatch):
        ids = self.rows(initiative)
        real_render = services._render

        def render(mail):
            if mail.to == "bewoner1@example.nl":
                raise RuntimeError("template broken for this one")
            return real_render(mail)

        monkeypatch.setattr(services, "_render", render)
        outbox_send_batch.delay(ids)  # eager: the single task's retries run at once
        statuses = dict(OutboxMail.objects.values_list("to", "status"))
        assert statuses == {
            "bewoner0@example.nl": OutboxStatus.SENT,
            "bewoner1@example.nl": OutboxStatus.FAILED,
            "bewoner2@example.nl": OutboxStatus.SENT,
        }
        assert OutboxMail.objects.get(to="bewoner1@example.nl").attempts == MAX_ATTEMPTS
        assert len(outbox.outbox) == 2

    def test_the_retry_waits_longer_after_each_attempt(self, settings):
        settings.OUTBOX_RETRY_BASE_SECONDS = 30
        assert [services.retry_countdown(n) for n in (1, 2, 3, 4)] == [30, 60, 120, 240]
        assert services.retry_countdown(40) == 3600


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL (set DATABASE_URL)")
class BatchClaimTests:
    def test_a_mail_another_worker_holds_is_left_to_it(self, initiative):
        ids = BatchTests().rows(initiative)
        locked, release = threading.Event(), threading.Event()

        def other_worker():  # sending the second mail, slowly
            try:
                with transaction.atomic():
                    OutboxMail.objects.select_for_update().get(pk=ids[1])
                    locked.set()
                    release.wait(10)
            finally:
                connections.close_all()

        worker = threading.Thread(target=other_worker)
        worker.start()
        try:
            assert locked.wait(10)
            started = time.monotonic()
            assert services.outbox_deliver_batch(mail_ids=ids) == []
            assert time.monotonic() - started < 5  # not waiting for the other worker's lock
        finally:
            release.set()
            worker.join()
        assert sorted(m.to[0] for m in outbox.outbox) == ["bewoner0@example.nl", "bewoner2@example.nl"]
        assert OutboxMail.objects.get(pk=ids[1]).status == OutboxStatus.PENDING  # the other worker's


class AdminRetryTests:
    def retry_in_admin(self, client, *mails):
        client.force_login(UserFactory(superuser=True))
        return client.post(
            reverse("admin:notifications_outboxmail_changelist"),
            {"action": "retry", "_selected_action": [mail.pk for mail in mails], "index": 0},
            follow=True,
        )

    def test_the_admin_sends_a_failed_mail_again_once(
        self, client, initiative, settings, django_capture_on_commit_callbacks
    ):
        failed = stored_receipt(initiative, status=OutboxStatus.FAILED, attempts=MAX_ATTEMPTS, last_error="SMTP 421")
        with django_capture_on_commit_callbacks(execute=True):
            response = self.retry_in_admin(client, failed)
        assert response.status_code == 200
        assert len(outbox.outbox) == 1
        failed.refresh_from_db()
        assert (failed.status, failed.attempts) == (OutboxStatus.SENT, 1)

        with django_capture_on_commit_callbacks(execute=True):
            self.retry_in_admin(client, failed)  # a sent mail is never sent again
        assert len(outbox.outbox) == 1

    def test_retry_of_a_mail_sent_meanwhile_sends_nothing(self, initiative, django_capture_on_commit_callbacks):
        mail = stored_receipt(initiative, status=OutboxStatus.SENT, attempts=1)
        with django_capture_on_commit_callbacks(execute=True):
            outbox_retry(mail=mail)
        assert outbox.outbox == []


class SweepTests:
    def test_the_sweep_takes_only_pending_mails_older_than_its_threshold(self, initiative):
        long_ago = timezone.now() - timedelta(minutes=10)

        def row(key, **fields):
            return OutboxMail.objects.create(to="x@example.nl", template=RECEIPT, dedup_key=key, **fields)

        lost = row("lost", created_at=long_ago, subject=initiative)
        row("fresh")  # its own dispatch may still be under way
        row("sent", created_at=long_ago, status=OutboxStatus.SENT)
        row("failed", created_at=long_ago, status=OutboxStatus.FAILED)

        assert outbox_pending_ids() == [lost.pk]
        assert outbox_sweep.delay().get() == 1
        lost.refresh_from_db()
        assert lost.status == OutboxStatus.SENT
        assert len(outbox.outbox) == 1
        assert outbox_sweep.delay().get() == 0


class BrokerDownTests:
    def test_the_mail_waits_pending_when_the_broker_is_down(
        self, initiative, broker_down, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            mail = receipt(initiative)  # no exception reaches the caller
        mail.refresh_from_db()
        assert (mail.status, mail.attempts) == (OutboxStatus.PENDING, 0)
        assert len(broker_down) == 1

    def test_a_resident_can_submit_while_the_broker_is_down(
        self, client, broker_down, django_capture_on_commit_callbacks
    ):
        village = VillageFactory()
        officers = OfficerMembershipFactory.create_batch(2, municipality=village.municipality, villages=[village])
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(reverse("initiatives:submit"), form_data(village))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("initiatives:submitted"))
        initiative = Initiative.objects.get()
        assert sorted(initiative.mails.values_list("to", "status")) == sorted(
            [("fatima@example.nl", OutboxStatus.PENDING)]
            + [(officer.user.email, OutboxStatus.PENDING) for officer in officers]
        )
        # One refused publish: the others do not knock on a broker that just failed.
        assert len(broker_down) == 1

    def test_the_broker_is_tried_again_after_a_pause(self, initiative, broker_down, monkeypatch):
        mail = stored_receipt(initiative)
        assert services._dispatch(mail.pk) is False
        assert services._dispatch(mail.pk) is False
        assert len(broker_down) == 1
        monkeypatch.setattr(services, "BROKER_PAUSE_SECONDS", 0)
        assert services._dispatch(mail.pk) is False
        assert len(broker_down) == 2

    def test_the_scheduler_stops_publishing_at_the_first_refusal(
        self, initiative, broker_down, django_capture_on_commit_callbacks
    ):
        mails = [
            OutboxMail.about(to=f"officer{n}@example.nl", template=RECEIPT, dedup_key=f"batch:{n}", subject=initiative)
            for n in range(50)
        ]
        with django_capture_on_commit_callbacks(execute=True):
            assert mail_enqueue_many(mails) == 50
        assert len(broker_down) == 1
        assert OutboxMail.objects.pending().count() == 50

    def test_the_sweep_sends_them_once_the_broker_is_back(
        self, initiative, broker_down, monkeypatch, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            receipt(initiative)
        monkeypatch.undo()  # the broker is back
        services._broker_failed_at = None  # and this process has noticed (after BROKER_PAUSE_SECONDS)
        OutboxMail.objects.update(created_at=timezone.now() - timedelta(minutes=3))
        assert outbox_sweep.delay().get() == 1
        assert len(outbox.outbox) == 1
        assert outbox_sweep.delay().get() == 0


class SubjectTests:
    """The outbox knows no initiative: a mail is about a subject of any app."""

    def test_a_mail_keeps_its_subject_and_the_subjects_municipality(self, initiative):
        mail = receipt(initiative)
        mail.refresh_from_db()
        assert mail.subject == initiative
        assert mail.municipality_id == initiative.municipality_id
        assert list(OutboxMail.objects.about(type(initiative), [initiative.pk])) == [mail]
        assert list(initiative.mails.all()) == [mail]

    def test_officers_see_the_mails_about_their_own_municipality_only(self, initiative):
        from tests.municipalities.factories import OfficerMembershipFactory

        mail = receipt(initiative)
        own = OfficerMembershipFactory(municipality=initiative.municipality).user
        other = OfficerMembershipFactory().user
        assert list(OutboxMail.objects.visible_to(own)) == [mail]
        assert not OutboxMail.objects.visible_to(other).exists()

    def test_the_mails_go_when_their_initiative_goes(self, initiative):
        receipt(initiative)
        initiative.delete()
        assert not OutboxMail.objects.exists()
