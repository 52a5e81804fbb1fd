"""django-axes: five wrong passwords (or codes) for one username from one IP address lock that
combination out for 15 minutes, with a page of our own (429). Others are not affected."""

import logging
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from axes.utils import reset as axes_reset
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.municipalities.factories import OfficerMembershipFactory

from .helpers import app_code, give_app, password_login

pytestmark = pytest.mark.django_db

IP = "127.0.0.1"  # the test client's REMOTE_ADDR
OTHER_IP = "192.0.2.44"


@pytest.fixture
def officer():
    return OfficerMembershipFactory(user__username="anouk").user


def fail(client, username="anouk", times=1, **extra):
    response = None
    for _ in range(times):
        response = password_login(client, username, password="helemaal-fout", **extra)
    return response


def logged_in(client) -> bool:
    return "_auth_user_id" in client.session


class LockoutTests:
    def test_the_fifth_wrong_password_locks_out_with_our_page(self, english, officer):
        for _ in range(4):
            response = fail(english)
            assert response.status_code == 200 and "There is a problem" in response.content.decode()

        response = fail(english)

        html = response.content.decode()
        assert response.status_code == 429
        assert "accounts/lockout.html" in [t.name for t in response.templates]
        assert "Too many attempts" in html and "15 minutes" in html
        assert reverse("password_reset") in html
        assert "unsafe-inline" not in response["Content-Security-Policy"]

    def test_the_right_password_is_refused_while_locked(self, client, officer):
        fail(client, times=5)

        response = password_login(client, "anouk")

        assert response.status_code == 429
        assert not logged_in(client)

    def test_another_ip_address_or_another_username_is_not_affected(self, client, officer):
        OfficerMembershipFactory(user__username="bram")
        fail(client, times=5)

        assert password_login(client, "anouk", REMOTE_ADDR=OTHER_IP).status_code == 302
        client.logout()
        assert password_login(client, "bram").status_code == 302

    def test_the_ip_address_is_the_one_the_trusted_proxy_saw(self, client, officer, settings):
        settings.NUM_PROXIES = 1
        fail(client, times=5, HTTP_X_FORWARDED_FOR="198.51.100.7")

        assert password_login(client, "anouk", HTTP_X_FORWARDED_FOR="198.51.100.7").status_code == 429
        assert password_login(client, "anouk", HTTP_X_FORWARDED_FOR="198.51.100.8").status_code == 302
        assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"198.51.100.7"}

    def test_after_the_cool_off_the_right_password_works_again(self, client, officer):
        fail(client, times=5)
        AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=16))

        assert password_login(client, "anouk").status_code == 302
        assert not AccessAttempt.objects.exists()  # a good login clears the count

    def test_an_admin_can_lift_the_lockout(self, client, officer):
        fail(client, times=5)

        axes_reset(username="anouk", ip=IP)

        assert password_login(client, "anouk").status_code == 302

    def test_fewer_failures_are_forgotten_after_a_good_login(self, client, officer):
        fail(client, times=4)
        assert password_login(client, "anouk").status_code == 302
        client.logout()

        assert fail(client, times=4).status_code == 200
        assert password_login(client, "anouk").status_code == 302

    def test_a_configured_limit_applies(self, client, officer, settings):
        settings.AXES_FAILURE_LIMIT = 2
        fail(client)

        assert fail(client).status_code == 429


class WrongCodesCountTests:
    """Someone with the password but without the phone is locked out like a password guesser."""

    def test_five_wrong_app_codes_end_the_session_and_lock_out(self, english, officer):
        device = give_app(officer)
        password_login(english, "anouk")
        for attempt in range(5):
            TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_timestamp=None)  # no waiting
            response = english.post(reverse("accounts:mfa_verify"), {"code": "000000" if attempt % 2 else "999999"})

        assert response.status_code == 429
        assert "Too many attempts" in response.content.decode()
        assert not logged_in(english)
        assert password_login(english, "anouk").status_code == 429

    def test_wrong_recovery_codes_count_too_and_a_good_code_clears_the_count(self, client, officer):
        device = give_app(officer)
        password_login(client, "anouk")
        client.post(reverse("accounts:mfa_verify_recovery"), {"code": "geenidee"})
        assert AccessAttempt.objects.get().failures_since_start == 1

        assert client.post(reverse("accounts:mfa_verify"), {"code": app_code(device.bin_key)}).status_code == 302
        assert not AccessAttempt.objects.exists()

    def test_a_locked_out_session_cannot_open_the_code_page(self, client, officer):
        give_app(officer)
        password_login(client, "anouk")
        fail(client, times=5, REMOTE_ADDR=IP)  # someone else at this address guesses her password

        response = client.get(reverse("accounts:mfa_verify"))

        assert response.status_code == 429
        assert not logged_in(client)


def test_the_logs_name_no_username_and_no_ip_address(client, officer, caplog):
    caplog.set_level(logging.DEBUG)
    for name in ("axes", "django.request", "accounts"):
        caplog.set_level(logging.DEBUG, logger=name)

    fail(client, times=6, REMOTE_ADDR=OTHER_IP)
    password_login(client, "anouk")

    text = "\n".join(record.getMessage() for record in caplog.records)
    assert "AXES" in text, "nothing was logged: the capture is not working"
    assert "anouk" not in text
    assert OTHER_IP not in text and IP not in text
