"""A village budget round in Chromium, end to end: the coordinator sets up a round with two
villages in the admin, lets the ideas in, reviews them and prints paper voting codes; voting
opens; one resident votes by mail (first over the budget, which is refused; then confirmed from
the mail file, by keyboard at 390 px), another with a paper code; the round closes, the
scheduler's task publishes the results; the results pages show the winners and the fund shows
the grants. axe-core runs on every page of ours.

Time passes by moving the round's dates in the database, as the calendar would."""

import email
import email.policy
import re
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from budgets.models import Ballot, BudgetRound, Project
from budgets.tasks import rounds_tick_often
from initiatives.models import Grant
from tests.initiatives.factories import InitiativeFactory
from tests.municipalities.factories import FundFactory, MunicipalityFactory, OfficerMembershipFactory
from tests.villages.factories import VillageFactory, VillageOrganisationFactory

from .conftest import assert_accessible, type_app_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "Coordinator-2026!"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def mail_dir(settings, tmp_path):
    settings.EMAIL_BACKEND = "core.mail.FilePerMessageBackend"  # the default without a mail server
    settings.EMAIL_FILE_PATH = str(tmp_path / "mail")
    return Path(settings.EMAIL_FILE_PATH)


def read_mails(mail_dir: Path) -> list[email.message.EmailMessage]:
    messages = []
    for path in sorted(mail_dir.glob("*.log")):
        for raw in path.read_bytes().split(b"\n" + b"-" * 79 + b"\n"):
            if raw.strip():
                messages.append(email.message_from_bytes(raw.strip(), policy=email.policy.default))
    return messages


