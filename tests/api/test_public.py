"""The public open-data API: what it shows, what it never shows, filters, pages, CSV, rate limit."""

from decimal import Decimal

import pytest
from django.core.cache import cache
from django.urls import reverse

from core.csv import BOM, spreadsheet_rows
from initiatives.constants import DecisionOutcome, GrantStatus, Status
from tests.initiatives.factories import DecisionFactory, GrantFactory, InitiativeFactory, MessageFactory
from tests.municipalities.factories import FundFactory, MunicipalityFactory
from tests.villages.factories import VillageFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_limits():
    cache.clear()


@pytest.fixture
def world():
    a = MunicipalityFactory(name="Nunspeet", slug="nunspeet")
    b = MunicipalityFactory(name="Oldebroek", slug="oldebroek")
    inactive = MunicipalityFactory(name="Slapend", slug="slapend", is_active=False)
    village_a = VillageFactory(municipality=a, name="Hulshorst", slug="hulshorst")
    village_b = VillageFactory(municipality=b, name="Wezep", slug="wezep")
    VillageFactory(municipality=inactive)
    published = InitiativeFactory(village=village_a, title="Speeltuin Hulshorst", decided=True)
    hidden = InitiativeFactory(village=village_a, publication_hidden=True, title="Verborgen plan")
    no_consent = InitiativeFactory(village=village_b, publication_consent=False, title="Zonder toestemming")
    other = InitiativeFactory(village=village_b, title="Bankje Wezep")
    fund = FundFactory(municipality=a, budget=Decimal("10000.00"))
    decision = DecisionFactory(initiative=published, outcome=DecisionOutcome.SUPPORTED, motivation="Goed plan.")
    GrantFactory(initiative=published, decision=decision, fund=fund, amount=Decimal("1500.00"))
    GrantFactory(initiative=published, fund=fund, amount=Decimal("500.00"), status=GrantStatus.WITHDRAWN)
    DecisionFactory(initiative=hidden, outcome=DecisionOutcome.NOT_SUPPORTED, motivation="Geheim.")
    MessageFactory(initiative=published, body="Mijn telefoonnummer is 0612345678")
    return locals()


def get_json(client, name, **params):
    kwargs = params.pop("kwargs", {})
    response = client.get(reverse(f"api:{name}", kwargs=kwargs), params)
    assert response.status_code == 200, response.content
    return response.json()


def test_initiatives_are_the_published_ones_without_personal_data(client, world):
    data = get_json(client, "initiative_list")
    assert data["count"] == 2
    titles = {row["title"] for row in data["results"]}
    assert titles == {"Speeltuin Hulshorst", "Bankje Wezep"}
    published = world["published"]
    body = client.get(reverse("api:initiative_list")).content.decode()
    for secret in (published.initiator_name, published.initiator_email, published.initiator_phone, "0612345678"):
        assert secret not in body
    for row in data["results"]:
        assert not {key for key in row if key.startswith("initiator")}
        assert "messages" not in row


def test_an_unpublished_initiative_answers_404(client, world):
    for initiative in (world["hidden"], world["no_consent"]):
        url = reverse("api:initiative_detail", kwargs={"reference": initiative.reference})
        assert client.get(url).status_code == 404
    detail = get_json(client, "initiative_detail", kwargs={"reference": world["published"].reference})
    assert detail["decisions"] == [
        {"outcome": "supported", "motivation": "Goed plan.", "decided_at": detail["decisions"][0]["decided_at"]}
    ]
    assert detail["village"] == "hulshorst" and detail["municipality"] == "nunspeet"


def test_initiatives_filter(client, world):
    assert get_json(client, "initiative_list", municipality="oldebroek")["count"] == 1
    assert get_json(client, "initiative_list", village="hulshorst")["count"] == 1
    assert get_json(client, "initiative_list", status=Status.DECIDED)["count"] == 1
    response = client.get(reverse("api:initiative_list"), {"status": "nonsense"})
    assert response.status_code == 400


