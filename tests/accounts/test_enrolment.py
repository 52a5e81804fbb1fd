"""Setting up the authenticator app needs a second proof besides the password (issue 12, side door
4): a one-time enrolment link from an admin (mailed through the outbox, 72 hours, once, stored
hashed) or a recovery code. The password alone shows no secret and confirms no app."""

import hashlib
import re
from datetime import timedelta
from types import SimpleNamespace
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import services
from accounts.models import EnrolmentLink
from accounts.services import enrolment_link_create, enrolment_link_issue, recovery_codes_renew
from audit.models import AuditLogEntry
from notifications.models import OutboxMail
from tests.municipalities.factories import OfficerMembershipFactory, UserFactory

from .helpers import app_code, give_app, password_login

pytestmark = pytest.mark.django_db

SETUP = "/account/verificatie/instellen/"
DASHBOARD = "/dashboard/"


@pytest.fixture
def officer():
    return OfficerMembershipFactory().user


def enrol_url(token: str) -> str:
    return reverse("accounts:mfa_enrol", kwargs={"token": token})


def shows_secret(html: str) -> bool:
    return 'id="mfa-secret"' in html or "<svg" in html


def link_in_mail(message) -> str:
    return re.search(r"https?://\S+/account/verificatie/inschrijven/[\w-]+/", message.body).group(0)


class PasswordAloneTests:
    def test_the_setup_page_shows_no_secret_and_asks_for_an_enrolment_link(self, english, officer):
        codes = recovery_codes_renew(user=officer, actor=officer)  # has recovery codes, no app
        password_login(english, officer.username)

        redirect = english.get(DASHBOARD)
        assert redirect["Location"] == f"{SETUP}?next=%2Fdashboard%2F"  # the middleware's way
        response = english.get(redirect["Location"])

        html = response.content.decode()
        assert response.status_code == 200
        assert not shows_secret(html)
        assert "enrolment link" in html
        assert reverse("accounts:mfa_verify_recovery") in html  # the other way: a recovery code
        assert not TOTPDevice.objects.filter(user=officer).exists()  # no secret made either
        assert StaticToken.objects.filter(device__user=officer).count() == len(codes)

    def test_a_right_code_for_an_app_they_could_not_see_is_refused(self, client, officer):
        old_codes = recovery_codes_renew(user=officer, actor=officer)
        hidden = services.totp_device_for_setup(user=officer)  # say a secret leaked some other way
        password_login(client, officer.username)

        response = client.post(SETUP, {"code": app_code(hidden.bin_key)})

        assert response.status_code == 403
        assert not TOTPDevice.objects.filter(user=officer, confirmed=True).exists()
        assert client.get(DASHBOARD).status_code == 302  # still not through the second step
        stored = set(StaticToken.objects.filter(device__user=officer).values_list("token", flat=True))
        assert len(stored) == len(old_codes)  # the recovery codes were not replaced
        assert not AuditLogEntry.objects.filter(action="mfa.setup").exists()


class EnrolmentLinkTests:
    def test_the_link_opens_the_setup_once(self, client, officer):
        token = enrolment_link_create(user=officer)
        password_login(client, officer.username)

        response = client.get(enrol_url(token))

        assert response.status_code == 302 and response["Location"] == SETUP
        html = client.get(SETUP).content.decode()
        assert shows_secret(html)
        device = TOTPDevice.objects.get(user=officer, confirmed=False)
        response = client.post(SETUP, {"code": app_code(device.bin_key)})
        assert response.status_code == 302
        assert TOTPDevice.objects.get(user=officer).confirmed
        assert client.get(DASHBOARD).status_code == 200

        # Again, in a new session: the link is used up.
        client.post(reverse("logout"))
        TOTPDevice.objects.filter(user=officer).delete()
        password_login(client, officer.username)
        response = client.get(enrol_url(token))
        assert response.status_code == 404
        assert "accounts/enrolment_link_invalid.html" in [t.name for t in response.templates]
        assert not shows_secret(client.get(SETUP).content.decode())

    def test_the_link_stops_working_after_72_hours(self, client, officer, monkeypatch):
        token = enrolment_link_create(user=officer)
        link = EnrolmentLink.objects.get(user=officer)
        assert link.expires_at - link.created_at == timedelta(hours=72)
        password_login(client, officer.username)

        later = timezone.now() + timedelta(hours=72, seconds=1)
        monkeypatch.setattr(services, "timezone", SimpleNamespace(now=lambda: later))  # the session stays
        response = client.get(enrol_url(token))

        assert response.status_code == 404
        assert not shows_secret(client.get(SETUP).content.decode())
        assert EnrolmentLink.objects.get(pk=link.pk).used_at is None

    def test_only_the_hash_of_the_token_is_stored(self, officer):
        token = enrolment_link_create(user=officer)

        link = EnrolmentLink.objects.get(user=officer)
        assert link.token_hash == hashlib.sha256(token.encode()).hexdigest()
        assert token not in str(EnrolmentLink.objects.values_list().get())

    def test_a_link_of_someone_else_does_not_work_and_stays_unused(self, client, officer):
        token = enrolment_link_create(user=OfficerMembershipFactory().user)
        password_login(client, officer.username)

        assert client.get(enrol_url(token)).status_code == 404
        assert not shows_secret(client.get(SETUP).content.decode())
        assert EnrolmentLink.objects.get().used_at is None

    def test_a_new_link_makes_the_older_one_stop_working(self, client, officer):
        old = enrolment_link_create(user=officer)
        new = enrolment_link_create(user=officer)
        password_login(client, officer.username)

        assert client.get(enrol_url(old)).status_code == 404
        assert client.get(enrol_url(new)).status_code == 302

    def test_not_logged_in_the_link_asks_to_log_in_first(self, client, officer):
        token = enrolment_link_create(user=officer)
        url = enrol_url(token)

        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
        assert EnrolmentLink.objects.get().used_at is None  # a mail scanner's visit uses nothing

        response = password_login(client, officer.username, next_url=url)
        assert response["Location"] == url
        response = client.get(url)  # open in the middleware, though the second step is to come
        assert response.status_code == 302 and response["Location"] == SETUP
        assert shows_secret(client.get(SETUP).content.decode())


