"""Privacy (AVG): the initiator's data goes after the retention term; a copy on request."""

import json

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditLogEntry
from initiatives.constants import MessageKind, Status
from initiatives.models import (
    Attachment,
    Initiative,
    LostLinkRequest,
    Message,
    Satisfaction,
    StatusChange,
    Support,
    TrackingToken,
)
from initiatives.services.retention import REMOVED_EMAIL, months_before, removed_text, retention_run
from initiatives.services.satisfaction import satisfaction_answer
from initiatives.services.submission import tracking_token_issue
from initiatives.tasks import retention_daily
from notifications.constants import OutboxStatus
from notifications.models import OutboxMail
from tests.initiatives.factories import (
    AgreementFactory,
    CostLineFactory,
    DecisionFactory,
    GrantFactory,
    InitiativeFactory,
    MessageFactory,
    StatusChangeFactory,
)
from tests.initiatives.helpers import pdf
from tests.municipalities.factories import OfficerMembershipFactory

pytestmark = [pytest.mark.django_db, pytest.mark.s3]


def closed_months_ago(months, **kwargs):
    closed_at = months_before(timezone.now(), months)
    return InitiativeFactory(closed=True, closed_at=closed_at, **kwargs)


def attach(initiative, message=None, name="plan.pdf"):
    upload = pdf(name)
    return Attachment.objects.create(
        initiative=initiative,
        message=message,
        file=upload,
        original_name=name,
        content_type="application/pdf",
        size=upload.size,
    )


def stored(attachment) -> str:
    """The name in the storage (the disk, or the bucket in the S3 run)."""
    return attachment.file.name


@pytest.fixture
def officer():
    return OfficerMembershipFactory()


@pytest.fixture
def old(officer):
    """Closed 13 months ago, with everything an initiative can hold about its initiator."""
    initiative = closed_months_ago(
        13,
        village__municipality=officer.municipality,
        initiator_name="Fatima de Vries",
        initiator_email="fatima@example.nl",
        initiator_phone="06 12345678",
        title="Speeltuin bij het dorpshuis",
    )
    initiative.mine = MessageFactory(initiative=initiative, from_initiator=True, body="Mijn buurman Piet helpt.")
    initiative.theirs = MessageFactory(initiative=initiative, author=officer.user, body="Beste Fatima, prima.")
    initiative.note = MessageFactory(initiative=initiative, internal=True, author=officer.user, body="Intern.")
    initiative.files = [
        attach(initiative, name="plan.pdf"),
        attach(initiative, message=initiative.mine, name="tekening.pdf"),
        attach(initiative, message=initiative.theirs, name="brief.pdf"),
    ]
    initiative.history = [
        StatusChangeFactory(initiative=initiative, from_status="", to_status=Status.SUBMITTED, actor=None),
        StatusChangeFactory(
            initiative=initiative,
            from_status=Status.IN_CONVERSATION,
            to_status=Status.WAITING_FOR_INITIATOR,
            actor=officer.user,
            note="Begroting gevraagd.",
        ),
        StatusChangeFactory(
            initiative=initiative,
            from_status=Status.IN_PROGRESS,
            to_status=Status.CLOSED,
            actor=None,
            by_initiator=True,
            note="Ik verhuis naar Zwolle.",
        ),
    ]
    initiative.token = tracking_token_issue(initiative=initiative)
    Satisfaction.objects.create(initiative=initiative, score=4, comment="Fatima: fijn contact.", may_contact=True)
    initiative.outbox = {
        "sent": OutboxMail.objects.create(
            to="fatima@example.nl",
            template="initiatives/email/receipt",
            dedup_key=f"receipt:{initiative.pk}",
            subject=initiative,
            status=OutboxStatus.SENT,
        ),
        "pending": OutboxMail.objects.create(
            to="fatima@example.nl",
            template="initiatives/email/status_changed",
            dedup_key=f"status:{initiative.pk}",
            subject=initiative,
        ),
        "officer": OutboxMail.objects.create(
            to=officer.user.email,
            template="initiatives/email/officer_new",
            dedup_key=f"officer-new:{initiative.pk}",
            subject=initiative,
            status=OutboxStatus.SENT,
        ),
        "lost_link": OutboxMail.objects.create(
            to="Fatima@Example.nl",
            template="initiatives/email/lost_link",
            dedup_key="lost-link:1",
            context={"tracking_links_for": [initiative.pk]},
            status=OutboxStatus.SENT,
        ),
    }
    return initiative