def plain_body(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


@pytest.fixture
def nunspeet():
    municipality = MunicipalityFactory(name="Nunspeet", slug="nunspeet")
    hulshorst = VillageFactory(name="Hulshorst", slug="hulshorst", municipality=municipality)
    vierhouten = VillageFactory(name="Vierhouten", slug="vierhouten", municipality=municipality)
    VillageOrganisationFactory(village=hulshorst, name="Dorpsbelang Hulshorst", contact_email="bestuur@hulshorst.nl")
    membership = OfficerMembershipFactory(
        municipality=municipality, coordinator=True, user__username="mirjam", user__first_name="Mirjam"
    )
    coordinator = membership.user
    coordinator.set_password(PASSWORD)
    coordinator.save()
    from django.contrib.auth.models import Group

    from accounts.roles import COORDINATOR

    coordinator.groups.add(Group.objects.get(name=COORDINATOR))
    fund = FundFactory(
        municipality=municipality,
        name="Dorpsbudgetten",
        year=timezone.localdate().year,
        budget=Decimal("30000.00"),
        max_per_initiative=None,
        min_own_share_percent=Decimal("0"),
    )
    submitted = timezone.now() - timedelta(days=20)
    for village, title in ((hulshorst, "Speeltuin aan de Bosweg"), (hulshorst, "Bankjes bij de kerk")):
        InitiativeFactory(village=village, title=title, submitted_at=submitted)
    InitiativeFactory(village=vierhouten, title="Jeu-de-boulesbaan", submitted_at=submitted)
    return {"coordinator": coordinator, "fund": fund, "hulshorst": hulshorst, "vierhouten": vierhouten}


def submit(page, selector):
    with page.expect_navigation():
        page.locator(selector).click()


def test_a_round_with_two_villages_from_set_up_to_grants(page, nunspeet, mail_dir):
    coordinator, fund = nunspeet["coordinator"], nunspeet["fund"]
    hulshorst, vierhouten = nunspeet["hulshorst"], nunspeet["vierhouten"]
    today = timezone.localdate()
    page.set_viewport_size(DESKTOP)

    # The coordinator logs in (password and app code) and sets up the round in the admin.
    app = TOTPDevice.objects.create(user=coordinator, name="Telefoon", confirmed=True)
    page.goto(f"/accounts/login/?next={reverse('admin:budgets_budgetround_add')}")
    page.locator("#id_username").fill("mirjam")
    page.locator("#id_password").fill(PASSWORD)
    submit(page, "main form button[type=submit]")
    type_app_code(page, app)
    assert urlsplit(page.url).path == reverse("admin:budgets_budgetround_add")
    page.locator("#id_fund").select_option(str(fund.pk))
    page.locator("#id_name").fill("Dorpsbudget")
    page.locator("#id_year").fill(str(today.year))
    page.locator("#id_total").fill("12000")
    page.locator("#id_ideas_from").fill((today - timedelta(days=30)).isoformat())
    page.locator("#id_ideas_until").fill((today - timedelta(days=5)).isoformat())
    page.locator("#id_voting_from_0").fill((today + timedelta(days=2)).isoformat())
    page.locator("#id_voting_from_1").fill("09:00")
    page.locator("#id_voting_until_0").fill((today + timedelta(days=16)).isoformat())
    page.locator("#id_voting_until_1").fill("17:00")
    page.locator("#id_villages-0-village").select_option(str(hulshorst.pk))
    page.locator("#id_villages-0-amount").fill("6000")
    page.locator("#id_villages-1-village").select_option(str(vierhouten.pk))
    page.locator("#id_villages-1-amount").fill("6000")
    submit(page, "input[name=_save]")
    round = BudgetRound.objects.get()
    assert round.created_by == coordinator and round.villages.count() == 2

    # Her round page: the review phase. She lets the ideas in and reviews the three.
    page.goto(reverse("budgets:round_list"))
    assert_accessible(page)
    submit(page, f"a[href='{reverse('budgets:round_detail', kwargs={'pk': round.pk})}']")
    assert_accessible(page)
    submit(page, "form[action$='/ideeen-ophalen/'] button[type=submit]")
    assert Project.objects.filter(round=round).count() == 3
    costs = {"Speeltuin aan de Bosweg": "4000", "Bankjes bij de kerk": "3000", "Jeu-de-boulesbaan": "2500"}
    for project in Project.objects.filter(round=round).select_related("initiative"):
        page.goto(reverse("budgets:project_review", kwargs={"pk": round.pk, "project": project.pk}))
        page.locator("input[name=feasible][value=yes]").check()
        page.locator("#id_reason").fill("Past binnen de regels en de gemeente kan het uitvoeren.")
        page.locator("#id_cost_estimate").fill(costs[project.initiative.title])
        assert_accessible(page)
        submit(page, "main form button[type=submit]")
    assert Project.objects.on_ballot().filter(round=round).count() == 3

    # Paper voting codes for Vierhouten: printed once.
    vierhouten_budget = round.villages.get(village=vierhouten)
    hulshorst_budget = round.villages.get(village=hulshorst)
    page.goto(reverse("budgets:paper_codes", kwargs={"pk": round.pk, "village": vierhouten_budget.pk}))
    assert_accessible(page)
    page.locator("#id_count").fill("2")
    submit(page, "main form button[type=submit]")
    codes = page.locator(".paper-code").all_inner_texts()
    assert len(codes) == 2
    assert_accessible(page)

    # Voting opens (two days later). The coordinator's session stays aside while residents vote.
    BudgetRound.objects.filter(pk=round.pk).update(voting_from=timezone.now() - timedelta(minutes=1))
    rounds_tick_often()  # the opening mail went out when the ideas period began
    assert any(m["To"] == "bestuur@hulshorst.nl" for m in read_mails(mail_dir))
    staff_cookies = page.context.cookies()
    page.context.clear_cookies()

    # Resident one, on her phone: the round page, then the ballot of Hulshorst.
    page.set_viewport_size(PHONE)
    page.goto(reverse("budgets:round_public", kwargs={"pk": round.pk}))
    assert_accessible(page)
    submit(page, f"a[href='{reverse('budgets:ballot', kwargs={'pk': round.pk, 'village': hulshorst_budget.pk})}']")
    assert_accessible(page)
    boxes = page.locator("fieldset[data-budget] input[type=checkbox]")
    assert boxes.count() == 2
    # By keyboard: both projects (€ 7.000 over € 6.000); the running total says so.
    boxes.nth(0).focus()
    page.keyboard.press("Space")
    page.keyboard.press("Tab")
    page.keyboard.press("Space")
    total = page.locator("[data-budget-total]")
    assert total.is_visible() and "meer dan het budget" in total.inner_text()
    page.locator("#id_age_confirmed").check()
    page.locator("#id_email").fill("anna@example.nl")
    page.locator("#id_wants_results").check()
    submit(page, "main form button[type=submit]")
    summary = page.locator("[data-error-summary]")
    assert summary.is_visible() and "meer dan het budget" in summary.inner_text()
    assert not Ballot.objects.exists()
    assert_accessible(page)
    # Only the playground (the page kept her choices and her address).
    page.locator("label", has_text="Bankjes bij de kerk").click()
    assert "Over:" in total.inner_text()
    submit(page, "main form button[type=submit]")
    assert "verstuurd" in page.url
    assert_accessible(page)
    (mail,) = [m for m in read_mails(mail_dir) if m["To"] == "anna@example.nl"]
    link = re.search(r"https?://\S+/begroten/stem/[\w-]+/", plain_body(mail)).group(0)
    page.goto(urlsplit(link).path)
    assert_accessible(page)
    submit(page, "button[name=confirm]")
    assert page.locator(".site-messages [role=status]").is_visible()
    assert Ballot.objects.counted().count() == 1
    assert_accessible(page)

    # Resident two, in Vierhouten, with the paper code she was handed.
    page.goto(reverse("budgets:ballot", kwargs={"pk": round.pk, "village": vierhouten_budget.pk}))
    page.locator("fieldset[data-budget] input[type=checkbox]").first.check()
    page.locator("#id_age_confirmed").check()
    page.locator("details summary").click()
    page.locator("#id_code").fill(codes[0].lower())
    submit(page, "main form button[type=submit]")
    assert "verstuurd" in page.url and "?paper" in page.url
    assert_accessible(page)
    assert Ballot.objects.counted().count() == 2

    # Voting closes; the scheduler's task publishes the results.
    BudgetRound.objects.filter(pk=round.pk).update(voting_until=timezone.now() - timedelta(minutes=1))
    assert rounds_tick_often()["results"] == 1
    winners = ((hulshorst_budget, "Speeltuin aan de Bosweg"), (vierhouten_budget, "Jeu-de-boulesbaan"))
    for village_budget, winner in winners:
        page.goto(reverse("budgets:results", kwargs={"pk": round.pk, "village": village_budget.pk}))
        table = page.locator("main table").inner_text()
        assert winner in table and "Ja" in table
        assert page.locator("svg[role=img]").count() == 1
        assert_accessible(page)
    page.goto(reverse("budgets:round_public", kwargs={"pk": round.pk}))
    assert "Speeltuin aan de Bosweg" in page.locator("#progress-heading + div").inner_text()
    assert_accessible(page)
    results_mails = [m for m in read_mails(mail_dir) if m["To"] == "anna@example.nl" and "/uitslag/" in plain_body(m)]
    assert len(results_mails) == 1

    # The fund shows the grants: on the round page and in the fund's grants.
    page.set_viewport_size(DESKTOP)
    page.context.add_cookies(staff_cookies)
    page.goto(reverse("budgets:round_detail", kwargs={"pk": round.pk}))
    assert "6.500,00" in page.locator("main dl").inner_text()  # committed from the fund
    assert_accessible(page)
    grants = Grant.objects.filter(fund=fund).select_related("initiative")
    assert sorted((g.initiative.title, g.amount) for g in grants) == [
        ("Jeu-de-boulesbaan", Decimal("2500.00")),
        ("Speeltuin aan de Bosweg", Decimal("4000.00")),
    ]
    page.goto(f"{reverse('admin:initiatives_grant_changelist')}?fund__id__exact={fund.pk}")
    listing = page.locator("#result_list").inner_text()
    assert "Speeltuin aan de Bosweg" in listing and "Jeu-de-boulesbaan" in listing
