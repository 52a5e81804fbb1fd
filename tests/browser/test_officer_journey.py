"""The officer's journey in Chromium: log in, filter the dashboard, open an initiative, send a
message from a standard text, record an agreement, decide with a grant from the fund, be refused
a grant over the fund's maximum elsewhere, and see it all on the resident's tracking page, where
the resident opens the decision letter (PDF).
axe-core runs on every page; screenshots land in var/screenshots/.

Elements are found by id, name, CSS or URL, never by visible text: the UI's words may change."""

import io
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice
from pypdf import PdfReader

from initiatives.constants import AgreementParty, AgreementRole, DecisionOutcome, Publication, Status
from initiatives.models import Agreement, Decision, Grant, Initiative, Message
from initiatives.services.submission import tracking_token_issue
from municipalities.models import StandardText
from tests.initiatives.factories import CostLineFactory, InitiativeFactory, MessageFactory
from tests.municipalities.factories import FundFactory, MunicipalityFactory, OfficerMembershipFactory
from tests.villages.factories import VillageFactory

from .conftest import assert_accessible, type_app_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SCREENSHOTS = Path(settings.BASE_DIR) / "var" / "screenshots"
PASSWORD = "Dorpsregisseur-2026!"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}

MESSAGE_TEXT = "Wij willen graag een keer langskomen om uw plan te bespreken."
DECISION_TEXT = "De gemeente steunt dit initiatief."
MOTIVATION = "De speeltuin maakt het dorp levendiger en de buurt helpt zelf mee met bouwen."
AGREEMENT = "De gemeente regelt de vergunning voor het klimrek."


@dataclass
class Harderwijk:
    officer: object
    fund: object
    playground: Initiative  # in conversation, costs € 4000: gets € 3000 (the maximum)
    benches: Initiative  # in intake, costs € 8000: € 3500 is over the fund's maximum
    message_text: StandardText
    decision_text: StandardText


@pytest.fixture
def harderwijk():
    municipality = MunicipalityFactory(name="Harderwijk", slug="harderwijk")
    hierden = VillageFactory(name="Hierden", slug="hierden", municipality=municipality)
    tonsel = VillageFactory(name="Tonsel", slug="tonsel", municipality=municipality)
    membership = OfficerMembershipFactory(
        municipality=municipality,
        villages=[hierden],
        user__username="anouk",
        user__first_name="Anouk",
        user__last_name="Bos",
    )
    officer = membership.user
    officer.set_password(PASSWORD)
    officer.save()
    fund = FundFactory(
        municipality=municipality,
        name="Leefbaarheidsfonds",
        year=timezone.localdate().year,
        budget=Decimal("10000.00"),
        max_per_initiative=Decimal("3000.00"),
        min_own_share_percent=Decimal("25.00"),
        is_open=True,
    )
    playground = InitiativeFactory(
        in_conversation=True,
        village=hierden,
        title="Speeltuin bij het dorpshuis",
        initiator_name="Fatima de Vries",
        initiator_email="fatima@example.nl",
        amount_requested=Decimal("3000.00"),
        total_cost=Decimal("4000.00"),
        assigned_officer=officer,
    )
    CostLineFactory(initiative=playground, description="Klimrek", amount=Decimal("4000.00"))
    MessageFactory(initiative=playground, from_initiator=True, body="Wanneer kunnen we langskomen?")
    benches = InitiativeFactory(
        intake=True,
        village=tonsel,
        title="Bankjes langs het ommetje",
        initiator_email="henk@example.nl",
        amount_requested=Decimal("3500.00"),
        total_cost=Decimal("8000.00"),
    )
    CostLineFactory(initiative=benches, description="Vijf bankjes", amount=Decimal("8000.00"))
    InitiativeFactory(village=hierden, title="Moestuin voor de school", publication_pending=True)  # submitted
    InitiativeFactory(decided=True, village=tonsel, title="Jeu-de-boulesbaan")
    message_text = StandardText.objects.create(
        municipality=municipality,
        purpose=StandardText.Purpose.MESSAGE,
        title="Afspraak maken",
        body=MESSAGE_TEXT,
    )
    decision_text = StandardText.objects.create(
        municipality=municipality,
        purpose=StandardText.Purpose.DECISION,
        title="Steun",
        body=DECISION_TEXT,
    )
    return Harderwijk(officer, fund, playground, benches, message_text, decision_text)


def shot(page, name):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"officer-{name}.png"), full_page=True)


def submit(page, form_selector):
    """Click the form's submit button and wait for the page it leads to."""
    with page.expect_navigation():
        page.locator(f"{form_selector} button[type=submit]").click()


def success_message(page):
    return page.locator(".site-messages [role=status]")


