"""Staff log in in two steps, through the real pages: password, then a code from an authenticator app
(codes computed from the app's secret, as the app does) or a recovery code that works once."""

import re
from base64 import b32decode
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.mfa import recovery_code_hash
from accounts.services import enrolment_link_create, recovery_codes_renew
from audit.models import AuditLogEntry
from tests.municipalities.factories import OfficerMembershipFactory
from tests.vision.factories import ProgressGroupMemberFactory

from .helpers import app_code, give_app, half_a_minute_later, password_login

pytestmark = pytest.mark.django_db

DASHBOARD = "/dashboard/"


def wrong_code(key: bytes) -> str:
    """A six-digit code that no app could show now (the current, previous and next one are good)."""
    totp = TOTP(key)
    good = set()
    for offset in (-1, 0, 1):
        totp.drift = offset
        good.add(f"{totp.token():06d}")
    return next(f"{n:06d}" for n in range(123456, 1_000_000) if f"{n:06d}" not in good)


def waited(device):
    """django-otp makes a device wait after a wrong code (1 s, 2 s, 4 s ...); tests do not wait."""
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_timestamp=timezone.now() - timedelta(hours=1))
    StaticDevice.objects.filter(user=device.user).update(
        throttling_failure_timestamp=timezone.now() - timedelta(hours=1)
    )


def shown_codes(html: str) -> list[str]:
    return re.findall(r"<li>([a-z2-7]{8})</li>", html)


@pytest.fixture
def officer():
    return OfficerMembershipFactory().user


class FirstLoginTests:
    """No app yet: the first login sets one up and hands out recovery codes."""

    def test_setup_wrong_code_then_right_code_then_recovery_codes_then_the_pages(self, english, officer):
        client = english
        response = password_login(client, officer.username, next_url=DASHBOARD)
        assert response.status_code == 302 and response["Location"] == DASHBOARD

        # The dashboard is closed until the second step: to the setup page, with the way back.
        response = client.get(DASHBOARD)
        setup = reverse("accounts:mfa_setup")
        assert response.status_code == 302
        assert response["Location"] == f"{setup}?next=%2Fdashboard%2F"

        # The password alone shows no secret: the page asks for an enrolment link.
        html = client.get(response["Location"]).content.decode()
        assert 'id="mfa-secret"' not in html and 'id="mfa-needs-link"' in html
        assert not TOTPDevice.objects.filter(user=officer).exists()
        # The link from the admin's mail opens the setup.
        token = enrolment_link_create(user=officer)
        assert client.get(reverse("accounts:mfa_enrol", kwargs={"token": token}))["Location"] == setup

        page = client.get(response["Location"])
        html = page.content.decode()
        assert page.status_code == 200
        device = TOTPDevice.objects.get(user=officer, confirmed=False)
        svg = re.search(r"<svg.*?</svg>", html, re.DOTALL).group(0)
        assert 'role="img"' in svg and "aria-label=" in svg
        assert "style=" not in svg and "<script" not in svg  # the Content-Security-Policy allows neither
        assert "unsafe-inline" not in page["Content-Security-Policy"]
        secret = re.search(r'id="mfa-secret"[^>]*>([A-Z2-7 ]+)<', html).group(1)
        assert re.fullmatch(r"([A-Z2-7]{4} )+[A-Z2-7]{1,4}", secret)
        typed = secret.replace(" ", "")
        assert b32decode(typed + "=" * (-len(typed) % 8)) == device.bin_key  # type it, or scan it
        assert 'autocomplete="one-time-code"' in html and 'inputmode="numeric"' in html
        assert client.get(setup).content.decode().count(secret) == 1  # a reload keeps the same secret

        # A wrong code: the error summary, and the app is not on yet.
        response = client.post(setup, {"code": wrong_code(device.bin_key), "next": DASHBOARD})
        html = response.content.decode()
        assert response.status_code == 200
        assert "There is a problem" in html and "This code is not right" in html
        assert 'href="#id_code"' in html
        assert not TOTPDevice.objects.filter(user=officer, confirmed=True).exists()

        # Right away the right code: django-otp makes the app wait a second after a wrong one.
        response = client.post(setup, {"code": app_code(device.bin_key), "next": DASHBOARD})
        assert response.status_code == 200
        assert "Wait 1 second" in response.content.decode()

        waited(device)
        response = client.post(setup, {"code": app_code(device.bin_key), "next": DASHBOARD})
        codes_page = reverse("accounts:mfa_recovery_codes")
        assert response.status_code == 302
        assert response["Location"] == f"{codes_page}?next=%2Fdashboard%2F"
        assert TOTPDevice.objects.get(user=officer).confirmed
        assert client.session[DEVICE_ID_SESSION_KEY] == device.persistent_id

        # Ten recovery codes, shown once, with the way on.
        html = client.get(response["Location"]).content.decode()
        codes = shown_codes(html)
        assert len(codes) == 10 and len(set(codes)) == 10
        stored = StaticToken.objects.filter(device__user=officer).values_list("token", flat=True)
        assert sorted(stored) == sorted(recovery_code_hash(code) for code in codes)  # only hashes are kept
        assert f'href="{DASHBOARD}"' in html
        again = client.get(codes_page).content.decode()
        assert shown_codes(again) == [] and "You have 10 recovery codes left." in again

        assert client.get(DASHBOARD).status_code == 200
        assert client.get(reverse("vision:trajectory_list")).status_code == 200
        assert AuditLogEntry.objects.filter(action="mfa.setup", object_id=str(officer.pk)).exists()

    def test_a_user_with_an_app_cannot_set_up_another_before_the_second_step(self, client, officer):
        give_app(officer)
        password_login(client, officer.username)

        response = client.get(reverse("accounts:mfa_setup"))

        assert response.status_code == 302 and response["Location"] == reverse("accounts:mfa_verify")
        assert TOTPDevice.objects.filter(user=officer).count() == 1