class RetentionTests:
    def test_closed_thirteen_months_ago_loses_the_initiators_personal_data(
        self, old, django_capture_on_commit_callbacks
    ):
        paths = [stored(file) for file in old.files]
        assert all(default_storage.exists(path) for path in paths)

        with django_capture_on_commit_callbacks(execute=True):
            assert retention_run(now=timezone.now()) == 1

        initiative = Initiative.objects.get(pk=old.pk)
        assert initiative.initiator_name == removed_text()
        assert (initiative.initiator_email, initiative.initiator_phone) == ("", "")
        assert initiative.personal_data_removed_at is not None
        # The non-personal facts stay.
        assert (initiative.title, initiative.status, initiative.reference) == (old.title, Status.CLOSED, old.reference)
        # Messages: the initiator's words go; the officers' messages and notes stay.
        bodies = dict(Message.objects.filter(initiative=old).values_list("pk", "body"))
        assert bodies == {old.mine.pk: removed_text(), old.theirs.pk: old.theirs.body, old.note.pk: old.note.body}
        # Every attachment goes, rows and files (after the commit).
        assert not Attachment.objects.filter(initiative=old).exists()
        assert not any(default_storage.exists(path) for path in paths)
        # The history keeps every row, with its statuses and officers; only the initiator's reason goes.
        history = list(StatusChange.objects.filter(initiative=old).values_list("pk", "to_status", "actor", "note"))
        assert history == [
            (old.history[0].pk, Status.SUBMITTED, None, ""),
            (old.history[1].pk, Status.WAITING_FOR_INITIATOR, old.history[1].actor_id, "Begroting gevraagd."),
            (old.history[2].pk, Status.CLOSED, None, removed_text()),
        ]
        # The private link no longer works.
        assert not TrackingToken.objects.filter(initiative=old, revoked_at__isnull=True).exists()
        # The satisfaction score stays for the statistics; the comment and the permission go.
        answer = Satisfaction.objects.get(initiative=old)
        assert (answer.score, answer.comment, answer.may_contact) == (4, "", False)
        # The outbox no longer holds the initiator's address; a mail not yet sent will not be.
        mails = {key: OutboxMail.objects.get(pk=mail.pk) for key, mail in old.outbox.items()}
        assert mails["sent"].to == REMOVED_EMAIL and mails["sent"].status == OutboxStatus.SENT
        assert mails["pending"].to == REMOVED_EMAIL and mails["pending"].status == OutboxStatus.FAILED
        assert mails["lost_link"].to == REMOVED_EMAIL
        assert mails["officer"].to == old.outbox["officer"].to
        # One audit row, by the system.
        audit = AuditLogEntry.objects.get(action="initiative.anonymise")
        assert (audit.actor, audit.object_id, audit.municipality_id) == (None, str(old.pk), old.municipality_id)
        assert "Fatima" not in audit.object_repr

    def test_the_tracking_link_and_the_export_stop_working(self, client, old):
        retention_run(now=timezone.now())
        for name in ("initiatives:track", "initiatives:data_export"):
            assert client.get(reverse(name, kwargs={"token": old.token})).status_code == 404

    def test_withdrawn_long_ago_is_anonymised_too(self):
        initiative = InitiativeFactory(
            withdrawn=True, long_ago=True, closed_at=months_before(timezone.now(), 14), initiator_phone="0612345678"
        )
        assert retention_run(now=timezone.now()) == 1
        initiative.refresh_from_db()
        assert initiative.initiator_phone == ""

    def test_closed_eleven_months_ago_and_open_initiatives_are_untouched(self, old):
        recent = closed_months_ago(11, initiator_name="Jan Jansen")
        open_one = InitiativeFactory(in_progress=True, initiator_name="Els Bakker")
        MessageFactory(initiative=recent, from_initiator=True, body="Nog even dit.")
        token = tracking_token_issue(initiative=recent)

        assert retention_run(now=timezone.now()) == 1

        for initiative, name in ((recent, "Jan Jansen"), (open_one, "Els Bakker")):
            initiative.refresh_from_db()
            assert (initiative.initiator_name, initiative.personal_data_removed_at) == (name, None)
            assert initiative.initiator_email
        assert Message.objects.get(initiative=recent).body == "Nog even dit."
        assert Initiative.objects.for_tracking_token(token).get() == recent
        assert AuditLogEntry.objects.filter(action="initiative.anonymise").count() == 1

    def test_a_lost_link_mail_stays_while_another_initiative_still_uses_the_address(self, old):
        closed_months_ago(2, initiator_email="fatima@example.nl")
        retention_run(now=timezone.now())
        assert OutboxMail.objects.get(pk=old.outbox["lost_link"].pk).to == "Fatima@Example.nl"

    def test_a_lost_link_mail_the_worker_queued_loses_the_address_too(self, client, django_capture_on_commit_callbacks):
        """The page only stores a request; the worker queues the mail. That mail (about no
        initiative) is what retention finds, and no request row keeps the address."""
        initiative = closed_months_ago(13, initiator_email="Piet@Example.nl")
        with django_capture_on_commit_callbacks(execute=True):
            client.post(reverse("initiatives:lost_link"), {"email": "piet@example.nl"})
        lost_link = OutboxMail.objects.get(template="initiatives/email/lost_link")
        assert (lost_link.to, lost_link.subject_id) == ("piet@example.nl", None)

        assert retention_run(now=timezone.now()) == 1

        lost_link.refresh_from_db()
        assert lost_link.to == REMOVED_EMAIL
        assert not LostLinkRequest.objects.exists()
        assert Initiative.objects.get(pk=initiative.pk).initiator_email == ""

    def test_the_retention_term_is_a_setting(self, old, settings):
        settings.INITIATOR_DATA_RETENTION_MONTHS = 24
        assert retention_run(now=timezone.now()) == 0
        settings.INITIATOR_DATA_RETENTION_MONTHS = 12
        assert retention_run(now=timezone.now()) == 1

    def test_running_twice_does_nothing_more(self, old):
        now = timezone.now()
        assert retention_run(now=now) == 1
        updated_at = Initiative.objects.get(pk=old.pk).updated_at

        assert retention_run(now=now + timezone.timedelta(days=1)) == 0

        assert Initiative.objects.get(pk=old.pk).updated_at == updated_at
        assert AuditLogEntry.objects.filter(action="initiative.anonymise").count() == 1

    def test_a_reopened_and_closed_again_initiative_is_not_anonymised_twice(self, old, officer):
        from initiatives.services.workflow import initiative_change_status

        retention_run(now=timezone.now())
        initiative_change_status(initiative=old, to_status=Status.IN_CONVERSATION, actor=officer.user)
        initiative_change_status(initiative=old, to_status=Status.CLOSED, actor=officer.user)
        later = timezone.now() + timezone.timedelta(days=400)
        assert retention_run(now=later) == 0

    def test_the_public_gallery_still_shows_an_anonymised_initiative(self, client, old):
        DecisionFactory(initiative=old, motivation="Past binnen het fonds.")
        retention_run(now=timezone.now())

        listing = client.get(reverse("initiatives:list"))
        detail = client.get(reverse("initiatives:public", kwargs={"reference": old.reference}))

        assert listing.status_code == 200
        assert old in listing.context["object_list"]
        assert detail.status_code == 200
        assert "Past binnen het fonds." in detail.content.decode()

    def test_the_daily_task_runs_the_service_and_beat_schedules_it(self, old, settings):
        assert retention_daily.delay().get() == 1
        entry = next(e for e in settings.CELERY_BEAT_SCHEDULE.values() if e["task"] == "initiatives.retention_daily")
        assert (entry["schedule"].hour, entry["schedule"].minute) == ({3}, {30})

    def test_query_count_does_not_grow_with_the_number_of_initiatives(self, officer, django_assert_max_num_queries):
        def make(n, months):
            for _ in range(n):
                initiative = closed_months_ago(months, village__municipality=officer.municipality)
                MessageFactory(initiative=initiative, from_initiator=True)
                MessageFactory(initiative=initiative, author=officer.user)
                attach(initiative)
                tracking_token_issue(initiative=initiative)
                Satisfaction.objects.create(initiative=initiative, score=3, comment="Goed")
                OutboxMail.objects.create(
                    to=initiative.initiator_email,
                    template="initiatives/email/receipt",
                    dedup_key=f"receipt:{initiative.pk}",
                    subject=initiative,
                )

        make(3, months=13)
        # Content types are cached per process: look the supporters' one up now, so that the count
        # does not depend on whether an earlier test in this process did (alone, or on an xdist worker).
        ContentType.objects.get_for_model(Support)
        # 22: two of them mark the statistics' months of the answers whose comment goes
        # (initiatives.statistics_rollups: "with a comment" counts them).
        with django_assert_max_num_queries(22) as few:
            assert retention_run(now=timezone.now()) == 3
        make(30, months=14)
        with django_assert_max_num_queries(22) as many:
            assert retention_run(now=timezone.now()) == 30
        assert len(many.captured_queries) == len(few.captured_queries)


