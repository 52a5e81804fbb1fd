"""The resident's journey in Chromium, on a phone-sized screen: find the village, make a
mistake, fix it, attach a PDF, submit, read the receipt mail from the mail files, follow the
link, reply and withdraw. axe-core runs on every page; screenshots land in var/screenshots/."""

import email
import email.policy
import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone

from initiatives.constants import Status
from initiatives.models import Initiative
from initiatives.services.publication import publication_approve
from municipalities.models import OfficerMembership
from tests.initiatives.helpers import PDF_BYTES
from tests.municipalities.factories import MunicipalityFactory, OfficerMembershipFactory
from tests.villages.factories import VillageFactory, VillageOrganisationFactory

from .conftest import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SCREENSHOTS = Path(settings.BASE_DIR) / "var" / "screenshots"


@pytest.fixture
def mail_dir(settings, tmp_path):
    settings.EMAIL_BACKEND = "core.mail.FilePerMessageBackend"  # the default without a mail server
    settings.EMAIL_FILE_PATH = str(tmp_path / "mail")
    return Path(settings.EMAIL_FILE_PATH)


@pytest.fixture
def nunspeet():
    municipality = MunicipalityFactory(
        name="Nunspeet", slug="nunspeet", role_statement="Wij helpen bewoners die zelf iets doen voor hun dorp."
    )
    elspeet = VillageFactory(name="Elspeet", slug="elspeet", municipality=municipality)
    VillageFactory(name="Vierhouten", slug="vierhouten", municipality=municipality)
    VillageOrganisationFactory(village=elspeet, village_hall=True, name="Dorpshuis Elspeet")
    OfficerMembershipFactory(
        municipality=municipality, villages=[elspeet], user__first_name="Anouk", user__last_name="Bos"
    )
    return elspeet


def officer_of(village):
    return OfficerMembership.objects.get(municipality=village.municipality).user


def shot(page, name):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"resident-{name}.png"), full_page=True)


def read_mail_to(mail_dir: Path, address: str) -> email.message.Message:
    for path in sorted(mail_dir.glob("*.log")):
        for raw in path.read_bytes().split(b"\n" + b"-" * 79 + b"\n"):
            if raw.strip():
                message = email.message_from_bytes(raw.strip(), policy=email.policy.default)
                if address in message["To"]:
                    return message
    raise AssertionError(f"no mail to {address} in {mail_dir}")