class NextLoginTests:
    """With an app: the code page; without the phone: a recovery code, each good once."""

    def test_app_code_opens_the_page_asked_for(self, client, officer):
        device = give_app(officer)
        password_login(client, officer.username, next_url=DASHBOARD)

        response = client.get(DASHBOARD)
        verify = reverse("accounts:mfa_verify")
        assert response["Location"] == f"{verify}?next=%2Fdashboard%2F"
        html = client.get(response["Location"]).content.decode()
        assert 'autocomplete="one-time-code"' in html and 'inputmode="numeric"' in html
        assert f'name="next" value="{DASHBOARD}"' in html

        response = client.post(verify, {"code": app_code(device.bin_key), "next": DASHBOARD})

        assert response.status_code == 302 and response["Location"] == DASHBOARD
        assert client.get(DASHBOARD).status_code == 200

    def test_the_same_app_code_does_not_work_twice(self, english, officer):
        device = give_app(officer)
        code = app_code(device.bin_key)
        password_login(english, officer.username)
        assert english.post(reverse("accounts:mfa_verify"), {"code": code}).status_code == 302
        english.post(reverse("logout"))

        password_login(english, officer.username)
        response = english.post(reverse("accounts:mfa_verify"), {"code": code})

        assert response.status_code == 200 and "This code is not right" in response.content.decode()

    def test_recovery_code_works_once_and_not_twice(self, english, officer):
        client = english
        device = give_app(officer)
        codes = recovery_codes_renew(user=officer, actor=officer)
        recovery = reverse("accounts:mfa_verify_recovery")
        password_login(client, officer.username)
        assert client.get(DASHBOARD)["Location"].startswith(reverse("accounts:mfa_verify"))
        assert recovery in client.get(reverse("accounts:mfa_verify")).content.decode()  # "no phone at hand?"

        response = client.post(recovery, {"code": codes[0].upper()[:4] + "-" + codes[0][4:], "next": DASHBOARD})

        assert response.status_code == 302 and response["Location"] == DASHBOARD
        dashboard = client.get(DASHBOARD)
        assert dashboard.status_code == 200
        assert "9 recovery codes left" in dashboard.content.decode()

        client.post(reverse("logout"))
        password_login(client, officer.username)
        response = client.post(recovery, {"code": codes[0]})
        assert response.status_code == 200 and "This code is not right" in response.content.decode()
        assert client.get(DASHBOARD).status_code == 302

        waited(device)
        half_a_minute_later(device)
        assert client.post(recovery, {"code": codes[1]}).status_code == 302
        assert client.get(DASHBOARD).status_code == 200

    def test_a_wrong_code_with_a_throttled_app_answers_with_a_clear_error_not_a_500(self, english, officer):
        device = give_app(officer)
        password_login(english, officer.username)
        TOTPDevice.objects.filter(pk=device.pk).update(
            throttling_failure_count=6, throttling_failure_timestamp=timezone.now()
        )

        response = english.post(reverse("accounts:mfa_verify"), {"code": app_code(device.bin_key)})

        assert response.status_code == 200
        assert "You typed a wrong code too often. Wait 32 seconds" in response.content.decode()

    def test_letters_or_too_few_digits_ask_for_six_digits(self, english, officer):
        give_app(officer)
        password_login(english, officer.username)

        for code in ("12345", "abcdef", ""):
            response = english.post(reverse("accounts:mfa_verify"), {"code": code})
            assert response.status_code == 200
            assert "There is a problem" in response.content.decode()

    def test_a_demo_user_without_app_logs_in_with_a_recovery_code(self, client, officer):
        codes = recovery_codes_renew(user=officer, actor=None, audit=False)
        password_login(client, officer.username)

        setup = client.get(DASHBOARD)["Location"]
        assert setup.startswith(reverse("accounts:mfa_setup"))
        assert reverse("accounts:mfa_verify_recovery") in client.get(setup).content.decode()
        assert client.get(reverse("accounts:mfa_verify"))["Location"].startswith(reverse("accounts:mfa_setup"))

        assert client.post(reverse("accounts:mfa_verify_recovery"), {"code": codes[5]}).status_code == 302
        assert client.get(DASHBOARD).status_code == 200