class DataExportTests:
    def url(self, initiative):
        return reverse("initiatives:data_export", kwargs={"token": tracking_token_issue(initiative=initiative)})

    @pytest.fixture
    def initiative(self, officer):
        initiative = InitiativeFactory(
            realised=True,
            village__municipality=officer.municipality,
            initiator_name="Fatima de Vries",
            initiator_email="fatima@example.nl",
            assigned_officer=officer.user,
        )
        CostLineFactory(initiative=initiative, description="Klimrek", amount="1800.00")
        StatusChangeFactory(initiative=initiative, from_status="", to_status=Status.SUBMITTED, actor=None)
        StatusChangeFactory(
            initiative=initiative, from_status=Status.SUBMITTED, to_status=Status.INTAKE, actor=officer.user
        )
        mine = MessageFactory(initiative=initiative, from_initiator=True, body="Hier is de offerte.")
        MessageFactory(initiative=initiative, author=officer.user, body="Dank voor de offerte.")
        note = MessageFactory(initiative=initiative, internal=True, author=officer.user, body="GEHEIM overleg")
        attach(initiative, message=mine, name="offerte.pdf")
        attach(initiative, message=note, name="intern-verslag.pdf")
        AgreementFactory(initiative=initiative, description="Gemeente regelt de vergunning")
        decision = DecisionFactory(initiative=initiative, motivation="Past binnen het fonds.")
        GrantFactory(initiative=initiative, decision=decision, amount="1500.00")
        satisfaction_answer(initiative=initiative, score=5, comment="Top", may_contact=True)
        OutboxMail.objects.create(
            to="fatima@example.nl", template="initiatives/email/receipt", dedup_key="r", subject=initiative
        )
        InitiativeFactory(village=initiative.village, initiator_name="Iemand Anders", title="Ander plan")
        return initiative

    def test_the_file_holds_what_we_hold_about_the_initiator(self, client, initiative, officer):
        response = client.get(self.url(initiative))

        assert response.status_code == 200
        assert response["Content-Type"] == "application/json"
        assert response["Content-Disposition"].startswith("attachment; filename=")
        assert "no-store" in response["Cache-Control"]
        data = json.loads(response.content)
        assert data["initiative"]["reference"] == initiative.reference
        assert data["initiative"]["initiator_name"] == "Fatima de Vries"
        assert data["initiative"]["initiator_email"] == "fatima@example.nl"
        assert data["initiative"]["assigned_officer"] == officer.user.get_full_name()
        assert data["cost_lines"] == [{"description": "Klimrek", "amount": "1800.00"}]
        assert [m["body"] for m in data["messages"]] == ["Hier is de offerte.", "Dank voor de offerte."]
        assert {m["kind"] for m in data["messages"]} == {MessageKind.FROM_INITIATOR, MessageKind.TO_INITIATOR}
        assert data["messages"][0]["attachments"] == ["offerte.pdf"]
        assert [(c["from"], c["to"]) for c in data["status_history"]] == [
            ("", Status.SUBMITTED),
            (Status.SUBMITTED, Status.INTAKE),
        ]
        assert data["status_history"][1]["by"] == officer.user.get_full_name()
        assert [a["description"] for a in data["agreements"]] == ["Gemeente regelt de vergunning"]
        assert [d["motivation"] for d in data["decisions"]] == ["Past binnen het fonds."]
        assert [g["amount"] for g in data["grants"]] == ["1500.00"]
        assert [a["name"] for a in data["attachments"]] == ["offerte.pdf"]
        assert data["satisfaction"]["score"] == 5 and data["satisfaction"]["may_contact"] is True
        assert [m["kind"] for m in data["emails_to_you"]] == ["receipt"]

    def test_never_internal_notes_nor_other_peoples_data(self, client, initiative):
        content = client.get(self.url(initiative)).content.decode()
        for secret in ("GEHEIM", "intern-verslag.pdf", "Iemand Anders", "Ander plan"):
            assert secret not in content

    def test_the_export_is_audited(self, client, initiative):
        client.get(self.url(initiative))
        audit = AuditLogEntry.objects.get(action="initiative.export")
        assert (audit.actor, audit.object_id) == (None, str(initiative.pk))

    def test_unknown_or_revoked_link_is_404(self, client, initiative):
        assert client.get(reverse("initiatives:data_export", kwargs={"token": "x" * 43})).status_code == 404
        url = self.url(initiative)
        initiative.tracking_tokens.update(revoked_at=timezone.now())
        assert client.get(url).status_code == 404
        assert not AuditLogEntry.objects.filter(action="initiative.export").exists()

    def test_fixed_number_of_queries(self, client, initiative, django_assert_max_num_queries):
        MessageFactory.create_batch(10, initiative=initiative)
        url = self.url(initiative)
        with django_assert_max_num_queries(20):
            client.get(url)
