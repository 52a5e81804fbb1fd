"""The second step of logging in, in Chromium: the setup page without an enrolment link (no secret),
then with one: its QR code (inline SVG, no Content-Security-Policy violation), an error on a wrong
code, a recovery code, and the lockout page. axe-core runs on every page.

Elements are found by id, name, CSS or URL, never by visible text: the UI's words may change."""

from base64 import b32decode
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.services import enrolment_link_create, recovery_codes_renew
from tests.municipalities.factories import OfficerMembershipFactory

from .conftest import app_code_for, assert_accessible, set_up_app, type_app_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "Dorpsregisseur-2026!"


@pytest.fixture
def officer():
    user = OfficerMembershipFactory(user__username="gert", user__first_name="Gert", user__last_name="Schuurman").user
    user.set_password(PASSWORD)
    user.save()
    return user


def log_in(page, username="gert", password=PASSWORD, next_url=None):
    page.goto(reverse("login") + (f"?next={next_url}" if next_url else ""))
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(password)
    with page.expect_navigation():
        page.locator("main form:has(#id_password) button[type=submit]").click()


def test_first_login_sets_up_the_app_and_the_next_login_asks_for_its_code(page, officer):
    log_in(page, next_url=reverse("initiatives:dashboard"))
    # The password alone does not show the secret: the page asks for the enrolment link.
    assert urlsplit(page.url).path == reverse("accounts:mfa_setup")
    assert page.locator("#mfa-needs-link").is_visible()
    assert page.locator("#mfa-secret").count() == 0 and page.locator("main svg").count() == 0
    assert_accessible(page)

    # The link from the mail (made as the outbox makes it when the mail leaves).
    token = enrolment_link_create(user=officer)
    enrol = reverse("accounts:mfa_enrol", kwargs={"token": token})
    page.goto(f"{enrol}?next={reverse('initiatives:dashboard')}")
    assert urlsplit(page.url).path == reverse("accounts:mfa_setup")
    qr = page.locator("main svg[role=img]")
    assert qr.is_visible() and qr.bounding_box()["width"] > 150  # big enough to scan
    screenshots = Path(settings.BASE_DIR) / "var" / "screenshots"
    screenshots.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(screenshots / "mfa-1-setup.png"), full_page=True)

    # A wrong first code: the error summary, linked to the field.
    page.locator("#id_code").fill("12345")
    with page.expect_navigation():
        page.locator("main form:has(#id_code) button[type=submit]").click()
    assert page.locator("[data-error-summary] a[href='#id_code']").count() == 1
    assert_accessible(page)

    codes = set_up_app(page, check=assert_accessible)
    assert len(codes) == 10
    assert urlsplit(page.url).path == reverse("initiatives:dashboard")

    page.locator("form[action='/accounts/logout/'] [type=submit]").click()
    page.wait_for_load_state()
    log_in(page)
    assert urlsplit(page.url).path == reverse("accounts:mfa_verify")
    # A code is good once; a person waits for the app's next one, the test forgets the last one.
    TOTPDevice.objects.filter(user=officer).update(last_t=-1)
    type_app_code(page, TOTPDevice.objects.get(user=officer))
    assert urlsplit(page.url).path == reverse("initiatives:dashboard")  # the officer's own start page


def test_a_recovery_code_instead_of_the_phone(page, officer):
    TOTPDevice.objects.create(user=officer, name="Telefoon", confirmed=True)
    codes = recovery_codes_renew(user=officer, actor=officer)
    log_in(page, next_url=reverse("initiatives:dashboard"))

    with page.expect_navigation():
        page.locator(f"main a[href^='{reverse('accounts:mfa_verify_recovery')}']").click()
    assert_accessible(page)
    page.locator("#id_code").fill(codes[0])
    with page.expect_navigation():
        page.locator("main form:has(#id_code) button[type=submit]").click()

    assert urlsplit(page.url).path == reverse("initiatives:dashboard")
    assert page.locator(".site-messages .alert").count() == 1  # how many codes are left


def test_the_demo_way_a_recovery_code_then_the_app(page, officer):
    """Demo staff have recovery codes and no app: a recovery code verifies the session, which may
    then set up the app; the codes they have stay good."""
    codes = recovery_codes_renew(user=officer, actor=officer)
    log_in(page, next_url=reverse("initiatives:dashboard"))
    assert page.locator("#mfa-secret").count() == 0

    with page.expect_navigation():
        page.locator(f"main a[href^='{reverse('accounts:mfa_verify_recovery')}']").click()
    page.locator("#id_code").fill(codes[0])
    with page.expect_navigation():
        page.locator("main form:has(#id_code) button[type=submit]").click()
    assert urlsplit(page.url).path == reverse("initiatives:dashboard")

    page.goto(f"{reverse('accounts:mfa_setup')}?next={reverse('initiatives:dashboard')}")
    key = page.locator("#mfa-secret").inner_text().replace(" ", "")
    page.locator("#id_code").fill(app_code_for(b32decode(key + "=" * (-len(key) % 8))))
    with page.expect_navigation():
        page.locator("main form:has(#id_code) button[type=submit]").click()
    assert urlsplit(page.url).path == reverse("accounts:mfa_recovery_codes")
    assert page.locator("main ol li").count() == 0  # no new codes: the old ones still work
    assert_accessible(page)
    with page.expect_navigation():
        page.locator("#mfa-continue").click()
    assert urlsplit(page.url).path == reverse("initiatives:dashboard")
    assert TOTPDevice.objects.get(user=officer).confirmed


def test_the_lockout_page(page, officer):
    for _ in range(5):
        log_in(page, password="helemaal-verkeerd")

    assert page.locator("main a[href='/accounts/password_reset/']").count() == 1
    assert_accessible(page)
