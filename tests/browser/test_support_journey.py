"""A neighbour supports an initiative in Chromium on a phone-sized screen: the form on the public
page (one mistake first), "check your email", the confirmation mail read from the mail files, the
confirm button, the count on the page, the initiator's tracking page with what is still needed,
and withdrawing through the mail's other link. axe-core runs on every page."""

import re
from pathlib import Path

import pytest
from django.conf import settings

from initiatives.models import Support
from initiatives.services.submission import tracking_token_issue
from tests.initiatives.factories import InitiativeFactory
from tests.municipalities.factories import FundFactory, MunicipalityFactory
from tests.villages.factories import VillageFactory

from .conftest import assert_accessible
from .test_resident_journey import plain_body, read_mail_to

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SCREENSHOTS = Path(settings.BASE_DIR) / "var" / "screenshots"


@pytest.fixture
def mail_dir(settings, tmp_path):
    settings.EMAIL_BACKEND = "core.mail.FilePerMessageBackend"  # the default without a mail server
    settings.EMAIL_FILE_PATH = str(tmp_path / "mail")
    return Path(settings.EMAIL_FILE_PATH)


def shot(page, name):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"support-{name}.png"), full_page=True)


def test_neighbour_supports_confirms_from_the_mail_and_withdraws(live_server, page, mail_dir):
    municipality = MunicipalityFactory(name="Nunspeet", slug="nunspeet")
    elspeet = VillageFactory(name="Elspeet", slug="elspeet", municipality=municipality)
    VillageFactory(name="Vierhouten", slug="vierhouten", municipality=municipality)
    initiative = InitiativeFactory(village=elspeet, title="Speeltuin bij het dorpshuis", in_conversation=True)
    FundFactory(municipality=municipality, name="Dorpsfonds", min_supporters=2, is_open=True)
    page.set_viewport_size({"width": 390, "height": 844})

    # The public page: nobody yet; the form, sent with one mistake.
    page.goto(f"/initiatieven/{initiative.reference}/")
    assert "Nog niemand heeft dit initiatief gesteund." in page.content()
    assert_accessible(page)
    page.get_by_label("Je naam").fill("Sanne Mulder")
    page.get_by_label("Mijn voornaam en de eerste letter van mijn achternaam").check()
    page.get_by_label("Waar woon je?").select_option(label="Elspeet")
    page.get_by_label("Je e-mailadres").fill("sanne-zonder-apenstaartje")
    page.get_by_label("Waarom steun je dit? (niet verplicht)").fill("Mijn kinderen spelen er elke dag.")
    page.get_by_role("button", name="Mijn steun versturen").click()
    summary = page.locator("[data-error-summary]")
    assert summary.is_visible() and "e-mailadres" in summary.inner_text()
    assert page.title().startswith("Fout")
    assert_accessible(page)
    shot(page, "1-error")
    page.get_by_label("Je e-mailadres").fill("sanne@example.nl")
    page.get_by_role("button", name="Mijn steun versturen").click()

    # Check your email; nothing counts yet.
    page.wait_for_url(f"**/initiatieven/{initiative.reference}/steunen/verstuurd/")
    assert page.get_by_role("heading", level=1).inner_text() == "Kijk in je e-mail"
    assert_accessible(page)
    shot(page, "2-sent")
    assert Support.objects.get().confirmed_at is None

    # The mail, read from the mail files: opening the link confirms nothing, the button does.
    message = read_mail_to(mail_dir, "sanne@example.nl")
    assert "Speeltuin bij het dorpshuis" in message["Subject"]
    body = plain_body(message)
    confirm = re.search(r"https?://\S+/steun/bevestigen/[\w-]+/", body).group(0)
    withdraw = re.search(r"https?://\S+/steun/intrekken/[\w-]+/", body).group(0)
    page.goto(confirm.replace(settings.SITE_URL, live_server.url))
    assert_accessible(page)
    shot(page, "3-confirm")
    assert Support.objects.get().confirmed_at is None
    page.get_by_role("button", name="Mijn steun bevestigen").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Je steun telt mee"
    assert_accessible(page)
    assert Support.objects.get().confirmed_at is not None

    # The public page counts her, with her short name and reason.
    page.get_by_role("link", name="Naar het initiatief").click()
    text = page.locator("#support").inner_text()
    assert "1 persoon steunt dit initiatief, waarvan 1 uit Elspeet." in text
    assert "Sanne M." in text and "Mijn kinderen spelen er elke dag." in text
    assert "Mulder" not in text
    assert_accessible(page)
    shot(page, "4-counted")

    # The initiator's tracking page: the count, and one more supporter needed for the fund.
    page.goto(f"/initiatieven/volg/{tracking_token_issue(initiative=initiative)}/")
    supporters = page.locator("#supporters").inner_text()
    assert "1 persoon steunt je initiatief" in supporters and "Nog nodig: 1" in supporters
    assert_accessible(page)

    # Withdrawing through the mail's other link.
    page.goto(withdraw.replace(settings.SITE_URL, live_server.url))
    assert_accessible(page)
    shot(page, "5-withdraw")
    page.get_by_role("button", name="Mijn steun intrekken").click()
    assert "Je steun is ingetrokken." in page.content()
    assert "Nog niemand heeft dit initiatief gesteund." in page.content()
    assert not Support.objects.exists()
