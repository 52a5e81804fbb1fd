"""The mandate journey in Chromium: an officer decides on two contributions above the municipality's
mandate, which become proposals (nothing decided, the initiator not told); she signs out; a
coordinator signs in with two-step verification, finds the proposals through the dashboard's
counter, sends one back (a reason is required) and approves the other: the money is committed and
the initiator gets the decision. axe-core runs on every page; screenshots land in var/screenshots/.

Elements are found by id, name, CSS or URL, never by visible text: the UI's words may change."""

from decimal import Decimal
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from initiatives.constants import GrantStatus, ProposalStatus, Status
from initiatives.models import Decision, DecisionProposal, Grant, Initiative
from notifications.models import OutboxMail
from tests.initiatives.factories import CostLineFactory, InitiativeFactory
from tests.municipalities.factories import FundFactory, MunicipalityFactory, OfficerMembershipFactory
from tests.villages.factories import VillageFactory

from .conftest import assert_accessible, type_app_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SCREENSHOTS = Path(settings.BASE_DIR) / "var" / "screenshots"
PASSWORD = "Dorpsregisseur-2026!"
PHONE = {"width": 390, "height": 844}

KITCHEN = "Het dorpshuis krijgt een nieuwe keuken, zodat de buurt er samen kan koken."
SHED = "Een nieuwe schuur voor de materialen van de speeltuin."
SEND_BACK_REASON = "Vraag eerst een tweede offerte aan; dan kijken we opnieuw."


def shot(page, name):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"mandate-{name}.png"), full_page=True)


def submit(page, form_selector):
    with page.expect_navigation():
        page.locator(f"{form_selector} button[type=submit]").click()


def sign_in(page, username, device):
    page.goto(f"/accounts/login/?next={reverse('initiatives:dashboard')}")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(PASSWORD)
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    assert urlsplit(page.url).path == reverse("accounts:mfa_verify")
    type_app_code(page, device)
    page.wait_for_url("**/dashboard/")


def staff(municipality, username, first_name, **kwargs):
    membership = OfficerMembershipFactory(
        municipality=municipality, user__username=username, user__first_name=first_name, **kwargs
    )
    user = membership.user
    user.set_password(PASSWORD)
    user.save()
    return user, TOTPDevice.objects.create(user=user, name="Telefoon", confirmed=True)


@pytest.fixture
def ermelo():
    municipality = MunicipalityFactory(name="Ermelo", slug="ermelo", mandate_amount=Decimal("2500.00"))
    speuld = VillageFactory(name="Speuld", slug="speuld", municipality=municipality)
    officer, officer_app = staff(municipality, "annelies", "Annelies")
    coordinator, coordinator_app = staff(municipality, "marieke", "Marieke", coordinator=True)
    fund = FundFactory(
        municipality=municipality,
        name="Dorpenfonds",
        year=timezone.localdate().year,
        budget=Decimal("10000.00"),
        max_per_initiative=Decimal("5000.00"),
        min_own_share_percent=Decimal("25.00"),
    )
    kitchen = InitiativeFactory(
        in_conversation=True,
        village=speuld,
        title="Keuken in het dorpshuis",
        initiator_email="joke@example.nl",
        amount_requested=Decimal("4000.00"),
        total_cost=Decimal("6000.00"),
        assigned_officer=officer,
    )
    CostLineFactory(initiative=kitchen, description="Keukenblok", amount=Decimal("6000.00"))
    shed = InitiativeFactory(
        intake=True,
        village=speuld,
        title="Schuur bij de speeltuin",
        initiator_email="kees@example.nl",
        amount_requested=Decimal("3500.00"),
        total_cost=Decimal("5000.00"),
        assigned_officer=officer,
    )
    CostLineFactory(initiative=shed, description="Schuur", amount=Decimal("5000.00"))
    return municipality, officer, officer_app, coordinator, coordinator_app, fund, kitchen, shed


def propose(page, initiative, fund, amount, motivation):
    page.goto(reverse("initiatives:officer_detail", args=[initiative.pk]))
    assert page.locator("#mandate-words").is_visible()  # the mandate is named above the form
    page.locator("input[name=decision-outcome][value=supported]").check()
    page.locator("#id_decision-motivation").fill(motivation)
    page.locator("#id_decision-fund").select_option(str(fund.pk))
    page.locator("#id_decision-amount").fill(amount)
    submit(page, "form[aria-labelledby=decide-heading]")
    assert page.url.endswith("#decision")
    assert page.locator(".site-messages [role=status]").is_visible()


