"""The intake form in Chromium at phone width: "add a line" adds one in the page with focus in
it, Enter in a field still sends the form, every line is stored; the organisation list offers
only the chosen village's organisations."""

from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone

from initiatives.models import Initiative
from tests.municipalities.factories import MunicipalityFactory
from tests.villages.factories import VillageFactory, VillageOrganisationFactory

from .conftest import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SCREENSHOTS = Path(settings.BASE_DIR) / "var" / "screenshots"


def test_add_cost_lines_in_the_page_and_send(live_server, page):
    village = VillageFactory(name="Elspeet", municipality=MunicipalityFactory(name="Nunspeet"))
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"/initiatieven/nieuw/?dorp={village.pk}")
    assert page.locator("fieldset.cost-line").count() == 1

    add = page.get_by_role("button", name="Kostenregel toevoegen")
    for index in (1, 2):
        add.click()
        assert page.evaluate("document.activeElement.id") == f"id_costs-{index}-description"
    assert page.locator("fieldset.cost-line").count() == 3
    assert page.locator("#id_costs-TOTAL_FORMS").input_value() == "3"
    assert page.get_by_role("group", name="Kostenregel 3").is_visible()
    assert_accessible(page)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.locator("#costs").screenshot(path=str(SCREENSHOTS / "resident-cost-lines.png"))

    for index, (what, amount) in enumerate([("Klimrek", "1800"), ("Schommels", "700"), ("Zand", "300")]):
        page.locator(f"#id_costs-{index}-description").fill(what)
        page.locator(f"#id_costs-{index}-amount").fill(amount)
    page.get_by_role("checkbox", name="Geld", exact=True).check()
    page.get_by_label("Naam van je initiatief").fill("Speeltuin")
    page.get_by_label("Wat wil je bereiken?").fill("Een plek om te spelen.")
    page.get_by_label("Wat wil je doen?").fill("Een klimrek, schommels en zand.")
    page.get_by_label("Bedrag dat je vraagt (euro)").fill("2500")
    page.locator("#id_planned_start").fill((timezone.localdate() + timedelta(days=60)).isoformat())
    page.get_by_label("Je naam").fill("Fatima de Vries")
    page.get_by_label("Ik heb de privacyverklaring gelezen").check()
    email_field = page.get_by_label("Je e-mailadres")
    email_field.fill("fatima@example.nl")
    email_field.press("Enter")  # sends the form: the add button is no default button with JavaScript

    page.wait_for_url("**/initiatieven/nieuw/ontvangen/**")
    initiative = Initiative.objects.get()
    assert sorted(initiative.cost_lines.values_list("description", flat=True)) == ["Klimrek", "Schommels", "Zand"]


def test_the_organisation_list_follows_the_village(live_server, page):
    municipality = MunicipalityFactory(name="Nunspeet")
    elspeet = VillageFactory(name="Elspeet", municipality=municipality)
    vierhouten = VillageFactory(name="Vierhouten", municipality=municipality)
    VillageOrganisationFactory(village=elspeet, name="Dorpshuis Elspeet")
    VillageOrganisationFactory(village=vierhouten, name="IJsclub Vierhouten")
    page.goto("/initiatieven/nieuw/")
    organisation = page.locator("#id_organisation")

    def offered():
        return organisation.locator("option").all_inner_texts()

    assert offered() == ["Geen organisatie", "Dorpshuis Elspeet", "IJsclub Vierhouten"]  # grouped by village
    page.locator("#id_village").select_option(label="Elspeet")
    assert offered() == ["Geen organisatie", "Dorpshuis Elspeet"]
    organisation.select_option(label="Dorpshuis Elspeet")
    page.locator("#id_village").select_option(label="Vierhouten")
    assert offered() == ["Geen organisatie", "IJsclub Vierhouten"]
    assert organisation.input_value() == ""  # the other village's organisation is no longer chosen
    assert_accessible(page)