class VerifiedSessionTests:
    def test_new_recovery_codes_replace_the_old_ones_and_are_shown_once(self, client, officer):
        old = recovery_codes_renew(user=officer, actor=officer)
        client.force_login(officer)  # verified (tests/conftest.py)
        page = reverse("accounts:mfa_recovery_codes")
        assert "10" in client.get(page).content.decode()

        response = client.post(page)

        assert response.status_code == 302 and response["Location"] == page
        new = shown_codes(client.get(page).content.decode())
        assert len(new) == 10 and not set(new) & set(old)
        assert shown_codes(client.get(page).content.decode()) == []
        stored = set(StaticToken.objects.filter(device__user=officer).values_list("token", flat=True))
        assert stored == {recovery_code_hash(code) for code in new}
        assert AuditLogEntry.objects.filter(action="mfa.recovery_codes").count() == 2

    def test_recovery_codes_page_needs_the_second_step(self, client, officer):
        give_app(officer)
        password_login(client, officer.username)

        for method in (client.get, client.post):
            response = method(reverse("accounts:mfa_recovery_codes"))
            assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:mfa_verify"))
        assert not StaticToken.objects.exists()

    def test_a_new_phone_replaces_the_app(self, client, officer):
        old = give_app(officer)
        client.force_login(officer)

        assert client.get(reverse("accounts:mfa_setup")).status_code == 200
        new = TOTPDevice.objects.get(user=officer, confirmed=False)
        response = client.post(reverse("accounts:mfa_setup"), {"code": app_code(new.bin_key)})

        assert response.status_code == 302
        assert list(TOTPDevice.objects.filter(user=officer)) == [new]
        assert not TOTPDevice.objects.filter(pk=old.pk).exists()
        assert client.get(DASHBOARD).status_code == 200

    def test_code_pages_send_a_verified_user_on(self, client, officer):
        client.force_login(officer)

        response = client.get(reverse("accounts:mfa_verify"), {"next": DASHBOARD})

        assert response.status_code == 302 and response["Location"] == DASHBOARD


class NextIsSafeTests:
    @pytest.mark.parametrize(
        "target", ["https://evil.example/", "//evil.example/dashboard/", "http://testserver.evil.example/"]
    )
    def test_a_next_to_another_site_is_refused(self, client, officer, target):
        device = give_app(officer)
        password_login(client, officer.username)

        page = client.get(reverse("accounts:mfa_verify"), {"next": target}).content.decode()
        response = client.post(reverse("accounts:mfa_verify"), {"code": app_code(device.bin_key), "next": target})

        assert f'name="next" value="{target}"' not in page  # not carried on in the form ...
        assert reverse("accounts:mfa_verify_recovery") + "?next" not in page  # ... nor in the link
        assert response.status_code == 302 and response["Location"] == reverse("start_page")


class OthersAreNotAskedTests:
    def test_progress_group_member_without_staff_role_is_not_asked(self, client):
        member = ProgressGroupMemberFactory(with_account=True).user
        response = password_login(client, member.username, next_url=reverse("vision:trajectory_list"))

        assert response["Location"] == reverse("vision:trajectory_list")
        assert client.get(reverse("vision:trajectory_list")).status_code == 200
        assert client.get(reverse("accounts:mfa_setup"))["Location"] == reverse("start_page")
        assert not TOTPDevice.objects.exists()

    def test_residents_pages_are_unaffected(self, client):
        for name in (
            "initiatives:home",
            "initiatives:list",
            "initiatives:submit",
            "initiatives:lost_link",
            "core:privacy",
        ):
            assert client.get(reverse(name)).status_code == 200, name

    def test_anonymous_visitors_of_the_steps_go_to_the_login_page(self, client):
        for name in (
            "accounts:mfa_verify",
            "accounts:mfa_verify_recovery",
            "accounts:mfa_setup",
            "accounts:mfa_recovery_codes",
        ):
            response = client.get(reverse(name))
            assert response.status_code == 302 and response["Location"].startswith(reverse("login")), name