def test_officer_proposes_above_the_mandate_and_a_coordinator_approves(page, ermelo):
    municipality, officer, officer_app, coordinator, coordinator_app, fund, kitchen, shed = ermelo

    # The officer decides € 4000 and € 3500: both above the mandate of € 2500, so both wait.
    sign_in(page, "annelies", officer_app)
    propose(page, kitchen, fund, "4000", KITCHEN)
    box = page.locator("#proposal")
    assert box.is_visible()
    assert box.locator(".badge").is_visible()
    assert page.locator("#proposal-withdraw-form").is_visible()  # her own: she may withdraw it
    assert page.locator("#proposal-approve-form").count() == 0  # but never approve it
    assert page.locator("form[aria-labelledby=decide-heading]").count() == 0  # no second decision
    assert page.locator("#history .timeline-proposal").count() == 1
    assert_accessible(page)
    shot(page, "1-proposed")
    propose(page, shed, fund, "3500", SHED)
    kitchen.refresh_from_db()
    assert kitchen.status == Status.IN_CONVERSATION
    assert not Decision.objects.exists() and not Grant.objects.exists()
    assert not OutboxMail.objects.filter(to__in=["joke@example.nl", "kees@example.nl"]).exists()
    assert OutboxMail.objects.filter(to=coordinator.email, template="initiatives/email/proposal_waiting").count() == 2

    # She signs out; the coordinator signs in and finds both through the dashboard's counter.
    with page.expect_navigation():
        page.locator("form[action='/accounts/logout/'] [type=submit]").click()
    sign_in(page, "marieke", coordinator_app)
    counter = page.locator("#counter-approval")
    assert counter.locator(".fs-2").inner_text() == "2"
    with page.expect_navigation():
        counter.click()
    assert page.locator("tbody tr[data-initiative]").count() == 2
    assert_accessible(page)
    shot(page, "2-dashboard")

    # The shed goes back: without a reason the form says what is missing, then with one.
    with page.expect_navigation():
        page.locator(f'tbody tr[data-initiative="{shed.pk}"] a[href$="/{shed.pk}/"]').first.click()
    page.locator("#proposal details summary").click()
    submit(page, "#proposal-send-back-form")
    summary = page.locator("#proposal [data-error-summary][role=alert]")
    assert summary.is_visible()
    assert_accessible(page)
    page.locator("#id_proposal_send_back-reason").fill(SEND_BACK_REASON)
    submit(page, "#proposal-send-back-form")
    assert page.locator(".site-messages [role=status]").is_visible()
    assert page.locator("#proposal").count() == 0
    assert SEND_BACK_REASON in page.locator("#history .timeline-proposal_review").first.inner_text()
    proposal = DecisionProposal.objects.get(initiative=shed)
    assert (proposal.status, proposal.reviewed_by, proposal.reason) == (
        ProposalStatus.SENT_BACK,
        coordinator,
        SEND_BACK_REASON,
    )
    assert OutboxMail.objects.filter(to=officer.email, template="initiatives/email/proposal_sent_back").exists()

    # The kitchen is approved: decided, € 4000 committed from the fund, the initiator told.
    page.goto(reverse("initiatives:officer_detail", args=[kitchen.pk]))
    assert KITCHEN in page.locator("#proposal").inner_text()
    assert_accessible(page)
    shot(page, "3-review")
    submit(page, "#proposal-approve-form")
    assert page.url.endswith("#decision")
    assert page.locator(".site-messages [role=status]").is_visible()
    assert page.locator("header .status-badge.status-decided").is_visible()
    assert page.locator("#proposal").count() == 0
    assert KITCHEN in page.locator("#decision").inner_text()
    assert page.locator("#grants li.list-group-item").count() == 1
    decision = Decision.objects.get(initiative=kitchen)
    assert (decision.decided_by, decision.approved_by) == (officer, coordinator)
    grant = Grant.objects.get(initiative=kitchen)
    assert (grant.amount, grant.fund, grant.status) == (Decimal("4000.00"), fund, GrantStatus.COMMITTED)
    assert OutboxMail.objects.filter(to="joke@example.nl", template="initiatives/email/decision").exists()
    assert not OutboxMail.objects.filter(to="kees@example.nl").exists()
    assert_accessible(page)
    shot(page, "4-approved")

    # Nothing waits any more; the same page on a phone.
    page.goto(reverse("initiatives:dashboard"))
    assert page.locator("#counter-approval .fs-2").inner_text() == "0"
    page.set_viewport_size(PHONE)
    page.goto(reverse("initiatives:officer_detail", args=[kitchen.pk]))
    assert_accessible(page)
    shot(page, "5-approved-phone")
    assert Initiative.objects.get(pk=shed.pk).status == Status.INTAKE