class AdminSendsTheLinkTests:
    @pytest.fixture
    def admin_client(self, client):
        client.force_login(UserFactory(superuser=True))
        return client

    def test_the_action_resets_two_step_verification_and_mails_a_link_through_the_outbox(
        self, admin_client, officer, django_capture_on_commit_callbacks
    ):
        app = give_app(officer)
        recovery_codes_renew(user=officer, actor=officer)
        changelist = reverse("admin:auth_user_changelist")

        with django_capture_on_commit_callbacks(execute=True):
            response = admin_client.post(
                changelist, {"action": "send_enrolment_link", "_selected_action": [officer.pk]}
            )

        assert response.status_code == 302
        assert not TOTPDevice.objects.filter(pk=app.pk).exists()
        assert not StaticDevice.objects.filter(user=officer).exists()
        outbox = OutboxMail.objects.get(template="accounts/email/enrolment_link")
        assert outbox.to == officer.email and outbox.status == "sent"
        assert "token" not in str(outbox.context)  # the link is made when the mail leaves
        assert AuditLogEntry.objects.filter(action="mfa.enrolment_link", object_id=str(officer.pk)).count() == 1
        (message,) = mail.outbox
        assert message.to == [officer.email]
        link = link_in_mail(message)

        client = admin_client
        client.post(reverse("logout"))
        password_login(client, officer.username)
        assert client.get(urlsplit(link).path).status_code == 302
        assert shows_secret(client.get(SETUP).content.decode())

    def test_a_staff_account_made_in_the_admin_gets_a_link(self, admin_client, django_capture_on_commit_callbacks):
        with django_capture_on_commit_callbacks(execute=True):
            response = admin_client.post(
                reverse("admin:auth_user_add"),
                {
                    "username": "nieuwe.collega",
                    "usable_password": "true",
                    "password1": "een-lang-wachtwoord-2026",
                    "password2": "een-lang-wachtwoord-2026",
                    "email": "nieuwe.collega@example.nl",
                    "first_name": "Nieuwe",
                    "last_name": "Collega",
                    "is_staff": "on",
                },
            )

        assert response.status_code == 302, response.context["adminform"].form.errors
        assert [m.to for m in mail.outbox] == [["nieuwe.collega@example.nl"]]
        assert EnrolmentLink.objects.filter(user__username="nieuwe.collega").count() == 1

    def test_an_account_without_email_gets_no_link(self, admin_client, officer):
        officer.email = ""
        officer.save(update_fields=["email"])

        admin_client.post(
            reverse("admin:auth_user_changelist"), {"action": "send_enrolment_link", "_selected_action": [officer.pk]}
        )

        assert not OutboxMail.objects.exists() and not AuditLogEntry.objects.filter(action="mfa.enrolment_link")

    def test_issue_writes_one_audit_line_for_the_admin(self, officer):
        admin = UserFactory(superuser=True)

        enrolment_link_issue(user=officer, actor=admin)

        entry = AuditLogEntry.objects.get(action="mfa.enrolment_link")
        assert entry.actor == admin and entry.object_id == str(officer.pk)
        assert entry.municipality == officer.officer_membership.municipality


class RecoveryCodeIsProofTests:
    """The demo's way: no app, recovery codes; a recovery code verifies the session, which may set
    up an app. The codes the user has stay good."""

    def test_recovery_code_then_set_up_the_app_and_keep_the_codes(self, english, officer):
        codes = recovery_codes_renew(user=officer, actor=officer)
        password_login(english, officer.username)
        assert english.post(reverse("accounts:mfa_verify_recovery"), {"code": codes[0]}).status_code == 302

        assert shows_secret(english.get(SETUP).content.decode())
        device = TOTPDevice.objects.get(user=officer, confirmed=False)
        response = english.post(SETUP, {"code": app_code(device.bin_key), "next": DASHBOARD})

        assert response.status_code == 302
        assert TOTPDevice.objects.get(user=officer).confirmed
        page = english.get(response["Location"]).content.decode()
        assert "You have 9 recovery codes left." in page  # kept, none shown again
        assert codes[1] not in page
        assert StaticToken.objects.filter(device__user=officer).count() == 9
        assert english.get(DASHBOARD).status_code == 200
