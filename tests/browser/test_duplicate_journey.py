"""The duplicate journey in Chromium: an officer marks an initiative as a duplicate of another by
its reference, both officer pages link to each other, and the resident's tracking page says in
plain words that the same plan is already going on (the other initiative's title and public link,
never the other initiator). axe-core runs on every page; screenshots land in var/screenshots/."""

from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from initiatives.constants import Status
from initiatives.models import Initiative
from initiatives.services.submission import tracking_token_issue
from tests.initiatives.factories import InitiativeFactory
from tests.municipalities.factories import MunicipalityFactory, OfficerMembershipFactory
from tests.villages.factories import VillageFactory

from .conftest import assert_accessible, type_app_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SCREENSHOTS = Path(settings.BASE_DIR) / "var" / "screenshots"
PASSWORD = "Dorpsregisseur-2026!"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


def shot(page, name):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"duplicate-{name}.png"), full_page=True)


def test_officer_marks_a_duplicate_and_the_resident_reads_it(page):
    municipality = MunicipalityFactory(name="Ermelo", slug="ermelo")
    horst = VillageFactory(name="Horst", slug="horst", municipality=municipality)
    officer = OfficerMembershipFactory(
        municipality=municipality, user__username="sanne", user__first_name="Sanne", user__last_name="Mulder"
    ).user
    officer.set_password(PASSWORD)
    officer.save()
    original = InitiativeFactory(
        in_conversation=True,
        village=horst,
        title="Speeltuin bij de kerk",
        initiator_name="Fatima de Vries",
        initiator_email="fatima@example.nl",
    )
    duplicate = InitiativeFactory(
        village=horst, title="Schommels bij de kerk", initiator_name="Karin Jansen", initiator_email="karin@example.nl"
    )
    token = tracking_token_issue(initiative=duplicate)

    page.set_viewport_size(DESKTOP)
    app = TOTPDevice.objects.create(user=officer, name="Telefoon", confirmed=True)
    page.goto(f"/accounts/login/?next={reverse('initiatives:officer_detail', args=[duplicate.pk])}")
    page.locator("#id_username").fill("sanne")
    page.locator("#id_password").fill(PASSWORD)
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    assert urlsplit(page.url).path == reverse("accounts:mfa_verify")
    type_app_code(page, app)
    page.wait_for_url(f"**{reverse('initiatives:officer_detail', args=[duplicate.pk])}")

    # Mark it: open the section, type the other one's reference, close this one.
    page.locator("#duplicate summary").click()
    page.locator("#id_duplicate-original").fill(original.reference)
    page.locator("#id_duplicate-note").fill("Dezelfde plek en hetzelfde plan.")
    assert_accessible(page)
    with page.expect_navigation():
        page.locator("#duplicate form button[type=submit]").click()
    assert page.url.endswith("#duplicate")
    duplicate.refresh_from_db()
    assert (duplicate.status, duplicate.duplicate_of_id) == (Status.CLOSED, original.pk)
    original_link = page.locator(f'#duplicate-of a[href="{reverse("initiatives:officer_detail", args=[original.pk])}"]')
    assert original_link.is_visible()
    assert_accessible(page)
    shot(page, "1-marked")

    # The original lists it, and links back.
    with page.expect_navigation():
        original_link.click()
    back = page.locator(f'#duplicates a[href="{reverse("initiatives:officer_detail", args=[duplicate.pk])}"]')
    assert back.is_visible()
    assert duplicate.reference in back.inner_text()
    assert_accessible(page)
    shot(page, "2-original")

    # The resident's page: plain words, the published original by title and link, no names.
    for size, name in ((DESKTOP, "3-tracking"), (PHONE, "4-tracking-phone")):
        page.set_viewport_size(size)
        page.goto(reverse("initiatives:track", kwargs={"token": token}))
        notice = page.locator("#duplicate")
        assert notice.is_visible()
        text = " ".join(notice.inner_text().split())
        assert "Er loopt al een initiatief dat hetzelfde wil" in text
        assert notice.locator(f'a[href="{reverse("initiatives:public", kwargs={"reference": original.reference})}"]')
        assert original.title in text
        body = page.locator("body").inner_text()
        assert "Fatima de Vries" not in body and "fatima@example.nl" not in body
        assert_accessible(page)
        shot(page, name)
    assert Initiative.objects.get(pk=original.pk).status == Status.IN_CONVERSATION
