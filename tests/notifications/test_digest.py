"""Staff who chose a daily digest get one mail a day instead of single mails."""

from datetime import date

import pytest
from django.core import mail

from initiatives.services.officers import initiative_assign
from notifications.constants import OutboxStatus
from notifications.models import NotificationPreference, OutboxMail
from notifications.services import digest_send, mail_enqueue, notification_preference_set
from notifications.tasks import digest_daily
from tests.initiatives.factories import InitiativeFactory
from tests.municipalities.factories import OfficerMembershipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def officers():
    officer = OfficerMembershipFactory()
    colleague = OfficerMembershipFactory(municipality=officer.municipality)
    return officer, colleague


def assign_two(officer, colleague):
    for _ in range(2):
        initiative = InitiativeFactory(village__municipality=officer.municipality)
        initiative_assign(initiative=initiative, officer=colleague.user, actor=officer.user)


class DigestTests:
    def test_single_mails_by_default(self, officers, django_capture_on_commit_callbacks):
        officer, colleague = officers
        with django_capture_on_commit_callbacks(execute=True):
            assign_two(officer, colleague)
        assert len(mail.outbox) == 2

    def test_held_then_one_digest_with_both_subjects(self, officers, django_capture_on_commit_callbacks):
        officer, colleague = officers
        notification_preference_set(user=colleague.user, daily_digest=True)
        with django_capture_on_commit_callbacks(execute=True):
            assign_two(officer, colleague)
        assert mail.outbox == []
        assert OutboxMail.objects.filter(status=OutboxStatus.HELD).count() == 2

        with django_capture_on_commit_callbacks(execute=True):
            assert digest_send(today=date(2026, 11, 23)) == 1
        assert len(mail.outbox) == 1
        digest = mail.outbox[0]
        assert digest.to == [colleague.user.email]
        assert digest.body.count("/dashboard/initiatieven/") == 2
        assert OutboxMail.objects.filter(status=OutboxStatus.DIGESTED).count() == 2

        with django_capture_on_commit_callbacks(execute=True):
            assert digest_send(today=date(2026, 11, 23)) == 0  # nothing held any more
        assert len(mail.outbox) == 1

    def test_the_digest_shows_the_link_the_sender_gave(self, officers, settings, django_capture_on_commit_callbacks):
        officer, colleague = officers
        notification_preference_set(user=colleague.user, daily_digest=True)
        initiative = InitiativeFactory(village__municipality=officer.municipality)
        with django_capture_on_commit_callbacks(execute=True):
            initiative_assign(initiative=initiative, officer=colleague.user, actor=officer.user)
            mail_enqueue(
                to=colleague.user.email,
                template="initiatives/email/officer_assigned",
                dedup_key="no-link",
                recipient=colleague.user,
                context={"officer_name": "Ria"},
            )
        with django_capture_on_commit_callbacks(execute=True):
            digest_send(today=date(2026, 11, 23))
        lines = [line.strip() for line in mail.outbox[0].body.splitlines()]
        assert len([line for line in lines if line.startswith("- ")]) == 2  # both mails are listed
        assert [line for line in lines if line.startswith(settings.SITE_URL)] == [
            f"{settings.SITE_URL}/dashboard/initiatieven/{initiative.pk}/"  # only the one with a link has a URL
        ]

    def test_mails_to_residents_are_never_held(self, officers, django_capture_on_commit_callbacks):
        officer, _colleague = officers
        notification_preference_set(user=officer.user, daily_digest=True)
        from initiatives.services.officers import initiative_message_send

        initiative = InitiativeFactory(village__municipality=officer.municipality)
        with django_capture_on_commit_callbacks(execute=True):
            initiative_message_send(initiative=initiative, body="Hallo", actor=officer.user)
        assert [m.to for m in mail.outbox] == [[initiative.initiator_email]]

    def test_the_task_does_nothing_on_a_weekend(self, officers, monkeypatch):
        from django.utils import timezone

        monkeypatch.setattr(timezone, "localdate", lambda: date(2026, 11, 22))  # a Sunday
        assert digest_daily() == 0

    def test_preferences_page(self, client, officers):
        officer, _colleague = officers
        client.force_login(officer.user)
        assert client.get("/account/meldingen/").status_code == 200
        response = client.post("/account/meldingen/", {"daily_digest": "on"})
        assert response.status_code == 302
        assert NotificationPreference.objects.get(user=officer.user).daily_digest
        client.post("/account/meldingen/", {})
        assert not NotificationPreference.objects.get(user=officer.user).daily_digest

    def test_preferences_need_a_login(self, client):
        assert client.get("/account/meldingen/").status_code == 302