def plain_body(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def test_resident_submits_follows_replies_and_withdraws(browser, live_server, page, nunspeet, mail_dir, tmp_path):
    page.set_viewport_size({"width": 390, "height": 844})

    # Home → municipality → village → the form, with the village filled in.
    page.goto("/")
    assert_accessible(page)
    page.get_by_role("link", name="Nunspeet", exact=True).click()
    assert_accessible(page)
    page.get_by_role("link", name="Elspeet", exact=True).click()
    assert "Dorpshuis Elspeet" in page.content()
    assert_accessible(page)
    page.get_by_role("link", name=re.compile("initiatief in voor Elspeet")).click()
    assert page.locator("#id_village").input_value() == str(nunspeet.pk)
    assert_accessible(page)
    shot(page, "1-form")

    # Fill in the form, with one mistake: an email address without @.
    page.get_by_label("Naam van je initiatief").fill("Speeltuin bij het dorpshuis")
    page.get_by_label("Wat wil je bereiken?").fill("Een veilige plek om te spelen voor kinderen.")
    page.get_by_label("Wat wil je doen?").fill("Wij plaatsen een klimrek en twee schommels.")
    page.get_by_role("checkbox", name="Geld", exact=True).check()
    page.locator("#id_costs-0-description").fill("Klimrek")
    page.locator("#id_costs-0-amount").fill("1800")
    page.get_by_label("Bedrag dat je vraagt (euro)").fill("1500")
    page.locator("#id_planned_start").fill((timezone.localdate() + timedelta(days=60)).isoformat())
    page.get_by_label("Je naam").fill("Fatima de Vries")
    page.get_by_label("Je e-mailadres").fill("fatima-zonder-apenstaartje")
    page.get_by_label(re.compile("op de website laten zien")).check()
    page.get_by_label("Ik heb de privacyverklaring gelezen").check()
    page.get_by_role("button", name="Verstuur mijn initiatief").click()

    summary = page.locator("[data-error-summary]")
    assert summary.is_visible()
    assert "e-mailadres" in summary.inner_text()
    assert page.title().startswith("Fout")
    assert page.get_by_label("Naam van je initiatief").input_value() == "Speeltuin bij het dorpshuis"
    assert page.locator("#id_costs-0-amount").input_value() in ("1800", "1800.00", "1800,00")
    assert_accessible(page)
    shot(page, "2-error")

    # The summary links to the field; correct it, attach a PDF and send.
    summary.get_by_role("link").first.click()
    assert page.evaluate("document.activeElement.id") == "id_initiator_email"
    page.get_by_label("Je e-mailadres").fill("fatima@example.nl")
    pdf_path = tmp_path / "tekening speeltuin.pdf"
    pdf_path.write_bytes(PDF_BYTES)
    page.locator("#id_attachments").set_input_files(str(pdf_path))
    page.get_by_label("Ik heb de privacyverklaring gelezen").check()
    page.get_by_role("button", name="Verstuur mijn initiatief").click()

    # Confirmation: reference, what happens next, the contact officer, the date.
    page.wait_for_url("**/initiatieven/nieuw/ontvangen/**")
    initiative = Initiative.objects.get()
    text = page.locator("main").inner_text()
    assert initiative.reference in text
    assert "Anouk Bos" in text
    assert f"{initiative.first_response_due.year}" in text
    assert_accessible(page)
    shot(page, "3-confirmation")

    # The receipt mail, read from the mail files, holds the private link.
    receipt = read_mail_to(mail_dir, "fatima@example.nl")
    assert initiative.reference in receipt["Subject"]
    link = re.search(r"https?://\S+/initiatieven/volg/[\w-]+/", plain_body(receipt)).group(0)
    page.goto(link.replace(settings.SITE_URL, live_server.url))
    assert "Speeltuin bij het dorpshuis" in page.content()
    assert "tekening-speeltuin.pdf" in page.content()
    assert_accessible(page)
    shot(page, "4-tracking")

    # Consent given, but nothing is public before an officer of the municipality approves it.
    publication = page.locator("#publication")
    assert "Nog niet openbaar." in publication.inner_text()
    public_url = f"{live_server.url}/initiatieven/{initiative.reference}/"
    assert page.request.get(public_url).status == 404
    publication_approve(initiative=initiative, actor=officer_of(nunspeet))
    page.reload()
    assert "Openbaar." in publication.inner_text()
    assert_accessible(page)
    publication.get_by_role("link", name="Bekijk je initiatief op de website").click()
    page.wait_for_url(public_url)
    assert "Speeltuin bij het dorpshuis" in page.locator("main").inner_text()
    assert "Fatima" not in page.content()
    assert_accessible(page)
    page.go_back()

    # Reply to the officer.
    page.get_by_label("Je bericht").fill("Wij hebben ook een offerte van een hovenier.")
    page.get_by_role("button", name="Bericht versturen").click()
    assert page.get_by_role("status").filter(has_text="naar de gemeente gestuurd").is_visible()
    assert "offerte van een hovenier" in page.content()
    assert_accessible(page)

    # Withdraw.
    page.get_by_role("link", name="Mijn initiatief intrekken").click()
    assert_accessible(page)
    page.get_by_label(re.compile("Waarom trek je")).fill("We doen het samen met de school.")
    page.get_by_label(re.compile("Ja, ik wil")).check()
    page.get_by_role("button", name="Mijn initiatief intrekken").click()
    assert "Ingetrokken" in page.locator("main").inner_text()
    initiative.refresh_from_db()
    assert initiative.status == Status.WITHDRAWN
    assert "Niet openbaar." in page.locator("#publication").inner_text()
    assert page.request.get(public_url).status == 404
    assert_accessible(page)


def test_the_form_works_with_the_keyboard_only(page, nunspeet):
    """Tab reaches every field in reading order with a visible focus ring; typing and Space
    fill it in; Enter on the button sends it."""
    page.goto(f"/initiatieven/nieuw/?dorp={nunspeet.pk}")
    expected = page.evaluate(
        """() => [...document.querySelectorAll(
                'main form input, main form select, main form textarea, main form button')]
            .filter(el => el.type !== 'hidden' && el.tabIndex >= 0 && el.offsetParent !== null)
            .map(el => el.id || el.name).filter(Boolean)"""
    )
    page.locator("main h1").click()  # start in the page, before the form
    reached = []
    for _ in range(len(expected) + 10):
        page.keyboard.press("Tab")
        focused = page.evaluate("document.activeElement.id || document.activeElement.name")
        if focused and focused in expected and focused not in reached:
            reached.append(focused)
            ring = page.evaluate(
                "(() => { const s = getComputedStyle(document.activeElement); return [s.outlineStyle, s.boxShadow] })()"
            )
            assert ring != ["none", "none"], f"{focused} has no visible focus"
        if focused == expected[-1]:
            break
    assert reached == expected

    def focus(selector):
        page.locator(selector).focus()

    focus("#id_title")
    page.keyboard.type("Bankjes langs het ommetje")
    page.keyboard.press("Tab")
    page.keyboard.type("Rustpunten voor ouderen.")
    page.keyboard.press("Tab")
    page.keyboard.type("Vijf bankjes plaatsen.")
    focus("#id_help_kinds_0")
    page.keyboard.press("Space")  # advice
    focus("#id_initiator_name")
    page.keyboard.type("Henk Visser")
    page.keyboard.press("Tab")
    page.keyboard.type("henk@example.nl")
    focus("#id_privacy_acknowledged")
    page.keyboard.press("Space")
    focus("main form button[type=submit]")
    page.keyboard.press("Enter")
    page.wait_for_url("**/initiatieven/nieuw/ontvangen/**")
    assert Initiative.objects.get().title == "Bankjes langs het ommetje"


def test_tracking_page_with_a_decision_and_the_lists_are_accessible(page, nunspeet):
    """The decision at the top, the full "what you sent us", the initiatives as items of their own
    and a municipal text marked Dutch on an English page: axe finds nothing at 390 px."""
    from initiatives.services.submission import tracking_token_issue
    from tests.initiatives.factories import CostLineFactory, DecisionFactory, GrantFactory, InitiativeFactory

    page.set_viewport_size({"width": 390, "height": 844})
    initiative = InitiativeFactory(
        village=nunspeet, decided=True, publication_consent=True, title="Speeltuin bij het dorpshuis"
    )
    InitiativeFactory(village=nunspeet, publication_consent=True, title="Jeu-de-boulesbaan")
    CostLineFactory(initiative=initiative, description="Klimrek", amount=900)
    decision = DecisionFactory(initiative=initiative, motivation="Een mooi plan voor het dorp.")
    GrantFactory(initiative=initiative, decision=decision, fund__name="Leefbaarheidsfonds Nunspeet", amount=900)
    page.goto(f"/initiatieven/volg/{tracking_token_issue(initiative=initiative)}/")
    assert "Een mooi plan voor het dorp." in page.locator("#decision").inner_text()
    assert_accessible(page)
    shot(page, "tracking-decided")
    for url in ("/initiatieven/", "/gemeenten/nunspeet/elspeet/"):
        page.goto(url)
        assert page.locator("article.initiative-card").count() == 2
        assert_accessible(page)
    shot(page, "village")
    page.goto("/initiatieven/")
    shot(page, "gallery")
    page.goto("/gemeenten/nunspeet/")
    page.set_viewport_size({"width": 1280, "height": 900})  # the language buttons, outside the phone's menu
    page.locator('button[name="language"][value="en"]').click()
    page.wait_for_load_state("load")
    page.set_viewport_size({"width": 390, "height": 844})
    statement = page.locator('.municipal-text[lang="nl"]').first
    assert "Wij helpen bewoners" in statement.inner_text()
    assert page.locator(".language-note").first.inner_text() == "(in Dutch)"
    assert_accessible(page)
    shot(page, "municipality-en")
