"""Forgot password (issue 12, half of side door 8): the same page, as fast, for every address (the
lookup and the mail happen in the worker), the mail goes through the outbox, the limit per address
and per client answers with a clear page, and the request and the new password are audited."""

import re
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import resolve, reverse

from accounts import views
from audit.models import AuditLogEntry
from notifications.models import OutboxMail
from tests.municipalities.factories import OfficerMembershipFactory, UserFactory

from .helpers import password_login

pytestmark = pytest.mark.django_db

RESET = "/accounts/password_reset/"
NEW_PASSWORD = "een-heel-nieuw-wachtwoord-77"


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def officer():
    return OfficerMembershipFactory(user__email="anouk@gemeente.example").user


def ask(client, email, **extra):
    return client.post(RESET, {"email": email}, **extra)


class SameAnswerTests:
    def test_known_and_unknown_addresses_get_the_same_page_with_the_same_queries(self, client, officer):
        with CaptureQueriesContext(connection) as known_queries:
            known = ask(client, officer.email)
        with CaptureQueriesContext(connection) as unknown_queries:
            unknown = ask(client, "niemand@example.nl")

        assert known.status_code == unknown.status_code == 302
        assert known["Location"] == unknown["Location"] == reverse("password_reset_done")
        assert len(known_queries) == len(unknown_queries)
        assert [q["sql"] for q in known_queries] == [q["sql"] for q in unknown_queries]
        assert not any("auth_user" in q["sql"] for q in known_queries)  # the lookup is the worker's
        assert not OutboxMail.objects.exists()  # nothing yet: the task runs after the commit

    def test_the_worker_mails_a_known_address_through_the_outbox(
        self, client, officer, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            ask(client, officer.email.upper(), REMOTE_ADDR="192.0.2.8")

        outbox = OutboxMail.objects.get()
        assert outbox.template == "accounts/email/password_reset" and outbox.to == officer.email
        assert outbox.status == "sent" and "token" not in str(outbox.context)
        (message,) = mail.outbox
        assert officer.username in message.body
        entry = AuditLogEntry.objects.get(action="password.reset_request")
        assert entry.object_id == str(officer.pk) and entry.origin == "192.0.2.8"
        assert entry.municipality == officer.officer_membership.municipality

    def test_an_unknown_address_gets_no_mail_and_no_audit_line(self, client, django_capture_on_commit_callbacks):
        with django_capture_on_commit_callbacks(execute=True):
            response = ask(client, "niemand@example.nl")

        assert response.status_code == 302
        assert not OutboxMail.objects.exists() and mail.outbox == []
        assert not AuditLogEntry.objects.exists()


class NewPasswordTests:
    def test_the_link_from_the_mail_sets_a_new_password_and_is_audited(
        self, client, officer, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            ask(client, officer.email)
        link = re.search(r"https?://\S+/accounts/reset/\S+/", mail.outbox[0].body).group(0)

        form_page = client.get(urlsplit(link).path)  # Django moves the token into the session
        assert form_page.status_code == 302
        response = client.post(form_page["Location"], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})

        assert response.status_code == 302 and response["Location"] == reverse("password_reset_complete")
        officer.refresh_from_db()
        assert officer.check_password(NEW_PASSWORD)
        entry = AuditLogEntry.objects.get(action="password.reset_done")
        assert entry.actor == officer and entry.municipality == officer.officer_membership.municipality
        assert NEW_PASSWORD not in str(AuditLogEntry.objects.values_list())
        assert password_login(client, officer.username, password=NEW_PASSWORD).status_code == 302
        # The link works once.
        assert "validlink" not in (client.get(urlsplit(link).path, follow=True).context or {})


class RateLimitTests:
    def test_one_address_is_limited_with_a_clear_page(self, english, settings):
        settings.PASSWORD_RESET_RATE_LIMIT_PER_ADDRESS = 3
        for _ in range(3):
            assert ask(english, "anouk@gemeente.example").status_code == 302

        response = ask(english, "Anouk@Gemeente.example", REMOTE_ADDR="192.0.2.9")  # another client, too

        assert response.status_code == 429
        assert "accounts/rate_limited.html" in [t.name for t in response.templates]
        assert "Please wait a moment" in response.content.decode()
        assert ask(english, "iemand.anders@example.nl").status_code == 302  # other addresses go on

    def test_one_client_is_limited_whatever_the_address(self, client, settings):
        settings.PASSWORD_RESET_RATE_LIMIT_PER_CLIENT = 4
        for n in range(4):
            assert ask(client, f"adres{n}@example.nl").status_code == 302

        response = ask(client, "nog.een@example.nl")

        assert response.status_code == 429 and 'id="password-reset-limited"' in response.content.decode()
        assert ask(client, "nog.een@example.nl", REMOTE_ADDR="192.0.2.10").status_code == 302


def test_the_views_are_wired_in_accounts():
    assert resolve(RESET).func.view_class is views.PasswordResetView
    assert resolve(reverse("password_reset_confirm", args=["MQ", "set-password"])).func.view_class is (
        views.PasswordResetConfirmView
    )


def test_a_user_without_usable_password_gets_no_mail(client, django_capture_on_commit_callbacks):
    user = UserFactory(email="zonder@example.nl")
    user.set_unusable_password()
    user.save()

    with django_capture_on_commit_callbacks(execute=True):
        ask(client, "zonder@example.nl")

    assert not OutboxMail.objects.exists()