def test_officer_filters_messages_agrees_decides_and_is_refused_over_the_maximum(page, harderwijk):
    playground, benches, fund = harderwijk.playground, harderwijk.benches, harderwijk.fund
    page.set_viewport_size(DESKTOP)

    # Log in: the password, then the code from her authenticator app; the dashboard lists the
    # municipality's four initiatives.
    app = TOTPDevice.objects.create(user=harderwijk.officer, name="Telefoon", confirmed=True)
    page.goto(f"/accounts/login/?next={reverse('initiatives:dashboard')}")
    page.locator("#id_username").fill("anouk")
    page.locator("#id_password").fill(PASSWORD)
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    assert urlsplit(page.url).path == reverse("accounts:mfa_verify")
    assert_accessible(page)
    type_app_code(page, app)
    page.wait_for_url("**/dashboard/")
    assert page.locator("tbody tr[data-initiative]").count() == 4
    # Fatima wrote since Anouk last looked: her row says so, and so does the counter.
    assert page.locator(f'tbody tr[data-initiative="{playground.pk}"] [data-new-reply]').is_visible()
    assert page.locator("tbody [data-new-reply]").count() == 1
    assert page.locator("#counter-new_replies .fs-2").inner_text() == "1"
    assert_accessible(page)
    shot(page, "1-dashboard")

    # Filter on "in conversation": the URL keeps the filter, only the playground is left.
    page.locator("#dashboard-filter-form input[name=status][value=in_conversation]").check()
    submit(page, "#dashboard-filter-form")
    assert "status=in_conversation" in page.url
    assert page.locator("#dashboard-filter-form input[name=status][value=in_conversation]").is_checked()
    rows = page.locator("tbody tr[data-initiative]")
    assert rows.count() == 1
    row = page.locator(f'tbody tr[data-initiative="{playground.pk}"]')
    assert playground.reference in row.inner_text()
    assert_accessible(page)

    # Open it from the table.
    with page.expect_navigation():
        row.locator(f'a[href="{reverse("initiatives:officer_detail", args=[playground.pk])}"]').click()
    assert page.url.endswith(reverse("initiatives:officer_detail", args=[playground.pk]))
    assert playground.title in page.locator("h1").inner_text()
    assert_accessible(page)

    # A message to the initiator, started from a standard text (officer.js fills the textarea).
    assert page.locator("input[name=message-kind][value=to_initiator]").is_checked()
    page.locator("#id_message-standard_text").select_option(str(harderwijk.message_text.pk))
    assert page.locator("#id_message-body").input_value() == MESSAGE_TEXT
    submit(page, "#message")
    assert page.url.endswith("#history")
    assert success_message(page).is_visible()
    assert MESSAGE_TEXT in page.locator("#history .timeline-message_out").first.inner_text()
    message = Message.objects.get(initiative=playground, author__isnull=False)
    assert (message.body, message.author) == (MESSAGE_TEXT, harderwijk.officer)

    # An agreement: the municipality facilitates, before a date.
    due = timezone.localdate() + timedelta(weeks=6)
    page.locator("#id_agreement-party").select_option(AgreementParty.MUNICIPALITY.value)
    page.locator("#id_agreement-role").select_option(AgreementRole.FACILITATE.value)
    page.locator("#id_agreement-description").fill(AGREEMENT)
    page.locator("#id_agreement-due_date").fill(due.isoformat())
    submit(page, "form[aria-labelledby=agreement-add-heading]")
    assert page.url.endswith("#agreements")
    assert success_message(page).is_visible()
    assert AGREEMENT in page.locator("#agreements .list-group").inner_text()
    agreement = Agreement.objects.get(initiative=playground)
    assert (agreement.party, agreement.role, agreement.due_date) == (
        AgreementParty.MUNICIPALITY,
        AgreementRole.FACILITATE,
        due,
    )

    # Decide: supported, with the fund's maximum of € 3000 (75% of € 4000 is allowed too).
    page.locator("input[name=decision-outcome][value=supported]").check()
    page.locator("#id_decision-standard_text").select_option(str(harderwijk.decision_text.pk))
    assert page.locator("#id_decision-motivation").input_value() == DECISION_TEXT
    page.locator("#id_decision-motivation").fill(MOTIVATION)
    page.locator("#id_decision-fund").select_option(str(fund.pk))
    page.locator("#id_decision-amount").fill("3000")
    submit(page, "form[aria-labelledby=decide-heading]")
    assert page.url.endswith("#decision")
    assert success_message(page).is_visible()
    assert page.locator("header .status-badge.status-decided").is_visible()
    assert MOTIVATION in page.locator("#decision").inner_text()
    assert page.locator("form[aria-labelledby=decide-heading]").count() == 0  # decided: no second form
    grant_items = page.locator("#grants li.list-group-item")
    assert grant_items.count() == 1
    assert str(fund) in grant_items.inner_text()
    assert "3.000,00" in grant_items.inner_text() or "3,000.00" in grant_items.inner_text()
    decision = Decision.objects.get(initiative=playground)
    assert (decision.outcome, decision.motivation) == (DecisionOutcome.SUPPORTED, MOTIVATION)
    grant = Grant.objects.get(initiative=playground)
    assert (grant.fund, grant.amount, grant.decision) == (fund, Decimal("3000.00"), decision)
    assert page.locator(f'#grants form[action="{reverse("initiatives:grant_paid", args=[grant.pk])}"]').count() == 1
    assert_accessible(page)
    shot(page, "2-initiative")

    # Another initiative: € 3500 is over the fund's maximum of € 3000; nothing is saved.
    page.goto(reverse("initiatives:officer_detail", args=[benches.pk]))
    page.locator("input[name=decision-outcome][value=supported]").check()
    page.locator("#id_decision-motivation").fill("Mooi plan, maar te duur voor het fonds.")
    page.locator("#id_decision-fund").select_option(str(fund.pk))
    page.locator("#id_decision-amount").fill("3500")
    submit(page, "form[aria-labelledby=decide-heading]")
    summary = page.locator("#decision [data-error-summary][role=alert]")
    assert summary.is_visible()
    assert "3000" in summary.inner_text().replace(".", "")  # the maximum is named
    assert summary.locator('a[href="#id_decision-amount"]').count() == 1
    assert page.locator("#id_decision-amount").input_value() == "3500"
    assert page.locator("#id_decision-motivation").input_value() == "Mooi plan, maar te duur voor het fonds."
    summary.locator('a[href="#id_decision-amount"]').click()
    assert page.evaluate("document.activeElement.id") == "id_decision-amount"
    assert_accessible(page)
    benches.refresh_from_db()
    assert benches.status == Status.INTAKE
    assert not Grant.objects.filter(initiative=benches).exists()
    assert not Decision.objects.filter(initiative=benches).exists()

    # The publication review: the counter leads to the one initiative waiting for it; approve it,
    # then take it offline again, which needs a reason.
    garden = Initiative.objects.get(title="Moestuin voor de school")
    page.goto(reverse("initiatives:dashboard"))
    assert page.locator("tbody [data-new-reply]").count() == 0  # she has read Fatima's reply
    assert page.locator("#counter-new_replies .fs-2").inner_text() == "0"
    counter = page.locator("#counter-publication_review")
    assert counter.locator(".fs-2").inner_text() == "1"
    with page.expect_navigation():
        counter.click()
    assert page.locator("tbody tr[data-initiative]").count() == 1
    with page.expect_navigation():
        page.locator(f'tbody tr[data-initiative="{garden.pk}"] a').first.click()
    publication = page.locator("#publication")
    assert "Wacht op controle" in publication.inner_text()
    assert_accessible(page)
    with page.expect_navigation():
        publication.get_by_role("button", name="Publicatie goedkeuren").click()
    assert page.url.endswith("#publication")
    assert success_message(page).is_visible()
    assert "Openbaar" in publication.inner_text()
    publication.locator("summary").click()
    with page.expect_navigation():
        publication.get_by_role("button", name="Offline halen").click()
    assert publication.locator("[data-error-summary][role=alert]").is_visible()
    assert_accessible(page)
    publication.get_by_label("Reden").fill("De school wil eerst zelf de ouders informeren.")
    with page.expect_navigation():
        publication.get_by_role("button", name="Offline halen").click()
    assert "Niet gepubliceerd" in publication.inner_text()
    assert "De school wil eerst zelf de ouders informeren." in publication.inner_text()
    assert_accessible(page)
    garden.refresh_from_db()
    assert (garden.publication, garden.publication_decided_by) == (Publication.HIDDEN, harderwijk.officer)
    shot(page, "5-publication")

    # The same two pages on a phone.
    page.set_viewport_size(PHONE)
    page.goto(reverse("initiatives:dashboard"))
    assert page.locator("tbody tr[data-initiative]").count() == 4
    assert_accessible(page)
    shot(page, "3-dashboard-phone")
    page.goto(reverse("initiatives:officer_detail", args=[playground.pk]))
    assert_accessible(page)
    shot(page, "4-initiative-phone")

    # The resident's tracking page shows the decision, the agreement and the officer's message.
    page.set_viewport_size(DESKTOP)
    token = tracking_token_issue(initiative=playground)
    page.goto(f"/initiatieven/volg/{token}/")
    main = page.locator("main").inner_text()
    assert page.locator(".status-badge.status-decided").first.is_visible()
    assert MOTIVATION in main
    assert AGREEMENT in main
    assert MESSAGE_TEXT in main
    assert str(fund.name) in main
    assert_accessible(page)

    # The decision letter (PDF): made after the decision; the resident opens it from the tracking page.
    letter_link = page.locator("#decision a[data-decision-letter]")
    assert letter_link.is_visible()
    with page.expect_download() as download:
        letter_link.click()
    assert download.value.suggested_filename == f"besluit-{playground.reference}.pdf"
    pdf = Path(download.value.path()).read_bytes()
    assert pdf.startswith(b"%PDF-")
    letter = " ".join("\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages).split())
    assert playground.reference in letter
    assert MOTIVATION in letter
    assert "€ 3.000,00" in letter
    assert "binnen zes weken na de dag waarop dit besluit is verzonden" in letter
    # The officer finds the same letter on the initiative's page.
    page.goto(reverse("initiatives:officer_detail", args=[playground.pk]))
    officer_link = page.locator("#decision a[data-decision-letter]")
    response = page.request.get(officer_link.get_attribute("href"))
    assert response.status == 200 and response.headers["content-type"] == "application/pdf"
    assert response.body() == pdf
