"""Staff sign-ins are audit lines (issue 12, side door 12): the password step, a wrong password
(also for a username nobody has), the lockout, the second step, a wrong code, a recovery code.
Coordinators read their municipality's lines in the audit log; platform admins read them all."""

import pytest
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.services import recovery_codes_renew
from audit.models import AuditLogEntry
from tests.municipalities.factories import OfficerMembershipFactory, UserFactory
from tests.vision.factories import ProgressGroupMemberFactory

from .helpers import PASSWORD, app_code, give_app, password_login
from .test_two_step_login import wrong_code

pytestmark = pytest.mark.django_db

WRONG = "helemaal-fout-wachtwoord"


@pytest.fixture
def coordinator():
    return OfficerMembershipFactory(coordinator=True)


@pytest.fixture
def officer(coordinator):
    return OfficerMembershipFactory(municipality=coordinator.municipality).user


def actions() -> list[str]:
    return list(AuditLogEntry.objects.order_by("pk").values_list("action", flat=True))


def no_password_in_the_log(*passwords):
    text = str(list(AuditLogEntry.objects.values_list()))
    return not any(password in text for password in passwords)


class PasswordStepTests:
    def test_a_staff_password_login_is_a_line_of_their_municipality(self, client, officer):
        password_login(client, officer.username, REMOTE_ADDR="192.0.2.4")

        entry = AuditLogEntry.objects.get(action="signin.success")
        assert entry.actor == officer and entry.object_id == str(officer.pk)
        assert entry.municipality == officer.officer_membership.municipality
        assert entry.origin == "192.0.2.4"
        assert no_password_in_the_log(PASSWORD)

    def test_a_member_without_a_staff_role_is_not_logged(self, client):
        member = ProgressGroupMemberFactory(with_account=True).user

        password_login(client, member.username)

        assert actions() == []

    def test_a_wrong_password_is_a_refused_line(self, client, officer):
        password_login(client, officer.username, password=WRONG)

        entry = AuditLogEntry.objects.get(action="signin.failure")
        assert entry.result == "refused" and entry.object_id == str(officer.pk)
        assert entry.municipality == officer.officer_membership.municipality
        assert no_password_in_the_log(WRONG)

    def test_an_unknown_username_is_kept_as_typed_without_the_password(self, client):
        password_login(client, "niet.bestaand", password=WRONG)

        entry = AuditLogEntry.objects.get(action="signin.failure")
        assert entry.actor is None and entry.actor_label == "niet.bestaand"
        assert entry.object_id == "" and entry.municipality is None
        assert no_password_in_the_log(WRONG)

    def test_the_lockout_is_a_line(self, client, officer):
        for _ in range(5):
            response = password_login(client, officer.username, password=WRONG)

        assert response.status_code == 429
        assert actions().count("signin.failure") == 5
        entry = AuditLogEntry.objects.get(action="signin.lockout")
        assert entry.object_id == str(officer.pk) and entry.result == "refused"


class SecondStepTests:
    def test_the_right_code_and_a_wrong_one(self, client, officer):
        device = give_app(officer)
        password_login(client, officer.username)

        client.post(reverse("accounts:mfa_verify"), {"code": wrong_code(device.bin_key)})
        TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_count=0)  # no waiting in tests
        client.post(reverse("accounts:mfa_verify"), {"code": app_code(device.bin_key)})

        assert actions() == ["signin.success", "mfa.failure", "mfa.verify"]
        failure = AuditLogEntry.objects.get(action="mfa.failure")
        assert failure.result == "refused" and failure.actor == officer

    def test_a_recovery_code(self, client, officer):
        give_app(officer)
        codes = recovery_codes_renew(user=officer, actor=None, audit=False)
        password_login(client, officer.username)

        client.post(reverse("accounts:mfa_verify_recovery"), {"code": codes[3]})

        entry = AuditLogEntry.objects.get(action="mfa.recovery_code_used")
        assert entry.actor == officer and entry.detail == "9 left"
        assert no_password_in_the_log(codes[3])


class AuditLogPageTests:
    def test_the_coordinator_reads_the_sign_ins_of_their_municipality(self, client, coordinator, officer):
        password_login(client, officer.username)
        password_login(client, officer.username, password=WRONG)
        password_login(client, "niet.bestaand", password=WRONG)
        client.logout()
        client.force_login(coordinator.user)

        response = client.get(reverse("audit:log"))

        entries = list(response.context["entries"])
        assert {entry.action for entry in entries} == {"signin.success", "signin.failure"}
        assert all(entry.municipality == coordinator.municipality for entry in entries)
        assert "niet.bestaand" not in response.content.decode()

    def test_a_platform_admin_reads_them_all(self, client, officer):
        password_login(client, "niet.bestaand", password=WRONG)
        client.force_login(UserFactory(superuser=True))

        response = client.get(reverse("audit:log"))

        assert response.status_code == 200
        assert "niet.bestaand" in response.content.decode()