def test_decisions_only_of_published_initiatives_with_the_money_granted(client, world):
    data = get_json(client, "decision_list")
    assert data["count"] == 1
    row = data["results"][0]
    assert row["initiative"] == world["published"].reference
    assert row["motivation"] == "Goed plan."
    assert row["granted"] == "1500.00"


def test_funds_with_rules_and_remaining_budget(client, world):
    data = get_json(client, "fund_list", municipality="nunspeet")
    assert data["count"] == 1
    fund = data["results"][0]
    assert fund["budget"] == "10000.00"
    assert fund["committed"] == "1500.00"
    assert fund["remaining"] == "8500.00"
    assert fund["max_per_initiative"] == "5000.00"
    assert get_json(client, "fund_detail", kwargs={"pk": world["fund"].pk})["remaining"] == "8500.00"


def test_municipalities_and_villages_of_active_municipalities_only(client, world):
    slugs = [row["slug"] for row in get_json(client, "municipality_list")["results"]]
    assert slugs == ["nunspeet", "oldebroek"]
    assert client.get(reverse("api:municipality_detail", kwargs={"slug": "slapend"})).status_code == 404
    villages = get_json(client, "village_list")["results"]
    assert {row["slug"] for row in villages} == {"hulshorst", "wezep"}
    assert [row["slug"] for row in get_json(client, "village_list", municipality="oldebroek")["results"]] == ["wezep"]


def test_statistics_per_municipality(client, world):
    rows = {row["municipality"]: row for row in get_json(client, "statistics_list")["results"]}
    assert rows["nunspeet"]["initiatives"] == 2
    assert rows["nunspeet"]["published"] == 1
    assert rows["nunspeet"]["supported"] == 1
    assert rows["nunspeet"]["not_supported"] == 1
    assert rows["nunspeet"]["granted"] == "1500.00"
    assert rows["oldebroek"]["initiatives"] == 2 and rows["oldebroek"]["granted"] == "0.00"
    assert "slapend" not in rows


def test_pagination(client, world):
    data = get_json(client, "initiative_list", page_size=1)
    assert data["count"] == 2 and len(data["results"]) == 1 and data["next"]
    assert client.get(reverse("api:initiative_list"), {"page": 99}).status_code == 404


def test_csv_for_spreadsheets(client, world):
    response = client.get(reverse("api:fund_list"), {"format": "csv"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    text = response.content.decode("utf-8")
    assert text.startswith(BOM)
    header, row = spreadsheet_rows(text)
    assert header[:3] == ["id", "municipality", "name"]
    assert row[header.index("remaining")] == "8500.00"
    initiatives = spreadsheet_rows(client.get(reverse("api:initiative_list"), {"format": "csv"}).content.decode())
    assert "initiator_name" not in initiatives[0] and len(initiatives) == 3


def test_rate_limit_per_client(client, world, settings):
    settings.API_PUBLIC_RATE = "3/min"
    url = reverse("api:municipality_list")
    assert [client.get(url).status_code for _ in range(4)] == [200, 200, 200, 429]
    assert client.get(url, REMOTE_ADDR="10.0.0.9").status_code == 200


def test_schema_and_docs_page(client, world):
    schema = client.get(reverse("api:schema"))
    assert schema.status_code == 200
    assert b"openapi: 3" in schema.content and b"/api/v1/initiatives/" in schema.content
    public = client.get(reverse("api:schema"), {"format": "json"}).json()["components"]["schemas"]["Initiative"]
    assert not [name for name in public["properties"] if name.startswith("initiator")]
    page = client.get(reverse("api:docs"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "<h1>" in html and 'id="swagger-ui"' in html
    assert "swagger-ui-bundle.js" in html and "cdn" not in html.lower()
    assert "<style" not in html
    # Every script has a src: the strict CSP needs no exception.
    assert html.count("<script") == html.count("<script src=")
    assert "'unsafe-inline'" not in page["Content-Security-Policy"]
    script = client.get(reverse("api:docs"), {"script": ""})
    assert script.status_code == 200 and script["Content-Type"].startswith("application/javascript")
    assert b"/api/schema/" in script.content
